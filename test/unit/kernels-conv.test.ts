/**
 * The convolution family's kernel models (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV; reference and CMSIS-NN DSP).
 * Expected figures are worked out by hand from TFLM's source (kernels/conv*.cc, depthwise_conv*.cc,
 * transpose_conv.cc, their cmsis_nn/ versions) and CMSIS-NN's *_get_buffer_sizes_*.c, on a 32-bit Arm build:
 * a temporary TfLiteTensor is 32 bytes, its TfLiteAffineQuantization 12, its zero-point array 4 + 4 per channel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAllocateTensors, type SimulationResult } from '../../server/src/analysis/tflm/interpreter.js';
import {
  cmsisBuffers, convolveWrapperS16BufferSize, convolveWrapperS8BufferSize, depthwiseWrapperS4BufferSize,
  depthwiseWrapperS8BufferSize, transposeConvReverseBufferSize, transposeConvS8BufferSize,
} from '../../server/src/analysis/tflm/kernels/cmsis-nn-buffers.js';
import { computePadding } from '../../server/src/analysis/tflm/kernels/conv.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import { ModelBuilder, type QuantSpec } from '../../server/src/model/builder/index.js';
import type { DType, Model } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

type Padding = 'SAME' | 'VALID';

interface ConvSpec {
  op?: 'CONV_2D' | 'DEPTHWISE_CONV_2D';
  input: number[];
  filter: number[];
  output: number[];
  inType?: DType;
  filterType?: DType;
  outType?: DType;
  biasType?: DType | null;
  padding?: Padding;
  stride?: number;
  dilation?: number;
  /** Per-channel filter quantization (else one scale). */
  perChannel?: boolean;
  inZeroPoint?: number;
}

const perTensor = (zeroPoint = 0): QuantSpec => ({ scale: [0.05], zeroPoint: [zeroPoint] });
const isQuantized = (t: DType): boolean => t !== 'FLOAT32';

/** One conv-like node built with the project's builder and read back, as the analysis sees a real file. */
function convModel(s: ConvSpec): Model {
  const op = s.op ?? 'CONV_2D';
  const inType = s.inType ?? 'INT8';
  const filterType = s.filterType ?? 'INT8';
  const outType = s.outType ?? inType;
  const axis = op === 'CONV_2D' ? 0 : 3;
  const channels = s.filter[axis]!;
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: s.input, dtype: inType, quant: isQuantized(inType) ? perTensor(s.inZeroPoint) : undefined });
  const filterQuant: QuantSpec | undefined = !isQuantized(filterType) ? undefined : s.perChannel === false
    ? perTensor()
    : { scale: Array.from({ length: channels }, (_, i) => 0.01 * (i + 1)), zeroPoint: Array(channels).fill(0), quantizedDimension: axis };
  const count = s.filter.reduce((a, d) => a * d, 1);
  const w = g.constant({ name: 'w', shape: s.filter, dtype: filterType, data: Array(count).fill(1), quant: filterQuant });
  const biasType = s.biasType === undefined ? (inType === 'FLOAT32' ? 'FLOAT32' : 'INT32') : s.biasType;
  const inputs = [x, w];
  if (biasType !== null) {
    const biasQuant = filterQuant && { scale: filterQuant.scale.map((f) => f * 0.05), zeroPoint: filterQuant.zeroPoint, quantizedDimension: 0 };
    inputs.push(g.constant({ name: 'b', shape: [channels], dtype: biasType, data: Array(channels).fill(0), quant: biasQuant }));
  }
  const output = { name: 'y', shape: s.output, dtype: outType, quant: isQuantized(outType) ? perTensor(s.inZeroPoint) : undefined };
  const common = {
    padding: s.padding ?? 'SAME', strideW: s.stride ?? 1, strideH: s.stride ?? 1,
    dilationWFactor: s.dilation ?? 1, dilationHFactor: s.dilation ?? 1, fusedActivationFunction: 'NONE',
  } as const;
  const y = op === 'CONV_2D'
    ? g.op('CONV_2D', { inputs, output, options: common })
    : g.op('DEPTHWISE_CONV_2D', { inputs, output, options: { ...common, depthMultiplier: s.output[3]! / s.input[3]! } });
  g.output(y);
  return readTflite(m.finish());
}

function run(model: Model, kernels: KernelSet): SimulationResult {
  return simulateAllocateTensors(model, kernels, { arenaSize: 1 << 22, log: true });
}

