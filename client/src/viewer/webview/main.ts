/**
 * The model viewer's page (bundled for the browser into dist/webview/viewer.js). It draws what the host posts — the
 * server's figures — and computes nothing but geometry: summary and pickers, then tabs for the layers, the arena
 * plan, the operator graph (laid out only when opened), the input/output tensors and, in compare mode, the two sides.
 * Selecting a layer anywhere (table row, plan step, graph node) marks it everywhere. Colours are VS Code's CSS
 * variables only, so any theme, and a theme change, applies.
 */
import type { ViewerLayer, ViewerResult } from '../../../../server/src/lsp/viewer-protocol.js';
import { el } from '../../cost-profile/webview/dom.js';
import type { ToWebview, ViewSide } from '../messages.js';
import { pageState, post, savePageState } from './api.js';
import { compareTab } from './compare-view.js';
import { graphTab, type GraphView } from './graph.js';
import { ioTab } from './io.js';
import { layersTab } from './layers.js';
import { planTab, type PlanView } from './plan.js';
import { pickers, summaryCards } from './summary.js';

type Model = Extract<ViewerResult, { kind: 'model' }>;

const app = document.getElementById('app')!;
let rendered = { tab: 'layers', layers: 0, buffers: 0, compareRows: 0, status: '', kind: 'model' as 'model' | 'error' };
let graph: GraphView | null = null;

function report(): void {
  post({ type: 'rendered', state: { ...rendered, graphNodes: graph?.nodeCount() ?? 0 } });
}

function button(id: string, label: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', { type: 'button', id, ...(title ? { title } : {}) }, label);
  b.addEventListener('click', onClick);
  return b;
}

function renderError(r: Extract<ViewerResult, { kind: 'error' }>): void {
  graph = null;
  const where = r.offset !== undefined ? el('dl', { class: 'where' },
    el('dt', {}, 'byte offset'), el('dd', { id: 'error-offset' }, r.offset.toLocaleString('en-US')),
    ...(r.where ? [el('dt', {}, 'field'), el('dd', { id: 'error-where' }, r.where)] : [])) : el('span', {});
  app.replaceChildren(el('section', { class: 'error-view', role: 'alert', id: 'viewer-error' },
    el('h1', {}, `Cannot show ${r.name}`),
    el('p', { class: 'error', id: 'error-message' }, r.message),
    el('p', { class: 'subtitle' }, `code: ${r.code}`),
    where));
  rendered = { tab: 'error', layers: 0, buffers: 0, compareRows: 0, status: r.code, kind: 'error' };
  report();
}

function render(primary: ViewSide, compare: ViewSide | null): void {
  const r = primary.result;
  app.setAttribute('aria-busy', 'false');
  if (r.kind !== 'model') return renderError(r);
  const m: Model = r;
  const multi = m.layers.some((l) => l.subgraph !== 0);
  const byStep = new Map(m.layers.filter((l) => l.step >= 0).map((l) => [l.step, l]));
  let plan: PlanView | null = null;
  const select = (l: ViewerLayer): void => {
    plan?.markStep(l.step);
    graph?.markLayer(l);
    layers.grid.reveal((x) => x.subgraph === l.subgraph && x.index === l.index);
    selected.textContent = `Selected: layer ${multi ? `${l.subgraph}:` : ''}${l.index} ${l.op}${l.unsupported ? ` — unsupported: ${l.unsupported}` : ''}`;
  };
  const selected = el('p', { class: 'subtitle', id: 'selected-layer', 'aria-live': 'polite' });
  const layers = layersTab(m, select);
  plan = m.plan ? planTab(m.plan, m.summary.arenaBytes, (s) => byStep.get(s), select) : null;
  graph = graphTab(m.subgraphs, m.layers, select, report);
  const cmp = compare ? compareTab(primary, compare, (options) => post({ type: 'options', side: 1, options })) : null;
  const panels: [string, string, HTMLElement][] = [
    ['layers', `Layers (${m.layers.length})`, layers.element],
    ['plan', 'Arena plan', plan?.element ?? el('p', { class: 'subtitle', id: 'plan-none' }, 'No arena plan: a TF.js model has no TFLM memory model (the converter decides the final graph). Convert it to .tflite for the exact plan.')],
    ['graph', 'Graph', graph.element],
    ['io', 'Inputs and outputs', ioTab(m.io)],
    ...(cmp ? [['compare', 'Compare', cmp.element] as [string, string, HTMLElement]] : []),
  ];
  const tablist = el('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Views' });
  const tabs = panels.map(([id, label]) => el('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`, 'aria-selected': 'false', tabindex: '-1' }, label));
  tablist.append(...tabs);
  const bodies = panels.map(([id, , body]) => el('div', { role: 'tabpanel', id: `panel-${id}`, 'aria-labelledby': `tab-${id}`, hidden: '' }, body));
  const choose = (id: string, focus = false): void => {
    const i = Math.max(0, panels.findIndex(([p]) => p === id));
    tabs.forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      bodies[j]!.hidden = i !== j;
    });
    if (focus) tabs[i]!.focus();
    const name = panels[i]![0];
    savePageState({ tab: name });
    // The graph is laid out only when its tab is first shown (dagre's time grows faster than the graph).
    if (name === 'graph') graph?.show();
    rendered = { ...rendered, tab: name };
    report();
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => choose(panels[i]![0]));
    t.addEventListener('keydown', (e) => {
      const n = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (n === undefined) return;
      e.preventDefault();
      choose(panels[(n + tabs.length) % tabs.length]![0], true);
    });
  });
  const actions = el('div', { class: 'actions' },
    button('compare-model', 'Compare with…', () => post({ type: 'compareModel' }), 'Compare with another model, e.g. its quantized twin'),
    ...(m.format === 'tflite' ? [button('compare-runtime', 'Compare runtimes', () => post({ type: 'compareRuntime' }), 'This model on two runtimes or targets side by side')] : []));
  app.replaceChildren(
    el('header', {},
      el('h1', {}, m.name, el('span', { class: 'format' }, m.format === 'tflite' ? ' TFLite' : ' TF.js')),
      el('div', { class: 'toolbar' }, pickers(m, '', (options) => post({ type: 'options', side: 0, options })), actions),
      el('p', { id: 'busy', class: 'subtitle', hidden: '' }, 'Updating…')),
    summaryCards(m),
    tablist,
    ...bodies,
    selected,
    el('ul', { class: 'notes', 'aria-label': 'Notes' }, ...m.notes.map((n) => el('li', {}, n))));
  rendered = { tab: 'layers', layers: m.layers.length, buffers: m.plan?.buffers.length ?? 0, compareRows: cmp?.rows ?? 0, status: m.summary.status, kind: 'model' };
  // A new compare opens on its tab; otherwise the tab the user was on.
  const remembered = pageState().tab;
  choose(cmp && justCompared ? 'compare' : panels.some(([p]) => p === remembered) ? remembered : 'layers');
  justCompared = false;
}

let comparing = false;
let justCompared = false;

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m?.type === 'busy') {
    app.setAttribute('aria-busy', 'true');
    const b = document.getElementById('busy');
    if (b) b.hidden = false;
  } else if (m?.type === 'view') {
    justCompared = m.compare !== null && !comparing;
    comparing = m.compare !== null;
    render(m.primary, m.compare);
  }
});
post({ type: 'ready' });
