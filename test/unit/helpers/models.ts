/** Small models built with the project's model builder, shared by tests that need the same case. */
import { ModelBuilder } from '../../../server/src/model/builder/index.js';

/** One float POW: an op TFLM registers no kernel for, so the model cannot run on any TFLM kernel set. */
export function powModel(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  g.output(g.op('POW', { inputs: [x, x], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' } }));
  return m.finish();
}
