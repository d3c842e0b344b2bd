/**
 * Calibration and evaluation over a representative dataset. Calibration records the overall minimum and maximum of
 * every activation tensor across all samples, as TFLite's calibrator does (its min/max logger keeps the extremes seen
 * over every batch); evaluation compares a quantized model's simulated outputs with the float model's.
 */
import { QuantizeError } from './errors.js';
import type { Interpreter } from './interpreter.js';
import { cellRangeOf, LSTM_CELL_STATE, resetCellRanges } from './kernels-rnn.js';

/** The observed range of one tensor. */
export interface TensorRange {
  min: number;
  max: number;
}

/** One sample: a float array per model input, row-major in the input's shape. */
export type Sample = readonly Float32Array[];

/** Called before each sample is run; `done` samples of `total` are finished in this phase. */
export type SampleHook = (done: number, total: number) => void;

/**
 * Runs every sample through the float model and returns the range of each model input and op output, by tensor
 * index, and of each LSTM's cell state (a variable the op updates at every step: +/- the largest |c| of any step, as
 * TFLite's calibrator logs the cell state at each step). `outputs`, when given, receives each sample's float outputs
 * (copies), for `compareOutputs`.
 */
export function calibrate(interpreter: Interpreter, samples: readonly Sample[], beforeSample?: SampleHook, outputs?: Float32Array[][]): Map<number, TensorRange> {
  if (samples.length === 0) throw new QuantizeError('bad-data', 'calibration needs at least one sample');
  const ranges = new Map<number, TensorRange>();
  const ops = interpreter.graph.operators;
  resetCellRanges(ops);
  samples.forEach((sample, k) => {
    beforeSample?.(k, samples.length);
    const got = interpreter.run(sample, {
      simulateQuantization: false,
      observe: (tensor, values) => {
        extremes(values, scratch);
        const min = scratch[0]!;
        const max = scratch[1]!;
        if (!Number.isFinite(min) || !Number.isFinite(max)) {
          if (values.length === 0) return;
          const name = interpreter.graph.tensors[tensor]?.name ?? String(tensor);
          throw new QuantizeError('bad-data', `sample ${k + 1} gives values that are not finite in tensor '${name}'`);
        }
        const r = ranges.get(tensor);
        if (r) {
          r.min = Math.min(r.min, min);
          r.max = Math.max(r.max, max);
        } else ranges.set(tensor, { min, max });
      },
    });
    outputs?.push(got);
  });
  for (const op of ops) {
    const cell = op.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM' ? op.inputs[LSTM_CELL_STATE] ?? -1 : -1;
    if (cell >= 0) ranges.set(cell, { min: -cellRangeOf(op), max: cellRangeOf(op) });
  }
  return ranges;
}

/** Where `extremes` writes: one array for every tensor, so the loop keeps doubles and allocates nothing. */
const scratch = new Float64Array(2);

/**
 * The smallest and largest value (NaN ignored; Infinity and -Infinity when there is none) into `into[0]`, `into[1]`.
 * One function for every tensor and sample, so it is compiled once and early rather than per calibration.
 */
function extremes(values: Float32Array, into: Float64Array): void {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  into[0] = min;
  into[1] = max;
}

/** How far a quantized model's outputs are from the float model's, per output, over the samples. */
export interface OutputError {
  /** The output tensor's name in the float model. */
  readonly name: string;
  /** Largest and mean absolute difference. */
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** The float outputs' range over the samples, to judge the errors against. */
  readonly floatMin: number;
  readonly floatMax: number;
  /** Share of samples whose arg-max agrees (outputs with more than one value per row), else null. */
  readonly top1: number | null;
}

/**
 * Runs the samples through the float model and the quantized one, the latter twice: with only weights and biases
 * quantized (`weights`) and with every quantized tensor rounded onto its grid (`int8`, simulated integer inference).
 * `floatOutputs` (from `calibrate`, one entry per sample) saves running the float model again.
 */
export function compareOutputs(float: Interpreter, quantized: Interpreter, samples: readonly Sample[], beforeSample?: SampleHook, floatOutputs?: readonly (readonly Float32Array[])[]): { weights: OutputError[]; int8: OutputError[] } {
  const fresh = () => float.outputs.map((t) => ({ name: t.name, depth: t.shape[t.shape.length - 1] ?? 1, maxAbs: 0, sumAbs: 0, count: 0, floatMin: Infinity, floatMax: -Infinity, agree: 0, rows: 0 }));
  const modes = [{ simulate: false, stats: fresh() }, { simulate: true, stats: fresh() }];
  samples.forEach((sample, n) => {
    beforeSample?.(n, samples.length);
    const want = floatOutputs?.[n] ?? float.run(sample, { simulateQuantization: false });
    for (const { simulate, stats } of modes) {
      const got = quantized.run(sample, { simulateQuantization: simulate });
      stats.forEach((s, k) => {
        const a = want[k]!;
        const b = got[k]!;
        for (let i = 0; i < a.length; i++) {
          const d = Math.abs(a[i]! - (b[i] ?? NaN));
          s.maxAbs = Math.max(s.maxAbs, d);
          s.sumAbs += d;
          s.floatMin = Math.min(s.floatMin, a[i]!);
          s.floatMax = Math.max(s.floatMax, a[i]!);
        }
        s.count += a.length;
        for (let base = 0; s.depth > 1 && base < a.length; base += s.depth) {
          s.rows++;
          if (argMax(a, base, s.depth) === argMax(b, base, s.depth)) s.agree++;
        }
      });
    }
  });
  const result = (stats: ReturnType<typeof fresh>): OutputError[] => stats.map((s) => ({
    name: s.name, maxAbs: s.maxAbs, meanAbs: s.sumAbs / Math.max(1, s.count), floatMin: s.floatMin, floatMax: s.floatMax,
    top1: s.rows > 0 ? s.agree / s.rows : null,
  }));
  return { weights: result(modes[0]!.stats), int8: result(modes[1]!.stats) };
}

function argMax(values: Float32Array, base: number, depth: number): number {
  let best = 0;
  for (let i = 1; i < depth; i++) if (values[base + i]! > values[base + best]!) best = i;
  return best;
}
