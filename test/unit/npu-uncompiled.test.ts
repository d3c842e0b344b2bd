import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeForTarget } from '../../server/src/analysis/latency/target.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { CATALOG, resolveTarget } from '../../server/src/targets/catalog.js';
import { cli } from './helpers/cli.js';
import { oneOpModel } from './helpers/one-op-models.js';

// An int8 convolution Vela would place on the NPU, not compiled: as it is, TFLM runs it on the CPU.
const bytes = oneOpModel('CONV_2D', 'INT8');
const model = readTflite(bytes);
const alif = resolveTarget('alif-e7', CATALOG)!;

test('an uncompiled model on an Ethos-U board: the latency is the CPU\'s (what this file does), the NPU figure after Vela a note', () => {
  const npu = analyzeForTarget(model, 'ethos-u', alif, null);
  const cpu = analyzeForTarget(model, 'tflm-cmsis-nn', alif, null);
  assert.equal(npu.support.npu?.compiled, false);
  assert.ok(cpu.latency?.ms, 'the CPU figure exists');
  assert.equal(npu.latency?.ms, cpu.latency?.ms);
  const note = npu.notes.find((n) => n.startsWith('Latency is for the model as it is'));
  assert.ok(note, npu.notes.join('\n'));
  assert.match(note, /Once compiled by Vela \(1 of 1 ops on the NPU\): ~[\d.e-]+ ms/);
  // The note's figure is the NPU's, far below the CPU's for a convolution.
  const afterMs = Number(/~([\d.e-]+) ms/.exec(note)![1]);
  assert.ok(afterMs < cpu.latency!.ms!, `${afterMs} vs ${cpu.latency!.ms}`);
});

test('the text header names the runtime analysed, and where its memory figures come from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-npu-uncompiled-'));
  const file = join(dir, 'conv.tflite');
  writeFileSync(file, bytes);
  const r = cli('analyze', file, '--target', 'alif-e7');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /conv\.tflite on ethos-u \(memory from TFLM's tflm-cmsis-nn kernels\)$/);
  const plain = cli('analyze', file, '--target', 'nrf52840');
  assert.match(plain.out.split('\n')[0]!, /conv\.tflite on tflm-cmsis-nn$/);
});
