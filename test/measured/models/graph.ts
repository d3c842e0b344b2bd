/**
 * Whole-graph features rather than single ops: a WHILE loop (three subgraphs on one time axis), resource variables,
 * an OfflineMemoryAllocation plan, an input that is also an output, and the project's bundled example models.
 */
import {
  buildIfModel, buildKwsDsCnnInt8, buildSineFloat, ModelBuilder,
} from '../../../server/src/model/builder/index.js';
import { BATCH1_SEED, F, I8, oneSubgraph, Q, streamAt } from './common.js';
import { conv } from './conv.js';

const NO_ACTIVATION = { fusedActivationFunction: 'NONE' } as const;

/** WHILE i < 10: (i + 1, x + x), then MUL with the loop's input: branch tensors share the main graph's time axis. */
export function whileLoop(): Uint8Array {
  const m = new ModelBuilder();
  const main = m.subgraph('main');
  const cond = m.subgraph('cond');
  const body = m.subgraph('body');
  {
    const i = cond.input({ name: 'i', shape: [1], dtype: 'INT32' });
    cond.input(F('x', [2, 3]));
    const lim = cond.constant({ name: 'lim', shape: [1], dtype: 'INT32', data: [10] });
    cond.output(cond.op('LESS', { inputs: [i, lim], output: { name: 'c', shape: [1], dtype: 'BOOL' }, options: {} }));
  }
  {
    const i = body.input({ name: 'i', shape: [1], dtype: 'INT32' });
    const x = body.input(F('x', [2, 3]));
    const one = body.constant({ name: 'one', shape: [1], dtype: 'INT32', data: [1] });
    const i2 = body.op('ADD', { inputs: [i, one], output: { name: 'i2', shape: [1], dtype: 'INT32' }, options: NO_ACTIVATION });
    const x2 = body.op('ADD', { inputs: [x, x], output: F('x2', [2, 3]), options: NO_ACTIVATION });
    body.output(i2, x2);
  }
  const i0 = main.input({ name: 'i0', shape: [1], dtype: 'INT32' });
  const x0 = main.input(F('x0', [2, 3]));
  const outs = main.op('WHILE', {
    inputs: [i0, x0], outputs: [{ name: 'i_out', shape: [1], dtype: 'INT32' }, F('x_out', [2, 3])],
    options: { condSubgraphIndex: cond.index, bodySubgraphIndex: body.index },
  });
  const y = main.op('MUL', { inputs: [outs[1]!, x0], output: F('y', [2, 3]), options: NO_ACTIVATION });
  main.output(y);
  return m.finish();
}

/**
 * VAR_HANDLE / ASSIGN_VARIABLE / READ_VARIABLE. A plain MicroInterpreter has no ResourceVariables, so VAR_HANDLE's
 * Prepare fails: the model is measured as unsupported.
 */
export function resourceVariables(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('in', [1, 4]));
    const h = g.op('VAR_HANDLE', { inputs: [], output: { name: 'h', shape: [], dtype: 'RESOURCE' } });
    g.op('ASSIGN_VARIABLE', { inputs: [h, x], outputs: [] });
    return [g.op('READ_VARIABLE', { inputs: [h], output: F('r', [1, 4]) })];
  });
}

/**
 * int8 conv -> conv -> max pool with OfflineMemoryAllocation metadata: the input at 0, c1's output at 256, c2's
 * output back at 0 (the input is dead by then), the pool output at 768, leaving a hole the greedy planner would fill.
 */
export function offlinePlan(): Uint8Array {
  const rng = streamAt(BATCH1_SEED, 3228);
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input(I8('in', [1, 8, 8, 4], Q(-1, 1))); // tensor 0, 256 B
  const c = conv(g, rng, x, 'c1', { ch: 8, k: [3, 3], s: [1, 1], pad: 'SAME' }); // weights 1, bias 2, output 3 (512 B)
  const d = conv(g, rng, c, 'c2', { ch: 8, k: [3, 3], s: [2, 2], pad: 'SAME' }); // weights 4, bias 5, output 6 (128 B)
  const mp = g.op('MAX_POOL_2D', {
    inputs: [d], output: I8('mp', [1, 2, 2, 8], d.quant!),
    options: { padding: 'VALID', strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 'NONE' },
  }); // tensor 7, 32 B
  g.output(mp);
  m.offlineMemoryAllocation([[0, -1, -1, 256, -1, -1, 0, 768]]);
  return m.finish();
}

/** A model input that is also a model output: one tensor index in both the input and the output list. */
export function inputAlsoOutput(): Uint8Array {
  return oneSubgraph((g) => {
    const x = g.input(F('x', [4, 4]));
    const r = g.op('RELU', { inputs: [x], output: F('r', [4, 4]) });
    return [r, x];
  });
}

/** examples/kws_dscnn_int8.tflite (scripts/make-examples.ts builds it the same way). */
export const kwsDsCnnInt8 = (): Uint8Array => buildKwsDsCnnInt8(1);
/** examples/sine_float.tflite. */
export const sineFloat = (): Uint8Array => buildSineFloat(1);
/** examples/if_less_add_mul.tflite. */
export const ifLessAddMul = (): Uint8Array => buildIfModel();
