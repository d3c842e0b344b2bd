/**
 * The safe .tflite reader: bytes in, a plain `Model` (ir.ts) out, or a `ModelFormatError` naming what is wrong and
 * where. Every offset is checked (bounds.ts); nothing else is ever thrown for bad input, and the work done is bounded
 * by the file size and the limits below.
 */
import { builtinName, PLACEHOLDER_FOR_GREATER_OP_CODES } from '../builtins';
import type { Buffer, Metadata, Model, OfflineMemoryAllocation, OperatorCode, SignatureDef, Subgraph } from '../ir';
import { FbFile, join, NeedBytes, type FilePart, type Table } from './bounds';
import { MIN_RUNTIME_VERSION, OFFLINE_MEMORY_ALLOCATION, parseMinRuntimeVersion,
  parseOfflineMemoryAllocation } from './metadata';
import { readSubgraph, type SubgraphContext } from './subgraph';

/** Upper bounds on what a file may declare, checked before anything is allocated for it. */
export interface ReadLimits {
  maxSubgraphs: number;
  /** Tensors over all subgraphs. */
  maxTensors: number;
  /** Operators over all subgraphs. */
  maxOperators: number;
  /** Decoded elements (numbers, string bytes, tables) in total; defaults to file size + 1e6, at most 2e7. */
  maxElements?: number;
}

export const DEFAULT_LIMITS: Readonly<ReadLimits> = { maxSubgraphs: 10_000, maxTensors: 1_000_000, maxOperators: 1_000_000 };

/** The identifier every current converter writes at bytes 4..8. */
export const TFLITE_IDENTIFIER = 'TFL3';
const SCHEMA_VERSION = 3;

/**
 * True when `bytes` look like a TFLite model: the 'TFL3' identifier, or (for files written without one) a root table
 * with schema version 3 and a subgraphs vector. Never throws; cheap enough to call on any file.
 */
export function sniffTflite(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 8) return false;
  return identifier(bytes) === TFLITE_IDENTIFIER || plausibleRoot(new FbFile(bytes, 1000));
}

/** A file read by offset (the adapter's side of `readTfliteSource`). */
export interface ByteSource {
  /** Size of the whole file. */
  readonly size: number;
  /** The `length` bytes at `offset`, which lie inside the file. */
  read(offset: number, length: number): Uint8Array;
}

/** How much of a file `readTfliteSource` reads for the flatbuffer part. */
export interface SourceOptions {
  /** The most bytes it reads for the flatbuffer part (from the start of the file). */
  maxBytes: number;
  /** The first read (default 4 MiB); it doubles while the flatbuffer continues past what was read. */
  firstRead?: number;
}

/**
 * Reads a model without reading the whole file: the flatbuffer part from the start (a first read, doubled while the
 * flatbuffer continues past it, at most `maxBytes`), then only the bytes after it that the IR holds (large custom
 * options, metadata buffers), by offset. Buffers stored after the flatbuffer (`offset`/`size`, files over 2 GB) are
 * located and checked against the file's size but not read: TFLM sees no data in them (`Buffer.data` is undefined).
 * A file that fits in the first read is read whole, as `readTflite` reads bytes. Throws `ModelFormatError` only (and
 * whatever `source.read` throws).
 */
export function readTfliteSource(source: ByteSource, options: SourceOptions, limits: Partial<ReadLimits> = {}): Model {
  const cap = Math.min(source.size, options.maxBytes);
  let bytes = source.read(0, Math.min(cap, options.firstRead ?? 4 * 1024 * 1024));
  for (;;) {
    if (bytes.byteLength === source.size) return readTflite(bytes, limits);
    const part: FilePart = { fileSize: source.size, base: 0, growable: bytes.byteLength < cap, read: (o, n) => source.read(o, n) };
    try {
      return readTflite(bytes, limits, part);
    } catch (e) {
      if (!(e instanceof NeedBytes)) throw e;
      const next = new Uint8Array(Math.min(cap, Math.max(2 * bytes.byteLength, e.end)));
      next.set(bytes);
      next.set(source.read(bytes.byteLength, next.byteLength - bytes.byteLength), bytes.byteLength);
      bytes = next;
    }
  }
}

/**
 * Reads a TFLite flatbuffer into the IR. Throws `ModelFormatError` (and nothing else) for a truncated, corrupt or
 * non-model file. Buffer data and custom options in the result are views on `bytes`, not copies. `part` says that
 * `bytes` are only the beginning of the file (readTfliteSource).
 */
