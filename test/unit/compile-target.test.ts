import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { oneOpModel } from './helpers/one-op-models.js';

// An int8 FULLY_CONNECTED: CMSIS-NN's Helium kernel asks for a kernel-sums buffer the DSP and plain-C paths do not.
const bytes = oneOpModel('FULLY_CONNECTED', 'INT8');
const model = readTflite(bytes);
const dir = mkdtempSync(join(tmpdir(), 'tinyml-compile-target-'));
const file = join(dir, 'fc.tflite');
writeFileSync(file, bytes);

const arenaOf = (out: string): number => Number(/kFcArenaSize = (\d+);/.exec(readFileSync(join(out, 'fc_arena.h'), 'utf8'))?.[1] ?? -1);
const minimum = (path: 'dsp' | 'mve' | 'scalar'): number => analyzeModel(model, 'tflm-cmsis-nn', {}, path).memory.minArenaBytes;

test('compile --target sizes the arena for the core\'s CMSIS-NN code path; without it, the DSP path, said so', () => {
  assert.notEqual(minimum('mve'), minimum('dsp'), 'the case must tell the paths apart');
  const plain = cli('compile', file, '--out', join(dir, 'plain'));
  assert.equal(plain.code, 0, plain.err);
  assert.match(plain.out, /note: arena sized for CMSIS-NN's DSP \(Cortex-M4\/M7\/M33 class\) path; --target sizes it for another core/);
  const helium = cli('compile', file, '--out', join(dir, 'm55'), '--target', 'cortex-m55');
  assert.equal(helium.code, 0, helium.err);
  assert.match(helium.out, /arena sized for CMSIS-NN's Helium \(MVE\) path of cortex-m55/);
  assert.match(helium.out, /runtime tflm-cmsis-nn chosen for cortex-m55/);
  assert.ok(arenaOf(join(dir, 'm55')) >= minimum('mve'), `${arenaOf(join(dir, 'm55'))} < ${minimum('mve')}`);
  assert.ok(arenaOf(join(dir, 'plain')) < minimum('mve'), 'the DSP figure is smaller than Helium\'s minimum here');
  assert.ok(arenaOf(join(dir, 'plain')) >= minimum('dsp'));
});

test('compile --target: an unknown target is exit 2 with a suggestion; --runtime still wins over the target\'s', () => {
  const typo = cli('compile', file, '--out', join(dir, 'typo'), '--target', 'cortex-m5');
  assert.equal(typo.code, 2);
  assert.match(typo.err, /unknown target 'cortex-m5' \(did you mean/);
  const ref = cli('compile', file, '--out', join(dir, 'ref'), '--target', 'cortex-m55', '--runtime', 'tflm-reference');
  assert.equal(ref.code, 0, ref.err);
  assert.match(ref.out, /\(tflm-reference kernels\)/);
  assert.doesNotMatch(ref.out, /chosen for/);
});
