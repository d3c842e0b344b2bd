import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAllocateTensors, type SimulationResult } from '../../server/src/analysis/tflm/interpreter.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from '../../server/src/model/builder/index.js';
import type { DType } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

/**
 * Kernel models of the math group, checked request by request against the TFLM sources at 90b983c2b3f1 and CMSIS-NN
 * 4ab83cc3 (DSP path). Expected figures are the structs' sizes on 32-bit Arm and the kernels' own requests; a
 * temporary TfLiteTensor is 32 bytes, plus 12 (TfLiteAffineQuantization) and 4 + 4n (zero points) when quantized.
 */

type Ev = [string, number, number];
const run = (build: (g: SubgraphBuilder) => void, kernels: KernelSet): SimulationResult => {
  const m = new ModelBuilder();
  build(m.subgraph('main'));
  return simulateAllocateTensors(readTflite(m.finish()), kernels, { arenaSize: 1 << 22, log: true, continueOnFailure: true });
};
const phase = (r: SimulationResult, p: string): Ev[] =>
  r.events.filter((e) => e.phase === p).map((e) => [e.kind, e.size, e.align]);
const persistent = (r: SimulationResult, p: string): number[] =>
  phase(r, p).filter((e) => e[0] === 'P').map((e) => e[1]);
const temps = (r: SimulationResult, p: string): number[] =>
  phase(r, p).filter((e) => e[0] === 'T').map((e) => e[1]);
const reasons = (r: SimulationResult): string[] => r.failures.map((f) => f.reason);

/** Temp requests for a per-tensor quantized tensor and a float one. */
const Q1 = [32, 12, 8];
const F = [32];
const q = (scale: number, zeroPoint = 0): { scale: number[]; zeroPoint: number[] } => ({ scale: [scale], zeroPoint: [zeroPoint] });

function fcModel(g: SubgraphBuilder, opts: { inT: DType; wT: DType; inShape: number[]; outShape: number[]; units: number; depth: number; perChannel?: boolean }): void {
  const quant = opts.inT !== 'FLOAT32';
  const x = g.input({ name: 'x', shape: opts.inShape, dtype: opts.inT, quant: quant ? q(0.5, -1) : undefined });
  const wq = opts.wT === 'FLOAT32' ? undefined
    : opts.perChannel ? { scale: new Array(opts.units).fill(0.01), zeroPoint: new Array(opts.units).fill(0) } : q(0.01);
  const w = g.constant({ name: 'w', shape: [opts.units, opts.depth], dtype: opts.wT, quant: wq, data: new Array(opts.units * opts.depth).fill(1) });
  const biasQuant = quant ? q(0.005) : undefined;
  const b = g.constant({ name: 'b', shape: [opts.units], dtype: quant ? 'INT32' : 'FLOAT32', quant: biasQuant, data: new Array(opts.units).fill(0) });
  g.output(g.op('FULLY_CONNECTED', {
    inputs: [x, w, b], output: { name: 'y', shape: opts.outShape, dtype: opts.inT, quant: quant ? q(0.25, 3) : undefined },
    options: { keepNumDims: opts.outShape.length > 2 },
  }));
}

test('FULLY_CONNECTED int8: params, OpData and temporaries (reference 48, CMSIS-NN 72)', () => {
  const build = (g: SubgraphBuilder): void => fcModel(g, { inT: 'INT8', wT: 'INT8', inShape: [1, 10], outShape: [1, 6], units: 6, depth: 10 });
  const ref = run(build, 'tflm-reference');
  assert.deepEqual(reasons(ref), []);
  assert.deepEqual(phase(ref, 'parse 0/0:FULLY_CONNECTED'), [['P', 5, 1]]);
  assert.deepEqual(phase(ref, 'init 0/0:FULLY_CONNECTED'), [['P', 48, 16]]);
  assert.deepEqual(temps(ref, 'prepare 0/0:FULLY_CONNECTED'), [...Q1, ...Q1, ...Q1, ...Q1]);
  assert.deepEqual(ref.nodes[0]!.scratch, []);
  const cmsis = run(build, 'tflm-cmsis-nn');
  assert.deepEqual(phase(cmsis, 'init 0/0:FULLY_CONNECTED'), [['P', 72, 16]]);
  // arm_fully_connected_s8_get_buffer_size is 0 on the DSP path: no scratch.
  assert.deepEqual(cmsis.nodes[0]!.scratch, []);
});

