/**
 * The minimum arena comes from one replay (SizeNeed, per arena-size residue modulo 16) instead of a replay per
 * probed size: the answer must be the one replaying gives, at every size near the minimum and for every residue.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SizeNeed } from '../../server/src/analysis/tflm/arena.js';
import { simulateAllocateTensors } from '../../server/src/analysis/tflm/interpreter.js';
import { analyzeTflmMemory, minimumArena, replayFits } from '../../server/src/analysis/tflm/memory.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import { resolveLimits } from '../../server/src/model/limits.js';
import { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { addChain } from './helpers/chains.js';

const cases: [string, Uint8Array][] = [
  ['kws ds-cnn int8', buildKwsDsCnnInt8()],
  ['sine float', buildSineFloat()],
  ['IF with branch subgraphs', buildIfModel()],
  ['ADD chain, width 5 (sizes not multiples of 16)', addChain(12, 0, 5)],
  ['ADD chain with skip connections, width 37', addChain(30, 4, 37)],
];
const kernelSets: KernelSet[] = ['tflm-reference', 'tflm-cmsis-nn'];

for (const [name, bytes] of cases) {
  for (const kernels of kernelSets) {
    test(`${name} on ${kernels}: one replay answers every probe as a replay at that size would`, () => {
      const model = readTflite(bytes);
      const limits = resolveLimits();
      const need = new SizeNeed();
      const full = simulateAllocateTensors(model, kernels, { arenaSize: limits.maxArena, continueOnFailure: true, limits, sizeNeed: need });
      assert.equal(full.exhausted, null);
      assert.ok(need.exact, 'every alignment divides 16');
      const replay = replayFits(model, kernels, limits);
      const byReplay = minimumArena(full, limits, replay);
      assert.equal(minimumArena(full, limits, (s) => need.fits(s)), byReplay);
      assert.equal(analyzeTflmMemory(model, kernels).minArenaBytes, byReplay);
      // Around the minimum, each of the 16 residues at least twice: the derived answer is the replayed one.
      for (let size = byReplay - 40; size <= byReplay + 40; size++) {
        assert.equal(need.fits(size), replay(size), `arena of ${size} bytes`);
      }
    });
  }
}

test('sizes far below the minimum do not fit, and the minimum itself does', () => {
  const model = readTflite(buildKwsDsCnnInt8());
  const limits = resolveLimits();
  const need = new SizeNeed();
  simulateAllocateTensors(model, 'tflm-cmsis-nn', { arenaSize: limits.maxArena, continueOnFailure: true, limits, sizeNeed: need });
  const min = analyzeTflmMemory(model, 'tflm-cmsis-nn').minArenaBytes;
  for (const size of [0, 1, 16, Math.floor(min / 2)]) assert.equal(need.fits(size), false, `${size} bytes`);
  assert.equal(need.fits(min), true);
});
