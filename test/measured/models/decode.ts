/**
 * TFLM_DECODE, the custom op that expands compressed constants (lookup table, Huffman, pruning) into arena tensors.
 * Its Prepare allocates by the ancillary tensor's 16-byte header (decode type at byte 0, header version at byte 1, the
 * decoder's own version at byte 4, Huffman's table size at byte 5) and the output's quantization, so the models vary
 * those: each decode type, per-channel outputs along the first and the last axis, pruned outputs with and without
 * non-zero zero points, two outputs on one node, and every check Prepare makes failing once. The encoded bytes and
 * value tables after the header are fixed patterns (Prepare does not read them), and no model uses a random stream.
 */
import {
  quantizeBiasInt32, quantizeSymmetricInt8, type QuantSpec, type SubgraphBuilder, type TensorRef, type TensorSpec,
} from '../../../server/src/model/builder/index.js';
import { F, I16, I8, oneSubgraph, Q } from './common.js';

const HEADER_BYTES = 16;
const LUT = 0;
const HUFFMAN = 1;
const PRUNE = 2;
const CUSTOM = 127;

/** The header bytes Prepare reads; the versions default to 1, the ones every current encoder writes. */
interface Header {
  type: number;
  version?: number;
  stateVersion?: number;
  /** LUT: bit width; Huffman: table size (bit 0 set for 32-bit elements, initial size in bits 4-7). */
  byte5?: number;
  /** LUT: value-table stride per channel. */
  byte6?: number;
}

/** A deterministic byte pattern for the parts Prepare does not read. */
function pattern(length: number, step: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * step + 7) & 0xff);
}

/** Ancillary data: the header, then `tableBytes` of value or Huffman table. */
function ancillaryData(h: Header, tableBytes: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + tableBytes);
  out.set(pattern(tableBytes, 37), HEADER_BYTES);
  out[0] = h.type;
  out[1] = h.version ?? 1;
  out[4] = h.stateVersion ?? 1;
  out[5] = h.byte5 ?? 0;
  out[6] = h.byte6 ?? 0;
  return out;
}

/** One decoded output: its tensor, the encoded byte count and the ancillary bytes (or a tensor, e.g. a model input). */
interface Decoded {
  out: TensorSpec;
  encodedBytes: number;
  ancillary: Uint8Array | TensorRef;
}

const elements = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);
const BYTES: Readonly<Record<string, number>> = { FLOAT32: 4, INT32: 4, INT16: 2, INT8: 1 };

/** A lookup-table encoding of `out` with `bits`-bit indices and one value table per quantization channel. */
function lut(out: TensorSpec, bits = 4, header: Partial<Header> = {}): Decoded {
  const channels = out.quant?.scale.length ?? 1;
  const stride = 1 << bits;
  return {
    out,
    encodedBytes: Math.ceil((elements(out.shape) * bits) / 8),
    ancillary: ancillaryData({ type: LUT, byte5: bits, byte6: stride, ...header }, channels * stride * BYTES[out.dtype]!),
  };
}

/** A pruning encoding: a bitmap of kept elements, then the kept values (here half of them). */
function prune(out: TensorSpec): Decoded {
  const n = elements(out.shape);
  return { out, encodedBytes: Math.ceil(n / 8), ancillary: ancillaryData({ type: PRUNE }, (n / 2) * BYTES[out.dtype]!) };
}

/** A Huffman encoding with a 16-bit (or 32-bit) table of 16 initial entries, codewords in 32-bit words. */
function huffman(out: TensorSpec, table32 = false): Decoded {
  const entries = 16;
  return {
    out,
    encodedBytes: 4 * Math.ceil(elements(out.shape) / 8),
    ancillary: ancillaryData({ type: HUFFMAN, byte5: 0x30 | (table32 ? 1 : 0) }, entries * (table32 ? 4 : 2)),
  };
}

/** One TFLM_DECODE node: an (encoded, ancillary) input pair per output, in order. */
function decodeOp(g: SubgraphBuilder, parts: readonly Decoded[], extraInputs: readonly TensorRef[] = []): TensorRef[] {
  const inputs = parts.flatMap((p, k) => [
    g.constant({ name: `${p.out.name}/encoded`, shape: [p.encodedBytes], dtype: 'UINT8', raw: pattern(p.encodedBytes, 29 + k) }),
    p.ancillary instanceof Uint8Array
      ? g.constant({ name: `${p.out.name}/ancillary`, shape: [p.ancillary.length], dtype: 'UINT8', raw: p.ancillary })
      : p.ancillary,
  ]);
  return g.customOp('TFLM_DECODE', { inputs: [...inputs, ...extraInputs], outputs: parts.map((p) => p.out) });
}

/** x + decoded(x's spec, renamed): the decoded tensor feeds an ADD with a model input of its shape and type. */
function addDecoded(spec: (name: string) => TensorSpec, encode: (out: TensorSpec) => Decoded): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(spec('x'));
    const [w] = decodeOp(g, [encode(spec('w'))]);
    return [g.op('ADD', { inputs: [x, w!], output: spec('y'), options: { fusedActivationFunction: 'NONE' } })];
  });
}

const float16 = (name: string): TensorSpec => F(name, [1, 16]);
const int8x32 = (name: string): TensorSpec => I8(name, [1, 32], Q(-2, 2));

/** Per-channel int8 quantization of `shape` along `axis` (scales of a fixed ramp), zero points `zeroPoints` or 0. */
function perChannel(shape: readonly number[], axis: number, zeroPoints?: readonly number[]): QuantSpec {
  const n = elements(shape);
  const { quant } = quantizeSymmetricInt8(Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 4), shape, axis);
  return zeroPoints ? { ...quant, zeroPoint: zeroPoints } : quant;
}

