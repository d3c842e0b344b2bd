import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';

const kws = join(tempDir(), 'kws.tflite');
writeFileSync(kws, buildKwsDsCnnInt8());

test('analyze --target without --runtime uses the board runtime fit picks, and says so', () => {
  const text = cli('analyze', kws, '--target', 'esp32s3');
  assert.equal(text.code, 0);
  assert.match(text.out, /^runtime\s+tflm-esp-nn$/m);
  assert.match(text.out, /Runtime tflm-esp-nn chosen for ESP32-S3/);
  assert.doesNotMatch(text.out, /^latency\s+unknown/m);
  const json = JSON.parse(cli('analyze', kws, '--target', 'esp32s3', '--format', 'json').out) as { runtime: string; runtimeChosenBy: string };
  assert.deepEqual([json.runtime, json.runtimeChosenBy], ['tflm-esp-nn', 'target']);
  const given = JSON.parse(cli('analyze', kws, '--target', 'esp32s3', '--runtime', 'tflm-reference', '--format', 'json').out) as { runtime: string; runtimeChosenBy: string };
  assert.deepEqual([given.runtime, given.runtimeChosenBy], ['tflm-reference', 'option']);
});

test('usage errors print the reason and one help line, not the whole help', () => {
  for (const args of [['analyze', kws, '--runtime', 'tflm-cmsis'], ['analyze', kws, '--no-such-flag'], ['frobnicate', kws]]) {
    const r = cli(...args);
    assert.equal(r.code, 2);
    assert.deepEqual(r.err.trim().split('\n').length, 2, r.err);
    assert.match(r.err, /\nsee tinyml-lens --help\n$/);
  }
});

test('unknown runtimes and targets get a did-you-mean', () => {
  assert.match(cli('analyze', kws, '--runtime', 'tflm-cmsis').err, /did you mean 'tflm-cmsis-nn'\?/);
  assert.match(cli('fit', kws, '--runtime', 'ethosu').err, /did you mean 'ethos-u'\?/);
  assert.match(cli('analyze', kws, '--target', 'nrf52480').err, /unknown target 'nrf52480' \(did you mean 'nrf52840'/);
  assert.doesNotMatch(cli('analyze', kws, '--target', 'zzzzzzzzzzzz').err, /did you mean/);
});
