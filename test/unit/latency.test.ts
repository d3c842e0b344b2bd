import assert from 'node:assert/strict';
import { test } from 'node:test';
import coefficientsJson from '../../server/src/analysis/latency/coefficients.json';
import { bundledCoefficients, loadCoefficients, type Coefficients } from '../../server/src/analysis/latency/coefficients.js';
import { batteryLifeDays, energyPerInference } from '../../server/src/analysis/latency/energy.js';
import { estimateLatency } from '../../server/src/analysis/latency/model.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { DataFileError } from '../../server/src/targets/schema.js';
import { fitCoefficients, predictFromSums, rowSums } from '../../scripts/latency-fit.js';

const kws = readTflite(buildKwsDsCnnInt8());
const kwsSupport = checkSupport(kws, 'tflm-cmsis-nn', []);

test('the bundled coefficients load and name their training and held-out rows, disjoint', () => {
  const k = bundledCoefficients();
  assert.ok(k.trainRows.length > 5 && k.heldOutRows.length > 0);
  assert.deepEqual(k.trainRows.filter((r) => k.heldOutRows.includes(r)), []);
});

test('broken coefficients fail at load time', () => {
  const bad = JSON.parse(JSON.stringify(coefficientsJson));
  bad.paths['cmsis-nn'].cpm.conv = -1;
  assert.throws(() => loadCoefficients(bad), (e: unknown) => e instanceof DataFileError && /cmsis-nn\.cpm\.conv/.test(e.message));
  const bad2 = JSON.parse(JSON.stringify(coefficientsJson));
  bad2.cores.reference['cortex-m99'] = { factor: 1, calibrated: true, basis: 'x' };
  assert.throws(() => loadCoefficients(bad2), /not a known core/);
});

/** Round coefficients, so the expected cycles can be worked out by hand. */
function simple(): Coefficients {
  const k = structuredClone(bundledCoefficients());
  k.paths['cmsis-nn'] = { cpm: { conv: 2, dwconv: 3, fc: 4 }, cyclesPerElement: 1, cyclesPerOp: 100, spread: 0.5, basis: 'test' };
  k.cores['cmsis-nn']['cortex-m4f'] = { factor: 1, calibrated: true, basis: 'test' };
  k.cores['cmsis-nn']['cortex-m7'] = { factor: 0.5, calibrated: false, basis: 'test' };
  return k;
}

test('one int8 fully connected layer costs op overhead + factor x (MACs x cpm + elements x cpe)', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const q = { scale: [0.1], zeroPoint: [0] };
  const x = g.input({ name: 'x', shape: [1, 100], dtype: 'INT8', quant: q });
  const w = g.constant({ name: 'w', shape: [10, 100], dtype: 'INT8', data: new Array(1000).fill(1), quant: { scale: [0.01], zeroPoint: [0] } });
  const b = g.constant({ name: 'b', shape: [10], dtype: 'INT32', data: new Array(10).fill(0), quant: { scale: [0.001], zeroPoint: [0] } });
  g.output(g.op('FULLY_CONNECTED', { inputs: [x, w, b], output: { name: 'y', shape: [1, 10], dtype: 'INT8', quant: q }, options: { fusedActivationFunction: 'NONE' } }));
  const model = readTflite(m.finish());
  const s = checkSupport(model, 'tflm-cmsis-nn', []);
  // 1,000 MACs x 4 + 100 elements (the larger activation) x 1, plus 100 cycles of overhead.
  const e = estimateLatency(model, s, 'cortex-m4f', 100, { coefficients: simple(), cpi: null });
  assert.equal(e.cycles, 100 + 1000 * 4 + 100 * 1);
  assert.equal(e.ms, 4200 / 100_000);
  assert.ok(Math.abs(e.lowMs! - e.ms! * Math.exp(-0.5)) < 1e-12 && Math.abs(e.highMs! - e.ms! * Math.exp(0.5)) < 1e-12);
  // A core whose factor is a prior: half the compute cycles, the range twice as wide, flagged uncalibrated.
  const m7 = estimateLatency(model, s, 'cortex-m7', 100, { coefficients: simple(), cpi: null });
  assert.equal(m7.cycles, 100 + 0.5 * 4100);
  assert.equal(m7.calibrated, false);
  assert.ok(Math.abs(m7.highMs! / m7.ms! - Math.exp(1)) < 1e-9);
});

test('a core with per-class factors (Helium) scales each kernel class by its own factor', () => {
  const k = simple();
  k.cores['cmsis-nn']['cortex-m85'] = { factor: 0.5, classFactors: { conv: 0.1, fc: 0.25 }, calibrated: true, basis: 'test' };
  const m4 = estimateLatency(kws, kwsSupport, 'cortex-m4f', 100, { coefficients: k, cpi: null });
  const m85 = estimateLatency(kws, kwsSupport, 'cortex-m85', 100, { coefficients: k, cpi: null });
  const p = k.paths['cmsis-nn'];
  const factors = { conv: 0.1, dwconv: 0.5, fc: 0.25, other: 0.5 };
  let seen = 0;
  for (const [i, l] of m85.layers.entries()) {
    const f = l.features;
    if (f.path !== 'cmsis-nn') continue; // reference-kernel layers keep the bundled reference factors
    const mac = f.kind === 'other' ? 0 : factors[f.kind] * f.macs * p.cpm[f.kind];
    assert.ok(Math.abs(l.cycles! - (p.cyclesPerOp + mac + factors.other * f.elements * p.cyclesPerElement)) < 1e-6, `layer ${l.index}`);
    if (f.kind === 'conv' || f.kind === 'fc') seen++;
    assert.ok(l.cycles! <= m4.layers[i]!.cycles!);
  }
  assert.ok(seen > 0, 'the model has conv or fully connected layers');
});

