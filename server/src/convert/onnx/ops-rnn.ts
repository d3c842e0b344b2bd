/**
 * ONNX LSTM as TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM (no peepholes, no projection), as PyTorch exports `nn.LSTM`: ONNX
 * keeps the four gates stacked in `W` `[dirs, 4h, in]`, `R` `[dirs, 4h, h]` in the order input, output, forget, cell,
 * and two biases (`Wb`, `Rb`) in `B` `[dirs, 8h]`; TFLite takes one `[h, in]` / `[h, h]` matrix and one bias (their
 * sum) per gate, in the order input, forget, cell, output. The states are variable tensors, zero at the start of each
 * run, so an initial state must be absent or constant zeros; an LSTM whose state is a model input or whose Y_c is read
 * is unrolled instead (ops-lstm-unrolled.ts). One LSTM op per layer: PyTorch's stacked layers are
 * separate ONNX LSTM nodes.
 */
import { ConvertError } from '../types.js';
import { axisOf, count, describe, unsupported, where, type Const, type Ctx } from './context.js';
import { unrolledLstm } from './ops-lstm-unrolled.js';
import type { OnnxNode } from './reader.js';

/** ONNX gate index (i, o, f, c) of TFLite's gate k (input, forget, cell, output). */
const ONNX_GATE = [0, 2, 3, 1] as const;
const TFLITE_GATES = ['input', 'forget', 'cell', 'output'] as const;

/** The optional constant input `k`, which must be all zeros (what TFLM's zeroed state variables hold). */
function zeroState(ctx: Ctx, node: OnnxNode, k: number, what: string): void {
  if (!ctx.has(node, k)) return;
  const v = ctx.get(node, k);
  if (v.kind !== 'const') throw unsupported(node, `the ${what} is computed at run time`, 'a zero initial state (TFLM starts every run from zeroed state variables)');
  if (v.data.some((x) => x !== 0)) throw unsupported(node, `a non-zero ${what}`, 'a zero initial state (TFLM starts every run from zeroed state variables)');
}

function attrsOk(ctx: Ctx, node: OnnxNode): void {
  const direction = ctx.str(node, 'direction', 'forward');
  if (direction !== 'forward') throw unsupported(node, `direction '${direction}'`, "direction 'forward' (UNIDIRECTIONAL_SEQUENCE_LSTM; a reversed or bidirectional LSTM has no TFLM builtin)");
  const acts = ctx.attr(node, 'activations')?.strings ?? [];
  const want = ['Sigmoid', 'Tanh', 'Tanh'];
  acts.forEach((a, k) => {
    if (a.toLowerCase() !== want[k % 3]!.toLowerCase()) throw unsupported(node, `activation '${a}' (TFLM's LSTM kernel computes sigmoid gates and tanh)`, `activations ${want.join(', ')}`);
  });
  if (ctx.attr(node, 'clip')) throw unsupported(node, 'clip (cell clipping on the gate inputs, which TFLM does not do)', 'no clip');
  if (ctx.int(node, 'input_forget', 0) !== 0) throw unsupported(node, 'input_forget=1 (coupled input and forget gates)', 'input_forget=0');
  if (ctx.has(node, 7)) {
    const p = ctx.get(node, 7);
    if (p.kind !== 'const' || p.data.some((x) => x !== 0)) throw unsupported(node, 'peephole weights P', 'no peepholes');
  }
}

function lengthsOk(ctx: Ctx, node: OnnxNode, steps: number, batch: number): void {
  if (!ctx.has(node, 4)) return;
  const lens = ctx.get(node, 4);
  if (lens.kind !== 'const' || lens.data.length !== batch || lens.data.some((v) => v !== steps)) {
    throw unsupported(node, 'sequence_lens shorter than the sequence (TFLM runs every step of every batch entry)', `no sequence_lens, or all ${steps}`);
  }
}

