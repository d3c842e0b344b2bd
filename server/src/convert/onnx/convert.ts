/**
 * ONNX -> float32 .tflite. The graph is walked in order (ONNX requires topological order) after pruning what no kept
 * output needs (label outputs, ZipMap); each node becomes TFLite ops through the builder, NHWC throughout: rank-4
 * inputs and every spatial op are channels-last, weights are permuted rather than activations, and a TRANSPOSE is
 * written only where an op depends on NCHW element order (each one noted).
 */
import { Emitter } from '../common/emit.js';
import { ConvertError, type ConvertedModel, type ConvertOptions, type ConvertSource } from '../types.js';
import { Ctx, unsupported, type Act, type Const } from './context.js';
import { convertConv, convertGlobalPool, convertPool, convertReduceMean } from './ops-conv.js';
import { constOfTensor, tryFold } from './ops-const.js';
import { convertGemm } from './ops-dense.js';
import { convertActivation, convertBatchNorm, convertBinary } from './ops-elementwise.js';
import { convertIf, nestedNodes, nestedOutputs } from './ops-control.js';
import { convertLinear, convertNormalizer, convertScaler, refuseWholeModel } from './ops-ml.js';
import { convertGather, convertLstm } from './ops-rnn.js';
import { convertSlice, convertSplit } from './ops-slice.js';
import { convertConcat, convertPad, convertReshape, convertResize, convertSoftmax, convertTranspose } from './ops-shape.js';
import { readOnnx, type OnnxModel, type OnnxNode, type OnnxValueInfo } from './reader.js';

type Handler = (ctx: Ctx, node: OnnxNode) => void;

const HANDLERS: Readonly<Record<string, Handler>> = {
  Conv: convertConv, MaxPool: convertPool, AveragePool: convertPool, GlobalAveragePool: convertGlobalPool, GlobalMaxPool: convertGlobalPool,
  ReduceMean: convertReduceMean, Gemm: convertGemm, MatMul: convertGemm, BatchNormalization: convertBatchNorm,
  Add: convertBinary, Sub: convertBinary, Mul: convertBinary, Div: convertBinary, Max: convertBinary, Min: convertBinary,
  Sum: convertBinary, LogSoftmax: convertSoftmax, Relu: convertActivation, Sigmoid: convertActivation, Tanh: convertActivation, HardSwish: convertActivation, Abs: convertActivation,
  LeakyRelu: convertActivation, Sqrt: convertActivation, Log: convertActivation, Pow: convertActivation, Clip: convertActivation, HardSigmoid: convertActivation, PRelu: convertActivation, Neg: convertActivation,
  Reshape: convertReshape, Flatten: convertReshape, Squeeze: convertReshape, Unsqueeze: convertReshape, Transpose: convertTranspose,
  Concat: convertConcat, Softmax: convertSoftmax, Pad: convertPad, Resize: convertResize, Upsample: convertResize,
  LSTM: convertLstm, Gather: convertGather, Slice: convertSlice, Split: convertSplit,
};

const ML_HANDLERS: Readonly<Record<string, Handler>> = { Scaler: convertScaler, LinearRegressor: convertLinear, LinearClassifier: convertLinear, Normalizer: convertNormalizer };

const LOGIC_OPS: ReadonlySet<string> = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not']);

/** What an op would need, for the error of an unmapped one. */
const NEEDS: Readonly<Record<string, string>> = {
  GRU: 'a GRU builtin TFLM does not have; unroll it into MatMul/Sigmoid/Tanh/Mul',
  RNN: 'UNIDIRECTIONAL_SEQUENCE_RNN (not mapped); unroll it',
  Loop: 'control flow: a static graph (unroll the loop)',
  Scan: 'control flow: a static graph', ConvTranspose: 'TRANSPOSE_CONV (not mapped yet)',
};

/** An input or output of the converted model: its ONNX shape, its .tflite shape, and whether it is held NHWC. */
export interface OnnxIo {
  readonly name: string;
  readonly onnxShape: readonly number[];
  readonly tfliteShape: readonly number[];
  /** The .tflite tensor is the ONNX NCHW tensor transposed to NHWC. */
  readonly nhwc: boolean;
  /** The ONNX element type: FLOAT, or DOUBLE (skl2onnx's double pipelines), computed in float32 by the .tflite. */
  readonly onnxType: 'FLOAT' | 'DOUBLE';
}

