import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { buildOnnx, compareWithOrt, node, randomValues, type GraphSpec } from './helpers/onnx-models.js';

// skl2onnx's LogisticRegression: LinearClassifier -> Normalizer(L1) -> ZipMap. The L1 normalization is the identity
// on rows that already sum to 1 (softmax, or a binary classifier's two logistics of (-s, s)), which is what
// onnxruntime must agree with; one-vs-rest logistics are refused at the Normalizer.

function logreg(coefficients: number[], intercepts: number[], labels: number[], post: string): GraphSpec {
  return {
    inputs: [{ name: 'x', shape: [3, 4] }], outputs: [{ name: 'label', elemType: 7 }, { name: 'probabilities' }], mlOpset: 1,
    nodes: [
      node('LinearClassifier', ['x'], ['label', 'scores'], { coefficients: { floats: coefficients }, intercepts: { floats: intercepts }, classlabels_ints: labels, post_transform: post }, 'ai.onnx.ml'),
      node('Normalizer', ['scores'], ['probabilities'], { norm: 'L1' }, 'ai.onnx.ml'),
    ],
  };
}

test('Normalizer L1 after a softmax LinearClassifier is dropped, and the probabilities match onnxruntime', async () => {
  const r = await compareWithOrt(buildOnnx(logreg(Array.from(randomValues(12, 3)), Array.from(randomValues(3, 4)), [0, 1, 2], 'SOFTMAX')));
  assert.ok(r.maxRelError <= 1e-5, `${r.maxRelError}`);
  assert.ok(r.conversion.notes.some((n) => /Normalizer .* dropped/.test(n)), r.conversion.notes.join('\n'));
});

test('Normalizer L1 after a binary LinearClassifier written as two rows (-w, w) with LOGISTIC is dropped, matching onnxruntime', async () => {
  const w = Array.from(randomValues(4, 5));
  const r = await compareWithOrt(buildOnnx(logreg([...w.map((v) => -v), ...w], [-0.25, 0.25], [0, 1], 'LOGISTIC')));
  assert.ok(r.maxRelError <= 1e-5, `${r.maxRelError}`);
});

test('Normalizer L1 of one-vs-rest logistics (rows not summing to 1) is refused at the Normalizer, naming what it would need', () => {
  const g = logreg(Array.from(randomValues(12, 3)), Array.from(randomValues(3, 4)), [0, 1, 2], 'LOGISTIC');
  assert.throws(() => convertOnnx({ format: 'onnx', name: 'ovr.onnx', bytes: buildOnnx(g) }), (e: unknown) =>
    e instanceof ConvertError && e.code === 'unsupported-op' && /Normalizer/.test(e.where) && /SUM and DIV/.test(e.message));
});
