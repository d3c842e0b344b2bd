/**
 * Fits the bundled sine example (1 -> 16 ReLU -> 16 ReLU -> 1, like TFLM's hello_world) to y = sin(x) on [0, 2pi]:
 * plain full-batch gradient descent with Adam, seeded initial weights and a fixed grid of points, so the same seed
 * always gives the same weights (IEEE arithmetic only; Math.sin is used for the targets, which V8 computes the same
 * way on every platform). Used once per seed by buildSineFloat and cached.
 */
import { SeededRandom } from './random.js';

/** One dense layer: weights [units][inputs] row-major (TFLite's FULLY_CONNECTED layout) and biases. */
export interface DenseLayer {
  readonly units: number;
  readonly inputs: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** The fitted layers and the mean squared error on the training grid. */
export interface SineFit {
  readonly layers: readonly DenseLayer[];
  readonly mse: number;
}

const UNITS = [1, 16, 16, 1] as const;
const POINTS = 32;
const STEPS = 1000;
const LEARNING_RATE = 0.02;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

interface Param {
  readonly value: Float64Array;
  readonly grad: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

const param = (values: ArrayLike<number>): Param => {
  const n = values.length;
  return { value: Float64Array.from(values), grad: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
};

/** Fits the network for `seed` (He-style uniform initial weights from the seeded generator, zero biases). */
export function fitSine(seed: number): SineFit {
  const rng = new SeededRandom(seed);
  const w: Param[] = [];
  const b: Param[] = [];
  for (let l = 1; l < UNITS.length; l++) {
    const fanIn = UNITS[l - 1]!;
    const limit = Math.sqrt(6 / fanIn);
    const weights = Array.from({ length: UNITS[l]! * fanIn }, () => rng.uniform(-limit, limit));
    w.push(param(weights));
    // First layer: each unit's kink at a random point of [0, 2pi], so no unit starts dead on the whole (positive)
    // input range; the others start slightly open.
    b.push(param(Array.from({ length: UNITS[l]! }, (_, j) => (l === 1 ? -weights[j]! * rng.uniform(0, 2 * Math.PI) : 0.1))));
  }
  const xs = Array.from({ length: POINTS }, (_, i) => (2 * Math.PI * (i + 0.5)) / POINTS);
  const ys = xs.map((x) => Math.sin(x));
  const layers = UNITS.length - 1;
  // activations[l][p * units + j]; layer 0 is the input
  const acts = UNITS.map((u) => new Float64Array(POINTS * u));
  const deltas = UNITS.map((u) => new Float64Array(POINTS * u));

  const forward = (): number => {
    for (let p = 0; p < POINTS; p++) acts[0]![p] = xs[p]!;
    for (let l = 0; l < layers; l++) {
      const nin = UNITS[l]!;
      const nout = UNITS[l + 1]!;
      const relu = l < layers - 1;
      for (let p = 0; p < POINTS; p++) {
        for (let j = 0; j < nout; j++) {
          let s = b[l]!.value[j]!;
          for (let i = 0; i < nin; i++) s += w[l]!.value[j * nin + i]! * acts[l]![p * nin + i]!;
          acts[l + 1]![p * nout + j] = relu && s < 0 ? 0 : s;
        }
      }
    }
    let loss = 0;
    for (let p = 0; p < POINTS; p++) loss += (acts[layers]![p]! - ys[p]!) ** 2;
    return loss / POINTS;
  };

  // BETA^step as running products (multiplication only, so no platform's pow can differ)
  let beta1Power = 1;
  let beta2Power = 1;
  for (let step = 1; step <= STEPS; step++) {
    forward();
    for (let p = 0; p < POINTS; p++) deltas[layers]![p] = (2 * (acts[layers]![p]! - ys[p]!)) / POINTS;
    for (let l = layers - 1; l >= 0; l--) {
      const nin = UNITS[l]!;
      const nout = UNITS[l + 1]!;
      w[l]!.grad.fill(0);
      b[l]!.grad.fill(0);
      deltas[l]!.fill(0);
      for (let p = 0; p < POINTS; p++) {
        for (let j = 0; j < nout; j++) {
          const d = deltas[l + 1]![p * nout + j]!;
          if (d === 0) continue;
          b[l]!.grad[j]! += d;
          for (let i = 0; i < nin; i++) {
            w[l]!.grad[j * nin + i]! += d * acts[l]![p * nin + i]!;
            // ReLU of the layer below: its output was clamped where it is 0
            if (l > 0 && acts[l]![p * nin + i]! > 0) deltas[l]![p * nin + i]! += d * w[l]!.value[j * nin + i]!;
          }
        }
      }
    }
    beta1Power *= BETA1;
    beta2Power *= BETA2;
    const correction1 = 1 - beta1Power;
    const correction2 = 1 - beta2Power;
    for (const q of [...w, ...b]) {
      for (let k = 0; k < q.value.length; k++) {
        const g = q.grad[k]!;
        q.m[k] = BETA1 * q.m[k]! + (1 - BETA1) * g;
        q.v[k] = BETA2 * q.v[k]! + (1 - BETA2) * g * g;
        q.value[k]! -= (LEARNING_RATE * (q.m[k]! / correction1)) / (Math.sqrt(q.v[k]! / correction2) + EPSILON);
      }
    }
  }
  const mse = forward();
  return {
    layers: w.map((q, l) => ({ units: UNITS[l + 1]!, inputs: UNITS[l]!, weights: Float32Array.from(q.value), bias: Float32Array.from(b[l]!.value) })),
    mse,
  };
}
