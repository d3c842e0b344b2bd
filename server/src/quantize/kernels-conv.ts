/**
 * Float reference kernels for the spatial ops, NHWC as TFLite lays tensors out: CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, AVERAGE_POOL_2D and MAX_POOL_2D. They follow TFLite's reference kernels' arithmetic (padding split
 * with the smaller half before, average pooling over the in-bounds part of the window). CONV_2D and FULLY_CONNECTED
 * run as a blocked matrix product (`gemm.ts`), depthwise and pooling directly; each output's sum is formed in the
 * same order as the plain loops, so results do not depend on the blocking.
 */

import { gemm, type Clamp } from './gemm.js';
import { depthwiseWasm } from './kernels-wasm.js';

/** [batch, height, width, channels]. */
export type Nhwc = readonly [number, number, number, number];

export type { Clamp };

export interface Window {
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padding: 'SAME' | 'VALID';
}

/** Output size of one spatial dimension, as TFLite computes it. */
export function outputSize(input: number, filter: number, stride: number, dilation: number, padding: 'SAME' | 'VALID'): number {
  const effective = (filter - 1) * dilation + 1;
  return padding === 'SAME' ? Math.floor((input + stride - 1) / stride) : Math.floor((input - effective + stride) / stride);
}

/** Padding before the first element: half the total, rounded down (the extra row or column goes after). */
function padBefore(input: number, filter: number, stride: number, dilation: number, output: number, padding: 'SAME' | 'VALID'): number {
  if (padding === 'VALID') return 0;
  const effective = (filter - 1) * dilation + 1;
  return Math.floor(Math.max(0, (output - 1) * stride + effective - input) / 2);
}

function clamp(v: number, c: Clamp): number {
  return v < c[0] ? c[0] : v > c[1] ? c[1] : v;
}

/** Where a filter window lies on the input: the geometry both convolutions share. */
interface Placement {
  readonly xs: Nhwc;
  readonly kh: number;
  readonly kw: number;
  readonly padT: number;
  readonly padL: number;
  readonly win: Window;
}

function placement(xs: Nhwc, kh: number, kw: number, win: Window, os: Nhwc): Placement {
  return { xs, kh, kw, win, padT: padBefore(xs[1], kh, win.strideH, win.dilationH, os[1], win.padding), padL: padBefore(xs[2], kw, win.strideW, win.dilationW, os[2], win.padding) };
}

/**
 * The in-bounds taps of the filter window at output (n, oy, ox): each tap's input pixel offset into `pixel` and its
 * index in the window (ky x kw + kx) into `tap`. Returns how many there are.
 */
function taps(p: Placement, n: number, oy: number, ox: number, pixel: Int32Array, tap: Int32Array): number {
  const [, inH, inW, inC] = p.xs;
  let count = 0;
  for (let ky = 0; ky < p.kh; ky++) {
    const iy = oy * p.win.strideH - p.padT + ky * p.win.dilationH;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < p.kw; kx++) {
      const ix = ox * p.win.strideW - p.padL + kx * p.win.dilationW;
      if (ix < 0 || ix >= inW) continue;
      pixel[count] = ((n * inH + iy) * inW + ix) * inC;
      tap[count++] = ky * p.kw + kx;
    }
  }
  return count;
}

/**
 * CONV_2D: filter [out, kh, kw, in] (a constant, as the interpreter requires), bias [out] or null. im2col one output row at a time (a 1x1 stride-1 filter reads
 * the input as it is), then the blocked matrix product. A tap outside the input is a zero in the patch: it adds a
 * zero product, which leaves the sum as the plain loop that skips it has it.
 */
export function conv2d(x: Float32Array, xs: Nhwc, w: Float32Array, ws: Nhwc, bias: Float32Array | null, win: Window, act: Clamp, out: Float32Array, os: Nhwc): void {
  const [outC, kh, kw, inC] = ws;
  const [batches, outH, outW] = os;
  const k = kh * kw * inC;
  const p = placement(xs, kh, kw, win, os);
  if (kh === 1 && kw === 1 && win.strideH === 1 && win.strideW === 1 && p.padT === 0 && p.padL === 0 && outH === xs[1] && outW === xs[2]) {
    gemm({ a: x, aOffset: 0, rows: batches * outH * outW, k, b: w, n: outC, bias, act, out, outOffset: 0, constantB: true });
    return;
  }
  const patch = new Float32Array(outW * k);
  const pixel = new Int32Array(kh * kw);
  const tap = new Int32Array(kh * kw);
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      patch.fill(0);
      for (let ox = 0; ox < outW; ox++) {
        const count = taps(p, n, oy, ox, pixel, tap);
        for (let t = 0; t < count; t++) patch.set(x.subarray(pixel[t]!, pixel[t]! + inC), ox * k + tap[t]! * inC);
      }
      gemm({ a: patch, aOffset: 0, rows: outW, k, b: w, n: outC, bias, act, out, outOffset: (n * outH + oy) * outW * outC, constantB: true });
    }
  }
}

