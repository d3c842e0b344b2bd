/** The model viewer's data (server/src/lsp/viewer-data.ts) from the core's results on builder models. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { checkSupport } from '../../server/src/analysis/support/index.ts';
import { arenaPlan, integerRange, ioOf, tfliteView } from '../../server/src/lsp/viewer-data.ts';
import { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from '../../server/src/model/builder/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { addChain } from './helpers/chains.ts';

function view(bytes: Uint8Array, target: Parameters<typeof tfliteView>[0]['target'] = null) {
  const model = readTflite(bytes);
  const report = analyzeModel(model, 'tflm-cmsis-nn');
  const support = checkSupport(model, 'tflm-cmsis-nn', report.detail.failures);
  return { model, report, view: tfliteView({ uri: 'file:///m.tflite', name: 'm.tflite', model, report, support, cost: null, runtime: 'tflm-cmsis-nn', target, runtimes: [], targets: [] }) };
}

test('the arena plan: every planned buffer, none overlapping another live at the same step, within the plan, peak marked', () => {
  const { report, view: v } = view(buildKwsDsCnnInt8());
  const plan = v.plan!;
  assert.equal(plan.buffers.length, report.detail.buffers.length);
  assert.ok(plan.buffers.length > 5);
  for (const b of plan.buffers) {
    assert.ok(b.first <= b.last && b.last < plan.steps, `${b.name} lives inside the steps`);
    assert.ok(b.offset + b.bytes <= plan.planBytes);
    assert.equal(b.offset % 16, 0);
  }
  for (const [i, a] of plan.buffers.entries()) {
    for (const b of plan.buffers.slice(i + 1)) {
      const together = a.first <= b.last && b.first <= a.last;
      const overlap = a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
      assert.ok(!(together && overlap), `${a.name} and ${b.name} overlap while both live`);
    }
  }
  // The peak step is the one whose live buffers reach highest, and it is the peak layer's step.
  const peakLayer = v.layers.find((l) => l.peak)!;
  assert.equal(plan.peakStep, peakLayer.step);
  const top = (s: number): number => Math.max(0, ...plan.buffers.filter((b) => b.first <= s && s <= b.last).map((b) => b.offset + b.bytes));
  assert.equal(top(plan.peakStep), Math.max(...Array.from({ length: plan.steps }, (_, s) => top(s))));
  // Tensor buffers carry the model's names.
  assert.ok(plan.buffers.filter((b) => b.kind === 'tensor').every((b) => b.name.length > 0 && !b.name.startsWith('scratch')));
});

test('summary and layers: the arena to the byte, flash, MACs and one row per operator with its step', () => {
  const { model, report, view: v } = view(buildKwsDsCnnInt8());
  assert.equal(v.summary.arenaBytes, report.memory.minArenaBytes);
  assert.equal(v.summary.flashBytes, model.fileBytes);
  assert.equal(v.summary.macs, report.macs);
  assert.equal(v.summary.status, 'ok');
  assert.equal(v.layers.length, model.subgraphs[0]!.operators.length);
  assert.deepEqual(v.layers.map((l) => l.step), v.layers.map((_, i) => i + 1), 'one step per operator in a flat model, after the start');
  assert.equal(v.layers.filter((l) => l.peak).length, 1);
  assert.ok(v.layers.every((l) => l.seconds === null), 'no target, no times');
});

test('a target too small makes the status over, naming the figures', () => {
  const target = { id: 'tiny', name: 'tiny', sramBytes: 1024, flashBytes: 1 << 20, core: null, clockHz: null, fpu: null };
  const { view: v } = view(buildKwsDsCnnInt8(), target);
  assert.equal(v.summary.status, 'over');
  assert.match(v.summary.statusText, /SRAM/);
  assert.equal(v.summary.targetSramBytes, 1024);
});

test('inputs and outputs carry scale, zero point and the integer range; float tensors none', () => {
  const kws = ioOf(readTflite(buildKwsDsCnnInt8()));
  const input = kws.find((t) => t.role === 'input')!;
  assert.equal(input.dtype, 'INT8');
  assert.equal(input.scale.length, 1);
  assert.ok(input.scale[0]! > 0);
  assert.deepEqual([input.qmin, input.qmax], [-128, 127]);
  assert.ok(kws.some((t) => t.role === 'output'));
  const sine = ioOf(readTflite(buildSineFloat()));
  assert.ok(sine.every((t) => t.scale.length === 0 && t.qmin === null));
  assert.deepEqual(integerRange('UINT8'), { qmin: 0, qmax: 255 });
  assert.equal(integerRange('FLOAT32'), null);
});

test('control flow: the IF operator names its branch subgraphs, every subgraph is in the graph data', () => {
  const { model, view: v } = view(buildIfModel());
  assert.equal(v.subgraphs.length, model.subgraphs.length);
  const ifOp = v.subgraphs[0]!.ops.find((o) => o.op === 'IF');
  assert.ok(ifOp);
  assert.ok(ifOp.branches.length === 2 && ifOp.branches.every((b) => b > 0 && b < v.subgraphs.length));
  assert.ok(v.layers.some((l) => l.subgraph > 0), 'branch operators are layers too');
});

test('thousands of buffers convert, with scratch buffers named after their operator', () => {
  const model = readTflite(addChain(3000, 4));
  const report = analyzeModel(model, 'tflm-cmsis-nn');
  const plan = arenaPlan(model, report);
  assert.ok(plan.buffers.length >= 3000);
  assert.equal(plan.steps, 3001, 'the start and one step per operator');
  assert.ok(plan.peakStep >= 0);
});
