/**
 * TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM (no peephole, no projection, zero initial state) computed from a converted
 * model's own constants, independently of the float interpreter's kernel (server/src/quantize/kernels-rnn.ts), to check both:
 * i, f, o = sigmoid(W x + R h + b), g = tanh(...), c = f c + i g, h = o tanh(c). Batch and time-major as the op says.
 */
import type { Model } from '../../../server/src/model/ir.js';
import { constantValues } from '../../../server/src/quantize/tensors.js';

/** The op's whole output sequence, in its own layout ([time, batch, units] time-major, else [batch, time, units]). */
export function runTfliteLstm(model: Model, x: Float32Array, opIndex = 0): Float32Array {
  const g = model.subgraphs[0]!;
  const op = g.operators.filter((o) => o.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM')[opIndex]!;
  const constant = (k: number): Float32Array => constantValues(model, g.tensors[op.inputs[k]!]!);
  const wi = [1, 2, 3, 4].map(constant);
  const wr = [5, 6, 7, 8].map(constant);
  const b = [12, 13, 14, 15].map(constant);
  const units = b[0]!.length;
  const shape = g.tensors[op.inputs[0]!]!.shape;
  const timeMajor = op.options.timeMajor === true;
  const [steps, batch, features] = (timeMajor ? shape : [shape[1], shape[0], shape[2]]) as [number, number, number];
  const out = new Float32Array(steps * batch * units);
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  for (let n = 0; n < batch; n++) {
    let h = new Float32Array(units);
    const cell = new Float32Array(units);
    for (let t = 0; t < steps; t++) {
      const xAt = timeMajor ? (t * batch + n) * features : (n * steps + t) * features;
      const gate = (k: number, u: number): number => {
        let s = b[k]![u]!;
        for (let j = 0; j < features; j++) s += wi[k]![u * features + j]! * x[xAt + j]!;
        for (let j = 0; j < units; j++) s += wr[k]![u * units + j]! * h[j]!;
        return s;
      };
      const next = new Float32Array(units);
      for (let u = 0; u < units; u++) {
        cell[u] = sig(gate(1, u)) * cell[u]! + sig(gate(0, u)) * Math.tanh(gate(2, u));
        next[u] = sig(gate(3, u)) * Math.tanh(cell[u]!);
      }
      h = next;
      out.set(h, timeMajor ? (t * batch + n) * units : (n * steps + t) * units);
    }
  }
  return out;
}
