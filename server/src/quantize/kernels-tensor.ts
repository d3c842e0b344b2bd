/**
 * Float reference kernels for the element-wise and shape ops: broadcasting ADD / SUB / MUL / SQUARED_DIFFERENCE /
 * MAXIMUM / MINIMUM / PRELU, SOFTMAX over the last
 * axis, CONCATENATION, MEAN, PAD and the standalone activations. Shapes are plain arrays (row-major).
 */
import type { Clamp } from './kernels-conv.js';
import { sizeOf } from './tensors.js';

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = (s[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return s;
}

/** The broadcast shape of two shapes (NumPy rules), or null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each element of `outShape`, the index of the element of `shape` broadcast onto it. */
function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const count = sizeOf(outShape);
  const map = new Int32Array(count);
  const rank = outShape.length;
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let idx = 0;
    for (let d = 0; d < rank; d++) {
      const coord = Math.floor(rest / (outStrides[d] ?? 1));
      rest -= coord * (outStrides[d] ?? 1);
      const k = d - (rank - shape.length);
      if (k >= 0 && (shape[k] ?? 1) !== 1) idx += coord * (inStrides[k] ?? 0);
    }
    map[i] = idx;
  }
  return map;
}

export type Arithmetic = 'ADD' | 'SUB' | 'MUL' | 'SQUARED_DIFFERENCE' | 'MAXIMUM' | 'MINIMUM' | 'PRELU';

const ARITHMETIC: Readonly<Record<Arithmetic, (x: number, y: number) => number>> = {
  ADD: (x, y) => x + y,
  SUB: (x, y) => x - y,
  MUL: (x, y) => x * y,
  SQUARED_DIFFERENCE: (x, y) => (x - y) * (x - y),
  MAXIMUM: (x, y) => (x > y ? x : y),
  MINIMUM: (x, y) => (x < y ? x : y),
  // y is the slope (alpha), broadcast onto x.
  PRELU: (x, y) => (x >= 0 ? x : x * y),
};

/** A prepared broadcasting binary op: index maps are computed once per shape pair. */
export function binaryOp(kind: Arithmetic, aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): (a: Float32Array, b: Float32Array, act: Clamp, out: Float32Array) => void {
  const same = (s: readonly number[]): boolean => sizeOf(s) === sizeOf(outShape);
  const ia = same(aShape) ? null : broadcastIndex(aShape, outShape);
  const ib = same(bShape) ? null : broadcastIndex(bShape, outShape);
  const f = ARITHMETIC[kind];
  return (a, b, act, out) => {
    for (let i = 0; i < out.length; i++) {
      const v = f(a[ia ? ia[i]! : i]!, b[ib ? ib[i]! : i]!);
      out[i] = v < act[0] ? act[0] : v > act[1] ? act[1] : v;
    }
  };
}

/** SOFTMAX over the last axis: exp(beta x (x - max)) / sum. */
export function softmax(x: Float32Array, depth: number, beta: number, out: Float32Array): void {
  for (let base = 0; base < x.length; base += depth) {
    let max = -Infinity;
    for (let i = 0; i < depth; i++) max = Math.max(max, x[base + i]!);
    let sum = 0;
    for (let i = 0; i < depth; i++) {
      const e = Math.exp(beta * (x[base + i]! - max));
      out[base + i] = e;
      sum += e;
    }
    for (let i = 0; i < depth; i++) out[base + i] = out[base + i]! / sum;
  }
}

/** CONCATENATION along `axis` (already made non-negative). */
export function concatenate(inputs: readonly Float32Array[], shapes: readonly (readonly number[])[], axis: number, act: Clamp, out: Float32Array): void {
  const outer = sizeOf((shapes[0] ?? []).slice(0, axis));
  let o = 0;
  for (let n = 0; n < outer; n++) {
    inputs.forEach((x, k) => {
      const chunk = sizeOf((shapes[k] ?? []).slice(axis));
      for (let i = 0; i < chunk; i++) {
        const v = x[n * chunk + i]!;
        out[o++] = v < act[0] ? act[0] : v > act[1] ? act[1] : v;
      }
    });
  }
}

/** MEAN over `axes` (non-negative, distinct) of a tensor of `shape`; the output has the kept dimensions in order. */
export function mean(x: Float32Array, shape: readonly number[], axes: readonly number[], out: Float32Array): void {
  const reduced = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const map = broadcastIndex(reduced, shape);
  const sums = new Float64Array(out.length);
  for (let i = 0; i < x.length; i++) sums[map[i]!] = sums[map[i]!]! + x[i]!;
  const count = x.length / Math.max(1, out.length);
  for (let i = 0; i < out.length; i++) out[i] = sums[i]! / count;
}

/** PAD with zeros: `paddings` holds [before, after] per dimension. Copies whole rows of the last dimension. */
export function pad(x: Float32Array, shape: readonly number[], paddings: readonly (readonly [number, number])[], out: Float32Array, outShape: readonly number[]): void {
  out.fill(0);
  const rank = shape.length;
  if (x.length === 0) return;
  if (rank === 0) {
    out.set(x);
    return;
  }
  const outStrides = stridesOf(outShape);
  const row = shape[rank - 1]!;
  const rows = x.length / row;
  const coord = new Array<number>(rank).fill(0);
  let o = 0;
  for (let d = 0; d < rank; d++) o += (paddings[d]?.[0] ?? 0) * outStrides[d]!;
  for (let r = 0; r < rows; r++) {
    out.set(x.subarray(r * row, (r + 1) * row), o);
    // Next row: advance the coordinate over every dimension but the last, like an odometer.
    for (let d = rank - 2; d >= 0; d--) {
      if (++coord[d]! < shape[d]!) {
        o += outStrides[d]!;
        break;
      }
      o -= outStrides[d]! * (coord[d]! - 1);
      coord[d] = 0;
    }
  }
}

export type Activation = 'RELU' | 'RELU6' | 'RELU_N1_TO_1' | 'LOGISTIC' | 'TANH' | 'ABS' | 'SQRT' | 'RSQRT' | 'LOG';

/** A standalone activation op, element-wise. */
export function activation(kind: Activation, x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    switch (kind) {
      case 'RELU': out[i] = v > 0 ? v : 0; break;
      case 'RELU6': out[i] = v < 0 ? 0 : v > 6 ? 6 : v; break;
      case 'RELU_N1_TO_1': out[i] = v < -1 ? -1 : v > 1 ? 1 : v; break;
      case 'LOGISTIC': out[i] = 1 / (1 + Math.exp(-v)); break;
      case 'TANH': out[i] = Math.tanh(v); break;
      case 'ABS': out[i] = Math.abs(v); break;
      case 'SQRT': out[i] = Math.fround(Math.sqrt(v)); break;
      case 'RSQRT': out[i] = Math.fround(1 / Math.sqrt(v)); break;
      case 'LOG': out[i] = Math.fround(Math.log(v)); break;
    }
  }
}
