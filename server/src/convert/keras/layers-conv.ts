/**
 * Convolutions, Dense and BatchNormalization. Keras kernels are HWIO (`[kh, kw, in, out]`), TFLite's CONV_2D
 * filters OHWI and DEPTHWISE_CONV_2D's `[1, kh, kw, in * multiplier]`; Dense kernels `[in, units]` become
 * FULLY_CONNECTED weights `[units, in]`. A BatchNormalization folded into a layer scales its output channels and
 * shifts its bias, as TFLite's converter folds it.
 */
import { convOutputSize } from '../../model/builder/index.js';
import { ConvertError } from '../types.js';
import { type Fused, type Value } from './emit.js';
import type { KNode } from './graph.js';
import { applyActivation, at, bool, channelsLast, int, ints, num, ownActivation, padding, unsupported, type Affine, type LayerContext } from './context.js';

/** `[d0, d1, ..., dn-1]` row-major data transposed by `perm`. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((n, d) => n * d, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k]! * strides[perm[k]!]!;
    out[o] = data[src]!;
    for (let k = perm.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

function outSize(node: KNode, input: number, filter: number, stride: number, pad: 'SAME' | 'VALID', dilation: number): number {
  try {
    return convOutputSize(input, filter, stride, pad, dilation);
  } catch (e) {
    throw new ConvertError('bad-model', at(node), (e as Error).message);
  }
}

/** Scales output channel `o` (the outer axis of `[out, ...]`, or the last when `lastAxis`) and shifts the bias. */
function fold(c: LayerContext, node: KNode, weights: Float32Array, bias: Float32Array | null, channels: number, rank: number, lastAxis: boolean): Float32Array | null {
  const bnNode = c.folded.get(node.id);
  if (!bnNode) return bias;
  const bn = batchNormAffine(c, bnNode, channels, rank);
  c.notes.push(`BatchNormalization '${bnNode.id}' folded into ${node.className} '${node.id}'`);
  const per = weights.length / channels;
  for (let i = 0; i < weights.length; i++) {
    const o = lastAxis ? i % channels : Math.floor(i / per);
    weights[i]! *= bn.scale[o]!;
  }
  const b = new Float32Array(channels);
  for (let o = 0; o < channels; o++) b[o] = (bias?.[o] ?? 0) * bn.scale[o]! + bn.shift[o]!;
  return b;
}

function expectRank(node: KNode, x: Value, rank: number): void {
  if (x.shape.length !== rank) throw new ConvertError('bad-model', at(node), `expects a rank-${rank} input, gets [${x.shape.join(', ')}]`);
}

interface Conv2dSpec { kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; pad: 'SAME' | 'VALID'; filters: number; groups: number }

/** CONV_2D (split into `groups` convolutions and concatenated when grouped) with the folded BN and activation. */
function emitConv(c: LayerContext, node: KNode, x: Value, s: Conv2dSpec, kernel: Float32Array, bias: Float32Array | null): Value {
  const inC = x.shape[3]!;
  const inG = inC / s.groups;
  // HWIO -> OHWI
  const filter = transpose(kernel, [s.kh, s.kw, inG, s.filters], [3, 0, 1, 2]);
  const b = fold(c, node, filter, bias, s.filters, node.className.includes('1D') ? 3 : 4, false);
  const { fused, after } = ownActivation(c, node);
  const oh = outSize(node, x.shape[1]!, s.kh, s.sh, s.pad, s.dh);
  const ow = outSize(node, x.shape[2]!, s.kw, s.sw, s.pad, s.dw);
  const options = { padding: s.pad, strideH: s.sh, strideW: s.sw, dilationHFactor: s.dh, dilationWFactor: s.dw };
  let y: Value;
  if (s.groups === 1) {
    const f = c.e.constant(`${node.id}/filter`, [s.filters, s.kh, s.kw, inC], filter);
    const bt = b ? c.e.constant(`${node.id}/bias`, [s.filters], b) : null;
    y = c.e.op('CONV_2D', node.id, bt ? [x.ref, f, bt] : [x.ref, f], [1, oh, ow, s.filters], { ...options, fusedActivationFunction: fused });
  } else {
    const outG = s.filters / s.groups;
    const axis = c.e.ints(`${node.id}/split_axis`, [], [3]);
    const parts = c.e.ops('SPLIT', `${node.id}/split`, [axis, x.ref], new Array(s.groups).fill([1, x.shape[1]!, x.shape[2]!, inG]), { numSplits: s.groups });
    const per = outG * s.kh * s.kw * inG;
    const outs = parts.map((p, gi) => {
      const f = c.e.constant(`${node.id}/filter_${gi}`, [outG, s.kh, s.kw, inG], filter.subarray(gi * per, (gi + 1) * per));
      const bt = b ? c.e.constant(`${node.id}/bias_${gi}`, [outG], b.subarray(gi * outG, (gi + 1) * outG)) : null;
      return c.e.op('CONV_2D', `${node.id}/group_${gi}`, bt ? [p.ref, f, bt] : [p.ref, f], [1, oh, ow, outG], { ...options, fusedActivationFunction: 'NONE' });
    });
    y = c.e.op('CONCATENATION', node.id, outs.map((o) => o.ref), [1, oh, ow, s.filters], { axis: 3, fusedActivationFunction: fused });
    c.notes.push(`Conv2D '${node.id}' with ${s.groups} groups: SPLIT, ${s.groups} CONV_2D, CONCATENATION`);
  }
  return applyActivation(c, node, y, after);
}

