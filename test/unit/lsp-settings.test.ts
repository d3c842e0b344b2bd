import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readSettings, sameSettings } from '../../server/src/lsp/settings.ts';

test('readSettings takes the client section and falls back on anything unusable', () => {
  assert.deepEqual(readSettings({ defaultRuntime: 'ethos-u', defaultTarget: ' nrf52840 ', safetyMargin: 15 }), { defaultRuntime: 'ethos-u', defaultTarget: 'nrf52840', safetyMargin: 15, analysisTimeoutSeconds: null, analysisMemoryMb: null, limits: {} });
  assert.deepEqual(readSettings(null), DEFAULT_SETTINGS);
  assert.deepEqual(readSettings('garbage'), DEFAULT_SETTINGS);
  assert.deepEqual(readSettings({ defaultRuntime: 3, defaultTarget: '', safetyMargin: 'ten' }), DEFAULT_SETTINGS);
  assert.equal(readSettings({ safetyMargin: -5 }).safetyMargin, 0);
  assert.equal(readSettings({ safetyMargin: 1e9 }).safetyMargin, 100);
  assert.equal(readSettings({ safetyMargin: Number.NaN }).safetyMargin, 0);
  assert.equal(readSettings({ analysisTimeoutSeconds: 5 }).analysisTimeoutSeconds, 5);
  assert.equal(readSettings({ analysisTimeoutSeconds: 0 }).analysisTimeoutSeconds, 1);
  assert.equal(readSettings({ analysisTimeoutSeconds: 'long' }).analysisTimeoutSeconds, null);
  assert.equal(readSettings({ analysisMemoryMb: 1 }).analysisMemoryMb, 64);
});

test('sameSettings compares every field', () => {
  assert.ok(sameSettings(DEFAULT_SETTINGS, readSettings({})));
  assert.ok(!sameSettings(DEFAULT_SETTINGS, readSettings({ safetyMargin: 1 })));
  assert.ok(!sameSettings(DEFAULT_SETTINGS, readSettings({ defaultTarget: 'rp2040' })));
});
