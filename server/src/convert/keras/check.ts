/** The measure a conversion is checked with against its source framework (tests and scripts/keras-check.ts). */

/** Largest |got - want| over the largest |want|: one number per output, scale-free; Infinity when lengths differ. */
export function maxRelativeError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}