export interface OnnxConversion extends ConvertedModel {
  readonly inputs: readonly OnnxIo[];
  readonly outputs: readonly OnnxIo[];
  /** TFLite op counts of the written model. */
  readonly ops: ReadonlyMap<string, number>;
}

/** Converts an ONNX model (bytes in `source`) to a float32 .tflite. */
export function convertOnnx(source: ConvertSource, options: ConvertOptions = {}): OnnxConversion {
  return convertOnnxModel(readOnnx(source.bytes, source.shards), source.name, options);
}

export function convertOnnxModel(model: OnnxModel, name: string, options: ConvertOptions = {}): OnnxConversion {
  refuseWholeModel(model);
  const notes: string[] = [];
  const kept = keptOutputs(model, notes);
  const live = liveNodes(model, new Set(kept.map((k) => k.source)));
  // Loops first: their condition ops (Less, And) would otherwise be named as the reason. An If is resolved in the
  // walk, when its condition has folded (ops-control.ts).
  const flow = [...live, ...nestedNodes(live)].find((n) => n.opType === 'Loop' || n.opType === 'Scan');
  if (flow) throw unsupported(flow, `control flow (${flow.opType}, e.g. a recurrent layer exported as a loop)`, NEEDS[flow.opType] ?? null);
  // The nodes of If branches read values by name too: they count as consumers, their outputs as graph outputs.
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of [...live, ...nestedNodes(live)]) for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const em = new Emitter(`${name} (converted from ONNX by TinyML Lens)`);
  const ctx = new Ctx(em, model.opset, consumers, new Set([...kept.map((k) => k.source), ...nestedOutputs(live)]));
  ctx.notes.push(...notes);
  for (const [n, t] of model.initializers) ctx.set(n, constOfTensor(t));
  const needed = new Set([...live, ...nestedNodes(live)].flatMap((n) => n.inputs));
  namedInputs(model, options);
  const inputs: OnnxIo[] = [];
  for (const v of model.inputs) {
    if (!needed.has(v.name) && !kept.some((k) => k.source === v.name)) continue;
    const value = boundValue(v, options);
    if (value) {
      ctx.set(v.name, value);
      ctx.note(`input '${v.name}' fixed to ${value.data.length === 1 ? value.data[0] : `[${Array.from(value.data).join(',')}]`} (not an input of the .tflite)`);
      continue;
    }
    inputs.push(graphInput(ctx, v, options));
  }
  const walk = (nodes: readonly OnnxNode[]): void => {
    for (const node of nodes) {
      if (ctx.absorbed.has(node.index)) continue;
      if (node.opType === 'If' && node.domain === '') convertIf(ctx, node, walk);
      else convertNode(ctx, node, model);
    }
  };
  // Constant nodes first: they read nothing, and a fusion looks ahead at its consumer's operands (paddle2onnx puts
  // a Clip's bounds after the Add whose output the Clip reads).
  walk([...live.filter((n) => n.opType === 'Constant' && n.inputs.length === 0), ...live.filter((n) => n.opType !== 'Constant' || n.inputs.length > 0)]);
  const outputs: OnnxIo[] = [];
  const refs: Act['ref'][] = [];
  for (const k of kept) {
    const v = ctx.values.get(k.source);
    if (!v) throw new ConvertError('bad-model', `output '${k.name}'`, 'no node produces it');
    if (v.kind !== 'act') throw new ConvertError('unsupported-model', `output '${k.name}'`, 'the output is a constant (it does not depend on the input)');
    if (v.rowPerm) throw unsupported({ name: k.name, opType: 'Flatten' } as OnnxNode, 'a flatten of NCHW data as a graph output');
    if (v.nchw) ctx.note(`output '${k.name}' [${v.shape.join(',')}] is NHWC [${Ctx.tfliteShape(v).join(',')}] in the .tflite`);
    refs.push(v.ref);
    outputs.push({ name: k.name, onnxShape: v.shape, tfliteShape: Ctx.tfliteShape(v), nhwc: v.nchw, onnxType: 'FLOAT' });
  }
  const tflite = em.finish(refs);
  return { format: 'onnx', tflite, notes: ctx.notes, inputs, outputs, ops: em.counts };
}

