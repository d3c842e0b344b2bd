import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseClock } from '../../server/src/cli/fit.js';
import { cli } from './helpers/cli.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { CATALOG } from '../../server/src/targets/catalog.js';

const root = resolve(__dirname, '../..');
const kws = join(root, 'examples/kws_dscnn_int8.tflite');

function powModel(): string {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  g.output(g.op('POW', { inputs: [x, x], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' } }));
  const path = join(mkdtempSync(join(tmpdir(), 'tinyml-fit-')), 'pow.tflite');
  writeFileSync(path, m.finish());
  return path;
}

test('parseClock reads MHz, GHz and kHz and rejects nonsense', () => {
  assert.equal(parseClock('120MHz'), 120);
  assert.equal(parseClock('64'), 64);
  assert.equal(parseClock('1.2GHz'), 1200);
  assert.equal(parseClock('48000 kHz'), 48);
  assert.equal(parseClock('fast'), null);
  assert.equal(parseClock('0MHz'), null);
});

test('analyze --target adds target, latency range, energy and per-layer support and ms to the JSON', () => {
  const r = cli('analyze', kws, '--target', 'nucleo-l4r5zi', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.target.id, 'stm32l4r5zi');
  assert.equal(doc.target.clockMHz, 120);
  assert.ok(doc.latency.lowMs < doc.latency.ms && doc.latency.ms < doc.latency.highMs);
  // The catalog's measured power for this board is 40 mW at 120 MHz.
  assert.ok(Math.abs(doc.energy.uJ - doc.latency.ms * 40) < 1e-6);
  for (const l of doc.layers) {
    assert.ok(['optimized', 'reference', 'unsupported-dtype', 'unsupported'].includes(l.support.verdict));
    assert.equal(typeof l.ms, 'number');
  }
  const sum = doc.layers.reduce((n: number, l: { ms: number }) => n + l.ms, 0);
  assert.ok(Math.abs(sum - doc.latency.ms) < 1e-9);
  assert.equal(doc.fit.fits, true);
});

test('--clock overrides the target clock; a bare core works with a clock', () => {
  const at = (clock: string): number => JSON.parse(cli('analyze', kws, '--target', 'cortex-m4f', '--clock', clock, '--format', 'json').out).latency.ms;
  assert.ok(Math.abs(at('50MHz') / at('100MHz') - 2) < 1e-9);
  const bare = JSON.parse(cli('analyze', kws, '--target', 'cortex-m7', '--format', 'json').out);
  assert.equal(bare.latency, null);
  assert.ok(bare.notes.some((n: string) => /--clock/.test(n)));
});

test('an unsupported op on the runtime exits 1 and names op, dtype, layers and subgraph', () => {
  const r = cli('analyze', powModel(), '--target', 'nrf52840', '--format', 'json');
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.out);
  assert.deepEqual(doc.unsupportedOps.map((u: { op: string; dtype: string; layers: number[]; subgraph: number }) => [u.op, u.dtype, u.layers, u.subgraph]), [['POW', 'FLOAT32', [0], 0]]);
  assert.equal(doc.layers[0].support.verdict, 'unsupported');
  assert.equal(doc.latency.ms, null);
});

test('the new runtimes work without a target, with memory labelled an estimate', () => {
  for (const runtime of ['tflm-esp-nn', 'ethos-u', 'edgetpu']) {
    const r = cli('analyze', kws, '--runtime', runtime, '--format', 'json');
    assert.equal(r.code, 0, `${runtime}: ${r.err}`);
    const doc = JSON.parse(r.out);
    assert.equal(doc.runtime, runtime);
    assert.equal(doc.memory.exact, false);
    assert.ok(doc.memory.notes.some((n: string) => /estimate/.test(n)));
  }
});

test('bad --target and --clock values are usage errors (exit 2)', () => {
  assert.equal(cli('analyze', kws, '--target', 'no-such-board').code, 2);
  assert.equal(cli('analyze', kws, '--target', 'nrf52840', '--clock', 'fast').code, 2);
  assert.equal(cli('analyze', kws, '--runtime', 'tpu9000').code, 2);
});

test('fit lists the catalog targets, fitting ones first and smallest RAM first among them', () => {
  const r = cli('fit', kws, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out).targets as { id: string; fit: { fits: boolean | null; ramBudgetBytes: number | null; ram: boolean | null }; arenaBytes: number }[];
  assert.ok(rows.length >= 30 && rows.length <= CATALOG.length);
  const rank = (f: boolean | null): number => (f === true ? 0 : f === null ? 1 : 2);
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1]!, rows[i]!];
    assert.ok(rank(a.fit.fits) <= rank(b.fit.fits), `${a.id} before ${b.id}`);
    if (a.fit.fits === true && b.fit.fits === true) assert.ok((a.fit.ramBudgetBytes ?? Infinity) <= (b.fit.ramBudgetBytes ?? Infinity));
  }
  for (const row of rows) {
    if (row.fit.ramBudgetBytes !== null) assert.equal(row.fit.ram, row.arenaBytes <= row.fit.ramBudgetBytes, row.id);
  }
  // The SAMD21 has 32 KiB of RAM and 256 KiB of flash (catalog); this model's file is ~30 KiB.
  const samd = rows.find((x) => x.id === 'atsamd21g18')!;
  assert.equal(samd.fit.ramBudgetBytes, 32 * 1024);
  assert.equal(samd.fit.fits, samd.arenaBytes <= 32 * 1024);
});

test('fit --runtime keeps only the targets that runtime runs on', () => {
  const rows = JSON.parse(cli('fit', kws, '--runtime', 'tflm-esp-nn', '--format', 'json').out).targets as { id: string }[];
  assert.deepEqual(rows.map((x) => x.id).sort(), ['esp32', 'esp32c3', 'esp32s3']);
  assert.equal(cli('fit', kws, '--format', 'sarif').code, 2);
});
