/**
 * A checked accessor layer over a flatbuffer. The flatbuffers TypeScript runtime trusts its input; this layer does
 * what its C++ verifier would: every offset, vtable, vector length and string is checked against the file before it
 * is read, and every element that becomes a JS value is charged to a budget, so that a hostile file (vectors that
 * share one huge target a million times, lengths near 2^32) fails with a `ModelFormatError` instead of exhausting
 * memory. Reads use a DataView, which has no alignment requirement, so misaligned fields are read, not rejected.
 */
import { ModelFormatError, type ModelFormatErrorCode } from '../errors';
import { decodeUtf8 } from './utf8';

/**
 * A field path (`subgraphs[0].tensors[3].name`): a string, or something that builds it only when asked (a table, a
 * field of one). Reading a valid model never builds a path: only an error does.
 */
export type Where = string | { readonly where: string };

/** The text of a field path. */
export function whereText(w: Where): string {
  return typeof w === 'string' ? w : w.where;
}

/** A run of elements in the file. */
export interface Span {
  /** Absolute offset of the first element. */
  start: number;
  length: number;
  where: Where;
}

/** Joins a field path: `join('subgraphs[0]', 'name')` -> 'subgraphs[0].name'; the root path is ''. */
export function join(where: Where, field: string): string {
  const base = whereText(where);
  return base === '' ? field : `${base}.${field}`;
}

/** Field `field` (element `item` of it, when >= 0) below `parent`: the path, built on demand. */
class FieldPath {
  constructor(private readonly parent: Where, private readonly field: string, private readonly item = -1) {}

  get where(): string {
    return join(this.parent, this.item >= 0 ? `${this.field}[${this.item}]` : this.field);
  }
}

/**
 * Thrown (inside the reader only) when `bytes` is the beginning of a larger file and a read needs bytes beyond it:
 * the reader reads more of the file and starts again (reader.ts `readTfliteSource`). Never reaches a caller.
 */
export class NeedBytes extends Error {
  constructor(readonly end: number) {
    super(`the flatbuffer continues past the ${end} bytes read`);
  }
}

/** How `bytes` relate to the file, when they are not the whole of it. */
export interface FilePart {
  /** Size of the whole file (external buffers are checked against it). */
  fileSize: number;
  /** Where `bytes` start in the file (error offsets are file offsets). */
  base: number;
  /** `bytes` are the file's beginning and more can be read: a read past them asks for more (NeedBytes). */
  growable: boolean;
  /** Reads `length` bytes at file offset `offset` (inside the file): how data after `bytes` is reached. */
  read?(offset: number, length: number): Uint8Array;
}

/** The whole file, or a checked part of it: raw checked reads, the element budget, and the way into tables. */
export class FbFile {
  /** The bytes at hand (the whole file unless a FilePart says otherwise); every read is checked against it. */
  readonly size: number;
  /** Size of the whole file. */
  readonly fileSize: number;
  private readonly view: DataView;
  private elementsLeft: number;
  private readonly base: number;
  private readonly growable: boolean;
  private readonly readAt: ((offset: number, length: number) => Uint8Array) | null;

  constructor(
    readonly bytes: Uint8Array,
    private readonly maxElements: number,
    part?: FilePart,
  ) {
    this.size = bytes.byteLength;
    this.fileSize = part?.fileSize ?? bytes.byteLength;
    this.base = part?.base ?? 0;
    this.growable = part?.growable ?? false;
    this.readAt = part?.read ?? null;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.elementsLeft = maxElements;
  }

  /** The error for this file; `throw file.error(...)` where control flow must see the throw (type narrowing). */
  error(code: ModelFormatErrorCode, offset: number, where: Where, detail: string): ModelFormatError {
    return new ModelFormatError(code, offset + this.base, whereText(where), detail, this.fileSize);
  }

  /** Checks that `length` bytes at file offset `offset` lie inside the whole file (data after the flatbuffer). */
  needInFile(offset: number, length: number, where: Where, what: string): void {
    if (offset < 0) this.fail('bad-offset', offset, where, `${what} lies before the start of the file`);
    if (length > this.fileSize - offset) {
      this.fail('truncated', offset, where, `${what} (${length} bytes) runs past the end of the file`);
    }
  }

