/**
 * Writes the int8 model: TFLite's full-integer post-training quantization of a float model whose activation ranges
 * were calibrated. The rules are facts of TFLite's quantization spec and of TFLM's int8 kernels' Prepare checks:
 *
 * - weights int8 symmetric (zero point 0, -127..127): per channel along axis 0 for CONV_2D and axis 3 for
 *   DEPTHWISE_CONV_2D, per tensor for FULLY_CONNECTED; biases int32 at input scale x weight scale, zero point 0;
 * - activations int8 asymmetric from the calibrated range widened to contain 0;
 * - fixed outputs: SOFTMAX and LOGISTIC 1/256 with zero point -128, TANH 1/128 with zero point 0, LOG_SOFTMAX 16/256
 *   with zero point 127;
 * - UNIDIRECTIONAL_SEQUENCE_LSTM as TFLM's int8 kernel takes it (quantize-rnn.ts): per-tensor int8 gate matrices,
 *   int32 biases at input x weight scale, the hidden-state variable on the output's grid, the cell-state variable
 *   int16 at a power-of-two scale from its calibrated range;
 * - outputs that must equal their input's parameters because the int8 kernel copies or clamps without requantizing:
 *   RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, GATHER, STRIDED_SLICE, SPLIT / SPLIT_V (every output), the resizes,
 *   MAX_POOL_2D, AVERAGE_POOL_2D (TFLM's pooling Prepare checks it), PAD (pads with the output zero point), RELU6
 *   (TFLM clamps in the input's parameters);
 * - own calibrated range, requantized by the kernel: HARD_SWISH, LEAKY_RELU, ABS, PRELU (its slope an int8 constant
 *   over its own range), SQUARED_DIFFERENCE and the arithmetic ops;
 * - CONCATENATION, PACK, MAXIMUM and MINIMUM: TFLM copies or compares the inputs' bytes, so an input whose parameters
 *   differ from the output's is requantized by an inserted QUANTIZE (int8 -> int8), as TFLite's older quantizer does.
 * - ops computing integers from constants (the Keras SHAPE -> STRIDED_SLICE -> PACK chain) are folded away: the
 *   RESHAPE they fed gets the computed shape as an int32 constant.
 *
 * QUANTIZE / DEQUANTIZE ops of the float model are dropped (their output is the same activation), DEQUANTIZEs of
 * constant weights are folded into the weights. Tensor names are kept.
 */
import { constantData, type Operator, type Tensor } from '../model/ir.js';
import {
  activationQuantInt8, ModelBuilder, OPTION_TABLES, optionTableOf, PROBABILITY_QUANT_INT8, quantizeBiasInt32, quantizeSymmetricInt8,
  type QuantSpec, type SubgraphBuilder, type TensorRef, type TensorSpec,
} from '../model/builder/index.js';
import type { TensorRange } from './calibrate.js';
import { layerError, QuantizeError } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { cellStateQuant, operandRole } from './quantize-rnn.js';

/**
 * The type of the model's inputs and outputs, as the converter's inference_input_type / inference_output_type: int8;
 * uint8 (same scale, zero point + 128, with a QUANTIZE uint8 -> int8 after each input and int8 -> uint8 before each
 * output); or float32 with QUANTIZE / DEQUANTIZE at the edges.
 */
export type IoType = 'int8' | 'uint8' | 'float32';

/** One layer's output quantization. */
export interface QuantizedLayer {
  /** The op's index in the float model. */
  readonly index: number;
  readonly op: string;
  readonly output: string;
  /** The calibrated range of the float output. */
  readonly min: number;
  readonly max: number;
  readonly scale: number;
  readonly zeroPoint: number;
  /** Why the parameters are not those of the calibrated range, or null when they are. */
  readonly rule: string | null;
}

