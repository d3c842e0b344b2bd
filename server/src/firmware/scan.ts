/**
 * A light scanner for C and C++ sources, not a parser: it blanks comments, the contents of string, character and raw
 * string literals, and preprocessor lines (keeping every offset and newline), so simple patterns on the result cannot
 * match inside them; it collects object-like `#define`s and `const`/`constexpr` integer constants, and evaluates
 * small integer expressions over them. What it cannot resolve (function-like macros, `#if` branches, templates) it
 * leaves alone and says so to its caller.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** An integer constant: `#define NAME value` or `constexpr int NAME = value;`, with where its value is written. */
export interface Constant {
  readonly name: string;
  readonly expr: string;
  /** The value's text in the source (what a fix replaces). */
  readonly span: Span;
}

export interface Scanned {
  readonly text: string;
  /** `text` with comments, literal contents and preprocessor lines replaced by spaces (newlines kept). */
  readonly code: string;
  readonly constants: ReadonlyMap<string, Constant>;
  /** Names of function-like macros (never expanded). */
  readonly macros: ReadonlySet<string>;
}

const isIdent = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Blanks [from, to) of `out`, keeping newlines. */
function blank(out: string[], from: number, to: number): void {
  for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
}

/** Scans a C/C++ source. Never throws: an unterminated comment or literal runs to the end of the text. */
export function scanSource(text: string): Scanned {
  const out = text.split('');
  const constants = new Map<string, Constant>();
  const macros = new Set<string>();
  const n = text.length;
  let i = 0;
  let lineStart = true;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') { lineStart = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) { blank(out, i, i + 1); i += 2; continue; }
    if (c === '#' && lineStart) {
      const end = directiveEnd(text, i);
      readDirective(text, i, end, constants, macros);
      blank(out, i, end);
      i = end;
      continue;
    }
    lineStart = false;
    if (c === '/' && text[i + 1] === '/') {
      const end = lineCommentEnd(text, i);
      blank(out, i, end);
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(out, i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      // A ' inside a number is a C++14 digit separator (1'000'000), not a character literal.
      if (c === "'" && isDigitSeparator(text, i)) { i++; continue; }
      const raw = c === '"' ? rawPrefix(text, i) : false;
      const end = raw ? rawStringEnd(text, i) : literalEnd(text, i, c);
      blank(out, i + 1, Math.max(i + 1, end - 1));
      i = end;
      continue;
    }
    i++;
  }
  const code = out.join('');
  readConstants(code, constants);
  return { text, code, constants, macros };
}

function lineCommentEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    // A backslash before the newline continues the comment onto the next line.
    const before = text[nl - 1] === '\r' ? nl - 2 : nl - 1;
    if (text[before] !== '\\') return nl;
    i = nl + 1;
  }
}

function directiveEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      const before = text[i - 1] === '\r' ? i - 2 : i - 1;
      if (text[before] !== '\\') return i;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    } else if (c === '/' && text[i + 1] === '/') {
      return lineCommentEnd(text, i);
    }
    i++;
  }
  return text.length;
}

function isDigitSeparator(text: string, at: number): boolean {
  if (!/[0-9A-Fa-f]/.test(text[at - 1] ?? '') || !/[0-9A-Fa-f]/.test(text[at + 1] ?? '')) return false;
  let s = at - 1;
  while (s > 0 && (isIdent(text[s - 1]) || text[s - 1] === "'")) s--;
  return /[0-9]/.test(text[s] ?? '');
}

/** Whether the `"` at `at` opens a raw string: R, LR, uR, UR or u8R right before it, not ending a longer name. */
function rawPrefix(text: string, at: number): boolean {
  for (const p of ['u8R', 'LR', 'uR', 'UR', 'R']) {
    const s = at - p.length;
    if (s >= 0 && text.slice(s, at) === p && !isIdent(text[s - 1])) return true;
  }
  return false;
}

function rawStringEnd(text: string, at: number): number {
  const open = text.indexOf('(', at + 1);
  // A delimiter is at most 16 characters with no spaces, parentheses or backslashes; otherwise this is no raw string.
  if (open < 0 || open - at - 1 > 16 || /[\s()\\]/.test(text.slice(at + 1, open))) return literalEnd(text, at, '"');
  const close = text.indexOf(`)${text.slice(at + 1, open)}"`, open + 1);
  return close < 0 ? text.length : close + open - at + 1;
}

/** The end (after the closing quote) of a string or character literal; an unescaped newline ends it too. */
function literalEnd(text: string, at: number, quote: string): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') { i += 2; continue; }
    if (c === quote) return i + 1;
    if (c === '\n') return i;
    i++;
  }
  return text.length;
}

