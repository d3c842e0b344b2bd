/**
 * Convolutions: CONV_2D and DEPTHWISE_CONV_2D, int8 (per-channel and per-tensor), float and int16x8. Odd sizes,
 * asymmetric strides, dilation and depth multipliers, because those decide the CMSIS-NN scratch buffers and the
 * per-channel OpData arrays TFLM allocates.
 */
import {
  convOutputSize, ModelBuilder, quantizeBiasInt32, quantizeSymmetricInt8, type QuantSpec, type SeededRandom,
  type SubgraphBuilder, type TensorRef,
} from '../../../server/src/model/builder/index.js';
import { BATCH1_SEED, BATCH2_SEED, I16, I8, oneSubgraph, Q, Q16, streamAt } from './common.js';

type Padding = 'SAME' | 'VALID';

/** Options of the first batch's convolution helper; `ch` is the output channel count. */
export interface ConvSpec {
  depthwise?: boolean;
  ch: number;
  k: [number, number];
  s: [number, number];
  pad: Padding;
  dil?: [number, number];
  mult?: number;
  act?: 'NONE' | 'RELU' | 'RELU6';
  perTensor?: boolean;
  outQ?: QuantSpec;
}

/**
 * A convolution with Glorot weights and small random biases drawn from `rng` (weights first, then biases): float
 * when `x` is float, otherwise int8 with per-channel weights unless `perTensor`.
 */
export function conv(g: SubgraphBuilder, rng: SeededRandom, x: TensorRef, name: string, o: ConvSpec): TensorRef {
  const [n, h, w, c] = x.shape as number[];
  const [kh, kw] = o.k;
  const [sh, sw] = o.s;
  const [dh, dw] = o.dil ?? [1, 1];
  const dwc = o.depthwise ?? false;
  const fshape = dwc ? [1, kh, kw, o.ch] : [o.ch, kh, kw, c!];
  const cnt = fshape.reduce((a, b) => a * b, 1);
  const oshape = [n!, convOutputSize(h!, kh, sh, o.pad, dh), convOutputSize(w!, kw, sw, o.pad, dw), o.ch];
  const act = o.act ?? 'NONE';
  const options = dwc
    ? { padding: o.pad, strideW: sw, strideH: sh, depthMultiplier: o.mult ?? 1, fusedActivationFunction: act,
      dilationWFactor: dw, dilationHFactor: dh }
    : { padding: o.pad, strideW: sw, strideH: sh, fusedActivationFunction: act, dilationWFactor: dw, dilationHFactor: dh };
  if (x.dtype === 'FLOAT32') {
    const wt = g.constant({ name: `${name}/w`, shape: fshape, dtype: 'FLOAT32', data: rng.glorot(cnt, cnt / o.ch, o.ch) });
    const b = g.constant({ name: `${name}/b`, shape: [o.ch], dtype: 'FLOAT32', data: rng.uniformArray(o.ch, -0.1, 0.1) });
    const output = { name, shape: oshape, dtype: 'FLOAT32' as const };
    return dwc
      ? g.op('DEPTHWISE_CONV_2D', { inputs: [x, wt, b], output, version: 2, options })
      : g.op('CONV_2D', { inputs: [x, wt, b], output, options });
  }
  const wq = quantizeSymmetricInt8(rng.glorot(cnt, cnt / o.ch, o.ch), fshape, o.perTensor ? null : dwc ? 3 : 0);
  const bq = quantizeBiasInt32(rng.uniformArray(o.ch, -0.1, 0.1), x.quant!.scale[0]!, wq.quant.scale);
  const wt = g.constant({ name: `${name}/w`, shape: fshape, dtype: 'INT8', data: wq.data, quant: wq.quant });
  const b = g.constant({ name: `${name}/b`, shape: [o.ch], dtype: 'INT32', data: bq.data, quant: bq.quant });
  const output = { name, shape: oshape, dtype: 'INT8' as const, quant: o.outQ ?? Q(-4, 6) };
  return dwc
    ? g.op('DEPTHWISE_CONV_2D', { inputs: [x, wt, b], output, version: 3, options })
    : g.op('CONV_2D', { inputs: [x, wt, b], output, version: 3, options });
}

