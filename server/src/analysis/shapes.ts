/**
 * Dynamic input shapes. TFLM allocates every tensor at its stored `shape` (it has no ResizeInputTensor), and the
 * converter stores 1 for each dimension its `shape_signature` leaves open (-1), so a model exported with, say, a free
 * sequence length is analysed, and runs, at length 1. This module finds such inputs and, when the user gives a shape,
 * gives a copy of the model with that shape propagated through the operators whose output shape follows from their
 * inputs here; tensors it cannot recompute keep their stored shape and are named. Pure: no I/O.
 */
import { DTYPE_BYTES, type Model, type Operator, type Subgraph, type Tensor } from '../model/ir.js';

/** An input of the main subgraph with an open (-1) dimension other than the batch (dimension 0 of a rank >= 2 tensor). */
export interface DynamicInput {
  /** Position in the main subgraph's inputs. */
  position: number;
  tensor: number;
  name: string;
  /** What is analysed (and what TFLM allocates): the stored shape. */
  shape: number[];
  signature: number[];
}

/** A shape the user gives for one input: by tensor name or by input position. */
export interface InputShape {
  input: string | number;
  shape: number[];
}

/** A given shape that does not fit the model: names the input and why. */
export class InputShapeError extends Error {
  constructor(readonly input: string | number, message: string) {
    super(message);
    this.name = 'InputShapeError';
  }
}

/** The result of applying given shapes: the model to analyse, and what could not be recomputed. */
export interface ShapedModel {
  model: Model;
  /** Each input given, with the shape it is analysed at. */
  applied: { name: string; position: number; shape: number[] }[];
  /**
   * Operators whose output shape could not be derived from the new input shapes (an op this module does not
   * compute, with an open dimension in its output's signature): their outputs keep the stored shape.
   */
  unresolved: { index: number; op: string; tensor: string }[];
}

/** Whether dimension `i` of a signature is the batch, which TFLM always runs at the stored size (1). */
const isBatch = (signature: number[], i: number): boolean => i === 0 && signature.length >= 2;

/** The inputs of subgraph 0 with an open dimension that is not the batch. */
export function dynamicInputs(model: Model): DynamicInput[] {
  const sg = model.subgraphs[0];
  if (!sg) return [];
  const found: DynamicInput[] = [];
  sg.inputs.forEach((ti, position) => {
    const t = sg.tensors[ti];
    const sig = t?.shapeSignature;
    if (!t || !sig || !sig.some((d, i) => d < 0 && !isBatch(sig, i))) return;
    found.push({ position, tensor: ti, name: t.name, shape: t.shape, signature: sig });
  });
  return found;
}

/** The warning every output format carries for a dynamic input. */
export function dynamicInputNote(d: DynamicInput): string {
  return `Input ${d.position} (${d.name}) has a dynamic shape [${d.signature.join(', ')}]: it is analysed at the stored shape `
    + `[${d.shape.join(', ')}], which is also what TFLM allocates. Give the shape you deploy (CLI --input-shape `
    + `${d.position}=..., manifest input_shapes:) and export the model with that fixed shape.`;
}

/**
 * A copy of `model` with the given input shapes (subgraph 0) and the shapes that follow from them. Throws
 * `InputShapeError` for an unknown input, a wrong rank, or a dimension that the signature fixes to another size.
 */
export function withInputShapes(model: Model, given: readonly InputShape[]): ShapedModel {
  const sg = model.subgraphs[0];
  if (!sg) throw new InputShapeError(given[0]?.input ?? 0, 'the model has no subgraph');
  const tensors = sg.tensors.map((t) => ({ ...t }));
  const changed = new Set<number>();
  const applied: ShapedModel['applied'] = [];
  for (const g of given) {
    const position = typeof g.input === 'number' ? g.input : sg.inputs.findIndex((ti) => sg.tensors[ti]?.name === g.input);
    const ti = sg.inputs[position];
    const t = ti === undefined ? undefined : tensors[ti];
    if (ti === undefined || !t) {
      const names = sg.inputs.map((i, p) => `${p} (${sg.tensors[i]?.name ?? '?'})`).join(', ');
      throw new InputShapeError(g.input, `the model has no input ${typeof g.input === 'number' ? g.input : `named '${g.input}'`}; its inputs are ${names}`);
    }
    const sig = t.shapeSignature ?? t.shape;
    if (g.shape.length !== sig.length) {
      throw new InputShapeError(g.input, `input ${position} (${t.name}) has ${sig.length} dimensions [${sig.join(', ')}], the shape given has ${g.shape.length}`);
    }
    const fixed = g.shape.findIndex((d, i) => !(Number.isSafeInteger(d) && d >= 1) || (sig[i]! >= 0 && sig[i] !== d));
    if (fixed >= 0) {
      throw new InputShapeError(g.input, `dimension ${fixed} of input ${position} (${t.name}) is ${sig[fixed]! < 0 ? 'open' : `fixed at ${sig[fixed]}`} in the model; ${g.shape[fixed]} does not fit [${sig.join(', ')}]`);
    }
    setShape(t, g.shape);
    changed.add(ti);
    applied.push({ name: t.name, position, shape: g.shape });
  }
  const unresolved: ShapedModel['unresolved'] = [];
  for (const op of sg.operators) {
    if (!op.inputs.some((i) => changed.has(i))) continue;
    const shapes = inferOutputShapes(tensors, op);
    op.outputs.forEach((oi, k) => {
      const out = tensors[oi];
      if (!out) return;
      const shape = shapes?.[k];
      if (shape) {
        if (shape.join(',') !== out.shape.join(',')) {
          setShape(out, shape);
          changed.add(oi);
        }
      } else if (out.shapeSignature?.some((d) => d < 0)) {
        unresolved.push({ index: op.index, op: op.opName, tensor: out.name });
      }
    });
  }
  const main: Subgraph = { ...sg, tensors };
  return { model: { ...model, subgraphs: [main, ...model.subgraphs.slice(1)] }, applied, unresolved };
}

