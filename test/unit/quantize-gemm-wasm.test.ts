import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gemmBlocksWasm } from '../../server/src/quantize/kernels-wasm.ts';
import { gemm, gemmJs, type Gemm } from '../../server/src/quantize/gemm.ts';
import { mulberry32 } from '../../server/src/model/builder/index.ts';

/** The bit patterns, every NaN as one (WebAssembly does not keep a NaN's sign; a NaN is a NaN to every later step). */
const bits = (a: Float32Array): Uint32Array => Uint32Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u));

/** A product with values from `value` (random by default), offsets into both arrays, and the given clamp. */
function product(next: () => number, rows: number, k: number, n: number, act: readonly [number, number], withBias: boolean, value = (): number => next() * 2 - 1): Gemm {
  return {
    a: Float32Array.from({ length: rows * k + 5 }, value), aOffset: 5, rows, k,
    b: Float32Array.from({ length: n * k }, value), n,
    bias: withBias ? Float32Array.from({ length: n }, value) : null,
    act, out: new Float32Array(rows * n + 3), outOffset: 3,
  };
}

function sameAsJs(p: Gemm): void {
  gemmJs(p);
  const want = p.out.slice(p.outOffset);
  p.out.fill(7);
  gemm(p);
  assert.deepEqual(bits(p.out.subarray(p.outOffset)), bits(want), `rows ${p.rows} k ${p.k} n ${p.n}`);
}

test('the WebAssembly blocks are used on this Node, and give bit-identical products to the JavaScript loop', () => {
  const next = mulberry32(15);
  assert.equal(gemmBlocksWasm(product(next, 4, 3, 4, [-Infinity, Infinity], true), 4, 4), true, 'WebAssembly SIMD available');
  const clamps = [[-Infinity, Infinity], [0, Infinity], [0, 6], [-1, 1]] as const;
  for (let i = 0; i < 60; i++) {
    const rows = 1 + Math.floor(next() * 40);
    const k = 1 + Math.floor(next() * 70);
    const n = 1 + Math.floor(next() * 40);
    const p = product(next, rows, k, n, clamps[i % 4]!, i % 3 !== 0);
    sameAsJs(i % 2 ? p : { ...p, constantB: true });
  }
  // A constant's packed form, kept from the first product, serves the next one.
  const constant = { ...product(next, 12, 9, 8, [0, 6], true), constantB: true };
  sameAsJs(constant);
  sameAsJs({ ...constant, a: Float32Array.from(constant.a, () => next()) });
  // Large magnitudes (sums that round), exact ties at the clamp, zeros of both signs, NaN and infinities.
  const specials = [0, -0, 1e30, -1e30, 6, -1, 1, 3.4e38, Number.NaN, Infinity, -Infinity, 1e-40, 0.1];
  for (let i = 0; i < 20; i++) sameAsJs(product(next, 8, 5, 8, clamps[i % 4]!, i % 2 === 0, () => specials[Math.floor(next() * specials.length)]!));
});

test('a weight operand whose array is reused with new values (an activation) is read afresh by every product', () => {
  const next = mulberry32(3);
  const p = product(next, 8, 6, 8, [-Infinity, Infinity], true);
  gemm(p);
  for (let i = 0; i < p.b.length; i++) p.b[i] = next() * 2 - 1;
  sameAsJs(p);
});
