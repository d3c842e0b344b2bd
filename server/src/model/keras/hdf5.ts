/**
 * A bounded view of an HDF5 file through jsfive: the file size is capped before parsing, group nesting and the
 * number of objects visited are capped while walking, and a dataset's element count (from its shape) is checked
 * against the remaining weight budget and its type's size against the file before its values are read. jsfive throws
 * strings and plain errors on bad input; every call here turns them into `ConvertError('malformed', <HDF5 path>)`.
 */
import * as hdf5 from 'jsfive';
import { ConvertError } from '../../convert/types.js';
import { decodeUtf8 } from '../tflite/utf8.js';
import type { KerasReadLimits, KerasWeight } from './types.js';

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` start with the HDF5 signature (at offset 0; user blocks are not used by Keras). */
export function isHdf5(bytes: Uint8Array): boolean {
  return HDF5_MAGIC.every((b, i) => bytes[i] === b);
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 300);

/** Runs a jsfive call, turning whatever it throws into a located `malformed` error. */
function guarded<T>(where: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConvertError) throw e;
    throw new ConvertError('malformed', where, `${what}: ${message(e)}`);
  }
}

/** An opened HDF5 file with a running budget of objects visited and weight values read. */
export class Hdf5Reader {
  private readonly file: hdf5.File;
  private objects = 0;
  private elements = 0;

  constructor(private readonly bytes: Uint8Array, private readonly fileName: string, private readonly limits: KerasReadLimits) {
    if (bytes.length > limits.maxBytes) {
      throw new ConvertError('limit', fileName, `the HDF5 file is ${bytes.length.toLocaleString('en-US')} B, over the ${limits.maxBytes.toLocaleString('en-US')} B limit`);
    }
    if (!isHdf5(bytes)) throw new ConvertError('malformed', `${fileName}@0`, 'not an HDF5 file (no HDF5 signature)');
    const copy = bytes.slice().buffer;
    this.file = guarded(`${fileName}:/`, 'cannot open the HDF5 file', () => new hdf5.File(copy, fileName));
  }

  get root(): hdf5.Group { return this.file; }

  where(path: string): string { return `${this.fileName}:${path || '/'}`; }

  /** The child `name` of `group`, or null when absent; counted against the object budget. */
  child(group: hdf5.Group, path: string, name: string): hdf5.Group | hdf5.Dataset | null {
    this.count(path);
    const keys = this.keys(group, path);
    if (!keys.includes(name)) return null;
    return guarded(this.where(`${path}/${name}`), 'cannot open', () => group.get(name));
  }

  keys(group: hdf5.Group, path: string): string[] {
    return guarded(this.where(path), 'cannot list the group', () => [...group.keys]);
  }

  /** A string attribute (HDF5 fixed-length strings come NUL-padded), or null when absent. */
  stringAttr(obj: hdf5.Group | hdf5.Dataset, path: string, name: string): string | null {
    const attrs = guarded(this.where(path), 'cannot read the attributes', () => obj.attrs);
    const v = attrs[name];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return stripNul(v);
    if (v instanceof Uint8Array) return stripNul(text(v));
    throw new ConvertError('malformed', this.where(`${path}@${name}`), `attribute '${name}' is not a string`);
  }

  /** A list-of-strings attribute (`weight_names`, `layer_names`), or null when absent. */
  stringsAttr(obj: hdf5.Group | hdf5.Dataset, path: string, name: string): string[] | null {
    const attrs = guarded(this.where(path), 'cannot read the attributes', () => obj.attrs);
    const v = attrs[name];
    if (v === undefined || v === null) return null;
    const list = Array.isArray(v) ? v : [v];
    return list.map((s, i) => {
      if (typeof s === 'string') return stripNul(s);
      if (s instanceof Uint8Array) return stripNul(text(s));
      throw new ConvertError('malformed', this.where(`${path}@${name}[${i}]`), `attribute '${name}' holds a non-string`);
    });
  }

  /**
   * Every dataset under `group` (depth first, in the file's key order), read as float32 weights, with its path
   * relative to `base`. Nesting and object counts are bounded; each dataset's size is checked before its values.
   */
  weightsUnder(group: hdf5.Group, path: string, base: readonly string[] = [], depth = 0): KerasWeight[] {
    if (depth > this.limits.maxDepth) throw new ConvertError('limit', this.where(path), `groups nested deeper than ${this.limits.maxDepth}`);
    const out: KerasWeight[] = [];
    for (const key of this.keys(group, path)) {
      const childPath = `${path}/${key}`;
      const obj = this.child(group, path, key);
      if (obj === null) continue;
      if (obj instanceof hdf5.Dataset) out.push(this.dataset(obj, childPath, [...base, key]));
      else out.push(...this.weightsUnder(obj, childPath, [...base, key], depth + 1));
    }
    return out;
  }

  /** One dataset's values as float32, its element count checked against its shape, the budget and the file. */
  dataset(ds: hdf5.Dataset, path: string, relPath: readonly string[]): KerasWeight {
    const where = this.where(path);
    const shape = guarded(where, 'cannot read the shape', () => ds.shape);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ConvertError('malformed', where, 'the dataset has no valid shape');
    const count = shape.reduce((n, d) => n * d, 1);
    const dtype = guarded(where, 'cannot read the type', () => ds.dtype);
    const size = typeof dtype === 'string' ? Number(/^[<>|]?[fiu](\d+)$/.exec(dtype)?.[1] ?? NaN) : NaN;
    if (!Number.isFinite(size)) throw new ConvertError('malformed', where, `the dataset's type ${JSON.stringify(dtype)} is not a number type`);
    if (!Number.isSafeInteger(count) || this.elements + count > this.limits.maxWeightElements) {
      throw new ConvertError('limit', where, `the weights exceed ${this.limits.maxWeightElements.toLocaleString('en-US')} values (this dataset: shape [${shape.join(', ')}])`);
    }
    // Stored data cannot be larger than the file (compressed chunks aside, which Keras does not write).
    if (count * size > this.bytes.length * 1024) throw new ConvertError('malformed', where, `shape [${shape.join(', ')}] is larger than the file could hold`);
    this.elements += count;
    const raw = guarded(where, 'cannot read the values', () => ds.value);
    if (!raw || typeof raw.length !== 'number' || raw.length !== count) {
      throw new ConvertError('malformed', where, `holds ${raw?.length ?? 0} values, its shape [${shape.join(', ')}] needs ${count}`);
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = Number(raw[i]);
    return { path: relPath, shape, data };
  }

  private count(path: string): void {
    if (++this.objects > this.limits.maxObjects) throw new ConvertError('limit', this.where(path), `more than ${this.limits.maxObjects.toLocaleString('en-US')} HDF5 objects`);
  }
}

/** Bytes as text; invalid UTF-8 decodes up to the first bad byte (names are compared, never trusted). */
function text(bytes: Uint8Array): string {
  const r = decodeUtf8(bytes, 0, bytes.length);
  return typeof r === 'string' ? r : decodeUtf8(bytes, 0, r.invalidAt) as string;
}

function stripNul(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}
