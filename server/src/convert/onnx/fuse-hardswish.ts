/**
 * Hard-swish written out by PyTorch: `x * relu6(x + 3) / 6` in a model's own module (Add, Clip(0, 6), Div by 6 or
 * Mul by 1/6, Mul by x, the last two in either order), or `F.hardswish` exported below opset 14 (HardSigmoid with
 * alpha 1/6, beta 0.5, then Mul by x). Either becomes one HARD_SWISH, which TFLM runs in float and int8, instead of
 * three or four ops and their intermediate tensors in the arena. Each intermediate must be read by the next node
 * only (and not be a graph output); anything else is left to the op-by-op mapping.
 */
import { clipBounds } from './fuse.js';
import { Ctx, describe, type Act } from './context.js';
import type { OnnxNode } from './reader.js';

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b);

/** The scalar constant operand `k` of `node` (of rank 4 at most: it broadcasts into x's shape), or null. */
function scalar(ctx: Ctx, node: OnnxNode, k: number, rank = 4): number | null {
  if (!ctx.has(node, k)) return null;
  const v = ctx.get(node, k);
  return v.kind === 'const' && v.data.length === 1 && v.shape.length <= rank ? v.data[0]! : null;
}

/** Whether `node` divides `name` by 6 (Div by 6, or Mul by 1/6 with the constant on either side). */
function sixth(ctx: Ctx, node: OnnxNode | null, name: string, rank: number): boolean {
  if (!node || node.domain !== '' || node.outputs.length !== 1 || node.inputs.length !== 2) return false;
  if (node.opType === 'Div') return node.inputs[0] === name && near(scalar(ctx, node, 1, rank) ?? NaN, 6);
  if (node.opType !== 'Mul') return false;
  const k = node.inputs.indexOf(name);
  return (k === 0 || k === 1) && near(scalar(ctx, node, 1 - k, rank) ?? NaN, 1 / 6);
}

/** Whether `node` multiplies `name` by `x` (either order). */
function timesX(node: OnnxNode | null, name: string, x: string): boolean {
  if (!node || node.domain !== '' || node.opType !== 'Mul' || node.outputs.length !== 1 || node.inputs.length !== 2) return false;
  return (node.inputs[0] === name && node.inputs[1] === x) || (node.inputs[1] === name && node.inputs[0] === x);
}

/** Emits HARD_SWISH(x) as `out`, the nodes after the first absorbed. */
function emit(ctx: Ctx, x: Act, first: OnnxNode, absorbed: readonly OnnxNode[], out: string): true {
  for (const n of absorbed) ctx.absorbed.add(n.index);
  const ref = ctx.em.op('HARD_SWISH', [x.ref], out, Ctx.tfliteShape(x));
  ctx.set(out, { kind: 'act', ref, shape: x.shape, nchw: x.nchw });
  ctx.note(`${describe(first)} and the ${absorbed.map((n) => n.opType).join(', ')} after it written as one HARD_SWISH`);
  return true;
}

/** Add(x, 3) -> Clip(0, 6) -> (/6, *x in either order) as HARD_SWISH; false when `add` does not start one. */
export function tryHardSwishFromAdd(ctx: Ctx, add: OnnxNode): boolean {
  if (add.inputs.length !== 2 || add.outputs.length !== 1) return false;
  const x0 = ctx.values.get(add.inputs[0]!);
  const x1 = ctx.values.get(add.inputs[1]!);
  const k = x0?.kind === 'act' ? 1 : x1?.kind === 'act' ? 0 : -1;
  const x = k === 1 ? x0 : x1;
  if (k < 0 || x?.kind !== 'act' || x.rowPerm || !near(scalar(ctx, add, k, x.shape.length) ?? NaN, 3)) return false;
  const xName = add.inputs[1 - k]!;
  const rank = x.shape.length;
  const clip = ctx.soleConsumer(add.outputs[0]!);
  if (!clip || clip.opType !== 'Clip' || clip.domain !== '' || clip.inputs[0] !== add.outputs[0]) return false;
  const b = clipBounds(ctx, clip);
  if (!b || b.min !== 0 || b.max !== 6) return false;
  const c = clip.outputs[0]!;
  const next = ctx.soleConsumer(c);
  if (sixth(ctx, next, c, rank)) {
    const mul = ctx.soleConsumer(next!.outputs[0]!);
    return timesX(mul, next!.outputs[0]!, xName) && emit(ctx, x, add, [clip, next!, mul!], mul!.outputs[0]!);
  }
  if (timesX(next, c, xName)) {
    const div = ctx.soleConsumer(next!.outputs[0]!);
    return sixth(ctx, div, next!.outputs[0]!, rank) && emit(ctx, x, add, [clip, next!, div!], div!.outputs[0]!);
  }
  return false;
}

/** HardSigmoid(x, 1/6, 1/2) -> Mul by x (PyTorch's hardswish below opset 14) as HARD_SWISH. */
export function tryHardSwishFromHardSigmoid(ctx: Ctx, hs: OnnxNode): boolean {
  const xName = hs.inputs[0]!;
  const x = ctx.values.get(xName);
  if (x?.kind !== 'act' || x.rowPerm) return false;
  if (!near(ctx.float(hs, 'alpha', 0.2), 1 / 6) || !near(ctx.float(hs, 'beta', 0.5), 0.5)) return false;
  const mul = ctx.soleConsumer(hs.outputs[0]!);
  return timesX(mul, hs.outputs[0]!, xName) && emit(ctx, x, hs, [mul!], mul!.outputs[0]!);
}
