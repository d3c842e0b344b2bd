/**
 * The target's C ABI (targets/code-path.ts `abiFor`) reaches every figure that sizes an arena: `analyze --target`,
 * `fit`, `compile`'s kArenaSize. Arm cores and no target keep 1-byte enums; RISC-V, Xtensa and ARC get 4-byte ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { cParams } from '../../server/src/analysis/tflm/kernels/util.js';
import { cLayout, tfLiteTensorLayout } from '../../server/src/analysis/tflm/structs.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { CORES } from '../../server/src/targets/catalog.js';
import { abiFor } from '../../server/src/targets/code-path.js';
import { MEASURED_MODELS } from '../measured/models/index.js';
import { cli } from './helpers/cli.js';

const kws = join(resolve(__dirname, '../..'), 'examples/kws_dscnn_int8.tflite');
const model = readTflite(new Uint8Array(readFileSync(kws)));
const arm = analyzeModel(model, 'tflm-reference', {}, 'dsp', 'arm-eabi');
const wide = analyzeModel(model, 'tflm-reference', {}, 'dsp', 'int-enum');

test('struct layouts follow the enum width: TfLiteTensor 32 / 40, TfLiteFullyConnectedParams 5 / 16', () => {
  assert.deepEqual([tfLiteTensorLayout('arm-eabi'), tfLiteTensorLayout('int-enum')], [{ bytes: 32, align: 4 }, { bytes: 40, align: 4 }]);
  assert.deepEqual(cParams('enum', 'enum', 'bool', 'bool', 'enum'), { 'arm-eabi': { bytes: 5, align: 1 }, 'int-enum': { bytes: 16, align: 4 } });
  // TfLiteConvParams: the same 28 bytes either way (each enum is followed by an int or ends the struct at 4).
  const conv = ['enum', 'i32', 'i32', 'enum', 'i32', 'i32', 'enum'] as const;
  assert.deepEqual([cLayout(conv, 'arm-eabi').bytes, cLayout(conv, 'int-enum').bytes], [28, 28]);
  assert.deepEqual(cLayout([['i32', 8], 'i32'], 'int-enum'), { bytes: 36, align: 4 });
});

test('abiFor: Arm cores and no target arm-eabi; RISC-V, Xtensa, ARC and unknown cores int-enum', () => {
  for (const core of CORES) assert.equal(abiFor(core), core.startsWith('cortex-') ? 'arm-eabi' : 'int-enum', core);
  assert.deepEqual([abiFor(null), abiFor(''), abiFor('Cortex-M4'), abiFor('esp32c3'), abiFor('xtensa-lx7')],
    ['arm-eabi', 'arm-eabi', 'arm-eabi', 'int-enum', 'int-enum']);
});

test('the replay differs between the ABIs only in the tail (KWS: ten more params and I/O bytes)', () => {
  assert.equal(wide.abi, 'int-enum');
  assert.equal(wide.memory.headBytes, arm.memory.headBytes);
  assert.ok(wide.memory.tailBytes > arm.memory.tailBytes, `${wide.memory.tailBytes} vs ${arm.memory.tailBytes}`);
  assert.ok(wide.memory.notes.some((n) => /4-byte enums/.test(n)));
  assert.ok(arm.memory.notes.some((n) => /1-byte enums/.test(n)));
});

test('analyze --target: esp32c3 (RISC-V) and esp32s3 (Xtensa) get int-enum figures; a Cortex-M part and no target Arm ones', () => {
  const json = (...args: string[]): { abi: string; memory: { tailBytes: number; minArenaBytes: number } } => {
    const r = cli('analyze', kws, '--runtime', 'tflm-reference', '--format', 'json', ...args);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  for (const target of ['esp32c3', 'esp32s3', 'rv32imc']) {
    const doc = json('--target', target);
    assert.equal(doc.abi, 'int-enum', target);
    assert.deepEqual([doc.memory.tailBytes, doc.memory.minArenaBytes], [wide.memory.tailBytes, wide.memory.minArenaBytes], target);
  }
  for (const args of [['--target', 'nrf52840'], []]) {
    const doc = json(...args);
    assert.equal(doc.abi, 'arm-eabi', args.join(' '));
    assert.deepEqual([doc.memory.tailBytes, doc.memory.minArenaBytes], [arm.memory.tailBytes, arm.memory.minArenaBytes]);
  }
});

test('fit: each catalog row carries its ABI, and its arena follows it', () => {
  const r = cli('fit', kws, '--runtime', 'tflm-reference', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out).targets as { id: string; core: string; abi: string; arenaBytes: number }[];
  const c3 = rows.find((t) => t.id === 'esp32c3');
  const nrf = rows.find((t) => t.id === 'nrf52840');
  assert.ok(c3 && nrf);
  assert.deepEqual([c3.abi, c3.arenaBytes], ['int-enum', wide.memory.minArenaBytes]);
  assert.deepEqual([nrf.abi, nrf.arenaBytes], ['arm-eabi', arm.memory.minArenaBytes]);
  for (const t of rows) assert.equal(t.abi, abiFor(t.core), t.id);
});

test('compile --target esp32c3 sizes kArenaSize with 4-byte enums', () => {
  // A builder model whose minimum moves by more than the 16-byte rounding (ADD, MUL: params and three I/O tensors).
  const bytes = MEASURED_MODELS['gen_add_mul_broadcast']!();
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-abi-'));
  const path = join(dir, 'add_mul.tflite');
  writeFileSync(path, bytes);
  const min = (abi: 'arm-eabi' | 'int-enum'): number => Math.ceil(analyzeModel(readTflite(bytes), 'tflm-reference', {}, 'dsp', abi).memory.minArenaBytes / 16) * 16;
  const arenaOf = (out: string, ...args: string[]): number => {
    const r = cli('compile', path, '--runtime', 'tflm-reference', '--out', join(dir, out), ...args);
    assert.equal(r.code, 0, r.err);
    assert.equal(/note: arena sized for the 4-byte enums/.test(r.out), args.includes('esp32c3'), r.out);
    const text = readdirSync(join(dir, out)).map((f) => readFileSync(join(dir, out, f), 'utf8')).join('\n');
    const m = /constexpr size_t k\w*ArenaSize = (\d+);/.exec(text);
    assert.ok(m, 'no kArenaSize');
    return Number(m[1]);
  };
  assert.ok(min('int-enum') > min('arm-eabi'));
  assert.equal(arenaOf('c3', '--target', 'esp32c3'), min('int-enum'));
  assert.equal(arenaOf('plain'), min('arm-eabi'));
  assert.equal(arenaOf('nrf', '--target', 'nrf52840'), min('arm-eabi'));
});
