/**
 * The language client: the server bundle over IPC, the documents it is given, and the restart policy. Everything the
 * server computes reaches the extension through this one client.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { LISTING_SCHEME } from '../../server/src/lsp/protocol.js';
import { RestartPolicy } from './restart-policy.js';

/** The documents the server handles: manifests (by language id or file name), model listings, and C/C++ sources
 * and Arduino sketches (the firmware lint: silent on a source that sets up no TFLM). */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'tinyml-manifest' },
  { scheme: 'file', language: 'c' },
  { scheme: 'file', language: 'cpp' },
  { scheme: 'file', pattern: '**/*.ino' },
  { scheme: 'file', pattern: '**/*.tinyml.{yaml,json}' },
  { scheme: 'file', pattern: '**/tinyml.yaml' },
  { scheme: 'untitled', language: 'tinyml-manifest' },
  { scheme: LISTING_SCHEME },
];

/** Creates (does not start) the client; its log goes to `output`. */
export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): { client: LanguageClient; policy: RestartPolicy } {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const policy = new RestartPolicy();
  const errorHandler: ErrorHandler = {
    // A bad message is the server's problem to log; keep the connection.
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const decision = policy.onCrash();
      if (decision.restart) {
        output.appendLine(`[client] server connection closed; restarting`);
        return { action: CloseAction.Restart, handled: true };
      }
      output.appendLine(`[client] ${decision.message}`);
      void vscode.window.showErrorMessage(decision.message, 'Show Log').then((pick) => {
        if (pick) output.show(true);
      });
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    errorHandler,
  };
  return { client: new LanguageClient('tinymlLens', 'TinyML Lens', serverOptions, clientOptions), policy };
}