export function readTflite(bytes: Uint8Array, limits: Partial<ReadLimits> = {}, part?: FilePart): Model {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const file = new FbFile(bytes, lim.maxElements ?? Math.min(bytes.byteLength + 1_000_000, 20_000_000), part);
  if (bytes.byteLength < 8) {
    file.fail('truncated', 0, '', `a .tflite file starts with an 8-byte header, this one has ${bytes.byteLength} bytes`);
  }
  const id = identifier(bytes);
  if (id !== TFLITE_IDENTIFIER && !plausibleRoot(file)) {
    if (/^[\x20-\x7e]{4}$/.test(id)) {
      file.fail('bad-identifier', 4, '', `file identifier is '${id}', expected '${TFLITE_IDENTIFIER}'`);
    }
    file.fail('not-a-model', 0, '', 'is not a TFLite flatbuffer (no TFL3 identifier, no plausible root table)');
  }
  const rootPos = file.u32(0);
  if (rootPos < 8) file.fail('bad-offset', 0, '', `root table offset ${rootPos} points into the 8-byte header`);
  const root = file.table(rootPos, '');

  // One buffer table open at a time (a converter writes a buffer per tensor: 100,000 tables for a large model).
  const bufferSpan = root.tableVector(4, 'buffers');
  const buffers = new Array<Buffer>(bufferSpan?.length ?? 0);
  for (let i = 0; i < buffers.length; i++) buffers[i] = readBuffer(file, root.tableIn(bufferSpan!, i, 'buffers'), i);
  const operatorCodes = (root.tables(1, 'operatorCodes') ?? []).map(readOperatorCode);
  const subgraphSpan = root.vector(2, 'subgraphs', 4);
  if (subgraphSpan === null || subgraphSpan.length === 0) {
    throw file.error('not-a-model', root.pos, 'subgraphs', 'model has no subgraphs');
  }
  if (subgraphSpan.length > lim.maxSubgraphs) {
    file.fail('count-too-large', subgraphSpan.start - 4, 'subgraphs',
      `holds ${subgraphSpan.length} subgraphs, more than the limit of ${lim.maxSubgraphs}`);
  }
  const ctx: SubgraphContext = {
    file, buffers, operatorCodes, subgraphCount: subgraphSpan.length,
    tensorsLeft: lim.maxTensors, operatorsLeft: lim.maxOperators,
  };
  const subgraphs = (root.tables(2, 'subgraphs') ?? []).map((t, i) => readSubgraph(ctx, t, i));

  const metadata = (root.tables(6, 'metadata') ?? []).map((t, i) => readMetadata(file, t, i, buffers.length));
  let offlineMemoryAllocation: OfflineMemoryAllocation | null = null;
  let minRuntimeVersion: string | null = null;
  for (const [i, m] of metadata.entries()) {
    const buffer = buffers[m.buffer];
    if (buffer === undefined) continue;
    const where = `metadata[${i}]`;
    if (m.name !== OFFLINE_MEMORY_ALLOCATION && m.name !== MIN_RUNTIME_VERSION) continue;
    // A metadata buffer after the flatbuffer part that was read: read just its bytes, by offset.
    const inRead = buffer.byteOffset + buffer.byteLength <= file.size;
    const from = inRead ? file : file.range(file.readRange(buffer.byteOffset, buffer.byteLength, where, 'metadata buffer'), buffer.byteOffset);
    const at = inRead ? buffer.byteOffset : 0;
    if (m.name === OFFLINE_MEMORY_ALLOCATION) {
      offlineMemoryAllocation = parseOfflineMemoryAllocation(from, at, buffer.byteLength, where);
    } else {
      minRuntimeVersion = parseMinRuntimeVersion(from, at, buffer.byteLength, where);
    }
  }
  const signatureDefs = (root.tables(7, 'signatureDefs') ?? []).map((t) => readSignatureDef(file, t, subgraphs));

  return {
    version: root.u32(0, 'version'),
    description: root.string(3, 'description') ?? '',
    operatorCodes, subgraphs, buffers, metadata, offlineMemoryAllocation, minRuntimeVersion, signatureDefs,
    fileBytes: file.fileSize,
  };
}

function identifier(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(4, 8));
}