function convertNode(ctx: Ctx, node: OnnxNode, model: OnnxModel): void {
  const ml = node.domain === 'ai.onnx.ml';
  if (!ml && node.domain !== '' && node.domain !== 'ai.onnx') throw unsupported(node, `an op of the custom domain '${node.domain}'`, 'standard ONNX ops');
  if (!ml && tryFold(ctx, node)) return;
  if (node.opType === 'Identity' || node.opType === 'Dropout' || (node.opType === 'Cast' && ctx.get(node, 0).kind === 'act' && [1, 10, 11, 16].includes(ctx.int(node, 'to', 1)))) {
    const mask = node.opType === 'Dropout' ? node.outputs[1] : undefined;
    if (mask && (ctx.consumersOf(mask).length > 0 || ctx.isOutput(mask))) throw unsupported(node, 'the mask output is read', 'Dropout in inference mode');
    ctx.set(node.outputs[0]!, ctx.get(node, 0));
    return;
  }
  const handler = ml ? ML_HANDLERS[node.opType] : HANDLERS[node.opType];
  if (!handler && LOGIC_OPS.has(node.opType)) {
    // Foldable on constants (ops-const.ts): here it reads run-time data, most often the condition of an If.
    throw unsupported(node, `${node.opType} of run-time data (a condition decided by the input, e.g. an If on a score)`, 'control flow whose condition folds to a constant (fixed inputs, static shapes)');
  }
  if (!handler) {
    throw unsupported(node, `no TFLite mapping for ${ml ? 'ai.onnx.ml ' : ''}${node.opType} (opset ${ml ? model.mlOpset : model.opset})`, NEEDS[node.opType] ?? 'an op TinyML Lens maps (see docs/CLI.md, convert)');
  }
  for (let k = 0; k < node.inputs.length; k++) {
    const v = ctx.has(node, k) ? ctx.get(node, k) : null;
    if (v?.kind === 'act' && v.rowPerm && node.opType !== 'Gemm' && node.opType !== 'MatMul') throw unsupported(node, 'reads a flattened NCHW tensor');
  }
  handler(ctx, node);
}

/** The float tensor outputs, ZipMap outputs replaced by the scores they wrap; the rest (labels) dropped with a note. */
function keptOutputs(model: OnnxModel, notes: string[]): { name: string; source: string }[] {
  const producer = new Map<string, OnnxNode>();
  for (const n of model.nodes) for (const o of n.outputs) producer.set(o, n);
  const kept: { name: string; source: string }[] = [];
  for (const o of model.outputs) {
    const p = producer.get(o.name);
    if (p?.opType === 'ZipMap') {
      notes.push(`output '${o.name}' (ZipMap, a list of label -> probability maps) dropped: the .tflite outputs the probabilities '${p.inputs[0]}' as a tensor`);
      if (!kept.some((k) => k.source === p.inputs[0])) kept.push({ name: p.inputs[0]!, source: p.inputs[0]! });
      continue;
    }
    if (o.kind !== 'tensor' || (o.elemType !== 'FLOAT' && o.elemType !== 'DOUBLE' && o.elemType !== null)) {
      notes.push(`output '${o.name}' (${o.elemType ?? o.kind}) dropped: a label output (the argmax of the scores), no float tensor`);
      continue;
    }
    kept.push({ name: o.name, source: o.name });
  }
  if (kept.length === 0) throw new ConvertError('unsupported-model', 'GraphProto.output', 'no float tensor output to convert');
  return kept;
}

/** The nodes some kept output depends on, in graph order. */
function liveNodes(model: OnnxModel, outputs: ReadonlySet<string>): OnnxNode[] {
  const needed = new Set(outputs);
  const live: OnnxNode[] = [];
  for (let k = model.nodes.length - 1; k >= 0; k--) {
    const n = model.nodes[k]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    live.push(n);
    for (const i of [n, ...nestedNodes([n])].flatMap((m) => m.inputs)) if (i) needed.add(i);
  }
  return live.reverse();
}

