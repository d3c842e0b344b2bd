/** Shape and layout ops: Reshape/Flatten/Squeeze/Unsqueeze, Transpose, Concat, Softmax, Pad, Resize. */
import { channelsLast, inversePerm, layoutFreeReshape, permuteShape } from '../common/layout.js';
import { ConvertError } from '../types.js';
import { axisOf, count, Ctx, describe, tfliteAxis, unsupported, where, type Act } from './context.js';
import type { OnnxNode } from './reader.js';

const NHWC = channelsLast(4);

/** The ONNX output shape of Reshape/Flatten/Squeeze/Unsqueeze given the input shape. */
export function reshapeTarget(ctx: Ctx, node: OnnxNode, input: readonly number[]): number[] {
  const rank = input.length;
  switch (node.opType) {
    case 'Flatten': {
      const axis = axisOf(node, ctx.int(node, 'axis', 1), rank + 1);
      return [count(input.slice(0, axis)), count(input.slice(axis))];
    }
    case 'Squeeze': {
      const given = ctx.has(node, 1) ? [...ctx.constOf(node, 1, 'axes').data] : ctx.ints(node, 'axes');
      const axes = given ? given.map((a) => axisOf(node, a, rank)) : input.flatMap((d, k) => (d === 1 ? [k] : []));
      if (axes.some((a) => input[a] !== 1)) throw new ConvertError('bad-model', where(node), `squeezes an axis that is not 1 in [${input.join(',')}]`);
      return input.filter((_, k) => !axes.includes(k));
    }
    case 'Unsqueeze': {
      const given = ctx.has(node, 1) ? [...ctx.constOf(node, 1, 'axes').data] : ctx.ints(node, 'axes') ?? [];
      const outRank = rank + given.length;
      const axes = given.map((a) => axisOf(node, a, outRank));
      const out: number[] = [];
      let k = 0;
      for (let o = 0; o < outRank; o++) out.push(axes.includes(o) ? 1 : input[k++]!);
      return out;
    }
    default: {
      const spec = [...ctx.constOf(node, 1, 'shape').data];
      const allowZero = ctx.int(node, 'allowzero', 0) === 1;
      const out = spec.map((d, k) => (d === 0 && !allowZero ? input[k] ?? 0 : d));
      const known = out.filter((d) => d !== -1);
      if (out.filter((d) => d === -1).length > 1 || known.some((d) => !Number.isInteger(d) || d < 0)) throw new ConvertError('bad-model', where(node), `shape [${spec.join(',')}] is not a valid Reshape target`);
      const rest = count(input) / Math.max(1, count(known));
      const filled = out.map((d) => (d === -1 ? rest : d));
      if (count(filled) !== count(input) || !Number.isInteger(rest)) throw new ConvertError('bad-model', where(node), `cannot reshape [${input.join(',')}] to [${spec.join(',')}]`);
      return filled;
    }
  }
}

/** A RESHAPE of `ref` to the .tflite shape `shape`. */
function reshape(ctx: Ctx, x: Act, name: string, shape: readonly number[]): Act['ref'] {
  return ctx.em.op('RESHAPE', [x.ref, ctx.em.int32(`${name}_shape`, [shape.length], [...shape])], name, shape, { newShape: [...shape] });
}

