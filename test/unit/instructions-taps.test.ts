import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validTaps } from '../../server/src/analysis/latency/instructions.ts';

/** The definition, tap by tap: what the kernel's padded window reads. */
function bruteTaps(inSize: number, outSize: number, k: number, stride: number, pad: number, dilation: number): number {
  let taps = 0;
  for (let o = 0; o < outSize; o++) for (let j = 0; j < k; j++) { const i = o * stride - pad + j * dilation; if (i >= 0 && i < inSize) taps++; }
  return taps;
}

test('validTaps equals the tap-by-tap count on every small case (both loop orders, padding, dilation, strides)', () => {
  let cases = 0;
  for (let inSize = 1; inSize <= 9; inSize++) for (let outSize = 1; outSize <= 9; outSize++) for (let k = 1; k <= 7; k++)
    for (const stride of [1, 2, 3]) for (const pad of [0, 1, 2, 5]) for (const dilation of [1, 2, 3]) {
      assert.equal(validTaps(inSize, outSize, k, stride, pad, dilation), bruteTaps(inSize, outSize, k, stride, pad, dilation), `${inSize} ${outSize} ${k} ${stride} ${pad} ${dilation}`);
      cases++;
    }
  assert.ok(cases > 10000);
});

test('validTaps on a hostile axis (a million outputs, a 100,000-tap kernel) is exact without visiting every pair', () => {
  // Stride 1, no padding, input as long as outputs + kernel - 1: every tap of every output is inside.
  assert.equal(validTaps(1_000_000 + 100_000 - 1, 1_000_000, 100_000, 1, 0, 1), 1_000_000 * 100_000);
  // A 10-long input: output o sees taps 0..9-o, so 10 + 9 + ... + 1.
  assert.equal(validTaps(10, 1_000_000, 100_000, 1, 0, 1), 55);
});