export function convertLstm(ctx: Ctx, node: OnnxNode): void {
  attrsOk(ctx, node);
  const x = ctx.toPlain(ctx.actOf(node, 0), node);
  if (x.shape.length !== 3) throw new ConvertError('bad-model', where(node), `X is [${x.shape.join(',')}], not [seq, batch, input]`);
  const batchFirst = ctx.int(node, 'layout', 0) === 1;
  const [steps, batch, features] = (batchFirst ? [x.shape[1], x.shape[0], x.shape[2]] : x.shape) as [number, number, number];
  const w = ctx.constOf(node, 1, 'W');
  const r = ctx.constOf(node, 2, 'R');
  const h = w.shape[1]! / 4;
  const hidden = ctx.int(node, 'hidden_size', h);
  const expect = (c: Const, shape: number[], what: string): void => {
    if (c.shape.length !== shape.length || c.shape.some((d, k) => d !== shape[k])) throw new ConvertError('bad-model', where(node), `${what} is [${c.shape.join(',')}], expected [${shape.join(',')}]`);
  };
  expect(w, [1, 4 * hidden, features], 'W');
  expect(r, [1, 4 * hidden, hidden], 'R');
  const b = ctx.has(node, 3) ? ctx.constOf(node, 3, 'B') : null;
  if (b) expect(b, [1, 8 * hidden], 'B');
  lengthsOk(ctx, node, steps, batch);
  const [yName = '', hName = '', cName = ''] = node.outputs;
  const used = (n: string): boolean => n !== '' && (ctx.isOutput(n) || ctx.consumersOf(n).length > 0);
  const runtimeState = [5, 6].some((k) => ctx.has(node, k) && (ctx.get(node, k).kind === 'act' || (ctx.get(node, k) as Const).data.some((v) => v !== 0)));
  if (runtimeState || used(cName)) {
    if (batchFirst) throw unsupported(node, 'a batch-first LSTM with a state input or a Y_c output', 'layout 0');
    return unrolledLstm(ctx, node, x, w, r, b, hidden);
  }
  zeroState(ctx, node, 5, 'initial_h');
  zeroState(ctx, node, 6, 'initial_c');

  const seqShape = batchFirst ? [batch, steps, hidden] : [steps, batch, hidden];
  if (count(seqShape) === 0 || !Number.isInteger(hidden)) throw new ConvertError('bad-model', where(node), `an empty sequence or state: [${seqShape.join(',')}]`);
  const em = ctx.em;
  const gate = (m: Const, cols: number, k: number, what: string): ReturnType<typeof em.float> => {
    const g = ONNX_GATE[k]!;
    return em.float(`${node.name}_${what}_to_${TFLITE_GATES[k]}_weights`, [hidden, cols], m.data.subarray(g * hidden * cols, (g + 1) * hidden * cols));
  };
  const inputW = TFLITE_GATES.map((_, k) => gate(w, features, k, 'input'));
  const recW = TFLITE_GATES.map((_, k) => gate(r, hidden, k, 'recurrent'));
  const biases = TFLITE_GATES.map((name, k) => {
    const g = ONNX_GATE[k]!;
    const sum = new Float32Array(hidden);
    if (b) for (let u = 0; u < hidden; u++) sum[u] = b.data[g * hidden + u]! + b.data[(4 + g) * hidden + u]!;
    return em.float(`${node.name}_${name}_gate_bias`, [hidden], sum);
  });
  const hState = em.graph.variable({ name: em.name(`${node.name}_output_state`), shape: [batch, hidden], dtype: 'FLOAT32' });
  const cState = em.graph.variable({ name: em.name(`${node.name}_cell_state`), shape: [batch, hidden], dtype: 'FLOAT32' });
  const y = em.op('UNIDIRECTIONAL_SEQUENCE_LSTM', [x.ref, ...inputW, ...recW, null, null, null, ...biases, null, null, hState, cState, null, null, null, null],
    `${yName || node.name}_sequence`, seqShape, { fusedActivationFunction: 'TANH', cellClip: 0, projClip: 0, timeMajor: !batchFirst });
  ctx.note(`${describe(node)} as UNIDIRECTIONAL_SEQUENCE_LSTM (${steps} steps, ${hidden} units, ${batchFirst ? 'batch' : 'time'}-major; gates reordered, the two biases summed)`);
  const reshape = (ref: typeof y, name: string, shape: number[]): typeof y => em.op('RESHAPE', [ref, em.int32(`${name}_shape`, [shape.length], shape)], name, shape, { newShape: shape });
  if (used(yName)) {
    // Y is [seq, dirs=1, batch, h] (layout 0) or [batch, seq, dirs=1, h]: the same elements in the same order.
    const shape = batchFirst ? [batch, steps, 1, hidden] : [steps, 1, batch, hidden];
    ctx.set(yName, { kind: 'act', ref: reshape(y, yName, shape), shape, nchw: false });
  }
  if (used(hName)) {
    const t = batchFirst ? 1 : 0;
    const begin = [0, 0, 0];
    begin[t] = steps - 1;
    const end = [...seqShape];
    const last = em.op('STRIDED_SLICE', [y, em.int32(`${hName}_begin`, [3], begin), em.int32(`${hName}_end`, [3], end), em.int32(`${hName}_strides`, [3], [1, 1, 1])],
      `${hName}_last`, [batch, hidden], { shrinkAxisMask: 1 << t });
    const shape = batchFirst ? [batch, 1, hidden] : [1, batch, hidden];
    ctx.set(hName, { kind: 'act', ref: reshape(last, hName, shape), shape, nchw: false });
  }
}

/**
 * Gather of an activation by constant indices (PyTorch's `y[-1]`, `x[:, [0, 2]]`): a scalar index is a
 * STRIDED_SLICE that drops the axis, a list of indices a GATHER.
 */
export function convertGather(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.toPlain(ctx.actOf(node, 0), node);
  const idx = ctx.constOf(node, 1, 'indices');
  const rank = x.shape.length;
  const axis = axisOf(node, ctx.int(node, 'axis', 0), rank);
  const dim = x.shape[axis]!;
  const list = Array.from(idx.data, (v) => (v < 0 ? v + dim : v));
  if (list.some((v) => !Number.isInteger(v) || v < 0 || v >= dim)) throw new ConvertError('bad-model', where(node), `an index is outside the ${dim} entries of axis ${axis}`);
  if (idx.shape.length > 1) throw unsupported(node, `rank-${idx.shape.length} indices`, 'a scalar or a list of indices');
  const out = node.outputs[0]!;
  const em = ctx.em;
  if (idx.shape.length === 0) {
    const begin = new Array<number>(rank).fill(0);
    begin[axis] = list[0]!;
    const end = [...x.shape];
    end[axis] = list[0]! + 1;
    const shape = x.shape.filter((_, k) => k !== axis);
    const ref = em.op('STRIDED_SLICE', [x.ref, em.int32(`${out}_begin`, [rank], begin), em.int32(`${out}_end`, [rank], end), em.int32(`${out}_strides`, [rank], new Array<number>(rank).fill(1))],
      out, shape, { shrinkAxisMask: 1 << axis });
    ctx.set(out, { kind: 'act', ref, shape, nchw: false, nonNegative: x.nonNegative });
    return;
  }
  const shape = x.shape.map((d, k) => (k === axis ? list.length : d));
  const ref = em.op('GATHER', [x.ref, em.int32(`${out}_indices`, [list.length], list)], out, shape, { axis, batchDims: 0 });
  ctx.set(out, { kind: 'act', ref, shape, nchw: false, nonNegative: x.nonNegative });
}
