import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import { flexbufferMap } from '../../server/src/analysis/tflm/kernels/flexbuffers.js';
import { registeredOps } from '../../server/src/analysis/tflm/kernels/index.js';
import { MISC_KERNELS } from '../../server/src/analysis/tflm/kernels/misc-group.js';
import { kissFftrBytes } from '../../server/src/analysis/tflm/kernels/signal.js';
import { buildIfModel, ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

/**
 * Every op registered by MicroMutableOpResolver's Add* methods (tensorflow/lite/micro/micro_mutable_op_resolver.h at
 * TFLM 90b983c2b3f1), custom ops as 'CUSTOM:<name>'. AddEthosU() is left out: the measured build has no Ethos-U.
 */
const TFLM_REGISTERED = [
  'ABS', 'ADD', 'ADD_N', 'ARG_MAX', 'ARG_MIN', 'ASSIGN_VARIABLE', 'AVERAGE_POOL_2D', 'BATCH_MATMUL',
  'BATCH_TO_SPACE_ND', 'BROADCAST_ARGS', 'BROADCAST_TO', 'CALL_ONCE', 'CAST', 'CEIL', 'CUSTOM:CIRCULAR_BUFFER',
  'CONCATENATION', 'CONV_2D', 'COS', 'CUMSUM', 'CUSTOM:TFLM_DECODE', 'CUSTOM:SignalDelay', 'DEPTH_TO_SPACE',
  'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'CUSTOM:TFLite_Detection_PostProcess', 'DIV', 'DYNAMIC_UPDATE_SLICE',
  'EMBEDDING_LOOKUP', 'CUSTOM:SignalEnergy', 'ELU', 'EQUAL', 'EXP', 'EXPAND_DIMS', 'CUSTOM:SignalFftAutoScale',
  'FILL', 'CUSTOM:SignalFilterBank', 'CUSTOM:SignalFilterBankLog', 'CUSTOM:SignalFilterBankSquareRoot',
  'CUSTOM:SignalFilterBankSpectralSubtraction', 'FLOOR', 'FLOOR_DIV', 'FLOOR_MOD', 'CUSTOM:SignalFramer',
  'FULLY_CONNECTED', 'GATHER', 'GATHER_ND', 'GREATER', 'GREATER_EQUAL', 'HARD_SWISH', 'IF', 'CUSTOM:SignalIrfft',
  'L2_NORMALIZATION', 'L2_POOL_2D', 'LEAKY_RELU', 'LESS', 'LESS_EQUAL', 'LOG', 'LOGICAL_AND', 'LOGICAL_NOT',
  'LOGICAL_OR', 'LOGISTIC', 'LOG_SOFTMAX', 'MAXIMUM', 'MAX_POOL_2D', 'MIRROR_PAD', 'MEAN', 'MINIMUM', 'MUL', 'NEG',
  'NOT_EQUAL', 'CUSTOM:SignalOverlapAdd', 'PACK', 'PAD', 'PADV2', 'CUSTOM:SignalPCAN', 'PRELU', 'QUANTIZE',
  'READ_VARIABLE', 'REDUCE_ALL', 'REDUCE_MAX', 'REDUCE_MIN', 'RELU', 'RELU6', 'RESHAPE', 'RESIZE_BILINEAR',
  'RESIZE_NEAREST_NEIGHBOR', 'REVERSE_V2', 'CUSTOM:SignalRfft', 'ROUND', 'RSQRT', 'SELECT_V2', 'SHAPE', 'SIN',
  'SLICE', 'SOFTMAX', 'SPACE_TO_BATCH_ND', 'SPACE_TO_DEPTH', 'SPLIT', 'SPLIT_V', 'SQUEEZE', 'SQRT', 'SQUARE',
  'SQUARED_DIFFERENCE', 'STRIDED_SLICE', 'CUSTOM:SignalStacker', 'SUB', 'SUM', 'SVDF', 'TANH', 'TRANSPOSE_CONV',
  'TRANSPOSE', 'UNPACK', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'VAR_HANDLE', 'WHILE', 'CUSTOM:SignalWindow', 'ZEROS_LIKE',
];

/** The conv and math groups' ops (their files register them). */
const OTHER_GROUPS = [
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'SOFTMAX',
  'LOG_SOFTMAX', 'ADD', 'SUB', 'MUL', 'SVDF', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'BATCH_MATMUL', 'PAD', 'PADV2',
];

test('the misc group registers exactly the TFLM ops no other group owns', () => {
  const expected = TFLM_REGISTERED.filter((op) => !OTHER_GROUPS.includes(op)).sort();
  assert.deepEqual(Object.keys(MISC_KERNELS.reference).sort(), expected);
});

test('no registry lists an op TFLM lacks (POW, ethos-u)', () => {
  for (const set of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    const extra = registeredOps(set).filter((op) => !TFLM_REGISTERED.includes(op));
    assert.deepEqual(extra, []);
  }
  assert.ok(!registeredOps('tflm-reference').includes('POW'));
  assert.ok(!registeredOps('tflm-reference').includes('CUSTOM:ethos-u'));
});

test('LESS and IF: params, OpData and Prepare temporaries as in comparisons.cc and if.cc', () => {
  const model = readTflite(buildIfModel());
  const r = simulateAllocateTensors(model, 'tflm-reference', { arenaSize: 1 << 20, log: true, continueOnFailure: true });
  const phase = (p: string): [string, number, number][] =>
    r.events.filter((e) => e.phase === p).map((e) => [e.kind, e.size, e.align]);
  assert.deepEqual(phase('parse 0/0:LESS'), []); // ParseLess allocates nothing
  assert.deepEqual(phase('parse 0/1:IF'), [['P', 8, 4]]); // TfLiteIfParams
  assert.deepEqual(phase('init 0/0:LESS'), [['P', 32, 16]]); // ComparisonParams
  assert.deepEqual(phase('init 0/1:IF'), [['P', 8, 16]]);
  assert.deepEqual(phase('prepare 0/0:LESS').filter((e) => e[0] === 'T'), [['T', 32, 4], ['T', 32, 4]]);
  assert.deepEqual(phase('prepare 0/1:IF').filter((e) => e[0] === 'T'), [['T', 32, 4]]);
  assert.ok(!r.failures.some((f) => f.opName === 'LESS' || f.opName === 'IF'));
});

test('DEQUANTIZE rejects a float16 input like dequantize_common.cc', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const w = g.constant({ name: 'w', shape: [4], dtype: 'FLOAT16', data: [1, 2, 3, 4] });
  g.output(g.op('DEQUANTIZE', { inputs: [w], output: { name: 'y', shape: [4], dtype: 'FLOAT32' } }));
  const r = simulateAllocateTensors(readTflite(m.finish()), 'tflm-reference', { arenaSize: 1 << 16 });
  assert.equal(r.ok, false);
  assert.deepEqual(r.failures.map((f) => [f.opName, f.kind, f.reason]), [[
    'DEQUANTIZE', 'prepare', 'input->type == kTfLiteInt8 || input->type == kTfLiteInt16 || input->type == kTfLiteUInt8 was not true',
  ]]);
});

