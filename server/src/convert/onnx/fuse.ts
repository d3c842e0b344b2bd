/**
 * What a converted op absorbs from the nodes after it: a BatchNormalization folded into its weights, then a
 * Relu / Clip fused as its activation. Each is taken only when the node is the sole reader of the value (and the value
 * is not a graph output), so nothing else sees the intermediate.
 */
import { batchNormAffine } from '../common/batchnorm.js';
import { fusedActivation, type FusedActivation } from '../common/activation.js';
import { describe, type Ctx } from './context.js';
import type { OnnxNode } from './reader.js';

/** The bounds of a Clip node when they are constants (opset 11+: inputs 1 and 2, each optional). */
export function clipBounds(ctx: Ctx, node: OnnxNode): { min: number; max: number } | null {
  if (ctx.opset < 11) return { min: ctx.float(node, 'min', -Infinity), max: ctx.float(node, 'max', Infinity) };
  const bound = (k: number, dflt: number): number | null => {
    if (!ctx.has(node, k)) return dflt;
    const v = ctx.get(node, k);
    return v.kind === 'const' && v.data.length === 1 ? v.data[0]! : null;
  };
  const min = bound(1, -Infinity);
  const max = bound(2, Infinity);
  return min === null || max === null ? null : { min, max };
}

/** Takes the BatchNormalization reading `name` (per channel of axis 1, `channels` of them), when it can be folded. */
export function takeBatchNorm(ctx: Ctx, name: string, channels: number, into: OnnxNode): { mul: Float32Array; add: Float32Array; out: string } | null {
  const bn = ctx.soleConsumer(name);
  if (!bn || bn.opType !== 'BatchNormalization' || bn.domain !== '' || bn.inputs[0] !== name || bn.outputs.length !== 1) return null;
  const params = [1, 2, 3, 4].map((k) => {
    const v = ctx.has(bn, k) ? ctx.get(bn, k) : null;
    return v?.kind === 'const' && v.data.length === channels ? v.data : null;
  });
  if (params.some((p) => p === null)) return null;
  const [gamma, beta, mean, variance] = params as Float32Array[];
  ctx.absorbed.add(bn.index);
  ctx.note(`${describe(bn)} folded into ${describe(into)}`);
  return { ...batchNormAffine(gamma!, beta!, mean!, variance!, ctx.float(bn, 'epsilon', 1e-5)), out: bn.outputs[0]! };
}

/** Takes the Relu / Clip reading `name` when TFLite can fuse it; `fused` is 'NONE' when there is none. */
export function takeActivation(ctx: Ctx, name: string, into: OnnxNode): { fused: FusedActivation | 'NONE'; out: string } {
  const next = ctx.soleConsumer(name);
  if (!next || next.domain !== '' || next.inputs[0] !== name) return { fused: 'NONE', out: name };
  let fused: FusedActivation | null = null;
  if (next.opType === 'Relu') fused = 'RELU';
  else if (next.opType === 'Clip') {
    const b = clipBounds(ctx, next);
    fused = b ? fusedActivation({ kind: 'clip', ...b }) : null;
  }
  if (fused === null) return { fused: 'NONE', out: name };
  ctx.absorbed.add(next.index);
  ctx.note(`${describe(next)} fused into ${describe(into)} as ${fused}`);
  return { fused, out: next.outputs[0]! };
}

/** Whether a fused activation leaves only non-negative values. */
export const nonNegative = (fused: string): boolean => fused === 'RELU' || fused === 'RELU6';
