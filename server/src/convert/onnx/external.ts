/**
 * ONNX external data (PyTorch's `model.onnx` + `model.onnx.data`): a TensorProto with `data_location: EXTERNAL` keeps
 * its bytes in a file beside the model, named by its `external_data` entries (location, offset, length, checksum).
 * The core reads no file: `externalFiles` lists the files a model names, so that the caller (CLI, language server)
 * reads them confined to the model's folder and hands them to the converter by location (`ConvertSource.shards`);
 * `externalBytes` finds one tensor's bytes in them, every field checked.
 *
 * `externalFiles` walks the protobuf wire format itself, touching only the fields on the way to a TensorProto's
 * entries (ModelProto.graph, GraphProto.initializer and node, NodeProto.attribute, AttributeProto.t / tensors / g):
 * the server's thread calls it before a worker converts, without loading protobufjs, and skips weights by length. On
 * bad wire data it stops: the reader reports that, located.
 */
import { decodeUtf8 } from '../../model/tflite/utf8.js';
import { ConvertError } from '../types.js';

/** A file some tensor's data is in: its location as the model writes it, and the first tensor naming it. */
export interface ExternalFile {
  readonly location: string;
  readonly tensor: string;
}

/** How deep sub-graphs are followed (the reader refuses deeper nesting anyway). */
const MAX_DEPTH = 8;

/** The distinct files the model's tensors keep their data in, in the order first named (none for most models). */
export function externalFiles(bytes: Uint8Array): ExternalFile[] {
  const found = new Map<string, string>();
  try {
    for (const [field, start, end] of fields(bytes, 0, bytes.length)) if (field === 7) graph(bytes, start, end, found, 0);
  } catch (e) {
    if (!(e instanceof WireEnd)) throw e;
  }
  return [...found].map(([location, tensor]) => ({ location, tensor }));
}

/** Whether `location` is a plain relative path inside the model's folder (no absolute path, drive, backslash, `..`, NUL). */
export function isConfinedLocation(location: string): boolean {
  if (location === '' || location.startsWith('/') || /^[a-zA-Z]:/.test(location) || location.includes('\\') || location.includes('\0')) return false;
  return !location.split('/').some((part) => part === '..');
}

/**
 * The bytes of one tensor kept in an external file: `entries` are its external_data key/value pairs, `files` the
 * files read by the caller (by location), `need` the bytes its dims and type take. A located ConvertError for a
 * missing or unsafe location, a file not given, a bad offset or length, or a range beyond the file's end.
 */
export function externalBytes(entries: readonly { key?: string; value?: string }[], files: ReadonlyMap<string, Uint8Array> | undefined,
  where: string, name: string, need: number): Uint8Array {
  const info = new Map<string, string>();
  for (const e of entries) info.set(e.key ?? '', e.value ?? '');
  const location = info.get('location');
  const at = `${where}.external_data`;
  if (location === undefined || location === '') throw new ConvertError('malformed', at, `'${name}' keeps its data in an external file but names no location`);
  if (!isConfinedLocation(location)) {
    throw new ConvertError('bad-model', at, `'${name}' names the external file '${location}', which is not a relative path inside the model's folder`);
  }
  const number = (key: 'offset' | 'length'): number | null => {
    const text = info.get(key);
    if (text === undefined) return null;
    const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n)) throw new ConvertError('malformed', `${at}.${key}`, `'${name}': ${key} '${text.slice(0, 40)}' is not a whole number of bytes`);
    return n;
  };
  const offset = number('offset') ?? 0;
  const given = number('length');
  const file = files?.get(location);
  if (!file) {
    throw new ConvertError('bad-model', at, `'${name}' keeps its data in '${location}', which was not read beside the model`, `put '${location}' in the model's folder`);
  }
  const length = given ?? file.length - offset;
  if (offset + Math.max(length, 0) > file.length || length < 0) {
    throw new ConvertError('bad-model', at, `'${name}' is at offset ${offset}${given === null ? '' : `, length ${given}`} in '${location}', beyond its ${file.length} B`);
  }
  if (length !== need) {
    throw new ConvertError('bad-model', at, `'${name}' has ${length} B in '${location}' (offset ${offset}) but its dims and type take ${need} B`);
  }
  return file.subarray(offset, offset + length);
}

/** Thrown when the wire data ends or breaks: the walk stops with what it found. */
class WireEnd extends Error {}

function graph(b: Uint8Array, start: number, end: number, found: Map<string, string>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const [field, s, e] of fields(b, start, end)) {
    if (field === 5) tensor(b, s, e, found);
    else if (field === 1) for (const [f, as, ae] of fields(b, s, e)) if (f === 5) attribute(b, as, ae, found, depth);
  }
}

function attribute(b: Uint8Array, start: number, end: number, found: Map<string, string>, depth: number): void {
  for (const [field, s, e] of fields(b, start, end)) {
    if (field === 5 || field === 10) tensor(b, s, e, found);
    else if (field === 6) graph(b, s, e, found, depth + 1);
  }
}

function tensor(b: Uint8Array, start: number, end: number, found: Map<string, string>): void {
  let name = '';
  const locations: string[] = [];
  for (const [field, s, e] of fields(b, start, end)) {
    if (field === 8) name = utf8(b, s, e);
    else if (field === 13) {
      let key = '';
      let value = '';
      for (const [f, ks, ke] of fields(b, s, e)) {
        if (f === 1) key = utf8(b, ks, ke);
        else if (f === 2) value = utf8(b, ks, ke);
      }
      if (key === 'location') locations.push(value);
    }
  }
  for (const l of locations) if (!found.has(l)) found.set(l, name);
}

/** A string field; invalid UTF-8 gives a name no file has (the reader then says which tensor's file is missing). */
function utf8(b: Uint8Array, s: number, e: number): string {
  const text = decodeUtf8(b, s, e);
  return typeof text === 'string' ? text : '\ufffd';
}

/** The length-delimited fields between `start` and `end`: [field number, value start, value end]; others skipped. */
function* fields(b: Uint8Array, start: number, end: number): Generator<[number, number, number]> {
  let p = start;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (p >= end) throw new WireEnd();
      const byte = b[p++]!;
      if (shift < 53) v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
    }
    throw new WireEnd();
  };
  while (p < end) {
    const tag = varint();
    const wire = tag % 8;
    const field = Math.floor(tag / 8);
    if (wire === 0) varint();
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else if (wire === 2) {
      const n = varint();
      if (n > end - p) throw new WireEnd();
      yield [field, p, p + n];
      p += n;
    } else throw new WireEnd();
    if (p > end) throw new WireEnd();
  }
}
