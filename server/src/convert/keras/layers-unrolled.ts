/**
 * SimpleRNN and GRU, which TFLM has no builtin for, unrolled over the (fixed) sequence into ops it runs and the int8
 * quantizer takes: one FULLY_CONNECTED for the input projection of every step at once, then per step a
 * STRIDED_SLICE of it, a FULLY_CONNECTED of the previous state, and the gates as LOGISTIC / TANH / MUL / ADD / SUB.
 * The state starts at zero (Keras' non-stateful layers), so step 0 has no recurrent product. Keras keeps the gates
 * side by side: GRU `kernel` [in, 3u] and `recurrent_kernel` [u, 3u] in the order z (update), r (reset), h; with
 * reset_after (Keras 2.x / 3 default) `bias` is [2, 3u] (input and recurrent biases) and r multiplies the recurrent
 * product, else `bias` is [3u] and r multiplies the state before it.
 */
import { ConvertError } from '../types.js';
import type { Value } from './emit.js';
import type { KNode } from './graph.js';
import { activationName, at, bool, int, unsupported, type LayerContext } from './context.js';
import { transpose } from './layers-conv.js';

/** A long sequence unrolls into this many ops per step; beyond it the model would be more op table than network. */
const MAX_STEPS = 1024;

/** TFLM's CONCATENATION refuses more inputs than this (concatenation.cc, kMaxInputNum). */
const CONCAT_MAX = 10;

const ACT: Readonly<Record<string, string | null>> = { tanh: 'TANH', sigmoid: 'LOGISTIC', relu: 'RELU', linear: null };

function sequenceInput(node: KNode, x: Value): [number, number] {
  if (x.shape.length !== 3) throw new ConvertError('bad-model', at(node), `expects a [batch, time, features] input, gets [${x.shape.join(', ')}]`);
  for (const key of ['go_backwards', 'stateful', 'return_state', 'time_major']) if (bool(node, key, false)) throw unsupported(node, `${key}=True`);
  const steps = x.shape[1]!;
  if (steps > MAX_STEPS) throw unsupported(node, `${steps} time steps to unroll (at most ${MAX_STEPS})`, 'a shorter sequence');
  return [steps, x.shape[2]!];
}

/** The input projection of all steps, [1, T, n] (weights `kernel` [F, n]), and a slicer of step t's [1, n] row. */
function projectSteps(c: LayerContext, node: KNode, x: Value, kernel: Float32Array, bias: Float32Array, n: number): (t: number, name: string) => Value {
  const [steps, features] = [x.shape[1]!, x.shape[2]!];
  const w = c.e.constant(`${node.id}/input_weights`, [n, features], transpose(kernel, [features, n], [1, 0]));
  const proj = c.e.op('FULLY_CONNECTED', `${node.id}/input_projection`, [x.ref, w, c.e.constant(`${node.id}/input_bias`, [n], bias)], [1, steps, n], { fusedActivationFunction: 'NONE', keepNumDims: true });
  return (t, name) => c.e.op('STRIDED_SLICE', name, [proj.ref, c.e.ints(`${name}/begin`, [3], [0, t, 0]), c.e.ints(`${name}/end`, [3], [1, t + 1, n]), c.e.ints(`${name}/strides`, [3], [1, 1, 1])], [1, n], { shrinkAxisMask: 2 });
}

/** The states of every step as the layer's output: the last one, or all of them ([1, T, u]). */
function sequenceOutput(c: LayerContext, node: KNode, states: readonly Value[], units: number): Value {
  if (!bool(node, 'return_sequences', false)) return states[states.length - 1]!;
  let rows = states.map((h, t) => c.e.reshape(h, [1, 1, units], `${node.id}/h${t}_row`));
  // TFLM's CONCATENATION takes at most 10 inputs (kMaxInputNum): longer sequences are joined in groups of 10.
  for (let level = 0; rows.length > 1; level++) {
    const groups: Value[] = [];
    for (let k = 0; k < rows.length; k += CONCAT_MAX) {
      const part = rows.slice(k, k + CONCAT_MAX);
      const length = part.reduce((n, r) => n + r.shape[1]!, 0);
      groups.push(part.length === 1 ? part[0]! : c.e.op('CONCATENATION', rows.length <= CONCAT_MAX ? node.id : `${node.id}/rows${level}_${k}`, part.map((r) => r.ref), [1, length, units], { axis: 1, fusedActivationFunction: 'NONE' }));
    }
    rows = groups;
  }
  return rows[0]!;
}

