/**
 * A custom request that reports LSP work-done progress, shown in a cancellable notification: the server's
 * percentages become the notification's increments, and the notification's Cancel cancels the request (the server
 * then stops its worker). Shared by Quantize to int8 and Convert to .tflite.
 */
import type * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient, type RequestParam, type RequestType } from 'vscode-languageclient/node';

let progressTokens = 0;

/** Sends `params` with a fresh work-done token; undefined when cancelled (whatever the server answered). */
export async function requestWithProgress<P extends { readonly workDoneToken?: string | number }, R>(
  client: LanguageClient, type: RequestType<P, R, void>, params: P,
  progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken,
): Promise<R | undefined> {
  const workDoneToken = `tinymlLens-${type.method.replace(/\W/g, '-')}-${process.pid}-${++progressTokens}`;
  let shown = 0;
  const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
    if (value.kind === 'end') return;
    const percent = value.percentage ?? shown;
    progress.report({ message: value.message, increment: Math.max(0, percent - shown) });
    shown = Math.max(shown, percent);
  });
  try {
    const result = await client.sendRequest(type, { ...params, workDoneToken } as RequestParam<P>, token);
    return token.isCancellationRequested ? undefined : result;
  } catch (e) {
    // A cancelled request may end in a cancellation error rather than the server's 'cancelled' answer.
    if (token.isCancellationRequested) return undefined;
    throw e;
  } finally {
    listener.dispose();
  }
}
