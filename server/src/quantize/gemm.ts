/**
 * The matrix product under CONV_2D (after im2col) and FULLY_CONNECTED: out[r, n] = clamp(bias[n] + sum_k a[r, k] x
 * b[n, k]), both operands row-major with k contiguous (a filter's rows are its output channels, as TFLite stores them).
 *
 * Blocked 4 rows x 4 output channels, so each value loaded feeds several accumulators. Every output keeps the plain
 * loop's arithmetic exactly: a float64 accumulator starting at the bias, adding the products in ascending k, rounded
 * to float32 once at the end. The calibrated ranges, and so the int8 model, therefore do not depend on the blocking.
 */

import { gemmBlocksWasm } from './kernels-wasm.js';

/** A fused activation as a clamp; NONE is [-Infinity, Infinity]. */
export type Clamp = readonly [number, number];

/** One matrix product: `rows` rows of `a` from `aOffset`, into `out` from `outOffset` (rows of `n` values). */
export interface Gemm {
  readonly a: Float32Array;
  readonly aOffset: number;
  readonly rows: number;
  readonly k: number;
  readonly b: Float32Array;
  readonly n: number;
  readonly bias: Float32Array | null;
  readonly act: Clamp;
  readonly out: Float32Array;
  readonly outOffset: number;
  /** `b` holds a constant (a filter or weights): its values never change, so its packed form may be kept. */
  readonly constantB?: boolean;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** One output: the bias plus the products in ascending k, in float64, clamped. */
function dot(a: Float32Array, a0: number, b: Float32Array, b0: number, k: number, start: number, lo: number, hi: number): number {
  let s = start;
  for (let i = 0; i < k; i++) s += a[a0 + i]! * b[b0 + i]!;
  return clamp(s, lo, hi);
}

/**
 * Computes one matrix product (see the file comment for the arithmetic it keeps): the 4 x 4 blocks in WebAssembly
 * SIMD where available (`kernels-wasm.ts`, the same arithmetic lane by lane), the rest here.
 */
export function gemm(p: Gemm): void {
  const rows4 = p.rows - (p.rows % 4);
  const n4 = p.n - (p.n % 4);
  if (!gemmBlocksWasm(p, rows4, n4)) {
    gemmJs(p);
    return;
  }
  const { a, b, k, n, bias, out } = p;
  const [lo, hi] = p.act;
  const z = (c: number): number => (bias ? (bias[c] ?? 0) : 0);
  for (let r = 0; r < p.rows; r++) {
    const a0 = p.aOffset + r * k;
    const o0 = p.outOffset + r * n;
    for (let c = r < rows4 ? n4 : 0; c < n; c++) out[o0 + c] = dot(a, a0, b, c * k, k, z(c), lo, hi);
  }
}

/** The same product in JavaScript only (where WebAssembly SIMD is not available; tests compare the two). */
export function gemmJs(p: Gemm): void {
  const { a, b, k, n, bias, out } = p;
  const [lo, hi] = p.act;
  const z = (c: number): number => (bias ? (bias[c] ?? 0) : 0);
  let r = 0;
  for (; r + 4 <= p.rows; r += 4) {
    const a0 = p.aOffset + r * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const o0 = p.outOffset + r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    let c = 0;
    for (; c + 4 <= n; c += 4) {
      const b0 = c * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      const z0 = z(c), z1 = z(c + 1), z2 = z(c + 2), z3 = z(c + 3);
      let s00 = z0, s01 = z1, s02 = z2, s03 = z3, s10 = z0, s11 = z1, s12 = z2, s13 = z3;
      let s20 = z0, s21 = z1, s22 = z2, s23 = z3, s30 = z0, s31 = z1, s32 = z2, s33 = z3;
      for (let i = 0; i < k; i++) {
        const w0 = b[b0 + i]!, w1 = b[b1 + i]!, w2 = b[b2 + i]!, w3 = b[b3 + i]!;
        let x = a[a0 + i]!;
        s00 += x * w0; s01 += x * w1; s02 += x * w2; s03 += x * w3;
        x = a[a1 + i]!;
        s10 += x * w0; s11 += x * w1; s12 += x * w2; s13 += x * w3;
        x = a[a2 + i]!;
        s20 += x * w0; s21 += x * w1; s22 += x * w2; s23 += x * w3;
        x = a[a3 + i]!;
        s30 += x * w0; s31 += x * w1; s32 += x * w2; s33 += x * w3;
      }
      out[o0 + c] = clamp(s00, lo, hi); out[o0 + c + 1] = clamp(s01, lo, hi); out[o0 + c + 2] = clamp(s02, lo, hi); out[o0 + c + 3] = clamp(s03, lo, hi);
      out[o1 + c] = clamp(s10, lo, hi); out[o1 + c + 1] = clamp(s11, lo, hi); out[o1 + c + 2] = clamp(s12, lo, hi); out[o1 + c + 3] = clamp(s13, lo, hi);
      out[o2 + c] = clamp(s20, lo, hi); out[o2 + c + 1] = clamp(s21, lo, hi); out[o2 + c + 2] = clamp(s22, lo, hi); out[o2 + c + 3] = clamp(s23, lo, hi);
      out[o3 + c] = clamp(s30, lo, hi); out[o3 + c + 1] = clamp(s31, lo, hi); out[o3 + c + 2] = clamp(s32, lo, hi); out[o3 + c + 3] = clamp(s33, lo, hi);
    }
    for (; c < n; c++) {
      const b0 = c * k;
      out[o0 + c] = dot(a, a0, b, b0, k, z(c), lo, hi);
      out[o1 + c] = dot(a, a1, b, b0, k, z(c), lo, hi);
      out[o2 + c] = dot(a, a2, b, b0, k, z(c), lo, hi);
      out[o3 + c] = dot(a, a3, b, b0, k, z(c), lo, hi);
    }
  }
  for (; r < p.rows; r++) {
    const a0 = p.aOffset + r * k;
    const o0 = p.outOffset + r * n;
    for (let c = 0; c < n; c++) out[o0 + c] = dot(a, a0, b, c * k, k, z(c), lo, hi);
  }
}
