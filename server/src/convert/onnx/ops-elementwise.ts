/** Element-wise ops: Add/Sub/Mul/Div/Max/Min with broadcasting, the activations, standalone BatchNormalization. */
import type { TensorRef } from '../../model/builder/index.js';
import { broadcastShape } from '../../quantize/kernels-tensor.js';
import { batchNormAffine } from '../common/batchnorm.js';
import { fusedActivation } from '../common/activation.js';
import { ConvertError } from '../types.js';
import { Ctx, describe, unsupported, where, type Act, type Const, type Value } from './context.js';
import { clipBounds, nonNegative, takeActivation } from './fuse.js';
import { tryHardSwishFromAdd, tryHardSwishFromHardSigmoid } from './fuse-hardswish.js';
import type { OnnxNode } from './reader.js';

/** numpy broadcasting of two ONNX shapes, or null when they do not broadcast (the quantizer's kernels' own rule). */
export const broadcast = broadcastShape;

const BINARY: Readonly<Record<string, string>> = { Add: 'ADD', Sub: 'SUB', Mul: 'MUL', Div: 'DIV', Max: 'MAXIMUM', Min: 'MINIMUM' };

/** An operand in the result's layout: a constant as a tensor, an activation reshaped when its rank differs. */
function operand(ctx: Ctx, node: OnnxNode, v: Value, k: number, rank: number, nchw: boolean): TensorRef {
  if (v.kind === 'const') return ctx.constTensor(v, `${node.name}_c${k}`, rank, nchw);
  if (v.nchw === nchw && v.shape.length === rank) return v.ref;
  if (!nchw) return ctx.toPlain(v, node).ref;
  // A lower-rank activation against a channels-last one: aligned right, its ONNX shape padded with 1s, then permuted.
  const plain = ctx.toPlain(v, node);
  const aligned = [...new Array<number>(rank - plain.shape.length).fill(1), ...plain.shape];
  const shape = Ctx.tfliteShape({ shape: aligned, nchw: true });
  const keepsOrder = aligned[1] === 1 || aligned.slice(2).every((d) => d === 1);
  if (!keepsOrder) throw unsupported(node, `broadcasting [${v.shape.join(',')}] against an NCHW tensor along more than the channels`, 'operands of the same rank');
  return ctx.em.op('RESHAPE', [plain.ref, ctx.em.int32(`${node.name}_shape${k}`, [4], shape)], `${node.name}_in${k}`, shape, { newShape: shape });
}

export function convertBinary(ctx: Ctx, node: OnnxNode): void {
  if (node.opType === 'Sum' || node.inputs.length > 2) return variadic(ctx, node);
  if (node.opType === 'Add' && tryHardSwishFromAdd(ctx, node)) return;
  const a = ctx.get(node, 0);
  const b = ctx.get(node, 1);
  const shape = broadcast(a.shape, b.shape);
  if (!shape) throw new ConvertError('bad-model', where(node), `shapes [${a.shape.join(',')}] and [${b.shape.join(',')}] do not broadcast`);
  let op = BINARY[node.opType]!;
  const nchw = shape.length === 4 && [a, b].some((v) => v.kind === 'act' && v.nchw);
  let bv: Value = b;
  if (op === 'DIV' && b.kind === 'const') {
    op = 'MUL';
    bv = { kind: 'const', shape: b.shape, data: b.data.map((v) => 1 / v) };
    ctx.note(`${describe(node)}: division by a constant written as MUL by its reciprocal`);
  }
  if (op === 'SUB' && b.kind === 'const' && a.kind === 'act') {
    // x - c = x + (-c): ADD is what the quantizer and TFLM broadcast most generally.
    op = 'ADD';
    bv = { kind: 'const', shape: b.shape, data: b.data.map((v) => -v) };
  }
  const fusable = op === 'ADD' || op === 'SUB' || op === 'MUL';
  const act = fusable ? takeActivation(ctx, node.outputs[0]!, node) : { fused: 'NONE' as const, out: node.outputs[0]! };
  const inputs = [operand(ctx, node, a, 0, shape.length, nchw), operand(ctx, node, bv, 1, shape.length, nchw)];
  const ref = ctx.em.op(op, inputs, act.out, Ctx.tfliteShape({ shape, nchw }), fusable ? { fusedActivationFunction: act.fused } : undefined);
  const nonNeg = nonNegative(act.fused) || (op === 'MUL' && [a, bv].every((v) => (v.kind === 'act' ? v.nonNegative : v.data.every((x) => x >= 0))));
  ctx.set(act.out, { kind: 'act', ref, shape, nchw, nonNegative: nonNeg });
}

