/**
 * The TinyML Lens extension: starts the language server and adapts what it computes to VS Code — commands, the model
 * listing, the status bar, the cost-profile webview. Analysis never happens here; the server answers.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CommandIds, registerCommands } from './commands.js';
import type { ExtensionState } from './context.js';
import { CostProfilePanel, type PanelState } from './cost-profile/panel.js';
import { registerListing } from './listing.js';
import { isManifestDocument } from './manifests.js';
import { watchFloatModels } from './float-models.js';
import { createClient } from './server-client.js';
import { updateTfjsContext } from './pick-model.js';
import { ManifestStatus } from './status-bar.js';
import { registerModelViewer, type ViewerApi } from './viewer/provider.js';

let client: LanguageClient | undefined;

/** What activate() returns: read-only views for tests (the mocha suite reads them through `extension.exports`). */
export interface TinymlLensApi {
  costProfileState(): PanelState;
  statusText(): string | null;
  /** The status item's state ('ok' | 'warning' | 'error' | 'create', null when hidden) and its tooltip's Markdown. */
  statusState(): { kind: string | null; tooltip: string | null };
  refreshStatus(): Promise<void>;
  /** The open model viewers (custom editors of .tflite / model.json). */
  viewers: ViewerApi['viewers'];
}

export async function activate(context: vscode.ExtensionContext): Promise<TinymlLensApi> {
  const output = vscode.window.createOutputChannel('TinyML Lens', { log: true });
  const created = createClient(context, output);
  client = created.client;
  const costProfile = new CostProfilePanel(context.extensionUri, client);
  const state: ExtensionState = { extension: context, client, policy: created.policy, output, costProfile, lastManifest: undefined };
  const status = new ManifestStatus(client, { costProfile: CommandIds.showCostProfile, createManifest: CommandIds.createManifest });
  const viewer = registerModelViewer(context, client);
  const remember = (editor: vscode.TextEditor | undefined): void => {
    if (editor && isManifestDocument(editor.document)) state.lastManifest = editor.document.uri;
  };
  remember(vscode.window.activeTextEditor);
  context.subscriptions.push(
    output,
    costProfile,
    status,
    ...registerCommands(state),
    ...registerListing(client),
    ...viewer.disposables,
    vscode.window.onDidChangeActiveTextEditor(remember),
  );
  const tfjsWatcher = vscode.workspace.createFileSystemWatcher('**/model.json');
  const tfjsContext = (): void => void updateTfjsContext().catch(() => undefined);
  context.subscriptions.push(tfjsWatcher, tfjsWatcher.onDidCreate(tfjsContext), tfjsWatcher.onDidChange(tfjsContext), tfjsWatcher.onDidDelete(tfjsContext));
  tfjsContext();
  await client.start();
  context.subscriptions.push(client, ...watchFloatModels(client, output));
  void status.refresh();
  return { costProfileState: () => costProfile.state(), statusText: () => status.text, statusState: () => ({ kind: status.kind, tooltip: status.tooltip }), refreshStatus: () => status.refresh(), viewers: viewer.api.viewers };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
