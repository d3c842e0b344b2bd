/**
 * Accelerator placement: which ops Arm's Vela compiler puts on an Ethos-U NPU (the rest fall back to TFLM on the
 * Cortex-M), and which the Edge TPU compiler maps before its single CPU split. Both check the documented constraints
 * that can be decided from the model file; constraints on values (weight sums, scales) are not re-derived.
 */
import type { Operator, Subgraph, Tensor } from '../../model/ir.js';
import { EDGETPU, type EdgeTpuCheck, VELA } from '../../targets/ops.js';

const VELA_TYPES = new Set(['INT8', 'UINT8', 'INT16', 'INT32']);
const VELA_INT32_OPS = new Set(['ADD', 'ARG_MAX', 'MUL', 'SHAPE', 'SUB', 'TRANSPOSE']);
const VELA_NO_QUANT_OPS = new Set(['ARG_MAX', 'SHAPE', 'TRANSPOSE']);
const VELA_PER_AXIS_OPS = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV']);
const VELA_BATCH1_OPS = new Set(['FULLY_CONNECTED', 'RESHAPE', 'SHAPE', 'SLICE', 'SOFTMAX', 'SPLIT', 'SPLIT_V', 'SQUEEZE', 'STRIDED_SLICE', 'UNPACK']);
const VELA_ACTIVATIONS = new Set(['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'TANH']);

function tensors(sg: Subgraph, ids: number[]): Tensor[] {
  return ids.filter((i) => i >= 0).map((i) => sg.tensors[i]).filter((t): t is Tensor => t !== undefined);
}

/** Why Vela keeps this op on the CPU, or null when it goes to the NPU (constraints of Vela 3.10's SUPPORTED_OPS). */
export function velaRejection(sg: Subgraph, op: Operator): string | null {
  if (op.opName === 'CUSTOM:ethos-u') return null; // already compiled by Vela: the NPU command stream
  const spec = VELA.ops.get(op.opName);
  if (!spec?.npu) return `${op.opName} is not an Ethos-U operator`;
  const ins = tensors(sg, op.inputs);
  const outs = tensors(sg, op.outputs);
  for (const t of [...ins, ...outs]) {
    // Biases are checked by the op's own constraint (int32 or int64, 1-D), not the generic type list.
    if (t.isConstant && (t.dtype === 'INT32' || t.dtype === 'INT64') && t.shape.length === 1) continue;
    if (!VELA_TYPES.has(t.dtype) || (t.dtype === 'INT32' && !VELA_INT32_OPS.has(op.opName))) {
      return `tensor ${t.name} is ${t.dtype}; the NPU takes int8, uint8, int16 (int32 for a few ops)`;
    }
    if (t.shape.length > 4) return `tensor ${t.name} has ${t.shape.length} dimensions (at most 4)`;
    if (t.shape.some((d) => d < 1 || d > 65535)) return `tensor ${t.name} has a dimension outside [1, 65535]`;
    if (!VELA_NO_QUANT_OPS.has(op.opName) && !(t.isConstant && t.dtype === 'INT32') && !t.quantization?.scale.length) {
      return `tensor ${t.name} has no quantization parameters`;
    }
    if ((t.quantization?.scale.length ?? 0) > 1 && !VELA_PER_AXIS_OPS.has(op.opName)) {
      return `per-axis quantization on ${op.opName} (only convolutions)`;
    }
  }
  const ifm = ins.find((t) => !t.isConstant);
  if (VELA_BATCH1_OPS.has(op.opName) && ifm && ifm.shape.length > 1 && ifm.shape[0] !== 1) return 'input batch size must be 1';
  const act = op.options.fusedActivationFunction;
  if (typeof act === 'string' && !VELA_ACTIVATIONS.has(act)) return `fused activation ${act} is not supported on the NPU`;
  if (['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'TRANSPOSE_CONV'].includes(op.opName)) {
    const w = ins[1];
    if (w && (!w.isConstant || !['INT8', 'UINT8'].includes(w.dtype))) return 'weights must be constant and 8-bit';
  }
  if (op.opName === 'CONV_2D' || op.opName === 'DEPTHWISE_CONV_2D') {
    const sh = Number(op.options.strideH ?? 1);
    if (sh < 1 || sh > 3) return `stride ${sh} (the NPU takes 1 to 3)`;
  }
  if (op.opName === 'SOFTMAX' && ifm && outs[0] && ifm.dtype !== outs[0].dtype) return 'softmax input and output types differ';
  return null;
}

/** What Coral's table calls a one-dimensional tensor: no dimension but the innermost is larger than 1. */
function isVector(t: Tensor): boolean {
  return t.shape.slice(0, -1).every((d) => d === 1);
}

const shapeOf = (t: Tensor): string => `[${t.shape.join(', ')}]`;

/**
 * The Edge TPU limits of edgetpu.json's `checks`, each deciding from the IR alone: why the compiler leaves the op on
 * the CPU, or null. Limits on constant values (paddings, axes, strides) are not re-derived.
 */
const EDGETPU_RULES: Readonly<Record<EdgeTpuCheck, (sg: Subgraph, op: Operator) => string | null>> = {
  'no-fused-activation': (_sg, op) => {
    const act = op.options.fusedActivationFunction;
    return typeof act === 'string' && act !== 'NONE' ? `${op.opName} with a fused ${act} (the Edge TPU takes none here)` : null;
  },
  'same-dilation': (_sg, op) => (op.options.dilationWFactor !== op.options.dilationHFactor ? 'different dilation in x and y' : null),
  'vector-input-max-16000': (sg, op) => {
    const [input] = tensors(sg, op.inputs);
    if (!input) return null;
    if (!isVector(input)) return `${op.opName} input ${input.name} is ${shapeOf(input)}; only a one-dimensional input is mapped`;
    return input.elementCount > 16000 ? `${op.opName} input ${input.name} has ${input.elementCount} elements (at most 16,000)` : null;
  },
  'vector-output': (sg, op) => {
    const [output] = tensors(sg, op.outputs);
    return output && !isVector(output) ? `${op.opName} output ${output.name} is ${shapeOf(output)}; only a one-dimensional output is mapped` : null;
  },
  'vector-alpha': (sg, op) => {
    const alpha = tensors(sg, op.inputs)[1];
    return alpha && !isVector(alpha) ? `${op.opName} alpha ${alpha.name} is ${shapeOf(alpha)}; only a one-dimensional alpha is mapped` : null;
  },
  'squeeze-leading-ones': (sg, op) => {
    const [input] = tensors(sg, op.inputs);
    const [output] = tensors(sg, op.outputs);
    if (!input || !output) return null;
    // No relayout: the dimensions from the first one larger than 1 on must survive, in order, as the output's tail.
    const first = input.shape.findIndex((d) => d > 1);
    const kept = first < 0 ? [] : input.shape.slice(first);
    const tail = output.shape.slice(output.shape.length - kept.length);
    const leadingOnly = kept.length <= output.shape.length && kept.every((d, i) => d === tail[i]);
    return leadingOnly ? null : `squeezing ${shapeOf(input)} to ${shapeOf(output)} drops a size-1 dimension after one larger than 1 (a relayout)`;
  },
  'no-ellipsis-or-new-axis-mask': (_sg, op) => {
    const ellipsis = Number(op.options.ellipsisMask ?? 0);
    const newAxis = Number(op.options.newAxisMask ?? 0);
    return ellipsis !== 0 || newAxis !== 0 ? `${op.opName} with ellipsis mask ${ellipsis} and new-axis mask ${newAxis} (both must be 0)` : null;
  },
};

/** Why the Edge TPU compiler cannot map this op, or null when it can (Coral's documented operations and limits). */
export function edgeTpuRejection(sg: Subgraph, op: Operator): string | null {
  const spec = EDGETPU.ops.get(op.opName);
  if (!spec) return `${op.opName} is not among the Edge TPU operations listed here`;
  for (const t of [...tensors(sg, op.inputs), ...tensors(sg, op.outputs)]) {
    if (t.isConstant && t.dtype === 'INT32') continue; // biases
    if (t.dtype !== 'INT8' && t.dtype !== 'UINT8') return `tensor ${t.name} is ${t.dtype}; the Edge TPU needs 8-bit quantized tensors`;
    if (t.shapeSignature?.some((d) => d < 0) && t.shapeSignature.slice(1).some((d) => d < 0)) return `tensor ${t.name} has a dynamic size`;
    // The rank rule is about activations; filters are 4-D by construction.
    if (!t.isConstant && t.shape.length > 3 && t.shape.slice(0, -3).some((d) => d > 1)) {
      return `tensor ${t.name} is ${t.shape.length}-D with an outer dimension > 1 (only the 3 innermost may exceed 1)`;
    }
  }
  for (const check of spec.checks) {
    const why = EDGETPU_RULES[check](sg, op);
    if (why !== null) return why;
  }
  return null;
}
