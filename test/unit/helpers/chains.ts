/**
 * Models for the scaling figures: a chain of `n` int8 ADDs (each adds a constant to the previous activation), and the
 * same chain with skip connections (every op also adds the activation `skip` steps back, so more buffers are live at
 * once). Built with the project's model builder, in memory.
 */
import { ModelBuilder, type TensorRef } from '../../../server/src/model/builder/index.js';

const quant = { scale: [0.05], zeroPoint: [0] };

/** A chain of `n` ADDs on a [1, width] int8 activation; with `skip` > 0 each op adds the output `skip` ops back. */
export function addChain(n: number, skip = 0, width = 64): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, width], dtype: 'INT8', quant });
  const c = g.constant({ name: 'c', shape: [1, width], dtype: 'INT8', quant, data: new Int8Array(width).fill(1) });
  const outs: TensorRef[] = [x];
  for (let i = 0; i < n; i++) {
    const prev = outs[outs.length - 1]!;
    const other = skip > 0 && outs.length > skip ? outs[outs.length - 1 - skip]! : c;
    outs.push(g.op('ADD', { inputs: [prev, other], output: { name: `a${i}`, shape: [1, width], dtype: 'INT8', quant } }));
  }
  g.output(outs[outs.length - 1]!);
  return m.finish();
}
