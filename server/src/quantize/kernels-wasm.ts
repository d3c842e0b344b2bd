/**
 * Two kernels in WebAssembly SIMD: the 4 x 4 blocks of `gemm.ts`'s matrix product, and one output pixel of a
 * depthwise convolution with multiplier 1 (`kernels-conv.ts`). Two output channels per f64x2 lane pair, so they take
 * half the arithmetic instructions of the JavaScript loops. The arithmetic is the JavaScript loop's, lane
 * by lane: a float64 accumulator starting at the bias, each float32 x float32 product (exact in float64) added in
 * ascending k with a separate multiply and add (no fused multiply-add), the clamp as compare-and-select (so -0 and NaN
 * pass as in `v < lo ? lo : v > hi ? hi : v`), and one rounding to float32 at the store. Results are bit-identical to
 * the JavaScript loop (unit tests compare them), but for the sign of a NaN, which WebAssembly does not keep (every
 * later step, comparisons, clamps, rounding and the min/max scan, treats either sign alike); without WebAssembly SIMD
 * the JavaScript loops run.
 *
 * The module is assembled here from its instructions (no toolchain, no binary in the repository); the comment before
 * each body is its listing. Its memory holds one call's operands, grows to the largest op's and stays (WebAssembly
 * memory does not shrink): about the largest op's input plus output for the process's life. Pure: no I/O.
 */
import type { Gemm } from './gemm.js';

/*
 * (func (export "gemm") (param $a $rows4 $k $b $n4 $bias $out $n i32) (param $lo $hi f64)
 *   for r in 0..rows4 step 4, for c in 0..n4 step 4:
 *     acc[row][0..1], acc[row][2..3] = bias[c..c+1], bias[c+2..c+3]           (f64 pairs)
 *     for i in 0..k: w01, w23 = B[c/4][i][0..1], B[c/4][i][2..3]           (B packed: 4 f64 per k per panel)
 *       for row in 0..3: x = splat(promote(A[r+row][i])); acc += x * w  (mul, then add)
 *     out[(r+row) * n + c + j] = demote(clamp(acc lane))                     (f32)
 */
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

// Parameters 0-9, then the locals.
const [A, ROWS4, K, B, N4, BIAS, OUT, N, LO, HI] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// Row j of the block reads A from AROW + j (each bumped by 4 bytes per k); the k loop ends when AROW reaches END.
const [R, C, END, AROW, W, O, ROWBYTES] = [10, 11, 12, 13, 17, 18, 19];
const V = 20; // f64 scratch
const ACC = 21; // 8 v128 accumulators: row j uses ACC + 2j (channels c, c+1) and ACC + 2j + 1 (c+2, c+3)
const X = 29;
const W01 = 30;
const W23 = 31;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const get = (l: number): number[] => [0x20, ...uleb(l)];
const set = (l: number): number[] => [0x21, ...uleb(l)];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];
const simd = (op: number, ...rest: number[]): number[] => [0xfd, ...uleb(op), ...rest];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_U = 0x49;
/** local = local + constant (i32). */
const bump = (l: number, by: number): number[] => [...get(l), ...i32(by), ADD, ...set(l)];

