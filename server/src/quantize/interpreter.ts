/**
 * A float reference interpreter for the op subset common TinyML CNNs and MLPs use (`SUPPORTED_OPS`), over the plain
 * IR of subgraph 0. It runs a float32 model as TFLite would, and it runs a quantized model (int8 activations, int8
 * weights, int32 biases) as a simulation of integer inference: constants are dequantized and every quantized tensor
 * is rounded onto its grid after the op that writes it. Any other op, or shapes that do not follow from an op's
 * inputs, is a located `QuantizeError` when the interpreter is made, never a failure half-way through a run.
 */
import type { Model, Operator, Subgraph, Tensor } from '../model/ir.js';
import { checkAllocation, resolveLimits, type AnalysisLimits } from '../model/limits.js';
import { layerError, QuantizeError } from './errors.js';
import { conv2d, depthwiseConv2d, fullyConnected, outputSize, pool2d, type Clamp, type Nhwc, type Window } from './kernels-conv.js';
import { compileMore, MORE_OPS, MULTI_OUTPUT_OPS, type OpContext } from './ops-more.js';
import { compileRnn, RNN_OPS } from './kernels-rnn.js';
import { activation, binaryOp, broadcastShape, concatenate, mean, pad, softmax, type Activation, type Arithmetic } from './kernels-tensor.js';
import { constantValues, fakeQuantize, integerRange, sizeOf } from './tensors.js';

/** The operators the interpreter (and so the quantizer) handles. */
export const SUPPORTED_OPS = [
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'SUB', 'MUL', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'RESHAPE',
  'SOFTMAX', 'CONCATENATION', 'MEAN', 'PAD', 'RELU', 'RELU6', 'LOGISTIC', 'TANH', 'QUANTIZE', 'DEQUANTIZE', 'ABS',
  'SQUARED_DIFFERENCE', 'MAXIMUM', 'MINIMUM', 'PRELU', ...MORE_OPS, ...RNN_OPS, 'SQRT', 'RSQRT', 'LOG',
] as const;

/**
 * Ops the interpreter runs in float (to check a converted model against its source) that the quantizer does not
 * write in int8: TFLM's SQRT and LOG are float only (elementwise.cc, log.cc). RSQRT has an int8 kernel and takes its
 * own calibrated range, like ABS.
 */
export const FLOAT_ONLY_OPS: ReadonlySet<string> = new Set(['SQRT', 'LOG']);

/** Integer types an op may compute when its inputs are all constants (shapes, indices): such ops are folded. */
const FOLDABLE_TYPES: ReadonlySet<string> = new Set(['INT32', 'INT64']);

export interface RunOptions {
  /** Round quantized (INT8/UINT8/INT16) tensors onto their grid after each op; default true. */
  readonly simulateQuantization?: boolean;
  /** Sees the model inputs and every op output once computed. The array is reused by the next run: read, do not keep. */
  readonly observe?: (tensor: number, values: Float32Array) => void;
}

type Exec = (v: readonly Float32Array[]) => void;

const EMPTY = new Float32Array(0);
/** Kernels that gather through an index table of one Int32 per output element (ops-more.ts, kernels-shape.ts). */
const TABLE_OPS: ReadonlySet<string> = new Set(['TRANSPOSE', 'GATHER', 'STRIDED_SLICE', 'SPLIT', 'SPLIT_V', 'RESIZE_NEAREST_NEIGHBOR']);
/** Binary ops whose broadcast inputs get an index table the size of the output (kernels-tensor.ts binaryOp). */
const BINARY_OPS: ReadonlySet<string> = new Set(['ADD', 'SUB', 'MUL', 'SQUARED_DIFFERENCE', 'MAXIMUM', 'MINIMUM', 'PRELU']);

const CLAMPS: Readonly<Record<string, Clamp>> = {
  NONE: [-Infinity, Infinity], RELU: [0, Infinity], RELU6: [0, 6], RELU_N1_TO_1: [-1, 1],
};

/** A model prepared for repeated runs: constants decoded once, every activation buffer allocated once. */
export class Interpreter {
  readonly graph: Subgraph;
  /**
   * The ops folded into constants, by the tensor they write: DEQUANTIZEs of constant weights, and ops computing
   * integers from constants only (the Keras SHAPE -> STRIDED_SLICE -> PACK chain that feeds a RESHAPE).
   */
  readonly folded = new Map<number, Operator>();
  private readonly values: Float32Array[];
  private readonly steps: { readonly op: Operator; readonly exec: Exec }[] = [];
  private readonly limits: AnalysisLimits;
  /** Bytes of tensor data allocated so far, checked against `maxMemory` before each allocation. */
  private allocatedBytes = 0;