test('int8 MEAN: OpDataReduce and the accumulator, iterator and axis scratch buffers', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const q = { scale: [0.02], zeroPoint: [-128] };
  const x = g.input({ name: 'x', shape: [1, 7, 7, 1280], dtype: 'INT8', quant: q });
  const axis = g.constant({ name: 'axis', shape: [2], dtype: 'INT32', data: [1, 2] });
  g.output(g.op('MEAN', { inputs: [x, axis], output: { name: 'y', shape: [1, 1280], dtype: 'INT8', quant: q }, options: { keepDims: false } }));
  const r = simulateAllocateTensors(readTflite(m.finish()), 'tflm-reference', { arenaSize: 1 << 20, log: true });
  assert.ok(r.ok, JSON.stringify(r.failures));
  const node = r.nodes[0]!;
  assert.equal(node.paramsBytes, 1);
  const init = r.events.filter((e) => e.phase === 'init 0/0:MEAN').map((e) => [e.kind, e.size, e.align]);
  assert.deepEqual(init, [['P', 44, 16]]); // OpDataReduce: 11 ints
  // 1280 int32 accumulators, 4 input dims, 2 axes (reduce_common.cc PrepareMeanOrSumHelper).
  assert.deepEqual(node.scratch, [5120, 16, 8]);
});

test('RFFT state size: kiss_fftr_alloc for a 512-point int16 FFT is 2836 bytes', () => {
  assert.equal(kissFftrBytes(512, 4), 2836);
});

test('flexbufferMap reads the signal ops\' options from the audio preprocessor model (fft_length, num_channels)', (t) => {
  const path = '/work/shared/models/tflm_audio_preprocessor_int8.tflite';
  if (!existsSync(path)) return t.skip('shared model not available');
  const model = readTflite(new Uint8Array(readFileSync(path)));
  const options = (name: string): Map<string, number> =>
    flexbufferMap(model.subgraphs[0]!.operators.find((o) => o.opName === name)!.customOptions);
  // TFLM's log for this model: Rfft state 2836 bytes (512 points), FilterBank work area 328 = (40 + 1) * 8.
  assert.equal(options('CUSTOM:SignalRfft').get('fft_length'), 512);
  assert.equal(options('CUSTOM:SignalRfft').get('T'), 7);
  assert.equal(options('CUSTOM:SignalFilterBank').get('num_channels'), 40);
  assert.deepEqual([...flexbufferMap(null)], []);
});
