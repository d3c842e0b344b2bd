/** Activation layers, pooling, merges, shape layers, padding, resizing and the preprocessing layers. */
import { convOutputSize } from '../../model/builder/index.js';
import { broadcastShape } from '../../quantize/kernels-tensor.js';
import { ConvertError } from '../types.js';
import { elements, type Value } from './emit.js';
import type { KNode } from './graph.js';
import { activationName, applyActivation, at, bool, channelsLast, ints, num, padding, unsupported, type LayerContext } from './context.js';

const fusedOf = (c: LayerContext, node: KNode) => c.fusedAfter.get(node.id) ?? 'NONE';

export function activationLayer(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  return applyActivation(c, node, x!, activationName(node.config.activation));
}

/** ReLU(max_value, negative_slope, threshold): RELU, RELU6 or LEAKY_RELU; other combinations are refused. */
export function reluLayer(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const max = node.config.max_value ?? null;
  const slope = num(node, 'negative_slope', 0);
  const threshold = num(node, 'threshold', 0);
  if (threshold !== 0) throw unsupported(node, `ReLU with threshold ${threshold}`);
  if (max === null && slope === 0) return applyActivation(c, node, x!, 'relu');
  if (max === 6 && slope === 0) return applyActivation(c, node, x!, 'relu6');
  if (max === null && slope > 0 && slope < 1) return c.e.op('LEAKY_RELU', node.id, [x!.ref], x!.shape, { alpha: slope });
  throw unsupported(node, `ReLU with max_value ${JSON.stringify(max)} and negative_slope ${slope}`, 'max_value 6 or none, and no slope with a max');
}

export function leakyRelu(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const alpha = num(node, 'negative_slope', num(node, 'alpha', 0.3));
  return c.e.op('LEAKY_RELU', node.id, [x!.ref], x!.shape, { alpha });
}

export function softmaxLayer(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const axis = node.config.axis ?? -1;
  const last = Array.isArray(axis) ? axis.length === 1 && (axis[0] === -1 || axis[0] === x!.shape.length - 1) : axis === -1 || axis === x!.shape.length - 1;
  if (!last) throw unsupported(node, `softmax over axis ${JSON.stringify(axis)}, not the last`);
  return c.e.op('SOFTMAX', node.id, [x!.ref], x!.shape, { beta: 1 });
}

export function prelu(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const shape = c.w.shapeOf(node, 0);
  if (!shape) throw new ConvertError('bad-model', at(node), 'the alpha weight is missing');
  const [alpha] = c.w.take(node, ['alpha'], [shape]);
  return c.e.op('PRELU', node.id, [x!.ref, c.e.constant(`${node.id}/alpha`, shape, alpha!)], x!.shape);
}

/** Max/average pooling over 2-D (rank 4) or 1-D (rank 3, as a 1-high image) inputs. */
export function pooling(kind: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D', rank: 1 | 2) {
  return (c: LayerContext, node: KNode, [x]: readonly Value[]): Value => {
    channelsLast(node);
    const pool = ints(node, 'pool_size', rank, rank === 2 ? [2, 2] : [2]);
    const strides = ints(node, 'strides', rank, pool);
    const pad = padding(node);
    if (pad === 'causal') throw unsupported(node, "padding 'causal' on pooling");
    if (x!.shape.length !== rank + 2) throw new ConvertError('bad-model', at(node), `expects a rank-${rank + 2} input, gets [${x!.shape.join(', ')}]`);
    const x4 = rank === 2 ? x! : c.e.reshape(x!, [1, 1, x!.shape[1]!, x!.shape[2]!], `${node.id}/expand`);
    const [fh, fw] = rank === 2 ? pool : [1, pool[0]!];
    const [sh, sw] = rank === 2 ? strides : [1, strides[0]!];
    let oh: number;
    let ow: number;
    try {
      oh = convOutputSize(x4.shape[1]!, fh!, sh!, pad);
      ow = convOutputSize(x4.shape[2]!, fw!, sw!, pad);
    } catch (e) {
      throw new ConvertError('bad-model', at(node), (e as Error).message);
    }
    const y = c.e.op(kind, rank === 2 ? node.id : `${node.id}/pool`, [x4.ref], [1, oh, ow, x4.shape[3]!], {
      padding: pad, strideH: sh, strideW: sw, filterHeight: fh, filterWidth: fw, fusedActivationFunction: fusedOf(c, node),
    });
    return rank === 2 ? y : c.e.reshape(y, [1, ow, y.shape[3]!], node.id);
  };
}

