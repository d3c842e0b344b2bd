/**
 * The profile round trip on a log the generated code printed under QEMU (test/fixtures/profile/README.md says how it
 * was made): `compile --profile` lines, parsed, compared with the estimate, written as a calibration of the QEMU
 * machine (a user board in the workspace catalog), which then changes that board's estimates and no other.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeForTarget } from '../../server/src/analysis/latency/target.js';
import { calibrateBoard } from '../../server/src/calibrate/index.js';
import { parseProfileLog } from '../../server/src/calibrate/log.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { parseUserCatalog, resolveTarget, type Mcu } from '../../server/src/targets/catalog.js';

const logText = readFileSync(join(__dirname, '../fixtures/profile/kws-mps2-an386.log'), 'utf8');
const kws = readTflite(buildKwsDsCnnInt8());

/** The QEMU machine as a user board: mps2-an386's Cortex-M4 with its 25 MHz system clock. */
const qemuBoard = {
  id: 'qemu-mps2-an386', aliases: [], displayName: 'QEMU mps2-an386', vendor: 'QEMU', boards: 'qemu-system-arm -M mps2-an386',
  core: 'cortex-m4f', clockMHz: 25, sramKiB: 8192, largestSramKiB: null, flashKiB: 4096, fpu: 'sp', dsp: true, helium: false,
  npu: null, activePowerMw: null, notes: 'an emulator: its cycles are virtual time under -icount', source: 'QEMU 7.2 hw/arm/mps2.c',
};
const userCatalog = `{\n  "mcus": [\n    ${JSON.stringify(qemuBoard)}\n  ]\n}\n`;

test('the QEMU log parses: the generated code\'s lines with CRLF, SysTick timer, every run complete', () => {
  assert.match(logText, /\r\n/);
  const log = parseProfileLog(logText);
  assert.equal(log.format, 'tinyml-lens');
  assert.equal(log.timer, 'systick');
  assert.equal(log.unit, 'cycles');
  assert.equal(log.clockHz, 25_000_000);
  const ops = kws.subgraphs[0]!.operators;
  assert.ok(log.runs.length >= 2);
  for (const run of log.runs) {
    assert.deepEqual(run.map((e) => e.tag), ops.map((o) => o.opName));
    assert.ok(run.every((e) => e.ticks > 0));
  }
  // Under -icount, virtual time follows the instructions: every run of the same inference takes the same ticks
  // (the first may differ by the profiler's own start-up).
  const totals = log.runs.map((r) => r.reduce((a, e) => a + e.ticks, 0));
  assert.ok(totals.slice(1).every((t) => Math.abs(t - totals[1]!) <= 0.01 * totals[1]!), totals.join(' '));
});

test('calibrating the QEMU machine from its log changes that board\'s estimates only, and says so', () => {
  const catalog = parseUserCatalog(userCatalog, 'tinyml-targets.json');
  const target = resolveTarget('qemu-mps2-an386', catalog)!;
  const r = calibrateBoard({
    model: kws, modelFile: 'kws_dscnn_int8.tflite', logText, logName: 'kws-mps2-an386.log', target: { ...target, mcu: target.mcu! },
    runtime: 'tflm-reference', clockMHz: null, tickHz: null, date: '2026-12-06', catalogText: userCatalog, catalogFile: 'tinyml-targets.json',
  });
  assert.equal(r.comparison.clockMHz, 25);
  assert.equal(r.comparison.layers.length, kws.subgraphs[0]!.operators.length);
  assert.ok(r.comparison.measuredCycles > 0 && r.comparison.estimatedCycles > 0);
  // The user's board row is kept as written.
  assert.ok(r.edit.text.startsWith(`{\n  "mcus": [\n    ${JSON.stringify(qemuBoard)}\n  ],\n  "calibrations": [`), r.edit.text.slice(0, 300));

  const after = parseUserCatalog(r.edit.text, 'tinyml-targets.json');
  const byId = (list: readonly Mcu[], id: string) => resolveTarget(id, list)!;
  const estimate = (list: readonly Mcu[], id: string, runtime: 'tflm-reference' | 'tflm-cmsis-nn' = 'tflm-reference') => analyzeForTarget(kws, runtime, byId(list, id), null).latency!;
  const before = estimate(catalog, 'qemu-mps2-an386');
  const calibrated = estimate(after, 'qemu-mps2-an386');
  assert.equal(before.calibration, null);
  assert.equal(calibrated.calibration?.label, `calibrated on your board, ${r.comparison.runs} runs`);
  // the catalog keeps each class ratio to 6 significant digits: the sum over classes is within a few 1e-6
  assert.ok(Math.abs(calibrated.ms! - r.comparison.measuredMs) < 1e-5 * r.comparison.measuredMs, `${calibrated.ms} vs measured ${r.comparison.measuredMs}`);
  assert.notEqual(calibrated.ms, before.ms);
  // Every other board, the same core included, and the other runtime on this board: unchanged.
  for (const id of ['nrf52840', 'stm32f446re', 'apollo3', 'rp2040']) assert.equal(estimate(after, id).ms, estimate(catalog, id).ms, id);
  assert.equal(estimate(after, 'qemu-mps2-an386', 'tflm-cmsis-nn').ms, estimate(catalog, 'qemu-mps2-an386', 'tflm-cmsis-nn').ms);
});