/** The requests of one phase of node 0 as "P56/16", "T32", ... (temporaries are all 4-aligned). */
function requests(sim: SimulationResult, phase: 'parse' | 'init' | 'prepare'): string[] {
  return sim.events
    .filter((e) => e.phase.startsWith(`${phase} 0/0:`) && e.kind !== 'R')
    .map((e) => (e.kind === 'T' ? `T${e.size}` : `P${e.size}/${e.align}`));
}

// A temporary quantized tensor: TfLiteTensor, TfLiteAffineQuantization, zero-point array of `channels`.
const q = (channels: number): string[] => ['T32', 'T12', `T${4 + 4 * channels}`];

const INT8_CONV: ConvSpec = { input: [1, 10, 10, 4], filter: [8, 3, 3, 4], output: [1, 10, 10, 8] };

test('reference CONV_2D int8: params, OpDataConv, two rounds of temporaries around the per-channel arrays', () => {
  const sim = run(convModel(INT8_CONV), 'tflm-reference');
  assert.equal(sim.ok, true);
  assert.deepEqual(requests(sim, 'parse'), ['P28/4']);
  assert.deepEqual(requests(sim, 'init'), ['P56/16']);
  assert.deepEqual(requests(sim, 'prepare'), [
    // ConvPrepare: output, input, filter
    ...q(1), ...q(1), ...q(8),
    // 8 int32 multipliers and 8 shifts
    'P32/16', 'P32/16',
    // CalculateOpDataConv: input, filter, bias, output
    ...q(1), ...q(8), ...q(8), ...q(1),
  ]);
  const node = sim.nodes[0]!;
  assert.equal(node.prepareTempBytes, 52 + 52 + 80 + 52 + 80 + 80 + 52);
  assert.deepEqual(node.scratch, []);
});

test('CMSIS-NN CONV_2D int8: OpData 60, no bias temporary in the first round, im2col scratch', () => {
  const sim = run(convModel(INT8_CONV), 'tflm-cmsis-nn');
  assert.equal(sim.ok, true);
  assert.deepEqual(requests(sim, 'init'), ['P60/16']);
  assert.deepEqual(requests(sim, 'prepare'), [
    ...q(1), ...q(8), ...q(1), 'P32/16', 'P32/16', ...q(1), ...q(8), ...q(8), ...q(1),
  ]);
  // 3x3x4 = 36 columns (already a multiple of 4): 2 columns x 36 x int16.
  assert.deepEqual(sim.nodes[0]!.scratch, [144]);
});

test('CMSIS-NN CONV_2D int8 scratch: column length rounded to 4; 1x1 unpadded convolutions need none (GCC)', () => {
  const odd = run(convModel({ input: [1, 9, 9, 3], filter: [4, 3, 3, 3], output: [1, 9, 9, 4] }), 'tflm-cmsis-nn');
  assert.deepEqual(odd.nodes[0]!.scratch, [2 * 28 * 2]);
  const pointwise = run(convModel({ input: [1, 6, 6, 16], filter: [8, 1, 1, 16], output: [1, 6, 6, 8] }), 'tflm-cmsis-nn');
  assert.deepEqual(pointwise.nodes[0]!.scratch, []);
  const strided = run(convModel({ input: [1, 6, 6, 16], filter: [8, 1, 1, 16], output: [1, 3, 3, 8], stride: 2 }), 'tflm-cmsis-nn');
  assert.deepEqual(strided.nodes[0]!.scratch, []);
});

test('CONV_2D float: per-channel arrays on the reference kernel only; plain 32-byte temporaries', () => {
  const spec: ConvSpec = { ...INT8_CONV, inType: 'FLOAT32', filterType: 'FLOAT32' };
  const ref = run(convModel(spec), 'tflm-reference');
  assert.equal(ref.ok, true);
  assert.deepEqual(requests(ref, 'prepare'), ['T32', 'T32', 'T32', 'P32/16', 'P32/16', 'T32', 'T32', 'T32', 'T32']);
  const cmsis = run(convModel(spec), 'tflm-cmsis-nn');
  assert.deepEqual(requests(cmsis, 'prepare'), ['T32', 'T32', 'T32', 'T32', 'T32', 'T32', 'T32']);
  assert.deepEqual(cmsis.nodes[0]!.scratch, []);
});

