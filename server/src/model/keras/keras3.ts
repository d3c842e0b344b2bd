/**
 * Keras 3 `.keras` files: a zip of `config.json` (the model config), `metadata.json` (Keras version) and
 * `model.weights.h5` (weights as `layers/<layer>/vars/<i>`, nested models' layers under their own `layers/`).
 * Each entry's declared inflated size is checked against the cap before it is inflated (fflate then writes into a
 * buffer of exactly that size), so a zip bomb is refused rather than expanded; only the three entries are inflated.
 */
import { unzipSync } from 'fflate';
import { ConvertError } from '../../convert/types.js';
import { Hdf5Reader } from './hdf5.js';
import { parseModelConfig } from './config.js';
import { decodeUtf8 } from '../tflite/utf8.js';
import { DEFAULT_KERAS_LIMITS, type KerasModel, type KerasReadLimits } from './types.js';

const WANTED = new Set(['config.json', 'metadata.json', 'model.weights.h5']);

/** True when `bytes` start like a zip (local file header). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The entries a .keras file needs, inflated within `limits.maxBytes` in total. */
export function unzipKeras(bytes: Uint8Array, name: string, limits: KerasReadLimits): Map<string, Uint8Array> {
  if (bytes.length > limits.maxBytes) throw new ConvertError('limit', name, `the file is ${bytes.length.toLocaleString('en-US')} B, over the ${limits.maxBytes.toLocaleString('en-US')} B limit`);
  if (!isZip(bytes)) throw new ConvertError('malformed', `${name}@0`, 'not a zip file (a .keras model is a zip)');
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!WANTED.has(f.name)) return false;
        declared += f.originalSize;
        if (f.originalSize > limits.maxBytes || declared > limits.maxBytes) {
          throw new ConvertError('limit', `${name}!${f.name}`, `the entry declares ${f.originalSize.toLocaleString('en-US')} B inflated (${f.size.toLocaleString('en-US')} B stored), over the ${limits.maxBytes.toLocaleString('en-US')} B limit`);
        }
        if (f.compression !== 0 && f.compression !== 8) throw new ConvertError('malformed', `${name}!${f.name}`, `compression method ${f.compression} is not stored or deflate`);
        if (f.compression === 0 && f.size !== f.originalSize) throw new ConvertError('malformed', `${name}!${f.name}`, 'a stored entry whose sizes differ');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ConvertError) throw e;
    throw new ConvertError('malformed', name, `cannot read the zip: ${(e as Error).message ?? String(e)}`);
  }
  return new Map(Object.entries(files));
}

/** Reads a Keras 3 .keras model. */
export function readKeras3(bytes: Uint8Array, name: string, limits: KerasReadLimits = DEFAULT_KERAS_LIMITS): KerasModel {
  const entries = unzipKeras(bytes, name, limits);
  const configBytes = entries.get('config.json');
  if (!configBytes) throw new ConvertError('malformed', `${name}!config.json`, 'the zip has no config.json: not a Keras 3 model');
  const config = parseModelConfig(decode(configBytes, `${name}!config.json`), `${name}!config.json`, limits);
  let producer: string | null = null;
  const meta = entries.get('metadata.json');
  if (meta) {
    try {
      const m = JSON.parse(decode(meta, `${name}!metadata.json`)) as { keras_version?: unknown };
      if (typeof m.keras_version === 'string') producer = `Keras ${m.keras_version.slice(0, 40)}`;
    } catch {
      // metadata is informative only
    }
  }
  const weightsBytes = entries.get('model.weights.h5');
  if (!weightsBytes) return { config, weights: [], weightNaming: 'keras3', producer };
  const h5 = new Hdf5Reader(weightsBytes, `${name}!model.weights.h5`, limits);
  const weights = h5.weightsUnder(h5.root, '');
  return { config, weights, weightNaming: 'keras3', producer };
}

function decode(bytes: Uint8Array, where: string): string {
  const text = decodeUtf8(bytes, 0, bytes.length);
  if (typeof text !== 'string') throw new ConvertError('malformed', `${where}@${text.invalidAt}`, 'is not UTF-8 text');
  return text;
}