/** A root table with version 3 and a non-empty subgraphs vector, all offsets valid. */
function plausibleRoot(file: FbFile): boolean {
  try {
    const root = file.table(file.u32(0), '');
    const subgraphs = root.vector(2, 'subgraphs', 4);
    return root.u32(0, 'version') === SCHEMA_VERSION && subgraphs !== null && subgraphs.length > 0;
  } catch (e) {
    // A model read in part may only need more of the file (readTfliteSource reads it and starts again).
    if (e instanceof NeedBytes) throw e;
    // Any other failure here only means "not plausible"; readTflite reports the precise error if asked to read it.
    return false;
  }
}

/**
 * A buffer: inline `data`, or data after the flatbuffer at `offset`/`size` (models over 2 GB). An offset of 0 or 1
 * means "no external data": converters write 1 as a placeholder.
 */
function readBuffer(file: FbFile, t: Table, index: number): Buffer {
  const data = t.vector(0, 'data', 1);
  if (data !== null && data.length > 0) {
    return { index, byteOffset: data.start, byteLength: data.length, external: false,
      data: file.bytes.subarray(data.start, data.start + data.length) };
  }
  const offset = t.u64(1, 'offset');
  if (offset <= 1) return { index, byteOffset: 0, byteLength: 0, external: false };
  const size = t.u64(2, 'size');
  if (offset > file.fileSize) {
    file.fail('bad-offset', t.pos, join(t.where, 'offset'), `external data at ${offset} lies beyond the end of the file`);
  }
  file.needInFile(offset, size, join(t.where, 'size'), `external data of ${size} bytes`);
  const buffer: Buffer = { index, byteOffset: offset, byteLength: size, external: true };
  // Only when the whole file is at hand: a model read in part (readTfliteSource) never reads its external data.
  if (size > 0 && file.size === file.fileSize) buffer.data = file.bytes.subarray(offset, offset + size);
  return buffer;
}

/**
 * The effective builtin code is max(deprecated_builtin_code, builtin_code): old files fill only the int8 field, new
 * ones fill both, and codes above 126 put PLACEHOLDER_FOR_GREATER_OP_CODES in the int8 field.
 */
function readOperatorCode(t: Table): OperatorCode {
  const deprecated = t.i8(0, 'deprecatedBuiltinCode');
  const extended = t.i32(3, 'builtinCode');
  const builtinCode = Math.max(deprecated, extended);
  if (builtinCode < 0 || builtinCode === PLACEHOLDER_FOR_GREATER_OP_CODES) {
    t.file.fail('bad-value', t.pos, join(t.where, 'builtinCode'),
      builtinCode < 0 ? `is ${builtinCode}, not an operator`
        : 'is PLACEHOLDER_FOR_GREATER_OP_CODES, but the extended builtin_code field does not hold the real code');
  }
  return {
    builtinCode,
    builtinName: builtinName(builtinCode),
    customCode: t.string(1, 'customCode'),
    version: t.i32(2, 'version', 1),
  };
}

function readMetadata(file: FbFile, t: Table, index: number, bufferCount: number): Metadata {
  const name = t.string(0, 'name') ?? '';
  const buffer = t.u32(1, 'buffer');
  if (buffer >= bufferCount) {
    file.fail('bad-index', t.pos, `metadata[${index}].buffer`,
      `is buffer ${buffer}, but the model has ${bufferCount} buffers`);
  }
  return { name, buffer };
}

function readSignatureDef(file: FbFile, t: Table, subgraphs: readonly Subgraph[]): SignatureDef {
  const subgraphIndex = t.u32(4, 'subgraphIndex');
  const subgraph = subgraphs[subgraphIndex];
  if (subgraph === undefined) {
    throw file.error('bad-index', t.pos, join(t.where, 'subgraphIndex'),
      `is subgraph ${subgraphIndex}, but the model has ${subgraphs.length} subgraphs`);
  }
  const maps = (id: number, name: string): { name: string; tensorIndex: number }[] =>
    (t.tables(id, name) ?? []).map((m) => {
      const tensorIndex = m.u32(1, 'tensorIndex');
      if (tensorIndex >= subgraph.tensors.length) {
        file.fail('bad-index', m.pos, join(m.where, 'tensorIndex'),
          `is tensor ${tensorIndex}, but subgraph ${subgraphIndex} has ${subgraph.tensors.length} tensors`);
      }
      return { name: m.string(0, 'name') ?? '', tensorIndex };
    });
  return { signatureKey: t.string(2, 'signatureKey') ?? '', subgraphIndex, inputs: maps(0, 'inputs'),
    outputs: maps(1, 'outputs') };
}