/** Every input `inputShapes` and `inputValues` name is one of the graph's (a typo must not be ignored), and not both. */
function namedInputs(model: OnnxModel, options: ConvertOptions): void {
  const names = new Set(model.inputs.map((v) => v.name));
  for (const [option, map] of [['inputShapes', options.inputShapes], ['inputValues', options.inputValues]] as const) {
    for (const name of map?.keys() ?? []) {
      if (names.has(name)) continue;
      const list = [...names].slice(0, 8).map((n) => `'${n}'`).join(', ');
      throw new ConvertError('bad-model', `input '${name}'`, `${option} names no input of the model (its inputs: ${list || 'none'})`);
    }
  }
  const both = [...options.inputValues?.keys() ?? []].find((n) => options.inputShapes?.has(n));
  if (both !== undefined) throw new ConvertError('bad-model', `input '${both}'`, 'both a shape and a value are given: a fixed value is not an input of the .tflite');
}

/** A graph input fixed to a constant by `inputValues` (a sample rate, a mode flag), or null. */
function boundValue(v: OnnxValueInfo, options: ConvertOptions): Const | null {
  const given = options.inputValues?.get(v.name);
  if (!given) return null;
  const where = `input '${v.name}'`;
  if (v.kind !== 'tensor' || !v.elemType) throw new ConvertError('unsupported-model', where, `the input is a ${v.kind}, not a tensor to fix`);
  const integer = !['FLOAT', 'DOUBLE', 'FLOAT16'].includes(v.elemType);
  if (given.some((x) => !Number.isFinite(x) || (integer && !Number.isSafeInteger(x)))) throw new ConvertError('bad-model', where, `value [${given.join(',')}] is not ${integer ? 'integer' : 'finite'} (the input is ${v.elemType})`);
  const rank = v.shape?.length ?? (given.length === 1 ? 0 : 1);
  const shape = rank === 0 ? [] : rank === 1 ? [given.length] : null;
  if (!shape || (v.shape && v.shape.length === 1 && typeof v.shape[0] === 'number' && v.shape[0] !== given.length) || (rank === 0 && given.length !== 1)) {
    throw new ConvertError('bad-model', where, `${given.length} value(s) given for an input of shape [${(v.shape ?? []).join(',')}] (a scalar or a vector can be fixed)`);
  }
  return { kind: 'const', shape, data: integer ? Float64Array.from(given) : Float32Array.from(given) };
}

function graphInput(ctx: Ctx, v: OnnxValueInfo, options: ConvertOptions): OnnxIo {
  const where = `input '${v.name}'`;
  const double = v.elemType === 'DOUBLE';
  if (v.kind !== 'tensor' || (v.elemType !== 'FLOAT' && !double)) throw new ConvertError('unsupported-model', where, `the input is ${v.elemType ?? v.kind}; only float inputs are converted`);
  if (double) ctx.note(`input '${v.name}' is DOUBLE in the ONNX model: float32 in the .tflite, and every op computes in float32 (TFLM has no float64)`);
  const given = options.inputShapes?.get(v.name);
  if (!given && !v.shape) throw new ConvertError('unsupported-model', where, 'the input has no static shape', 'give its shape (inputShapes)');
  const shape = given ? [...given] : v.shape!.map((d, k) => {
    if (typeof d === 'number') return d;
    if (k === 0) return 1;
    throw new ConvertError('unsupported-model', where, `dimension ${k} is open (${d ?? '?'})`, 'give the input shape');
  });
  if (shape.some((d) => !Number.isInteger(d) || d < 1 || d > 1 << 24)) throw new ConvertError('bad-model', where, `shape [${shape.join(',')}]`);
  if (!given && v.shape!.some((d, k) => k === 0 && typeof d !== 'number')) ctx.note(`input '${v.name}': open batch dimension fixed to 1`);
  const nchw = shape.length === 4;
  const tfliteShape = Ctx.tfliteShape({ shape, nchw });
  const ref = ctx.em.input(v.name, tfliteShape);
  if (nchw) ctx.note(`input '${v.name}' [${shape.join(',')}] (NCHW) is NHWC [${tfliteShape.join(',')}] in the .tflite`);
  ctx.set(v.name, { kind: 'act', ref, shape, nchw });
  return { name: v.name, onnxShape: shape, tfliteShape, nhwc: nchw, onnxType: double ? 'DOUBLE' : 'FLOAT' };
}
