import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOnnx, compareWithOrt, node, randomValues } from './helpers/onnx-models.js';

// paddle2onnx writes a Clip's bounds as Constant nodes after the Add whose output the Clip reads (PaddleOCR's
// hard-swish blocks); the Add's fusion looks at the Clip's operands before the walk reaches those Constants.
test('Constant nodes placed after the op that fuses their consumer: the Clip still fuses (RELU6) and matches onnxruntime', async () => {
  const f = (v: number) => ({ t: { name: 'v', dims: [], data: [v] } });
  const r = await compareWithOrt(buildOnnx({
    inputs: [{ name: 'x', shape: [1, 4, 3, 3] }], outputs: [{ name: 'y' }],
    inits: [{ name: 'w', dims: [4, 4, 1, 1], data: randomValues(16, 3) }],
    nodes: [
      node('Conv', ['x', 'w'], ['c']),
      node('Constant', [], ['three'], { value: f(3) }),
      node('Add', ['c', 'three'], ['a']),
      node('Constant', [], ['lo'], { value: f(0) }),
      node('Constant', [], ['hi'], { value: f(6) }),
      node('Clip', ['a', 'lo', 'hi'], ['y']),
    ],
  }), 1, 2, [-4, 4]);
  assert.ok(r.maxRelError <= 1e-5, `max relative error ${r.maxRelError}`);
  assert.equal(r.conversion.notes.some((n) => /Clip .* fused .* RELU6/.test(n)), true, r.conversion.notes.join('\n'));
});
