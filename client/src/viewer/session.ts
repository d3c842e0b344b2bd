/**
 * One open model viewer: a webview panel following one model file (and, in compare mode, a second model or the same
 * model on another runtime or target). It asks the server for the figures (`tinymlLens/viewer`), posts them to the
 * page, and asks again when a picker changes or a model file changes on disk. The page only draws.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ViewerRequest, type ViewerResult } from '../../../server/src/lsp/viewer-protocol.js';
import { nonce, pageRoots } from '../cost-profile/html.js';
import { viewerHtml } from './html.js';
import type { FromWebview, RenderedState, SideOptions, ToWebview, ViewSide } from './messages.js';

/** What tests can observe of a session. */
export interface SessionState {
  readonly uri: string;
  readonly compareUri: string | null;
  readonly renders: number;
  readonly rendered: RenderedState | null;
}

interface Side {
  uri: vscode.Uri;
  /** Null until the first answer says which runtime and target the server chose. */
  options: SideOptions | null;
}

export class ViewerSession implements vscode.Disposable {
  private readonly sides: [Side, Side | null];
  private ready = false;
  private generation = 0;
  private renders = 0;
  private rendered: RenderedState | null = null;
  private last: { primary: ViewSide; compare: ViewSide | null } | null = null;
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly client: LanguageClient,
    extensionUri: vscode.Uri,
    /** Asks the user for a model to compare with (null: cancelled). */
    private readonly pickModel: (exclude: vscode.Uri) => Promise<vscode.Uri | null>,
  ) {
    this.sides = [{ uri, options: null }, null];
    const roots = pageRoots(extensionUri);
    const w = panel.webview;
    w.options = { enableScripts: true, localResourceRoots: [roots.media, roots.bundle] };
    panel.iconPath = vscode.Uri.joinPath(roots.media, 'icon.svg');
    w.html = viewerHtml(w, roots, nonce(), `Model viewer: ${baseName(uri)}`);
    w.onDidReceiveMessage((m: FromWebview) => this.onMessage(m), undefined, this.subscriptions);
    this.watch();
  }

  /** The observable state. */
  state(): SessionState {
    return { uri: this.uri.toString(), compareUri: this.sides[1]?.uri.toString() ?? null, renders: this.renders, rendered: this.rendered };
  }

  /** Compare mode with another model file (picked by the user when not given). */
  async compareWith(other?: vscode.Uri): Promise<void> {
    const uri = other ?? (await this.pickModel(this.uri));
    if (!uri) return;
    this.sides[1] = { uri, options: this.sides[0].options };
    this.watch();
    await this.update();
  }

  /** Compare mode with this model on another runtime (the page's second pickers then choose). */
  async compareRuntime(options?: SideOptions): Promise<void> {
    const mine = this.sides[0].options;
    const other = options ?? (mine ? { runtime: mine.runtime === 'tflm-reference' ? 'tflm-cmsis-nn' : 'tflm-reference', target: mine.target } : null);
    this.sides[1] = { uri: this.uri, options: other };
    this.watch();
    await this.update();
  }

  /** Leaves compare mode. */
  async closeCompare(): Promise<void> {
    this.sides[1] = null;
    this.watch();
    await this.update();
  }

  private onMessage(m: FromWebview): void {
    switch (m.type) {
      case 'ready':
        // The page (re)loaded: it has nothing until we post.
        this.ready = true;
        if (this.last) this.post({ type: 'view', ...this.last });
        else void this.update();
        break;
      case 'options': {
        const side = this.sides[m.side];
        if (side) side.options = m.options;
        void this.update();
        break;
      }
      case 'compareModel':
        void this.compareWith();
        break;
      case 'compareRuntime':
        void this.compareRuntime();
        break;
      case 'closeCompare':
        void this.closeCompare();
        break;
      case 'rendered':
        this.renders++;
        this.rendered = m.state;
        break;
    }
  }

  /** Re-asks the server for every side and posts the view (a newer update wins). */
  async update(): Promise<void> {
    const generation = ++this.generation;
    this.post({ type: 'busy' });
    const [a, b] = this.sides;
    const [primary, compare] = await Promise.all([this.request(a), b ? this.request(b) : Promise.resolve(null)]);
    if (generation !== this.generation) return;
    // The first answer says which runtime and target the server chose: the pickers start there.
    for (const [side, view] of [[a, primary], [b, compare]] as const) {
      if (side && !side.options && view?.result.kind === 'model') side.options = { runtime: view.result.runtime, target: view.result.target?.id ?? '' };
    }
    this.last = { primary, compare };
    this.post({ type: 'view', primary, compare });
  }

  private async request(side: Side): Promise<ViewSide> {
    const o = side.options;
    let result: ViewerResult;
    try {
      result = await this.client.sendRequest(ViewerRequest.type, { uri: side.uri.toString(), ...(o ? { runtime: o.runtime, target: o.target } : {}) });
    } catch (e) {
      result = { kind: 'error', uri: side.uri.toString(), name: baseName(side.uri), code: 'server', message: `the language server did not answer: ${(e as Error).message}` };
    }
    const on = result.kind === 'model' ? [result.runtime, result.target?.id].filter((x) => x).join(', ') : '';
    return { result, label: `${baseName(side.uri)}${on ? ` (${on})` : ''}` };
  }

  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** A model rewritten on disk (a training script, a quantizer) updates the view. */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    const uris = [this.uri, ...(this.sides[1] && this.sides[1].uri.toString() !== this.uri.toString() ? [this.sides[1].uri] : [])];
    this.watchers = uris.map((u) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(u, '..'), baseName(u)));
      const changed = (): void => void this.update();
      w.onDidChange(changed);
      w.onDidCreate(changed);
      return w;
    });
  }

  dispose(): void {
    for (const w of this.watchers) w.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