  /**
   * The `length` bytes at file offset `offset`, checked against the whole file: a view on `bytes` when they hold
   * them, else read from the file (charged to the element budget first, so a declared size cannot make it read
   * without bound).
   */
  readRange(offset: number, length: number, where: Where, what: string): Uint8Array {
    this.needInFile(offset, length, where, what);
    if (this.base === 0 && offset + length <= this.size) return this.bytes.subarray(offset, offset + length);
    if (this.readAt === null) this.fail('truncated', offset, where, `${what} (${length} bytes) runs past the end of ${this.endName(offset + length)}`);
    this.charge(length, offset, where);
    return this.readAt(offset, length);
  }

  /** A range of the file read on its own (it starts at file offset `base`), with what is left of this budget. */
  range(bytes: Uint8Array, base: number): FbFile {
    return new FbFile(bytes, Math.max(0, this.elementsLeft), { fileSize: this.fileSize, base, growable: false });
  }

  /** What a read up to `end`, past `bytes`, ran past: the file, or only the part of it that was read. */
  private endName(end: number): string {
    return end <= this.fileSize && this.size < this.fileSize ? `the ${this.size} bytes read of the file` : 'the file';
  }

  /** A read up to `end` failed: ask for more bytes when the file has them, else nothing (the caller reports it). */
  private beyond(end: number): void {
    if (this.growable && end <= this.fileSize) throw new NeedBytes(end);
  }

  fail(code: ModelFormatErrorCode, offset: number, where: Where, detail: string): never {
    throw this.error(code, offset, where, detail);
  }

  /** Checks that `length` bytes at `offset` lie inside the file. */
  need(offset: number, length: number, where: Where, what: string): void {
    if (offset < 0) this.fail('bad-offset', offset, where, `${what} lies before the start of the file`);
    if (length > this.size - offset) {
      this.beyond(offset + length);
      this.fail('truncated', offset, where, `${what} (${length} bytes) runs past the end of ${this.endName(offset + length)}`);
    }
  }

  /**
   * Charges `count` decoded elements to the budget. Files normally decode to far fewer elements than they have
   * bytes; only shared (aliased) vectors and strings can multiply the work, and this bounds it.
   */
  charge(count: number, offset: number, where: Where): void {
    this.elementsLeft -= count;
    if (this.elementsLeft < 0) {
      this.fail('count-too-large', offset, where, `decodes to more than ${this.maxElements} elements in total`);
    }
  }