test('FULLY_CONNECTED per-channel int8: two persistent int32 arrays; CMSIS-NN conv-1x1 scratch only for per-tensor', () => {
  const perChannel = (g: SubgraphBuilder): void =>
    fcModel(g, { inT: 'INT8', wT: 'INT8', inShape: [1, 2, 8], outShape: [1, 2, 5], units: 5, depth: 8, perChannel: true });
  for (const set of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    const r = run(perChannel, set);
    assert.deepEqual(reasons(r), []);
    assert.deepEqual(persistent(r, 'prepare 0/0:FULLY_CONNECTED'), [20, 20]);
    assert.deepEqual(r.nodes[0]!.scratch, []);
  }
  const perTensor = (g: SubgraphBuilder): void =>
    fcModel(g, { inT: 'INT8', wT: 'INT8', inShape: [1, 2, 8], outShape: [1, 2, 5], units: 5, depth: 8 });
  // Rank-3 output and accum depth 8 (a multiple of 4): output_depth x sizeof(int32) x 2.
  assert.deepEqual(run(perTensor, 'tflm-cmsis-nn').nodes[0]!.scratch, [40]);
  assert.deepEqual(run(perTensor, 'tflm-reference').nodes[0]!.scratch, []);
});

test('FULLY_CONNECTED hybrid (float input, int8 weights) fails with each kernel\'s message', () => {
  const build = (g: SubgraphBuilder): void => fcModel(g, { inT: 'FLOAT32', wT: 'INT8', inShape: [1, 4], outShape: [1, 3], units: 3, depth: 4 });
  assert.deepEqual(reasons(run(build, 'tflm-reference')), ['Input type: FLOAT32 with filter type: INT8 not supported.']);
  assert.deepEqual(reasons(run(build, 'tflm-cmsis-nn')), ['Hybrid models are not supported on TFLite Micro.']);
});

test('FULLY_CONNECTED int4 weights: the reference kernel requests an unpack buffer of one byte per weight', () => {
  const build = (g: SubgraphBuilder): void => fcModel(g, { inT: 'INT8', wT: 'INT4', inShape: [1, 6], outShape: [1, 4], units: 4, depth: 6 });
  const r = run(build, 'tflm-reference');
  assert.deepEqual(reasons(r), []);
  assert.deepEqual(r.nodes[0]!.scratch, [24]);
});

function poolModel(g: SubgraphBuilder, op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', dtype: DType, outShape = [1, 2, 2, 24]): TensorRef {
  const qq = dtype === 'FLOAT32' || dtype === 'INT32' ? undefined : q(0.1, 5);
  const x = g.input({ name: 'x', shape: [1, 4, 4, 24], dtype, quant: qq });
  const y = g.op(op, {
    inputs: [x], output: { name: 'y', shape: outShape, dtype, quant: qq },
    options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
  });
  g.output(y);
  return y;
}

test('pooling: TfLitePoolParams 40, OpDataPooling 32; CMSIS-NN average pool re-takes temporaries and a channels x 4 scratch', () => {
  const ref = run((g) => poolModel(g, 'AVERAGE_POOL_2D', 'INT8'), 'tflm-reference');
  assert.deepEqual(phase(ref, 'parse 0/0:AVERAGE_POOL_2D'), [['P', 40, 4]]);
  assert.deepEqual(phase(ref, 'init 0/0:AVERAGE_POOL_2D'), [['P', 32, 16]]);
  assert.deepEqual(temps(ref, 'prepare 0/0:AVERAGE_POOL_2D'), [...Q1, ...Q1]);
  assert.deepEqual(ref.nodes[0]!.scratch, []);
  const avg = run((g) => poolModel(g, 'AVERAGE_POOL_2D', 'INT8'), 'tflm-cmsis-nn');
  assert.deepEqual(phase(avg, 'init 0/0:AVERAGE_POOL_2D'), [['P', 36, 16]]);
  assert.deepEqual(temps(avg, 'prepare 0/0:AVERAGE_POOL_2D'), [...Q1, ...Q1, ...Q1, ...Q1]);
  assert.deepEqual(avg.nodes[0]!.scratch, [96]);
  const floatAvg = run((g) => poolModel(g, 'AVERAGE_POOL_2D', 'FLOAT32'), 'tflm-cmsis-nn');
  assert.deepEqual(floatAvg.nodes[0]!.scratch, []);
  const max = run((g) => poolModel(g, 'MAX_POOL_2D', 'INT8'), 'tflm-cmsis-nn');
  assert.deepEqual(phase(max, 'init 0/0:MAX_POOL_2D'), [['P', 36, 16]]);
  assert.deepEqual(temps(max, 'prepare 0/0:MAX_POOL_2D'), [...Q1, ...Q1]);
  assert.deepEqual(max.nodes[0]!.scratch, []);
});