  /** Bytes of float32 tensor data this interpreter holds (constants decoded and activations), as its budget counts them. */
  get allocated(): number {
    return this.allocatedBytes;
  }

  /** `limits.maxMemory` bounds the float copies of every tensor the model uses (default: resolveLimits()). */
  constructor(readonly model: Model, limits: Partial<AnalysisLimits> = {}) {
    this.limits = resolveLimits(limits);
    if (model.subgraphs.length !== 1) {
      throw new QuantizeError('unsupported-model', `the model has ${model.subgraphs.length} subgraphs; only single-graph models (no IF / WHILE / CALL_ONCE) are supported`);
    }
    const graph = model.subgraphs[0]!;
    this.graph = graph;
    const written = new Set<number>(graph.inputs);
    // Only the tensors ops use are decoded or allocated; the rest stay empty.
    this.values = graph.tensors.map(() => EMPTY);
    for (const i of graph.inputs) this.prepare(graph.tensors[i]!, null);
    for (const op of graph.operators) {
      if (!(SUPPORTED_OPS as readonly string[]).includes(op.opName)) {
        throw layerError('unsupported-op', graph, op, `${op.opName} is not supported by the quantizer (supported: ${SUPPORTED_OPS.join(', ')})`);
      }
      const source = graph.tensors[op.inputs[0] ?? -1];
      if (op.opName === 'DEQUANTIZE' && source?.isConstant) {
        // Weights stored as float16 or int8 behind a DEQUANTIZE are constants for every op that reads them.
        const out = op.outputs[0] ?? -1;
        this.reserve(source, op);
        const values = constantValues(model, source);
        if (!graph.tensors[out] || graph.tensors[out].elementCount !== values.length) throw layerError('bad-model', graph, op, 'output and input sizes differ');
        this.values[out] = values;
        this.folded.set(out, op);
        written.add(out);
        continue;
      }
      if (this.fold(op)) {
        for (const o of op.outputs) written.add(o);
        continue;
      }
      for (const i of [...op.inputs, ...op.outputs]) {
        const t = graph.tensors[i];
        if (i < 0 || !t) continue;
        if (!t.isConstant && !t.isVariable && !written.has(i) && op.inputs.includes(i)) throw layerError('bad-model', graph, op, `input '${t.name}' is read before any op writes it`);
        this.prepare(t, op);
      }
      this.reserveTables(op);
      this.steps.push({ op, exec: this.compile(op) });
      for (const o of op.outputs) written.add(o);
    }
  }

  /**
   * Runs an op once, now, when its result is a constant: SHAPE (shapes are static here), or an op computing integers
   * from constants only. Returns false for any other op.
   */
  private fold(op: Operator): boolean {
    const g = this.graph;
    const outputs = op.outputs.map((o) => g.tensors[o]);
    if (outputs.some((t) => !t || !FOLDABLE_TYPES.has(t.dtype))) return false;
    if (op.opName !== 'SHAPE' && !op.inputs.every((i) => i < 0 || this.constantOf(i) !== null)) return false;
    for (const i of op.inputs) if (i >= 0 && op.opName !== 'SHAPE') this.prepare(g.tensors[i]!, op);
    for (const t of outputs) {
      this.reserve(t!, op);
      this.values[t!.index] = new Float32Array(t!.elementCount);
    }
    this.compile(op)(this.values);
    for (const o of op.outputs) this.folded.set(o, op);
    return true;
  }

  /**
   * The float values of a constant: a tensor with data, or the output of an op folded into one (a DEQUANTIZE of
   * weights, a shape computation); null for an activation.
   */
  constantOf(index: number): Float32Array | null {
    const t = this.graph.tensors[index];
    return t && (t.isConstant || this.folded.has(index)) ? this.values[index] ?? null : null;
  }

  private prepare(t: Tensor, op: Operator | null): void {
    if (this.values[t.index] !== EMPTY) return;
    this.reserve(t, op);
    if (t.isConstant) {
      this.values[t.index] = constantValues(this.model, t);
      return;
    }
    checkActivationType(t, op ? (detail) => layerError('unsupported-model', this.graph, op, detail) : null);
    this.values[t.index] = new Float32Array(t.elementCount);
  }

