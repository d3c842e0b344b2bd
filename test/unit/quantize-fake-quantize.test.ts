import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../server/src/model/builder/index.ts';
import { fakeQuantize } from '../../server/src/quantize/tensors.ts';

/** The rounding as first written (Math.round, half away from zero): the fast one must give the same bits. */
function reference(values: Float32Array, scale: number, zeroPoint: number, [lo, hi]: readonly [number, number]): void {
  for (let i = 0; i < values.length; i++) {
    const r = values[i]! / scale;
    let q = zeroPoint + (r < 0 ? -Math.round(-r) : Math.round(r));
    if (q < lo) q = lo;
    else if (q > hi) q = hi;
    values[i] = (q - zeroPoint) * scale;
  }
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer);

test('fakeQuantize rounds exactly as Math.round half away from zero: ties, signed zeros, huge values, NaN', () => {
  const next = mulberry32(99);
  const scales = [0.0235, 1, 0.5, 0.1, 1e-7, 3.5e4, 0.007843137718737125];
  const specials = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 127.5, -128.5, 1e30, -1e30, 2 ** 52, 2 ** 53 + 2, NaN, Infinity, -Infinity, 1e-45];
  for (const scale of scales) {
    for (const [zp, range] of [[0, [-128, 127]], [-3, [-128, 127]], [128, [0, 255]], [0, [-32768, 32767]]] as const) {
      const values = Float32Array.from([...specials.map((v) => v * scale), ...Array.from({ length: 2000 }, () => (next() * 2 - 1) * 300 * scale)]);
      // Exact ties of the grid: (k + 0.5) x scale, where representable.
      for (let k = -140; k < 140; k++) values[k + 140] = (k + 0.5) * scale;
      const want = values.slice();
      reference(want, scale, zp, range);
      fakeQuantize(values, scale, zp, range);
      assert.deepEqual(bits(values), bits(want), `scale ${scale} zero point ${zp}`);
    }
  }
});