/** GlobalAveragePooling: MEAN over the spatial axes; GlobalMaxPooling: a MAX_POOL_2D over the whole image. */
export function globalPooling(kind: 'avg' | 'max') {
  return (c: LayerContext, node: KNode, [x]: readonly Value[]): Value => {
    channelsLast(node);
    const s = x!.shape;
    if (s.length !== 3 && s.length !== 4) throw new ConvertError('bad-model', at(node), `expects a rank-3 or rank-4 input, gets [${s.join(', ')}]`);
    const keep = bool(node, 'keepdims', false);
    const ch = s[s.length - 1]!;
    const outShape = keep ? [...s.slice(0, -1).map((_, i) => (i === 0 ? 1 : 1)), ch] : [1, ch];
    if (kind === 'avg') {
      const axes = s.length === 4 ? [1, 2] : [1];
      return c.e.op('MEAN', node.id, [x!.ref, c.e.ints(`${node.id}/axes`, [axes.length], axes)], outShape, { keepDims: keep });
    }
    const x4 = s.length === 4 ? x! : c.e.reshape(x!, [1, 1, s[1]!, ch], `${node.id}/expand`);
    const y = c.e.op('MAX_POOL_2D', `${node.id}/pool`, [x4.ref], [1, 1, 1, ch], {
      padding: 'VALID', strideH: 1, strideW: 1, filterHeight: x4.shape[1]!, filterWidth: x4.shape[2]!, fusedActivationFunction: 'NONE',
    });
    return c.e.reshape(y, outShape, node.id);
  };
}

/** Add / Subtract / Multiply / Maximum / Minimum over two or more inputs, and Average (ADDs then a MUL by 1/n). */
export function merge(op: 'ADD' | 'SUB' | 'MUL' | 'MAXIMUM' | 'MINIMUM' | 'AVERAGE') {
  return (c: LayerContext, node: KNode, inputs: readonly Value[]): Value => {
    if (inputs.length < 2 || (op === 'SUB' && inputs.length !== 2)) throw new ConvertError('bad-model', at(node), `gets ${inputs.length} inputs`);
    const binary = op === 'AVERAGE' ? 'ADD' : op;
    const fusable = binary === 'ADD' || binary === 'SUB' || binary === 'MUL';
    let acc = inputs[0]!;
    for (let i = 1; i < inputs.length; i++) {
      const shape = broadcastShape(acc.shape, inputs[i]!.shape);
      if (!shape) throw new ConvertError('bad-model', at(node), `shapes [${acc.shape.join(', ')}] and [${inputs[i]!.shape.join(', ')}] do not broadcast`);
      const lastOne = i === inputs.length - 1 && op !== 'AVERAGE';
      const options = fusable ? { fusedActivationFunction: lastOne ? fusedOf(c, node) : 'NONE' } : undefined;
      acc = c.e.op(binary, lastOne ? node.id : `${node.id}/${i}`, [acc.ref, inputs[i]!.ref], shape, options);
    }
    if (op !== 'AVERAGE') return acc;
    const k = c.e.constant(`${node.id}/inv_n`, [], [1 / inputs.length]);
    return c.e.op('MUL', node.id, [acc.ref, k], acc.shape, { fusedActivationFunction: fusedOf(c, node) });
  };
}

export function concatenate(c: LayerContext, node: KNode, inputs: readonly Value[]): Value {
  const rank = inputs[0]!.shape.length;
  const raw = node.config.axis ?? -1;
  if (!Number.isSafeInteger(raw)) throw new ConvertError('bad-model', at(node), "'axis' is not an integer");
  const axis = (raw as number) < 0 ? (raw as number) + rank : (raw as number);
  if (axis <= 0 || axis >= rank) throw unsupported(node, `concatenation along axis ${String(raw)} of rank ${rank}`);
  const fits = inputs.every((v) => v.shape.length === rank && v.shape.every((d, i) => i === axis || d === inputs[0]!.shape[i]));
  if (!fits) throw new ConvertError('bad-model', at(node), `inputs ${inputs.map((v) => `[${v.shape.join(', ')}]`).join(', ')} do not concatenate along axis ${axis}`);
  const shape = inputs[0]!.shape.map((d, i) => (i === axis ? inputs.reduce((n, v) => n + v.shape[axis]!, 0) : d));
  return c.e.op('CONCATENATION', node.id, inputs.map((v) => v.ref), shape, { axis, fusedActivationFunction: fusedOf(c, node) });
}

export function flatten(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  channelsLast(node);
  return c.e.reshape(x!, [1, elements(x!.shape)], node.id);
}

export function reshape(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  // TF.js writes an inferred dimension as null, Keras as -1.
  const raw = node.config.target_shape;
  const target = Array.isArray(raw) ? raw.map((d) => (d === null ? -1 : d)) : raw;
  if (!Array.isArray(target) || !target.every((d) => Number.isSafeInteger(d) && (d === -1 || d >= 1)) || target.filter((d) => d === -1).length > 1) {
    throw new ConvertError('bad-model', at(node), `target_shape ${JSON.stringify(target)?.slice(0, 60)} is not a list of positive integers (one -1 allowed)`);
  }
  const total = elements(x!.shape);
  const known = (target as number[]).reduce((n, d) => (d === -1 ? n : n * d), 1);
  const shape = [1, ...(target as number[]).map((d) => (d === -1 ? total / known : d))];
  if (elements(shape) !== total || !shape.every(Number.isSafeInteger)) throw new ConvertError('bad-model', at(node), `cannot reshape [${x!.shape.join(', ')}] to [${shape.join(', ')}]`);
  return c.e.reshape(x!, shape, node.id);
}

