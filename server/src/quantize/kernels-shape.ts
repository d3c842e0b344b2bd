/**
 * Float reference kernels for the ops that move values without arithmetic, or interpolate them: TRANSPOSE, GATHER,
 * STRIDED_SLICE, SPLIT / SPLIT_V, and RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR (the arithmetic of TFLite's reference
 * kernels, reference_ops/resize_*.h). Shapes are plain arrays (row-major); every index map is computed once per op,
 * when the interpreter is made, so a run is a gather through it.
 */
import { sizeOf } from './tensors.js';

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = (s[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return s;
}

/** A gather through a precomputed map: out[i] = x[map[i]]. */
export function gatherBy(map: Int32Array): (x: Float32Array, out: Float32Array) => void {
  return (x, out) => {
    for (let i = 0; i < map.length; i++) out[i] = x[map[i]!]!;
  };
}

/**
 * For an output of `outShape`, the input index each element reads, where output coordinate d reads input coordinate
 * `start[d] + coord x step[d]` along input axis `axis[d]`.
 */
function affineMap(outShape: readonly number[], inShape: readonly number[], axis: readonly number[], start: readonly number[], step: readonly number[]): Int32Array {
  const inStrides = stridesOf(inShape);
  const count = sizeOf(outShape);
  const map = new Int32Array(count);
  const coord = new Array<number>(outShape.length).fill(0);
  let base = 0;
  for (let d = 0; d < outShape.length; d++) base += (start[d] ?? 0) * (inStrides[axis[d] ?? d] ?? 0);
  let index = base;
  for (let i = 0; i < count; i++) {
    map[i] = index;
    // Advance the coordinate like an odometer, keeping the input index in step.
    for (let d = outShape.length - 1; d >= 0; d--) {
      const s = (step[d] ?? 1) * (inStrides[axis[d] ?? d] ?? 0);
      if (++coord[d]! < outShape[d]!) {
        index += s;
        break;
      }
      index -= s * (coord[d]! - 1);
      coord[d] = 0;
    }
  }
  return map;
}

/** TRANSPOSE: output dimension d is input dimension perm[d]. */
export function transposeMap(inShape: readonly number[], perm: readonly number[]): Int32Array {
  const outShape = perm.map((p) => inShape[p]!);
  return affineMap(outShape, inShape, perm, perm.map(() => 0), perm.map(() => 1));
}

/** STRIDED_SLICE, its begin / stride per dimension already resolved; `outShape` before any shrink. */
export function sliceMap(inShape: readonly number[], begin: readonly number[], stride: readonly number[], outShape: readonly number[]): Int32Array {
  return affineMap(outShape, inShape, inShape.map((_, d) => d), begin, stride);
}

/**
 * One dimension of a STRIDED_SLICE as TFLite resolves it (strided_slice_logic.h): the start and the number of
 * elements taken, from begin / end / stride and the masks' bits for this dimension.
 */
export function sliceAxis(size: number, begin: number, end: number, stride: number, beginMask: boolean, endMask: boolean, shrink: boolean): { start: number; count: number } {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  let start = beginMask ? (stride > 0 ? 0 : size - 1) : begin < 0 ? begin + size : begin;
  start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  let stop: number;
  if (shrink) stop = start + 1;
  else if (endMask) stop = stride > 0 ? size : -1;
  else {
    stop = end < 0 ? end + size : end;
    stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
  }
  const count = stride > 0 ? Math.max(0, Math.ceil((stop - start) / stride)) : Math.max(0, Math.ceil((start - stop) / -stride));
  return { start, count };
}

/** GATHER (batch_dims 0): params [outer, n, inner], indices flat; out [outer, indices, inner]. */
export function gatherMap(paramsShape: readonly number[], axis: number, indices: readonly number[]): Int32Array {
  const outer = sizeOf(paramsShape.slice(0, axis));
  const n = paramsShape[axis] ?? 1;
  const inner = sizeOf(paramsShape.slice(axis + 1));
  const map = new Int32Array(outer * indices.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const idx of indices) {
      for (let i = 0; i < inner; i++) map[o++] = (a * n + idx) * inner + i;
    }
  }
  return map;
}

