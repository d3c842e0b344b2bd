/**
 * Decisions taken before any op is written, as TFLite's converter takes them: layers that are the identity at
 * inference (Dropout and kin) removed, BatchNormalization folded into the convolution or Dense before it, and a
 * ReLU / ReLU6 fused into the op before it, each only when that op's output goes nowhere else.
 */
import type { Fused } from './emit.js';
import type { KGraph, KNode } from './graph.js';
import { activationName, fusable } from './context.js';

export const IDENTITY = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);
const FOLD_INTO = new Set(['Conv2D', 'Convolution2D', 'Conv1D', 'Convolution1D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D', 'Dense']);
/** Ops whose TFLite builtin has a fused activation (the layer's own activation, if any, must be linear). */
const FUSE_INTO = new Set([...FOLD_INTO, 'Add', 'Subtract', 'Multiply', 'Average', 'Concatenate', 'MaxPooling2D', 'MaxPool2D', 'AveragePooling2D', 'AvgPool2D', 'BatchNormalization']);

export interface Plan {
  /** Nodes left out; their output is their input's tensor. */
  readonly alias: ReadonlyMap<string, string>;
  readonly folded: ReadonlyMap<string, KNode>;
  readonly fusedAfter: ReadonlyMap<string, Fused>;
  readonly notes: readonly string[];
}

/** The activation an activation layer applies when it is a plain RELU / RELU6; null otherwise. */
function plainRelu(node: KNode): Fused | null {
  if (node.className === 'Activation') {
    const f = fusable(activationName(node.config.activation));
    return f === 'NONE' ? null : f;
  }
  if (node.className === 'ReLU') {
    const { max_value: max, negative_slope: slope, threshold } = node.config;
    if ((slope ?? 0) !== 0 || (threshold ?? 0) !== 0) return null;
    if (max === null || max === undefined) return 'RELU';
    return max === 6 ? 'RELU6' : null;
  }
  return null;
}

export function planGraph(graph: KGraph): Plan {
  const alias = new Map<string, string>();
  const resolve = (t: string): string => {
    let x = t;
    for (let k = 0; k < 1_000_000 && alias.has(x); k++) x = alias.get(x)!;
    return x;
  };
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const notes: string[] = [];
  for (const n of graph.nodes) if (IDENTITY.has(n.className) && n.inputs.length === 1) alias.set(n.id, n.inputs[0]!);
  const consumers = new Map<string, number>();
  const count = (t: string): void => { consumers.set(resolve(t), (consumers.get(resolve(t)) ?? 0) + 1); };
  for (const n of graph.nodes) if (!alias.has(n.id)) n.inputs.forEach(count);
  graph.outputs.forEach(count);
  const folded = new Map<string, KNode>();
  const fusedAfter = new Map<string, Fused>();
  const linear = (p: KNode): boolean => activationName(p.config.activation) === 'linear';
  for (const n of graph.nodes) {
    if (alias.has(n.id) || n.inputs.length !== 1) continue;
    const src = resolve(n.inputs[0]!);
    const p = byId.get(src);
    if (!p || alias.has(p.id) || consumers.get(src) !== 1) continue;
    if (n.className === 'BatchNormalization' && FOLD_INTO.has(p.className) && linear(p) && !folded.has(p.id) && !fusedAfter.has(p.id)) {
      folded.set(p.id, n);
      alias.set(n.id, p.id);
      continue;
    }
    const relu = plainRelu(n);
    if (relu && FUSE_INTO.has(p.className) && linear(p) && !fusedAfter.has(p.id)) {
      fusedAfter.set(p.id, relu);
      alias.set(n.id, p.id);
      notes.push(`${n.className} '${n.id}' fused into ${p.className} '${p.id}' (${relu})`);
    }
  }
  return { alias, folded, fusedAfter, notes };
}
