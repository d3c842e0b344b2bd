/**
 * Hostile models for the TFLM memory analysis (issue 14): control-flow cycles and fan-outs, custom options that size
 * buffers from negative or huge values, a corrupt FlexBuffers map, types TFLM cannot size, bad offline plans and
 * arenas beyond what is modelled. Each ends in a located failure (a verdict) or an AnalysisLimitError, never a hang,
 * an untyped exception or a placeholder figure. Models are built with the project's builder.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { flexbufferMap } from '../../server/src/analysis/tflm/kernels/flexbuffers.js';
import { controlFlowCycles, markLifetimes } from '../../server/src/analysis/tflm/lifetimes.js';
import { ModelBuilder, type SubgraphBuilder } from '../../server/src/model/builder/index.js';
import type { Model } from '../../server/src/model/ir.js';
import { AnalysisLimitError, DEFAULT_LIMITS, resolveLimits } from '../../server/src/model/limits.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { flexbufferIntMap } from './helpers/flexbuffer-map.js';
import { callOnceTower as towerBytes, stringReshape, wideMaximum } from './helpers/hostile-models.js';

const F = (name: string, shape = [1, 4]) => ({ name, shape, dtype: 'FLOAT32' as const });

/** A subgraph that passes its one float input through a RELU. */
function reluBody(g: SubgraphBuilder): void {
  const x = g.input(F('bx'));
  g.output(g.op('RELU', { inputs: [x], output: F('by') }));
}

const callOnceTower = (levels: number, calls: number): Model => readTflite(towerBytes(levels, calls));

