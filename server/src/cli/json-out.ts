/**
 * JSON output in bounded memory: the same text as `JSON.stringify(value, null, 2)`, written in chunks of whole lines.
 * The top-level object and its arrays (a report's 100,000 layers) are walked here; each element is stringified on its
 * own and re-indented, so no string of the whole document (hundreds of MB for a large model) is ever built.
 */

/** About how many characters one write carries. */
const CHUNK = 1 << 16;

/** How deep containers are walked here (the document, its arrays); anything deeper is one JSON.stringify. */
const WALK_DEPTH = 2;

/**
 * Writes `value` as `JSON.stringify(value, null, 2)` would, through `write`, which receives whole lines joined by
 * newlines and adds the final newline itself (like the CLI's `out`). Nothing is written for a value JSON omits
 * (undefined, a function).
 */
export function writeJson(value: unknown, write: (lines: string) => void, chunk = CHUNK): void {
  let pending: string[] = [];
  let size = 0;
  let line = '';
  // `piece` continues the current line; `newline` ends it. Lines are handed out in batches of about `chunk`.
  const piece = (text: string): void => { line += text; };
  const newline = (): void => {
    pending.push(line);
    size += line.length + 1;
    line = '';
    if (size >= chunk) {
      write(pending.join('\n'));
      pending = [];
      size = 0;
    }
  };
  const nested = (text: string, indent: string): void => {
    // Text from JSON.stringify has no raw newline inside a string (it escapes them): every newline is a line break.
    const lines = text.split('\n');
    piece(lines[0]!);
    for (let i = 1; i < lines.length; i++) {
      newline();
      piece(indent + lines[i]!);
    }
  };
  const emit = (v: unknown, depth: number): boolean => {
    const indent = '  '.repeat(depth);
    if (depth < WALK_DEPTH && isWalkable(v)) {
      const inner = `${indent}  `;
      if (Array.isArray(v)) {
        if (v.length === 0) { piece('[]'); return true; }
        piece('[');
        for (let i = 0; i < v.length; i++) {
          newline();
          piece(inner);
          if (!emit(v[i], depth + 1)) piece('null');
          if (i < v.length - 1) piece(',');
        }
        newline();
        piece(`${indent}]`);
        return true;
      }
      // JSON leaves out a property whose value it cannot write (undefined, a function, a symbol): test only those.
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => isWalkable(x) || JSON.stringify(x) !== undefined);
      if (entries.length === 0) { piece('{}'); return true; }
      piece('{');
      entries.forEach(([key, x], i) => {
        newline();
        piece(`${inner}${JSON.stringify(key)}: `);
        emit(x, depth + 1);
        if (i < entries.length - 1) piece(',');
      });
      newline();
      piece(`${indent}}`);
      return true;
    }
    const text = JSON.stringify(v, null, 2) as string | undefined;
    if (text === undefined) return false;
    nested(text, indent);
    return true;
  };
  if (!emit(value, 0)) return;
  pending.push(line);
  write(pending.join('\n'));
}

/** An array, or a plain object without toJSON: what JSON.stringify itself would walk. */
function isWalkable(v: unknown): v is object {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}