test('CONV_2D int16x8: CMSIS-NN asks for 2 x C x KH x KW int16; zero points must be 0', () => {
  const spec: ConvSpec = { ...INT8_CONV, inType: 'INT16', biasType: 'INT64' };
  assert.deepEqual(run(convModel(spec), 'tflm-reference').nodes[0]!.scratch, []);
  assert.deepEqual(run(convModel(spec), 'tflm-cmsis-nn').nodes[0]!.scratch, [2 * 4 * 3 * 3 * 2]);
  const shifted = run(convModel({ ...spec, inZeroPoint: 3 }), 'tflm-cmsis-nn');
  assert.equal(shifted.ok, false);
  assert.match(shifted.failures[0]!.reason, /zero_point != 0/);
});

test('CONV_2D int4 filter: the reference kernel unpacks into a scratch buffer; CMSIS-NN sizes it as int8', () => {
  const spec: ConvSpec = { ...INT8_CONV, filterType: 'INT4' };
  assert.deepEqual(run(convModel(spec), 'tflm-reference').nodes[0]!.scratch, [8 * 3 * 3 * 4]);
  assert.deepEqual(run(convModel(spec), 'tflm-cmsis-nn').nodes[0]!.scratch, [144]);
});

test('CONV_2D type checks: hybrid models and uint8 fail with the kernels\' own messages', () => {
  const hybrid = convModel({ ...INT8_CONV, inType: 'FLOAT32', outType: 'FLOAT32', filterType: 'INT8' });
  for (const kernels of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    const sim = run(hybrid, kernels);
    assert.equal(sim.ok, false);
    assert.deepEqual(sim.failures.map((f) => [f.opName, f.kind, f.reason]),
      [['CONV_2D', 'prepare', 'Hybrid models are not supported on TFLite Micro.']]);
  }
  const uint8 = convModel({ ...INT8_CONV, inType: 'UINT8', filterType: 'UINT8', biasType: 'INT32', perChannel: false });
  assert.equal(run(uint8, 'tflm-reference').failures[0]!.reason, 'Hybrid models are not supported on TFLite Micro.');
  assert.equal(run(uint8, 'tflm-cmsis-nn').failures[0]!.reason, 'Input data type not supported');
  const mixed = run(convModel({ ...INT8_CONV, outType: 'INT16' }), 'tflm-reference');
  assert.match(mixed.failures[0]!.reason, /input->type != output->type/);
});

const DW: ConvSpec = { op: 'DEPTHWISE_CONV_2D', input: [1, 10, 10, 8], filter: [1, 3, 3, 8], output: [1, 10, 10, 8] };

test('reference DEPTHWISE_CONV_2D int8: per-channel along axis 3, same temporaries as CONV_2D', () => {
  const sim = run(convModel(DW), 'tflm-reference');
  assert.equal(sim.ok, true);
  assert.deepEqual(requests(sim, 'parse'), ['P28/4']);
  assert.deepEqual(requests(sim, 'init'), ['P56/16']);
  assert.deepEqual(requests(sim, 'prepare'), [
    ...q(1), ...q(1), ...q(8), 'P32/16', 'P32/16', ...q(1), ...q(8), ...q(8), ...q(1),
  ]);
});

test('CMSIS-NN DEPTHWISE_CONV_2D int8 scratch: none for 3x3 with padding <= 1, C x KH x KW int16 otherwise', () => {
  const three = run(convModel(DW), 'tflm-cmsis-nn');
  assert.deepEqual(requests(three, 'init'), ['P60/16']);
  assert.deepEqual(requests(three, 'prepare'), [
    ...q(1), ...q(8), ...q(1), 'P32/16', 'P32/16', ...q(1), ...q(8), ...q(8), ...q(1),
  ]);
  assert.deepEqual(three.nodes[0]!.scratch, []);
  // 5x5 SAME: padding 2 leaves the 3x3 special case.
  const five = run(convModel({ ...DW, filter: [1, 5, 5, 8] }), 'tflm-cmsis-nn');
  assert.deepEqual(five.nodes[0]!.scratch, [8 * 5 * 5 * 2]);
  // A depth multiplier of 2, or dilation, runs the generic kernel without a buffer.
  const multiplied = run(convModel({ ...DW, filter: [1, 5, 5, 16], output: [1, 10, 10, 16] }), 'tflm-cmsis-nn');
  assert.deepEqual(multiplied.nodes[0]!.scratch, []);
  const dilated = run(convModel({ ...DW, filter: [1, 5, 5, 8], dilation: 2 }), 'tflm-cmsis-nn');
  assert.deepEqual(dilated.nodes[0]!.scratch, []);
  // Int4 filters have no 3x3 exemption.
  const int4 = run(convModel({ ...DW, filterType: 'INT4' }), 'tflm-cmsis-nn');
  assert.deepEqual(int4.nodes[0]!.scratch, [8 * 3 * 3 * 2]);
});

