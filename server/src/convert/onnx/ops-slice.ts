/**
 * Slice of an activation, in the layout the activation is held in: one STRIDED_SLICE for the positive steps, and a
 * GATHER with constant indices for each axis read backwards (x[..., ::-1]).
 */
import { channelsLast } from '../common/layout.js';
import { ConvertError } from '../types.js';
import type { TensorRef } from '../../model/builder/index.js';
import { axisOf, Ctx, where, type Act, type Const } from './context.js';
import { sliceWindow } from './ops-const.js';
import type { OnnxNode } from './reader.js';

const NHWC = channelsLast(4);

/** One STRIDED_SLICE of `x` (ONNX order: start, positive stride and size per axis), in the layout `x` is held in. */
function stridedSlice(ctx: Ctx, x: Act, begin: readonly number[], stride: readonly number[], size: readonly number[], out: string): TensorRef {
  const order = x.nchw ? NHWC : x.shape.map((_, k) => k);
  const rank = x.shape.length;
  const em = ctx.em;
  return em.op('STRIDED_SLICE', [
    x.ref,
    em.int32(`${out}_begin`, [rank], order.map((a) => begin[a]!)),
    em.int32(`${out}_end`, [rank], order.map((a) => begin[a]! + (size[a]! - 1) * stride[a]! + 1)),
    em.int32(`${out}_strides`, [rank], order.map((a) => stride[a]!)),
  ], out, Ctx.tfliteShape({ shape: size, nchw: x.nchw }), {});
}

export function convertSlice(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const c = node.inputs.map((name, k) => (k === 0 || name === '' ? null : ctx.constOf(node, k, ['', 'starts', 'ends', 'axes', 'steps'][k] ?? 'input')));
  const { begin, step, size } = sliceWindow(node, x.shape, c as (Const | null)[]);
  if (size.some((d) => d === 0)) throw new ConvertError('bad-model', where(node), `the slice of [${x.shape.join(',')}] is empty`);
  const order = x.nchw ? NHWC : x.shape.map((_, k) => k);
  const out = node.outputs[0]!;
  const backwards = step.flatMap((s, a) => (s < 0 ? [a] : []));
  // The forward part: backward axes keep the range they read, walked forwards here and reversed by the GATHERs.
  const first = begin.map((b, a) => (step[a]! < 0 ? b + (size[a]! - 1) * step[a]! : b));
  let ref = x.ref;
  if (first.some((b, a) => b !== 0 || size[a] !== x.shape[a] || Math.abs(step[a]!) !== 1)) {
    ref = stridedSlice(ctx, x, first, step.map((s) => Math.abs(s)), size, backwards.length ? `${out}_forward` : out);
  }
  backwards.forEach((a, k) => {
    const name = k === backwards.length - 1 ? out : `${out}_reversed${a}`;
    const indices = Array.from({ length: size[a]! }, (_, i) => size[a]! - 1 - i);
    ref = ctx.em.op('GATHER', [ref, ctx.em.int32(`${name}_indices`, [indices.length], indices)], name, Ctx.tfliteShape({ shape: size, nchw: x.nchw }), { axis: order.indexOf(a), batchDims: 0 });
  });
  if (ref === x.ref) return ctx.set(out, x);
  ctx.set(out, { ...x, ref, shape: size, rowPerm: undefined, sumsToOne: false });
}

/** Split of an activation: one STRIDED_SLICE per output (sizes from the split input or attribute, else equal parts). */
export function convertSplit(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const axis = axisOf(node, ctx.int(node, 'axis', 0), x.shape.length);
  const dim = x.shape[axis]!;
  const n = node.outputs.length;
  const given = ctx.has(node, 1) ? Array.from(ctx.constOf(node, 1, 'split').data) : ctx.ints(node, 'split');
  const sizes = given && given.length ? [...given] : Array.from({ length: n }, (_, k) => Math.min(Math.ceil(dim / n), Math.max(0, dim - k * Math.ceil(dim / n))));
  if (sizes.length !== n || sizes.some((s) => !Number.isInteger(s) || s < 1) || sizes.reduce((a, b) => a + b, 0) !== dim) {
    throw new ConvertError('bad-model', where(node), `split [${sizes.join(',')}] does not cut axis ${axis} of [${x.shape.join(',')}] into ${n} parts`);
  }
  let start = 0;
  sizes.forEach((size, k) => {
    const out = node.outputs[k];
    const begin = x.shape.map((_, a) => (a === axis ? start : 0));
    const shape = x.shape.map((d, a) => (a === axis ? size : d));
    start += size;
    if (!out) return;
    const ref = stridedSlice(ctx, x, begin, x.shape.map(() => 1), shape, out);
    ctx.set(out, { ...x, ref, shape, rowPerm: undefined, sumsToOne: false });
  });
}
