import { after, before } from 'node:test';
import { LspClient, type SettingsAnswer, type StartOptions } from './lsp-client.ts';
import { createWorkspace, type TestWorkspace } from './workspace.ts';

export interface ServeOptions {
  /** Fills the workspace before the server starts (it is already bound, so the test file's `ws` works here). */
  prepare?: () => void | Promise<void>;
  /** Client settings the server reads through workspace/configuration. */
  settings?: SettingsAnswer;
  /** Workspace folders as paths, given the workspace (default: the workspace itself). */
  folders?: (ws: TestWorkspace) => readonly string[];
  /** The server's `initializationOptions`. */
  initializationOptions?: Record<string, unknown>;
  /** The client declares code lens / inlay hint refresh support. */
  viewRefresh?: boolean;
}

/**
 * One fresh workspace and one real server (`node dist/server.js --stdio`) for the whole test file: created before the
 * first test, stopped and deleted after the last. `bind` hands them to the file's own variables.
 */
export function serveWorkspace(bind: (ws: TestWorkspace, client?: LspClient) => void, options: ServeOptions = {}): void {
  let ws: TestWorkspace | undefined;
  let client: LspClient | undefined;
  before(async () => {
    ws = createWorkspace();
    bind(ws);
    await options.prepare?.();
    const start: StartOptions = {};
    if (options.settings) start.settings = options.settings;
    if (options.folders) start.folders = options.folders(ws);
    if (options.initializationOptions) start.initializationOptions = options.initializationOptions;
    if (options.viewRefresh) start.viewRefresh = true;
    client = await LspClient.start(ws.dir, start);
    bind(ws, client);
  });
  after(async () => {
    await client?.stop();
    ws?.dispose();
  });
}
