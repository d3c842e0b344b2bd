/**
 * Builtin operators the analysis models, each appended to a subgraph on the current activation with plausible
 * shapes, weights and options, and (when the model is hostile) options and parameters at the limits: zero or
 * negative strides and dilations, impossible axes, paddings that shrink a tensor below zero.
 */
import type { DType } from '../../../server/src/model/ir.js';
import { dim, dtypeFor, quantFor, shapeOf, type Parts, type SubgraphParts } from './parts.js';

/** The activation an op consumes: its tensor index, shape and element type. */
export interface Act {
  index: number;
  shape: number[];
  dtype: DType;
}

const ACTIVATIONS = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'TANH', 'SIGN_BIT'] as const;

/** A tensor without data for an op's output, typed and quantized like the model. */
export function activation(p: Parts, g: SubgraphParts, name: string, shape: number[], base: DType): Act {
  const dtype = dtypeFor(p, base);
  const quant = dtype === 'INT8' || dtype === 'INT16' || dtype === 'UINT8' || p.hostile(0.03) ? quantFor(p) : undefined;
  const index = p.tensor(g, { name, shape, dtype, ...(quant ? { quant } : {}) });
  return { index, shape, dtype };
}

function stride(p: Parts): number {
  if (p.hostile(0.05)) {
    p.tags.add('bad-stride');
    return p.rng.pick([0, -1, -(2 ** 31), 2 ** 31 - 1, 65536]);
  }
  return p.rng.int(1, 2);
}

function nhwc(x: Act): [number, number, number, number] {
  const s = x.shape;
  return s.length === 4 ? [s[0]!, s[1]!, s[2]!, s[3]!] : [1, s[0] ?? 1, s[1] ?? 1, s[s.length - 1] ?? 1];
}

const out = (inSize: number, k: number, s: number, same: boolean): number =>
  s <= 0 ? 1 : Math.max(0, same ? Math.ceil(inSize / s) : Math.floor((inSize - k) / s) + 1);

/** The weight type that goes with an activation type (int8 weights for int8 models, float otherwise). */
const weightType = (t: DType): DType => (t === 'INT8' || t === 'INT16' ? 'INT8' : 'FLOAT32');
const biasType = (t: DType): DType => (t === 'INT8' ? 'INT32' : t === 'INT16' ? 'INT64' : 'FLOAT32');

