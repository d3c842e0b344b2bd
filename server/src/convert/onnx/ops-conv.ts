/** Conv (plain, depthwise, grouped), the pools and global pools: NCHW nodes written as NHWC TFLite ops. */
import type { TensorRef } from '../../model/builder/index.js';
import { foldAffine } from '../common/batchnorm.js';
import { permuteData } from '../common/layout.js';
import { paddedOutputSize, samePads, tflitePadding, type Window1d } from '../common/padding.js';
import { ConvertError } from '../types.js';
import { Ctx, describe, unsupported, where, type Act } from './context.js';
import { nonNegative, takeActivation, takeBatchNorm } from './fuse.js';
import type { OnnxNode } from './reader.js';

interface Spatial {
  readonly input: Act;
  readonly padding: 'SAME' | 'VALID';
  readonly outH: number;
  readonly outW: number;
  /** The explicit pads a PAD op added (zero when TFLite's SAME/VALID does it). */
  readonly before: readonly number[];
}

/**
 * Resolves a window's padding: TFLite SAME or VALID when they reproduce the node's pads, else a PAD op before a VALID
 * window (`padValue` zero for convolutions; for MAX_POOL, zero is right only after a non-negative activation).
 */
function spatial(ctx: Ctx, node: OnnxNode, x: Act, kernel: readonly number[], padValue: 'zero' | 'max', ceil = false, sameAllowed = true): Spatial {
  const strides = ctx.ints(node, 'strides') ?? [1, 1];
  const dilations = ctx.ints(node, 'dilations') ?? [1, 1];
  if (strides.length !== 2 || dilations.length !== 2 || kernel.length !== 2) throw unsupported(node, 'only 2-D windows are supported', 'a 4-D NCHW input');
  if ([...strides, ...dilations, ...kernel].some((v) => !Number.isInteger(v) || v < 1 || v > 65536)) throw new ConvertError('bad-model', where(node), 'kernel, stride or dilation is not a positive integer');
  const windows: Window1d[] = [0, 1].map((k) => ({ input: x.shape[2 + k]!, kernel: kernel[k]!, stride: strides[k]!, dilation: dilations[k]! }));
  const auto = ctx.str(node, 'auto_pad', 'NOTSET');
  let before: number[];
  let after: number[];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const s = windows.map(samePads);
    before = s.map((p) => (auto === 'SAME_UPPER' ? p.before : p.after));
    after = s.map((p) => (auto === 'SAME_UPPER' ? p.after : p.before));
  } else if (auto === 'VALID') {
    before = [0, 0];
    after = [0, 0];
  } else {
    const pads = ctx.ints(node, 'pads') ?? [0, 0, 0, 0];
    if (pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || p < 0 || p > 65536)) throw new ConvertError('bad-model', where(node), `pads [${pads.join(',')}] are not 4 non-negative integers`);
    before = [pads[0]!, pads[1]!];
    after = [pads[2]!, pads[3]!];
  }
  if (ceil) {
    // ceil_mode: the last window may start in the padding after the input; pad enough for floor to count it.
    windows.forEach((w, k) => {
      const span = (w.kernel - 1) * w.dilation + 1;
      const total = w.input + before[k]! + after[k]! - span;
      if (total >= 0 && total % w.stride !== 0) after[k]! += w.stride - (total % w.stride);
    });
  }
  const out = windows.map((w, k) => paddedOutputSize(w, before[k]!, after[k]!));
  if (out.some((o) => o < 1)) throw new ConvertError('bad-model', where(node), `the window is larger than the padded input (output ${out.join('x')})`);
  const padding = tflitePadding(windows, before, after);
  if (padding === 'VALID' || (padding === 'SAME' && sameAllowed)) return { input: x, padding, outH: out[0]!, outW: out[1]!, before: [0, 0] };
  const paddings = [0, 0, before[0]!, after[0]!, before[1]!, after[1]!, 0, 0];
  const shape = [x.shape[0]!, x.shape[2]! + before[0]! + after[0]!, x.shape[3]! + before[1]! + after[1]!, x.shape[1]!];
  const padsRef = ctx.em.int32(`${node.name}_pads`, [4, 2], paddings);
  let ref: TensorRef;
  if (padValue === 'zero' || x.nonNegative) {
    ref = ctx.em.op('PAD', [x.ref, padsRef], `${node.name}_padded`, shape);
    ctx.note(`PAD inserted before ${describe(node)}: its pads [${before.join(',')},${after.join(',')}] are not TFLite's SAME${padValue === 'max' ? ' (zero padding: the input is non-negative)' : ''}`);
  } else {
    ref = ctx.em.op('PADV2', [x.ref, padsRef, ctx.em.float(`${node.name}_pad_value`, [1], [-3.4028234663852886e38])], `${node.name}_padded`, shape);
    ctx.note(`PADV2 (-FLT_MAX) inserted before ${describe(node)}: its pads are not TFLite's SAME (the quantizer does not run PADV2)`);
  }
  const input: Act = { kind: 'act', ref, shape: [x.shape[0]!, x.shape[1]!, shape[1]!, shape[2]!], nchw: true, nonNegative: x.nonNegative };
  return { input, padding: 'VALID', outH: out[0]!, outW: out[1]!, before };
}