test('DEPTHWISE_CONV_2D: uint8 passes the reference Prepare but not CMSIS-NN\'s; float never gets per-channel data on CMSIS-NN', () => {
  const uint8 = convModel({ ...DW, inType: 'UINT8', filterType: 'UINT8', biasType: 'INT32', perChannel: false });
  assert.equal(run(uint8, 'tflm-reference').ok, true);
  assert.equal(run(uint8, 'tflm-cmsis-nn').failures[0]!.reason, 'Input data type not supported');
  const float = convModel({ ...DW, inType: 'FLOAT32', filterType: 'FLOAT32' });
  assert.deepEqual(requests(run(float, 'tflm-reference'), 'prepare'),
    ['T32', 'T32', 'T32', 'P32/16', 'P32/16', 'T32', 'T32', 'T32', 'T32']);
  assert.deepEqual(requests(run(float, 'tflm-cmsis-nn'), 'prepare'), ['T32', 'T32', 'T32', 'T32', 'T32', 'T32', 'T32']);
});

/** A TRANSPOSE_CONV node: the builder writes no TransposeConvOptions, so the options are set on the IR. */
function transposeModel(inChannels: number, stride: number, type: DType = 'INT8'): Model {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const quant = type === 'FLOAT32' ? undefined : perTensor();
  const shape = g.constant({ name: 'shape', shape: [4], dtype: 'INT32', data: [1, 4 * stride, 4 * stride, 8] });
  const w = g.constant({ name: 'w', shape: [8, 3, 3, inChannels], dtype: type === 'INT16' ? 'INT8' : type, data: Array(72 * inChannels).fill(1), quant });
  const x = g.input({ name: 'x', shape: [1, 4, 4, inChannels], dtype: type, quant });
  const y = g.op('TRANSPOSE_CONV', { inputs: [shape, w, x], output: { name: 'y', shape: [1, 4 * stride, 4 * stride, 8], dtype: type, quant } });
  g.output(y);
  const model = readTflite(m.finish());
  model.subgraphs[0]!.operators[0]!.options = { padding: 'SAME', strideW: stride, strideH: stride, fusedActivationFunction: 'NONE' };
  return model;
}

test('reference TRANSPOSE_CONV int8: params 16, OpData 72, int32 accumulator scratch over the output', () => {
  const sim = run(transposeModel(8, 2), 'tflm-reference');
  assert.equal(sim.ok, true);
  assert.deepEqual(requests(sim, 'parse'), ['P16/4']);
  assert.deepEqual(requests(sim, 'init'), ['P72/16']);
  // Prepare: output, input, filter; 8 multipliers/shifts; CalculateOpData: input, filter, (no bias), output.
  assert.deepEqual(requests(sim, 'prepare'), [...q(1), ...q(1), ...q(1), 'P32/16', 'P32/16', ...q(1), ...q(1), ...q(1)]);
  assert.deepEqual(sim.nodes[0]!.scratch, [8 * 8 * 8 * 4]);
  assert.deepEqual(run(transposeModel(8, 2, 'INT16'), 'tflm-reference').nodes[0]!.scratch, [8 * 8 * 8 * 8]);
});

test('CMSIS-NN TRANSPOSE_CONV int8: accumulation window or reverse-conv im2col, always two requests', () => {
  const narrow = run(transposeModel(8, 2), 'tflm-cmsis-nn');
  assert.deepEqual(requests(narrow, 'init'), ['P76/16']);
  // ((4 - 1) x 2 + max(3, 2)) x 8 channels x max(3, 2) rows x int32; no reversed filter.
  assert.deepEqual(narrow.nodes[0]!.scratch, [864, 0]);
  // More than 16 input channels and stride <= 2: im2col over 3x3x32 int16 columns, plus the reversed filter.
  const wide = run(transposeModel(32, 2), 'tflm-cmsis-nn');
  assert.deepEqual(wide.nodes[0]!.scratch, [2 * 288 * 2, 32 * 3 * 3 * 8]);
});

