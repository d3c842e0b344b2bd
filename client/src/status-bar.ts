/**
 * The status bar item. For the active manifest: "$(error) nrf52840 · RAM 79% · latency over", red when a budget or
 * the board is exceeded, an operator cannot run or the manifest has errors, yellow for warnings; the tooltip lists
 * what is over and by how much (status-state.ts). A manifest the server cannot profile (a parse error) keeps the item,
 * showing its errors. With models in the workspace but no manifest, the item offers "Create Deployment Manifest".
 * The figures come from the server's cost-profile request, re-asked whenever the manifest's diagnostics change.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CostProfileRequest, type CostProfileResult } from '../../server/src/lsp/protocol.js';
import { isManifestDocument } from './manifests.js';
import { onQuietEdit } from './settled.js';
import { MODEL_GLOB } from './pick-model.js';
import { statusState, type StatusDiagnostic } from './status-state.js';

/** The files that decide the first-run offer: manifests, and models that could have one. */
const MANIFEST_GLOB = '**/{*.tinyml.yaml,*.tinyml.json,tinyml.yaml}';
const EXCLUDE = '**/{node_modules,.git}/**';

/** Commands the item runs. */
export interface StatusCommands {
  readonly costProfile: string;
  readonly createManifest: string;
}

export class ManifestStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tinymlLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Counts requests so a slow answer for an older editor never overwrites a newer one. */
  private generation = 0;
  /** Whether the workspace holds a manifest, and a model (null until counted). */
  private files: { manifests: boolean; models: boolean } | null = null;
  /** The last text shown (tests read it through the extension's API). */
  text: string | null = null;
  /** The last state shown: 'ok' | 'warning' | 'error' | 'create' | null (hidden). */
  kind: string | null = null;
  tooltip: string | null = null;

  constructor(private readonly client: LanguageClient, private readonly commands: StatusCommands) {
    this.item.name = 'TinyML Lens';
    const watcher = vscode.workspace.createFileSystemWatcher('**/{*.tflite,*.onnx,*.keras,*.h5,*.hdf5,model.json,*.tinyml.yaml,*.tinyml.json,tinyml.yaml}', false, true, false);
    const recount = (): void => {
      this.files = null;
      void this.refresh();
    };
    this.subscriptions.push(
      watcher,
      watcher.onDidCreate(recount),
      watcher.onDidDelete(recount),
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) void this.refresh();
      }),
      onQuietEdit(this.client, (u) => u.toString() === vscode.window.activeTextEditor?.document.uri.toString() && isManifestDocument(vscode.window.activeTextEditor.document), () => void this.refresh()),
    );
  }

  /** Re-asks the server for the active editor's manifest, or shows the first-run offer. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !isManifestDocument(doc)) {
      // A webview or the output panel taking the focus is not a reason to hide what the user was looking at.
      if (vscode.window.activeTextEditor || this.kind === null || this.kind === 'create') await this.offerManifest(generation);
      return;
    }
    let result: CostProfileResult | null;
    try {
      result = await this.client.sendRequest(CostProfileRequest.type, { uri: doc.uri.toString() });
    } catch {
      result = null;
    }
    if (generation !== this.generation) return;
    const diagnostics: StatusDiagnostic[] = vscode.languages.getDiagnostics(doc.uri)
      .filter((d) => d.source === 'tinyml-lens')
      .map((d) => ({ code: codeOf(d), severity: d.severity, message: d.message, line: d.range.start.line }));
    const state = statusState(result, diagnostics);
    this.show(state.text, state.tooltip, state.background ?? 'ok', result?.kind === 'ok' ? this.commands.costProfile : 'workbench.actions.view.problems');
    this.item.backgroundColor = state.background ? new vscode.ThemeColor(`statusBarItem.${state.background}Background`) : undefined;
  }

  /** Models and no manifest in the workspace: offer to create one; else hide. */
  private async offerManifest(generation: number): Promise<void> {
    if (!this.files) {
      const [manifests, models] = await Promise.all([
        vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE, 1),
        vscode.workspace.findFiles(MODEL_GLOB, EXCLUDE, 1),
      ]);
      this.files = { manifests: manifests.length > 0, models: models.length > 0 };
    }
    if (generation !== this.generation) return;
    if (this.files.manifests || !this.files.models) return this.hide();
    this.show('$(new-file) Create Deployment Manifest', '**TinyML Lens**: this workspace has models but no deployment manifest. Create one to check a model against a board and its budgets as you type.', 'create', this.commands.createManifest);
    this.item.backgroundColor = undefined;
  }

  private show(text: string, tooltip: string, kind: string, command: string): void {
    this.text = text.replace(/^\$\([\w~-]+\) /, '');
    this.kind = kind;
    this.tooltip = tooltip;
    this.item.text = text;
    const markdown = new vscode.MarkdownString(tooltip, true);
    this.item.tooltip = markdown;
    this.item.command = command;
    this.item.accessibilityInformation = { label: `TinyML Lens: ${this.text}` };
    this.item.show();
  }

  private hide(): void {
    this.text = null;
    this.kind = null;
    this.tooltip = null;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function codeOf(d: vscode.Diagnostic): string | null {
  const c = d.code;
  if (c === undefined) return null;
  return typeof c === 'object' ? String(c.value) : String(c);
}