/** Sum / Max / Min of any number of inputs, as a chain of two-input ops. */
function variadic(ctx: Ctx, node: OnnxNode): void {
  const op = node.opType === 'Sum' ? 'Add' : node.opType;
  if (node.inputs.length === 1) return ctx.set(node.outputs[0]!, ctx.get(node, 0));
  let acc = node.inputs[0]!;
  for (let k = 1; k < node.inputs.length; k++) {
    const out = k === node.inputs.length - 1 ? node.outputs[0]! : `${node.outputs[0]}_partial${k}`;
    convertBinary(ctx, { ...node, opType: op, inputs: [acc, node.inputs[k]!], outputs: [out] });
    acc = out;
  }
}

/** Relu, Sigmoid, Tanh, HardSwish, LeakyRelu, Clip, HardSigmoid, PRelu, Abs, Neg. */
export function convertActivation(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const out = node.outputs[0]!;
  const shape = Ctx.tfliteShape(x);
  const set = (ref: TensorRef, nonNeg: boolean): void => ctx.set(out, { kind: 'act', ref, shape: x.shape, nchw: x.nchw, nonNegative: nonNeg });
  const simple: Readonly<Record<string, [string, boolean]>> = { Relu: ['RELU', true], Sigmoid: ['LOGISTIC', true], Tanh: ['TANH', false], HardSwish: ['HARD_SWISH', false], Abs: ['ABS', true] };
  const s = simple[node.opType];
  if (s) return set(ctx.em.op(s[0], [x.ref], out, shape), s[1]);
  switch (node.opType) {
    case 'LeakyRelu':
      return set(ctx.em.op('LEAKY_RELU', [x.ref], out, shape, { alpha: ctx.float(node, 'alpha', 0.01) }), false);
    case 'Sqrt': {
      // a / sqrt(v) (a LayerNorm's normalisation) as a * RSQRT(v): TFLM's RSQRT runs in int8 too, SQRT in float only.
      const div = ctx.soleConsumer(out);
      const a = div?.opType === 'Div' && div.inputs[1] === out && div.inputs[0] !== out ? ctx.values.get(div.inputs[0]!) : undefined;
      if (!div || !a) return set(ctx.em.op('SQRT', [x.ref], out, shape), true);
      set(ctx.em.op('RSQRT', [x.ref], `${out}_rsqrt`, shape), true);
      ctx.absorbed.add(div.index);
      ctx.note(`${describe(node)} and Div '${div.name}' written as RSQRT + MUL`);
      return convertBinary(ctx, { ...div, opType: 'Mul', inputs: [div.inputs[0]!, out] });
    }
    case 'Log':
      return set(ctx.em.op('LOG', [x.ref], out, shape), false);
    case 'Pow': {
      // x^2 as MUL(x, x) (what the quantizer and TFLM's int8 kernels run), x^0.5 as SQRT; other exponents are refused.
      const e = ctx.constOf(node, 1, 'exponent');
      const p = e.data.length === 1 ? e.data[0]! : NaN;
      if (p === 2) return set(ctx.em.op('MUL', [x.ref, x.ref], out, shape, { fusedActivationFunction: 'NONE' }), true);
      if (p === 0.5) return set(ctx.em.op('SQRT', [x.ref], out, shape), true);
      if (p === 1) return set(x.ref, !!x.nonNegative);
      throw unsupported(node, `exponent ${e.data.length === 1 ? p : `[${Array.from(e.data).join(',')}]`}`, 'a constant exponent 2, 1 or 0.5 (MUL, SQRT)');
    }
    case 'Neg':
      return set(ctx.em.op('MUL', [x.ref, ctx.em.float(`${node.name}_minus1`, [1], [-1])], out, shape, { fusedActivationFunction: 'NONE' }), false);
    case 'Clip': {
      const b = clipBounds(ctx, node);
      if (!b) throw unsupported(node, 'bounds computed at run time', 'constant min and max');
      const fused = fusedActivation({ kind: 'clip', ...b });
      if (fused) return set(ctx.em.op(fused, [x.ref], out, shape), fused !== 'RELU_N1_TO_1');
      let ref = x.ref;
      if (b.max !== Infinity) ref = ctx.em.op('MINIMUM', [ref, ctx.em.float(`${node.name}_max`, [1], [b.max])], b.min === -Infinity ? out : `${out}_min`, shape);
      if (b.min !== -Infinity) ref = ctx.em.op('MAXIMUM', [ref, ctx.em.float(`${node.name}_min`, [1], [b.min])], out, shape);
      return set(ref, b.min >= 0);
    }
    case 'HardSigmoid': {
      if (tryHardSwishFromHardSigmoid(ctx, node)) return;
      // max(0, min(1, a*x + b)) = RELU6(6a*x + 6b) / 6.
      const alpha = ctx.float(node, 'alpha', 0.2);
      const beta = ctx.float(node, 'beta', 0.5);
      const m = ctx.em.op('MUL', [x.ref, ctx.em.float(`${node.name}_6a`, [1], [6 * alpha])], `${out}_mul`, shape, { fusedActivationFunction: 'NONE' });
      const r = ctx.em.op('ADD', [m, ctx.em.float(`${node.name}_6b`, [1], [6 * beta])], `${out}_relu6`, shape, { fusedActivationFunction: 'RELU6' });
      ctx.note(`${describe(node)} written as MUL + ADD(RELU6) + MUL`);
      return set(ctx.em.op('MUL', [r, ctx.em.float(`${node.name}_sixth`, [1], [1 / 6])], out, shape, { fusedActivationFunction: 'NONE' }), true);
    }
    case 'PRelu': {
      const slope = ctx.constOf(node, 1, 'slope');
      const alpha = slope.data.length === 1 ? ctx.em.float(`${node.name}_alpha`, [1], slope.data) : ctx.constTensor(trimLeading(slope), `${node.name}_alpha`, x.shape.length, x.nchw);
      return set(ctx.em.op('PRELU', [x.ref, alpha], out, shape), false);
    }
    default:
      throw unsupported(node, 'no mapping');
  }
}