function conv(p: Parts, g: SubgraphParts, x: Act, depthwise: boolean): Act {
  const r = p.rng;
  const [n, h, w, c] = nhwc(x);
  const kh = r.chance(0.5) ? 1 : dim(p, 1, 3);
  const kw = r.chance(0.5) ? 1 : dim(p, 1, 3);
  const mult = depthwise ? (p.hostile(0.05) ? r.pick([0, -1, 3]) : 1) : 1;
  const o = depthwise ? c * Math.max(mult, 1) : dim(p, 1, 16);
  const wt = weightType(x.dtype);
  const filterShape = depthwise ? [1, kh, kw, o] : [o, kh, kw, c];
  const wq = wt === 'INT8' ? quantFor(p, o, depthwise ? 3 : 0) : undefined;
  const filter = p.constant(g, { name: 'filter', shape: filterShape, dtype: wt, ...(wq ? { quant: wq } : {}) });
  const bias = r.chance(0.85) ? p.constant(g, { name: 'bias', shape: [o], dtype: biasType(x.dtype), ...(wt === 'INT8' ? { quant: quantFor(p, o) } : {}) }, () => r.int(-100, 100)) : -1;
  const sh = stride(p), sw = stride(p);
  const same = r.chance(0.5);
  const dilation = p.hostile(0.03) ? r.pick([0, -2, 2 ** 20]) : 1;
  const y = activation(p, g, depthwise ? 'dwconv' : 'conv', [n, out(h, kh, sh, same), out(w, kw, sw, same), o], x.dtype);
  const options: Record<string, unknown> = { padding: same ? 'SAME' : 'VALID', strideH: sh, strideW: sw,
    fusedActivationFunction: r.pick(ACTIVATIONS), dilationHFactor: dilation, dilationWFactor: 1 };
  if (depthwise) options['depthMultiplier'] = mult;
  p.op(g, { builtin: depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D', inputs: [x.index, filter, bias], outputs: [y.index], options });
  return y;
}

function fullyConnected(p: Parts, g: SubgraphParts, x: Act): Act {
  const k = x.shape[x.shape.length - 1] ?? 1;
  const batch = x.shape.length > 0 ? Math.trunc(x.shape.reduce((a, b) => a * b, 1) / (k || 1)) : 1;
  const units = dim(p, 1, 32);
  const wt = weightType(x.dtype);
  const weights = p.constant(g, { name: 'weights', shape: [units, k], dtype: wt, ...(wt === 'INT8' ? { quant: quantFor(p, p.rng.chance(0.3) ? units : 1) } : {}) });
  const bias = p.rng.chance(0.8) ? p.constant(g, { name: 'fc_bias', shape: [units], dtype: biasType(x.dtype) }, () => p.rng.int(-50, 50)) : -1;
  const y = activation(p, g, 'fc', [batch, units], x.dtype);
  p.op(g, { builtin: 'FULLY_CONNECTED', inputs: [x.index, weights, bias], outputs: [y.index],
    options: { fusedActivationFunction: p.rng.pick(ACTIVATIONS), keepNumDims: p.rng.chance(0.2) } });
  return y;
}

function pool(p: Parts, g: SubgraphParts, x: Act): Act {
  const [n, h, w, c] = nhwc(x);
  const f = p.hostile(0.05) ? p.rng.pick([0, -3, 2 ** 31 - 1]) : p.rng.int(1, 3);
  const s = stride(p);
  const same = p.rng.chance(0.5);
  const y = activation(p, g, 'pool', [n, out(h, f, s, same), out(w, f, s, same), c], x.dtype);
  p.op(g, { builtin: p.rng.pick(['AVERAGE_POOL_2D', 'MAX_POOL_2D']), inputs: [x.index], outputs: [y.index],
    options: { padding: same ? 'SAME' : 'VALID', strideH: s, strideW: s, filterHeight: f, filterWidth: f } });
  return y;
}

/** ADD / MUL / SUB with a second operand: the activation itself, a broadcast constant, or a variable. */
function binary(p: Parts, g: SubgraphParts, x: Act): Act {
  const r = p.rng;
  const op = r.pick(['ADD', 'MUL', 'SUB', 'MAXIMUM', 'MINIMUM', 'DIV']);
  let other = x.index;
  if (r.chance(0.4)) {
    const shape = r.chance(0.5) ? x.shape : [x.shape[x.shape.length - 1] ?? 1];
    other = p.constant(g, { name: 'k', shape, dtype: x.dtype, ...(x.dtype === 'INT8' ? { quant: quantFor(p) } : {}) });
  } else if (r.chance(0.15)) {
    p.tags.add('variable');
    other = p.tensor(g, { name: 'state', shape: x.shape, dtype: x.dtype }, null, true);
  }
  const y = activation(p, g, op.toLowerCase(), [...x.shape], x.dtype);
  const fused = op === 'ADD' || op === 'MUL' || op === 'SUB' || op === 'DIV';
  p.op(g, { builtin: op, inputs: [x.index, other], outputs: [y.index], ...(fused ? { options: { fusedActivationFunction: r.pick(ACTIVATIONS) } } : {}) });
  return y;
}

function concat(p: Parts, g: SubgraphParts, x: Act): Act {
  const rank = x.shape.length;
  const axis = p.hostile(0.1) ? p.rng.pick([rank, -rank - 1, 2 ** 31 - 1, -1]) : rank > 0 ? p.rng.int(-rank, rank - 1) : 0;
  const a = ((axis % Math.max(rank, 1)) + Math.max(rank, 1)) % Math.max(rank, 1);
  const shape = x.shape.map((d, i) => (i === a ? d * 2 : d));
  const y = activation(p, g, 'concat', shape, x.dtype);
  p.op(g, { builtin: 'CONCATENATION', inputs: [x.index, x.index], outputs: [y.index], options: { axis } });
  return y;
}

function reshape(p: Parts, g: SubgraphParts, x: Act): Act {
  const total = x.shape.reduce((a, b) => a * b, 1);
  const newShape = p.hostile(0.1) ? shapeOf(p, p.rng.int(0, 5)) : p.rng.chance(0.5) ? [1, total] : [total];
  const shapeTensor = p.rng.chance(0.7) ? p.ints(g, 'new_shape', newShape) : -1;
  const y = activation(p, g, 'reshape', newShape, x.dtype);
  p.op(g, { builtin: 'RESHAPE', inputs: shapeTensor < 0 ? [x.index] : [x.index, shapeTensor], outputs: [y.index],
    ...(p.rng.chance(0.5) ? { options: { newShape } } : {}) });
  return y;
}

function unary(p: Parts, g: SubgraphParts, x: Act): Act {
  const op = p.rng.pick(['SOFTMAX', 'LOGISTIC', 'TANH', 'RELU', 'RELU6', 'HARD_SWISH', 'LEAKY_RELU', 'QUANTIZE', 'DEQUANTIZE', 'ABS', 'RSQRT']);
  const dtype = op === 'DEQUANTIZE' ? 'FLOAT32' : op === 'QUANTIZE' ? p.rng.pick(['INT8', 'INT16', 'UINT8'] as const) : x.dtype;
  const y = activation(p, g, op.toLowerCase(), [...x.shape], dtype);
  const options = op === 'SOFTMAX' ? { beta: p.hostile(0.1) ? p.rng.edgeFloat() : 1 } : op === 'LEAKY_RELU' ? { alpha: 0.2 } : undefined;
  p.op(g, { builtin: op, inputs: [x.index], outputs: [y.index], ...(options ? { options } : {}) });
  return y;
}

/** PAD, MEAN, TRANSPOSE, STRIDED_SLICE, SPLIT, GATHER, SQUEEZE: ops whose Prepare reads a constant operand. */
function withConstOperand(p: Parts, g: SubgraphParts, x: Act): Act {
  const r = p.rng;
  const rank = x.shape.length;
  const wild = (v: number): number => (p.hostile(0.1) ? r.edgeInt() : v);
  switch (r.pick(['PAD', 'MEAN', 'TRANSPOSE', 'STRIDED_SLICE', 'SPLIT', 'GATHER', 'SQUEEZE'])) {
    case 'PAD': {
      const pads = x.shape.flatMap(() => [wild(r.int(0, 2)), wild(r.int(0, 2))]);
      const padsT = p.ints(g, 'paddings', pads, p.hostile(0.05) ? [pads.length] : [rank, 2]);
      const y = activation(p, g, 'pad', x.shape.map((d, i) => d + (pads[2 * i] ?? 0) + (pads[2 * i + 1] ?? 0)), x.dtype);
      p.op(g, { builtin: 'PAD', inputs: [x.index, padsT], outputs: [y.index] });
      return y;
    }
    case 'MEAN': {
      const axes = [wild(Math.max(0, rank - 2))];
      const y = activation(p, g, 'mean', x.shape.map((d, i) => (i === axes[0] ? 1 : d)), x.dtype);
      p.op(g, { builtin: r.pick(['MEAN', 'SUM', 'REDUCE_MAX']), inputs: [x.index, p.ints(g, 'axes', axes)], outputs: [y.index], options: { keepDims: true } });
      return y;
    }
    case 'TRANSPOSE': {
      const perm = x.shape.map((_, i) => wild(rank - 1 - i));
      const y = activation(p, g, 'transpose', [...x.shape].reverse(), x.dtype);
      p.op(g, { builtin: 'TRANSPOSE', inputs: [x.index, p.ints(g, 'perm', perm)], outputs: [y.index] });
      return y;
    }
    case 'STRIDED_SLICE': {
      const begin = x.shape.map(() => wild(0));
      const end = x.shape.map((d) => wild(d));
      const strides = x.shape.map(() => wild(1));
      const y = activation(p, g, 'slice', [...x.shape], x.dtype);
      p.op(g, { builtin: 'STRIDED_SLICE', inputs: [x.index, p.ints(g, 'begin', begin), p.ints(g, 'end', end), p.ints(g, 'strides', strides)],
        outputs: [y.index], options: { beginMask: wild(0), endMask: wild(0), shrinkAxisMask: wild(0) } });
      return y;
    }
    case 'SPLIT': {
      const n = p.hostile(0.1) ? r.pick([0, -1, 1000]) : r.int(1, 3);
      const axis = wild(rank - 1);
      const outs = Array.from({ length: Math.max(1, Math.min(n, 8)) }, (_, i) => activation(p, g, `split${i}`, [...x.shape], x.dtype));
      p.op(g, { builtin: 'SPLIT', inputs: [p.ints(g, 'axis', [axis], []), x.index], outputs: outs.map((o) => o.index), options: { numSplits: n } });
      return outs[0]!;
    }
    case 'GATHER': {
      const idx = p.ints(g, 'indices', [wild(0), wild(1)]);
      const y = activation(p, g, 'gather', [2, ...x.shape.slice(1)], x.dtype);
      p.op(g, { builtin: 'GATHER', inputs: [x.index, idx], outputs: [y.index], options: { axis: wild(0), batchDims: wild(0) } });
      return y;
    }
    default: {
      const dims = x.shape.flatMap((d, i) => (d === 1 ? [wild(i)] : []));
      const y = activation(p, g, 'squeeze', x.shape.filter((d) => d !== 1), x.dtype);
      p.op(g, { builtin: 'SQUEEZE', inputs: [x.index], outputs: [y.index], options: { squeezeDims: dims } });
      return y;
    }
  }
}

/** SVDF with its state variable (rank, memory, units from the generator; hostile: rank 0 or not dividing). */
function svdf(p: Parts, g: SubgraphParts, x: Act): Act {
  const r = p.rng;
  const batch = x.shape[0] ?? 1;
  const features = x.shape[x.shape.length - 1] ?? 1;
  const rank = p.hostile(0.1) ? r.pick([0, -1, 3]) : r.int(1, 2);
  const units = dim(p, 1, 8);
  const memory = dim(p, 1, 10);
  const filters = units * Math.max(rank, 1);
  const wt = weightType(x.dtype);
  const q = wt === 'INT8' ? { quant: quantFor(p) } : {};
  const wf = p.constant(g, { name: 'weights_feature', shape: [filters, features], dtype: wt, ...q });
  const wtime = p.constant(g, { name: 'weights_time', shape: [filters, memory], dtype: x.dtype === 'INT8' ? 'INT16' : wt, ...q });
  const bias = r.chance(0.7) ? p.constant(g, { name: 'svdf_bias', shape: [units], dtype: biasType(x.dtype) }, () => 0) : -1;
  p.tags.add('variable');
  const state = p.tensor(g, { name: 'svdf_state', shape: [batch, memory * filters], dtype: x.dtype === 'INT8' ? 'INT16' : x.dtype, ...q }, null, true);
  const y = activation(p, g, 'svdf', [batch, units], x.dtype);
  p.op(g, { builtin: 'SVDF', inputs: [x.index, wf, wtime, bias, state], outputs: [y.index], options: { rank, fusedActivationFunction: 'RELU' } });
  return y;
}

/** UNIDIRECTIONAL_SEQUENCE_LSTM: 24 inputs (no peepholes, projection or layer norm), two state variables. */
function lstm(p: Parts, g: SubgraphParts, x: Act): Act {
  const batch = x.shape[0] ?? 1;
  const time = x.shape.length >= 3 ? x.shape[1]! : 1;
  const inputs = x.shape[x.shape.length - 1] ?? 1;
  const cells = dim(p, 1, 8);
  const wt = weightType(x.dtype);
  const q = wt === 'INT8' ? { quant: quantFor(p) } : {};
  const w = (name: string, shape: number[]): number => p.constant(g, { name, shape, dtype: wt, ...q });
  const gates = ['input', 'forget', 'cell', 'output'];
  const inW = gates.map((n) => w(`${n}_w`, [cells, inputs]));
  const recW = gates.map((n) => w(`${n}_r`, [cells, cells]));
  const bias = gates.map((n) => p.constant(g, { name: `${n}_b`, shape: [cells], dtype: biasType(x.dtype) }, () => 0));
  p.tags.add('variable');
  const stateType = x.dtype === 'INT8' ? 'INT16' : x.dtype;
  const outState = p.tensor(g, { name: 'h', shape: [batch, cells], dtype: x.dtype, ...q }, null, true);
  const cellState = p.tensor(g, { name: 'c', shape: [batch, cells], dtype: stateType, ...q }, null, true);
  const y = activation(p, g, 'lstm', [batch, time, cells], x.dtype);
  const ins = [x.index, ...inW, ...recW, -1, -1, -1, ...bias, -1, -1, outState, cellState, -1, -1, -1, -1];
  if (p.hostile(0.05)) ins.length = p.rng.int(1, 23);
  p.op(g, { builtin: 'UNIDIRECTIONAL_SEQUENCE_LSTM', inputs: ins, outputs: [y.index],
    options: { fusedActivationFunction: 'TANH', cellClip: p.hostile(0.1) ? p.rng.edgeFloat() : 0, timeMajor: p.rng.chance(0.2) } });
  return y;
}

/** A builtin code no kernel group models (or past the schema's last code), with random operands. */
function unknownCode(p: Parts, g: SubgraphParts, x: Act): Act {
  p.tags.add('unknown-code');
  const y = activation(p, g, 'unknown', [...x.shape], x.dtype);
  p.op(g, { code: p.rng.pick([p.rng.int(0, 210), 255, 1000, 2 ** 31 - 1]), inputs: [x.index], outputs: [y.index], version: p.rng.pick([1, 2, 1000]) });
  return y;
}

export const BUILTIN_GENERATORS: readonly (readonly [number, (p: Parts, g: SubgraphParts, x: Act) => Act])[] = [
  [4, (p, g, x) => conv(p, g, x, false)],
  [3, (p, g, x) => conv(p, g, x, true)],
  [4, fullyConnected],
  [2, pool],
  [3, binary],
  [1, concat],
  [2, reshape],
  [3, unary],
  [3, withConstOperand],
  [1, svdf],
  [1, lstm],
  [0.5, unknownCode],
];
