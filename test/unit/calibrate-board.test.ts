import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyCalibration, modelFingerprint } from '../../server/src/analysis/latency/calibration.js';
import { estimateLatency } from '../../server/src/analysis/latency/model.js';
import { analyzeForTarget } from '../../server/src/analysis/latency/target.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { lineDiff, upsertCalibration } from '../../server/src/calibrate/catalog-edit.js';
import { compareProfile, type CompareOptions } from '../../server/src/calibrate/compare.js';
import { parseProfileLog, ProfileLogError } from '../../server/src/calibrate/log.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { CATALOG, parseUserCatalog, resolveTarget } from '../../server/src/targets/catalog.js';
import { DataFileError } from '../../server/src/targets/schema.js';
import { cli } from './helpers/cli.js';

const bytes = buildKwsDsCnnInt8();
const kws = readTflite(bytes);
const ops = kws.subgraphs[0]!.operators;
const support = checkSupport(kws, 'tflm-cmsis-nn', []);
const estimate = estimateLatency(kws, support, 'cortex-m4f', 64);

/** A log of ours in which every conv takes `convScale` x its estimate and every other op `otherScale` x. */
function ourLog(runs: number, convScale: number, otherScale: number): string {
  const lines = ['tinyml-lens-profile v1 begin model=kws timer=dwt unit=cycles clock_hz=0 runs=2'];
  for (let r = 0; r < runs; r++) {
    estimate.layers.forEach((l, i) => {
      const ticks = Math.round(l.cycles! * (l.features.kind === 'conv' ? convScale : otherScale)) + r;
      lines.push(`tinyml-lens-profile v1 run=${r} op=${i} tag=${ops[i]!.opName} ticks=${ticks} unit=cycles`);
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}

const opts = (over: Partial<CompareOptions> = {}): CompareOptions => ({
  estimate, target: 'nrf52840', runtime: 'tflm-cmsis-nn', modelFile: 'kws.tflite', clockMHz: 64, tickHz: null, date: '2026-12-06', source: 'test', ...over,
});

test('measured vs estimated: ratios per kernel class and overall, medians over the runs', () => {
  const c = compareProfile(kws, parseProfileLog(ourLog(3, 2, 0.5)), opts());
  assert.equal(c.runs, 3);
  assert.equal(c.layers.length, ops.length);
  assert.ok(Math.abs(c.classRatios.conv! - 2) < 1e-3, String(c.classRatios.conv));
  assert.ok(Math.abs(c.classRatios.dwconv! - 0.5) < 1e-3);
  assert.ok(c.ratio > 0.5 && c.ratio < 2);
  // Every op is exactly its class ratio off: nothing is left for the spread.
  assert.ok(c.calibration.spread < 1e-3);
  assert.equal(c.calibration.model.fingerprint, modelFingerprint(kws));
  assert.equal(c.calibration.model.layers[1]!.measuredCycles, Math.round(estimate.layers[1]!.cycles! * 0.5) + 1);
});

test("TFLM's flat Log() output is split into runs by the model's operator count", () => {
  const one = estimate.layers.map((l, i) => `${ops[i]!.opName} took ${Math.round(l.cycles!)} ticks (0 ms).`);
  const c = compareProfile(kws, parseProfileLog([...one, ...one].join('\n')), opts());
  assert.equal(c.runs, 2);
  assert.ok(Math.abs(c.ratio - 1) < 1e-3);
  assert.ok(c.notes.some((n) => /taken for core cycles/.test(n)));
  // A run cut short: the error names the event where the log stops matching.
  assert.throws(() => compareProfile(kws, parseProfileLog([...one, ...one.slice(0, 3)].join('\n')), opts()),
    (e: unknown) => e instanceof ProfileLogError && e.code === 'mismatch' && e.line === ops.length + 3 && /has 3 operators/.test(e.message));
});

test('a log of another model is a mismatch naming the op index that differs', () => {
  const log = ourLog(1, 1, 1).replace('op=2 tag=CONV_2D', 'op=2 tag=ADD');
  assert.throws(() => compareProfile(kws, parseProfileLog(log), opts()),
    (e: unknown) => e instanceof ProfileLogError && e.code === 'mismatch' && e.line === 4 && /op index 2: the log has ADD, the model has CONV_2D/.test(e.message));
});

test('the calibration goes into the catalog text keeping the rest, and replaces its own entry the next time', () => {
  const user = '{\n    "mcus": [ ],\n    "x-note":   "kept as written"\n}\n';
  const cal = compareProfile(kws, parseProfileLog(ourLog(2, 2, 2)), opts()).calibration;
  const first = upsertCalibration(user, cal);
  assert.equal(first.replaced, false);
  assert.ok(first.text.startsWith('{\n    "mcus": [ ],\n    "x-note":   "kept as written",\n    "calibrations": [\n'), first.text);
  const again = upsertCalibration(first.text, { ...cal, runs: 7 });
  assert.equal(again.replaced, true);
  const other = upsertCalibration(again.text, { ...cal, runtime: 'tflm-reference' });
  const doc = JSON.parse(other.text) as { calibrations: { runs: number; runtime: string }[]; 'x-note': string };
  assert.deepEqual(doc.calibrations.map((c) => [c.runtime, c.runs]), [['tflm-cmsis-nn', 7], ['tflm-reference', 2]]);
  assert.equal(doc['x-note'], 'kept as written');
  assert.ok(other.text.startsWith('{\n    "mcus": [ ],\n    "x-note":   "kept as written",\n'));
  // A new file, and a diff that shows only the new lines.
  const fresh = upsertCalibration(null, cal);
  assert.deepEqual(Object.keys(JSON.parse(fresh.text)), ['mcus', 'calibrations']);
  const diff = lineDiff(user, first.text, 'f.json');
  assert.match(diff, /^--- f\.json\n\+\+\+ f\.json\n@@ -3,1 \+3,\d+ @@\n-    "x-note":   "kept as written"\n\+    "x-note":   "kept as written",\n\+    "calibrations": \[/);
});

test('a catalog calibration refines its board only: other boards, other runtimes and the bundled rows are unchanged', () => {
  const cal = compareProfile(kws, parseProfileLog(ourLog(4, 3, 3)), opts()).calibration;
  const catalog = parseUserCatalog(upsertCalibration(null, cal).text, 'tinyml-targets.json');
  assert.equal(CATALOG.find((m) => m.id === 'nrf52840')!.calibrations, undefined);
  const mine = resolveTarget('nrf52840', catalog)!;
  const sameCore = resolveTarget('nrf52832', catalog)!;
  assert.equal(sameCore.core, mine.core);
  const after = analyzeForTarget(kws, 'tflm-cmsis-nn', mine, null);
  const before = analyzeForTarget(kws, 'tflm-cmsis-nn', resolveTarget('nrf52840')!, null);
  assert.ok(Math.abs(after.latency!.ms! / before.latency!.ms! - 3) < 1e-3, `${after.latency!.ms} vs ${before.latency!.ms}`);
  assert.equal(after.latency!.calibration!.label, 'calibrated on your board, 4 runs');
  assert.ok(after.latency!.calibration!.sameModel);
  assert.ok(after.latency!.notes[0]!.startsWith('Latency calibrated on your board, 4 runs'));
  assert.ok(after.latency!.layers.every((l) => typeof (l as { measuredMs?: number }).measuredMs === 'number'));
  const neighbour = analyzeForTarget(kws, 'tflm-cmsis-nn', sameCore, null);
  assert.equal(neighbour.latency!.ms, analyzeForTarget(kws, 'tflm-cmsis-nn', resolveTarget('nrf52832')!, null).latency!.ms);
  assert.equal(neighbour.latency!.calibration, null);
  const reference = analyzeForTarget(kws, 'tflm-reference', mine, null);
  assert.equal(reference.latency!.calibration, null);
  assert.equal(reference.latency!.ms, analyzeForTarget(kws, 'tflm-reference', resolveTarget('nrf52840')!, null).latency!.ms);
});

test('applyCalibration leaves an estimate alone without a calibration for its runtime', () => {
  const out = applyCalibration(kws, estimate, [], 'tflm-cmsis-nn');
  assert.equal(out.ms, estimate.ms);
  assert.equal(out.calibration, null);
});

test('a calibrations row for an unknown board, or a second one for the same board and runtime, fails with its path', () => {
  const cal = compareProfile(kws, parseProfileLog(ourLog(1, 1, 1)), opts()).calibration;
  const unknown = JSON.stringify({ mcus: [], calibrations: [{ ...cal, target: 'nrf99' }] });
  assert.throws(() => parseUserCatalog(unknown, 'f.json'), (e: unknown) => e instanceof DataFileError && e.path === '$.calibrations[0].target');
  const twice = JSON.stringify({ mcus: [], calibrations: [cal, cal] });
  assert.throws(() => parseUserCatalog(twice, 'f.json'), (e: unknown) => e instanceof DataFileError && e.path === '$.calibrations[1].runtime');
  const badClass = JSON.stringify({ mcus: [], calibrations: [{ ...cal, classRatios: { gemm: 1 } }] });
  assert.throws(() => parseUserCatalog(badClass, 'f.json'), /classRatios\.gemm: not a kernel class/);
});

test('CLI: calibrate shows the comparison and the diff, writes only with --write; later analyze labels the estimate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-cal-'));
  const model = join(dir, 'kws.tflite');
  const logFile = join(dir, 'board.log');
  const catalog = join(dir, 'tinyml-targets.json');
  writeFileSync(model, bytes);
  writeFileSync(logFile, ourLog(3, 1.5, 1.5));
  const dry = cli('calibrate', logFile, '--model', model, '--target', 'nrf52840', '--catalog', catalog);
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /measured\/est/);
  assert.match(dry.out, /\+  "calibrations": \[/);
  assert.match(dry.out, /not written: run again with --write/);
  assert.equal(existsSync(catalog), false);
  const wet = cli('calibrate', logFile, '--model', model, '--target', 'nrf52840', '--catalog', catalog, '--write');
  assert.equal(wet.code, 0, wet.err);
  assert.equal(JSON.parse(readFileSync(catalog, 'utf8')).calibrations[0].runs, 3);
  const analyzed = cli('analyze', model, '--target', 'nrf52840', '--catalog', catalog);
  assert.match(analyzed.out, /latency .*\[calibrated on your board, 3 runs\]/);
  const other = cli('analyze', model, '--target', 'nrf52832', '--catalog', catalog);
  assert.doesNotMatch(other.out, /calibrated on your board/);
});

test('CLI: a bad log, a log of another model, a bare core: exit 2 with the located reason, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-cal-'));
  const model = join(dir, 'kws.tflite');
  const catalog = join(dir, 'tinyml-targets.json');
  writeFileSync(model, bytes);
  const bad = join(dir, 'bad.log');
  writeFileSync(bad, 'boot\ntinyml-lens-profile v1 run=0 op=0 tag=CONV_2D ticks=x unit=cycles\n');
  const r1 = cli('calibrate', bad, '--model', model, '--target', 'nrf52840', '--catalog', catalog, '--write');
  assert.equal(r1.code, 2);
  assert.match(r1.err, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:47: ticks=x is not a count`));
  const other = join(dir, 'other.log');
  writeFileSync(other, ourLog(1, 1, 1).replace('op=0 tag=CONV_2D', 'op=0 tag=ADD'));
  const r2 = cli('calibrate', other, '--model', model, '--target', 'nrf52840', '--catalog', catalog, '--write');
  assert.equal(r2.code, 2);
  assert.match(r2.err, /op index 0: the log has ADD, the model has CONV_2D/);
  const empty = join(dir, 'empty.log');
  writeFileSync(empty, 'nothing here\n');
  const r3 = cli('calibrate', empty, '--model', model, '--target', 'nrf52840', '--catalog', catalog, '--write');
  assert.equal(r3.code, 2);
  assert.match(r3.err, /no operator timings found/);
  const r4 = cli('calibrate', bad, '--model', model, '--target', 'cortex-m4f', '--catalog', catalog);
  assert.equal(r4.code, 2);
  assert.match(r4.err, /needs a catalog board/);
  assert.equal(existsSync(catalog), false);
  assert.equal(cli('calibrate', bad, '--target', 'nrf52840').code, 2);
  assert.match(cli('analyze', model, '--write').err, /--write is an option of calibrate/);
});