/** int8 conv chain: 13x11 input, 3x5 kernel, stride 2x1 SAME (RELU6), then dilated VALID, then a per-tensor 1x1. */
export function convInt8Odd(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 0);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  let x = g.input({ name: 'in', shape: [1, 13, 11, 3], dtype: 'INT8', quant: Q(-1, 1) });
  x = conv(g, rng, x, 'c1', { ch: 7, k: [3, 5], s: [2, 1], pad: 'SAME', act: 'RELU6' });
  x = conv(g, rng, x, 'c2', { ch: 5, k: [3, 3], s: [1, 1], pad: 'VALID', dil: [2, 2], act: 'RELU' });
  x = conv(g, rng, x, 'c3', { ch: 9, k: [1, 1], s: [1, 1], pad: 'SAME', perTensor: true });
  g.output(x);
  return m.finish();
}

/** int8 depthwise chain: multiplier 2 stride 2, dilated VALID, 5x5 SAME, then a pointwise conv. */
export function depthwiseInt8(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 696);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  let x = g.input({ name: 'in', shape: [1, 19, 17, 3], dtype: 'INT8', quant: Q(-1, 1) });
  x = conv(g, rng, x, 'dw1', { depthwise: true, ch: 6, mult: 2, k: [3, 3], s: [2, 2], pad: 'SAME', act: 'RELU' });
  x = conv(g, rng, x, 'dw2', { depthwise: true, ch: 6, k: [3, 3], s: [1, 1], pad: 'VALID', dil: [2, 2] });
  x = conv(g, rng, x, 'dw3', { depthwise: true, ch: 6, k: [5, 5], s: [1, 1], pad: 'SAME', act: 'RELU6' });
  x = conv(g, rng, x, 'pw', { ch: 16, k: [1, 1], s: [1, 1], pad: 'VALID' });
  g.output(x);
  return m.finish();
}

/** Float conv, depthwise (multiplier 2) and a dilated VALID conv: CMSIS-NN has no float kernels, so both sets agree. */
export function convFloat(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 1084);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  let x = g.input({ name: 'in', shape: [1, 15, 9, 2], dtype: 'FLOAT32' });
  x = conv(g, rng, x, 'c1', { ch: 6, k: [3, 3], s: [2, 2], pad: 'SAME', act: 'RELU' });
  x = conv(g, rng, x, 'dw1', { depthwise: true, ch: 12, mult: 2, k: [3, 3], s: [1, 1], pad: 'SAME' });
  x = conv(g, rng, x, 'c2', { ch: 4, k: [2, 2], s: [1, 1], pad: 'VALID', dil: [2, 1] });
  g.output(x);
  return m.finish();
}

/** int16 activations with int8 weights and int64 biases (16x8 conv, as in audio models), then an int16 ADD. */
export function int16ConvAdd(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 4108);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [1, 1, 40, 5], dtype: 'INT16', quant: Q16(1 / 32768) });
  const fshape = [6, 1, 5, 5];
  const wq = quantizeSymmetricInt8(rng.glorot(150, 25, 6), fshape, 0);
  const bias = g.constant({
    name: 'b', shape: [6], dtype: 'INT64', data: [1n, 2n, 3n, 4n, 5n, 6n],
    quant: { scale: wq.quant.scale.map((s) => s / 32768), zeroPoint: [0, 0, 0, 0, 0, 0], quantizedDimension: 0 },
  });
  const weights = g.constant({ name: 'w', shape: fshape, dtype: 'INT8', data: wq.data, quant: wq.quant });
  const c = g.op('CONV_2D', {
    inputs: [x, weights, bias], output: I16('c', [1, 1, 36, 6], Q16(1 / 4096)), version: 4,
    options: { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'NONE' },
  });
  const a = g.op('ADD', {
    inputs: [c, c], output: I16('a', [1, 1, 36, 6], Q16(1 / 2048)), options: { fusedActivationFunction: 'NONE' },
    version: 3,
  });
  g.output(a);
  return m.finish();
}

/**
 * The second batch's single-convolution helper: square kernel and stride, per-channel int8 weights; int16 inputs get
 * int64 biases of 1, int8 inputs random int32 biases.
 */