/** A LUT-decoded float vector added to the input. */
export function lutFloat(): Uint8Array {
  return addDecoded(float16, (out) => lut(out));
}

/** A convolution (or depthwise) whose per-channel int8 filter (and, with `decodeBias`, bias) TFLM_DECODE expands. */
function decodedConv(depthwise: boolean, decodeBias: boolean): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(I8('x', [1, 5, 5, depthwise ? 4 : 2], Q(-1, 1)));
    const filterShape = depthwise ? [1, 3, 3, 4] : [4, 3, 3, 2];
    const filterQuant = perChannel(filterShape, depthwise ? 3 : 0);
    const filter = I8('filter', filterShape, filterQuant);
    const bias = quantizeBiasInt32([0.05, -0.02, 0.01, 0.03], x.quant!.scale[0]!, filterQuant.scale);
    const biasSpec: TensorSpec = { name: 'bias', shape: [4], dtype: 'INT32', quant: bias.quant };
    const decoded = decodeOp(g, decodeBias ? [lut(filter), prune(biasSpec)] : [lut(filter)]);
    const b = decodeBias ? decoded[1]! : g.constant({ ...biasSpec, data: bias.data });
    const options = { padding: 'VALID', strideW: 1, strideH: 1, fusedActivationFunction: 'NONE' } as const;
    const output = I8('y', [1, 3, 3, 4], Q(-4, 6));
    return [depthwise
      ? g.op('DEPTHWISE_CONV_2D', { inputs: [x, decoded[0]!, b], output, version: 3, options: { ...options, depthMultiplier: 1 } })
      : g.op('CONV_2D', { inputs: [x, decoded[0]!, b], output, version: 3, options })];
  });
}

/** int8 CONV_2D with a LUT-decoded filter, per-channel along axis 0. */
export function lutConvInt8(): Uint8Array {
  return decodedConv(false, false);
}

/** int8 DEPTHWISE_CONV_2D with a LUT-decoded filter, per-channel along the last axis (the decoder's alternate axis). */
export function lutDepthwiseLastAxis(): Uint8Array {
  return decodedConv(true, false);
}

/** One node decoding two outputs: the conv filter (LUT) and its int32 bias (pruned, zero points all 0). */
export function twoOutputs(): Uint8Array {
  return decodedConv(false, true);
}

/** Pruned int8 output, per-channel along axis 0 with non-zero zero points: the decoder copies them (4 bytes). */
export function prunePerChannelZeroPoints(): Uint8Array {
  const spec = (name: string): TensorSpec => I8(name, [4, 8], perChannel([4, 8], 0, [1, -2, 3, 0]));
  return addDecoded(spec, prune);
}

/** Pruned int8 output, per-tensor with zero point 3: one channel, so nothing is copied. */
export function prunePerTensorZeroPoint(): Uint8Array {
  return addDecoded((name) => I8(name, [4, 8], { scale: [0.05], zeroPoint: [3] }), prune);
}

/** Pruned int16 output with a non-zero zero point: only int8 outputs may have one. */
export function pruneInt16ZeroPoint(): Uint8Array {
  return addDecoded((name) => I16(name, [4, 8], { scale: [0.001], zeroPoint: [5] }), prune);
}

/** Huffman with a 16-bit table into int8. */
export function huffmanInt8(): Uint8Array {
  return addDecoded(int8x32, (out) => huffman(out));
}

/** Huffman with a 16-bit table into float: the 16-bit decoder writes int8 only. */
export function huffman16Float(): Uint8Array {
  return addDecoded(float16, (out) => huffman(out));
}

/** Huffman with a 32-bit table into float. */
export function huffman32Float(): Uint8Array {
  return addDecoded(float16, (out) => huffman(out, true));
}

/** A LUT int8 output per-channel along axis 1 of 4: neither the first nor the last axis. */
export function lutMiddleAxis(): Uint8Array {
  return addDecoded((name) => I8(name, [2, 3, 4, 2], perChannel([2, 3, 4, 2], 1)), (out) => lut(out));
}

/** Header version 2 at byte 1. */
export function badHeaderVersion(): Uint8Array {
  return addDecoded(float16, (out) => lut(out, 4, { version: 2 }));
}

/** LUT metadata version 0 at byte 4 (the DecodeState is allocated before Setup rejects it). */
export function badLutVersion(): Uint8Array {
  return addDecoded(float16, (out) => lut(out, 4, { stateVersion: 0 }));
}

/** Decode type 127 (custom), which TFLM does not implement. */
export function customType(): Uint8Array {
  return addDecoded(float16, (out) => lut(out, 4, { type: CUSTOM }));
}

/** The ancillary tensor is a model input, not a constant. */
export function ancillaryNotConstant(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(float16('x'));
    const ancillary = g.input({ name: 'ancillary', shape: [HEADER_BYTES + 64], dtype: 'UINT8' });
    const [w] = decodeOp(g, [{ out: float16('w'), encodedBytes: 8, ancillary }]);
    return [g.op('ADD', { inputs: [x, w!], output: float16('y'), options: { fusedActivationFunction: 'NONE' } })];
  });
}

/** Three inputs for one output: the inputs must come in (encoded, ancillary) pairs. */
export function oddInputCount(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(float16('x'));
    const [w] = decodeOp(g, [lut(float16('w'))], [x]);
    return [g.op('ADD', { inputs: [x, w!], output: float16('y'), options: { fusedActivationFunction: 'NONE' } })];
  });
}
