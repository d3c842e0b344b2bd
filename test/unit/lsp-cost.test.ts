import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeForTarget } from '../../server/src/analysis/latency/target.ts';
import { analyzeModel } from '../../server/src/analysis/report.ts';
import { checkSupport } from '../../server/src/analysis/support/index.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import { catalogTargets } from '../../server/src/lsp/catalog-targets.ts';
import { costCore, costEstimator } from '../../server/src/lsp/cost-estimator.ts';
import { inlineSpec } from '../../server/src/lsp/providers.ts';
import { supportRuntimes } from '../../server/src/lsp/runtimes.ts';
import { resolveTarget } from '../../server/src/targets/catalog.ts';

const model = readTflite(readFileSync(resolve(__dirname, '../../examples/kws_dscnn_int8.tflite')));
const report = analyzeModel(model, 'tflm-cmsis-nn');

test('costCore maps manifest core spellings to the cost model cores', () => {
  assert.equal(costCore('Cortex-M4F'), 'cortex-m4f');
  assert.equal(costCore('cortex-m0+'), 'cortex-m0plus');
  assert.equal(costCore('cortex-m33f'), 'cortex-m33');
  assert.equal(costCore('cortex-m4'), 'cortex-m4');
  assert.equal(costCore('z80'), null);
  assert.equal(costCore(null), null);
});

test('the estimate of a catalog board equals the core analyzeForTarget figures', () => {
  const found = catalogTargets().resolve({ kind: 'id', id: 'stm32l4r5zi' });
  assert.equal(found.kind, 'found');
  if (found.kind !== 'found') return;
  const cost = costEstimator().estimate({ model, report, target: found.spec, clockHz: null });
  const core = analyzeForTarget(model, 'tflm-cmsis-nn', resolveTarget('stm32l4r5zi')!, null, report);
  assert.ok(cost && core.latency?.ms != null && core.energy);
  assert.equal(cost.seconds, core.latency.ms / 1000);
  assert.equal(cost.joules, core.energy.uJ / 1e6);
  assert.equal(cost.layers?.length, report.layers.length);
  assert.ok(cost.lowSeconds! < cost.seconds! && cost.seconds! < cost.highSeconds!);
});

test('no core or no clock: no estimate; no measured power: time without energy', () => {
  const noCore = inlineSpec({});
  assert.equal(costEstimator().estimate({ model, report, target: noCore, clockHz: 64e6 }), null);
  const noClock = { ...inlineSpec({}), core: 'cortex-m4f' };
  assert.equal(costEstimator().estimate({ model, report, target: noClock, clockHz: null }), null);
  const cost = costEstimator().estimate({ model, report, target: noClock, clockHz: 64e6 });
  assert.ok(cost?.seconds && cost.seconds > 0);
  assert.equal(cost.joules, null);
  // Halving the clock doubles the time: the clock really is used.
  const slow = costEstimator().estimate({ model, report, target: noClock, clockHz: 32e6 });
  assert.ok(Math.abs(slow!.seconds! / cost.seconds - 2) < 1e-9);
});

test('the runtime registry lists every support runtime with its memory stand-in', () => {
  assert.deepEqual(supportRuntimes.all().map((r) => r.id), ['tflm-reference', 'tflm-cmsis-nn', 'tflm-esp-nn', 'ethos-u', 'edgetpu']);
  assert.equal(supportRuntimes.get('ethos-u')?.kernels, 'tflm-cmsis-nn');
  assert.equal(supportRuntimes.get('tflm-esp-nn')?.kernels, 'tflm-reference');
  assert.equal(supportRuntimes.get('nope'), null);
});

test('an estimate is kept per report, target and clock: the same inputs give the same result object, others a new one', () => {
  const found = catalogTargets().resolve({ kind: 'id', id: 'stm32l4r5zi' });
  assert.equal(found.kind, 'found');
  if (found.kind !== 'found') return;
  const estimator = costEstimator();
  const first = estimator.estimate({ model, report, target: found.spec, clockHz: null });
  assert.ok(first);
  // A target resolved again (a new but equal object) is the same input.
  const again = catalogTargets().resolve({ kind: 'id', id: 'stm32l4r5zi' });
  assert.equal(estimator.estimate({ model, report, target: again.kind === 'found' ? again.spec : null, clockHz: null }), first);
  const slower = estimator.estimate({ model, report, target: found.spec, clockHz: 40e6 });
  assert.notEqual(slower, first);
  assert.ok(slower?.seconds != null && first.seconds != null && slower.seconds > first.seconds);
  const otherReport = analyzeModel(model, 'tflm-reference');
  assert.notEqual(estimator.estimate({ model, report: otherReport, target: found.spec, clockHz: null }), first);
});

test('an uncompiled model on an Ethos-U board: the editor\'s estimate is the CLI\'s, the CPU figure, with the after-Vela note', () => {
  const found = catalogTargets().resolve({ kind: 'id', id: 'alif-e7' });
  assert.equal(found.kind, 'found');
  if (found.kind !== 'found') return;
  const npuReport = analyzeModel(model, 'tflm-cmsis-nn', {}, 'mve');
  const cost = costEstimator().estimate({ model, report: npuReport, target: found.spec, clockHz: null, support: checkSupport(model, 'ethos-u', npuReport.detail.failures) });
  const cli = analyzeForTarget(model, 'ethos-u', resolveTarget('alif-e7')!, null, npuReport);
  assert.ok(cost && cli.latency?.ms != null);
  assert.equal(cost.seconds, cli.latency.ms / 1000);
  assert.match(cost.basis, /Latency is for the model as it is: not compiled for the NPU/);
});
