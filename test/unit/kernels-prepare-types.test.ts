/**
 * Prepare-time checks of TFLM kernels that the one-op models run under QEMU brought to light (test/measured/
 * tflm_one_op.tsv has every figure; these pin each behaviour by name). Facts of the kernels at TFLM 90b983c2b3f1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel, type UnsupportedOp } from '../../server/src/analysis/report.js';
import { checkedLog2 } from '../../server/src/analysis/tflm/kernels/math-common.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import type { DType } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { oneOpModel } from './helpers/one-op-models.js';

const KERNELS: readonly KernelSet[] = ['tflm-reference', 'tflm-cmsis-nn'];

function analyze(name: string, t: DType, kernels: KernelSet = 'tflm-reference') {
  return analyzeModel(readTflite(oneOpModel(name, t)), kernels);
}

/** The one failure AllocateTensors reports: the op, node 0, and the Prepare check's text. */
function prepareFailure(name: string, t: DType, kernels: KernelSet = 'tflm-reference'): UnsupportedOp {
  const report = analyze(name, t, kernels);
  assert.equal(report.status, 'unsupported', `${name} ${t} on ${kernels}`);
  assert.equal(report.unsupportedOps.length, 1);
  const u = report.unsupportedOps[0]!;
  assert.equal(u.stage, 'allocate');
  assert.deepEqual(u.layers, [0]);
  return u;
}

function runs(name: string, t: DType, kernels: KernelSet = 'tflm-reference'): void {
  const report = analyze(name, t, kernels);
  assert.equal(report.status, 'ok', `${name} ${t} on ${kernels}`);
  assert.deepEqual(report.unsupportedOps, [], `${name} ${t} on ${kernels}`);
}

test("elementwise ops allocate for any type and fail at Invoke, as TFLM's unnamed-parameter check never rejects", () => {
  const cases: [string, DType, string][] = [
    ['SIN', 'INT8', 'FLOAT32'], ['COS', 'BOOL', 'FLOAT32'], ['LOG', 'INT32', 'FLOAT32'], ['SQRT', 'UINT8', 'FLOAT32'],
    ['SQUARE', 'INT16', 'FLOAT32'], ['LOGICAL_NOT', 'FLOAT32', 'BOOL'], ['ABS', 'INT32', 'FLOAT32 / INT8 / INT16'],
    ['RSQRT', 'UINT8', 'FLOAT32 / INT8 / INT16'],
  ];
  for (const kernels of KERNELS) {
    for (const [op, t, accepted] of cases) {
      const report = analyze(op, t, kernels);
      assert.equal(report.status, 'ok', `${op} ${t}: AllocateTensors succeeds`);
      assert.deepEqual(report.unsupportedOps.map((u) => [u.op, u.stage, u.layers]), [[op, 'invoke', [0]]]);
      assert.equal(report.unsupportedOps[0]!.reason,
        `fails at Invoke: TFLM's ${op} prepares a ${t} input 0, so AllocateTensors succeeds, but its Eval (kernels/elementwise.cc Eval) has no ${t} case and the first inference returns an error; it runs ${accepted}`);
    }
  }
});

test('RSQRT runs int16 (its Eval has an int16 case), as ABS does', () => {
  for (const kernels of KERNELS) {
    runs('RSQRT', 'INT16', kernels);
    runs('ABS', 'INT16', kernels);
  }
});

test('ABS and RSQRT allocate a 28-byte OpData in Init (two 4-byte enums), as TFLM\'s allocation log shows', () => {
  // TFLM's log for ABS float32: `P 28 16` at Init. SIN prepares the same temporaries and allocates no OpData.
  const sin = analyze('SIN', 'FLOAT32').memory.tailBytes;
  assert.equal(analyze('ABS', 'FLOAT32').memory.tailBytes - sin, 48);
  assert.equal(analyze('RSQRT', 'FLOAT32').memory.tailBytes, analyze('ABS', 'FLOAT32').memory.tailBytes);
  const { arenaUsedBytes, headBytes, tailBytes } = analyze('ABS', 'FLOAT32').memory;
  assert.deepEqual({ arenaUsedBytes, headBytes, tailBytes }, { arenaUsedBytes: 704, headBytes: 384, tailBytes: 320 });
});