export function conv2d(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  channelsLast(node);
  expectRank(node, x!, 4);
  const [kh, kw] = ints(node, 'kernel_size', 2, null) as [number, number];
  const [sh, sw] = ints(node, 'strides', 2, [1, 1]) as [number, number];
  const [dh, dw] = ints(node, 'dilation_rate', 2, [1, 1]) as [number, number];
  const filters = int(node, 'filters', 1);
  const groups = int(node, 'groups', 1);
  const pad = padding(node);
  if (pad === 'causal') throw unsupported(node, "padding 'causal' on a 2-D convolution");
  const inC = x!.shape[3]!;
  if (inC % groups !== 0 || filters % groups !== 0) throw new ConvertError('bad-model', at(node), `${groups} groups do not divide ${inC} input and ${filters} output channels`);
  const useBias = bool(node, 'use_bias', true);
  const [kernel, bias] = c.w.take(node, useBias ? ['kernel', 'bias'] : ['kernel'], [[kh, kw, inC / groups, filters], [filters]]);
  return emitConv(c, node, x!, { kh, kw, sh, sw, dh, dw, pad, filters, groups }, kernel!, bias ?? null);
}

/** Conv1D as CONV_2D over a 1-high image (`[1, T, C]` -> `[1, 1, T, C]`), as TFLite's converter lowers it. */
export function conv1d(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  channelsLast(node);
  expectRank(node, x!, 3);
  const [k] = ints(node, 'kernel_size', 1, null) as [number];
  const [s] = ints(node, 'strides', 1, [1]) as [number];
  const [d] = ints(node, 'dilation_rate', 1, [1]) as [number];
  const filters = int(node, 'filters', 1);
  const groups = int(node, 'groups', 1);
  const pad = padding(node);
  const [, t, inC] = x!.shape as [number, number, number];
  if (inC % groups !== 0 || filters % groups !== 0) throw new ConvertError('bad-model', at(node), `${groups} groups do not divide ${inC} input and ${filters} output channels`);
  const useBias = bool(node, 'use_bias', true);
  const [kernel, bias] = c.w.take(node, useBias ? ['kernel', 'bias'] : ['kernel'], [[k, inC / groups, filters], [filters]]);
  let x4 = c.e.reshape(x!, [1, 1, t, inC], `${node.id}/expand`);
  if (pad === 'causal') {
    const left = (k - 1) * d;
    const p = c.e.ints(`${node.id}/causal_pad`, [4, 2], [0, 0, 0, 0, left, 0, 0, 0]);
    x4 = c.e.op('PAD', `${node.id}/causal`, [x4.ref, p], [1, 1, t + left, inC]);
  }
  const y = emitConv(c, node, x4, { kh: 1, kw: k, sh: 1, sw: s, dh: 1, dw: d, pad: pad === 'causal' ? 'VALID' : pad, filters, groups }, kernel!, bias ?? null);
  return c.e.reshape(y, [1, y.shape[2]!, y.shape[3]!], `${node.id}/squeeze`);
}

function depthwise(c: LayerContext, node: KNode, x: Value, kernel: Float32Array, bias: Float32Array | null, k: [number, number], mult: number, fusedOverride: Fused | null): Value {
  const [sh, sw] = ints(node, 'strides', 2, [1, 1]) as [number, number];
  const [dh, dw] = ints(node, 'dilation_rate', 2, [1, 1]) as [number, number];
  const pad = padding(node);
  if (pad === 'causal') throw unsupported(node, "padding 'causal' on a 2-D convolution");
  const inC = x.shape[3]!;
  const outC = inC * mult;
  // [kh, kw, C, M] is already [1, kh, kw, C*M] in row-major order (output channel c*M + m, as TFLite's).
  const filter = Float32Array.from(kernel);
  const b = fusedOverride === null ? fold(c, node, filter, bias, outC, 4, true) : bias;
  const { fused, after } = fusedOverride === null ? ownActivation(c, node) : { fused: fusedOverride, after: 'linear' };
  const oh = outSize(node, x.shape[1]!, k[0], sh, pad, dh);
  const ow = outSize(node, x.shape[2]!, k[1], sw, pad, dw);
  const f = c.e.constant(`${node.id}/depthwise_filter`, [1, k[0], k[1], outC], filter);
  const bt = b ? c.e.constant(`${node.id}/depthwise_bias`, [outC], b) : null;
  const y = c.e.op('DEPTHWISE_CONV_2D', fusedOverride === null ? node.id : `${node.id}/depthwise`, bt ? [x.ref, f, bt] : [x.ref, f], [1, oh, ow, outC], {
    padding: pad, strideH: sh, strideW: sw, dilationHFactor: dh, dilationWFactor: dw, depthMultiplier: mult, fusedActivationFunction: fused,
  });
  return applyActivation(c, node, y, after);
}

