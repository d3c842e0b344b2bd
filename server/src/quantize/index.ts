/**
 * Post-training full-integer (int8) quantization of a float32 .tflite model, as TFLite's converter does it with a
 * representative dataset: a float reference interpreter (`interpreter.ts`), calibration of every activation's range
 * (`calibrate.ts`), the quantization rules and the int8 model writer (`quantize.ts`). Pure: bytes and arrays in,
 * bytes and plain data out.
 */
import type { Model } from '../model/ir.js';
import { checkAllocation, resolveLimits } from '../model/limits.js';
import { readTflite } from '../model/tflite/reader.js';
import { calibrate, compareOutputs, type OutputError, type Sample } from './calibrate.js';
import { layerError, QuantizeError } from './errors.js';
import { FLOAT_ONLY_OPS, Interpreter } from './interpreter.js';
import { buildInt8Model, type Int8Model, type IoType } from './quantize.js';

export { QuantizeError, type QuantizeErrorCode } from './errors.js';
export { Interpreter, SUPPORTED_OPS, type RunOptions } from './interpreter.js';
export { calibrate, compareOutputs, type OutputError, type Sample, type TensorRange } from './calibrate.js';
export { buildInt8Model, type BuildOptions, type Int8Model, type IoTensor, type IoType, type QuantizedLayer } from './quantize.js';
export { parseNpy, randomSamples, samplesFromFile, type NpyArray } from './samples.js';

export interface Quantization extends Int8Model {
  /** The written model, read back. */
  readonly model: Model;
  /** Float model against the int8 model with only its weights and biases quantized (activations left float). */
  readonly weightsError: OutputError[];
  /** Float model against a simulation of the int8 model: weights and every activation rounded onto its int8 grid. */
  readonly int8Error: OutputError[];
}

/** Checks the model is a float model the quantizer takes, before any sample is run. */
export function prepareFloatModel(model: Model): Interpreter {
  const interp = new Interpreter(model);
  for (const t of [...interp.inputs, ...interp.outputs]) {
    if (t.dtype !== 'FLOAT32') throw new QuantizeError('unsupported-model', `'${t.name}' is ${t.dtype}: quantize takes a float32 model`);
  }
  // Integer tensors computed from constants only (shapes) are folded, not activations.
  const quantized = interp.graph.tensors.find((t) => !t.isConstant && !interp.folded.has(t.index) && t.dtype !== 'FLOAT32' && t.elementCount > 0 && interp.graph.operators.some((op) => op.outputs.includes(t.index)));
  if (quantized) throw new QuantizeError('unsupported-model', `'${quantized.name}' is already ${quantized.dtype}: quantize takes a float32 model`);
  return interp;
}

/** Where a quantization is: `done` of `total` sample runs (each sample is run to calibrate, then to measure). */
export interface QuantizeProgress {
  readonly phase: 'calibrating' | 'measuring';
  /** The sample about to run, 1-based, of `samples`. */
  readonly sample: number;
  readonly samples: number;
  readonly done: number;
  readonly total: number;
}

export interface QuantizeOptions {
  /** Told before each sample runs, and once more at the end (done = total). */
  readonly onProgress?: (p: QuantizeProgress) => void;
  /** Asked before each sample: true stops the quantization with a `cancelled` QuantizeError (so within one sample). */
  readonly isCancelled?: () => boolean;
}

/** Calibrates the model on `samples`, writes the int8 model, reads it back and measures its error on the same samples. */
export function quantizeModel(model: Model, samples: readonly Sample[], io: IoType, options: QuantizeOptions = {}): Quantization {
  const float = prepareFloatModel(model);
  const floatOnly = float.graph.operators.find((op) => FLOAT_ONLY_OPS.has(op.opName));
  if (floatOnly) throw layerError('unsupported-op', float.graph, floatOnly, `${floatOnly.opName} is not supported by the quantizer (TFLM runs it in float only; the model stays float)`);
  // The float model, its int8 simulation (about as large), the samples and the float outputs kept for the comparison
  // are held at once: within the budget each, they could still take several times it together (the fuzzer's 688-byte
  // RESHAPE of 56M floats reached 2.4 GB), so they are checked together before calibrating.
  const sampleBytes = samples.reduce((n, s) => n + s.reduce((m, t) => m + t.byteLength, 0), 0);
  const outputBytes = samples.length * float.outputs.reduce((n, t) => n + 4 * t.elementCount, 0);
  checkAllocation(resolveLimits(), 2 * float.allocated + sampleBytes + outputBytes, "the quantizer's float tensors, their int8 simulation and the samples (with their float outputs)");
  const total = 2 * samples.length;
  const step = (phase: QuantizeProgress['phase'], offset: number) => (k: number, count: number): void => {
    if (options.isCancelled?.()) throw new QuantizeError('cancelled', `cancelled while ${phase} (${offset + k} of ${total} sample runs done); nothing was written`);
    options.onProgress?.({ phase, sample: k + 1, samples: count, done: offset + k, total });
  };
  const floatOutputs: Float32Array[][] = [];
  const ranges = calibrate(float, samples, step('calibrating', 0), floatOutputs);
  const int8 = buildInt8Model(float, ranges, io);
  const written = readTflite(int8.bytes);
  const simulated = new Interpreter(written);
  const errors = compareOutputs(float, simulated, samples, step('measuring', samples.length), floatOutputs);
  options.onProgress?.({ phase: 'measuring', sample: samples.length, samples: samples.length, done: total, total });
  return { ...int8, model: written, weightsError: errors.weights, int8Error: errors.int8 };
}
