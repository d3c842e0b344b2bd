/**
 * Tensor values as float32 arrays: constants decoded from the model's buffers (float, half, or integers dequantized
 * with their per-tensor or per-channel parameters), and the rounding an int8 tensor applies to a value.
 */
import { constantData, type Model, type Quantization, type Tensor } from '../model/ir.js';
import { halfToFloat } from '../model/builder/encode.js';
import { QuantizeError } from './errors.js';

/** Bytes per element of the types a constant may have here. */
const ELEMENT_BYTES: Partial<Record<Tensor['dtype'], number>> = { FLOAT32: 4, FLOAT16: 2, INT8: 1, UINT8: 1, INT16: 2, INT32: 4, INT64: 8 };

/** Whether typed arrays on this machine are little-endian, as .tflite data is. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Element count of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/**
 * The values of a constant tensor as float32: floats as stored, integers dequantized with the tensor's quantization
 * when it has one (`(q - zero_point) x scale`, per channel along `quantizedDimension`), raw otherwise (shapes, axes,
 * paddings).
 */
export function constantValues(model: Pick<Model, 'buffers'>, t: Tensor): Float32Array {
  const bytes = constantData(model, t);
  const width = ELEMENT_BYTES[t.dtype];
  if (bytes === null) throw new QuantizeError('bad-model', `tensor '${t.name}' has no data`);
  if (width === undefined) throw new QuantizeError('unsupported-model', `constant '${t.name}' is ${t.dtype}; the quantizer reads FLOAT32, FLOAT16 and integer constants`);
  const count = t.elementCount;
  if (bytes.byteLength < count * width) {
    throw new QuantizeError('bad-model', `constant '${t.name}' holds ${bytes.byteLength} bytes, its shape [${t.shape.join(', ')}] of ${t.dtype} needs ${count * width}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (t.dtype === 'FLOAT32' && LITTLE_ENDIAN) {
    // The file's little-endian floats as they are: one copy instead of a DataView read per element.
    out.set(new Float32Array(bytes.slice(0, count * 4).buffer));
  } else {
    const read = reader(t.dtype, view);
    for (let i = 0; i < count; i++) out[i] = read(i);
  }
  const q = t.quantization;
  if (t.dtype !== 'FLOAT32' && t.dtype !== 'FLOAT16' && q !== null && q.scale.length > 0) dequantizeInPlace(out, t.shape, q);
  return out;
}

function reader(dtype: Tensor['dtype'], v: DataView): (i: number) => number {
  switch (dtype) {
    case 'FLOAT32': return (i) => v.getFloat32(i * 4, true);
    case 'FLOAT16': return (i) => halfToFloat(v.getUint16(i * 2, true));
    case 'INT8': return (i) => v.getInt8(i);
    case 'UINT8': return (i) => v.getUint8(i);
    case 'INT16': return (i) => v.getInt16(i * 2, true);
    case 'INT32': return (i) => v.getInt32(i * 4, true);
    default: return (i) => Number(v.getBigInt64(i * 8, true));
  }
}

/** Index of the channel each element belongs to, for per-channel parameters along `axis`. */
function channelIndex(shape: readonly number[], axis: number, channels: number): (i: number) => number {
  if (channels <= 1) return () => 0;
  const inner = sizeOf(shape.slice(axis + 1));
  return (i) => Math.floor(i / inner) % channels;
}

function dequantizeInPlace(values: Float32Array, shape: readonly number[], q: Quantization): void {
  const channel = channelIndex(shape, q.quantizedDimension, q.scale.length);
  for (let i = 0; i < values.length; i++) {
    const c = channel(i);
    values[i] = ((values[i] ?? 0) - (q.zeroPoint[c] ?? 0)) * (q.scale[c] ?? 1);
  }
}

/** The integer range of a quantized activation type, or null for a type that is not one. */
export function integerRange(dtype: Tensor['dtype']): readonly [number, number] | null {
  if (dtype === 'INT8') return [-128, 127];
  if (dtype === 'UINT8') return [0, 255];
  if (dtype === 'INT16') return [-32768, 32767];
  return null;
}

/**
 * Rounds float values onto the grid of a per-tensor quantized tensor, in place: what storing them in `dtype` with
 * `scale` and `zeroPoint` and reading them back gives (round half away from zero, as TFLite's kernels round).
 */
export function fakeQuantize(values: Float32Array, scale: number, zeroPoint: number, range: readonly [number, number]): void {
  const [lo, hi] = range;
  for (let i = 0; i < values.length; i++) {
    const r = values[i]! / scale;
    // Math.round(a) for a >= 0, through floor: V8 does not inline Math.round here (5x slower). a - floor(a) is exact.
    const a = r < 0 ? -r : r;
    const f = Math.floor(a);
    const m = a - f >= 0.5 ? f + 1 : f;
    let q = zeroPoint + (r < 0 ? -m : m);
    if (q < lo) q = lo;
    else if (q > hi) q = hi;
    values[i] = (q - zeroPoint) * scale;
  }
}
