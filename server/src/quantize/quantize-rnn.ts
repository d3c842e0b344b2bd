/**
 * The int8 form of TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM, as TFLite's quantizer writes it and TFLM's int8 kernel
 * (lstm_eval_common.cc PrepareGateParametersInteger, unidirectional_sequence_lstm.cc) requires: input and output int8;
 * the eight gate matrices int8 symmetric per tensor; the four gate biases int32 at input scale x that gate's input
 * weight scale (the recurrent products have no bias); the hidden-state variable int8 with the output's parameters (the
 * kernel copies each step's hidden state to the output); the cell-state variable int16, zero point 0, at a power of
 * two scale (the kernel's tanh takes it as a shift). The gate pre-activations (2^-12) and gate outputs (2^-15) are
 * fixed by the kernel, so no intermediate tensors are needed. TFLite's own int8 LSTMs (the micro_speech and
 * mnist_lstm examples) have these types; their cell scales 2^-11 and 2^-12 fit 2^ceil(log2(max |c|)) / 2^15.
 */
import type { QuantSpec } from '../model/builder/index.js';
import { LSTM_BIASES, LSTM_CELL_STATE, LSTM_HIDDEN_STATE, LSTM_INPUT_WEIGHTS, LSTM_RECURRENT_WEIGHTS } from './kernels-rnn.js';

/** What a constant or state operand of an op is to the quantizer: a weight, a bias (of the weight at input `of`), a state. */
export type OperandRole = { readonly kind: 'weight'; readonly axis: number | null } | { readonly kind: 'bias'; readonly of: number } | { readonly kind: 'hidden' | 'cell' };

const LSTM_ROLES: ReadonlyMap<number, OperandRole> = new Map<number, OperandRole>([
  ...[...LSTM_INPUT_WEIGHTS, ...LSTM_RECURRENT_WEIGHTS].map((k) => [k, { kind: 'weight', axis: null }] as const),
  ...LSTM_BIASES.map((k, g) => [k, { kind: 'bias', of: LSTM_INPUT_WEIGHTS[g]! }] as const),
  [LSTM_HIDDEN_STATE, { kind: 'hidden' }],
  [LSTM_CELL_STATE, { kind: 'cell' }],
]);

/** The axis per-channel weights run along, or null for per-tensor weights. */
const WEIGHT_AXIS: Readonly<Record<string, number | null>> = { CONV_2D: 0, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: null };

/** The role of input `k` of an op (null: an activation, or a constant read as one). */
export function operandRole(opName: string, k: number): OperandRole | null {
  if (opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM') return LSTM_ROLES.get(k) ?? null;
  const axis = WEIGHT_AXIS[opName];
  if (axis === undefined) return null;
  return k === 1 ? { kind: 'weight', axis } : k === 2 ? { kind: 'bias', of: 1 } : null;
}

/** The cell state's int16 parameters: zero point 0 and the power-of-two scale that holds +/- `maxAbs`. */
export function cellStateQuant(maxAbs: number): QuantSpec {
  // Bounded so that TFLM's tanh shift, (15 + log2 scale) - 3, stays within an int32 shift of an int16.
  const power = maxAbs > 0 && Number.isFinite(maxAbs) ? Math.max(-15, Math.min(15, Math.ceil(Math.log2(maxAbs)))) : 0;
  return { scale: [2 ** (power - 15)], zeroPoint: [0] };
}
