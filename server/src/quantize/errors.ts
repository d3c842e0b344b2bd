/**
 * The one error type the quantizer throws for a model or data it cannot accept. Callers (the CLI) switch on `code`,
 * which is stable; the message says what is wrong and, for a layer, which one (index, op, output tensor).
 */
import type { Operator, Subgraph } from '../model/ir.js';

export type QuantizeErrorCode =
  /** An operator outside the supported subset, or a fused activation / option the quantizer does not handle. */
  | 'unsupported-op'
  /** The model as a whole is out of scope: not float32, several subgraphs, dynamic shapes. */
  | 'unsupported-model'
  /** The model contradicts itself: shapes that do not follow from the op, a constant shorter than its shape. */
  | 'bad-model'
  /** A calibration sample is unusable: wrong shape or size, not float32, not finite, malformed .npy header. */
  | 'bad-data'
  /** The caller stopped it (`isCancelled`), between two samples. */
  | 'cancelled';

/** Why a model or a sample cannot be quantized; `layer` is set when one operator is the cause. */
export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';

  constructor(
    readonly code: QuantizeErrorCode,
    message: string,
    readonly layer: { readonly index: number; readonly op: string; readonly output: string } | null = null,
  ) {
    super(message);
  }
}

/** An error located at one operator: "layer 12 (CONV_2D -> 'conv1/Relu'): detail". */
export function layerError(code: QuantizeErrorCode, graph: Subgraph, op: Operator, detail: string): QuantizeError {
  const output = graph.tensors[op.outputs[0] ?? -1]?.name ?? '?';
  return new QuantizeError(code, `layer ${op.index} (${op.opName} -> '${output}'): ${detail}`, { index: op.index, op: op.opName, output });
}
