/**
 * The compare tab: two views side by side — two models (a float model and its quantized twin) or one model on two
 * runtimes or targets. The headline figures with the change, then the layers matched by index and op; when the graphs
 * differ it says so, and where they part.
 */
import type { ViewerResult } from '../../../../server/src/lsp/viewer-protocol.js';
import { bytes, seconds } from '../../cost-profile/figures.js';
import { el, table } from '../../cost-profile/webview/dom.js';
import { compareLayers, delta, type CompareRow } from '../logic/compare.js';
import type { SideOptions, ViewSide } from '../messages.js';
import { post } from './api.js';
import { VirtualGrid } from './grid.js';
import { count } from './layers.js';
import { pickers, summaryFigures } from './summary.js';

type Model = Extract<ViewerResult, { kind: 'model' }>;

export function compareTab(a: ViewSide, b: ViewSide, onOptions: (o: SideOptions) => void): { element: HTMLElement; rows: number } {
  const close = el('button', { type: 'button', class: 'secondary', id: 'compare-close' }, 'Close compare');
  close.addEventListener('click', () => post({ type: 'closeCompare' }));
  const head = el('div', { class: 'toolbar' }, el('h2', { id: 'compare-title' }, `${a.label} ↔ ${b.label}`), close);
  if (b.result.kind !== 'model') {
    return { element: el('section', { class: 'compare' }, head, el('p', { class: 'error', role: 'alert', id: 'compare-error' }, `${b.result.name}: ${b.result.message}`)), rows: 0 };
  }
  const ma = a.result as Model;
  const mb = b.result;
  const fa = summaryFigures(ma);
  const fb = summaryFigures(mb);
  const s = (m: Model) => m.summary;
  const figures = table('compare-summary', ['', a.label, b.label, 'change'], [
    ['Tensor arena', fa['arena'] ?? '', fb['arena'] ?? '', delta(s(ma).arenaBytes, s(mb).arenaBytes)],
    ['Flash', fa['flash'] ?? '', fb['flash'] ?? '', delta(s(ma).flashBytes, s(mb).flashBytes)],
    ['MACs', fa['macs'] ?? '', fb['macs'] ?? '', delta(s(ma).macs, s(mb).macs)],
    ['Latency', fa['latency'] ?? '', fb['latency'] ?? '', delta(s(ma).seconds, s(mb).seconds)],
    ['Status', fa['status'] ?? '', fb['status'] ?? '', ''],
  ]);
  const c = compareLayers(ma.layers, mb.layers);
  const verdict = c.sameGraph
    ? `Same graph: the ${c.rows.length} layers match by index and operator.`
    : `The graphs differ: ${c.differences} of ${c.rows.length} rows${c.firstDifference ? `, first at layer ${c.firstDifference.subgraph ? `${c.firstDifference.subgraph}:` : ''}${c.firstDifference.index} (${c.firstDifference.a?.op ?? 'none'} vs ${c.firstDifference.b?.op ?? 'none'})` : ''}. Rows are matched by index; compare figures where the operators agree.`;
  // One value when both sides agree, `a → b` when they differ.
  const cellPair = (r: CompareRow, f: (l: NonNullable<CompareRow['a']>) => string): string => {
    const x = r.a ? f(r.a) : '–';
    const y = r.b ? f(r.b) : '–';
    return x === y ? x : `${x} → ${y}`;
  };
  const grid = new VirtualGrid<CompareRow>({
    id: 'compare-table',
    label: 'Layers side by side',
    columns: [
      { id: 'index', header: '#', cell: (r) => (r.subgraph ? `${r.subgraph}:${r.index}` : String(r.index)), numeric: true },
      { id: 'op', header: 'op', cell: (r) => (r.match === 'same' ? r.a!.op : `${r.a?.op ?? '–'} | ${r.b?.op ?? '–'}`) },
      { id: 'dtype', header: 'type', cell: (r) => cellPair(r, (l) => (l.dtype ?? '?').toLowerCase()) },
      { id: 'macs', header: 'MACs', cell: (r) => cellPair(r, (l) => count(l.macs)), numeric: true },
      { id: 'weights', header: 'weights', cell: (r) => cellPair(r, (l) => bytes(l.weightBytes)), numeric: true },
      { id: 'live', header: 'live arena', cell: (r) => cellPair(r, (l) => bytes(l.arenaLiveBytes)), numeric: true },
      { id: 'time', header: 'time', cell: (r) => cellPair(r, (l) => (l.seconds === null ? 'unknown' : seconds(l.seconds))), numeric: true },
      { id: 'change', header: 'Δ arena', cell: (r) => (r.a && r.b ? delta(r.a.arenaLiveBytes, r.b.arenaLiveBytes) : r.match), numeric: true },
    ],
    rowClass: (r) => `match-${r.match}`,
  });
  grid.setRows(c.rows);
  const sameModel = ma.uri === mb.uri;
  const element = el('section', { class: 'compare', 'aria-label': 'Compare' },
    head,
    el('div', { class: 'toolbar' }, el('span', { class: 'subtitle' }, sameModel ? 'Second runtime and target:' : `${mb.name} on:`), pickers(mb, 'compare-', onOptions)),
    figures,
    el('p', { id: 'compare-verdict', class: c.sameGraph ? 'same' : 'differs', role: 'status' }, verdict),
    grid.element);
  return { element, rows: c.rows.length };
}