export function depthwiseConv2d(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  channelsLast(node);
  expectRank(node, x!, 4);
  const k = ints(node, 'kernel_size', 2, null) as [number, number];
  const mult = int(node, 'depth_multiplier', 1);
  const inC = x!.shape[3]!;
  const useBias = bool(node, 'use_bias', true);
  const [kernel, bias] = c.w.take(node, useBias ? ['depthwise_kernel', 'bias'] : ['depthwise_kernel'], [[k[0], k[1], inC, mult], [inC * mult]]);
  return depthwise(c, node, x!, kernel!, bias ?? null, k, mult, null);
}

/** SeparableConv2D: DEPTHWISE_CONV_2D (no bias, no activation) then a 1x1 CONV_2D with the bias and activation. */
export function separableConv2d(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  channelsLast(node);
  expectRank(node, x!, 4);
  const k = ints(node, 'kernel_size', 2, null) as [number, number];
  const mult = int(node, 'depth_multiplier', 1);
  const filters = int(node, 'filters', 1);
  const inC = x!.shape[3]!;
  const useBias = bool(node, 'use_bias', true);
  const names = useBias ? ['depthwise_kernel', 'pointwise_kernel', 'bias'] : ['depthwise_kernel', 'pointwise_kernel'];
  const [dk, pk, bias] = c.w.take(node, names, [[k[0], k[1], inC, mult], [1, 1, inC * mult, filters], [filters]]);
  const d = depthwise(c, node, x!, dk!, null, k, mult, 'NONE');
  return emitConv(c, node, d, { kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pad: 'VALID', filters, groups: 1 }, pk!, bias ?? null);
}

/** Dense: FULLY_CONNECTED; on a rank > 2 input with keep_num_dims (the last axis is the one contracted). */
export function dense(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const units = int(node, 'units', 1);
  const inner = x!.shape[x!.shape.length - 1]!;
  const useBias = bool(node, 'use_bias', true);
  const [kernel, bias] = c.w.take(node, useBias ? ['kernel', 'bias'] : ['kernel'], [[inner, units], [units]]);
  const weights = transpose(kernel!, [inner, units], [1, 0]);
  const b = fold(c, node, weights, bias ?? null, units, x!.shape.length, false);
  const { fused, after } = ownActivation(c, node);
  const wt = c.e.constant(`${node.id}/weights`, [units, inner], weights);
  const bt = b ? c.e.constant(`${node.id}/bias`, [units], b) : null;
  const keep = x!.shape.length > 2;
  const shape = keep ? [...x!.shape.slice(0, -1), units] : [1, units];
  const y = c.e.op('FULLY_CONNECTED', node.id, bt ? [x!.ref, wt, bt] : [x!.ref, wt], shape, { fusedActivationFunction: fused, keepNumDims: keep });
  return applyActivation(c, node, y, after);
}

/** A BatchNormalization's inference transform per channel (gamma / beta absent when scale / center are off). */
export function batchNormAffine(c: LayerContext, node: KNode, channels: number, rank: number): Affine {
  const axis = node.config.axis;
  const last = Array.isArray(axis) ? axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1) : axis === undefined || axis === -1 || axis === rank - 1;
  if (!last) throw unsupported(node, `normalization over axis ${JSON.stringify(axis)}, not the channels`);
  const scale = bool(node, 'scale', true);
  const center = bool(node, 'center', true);
  const eps = num(node, 'epsilon', 1e-3);
  const names = [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
  const ws = c.w.take(node, names, names.map(() => [channels]));
  const gamma = scale ? ws.shift()! : null;
  const beta = center ? ws.shift()! : null;
  const [mean, variance] = ws as [Float32Array, Float32Array];
  const s = new Float32Array(channels);
  const t = new Float32Array(channels);
  for (let i = 0; i < channels; i++) {
    s[i] = (gamma?.[i] ?? 1) / Math.sqrt(variance[i]! + eps);
    t[i] = (beta?.[i] ?? 0) - mean[i]! * s[i]!;
  }
  return { scale: s, shift: t };
}

/** A standalone BatchNormalization: MUL and ADD by per-channel constants. */
export function batchNorm(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const ch = x!.shape[x!.shape.length - 1]!;
  const { scale, shift } = batchNormAffine(c, node, ch, x!.shape.length);
  const m = c.e.op('MUL', `${node.id}/scale`, [x!.ref, c.e.constant(`${node.id}/scale_c`, [ch], scale)], x!.shape, { fusedActivationFunction: 'NONE' });
  return c.e.op('ADD', node.id, [m.ref, c.e.constant(`${node.id}/shift`, [ch], shift)], x!.shape, { fusedActivationFunction: c.fusedAfter.get(node.id) ?? 'NONE' });
}

