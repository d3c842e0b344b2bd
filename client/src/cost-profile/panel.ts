/**
 * The cost-profile webview host: one panel following one manifest. It asks the server for the profile, posts it to the
 * page, and re-asks whenever the server re-publishes the manifest's diagnostics (an edit, or its model changed on
 * disk) or has checked an edit that left them as they were (`onQuietEdit`), so the page updates live. The page only renders; edits of assumptions and exports come back here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CostProfileRequest, type CostProfileResult } from '../../../server/src/lsp/protocol.js';
import { onQuietEdit } from '../settled.js';
import { revealAssumption } from './edit-assumption.js';
import { toJson, toMarkdown } from './export.js';
import { nonce, pageHtml, pageRoots } from './html.js';
import type { FromWebview, ToWebview } from './messages.js';

/** What tests (and the status of the panel) can observe. */
export interface PanelState {
  readonly open: boolean;
  readonly manifest: string | null;
  readonly ready: boolean;
  readonly renders: number;
  readonly figures: Readonly<Record<string, string>>;
  readonly charts: number;
}

export class CostProfilePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private manifest: vscode.Uri | undefined;
  private last: CostProfileResult | undefined;
  private ready = false;
  private renders = 0;
  private figures: Readonly<Record<string, string>> = {};
  private charts = 0;
  private generation = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
  ) {
    // A model rewritten on disk changes the profile even when the manifest's diagnostics stay the same.
    const models = vscode.workspace.createFileSystemWatcher('**/{*.tflite,model.json}', true, false, true);
    this.subscriptions.push(
      vscode.languages.onDidChangeDiagnostics((e) => {
        const m = this.manifest?.toString();
        if (this.panel && m && e.uris.some((u) => u.toString() === m)) void this.update();
      }),
      onQuietEdit(client, (u) => this.panel !== undefined && u.toString() === this.manifest?.toString(), () => void this.update()),
      models,
      models.onDidChange(() => {
        if (this.panel) void this.update();
      }),
    );
  }

  /** Opens (or re-targets) the panel for a manifest. */
  async show(manifest: vscode.Uri): Promise<void> {
    // The server answers only for documents it has open.
    await vscode.workspace.openTextDocument(manifest);
    this.manifest = manifest;
    if (!this.panel) this.create();
    this.panel!.title = `Cost Profile: ${vscode.workspace.asRelativePath(manifest)}`;
    this.panel!.reveal(undefined, true);
    await this.update();
  }

  /** The observable state. */
  state(): PanelState {
    return { open: this.panel !== undefined, manifest: this.manifest?.toString() ?? null, ready: this.ready, renders: this.renders, figures: this.figures, charts: this.charts };
  }

  private create(): void {
    const roots = pageRoots(this.extensionUri);
    const panel = vscode.window.createWebviewPanel('tinymlLens.costProfile', 'Cost Profile', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [roots.media, roots.bundle],
      // Charts are cheap to redraw; keeping a hidden webview alive is not worth its memory.
      retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(roots.media, 'icon.svg');
    const w = panel.webview;
    w.html = pageHtml(w, roots, nonce());
    w.onDidReceiveMessage((m: FromWebview) => this.onMessage(m), undefined, this.subscriptions);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    }, undefined, this.subscriptions);
    this.panel = panel;
    this.ready = false;
  }

  private async update(): Promise<void> {
    const manifest = this.manifest;
    if (!manifest || !this.panel) return;
    const generation = ++this.generation;
    let result: CostProfileResult;
    try {
      result = await this.client.sendRequest(CostProfileRequest.type, { uri: manifest.toString() });
    } catch (e) {
      result = { kind: 'unavailable', uri: manifest.toString(), reason: `the server did not answer: ${(e as Error).message}` };
    }
    if (generation !== this.generation) return;
    this.last = result;
    this.post();
  }

  private post(): void {
    if (!this.panel || !this.ready || !this.last) return;
    const message: ToWebview = { type: 'profile', result: this.last, trusted: vscode.workspace.isTrusted };
    void this.panel.webview.postMessage(message);
  }

  private onMessage(m: FromWebview): void {
    switch (m.type) {
      case 'ready':
        // The page (re)loaded: it has nothing until we post.
        this.ready = true;
        this.post();
        break;
      case 'rendered':
        this.renders++;
        this.figures = m.figures;
        this.charts = m.charts;
        break;
      case 'edit':
        if (this.manifest) void revealAssumption(this.manifest, m.key, this.last);
        break;
      case 'export':
        void this.export(m.format);
        break;
    }
  }

  /**
   * Exports the current profile into an unsaved document: the user saves it where they like, and since nothing is
   * written, an untrusted workspace needs no special case. Resolves to the text exported.
   */
  async export(format: 'markdown' | 'json'): Promise<string | undefined> {
    const r = this.last;
    if (!r || r.kind !== 'ok') {
      void vscode.window.showInformationMessage('Open a cost profile first (TinyML: Show Cost Profile).');
      return undefined;
    }
    const text = format === 'json' ? toJson(r) : toMarkdown(r);
    const doc = await vscode.workspace.openTextDocument({ language: format === 'json' ? 'json' : 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: false });
    return text;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
