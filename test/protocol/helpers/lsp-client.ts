/**
 * A minimal LSP client for protocol tests: starts the real bundle (`node dist/server.js --stdio`), speaks JSON-RPC to
 * it, and lets tests wait for published diagnostics by document version or by "the next publish after this action",
 * so no test ever sleeps.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

const root = resolve(__dirname, '../../..');

/** The `tinymlLens` section the client answers with: the same for every scope, or per `scopeUri` (a folder's settings). */
export type SettingsAnswer = Record<string, unknown> | ((scopeUri: string | undefined) => Record<string, unknown> | null);

export interface StartOptions {
  /** Declare `workspace.configuration` and answer the server's pulls with these. */
  settings?: SettingsAnswer;
  /** The workspace folders (paths); default: the one workspace. An empty list opens no folder at all. */
  folders?: readonly string[];
  /** Sent as `initializationOptions` (the server's analysis limits, for tests). */
  initializationOptions?: Record<string, unknown>;
  /** Declare that the client re-requests code lenses and inlay hints when the server asks (as VS Code does). */
  viewRefresh?: boolean;
}

interface Waiter {
  uri: string;
  accept: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspClient {
  readonly logs: string[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly history = new Map<string, PublishDiagnosticsParams[]>();
  private readonly versions = new Map<string, number>();
  private exited: number | null = null;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
  ) {}

  /** The `tinymlLens` settings section this client answers `workspace/configuration` with (when started with one). */
  settings: SettingsAnswer | null = null;
  /** Every item the server asked for through `workspace/configuration`, in order. */
  readonly configurationItems: { scopeUri?: string; section?: string }[] = [];
  /** The server's refresh requests (`codeLens`, `inlayHint`), in order. */
  readonly refreshes: string[] = [];
  /** Every watcher glob the server registered for `workspace/didChangeWatchedFiles`. */
  readonly watchedGlobs: string[] = [];

  /**
   * Starts the bundled server and completes the initialize handshake. With `settings`, the client declares
   * `workspace.configuration` and answers the server's pulls with them.
   */
  static async start(workspace: string, options: StartOptions = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [resolve(root, 'dist/server.js'), '--stdio'], { stdio: 'pipe' });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection);
    child.on('exit', (code) => (client.exited = code ?? -1));
    child.stderr.on('data', (d: Buffer) => client.logs.push(d.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => client.onPublish(p));
    connection.onNotification('window/logMessage', (p: { message: string }) => void client.logs.push(p.message));
    connection.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: { watchers?: { globPattern: unknown }[] } }[] }) => {
      for (const r of p.registrations) {
        if (r.method === 'workspace/didChangeWatchedFiles') for (const w of r.registerOptions?.watchers ?? []) client.watchedGlobs.push(String(w.globPattern));
      }
      return null;
    });
    connection.onRequest('workspace/inlayHint/refresh', () => void client.refreshes.push('inlayHint'));
    connection.onRequest('workspace/codeLens/refresh', () => void client.refreshes.push('codeLens'));
    if (options.settings) client.settings = options.settings;
    connection.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) =>
      p.items.map((i) => {
        client.configurationItems.push(i);
        const answer = client.settings;
        return i.section !== 'tinymlLens' ? null : typeof answer === 'function' ? answer(i.scopeUri) : answer;
      }));
    connection.listen();
    const folders = (options.folders ?? [workspace]).map((f, i) => ({ uri: pathToFileURL(f).href, name: `ws${i}` }));
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders.length > 0 ? folders : null,
      ...(options.initializationOptions ? { initializationOptions: options.initializationOptions } : {}),
      capabilities: { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, ...(options.settings ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } : {}), ...(options.viewRefresh ? { codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true } } : {}) }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    });
    connection.sendNotification('initialized', {});
    return client;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  private onPublish(p: PublishDiagnosticsParams): void {
    this.latest.set(p.uri, p);
    const seen = this.history.get(p.uri) ?? [];
    seen.push(p);
    this.history.set(p.uri, seen);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && w.uri === p.uri && w.accept(p)) {
        this.waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  }

  /** Resolves with the first publish for `uri` that `accept` takes; registered before the action that causes it. */
  nextDiagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<Diagnostic[]> {
    return new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ uri, accept, resolve })).then((p) => p.diagnostics);
  }

  /** Opens a document and returns the diagnostics published for this version. */
  async open(uri: string, text: string, languageId = 'tinyml-manifest'): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, (p) => p.version === version);
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return published;
  }

  /**
   * Replaces the whole text (a full-content change) and returns the diagnostics the client shows for the new version:
   * those published for it, or, when the server sent none because they equal the last set it sent, that set (the
   * server's `tinymlLens/diagnosticsSettled` answer says when it has decided).
   */
  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    const accept = (p: PublishDiagnosticsParams): boolean => p.version === version;
    const published = this.nextDiagnostics(uri, accept);
    this.sendChange(uri, text);
    // A server without the request (an older build, for before/after figures) publishes every version.
    const settled = await this.request('tinymlLens/diagnosticsSettled', { uri, version }).then(() => true, () => false);
    if (!settled) return published;
    const waiter = this.waiters.findIndex((w) => w.accept === accept);
    if (waiter >= 0) this.waiters.splice(waiter, 1);
    return this.latest.get(uri)?.diagnostics ?? [];
  }

  /** Like `change`, for an edit whose diagnostics differ from the last set sent: waits for their publish only. */
  async changePublished(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    const published = this.nextDiagnostics(uri, (p) => p.version === version);
    this.sendChange(uri, text);
    return published;
  }

  /** Sends a full-content change without waiting for anything; returns its version. */
  sendChange(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** Every publish received for `uri`, in order (versions and diagnostics). */
  publishes(uri: string): readonly PublishDiagnosticsParams[] {
    return this.history.get(uri) ?? [];
  }

  /** Opens a document for which the server publishes nothing (not a manifest). */
  openQuietly(uri: string, text: string, languageId: string): void {
    this.versions.set(uri, 1);
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Changes the settings and tells the server (which pulls them); returns the next publish for `uri`. */
  configure(settings: SettingsAnswer, uri: string): Promise<Diagnostic[]> {
    this.settings = settings;
    const published = this.nextDiagnostics(uri);
    this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    return published;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      await this.connection.sendRequest('shutdown').catch(() => undefined);
      this.connection.sendNotification('exit');
      await exited;
    }
    this.connection.dispose();
  }
}

/** The text between two LSP positions of a text (for asserting that a range covers the intended value). */
export function textAt(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const first = (lines[range.start.line] ?? '').slice(range.start.character);
  const middle = lines.slice(range.start.line + 1, range.end.line);
  const last = (lines[range.end.line] ?? '').slice(0, range.end.character);
  return [first, ...middle, last].join('\n');
}

/** Applies LSP text edits to a text (edits may come in any order; they must not overlap). */
export function applyEdits(text: string, edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const offset = (p: { line: number; character: number }): number => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
