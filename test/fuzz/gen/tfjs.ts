/**
 * TF.js model.json files: layers models (Sequential Dense / Conv2D / pooling / reshape stacks) and graph models
 * (Placeholder, Const, MatMul, Fill, Reshape, ...), with random shapes, weights manifests whose shards are right,
 * short, long or missing, and shard paths that try to leave the model's folder.
 */
import type { Rng } from './rng.js';

export interface TfjsCase {
  readonly json: string;
  /** Shard path (as the manifest names it) -> bytes; a path not in the map cannot be read. */
  readonly shards: ReadonlyMap<string, Uint8Array>;
  readonly tags: readonly string[];
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, int8: 1, float16: 2 };

function dim(rng: Rng, tags: Set<string>, hostility: number, hi = 16): number {
  if (rng.chance(hostility * 0.08)) {
    tags.add('tfjs-limit-shape');
    return rng.pick([0, -1, -5, 2 ** 31 - 1, 1e5, 65536, 1.5]);
  }
  return rng.int(1, hi);
}

interface Weight { name: string; shape: number[]; dtype: string }

/** A weights manifest for `weights`: one shard sized right, or short, long, missing, or at a hostile path. */
function manifest(rng: Rng, weights: readonly Weight[], tags: Set<string>, hostility: number): { manifest: unknown[]; shards: Map<string, Uint8Array> } {
  const need = weights.reduce((n, w) => n + (DTYPE_BYTES[w.dtype] ?? 4) * w.shape.reduce((a, d) => a * Math.max(d, 0), 1), 0);
  let path = 'group1-shard1of1.bin';
  let size = Number.isSafeInteger(need) && need <= 1 << 20 ? need : 12;
  if (!Number.isSafeInteger(need) || need > 1 << 20) tags.add('tfjs-huge-weights');
  if (rng.chance(hostility * 0.3)) {
    tags.add('tfjs-shard');
    size = rng.pick([0, Math.max(0, size - 1), size + 7, 12]);
    if (rng.chance(0.3)) path = rng.pick(['../../../../dev/zero', '/etc/passwd', 'missing.bin', 'a/../../b.bin']);
  }
  const shards = new Map<string, Uint8Array>();
  if (path !== 'missing.bin') shards.set(path, new Uint8Array(Math.min(size, 1 << 20)).map((_, i) => (i * 37) & 0xff));
  return { manifest: [{ paths: [path], weights }], shards };
}

