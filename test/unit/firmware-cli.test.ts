/** `tinyml-lens lint-firmware` and `analyze --firmware` on the fixtures, with a model from the project's builder. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';

const fixtures = path.join(__dirname, '..', 'fixtures', 'firmware');
const dir = tempDir();
const model = path.join(dir, 'kws.tflite');
writeFileSync(model, buildKwsDsCnnInt8());
const src = (name: string): string => path.join(fixtures, 'src', name);

test('lint-firmware: silent on the correct example (exit 0), each finding located with its fix otherwise (exit 1)', () => {
  const ok = cli('lint-firmware', src('tflm_example.cc'), '--model', model);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /matches kws\.tflite/);
  const bad = cli('lint-firmware', src('arduino_kws.ino'), src('esp_idf_main_functions.cc'), '--model', model, '--format', 'json');
  assert.equal(bad.code, 1, bad.err);
  const json = JSON.parse(bad.out) as { files: { findings: { code: string; at: string; fixes: string[] }[] }[] };
  assert.deepEqual(json.files.map((f) => f.findings.map((x) => x.code).sort()), [['arena-too-small', 'missing-op', 'resolver-too-small', 'unused-op'], ['arena-too-large']]);
  assert.ok(json.files.flatMap((f) => f.findings).every((f) => /^\d+:\d+$/.test(f.at) && f.fixes.length > 0));
  const text = cli('lint-firmware', src('arduino_kws.ino'), '--model', model);
  assert.match(text.out, /arduino_kws\.ino:\d+:\d+: error resolver-too-small/);
});

test('lint-firmware: usage and unreadable files are exit 2 with the reason', () => {
  assert.equal(cli('lint-firmware', src('tflm_example.cc')).code, 2);
  const missing = cli('lint-firmware', path.join(dir, 'nope.cc'), '--model', model);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.cc/);
});

test('analyze --firmware: the application per region, the model array not counted twice, JSON gains firmware', () => {
  const r = cli('analyze', model, '--firmware', path.join(fixtures, 'app-cm4.elf'), '--runtime', 'tflm-reference');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Firmware: .*app-cm4\.elf, map .*app-cm4\.map/);
  assert.match(r.out, /arena in the ELF: tensor_arena/);
  assert.match(r.out, /region FLASH/);
  const j = cli('analyze', model, '--firmware', path.join(fixtures, 'app-cm4.elf'), '--format', 'json');
  const json = JSON.parse(j.out) as { firmware: { machine: string; regions: { name: string }[]; fit: { flash: { region: string; left: number } } } };
  assert.equal(json.firmware.machine, 'arm');
  assert.deepEqual(json.firmware.regions.map((g) => g.name), ['FLASH', 'RAM']);
  assert.equal(json.firmware.fit.flash.region, 'FLASH');
});

test('analyze --firmware DIR finds the build and says which; a foreign ELF is exit 2 at its byte', () => {
  const project = path.join(dir, 'proj');
  mkdirSync(path.join(project, '.pio', 'build', 'nano'), { recursive: true });
  cpSync(path.join(fixtures, 'app-m0plus-nomodel.elf'), path.join(project, '.pio', 'build', 'nano', 'firmware.elf'));
  const r = cli('analyze', model, '--firmware', project, '--target', 'cortex-m0plus');
  assert.match(r.out, /found: PlatformIO layout/);
  const bad = path.join(dir, 'x86.elf');
  const bytes = new Uint8Array(64); bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  writeFileSync(bad, bytes);
  const e = cli('analyze', model, '--firmware', bad);
  assert.equal(e.code, 2);
  assert.match(e.err, /byte 4 .*64-bit/);
  assert.equal(cli('fit', model, '--firmware', bad).code, 2);
});