function setShape(t: Tensor, shape: number[]): void {
  t.shape = [...shape];
  t.elementCount = shape.reduce((n, d) => n * d, 1);
  t.bytes = t.elementCount * DTYPE_BYTES[t.dtype];
  // The open dimensions are now given: the tensor no longer counts as dynamic.
  t.shapeSignature = [...shape];
}

// Ops whose output has the shape of their first input.
const SAME_SHAPE = new Set([
  'ABS', 'CEIL', 'COS', 'DEQUANTIZE', 'ELU', 'EXP', 'FLOOR', 'HARD_SWISH', 'LEAKY_RELU', 'LOG', 'LOGISTIC', 'LOG_SOFTMAX',
  'NEG', 'PRELU', 'QUANTIZE', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'ROUND', 'RSQRT', 'SIN', 'SOFTMAX', 'SQRT', 'SQUARE', 'TANH',
  'L2_NORMALIZATION', 'ZEROS_LIKE', 'CAST',
]);
// Element-wise binary ops: the broadcast of their two inputs.
const BROADCAST = new Set(['ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE', 'FLOOR_DIV', 'FLOOR_MOD', 'POW']);

/** The output shapes of `op` from its (possibly new) input shapes, or null when this module does not derive them. */
function inferOutputShapes(tensors: readonly Tensor[], op: Operator): (number[] | null)[] | null {
  const input = (k: number): Tensor | undefined => tensors[op.inputs[k] ?? -1];
  const x = input(0);
  if (!x) return null;
  if (SAME_SHAPE.has(op.opName)) return [x.shape];
  if (BROADCAST.has(op.opName)) {
    const y = input(1);
    return y ? [broadcast(x.shape, y.shape)] : null;
  }
  if (['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D'].includes(op.opName) && x.shape.length === 4) {
    const out = tensors[op.outputs[0] ?? -1];
    const pool = op.opName.endsWith('POOL_2D');
    const w = input(1);
    const [kh, kw] = pool ? [Number(op.options.filterHeight ?? 1), Number(op.options.filterWidth ?? 1)] : [w?.shape[1] ?? 1, w?.shape[2] ?? 1];
    const dh = pool ? 1 : Number(op.options.dilationHFactor ?? 1);
    const dw = pool ? 1 : Number(op.options.dilationWFactor ?? 1);
    const same = op.options.padding === 'SAME';
    const size = (n: number, k: number, d: number, s: number): number => (same ? Math.ceil(n / s) : Math.ceil((n - (k - 1) * d) / s));
    const h = size(x.shape[1]!, kh, dh, Number(op.options.strideH ?? 1));
    const wd = size(x.shape[2]!, kw, dw, Number(op.options.strideW ?? 1));
    return out && h >= 1 && wd >= 1 ? [[x.shape[0]!, h, wd, out.shape[3]!]] : null;
  }
  if (op.opName === 'RESHAPE') {
    // The signature's one open dimension takes what the others leave of the input's elements (as the converter's -1).
    const sig = tensors[op.outputs[0] ?? -1]?.shapeSignature;
    const open = sig?.filter((d) => d < 0).length;
    const rest = sig?.reduce((n, d) => (d < 0 ? n : n * d), 1) ?? 0;
    if (!sig || open !== 1 || rest < 1 || x.elementCount % rest !== 0) return null;
    return [sig.map((d) => (d < 0 ? x.elementCount / rest : d))];
  }
  if (op.opName === 'FULLY_CONNECTED') {
    const w = input(1);
    const units = w?.shape[0];
    const depth = w?.shape[1];
    if (units === undefined || !depth || x.elementCount % depth !== 0) return null;
    return [op.options.keepNumDims === true ? [...x.shape.slice(0, -1), units] : [x.elementCount / depth, units]];
  }
  return null;
}

/** NumPy broadcasting of two shapes (the output TFLite's element-wise kernels allocate). */
function broadcast(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const at = (s: number[], i: number): number => s[s.length - rank + i] ?? 1;
  return Array.from({ length: rank }, (_, i) => Math.max(at(a, i), at(b, i)));
}
