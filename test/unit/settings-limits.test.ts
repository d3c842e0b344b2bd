import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisOptions, readSettings, sameSettings } from '../../server/src/lsp/settings.ts';
import { DEFAULT_LIMITS, LIMIT_CEILINGS } from '../../server/src/model/limits.ts';

const MIB = 1024 * 1024;

test('tinymlLens.limits: each bound set is read in the core unit, clamped; unset, invalid or default ones are left out', () => {
  assert.deepEqual(readSettings({ limits: { maxWork: 5000, maxDepth: 8, maxMemoryMb: 64, maxArenaMb: 2 } }).limits, { maxWork: 5000, maxDepth: 8, maxMemory: 64 * MIB, maxArena: 2 * MIB });
  assert.deepEqual(readSettings({ limits: { maxWork: 'lots', maxDepth: null, maxMemoryMb: Number.NaN } }).limits, {});
  assert.deepEqual(readSettings({}).limits, {});
  assert.deepEqual(readSettings({ limits: { maxWork: DEFAULT_LIMITS.maxWork, maxArenaMb: DEFAULT_LIMITS.maxArena / MIB } }).limits, {});
  const clamped = readSettings({ limits: { maxWork: 1, maxDepth: 1e9, maxMemoryMb: 1e9, maxArenaMb: 1e9 } }).limits;
  assert.equal(clamped.maxWork, 1000);
  assert.equal(clamped.maxDepth, LIMIT_CEILINGS.maxDepth);
  assert.equal(clamped.maxMemory, LIMIT_CEILINGS.maxMemory);
  assert.ok(clamped.maxArena !== undefined && clamped.maxArena <= LIMIT_CEILINGS.maxArena);
});

test('the limits are job options and part of what makes two settings differ', () => {
  const a = readSettings({ limits: { maxDepth: 8 } });
  const b = readSettings({ limits: { maxDepth: 9 } });
  assert.deepEqual(analysisOptions(a), { limits: { maxDepth: 8 } });
  assert.deepEqual(analysisOptions(readSettings({ analysisTimeoutSeconds: 5 })), { timeoutSeconds: 5 });
  assert.equal(sameSettings(a, b), false);
  assert.equal(sameSettings(a, readSettings({ limits: { maxDepth: 8 } })), true);
});
