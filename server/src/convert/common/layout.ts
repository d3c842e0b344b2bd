/**
 * Layout arithmetic for NCHW sources kept NHWC in the .tflite: permuting constant data and shapes, and mapping axes.
 * A "permutation" `perm` means output axis k is input axis perm[k] (as TRANSPOSE and numpy.transpose).
 */

/** NCHW -> NHWC for rank 4 (and NCW -> NWC, NCDHW -> NDHWC in general: channels moved last). */
export function channelsLast(rank: number): number[] {
  if (rank < 3) return Array.from({ length: rank }, (_, k) => k);
  return [0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2), 1];
}

/** The inverse permutation. */
export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, k) => { inv[p] = k; });
  return inv;
}

/** `shape` permuted. */
export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]!);
}

/** Row-major data of `shape` transposed by `perm`; returns data of the same kind. */
export function permuteData<T extends Float32Array | Float64Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  if (data.length === 0) return out;
  const outShape = permuteShape(shape, perm);
  const inStrides = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) inStrides[k] = inStrides[k + 1]! * shape[k + 1]!;
  const strides = perm.map((p) => inStrides[p]!);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += index[k]! * strides[k]!;
    out[o] = data[src]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k]! < outShape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}

/** Whether a reshape of an NHWC tensor gives the same element order as of its NCHW counterpart (H*W = 1 or C = 1). */
export function layoutFreeReshape(nchwShape: readonly number[]): boolean {
  const spatial = nchwShape.slice(2).reduce((a, b) => a * b, 1);
  return spatial === 1 || nchwShape[1] === 1;
}
