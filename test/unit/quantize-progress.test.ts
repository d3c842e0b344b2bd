/**
 * Progress and cancellation of a quantization: the core reports every sample run and stops between two samples when
 * asked; the CLI draws a progress bar only on a terminal (a fake stream with isTTY here) and never with --quiet.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { run } from '../../server/src/cli/main.js';
import { progressBar, type ProgressStream } from '../../server/src/cli/progress.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { QuantizeError, quantizeModel, randomSamples, type QuantizeProgress } from '../../server/src/quantize/index.js';

const sinePath = resolve(__dirname, '../../examples/sine_float.tflite');
const sine = readTflite(new Uint8Array(readFileSync(sinePath)));
const samples = randomSamples([[1, 1]], 5, 0, 6, 2);

test('quantizeModel reports each sample run in order: calibrating 5, measuring 5, then done = total', () => {
  const seen: QuantizeProgress[] = [];
  quantizeModel(sine, samples, 'int8', { onProgress: (p) => seen.push(p) });
  assert.deepEqual(seen.map((p) => [p.phase, p.sample, p.done]), [
    ['calibrating', 1, 0], ['calibrating', 2, 1], ['calibrating', 3, 2], ['calibrating', 4, 3], ['calibrating', 5, 4],
    ['measuring', 1, 5], ['measuring', 2, 6], ['measuring', 3, 7], ['measuring', 4, 8], ['measuring', 5, 9],
    ['measuring', 5, 10],
  ]);
  assert.ok(seen.every((p) => p.total === 10 && p.samples === 5));
});

test('isCancelled stops the quantization before the next sample with a cancelled QuantizeError', () => {
  let runs = 0;
  assert.throws(
    () => quantizeModel(sine, samples, 'int8', { onProgress: () => runs++, isCancelled: () => runs >= 3 }),
    (e: unknown) => e instanceof QuantizeError && e.code === 'cancelled' && /3 of 10 sample runs/.test(e.message),
  );
  assert.equal(runs, 3, 'no sample ran after the cancellation was seen');
});

test('progress and the outputs are the same with and without a progress listener (the int8 model is bit-identical)', () => {
  const plain = quantizeModel(sine, samples, 'int8');
  const watched = quantizeModel(sine, samples, 'int8', { onProgress: () => undefined });
  assert.deepEqual(watched.bytes, plain.bytes);
  assert.deepEqual(watched.int8Error, plain.int8Error);
});

/** A fake standard error: records what is written; `isTTY` as given. */
function fakeStream(isTTY: boolean): ProgressStream & { text: string } {
  return { isTTY, columns: 100, text: '', write(s: string) { this.text += s; return true; } };
}

test('the CLI draws the bar on a terminal, erases it before the summary, and prints nothing on a pipe or with --quiet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-quantize-progress-'));
  const quantize = (out: string, stream: ProgressStream, ...extra: string[]) => {
    let text = '';
    const code = run(['quantize', sinePath, '--out', join(dir, out), '--random', '4', '--range=0,6', ...extra], (s) => { text += `${s}\n`; }, (s) => { text += `${s}\n`; }, stream);
    return { code, text };
  };
  const tty = fakeStream(true);
  const shown = quantize('a.tflite', tty);
  assert.equal(shown.code, 0, shown.text);
  assert.match(tty.text, /\r\[#*\.*\] \d+% calibrating sample 1\/4/);
  assert.match(tty.text, /100% measuring sample 4\/4/);
  assert.ok(tty.text.endsWith('\r\x1b[K'), 'the bar is erased at the end');
  assert.doesNotMatch(shown.text, /calibrating sample/, 'the bar never reaches stdout');
  const pipe = fakeStream(false);
  assert.equal(quantize('b.tflite', pipe).code, 0);
  assert.equal(pipe.text, '');
  const quiet = fakeStream(true);
  assert.equal(quantize('c.tflite', quiet, '--quiet').code, 0);
  assert.equal(quiet.text, '');
  assert.equal(run(['analyze', sinePath, '--quiet'], () => undefined, () => undefined), 2, '--quiet is an option of quantize only');
});

test('a failed quantization erases the bar and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-quantize-progress-'));
  const tty = fakeStream(true);
  const out = join(dir, 'never.tflite');
  const bar = progressBar(tty, false, () => 0);
  bar!.update({ phase: 'calibrating', sample: 1, samples: 2, done: 0, total: 4 });
  bar!.end();
  assert.match(tty.text, /^\r\[\.+\] 0% calibrating sample 1\/2 \(0\.0 s\)\x1b\[K\r\x1b\[K$/);
  // An int8 model cannot be quantized: exit 1, no file, and the terminal line is clean.
  const kws = resolve(__dirname, '../../examples/kws_dscnn_int8.tflite');
  const stream = fakeStream(true);
  assert.equal(run(['quantize', kws, '--out', out, '--random', '2'], () => undefined, () => undefined, stream), 1);
  assert.equal(existsSync(out), false);
  assert.equal(stream.text, '');
});