export function convertConv(ctx: Ctx, node: OnnxNode): void {
  if (ctx.actOf(node, 0).shape.length === 3) return conv1d(ctx, node);
  const x = ctx.toNhwc(ctx.actOf(node, 0), node);
  const w = ctx.constOf(node, 1, 'weight');
  if (w.shape.length !== 4) throw unsupported(node, `a ${w.shape.length - 2}-D convolution`, 'Conv2d (a 4-D weight)');
  const [M, cg, kH, kW] = w.shape as [number, number, number, number];
  const C = x.shape[1]!;
  const group = ctx.int(node, 'group', 1);
  if (group < 1 || cg * group !== C || M % group !== 0) throw new ConvertError('bad-model', where(node), `weight [${w.shape.join(',')}] with group ${group} does not fit ${C} input channels`);
  const given = ctx.ints(node, 'kernel_shape');
  if (given && (given[0] !== kH || given[1] !== kW)) throw new ConvertError('bad-model', where(node), 'kernel_shape disagrees with the weight');
  const s = spatial(ctx, node, x, [kH, kW], 'zero');
  let weights: Float32Array = Float32Array.from(w.data);
  let bias: Float32Array = ctx.has(node, 2) ? Float32Array.from(ctx.constOf(node, 2, 'bias').data) : new Float32Array(M);
  if (bias.length !== M) throw new ConvertError('bad-model', where(node), `bias has ${bias.length} values for ${M} output channels`);
  let out = node.outputs[0]!;
  const bn = takeBatchNorm(ctx, out, M, node);
  if (bn) {
    ({ weights, bias } = foldAffine(weights, w.shape, 0, bias, bn.mul, bn.add));
    out = bn.out;
  }
  const act = takeActivation(ctx, out, node);
  out = act.out;
  const strides = ctx.ints(node, 'strides') ?? [1, 1];
  const dilations = ctx.ints(node, 'dilations') ?? [1, 1];
  const common = { padding: s.padding, strideH: strides[0]!, strideW: strides[1]!, dilationHFactor: dilations[0]!, dilationWFactor: dilations[1]!, fusedActivationFunction: act.fused };
  const outShape = [x.shape[0]!, s.outH, s.outW, M];
  let ref: TensorRef;
  if (group === 1) {
    const filter = ctx.em.float(`${node.name}_filter`, [M, kH, kW, C], permuteData(weights, w.shape, [0, 2, 3, 1]));
    ref = ctx.em.op('CONV_2D', [s.input.ref, filter, ctx.em.float(`${node.name}_bias`, [M], bias)], out, outShape, common);
  } else if (group === C && cg === 1) {
    const filter = ctx.em.float(`${node.name}_filter`, [1, kH, kW, M], permuteData(weights, w.shape, [1, 2, 3, 0]));
    ref = ctx.em.op('DEPTHWISE_CONV_2D', [s.input.ref, filter, ctx.em.float(`${node.name}_bias`, [M], bias)], out, outShape, { ...common, depthMultiplier: M / C });
  } else {
    ref = groupedConv(ctx, node, s.input, weights, bias, group, { kH, kW, cg, M }, outShape, common, out);
  }
  ctx.set(out, { kind: 'act', ref, shape: [x.shape[0]!, M, s.outH, s.outW], nchw: true, nonNegative: nonNegative(act.fused) });
}