  /**
   * Counts the Int32 index tables a kernel keeps (as large as its output: gather-style kernels; one per broadcast input
   * of a binary op) against the same budget, before `compile` builds them: a 457-byte model upsampling to 19M elements
   * held twice its accounted tensor memory in tables (fuzz seed 12121 case 50648).
   */
  private reserveTables(op: Operator): void {
    const g = this.graph;
    const out = op.outputs.reduce((n, o) => n + (g.tensors[o]?.elementCount ?? 0), 0);
    let elements = 0;
    if (TABLE_OPS.has(op.opName)) elements = out;
    else if (BINARY_OPS.has(op.opName)) for (const i of op.inputs.slice(0, 2)) if ((g.tensors[i]?.elementCount ?? out) !== out) elements += out;
    if (elements === 0) return;
    this.allocatedBytes += elements * 4;
    const name = g.tensors[op.outputs[0] ?? -1]?.name ?? '';
    checkAllocation(this.limits, this.allocatedBytes, "the quantizer's tensor memory and index tables", { node: op.index, opName: op.opName, name });
  }

  /** Counts a tensor's float32 copy against the memory budget before it is allocated; over budget, a located error. */
  private reserve(t: Tensor, op: Operator | null): void {
    this.allocatedBytes += t.elementCount * 4;
    const where = op ? { node: op.index, opName: op.opName, name: t.name } : { name: t.name };
    checkAllocation(this.limits, this.allocatedBytes, "the quantizer's tensor memory", where);
  }

  get inputs(): Tensor[] { return this.graph.inputs.map((i) => this.graph.tensors[i]!); }
  get outputs(): Tensor[] { return this.graph.outputs.map((i) => this.graph.tensors[i]!); }

  /** Runs one inference on float inputs (one array per model input, row-major); returns float copies of the outputs. */
  run(inputs: readonly Float32Array[], opts: RunOptions = {}): Float32Array[] {
    const simulate = opts.simulateQuantization ?? true;
    this.graph.inputs.forEach((index, k) => {
      const given = inputs[k];
      const buffer = this.values[index]!;
      if (!given || given.length !== buffer.length) throw new QuantizeError('bad-data', `input ${k} needs ${buffer.length} values, got ${given?.length ?? 0}`);
      buffer.set(given);
      if (simulate) this.roundOntoGrid(index);
      opts.observe?.(index, buffer);
    });
    for (const { op, exec } of this.steps) {
      exec(this.values);
      for (const o of op.outputs) {
        if (simulate) this.roundOntoGrid(o);
        opts.observe?.(o, this.values[o]!);
      }
    }
    return this.graph.outputs.map((i) => this.values[i]!.slice());
  }

  private roundOntoGrid(index: number): void {
    const t = this.graph.tensors[index]!;
    const range = integerRange(t.dtype);
    const q = t.quantization;
    if (range && q && q.scale.length === 1) fakeQuantize(this.values[index]!, q.scale[0]!, q.zeroPoint[0] ?? 0, range);
  }

