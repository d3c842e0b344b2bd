/**
 * TF.js layers models (model.json + weight shards) as a Keras model: `modelTopology` is a Keras config, the weights
 * manifest lists each weight (name, shape, dtype, optional quantization) in the order its bytes follow each other
 * through the group's shards. Synchronous and without tfjs: float32 weights are read as stored, uint8 / uint16
 * quantized ones dequantized (`q * scale + min`), float16 ones widened. Sizes are checked before anything is copied.
 */
import { ConvertError } from '../../convert/types.js';
import { halfToFloat } from '../builder/encode.js';
import { checkModelConfig } from './config.js';
import { DEFAULT_KERAS_LIMITS, type KerasModel, type KerasReadLimits, type KerasWeight } from './types.js';

interface WeightSpec {
  name?: unknown;
  shape?: unknown;
  dtype?: unknown;
  quantization?: { dtype?: unknown; scale?: unknown; min?: unknown };
}

const STORED: Readonly<Record<string, number>> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Reads a layers model.json text and its shards (by the paths the manifest gives). */
export function readTfjsLayers(text: string, shards: ReadonlyMap<string, Uint8Array>, name: string, limits: KerasReadLimits = DEFAULT_KERAS_LIMITS): KerasModel {
  let doc: { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown; convertedBy?: unknown; generatedBy?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    throw new ConvertError('malformed', name, `model.json is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.modelTopology !== 'object' || doc.modelTopology === null) {
    throw new ConvertError('malformed', `${name}:modelTopology`, 'is missing: not a TensorFlow.js model.json');
  }
  if (doc.format === 'graph-model' || Array.isArray((doc.modelTopology as { node?: unknown }).node)) {
    throw new ConvertError('unsupported-model', `${name}:format`, 'a TF.js graph model, not a layers model', 'the graph-model converter');
  }
  const topo = doc.modelTopology as { model_config?: unknown };
  const config = checkModelConfig(topo.model_config ?? topo, `${name}:modelTopology`, limits);
  const groups = Array.isArray(doc.weightsManifest) ? (doc.weightsManifest as unknown[]) : [];
  const weights: KerasWeight[] = [];
  let total = 0;
  groups.forEach((g, gi) => {
    const where = `${name}:weightsManifest[${gi}]`;
    const group = g as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new ConvertError('malformed', where, 'a weight group needs paths and weights lists');
    const parts = (group.paths as unknown[]).map((p, pi) => {
      const bytes = typeof p === 'string' ? shards.get(p) : undefined;
      if (!bytes) throw new ConvertError('malformed', `${where}.paths[${pi}]`, `weight shard ${JSON.stringify(p).slice(0, 120)} was not given`);
      return bytes;
    });
    const size = parts.reduce((n, p) => n + p.length, 0);
    if (size > limits.maxBytes) throw new ConvertError('limit', where, `the shards hold ${size.toLocaleString('en-US')} B, over the ${limits.maxBytes.toLocaleString('en-US')} B limit`);
    const data = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    let offset = 0;
    (group.weights as WeightSpec[]).forEach((w, wi) => {
      const wWhere = `${where}.weights[${wi}]`;
      const shape = Array.isArray(w?.shape) && w.shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? (w.shape as number[]) : null;
      if (!shape || typeof w.name !== 'string') throw new ConvertError('malformed', wWhere, 'a weight needs a name and a shape of non-negative integers');
      const count = shape.reduce((n, d) => n * d, 1);
      total += count;
      if (!Number.isSafeInteger(count) || total > limits.maxWeightElements) throw new ConvertError('limit', wWhere, `the weights exceed ${limits.maxWeightElements.toLocaleString('en-US')} values`);
      const stored = String(w.quantization?.dtype ?? w.dtype);
      const bytesEach = STORED[stored];
      if (bytesEach === undefined) throw new ConvertError('unsupported-model', wWhere, `weight type '${stored.slice(0, 40)}' is not float32, int32, uint8, uint16 or float16`);
      const need = count * bytesEach;
      if (offset + need > size) throw new ConvertError('bad-model', wWhere, `weight '${w.name.slice(0, 120)}' needs bytes ${offset}..${offset + need}, the group's shards hold ${size}`);
      const values = decodeWeight(data, offset, count, stored, w.quantization, wWhere);
      offset += need;
      weights.push({ path: w.name.split('/'), shape, data: values });
    });
  });
  const by = typeof doc.convertedBy === 'string' ? doc.convertedBy : typeof doc.generatedBy === 'string' ? doc.generatedBy : null;
  return { config, weights, weightNaming: 'names', producer: by ? by.slice(0, 80) : null };
}

function decodeWeight(data: Uint8Array, offset: number, count: number, stored: string, q: WeightSpec['quantization'], where: string): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset + offset, count * (STORED[stored] ?? 4));
  const out = new Float32Array(count);
  if (stored === 'float32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  else if (stored === 'int32') for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
  else if (stored === 'float16') for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else {
    const scale = Number(q?.scale);
    const min = Number(q?.min);
    if (!Number.isFinite(scale) || !Number.isFinite(min)) throw new ConvertError('malformed', where, `a ${stored}-quantized weight needs a finite scale and min`);
    for (let i = 0; i < count; i++) out[i] = (stored === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
  }
  return out;
}