export function permute(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const dims = node.config.dims;
  const rank = x!.shape.length;
  if (!Array.isArray(dims) || dims.length !== rank - 1 || [...dims].sort().some((d, i) => d !== i + 1)) {
    throw new ConvertError('bad-model', at(node), `dims ${JSON.stringify(dims)?.slice(0, 60)} is not a permutation of 1..${rank - 1}`);
  }
  const perm = [0, ...(dims as number[])];
  return c.e.op('TRANSPOSE', node.id, [x!.ref, c.e.ints(`${node.id}/perm`, [rank], perm)], perm.map((p) => x!.shape[p]!));
}

/** ZeroPadding1D / 2D: PAD with zeros on the spatial axes. */
export function zeroPadding(rank: 1 | 2) {
  return (c: LayerContext, node: KNode, [x]: readonly Value[]): Value => {
    channelsLast(node);
    const p = node.config.padding ?? 1;
    let pairs: number[][];
    if (typeof p === 'number') pairs = new Array(rank).fill([p, p]);
    else if (Array.isArray(p) && p.every((v) => typeof v === 'number')) pairs = rank === 1 ? [p as number[]] : (p as number[]).map((v) => [v, v]);
    else pairs = p as number[][];
    const flat = Array.isArray(pairs) ? pairs.flat() : [];
    if (pairs.length !== rank || flat.length !== 2 * rank || !flat.every((v) => Number.isSafeInteger(v) && v >= 0 && v <= 65536)) {
      throw new ConvertError('bad-model', at(node), `padding ${JSON.stringify(p)?.slice(0, 60)} is not ${rank} pair(s) of non-negative integers`);
    }
    if (x!.shape.length !== rank + 2) throw new ConvertError('bad-model', at(node), `expects a rank-${rank + 2} input`);
    const all = [[0, 0], ...pairs, [0, 0]];
    const shape = x!.shape.map((d, i) => d + all[i]![0]! + all[i]![1]!);
    return c.e.op('PAD', node.id, [x!.ref, c.e.ints(`${node.id}/paddings`, [rank + 2, 2], all.flat())], shape);
  };
}

/** UpSampling2D (nearest) as RESIZE_NEAREST_NEIGHBOR to the multiplied size. */
export function upSampling2d(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  channelsLast(node);
  const [sh, sw] = ints(node, 'size', 2, [2, 2]) as [number, number];
  const interp = node.config.interpolation ?? 'nearest';
  if (interp !== 'nearest') throw unsupported(node, `interpolation '${String(interp).slice(0, 20)}' (Keras and TF.js differ in their bilinear pixel centres)`, "interpolation='nearest'");
  if (x!.shape.length !== 4) throw new ConvertError('bad-model', at(node), 'expects a rank-4 input');
  const size = [x!.shape[1]! * sh, x!.shape[2]! * sw];
  return c.e.op('RESIZE_NEAREST_NEIGHBOR', node.id, [x!.ref, c.e.ints(`${node.id}/size`, [2], size)], [1, size[0]!, size[1]!, x!.shape[3]!], { alignCorners: false, halfPixelCenters: false });
}

/** Rescaling: MUL by scale, ADD offset (each skipped when neutral). */
export function rescaling(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const scale = num(node, 'scale', 1);
  const offset = num(node, 'offset', 0);
  let v = x!;
  if (scale !== 1 || offset === 0) v = c.e.op('MUL', offset === 0 ? node.id : `${node.id}/scale`, [v.ref, c.e.constant(`${node.id}/scale_c`, [], [scale])], v.shape, { fusedActivationFunction: 'NONE' });
  if (offset !== 0) v = c.e.op('ADD', node.id, [v.ref, c.e.constant(`${node.id}/offset`, [], [offset])], v.shape, { fusedActivationFunction: 'NONE' });
  return v;
}

/** Normalization (adapted): (x - mean) / sqrt(variance) as MUL and ADD by per-channel constants. */
export function normalization(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  if (bool(node, 'invert', false)) throw unsupported(node, 'invert=True');
  const ch = x!.shape[x!.shape.length - 1]!;
  const mShape = c.w.shapeOf(node, 0);
  if (!mShape) throw unsupported(node, 'a Normalization layer without stored mean and variance');
  const [mean, variance] = c.w.take(node, ['mean', 'variance', 'count'], [mShape, mShape, []]);
  if (mean!.length !== ch && mean!.length !== 1) throw unsupported(node, `normalization over other axes than the channels (mean [${mShape.join(', ')}])`);
  const n = mean!.length;
  const s = new Float32Array(n);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = 1 / Math.max(Math.sqrt(variance![i]!), 1e-7);
    t[i] = -mean![i]! * s[i]!;
  }
  const m = c.e.op('MUL', `${node.id}/scale`, [x!.ref, c.e.constant(`${node.id}/scale_c`, [n], s)], x!.shape, { fusedActivationFunction: 'NONE' });
  return c.e.op('ADD', node.id, [m.ref, c.e.constant(`${node.id}/shift`, [n], t)], x!.shape, { fusedActivationFunction: 'NONE' });
}