test('pooling rejects a requantizing int8 pool (scale and zero point must carry through)', () => {
  const requant = run((g) => {
    const x = g.input({ name: 'x', shape: [1, 4, 4, 8], dtype: 'INT8', quant: q(0.1, 5) });
    g.output(g.op('MAX_POOL_2D', {
      inputs: [x], output: { name: 'y', shape: [1, 2, 2, 8], dtype: 'INT8', quant: q(0.2, 5) },
      options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
    }));
  }, 'tflm-reference');
  assert.equal(requant.failures.length, 1);
  assert.deepEqual(reasons(run((g) => poolModel(g, 'AVERAGE_POOL_2D', 'INT32'), 'tflm-reference')), ['Type INT32 not supported.']);
});

function softmaxModel(g: SubgraphBuilder, inT: DType, outT: DType, outQ?: { scale: number[]; zeroPoint: number[] }, op: 'SOFTMAX' | 'LOG_SOFTMAX' = 'SOFTMAX'): void {
  const x = g.input({ name: 'x', shape: [1, 10], dtype: inT, quant: inT === 'FLOAT32' ? undefined : q(0.1, 0) });
  g.output(g.op(op, { inputs: [x], output: { name: 'y', shape: [1, 10], dtype: outT, quant: outQ }, options: op === 'SOFTMAX' ? { beta: 1 } : undefined }));
}

test('SOFTMAX: SoftmaxParams 56 (CMSIS-NN 64); int16 allocates two 513-entry int16 LUTs; int8 output must be 1/256, -128', () => {
  const int8 = (g: SubgraphBuilder): void => softmaxModel(g, 'INT8', 'INT8', q(1 / 256, -128));
  const ref = run(int8, 'tflm-reference');
  assert.deepEqual(reasons(ref), []);
  assert.deepEqual(phase(ref, 'parse 0/0:SOFTMAX'), [['P', 4, 4]]);
  assert.deepEqual(phase(ref, 'init 0/0:SOFTMAX'), [['P', 56, 16]]);
  assert.deepEqual(persistent(ref, 'prepare 0/0:SOFTMAX'), []);
  assert.deepEqual(phase(run(int8, 'tflm-cmsis-nn'), 'init 0/0:SOFTMAX'), [['P', 64, 16]]);
  const int16 = run((g) => softmaxModel(g, 'INT16', 'INT16', q(1 / 32768, 0)), 'tflm-reference');
  assert.deepEqual(reasons(int16), []);
  assert.deepEqual(persistent(int16, 'prepare 0/0:SOFTMAX'), [1026, 1026]);
  assert.equal(run((g) => softmaxModel(g, 'INT8', 'INT8', q(1 / 256, 0)), 'tflm-reference').failures.length, 1);
  assert.deepEqual(reasons(run((g) => softmaxModel(g, 'INT16', 'INT8', q(1 / 256, -128)), 'tflm-cmsis-nn')),
    ['Input and output data types are not supported together.']);
});

test('LOG_SOFTMAX: no params and no Init; int8 allocates its 28-byte OpData in Prepare', () => {
  const r = run((g) => softmaxModel(g, 'INT8', 'INT8', q(16 / 256, 127), 'LOG_SOFTMAX'), 'tflm-reference');
  assert.deepEqual(reasons(r), []);
  assert.deepEqual(phase(r, 'parse 0/0:LOG_SOFTMAX'), []);
  assert.deepEqual(phase(r, 'init 0/0:LOG_SOFTMAX'), []);
  assert.deepEqual(persistent(r, 'prepare 0/0:LOG_SOFTMAX'), [28]);
  const float = run((g) => softmaxModel(g, 'FLOAT32', 'FLOAT32', undefined, 'LOG_SOFTMAX'), 'tflm-reference');
  assert.deepEqual(persistent(float, 'prepare 0/0:LOG_SOFTMAX'), []);
});