function body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const p of parts) code.push(...p);
  };
  emit(get(K), i32(4), [MUL], set(ROWBYTES)); // bytes per row of A
  emit(i32(0), set(R));
  emit([0x03, 0x40]); // loop rows
  emit(i32(0), set(C));
  emit([0x03, 0x40]); // loop columns
  // Accumulators from the bias.
  for (let j = 0; j < 4; j++) {
    emit(get(BIAS), get(C), i32(8), [MUL], [ADD], simd(0x00, 4, 0), set(ACC + 2 * j));
    emit(get(BIAS), get(C), i32(8), [MUL], [ADD], simd(0x00, 4, 16), set(ACC + 2 * j + 1));
  }
  // AROW + j = a + (r + j) * rowBytes; END = AROW + rowBytes; W = b + c * k * 8.
  emit(get(A), get(R), get(ROWBYTES), [MUL], [ADD], set(AROW));
  for (let j = 1; j < 4; j++) emit(get(AROW + j - 1), get(ROWBYTES), [ADD], set(AROW + j));
  emit(get(AROW), get(ROWBYTES), [ADD], set(END));
  emit(get(B), get(C), get(K), [MUL], i32(8), [MUL], [ADD], set(W));
  emit([0x03, 0x40]); // loop k
  emit(get(W), simd(0x00, 4, 0), set(W01));
  emit(get(W), simd(0x00, 4, 16), set(W23));
  for (let j = 0; j < 4; j++) {
    // x = splat(promote(f32 at AROW + j))
    emit(get(AROW + j), [0x2a, 2, 0], [0xbb], simd(0x14), set(X));
    emit(get(ACC + 2 * j), get(X), get(W01), simd(0xf2), simd(0xf0), set(ACC + 2 * j));
    emit(get(ACC + 2 * j + 1), get(X), get(W23), simd(0xf2), simd(0xf0), set(ACC + 2 * j + 1));
  }
  for (let j = 0; j < 4; j++) emit(bump(AROW + j, 4));
  emit(bump(W, 32));
  emit(get(AROW), get(END), [LT_U], [0x0d, 0]); // br_if k
  emit([0x0b]);
  // Stores: out + (r + j) * n * 4 + (c + lane) * 4, clamped, demoted.
  emit(get(OUT), get(R), get(N), [MUL], i32(4), [MUL], [ADD], get(C), i32(4), [MUL], [ADD], set(O));
  for (let j = 0; j < 4; j++) {
    for (let lane = 0; lane < 4; lane++) {
      const acc = ACC + 2 * j + (lane >> 1);
      emit(get(O)); // address
      // v = lane; v = v < lo ? lo : v; v = v > hi ? hi : v
      emit(get(acc), simd(0x21, lane & 1), set(V));
      emit(get(LO), get(V), get(V), get(LO), [0x63], [0x1b], set(V));
      emit(get(HI), get(V), get(V), get(HI), [0x64], [0x1b]);
      emit([0xb6], [0x38, 2, ...uleb(lane * 4)]);
    }
    emit(get(O), get(N), i32(4), [MUL], [ADD], set(O));
  }
  emit(bump(C, 4));
  emit(get(C), get(N4), [LT_U], [0x0d, 0]); // br_if columns
  emit([0x0b]);
  emit(bump(R, 4));
  emit(get(R), get(ROWS4), [LT_U], [0x0d, 0]); // br_if rows
  emit([0x0b]);
  emit([0x0b]); // end of function
  return code;
}

/*
 * (func (export "depthwise") (param $x $w $bias $out $channels $taps $count i32) (param $lo $hi f64)
 *   for c in 0..channels step 2:                               (channels even)
 *     acc = bias[c..c+1]                                       (f64 pair)
 *     for t in 0..count: p, q = taps[t]                        (byte offsets: input pixel, weight row)
 *       acc += promote(x[p + c], x[p + c + 1]) * w[q + c..c+1] (mul, then add)
 *     out[c], out[c + 1] = demote(clamp(acc lanes))
 */
const [DX, DW, DBIAS, DOUT, DCH, DTAPS, DCOUNT, DLO, DHI] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [DC, DT, DTAP, DV] = [9, 10, 11, 12]; // i32 c (bytes of f32 channels), t, tap address; f64 scratch
const [DACC, DXV] = [13, 14]; // v128

function depthwiseBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const p of parts) code.push(...p);
  };
  emit(i32(0), set(DC));
  emit([0x03, 0x40]); // loop channels (DC counts channels)
  emit(get(DBIAS), get(DC), i32(8), [MUL], [ADD], simd(0x00, 4, 0), set(DACC));
  emit(i32(0), set(DT), get(DTAPS), set(DTAP));
  emit([0x02, 0x40], [0x03, 0x40]); // block, loop taps
  emit(get(DT), get(DCOUNT), [0x4f], [0x0d, 1]); // t >= count: out of the block
  // xv = promote(load64_zero(x + taps[t].p + c * 4))
  emit(get(DX), get(DTAP), [0x28, 2, 0], [ADD], get(DC), i32(4), [MUL], [ADD], simd(0x5d, 3, 0), simd(0x5f), set(DXV));
  // acc += xv * load(w + taps[t].q + c * 8)
  emit(get(DACC), get(DXV));
  emit(get(DW), get(DTAP), [0x28, 2, 4], [ADD], get(DC), i32(8), [MUL], [ADD], simd(0x00, 4, 0));
  emit(simd(0xf2), simd(0xf0), set(DACC));
  emit(bump(DT, 1), bump(DTAP, 8));
  emit([0x0c, 0], [0x0b], [0x0b]); // br loop; end loop; end block
  for (let lane = 0; lane < 2; lane++) {
    emit(get(DOUT), get(DC), i32(4), [MUL], [ADD]);
    emit(get(DACC), simd(0x21, lane), set(DV));
    emit(get(DLO), get(DV), get(DV), get(DLO), [0x63], [0x1b], set(DV));
    emit(get(DHI), get(DV), get(DV), get(DHI), [0x64], [0x1b]);
    emit([0xb6], [0x38, 2, ...uleb(lane * 4)]);
  }
  emit(bump(DC, 2));
  emit(get(DC), get(DCH), [LT_U], [0x0d, 0]);
  emit([0x0b]);
  emit([0x0b]);
  return code;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function moduleBytes(): Uint8Array {
  const gemmParams = [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64];
  const depthwiseParams = [I32, I32, I32, I32, I32, I32, I32, F64, F64];
  const types = [2, 0x60, gemmParams.length, ...gemmParams, 0, 0x60, depthwiseParams.length, ...depthwiseParams, 0];
  const name = (s: string): number[] => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const exports = [3, ...name('gemm'), 0x00, 0, ...name('depthwise'), 0x00, 1, ...name('memory'), 0x02, 0];
  const gemmFn = [3, 10, I32, 1, F64, 11, V128, ...body()];
  const depthwiseFn = [3, 3, I32, 1, F64, 2, V128, ...depthwiseBody()];
  const code = [2, ...uleb(gemmFn.length), ...gemmFn, ...uleb(depthwiseFn.length), ...depthwiseFn];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types), ...section(3, [2, 0, 1]), ...section(5, [1, 0x00, 1]), ...section(7, exports), ...section(10, code),
  ]);
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Kernel };
}

interface Kernel {
  readonly gemm: (...args: number[]) => void;
  readonly depthwise: (...args: number[]) => void;
  readonly memory: WasmMemory;
}

let kernel: Kernel | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is not available. */
function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    const instance = api ? new api.Instance(new api.Module(moduleBytes())) : null;
    kernel = instance ? instance.exports : null;
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * Writes the weights into `into` packed per panel of four output channels, k-major, as float64. A constant's packed
 * form is kept per array (`Gemm.constantB`); any other operand may be an activation, its array reused with new values
 * by every run, so it is packed on every call.
 */
function pack(b: Float32Array, k: number, n4: number, into: Float64Array): void {
  for (let q = 0; q < n4; q += 4) {
    const base = q * k;
    for (let j = 0; j < 4; j++) {
      const row = (q + j) * k;
      for (let i = 0; i < k; i++) into[base + i * 4 + j] = b[row + i]!;
    }
  }
}

/** The packed form of constant weight arrays (freed with the interpreter that holds the arrays). */
const packs = new WeakMap<Float32Array, { k: number; n4: number; data: Float64Array }>();

/** Grows the module's memory to at least `bytes`; returns its buffer. */
function reserve(w: Kernel, bytes: number): ArrayBuffer {
  const have = w.memory.buffer.byteLength;
  if (bytes > have) w.memory.grow(Math.ceil((bytes - have) / 65536));
  return w.memory.buffer;
}

