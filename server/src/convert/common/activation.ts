/** Activation fusion: which activations TFLite ops carry as `fused_activation_function`, and which ops carry one. */

/** An activation after an op, as the source framework states it. */
export type SourceActivation = { readonly kind: 'relu' } | { readonly kind: 'relu6' } | { readonly kind: 'clip'; readonly min: number; readonly max: number };

export type FusedActivation = 'RELU' | 'RELU6' | 'RELU_N1_TO_1';

/** The TFLite fused activation equal to `a`, or null when TFLite has none (a clip to other bounds). */
export function fusedActivation(a: SourceActivation): FusedActivation | null {
  if (a.kind === 'relu') return 'RELU';
  if (a.kind === 'relu6') return 'RELU6';
  if (a.min === 0 && a.max === 6) return 'RELU6';
  if (a.min === 0 && a.max === Infinity) return 'RELU';
  if (a.min === -1 && a.max === 1) return 'RELU_N1_TO_1';
  return null;
}

/**
 * The TFLite ops whose fused activation TFLM applies. CONCATENATION has the option too, but TFLM's Prepare refuses
 * anything but NONE ("params->activation != kTfLiteActNone"): put the activation on its inputs or after it.
 */
export const FUSING_OPS: ReadonlySet<string> = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'SUB', 'MUL', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']);
