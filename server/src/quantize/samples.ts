/**
 * Calibration samples from bytes: NumPy `.npy` files (float32 or float64, C order) and raw little-endian float32
 * `.bin` files, each one sample of the model's input (a `.npy` may also hold a batch of samples along a leading axis),
 * and seeded uniform random samples as a fallback. Every size and shape is checked against the input; nothing is
 * trusted from the file.
 */
import { checkAllocation, resolveLimits, type AnalysisLimits } from '../model/limits.js';
import { SeededRandom } from '../model/builder/index.js';
import { QuantizeError } from './errors.js';
import { sizeOf } from './tensors.js';

/** A parsed .npy array, converted to float32. */
export interface NpyArray {
  readonly shape: number[];
  readonly data: Float32Array;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Parses a .npy file (format versions 1-3) holding little-endian float32 or float64 values in C order. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const bad = (detail: string): QuantizeError => new QuantizeError('bad-data', `${file}: ${detail}`);
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) throw bad('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw bad(`.npy format version ${major} is not supported (1, 2 or 3)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : Infinity;
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw bad(`the header runs past the end of the file (${bytes.length} bytes)`);
  const header = String.fromCharCode(...bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(`unreadable header ${JSON.stringify(header.trim())}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw bad(`bad shape (${shapeText})`);
  const width = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (width === 0) throw bad(`dtype '${descr}' is not supported: save the sample as float32 ('<f4') or float64 ('<f8')`);
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) throw bad('Fortran-order arrays are not supported: save with np.ascontiguousarray');
  const count = sizeOf(shape);
  const dataStart = start + headerLength;
  if (bytes.length - dataStart !== count * width) {
    throw bad(`shape (${shape.join(', ')}) of ${descr} needs ${count * width} data bytes, the file holds ${bytes.length - dataStart}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = width === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true);
  return { shape, data };
}

/**
 * The samples a file holds for a model input of `inputShape`: a `.npy` of exactly that shape, of that shape without
 * its leading batch of 1, or a batch of such samples along a new or the batch axis; a `.bin` of exactly one sample.
 */
export function samplesFromFile(file: string, bytes: Uint8Array, inputShape: readonly number[]): Float32Array[] {
  const count = sizeOf(inputShape);
  let samples: Float32Array[];
  if (file.toLowerCase().endsWith('.npy')) {
    const { shape, data } = parseNpy(bytes, file);
    const inner = inputShape[0] === 1 ? inputShape.slice(1) : inputShape;
    const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
    let batch: number;
    if (same(shape, inputShape) || same(shape, inner)) batch = 1;
    else if (same(shape.slice(1), inner) && inputShape[0] === 1) batch = shape[0] ?? 0;
    else throw new QuantizeError('bad-data', `${file}: shape (${shape.join(', ')}) does not match the model input [${inputShape.join(', ')}] (one sample, or a batch of them along the first axis)`);
    samples = Array.from({ length: batch }, (_, k) => data.slice(k * count, (k + 1) * count));
  } else {
    if (bytes.length !== count * 4) {
      throw new QuantizeError('bad-data', `${file}: ${bytes.length} bytes, one float32 sample of the input [${inputShape.join(', ')}] is ${count * 4}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    samples = [Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true))];
  }
  samples.forEach((s, k) => {
    const i = s.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new QuantizeError('bad-data', `${file}: sample ${k + 1}, value ${i} is ${s[i]} (calibration data must be finite)`);
  });
  return samples;
}

/** `count` samples of each input shape, uniform in [lo, hi), seeded so the same call gives the same data. */
export function randomSamples(inputShapes: readonly (readonly number[])[], count: number, lo: number, hi: number, seed = 1, limits: Partial<AnalysisLimits> = {}): Float32Array[][] {
  const bytes = count * inputShapes.reduce((n, shape) => n + 4 * sizeOf(shape), 0);
  checkAllocation(resolveLimits(limits), bytes, `${count} random samples`);
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, () => inputShapes.map((shape) => rng.uniformArray(sizeOf(shape), lo, hi)));
}
