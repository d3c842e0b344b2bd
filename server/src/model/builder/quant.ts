/**
 * Int8 quantization parameters the way the TFLite converter chooses them, for synthetic weights and activations:
 * symmetric per-channel int8 weights (zero point 0, range -127..127), int32 biases at input_scale x weight_scale,
 * and asymmetric int8 activations whose range always contains 0.
 */
import type { QuantSpec } from './builder.js';

/** Quantized constant data with the parameters that dequantize it. */
export interface Quantized<T> {
  readonly data: T;
  readonly quant: QuantSpec;
}

/**
 * Symmetric int8 quantization of `values` (row-major, of `shape`): one scale per slice of `axis` (per-channel), or
 * a single scale when `axis` is null. Scales are rounded to float32 first, because that is what the file stores and
 * what the runtime will multiply by. An all-zero channel gets scale 1 rather than 0, which kernels reject.
 */
export function quantizeSymmetricInt8(values: ArrayLike<number>, shape: readonly number[], axis: number | null): Quantized<Int8Array> {
  const channels = axis === null ? 1 : shape[axis];
  if (channels === undefined) throw new RangeError(`axis ${String(axis)} outside shape [${shape.join(', ')}]`);
  const inner = axis === null ? values.length : shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const channelOf = (i: number): number => (axis === null ? 0 : Math.floor(i / inner) % channels);

  const maxAbs = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c] ?? 0, Math.abs(values[i] ?? 0));
  }
  const scale = maxAbs.map((m) => (m > 0 ? Math.fround(m / 127) : 1));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] ?? 0) / (scale[channelOf(i)] ?? 1));
    data[i] = Math.max(-127, Math.min(127, q));
  }
  return { data, quant: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: axis ?? 0 } };
}

/**
 * Int32 bias quantization: scale = input scale x weight scale (per output channel), zero point 0, as TFLite's
 * int8 conv and fully-connected kernels require.
 */
export function quantizeBiasInt32(values: ArrayLike<number>, inputScale: number, weightScales: readonly number[]): Quantized<Int32Array> {
  const perChannel = weightScales.length > 1;
  if (perChannel && weightScales.length !== values.length) {
    throw new RangeError(`${weightScales.length} weight scales for ${values.length} biases`);
  }
  // From the float32 values the file stores, so the product matches what a runtime recomputes from them.
  const storedInput = Math.fround(inputScale);
  const scale = weightScales.map((w) => Math.fround(storedInput * Math.fround(w)));
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scale[perChannel ? i : 0] ?? 1;
    data[i] = Math.max(-2147483648, Math.min(2147483647, Math.round((values[i] ?? 0) / s)));
  }
  return { data, quant: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } };
}

/**
 * Asymmetric int8 parameters for an activation observed in [min, max]. The range is widened to contain 0 so that
 * zero (padding, ReLU's floor) is exactly representable, as the converter does.
 */
export function activationQuantInt8(min: number, max: number): QuantSpec {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1);
  // `|| 0` turns Math.round's -0 into 0, which strict equality elsewhere would tell apart.
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale) || 0));
  return { scale: [scale], zeroPoint: [zeroPoint] };
}

/** The fixed output parameters TFLite requires of an int8 SOFTMAX / LOGISTIC: scale 1/256, zero point -128. */
export const PROBABILITY_QUANT_INT8: QuantSpec = { scale: [1 / 256], zeroPoint: [-128] };
