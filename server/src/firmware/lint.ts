/**
 * The firmware lint: checks a source's TFLM setup (setup.ts) against the model it runs. Four mistakes, each at the
 * text to change and with the edit that fixes it: a resolver N below its Add calls (the resolver drops the extra ops,
 * tflite-micro#302), an op the model uses with no Add call ("Didn't find op for builtin opcode" at run time), an Add
 * call the model never uses (flash spent on a kernel), and an arena below the model's minimum or far above it. What the
 * scanner could not resolve is reported as such, never guessed.
 */
import { findSetup, RESOLVER_METHODS, type AddCall, type FirmwareSetup, type ResolverDecl, type SizeValue } from './setup.js';
import type { Span } from './scan.js';

export type FirmwareLintCode = 'resolver-too-small' | 'missing-op' | 'unused-op' | 'arena-too-small' | 'arena-too-large' | 'unresolved';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface FirmwareFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface FirmwareFinding {
  readonly code: FirmwareLintCode;
  readonly severity: 'error' | 'warning' | 'info';
  readonly span: Span;
  readonly message: string;
  readonly fixes: readonly FirmwareFix[];
}

/** What the lint needs to know about the model. */
export interface ModelFacts {
  /** Shown in messages, e.g. the model's file name. */
  readonly label: string;
  /** The resolver methods the model needs (codegen's resolverMethods), in first-use order. */
  readonly methods: readonly { readonly op: string; readonly method: string }[];
  /** The smallest arena AllocateTensors accepts, when known for the kernel set in use. */
  readonly minArenaBytes?: number;
  /** Flash bytes a kernel costs, where measured. */
  readonly kernelBytes?: (method: string) => number | undefined;
}

/** An arena is "far above" the minimum when it is more than twice it and at least this much larger. */
const FAR_ABOVE_BYTES = 4096;

const bytesText = (n: number): string => `${n.toLocaleString('en-US')} B`;

/** The arena size to write: the minimum rounded up to 16 bytes, as `compile` writes it (its end aligned like its start). */
export function recommendedArena(minArenaBytes: number): number {
  return Math.ceil(minArenaBytes / 16) * 16;
}

/** Lints one C/C++ source against a model. Silent on a source that does not set up TFLM. */
export function lintFirmware(text: string, model: ModelFacts): { setup: FirmwareSetup; findings: FirmwareFinding[] } {
  const setup = findSetup(text);
  const findings: FirmwareFinding[] = [];
  for (const r of setup.resolvers) findings.push(...lintResolver(setup, r, model));
  if (setup.arena) findings.push(...lintArena(setup.arena, model));
  return { setup, findings };
}

function lineAround(text: string, at: number): Span {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  return { start, end: nl < 0 ? text.length : nl };
}

