/**
 * Checks TFLM makes only when it runs a node: the model passes AllocateTensors() (every Prepare), and fails, or reads
 * outside its buffers, on the first Invoke(). The board shows these only at run time; they are facts of the kernels'
 * Eval functions at the TFLM commit the memory model replays (kernels/detection_postprocess.cc, pad.cc and
 * cmsis_nn/pad.cc, decode.cc with decode_state_{lut,huffman,prune}.cc, and the type switches in eval-types.ts).
 */
import { constantData, type DType, type Model, type Operator, type Subgraph } from '../../model/ir.js';
import { EVAL_TYPE_RULES, type EvalTypeRule } from './eval-types.js';
import { huffmanOverrun } from './huffman-check.js';
import type { KernelSet } from './kernels/types.js';

/** Why the node fails (or misbehaves) at Invoke with `kernels`, or null when nothing is known against it. */
export function invokeFailure(model: Pick<Model, 'buffers'>, sg: Subgraph, op: Operator, kernels: KernelSet): string | null {
  switch (op.opName) {
    case 'CUSTOM:TFLite_Detection_PostProcess': return detectionPostProcess(sg, op);
    case 'PAD':
    case 'PADV2': return negativePaddings(model, sg, op) ?? evalType(sg, op, kernels);
    case 'CUSTOM:TFLM_DECODE': return decode(model, sg, op);
    default: return evalType(sg, op, kernels);
  }
}

const RULES_BY_OP = new Map<string, readonly EvalTypeRule[]>();
for (const rule of EVAL_TYPE_RULES) RULES_BY_OP.set(rule.op, [...RULES_BY_OP.get(rule.op) ?? [], rule]);

/**
 * The first type switch in the node's Eval (eval-types.ts) that has no case for the node's tensor types: the rules
 * applied as evalTypeFailure applies them, to the node's own tensors (no closure per node).
 */
function evalType(sg: Subgraph, op: Operator, kernels: KernelSet): string | null {
  const rules = RULES_BY_OP.get(op.opName);
  if (rules === undefined) return null;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (rule.kernels !== 'both' && rule.kernels !== kernels) continue;
    const type = dtypeOf(sg, rule.tensor === 'output' ? op.outputs[0] : op.inputs[rule.tensor]);
    if (type === null) continue;
    const out = rule.outputs?.[type] ? dtypeOf(sg, op.outputs[0]) : null;
    const why = ruleFailure(op.opName, rule, type, out);
    if (why !== null) return why;
  }
  return null;
}

/**
 * The first type switch in `opName`'s Eval (eval-types.ts) with no case for the types `typeOf` gives (an input by
 * index, or the first output; null when unknown), or null. For any graph whose tensor types are known: a .tflite
 * node, or a TF.js graph node as the converter would lower it.
 */
export function evalTypeFailure(opName: string, kernels: KernelSet, typeOf: (tensor: number | 'output') => DType | null): string | null {
  for (const rule of RULES_BY_OP.get(opName) ?? []) {
    if (rule.kernels !== 'both' && rule.kernels !== kernels) continue;
    const type = typeOf(rule.tensor);
    if (type === null) continue;
    const out = rule.outputs?.[type] ? typeOf('output') : null;
    const why = ruleFailure(opName, rule, type, out);
    if (why !== null) return why;
  }
  return null;
}

/** What `rule` says of a node whose tensor has `type` (and whose first output has `out`, when the rule asks): the reason, or null. */
function ruleFailure(opName: string, rule: EvalTypeRule, type: DType, out: DType | null): string | null {
  if (!rule.accepts.includes(type)) {
    return `${evalHead(opName, rule, type)} has no ${type} case and the first inference returns an error; it runs ${rule.accepts.join(' / ')}`;
  }
  const outputs = rule.outputs?.[type];
  if (outputs && out !== null && !outputs.includes(out)) {
    return `${evalHead(opName, rule, type)} has no case for a ${out} output and the first inference returns an error; from ${type} it writes ${outputs.join(' / ')}`;
  }
  return null;
}

/** The start of an Invoke failure's reason, built only for a failure (every node of a model is checked). */
function evalHead(opName: string, rule: EvalTypeRule, type: DType): string {
  const where = rule.tensor === 'output' ? 'output' : `input ${rule.tensor}`;
  return `fails at Invoke: TFLM's ${opName} prepares a ${type} ${where}, so AllocateTensors succeeds, but its Eval (${rule.source})`;
}