export function convertReshape(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const target = reshapeTarget(ctx, node, x.shape);
  const out = node.outputs[0]!;
  if (x.rowPerm) throw unsupported(node, 'reshaping a permuted flatten');
  if (!x.nchw) {
    ctx.set(out, { ...x, sumsToOne: false, ref: reshape(ctx, x, out, target), shape: target, nchw: false });
    return;
  }
  if (target.length === 4 && layoutFreeReshape(x.shape) && layoutFreeReshape(target)) {
    ctx.set(out, { ...x, sumsToOne: false, ref: reshape(ctx, x, out, permuteShape(target, NHWC)), shape: target, nchw: true });
    return;
  }
  if (target.length !== 4 && layoutFreeReshape(x.shape)) {
    ctx.set(out, { ...x, sumsToOne: false, ref: reshape(ctx, x, out, target), shape: target, nchw: false });
    return;
  }
  const readers = ctx.consumersOf(out);
  const flatten = target.length === 2 && target[0] === x.shape[0];
  if (flatten && readers.length > 0 && !ctx.isOutput(out) && readers.every((r) => (r.opType === 'Gemm' || r.opType === 'MatMul') && r.inputs[0] === out && ctx.values.get(r.inputs[1] ?? '')?.kind === 'const')) {
    // Flatten of NHWC data: feature i = (h*W + w)*C + c holds ONNX feature c*H*W + h*W + w; the Gemm weights follow.
    const [, c, h, w] = x.shape as [number, number, number, number];
    const perm = new Int32Array(c * h * w);
    let i = 0;
    for (let y = 0; y < h; y++) for (let z = 0; z < w; z++) for (let ch = 0; ch < c; ch++) perm[i++] = ch * h * w + y * w + z;
    ctx.note(`${describe(node)} of NCHW data flattened in NHWC order (the reading Gemm's weights are permuted instead of a TRANSPOSE)`);
    ctx.set(out, { kind: 'act', ref: reshape(ctx, x, out, target), shape: target, nchw: false, nonNegative: x.nonNegative, rowPerm: perm });
    return;
  }
  if (channelShuffle(ctx, node, x, target)) return;
  const plain = ctx.toPlain(x, node);
  const ref = reshape(ctx, plain, target.length === 4 ? `${out}_nchw` : out, target);
  if (target.length !== 4) {
    ctx.set(out, { ...plain, ref, shape: target });
    return;
  }
  ctx.set(out, ctx.toNhwc({ kind: 'act', ref, shape: target, nchw: false, nonNegative: x.nonNegative }, node));
}

/**
 * ShuffleNet's channel shuffle, Reshape [N,C,H,W] -> [N,g,C/g,H,W], Transpose [0,2,1,3,4], Reshape back to [N,C,H,W]:
 * a permutation of the channels, so one GATHER on the NHWC channel axis instead of three TRANSPOSEs and two RESHAPEs.
 */
function channelShuffle(ctx: Ctx, node: OnnxNode, x: Act, target: readonly number[]): boolean {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (target.length !== 5 || target[0] !== n || target[3] !== h || target[4] !== w) return false;
  const t = ctx.soleConsumer(node.outputs[0]!);
  const perm = t?.opType === 'Transpose' ? ctx.ints(t, 'perm') : null;
  if (!t || !perm || perm.join(',') !== '0,2,1,3,4') return false;
  const back = ctx.soleConsumer(t.outputs[0]!);
  if (!back || (back.opType !== 'Reshape' && back.opType !== 'Flatten') || back.inputs[0] !== t.outputs[0]) return false;
  const [a, b] = [target[1]!, target[2]!];
  const shuffled = [n, b, a, h, w];
  let final: number[];
  try {
    final = reshapeTarget(ctx, back, shuffled);
  } catch {
    return false;
  }
  if (final.join(',') !== [n, c, h, w].join(',')) return false;
  // Output channel k = j*a + i holds input channel i*b + j.
  const indices = Array.from({ length: c }, (_, k) => (k % a) * b + Math.floor(k / a));
  const out = back.outputs[0]!;
  const ref = ctx.em.op('GATHER', [x.ref, ctx.em.int32(`${node.name}_shuffle`, [c], indices)], out, [n, h, w, c], { axis: 3, batchDims: 0 });
  ctx.absorbed.add(t.index);
  ctx.absorbed.add(back.index);
  ctx.note(`${describe(node)} + ${describe(t)} + ${describe(back)}: a channel shuffle, written as one GATHER on the channel axis`);
  ctx.set(out, { ...x, sumsToOne: false, ref, shape: [n, c, h, w], nchw: true });
  return true;
}

