/**
 * The commands besides `analyze` on a model over 2 GiB (a 3 GiB sparse file, its buffers after the flatbuffer): `fit`
 * reads it by offset as `analyze` does (the figures of its small twin, the whole file counted as flash), and the
 * commands that need a model whole (`compile`, `quantize`) refuse it from its size, before reading it, whatever
 * `--max-file-size` says, naming why.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GiB } from '../../server/src/files/read.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { compactTwin, writeSparseModel } from './helpers/large-model.js';

interface FitPart { part: string; bytes: number }
interface FitJson { targets: { id: string; fit: { parts: { flash: { parts: FitPart[] }; ram: { parts: FitPart[] } } } }[] }

const dir = tempDir();
const big = join(dir, 'big.tflite');
writeSparseModel(big);
const twin = join(dir, 'twin.tflite');
writeFileSync(twin, compactTwin());

test('fit on a 3 GiB model: read by offset, the arena and runtime figures of its small twin, the file counted as flash', () => {
  const r = cli('fit', big, '--format', 'json');
  assert.equal(r.err, '');
  const bigFit = JSON.parse(r.out) as FitJson;
  const twinFit = JSON.parse(cli('fit', twin, '--format', 'json').out) as FitJson;
  assert.ok(bigFit.targets.length > 10);
  // Ranked by fit, so in another order (the twin fits the flash): matched by id.
  assert.deepEqual(bigFit.targets.map((t) => t.id).sort(), twinFit.targets.map((t) => t.id).sort());
  for (const t of bigFit.targets) {
    const other = twinFit.targets.find((x) => x.id === t.id)!;
    assert.deepEqual(t.fit.parts.ram, other.fit.parts.ram, t.id);
    assert.equal(t.fit.parts.flash.parts.find((p) => p.part === 'model')?.bytes, 3 * GiB, t.id);
    assert.deepEqual(t.fit.parts.flash.parts.filter((p) => p.part !== 'model'), other.fit.parts.flash.parts.filter((p) => p.part !== 'model'), t.id);
  }
  const targeted = cli('analyze', big, '--target', 'nrf52840', '--format', 'json');
  assert.equal(targeted.err, '');
  assert.equal((JSON.parse(targeted.out) as { flash: { modelBytes: number } }).flash.modelBytes, 3 * GiB);
});

test('compile and quantize refuse a 3 GiB model before reading it, even with --max-file-size raised, saying why', () => {
  const out = join(dir, 'out');
  const cases: [string[], RegExp][] = [
    [['compile', big, '--out', out], /compile embeds the whole file/],
    [['compile', big, '--out', out, '--max-file-size', '4GiB'], /compile embeds the whole file/],
    [['quantize', big, '--out', join(out, 'q.tflite'), '--random', '2'], /quantize runs the float model/],
    [['quantize', big, '--out', join(out, 'q.tflite'), '--random', '2', '--max-file-size', '8GiB'], /quantize runs the float model/],
  ];
  for (const [args, why] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, new RegExp(`cannot read ${big.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is 3\\.00 GiB`), args.join(' '));
    assert.match(r.err, why);
    assert.match(r.err, /over the 2 GiB a model is read whole up to/);
    assert.match(r.err, /`analyze` and `fit` read such a file by offset/);
    assert.equal(r.out, '');
    assert.ok(!existsSync(out), 'nothing written');
  }
});