/**
 * Computes the outputs of rows [0, rows4) and channels [0, n4) (multiples of four) of `p` in WebAssembly; returns
 * false (nothing done) where it is not available. The caller computes the other rows and channels.
 */
export function gemmBlocksWasm(p: Gemm, rows4: number, n4: number): boolean {
  const w = load();
  if (!w || rows4 === 0 || n4 === 0 || p.k === 0) return false;
  const { k, n } = p;
  const aAt = 0;
  const bAt = align(aAt + rows4 * k * 4);
  const biasAt = align(bAt + n4 * k * 8);
  const outAt = align(biasAt + n4 * 8);
  const buffer = reserve(w, outAt + rows4 * n * 4);
  new Float32Array(buffer, aAt, rows4 * k).set(p.a.subarray(p.aOffset, p.aOffset + rows4 * k));
  const into = new Float64Array(buffer, bAt, n4 * k);
  if (!p.constantB) pack(p.b, k, n4, into);
  else {
    let kept = packs.get(p.b);
    if (!kept || kept.k !== k || kept.n4 !== n4) {
      kept = { k, n4, data: new Float64Array(n4 * k) };
      pack(p.b, k, n4, kept.data);
      packs.set(p.b, kept);
    }
    into.set(kept.data);
  }
  const bias = new Float64Array(buffer, biasAt, n4);
  for (let c = 0; c < n4; c++) bias[c] = p.bias ? (p.bias[c] ?? 0) : 0;
  w.gemm(aAt, rows4, k, bAt, n4, biasAt, outAt, n, p.act[0], p.act[1]);
  const out = new Float32Array(buffer, outAt, rows4 * n);
  for (let r = 0; r < rows4; r++) p.out.set(out.subarray(r * n, r * n + n4), p.outOffset + r * n);
  return true;
}

/** A depthwise convolution (multiplier 1) in progress in WebAssembly memory: its input, weights and output there. */
export interface DepthwiseSession {
  /** Where the caller writes each tap of a pixel: input element offset x 4, then weight row (tap index) x channels x 8. */
  readonly taps: Int32Array;
  /** Computes all channels of output pixel `index` from the first `count` pairs of `taps`. */
  pixel(index: number, count: number): void;
  /** Copies the outputs to `out`. */
  finish(out: Float32Array): void;
}

/**
 * Starts a depthwise convolution with multiplier 1 and an even channel count in WebAssembly; null where it is not
 * available (the caller runs its JavaScript loop). `windowTaps` is the filter's kh x kw.
 */
export function depthwiseWasm(x: Float32Array, weights: Float32Array, bias: Float32Array | null, channels: number, windowTaps: number, act: readonly [number, number], outLength: number): DepthwiseSession | null {
  const w = load();
  if (!w || channels % 2 !== 0 || channels === 0) return null;
  const xAt = 0;
  const wAt = align(xAt + x.length * 4);
  const biasAt = align(wAt + weights.length * 8);
  const tapsAt = align(biasAt + channels * 8);
  const outAt = align(tapsAt + windowTaps * 8);
  const buffer = reserve(w, outAt + outLength * 4);
  new Float32Array(buffer, xAt, x.length).set(x);
  new Float64Array(buffer, wAt, weights.length).set(weights);
  const b = new Float64Array(buffer, biasAt, channels);
  for (let c = 0; c < channels; c++) b[c] = bias ? (bias[c] ?? 0) : 0;
  const [lo, hi] = act;
  return {
    taps: new Int32Array(buffer, tapsAt, windowTaps * 2),
    pixel: (index, count) => w.depthwise(xAt, wAt, biasAt, outAt + index * channels * 4, channels, tapsAt, count, lo, hi),
    finish: (out) => out.set(new Float32Array(buffer, outAt, outLength)),
  };
}

function align(n: number): number {
  return (n + 15) & ~15;
}