export function convertTranspose(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const rank = x.shape.length;
  const perm = ctx.ints(node, 'perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
  if (perm.length !== rank || [...perm].sort().some((p, k) => p !== k)) throw new ConvertError('bad-model', where(node), `perm [${perm.join(',')}] is not a permutation of ${rank} axes`);
  const shape = permuteShape(x.shape, perm);
  const out = node.outputs[0]!;
  // The .tflite tensor holds ONNX axis L[k] at axis k (L = NHWC for channels-last data, identity otherwise).
  const L = x.nchw ? NHWC : perm.map((_, k) => k);
  const Linv = inversePerm(L);
  const toPlain = perm.map((p) => Linv[p]!);
  const toNhwc = rank === 4 ? NHWC.map((l) => Linv[perm[l]!]!) : null;
  const identity = (p: readonly number[]): boolean => p.every((v, k) => v === k);
  if (identity(toPlain)) return ctx.set(out, { ...x, sumsToOne: false, shape, nchw: false });
  if (toNhwc && identity(toNhwc)) return ctx.set(out, { ...x, sumsToOne: false, shape, nchw: true });
  const ref = ctx.em.op('TRANSPOSE', [x.ref, ctx.em.int32(`${node.name}_perm`, [rank], toPlain)], out, shape);
  ctx.set(out, { kind: 'act', ref, shape, nchw: false, nonNegative: x.nonNegative });
}

export function convertConcat(ctx: Ctx, node: OnnxNode): void {
  const values = node.inputs.map((_, k) => ctx.get(node, k));
  const first = values.find((v) => v.kind === 'act') as Act;
  const rank = first.shape.length;
  const axis = axisOf(node, ctx.int(node, 'axis', 0), rank);
  const nchw = values.some((v) => v.kind === 'act' && v.nchw);
  const shape = [...first.shape];
  shape[axis] = values.reduce((n, v) => n + (v.shape[axis] ?? 0), 0);
  for (const v of values) {
    if (v.shape.length !== rank || v.shape.some((d, k) => k !== axis && d !== first.shape[k])) throw new ConvertError('bad-model', where(node), `inputs [${v.shape.join(',')}] and [${first.shape.join(',')}] do not concatenate on axis ${axis}`);
  }
  const refs = values.map((v, k) => (v.kind === 'const' ? ctx.constTensor(v, `${node.name}_c${k}`, rank, nchw) : nchw ? ctx.toNhwc(v, node).ref : ctx.toPlain(v, node).ref));
  const tflAxis = tfliteAxis({ nchw, shape }, axis);
  const ref = ctx.em.op('CONCATENATION', refs, node.outputs[0]!, Ctx.tfliteShape({ shape, nchw }), { axis: tflAxis, fusedActivationFunction: 'NONE' });
  if (nchw && axis !== tflAxis) ctx.note(`${describe(node)}: NCHW axis ${axis} is NHWC axis ${tflAxis}`);
  ctx.set(node.outputs[0]!, { kind: 'act', ref, shape, nchw, nonNegative: values.every((v) => (v.kind === 'act' ? v.nonNegative : v.data.every((d) => d >= 0))) });
}

export function convertSoftmax(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const rank = x.shape.length;
  const axis = axisOf(node, ctx.int(node, 'axis', ctx.opset >= 13 ? -1 : 1), rank);
  // Before opset 13 Softmax normalizes over all axes from `axis` on; the same as the last axis when the rest are 1.
  const lastOnly = ctx.opset >= 13 || x.shape.slice(axis + 1).every((d) => d === 1) || axis === rank - 1;
  const tflAxis = tfliteAxis(x, axis);
  const tflShape = Ctx.tfliteShape(x);
  if (!lastOnly || tflShape.slice(tflAxis + 1).some((d) => d !== 1)) throw unsupported(node, `softmax over axis ${axis} of [${x.shape.join(',')}]`, 'softmax over the last (or channel) axis');
  const log = node.opType === 'LogSoftmax';
  if (log) ctx.note(`${describe(node)} is LOG_SOFTMAX`);
  const ref = log ? ctx.em.op('LOG_SOFTMAX', [x.ref], node.outputs[0]!, tflShape) : ctx.em.op('SOFTMAX', [x.ref], node.outputs[0]!, tflShape, { beta: 1 });
  ctx.set(node.outputs[0]!, { ...x, ref, nonNegative: !log, sumsToOne: !log && axis === rank - 1 });
}

export function convertPad(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const mode = ctx.str(node, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw unsupported(node, `mode '${mode}'`, "mode 'constant', 'reflect' or 'edge'");
  const rank = x.shape.length;
  const old = ctx.opset < 11;
  const pads = old ? [...(ctx.ints(node, 'pads') ?? [])] : [...ctx.constOf(node, 1, 'pads').data];
  if (!old && ctx.has(node, 3)) throw unsupported(node, 'the axes input', 'pads for every axis');
  if (pads.length !== 2 * rank || pads.some((p) => p < 0 || !Number.isInteger(p))) throw unsupported(node, `pads [${pads.join(',')}]`, 'non-negative pads, 2 per axis');
  const shape = x.shape.map((d, k) => d + pads[k]! + pads[k + rank]!);
  if (mode !== 'constant') return gatherPad(ctx, node, x, pads, mode);
  const value = old ? ctx.float(node, 'value', 0) : ctx.has(node, 2) ? ctx.constOf(node, 2, 'constant_value').data[0] ?? 0 : 0;
  const order = x.nchw ? NHWC : x.shape.map((_, k) => k);
  const paddings = order.flatMap((a) => [pads[a]!, pads[a + rank]!]);
  const padsRef = ctx.em.int32(`${node.name}_pads`, [rank, 2], paddings);
  const tflShape = Ctx.tfliteShape({ shape, nchw: x.nchw });
  let ref: Act['ref'];
  if (value === 0) ref = ctx.em.op('PAD', [x.ref, padsRef], node.outputs[0]!, tflShape);
  else {
    // pad(x, v) = pad(x - v, 0) + v: PAD, which TFLM and the quantizer both run, instead of PADV2.
    const inShape = Ctx.tfliteShape(x);
    const shifted = ctx.em.op('ADD', [x.ref, ctx.em.float(`${node.name}_minus_value`, [1], [-value])], `${node.outputs[0]}_shifted`, inShape, { fusedActivationFunction: 'NONE' });
    const padded = ctx.em.op('PAD', [shifted, padsRef], `${node.outputs[0]}_padded`, tflShape);
    ref = ctx.em.op('ADD', [padded, ctx.em.float(`${node.name}_value`, [1], [value])], node.outputs[0]!, tflShape, { fusedActivationFunction: 'NONE' });
    ctx.note(`${describe(node)}: padding with ${value} written as ADD + PAD + ADD`);
  }
  ctx.set(node.outputs[0]!, { ...x, ref, shape, nonNegative: x.nonNegative && value >= 0 });
}

export function convertResize(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toNhwc(ctx.actOf(node, 0), node);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  let outH: number;
  let outW: number;
  // Upsample and Resize before opset 11 take (X, scales) and resize as 'asymmetric' with floor for nearest.
  const old = node.opType === 'Upsample' || ctx.opset < 11;
  const sizes = !old && ctx.has(node, 3) ? ctx.constOf(node, 3, 'sizes').data : null;
  if (sizes && sizes.length === 4) {
    [outH, outW] = [sizes[2]!, sizes[3]!];
    if (sizes[0] !== n || sizes[1] !== c) throw unsupported(node, 'resizing the batch or channel axis');
  } else {
    const scales = old && node.opType === 'Upsample' && !ctx.has(node, 1) ? Float32Array.from(ctx.attr(node, 'scales')?.floats ?? []) : ctx.constOf(node, old ? 1 : 2, 'scales').data;
    if (scales.length !== 4 || scales[0] !== 1 || scales[1] !== 1) throw unsupported(node, `scales [${[...scales].join(',')}]`, 'scales on H and W only');
    [outH, outW] = [Math.floor(h * scales[2]!), Math.floor(w * scales[3]!)];
  }
  if (!(outH >= 1 && outW >= 1 && outH <= 65536 && outW <= 65536)) throw new ConvertError('bad-model', where(node), `output size ${outH}x${outW}`);
  const mode = ctx.str(node, 'mode', 'nearest');
  const coord = old ? 'asymmetric' : ctx.str(node, 'coordinate_transformation_mode', 'half_pixel');
  const nearestMode = old ? 'floor' : ctx.str(node, 'nearest_mode', 'round_prefer_floor');
  if (ctx.int(node, 'antialias', 0) !== 0) throw unsupported(node, 'antialias', 'antialias=0');
  const upscale = outH % h === 0 && outW % w === 0;
  let op: string;
  let options: { alignCorners: boolean; halfPixelCenters: boolean };
  if (mode === 'nearest') {
    op = 'RESIZE_NEAREST_NEIGHBOR';
    if (coord === 'asymmetric' && nearestMode === 'floor') options = { alignCorners: false, halfPixelCenters: false };
    else if ((coord === 'half_pixel' || coord === 'pytorch_half_pixel') && (nearestMode === 'round_prefer_ceil' || upscale)) options = { alignCorners: false, halfPixelCenters: true };
    else throw unsupported(node, `nearest resize with ${coord} / ${nearestMode}`, 'asymmetric + floor (PyTorch), or half_pixel');
  } else if (mode === 'linear' || mode === 'bilinear') {
    op = 'RESIZE_BILINEAR';
    if (coord === 'align_corners') options = { alignCorners: true, halfPixelCenters: false };
    else if (coord === 'asymmetric') options = { alignCorners: false, halfPixelCenters: false };
    else if (coord === 'half_pixel' || (coord === 'pytorch_half_pixel' && outH > 1 && outW > 1)) options = { alignCorners: false, halfPixelCenters: true };
    else throw unsupported(node, `linear resize with ${coord}`, 'half_pixel, align_corners or asymmetric');
  } else throw unsupported(node, `mode '${mode}'`, 'nearest or linear');
  const ref = ctx.em.op(op, [x.ref, ctx.em.int32(`${node.name}_size`, [2], [outH, outW])], node.outputs[0]!, [n, outH, outW, c], options);
  ctx.set(node.outputs[0]!, { ...x, ref, shape: [n, c, outH, outW] });
}

/**
 * Reflect and edge padding as one GATHER per padded axis, its indices the source position of each output position
 * (reflect: p..1, 0..n-1, n-2..; edge: 0.., 0..n-1, ..n-1): GATHER is what TFLM, the quantizer and its interpreter
 * all run (TFLM's MIRROR_PAD has no edge mode, and the quantizer does not take it).
 */
function gatherPad(ctx: Ctx, node: OnnxNode, x: Act, pads: readonly number[], mode: string): void {
  const rank = x.shape.length;
  let cur = x;
  for (let a = 0; a < rank; a++) {
    const [before, after, n] = [pads[a]!, pads[a + rank]!, x.shape[a]!];
    if (before === 0 && after === 0) continue;
    if (mode === 'reflect' && (before >= n || after >= n)) throw unsupported(node, `reflect padding of ${Math.max(before, after)} on an axis of ${n}`, 'pads smaller than the axis');
    const source = (i: number): number => (mode === 'edge' ? Math.min(n - 1, Math.max(0, i)) : i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    const indices = Array.from({ length: before + n + after }, (_, k) => source(k - before));
    const shape = cur.shape.map((d, k) => (k === a ? indices.length : d));
    const last = pads.slice(a + 1, rank).every((p, k) => p === 0 && pads[a + 1 + k + rank] === 0);
    const out = last ? node.outputs[0]! : `${node.outputs[0]}_pad${a}`;
    const axis = tfliteAxis(cur, a);
    const ref = ctx.em.op('GATHER', [cur.ref, ctx.em.int32(`${out}_indices`, [indices.length], indices)], out, Ctx.tfliteShape({ shape, nchw: cur.nchw }), { axis, batchDims: 0 });
    cur = { ...cur, ref, shape };
  }
  ctx.note(`${describe(node)}: ${mode} padding written as GATHER with constant indices`);
  ctx.set(node.outputs[0]!, cur);
}