function binaryModel(g: SubgraphBuilder, op: 'ADD' | 'SUB' | 'MUL', a: DType, b: DType): void {
  const qa = a === 'FLOAT32' || a === 'INT32' ? undefined : q(0.1, 0);
  const qb = b === 'FLOAT32' || b === 'INT32' ? undefined : q(0.2, 0);
  const x = g.input({ name: 'x', shape: [1, 4, 4, 3], dtype: a, quant: qa });
  const y = g.input({ name: 'y', shape: [1, 1, 1, 3], dtype: b, quant: qb });
  g.output(g.op(op, { inputs: [x, y], output: { name: 'z', shape: [1, 4, 4, 3], dtype: a, quant: qa ? q(0.3, 0) : undefined } }));
}

test('ADD/SUB/MUL: params 2/2/1, OpData 60/52/36, three temporaries; broadcasting needs no memory', () => {
  for (const [op, params, opData] of [['ADD', 2, 60], ['SUB', 2, 52], ['MUL', 1, 36]] as const) {
    for (const set of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
      const r = run((g) => binaryModel(g, op, 'INT8', 'INT8'), set);
      assert.deepEqual(reasons(r), [], `${op} ${set}`);
      assert.deepEqual(phase(r, `parse 0/0:${op}`), [['P', params, 1]]);
      assert.deepEqual(phase(r, `init 0/0:${op}`), [['P', opData, 16]]);
      assert.deepEqual(temps(r, `prepare 0/0:${op}`), [...Q1, ...Q1, ...Q1]);
      assert.deepEqual(r.nodes[0]!.scratch, []);
    }
  }
});

test('ADD with mixed input types: CMSIS-NN calls it hybrid, the reference kernel accepts it in Prepare', () => {
  assert.deepEqual(reasons(run((g) => binaryModel(g, 'ADD', 'FLOAT32', 'INT8'), 'tflm-cmsis-nn')),
    ['Hybrid models are not supported on TFLite Micro.']);
  assert.deepEqual(reasons(run((g) => binaryModel(g, 'ADD', 'FLOAT32', 'INT8'), 'tflm-reference')), []);
  assert.equal(run((g) => binaryModel(g, 'MUL', 'FLOAT32', 'INT8'), 'tflm-reference').failures.length, 1);
  // int32 arithmetic with a quantized input is rejected (add_common.cc).
  assert.equal(run((g) => binaryModel(g, 'ADD', 'INT32', 'INT8'), 'tflm-reference').failures.length, 1);
});

function svdfModel(g: SubgraphBuilder, batch: number, inputSize: number, filters: number, rank: number, memory: number): void {
  const units = Math.floor(filters / rank);
  const x = g.input({ name: 'x', shape: [batch, inputSize], dtype: 'INT8', quant: q(0.5, 0) });
  const wf = g.constant({ name: 'wf', shape: [filters, inputSize], dtype: 'INT8', quant: q(0.01), data: new Array(filters * inputSize).fill(1) });
  const wt = g.constant({ name: 'wt', shape: [filters, memory], dtype: 'INT16', quant: q(0.001), data: new Array(filters * memory).fill(1) });
  const b = g.constant({ name: 'b', shape: [units], dtype: 'INT32', quant: q(0.004 * 0.001), data: new Array(units).fill(0) });
  const s = g.variable({ name: 's', shape: [batch, memory * filters], dtype: 'INT16', quant: q(0.004, 0) });
  g.output(g.op('SVDF', { inputs: [x, wf, wt, b, s], output: { name: 'y', shape: [batch, units], dtype: 'INT8', quant: q(0.1, 0) }, options: { rank } }));
}

test('SVDF int8: params 8, OpData 36 (CMSIS-NN 40), six temporaries and two int32 scratch buffers', () => {
  const ref = run((g) => svdfModel(g, 2, 10, 8, 2, 5), 'tflm-reference');
  assert.deepEqual(reasons(ref), []);
  assert.deepEqual(phase(ref, 'parse 0/0:SVDF'), [['P', 8, 4]]);
  assert.deepEqual(phase(ref, 'init 0/0:SVDF'), [['P', 36, 16]]);
  assert.deepEqual(temps(ref, 'prepare 0/0:SVDF').length, 6 * 3);
  // batch x filters x 4 and batch x units x 4.
  assert.deepEqual(ref.nodes[0]!.scratch, [64, 32]);
  const cmsis = run((g) => svdfModel(g, 2, 10, 8, 2, 5), 'tflm-cmsis-nn');
  assert.deepEqual(phase(cmsis, 'init 0/0:SVDF'), [['P', 40, 16]]);
  assert.deepEqual(cmsis.nodes[0]!.scratch, [64, 32]);
  assert.equal(run((g) => svdfModel(g, 2, 10, 9, 2, 5), 'tflm-reference').failures.length, 1);
});

