/**
 * Golden fit matrices for the MLPerf Tiny reference models (and TFLM's person detection) in ../shared/models, and the
 * unsupported-op report of a model with an op TFLM lacks. The goldens hold op-support verdicts, fit verdicts and
 * latency (3 significant figures); arena bytes are checked for consistency with the fit verdict instead of pinned,
 * since they belong to the memory model's own conformance suite.
 *
 * Regenerate after a deliberate change (new coefficients, catalog rows, op tables):
 *   UPDATE_GOLDEN=1 node --import tsx --test test/conformance/fit-golden.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { run } from '../../server/src/cli/main';

const MODELS = path.resolve(__dirname, '../../../shared/models');
const GOLDEN = path.resolve(__dirname, '../golden/fit');
const FILES = [
  'mlc_kws_ref_model_int8.tflite',
  'mlc_vww_96_int8.tflite',
  'mlc_pretrainedResnet_quant.tflite',
  'mlc_ad01_int8.tflite',
  'tflm_person_detect.tflite',
];

function cli(...args: string[]): { code: number; out: string } {
  let out = '';
  const code = run(args, (s) => { out += s; }, () => {});
  return { code, out };
}

const sig3 = (v: number | null): number | null => (v === null ? null : Number(v.toPrecision(3)));

interface FitRow {
  id: string; runtime: string; clockMHz: number | null; arenaBytes: number;
  fit: { fits: boolean | null; ram: boolean | null; flash: boolean | null; ops: boolean; ramBudgetBytes: number | null };
  latency: { ms: number | null; lowMs: number | null; highMs: number | null; calibrated: boolean } | null;
  unsupportedOps: unknown[]; referenceOnly: number;
}

function golden(name: string, actual: unknown): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    if (!process.env.UPDATE_GOLDEN) assert.fail(`${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
    writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
    return;
  }
  assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
}

describe('fit matrix goldens', { skip: !existsSync(MODELS) && 'needs ../shared/models' }, () => {
  for (const file of FILES) {
    test(file, () => {
      const r = cli('fit', path.join(MODELS, file), '--format', 'json');
      assert.equal(r.code, 0);
      const rows = JSON.parse(r.out).targets as FitRow[];
      for (const row of rows) {
        if (row.fit.ramBudgetBytes !== null) assert.equal(row.fit.ram, row.arenaBytes <= row.fit.ramBudgetBytes, row.id);
        if (row.latency?.ms != null) assert.ok(row.latency.lowMs! < row.latency.ms && row.latency.ms < row.latency.highMs!, row.id);
      }
      golden(file.replace('.tflite', '.json'), rows.map((row) => ({
        id: row.id, runtime: row.runtime, clockMHz: row.clockMHz,
        fits: row.fit.fits, ram: row.fit.ram, flash: row.fit.flash, ops: row.fit.ops,
        ms: sig3(row.latency?.ms ?? null), lowMs: sig3(row.latency?.lowMs ?? null), highMs: sig3(row.latency?.highMs ?? null),
        calibrated: row.latency?.calibrated ?? null,
        unsupportedOps: row.unsupportedOps, referenceOnly: row.referenceOnly,
      })));
    });
  }

  test('an op TFLM lacks is reported on every runtime with op, dtype, layers and subgraph', () => {
    const model = path.join(MODELS, 't2o_relu6_power_float32_POW.tflite');
    const report: Record<string, unknown> = {};
    for (const runtime of ['tflm-reference', 'tflm-cmsis-nn', 'tflm-esp-nn', 'ethos-u', 'edgetpu']) {
      const r = cli('analyze', model, '--runtime', runtime, '--target', runtime === 'tflm-esp-nn' ? 'esp32s3' : 'alif-e7', '--format', 'json');
      assert.equal(r.code, 1, runtime);
      report[runtime] = JSON.parse(r.out).unsupportedOps;
    }
    golden('t2o_relu6_power_float32_POW.unsupported.json', report);
  });
});
