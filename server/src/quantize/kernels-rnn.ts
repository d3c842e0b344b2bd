/**
 * The interpreter's UNIDIRECTIONAL_SEQUENCE_LSTM and LOG_SOFTMAX.
 *
 * The LSTM is TFLite's (tensorflow/lite/micro/kernels/lstm_eval.h, no peephole, no projection, no layer norm, not
 * CIFG): per step, gates i, f, o = sigmoid(W x + b + R h) and g = tanh(W x + b + R h), c = f c + i g (clipped to
 * +/- cell_clip when it is > 0), h = o tanh(c), and the output at that step is h. The states are the op's variable
 * tensors, zero at the start of every run (what TFLM holds after AllocateTensors or ResetVariableTensors).
 *
 * For a quantized model (an INT16 cell state), the kernel steps on the grids TFLM's int8 kernel uses, in float: each
 * gate's two matrix products rounded to int16 at 2^-12 (Q3.12) and added with saturation, the gate outputs at 2^-15,
 * the cell state on its own power-of-two int16 grid and the hidden state on the output's int8 grid, since the
 * recurrent product reads the rounded hidden state. It does so in every run of a quantized model, also one that does
 * not round activations (compareOutputs' `weights` figure then includes the LSTM's internal rounding). TFLM's integer
 * sigmoid / tanh approximations are not replayed (a few units of 2^-15): on the rig, TFLM's int8 outputs equal this
 * simulation's or differ by one step (test/measured/int8_rig_outputs.tsv).
 */
import type { Operator } from '../model/ir.js';
import type { OpContext } from './ops-more.js';

type Exec = (v: readonly Float32Array[]) => void;

/** The ops this module compiles. */
export const RNN_OPS = ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'LOG_SOFTMAX'] as const;

/** TFLite's LSTM operand positions. */
export const LSTM_INPUT = 0;
/** Input-to-gate weights (1..4) and recurrent weights (5..8), biases (12..15): gates in the order i, f, c, o. */
export const LSTM_INPUT_WEIGHTS = [1, 2, 3, 4] as const;
export const LSTM_RECURRENT_WEIGHTS = [5, 6, 7, 8] as const;
export const LSTM_BIASES = [12, 13, 14, 15] as const;
export const LSTM_HIDDEN_STATE = 18;
export const LSTM_CELL_STATE = 19;
/** Operands the kernel does not implement: peepholes (9..11), projection (16, 17), layer-norm coefficients (20..23). */
const LSTM_REFUSED: Readonly<Record<number, string>> = {
  9: 'peephole weights', 10: 'peephole weights', 11: 'peephole weights', 16: 'a projection', 17: 'a projection bias',
  20: 'layer normalization', 21: 'layer normalization', 22: 'layer normalization', 23: 'layer normalization',
};

/** The gate pre-activations' grid in TFLM's int8 LSTM (Q3.12 int16) and the gate outputs' (Q0.15). */
const GATE_INPUT_SCALE = 2 ** -12;
const GATE_OUTPUT_SCALE = 2 ** -15;

/** The largest |cell state| each LSTM op saw since `resetCellRanges`, for the cell state's calibration. */
const cellMaxAbs = new WeakMap<Operator, { value: number }>();

