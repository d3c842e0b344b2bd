import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fitSine } from '../../server/src/model/builder/sine-fit.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter } from '../../server/src/quantize/interpreter.js';

const root = join(__dirname, '..', '..');

test('the bundled sine example computes sin(x) on [0, 2pi] (fitted weights, not random ones)', () => {
  const model = readTflite(new Uint8Array(readFileSync(join(root, 'examples', 'sine_float.tflite'))));
  const interpreter = new Interpreter(model);
  let worst = 0;
  // points between the training grid's, so this checks the function, not the 32 points it was fitted on
  for (let i = 0; i <= 100; i++) {
    const x = (2 * Math.PI * i) / 100;
    const [y] = interpreter.run([Float32Array.of(x)]);
    worst = Math.max(worst, Math.abs(y![0]! - Math.sin(x)));
  }
  assert.ok(worst < 0.1, `largest error ${worst}`);
});

test('the sine fit is deterministic: the same seed gives the same weights, another seed other ones', () => {
  const a = fitSine(3);
  const b = fitSine(3);
  assert.deepEqual(a.layers.map((l) => [...l.weights]), b.layers.map((l) => [...l.weights]));
  assert.notDeepEqual(fitSine(4).layers[0]!.weights, a.layers[0]!.weights);
  assert.ok(a.mse < 0.01, `mse ${a.mse}`);
});
