/** Models for the hostile-input tests (issue 14), built with the project's builder: sizes and nesting at the limits. */
import { ModelBuilder } from '../../../server/src/model/builder/index.js';

/**
 * Subgraph i runs CALL_ONCE on subgraph i + 1, `calls` times, for `levels` levels (the last subgraph is empty);
 * subgraph 0 also has a RELU. Control flow `levels` deep, walked `calls ^ levels` times.
 */
export function callOnceTower(levels: number, calls: number): Uint8Array {
  const m = new ModelBuilder();
  const graphs = Array.from({ length: levels + 1 }, (_, i) => m.subgraph(`sg${i}`));
  const x = graphs[0]!.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  graphs[0]!.output(graphs[0]!.op('RELU', { inputs: [x], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' } }));
  for (let i = 0; i < levels; i++) {
    for (let c = 0; c < calls; c++) graphs[i]!.op('CALL_ONCE', { inputs: [], outputs: [], options: { initSubgraphIndex: i + 1 } });
  }
  return m.finish();
}

/** MAXIMUM of two int8 inputs of `elements` each: an arena of about three times that, in a file of a few hundred bytes. */
export function wideMaximum(elements: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.input({ name: 'a', shape: [1, elements], dtype: 'INT8' });
  const b = g.input({ name: 'b', shape: [1, elements], dtype: 'INT8' });
  g.output(g.op('MAXIMUM', { inputs: [a, b], output: { name: 'y', shape: [1, elements], dtype: 'INT8' } }));
  return m.finish();
}

/** A RESHAPE of a STRING input: a type TFLM cannot allocate. */
export function stringReshape(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const s = g.input({ name: 's', shape: [2], dtype: 'STRING' });
  g.output(g.op('RESHAPE', { inputs: [s], output: { name: 'r', shape: [2], dtype: 'STRING' } }));
  return m.finish();
}
