/**
 * After an edit the server sends a manifest's diagnostics only when they changed (`lsp/publisher.ts`). Views whose
 * figures follow the manifest beyond its diagnostics (the cost profile, the status bar: an assumption edited, a budget
 * still met) refresh on a publish through `onDidChangeDiagnostics`, and through this when nothing was sent: once the
 * server has decided the edited version (`tinymlLens/diagnosticsSettled`) without publishing, `refresh` runs.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DiagnosticsSettledRequest } from '../../server/src/lsp/protocol.js';

export function onQuietEdit(client: LanguageClient, follows: (uri: vscode.Uri) => boolean, refresh: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length === 0 || !follows(e.document.uri)) return;
    client.sendRequest(DiagnosticsSettledRequest.type, { uri: e.document.uri.toString(), version: e.document.version }).then(
      (r) => {
        if (!r.sent) refresh();
      },
      () => undefined, // a server restarting or stopped: the next publish refreshes
    );
  });
}