/** A grouped convolution as SPLIT + one CONV_2D per group + CONCATENATION (TFLM has no grouped CONV_2D kernel). */
function groupedConv(ctx: Ctx, node: OnnxNode, x: Act, weights: Float32Array, bias: Float32Array, group: number,
  k: { kH: number; kW: number; cg: number; M: number }, outShape: number[], common: Record<string, unknown>, out: string): TensorRef {
  const per = k.M / group;
  const inShape = [x.shape[0]!, x.shape[2]!, x.shape[3]!, k.cg];
  const parts = ctx.em.multi('SPLIT', [ctx.em.int32(`${node.name}_axis`, [], [3]), x.ref], Array.from({ length: group }, (_, g) => `${node.name}_in${g}`), new Array(group).fill(inShape), { numSplits: group });
  const size = per * k.cg * k.kH * k.kW;
  const convs = parts.map((part, g) => {
    const wg = weights.subarray(g * size, (g + 1) * size);
    const filter = ctx.em.float(`${node.name}_filter${g}`, [per, k.kH, k.kW, k.cg], permuteData(wg, [per, k.cg, k.kH, k.kW], [0, 2, 3, 1]));
    const b = ctx.em.float(`${node.name}_bias${g}`, [per], bias.subarray(g * per, (g + 1) * per));
    // The activation goes on each group's CONV_2D: TFLM's CONCATENATION refuses a fused activation.
    return ctx.em.op('CONV_2D', [part, filter, b], `${node.name}_out${g}`, [...outShape.slice(0, 3), per], common);
  });
  ctx.note(`${describe(node)}: grouped convolution (${group} groups) written as SPLIT + ${group} CONV_2D + CONCATENATION`);
  return ctx.em.op('CONCATENATION', convs, out, outShape, { axis: 3, fusedActivationFunction: 'NONE' });
}

