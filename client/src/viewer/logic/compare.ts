/**
 * Compare mode, pure: two views' layers matched by position (subgraph and index) and op, the differences counted, and
 * whether the graphs are the same. A float model and its quantized twin usually match layer for layer (QUANTIZE /
 * DEQUANTIZE at the ends aside); when they do not, the rows say where they part.
 */
import type { ViewerLayer } from '../../../../server/src/lsp/viewer-protocol.js';

export type MatchKind = 'same' | 'op-differs' | 'only-a' | 'only-b';

export interface CompareRow {
  readonly subgraph: number;
  readonly index: number;
  readonly a: ViewerLayer | null;
  readonly b: ViewerLayer | null;
  readonly match: MatchKind;
}

export interface LayerComparison {
  readonly rows: readonly CompareRow[];
  /** True when both have the same operators in the same order in every subgraph. */
  readonly sameGraph: boolean;
  /** Rows whose op differs or that exist on one side only. */
  readonly differences: number;
  /** The first row that differs, for "the graphs part at …". */
  readonly firstDifference: CompareRow | null;
}

/** Matches layers by (subgraph, index) and compares their ops. */
export function compareLayers(a: readonly ViewerLayer[], b: readonly ViewerLayer[]): LayerComparison {
  const key = (l: ViewerLayer): string => `${l.subgraph}/${l.index}`;
  const bs = new Map(b.map((l) => [key(l), l]));
  const rows: CompareRow[] = [];
  const seen = new Set<string>();
  for (const x of a) {
    const y = bs.get(key(x)) ?? null;
    seen.add(key(x));
    rows.push({ subgraph: x.subgraph, index: x.index, a: x, b: y, match: y === null ? 'only-a' : y.op === x.op ? 'same' : 'op-differs' });
  }
  for (const y of b) if (!seen.has(key(y))) rows.push({ subgraph: y.subgraph, index: y.index, a: null, b: y, match: 'only-b' });
  rows.sort((x, y) => x.subgraph - y.subgraph || x.index - y.index);
  const differing = rows.filter((r) => r.match !== 'same');
  return { rows, sameGraph: differing.length === 0, differences: differing.length, firstDifference: differing[0] ?? null };
}

/** `b` relative to `a` as a signed percentage (`+12%`, `-40%`), `=` when equal, '' when either is unknown or `a` is 0. */
export function delta(a: number | null, b: number | null): string {
  if (a === null || b === null) return '';
  if (a === b) return '=';
  if (a === 0) return '';
  const p = ((b - a) / a) * 100;
  const r = Math.abs(p) < 10 ? Number(p.toFixed(1)) : Math.round(p);
  return `${r > 0 ? '+' : ''}${r}%`;
}