/** Records `#define NAME value` (object-like; a function-like macro only by name). Comments in the value are dropped. */
function readDirective(text: string, from: number, end: number, constants: Map<string, Constant>, macros: Set<string>): void {
  const m = /^#\s*define[ \t]+([A-Za-z_]\w*)(\(?)/.exec(text.slice(from, end));
  if (!m) return;
  if (m[2]) { macros.add(m[1]!); return; }
  let valueStart = from + m[0].length;
  while (valueStart < end && /[ \t]/.test(text[valueStart]!)) valueStart++;
  let valueEnd = valueStart;
  while (valueEnd < end && !(text[valueEnd] === '/' && (text[valueEnd + 1] === '/' || text[valueEnd + 1] === '*'))) valueEnd++;
  while (valueEnd > valueStart && /\s/.test(text[valueEnd - 1]!)) valueEnd--;
  constants.set(m[1]!, { name: m[1]!, expr: text.slice(valueStart, valueEnd), span: { start: valueStart, end: valueEnd } });
}

/** `const`/`constexpr` integer constants at any scope: `constexpr int kX = 3 * 1024;`, `static const size_t kY{100};`. */
function readConstants(code: string, constants: Map<string, Constant>): void {
  const re = /\b(?:constexpr|const)\b[\w\s:]*?\b([A-Za-z_]\w*)\s*(=|\{)\s*/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const start = m.index + m[0].length;
    const stop = code.indexOf(m[2] === '=' ? ';' : '}', start);
    if (stop < 0) continue;
    let end = stop;
    while (end > start && /\s/.test(code[end - 1]!)) end--;
    if (!constants.has(m[1]!)) constants.set(m[1]!, { name: m[1]!, expr: code.slice(start, end), span: { start, end } });
  }
}

/** An integer expression's value, or what stopped it (an unknown name, a function-like macro, an unreadable token). */
export type Evaluated = { readonly value: number } | { readonly unresolved: string };

/**
 * Evaluates `expr` (integer literals with suffixes and digit separators, + - * / % << >> parentheses, casts to integer
 * types, names of constants), following constants at most 8 deep.
 */
export function evaluate(expr: string, constants: ReadonlyMap<string, Constant>, depth = 0): Evaluated {
  const tokens = expr.replace(/\b(?:static_cast\s*<[^>]*>|\((?:unsigned\s+)?(?:int|long|size_t|u?int\d+_t|std::size_t)\))/g, ' ')
    .match(/0[xX][0-9A-Fa-f']+[uUlL]*|0[bB][01']+[uUlL]*|\d[\d']*[uUlL]*|[A-Za-z_][\w:]*|<<|>>|[-+*/%()]|\S/g) ?? [];
  let at = 0;
  const fail = (why: string): never => { throw new Unresolved(why); };
  const primary = (): number => {
    const t = tokens[at++];
    if (t === undefined) return fail(`'${expr}' ends early`);
    if (t === '(') { const v = shift(); if (tokens[at++] !== ')') fail(`unbalanced parentheses in '${expr}'`); return v; }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (/^\d/.test(t)) {
      const digits = t.replace(/[uUlL']/g, '');
      const v = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : /^0[bB]/.test(digits) ? parseInt(digits.slice(2), 2) : /^0\d/.test(digits) ? parseInt(digits.slice(1), 8) : Number(digits);
      return Number.isSafeInteger(v) ? v : fail(`'${t}' is not an integer`);
    }
    if (/^[A-Za-z_]/.test(t)) {
      const name = t.replace(/^(?:::)?(?:\w+::)*/, '');
      const c = constants.get(name);
      if (!c || depth >= 8) return fail(name);
      const inner = evaluate(c.expr, constants, depth + 1);
      return 'value' in inner ? inner.value : fail(inner.unresolved);
    }
    return fail(`'${t}' in '${expr}'`);
  };
  const product = (): number => {
    let v = primary();
    for (let op = tokens[at]; op === '*' || op === '/' || op === '%'; op = tokens[at]) {
      at++;
      const r = primary();
      if (op !== '*' && r === 0) fail(`division by zero in '${expr}'`);
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    for (let op = tokens[at]; op === '+' || op === '-'; op = tokens[at]) { at++; v = op === '+' ? v + product() : v - product(); }
    return v;
  };
  const shift = (): number => {
    let v = sum();
    for (let op = tokens[at]; op === '<<' || op === '>>'; op = tokens[at]) { at++; const r = sum(); v = op === '<<' ? v * 2 ** r : Math.floor(v / 2 ** r); }
    return v;
  };
  try {
    const v = shift();
    if (at !== tokens.length) fail(`'${tokens[at]}' in '${expr}'`);
    return Number.isSafeInteger(v) ? { value: v } : { unresolved: `'${expr}' is out of range` };
  } catch (e) {
    if (e instanceof Unresolved) return { unresolved: e.message };
    throw e;
  }
}

class Unresolved extends Error {}

/** Arguments of the call whose `(` is at `open` in `code`: spans (trimmed) split at top-level commas, or null if unclosed. */
export function callArguments(code: string, open: number): Span[] | null {
  const args: Span[] = [];
  let depth = 0;
  let start = open + 1;
  const push = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(code[s]!)) s++;
    while (e > s && /\s/.test(code[e - 1]!)) e--;
    args.push({ start: s, end: e });
  };
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) { push(i); return args; }
    } else if (c === ',' && depth === 1) { push(i); start = i + 1; }
  }
  return null;
}
