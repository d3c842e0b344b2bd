/**
 * Keras sources for the converter: `.keras` zips (config.json + metadata.json, with or without a weights entry)
 * whose configs are small Sequential / Functional models of weightless layers (which convert in full without an
 * HDF5 writer) with hostile values (sizes, axes, paddings, nesting, inbound references, class names), zips whose
 * entries declare huge inflated sizes (bombs), unknown compression or damaged bytes, and legacy `.h5` bytes (the
 * HDF5 signature, then damaged structure). Each must end in a converted model or a ConvertError.
 */
import { strToU8, zipSync } from 'fflate';
import { mutateBytes } from './mutate.js';
import type { Rng } from './rng.js';

export interface KerasCase {
  readonly format: 'keras' | 'keras-h5';
  readonly bytes: Uint8Array;
  readonly tags: readonly string[];
}

const WEIGHTLESS = ['Flatten', 'ReLU', 'Activation', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'ZeroPadding2D', 'UpSampling2D', 'Permute', 'Reshape', 'Dropout', 'Softmax', 'LeakyReLU', 'Rescaling', 'Conv2D', 'Dense', 'Lambda', 'BatchNormalization'];

function layerConfig(rng: Rng, cls: string, name: string, hostile: number): Record<string, unknown> {
  const v = (ok: unknown): unknown => (rng.chance(hostile) ? rng.pick([rng.edgeInt(), null, 'x', [rng.edgeInt(), rng.edgeInt()], -1, 1e9, [[rng.edgeInt(), 1], [1, 1]]]) : ok);
  const c: Record<string, unknown> = { name, trainable: true };
  switch (cls) {
    case 'Activation': c.activation = rng.pick(['relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'swish', 'elu', 'hard_swish', 'linear', v('relu')]); break;
    case 'MaxPooling2D': case 'AveragePooling2D': c.pool_size = v([2, 2]); c.strides = v(null); c.padding = rng.pick(['same', 'valid', v('same')]); break;
    case 'ZeroPadding2D': c.padding = v([[1, 1], [0, 2]]); break;
    case 'UpSampling2D': c.size = v([2, 2]); c.interpolation = rng.pick(['nearest', 'bilinear']); break;
    case 'Permute': c.dims = v([2, 1, 3]); break;
    case 'Reshape': c.target_shape = v([-1]); break;
    case 'ReLU': c.max_value = rng.pick([null, 6, v(1)]); c.negative_slope = rng.pick([0, 0.1, v(0)]); break;
    case 'Softmax': c.axis = v(-1); break;
    case 'Rescaling': c.scale = v(1 / 255); c.offset = v(0); break;
    case 'Conv2D': c.filters = v(2); c.kernel_size = v([3, 3]); c.groups = v(1); c.data_format = rng.pick(['channels_last', 'channels_first']); break;
    case 'Dense': c.units = v(4); break;
    default: break;
  }
  return c;
}

/** A Keras config of `n` layers: Sequential, or Functional with (possibly dangling or cyclic) inbound references. */
function modelConfig(rng: Rng, hostile: number, depth = 0): Record<string, unknown> {
  const n = rng.int(1, 6);
  const shape = [null, ...Array.from({ length: rng.pick([1, 2, 3]) }, () => (rng.chance(hostile) ? rng.pick([0, null, 1 << 20, -1]) : rng.int(1, 12)))];
  const names = Array.from({ length: n }, (_, i) => `l${i}`);
  const functional = rng.chance(0.5);
  const layers: Record<string, unknown>[] = [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: shape }, inbound_nodes: [] }];
  names.forEach((name, i) => {
    if (depth < 3 && rng.chance(0.1 + hostile * 0.2)) {
      layers.push({ ...modelConfig(rng, hostile, depth + 1), config: { ...(modelConfig(rng, hostile, depth + 1).config as object), name } });
      return;
    }
    const cls = rng.chance(hostile * 0.2) ? rng.pick(['LSTM', 'Nope', '', 'Sequential']) : rng.pick(WEIGHTLESS);
    const from = rng.chance(hostile * 0.3) ? rng.pick(['missing', name, names[n - 1]!]) : i === 0 ? 'in' : names[i - 1]!;
    const inbound = rng.chance(0.5) ? [[[from, 0, 0, {}]]] : [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: [from, 0, rng.chance(hostile * 0.1) ? 1 : 0] } }], kwargs: {} }];
    layers.push({ class_name: cls, config: layerConfig(rng, cls, name, hostile), ...(functional ? { inbound_nodes: inbound } : {}) });
  });
  const config: Record<string, unknown> = { name: `m${depth}`, layers };
  if (functional) {
    config.input_layers = [['in', 0, 0]];
    config.output_layers = rng.chance(hostile * 0.2) ? [['missing', 0, 0]] : [[names[n - 1]!, 0, 0]];
  }
  return { class_name: functional ? 'Functional' : 'Sequential', config };
}

function hdf5Bytes(rng: Rng): Uint8Array {
  const bytes = new Uint8Array(rng.int(8, 2048));
  bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 8; i < bytes.length; i++) bytes[i] = rng.chance(0.7) ? 0 : rng.int(0, 255);
  // Superblock version 0 with 8-byte offsets and lengths, as h5py writes it, so jsfive gets past the first fields.
  if (bytes.length > 24 && rng.chance(0.7)) bytes.set([0, 0, 0, 0, 0, 8, 8, 0, 4, 0, 16, 0], 8);
  return bytes;
}

/** Rewrites the central directory's declared inflated size of the first entry (a zip bomb's claim). */
function claimSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  for (let i = out.length - 22; i >= 0; i--) {
    if (out[i] === 0x50 && out[i + 1] === 0x4b && out[i + 2] === 0x01 && out[i + 3] === 0x02) {
      new DataView(out.buffer).setUint32(i + 24, size >>> 0, true);
      break;
    }
  }
  return out;
}

export function genKeras(rng: Rng, hostility: number): KerasCase {
  if (rng.chance(0.2)) return { format: 'keras-h5', bytes: hdf5Bytes(rng), tags: ['keras-h5'] };
  const config = modelConfig(rng, hostility);
  const text = rng.chance(hostility * 0.1) ? JSON.stringify(config).slice(0, rng.int(0, 200)) : JSON.stringify(config);
  const files: Record<string, Uint8Array> = { 'config.json': strToU8(text), 'metadata.json': strToU8('{"keras_version": "3.4.1"}') };
  const tags = ['keras'];
  if (rng.chance(0.2)) {
    files['model.weights.h5'] = hdf5Bytes(rng);
    tags.push('keras-weights');
  }
  let zip: Uint8Array = zipSync(files, { level: rng.pick([0, 6]) as 0 | 6 });
  if (rng.chance(0.15)) {
    zip = claimSize(zip, rng.pick([0xffffffff, 1 << 30, 0, 1]));
    tags.push('keras-bomb');
  }
  if (rng.chance(hostility * 0.5)) {
    zip = mutateBytes(rng, zip, hdf5Bytes(rng));
    tags.push('mutated');
  }
  return { format: 'keras', bytes: zip, tags };
}