test('computePadding follows ComputePaddingHeightWidth', () => {
  const g = (padding: 'SAME' | 'VALID' | 'UNKNOWN', stride: number, dilation = 1) =>
    ({ padding, strideW: stride, strideH: stride, dilationW: dilation, dilationH: dilation });
  assert.deepEqual(computePadding(g('SAME', 1), 10, 10, 3, 3), { width: 1, height: 1, widthOffset: 0, heightOffset: 0 });
  // out 5: (5 - 1) x 2 + 4 - 10 = 2 in total.
  assert.deepEqual(computePadding(g('SAME', 2), 10, 10, 4, 4), { width: 1, height: 1, widthOffset: 0, heightOffset: 0 });
  // 9 wide, 4 taps, stride 2: out 5, total 3 -> 1 and an odd extra pixel.
  assert.deepEqual(computePadding(g('SAME', 2), 9, 9, 4, 4), { width: 1, height: 1, widthOffset: 1, heightOffset: 1 });
  // Dilation 2 makes a 3-tap filter span 5.
  assert.deepEqual(computePadding(g('SAME', 1, 2), 10, 10, 3, 3), { width: 2, height: 2, widthOffset: 0, heightOffset: 0 });
  assert.deepEqual(computePadding(g('VALID', 1), 10, 10, 3, 3), { width: 0, height: 0, widthOffset: 0, heightOffset: 0 });
  assert.deepEqual(computePadding(g('UNKNOWN', 1), 10, 10, 3, 3), { width: 0, height: 0, widthOffset: 0, heightOffset: 0 });
  assert.deepEqual(computePadding(g('SAME', 0), 10, 10, 3, 3), { width: 0, height: 0, widthOffset: 0, heightOffset: 0 });
});

test('CMSIS-NN buffer sizes: DSP figures and the Helium (MVE) ones differ', () => {
  const HELIUM = cmsisBuffers('mve');
  const p = { padding: { w: 1, h: 1 }, stride: { w: 1, h: 1 }, dilation: { w: 1, h: 1 } };
  const input = { n: 1, h: 10, w: 10, c: 4 };
  const filter = { n: 1, h: 3, w: 3, c: 4 };
  const output = { n: 1, h: 10, w: 10, c: 4 };
  assert.equal(convolveWrapperS8BufferSize(p, input, filter), 144);
  // MVE: four buffers of whole 16-byte vectors: ceil(36 / 16) = 3 -> 4 x 48.
  assert.equal(HELIUM.convolveWrapperS8(p, input, filter, output), 192);
  assert.equal(convolveWrapperS16BufferSize(input, filter), 144);
  // MVE int16: ceil(36 / 8) = 5 vectors of 8 lanes, four buffers, 2 bytes each.
  assert.equal(HELIUM.convolveWrapperS16(input, filter), 320);
  // Depthwise 3x3 padding 1: none on DSP; MVE always blocks 124 channels x 9 taps x 4.
  assert.equal(depthwiseWrapperS8BufferSize(p, input, filter, output), 0);
  assert.equal(HELIUM.depthwiseWrapperS8(p, input, filter, output), 4 * 124 * 9);
  assert.equal(depthwiseWrapperS4BufferSize(p, input, filter, output), 4 * 9 * 2);
  // MVE 1xN conv on a single row: max(3 taps x 4 ch + 1 x 4 pad, 2 x 4 + 4) = 16.
  const row = { n: 1, h: 1, w: 10, c: 4 };
  const rowFilter = { n: 1, h: 1, w: 3, c: 4 };
  const rowP = { padding: { w: 1, h: 0 }, stride: { w: 1, h: 1 }, dilation: { w: 1, h: 1 } };
  assert.equal(HELIUM.convolveWrapperS8(rowP, row, rowFilter, row), 16);
  assert.equal(convolveWrapperS8BufferSize(rowP, row, rowFilter), 2 * 12 * 2);
  // Transpose conv, reverse path: im2col over 3x3x32 (DSP 2 x 288 int16; MVE 4 x 18 vectors of 16).
  const t = { stride: { w: 2, h: 2 } };
  const tin = { n: 1, h: 4, w: 4, c: 32 };
  const tf = { n: 8, h: 3, w: 3, c: 32 };
  const tout = { n: 1, h: 8, w: 8, c: 8 };
  assert.equal(transposeConvS8BufferSize(t, tin, tf, tout), 1152);
  assert.equal(HELIUM.transposeConvS8(t, tin, tf, tout), 4 * 18 * 16);
  assert.equal(transposeConvReverseBufferSize(t, tin, tf), 2304);
  // Stride 3 rules the reverse path out: window ((4 - 1) x 3 + max(3, 3)) x 8 x max(3, 3) x 4.
  assert.equal(transposeConvS8BufferSize({ stride: { w: 3, h: 3 } }, tin, tf, tout), 12 * 8 * 3 * 4);
  assert.equal(transposeConvReverseBufferSize({ stride: { w: 3, h: 3 } }, tin, tf), 0);
});
