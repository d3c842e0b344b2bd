/**
 * The model viewer as a read-only custom editor: the default editor of `*.tflite`, offered ("Open With…") for TF.js
 * `model.json` and for the source models the server converts (`.onnx`, `.keras`, `.h5`: the converted model's graph
 * and plan, labelled as converted; "option" only, so another extension's viewer of those files stays the default). Nothing is ever written, so it works the same in an untrusted workspace. Commands: open a model in the
 * viewer, compare the active viewer with another model or runtime.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { pickModelFile } from './pick-model.js';
import { ViewerSession, type SessionState } from './session.js';

/** The custom editors' view types (package.json `customEditors`). */
export const VIEW_TYPES = { tflite: 'tinymlLens.modelViewer', tfjs: 'tinymlLens.tfjsModelViewer', source: 'tinymlLens.sourceModelViewer' } as const;

/** The view type that opens `path`. */
export function viewTypeFor(path: string): string {
  if (/(^|[./])model\.json$/i.test(path)) return VIEW_TYPES.tfjs;
  return /\.(onnx|keras|h5|hdf5)$/i.test(path) ? VIEW_TYPES.source : VIEW_TYPES.tflite;
}

/** The viewer's commands (package.json `commands`). */
export const VIEWER_COMMANDS = {
  open: 'tinymlLens.openModelViewer',
  compareWith: 'tinymlLens.viewerCompareWith',
  compareRuntimes: 'tinymlLens.viewerCompareRuntimes',
} as const;

class ModelViewerProvider implements vscode.CustomReadonlyEditorProvider {
  readonly sessions = new Set<ViewerSession>();
  /** The viewer most recently active, for the compare commands run from the palette. */
  active: ViewerSession | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly client: LanguageClient) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const session = new ViewerSession(panel, document.uri, this.client, this.extensionUri, pickModelFile);
    this.sessions.add(session);
    this.active = session;
    panel.onDidChangeViewState(() => {
      if (panel.active) this.active = session;
    });
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      if (this.active === session) this.active = undefined;
      session.dispose();
    });
  }
}

/** What tests read of the viewers. */
export interface ViewerApi {
  viewers(): SessionState[];
}

/** Registers both custom editors and the viewer's commands. */
export function registerModelViewer(context: vscode.ExtensionContext, client: LanguageClient): { disposables: vscode.Disposable[]; api: ViewerApi } {
  const provider = new ModelViewerProvider(context.extensionUri, client);
  const options = { webviewOptions: { retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: true };
  const activeOr = (): ViewerSession | undefined => {
    const s = provider.active;
    if (!s) void vscode.window.showInformationMessage('Open a model in the model viewer first (click a .tflite file).');
    return s;
  };
  const disposables = [
    vscode.window.registerCustomEditorProvider(VIEW_TYPES.tflite, provider, options),
    vscode.window.registerCustomEditorProvider(VIEW_TYPES.tfjs, provider, options),
    vscode.window.registerCustomEditorProvider(VIEW_TYPES.source, provider, options),
    vscode.commands.registerCommand(VIEWER_COMMANDS.open, async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri ?? (await pickModelFile(null));
      if (!uri) return;
      await vscode.commands.executeCommand('vscode.openWith', uri, viewTypeFor(uri.path));
    }),
    vscode.commands.registerCommand(VIEWER_COMMANDS.compareWith, (arg?: unknown) => activeOr()?.compareWith(arg instanceof vscode.Uri ? arg : undefined)),
    vscode.commands.registerCommand(VIEWER_COMMANDS.compareRuntimes, (runtime?: unknown, target?: unknown) =>
      activeOr()?.compareRuntime(typeof runtime === 'string' ? { runtime, target: typeof target === 'string' ? target : '' } : undefined)),
  ];
  return { disposables, api: { viewers: () => [...provider.sessions].map((s) => s.state()) } };
}