function layersModel(rng: Rng, tags: Set<string>, hostility: number): TfjsCase {
  const layers: unknown[] = [];
  const weights: Weight[] = [];
  const image = rng.chance(0.5);
  let shape: number[] = image ? [dim(rng, tags, hostility), dim(rng, tags, hostility), dim(rng, tags, hostility, 4)] : [dim(rng, tags, hostility, 64)];
  const count = rng.int(1, 5);
  for (let i = 0; i < count; i++) {
    const name = `l${i}`;
    const first = i === 0 ? { batch_input_shape: [null, ...shape] } : {};
    const kind = shape.length === 3 ? rng.pick(['Conv2D', 'MaxPooling2D', 'Flatten', 'Reshape']) : rng.pick(['Dense', 'Dense', 'Activation', 'Dropout', 'RepeatVector', 'Reshape']);
    if (kind === 'Dense') {
      const units = dim(rng, tags, hostility, 32);
      layers.push({ class_name: 'Dense', config: { name, units, activation: 'relu', use_bias: true, ...first } });
      weights.push({ name: `${name}/kernel`, shape: [shape[shape.length - 1] ?? 1, units], dtype: 'float32' }, { name: `${name}/bias`, shape: [units], dtype: 'float32' });
      shape = [...shape.slice(0, -1), units];
    } else if (kind === 'Conv2D') {
      const filters = dim(rng, tags, hostility, 8);
      const k = rng.int(1, 3);
      layers.push({ class_name: 'Conv2D', config: { name, filters, kernel_size: [k, k], strides: [1, 1], padding: 'same', activation: 'relu', use_bias: true, ...first } });
      weights.push({ name: `${name}/kernel`, shape: [k, k, shape[2] ?? 1, filters], dtype: 'float32' }, { name: `${name}/bias`, shape: [filters], dtype: 'float32' });
      shape = [shape[0] ?? 1, shape[1] ?? 1, filters];
    } else if (kind === 'MaxPooling2D') {
      layers.push({ class_name: 'MaxPooling2D', config: { name, pool_size: [2, 2], padding: 'same', ...first } });
      shape = [Math.ceil((shape[0] ?? 1) / 2), Math.ceil((shape[1] ?? 1) / 2), shape[2] ?? 1];
    } else if (kind === 'Flatten') {
      layers.push({ class_name: 'Flatten', config: { name, ...first } });
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else if (kind === 'Reshape') {
      const target = rng.chance(hostility) ? [dim(rng, tags, 1), dim(rng, tags, 1)] : [shape.reduce((a, b) => a * b, 1)];
      layers.push({ class_name: 'Reshape', config: { name, target_shape: target, ...first } });
      shape = target;
    } else if (kind === 'RepeatVector') {
      const n = dim(rng, tags, hostility, 8);
      layers.push({ class_name: 'RepeatVector', config: { name, n, ...first } });
      shape = [n, ...shape];
      break;
    } else {
      layers.push({ class_name: kind, config: { name, ...(kind === 'Dropout' ? { rate: 0.5 } : { activation: 'softmax' }), ...first } });
    }
  }
  const { manifest: wm, shards } = manifest(rng, weights, tags, hostility);
  const json = JSON.stringify({
    format: 'layers-model', generatedBy: 'fuzz',
    modelTopology: { class_name: 'Sequential', config: { name: 'seq', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: wm,
  });
  return { json, shards, tags: [...tags].sort() };
}

const dims = (shape: readonly number[]): { dim: { size: string }[] } => ({ dim: shape.map((d) => ({ size: String(d) })) });

function graphModel(rng: Rng, tags: Set<string>, hostility: number): TfjsCase {
  const width = dim(rng, tags, hostility, 32);
  const nodes: unknown[] = [{ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, width]) } } }];
  const weights: Weight[] = [];
  /** Int32 constants' values by weight name: Fill's dims, Reshape's shape. */
  const ints = new Map<string, number[]>();
  const konst = (name: string, shape: number[], dtype = 'float32'): void => {
    nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' }, value: { tensor: { dtype: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT', tensorShape: dims(shape) } } } });
    weights.push({ name, shape, dtype });
  };
  let cur = 'x';
  const count = rng.int(1, 5);
  for (let i = 0; i < count; i++) {
    const name = `n${i}`;
    const op = rng.pick(['MatMul', 'Relu', 'Erf', 'Fill', 'Reshape', 'AddV2', 'Softmax', 'Unknown']);
    const attr = { T: { type: 'DT_FLOAT' } };
    if (op === 'MatMul') {
      const units = dim(rng, tags, hostility, 16);
      konst(`${name}_w`, [width, units]);
      nodes.push({ name, op, input: [cur, `${name}_w`], attr: { ...attr, transpose_a: { b: false }, transpose_b: { b: false } } });
    } else if (op === 'Fill') {
      // Fill's shape is data: a 12-byte shard can ask for a tensor of billions of elements.
      tags.add('tfjs-fill');
      const shape = [dim(rng, tags, hostility * 3, 8), dim(rng, tags, hostility * 3, 8)];
      konst(`${name}_dims`, [2], 'int32');
      nodes.push({ name: `${name}_v`, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims([]) } } } });
      weights.push({ name: `${name}_v`, shape: [], dtype: 'float32' });
      nodes.push({ name, op, input: [`${name}_dims`, `${name}_v`], attr: { ...attr, index_type: { type: 'DT_INT32' } } });
      ints.set(`${name}_dims`, shape);
    } else if (op === 'Reshape') {
      konst(`${name}_s`, [2], 'int32');
      ints.set(`${name}_s`, [1, -1]);
      nodes.push({ name, op, input: [cur, `${name}_s`], attr: { ...attr, Tshape: { type: 'DT_INT32' } } });
    } else if (op === 'AddV2') {
      nodes.push({ name, op, input: [cur, cur], attr });
    } else {
      nodes.push({ name, op, input: [cur], attr });
    }
    cur = name;
  }
  const { manifest: wm, shards } = manifest(rng, weights, tags, hostility);
  // Int32 constants hold the generated shapes (when the shard is the right size), so Fill and Reshape see them.
  const shard = shards.get('group1-shard1of1.bin');
  if (shard) {
    const view = new DataView(shard.buffer);
    let at = 0;
    for (const w of weights) {
      const values = ints.get(w.name);
      if (values && at + 8 <= shard.length) values.forEach((v, k) => view.setInt32(at + 4 * k, v, true));
      at += w.shape.reduce((a, d) => a * Math.max(d, 0), 1) * (DTYPE_BYTES[w.dtype] ?? 4);
    }
  }
  const json = JSON.stringify({ format: 'graph-model', generatedBy: 'fuzz', modelTopology: { node: nodes, versions: { producer: 1 } }, weightsManifest: wm });
  return { json, shards, tags: [...tags].sort() };
}

/** A random TF.js model; byte-level damage to its JSON text now and then. */
export function genTfjs(rng: Rng, hostility = 0.3): TfjsCase {
  const tags = new Set<string>();
  const c = rng.chance(0.5) ? layersModel(rng, tags, hostility) : graphModel(rng, tags, hostility);
  if (!rng.chance(hostility * 0.2)) return c;
  const text = c.json.split('');
  for (let i = rng.int(1, 4); i > 0; i--) text[rng.int(0, text.length - 1)] = rng.pick(['"', '{', ']', '9', '-', ',', '']);
  return { json: text.join(''), shards: c.shards, tags: [...c.tags, 'tfjs-json-mutated'].sort() };
}
