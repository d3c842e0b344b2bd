/**
 * Shared pieces of the measured models. The models were first written as three throw-away generator scripts and
 * measured on TFLM; these modules rebuild exactly those bytes (the test checks each model's sha256 against
 * tflm_measured.tsv), so any change here that alters a single byte invalidates the measured figures.
 */
import {
  activationQuantInt8, ModelBuilder, SeededRandom, type QuantSpec, type SubgraphBuilder, type TensorRef, type TensorSpec,
} from '../../../server/src/model/builder/index.js';

/** Seed of the random stream of the first batch of measured models (names `gen_*`). */
export const BATCH1_SEED = 7;
/** Seed of the random stream of the second batch (names `g2_*`). */
export const BATCH2_SEED = 11;

/** mulberry32's state advances by this constant per draw (server/src/model/builder/random.ts). */
const MULBERRY32_STEP = 0x6d2b79f5;

/**
 * The generator `seed` as it stood after `draws` draws. The original scripts drew every model's weights from one
 * stream per batch, in order, so a model's weights depend on how much the models before it consumed. Because
 * mulberry32's state after k draws is `seed + k * step (mod 2^32)`, each model can start its own generator at its
 * recorded offset and stays independent of the others (and of their order) while producing the same bytes.
 */
export function streamAt(seed: number, draws: number): SeededRandom {
  return new SeededRandom((seed + Math.imul(draws, MULBERRY32_STEP)) >>> 0);
}

/** Affine int8 quantization covering [lo, hi]. */
export const Q = (lo: number, hi: number): QuantSpec => activationQuantInt8(lo, hi);
/** Symmetric int16 quantization (zero point 0, as TFLM's int16 kernels require). */
export const Q16 = (scale: number): QuantSpec => ({ scale: [scale], zeroPoint: [0] });

export const F = (name: string, shape: number[]): TensorSpec => ({ name, shape, dtype: 'FLOAT32' });
export const I8 = (name: string, shape: number[], quant: QuantSpec): TensorSpec => ({ name, shape, dtype: 'INT8', quant });
export const I16 = (name: string, shape: number[], quant: QuantSpec): TensorSpec => ({ name, shape, dtype: 'INT16', quant });

/** An int32 constant (axes, shapes, paddings, indices); `shape` [] makes a scalar. */
export function i32(g: SubgraphBuilder, name: string, data: number[], shape = [data.length]): TensorRef {
  return g.constant({ name, shape, dtype: 'INT32', data });
}

/** A one-subgraph model whose outputs are what `build` returns. */
export function oneSubgraph(build: (g: SubgraphBuilder) => TensorRef[]): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  g.output(...build(g));
  return m.finish();
}
