/**
 * Publishing diagnostics: after an edit, a document's set is sent only when it differs from the last set sent for that
 * document, so an edit that changes nothing the user sees (a budget still met, a comment) costs no notification and no
 * write. The first set after a document opens is always sent, and so is the empty set that clears problems that went
 * away (it differs from the set before), and any re-check of a version already decided (a model, the catalog or the
 * settings changed: rare, and clients and tests may wait for it). `tinymlLens/diagnosticsSettled` tells a client (tests, the bench) when the server
 * has decided on a version, whether it sent anything or not.
 */
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import type { SettledResult } from './protocol.js';

interface Waiter {
  readonly version: number;
  readonly resolve: (r: SettledResult) => void;
}

export class DiagnosticsPublisher {
  /** The last set sent per document, as JSON (what the client shows). */
  private readonly sent = new Map<string, string>();
  /** The last version decided per document, and whether it was sent. */
  private readonly decided = new Map<string, SettledResult>();
  private readonly waiters = new Map<string, Waiter[]>();
  /** Sets sent and sets not sent because they equalled the last one (for the stats request and tests). */
  readonly counts = { sent: 0, unchanged: 0 };

  constructor(private readonly send: (params: PublishDiagnosticsParams) => void) {}

  /**
   * Sends `diagnostics` for `version` of `uri` unless they equal the last set sent for it and `version` is a new one (an
   * edit); a re-check of a version already decided (its model, the catalog or the settings changed) is always sent.
   * True when sent.
   */
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): boolean {
    const json = JSON.stringify(diagnostics);
    const recheck = version === undefined || this.decided.get(uri)?.version === version;
    const changed = recheck || this.sent.get(uri) !== json;
    if (changed) {
      this.sent.set(uri, json);
      this.counts.sent++;
      this.send(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
    } else this.counts.unchanged++;
    if (version !== undefined) this.settle(uri, { version, sent: changed });
    return changed;
  }

  /** A closed document: its problems are cleared in the client, and its next open publishes afresh. */
  clear(uri: string): void {
    this.sent.delete(uri);
    this.decided.delete(uri);
    this.send({ uri, diagnostics: [] });
    const waiting = this.waiters.get(uri) ?? [];
    this.waiters.delete(uri);
    for (const w of waiting) w.resolve({ version: w.version, sent: true });
  }

  /** Settles when the diagnostics of `version` (or a later version) of `uri` are decided. */
  settled(uri: string, version: number): Promise<SettledResult> {
    const done = this.decided.get(uri);
    if (done && done.version >= version) return Promise.resolve(done);
    return new Promise((resolve) => {
      const list = this.waiters.get(uri) ?? [];
      list.push({ version, resolve });
      this.waiters.set(uri, list);
    });
  }

  private settle(uri: string, result: SettledResult): void {
    this.decided.set(uri, result);
    const list = this.waiters.get(uri);
    if (!list) return;
    const still = list.filter((w) => w.version > result.version);
    for (const w of list) if (w.version <= result.version) w.resolve(result);
    if (still.length > 0) this.waiters.set(uri, still);
    else this.waiters.delete(uri);
  }
}