  u8(offset: number): number {
    return this.view.getUint8(offset);
  }
  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }
  i32(offset: number): number {
    return this.view.getInt32(offset, true);
  }
  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }
  f32(offset: number): number {
    return this.view.getFloat32(offset, true);
  }
  /**
   * A little-endian int64 or uint64 at a checked offset, as a safe integer (or a 'bad-value' error). Read as two
   * 32-bit halves (no BigInt: every zero point of every quantized tensor comes through here): `high * 2^32 + low` is
   * exact whenever the result is a safe integer, and a high half beyond +-2^21 never is.
   */
  i64(offset: number, signed: boolean, where: Where): number {
    const low = this.view.getUint32(offset, true);
    const high = signed ? this.view.getInt32(offset + 4, true) : this.view.getUint32(offset + 4, true);
    const value = high * 4294967296 + low;
    if (high < -2097152 || high > 2097151 || !Number.isSafeInteger(value)) {
      const big = signed ? this.view.getBigInt64(offset, true) : this.view.getBigUint64(offset, true);
      this.fail('bad-value', offset, where, `is ${big}, beyond the range this reader handles exactly (2^53)`);
    }
    return value;
  }

  /** Follows the uoffset stored at `at` (already checked to be inside the file) and returns its target. */
  deref(at: number, where: Where): number {
    const rel = this.u32(at);
    // uoffsets are unsigned and relative to their own position, so they only point forward; 0 would point at the
    // offset itself. Forward-only offsets plus a schema without recursive tables mean no cycle is possible.
    if (rel === 0) this.fail('bad-offset', at, where, 'offset is 0 (points at itself)');
    return at + rel;
  }

  /** Opens the table at `pos`, validating its vtable. */
  table(pos: number, where: Where): Table {
    this.need(pos, 4, where, 'table');
    const vtable = pos - this.i32(pos);
    if (vtable < 0) this.fail('bad-offset', pos, where, `table's vtable offset points before the start of the file`);
    this.need(vtable, 4, where, 'vtable');
    const vtSize = this.u16(vtable);
    const tableSize = this.u16(vtable + 2);
    if (vtSize < 4 || vtSize % 2 !== 0) {
      this.fail('bad-vtable', vtable, where, `vtable size is ${vtSize} (must be even and at least 4)`);
    }
    this.need(vtable, vtSize, where, 'vtable');
    if (tableSize < 4) this.fail('bad-vtable', vtable, where, `table size is ${tableSize} (must be at least 4)`);
    this.need(pos, tableSize, where, 'table');
    return new Table(this, pos, where, vtable, vtSize, tableSize);
  }

  /** Reads a vector header at `target` and checks that `length * elemSize` bytes follow inside the file. */
  span(target: number, elemSize: number, where: Where, extra = 0): Span {
    this.need(target, 4, where, 'vector length');
    const length = this.u32(target);
    const start = target + 4;
    // Compare lengths rather than multiplying first: length * elemSize is exact in a double anyway (< 2^35), but this
    // form needs no reasoning about it.
    if (length > (this.size - start - extra) / elemSize) {
      this.beyond(start + length * elemSize + extra);
      this.fail('truncated', target, where, `vector of ${length} x ${elemSize} bytes runs past the end of ${this.endName(start + length * elemSize + extra)}`);
    }
    return { start, length, where };
  }

  /** Decodes `length` bytes at `start` as strict UTF-8. */
  utf8(start: number, length: number, where: Where): string {
    this.charge(length, start, where);
    const text = decodeUtf8(this.bytes, start, start + length);
    if (typeof text !== 'string') this.fail('bad-utf8', text.invalidAt, where, 'string is not valid UTF-8');
    return text;
  }
}

/** One table: typed field reads by field id, with the schema default when a field is absent. */
export class Table {
  constructor(
    readonly file: FbFile,
    readonly pos: number,
    private readonly path: Where,
    private readonly vtable: number,
    private readonly vtSize: number,
    private readonly tableSize: number,
  ) {}

  /** This table's field path (built on demand: only errors need it). */
  get where(): string {
    return whereText(this.path);
  }

  /** The path of field `name` (element `item`) of this table, built on demand. */
  private at(name: string, item = -1): Where {
    return new FieldPath(this.path, name, item);
  }

  /** Absolute position of field `id` of `size` bytes, or 0 when absent. */
  private field(id: number, size: number, name: string): number {
    const entry = 4 + 2 * id;
    if (entry + 2 > this.vtSize) return 0;
    const fo = this.file.u16(this.vtable + entry);
    if (fo === 0) return 0;
    if (fo < 4 || fo + size > this.tableSize) {
      this.file.fail('bad-vtable', this.vtable + entry, this.at(name),
        `field at table offset ${fo} (${size} bytes) lies outside the table's ${this.tableSize} bytes`);
    }
    return this.pos + fo;
  }

  has(id: number): boolean {
    const entry = 4 + 2 * id;
    return entry + 2 <= this.vtSize && this.file.u16(this.vtable + entry) !== 0;
  }