function limitError(fn: () => unknown): AnalysisLimitError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AnalysisLimitError, `expected an AnalysisLimitError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an AnalysisLimitError');
}

describe('control flow that TFLM recurses into without end', () => {
  it('an IF whose then-branch is its own subgraph is a located failure naming the recursion', () => {
    const m = new ModelBuilder();
    const main = m.subgraph('main');
    const other = m.subgraph('else');
    reluBody(other);
    const c = main.input({ name: 'c', shape: [1], dtype: 'BOOL' });
    const x = main.input(F('x'));
    main.output(main.op('IF', { inputs: [c, x], output: F('y'), options: { thenSubgraphIndex: 0, elseSubgraphIndex: 1 } }));
    const model = readTflite(m.finish());
    assert.deepEqual(controlFlowCycles(model), [{ subgraph: 0, node: 0, opName: 'IF', branch: 0 }]);
    const report = analyzeModel(model, 'tflm-reference');
    assert.equal(report.status, 'unsupported');
    assert.equal(report.memory.exact, false);
    const failure = report.detail.failures.find((f) => f.kind === 'model');
    assert.ok(failure, 'a model failure');
    assert.deepEqual([failure.subgraph, failure.node, failure.opName], [0, 0, 'IF']);
    assert.match(failure.reason, /its own subgraph.*MarkAllocationLifetimes.*recurses/);
    assert.ok(report.memory.minArenaBytes > 0);
  });

  it('a WHILE whose body runs a WHILE on the body itself is a failure at the inner WHILE', () => {
    const m = new ModelBuilder();
    const main = m.subgraph('main');
    const cond = m.subgraph('cond');
    const body = m.subgraph('body');
    const i = main.input({ name: 'i', shape: [1], dtype: 'INT32' });
    main.output(main.op('WHILE', { inputs: [i], output: { name: 'o', shape: [1], dtype: 'INT32' }, options: { condSubgraphIndex: cond.index, bodySubgraphIndex: body.index } }));
    const ci = cond.input({ name: 'ci', shape: [1], dtype: 'INT32' });
    cond.output(cond.op('LESS', { inputs: [ci, ci], output: { name: 'co', shape: [1], dtype: 'BOOL' } }));
    const bi = body.input({ name: 'bi', shape: [1], dtype: 'INT32' });
    body.output(body.op('WHILE', { inputs: [bi], output: { name: 'bo', shape: [1], dtype: 'INT32' }, options: { condSubgraphIndex: cond.index, bodySubgraphIndex: body.index } }));
    const report = analyzeModel(readTflite(m.finish()), 'tflm-cmsis-nn');
    const failures = report.detail.failures.filter((f) => f.kind === 'model');
    assert.deepEqual(failures.map((f) => [f.subgraph, f.node, f.opName]), [[2, 0, 'WHILE']]);
    assert.match(failures[0]!.reason, /subgraph 2.*its own subgraph/);
  });

  it('CALL_ONCE subgraphs calling each other are a failure naming the one that closes the cycle', () => {
    const m = new ModelBuilder();
    const [a, b, c] = [m.subgraph('main'), m.subgraph('one'), m.subgraph('two')];
    reluBody(a);
    a.op('CALL_ONCE', { inputs: [], outputs: [], options: { initSubgraphIndex: b.index } });
    b.op('CALL_ONCE', { inputs: [], outputs: [], options: { initSubgraphIndex: c.index } });
    c.op('CALL_ONCE', { inputs: [], outputs: [], options: { initSubgraphIndex: b.index } });
    const report = analyzeModel(readTflite(m.finish()), 'tflm-reference');
    const failures = report.detail.failures.filter((f) => f.kind === 'model');
    assert.deepEqual(failures.map((f) => [f.subgraph, f.node]), [[2, 0]]);
    assert.match(failures[0]!.reason, /subgraph 1, which is already running \(one of its callers\)/);
  });

  it('a fan-out (each level calls the next twice, 40 levels) stops at the work budget, naming an operator', () => {
    const model = callOnceTower(40, 2);
    assert.deepEqual(controlFlowCycles(model), []);
    const e = limitError(() => analyzeModel(model, 'tflm-reference'));
    assert.equal(e.limit, 'maxWork');
    assert.equal(e.value, DEFAULT_LIMITS.maxWork);
    assert.equal(e.flag, '--max-work');
    assert.equal(e.code, 'limit-exceeded');
    assert.ok(e.where.subgraph !== undefined && e.where.node !== undefined);
    assert.match(e.message, /--max-work/);
  });

  it('the same fan-out, 10 levels deep, is within the default budget and its walk visits every call', () => {
    const model = callOnceTower(10, 2);
    const report = analyzeModel(model, 'tflm-reference');
    assert.equal(report.status, 'ok');
    // 2^10 visits of the deepest level: a budget below the walk's size stops it.
    const e = limitError(() => markLifetimes(model, [], resolveLimits({ maxWork: 1000 })));
    assert.equal(e.limit, 'maxWork');
  });

  it('nesting deeper than maxDepth is a limit error; raising the limit lets it through', () => {
    const model = callOnceTower(100, 1);
    const e = limitError(() => analyzeModel(model, 'tflm-reference'));
    assert.equal(e.limit, 'maxDepth');
    assert.equal(e.flag, '--max-depth');
    assert.equal(e.where.opName, 'CALL_ONCE');
    assert.equal(analyzeModel(model, 'tflm-reference', { maxDepth: 200 }).status, 'ok');
  });

  it('a 100,000-operator chain walks within the default work budget', () => {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    let x = g.input(F('x'));
    for (let i = 0; i < 100_000; i++) x = g.op('RELU', { inputs: [x], output: F(`r${i}`) });
    g.output(x);
    const model = readTflite(m.finish());
    const lifetimes = markLifetimes(model, []);
    assert.equal(lifetimes.step(0, 99_999), 100_000);
  });
});

describe('signal-library options that size buffers', () => {
  function delayModel(options: Uint8Array, shape = [1, 4]): Model {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    const x = g.input({ name: 'x', shape, dtype: 'INT16' });
    g.output(g.customOp('SignalDelay', { inputs: [x], output: { name: 'y', shape, dtype: 'INT16' }, customOptions: options }));
    return readTflite(m.finish());
  }

  it('a negative fft_length is a failure of the SignalRfft node naming the option', () => {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    const x = g.input({ name: 'x', shape: [1, 8], dtype: 'INT16' });
    const options = flexbufferIntMap({ fft_length: -512, T: 7 }).bytes;
    g.output(g.customOp('SignalRfft', { inputs: [x], output: { name: 'y', shape: [1, 10], dtype: 'INT16' }, customOptions: options }));
    const report = analyzeModel(readTflite(m.finish()), 'tflm-reference');
    const failure = report.detail.failures.find((f) => f.opName === 'CUSTOM:SignalRfft');
    assert.ok(failure);
    assert.match(failure.reason, /fft_length is -512/);
    assert.ok(report.memory.tailBytes > 0 && report.memory.minArenaBytes > 0);
  });

  it('a negative delay_length and a negative num_channels are failures, not negative arena figures', () => {
    const delay = analyzeModel(delayModel(flexbufferIntMap({ delay_length: -1_000_000 }).bytes), 'tflm-reference');
    assert.match(delay.detail.failures[0]!.reason, /delay_length is -1000000/);
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    const x = g.input({ name: 'x', shape: [4], dtype: 'UINT32' });
    const options = flexbufferIntMap({ num_channels: -7 }).bytes;
    g.output(...g.customOp('SignalFilterBankSpectralSubtraction', { inputs: [x], outputs: [{ name: 'y', shape: [4], dtype: 'UINT32' }, { name: 'n', shape: [4], dtype: 'UINT32' }], customOptions: options }));
    const sub = analyzeModel(readTflite(m.finish()), 'tflm-reference');
    assert.match(sub.detail.failures[0]!.reason, /num_channels is -7/);
    for (const r of [delay, sub]) assert.ok(r.memory.tailBytes > 0 && r.memory.minArenaBytes >= r.memory.arenaUsedBytes - 64);
  });

  it('a huge delay_length needs more than the modelled arena: the maxArena limit, at the Delay node', () => {
    const e = limitError(() => analyzeModel(delayModel(flexbufferIntMap({ delay_length: 2 ** 31 - 1 }).bytes, [1000, 4]), 'tflm-reference'));
    assert.equal(e.limit, 'maxArena');
    assert.equal(e.where.opName, 'CUSTOM:SignalDelay');
    assert.ok(e.reached > DEFAULT_LIMITS.maxArena);
  });

  it('a FlexBuffers map whose size and key width are corrupt reads as empty instead of looping over the size', () => {
    const map = flexbufferIntMap({ delay_length: 3, fft_length: 512 });
    assert.deepEqual([...flexbufferMap(map.bytes)], [['delay_length', 3], ['fft_length', 512]]);
    const bad = map.bytes.slice();
    bad.set([0, 0, 0, 0], map.keyWidthAt);
    bad.set([0xff, 0xff, 0xff, 0x7f], map.sizeAt);
    assert.equal(flexbufferMap(bad).size, 0);
    // Every single corrupted byte, too: a map or nothing, and never more entries than the bytes can hold.
    for (let i = 0; i < map.bytes.length; i++) {
      for (const v of [0, 0x7f, 0xff]) {
        const b = map.bytes.slice();
        b[i] = v;
        assert.ok(flexbufferMap(b).size <= b.length / 4);
      }
    }
  });
});

describe('types and offline plans TFLM cannot use', () => {
  it('an op taking a STRING tensor is an unsupported verdict at that node, not an internal error', () => {
    const report = analyzeModel(readTflite(stringReshape()), 'tflm-reference');
    assert.equal(report.status, 'unsupported');
    const failures = report.detail.failures.filter((f) => f.kind === 'model');
    assert.deepEqual(failures.map((f) => [f.node, f.opName]), [[0, 'RESHAPE'], [0, 'RESHAPE']]);
    assert.match(failures[0]!.reason, /RESHAPE takes tensor 0 \('s'\) of type STRING, which TFLM cannot allocate/);
    assert.ok(report.unsupportedOps.length > 0);
  });

  it('a VARIANT tensor no op uses is still a failure of the model, at the tensor', () => {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    reluBody(g);
    g.tensor({ name: 'v', shape: [1], dtype: 'VARIANT' });
    const report = analyzeModel(readTflite(m.finish()), 'tflm-cmsis-nn');
    const failure = report.detail.failures.find((f) => f.kind === 'model');
    assert.ok(failure);
    assert.equal(failure.node, -1);
    assert.match(failure.reason, /type VARIANT/);
  });

  function offlineMetadata(offsets: number[]): Uint8Array {
    const words = new Int32Array([1, 1, offsets.length, ...offsets]);
    return new Uint8Array(words.buffer);
  }

  it('OfflineMemoryAllocation listing fewer offsets than tensors fails as in TFLM, and the estimate plans online', () => {
    const m = new ModelBuilder();
    reluBody(m.subgraph('main'));
    m.metadata('OfflineMemoryAllocation', offlineMetadata([0]));
    const report = analyzeModel(readTflite(m.finish()), 'tflm-reference');
    assert.equal(report.status, 'unsupported');
    const failure = report.detail.failures[0]!;
    assert.deepEqual([failure.node, failure.opName, failure.kind], [-1, 'OfflineMemoryAllocation', 'model']);
    assert.match(failure.reason, /lists 1 tensor offsets, the model has 2 tensors/);
    assert.ok(report.memory.minArenaBytes > 0);
  });

  it('a negative offline offset is never exact: a failure naming the tensor and offset', () => {
    const m = new ModelBuilder();
    reluBody(m.subgraph('main'));
    m.metadata('OfflineMemoryAllocation', offlineMetadata([-64, -1]));
    const report = analyzeModel(readTflite(m.finish()), 'tflm-reference');
    assert.equal(report.memory.exact, false);
    assert.match(report.detail.failures[0]!.reason, /tensor 0 .*at offset -64, before the arena's start/);
    assert.ok(report.detail.buffers.every((b) => b.offset >= 0));
  });
});

describe('figures beyond the modelled arena', () => {
  const bigModel = (elements: number): Model => readTflite(wideMaximum(elements));

  it('an arena above 1 GiB is the maxArena limit error, never -1 or 0', () => {
    const e = limitError(() => analyzeModel(bigModel(400_000_000), 'tflm-reference'));
    assert.equal(e.limit, 'maxArena');
    assert.equal(e.flag, '--max-arena');
    assert.ok(e.reached > 2 ** 30);
    assert.match(e.message, /the tensor arena exceeds the maxArena limit/);
  });

  it('with --max-arena raised, the same model gets its exact figure', () => {
    const report = analyzeModel(bigModel(400_000_000), 'tflm-reference', { maxArena: 2 ** 31 });
    assert.equal(report.memory.exact, true);
    assert.ok(report.memory.minArenaBytes >= 3 * 400_000_000 && report.memory.minArenaBytes < 2 ** 31);
  });

  it('limits outside their range are refused', () => {
    assert.throws(() => resolveLimits({ maxWork: 0 }), /--max-work needs an integer/);
    assert.throws(() => resolveLimits({ maxArena: 2 ** 33 }), /--max-arena needs an integer from 1 to/);
    assert.throws(() => resolveLimits({ maxDepth: 1.5 }), RangeError);
  });
});
