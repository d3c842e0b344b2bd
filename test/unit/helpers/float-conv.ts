/** A float model whose quantization takes long enough to be cancelled half-way (protocol and e2e tests). */
import { ModelBuilder, SeededRandom } from '../../../server/src/model/builder/index.ts';

/**
 * A float 3x3 convolution (SAME, RELU) on 1 x size x size x 16 into 32 channels: at the default size 64, about
 * 19M multiply-adds a sample, so a calibration of hundreds of samples is still running when it is cancelled.
 */
export function floatConvModel(size = 64): Uint8Array {
  const rng = new SeededRandom(4);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, size, size, 16], dtype: 'FLOAT32' });
  const w = g.constant({ name: 'w', shape: [32, 3, 3, 16], dtype: 'FLOAT32', data: rng.uniformArray(32 * 9 * 16, -0.2, 0.2) });
  const b = g.constant({ name: 'b', shape: [32], dtype: 'FLOAT32', data: rng.uniformArray(32, -0.1, 0.1) });
  g.output(g.op('CONV_2D', { inputs: [x, w, b], output: { name: 'y', shape: [1, size, size, 32], dtype: 'FLOAT32' }, options: { padding: 'SAME', strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' } }));
  return m.finish();
}
