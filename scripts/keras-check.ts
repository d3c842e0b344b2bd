/**
 * Converts real Keras / TF.js layers models and checks each against TensorFlow.js: `tsx scripts/keras-check.ts
 * PATH[@owner/repo] ...` (a folder is searched for .h5, .keras and model.json files). Per model: layers, whether it
 * converted (else the ConvertError), the largest relative output error of our float interpreter on the converted
 * .tflite against tfjs running the same Keras config and weights (3 random inputs in [-1, 1]), TFLM's minimum arena of
 * the float model (reference kernels), and whether the int8 quantizer takes it (10 random samples) with its arena.
 * Models with a fused LSTM are compared at their whole outputs like any other (the float interpreter runs
 * UNIDIRECTIONAL_SEQUENCE_LSTM); the int8 column adds the simulated int8 model's largest error against float, relative
 * to the float output's largest magnitude.
 * Prints a Markdown table. Nothing is written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyzeModel } from '../server/src/analysis/report.js';
import { convertKeras, readKerasSource } from '../server/src/convert/keras/index.js';
import { buildGraph, type KNode } from '../server/src/convert/keras/graph.js';
import { WeightStore } from '../server/src/convert/keras/weights.js';
import { maxRelativeError } from '../server/src/convert/keras/check.js';
import type { ConvertSource, SourceFormat } from '../server/src/convert/types.js';
import { SeededRandom } from '../server/src/model/builder/index.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { Interpreter, quantizeModel, randomSamples } from '../server/src/quantize/index.js';

function findModels(path: string, out: string[] = []): string[] {
  if (statSync(path).isDirectory()) {
    for (const e of readdirSync(path).sort()) findModels(join(path, e), out);
  } else if (/\.(h5|keras)$/.test(path) || /model\.json$/.test(path)) out.push(path);
  return out;
}

function sourceOf(path: string): ConvertSource {
  const bytes = new Uint8Array(readFileSync(path));
  const format: SourceFormat = path.endsWith('.keras') ? 'keras' : path.endsWith('.h5') ? 'keras-h5' : 'tfjs-layers';
  const shards = new Map<string, Uint8Array>();
  if (format === 'tfjs-layers') {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { weightsManifest?: { paths: string[] }[] };
    for (const g of doc.weightsManifest ?? []) for (const p of g.paths) shards.set(p, new Uint8Array(readFileSync(join(dirname(path), p))));
  }
  return { format, name: path, bytes, shards };
}

/** tfjs running the same Keras config with the weights our reader found (leaf layers matched to graph nodes). */
async function referenceModel(source: ConvertSource): Promise<tf.LayersModel> {
  const keras = readKerasSource(source);
  const graph = buildGraph(keras.config);
  const store = new WeightStore(keras, graph.nodes);
  const byId = new Map<string, KNode>(graph.nodes.map((n) => [n.id, n]));
  const topology = toTfjsConfig(JSON.parse(JSON.stringify(keras.config))) as never;
  const model = await tf.models.modelFromJSON({ modelTopology: topology });
  const visit = (layers: tf.layers.Layer[], prefix: string[]): void => {
    for (const layer of layers) {
      const inner = (layer as Partial<tf.LayersModel>).layers;
      if (Array.isArray(inner)) {
        visit(inner, [...prefix, layer.name]);
        continue;
      }
      if (layer.weights.length === 0) continue;
      const node = byId.get([...prefix, layer.name].join('/'));
      if (!node) throw new Error(`no converted node for tfjs layer ${layer.name}`);
      const keys = layer.weights.map((w) => w.originalName.split('/').pop()!);
      const values = store.take(node, keys);
      layer.setWeights(values.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[])));
    }
  };
  visit(model.layers, []);
  return model;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras 2's spelling of a config for tfjs: Keras 3 fields renamed or dropped; regularizers and constraints (training only) dropped. */
