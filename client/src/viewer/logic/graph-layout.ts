/**
 * The operator graph's layout, pure (no DOM): a subgraph's operators as a layered DAG laid out by dagre (bundled into
 * the webview; nothing is fetched). Nodes are the subgraph's inputs, its operators and its outputs; an edge is an
 * activation tensor from its producer to each consumer (weights and other constants are counted on the node, not
 * drawn). Control-flow operators list the subgraphs they branch into, so the view can open them.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { ViewerSubgraph } from '../../../../server/src/lsp/viewer-protocol.js';

export interface GraphNode {
  readonly id: string;
  readonly kind: 'input' | 'op' | 'output';
  /** Operator index (op nodes) or tensor index (input and output nodes). */
  readonly index: number;
  readonly label: string;
  /** Constant inputs folded into an op node (weights, biases, tables). */
  readonly constants: number;
  readonly branches: readonly number[];
  /** Centre and size. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly tensor: number;
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** The operators drawn: `start` to `end` (exclusive) of `total`. */
  readonly start: number;
  readonly end: number;
  readonly total: number;
}

/**
 * Operators laid out at once. dagre's time grows faster than the graph (1,500 operators take seconds on a loaded
 * machine, 250 well under one), so a large subgraph is drawn a window at a time.
 */
export const GRAPH_WINDOW = 250;

const NODE_HEIGHT = 34;
const CHAR_WIDTH = 7;

/**
 * The node and edge structure before layout (exported for tests) of operators `start` to `start + count`: a tensor
 * the window reads but does not produce (a subgraph input, or an earlier operator's output) is an input node.
 */
export function graphStructure(sg: ViewerSubgraph, start = 0, count = Infinity): { nodes: Omit<GraphNode, 'x' | 'y'>[]; edges: Omit<GraphEdge, 'points'>[]; start: number; end: number } {
  const from = Math.max(0, Math.min(start, sg.ops.length));
  const ops = sg.ops.slice(from, from + count);
  const producer = new Map<number, string>();
  const nodes: Omit<GraphNode, 'x' | 'y'>[] = [];
  const width = (label: string): number => Math.max(60, label.length * CHAR_WIDTH + 24);
  const tensorLabel = (t: number): string => sg.tensors[t]?.name || `tensor ${t}`;
  const inputNode = (t: number, label: string): void => {
    nodes.push({ id: `in${t}`, kind: 'input', index: t, label, constants: 0, branches: [], width: width(label), height: NODE_HEIGHT });
    producer.set(t, `in${t}`);
  };
  if (from === 0) for (const t of sg.inputs) inputNode(t, tensorLabel(t));
  const earlier = new Map<number, number>();
  for (const op of sg.ops.slice(0, from)) for (const t of op.outputs) earlier.set(t, op.index);
  for (const op of ops) for (const t of op.outputs) producer.set(t, `op${op.index}`);
  const edges: Omit<GraphEdge, 'points'>[] = [];
  const shape = (t: number): string => {
    const s = sg.tensors[t]?.shape;
    return s ? `[${s.join(',')}]` : '';
  };
  for (const op of ops) {
    let constants = 0;
    for (const t of op.inputs) {
      if (t < 0) continue;
      if (!producer.has(t) && (earlier.has(t) || sg.inputs.includes(t))) inputNode(t, earlier.has(t) ? `${tensorLabel(t)} (op ${earlier.get(t)})` : tensorLabel(t));
      const source = producer.get(t);
      if (source) edges.push({ from: source, to: `op${op.index}`, tensor: t, label: shape(t) });
      else if (sg.tensors[t]?.constant) constants++;
    }
    const label = op.branches.length > 0 ? `${op.op} → ${op.branches.map((b) => `#${b}`).join(' ')}` : op.op;
    nodes.push({ id: `op${op.index}`, kind: 'op', index: op.index, label, constants, branches: op.branches, width: width(label), height: NODE_HEIGHT });
  }
  for (const t of sg.outputs) {
    const source = producer.get(t);
    // An output the window does not produce belongs to another window.
    if (!source && from + ops.length < sg.ops.length) continue;
    const label = tensorLabel(t);
    nodes.push({ id: `out${t}`, kind: 'output', index: t, label, constants: 0, branches: [], width: width(label), height: NODE_HEIGHT });
    if (source) edges.push({ from: source, to: `out${t}`, tensor: t, label: shape(t) });
  }
  return { nodes, edges, start: from, end: from + ops.length };
}

/** Lays out operators `start` to `start + count` of a subgraph, top to bottom. */
export function layoutSubgraph(sg: ViewerSubgraph, start = 0, count = GRAPH_WINDOW): GraphLayout {
  const s = graphStructure(sg, start, count);
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of s.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  s.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  layout(g);
  const nodes = s.nodes.map((n): GraphNode => {
    const p = g.node(n.id) as { x: number; y: number };
    return { ...n, x: p.x, y: p.y };
  });
  const edges = s.edges.map((e, i): GraphEdge => {
    const label = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points?: { x: number; y: number }[] } | undefined;
    return { ...e, points: label?.points ?? [] };
  });
  const box = g.graph() as { width?: number; height?: number };
  return { width: box.width ?? 0, height: box.height ?? 0, nodes, edges, start: s.start, end: s.end, total: sg.ops.length };
}
