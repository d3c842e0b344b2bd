import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { parseNpy, QuantizeError, samplesFromFile } from '../../server/src/quantize/index.js';
import { cli } from './helpers/cli.js';
import { npy } from './helpers/npy.js';

const root = resolve(__dirname, '../..');
const sine = join(root, 'examples/sine_float.tflite');
const kwsInt8 = join(root, 'examples/kws_dscnn_int8.tflite');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tinyml-quantize-'));
}

test('quantize --data DIR calibrates on .npy and .bin samples, writes an int8 model and prints the summary', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'));
  for (let k = 0; k < 8; k++) writeFileSync(join(dir, 'data', `s${k}.npy`), npy([1, 1], [k * 0.8]));
  writeFileSync(join(dir, 'data', 'extra.bin'), new Uint8Array(Float32Array.of(3.1).buffer));
  writeFileSync(join(dir, 'data', 'notes.txt'), 'ignored');
  const out = join(dir, 'sine_int8.tflite');
  const r = cli('quantize', sine, '--out', out, '--data', join(dir, 'data'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /calibration: 9 samples from/);
  assert.match(r.out, /^input {2}'input' INT8 \[1,1\]: int8 scale/m);
  assert.match(r.out, /FULLY_CONNECTED/);
  assert.match(r.out, /top-1|max .*, mean/);
  assert.match(r.out, /model size .* -> /);
  assert.match(r.out, /tensor arena .*tflm-reference\)/);
  assert.match(r.out, /tensor arena .*tflm-cmsis-nn\)/);
  const model = readTflite(new Uint8Array(readFileSync(out)));
  const input = model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!;
  assert.equal(input.dtype, 'INT8');
  // The range [0, 5.6] of the samples sets the input scale.
  assert.equal(input.quantization!.scale[0], Math.fround(5.6 / 255));
});

test('quantize --random is labelled lower quality; an existing output is not replaced without --force', () => {
  const dir = tempDir();
  const out = join(dir, 'q.tflite');
  const first = cli('quantize', sine, '--out', out, '--random', '5', '--range=-1,1', '--io', 'float32');
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /5 random samples uniform in \[-1, 1\) - lower quality/);
  writeFileSync(out, 'keep me');
  const again = cli('quantize', sine, '--out', out, '--random', '5');
  assert.equal(again.code, 2);
  assert.match(again.err, /not overwriting .*q\.tflite \(use --force/);
  assert.equal(readFileSync(out, 'utf8'), 'keep me');
  assert.equal(cli('quantize', sine, '--out', out, '--random', '5', '--force').code, 0);
  assert.notEqual(readFileSync(out, 'utf8'), 'keep me');
});

test('an unsupported op exits 1 naming the op and the layer; an int8 model exits 1', () => {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  const y = g.op('RELU', { inputs: [x], output: { name: 'r', shape: [1, 4], dtype: 'FLOAT32' } });
  g.output(g.op('EXP', { inputs: [y], output: { name: 'e', shape: [1, 4], dtype: 'FLOAT32' } }));
  const dir = tempDir();
  writeFileSync(join(dir, 'exp.tflite'), m.finish());
  const r = cli('quantize', join(dir, 'exp.tflite'), '--out', join(dir, 'q.tflite'), '--random', '2');
  assert.equal(r.code, 1);
  assert.match(r.err, /layer 1 \(EXP -> 'e'\): EXP is not supported by the quantizer/);
  assert.ok(!existsSync(join(dir, 'q.tflite')));
  const int8 = cli('quantize', kwsInt8, '--out', join(dir, 'k.tflite'), '--random', '2');
  assert.equal(int8.code, 1);
  assert.match(int8.err, /quantize takes a float32 model/);
});

test('bad calibration data exits 2 with the file and the reason', () => {
  const dir = tempDir();
  const out = join(dir, 'q.tflite');
  const missing = cli('quantize', sine, '--out', out, '--data', join(dir, 'nope'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /data folder .*nope does not exist/);
  mkdirSync(join(dir, 'empty'));
  assert.match(cli('quantize', sine, '--out', out, '--data', join(dir, 'empty')).err, /holds no \.npy or \.bin files/);
  mkdirSync(join(dir, 'wrong'));
  writeFileSync(join(dir, 'wrong', 'a.npy'), npy([1, 3], [1, 2, 3]));
  const shape = cli('quantize', sine, '--out', out, '--data', join(dir, 'wrong'));
  assert.equal(shape.code, 2);
  assert.match(shape.err, /a\.npy: shape \(1, 3\) does not match the model input \[1, 1\]/);
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'a.bin'), new Uint8Array(6));
  assert.match(cli('quantize', sine, '--out', out, '--data', join(dir, 'bin')).err, /a\.bin: 6 bytes, one float32 sample of the input \[1, 1\] is 4/);
  assert.ok(!existsSync(out));
});

test('quantize usage errors exit 2', () => {
  for (const args of [
    ['quantize', sine, '--random', '3'],
    ['quantize', sine, '--out', 'x.tflite'],
    ['quantize', sine, '--out', 'x.tflite', '--random', '3', '--data', 'd'],
    ['quantize', sine, '--out', 'x.tflite', '--random', '0'],
    ['quantize', sine, '--out', 'x.tflite', '--random', '3', '--range', '1,0'],
    ['quantize', sine, '--out', 'x.tflite', '--random', '3', '--io', 'int16'],
    ['analyze', sine, '--random', '3'],
  ]) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /tinyml-lens: /);
  }
});

test('.npy parsing: batches along the first axis, float64, and located errors', () => {
  assert.deepEqual(samplesFromFile('b.npy', npy([3, 2], [1, 2, 3, 4, 5, 6]), [1, 2]).map((s) => Array.from(s)), [[1, 2], [3, 4], [5, 6]]);
  const f64 = npy([2], [0, 0]);
  assert.equal(parseNpy(f64, 'x').shape.join(), '2');
  const bad = (bytes: Uint8Array, pattern: RegExp): void => {
    assert.throws(() => parseNpy(bytes, 'f.npy'), (e: unknown) => e instanceof QuantizeError && e.code === 'bad-data' && pattern.test(e.message));
  };
  bad(new Uint8Array(20), /not a \.npy file/);
  bad(npy([2], [1, 2], '<i4'), /dtype '<i4' is not supported/);
  bad(npy([3], [1, 2]), /needs 12 data bytes, the file holds 8/);
  assert.throws(() => samplesFromFile('n.npy', npy([1, 1], [Number.NaN]), [1, 1]), /value 0 is NaN/);
});