  u8(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 1, name);
    return at === 0 ? dflt : this.file.u8(at);
  }
  i8(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 1, name);
    return at === 0 ? dflt : (this.file.u8(at) << 24) >> 24;
  }
  bool(id: number, name: string, dflt = false): boolean {
    const at = this.field(id, 1, name);
    return at === 0 ? dflt : this.file.u8(at) !== 0;
  }
  i32(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 4, name);
    return at === 0 ? dflt : this.file.i32(at);
  }
  u32(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 4, name);
    return at === 0 ? dflt : this.file.u32(at);
  }
  f32(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 4, name);
    return at === 0 ? dflt : this.file.f32(at);
  }
  i64(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 8, name);
    return at === 0 ? dflt : this.file.i64(at, true, this.at(name));
  }
  u64(id: number, name: string, dflt = 0): number {
    const at = this.field(id, 8, name);
    return at === 0 ? dflt : this.file.i64(at, false, this.at(name));
  }

  /** Target of the offset field `id`, or 0 when absent. */
  private target(id: number, name: string): number {
    const at = this.field(id, 4, name);
    if (at === 0) return 0;
    const rel = this.file.u32(at);
    return rel === 0 ? this.file.deref(at, this.at(name)) : at + rel;
  }

  /** The sub-table in field `id`, or null. */
  table(id: number, name: string): Table | null {
    const target = this.target(id, name);
    return target === 0 ? null : this.file.table(target, this.at(name));
  }

  /** The raw extent of vector field `id` (nothing decoded, nothing charged), or null. */
  vector(id: number, name: string, elemSize: number): Span | null {
    const target = this.target(id, name);
    return target === 0 ? null : this.file.span(target, elemSize, this.at(name));
  }

  string(id: number, name: string): string | null {
    const target = this.target(id, name);
    if (target === 0) return null;
    const where = this.at(name);
    // A flatbuffer string is a byte vector plus a NUL terminator, which must be inside the file too.
    const span = this.file.span(target, 1, where, 1);
    return this.file.utf8(span.start, span.length, where);
  }

  /** Vector of tables in field `id`; element paths read `name[i]`. Null when absent. */
  tables(id: number, name: string): Table[] | null {
    const span = this.tableVector(id, name);
    return span === null ? null : Array.from({ length: span.length }, (_, i) => this.tableIn(span, i, name));
  }

  /** The extent of the vector of tables in field `id`, its entries charged to the budget; null when absent. */
  tableVector(id: number, name: string): Span | null { return this.counted(id, name, 4); }

  /** Entry `i` of `tableVector(id, name)`, opened: one at a time, a long vector is never an array of live tables. */
  tableIn(span: Span, i: number, name: string): Table {
    const at = span.start + 4 * i;
    const where = this.at(name, i);
    return this.file.table(this.file.deref(at, where), where);
  }

  // The common vectors read in a plain loop (no callback per element): every tensor and operator has several.
  i32s(id: number, name: string): number[] | null {
    const span = this.counted(id, name, 4);
    if (span === null) return null;
    const out = new Array<number>(span.length);
    for (let i = 0; i < span.length; i++) out[i] = this.file.i32(span.start + 4 * i);
    return out;
  }
  u32s(id: number, name: string): number[] | null {
    return this.numbers(id, name, 4, (at) => this.file.u32(at));
  }
  f32s(id: number, name: string): number[] | null {
    const span = this.counted(id, name, 4);
    if (span === null) return null;
    const out = new Array<number>(span.length);
    for (let i = 0; i < span.length; i++) out[i] = this.file.f32(span.start + 4 * i);
    return out;
  }
  i64s(id: number, name: string): number[] | null {
    const span = this.counted(id, name, 8);
    if (span === null) return null;
    const out = new Array<number>(span.length);
    for (let i = 0; i < span.length; i++) out[i] = this.file.i64(span.start + 8 * i, true, span.where);
    return out;
  }
  u8s(id: number, name: string): number[] | null {
    return this.numbers(id, name, 1, (at) => this.file.u8(at));
  }

  /** The extent of vector field `id`, its elements charged to the budget; null when absent. */
  private counted(id: number, name: string, size: number): Span | null {
    const span = this.vector(id, name, size);
    if (span !== null) this.file.charge(span.length, span.start, span.where);
    return span;
  }

  private numbers(id: number, name: string, size: number, read: (at: number) => number): number[] | null {
    const span = this.counted(id, name, size);
    if (span === null) return null;
    const out = new Array<number>(span.length);
    for (let i = 0; i < span.length; i++) out[i] = read(span.start + size * i);
    return out;
  }
}
