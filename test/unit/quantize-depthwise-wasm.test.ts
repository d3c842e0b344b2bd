import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../server/src/model/builder/index.ts';
import { depthwiseConv2d, outputSize, type Nhwc, type Window } from '../../server/src/quantize/kernels-conv.ts';

/** The plain loop: each output's sum from the bias over the in-bounds taps in window order (the kernels must match it bit for bit). */
function reference(x: Float32Array, xs: Nhwc, w: Float32Array, ws: Nhwc, bias: Float32Array | null, win: Window, [lo, hi]: readonly [number, number], os: Nhwc): Float32Array {
  const [, kh, kw, outC] = ws;
  const m = outC / xs[3];
  const pad = (input: number, filter: number, stride: number, dilation: number, output: number): number =>
    win.padding === 'VALID' ? 0 : Math.floor(Math.max(0, (output - 1) * stride + (filter - 1) * dilation + 1 - input) / 2);
  const padT = pad(xs[1], kh, win.strideH, win.dilationH, os[1]);
  const padL = pad(xs[2], kw, win.strideW, win.dilationW, os[2]);
  const out = new Float32Array(os[0] * os[1] * os[2] * os[3]);
  let o = 0;
  for (let n = 0; n < os[0]; n++) for (let oy = 0; oy < os[1]; oy++) for (let ox = 0; ox < os[2]; ox++) for (let c = 0; c < outC; c++) {
    let acc = bias ? bias[c]! : 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * win.strideH - padT + ky * win.dilationH;
      if (iy < 0 || iy >= xs[1]) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * win.strideW - padL + kx * win.dilationW;
        if (ix < 0 || ix >= xs[2]) continue;
        acc += x[((n * xs[1] + iy) * xs[2] + ix) * xs[3] + Math.floor(c / m)]! * w[(ky * kw + kx) * outC + c]!;
      }
    }
    out[o++] = acc < lo ? lo : acc > hi ? hi : acc;
  }
  return out;
}

test('depthwise convolution (WebAssembly for multiplier 1 and even channels, JavaScript otherwise) equals the plain loop bit for bit', () => {
  const next = mulberry32(2026);
  const clamps = [[-Infinity, Infinity], [0, 6], [0, Infinity]] as const;
  for (let i = 0; i < 80; i++) {
    const inC = 1 + Math.floor(next() * 9);
    const m = i % 5 === 0 ? 2 : 1;
    const xs: Nhwc = [1 + (i % 2), 1 + Math.floor(next() * 9), 1 + Math.floor(next() * 9), inC];
    const kh = 1 + Math.floor(next() * 3);
    const kw = 1 + Math.floor(next() * 3);
    const win: Window = { strideH: 1 + Math.floor(next() * 2), strideW: 1 + Math.floor(next() * 2), dilationH: 1 + (i % 3 === 0 ? 1 : 0), dilationW: 1, padding: i % 2 ? 'SAME' : 'VALID' };
    const oh = outputSize(xs[1], kh, win.strideH, win.dilationH, win.padding);
    const ow = outputSize(xs[2], kw, win.strideW, win.dilationW, win.padding);
    if (oh < 1 || ow < 1) continue;
    const ws: Nhwc = [1, kh, kw, inC * m];
    const os: Nhwc = [xs[0], oh, ow, inC * m];
    const rand = (): number => (next() * 2 - 1) * (next() < 0.05 ? 1e20 : 1);
    const x = Float32Array.from({ length: xs[0] * xs[1] * xs[2] * xs[3] }, rand);
    const w = Float32Array.from({ length: kh * kw * inC * m }, rand);
    const bias = i % 3 === 1 ? null : Float32Array.from({ length: inC * m }, rand);
    const act = clamps[i % 3]!;
    const out = new Float32Array(os[0] * os[1] * os[2] * os[3]).fill(7);
    depthwiseConv2d(x, xs, w, ws, bias, win, act, out, os);
    assert.deepEqual(new Uint32Array(out.buffer), new Uint32Array(reference(x, xs, w, ws, bias, win, act, os).buffer), `case ${i}: ${JSON.stringify({ xs, ws, win })}`);
  }
});