function lstmModel(g: SubgraphBuilder, dtype: 'FLOAT32' | 'INT8', batch: number, steps: number, inputDim: number, state: number): void {
  const int = dtype === 'INT8';
  const act = int ? q(0.05, 2) : undefined;
  const x = g.input({ name: 'x', shape: [batch, steps, inputDim], dtype, quant: act });
  const weight = (name: string, cols: number): TensorRef => g.constant({
    name, shape: [state, cols], dtype, quant: int ? q(0.01) : undefined, data: new Array(state * cols).fill(1),
  });
  const bias = (name: string): TensorRef => g.constant({
    name, shape: [state], dtype: int ? 'INT32' : 'FLOAT32', quant: int ? q(0.0005) : undefined, data: new Array(state).fill(0),
  });
  const wi = ['ii', 'if', 'ic', 'io'].map((n) => weight(n, inputDim));
  const wr = ['ri', 'rf', 'rc', 'ro'].map((n) => weight(n, state));
  const biases = ['bi', 'bf', 'bc', 'bo'].map(bias);
  const hidden = g.variable({ name: 'h', shape: [batch, state], dtype, quant: act });
  const cell = g.variable({ name: 'c', shape: [batch, state], dtype: int ? 'INT16' : 'FLOAT32', quant: int ? q(1 / 2048, 0) : undefined });
  g.output(g.op('UNIDIRECTIONAL_SEQUENCE_LSTM', {
    inputs: [x, ...wi, ...wr, null, null, null, ...biases, null, null, hidden, cell, null, null, null, null],
    output: { name: 'y', shape: [batch, steps, state], dtype, quant: act },
    options: { fusedActivationFunction: 'TANH', timeMajor: false },
  }));
}

test('UNIDIRECTIONAL_SEQUENCE_LSTM float: params 16, OpDataLSTM 688 (CMSIS-NN 912), 16 temporaries, four scratch buffers', () => {
  const ref = run((g) => lstmModel(g, 'FLOAT32', 2, 3, 4, 5), 'tflm-reference');
  assert.deepEqual(reasons(ref), []);
  const p = 'prepare 0/0:UNIDIRECTIONAL_SEQUENCE_LSTM';
  assert.deepEqual(phase(ref, 'parse 0/0:UNIDIRECTIONAL_SEQUENCE_LSTM'), [['P', 16, 4]]);
  assert.deepEqual(phase(ref, 'init 0/0:UNIDIRECTIONAL_SEQUENCE_LSTM'), [['P', 688, 16]]);
  assert.deepEqual(temps(ref, p), new Array(16).fill(32)); // 15 present inputs and the output
  assert.deepEqual(ref.nodes[0]!.scratch, [40, 40, 40, 40]); // batch x state x sizeof(float)
  const cmsis = run((g) => lstmModel(g, 'FLOAT32', 2, 3, 4, 5), 'tflm-cmsis-nn');
  assert.deepEqual(phase(cmsis, 'init 0/0:UNIDIRECTIONAL_SEQUENCE_LSTM'), [['P', 912, 16]]);
  assert.deepEqual(cmsis.nodes[0]!.scratch, [40, 40, 40, 40]);
});

test('UNIDIRECTIONAL_SEQUENCE_LSTM int8: CMSIS-NN adds eight int32 kernel-sum arrays and needs three int16 buffers', () => {
  const p = 'prepare 0/0:UNIDIRECTIONAL_SEQUENCE_LSTM';
  const ref = run((g) => lstmModel(g, 'INT8', 1, 3, 4, 6), 'tflm-reference');
  assert.deepEqual(reasons(ref), []);
  assert.deepEqual(persistent(ref, p), []);
  assert.deepEqual(ref.nodes[0]!.scratch, [12, 12, 12, 12]); // 1 x 6 x sizeof(int16)
  const cmsis = run((g) => lstmModel(g, 'INT8', 1, 3, 4, 6), 'tflm-cmsis-nn');
  assert.deepEqual(reasons(cmsis), []);
  assert.deepEqual(persistent(cmsis, p), new Array(8).fill(24)); // state x sizeof(int32)
  assert.deepEqual(cmsis.nodes[0]!.scratch, [12, 12, 12]);
});

