import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASSUMPTIONS } from '../../server/src/analysis/cost/inputs.js';
import { CLOUD_FIELDS } from '../../server/src/manifest/keys.js';
import { parseManifest } from '../../server/src/manifest/parse.js';

test('every cost-profile assumption is a known cloud: key of the same kind (so Edit never adds a flagged key)', () => {
  assert.deepEqual(Object.keys(CLOUD_FIELDS).sort(), ASSUMPTIONS.map((a) => a.key).sort());
  for (const a of ASSUMPTIONS) {
    const v = CLOUD_FIELDS[a.key]!.value;
    const kind = v.type === 'quantity' ? v.kind : v.type;
    const expected = { time: 'time', energy: 'energy', bytes: 'bytes' }[a.kind as string] ?? a.kind;
    assert.equal(kind, expected, a.key);
  }
});

test('cloud: numbers, integers and quantities parse; a negative price or a bad unit is reported', () => {
  const ok = parseManifest('model: m.tflite\ncloud: {price_gb_second: 0.0000166667, fleet_size: 1000, rtt: 120ms}\n');
  assert.deepEqual(ok.problems, []);
  const bad = parseManifest('model: m.tflite\ncloud: {price_gb_second: -1, rtt: 120 parsecs, fleet_size: 2.5}\n');
  assert.deepEqual(bad.problems.map((p) => [p.code, 'path' in p ? p.path : '']).sort(), [['bad-unit', 'cloud.rtt'], ['wrong-type', 'cloud.fleet_size'], ['wrong-type', 'cloud.price_gb_second']]);
});
