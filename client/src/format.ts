/** Number formatting shared by the quick pick and the status bar (binary units, as the server's messages; never scientific notation). */

/** `23.3 KiB`, `1 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [v, u] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / 1024 / 1024, 'MiB'];
  return `${Number(v.toFixed(1))} ${u}`;
}

/** `79%` (floors 99.x so a nearly full budget never reads as exactly full). */
export function formatPercent(share: number): string {
  const p = share * 100;
  return `${p > 99 && p < 100 ? Math.floor(p) : Math.round(p)}%`;
}

/** `850 us`, `42.5 ms`, `150 ms`, `1.25 s`: three significant digits, never scientific notation. */
export function formatMilliseconds(ms: number): string {
  const fmt = (v: number): string => String(Number(v.toPrecision(3)));
  if (ms < 1) return `${fmt(ms * 1000)} us`;
  if (ms < 1000) return `${fmt(ms)} ms`;
  return `${fmt(ms / 1000)} s`;
}
