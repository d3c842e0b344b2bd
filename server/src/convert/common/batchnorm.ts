/** BatchNormalization folding: y = (x - mean) / sqrt(var + eps) * gamma + beta as a per-channel multiply and add. */

/** The per-channel factor and offset of a batch normalization (y = x * mul + add). */
export function batchNormAffine(gamma: ArrayLike<number>, beta: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>, epsilon: number): { mul: Float32Array; add: Float32Array } {
  const n = gamma.length;
  const mul = new Float32Array(n);
  const add = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    const m = gamma[c]! / Math.sqrt(variance[c]! + epsilon);
    mul[c] = m;
    add[c] = beta[c]! - mean[c]! * m;
  }
  return { mul, add };
}

/**
 * Folds y = x * mul + add into the op before it: weights scaled along their output-channel axis `axis` (of `shape`),
 * bias = bias * mul + add. Returns new arrays; the inputs are left as they were.
 */
export function foldAffine(weights: Float32Array, shape: readonly number[], axis: number, bias: ArrayLike<number>, mul: Float32Array, add: Float32Array): { weights: Float32Array; bias: Float32Array } {
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const w = new Float32Array(weights.length);
  for (let k = 0; k < weights.length; k++) w[k] = weights[k]! * mul[Math.floor(k / inner) % channels]!;
  const b = new Float32Array(channels);
  for (let c = 0; c < channels; c++) b[c] = bias[c]! * mul[c]! + add[c]!;
  return { weights: w, bias: b };
}
