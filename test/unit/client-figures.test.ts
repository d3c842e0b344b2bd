import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assumptionText, overLimit } from '../../client/src/cost-profile/figures.js';

type A = Parameters<typeof assumptionText>[0];
const a = (kind: A['kind'], unit: string, value: A['value']): A => ({ key: 'k', label: 'l', kind, unit, perLink: false, value, fromManifest: false, source: 's' });

test('assumptions are shown in human units, never as raw base units or scientific notation', () => {
  assert.equal(assumptionText(a('bytes', 'B', 2 ** 30)), '1 GiB');
  assert.equal(assumptionText(a('energy', 'J', 2.87e-5)), '28.7 uJ');
  assert.equal(assumptionText(a('time', 's', 0.15)), '150 ms');
  assert.equal(assumptionText(a('integer', '/day', 1440)), '1,440 /day');
  assert.equal(assumptionText(a('number', 'USD/GB-s', 0.0000166667)), '0.0000167 USD/GB-s');
  assert.equal(assumptionText(a('string', '', 'ble')), 'ble');
  assert.equal(assumptionText(a('integer', 'B', null)), 'unknown');
});

test('a need is over when it breaks the budget or the board, whichever is smaller', () => {
  assert.equal(overLimit({ needBytes: 100, budgetBytes: 200, targetBytes: 90 }), true);
  assert.equal(overLimit({ needBytes: 100, budgetBytes: 90, targetBytes: null }), true);
  assert.equal(overLimit({ needBytes: 100, budgetBytes: null, targetBytes: null }), false);
  assert.equal(overLimit({ needBytes: 100, budgetBytes: 100, targetBytes: 128 }), false);
});