/** A model input's or output's type and parameters (what the application quantizes its data with). */
export interface IoTensor {
  readonly name: string;
  readonly dtype: 'INT8' | 'UINT8' | 'FLOAT32';
  readonly shape: readonly number[];
  /** The int8 parameters of the tensor, or of the int8 tensor next to a float32 one. */
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface Int8Model {
  readonly bytes: Uint8Array;
  readonly layers: QuantizedLayer[];
  readonly inputs: IoTensor[];
  readonly outputs: IoTensor[];
  /** QUANTIZE ops inserted to bring CONCATENATION inputs to the output's parameters. */
  readonly requantizeOps: number;
}

/** The op versions TFLite's converter records for these ops with int8 tensors (TFLM does not read them). */
const INT8_VERSIONS: Readonly<Record<string, number>> = {
  CONV_2D: 3, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 4, ADD: 2, SUB: 2, MUL: 2, AVERAGE_POOL_2D: 2, MAX_POOL_2D: 2,
  RESHAPE: 1, SOFTMAX: 2, CONCATENATION: 2, MEAN: 2, PAD: 2, RELU: 2, RELU6: 2, LOGISTIC: 2, TANH: 2,
  TRANSPOSE: 2, GATHER: 2, STRIDED_SLICE: 2, PACK: 2, SPLIT: 2, SPLIT_V: 2, RESIZE_BILINEAR: 2, RESIZE_NEAREST_NEIGHBOR: 2,
  LEAKY_RELU: 2, LOG_SOFTMAX: 2, UNIDIRECTIONAL_SEQUENCE_LSTM: 1,
};
const TANH_QUANT_INT8: QuantSpec = { scale: [1 / 128], zeroPoint: [0] };
/** TFLM's int8 LOG_SOFTMAX Prepare requires scale 16/256 and zero point 127 (log-probabilities in [-16, 0]). */
const LOG_SOFTMAX_QUANT_INT8: QuantSpec = { scale: [16 / 256], zeroPoint: [127] };
const FIXED_OUTPUT: Readonly<Record<string, QuantSpec>> = {
  SOFTMAX: PROBABILITY_QUANT_INT8, LOGISTIC: PROBABILITY_QUANT_INT8, TANH: TANH_QUANT_INT8, LOG_SOFTMAX: LOG_SOFTMAX_QUANT_INT8,
};
const SAME_AS_INPUT = new Set([
  'RESHAPE', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'PAD', 'RELU6', 'SQUEEZE', 'EXPAND_DIMS', 'TRANSPOSE', 'GATHER',
  'STRIDED_SLICE', 'SPLIT', 'SPLIT_V', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR',
]);
/** Ops whose every input must have the output's parameters (TFLM copies their bytes): differing inputs are requantized. */
const SHARED_SCALE = new Set(['CONCATENATION', 'PACK', 'MAXIMUM', 'MINIMUM']);
/** The input that carries the data, where it is not input 0 (SPLIT's input 0 is its axis). */
const DATA_INPUT: Readonly<Record<string, number>> = { SPLIT: 1 };

export interface BuildOptions {
  /**
   * Write a float constant read by several ops with the same int8 result once (default); false writes one copy per
   * reading op, as before (what the tests compare the shared model with).
   */
  readonly shareConstants?: boolean;
}

/** Builds the int8 model from a float model's interpreter and its calibrated ranges. */
export function buildInt8Model(interp: Interpreter, ranges: ReadonlyMap<number, TensorRange>, io: IoType, options: BuildOptions = {}): Int8Model {
  const g = interp.graph;
  const alias = new Map<number, number>();
  const resolve = (i: number): number => alias.get(i) ?? i;
  const params = new Map<number, QuantSpec>();
  const refs = new Map<number, TensorRef>();
  const rangeOf = (i: number): TensorRange => {
    const r = ranges.get(i);
    if (!r) throw new QuantizeError('bad-model', `tensor '${g.tensors[i]?.name ?? i}' has no calibrated range`);
    return r;
  };
  const m = new ModelBuilder({ description: interp.model.description || 'int8 post-training quantization (TinyML Lens)' });
  const sg = m.subgraph(g.name);
  const floatRefs = new Map<number, TensorRef>();
  const constants = new SharedConstants(options.shareConstants ?? true);

  for (const i of g.inputs) {
    const t = g.tensors[i]!;
    const r = rangeOf(i);
    const q = activationQuantInt8(r.min, r.max);
    params.set(i, q);
    if (io === 'int8') refs.set(i, sg.input(spec(t, 'INT8', q)));
    else {
      const edge = sg.input(io === 'float32' ? spec(t, 'FLOAT32', undefined) : spec(t, 'UINT8', asUint8(q)));
      floatRefs.set(i, edge);
      refs.set(i, sg.op('QUANTIZE', { inputs: [edge], output: spec(t, 'INT8', q, `${t.name}_int8`), version: io === 'float32' ? 1 : 2 }));
    }
  }

  const layers: QuantizedLayer[] = [];
  let requantizeOps = 0;
  for (const op of g.operators) {
    const out = op.outputs[0]!;
    if (interp.folded.has(out)) continue;
    const t = g.tensors[out]!;
    const in0 = resolve(op.inputs[DATA_INPUT[op.opName] ?? 0]!);
    if (op.opName === 'QUANTIZE' || op.opName === 'DEQUANTIZE') {
      alias.set(out, in0);
      continue;
    }
    const r = rangeOf(out);
    let quant = FIXED_OUTPUT[op.opName];
    let rule: string | null = quant ? `fixed by ${op.opName}` : null;
    if (!quant && SAME_AS_INPUT.has(op.opName)) {
      quant = params.get(in0);
      rule = 'same as input';
    }
    quant ??= activationQuantInt8(r.min, r.max);
    const shared = SHARED_SCALE.has(op.opName);

    const activation = (i: number): TensorRef => {
      const ref = refs.get(i);
      if (!ref) throw layerError('bad-model', g, op, `input '${g.tensors[i]?.name ?? i}' is not computed before this op`);
      return ref;
    };
    const inputs: (TensorRef | null)[] = [];
    /** The scales of the weights written so far for this op, by input position (for the biases after them). */
    const weightScales = new Map<number, readonly number[]>();
    op.inputs.forEach((raw, k) => {
      if (raw < 0) return inputs.push(null);
      const i = resolve(raw);
      const values = interp.constantOf(i);
      const src = g.tensors[i]!;
      const role = operandRole(op.opName, k);
      // An LSTM's states: the hidden state on the output's grid, the cell state int16 at a power-of-two scale.
      if (role?.kind === 'hidden') return inputs.push(sg.variable(spec(src, 'INT8', quant)));
      if (role?.kind === 'cell') return inputs.push(sg.variable(spec(src, 'INT16', cellStateQuant(rangeOf(i).max))));
      if (values === null) {
        const ref = activation(i);
        if (!shared || sameQuant(params.get(i), quant)) return inputs.push(ref);
        requantizeOps++;
        return inputs.push(sg.op('QUANTIZE', { inputs: [ref], output: spec(src, 'INT8', quant, `${src.name}_requantized`), version: 2 }));
      }
      if (role?.kind === 'weight') {
        const axis = role.axis;
        const w = constants.get(`w${i}:${axis}`, () => {
          // Another float tensor on the same buffer, shape and axis quantizes to the same bytes and parameters.
          const source = constantData(interp.model, src) === null ? null : `W${src.buffer}:${axis}:${src.shape.join(',')}`;
          const q = quantizeSymmetricInt8(values, src.shape, axis);
          return constants.onBuffer(sg, source, spec(src, 'INT8', q.quant), q.data);
        });
        weightScales.set(k, w.quant?.scale ?? []);
        return inputs.push(w);
      }
      if (role?.kind === 'bias') {
        const scales = weightScales.get(role.of) ?? [];
        // One bias per output channel: a damaged model whose bias disagrees with the filter is the model's fault.
        if (scales.length > 1 && scales.length !== values.length) {
          throw layerError('bad-model', g, op, `the bias has ${values.length} values for ${scales.length} output channels of the filter`);
        }
        const inputScale = params.get(in0)?.scale[0] ?? 1;
        return inputs.push(constants.get(`b${i}:${inputScale}:${scales.join(',')}`, () => {
          const b = quantizeBiasInt32(values, inputScale, scales);
          return constants.onBuffer(sg, `B${b.data.join(',')}`, spec(src, 'INT32', b.quant), b.data);
        }));
      }
      const given = shared ? quant : null;
      return inputs.push(constants.get(`c${i}:${given ? `${given.scale[0]}:${given.zeroPoint[0]}` : ''}`,
        () => integerConstant(sg, interp, src, values) ?? floatOperand(sg, src, values, given)));
    });
    // The op name is only known at run time, so the options' static type is too; op() checks them against the table.
    const options = optionsOf(op) as never;
    const version = INT8_VERSIONS[op.opName] ?? 1;
    const outputSpec = (o: number): TensorSpec => {
      const ot = g.tensors[o]!;
      params.set(o, quant);
      return spec(ot, 'INT8', quant, io !== 'int8' && g.outputs.includes(o) ? `${ot.name}_int8` : ot.name);
    };
    if (op.outputs.length === 1) refs.set(out, sg.op(op.opName, { inputs, output: outputSpec(out), options, version }));
    else {
      const made = sg.op(op.opName, { inputs, outputs: op.outputs.map(outputSpec), options, version });
      op.outputs.forEach((o, k) => refs.set(o, made[k]!));
    }
    layers.push({ index: op.index, op: op.opName, output: t.name, min: r.min, max: r.max, scale: quant.scale[0] ?? 1, zeroPoint: quant.zeroPoint[0] ?? 0, rule });
  }

  const outRefs = new Map<number, TensorRef>();
  for (const i of g.outputs) {
    const t = g.tensors[i]!;
    const ref = refs.get(resolve(i));
    if (!ref) throw new QuantizeError('bad-model', `output '${t.name}' is not computed by any op`);
    const q = params.get(resolve(i));
    const edge = io === 'float32' ? sg.op('DEQUANTIZE', { inputs: [ref], output: spec(t, 'FLOAT32', undefined), version: 2 })
      : io === 'uint8' && q ? sg.op('QUANTIZE', { inputs: [ref], output: spec(t, 'UINT8', asUint8(q)), version: 2 }) : ref;
    outRefs.set(i, edge);
    sg.output(outRefs.get(i)!);
  }
  for (const sig of interp.model.signatureDefs.filter((s) => s.subgraphIndex === 0)) {
    const pick = (list: { name: string; tensorIndex: number }[], from: (i: number) => TensorRef | undefined) =>
      list.flatMap((e) => { const tensor = from(e.tensorIndex); return tensor ? [{ name: e.name, tensor }] : []; });
    m.signatureDef(sig.signatureKey, sg, pick(sig.inputs, (i) => floatRefs.get(i) ?? refs.get(i)), pick(sig.outputs, (i) => outRefs.get(i)));
  }
  const ioTensor = (i: number, ref: TensorRef | undefined): IoTensor => {
    const q = params.get(resolve(i));
    const zeroPoint = (q?.zeroPoint[0] ?? 0) + (io === 'uint8' ? 128 : 0);
    return { name: ref?.name ?? '', dtype: io === 'int8' ? 'INT8' : io === 'uint8' ? 'UINT8' : 'FLOAT32', shape: g.tensors[i]?.shape ?? [], scale: q?.scale[0] ?? 1, zeroPoint };
  };
  return {
    bytes: m.finish(),
    layers,
    inputs: g.inputs.map((i) => ioTensor(i, floatRefs.get(i) ?? refs.get(i))),
    outputs: g.outputs.map((i) => ioTensor(i, outRefs.get(i))),
    requantizeOps,
  };
}

/**
 * The int8 constants written so far, by the float tensor they come from and what their int8 form depends on (the
 * weight axis; a bias's input and weight scales; an operand's given parameters). A float constant read by several ops
 * with the same result (the recurrent weights of every step of an unrolled RNN) is written once and read by all, as
 * the float model reads it: TFLM lets any number of ops read one constant tensor. Tensors that differ only in name or
 * parameters but hold the same bytes (weights of one float buffer; biases of equal values at each op's own scale,
 * such as the zero recurrent bias of every step) are written as tensors on one buffer: TFLite lets tensors share one.
 */
class SharedConstants {
  private readonly made = new Map<string, TensorRef>();
  private readonly buffers = new Map<string, TensorRef>();