/** DEPTHWISE_CONV_2D: filter [1, kh, kw, in x multiplier]; output channel c reads input channel floor(c / multiplier). */
export function depthwiseConv2d(x: Float32Array, xs: Nhwc, w: Float32Array, ws: Nhwc, bias: Float32Array | null, win: Window, act: Clamp, out: Float32Array, os: Nhwc): void {
  const [, kh, kw, outC] = ws;
  const multiplier = outC / xs[3];
  const p = placement(xs, kh, kw, win, os);
  const pixel = new Int32Array(kh * kw);
  const tap = new Int32Array(kh * kw);
  // Input channel of each output channel, computed once.
  const source = Int32Array.from({ length: outC }, (_, c) => Math.floor(c / multiplier));
  const [lo, hi] = act;
  if (multiplier === 1 && depthwiseInWasm(x, w, bias, act, out, os, p, kh * kw)) return;
  let o = 0;
  for (let n = 0; n < os[0]; n++) {
    for (let oy = 0; oy < os[1]; oy++) {
      for (let ox = 0; ox < os[2]; ox++) {
        const count = taps(p, n, oy, ox, pixel, tap);
        for (let t = 0; t < count; t++) tap[t] = tap[t]! * outC;
        if (multiplier === 1) {
          // Four channels at a time share the tap offsets; each channel's sum still runs over the taps in order.
          let c = 0;
          for (; c + 4 <= outC; c += 4) {
            let s0 = bias ? (bias[c] ?? 0) : 0, s1 = bias ? (bias[c + 1] ?? 0) : 0, s2 = bias ? (bias[c + 2] ?? 0) : 0, s3 = bias ? (bias[c + 3] ?? 0) : 0;
            for (let t = 0; t < count; t++) {
              const xb = pixel[t]! + c;
              const wb = tap[t]! + c;
              s0 += x[xb]! * w[wb]!;
              s1 += x[xb + 1]! * w[wb + 1]!;
              s2 += x[xb + 2]! * w[wb + 2]!;
              s3 += x[xb + 3]! * w[wb + 3]!;
            }
            out[o++] = s0 < lo ? lo : s0 > hi ? hi : s0;
            out[o++] = s1 < lo ? lo : s1 > hi ? hi : s1;
            out[o++] = s2 < lo ? lo : s2 > hi ? hi : s2;
            out[o++] = s3 < lo ? lo : s3 > hi ? hi : s3;
          }
          for (; c < outC; c++) {
            let acc = bias ? (bias[c] ?? 0) : 0;
            for (let t = 0; t < count; t++) acc += x[pixel[t]! + c]! * w[tap[t]! + c]!;
            out[o++] = acc < lo ? lo : acc > hi ? hi : acc;
          }
        } else {
          for (let c = 0; c < outC; c++) {
            let acc = bias ? (bias[c] ?? 0) : 0;
            const s = source[c]!;
            for (let t = 0; t < count; t++) acc += x[pixel[t]! + s]! * w[tap[t]! + c]!;
            out[o++] = acc < lo ? lo : acc > hi ? hi : acc;
          }
        }
      }
    }
  }
}

/**
 * DEPTHWISE_CONV_2D with multiplier 1 in WebAssembly (`kernels-wasm.ts`, the same sums lane by lane): the taps of each
 * output pixel found here, its channels computed there. False where WebAssembly SIMD is not available or the channel
 * count is odd.
 */
function depthwiseInWasm(x: Float32Array, w: Float32Array, bias: Float32Array | null, act: Clamp, out: Float32Array, os: Nhwc, p: Placement, windowTaps: number): boolean {
  const channels = os[3];
  const session = depthwiseWasm(x, w, bias, channels, windowTaps, act, out.length);
  if (!session) return false;
  const pixel = new Int32Array(windowTaps);
  const tap = new Int32Array(windowTaps);
  const pairs = session.taps;
  let index = 0;
  for (let n = 0; n < os[0]; n++) {
    for (let oy = 0; oy < os[1]; oy++) {
      for (let ox = 0; ox < os[2]; ox++) {
        const count = taps(p, n, oy, ox, pixel, tap);
        for (let t = 0; t < count; t++) {
          pairs[2 * t] = pixel[t]! * 4;
          pairs[2 * t + 1] = tap[t]! * channels * 8;
        }
        session.pixel(index++, count);
      }
    }
  }
  session.finish(out);
  return true;
}

/** FULLY_CONNECTED: the input as rows of `inDepth` (the filter's second dimension), filter [units, inDepth], a constant. */
export function fullyConnected(x: Float32Array, w: Float32Array, units: number, inDepth: number, bias: Float32Array | null, act: Clamp, out: Float32Array): void {
  gemm({ a: x, aOffset: 0, rows: x.length / inDepth, k: inDepth, b: w, n: units, bias, act, out, outOffset: 0, constantB: true });
}

/** AVERAGE_POOL_2D / MAX_POOL_2D over a filter window; averages count only the in-bounds elements. */
export function pool2d(kind: 'avg' | 'max', x: Float32Array, xs: Nhwc, filterH: number, filterW: number, win: Window, act: Clamp, out: Float32Array, os: Nhwc): void {
  const [batches, inH, inW, channels] = xs;
  const [, outH, outW] = os;
  const padT = padBefore(inH, filterH, win.strideH, 1, outH, win.padding);
  const padL = padBefore(inW, filterW, win.strideW, 1, outW, win.padding);
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const y0 = Math.max(0, oy * win.strideH - padT);
        const y1 = Math.min(inH, oy * win.strideH - padT + filterH);
        const x0 = Math.max(0, ox * win.strideW - padL);
        const x1 = Math.min(inW, ox * win.strideW - padL + filterW);
        const count = Math.max(1, (y1 - y0) * (x1 - x0));
        for (let c = 0; c < channels; c++) {
          let acc = kind === 'max' ? -Infinity : 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = x[((n * inH + iy) * inW + ix) * channels + c] ?? 0;
              acc = kind === 'max' ? (v > acc ? v : acc) : acc + v;
            }
          }
          out[((n * outH + oy) * outW + ox) * channels + c] = clamp(kind === 'max' ? acc : acc / count, act);
        }
      }
    }
  }
}
