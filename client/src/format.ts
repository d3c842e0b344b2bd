/** Number formatting shared by the quick pick and the status bar (binary units, as the server's messages). */

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
