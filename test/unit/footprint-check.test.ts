/**
 * The committed footprint check (test/measured/footprint_check.tsv, written by scripts/footprint-check.ts from real
 * links of compile's example): the prediction re-computed from the bundled data equals the recorded one, and the
 * recorded error is within the bounds (flash 3%, static RAM 256 bytes). Needs neither the toolchain nor
 * ../shared; the links themselves are re-run by the script.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { predictRuntimeFootprint } from '../../server/src/analysis/footprint/index.js';

const TSV = join(__dirname, '../measured/footprint_check.tsv');

function rows(): Record<string, string>[] {
  const lines = readFileSync(TSV, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const header = lines[0]!.split('\t');
  return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [header[i]!, v])));
}

test('every recorded prediction is what the bundled data predicts now', () => {
  const all = rows();
  assert.ok(all.length > 0);
  for (const r of all) {
    const kernels = r.build!.endsWith('cmsis_nn') ? 'cmsis-nn' : 'reference';
    const p = predictRuntimeFootprint(r.ops!.split(','), r.core!, kernels);
    assert.ok(p, `${r.model} ${r.build}`);
    assert.equal(p.build, r.build, `${r.model}: build`);
    assert.equal(p.basis, 'measured');
    assert.equal(p.flash, Number(r.predicted_flash), `${r.model} ${r.build}: flash`);
    assert.equal(p.ram, Number(r.predicted_ram), `${r.model} ${r.build}: ram`);
  }
});

test('recorded errors are within 3% flash and 256 bytes static RAM, and add up', () => {
  for (const r of rows()) {
    const flash = Number(r.text) + Number(r.rodata) + Number(r.data) - Number(r.model_array_bytes);
    const ram = Number(r.data) + Number(r.bss) - Number(r.arena_bytes);
    assert.equal(Number(r.runtime_flash), flash, `${r.model} ${r.build}`);
    assert.equal(Number(r.runtime_ram), ram, `${r.model} ${r.build}`);
    assert.ok(Number(r.model_array_bytes) > 0 && Number(r.arena_bytes) > 0, `${r.model}: model array and arena found`);
    const err = ((Number(r.predicted_flash) - flash) / flash) * 100;
    assert.ok(Math.abs(err - Number(r.flash_error_pct)) < 0.001, `${r.model} ${r.build}: recorded error`);
    assert.ok(Math.abs(err) <= 3, `${r.model} ${r.build}: flash ${err.toFixed(2)}%`);
    assert.ok(Math.abs(Number(r.predicted_ram) - ram) <= 256, `${r.model} ${r.build}: ram ${Number(r.predicted_ram) - ram} B`);
  }
});

test('the check covers both kernel sets on at least two cores each, every model on each build', () => {
  const all = rows();
  const builds = new Map<string, Set<string>>();
  for (const r of all) (builds.get(r.build!) ?? builds.set(r.build!, new Set()).get(r.build!)!).add(r.model!);
  for (const k of ['cmsis_nn', 'reference']) {
    const cores = new Set([...builds.keys()].filter((b) => b.endsWith(` ${k}`)).map((b) => b.split(' ')[0]));
    assert.ok(cores.size >= 2, `${k}: cores ${[...cores].join(', ')}`);
  }
  const models = new Set(all.map((r) => r.model));
  for (const [b, m] of builds) assert.equal(m.size, models.size, `${b}: ${m.size} of ${models.size} models`);
});
