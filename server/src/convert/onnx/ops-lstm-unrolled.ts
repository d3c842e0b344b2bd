/**
 * An ONNX LSTM whose state is part of the model's interface (a streaming model such as Silero VAD passes h and c in
 * and reads them back out) unrolled over its fixed sequence into ops TFLM and the quantizer run: per step and gate a
 * FULLY_CONNECTED of the input (both biases summed) and one of the previous state, ADD, LOGISTIC / TANH, then
 * C = f*C + i*g and H = o*tanh(C). TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM keeps its state in variables, zeroed before
 * the first run, and outputs neither final state, so it cannot take these.
 */
import type { TensorRef } from '../../model/builder/index.js';
import { ConvertError } from '../types.js';
import { count, describe, unsupported, where, type Const, type Ctx, type Value } from './context.js';
import type { OnnxNode } from './reader.js';

/** Beyond this many steps the unrolled ops would be more op table than network. */
const MAX_STEPS = 256;
/** ONNX's gate order in W, R and B. */
const GATES = ['i', 'o', 'f', 'c'] as const;

/** The LSTM with its initial state `h0`/`c0` (a value, or null for zeros), all outputs as the ONNX node gives them. */
export function unrolledLstm(ctx: Ctx, node: OnnxNode, x: { ref: TensorRef; shape: readonly number[] }, w: Const, r: Const, b: Const | null, hidden: number): void {
  const [steps, batch, features] = x.shape as [number, number, number];
  if (steps > MAX_STEPS) throw unsupported(node, `${steps} time steps to unroll with a state input or Y_c output (at most ${MAX_STEPS})`, 'a shorter sequence');
  const em = ctx.em;
  const name = node.name;
  const state = (k: number, what: string): TensorRef | null => {
    if (!ctx.has(node, k)) return null;
    const v: Value = ctx.get(node, k);
    if (v.shape.length !== 3 || v.shape[0] !== 1 || v.shape[1] !== batch || v.shape[2] !== hidden) throw new ConvertError('bad-model', where(node), `${what} is [${v.shape.join(',')}], expected [1,${batch},${hidden}]`);
    if (v.kind === 'const') return v.data.every((d) => d === 0) ? null : em.float(`${name}_${what}`, [batch, hidden], v.data);
    const plain = ctx.toPlain(v, node);
    return em.op('RESHAPE', [plain.ref, em.int32(`${name}_${what}_shape`, [2], [batch, hidden])], `${name}_${what}_2d`, [batch, hidden], { newShape: [batch, hidden] });
  };
  let h = state(5, 'initial_h');
  let c = state(6, 'initial_c');
  const gateW = (m: Const, cols: number, g: number, what: string): TensorRef =>
    em.float(`${name}_${what}_${GATES[g]}`, [hidden, cols], m.data.subarray(g * hidden * cols, (g + 1) * hidden * cols));
  const gateB = (g: number): TensorRef => {
    const sum = new Float32Array(hidden);
    if (b) for (let u = 0; u < hidden; u++) sum[u] = b.data[g * hidden + u]! + b.data[(4 + g) * hidden + u]!;
    return em.float(`${name}_bias_${GATES[g]}`, [hidden], sum);
  };
  const wIn = GATES.map((_, g) => gateW(w, features, g, 'W'));
  const wRec = GATES.map((_, g) => gateW(r, hidden, g, 'R'));
  const bias = GATES.map((_, g) => gateB(g));
  const shape = [batch, hidden];
  const fc = (input: TensorRef, weights: TensorRef, biasRef: TensorRef | null, out: string): TensorRef =>
    em.op('FULLY_CONNECTED', [input, weights, biasRef], out, shape, { fusedActivationFunction: 'NONE', keepNumDims: false });
  const op = (kind: string, inputs: TensorRef[], out: string): TensorRef =>
    em.op(kind, inputs, out, shape, kind === 'ADD' || kind === 'MUL' ? { fusedActivationFunction: 'NONE' } : undefined);
  const states: TensorRef[] = [];
  for (let t = 0; t < steps; t++) {
    const s = `${name}_t${t}`;
    const xt = steps === 1
      ? em.op('RESHAPE', [x.ref, em.int32(`${s}_x_shape`, [2], [batch, features])], `${s}_x`, [batch, features], { newShape: [batch, features] })
      : em.op('STRIDED_SLICE', [x.ref, em.int32(`${s}_x_begin`, [3], [t, 0, 0]), em.int32(`${s}_x_end`, [3], [t + 1, batch, features]), em.int32(`${s}_x_strides`, [3], [1, 1, 1])],
        `${s}_x`, [batch, features], { shrinkAxisMask: 1 });
    const gate = (g: number, act: 'LOGISTIC' | 'TANH'): TensorRef => {
      const fromX = fc(xt, wIn[g]!, bias[g]!, `${s}_${GATES[g]}_x`);
      const sum = h ? op('ADD', [fromX, fc(h, wRec[g]!, null, `${s}_${GATES[g]}_h`)], `${s}_${GATES[g]}_sum`) : fromX;
      return op(act, [sum], `${s}_${GATES[g]}`);
    };
    const [i, o, f, g] = [gate(0, 'LOGISTIC'), gate(1, 'LOGISTIC'), gate(2, 'LOGISTIC'), gate(3, 'TANH')];
    const ig = op('MUL', [i, g], `${s}_ig`);
    c = c ? op('ADD', [op('MUL', [f, c], `${s}_fc`), ig], `${s}_c`) : ig;
    h = op('MUL', [o, op('TANH', [c], `${s}_c_tanh`)], `${s}_h`);
    states.push(h);
  }
  ctx.note(`${describe(node)} unrolled over its ${steps} step(s) (${hidden} units): its state is an input or output of the model, which TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM cannot take`);
  const [yName = '', hName = '', cName = ''] = node.outputs;
  const reshaped = (ref: TensorRef, out: string, to: number[]): void => {
    ctx.set(out, { kind: 'act', ref: em.op('RESHAPE', [ref, em.int32(`${out}_shape`, [to.length], to)], out, to, { newShape: to }), shape: to, nchw: false });
  };
  if (yName) {
    const ys = [steps, 1, batch, hidden];
    if (count(ys) === 0) throw new ConvertError('bad-model', where(node), 'an empty sequence');
    const packed = steps === 1 ? states[0]! : em.op('PACK', states, `${yName}_packed`, [steps, batch, hidden], { valuesCount: steps, axis: 0 });
    reshaped(packed, yName, ys);
  }
  if (hName) reshaped(h!, hName, [1, batch, hidden]);
  if (cName) reshaped(c!, cName, [1, batch, hidden]);
}
