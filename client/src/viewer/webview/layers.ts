/**
 * The layers tab: a filter box and the virtualised per-layer table, with bars of MACs, weights and estimated time
 * (scaled to the whole model's largest, so bars compare across filters). Rows link to the plan and the graph.
 */
import type { ViewerLayer, ViewerResult } from '../../../../server/src/lsp/viewer-protocol.js';
import { bytes, seconds } from '../../cost-profile/figures.js';
import { el } from '../../cost-profile/webview/dom.js';
import { barMaxima, barShare, filterLayers, layerKey, sortLayers, type LayerColumn } from '../logic/layer-table.js';
import { pageState, savePageState } from './api.js';
import { VirtualGrid, type GridColumn } from './grid.js';

type Model = Extract<ViewerResult, { kind: 'model' }>;

/** `1.2 M`, `35 k`, `512`. */
export function count(n: number | null): string {
  if (n === null) return 'unknown';
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(3))} G`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))} M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))} k`;
  return String(n);
}

/** `sg:index` in a multi-subgraph model, else the index. */
export function layerName(l: ViewerLayer, multi: boolean): string {
  return multi ? `${l.subgraph}:${l.index}` : String(l.index);
}

function bar(kind: string, share: number, text: string): HTMLElement {
  const fill = el('span', { class: `bar-fill ${kind}` });
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  return el('span', { class: 'bar-cell' }, el('span', { class: 'bar', 'aria-hidden': 'true' }, fill), el('span', { class: 'bar-text' }, text));
}

/** Builds the tab; `onSelect` links a chosen row to the plan and graph. */
export function layersTab(m: Model, onSelect: (l: ViewerLayer) => void): { element: HTMLElement; grid: VirtualGrid<ViewerLayer> } {
  const multi = m.layers.some((l) => l.subgraph !== 0);
  const max = barMaxima(m.layers);
  const state = pageState();
  const timed = m.layers.some((l) => l.seconds !== null);
  const columns: GridColumn<ViewerLayer>[] = [
    { id: 'index', header: '#', cell: (l) => layerName(l, multi), numeric: true, sortable: true },
    { id: 'op', header: m.format === 'tfjs' ? 'layer' : 'op', cell: (l) => l.op, sortable: true },
    { id: 'shape', header: 'output', cell: (l) => `[${l.outputShape.join(',')}]${l.dtype ? ` ${l.dtype.toLowerCase()}` : ''}` },
    ...(m.format === 'tflite' ? [{ id: 'macs', header: 'MACs', cell: (l: ViewerLayer) => bar('macs', barShare(l.macs, max.macs), count(l.macs)), numeric: true, sortable: true }] : []),
    { id: 'weightBytes', header: m.format === 'tfjs' ? 'weights (int8)' : 'weights', cell: (l) => bar('weights', barShare(l.weightBytes, max.weightBytes), l.weightBytes ? bytes(l.weightBytes) : '–'), numeric: true, sortable: true },
    { id: 'arenaLiveBytes', header: m.format === 'tfjs' ? 'activations (int8)' : 'live arena', cell: (l) => bytes(l.arenaLiveBytes), numeric: true, sortable: true },
    ...(timed ? [{ id: 'seconds', header: 'time', cell: (l: ViewerLayer) => bar('time', barShare(l.seconds, max.seconds), l.seconds === null ? 'unknown' : seconds(l.seconds)), numeric: true, sortable: true }] : []),
    { id: 'note', header: '', cell: (l) => marker(l) },
  ];
  let grid: VirtualGrid<ViewerLayer>;
  const input = el('input', { type: 'search', id: 'layer-filter', placeholder: 'Filter: op, index, dtype, "peak", "unsupported"', 'aria-label': 'Filter layers', value: state.filter });
  const shown = el('span', { class: 'subtitle', id: 'layer-count', role: 'status' });
  const refresh = (): void => {
    const s = pageState();
    const rows = sortLayers(filterLayers(m.layers, s.filter), { column: s.sort.column as LayerColumn, descending: s.sort.descending });
    grid.setRows(rows);
    shown.textContent = `${rows.length} of ${m.layers.length} layers`;
  };
  const build = (): VirtualGrid<ViewerLayer> => new VirtualGrid<ViewerLayer>({
    id: 'layer-table',
    label: `Layers of ${m.name}`,
    columns,
    sort: pageState().sort,
    rowClass: (l) => [l.peak ? 'peak' : '', l.unsupported ? 'unsupported' : ''].join(' ').trim(),
    onSelect,
    onSort: (column) => {
      const s = pageState().sort;
      savePageState({ sort: { column, descending: s.column === column ? !s.descending : column !== 'index' && column !== 'op' } });
      const next = build();
      grid.element.replaceWith(next.element);
      grid = next;
      refresh();
    },
  });
  grid = build();
  input.addEventListener('input', () => {
    savePageState({ filter: input.value });
    refresh();
  });
  const element = el('section', { class: 'layers' }, el('div', { class: 'toolbar' }, input, shown), grid.element);
  refresh();
  return { element, get grid() { return grid; } };
}

function marker(l: ViewerLayer): HTMLElement {
  const tags: HTMLElement[] = [];
  if (l.peak) tags.push(el('span', { class: 'tag peak', title: 'the arena peaks while this layer runs' }, 'peak'));
  if (l.unsupported) tags.push(el('span', { class: 'tag unsupported', title: l.unsupported }, 'unsupported'));
  else if (l.verdict === 'npu') tags.push(el('span', { class: 'tag npu' }, 'NPU'));
  else if (l.verdict === 'reference') tags.push(el('span', { class: 'tag reference', title: 'runs on the reference kernel' }, 'ref'));
  return el('span', {}, ...tags);
}

/** A layer's key (for linking). */
export { layerKey };