// The project builder has no BatchMatMulOptions mapping yet, so these models use the defaults (adj_x = adj_y = false).
function bmmModel(g: SubgraphBuilder): void {
  const lhs = g.input({ name: 'a', shape: [2, 3, 4], dtype: 'INT8', quant: q(0.1, 0) });
  const rhs = g.input({ name: 'b', shape: [2, 4, 5], dtype: 'INT8', quant: q(0.1, 0) });
  g.output(g.op('BATCH_MATMUL', {
    inputs: [lhs, rhs], output: { name: 'c', shape: [2, 3, 5], dtype: 'INT8', quant: q(0.2, 0) },
  }));
}

test('BATCH_MATMUL int8: quantization data, the transposed rhs copy and the output dims, in each kernel\'s order', () => {
  const p = 'prepare 0/0:BATCH_MATMUL';
  const ref = run((g) => bmmModel(g), 'tflm-reference');
  assert.deepEqual(reasons(ref), []);
  assert.deepEqual(phase(ref, 'parse 0/0:BATCH_MATMUL'), [['P', 3, 1]]);
  assert.deepEqual(phase(ref, 'init 0/0:BATCH_MATMUL'), [['P', 16, 16]]);
  // Quantization 28; eval tensor 12, dims 4 + 3 x 4, data 2 x 4 x 5; output dims 16.
  assert.deepEqual(persistent(ref, p), [28, 12, 16, 40, 16]);
  const cmsis = run((g) => bmmModel(g), 'tflm-cmsis-nn');
  assert.deepEqual(phase(cmsis, 'init 0/0:BATCH_MATMUL'), [['P', 36, 16]]);
  assert.deepEqual(persistent(cmsis, p), [12, 16, 40, 16, 28]);
  assert.deepEqual(cmsis.nodes[0]!.scratch, []);
  // Float: no quantization data; the rank-2 rhs copy (dims 4 + 2 x 4, data 4 x 5 x 4) and the output dims.
  const float = run((g) => {
    const lhs = g.input({ name: 'a', shape: [3, 4], dtype: 'FLOAT32' });
    const rhs = g.input({ name: 'b', shape: [4, 5], dtype: 'FLOAT32' });
    g.output(g.op('BATCH_MATMUL', { inputs: [lhs, rhs], output: { name: 'c', shape: [3, 5], dtype: 'FLOAT32' } }));
  }, 'tflm-reference');
  assert.deepEqual(persistent(float, p), [12, 12, 80, 12]);
  // Mismatched accumulation depth is rejected.
  const bad = run((g) => {
    const lhs = g.input({ name: 'a', shape: [3, 4], dtype: 'FLOAT32' });
    const rhs = g.input({ name: 'b', shape: [5, 5], dtype: 'FLOAT32' });
    g.output(g.op('BATCH_MATMUL', { inputs: [lhs, rhs], output: { name: 'c', shape: [3, 5], dtype: 'FLOAT32' } }));
  }, 'tflm-reference');
  assert.equal(bad.failures.length, 1);
});

test('PAD/PADV2: no params, OpData 56, temporaries; paddings must be constant', () => {
  const padModel = (constant: boolean) => (g: SubgraphBuilder): void => {
    const x = g.input({ name: 'x', shape: [1, 4, 4, 3], dtype: 'INT8', quant: q(0.1, -3) });
    const spec = { name: 'p', shape: [4, 2], dtype: 'INT32' as const };
    const pads = constant ? g.constant({ ...spec, data: [0, 0, 1, 1, 1, 1, 0, 0] }) : g.input(spec);
    g.output(g.op('PAD', { inputs: [x, pads], output: { name: 'y', shape: [1, 6, 6, 3], dtype: 'INT8', quant: q(0.1, -3) } }));
  };
  for (const set of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    const r = run(padModel(true), set);
    assert.deepEqual(reasons(r), []);
    assert.deepEqual(phase(r, 'parse 0/0:PAD'), []);
    assert.deepEqual(phase(r, 'init 0/0:PAD'), [['P', 56, 16]]);
    assert.deepEqual(temps(r, 'prepare 0/0:PAD'), [...Q1, ...F, ...Q1]);
  }
  assert.deepEqual(reasons(run(padModel(false), 'tflm-reference')), ['Non-constant >paddings< tensor is not supported']);
});