const dtypeOf = (sg: Subgraph, index: number | undefined): DType | null => (index === undefined || index < 0 ? null : sg.tensors[index]?.dtype ?? null);

/** Eval decodes the boxes and runs the NMS on float32 data only; any other type returns an error. */
function detectionPostProcess(sg: Subgraph, op: Operator): string | null {
  const boxes = dtypeOf(sg, op.inputs[0]);
  const scores = dtypeOf(sg, op.inputs[1]);
  const bad = [boxes !== 'FLOAT32' && boxes ? `box encodings ${boxes}` : null, scores !== 'FLOAT32' && scores ? `class predictions ${scores}` : null].filter((x) => x !== null);
  if (bad.length === 0) return null;
  return `fails at Invoke: TFLM's detection post-processing runs float32 inputs only (${bad.join(', ')}); AllocateTensors succeeds, the first inference returns an error — dequantize the inputs first`;
}

/**
 * Prepare checks only that input + paddings = output; Eval's loops assume paddings >= 0, so a negative one (allowed by
 * that check when the output is smaller) reads outside the input.
 */
function negativePaddings(model: Pick<Model, 'buffers'>, sg: Subgraph, op: Operator): string | null {
  const paddings = sg.tensors[op.inputs[1] ?? -1];
  const data = paddings ? constantData(model, paddings) : null;
  if (!data || data.length < 4) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // Prepare reads the paddings as int32 whatever their declared type; so does this check.
  for (let at = 0; at + 4 <= data.length; at += 4) {
    if (view.getInt32(at, true) < 0) {
      return 'negative paddings: TFLM accepts them in AllocateTensors, but its Pad kernels assume non-negative ones and read outside the input at Invoke (undefined behaviour: the CMSIS-NN build faulted under QEMU)';
    }
  }
  return null;
}

/** Output types each decoder's Decode() handles (decode_state_*.cc); others return an error at Invoke. */
const DECODE_TYPES: Readonly<Record<number, { name: string; outputs: readonly DType[] }>> = {
  0: { name: 'lookup-table', outputs: ['BOOL', 'FLOAT32', 'INT8', 'INT16', 'INT32', 'INT64'] },
  1: { name: 'Huffman', outputs: ['INT8', 'INT16'] },
  2: { name: 'pruning', outputs: ['BOOL', 'FLOAT32', 'INT8', 'INT16', 'INT32', 'INT64'] },
};

function decode(model: Pick<Model, 'buffers'>, sg: Subgraph, op: Operator): string | null {
  for (let i = 0; i < op.outputs.length; i++) {
    const ancillary = sg.tensors[op.inputs[2 * i + 1] ?? -1];
    const header = ancillary ? constantData(model, ancillary) : null;
    const decoder = header && header.length > 0 ? DECODE_TYPES[header[0]!] : undefined;
    const out = dtypeOf(sg, op.outputs[i]);
    if (decoder && out && !decoder.outputs.includes(out)) {
      return `fails at Invoke: the ${decoder.name} decoder writes ${decoder.outputs.join(' / ')} outputs, not ${out} (output ${i}); AllocateTensors succeeds, the first inference returns an error`;
    }
    const encodedTensor = sg.tensors[op.inputs[2 * i] ?? -1];
    const encoded = encodedTensor ? constantData(model, encodedTensor) : null;
    const output = sg.tensors[op.outputs[i] ?? -1];
    if (header && header[0] === 1 && encoded && output) {
      const overrun = huffmanOverrun(encoded, header, output.elementCount);
      if (overrun) return huffmanMessage(overrun, i);
    }
  }
  return null;
}

function huffmanMessage(o: NonNullable<ReturnType<typeof huffmanOverrun>>, output: number): string {
  const where = o.kind === 'table'
    ? `its lookup for value ${o.value} reads table entry ${o.at} of ${o.size} (${o.entryBits}-bit entries after the 16-byte header of the ancillary tensor): the table does not decode this stream`
    : `decoding value ${o.value} consumes bits past the encoded tensor's ${o.size} 32-bit words`;
  const source = o.kind === 'table' ? `decode_state_huffman.cc lines ${o.entryBits === 16 ? '97 and 106' : '141 and 150'}` : 'decode_state_huffman.h lines 90 and 110';
  return `fails at Invoke: the Huffman decoder of output ${output} reads outside the model: ${where}. AllocateTensors succeeds (Prepare reads only the header), but TFLM's Huffman decoder checks no index against the tensors (${source}), so the first inference reads past them: undefined behaviour (under QEMU a bus fault, or on the Cortex-M55 no end within 15 minutes)`;
}