test('ABS and RSQRT need affine quantization on an int8 input and output', () => {
  for (const op of ['ABS', 'RSQRT']) {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    g.output(g.op(op, { inputs: [g.input({ name: 'x', shape: [4], dtype: 'INT8' })], output: { name: 'y', shape: [4], dtype: 'INT8' } }));
    const report = analyzeModel(readTflite(m.finish()), 'tflm-reference');
    assert.equal(report.status, 'unsupported');
    assert.equal(report.unsupportedOps[0]?.reason, 'input->quantization.type != kTfLiteAffineQuantization (0 != 1)');
  }
});

test('EXP, CEIL and ROUND fail in Prepare for any type but float32', () => {
  for (const op of ['EXP', 'CEIL', 'ROUND']) {
    runs(op, 'FLOAT32');
    for (const t of ['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'] as DType[]) {
      for (const kernels of KERNELS) {
        const u = prepareFailure(op, t, kernels);
        assert.equal(u.op, op);
        assert.equal(u.reason, `input->type != kTfLiteFloat32 (${t} != FLOAT32)`);
      }
    }
  }
});

test('GATHER and GATHER_ND prepare float32 and int8 data only', () => {
  for (const t of ['INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'] as DType[]) {
    assert.equal(prepareFailure('GATHER', t).reason, `Type '${t}' is not supported by gather.`);
    assert.equal(prepareFailure('GATHER_ND', t).reason, `Params of type '${t}' are not supported by gather_nd.`);
  }
  for (const t of ['FLOAT32', 'INT8'] as DType[]) {
    runs('GATHER', t);
    runs('GATHER_ND', t);
  }
});

test('EMBEDDING_LOOKUP prepares float32 and int8 values only', () => {
  for (const t of ['INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'] as DType[]) {
    assert.equal(prepareFailure('EMBEDDING_LOOKUP', t).reason, 'value->type == kTfLiteFloat32 || value->type == kTfLiteInt8 was not true');
  }
  runs('EMBEDDING_LOOKUP', 'FLOAT32');
  runs('EMBEDDING_LOOKUP', 'INT8');
});

test('L2_NORMALIZATION prepares float32 and int8 only', () => {
  for (const t of ['INT16', 'INT32', 'INT64', 'UINT8', 'BOOL'] as DType[]) {
    assert.equal(prepareFailure('L2_NORMALIZATION', t).reason, 'output->type == kTfLiteFloat32 || output->type == kTfLiteInt8 was not true');
  }
  runs('L2_NORMALIZATION', 'FLOAT32');
  runs('L2_NORMALIZATION', 'INT8');
});

test('LOGISTIC int8 needs the output zero point -128', () => {
  for (const kernels of KERNELS) {
    assert.equal(prepareFailure('LOGISTIC', 'INT8', kernels).reason,
      'output->params.zero_point != std::numeric_limits<int8_t>::min() (0 != -128)');
    runs('LOGISTIC_FIXED_POINT', 'INT8', kernels);
  }
});

test('TANH and LOGISTIC int16 need an output scale of 2^-15 (CheckedLog2)', () => {
  for (const kernels of KERNELS) {
    for (const op of ['TANH', 'LOGISTIC']) {
      assert.equal(prepareFailure(op, 'INT16', kernels).reason, 'CheckedLog2(output->params.scale, &output_scale_log2_rounded) was not true');
      runs(`${op}_FIXED_POINT`, 'INT16', kernels);
    }
  }
  assert.deepEqual(checkedLog2(2 ** -15), { ok: true, log2: -15 });
  assert.equal(checkedLog2(0.001).ok, false);
  assert.equal(checkedLog2(0).ok, false);
  assert.deepEqual(checkedLog2(2 ** -15 * 1.0001), { ok: true, log2: -15 });
});

test('PRELU int16 needs an int8 alpha, and then runs (its Eval has an int16 case)', () => {
  for (const kernels of KERNELS) {
    assert.equal(prepareFailure('PRELU', 'INT16', kernels).reason, 'alpha->type == kTfLiteInt8 was not true');
    runs('PRELU_INT8_ALPHA', 'INT16', kernels);
  }
});

test("CUMSUM's type failure reads as TFLM's log, with one 'was not true'", () => {
  assert.equal(prepareFailure('CUMSUM', 'INT16').reason, 'input->type == kTfLiteFloat32 || input->type == kTfLiteInt8 was not true');
});