  private compile(op: Operator): Exec {
    const g = this.graph;
    const fail = (detail: string): QuantizeError => layerError('bad-model', g, op, detail);
    const tensor = (k: number): Tensor => {
      const t = g.tensors[op.inputs[k] ?? -1];
      if (!t) throw fail(`input ${k} is missing`);
      return t;
    };
    const output = g.tensors[op.outputs[0] ?? -1];
    if (!output || (op.outputs.length !== 1 && !MULTI_OUTPUT_OPS.has(op.opName))) throw fail('expected exactly one output');
    const [x, o] = [op.inputs[0] ?? -1, op.outputs[0]!];
    const act = (): Clamp => {
      const name = String(op.options.fusedActivationFunction ?? 'NONE');
      const c = CLAMPS[name];
      if (!c) throw layerError('unsupported-op', g, op, `fused activation ${name} is not supported (NONE, RELU, RELU6, RELU_N1_TO_1)`);
      return c;
    };
    const sameCount = (t: Tensor): void => {
      if (t.elementCount !== output.elementCount) throw fail(`output has ${output.elementCount} elements, input '${t.name}' ${t.elementCount}`);
    };
    const constant = (k: number, what: string): Tensor => {
      const t = tensor(k);
      if (this.constantOf(t.index) === null) throw layerError('unsupported-op', g, op, `the ${what} '${t.name}' must be a constant`);
      return t;
    };
    const name = op.opName;
    switch (name) {
      case 'CONV_2D':
      case 'DEPTHWISE_CONV_2D': {
        const [xt, wt] = [tensor(0), constant(1, 'filter')];
        const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? op.inputs[2] : -1;
        const xs = nhwc(xt, fail);
        const ws = nhwc(wt, fail);
        const os = nhwc(output, fail);
        const win = windowOf(op);
        const depthwise = name === 'DEPTHWISE_CONV_2D';
        const outC = depthwise ? ws[3] : ws[0];
        if (depthwise ? ws[0] !== 1 || ws[3] % xs[3] !== 0 : ws[3] !== xs[3]) {
          throw layerError('unsupported-op', g, op, `filter [${ws.join(', ')}] does not match input channels ${xs[3]}${depthwise ? '' : ' (grouped convolution is not supported)'}`);
        }
        const expected = [xs[0], outputSize(xs[1], ws[1], win.strideH, win.dilationH, win.padding), outputSize(xs[2], ws[2], win.strideW, win.dilationW, win.padding), outC];
        if (expected.join() !== os.join()) throw fail(`output shape [${os.join(', ')}], the op computes [${expected.join(', ')}]`);
        const clampTo = act();
        const kernel = depthwise ? depthwiseConv2d : conv2d;
        return (v) => kernel(v[x]!, xs, v[op.inputs[1]!]!, ws, bias >= 0 ? v[bias]! : null, win, clampTo, v[o]!, os);
      }
      case 'FULLY_CONNECTED': {
        const [xt, wt] = [tensor(0), constant(1, 'weights')];
        const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? op.inputs[2] : -1;
        const [units, depth] = wt.shape;
        if (wt.shape.length !== 2 || !units || !depth || xt.elementCount % depth !== 0) throw fail(`weights [${wt.shape.join(', ')}] do not fit input [${xt.shape.join(', ')}]`);
        if (output.elementCount !== (xt.elementCount / depth) * units) throw fail(`output [${output.shape.join(', ')}] is not ${xt.elementCount / depth} x ${units}`);
        const clampTo = act();
        return (v) => fullyConnected(v[x]!, v[op.inputs[1]!]!, units, depth, bias >= 0 ? v[bias]! : null, clampTo, v[o]!);
      }
      case 'AVERAGE_POOL_2D':
      case 'MAX_POOL_2D': {
        const xs = nhwc(tensor(0), fail);
        const os = nhwc(output, fail);
        const win = windowOf(op);
        const fh = Number(op.options.filterHeight);
        const fw = Number(op.options.filterWidth);
        const expected = [xs[0], outputSize(xs[1], fh, win.strideH, 1, win.padding), outputSize(xs[2], fw, win.strideW, 1, win.padding), xs[3]];
        if (!(fh > 0 && fw > 0) || expected.join() !== os.join()) throw fail(`output shape [${os.join(', ')}], the op computes [${expected.join(', ')}]`);
        const clampTo = act();
        const kind = name === 'MAX_POOL_2D' ? 'max' : 'avg';
        return (v) => pool2d(kind, v[x]!, xs, fh, fw, win, clampTo, v[o]!, os);
      }
      case 'ADD':
      case 'SUB':
      case 'MUL':
      case 'SQUARED_DIFFERENCE':
      case 'MAXIMUM':
      case 'MINIMUM':
      case 'PRELU': {
        const [a, b] = [tensor(0), tensor(1)];
        const shape = broadcastShape(a.shape, b.shape);
        if (!shape || sizeOf(shape) !== output.elementCount) throw fail(`shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not broadcast to [${output.shape.join(', ')}]`);
        const f = binaryOp(name as Arithmetic, a.shape, b.shape, shape);
        const clampTo = act();
        return (v) => f(v[x]!, v[op.inputs[1]!]!, clampTo, v[o]!);
      }
      case 'RESHAPE':
      case 'QUANTIZE':
      case 'DEQUANTIZE': {
        sameCount(tensor(0));
        return (v) => v[o]!.set(v[x]!);
      }
      case 'RELU':
      case 'RELU6':
      case 'LOGISTIC':
      case 'TANH':
      case 'ABS':
      case 'SQRT':
      case 'RSQRT':
      case 'LOG': {
        sameCount(tensor(0));
        return (v) => activation(name as Activation, v[x]!, v[o]!);
      }
      case 'SOFTMAX': {
        const xt = tensor(0);
        sameCount(xt);
        const depth = xt.shape[xt.shape.length - 1] ?? 1;
        const beta = Number(op.options.beta ?? 1);
        return (v) => softmax(v[x]!, depth, beta, v[o]!);
      }
      case 'CONCATENATION': {
        const parts = op.inputs.map((_, k) => tensor(k));
        const rank = output.shape.length;
        const axis = Number(op.options.axis ?? 0) < 0 ? Number(op.options.axis) + rank : Number(op.options.axis ?? 0);
        const along = parts.reduce((a, t) => a + (t.shape[axis] ?? 0), 0);
        const fits = parts.every((t) => t.shape.length === rank && t.shape.every((d, i) => i === axis || d === output.shape[i]));
        if (axis < 0 || axis >= rank || !fits || along !== output.shape[axis]) throw fail(`inputs do not concatenate to [${output.shape.join(', ')}] along axis ${axis}`);
        const clampTo = act();
        const shapes = parts.map((t) => t.shape);
        return (v) => concatenate(op.inputs.map((i) => v[i]!), shapes, axis, clampTo, v[o]!);
      }
      case 'MEAN': {
        const xt = tensor(0);
        const axes = [...new Set([...this.constantOf(constant(1, 'axis').index)!].map((a) => (a < 0 ? a + xt.shape.length : a)))];
        if (axes.some((a) => a < 0 || a >= xt.shape.length)) throw fail(`axis out of range for rank ${xt.shape.length}`);
        const count = sizeOf(xt.shape.filter((_, i) => !axes.includes(i)));
        if (count !== output.elementCount) throw fail(`output [${output.shape.join(', ')}] does not match the reduced input`);
        return (v) => mean(v[x]!, xt.shape, axes, v[o]!);
      }
      case 'PAD': {
        const xt = tensor(0);
        const raw = this.constantOf(constant(1, 'paddings').index)!;
        const rank = xt.shape.length;
        if (raw.length !== rank * 2) throw fail(`paddings hold ${raw.length} values, the input has rank ${rank}`);
        const paddings = xt.shape.map((_, d) => [raw[2 * d]!, raw[2 * d + 1]!] as const);
        const shape = xt.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
        if (paddings.some(([a, b]) => a < 0 || b < 0) || shape.join() !== output.shape.join()) throw fail(`padded shape [${shape.join(', ')}] is not the output shape [${output.shape.join(', ')}]`);
        return (v) => pad(v[x]!, xt.shape, paddings, v[o]!, output.shape);
      }
      default: {
        const context: OpContext = {
          graph: g, op, output, tensor, act, fail,
          constant: (k, what) => this.constantOf(constant(k, what).index)!,
          unsupported: (detail) => layerError('unsupported-op', g, op, detail),
        };
        const exec = compileMore(context) ?? compileRnn(context);
        if (!exec) throw layerError('unsupported-op', g, op, `${name} has no kernel here`);
        return exec;
      }
    }
  }
}

