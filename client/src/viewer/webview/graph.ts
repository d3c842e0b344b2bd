/**
 * The operator graph: one subgraph at a time, laid out by dagre (logic/graph-layout.ts) when its tab is first opened,
 * drawn as SVG styled by theme variables (so a theme change applies by itself). Nodes take the keyboard focus one at
 * a time (arrow keys move in reading order, Enter selects the layer); a control-flow node offers its branch
 * subgraphs, and the subgraph picker reaches every subgraph.
 */
import type { ViewerLayer, ViewerSubgraph } from '../../../../server/src/lsp/viewer-protocol.js';
import { el } from '../../cost-profile/webview/dom.js';
import { GRAPH_WINDOW, layoutSubgraph, type GraphLayout, type GraphNode } from '../logic/graph-layout.js';
import { pageState, savePageState } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export interface GraphView {
  readonly element: HTMLElement;
  /** Lays out and draws the current subgraph if not done yet (the tab was opened). */
  show(): void;
  /** Highlights a layer's node, switching subgraph when needed. */
  markLayer(l: ViewerLayer | null): void;
  /** Nodes drawn (0 until shown). */
  nodeCount(): number;
}

export function graphTab(subgraphs: readonly ViewerSubgraph[], layers: readonly ViewerLayer[], onSelect: (l: ViewerLayer) => void, onDrawn: () => void): GraphView {
  let current = Math.min(pageState().subgraph, Math.max(0, subgraphs.length - 1));
  /** First operator of the window drawn (a large subgraph is laid out GRAPH_WINDOW operators at a time). */
  let windowStart = 0;
  let drawn: { subgraph: number; start: number; layout: GraphLayout; groups: Map<string, SVGGElement> } | null = null;
  let marked: ViewerLayer | null = null;
  let scale = 1;
  const picker = el('select', { id: 'graph-subgraph', 'aria-label': 'Subgraph' },
    ...subgraphs.map((sg) => {
      const o = el('option', { value: String(sg.index) }, `#${sg.index} ${sg.name || (sg.index === 0 ? 'main' : 'subgraph')} (${sg.ops.length} ops)`);
      if (sg.index === current) o.selected = true;
      return o;
    }));
  const zoom = (f: number): HTMLButtonElement => {
    const b = el('button', { type: 'button', class: 'secondary', 'aria-label': f > 1 ? 'Zoom in' : 'Zoom out' }, f > 1 ? '+' : '−');
    b.addEventListener('click', () => {
      scale = Math.max(0.1, Math.min(3, scale * f));
      resize();
    });
    return b;
  };
  const branches = el('div', { class: 'branches', id: 'graph-branches' });
  const page = (label: string, id: string, delta: number): HTMLButtonElement => {
    const b = el('button', { type: 'button', class: 'secondary', id }, label);
    b.addEventListener('click', () => {
      windowStart = Math.max(0, windowStart + delta * GRAPH_WINDOW);
      draw();
    });
    return b;
  };
  const prev = page(`◀ Previous ${GRAPH_WINDOW}`, 'graph-prev', -1);
  const next = page(`Next ${GRAPH_WINDOW} ▶`, 'graph-next', 1);
  const note = el('p', { class: 'subtitle', id: 'graph-note', role: 'status' });
  const canvas = el('div', { class: 'graph-box', id: 'graph-box' });
  const element = el('section', { class: 'graph', 'aria-label': 'Operator graph' }, el('div', { class: 'toolbar' }, picker, zoom(1.25), zoom(0.8), prev, next, branches), note, canvas);
  picker.addEventListener('change', () => open(Number(picker.value)));

  const layerOf = (sg: number, op: number): ViewerLayer | undefined => layers.find((l) => l.subgraph === sg && l.index === op);

  function resize(): void {
    const s = canvas.querySelector('svg');
    if (!s || !drawn) return;
    s.setAttribute('width', String(Math.ceil(drawn.layout.width * scale)));
    s.setAttribute('height', String(Math.ceil(drawn.layout.height * scale)));
  }

  function open(index: number): void {
    current = index;
    windowStart = 0;
    picker.value = String(index);
    savePageState({ subgraph: index });
    draw();
  }

  function showBranches(n: GraphNode | null): void {
    branches.replaceChildren(...(n?.branches ?? []).map((b) => {
      const btn = el('button', { type: 'button', class: 'secondary' }, `Open subgraph #${b}${subgraphs[b]?.name ? ` (${subgraphs[b]!.name})` : ''}`);
      btn.addEventListener('click', () => open(b));
      return btn;
    }));
  }

  function draw(): void {
    const sg = subgraphs[current];
    if (!sg) {
      note.textContent = 'This model has no subgraph.';
      return;
    }
    const layout = layoutSubgraph(sg, windowStart);
    const windowed = layout.total > GRAPH_WINDOW;
    prev.hidden = !windowed;
    next.hidden = !windowed;
    prev.disabled = layout.start === 0;
    next.disabled = layout.end >= layout.total;
    note.textContent = `${windowed ? `Operators ${layout.start} to ${layout.end - 1} of ${layout.total} (a large graph is drawn ${GRAPH_WINDOW} operators at a time)` : `${layout.total} operators`}. Constants (weights, biases) are counted on their operator.`;
    const root = svg('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'group', 'aria-label': `Operator graph of subgraph ${sg.index}` });
    const defs = svg('defs', {});
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }));
    defs.append(marker);
    root.append(defs);
    const edges = svg('g', { class: 'edges', 'aria-hidden': 'true' });
    for (const e of layout.edges) {
      if (e.points.length < 2) continue;
      const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
      const path = svg('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' });
      const title = svg('title', {});
      title.textContent = `${sg.tensors[e.tensor]?.name ?? `tensor ${e.tensor}`} ${e.label}`;
      path.append(title);
      edges.append(path);
    }
    root.append(edges);
    const groups = new Map<string, SVGGElement>();
    const order = [...layout.nodes].sort((a, b) => a.y - b.y || a.x - b.x);
    for (const n of order) {
      const layer = n.kind === 'op' ? layerOf(sg.index, n.index) : undefined;
      const cls = `node ${n.kind}${layer?.peak ? ' peak' : ''}${layer?.unsupported ? ' unsupported' : ''}`;
      const label = n.kind === 'op' ? `${n.label}, operator ${n.index}${n.constants ? `, ${n.constants} constant inputs` : ''}${layer?.unsupported ? ', unsupported' : ''}` : `${n.kind} ${n.label}`;
      const g = svg('g', { class: cls, tabindex: n === order[0] ? 0 : -1, role: 'button', 'aria-label': label, 'data-node': n.id, transform: `translate(${(n.x - n.width / 2).toFixed(1)} ${(n.y - n.height / 2).toFixed(1)})` });
      g.append(svg('rect', { width: n.width, height: n.height, rx: n.kind === 'op' ? 4 : 14 }));
      const text = svg('text', { x: n.width / 2, y: n.height / 2, 'dominant-baseline': 'central', 'text-anchor': 'middle' });
      text.textContent = n.label.length > 40 ? `${n.label.slice(0, 39)}…` : n.label;
      g.append(text);
      const title = svg('title', {});
      title.textContent = label;
      g.append(title);
      g.addEventListener('focus', () => showBranches(n));
      g.addEventListener('click', () => {
        showBranches(n);
        if (layer) onSelect(layer);
      });
      g.addEventListener('keydown', (e) => {
        const i = order.indexOf(n);
        const step: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
        if (e.key in step) {
          const next = order[Math.max(0, Math.min(order.length - 1, i + step[e.key]!))]!;
          const ng = groups.get(next.id);
          if (ng) {
            g.setAttribute('tabindex', '-1');
            ng.setAttribute('tabindex', '0');
            ng.focus();
            ng.scrollIntoView({ block: 'nearest', inline: 'nearest' });
          }
        } else if (e.key === 'Enter') {
          if (layer) onSelect(layer);
          if (n.branches.length > 0) open(n.branches[0]!);
        } else return;
        e.preventDefault();
      });
      groups.set(n.id, g);
      root.append(g);
    }
    canvas.replaceChildren(root);
    drawn = { subgraph: sg.index, start: layout.start, layout, groups };
    resize();
    highlight();
    showBranches(null);
    onDrawn();
  }

  function highlight(): void {
    if (!drawn) return;
    for (const g of drawn.groups.values()) g.classList.remove('selected');
    if (marked && marked.subgraph === drawn.subgraph) {
      const g = drawn.groups.get(`op${marked.index}`);
      if (g) {
        g.classList.add('selected');
        g.scrollIntoView({ block: 'center', inline: 'center' });
      }
    }
  }

  return {
    element,
    show() {
      if (!drawn || drawn.subgraph !== current || drawn.start !== windowStart) draw();
    },
    markLayer(l) {
      marked = l;
      if (!l) return highlight();
      const start = Math.floor(l.index / GRAPH_WINDOW) * GRAPH_WINDOW;
      if (l.subgraph === current && start === windowStart) return highlight();
      current = l.subgraph;
      windowStart = start;
      picker.value = String(current);
      if (drawn) draw();
    },
    nodeCount: () => drawn?.groups.size ?? 0,
  };
}
