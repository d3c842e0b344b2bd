/**
 * LSTM as TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM (batch-major, no peepholes, no projection), as TFLite's converter
 * fuses a Keras LSTM: Keras keeps the gates side by side in `kernel` `[in, 4 * units]` and `recurrent_kernel`
 * `[units, 4 * units]` in the order input, forget, cell, output; TFLite takes one `[units, in]` / `[units, units]`
 * matrix and one bias per gate. The hidden and cell states are variable tensors (zero at the start of each run, as
 * Keras' non-stateful LSTM). Without return_sequences the last step is sliced out (STRIDED_SLICE). Another activation
 * than tanh is unrolled (layers-unrolled.ts): TFLM's kernel computes tanh only.
 */
import { ConvertError } from '../types.js';
import type { Value } from './emit.js';
import type { KNode } from './graph.js';
import { activationName, at, bool, int, unsupported, type LayerContext } from './context.js';
import { transpose } from './layers-conv.js';
import { lstmUnrolled } from './layers-unrolled.js';

export function lstm(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  if (x!.shape.length !== 3) throw new ConvertError('bad-model', at(node), `expects a [batch, time, features] input, gets [${x!.shape.join(', ')}]`);
  const act = activationName(node.config.activation ?? 'tanh');
  const rec = activationName(node.config.recurrent_activation ?? 'sigmoid');
  if (rec !== 'sigmoid') throw unsupported(node, `recurrent_activation '${rec}' (TFLM's LSTM kernel computes the sigmoid)`, "recurrent_activation='sigmoid'");
  for (const key of ['go_backwards', 'stateful', 'return_state', 'time_major']) {
    if (bool(node, key, false)) throw unsupported(node, `${key}=True`);
  }
  if (act !== 'tanh') return lstmUnrolled(c, node, [x!]);
  const units = int(node, 'units', 1);
  const [, steps, features] = x!.shape as [number, number, number];
  const useBias = bool(node, 'use_bias', true);
  const names = useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'];
  const [kernel, recurrent, bias] = c.w.take(node, names, [[features, 4 * units], [units, 4 * units], [4 * units]]);
  // [in, 4u] -> [4u, in]: gate g's matrix is rows g*u .. (g+1)*u.
  const wi = transpose(kernel!, [features, 4 * units], [1, 0]);
  const wr = transpose(recurrent!, [units, 4 * units], [1, 0]);
  const gates = ['input', 'forget', 'cell', 'output'];
  const inputW = gates.map((g, k) => c.e.constant(`${node.id}/input_to_${g}_weights`, [units, features], wi.subarray(k * units * features, (k + 1) * units * features)));
  const recW = gates.map((g, k) => c.e.constant(`${node.id}/recurrent_to_${g}_weights`, [units, units], wr.subarray(k * units * units, (k + 1) * units * units)));
  const biases = gates.map((g, k) => c.e.constant(`${node.id}/${g}_gate_bias`, [units], bias ? bias.subarray(k * units, (k + 1) * units) : new Float32Array(units)));
  const h = c.e.g.variable({ name: `${node.id}/output_state`, shape: [1, units], dtype: 'FLOAT32' });
  const cell = c.e.g.variable({ name: `${node.id}/cell_state`, shape: [1, units], dtype: 'FLOAT32' });
  const sequences = bool(node, 'return_sequences', false);
  const y = c.e.op('UNIDIRECTIONAL_SEQUENCE_LSTM', sequences ? node.id : `${node.id}/sequence`,
    [x!.ref, ...inputW, ...recW, null, null, null, ...biases, null, null, h, cell, null, null, null, null], [1, steps, units],
    { fusedActivationFunction: 'TANH', cellClip: 0, projClip: 0, timeMajor: false });
  c.notes.push(`LSTM '${node.id}' as UNIDIRECTIONAL_SEQUENCE_LSTM${sequences ? '' : ' + STRIDED_SLICE of the last step'}`);
  if (sequences) return y;
  const begin = c.e.ints(`${node.id}/begin`, [3], [0, steps - 1, 0]);
  const end = c.e.ints(`${node.id}/end`, [3], [1, steps, units]);
  const strides = c.e.ints(`${node.id}/strides`, [3], [1, 1, 1]);
  return c.e.op('STRIDED_SLICE', node.id, [y.ref, begin, end, strides], [1, units], { shrinkAxisMask: 2 });
}
