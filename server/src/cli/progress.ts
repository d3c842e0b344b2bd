/**
 * The quantize command's progress bar: one line on standard error, redrawn in place with a carriage return, only
 * when that stream is a terminal (a pipe, a CI log or --quiet get nothing), and erased at the end so the summary
 * starts on a clean line. The text is our own (counts and a phase), never a name from the model.
 */
import type { QuantizeProgress } from '../quantize/index.js';

/** Where the bar is drawn: process.stderr, or a fake one in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  update(p: QuantizeProgress): void;
  /** Erases the bar (call it before printing anything else, on success and on failure). */
  end(): void;
}

/** Redraws at most this often, so a quick model with many samples does not flood the terminal. */
const REDRAW_MS = 100;
const WIDTH = 24;

/** A bar on `stream` when it is a terminal and not `quiet`; otherwise null (nothing is printed). */
export function progressBar(stream: ProgressStream | undefined, quiet: boolean, now: () => number = Date.now): ProgressBar | null {
  if (!stream?.isTTY || quiet) return null;
  const start = now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(p) {
      const t = now();
      if (t - last < REDRAW_MS && p.done < p.total) return;
      last = t;
      const filled = p.total > 0 ? Math.round((WIDTH * p.done) / p.total) : 0;
      const line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor((100 * p.done) / Math.max(1, p.total))}% ${p.phase} sample ${p.sample}/${p.samples} (${((t - start) / 1000).toFixed(1)} s)`;
      stream.write(`\r${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