export function convertPool(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toNhwc(ctx.actOf(node, 0), node);
  const kernel = ctx.ints(node, 'kernel_shape');
  if (!kernel) throw new ConvertError('bad-model', where(node), 'kernel_shape is missing');
  const max = node.opType === 'MaxPool';
  if (max && node.outputs.length > 1 && node.outputs[1]) throw unsupported(node, 'the Indices output', 'MaxPool without indices');
  if ((ctx.ints(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) throw unsupported(node, 'dilated pooling', 'dilations 1');
  const includePad = ctx.int(node, 'count_include_pad', 0) === 1;
  // TFLite's SAME average excludes the padding from the count: with count_include_pad=1 the zeros are padded explicitly.
  const s = spatial(ctx, node, x, kernel, max ? 'max' : 'zero', ctx.int(node, 'ceil_mode', 0) === 1, max || !includePad);
  const strides = ctx.ints(node, 'strides') ?? [1, 1];
  // Padding TFLite's SAME does not reproduce, without counting it: the zero-padded average rescaled per position.
  const rescale = !max && !includePad && s.input !== x;
  const act = rescale ? { fused: 'NONE' as const, out: node.outputs[0]! } : takeActivation(ctx, node.outputs[0]!, node);
  const outShape = [x.shape[0]!, s.outH, s.outW, x.shape[1]!];
  let ref = ctx.em.op(max ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D', [s.input.ref], rescale ? `${act.out}_padded_mean` : act.out, outShape, {
    padding: s.padding, strideH: strides[0]!, strideW: strides[1]!, filterHeight: kernel[0]!, filterWidth: kernel[1]!, fusedActivationFunction: act.fused,
  });
  if (rescale) {
    const inside = (o: number, axis: number): number => {
      const start = o * strides[axis]! - s.before[axis]!;
      return Math.min(start + kernel[axis]!, x.shape[2 + axis]!) - Math.max(start, 0);
    };
    const factors: number[] = [];
    for (let oy = 0; oy < s.outH; oy++) for (let ox = 0; ox < s.outW; ox++) factors.push((kernel[0]! * kernel[1]!) / Math.max(1, inside(oy, 0) * inside(ox, 1)));
    ref = ctx.em.op('MUL', [ref, ctx.em.float(`${node.name}_count`, [1, s.outH, s.outW, 1], factors)], act.out, outShape, { fusedActivationFunction: 'NONE' });
    ctx.note(`${describe(node)}: padding excluded from the average by a MUL with the window sizes (TFLite's SAME pads differently)`);
  }
  ctx.set(act.out, { kind: 'act', ref, shape: [x.shape[0]!, x.shape[1]!, s.outH, s.outW], nchw: true, nonNegative: x.nonNegative || nonNegative(act.fused) });
}

/** GlobalAveragePool as MEAN over H, W (keep dims), GlobalMaxPool as a MAX_POOL_2D over the whole plane. */
export function convertGlobalPool(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toNhwc(ctx.actOf(node, 0), node);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out = node.outputs[0]!;
  const ref = node.opType === 'GlobalAveragePool'
    ? ctx.em.op('MEAN', [x.ref, ctx.em.int32(`${node.name}_axes`, [2], [1, 2])], out, [n, 1, 1, c], { keepDims: true })
    : ctx.em.op('MAX_POOL_2D', [x.ref], out, [n, 1, 1, c], { padding: 'VALID', strideH: 1, strideW: 1, filterHeight: h, filterWidth: w });
  ctx.set(out, { kind: 'act', ref, shape: [n, c, 1, 1], nchw: true, nonNegative: x.nonNegative });
}

/** ReduceMean over the spatial axes of an NCHW tensor (what some exports write for a global average pool). */
export function convertReduceMean(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const axesGiven = ctx.has(node, 1) ? [...ctx.constOf(node, 1, 'axes').data] : ctx.ints(node, 'axes');
  const rank = x.shape.length;
  const axes = (axesGiven ?? x.shape.map((_, k) => k)).map((a) => (a < 0 ? a + rank : a)).sort();
  const keep = ctx.int(node, 'keepdims', 1) === 1;
  const tflAxes = axes.map((a) => (x.nchw ? [0, 3, 1, 2][a]! : a)).sort();
  const onnxOut = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const outShape = keep ? onnxOut : x.shape.filter((_, k) => !axes.includes(k));
  const tflOut = keep ? Ctx.tfliteShape({ shape: onnxOut, nchw: x.nchw }) : Ctx.tfliteShape({ shape: x.shape, nchw: x.nchw }).filter((_, k) => !tflAxes.includes(k));
  const ref = ctx.em.op('MEAN', [x.ref, ctx.em.int32(`${node.name}_axes`, [tflAxes.length], tflAxes)], node.outputs[0]!, tflOut, { keepDims: keep });
  // Dropping axes of a channels-last tensor keeps ONNX order only when what is left is (N, C) or the layout was plain.
  const nchw = keep ? x.nchw : false;
  if (!keep && x.nchw && !(axes.includes(2) && axes.includes(3))) throw unsupported(node, 'a mean over the channel axis without keepdims', 'keepdims=1 or spatial axes');
  ctx.set(node.outputs[0]!, { kind: 'act', ref, shape: outShape, nchw, nonNegative: x.nonNegative });
}

/**
 * A 1-D convolution (PyTorch Conv1d, an [N,C,L] input) as a 2-D one over [N,C,1,L], as the converter of record
 * writes it; the result is held [N,M,L] in ONNX order again (RESHAPE, or a TRANSPOSE when the order differs), so the
 * ops after it see the ONNX shape. Its activation is not fused (the node after it reads the rank-3 value).
 */
function conv1d(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toPlain(ctx.actOf(node, 0), node);
  const w = ctx.constOf(node, 1, 'weight');
  if (w.shape.length !== 3) throw new ConvertError('bad-model', where(node), `weight [${w.shape.join(',')}] for a 1-D convolution`);
  const [N, C, L] = x.shape as [number, number, number];
  const lift = (name: string, v: readonly number[] | null, pad: number): number[] | null => (v ? (name === 'pads' ? [pad, v[0]!, pad, v[1]!] : [pad, ...v]) : null);
  const attrs = new Map(node.attrs);
  for (const [name, pad] of [['kernel_shape', 1], ['strides', 1], ['dilations', 1], ['pads', 0]] as const) {
    const v = lift(name, ctx.ints(node, name), pad);
    if (v) attrs.set(name, { name, type: 7, ints: v });
  }
  const tag = `${node.outputs[0]}_2d`;
  const x4 = ctx.em.op('RESHAPE', [x.ref, ctx.em.int32(`${tag}_in_shape`, [4], [N, C, 1, L])], `${tag}_in`, [N, C, 1, L], { newShape: [N, C, 1, L] });
  ctx.set(`${tag}_x`, { ...x, ref: x4, shape: [N, C, 1, L], nchw: false });
  ctx.set(`${tag}_w`, { kind: 'const', shape: [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!], data: w.data });
  const inputs = [`${tag}_x`, `${tag}_w`, ...node.inputs.slice(2)];
  convertConv(ctx, { ...node, inputs, outputs: [tag], attrs });
  const y = ctx.toPlain(ctx.values.get(tag) as Act, node);
  const shape = [y.shape[0]!, y.shape[1]!, y.shape[3]!];
  const ref = ctx.em.op('RESHAPE', [y.ref, ctx.em.int32(`${tag}_out_shape`, [3], shape)], node.outputs[0]!, shape, { newShape: shape });
  ctx.set(node.outputs[0]!, { ...y, ref, shape, nchw: false });
}
