/** Where an assumption sits in a manifest's text and how its value is written there. Pure (no editor API). */

/** The value as it would be written in the manifest (`150ms`, `1073741824B`, `28.736uJ`, `ble`, `1440`). */
export function manifestValue(kind: string, value: number | string | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  const n = (v: number): string => String(Number(v.toPrecision(6)));
  switch (kind) {
    case 'time':
      return value >= 1 ? `${n(value)}s` : `${n(value * 1e3)}ms`;
    case 'energy':
      return value >= 1 ? `${n(value)}J` : value >= 1e-3 ? `${n(value * 1e3)}mJ` : `${n(value * 1e6)}uJ`;
    case 'bytes':
      return value % 2 ** 30 === 0 ? `${value / 2 ** 30}GiB` : value % 2 ** 20 === 0 ? `${value / 2 ** 20}MiB` : `${value}B`;
    default:
      return n(value);
  }
}

/**
 * Where an assumption is, or goes: the range of its value to select, or text to insert at `insertAt` and then the
 * range to select (offsets in the text after the insertion).
 */
export type Placement = { readonly select: readonly [number, number] } | { readonly insertAt: number; readonly insert: string; readonly select: readonly [number, number] };

/** Where `key` is (or would go) in the text. */
export function locateAssumption(text: string, key: string, value: string): Placement {
  if (/^\s*\{/.test(text)) return locateInJson(text, key, value);
  const block = /^cloud:[ \t]*(#.*)?$/m.exec(text);
  const flow = /^cloud:[ \t]*\{([^}]*)\}/m.exec(text);
  if (flow) {
    const inner = flow.index + flow[0].indexOf('{') + 1;
    const m = new RegExp(`(^|,)\\s*${key}\\s*:\\s*([^,}]*)`).exec(flow[1]!);
    if (m) {
      const start = inner + m.index + m[0].length - m[2]!.length;
      return { select: [start, start + m[2]!.trimEnd().length] };
    }
    const at = flow.index + flow[0].length - 1;
    const insert = `${flow[1]!.trim() ? ', ' : ''}${key}: ${value}`;
    return { insertAt: at, insert, select: [at + insert.length - value.length, at + insert.length] };
  }
  if (block) {
    const after = block.index + block[0].length;
    const rest = text.slice(after);
    const end = /\n(?=\S)/.exec(rest);
    const body = end ? rest.slice(0, end.index) : rest;
    const m = new RegExp(`\\n([ \\t]+)${key}[ \\t]*:[ \\t]*([^#\\n]*)`).exec(body);
    if (m) {
      const start = after + m.index + m[0].length - m[2]!.length;
      return { select: [start, start + m[2]!.trimEnd().length] };
    }
    const indent = /\n([ \t]+)\S/.exec(body)?.[1] ?? '  ';
    const insert = `\n${indent}${key}: ${value}`;
    const at = after + body.replace(/\s+$/, '').length;
    return { insertAt: at, insert, select: [at + insert.length - value.length, at + insert.length] };
  }
  const prefix = text.endsWith('\n') || text === '' ? '' : '\n';
  const insert = `${prefix}cloud:\n  ${key}: ${value}\n`;
  return { insertAt: text.length, insert, select: [text.length + insert.length - 1 - value.length, text.length + insert.length - 1] };
}

/** The same in a `*.tinyml.json` manifest: the value inside `"cloud": {...}`, else a new member (JSON-quoted). */
function locateInJson(text: string, key: string, value: string): Placement {
  const json = /^\d+(\.\d+)?$/.test(value) ? value : JSON.stringify(value);
  const cloud = /"cloud"\s*:\s*\{/.exec(text);
  if (cloud) {
    const open = cloud.index + cloud[0].length;
    const body = text.slice(open, text.indexOf('}', open) < 0 ? text.length : text.indexOf('}', open));
    const m = new RegExp(`"${key}"\\s*:\\s*("[^"]*"|[^,}\\s]+)`).exec(body);
    if (m) {
      const start = open + m.index + m[0].length - m[1]!.length;
      return { select: [start, start + m[1]!.length] };
    }
    const insert = `"${key}": ${json}${body.trim() ? ', ' : ''}`;
    return { insertAt: open, insert, select: [open + insert.indexOf(json), open + insert.indexOf(json) + json.length] };
  }
  const open = text.indexOf('{') + 1;
  const insert = `\n  "cloud": {"${key}": ${json}},`;
  return { insertAt: open, insert, select: [open + insert.indexOf(json), open + insert.indexOf(json) + json.length] };
}
