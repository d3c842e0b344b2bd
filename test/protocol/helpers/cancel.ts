/**
 * Cancelling a long request half-way, as the editor's progress notification does: the request is sent with a
 * work-done token, cancelled once the server has reported progress twice (so a worker is running), and the answer,
 * the percentages seen and the pool's cancelled-job count before and after are handed back.
 */
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { StatsRequest, type ServerStats } from '../../../server/src/lsp/protocol.ts';
import type { LspClient } from './lsp-client.ts';

export interface CancelledRun<R> {
  readonly result: R;
  /** The percentages reported before the answer. */
  readonly percents: readonly number[];
  /** How many jobs the pool had cancelled before the request, and after its answer. */
  readonly cancelledBefore: number;
  readonly cancelledAfter: number;
}

/** Resolves once `check` holds, polling (no fixed sleep decides the outcome). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

/** Sends `method` with `params` under a fresh work-done token and cancels it after two progress reports. */
export async function cancelHalfway<R>(client: LspClient, method: string, params: object, token: string): Promise<CancelledRun<R>> {
  const cancelledBefore = (await client.request<ServerStats>(StatsRequest.method, null)).workers!.cancelled;
  const percents: number[] = [];
  const listener = client.connection.onNotification('$/progress', (p: { token: string; value: { kind: string; percentage?: number } }) => {
    if (p.token === token && p.value.kind === 'report') percents.push(p.value.percentage ?? 0);
  });
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest<R>(method, { ...params, workDoneToken: token }, source.token);
  await until(() => percents.length >= 2);
  source.cancel();
  const result = await pending;
  listener.dispose();
  const cancelledAfter = (await client.request<ServerStats>(StatsRequest.method, null)).workers!.cancelled;
  return { result, percents, cancelledBefore, cancelledAfter };
}
