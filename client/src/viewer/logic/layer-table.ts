/**
 * The per-layer table's logic, pure: sorting, filtering, the virtual window (which rows exist in the DOM), bar
 * shares. The webview renders what these return.
 */
import type { ViewerLayer } from '../../../../server/src/lsp/viewer-protocol.js';

/** Sortable columns. */
export type LayerColumn = 'index' | 'op' | 'macs' | 'weightBytes' | 'arenaLiveBytes' | 'seconds';

export interface LayerSort {
  readonly column: LayerColumn;
  readonly descending: boolean;
}

const value = (l: ViewerLayer, c: LayerColumn): number | string => {
  switch (c) {
    case 'index': return l.subgraph * 1e9 + l.index;
    case 'op': return l.op;
    case 'seconds': return l.seconds ?? -1;
    default: return l[c];
  }
};

/** Rows sorted by a column (unknown times last whatever the direction); ties keep model order. */
export function sortLayers(layers: readonly ViewerLayer[], sort: LayerSort): ViewerLayer[] {
  const rows = layers.map((l, i) => ({ l, i }));
  rows.sort((a, b) => {
    if (sort.column === 'seconds' && (a.l.seconds === null) !== (b.l.seconds === null)) return a.l.seconds === null ? 1 : -1;
    const x = value(a.l, sort.column);
    const y = value(b.l, sort.column);
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return (sort.descending ? -c : c) || a.i - b.i;
  });
  return rows.map((r) => r.l);
}

/**
 * Rows matching a query: words all present in the row's text (index, `sg:index`, op, dtype, shape), or the
 * keywords `peak` and `unsupported`. Case-insensitive; an empty query keeps every row.
 */
export function filterLayers(layers: readonly ViewerLayer[], query: string): ViewerLayer[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [...layers];
  return layers.filter((l) => {
    const text = `${l.index} ${l.subgraph}:${l.index} ${l.op} ${l.dtype ?? ''} [${l.outputShape.join(',')}]`.toLowerCase();
    return words.every((w) => (w === 'peak' ? l.peak : w === 'unsupported' ? l.unsupported !== null : text.includes(w)));
  });
}

/** The rows to put in the DOM for a scroll position: the visible ones plus `overscan` on each side. */
export function visibleWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + viewport) / rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
}

/** The largest value of each bar column, so bars compare across the whole model (not the filtered rows). */
export function barMaxima(layers: readonly ViewerLayer[]): { macs: number; weightBytes: number; seconds: number } {
  let macs = 0;
  let weightBytes = 0;
  let seconds = 0;
  for (const l of layers) {
    macs = Math.max(macs, l.macs);
    weightBytes = Math.max(weightBytes, l.weightBytes);
    seconds = Math.max(seconds, l.seconds ?? 0);
  }
  return { macs, weightBytes, seconds };
}

/** A bar's share of its column's maximum, 0 to 1 (0 when the column is all zero). */
export function barShare(v: number | null, max: number): number {
  return v === null || max <= 0 ? 0 : Math.min(1, Math.max(0, v / max));
}

/** A stable key of a layer (`subgraph/index`). */
export function layerKey(l: Pick<ViewerLayer, 'subgraph' | 'index'>): string {
  return `${l.subgraph}/${l.index}`;
}