function nhwc(t: Tensor, fail: (detail: string) => QuantizeError): Nhwc {
  const [n, h, w, c] = t.shape;
  if (t.shape.length !== 4 || n === undefined || h === undefined || w === undefined || c === undefined) throw fail(`'${t.name}' must be 4-D (NHWC), it is [${t.shape.join(', ')}]`);
  return [n, h, w, c];
}

function windowOf(op: Operator): Window {
  return {
    strideH: Number(op.options.strideH ?? 1) || 1,
    strideW: Number(op.options.strideW ?? 1) || 1,
    dilationH: Number(op.options.dilationHFactor ?? 1) || 1,
    dilationW: Number(op.options.dilationWFactor ?? 1) || 1,
    padding: op.options.padding === 'VALID' ? 'VALID' : 'SAME',
  };
}

/** Activations must be float32, or quantized integers for a simulated run of a quantized model. */
function checkActivationType(t: Tensor, located: ((detail: string) => QuantizeError) | null): void {
  if (t.dtype === 'FLOAT32') return;
  if (integerRange(t.dtype) && t.quantization && t.quantization.scale.length === 1) return;
  const detail = `tensor '${t.name}' is ${t.dtype}${t.quantization ? '' : ' without quantization'}; activations must be FLOAT32 (or per-tensor quantized integers)`;
  throw located ? located(detail) : new QuantizeError('unsupported-model', detail);
}
