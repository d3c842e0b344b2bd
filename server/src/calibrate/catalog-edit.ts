/**
 * Writing a board calibration into a workspace catalog file's text (`tinyml-targets.json`): the `calibrations` array
 * gains the entry, or its entry for the same board and runtime is replaced; everything else in the file keeps its
 * text, key order and formatting (only the `calibrations` value is rewritten). A new file gets `mcus: []` beside it,
 * as the catalog schema needs. Pure: text in, text out, plus a line diff to show before writing.
 */
import type { BoardCalibration } from '../targets/calibration.js';

export interface CatalogEdit {
  text: string;
  /** True when an earlier calibration of the same board and runtime is replaced. */
  replaced: boolean;
}

/** The catalog text with `cal` written in; `text` null for a file that does not exist yet. Throws on invalid JSON. */
export function upsertCalibration(text: string | null, cal: BoardCalibration): CatalogEdit {
  if (text === null || text.trim() === '') {
    return { text: `{\n  "mcus": [],\n  "calibrations": ${format([cal], '  ', 1)}\n}\n`, replaced: false };
  }
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('the catalog file is not a JSON object');
  const record = doc as Record<string, unknown>;
  const existing = Array.isArray(record.calibrations) ? (record.calibrations as unknown[]) : [];
  const same = (c: unknown): boolean => typeof c === 'object' && c !== null && (c as BoardCalibration).target === cal.target && (c as BoardCalibration).runtime === cal.runtime;
  const replaced = existing.some(same);
  const list = replaced ? existing.map((c) => (same(c) ? cal : c)) : [...existing, cal];
  const keys = topLevel(text);
  const indent = keys[0] ? leadingSpace(text, keys[0].keyStart) : '  ';
  const value = format(list, indent, 1);
  const span = keys.find((k) => k.key === 'calibrations');
  if (span) return { text: text.slice(0, span.valueStart) + value + text.slice(span.valueEnd), replaced };
  const additions = [...(record.mcus === undefined ? [`"mcus": []`] : []), `"calibrations": ${value}`];
  const last = keys[keys.length - 1];
  if (!last) {
    const close = text.lastIndexOf('}');
    return { text: `${text.slice(0, text.indexOf('{'))}{\n${additions.map((a) => indent + a).join(',\n')}\n${text.slice(close)}`, replaced };
  }
  return { text: text.slice(0, last.valueEnd) + additions.map((a) => `,\n${indent}${a}`).join('') + text.slice(last.valueEnd), replaced };
}

/** The lines that differ between two texts, as one `-`/`+` hunk with its line number (empty when equal). */
export function lineDiff(before: string, after: string, name: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  if (!removed.length && !added.length) return '';
  return [`--- ${name}`, `+++ ${name}`, `@@ -${head + 1},${removed.length} +${head + 1},${added.length} @@`, ...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)].join('\n');
}

/** JSON with small all-scalar objects and arrays on one line (a layer row per line), the rest indented. */
function format(v: unknown, indent: string, depth: number): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  const entries = Array.isArray(v) ? v.map((x) => [null, x] as const) : Object.entries(v);
  const flat = entries.every(([, x]) => typeof x !== 'object' || x === null);
  const inner = entries.map(([k, x]) => `${k === null ? '' : `${JSON.stringify(k)}: `}${JSON.stringify(x)}`).join(', ');
  const compact = Array.isArray(v) ? `[${inner}]` : `{ ${inner} }`;
  if (entries.length === 0) return Array.isArray(v) ? '[]' : '{}';
  if ((flat && compact.length <= 120)) return compact;
  const pad = indent.repeat(depth + 1);
  const items = entries.map(([k, x]) => `${pad}${k === null ? '' : `${JSON.stringify(k)}: `}${format(x, indent, depth + 1)}`);
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${indent.repeat(depth)}${close}`;
}

interface KeySpan { key: string; keyStart: number; valueStart: number; valueEnd: number }

/** The root object's keys and where their values are, in a text JSON.parse accepted. */
function topLevel(t: string): KeySpan[] {
  const spans: KeySpan[] = [];
  let i = ws(t, 0);
  if (t[i] !== '{') return spans;
  i = ws(t, i + 1);
  while (i < t.length && t[i] !== '}') {
    const keyStart = i;
    const keyEnd = str(t, i);
    const key = JSON.parse(t.slice(keyStart, keyEnd)) as string;
    i = ws(t, keyEnd);
    const valueStart = ws(t, i + 1); // past ':'
    const valueEnd = value(t, valueStart);
    spans.push({ key, keyStart, valueStart, valueEnd });
    i = ws(t, valueEnd);
    if (t[i] === ',') i = ws(t, i + 1);
  }
  return spans;
}

const ws = (t: string, i: number): number => {
  while (i < t.length && /\s/.test(t[i]!)) i++;
  return i;
};

/** The end of the string starting at `i` (a '"'). */
function str(t: string, i: number): number {
  for (i++; i < t.length; i++) {
    if (t[i] === '\\') i++;
    else if (t[i] === '"') return i + 1;
  }
  return i;
}

/** The end of the value starting at `i`. */
function value(t: string, i: number): number {
  if (t[i] === '"') return str(t, i);
  if (t[i] !== '{' && t[i] !== '[') {
    while (i < t.length && !/[\s,}\]]/.test(t[i]!)) i++;
    return i;
  }
  let depth = 0;
  for (; i < t.length; i++) {
    const c = t[i];
    if (c === '"') i = str(t, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) return i + 1;
    }
  }
  return i;
}

function leadingSpace(t: string, at: number): string {
  const lineStart = t.lastIndexOf('\n', at - 1) + 1;
  const pad = t.slice(lineStart, at);
  return /^[ \t]+$/.test(pad) ? pad : '  ';
}