function convSingle(
  g: SubgraphBuilder, rng: SeededRandom, x: TensorRef,
  o: { depthwise: boolean; ch: number; k: number; s: number; pad: Padding; mult?: number },
): TensorRef {
  const [n, h, w, c] = x.shape as number[];
  const int16 = x.dtype === 'INT16';
  const fshape = o.depthwise ? [1, o.k, o.k, o.ch] : [o.ch, o.k, o.k, c!];
  const cnt = fshape.reduce((a, b) => a * b, 1);
  const wq = quantizeSymmetricInt8(rng.glorot(cnt, cnt / o.ch, o.ch), fshape, o.depthwise ? 3 : 0);
  const inScale = x.quant!.scale[0]!;
  let bias: TensorRef;
  if (int16) {
    bias = g.constant({
      name: 'b', shape: [o.ch], dtype: 'INT64', data: new Array(o.ch).fill(1n),
      quant: { scale: wq.quant.scale.map((v) => v * inScale), zeroPoint: new Array(o.ch).fill(0) },
    });
  } else {
    const bq = quantizeBiasInt32(rng.uniformArray(o.ch, -0.1, 0.1), inScale, wq.quant.scale);
    bias = g.constant({ name: 'b', shape: [o.ch], dtype: 'INT32', data: bq.data, quant: bq.quant });
  }
  const oshape = [n!, convOutputSize(h!, o.k, o.s, o.pad), convOutputSize(w!, o.k, o.s, o.pad), o.ch];
  const output = int16 ? I16('y', oshape, Q16(1 / 1024)) : I8('y', oshape, Q(-4, 4));
  const wt = g.constant({ name: 'w', shape: fshape, dtype: 'INT8', data: wq.data, quant: wq.quant });
  const common = { padding: o.pad, strideW: o.s, strideH: o.s, fusedActivationFunction: 'NONE' as const };
  return o.depthwise
    ? g.op('DEPTHWISE_CONV_2D', { inputs: [x, wt, bias], output, version: 3, options: { ...common, depthMultiplier: o.mult ?? 1 } })
    : g.op('CONV_2D', { inputs: [x, wt, bias], output, version: 3, options: common });
}

/** int8 5x5 SAME conv on a 21x17 input (CMSIS-NN's im2col scratch grows with the kernel). */
export function convInt8Kernel5x5(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 280);
  return oneSubgraph((g) => [
    convSingle(g, rng, g.input(I8('x', [1, 21, 17, 3], Q(-1, 1))), { depthwise: false, ch: 10, k: 5, s: 1, pad: 'SAME' }),
  ]);
}

/** int8 1x1 conv with stride 2 on a 1xN input: CMSIS-NN's 1xN path. */
export function convInt8OneByNStride2(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1040);
  return oneSubgraph((g) => [
    convSingle(g, rng, g.input(I8('x', [1, 1, 64, 8], Q(-1, 1))), { depthwise: false, ch: 12, k: 1, s: 2, pad: 'VALID' }),
  ]);
}

/** int8 depthwise with depth multiplier 3 (not CMSIS-NN's multiplier-1 fast path). */
export function depthwiseInt8Multiplier3(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1148);
  return oneSubgraph((g) => [
    convSingle(g, rng, g.input(I8('x', [1, 10, 10, 4], Q(-1, 1))),
      { depthwise: true, ch: 12, k: 3, s: 1, pad: 'SAME', mult: 3 }),
  ]);
}

/** int8 depthwise on a single channel, stride 2 VALID. */
export function depthwiseInt8OneChannel(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1268);
  return oneSubgraph((g) => [
    convSingle(g, rng, g.input(I8('x', [1, 30, 30, 1], Q(-1, 1))), { depthwise: true, ch: 1, k: 3, s: 2, pad: 'VALID' }),
  ]);
}

/** int16x8 depthwise 3x3 SAME. */
export function depthwiseInt16(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1278);
  return oneSubgraph((g) => [
    convSingle(g, rng, g.input(I16('x', [1, 8, 8, 6], Q16(1 / 4096))), { depthwise: true, ch: 6, k: 3, s: 1, pad: 'SAME' }),
  ]);
}

/** int16x8 conv 3x3 SAME. */
export function convInt16Kernel3x3(): Uint8Array {
  const rng = streamAt(BATCH2_SEED, 1332);
  return oneSubgraph((g) => [
    convSingle(g, rng, g.input(I16('x', [1, 8, 8, 6], Q16(1 / 4096))), { depthwise: false, ch: 5, k: 3, s: 1, pad: 'SAME' }),
  ]);
}
