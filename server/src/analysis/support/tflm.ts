/**
 * TFLM-side verdicts: does TFLM have a kernel for this op and these types (from the memory model's replay of every
 * Prepare, which carries the kernels' type checks), and does an optimized library (CMSIS-NN, ESP-NN) replace it.
 */
import type { DType, Operator, Subgraph } from '../../model/ir.js';
import { CMSIS_NN_KERNELS, ESP_NN_KERNELS, TFLM_OPS, type LibraryKernel } from '../../targets/ops.js';
import type { NodeFailure } from '../tflm/interpreter.js';
import type { LayerSupport } from './types.js';

/** Ops whose data tensor is not their first input: SPLIT takes (axis, input). */
const DATA_INPUT: Readonly<Record<string, number>> = { SPLIT: 1 };

/**
 * The activation type a kernel switches on: the op's data input where it is not the first (SPLIT), else the first
 * non-constant input, else the first input, else the output.
 */
export function activationType(sg: Subgraph, op: Operator): DType | null {
  const data = DATA_INPUT[op.opName];
  const given = data === undefined ? undefined : sg.tensors[op.inputs[data] ?? -1];
  if (given) return given.dtype;
  const inputs = op.inputs.filter((i) => i >= 0).map((i) => sg.tensors[i]).filter((t) => t !== undefined);
  const live = inputs.find((t) => !t.isConstant) ?? inputs[0] ?? sg.tensors[op.outputs[0] ?? -1];
  return live?.dtype ?? null;
}

/** The weight type: the first constant input (filters, FC weights), or null. */
function weightType(sg: Subgraph, op: Operator): DType | null {
  for (const i of op.inputs) {
    const t = i >= 0 ? sg.tensors[i] : undefined;
    if (t?.isConstant && t.shape.length >= 2) return t.dtype;
  }
  return null;
}

// The source tables name types in lower case with short forms ('int8', 'float32/int32', 'int8 (out int16)').
const TYPE_WORDS: Partial<Record<DType, string>> = { INT8: 'int8', INT16: 'int16', INT32: 'int32', FLOAT32: 'float32', INT4: 'int4', INT64: 'int64' };

function matchesType(cell: string, dtype: DType | null): boolean {
  const word = dtype ? TYPE_WORDS[dtype] : undefined;
  if (!word) return false;
  const head = cell.split(' (')[0] ?? cell;
  return head.split('/').includes(word);
}

function libraryKernel(rows: LibraryKernel[], sg: Subgraph, op: Operator, out: DType | null): LibraryKernel | undefined {
  const act = activationType(sg, op);
  const w = weightType(sg, op);
  return rows.find((r) => {
    if (r.op !== op.opName || !matchesType(r.activation, act)) return false;
    // 'int8 (out int16)' rows distinguish softmax outputs.
    const outNote = /\(out (\w+)\)/.exec(r.activation)?.[1];
    if (outNote && !matchesType(outNote, out)) return false;
    if (r.weights === '-' || w === null) return true;
    return matchesType(r.weights, w);
  });
}

/** True when every non-constant input has the output's shape (ESP-NN's add/mul have no broadcast path). */
function sameShapes(sg: Subgraph, op: Operator): boolean {
  const out = sg.tensors[op.outputs[0] ?? -1]?.shape.join(',');
  return op.inputs.every((i) => i < 0 || sg.tensors[i]?.shape.join(',') === out);
}

/**
 * The shapes of the two inputs when they broadcast, as TFLM's `reference_ops::ProcessBroadcastShapes` decides it: not
 * equal once the shorter is padded with leading 1s (so [4] and [1, 4] do not broadcast, a scalar and [4] do). null
 * when they match or the op has fewer than two inputs.
 */
export function broadcastShapes(sg: Subgraph, op: Operator): [number[], number[]] | null {
  const a = sg.tensors[op.inputs[0] ?? -1]?.shape;
  const b = sg.tensors[op.inputs[1] ?? -1]?.shape;
  if (!a || !b) return null;
  const rank = Math.max(a.length, b.length);
  const pad = (s: number[]): number[] => [...new Array<number>(rank - s.length).fill(1), ...s];
  return pad(a).join(',') === pad(b).join(',') ? null : [a, b];
}

/**
 * The verdict of a TFLM build for one op. `failure` is the memory model's record of this node, when TFLM could not
 * resolve or prepare it; `library` picks the optimized kernel table.
 */
export function tflmVerdict(
  sg: Subgraph,
  op: Operator,
  failure: NodeFailure | undefined,
  library: 'none' | 'cmsis-nn' | 'esp-nn',
  /** Why the node fails at Invoke though it allocates (tflm/invoke.ts), or null. */
  invoke: string | null = null,
): LayerSupport {
  const dtype = activationType(sg, op);
  const custom = op.opName.startsWith('CUSTOM:');
  const base = { subgraph: sg.index, index: op.index, op: op.opName, dtype, unit: 'cpu' as const, custom };
  if (failure) {
    const known = TFLM_OPS.has(op.opName);
    const why = custom && !known
      ? `custom op ${op.customCode ?? op.opName} is not registered by TFLM; the application must register its kernel`
      : failure.reason;
    return { ...base, verdict: failure.kind === 'unresolved' ? 'unsupported' : 'unsupported-dtype', kernel: null, reason: why };
  }
  if (invoke) return { ...base, verdict: 'unsupported-dtype', kernel: null, reason: invoke };
  const out = sg.tensors[op.outputs[0] ?? -1]?.dtype ?? null;
  if (library === 'cmsis-nn') {
    const k = libraryKernel(CMSIS_NN_KERNELS, sg, op, out);
    const broadcast = k?.condition === 'no-broadcast' ? broadcastShapes(sg, op) : null;
    if (k?.optimized && broadcast) {
      const [a, b] = broadcast.map((s) => `[${s.join(', ')}]`);
      return { ...base, verdict: 'reference', kernel: 'reference', reason: `inputs ${a} and ${b} broadcast; CMSIS-NN's ${k.function} takes same-shape inputs only, so TFLM runs the reference broadcast kernel` };
    }
    if (k?.optimized) return { ...base, verdict: 'optimized', kernel: k.function, reason: null };
    return { ...base, verdict: 'reference', kernel: 'reference', reason: k ? `CMSIS-NN falls back to the reference kernel for ${dtype}` : 'no CMSIS-NN kernel for this op' };
  }
  if (library === 'esp-nn') {
    const k = libraryKernel(ESP_NN_KERNELS, sg, op, out);
    if (k && (!['ADD', 'MUL'].includes(op.opName) || sameShapes(sg, op))) {
      return { ...base, verdict: 'optimized', kernel: k.function, reason: null };
    }
    return { ...base, verdict: 'reference', kernel: 'reference', reason: k ? 'ESP-NN has no broadcast path; reference kernel' : `no ESP-NN kernel for ${op.opName} ${dtype ?? ''}`.trim() };
  }
  return { ...base, verdict: 'reference', kernel: 'reference', reason: null };
}
