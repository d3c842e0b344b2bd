/**
 * Keras models for the converter's tests, built and run by @tensorflow/tfjs (CPU backend) and saved as a TF.js layers
 * model (model.json + one shard) through an in-memory save handler; `compareWithTfjs` runs the converted .tflite in the
 * float interpreter on the same random inputs and returns the largest relative error over the outputs.
 */
import * as tf from '@tensorflow/tfjs';
import { maxRelativeError } from '../../../server/src/convert/keras/check.js';
import { convertKeras } from '../../../server/src/convert/keras/index.js';
import type { ConvertedModel, ConvertOptions } from '../../../server/src/convert/types.js';
import { SeededRandom } from '../../../server/src/model/builder/index.js';
import { readTflite } from '../../../server/src/model/tflite/reader.js';
import { Interpreter } from '../../../server/src/quantize/index.js';

export async function tfjsReady(): Promise<typeof tf> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  return tf;
}

/** model.json bytes and shards of a tfjs model (not disposed). */
export async function saveLayers(m: tf.LayersModel): Promise<{ bytes: Uint8Array; shards: Map<string, Uint8Array> }> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const json = JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }] });
  return { bytes: new TextEncoder().encode(json), shards: new Map([['w.bin', new Uint8Array(a.weightData as ArrayBuffer)]]) };
}

/** A small TF.js layers MLP (6 -> Dense 5 relu -> Dense 2, seeded weights) as saved: model.json bytes and its shard `w.bin`. */
export async function savedMlp(seed = 7): Promise<{ bytes: Uint8Array; shards: Map<string, Uint8Array> }> {
  await tfjsReady();
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', name: 'hidden' }));
  m.add(tf.layers.dense({ units: 2, name: 'out' }));
  randomizeWeights(m, seed);
  const saved = await saveLayers(m);
  m.dispose();
  return saved;
}

/** Sets every weight of `m` to seeded random values (so BatchNormalization statistics are not the identity). */
export function randomizeWeights(m: tf.LayersModel, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const layer of m.layers) {
    const ws = layer.getWeights();
    layer.setWeights(ws.map((w, i) => {
      const name = layer.weights[i]?.name ?? '';
      const values = Float32Array.from({ length: w.size }, () => (/variance/.test(name) ? rng.uniform(0.5, 1.5) : rng.uniform(-1, 1)));
      return tf.tensor(values, w.shape);
    }));
  }
}

export interface Comparison {
  readonly converted: ConvertedModel;
  readonly maxRelError: number;
  readonly ops: readonly string[];
}

/** The converter's acceptance measure (re-exported for the tests). */
export { maxRelativeError as relError } from '../../../server/src/convert/keras/check.js';

/** Converts `m` (saved as a TF.js layers model) and compares it with tfjs on `runs` random inputs. */
export async function compareWithTfjs(m: tf.LayersModel, seed = 1, runs = 2, options: ConvertOptions = {}): Promise<Comparison> {
  const { bytes, shards } = await saveLayers(m);
  const converted = convertKeras({ format: 'tfjs-layers', name: 'model.json', bytes, shards }, options);
  const model = readTflite(converted.tflite);
  const interp = new Interpreter(model);
  const graph = model.subgraphs[0]!;
  const rng = new SeededRandom(seed);
  let worst = 0;
  for (let r = 0; r < runs; r++) {
    const feeds = graph.inputs.map((i) => Float32Array.from({ length: graph.tensors[i]!.elementCount }, () => rng.uniform(-1, 1)));
    const xs = feeds.map((f, k) => tf.tensor(f, graph.tensors[graph.inputs[k]!]!.shape as number[]));
    const ys = m.predict(xs.length === 1 ? xs[0]! : xs);
    const list = Array.isArray(ys) ? ys : [ys];
    const ours = interp.run(feeds);
    list.forEach((y, k) => { worst = Math.max(worst, maxRelativeError(ours[k]!, y.dataSync() as Float32Array)); });
    tf.dispose([...xs, ...list]);
  }
  return { converted, maxRelError: worst, ops: graph.operators.map((o) => o.opName) };
}