/** Whether the line holds exactly this one statement, so it can be copied or deleted on its own. */
function standalone(code: string, line: Span): boolean {
  const t = code.slice(line.start, line.end).trim();
  if (!t.endsWith(';') || /^(?:if|else|for|while|return|case)\b/.test(t) || (t.match(/\bAdd\w*\s*\(/g) ?? []).length !== 1) return false;
  let depth = 0;
  for (const c of t) {
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/**
 * The whole `if (r.AddX() != kTfLiteOk) { ...; return; }` guard around one Add call (ESP-IDF components, TFLM's older
 * examples), from its line to the end of the line that closes it, when nothing else depends on it: no other Add call
 * or nested block inside, no `else` after, nothing else on the closing line. Null otherwise.
 */
function guardAround(code: string, line: Span): Span | null {
  const head = /^\s*if\s*\(/.exec(code.slice(line.start, line.end));
  if (!head || (code.slice(line.start, line.end).match(/\bAdd\w*\s*\(/g) ?? []).length !== 1) return null;
  let i = closingParen(code, line.start + head[0].length - 1) + 1;
  while (/\s/.test(code[i] ?? '')) i++;
  const bodyEnd = code[i] === '{' ? code.indexOf('}', i) : code.indexOf(';', i);
  if (bodyEnd < 0) return null;
  const body = code.slice(code[i] === '{' ? i + 1 : i, bodyEnd + (code[i] === '{' ? 0 : 1));
  if (/[{}]|\bAdd\w*\s*\(/.test(body)) return null;
  const last = lineAround(code, bodyEnd);
  if (code.slice(bodyEnd + 1, last.end).trim() !== '' || /^\s*else\b/.test(code.slice(last.end))) return null;
  return { start: line.start, end: Math.min(last.end + 1, code.length) };
}

/** The line registering `method` on the resolver, written like the last Add call (same receiver, macro, indent). */
function addLine(setup: FirmwareSetup, r: ResolverDecl, method: string): { at: number; text: string } | null {
  const { code, text } = setup.scanned;
  const last: AddCall | undefined = r.calls[r.calls.length - 1];
  if (last) {
    const line = lineAround(text, last.span.start);
    if (standalone(code, line)) {
      const close = closingParen(code, code.indexOf('(', last.span.end));
      const copy = text.slice(line.start, last.span.start) + `${method}()` + text.slice(close + 1, line.end);
      return { at: line.end, text: `\n${copy}` };
    }
    const indent = /^\s*/.exec(text.slice(line.start, line.end))?.[0] ?? '';
    return { at: line.end, text: `\n${indent}${last.receiver}${last.access}${method}();` };
  }
  const variable = r.variables[0];
  if (!variable) return null;
  const line = lineAround(text, r.span.start);
  const indent = /^\s*/.exec(text.slice(line.start, line.end))?.[0] ?? '';
  // After the declaration's statement (the alias line's own `;` when it is an alias, the variable's otherwise).
  const end = code.indexOf(';', r.span.end);
  const after = end < 0 ? line : lineAround(text, end);
  return { at: after.end, text: `\n${indent}${variable}.${method}();` };
}

/** The `)` matching the `(` at `open`. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return code.length - 1;
}

function nEdit(n: SizeValue, count: number): TextEdit {
  return { span: n.span, newText: String(count) };
}

function lintResolver(setup: FirmwareSetup, r: ResolverDecl, model: ModelFacts): FirmwareFinding[] {
  const findings: FirmwareFinding[] = [];
  const registered = [...new Set(r.calls.map((c) => c.method))];
  const n = r.n.value;
  const where = r.n.constant ? `${r.n.constant} = ${n}` : `${n}`;
  if (n === null) {
    findings.push({ code: 'unresolved', severity: 'info', span: r.n.span, fixes: [], message: `MicroMutableOpResolver's size cannot be resolved here (${r.n.unresolved}): its count of ops is not checked` });
  } else if (registered.length > n) {
    findings.push({
      code: 'resolver-too-small', severity: 'error', span: r.n.span,
      message: `MicroMutableOpResolver<${where}> gets ${registered.length} Add calls: the resolver keeps the first ${n} and drops the rest (tflite-micro#302)`,
      fixes: [{ title: `Set the resolver's size to ${registered.length}`, edits: [nEdit(r.n, registered.length)] }],
    });
  }
  const needed = new Set(model.methods.map((m) => m.method));
  // A resolver with no Add call here is filled elsewhere (a RegisterOps in another file): its ops are not judged here.
  const missing = r.calls.length === 0 ? [] : model.methods.filter((m) => !registered.includes(m.method));
  const lines = missing.map((m) => addLine(setup, r, m.method));
  const anchor = r.calls[r.calls.length - 1]?.span ?? r.n.span;
  const grow = (k: number): TextEdit[] => (n !== null && registered.length + k > n ? [nEdit(r.n, registered.length + k)] : []);
  missing.forEach((m, i) => {
    const line = lines[i];
    const fixes: FirmwareFix[] = [];
    if (line) fixes.push({ title: `Add ${m.method}() for ${m.op}`, edits: [{ span: { start: line.at, end: line.at }, newText: line.text }, ...grow(1)] });
    if (line && missing.length > 1 && lines.every(Boolean)) {
      const at = line.at;
      fixes.push({ title: `Add all ${missing.length} missing ops`, edits: [{ span: { start: at, end: at }, newText: lines.map((l) => l!.text).join('') }, ...grow(missing.length)] });
    }
    findings.push({
      code: 'missing-op', severity: 'error', span: anchor, fixes,
      message: `${model.label} uses ${m.op}, but no ${m.method}() registers it: Invoke fails with "Didn't find op for builtin opcode"`,
    });
  });
  for (const c of r.calls) {
    if (needed.has(c.method) || !RESOLVER_METHODS.has(c.method)) continue;
    const size = model.kernelBytes?.(c.method);
    const line = lineAround(setup.scanned.text, c.span.start);
    const guard = standalone(setup.scanned.code, line) ? null : guardAround(setup.scanned.code, line);
    const fixes: FirmwareFix[] = standalone(setup.scanned.code, line)
      ? [{ title: `Remove ${c.method}()`, edits: [{ span: { start: line.start, end: Math.min(line.end + 1, setup.scanned.text.length) }, newText: '' }] }]
      : guard ? [{ title: `Remove ${c.method}() and its check`, edits: [{ span: guard, newText: '' }] }] : [];
    findings.push({
      code: 'unused-op', severity: 'warning', span: c.span, fixes,
      message: `${model.label} never uses ${c.method}(): its kernel costs flash${size !== undefined ? ` (${bytesText(size)})` : ''} for nothing`,
    });
  }
  return findings;
}

function lintArena(arena: NonNullable<FirmwareSetup['arena']>, model: ModelFacts): FirmwareFinding[] {
  const min = model.minArenaBytes;
  if (arena.value === null) {
    return [{ code: 'unresolved', severity: 'info', span: arena.span, fixes: [], message: `The arena size cannot be resolved here (${arena.unresolved}): it is not checked against the model's minimum` }];
  }
  if (min === undefined) return [];
  const name = arena.constant ?? 'The arena';
  const best = recommendedArena(min);
  const fix: FirmwareFix = { title: `Set ${arena.constant ?? 'the arena size'} to ${best} (the minimum, rounded up to 16 bytes)`, edits: [{ span: arena.span, newText: String(best) }] };
  if (arena.value < min) {
    return [{
      code: 'arena-too-small', severity: 'error', span: arena.span, fixes: [fix],
      message: `${name} is ${bytesText(arena.value)}, below the ${bytesText(min)} ${model.label} needs (-${bytesText(min - arena.value)}): AllocateTensors() fails`,
    }];
  }
  if (arena.value > 2 * min && arena.value - min >= FAR_ABOVE_BYTES) {
    return [{
      code: 'arena-too-large', severity: 'warning', span: arena.span, fixes: [fix],
      message: `${name} is ${bytesText(arena.value)}, ${(arena.value / min).toFixed(1)}x the ${bytesText(min)} ${model.label} needs: ${bytesText(arena.value - min)} of RAM unused`,
    }];
  }
  return [];
}