test('per-class factors load, and an unknown class fails at load time', () => {
  const doc = JSON.parse(JSON.stringify(coefficientsJson));
  doc.cores['cmsis-nn']['cortex-m85'].classFactors = { conv: 0.05 };
  assert.equal(loadCoefficients(doc).cores['cmsis-nn']['cortex-m85']!.classFactors!.conv, 0.05);
  doc.cores['cmsis-nn']['cortex-m85'].classFactors = { convolution: 0.05 };
  assert.throws(() => loadCoefficients(doc), (e: unknown) => e instanceof DataFileError && /convolution/.test(e.message) && /not a kernel class/.test(e.message));
});

test('the fit reduces a row to per-path sums that give the same cycles as the estimate', () => {
  const row = { id: 't', model: 'kws', target: 'cortex-m4f', clockMHz: 100, runtime: 'tflm-cmsis-nn' as const, latencyMs: 1, energyUj: null, notes: '', source: 'test' };
  const aggregate = { row, model: kws, support: kwsSupport, core: 'cortex-m4f' as const, mcu: null, measuredCycles: 100_000 };
  const k = bundledCoefficients();
  const s = rowSums(aggregate, k);
  const cycles = estimateLatency(kws, kwsSupport, 'cortex-m4f', 100, { coefficients: k, cpi: null }).cycles!;
  assert.ok(Math.abs(predictFromSums(s, k) - cycles) < 1e-6 * cycles);
  // And the other way round: changing a coefficient moves both alike.
  const k2 = simple();
  assert.ok(Math.abs(predictFromSums(s, k2) - estimateLatency(kws, kwsSupport, 'cortex-m4f', 100, { coefficients: k2, cpi: null }).cycles!) < 1e-6 * cycles);
});

test('the fit recovers coefficients that generated the rows', () => {
  // Rows made by known coefficients: the fit must bring their estimates back within a few percent.
  const truth = bundledCoefficients();
  const rows = (['cortex-m4f', 'cortex-m7', 'cortex-m33'] as const).map((core, i) => {
    const row = { id: `r${i}`, model: 'kws', target: core, clockMHz: 100, runtime: 'tflm-cmsis-nn' as const, latencyMs: 1, energyUj: null, notes: '', source: 'test' };
    const a = { row, model: kws, support: kwsSupport, core, mcu: null, measuredCycles: 0 };
    const s = rowSums(a, truth);
    a.measuredCycles = predictFromSums(s, truth) * 1.3; // the board is 30% slower than the bundled fit says
    return s;
  });
  const k = fitCoefficients(rows);
  for (const s of rows) {
    const ratio = predictFromSums(s, k) / s.aggregate.measuredCycles;
    assert.ok(Math.abs(ratio - 1) < 0.1, `${s.aggregate.row.id}: ${ratio}`);
  }
});

test('latency scales inversely with the clock and per-layer ms add up to the total', () => {
  const slow = estimateLatency(kws, kwsSupport, 'cortex-m4f', 64);
  const fast = estimateLatency(kws, kwsSupport, 'cortex-m4f', 128);
  assert.ok(slow.ms !== null && fast.ms !== null);
  assert.ok(Math.abs(slow.ms / fast.ms - 2) < 1e-9);
  assert.ok(slow.lowMs! < slow.ms && slow.ms < slow.highMs!);
  const sum = slow.layers.reduce((n, l) => n + (l.ms ?? 0), 0);
  assert.ok(Math.abs(sum - slow.ms) < 1e-9);
});

test('a faster core (Cortex-M7) is estimated faster than a Cortex-M0+ at the same clock', () => {
  const m7 = estimateLatency(kws, kwsSupport, 'cortex-m7', 100).ms!;
  const m4 = estimateLatency(kws, kwsSupport, 'cortex-m4f', 100).ms!;
  const m0 = estimateLatency(kws, kwsSupport, 'cortex-m0plus', 100).ms!;
  assert.ok(m7 < m4 && m4 < m0, `${m7} < ${m4} < ${m0}`);
});

test('an unsupported op leaves the total unknown rather than silently zero', () => {
  const s = structuredClone(kwsSupport);
  s.layers[0]!.verdict = 'unsupported';
  const e = estimateLatency(kws, s, 'cortex-m4f', 100);
  assert.equal(e.ms, null);
  assert.equal(e.layers[0]!.ms, null);
  assert.ok(e.notes.some((n) => /unsupported/.test(n)));
});

test('energy is latency x active power, scaled with the clock; battery life follows the duty cycle', () => {
  const power = { typical: 40, low: 30, high: 80, atMHz: 120 };
  const e = energyPerInference(10, 8, 12, power, 120);
  assert.equal(e.uJ, 400); // 10 ms x 40 mW
  assert.equal(e.lowUj, 240);
  assert.equal(e.highUj, 960);
  assert.equal(energyPerInference(10, 8, 12, power, 60).uJ, 200);
  // 1000 mAh at 3 V = 10,800 J. One 3,600 uJ inference a second = 12.96 J/h; plus 100 uW sleep = 0.36 J/h.
  const days = batteryLifeDays(3600, { inferencesPerHour: 3600, sleepUw: 100, batteryMah: 1000, batteryVolts: 3 });
  assert.ok(Math.abs(days - 10800 / (12.96 + 0.36) / 24) < 1e-9);
});
