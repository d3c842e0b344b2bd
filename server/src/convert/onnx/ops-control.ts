/**
 * Control flow the converter resolves statically: an If whose condition folds to a constant (a sample rate bound with
 * `inputValues`, a rank or batch size known from the input shapes) is replaced by the nodes of the branch it takes.
 * TFLM has IF and WHILE, but neither the quantizer nor the memory model follow sub-graphs, and a PyTorch export's
 * branches (on `sr`, on `x.dim()`) are decided by the deployment, not by the data.
 */
import { ConvertError } from '../types.js';
import { describe, unsupported, where, type Ctx } from './context.js';
import { constOfTensor } from './ops-const.js';
import type { OnnxGraph, OnnxNode } from './reader.js';

/** Converts a list of nodes in order (the converter's walk, handed in so this file does not import convert.ts). */
export type Walk = (nodes: readonly OnnxNode[]) => void;

/** An If with a constant condition: the branch taken is converted in place, its outputs become the If's outputs. */
export function convertIf(ctx: Ctx, node: OnnxNode, walk: Walk): void {
  const cond = ctx.get(node, 0);
  if (cond.kind !== 'const') {
    throw unsupported(node, 'control flow whose condition is computed at run time from the input data',
      'a condition that folds to a constant: fix the inputs it depends on (inputValues, e.g. sr=16000; inputShapes)');
  }
  if (cond.data.length !== 1) throw new ConvertError('bad-model', where(node), `the condition has ${cond.data.length} elements, not 1`);
  const taken = cond.data[0] !== 0 ? 'then_branch' : 'else_branch';
  const branch = node.attrs.get(taken)?.g;
  if (!branch) throw new ConvertError('bad-model', where(node), `no ${taken} graph`);
  if (branch.outputs.length !== node.outputs.length) {
    throw new ConvertError('bad-model', where(node), `the ${taken} has ${branch.outputs.length} outputs, the If ${node.outputs.length}`);
  }
  for (const [name, t] of branch.initializers) ctx.set(name, constOfTensor(t));
  // Constant nodes first, as in the top graph: a fusion looks ahead at its consumer's operands.
  walk([...branch.nodes.filter((n) => n.opType === 'Constant' && n.inputs.length === 0), ...branch.nodes.filter((n) => n.opType !== 'Constant' || n.inputs.length > 0)]);
  branch.outputs.forEach((o, k) => {
    const v = ctx.values.get(o.name);
    if (!v) throw new ConvertError('bad-model', `${where(node)} ${taken}`, `output '${o.name}' is produced by no node of the branch or enclosing graph`);
    const out = node.outputs[k];
    if (out) ctx.set(out, v);
  });
  ctx.note(`${describe(node)}: the condition is constant (${cond.data[0] !== 0}); the ${taken.replace('_', ' ')} inlined`);
}

/** Every node of the sub-graphs of `nodes`, recursively (their reads count as uses of the enclosing graphs' values). */
export function nestedNodes(nodes: readonly OnnxNode[]): OnnxNode[] {
  const out: OnnxNode[] = [];
  for (const n of nodes) {
    for (const a of n.attrs.values()) {
      if (a.g) out.push(...a.g.nodes, ...nestedNodes(a.g.nodes));
    }
  }
  return out;
}

/** The output names of every sub-graph of `nodes`, recursively (kept from fusions, as graph outputs are). */
export function nestedOutputs(nodes: readonly OnnxNode[]): string[] {
  const graphs: OnnxGraph[] = [];
  for (const n of [...nodes, ...nestedNodes(nodes)]) for (const a of n.attrs.values()) if (a.g) graphs.push(a.g);
  return graphs.flatMap((g) => g.outputs.map((o) => o.name));
}