export function simpleRnn(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const [steps, features] = sequenceInput(node, x!);
  const act = activationName(node.config.activation ?? 'tanh');
  if (!(act in ACT)) throw unsupported(node, `activation '${act}'`, 'tanh, sigmoid, relu or linear');
  const units = int(node, 'units', 1);
  const useBias = bool(node, 'use_bias', true);
  const [kernel, recurrent, bias] = c.w.take(node, useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'], [[features, units], [units, units], [units]]);
  const step = projectSteps(c, node, x!, kernel!, bias ?? new Float32Array(units), units);
  const u = c.e.constant(`${node.id}/recurrent_weights`, [units, units], transpose(recurrent!, [units, units], [1, 0]));
  const none = c.e.constant(`${node.id}/recurrent_bias`, [units], new Float32Array(units));
  const apply = (v: Value, name: string): Value => (ACT[act] ? c.e.op(ACT[act]!, name, [v.ref], [1, units]) : v);
  const states: Value[] = [];
  for (let t = 0; t < steps; t++) {
    let pre = step(t, `${node.id}/x${t}`);
    if (t > 0) {
      const rec = c.e.op('FULLY_CONNECTED', `${node.id}/r${t}`, [states[t - 1]!.ref, u, none], [1, units], { fusedActivationFunction: 'NONE' });
      pre = c.e.op('ADD', `${node.id}/pre${t}`, [pre.ref, rec.ref], [1, units], { fusedActivationFunction: 'NONE' });
    }
    states.push(apply(pre, `${node.id}/h${t}`));
  }
  c.notes.push(`SimpleRNN '${node.id}' unrolled over ${steps} steps (FULLY_CONNECTED, ADD, ${ACT[act] ?? 'no activation'})`);
  return sequenceOutput(c, node, states, units);
}

export function gru(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const [steps, features] = sequenceInput(node, x!);
  const act = activationName(node.config.activation ?? 'tanh');
  const rec = activationName(node.config.recurrent_activation ?? 'sigmoid');
  if (act !== 'tanh') throw unsupported(node, `activation '${act}'`, "activation='tanh'");
  if (rec !== 'sigmoid') throw unsupported(node, `recurrent_activation '${rec}'`, "recurrent_activation='sigmoid'");
  const units = int(node, 'units', 1);
  const useBias = bool(node, 'use_bias', true);
  const resetAfter = bool(node, 'reset_after', true);
  const biasShape = resetAfter ? [2, 3 * units] : [3 * units];
  const [kernel, recurrent, bias] = c.w.take(node, useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'], [[features, 3 * units], [units, 3 * units], biasShape]);
  const inBias = bias ? bias.subarray(0, 3 * units) : new Float32Array(3 * units);
  const recBias = bias && resetAfter ? bias.subarray(3 * units, 6 * units) : new Float32Array(3 * units);
  const step = projectSteps(c, node, x!, kernel!, inBias, 3 * units);
  const uT = transpose(recurrent!, [units, 3 * units], [1, 0]); // [3u, u]: gate g's rows g*u .. (g+1)*u
  const shape = [1, units];
  const op = (name: string, id: string, inputs: readonly Value[]): Value => c.e.op(name, id, inputs.map((v) => v.ref), shape, name === 'ADD' || name === 'SUB' || name === 'MUL' ? { fusedActivationFunction: 'NONE' } : undefined);
  const constant = (id: string, data: Float32Array): Value => ({ ref: c.e.constant(id, [units], data), shape: [units] });
  // With reset_after the three recurrent products are one FULLY_CONNECTED; without, z and r are, and h's comes after r.
  const recZr = c.e.constant(`${node.id}/recurrent_weights_zr`, [2 * units, units], uT.subarray(0, 2 * units * units));
  const recH = c.e.constant(`${node.id}/recurrent_weights_h`, [units, units], uT.subarray(2 * units * units));
  const recAll = c.e.constant(`${node.id}/recurrent_weights`, [3 * units, units], uT);
  const recBiasAll = c.e.constant(`${node.id}/recurrent_bias`, [3 * units], recBias);
  const zeroBias = (n: number, id: string) => c.e.constant(id, [n], new Float32Array(n));
  const states: Value[] = [];
  for (let t = 0; t < steps; t++) {
    const id = `${node.id}/t${t}`;
    const [xz, xr, xh] = c.e.ops('SPLIT', `${id}/x`, [c.e.ints(`${id}/axis`, [], [1]), step(t, `${id}/x`).ref], [shape, shape, shape], { numSplits: 3 });
    const prev = states[t - 1];
    let rz: Value, rr: Value, rh: Value | null;
    if (!prev) {
      [rz, rr, rh] = [0, 1, 2].map((g) => constant(`${id}/rb${g}`, recBias.slice(g * units, (g + 1) * units))) as [Value, Value, Value];
      if (!resetAfter) rh = null;
    } else if (resetAfter) {
      const r = c.e.op('FULLY_CONNECTED', `${id}/recurrent`, [prev.ref, recAll, recBiasAll], [1, 3 * units], { fusedActivationFunction: 'NONE' });
      [rz, rr, rh] = c.e.ops('SPLIT', `${id}/r`, [c.e.ints(`${id}/raxis`, [], [1]), r.ref], [shape, shape, shape], { numSplits: 3 }) as [Value, Value, Value];
    } else {
      const r = c.e.op('FULLY_CONNECTED', `${id}/recurrent`, [prev.ref, recZr, zeroBias(2 * units, `${id}/rzb`)], [1, 2 * units], { fusedActivationFunction: 'NONE' });
      [rz, rr] = c.e.ops('SPLIT', `${id}/r`, [c.e.ints(`${id}/raxis`, [], [1]), r.ref], [shape, shape], { numSplits: 2 }) as [Value, Value];
      rh = null;
    }
    const z = op('LOGISTIC', `${id}/z`, [op('ADD', `${id}/zs`, [xz!, rz])]);
    const r = op('LOGISTIC', `${id}/rg`, [op('ADD', `${id}/rs`, [xr!, rr])]);
    let hsum: Value;
    if (resetAfter) hsum = op('ADD', `${id}/hs`, [xh!, op('MUL', `${id}/rh`, [r, rh!])]);
    else if (prev) hsum = op('ADD', `${id}/hs`, [xh!, c.e.op('FULLY_CONNECTED', `${id}/rhp`, [op('MUL', `${id}/rprev`, [r, prev]).ref, recH, zeroBias(units, `${id}/rhb`)], shape, { fusedActivationFunction: 'NONE' })]);
    else hsum = xh!;
    const hh = op('TANH', `${id}/hh`, [hsum]);
    // h = z * prev + (1 - z) * hh = hh + z * (prev - hh); with prev = 0, hh - z * hh.
    states.push(prev ? op('ADD', `${id}/h`, [hh, op('MUL', `${id}/zd`, [z, op('SUB', `${id}/d`, [prev, hh])])]) : op('SUB', `${id}/h`, [hh, op('MUL', `${id}/zh`, [z, hh])]));
  }
  c.notes.push(`GRU '${node.id}' unrolled over ${steps} steps (FULLY_CONNECTED, SPLIT, LOGISTIC, TANH, MUL, ADD, SUB; reset_after=${resetAfter ? 'True' : 'False'})`);
  return sequenceOutput(c, node, states, units);
}

/**
 * An LSTM whose activation is not tanh (TFLM's LSTM kernel computes tanh only), unrolled: per step
 * z = x W + h U + b split into i, f, g, o (Keras' order), c = sigmoid(f) c + sigmoid(i) act(g), h = sigmoid(o) act(c).
 */
export function lstmUnrolled(c: LayerContext, node: KNode, [x]: readonly Value[]): Value {
  const [steps, features] = sequenceInput(node, x!);
  const act = activationName(node.config.activation ?? 'tanh');
  const opOf = ACT[act];
  if (opOf === undefined) throw unsupported(node, `activation '${act}'`, 'tanh, sigmoid, relu or linear');
  const units = int(node, 'units', 1);
  const useBias = bool(node, 'use_bias', true);
  const [kernel, recurrent, bias] = c.w.take(node, useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'], [[features, 4 * units], [units, 4 * units], [4 * units]]);
  const step = projectSteps(c, node, x!, kernel!, bias ?? new Float32Array(4 * units), 4 * units);
  const u = c.e.constant(`${node.id}/recurrent_weights`, [4 * units, units], transpose(recurrent!, [units, 4 * units], [1, 0]));
  const none = c.e.constant(`${node.id}/recurrent_bias`, [4 * units], new Float32Array(4 * units));
  const shape = [1, units];
  const op = (name: string, id: string, inputs: readonly Value[]): Value => c.e.op(name, id, inputs.map((v) => v.ref), shape, name === 'ADD' || name === 'MUL' ? { fusedActivationFunction: 'NONE' } : undefined);
  const apply = (v: Value, id: string): Value => (opOf ? op(opOf, id, [v]) : v);
  const states: Value[] = [];
  let cell: Value | null = null;
  for (let t = 0; t < steps; t++) {
    const id = `${node.id}/t${t}`;
    let z = step(t, `${id}/x`);
    const prev = states[t - 1];
    if (prev) z = c.e.op('ADD', `${id}/z`, [z.ref, c.e.op('FULLY_CONNECTED', `${id}/recurrent`, [prev.ref, u, none], [1, 4 * units], { fusedActivationFunction: 'NONE' }).ref], [1, 4 * units], { fusedActivationFunction: 'NONE' });
    const [i, f, g, o] = c.e.ops('SPLIT', `${id}/gates`, [c.e.ints(`${id}/axis`, [], [1]), z.ref], [shape, shape, shape, shape], { numSplits: 4 }) as [Value, Value, Value, Value];
    const input = op('MUL', `${id}/ig`, [op('LOGISTIC', `${id}/i`, [i]), apply(g, `${id}/g`)]);
    cell = cell ? op('ADD', `${id}/c`, [op('MUL', `${id}/fc`, [op('LOGISTIC', `${id}/f`, [f]), cell]), input]) : input;
    states.push(op('MUL', `${id}/h`, [op('LOGISTIC', `${id}/o`, [o]), apply(cell, `${id}/ca`)]));
  }
  c.notes.push(`LSTM '${node.id}' (activation '${act}', which TFLM's LSTM kernel does not compute) unrolled over ${steps} steps`);
  return sequenceOutput(c, node, states, units);
}