/** Forgets what the LSTM ops of `ops` recorded (before a calibration). */
export function resetCellRanges(ops: readonly Operator[]): void {
  for (const op of ops) if (op.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM') cellMaxAbs.set(op, { value: 0 });
}

/** The largest |cell state| an LSTM op computed in the float runs since `resetCellRanges` (0 if none). */
export function cellRangeOf(op: Operator): number {
  return cellMaxAbs.get(op)?.value ?? 0;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const same = (v: number): number => v;

/** Compiles one of `RNN_OPS`; null for any other op. */
export function compileRnn(c: OpContext): Exec | null {
  if (c.op.opName === 'LOG_SOFTMAX') return logSoftmax(c);
  if (c.op.opName === 'UNIDIRECTIONAL_SEQUENCE_LSTM') return lstm(c);
  return null;
}

function logSoftmax(c: OpContext): Exec {
  const xt = c.tensor(0);
  if (xt.elementCount !== c.output.elementCount) throw c.fail(`output has ${c.output.elementCount} elements, the input ${xt.elementCount}`);
  const depth = xt.shape[xt.shape.length - 1] ?? 1;
  const [x, o] = [c.op.inputs[0]!, c.op.outputs[0]!];
  return (v) => {
    const [a, b] = [v[x]!, v[o]!];
    for (let base = 0; base < a.length; base += depth) {
      let max = -Infinity;
      for (let i = 0; i < depth; i++) max = Math.max(max, a[base + i]!);
      let sum = 0;
      for (let i = 0; i < depth; i++) sum += Math.exp(a[base + i]! - max);
      const log = Math.log(sum);
      for (let i = 0; i < depth; i++) b[base + i] = a[base + i]! - max - log;
    }
  };
}

/** Round half away from zero, then saturate to int16: what TFLM's requantization to an int16 gate buffer does. */
function toInt16(v: number): number {
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  return r < -32768 ? -32768 : r > 32767 ? 32767 : r;
}

/** The grids a quantized LSTM steps on, or null for a float one. */
interface Grids {
  readonly cellScale: number;
  readonly cellClip: number;
  readonly hiddenScale: number;
  readonly hiddenZero: number;
}

function lstm(c: OpContext): Exec {
  const { op, output } = c;
  for (const [k, what] of Object.entries(LSTM_REFUSED)) {
    if ((op.inputs[Number(k)] ?? -1) >= 0) throw c.unsupported(`${what} (input ${k}) is not supported (a plain LSTM: no peephole, projection or layer norm, as the converters emit)`);
  }
  if (op.inputs.length < 20) throw c.fail(`the op has ${op.inputs.length} inputs, TFLite's LSTM takes 24`);
  if ((op.inputs[1] ?? -1) < 0) throw c.unsupported('no input gate (CIFG) is not supported');
  const act = String(op.options.fusedActivationFunction ?? 'TANH');
  if (act !== 'TANH') throw c.unsupported(`activation ${act} is not supported (TANH, as TFLM's kernel computes)`);
  if (Number(op.options.projClip ?? 0) !== 0) throw c.unsupported('proj_clip without a projection');
  const cellClip = Number(op.options.cellClip ?? 0);
  const timeMajor = op.options.timeMajor === true;
  const xt = c.tensor(LSTM_INPUT);
  if (xt.shape.length !== 3) throw c.fail(`input '${xt.name}' must be 3-D, it is [${xt.shape.join(', ')}]`);
  const [d0, d1, features] = xt.shape as [number, number, number];
  const [steps, batch] = timeMajor ? [d0, d1] : [d1, d0];
  const bias = LSTM_BIASES.map((k, g) => c.constant(k, `gate ${g} bias`));
  const units = bias[0]!.length;
  const wi = LSTM_INPUT_WEIGHTS.map((k, g) => c.constant(k, `input weights of gate ${g}`));
  const wr = LSTM_RECURRENT_WEIGHTS.map((k, g) => c.constant(k, `recurrent weights of gate ${g}`));
  if (wi.some((w) => w.length !== units * features) || wr.some((w) => w.length !== units * units) || bias.some((b) => b.length !== units)) {
    throw c.fail(`weights or biases do not fit ${units} units of ${features} features`);
  }
  const hidden = c.tensor(LSTM_HIDDEN_STATE);
  const cell = c.tensor(LSTM_CELL_STATE);
  for (const s of [hidden, cell]) {
    if (!s.isVariable || s.elementCount !== batch * units) throw c.fail(`state '${s.name}' must be a variable of ${batch} x ${units} values`);
  }
  if (output.shape.join() !== [d0, d1, units].join()) throw c.fail(`output [${output.shape.join(', ')}] is not [${[d0, d1, units].join(', ')}]`);
  const grids = gridsOf(c, cellClip);
  if (!cellMaxAbs.has(op)) cellMaxAbs.set(op, { value: 0 });
  const [x, o] = [op.inputs[0]!, op.outputs[0]!];
  const pre = new Float64Array(4 * units);
  const h = new Float32Array(units);
  const cs = new Float32Array(units);
  return (v) => {
    const [input, out] = [v[x]!, v[o]!];
    let maxAbs = 0;
    for (let n = 0; n < batch; n++) {
      h.fill(0);
      cs.fill(0);
      for (let t = 0; t < steps; t++) {
        const xAt = timeMajor ? (t * batch + n) * features : (n * steps + t) * features;
        for (let g = 0; g < 4; g++) {
          const [w, r, b] = [wi[g]!, wr[g]!, bias[g]!];
          for (let u = 0; u < units; u++) {
            let s = b[u]!;
            for (let j = 0, row = u * features; j < features; j++) s += w[row + j]! * input[xAt + j]!;
            let rec = 0;
            for (let j = 0, row = u * units; j < units; j++) rec += r[row + j]! * h[j]!;
            pre[g * units + u] = grids ? GATE_INPUT_SCALE * toInt16(toInt16(s / GATE_INPUT_SCALE) + toInt16(rec / GATE_INPUT_SCALE)) : s + rec;
          }
        }
        const at = timeMajor ? (t * batch + n) * units : (n * steps + t) * units;
        for (let u = 0; u < units; u++) {
          const gate = grids ? onGateGrid : same;
          const i = gate(sigmoid(pre[u]!));
          const f = gate(sigmoid(pre[units + u]!));
          const g = gate(Math.tanh(pre[2 * units + u]!));
          const og = gate(sigmoid(pre[3 * units + u]!));
          let cu = grids ? onGrid(onGrid(f * cs[u]!, grids.cellScale) + onGrid(i * g, grids.cellScale), grids.cellScale) : f * cs[u]! + i * g;
          if (cellClip > 0) cu = Math.max(-cellClip, Math.min(cellClip, cu));
          cs[u] = cu;
          maxAbs = Math.max(maxAbs, Math.abs(cs[u]!));
          const hu = grids ? onHiddenGrid(onGateGrid(Math.tanh(cs[u]!)) * og, grids) : og * Math.tanh(cs[u]!);
          out[at + u] = hu;
        }
        h.set(out.subarray(at, at + units));
      }
    }
    cellMaxAbs.get(op)!.value = Math.max(cellMaxAbs.get(op)!.value, maxAbs);
  };
}

/** The quantized LSTM's grids from its state tensors, or null when the cell state is float. */
function gridsOf(c: OpContext, cellClip: number): Grids | null {
  const cell = c.tensor(LSTM_CELL_STATE);
  const hidden = c.tensor(LSTM_HIDDEN_STATE);
  if (cell.dtype === 'FLOAT32' && hidden.dtype === 'FLOAT32' && c.output.dtype === 'FLOAT32') return null;
  const cq = cell.quantization;
  const hq = hidden.quantization;
  if (cell.dtype !== 'INT16' || !cq || cq.scale.length !== 1 || hidden.dtype !== 'INT8' || !hq || hq.scale.length !== 1) {
    throw c.unsupported(`a quantized LSTM needs an INT16 cell state and an INT8 hidden state, per tensor (cell '${cell.name}' is ${cell.dtype}, hidden '${hidden.name}' ${hidden.dtype})`);
  }
  const cellScale = cq.scale[0]!;
  if (!(cellScale > 0) || Math.log2(cellScale) !== Math.round(Math.log2(cellScale))) throw c.unsupported(`the cell state's scale ${cellScale} is not a power of two (TFLM requires one)`);
  return { cellScale, cellClip, hiddenScale: hq.scale[0]!, hiddenZero: hq.zeroPoint[0] ?? 0 };
}

function onGrid(v: number, scale: number): number {
  return toInt16(v / scale) * scale;
}

function onGateGrid(v: number): number {
  return onGrid(v, GATE_OUTPUT_SCALE);
}

function onHiddenGrid(v: number, g: Grids): number {
  const r = v / g.hiddenScale;
  const q = Math.max(-128, Math.min(127, g.hiddenZero + (r < 0 ? -Math.round(-r) : Math.round(r))));
  return (q - g.hiddenZero) * g.hiddenScale;
}
