/**
 * Where a converted model comes from, as the CLI and the editor label figures they give for it: "as converted by
 * TinyML Lens (from ONNX opset 13, pytorch 2.1.0)". Pure and cheap: the ONNX opset and producer come from a walk over
 * ModelProto's top-level fields only (the graph is skipped by its length), the Keras version from the description the
 * Keras converter writes into the .tflite. `sourceFormatOf` decides which files the CLI and the language server convert
 * in memory before analysing them.
 */
import { decodeUtf8 } from '../model/tflite/utf8.js';
import { detectFormat } from './detect.js';
import type { SourceFormat } from './types.js';

/** A converted model's origin: the format, who converted it, and what it was made by (null when the file says nothing). */
export interface ModelSource {
  readonly format: SourceFormat;
  readonly convertedBy: 'TinyML Lens';
  /** e.g. "ONNX opset 13, pytorch 2.1.0", "Keras .keras file, Keras 3.4.1", "TF.js layers model". */
  readonly from: string;
}

const FORMAT_NAMES: Readonly<Record<SourceFormat, string>> = {
  onnx: 'ONNX',
  keras: 'Keras .keras file',
  'keras-h5': 'Keras .h5 file',
  'tfjs-layers': 'TF.js layers model',
  'tfjs-graph': 'TF.js graph model',
};

/**
 * The origin of a model converted from `bytes` (the source file) in `format`; `description` is the converted .tflite's
 * description (the Keras converter writes "(source: Keras 3.4.1)" there).
 */
export function modelSource(format: SourceFormat, bytes: Uint8Array, description: string): ModelSource {
  let from = FORMAT_NAMES[format];
  if (format === 'onnx') {
    const { opset, producer } = onnxHeader(bytes);
    from = [`ONNX${opset === null ? '' : ` opset ${opset}`}`, producer].filter(Boolean).join(', ');
  } else {
    const producer = /\(source: ([^()]{1,100})\)$/.exec(description)?.[1];
    if (producer) from = `${from}, ${producer}`;
  }
  return { format, convertedBy: 'TinyML Lens', from };
}

/**
 * The source format of the file at `path` whose first bytes are `head`, or null for a .tflite (or anything else the
 * .tflite reader should judge). A name ending in .tflite is always a .tflite; otherwise the content decides (an HDF5
 * or zip signature) and, for a protobuf or JSON, the extension (.onnx, .json), so a malformed .tflite named
 * otherwise still gets the .tflite reader's located error.
 */
export function sourceFormatOf(path: string, head: Uint8Array): SourceFormat | null {
  if (/\.tflite$/i.test(path)) return null;
  const format = detectFormat(path, head);
  if (format === 'keras' || format === 'keras-h5') return format;
  if (format === 'onnx') return /\.onnx$/i.test(path) ? format : null;
  return format !== null && /\.json$/i.test(path) ? format : null;
}

/** "as converted by TinyML Lens (from ONNX opset 13, pytorch 2.1.0)": the one wording every output uses. */
export function sourceLabel(source: ModelSource): string {
  return `as converted by TinyML Lens (from ${source.from})`;
}

/** The default-domain opset and "producer version" of an ONNX ModelProto, from its top-level fields; nulls where absent. */
export function onnxHeader(bytes: Uint8Array): { opset: number | null; producer: string | null } {
  let opset: number | null = null;
  let name = '';
  let version = '';
  const r = new Wire(bytes, 0, bytes.length);
  while (r.more()) {
    const field = r.field();
    if (field === null) break;
    if (field.wire !== 2) continue;
    const { start, end } = field;
    if (field.number === 2) name = text(bytes, start, end);
    else if (field.number === 3) version = text(bytes, start, end);
    else if (field.number === 8) {
      // OperatorSetIdProto: domain (1, string), version (2, varint); the default domain is "" or "ai.onnx".
      let domain = '';
      let v: number | null = null;
      const o = new Wire(bytes, start, end);
      while (o.more()) {
        const f = o.field();
        if (f === null) break;
        if (f.number === 1 && f.wire === 2) domain = text(bytes, f.start, f.end);
        if (f.number === 2 && f.wire === 0) v = f.value;
      }
      if ((domain === '' || domain === 'ai.onnx') && v !== null) opset = v;
    }
  }
  const producer = [name, version].filter(Boolean).join(' ');
  return { opset, producer: producer || null };
}

type Field = { number: number; wire: 0; value: number | null } | { number: number; wire: 2; start: number; end: number } | { number: number; wire: 1 | 5 };

/** A protobuf field walker over [pos, end): stops (null) at anything malformed rather than throwing. */
class Wire {
  constructor(private readonly b: Uint8Array, private pos: number, private readonly end: number) {}

  more(): boolean {
    return this.pos < this.end;
  }

  field(): Field | null {
    const tag = this.varint();
    if (tag === null) return null;
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) return { number, wire, value: this.varint() };
    if (wire === 1 || wire === 5) {
      this.pos += wire === 1 ? 8 : 4;
      return this.pos <= this.end ? { number, wire } : null;
    }
    if (wire !== 2) return null;
    const length = this.varint();
    if (length === null || length > this.end - this.pos) return null;
    const start = this.pos;
    this.pos += length;
    return { number, wire, start, end: this.pos };
  }

  /** A varint up to 2^53 (larger ones, which no field read here holds, end the walk). */
  private varint(): number | null {
    let value = 0;
    for (let shift = 0; shift < 53 && this.pos < this.end; shift += 7) {
      const byte = this.b[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    this.pos = this.end;
    return null;
  }
}

/** A short UTF-8 string field, cut at 80 characters ('' when long or invalid); the caller escapes it for output. */
function text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 400) return '';
  const s = decodeUtf8(bytes, start, end);
  return typeof s === 'string' ? s.slice(0, 80) : '';
}