function toTfjsConfig(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toTfjsConfig);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (/_(regularizer|constraint)$/.test(k) || k === 'module' || k === 'registered_name' || k === 'build_config' || k === 'compile_config') continue;
    if (k === 'dtype' && isObject(x)) out.dtype = isObject(x.config) ? x.config.name : 'float32';
    else if (k === 'batch_shape') out.batch_input_shape = x;
    else if (k === 'negative_slope' && v.alpha === undefined) out.alpha = x; // Keras 3 LeakyReLU
    else if (k === 'inbound_nodes' && Array.isArray(x) && x.some(isObject)) out.inbound_nodes = x.map((call) => keras2Call(call));
    else if ((k === 'input_layers' || k === 'output_layers') && Array.isArray(x) && typeof x[0] === 'string') out[k] = [x];
    else out[k] = toTfjsConfig(x);
  }
  return out;
}

/** A Keras 3 call (`{args, kwargs}`) as Keras 2's list of `[layer, node, tensor, kwargs]`. */
function keras2Call(call: unknown): unknown[] {
  const found: unknown[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x) && x.class_name === '__keras_tensor__' && isObject(x.config)) found.push([...(x.config.keras_history as unknown[]), {}]);
  };
  walk(isObject(call) ? call.args : call);
  return found;
}


async function checkOne(path: string, repo: string): Promise<string[]> {
  const source = sourceOf(path);
  const row = [relative(process.cwd(), path), repo];
  let converted;
  try {
    converted = convertKeras(source);
  } catch (e) {
    return [...row, '-', `no: ${(e as Error).message.slice(0, 160)}`, '-', '-', '-'];
  }
  const model = readTflite(converted.tflite);
  const graph = model.subgraphs[0]!;
  const layers = buildGraph(readKerasSource(source).config).nodes.length;
  row.push(String(layers), `yes (${graph.operators.length} ops)`);
  let err = 'n/a';
  try {
    const interp = new Interpreter(model);
    const ref = await referenceModel(source);
    const rng = new SeededRandom(5);
    let worst = 0;
    for (let r = 0; r < 3; r++) {
      const feeds = graph.inputs.map((i) => Float32Array.from({ length: graph.tensors[i]!.elementCount }, () => rng.uniform(-1, 1)));
      const xs = feeds.map((f, k) => tf.tensor(f, graph.tensors[graph.inputs[k]!]!.shape as number[]));
      const ys = ref.predict(xs.length === 1 ? xs[0]! : xs);
      const list = Array.isArray(ys) ? ys : [ys];
      const ours = interp.run(feeds);
      list.forEach((y, k) => { worst = Math.max(worst, maxRelativeError(ours[k]!, y.dataSync() as Float32Array)); });
      tf.dispose([...xs, ...list]);
    }
    ref.dispose();
    err = worst.toExponential(2);
  } catch (e) {
    if (err === 'n/a') err = `not compared: ${(e as Error).message.slice(0, 80)}`;
  }
  row.push(err);
  const floatArena = analyzeModel(model, 'tflm-reference');
  row.push(floatArena.status === 'ok' ? String(floatArena.memory.minArenaBytes) : `unsupported: ${floatArena.unsupportedOps.map((o) => o.op).join(',')}`);
  try {
    const samples = randomSamples(graph.inputs.map((i) => graph.tensors[i]!.shape), 10, -1, 1, 3);
    const q = quantizeModel(model, samples, 'int8');
    const a = analyzeModel(q.model, 'tflm-cmsis-nn');
    const rel = Math.max(...q.int8Error.map((e) => e.maxAbs / Math.max(1e-6, Math.abs(e.floatMin), Math.abs(e.floatMax))));
    row.push(a.status === 'ok' ? `yes (arena ${a.memory.minArenaBytes} B, CMSIS-NN; int8 vs float ${rel.toExponential(1)})` : `allocates: no (${a.unsupportedOps.map((o) => o.op).join(',')})`);
  } catch (e) {
    row.push(`no: ${(e as Error).message.slice(0, 100)}`);
  }
  return row;
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const rows: string[][] = [];
  for (const arg of process.argv.slice(2)) {
    const [path, repo = ''] = arg.split('@');
    for (const file of findModels(path!)) {
      rows.push(await checkOne(file, repo));
      console.error(rows[rows.length - 1]!.join(' | '));
    }
  }
  console.log('| model | source repo | layers | converted? | max rel error (float) | float arena B (TFLM ref) | int8 ok? |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.map((c) => c.replace(/\|/g, '/').replace(/\s+/g, ' ')).join(' | ')} |`);
}

void main();
