/**
 * A fast path for the manifests people write by hand: top-level `key: value` lines, a value being a plain scalar, a
 * flow mapping of plain scalars on one line (`budgets: {ram: 256KiB, flash: 1MiB}`), or an indented block of
 * `key: value` lines; full-line comments at column 0, trailing comments. It builds the same yaml nodes (values,
 * sources and ranges) that `parseDocument` builds for such text, so `parse.ts` reads them with the same code and the
 * problems and spans are the same (a differential test compares the two on every manifest it can make). Anything
 * else, including any text yaml would report an error for, returns null and goes through `parseDocument`.
 *
 * Why: a manifest is re-parsed on every keystroke, and the full YAML parser costs ten times this for five lines.
 */
import { Pair, Scalar, YAMLMap } from 'yaml';

/** A key: a plain identifier that YAML's core schema reads as a string. */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A plain scalar the fast path takes: no spaces, no flow or comment indicators, no quotes. */
const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./+-]*$/;
const INT = /^[0-9]+$/;
const FLOAT = /^(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Core-schema words that are not strings (null, booleans), and forms left to yaml (hex, octal, .inf, .nan). */
const SPECIAL = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|0[xo].*|\.(?:inf|Inf|INF|nan|NaN|NAN))$/;

interface Line {
  /** Offset of the line's first character, of its end (before '\n'), and after its '\n' (or the text's end). */
  readonly start: number;
  readonly end: number;
  readonly next: number;
  readonly indent: number;
}

/** The root mapping of `text` when it is in the subset above; null otherwise (parse it with yaml). */
export function fastManifestRoot(text: string): YAMLMap | null {
  if (text.includes('\r') || text.includes('\t')) return null;
  const lines: Line[] = [];
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const next = nl < 0 ? text.length : nl + 1;
    let indent = 0;
    while (start + indent < end && text.charCodeAt(start + indent) === 32) indent++;
    const blank = start + indent === end;
    const comment = !blank && text.charCodeAt(start + indent) === 35;
    if (comment && indent > 0) return null;
    if (!blank && !comment) lines.push({ start, end, next, indent });
    start = next;
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return null;
  const root = new YAMLMap();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.indent !== 0) return null;
    const entry = keyValue(text, line);
    if (!entry) return null;
    i++;
    if (entry.value !== null) {
      root.items.push(entry.pair(entry.value));
      continue;
    }
    // `key:` then an indented block of `key: scalar` lines, all at one indentation.
    const block = new YAMLMap();
    const indent = lines[i]?.indent ?? 0;
    if (indent === 0) return null; // an empty value: left to yaml
    while (i < lines.length && lines[i]!.indent > 0) {
      const inner = lines[i]!;
      if (inner.indent !== indent) return null;
      const item = keyValue(text, inner);
      if (!item || item.value === null || item.value instanceof YAMLMap) return null;
      block.items.push(item.pair(item.value));
      i++;
    }
    const last = block.items[block.items.length - 1]!.value as Scalar;
    block.range = [lines[i - block.items.length]!.start + indent, last.range![2], last.range![2]];
    root.items.push(entry.pair(block));
  }
  const lastValue = root.items[root.items.length - 1]!.value as Scalar | YAMLMap;
  root.range = [lines[0]!.start, lastValue.range![2], lastValue.range![2]];
  return root;
}

/** `key: value` on one line: the key, and the value node (null for `key:` with nothing after it). */
function keyValue(text: string, line: Line): { value: Scalar | YAMLMap | null; pair: (v: Scalar | YAMLMap) => Pair } | null {
  const from = line.start + line.indent;
  const colon = text.indexOf(':', from);
  if (colon < 0 || colon > line.end) return null;
  const keyText = text.slice(from, colon);
  if (!KEY.test(keyText) || SPECIAL.test(keyText)) return null;
  const key = scalar(keyText, from, colon, colon);
  const pair = (v: Scalar | YAMLMap): Pair => new Pair(key, v);
  const rest = valueBounds(text, colon + 1, line.end);
  if (rest === null) return null;
  if (rest.start === rest.end) return { value: null, pair };
  if (text.charCodeAt(colon + 1) !== 32) return null;
  if (text.charCodeAt(rest.start) === 123) {
    const map = flowMap(text, rest.start, rest.end);
    if (!map) return null;
    map.range = [rest.start, rest.end, line.next];
    return { value: map, pair };
  }
  const value = plainScalar(text.slice(rest.start, rest.end), rest.start, rest.end, line.next);
  return value ? { value, pair } : null;
}

/** The value's text between `from` and the line's end: spaces and a trailing comment (` # ...`) removed. */
function valueBounds(text: string, from: number, end: number): { start: number; end: number } | null {
  let start = from;
  while (start < end && text.charCodeAt(start) === 32) start++;
  if (start < end && text.charCodeAt(start) === 35) return start === from ? null : { start, end: start };
  let stop = end;
  const hash = text.indexOf(' #', start);
  if (hash >= 0 && hash < end) stop = hash;
  while (stop > start && text.charCodeAt(stop - 1) === 32) stop--;
  return { start, end: stop };
}

/** `{k: v, k: v}` with plain keys and values and nothing after the brace; null for anything else. */
function flowMap(text: string, start: number, end: number): YAMLMap | null {
  if (text.charCodeAt(end - 1) !== 125) return null;
  const map = new YAMLMap();
  map.flow = true;
  const body = text.slice(start + 1, end - 1);
  if (body.trim() === '') return body === '' ? map : null;
  let at = start + 1;
  for (const part of body.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0 || part.charCodeAt(colon + 1) !== 32) return null;
    const k = trimmed(part.slice(0, colon), at);
    const v = trimmed(part.slice(colon + 1), at + colon + 1);
    if (!k || !v || !KEY.test(k.text) || SPECIAL.test(k.text)) return null;
    const key = scalar(k.text, k.start, k.start + k.text.length, k.start + k.text.length);
    // In a flow mapping a value's range runs to the next ',' or '}' (its trailing spaces included).
    const value = plainScalar(v.text, v.start, v.start + v.text.length, at + part.length);
    if (!value) return null;
    map.items.push(new Pair(key, value));
    at += part.length + 1;
  }
  return map;
}

function trimmed(s: string, offset: number): { text: string; start: number } | null {
  const text = s.trim();
  if (text === '') return null;
  return { text, start: offset + s.indexOf(text) };
}

/** A plain scalar as yaml's core schema resolves it; null for forms left to yaml. */
function plainScalar(source: string, start: number, end: number, after: number): Scalar | null {
  if (!PLAIN.test(source) || SPECIAL.test(source)) return null;
  const value = INT.test(source) || FLOAT.test(source) ? Number(source) : source;
  return scalar(value, start, end, after, source);
}

function scalar(value: string | number, start: number, end: number, after: number, source = String(value)): Scalar {
  const s = new Scalar(value);
  s.range = [start, end, after];
  s.source = source;
  s.type = Scalar.PLAIN;
  return s;
}