  constructor(private readonly share: boolean) {}

  get(key: string, make: () => TensorRef): TensorRef {
    let ref = this.made.get(key);
    if (ref === undefined) {
      ref = make();
      if (this.share) this.made.set(key, ref);
    }
    return ref;
  }

  /** A new tensor holding `data`, on the buffer of an earlier one with the same `bytesKey` (null: its own buffer). */
  onBuffer(sg: SubgraphBuilder, bytesKey: string | null, tensor: TensorSpec, data: Int8Array | Int32Array): TensorRef {
    const same = bytesKey === null || !this.share ? undefined : this.buffers.get(bytesKey);
    if (same) return sg.sharedConstant(tensor, same);
    const ref = sg.constant({ ...tensor, data });
    if (bytesKey !== null) this.buffers.set(bytesKey, ref);
    return ref;
  }
}

/** The uint8 parameters of the same grid as int8 ones: same scale, zero point + 128. */
function asUint8(q: QuantSpec): QuantSpec {
  return { scale: q.scale, zeroPoint: q.zeroPoint.map((z) => z + 128) };
}

function spec(t: Tensor, dtype: 'INT8' | 'UINT8' | 'INT16' | 'INT32' | 'FLOAT32', quant: QuantSpec | undefined, name = t.name): TensorSpec {
  // TFLM ignores shape_signature, but a signature of another rank contradicts the shape: the model is not written again.
  if (t.shapeSignature && t.shapeSignature.length !== t.shape.length) {
    throw new QuantizeError('bad-model', `tensor ${t.index} '${t.name}': its shape_signature has rank ${t.shapeSignature.length}, its shape [${t.shape.join(',')}] rank ${t.shape.length}`);
  }
  return { name, shape: t.shape, dtype, ...(quant ? { quant } : {}), ...(t.shapeSignature ? { shapeSignature: t.shapeSignature } : {}) };
}

function sameQuant(a: QuantSpec | undefined, b: QuantSpec): boolean {
  return a !== undefined && a.scale[0] === b.scale[0] && a.zeroPoint[0] === b.zeroPoint[0];
}

/** Shapes, axes and paddings stay integers; TFLM reads them as int32 whatever the file says, so they are written so. */
function integerConstant(sg: SubgraphBuilder, interp: Interpreter, t: Tensor, values: Float32Array): TensorRef | null {
  if (t.dtype === 'FLOAT32' || t.dtype === 'FLOAT16' || t.quantization?.scale.length) return null;
  if (t.dtype === 'INT32' && constantData(interp.model, t)) return sg.constant({ name: t.name, shape: t.shape, dtype: 'INT32', raw: constantData(interp.model, t)!.subarray(0, t.elementCount * 4) });
  return sg.constant({ name: t.name, shape: t.shape, dtype: 'INT32', data: Array.from(values) });
}

/** A float constant read as an activation (an ADD's or MUL's operand): int8 asymmetric over its own range, or the given parameters. */
function floatOperand(sg: SubgraphBuilder, t: Tensor, values: Float32Array, given: QuantSpec | null): TensorRef {
  let min = 0;
  let max = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const quant = given ?? activationQuantInt8(min, max);
  const scale = quant.scale[0] ?? 1;
  const zp = quant.zeroPoint[0] ?? 0;
  const data = Int8Array.from(values, (v) => Math.max(-128, Math.min(127, zp + roundAway(v / scale))));
  return sg.constant({ ...spec(t, 'INT8', quant), data });
}

/** Round half away from zero (C's round), as TFLite's quantization rounds. */
export function roundAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** The op's decoded options, restricted to the fields the builder writes for its table. */
function optionsOf(op: Operator): Record<string, unknown> | undefined {
  const table = optionTableOf(op.opName);
  if (table === null || op.optionsType === null) return undefined;
  const fields: readonly { readonly name: string }[] = OPTION_TABLES[table].fields;
  return Object.fromEntries(Object.entries(op.options).filter(([k]) => fields.some((f) => f.name === k)));
}