/** SPLIT / SPLIT_V: the input cut along `axis` into pieces of `sizes`; one map per output. */
export function splitMaps(inShape: readonly number[], axis: number, sizes: readonly number[]): Int32Array[] {
  let offset = 0;
  return sizes.map((size) => {
    const outShape = inShape.map((d, i) => (i === axis ? size : d));
    const begin = inShape.map((_, i) => (i === axis ? offset : 0));
    offset += size;
    return sliceMap(inShape, begin, inShape.map(() => 1), outShape);
  });
}

/** RESIZE_NEAREST_NEIGHBOR's source index along one axis (reference_ops::GetNearestNeighbor). */
function nearest(value: number, inSize: number, outSize: number, alignCorners: boolean, halfPixel: boolean): number {
  const scale = Math.fround(alignCorners && outSize > 1 ? Math.fround(inSize - 1) / Math.fround(outSize - 1) : Math.fround(inSize) / Math.fround(outSize));
  const offset = halfPixel ? 0.5 : 0;
  const scaled = Math.fround((value + offset) * scale);
  // TfLiteRound rounds half away from zero; the values here are not negative.
  let v = Math.min(alignCorners ? Math.round(scaled) : Math.floor(scaled), inSize - 1);
  if (halfPixel) v = Math.max(0, v);
  return v;
}

/** RESIZE_NEAREST_NEIGHBOR on NHWC: a gather map. */
export function resizeNearestMap(xs: readonly number[], outH: number, outW: number, alignCorners: boolean, halfPixel: boolean): Int32Array {
  const [batches = 1, inH = 1, inW = 1, channels = 1] = xs;
  const map = new Int32Array(batches * outH * outW * channels);
  let o = 0;
  for (let n = 0; n < batches; n++) {
    for (let y = 0; y < outH; y++) {
      const iy = nearest(y, inH, outH, alignCorners, halfPixel);
      for (let x = 0; x < outW; x++) {
        const ix = nearest(x, inW, outW, alignCorners, halfPixel);
        for (let c = 0; c < channels; c++) map[o++] = ((n * inH + iy) * inW + ix) * channels + c;
      }
    }
  }
  return map;
}

/** Where one output coordinate of RESIZE_BILINEAR reads (reference_ops::ComputeInterpolationValues), in float32. */
function interpolation(value: number, scale: number, halfPixel: boolean, inSize: number): { at: number; lo: number; hi: number } {
  const at = halfPixel ? Math.fround(Math.fround((value + 0.5) * scale) - 0.5) : Math.fround(value * scale);
  return { at, lo: Math.max(Math.floor(at), 0), hi: Math.min(Math.ceil(at), inSize - 1) };
}

/** RESIZE_BILINEAR on NHWC, as TFLite's float reference kernel interpolates. */
export function resizeBilinear(x: Float32Array, xs: readonly number[], outH: number, outW: number, alignCorners: boolean, halfPixel: boolean, out: Float32Array): void {
  const [batches = 1, inH = 1, inW = 1, channels = 1] = xs;
  const scaleOf = (inSize: number, outSize: number): number => Math.fround(alignCorners && outSize > 1 ? Math.fround(inSize - 1) / Math.fround(outSize - 1) : Math.fround(inSize) / Math.fround(outSize));
  const sy = scaleOf(inH, outH);
  const sx = scaleOf(inW, outW);
  const at = (n: number, y: number, xx: number, c: number): number => x[((n * inH + y) * inW + xx) * channels + c]!;
  let o = 0;
  for (let n = 0; n < batches; n++) {
    for (let y = 0; y < outH; y++) {
      const iy = interpolation(y, sy, halfPixel, inH);
      const dy = Math.fround(iy.at - iy.lo);
      for (let xx = 0; xx < outW; xx++) {
        const ix = interpolation(xx, sx, halfPixel, inW);
        const dx = Math.fround(ix.at - ix.lo);
        for (let c = 0; c < channels; c++) {
          out[o++] = at(n, iy.lo, ix.lo, c) * (1 - dy) * (1 - dx) + at(n, iy.hi, ix.lo, c) * dy * (1 - dx)
            + at(n, iy.lo, ix.hi, c) * (1 - dy) * dx + at(n, iy.hi, ix.hi, c) * dy * dx;
        }
      }
    }
  }
}