/** PyTorch writes a PRelu slope as [C,1,1]; broadcasting aligns it right, so leading 1s carry no meaning. */
function trimLeading(c: Const): Const {
  let k = 0;
  while (k < c.shape.length - 1 && c.shape[k] === 1) k++;
  return { ...c, shape: c.shape.slice(k) };
}

/** A BatchNormalization not folded into a convolution: MUL + ADD by per-channel constants (channels on axis 1). */
export function convertBatchNorm(ctx: Ctx, node: OnnxNode): void {
  const x = ctx.actOf(node, 0);
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k) => ctx.constOf(node, k, 'batch-norm parameter').data);
  const { mul, add } = batchNormAffine(gamma!, beta!, mean!, variance!, ctx.float(node, 'epsilon', 1e-5));
  const cshape = [mul.length, ...new Array<number>(Math.max(0, x.shape.length - 2)).fill(1)];
  const act = takeActivation(ctx, node.outputs[0]!, node);
  const shape = Ctx.tfliteShape(x);
  const m = ctx.em.op('MUL', [x.ref, ctx.constTensor({ kind: 'const', shape: cshape, data: mul }, `${node.name}_scale`, x.shape.length, x.nchw)], `${act.out}_scaled`, shape, { fusedActivationFunction: 'NONE' });
  const ref = ctx.em.op('ADD', [m, ctx.constTensor({ kind: 'const', shape: cshape, data: add }, `${node.name}_offset`, x.shape.length, x.nchw)], act.out, shape, { fusedActivationFunction: act.fused });
  ctx.note(`${describe(node)} (not after a Conv/Gemm) written as MUL + ADD`);
  ctx.set(act.out, { kind: 'act', ref, shape: x.shape, nchw: x.nchw, nonNegative: nonNegative(act.fused) });
}

export type { Act };
