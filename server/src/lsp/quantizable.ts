/**
 * `tinymlLens/quantizable`: which models Quantize to int8 takes. The explorer offers the command only on float (or
 * hybrid) models, and the command says why a model is refused before it asks for calibration data. A static look at
 * the parsed model (cached by the model cache, parsed in a worker), never an analysis or a run. Registered by
 * registerQuantize (quantize.ts).
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CancellationToken } from 'vscode-languageserver/node';
import type { Model, Tensor } from '../model/ir.js';
import { SUPPORTED_OPS } from '../quantize/index.js';
import { loadProblem } from './messages.js';
import type { ModelCache } from './models.js';
import { isModelName } from './convert-protocol.js';
import { MAX_QUANTIZABLE_URIS, type QuantizableParams, type QuantizableResult } from './protocol.js';

type Verdict = QuantizableResult['models'][number];


/** Activation types of a quantized model (int32 / int64 / bool tensors are shapes and indices, not quantized data). */
const QUANTIZED_TYPES: ReadonlySet<string> = new Set(['INT8', 'UINT8', 'INT16', 'INT4']);
const EDGE_OPS: ReadonlySet<string> = new Set(['QUANTIZE', 'DEQUANTIZE']);

/**
 * Whether `model` computes in float (float32 layers and no quantized activation: a float or hybrid model), and why
 * the quantizer would refuse it (null when it takes it): the checks the quantizer makes before its first sample.
 */
export function floatModelVerdict(model: Model): { float: boolean; reason: string | null } {
  const computed = (t: Tensor | undefined): t is Tensor => t !== undefined && !t.isConstant;
  let floatLayer = false;
  let quantized: Tensor | undefined;
  for (const g of model.subgraphs) {
    for (const op of g.operators) {
      const outs = op.outputs.map((i) => g.tensors[i]).filter(computed);
      if (!EDGE_OPS.has(op.opName) && outs.some((t) => t.dtype === 'FLOAT32')) floatLayer = true;
      quantized ??= outs.find((t) => QUANTIZED_TYPES.has(t.dtype));
    }
  }
  const main = model.subgraphs[0];
  const edge = main ? [...main.inputs, ...main.outputs].map((i) => main.tensors[i]).find((t) => t !== undefined && t.dtype !== 'FLOAT32') : undefined;
  const float = floatLayer && !quantized && !edge;
  if (!main) return { float, reason: 'the model has no subgraph' };
  if (edge) return { float, reason: `'${edge.name}' is ${edge.dtype}: Quantize to int8 takes a float32 (or hybrid) model` };
  if (quantized) return { float, reason: `'${quantized.name}' is already ${quantized.dtype}: Quantize to int8 takes a float32 (or hybrid) model` };
  if (!floatLayer) return { float, reason: 'no layer computes in float32: there is nothing to quantize' };
  if (model.subgraphs.length > 1) return { float, reason: `the model has ${model.subgraphs.length} subgraphs (IF / WHILE / CALL_ONCE); the quantizer takes single-graph models` };
  const missing = main.operators.find((op) => !(SUPPORTED_OPS as readonly string[]).includes(op.opName));
  if (missing) return { float, reason: `layer ${missing.index} ${missing.opName} is not supported by the quantizer` };
  return { float, reason: null };
}

/** The verdict for each URI of the request (at most MAX_QUANTIZABLE_URIS), in order; stops early when cancelled. */
export async function quantizable(p: QuantizableParams, models: ModelCache, token: CancellationToken): Promise<QuantizableResult> {
  const uris = Array.isArray(p?.uris) ? p.uris.filter((u): u is string => typeof u === 'string').slice(0, MAX_QUANTIZABLE_URIS) : [];
  const out: Verdict[] = [];
  for (const uri of uris) {
    if (token.isCancellationRequested) break;
    out.push(await verdictOf(uri, models));
  }
  return { models: out };
}

async function verdictOf(uri: string, models: ModelCache): Promise<Verdict> {
  const refuse = (reason: string): Verdict => ({ uri, float: false, reason });
  if (!uri.startsWith('file:')) return refuse('give a .tflite file URI');
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    return refuse('give a .tflite file URI');
  }
  // A source model's verdict is its converted model's (the model cache converts it in a worker).
  if (!isModelName(path)) return refuse(`${basename(path)} is not a .tflite model, nor one TinyML Lens converts`);
  const load = await models.loaded(path);
  if (load.kind !== 'ok') return refuse(loadProblem(load));
  return { uri, ...floatModelVerdict(load.model) };
}
