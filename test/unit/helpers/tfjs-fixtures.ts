/**
 * Small TF.js models for tests, generated on the fly: a layers model saved by @tensorflow/tfjs itself (model.json +
 * one weight shard), and a hand-written graph model (the converter is Python-only) with a MatMul, a BiasAdd, a Relu
 * and an Erf (which has no TFLite builtin).
 */
import * as tf from '@tensorflow/tfjs';

export interface TfjsFiles {
  /** model.json text. */
  readonly json: string;
  /** Shard path (as in the weights manifest) -> bytes. */
  readonly shards: ReadonlyMap<string, Uint8Array>;
}

/** Conv2D(relu) 8x8x1 -> MaxPooling2D -> ThresholdedReLU (no TFLite lowering) -> Flatten -> Dense(softmax). */
export async function layersModelFiles(): Promise<TfjsFiles> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ name: 'conv', inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }));
  m.add(tf.layers.thresholdedReLU({ name: 'thresh' }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ name: 'dense', units: 3, activation: 'softmax' }));
  return savedFiles(m, 'group1-shard1of1.bin');
}

/** A layers model as tfjs saves it: model.json text (one weights group) and its single shard; disposes the model. */
async function savedFiles(m: tf.LayersModel, shard: string): Promise<TfjsFiles> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  m.dispose();
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const json = JSON.stringify({
    format: 'layers-model',
    generatedBy: 'tinyml-lens tests',
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [shard], weights: a.weightSpecs }],
  }, null, 1);
  return { json, shards: new Map([[shard, new Uint8Array(a.weightData as ArrayBuffer)]]) };
}

const dims = (shape: number[]): { dim: { size: string }[] } => ({ dim: shape.map((d) => ({ size: String(d) })) });

/** x[?,4] -> MatMul(w[4,3]) -> BiasAdd(b[3]) -> Relu -> Erf. */
export function graphModelFiles(): TfjsFiles {
  const constNode = (name: string, shape: number[]) => ({ name, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(shape) } } } });
  const node = (name: string, op: string, input: string[], attr: Record<string, unknown> = {}) => ({ name, op, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
  const json = JSON.stringify({
    format: 'graph-model',
    generatedBy: 'tinyml-lens tests',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 4]) } } },
        constNode('w', [4, 3]),
        constNode('b', [3]),
        node('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }),
        node('bias', 'BiasAdd', ['mm', 'b']),
        node('relu', 'Relu', ['bias']),
        node('erf', 'Erf', ['relu']),
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [4, 3], dtype: 'float32' }, { name: 'b', shape: [3], dtype: 'float32' }] }],
  }, null, 1);
  const values = new Float32Array(15).map((_, i) => i / 10);
  return { json, shards: new Map([['weights.bin', new Uint8Array(values.buffer)]]) };
}

/**
 * A model shaped like Teachable Machine's image models: a Sequential whose layers are two models, a Sequential base
 * (Conv2D, MaxPooling2D, Flatten) and a Sequential head (Dense softmax).
 */
export async function nestedModelFiles(): Promise<TfjsFiles> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const base = tf.sequential({ name: 'base', layers: [
    tf.layers.conv2d({ name: 'conv', inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
    tf.layers.flatten({ name: 'flat' }),
  ] });
  const head = tf.sequential({ name: 'head', layers: [tf.layers.dense({ name: 'dense', inputShape: [36], units: 3, activation: 'softmax' })] });
  return savedFiles(tf.sequential({ name: 'outer', layers: [base, head] }), 'w.bin');
}

/** x[?,3] int64 -> Cast(SrcT, DstT) -> Relu: a graph model whose Cast reads `from`. */
export function castGraphFiles(from: string, to = 'DT_FLOAT'): TfjsFiles {
  const json = JSON.stringify({
    format: 'graph-model',
    generatedBy: 'tinyml-lens tests',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: from }, shape: { shape: dims([-1, 3]) } } },
        { name: 'cast', op: 'Cast', input: ['x'], attr: { SrcT: { type: from }, DstT: { type: to }, Truncate: { b: false } } },
        { name: 'relu', op: 'Relu', input: ['cast'], attr: { T: { type: to } } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [],
  }, null, 1);
  return { json, shards: new Map() };
}
