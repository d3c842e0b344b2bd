import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cli } from './helpers/cli.js';

const root = resolve(__dirname, '../..');
const kws = join(root, 'examples/kws_dscnn_int8.tflite');

// A board with measured power (20 mW at 100 MHz), from a temp catalog so the figures do not depend on bundled data.
const catalog = join(mkdtempSync(join(tmpdir(), 'tinyml-battery-')), 'tinyml-targets.json');
writeFileSync(catalog, JSON.stringify({ mcus: [{
  id: 'powered-board', aliases: [], displayName: 'Powered board', vendor: 'Me', boards: '', core: 'cortex-m4f', clockMHz: 100,
  sramKiB: 512, largestSramKiB: null, flashKiB: 2048, fpu: 'sp', dsp: true, helium: false, npu: null,
  activePowerMw: { typical: 20, low: 18, high: 24, atMHz: 100 }, notes: '', source: 'bench measurement',
}] }));
const target = ['analyze', kws, '--catalog', catalog, '--target', 'powered-board'];

test('--battery-mah and --inferences-per-day add battery days to the JSON, by hand: capacity / daily energy', () => {
  const r = cli(...target, '--battery-mah', '1000', '--inferences-per-day', '1440', '--sleep-uw', '5', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  const uJ = doc.energy.uJ as number;
  assert.ok(uJ > 0);
  // 1000 mAh at 3.0 V (the default) = 3.6 C/mAh x 1000 x 3 V = 10800 J. A day: 1440 inferences + 5 uW x 86400 s.
  const perDayJ = (1440 * uJ + 5 * 86400) / 1e6;
  assert.ok(Math.abs(doc.battery.days - 10800 / perDayJ) < 1e-6 * doc.battery.days, `${doc.battery.days} vs ${10800 / perDayJ}`);
  assert.ok(doc.battery.lowDays < doc.battery.days && doc.battery.days < doc.battery.highDays);
  assert.deepEqual(
    [doc.battery.batteryMah, doc.battery.batteryVolts, doc.battery.inferencesPerDay, doc.battery.sleepUw],
    [1000, 3, 1440, 5],
  );
  // Twice the voltage, twice the days; without the options, no battery.
  const v6 = JSON.parse(cli(...target, '--battery-mah', '1000', '--inferences-per-day', '1440', '--sleep-uw', '5', '--battery-volts', '6', '--format', 'json').out);
  assert.ok(Math.abs(v6.battery.days / doc.battery.days - 2) < 1e-9);
  assert.equal(JSON.parse(cli(...target, '--format', 'json').out).battery, null);
});

test('the text output gains a battery line; a board without measured power says unknown', () => {
  const r = cli(...target, '--battery-mah', '225', '--inferences-per-day', '24');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^battery\s+~[\d.]+ days \([\d.]+ to [\d.]+\) on 225 mAh at 3 V, 24 inferences\/day, sleep 0 uW$/m);
  assert.doesNotMatch(cli(...target).out, /^battery/m);
  const bare = cli('analyze', kws, '--target', 'cortex-m4f', '--clock', '64MHz', '--battery-mah', '225', '--inferences-per-day', '24');
  assert.equal(bare.code, 0, bare.err);
  assert.match(bare.out, /^battery\s+unknown \(the target has no measured active power\)/m);
  const json = JSON.parse(cli('analyze', kws, '--target', 'cortex-m4f', '--clock', '64MHz', '--battery-mah', '225', '--inferences-per-day', '24', '--format', 'json').out);
  assert.equal(json.battery, null);
});

test('battery options are checked: numbers, both required, only with analyze --target', () => {
  const bad: [string[], RegExp][] = [
    [[...target, '--battery-mah', '1000'], /need --inferences-per-day/],
    [[...target, '--inferences-per-day', '10'], /need --battery-mah/],
    [[...target, '--battery-mah', 'lots', '--inferences-per-day', '10'], /--battery-mah needs a positive number/],
    [[...target, '--battery-mah', '0', '--inferences-per-day', '10'], /--battery-mah needs a positive number/],
    [[...target, '--battery-mah', '100', '--inferences-per-day', '10', '--sleep-uw', '-1'], /--sleep-uw/],
    [['analyze', kws, '--battery-mah', '100', '--inferences-per-day', '10'], /need --target/],
    [['fit', kws, '--battery-mah', '100', '--inferences-per-day', '10'], /for analyze --target/],
  ];
  for (const [args, reason] of bad) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, reason);
  }
  assert.match(cli('--help').out, /--battery-volts V\s+the battery's nominal voltage \(default 3\.0/);
});
