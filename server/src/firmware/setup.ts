/**
 * Finds how a C/C++ source sets up TFLM, on the scanner's blanked text: the `MicroMutableOpResolver<N>` declarations
 * (directly or through a `using`/`typedef` alias) with the variables of each, the `Add*()` calls made on them, the
 * arena size the `MicroInterpreter` is given (or `kTensorArenaSize`), and the arrays passed to `GetModel`.
 */
import resolverJson from '../codegen/tflm-resolver.json';
import { callArguments, evaluate, scanSource, type Constant, type Scanned, type Span } from './scan.js';

/** Every resolver method TFLM has for a builtin or a custom op. */
export const RESOLVER_METHODS: ReadonlySet<string> = new Set([...Object.values(resolverJson.builtins), ...Object.values(resolverJson.customs)]);

export interface AddCall {
  readonly method: string;
  /** The method name. */
  readonly span: Span;
  readonly receiver: string;
  /** `.` or `->`. */
  readonly access: string;
}

/** A value written in the source, and the text a fix replaces to change it (the constant's definition when named). */
export interface SizeValue {
  /** The value, or null when it could not be resolved. */
  readonly value: number | null;
  /** Why not, when value is null. */
  readonly unresolved?: string;
  /** Where the value is written: the literal, or the definition of the constant it names. */
  readonly span: Span;
  /** The constant's name when the value is written in a definition. */
  readonly constant?: string;
}

export interface ResolverDecl {
  /** N of MicroMutableOpResolver<N>. */
  readonly n: SizeValue;
  /** Where the declaration (or its alias) is. */
  readonly span: Span;
  readonly variables: readonly string[];
  readonly calls: readonly AddCall[];
}

export interface FirmwareSetup {
  readonly scanned: Scanned;
  readonly resolvers: readonly ResolverDecl[];
  readonly arena?: SizeValue & { readonly from: 'interpreter' | 'constant' };
  /** Names passed to `GetModel(...)`: the model arrays the source uses. */
  readonly modelArrays: readonly string[];
}

/** The matching `>` of the `<` at `open` (templates nest), or -1. */
function closeAngle(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '<') depth++;
    else if (code[i] === '>' && --depth === 0) return i;
    else if (code[i] === ';' || code[i] === '{') return -1;
  }
  return -1;
}

/** The value of `expr` written at `span`, following a lone constant name to the definition a fix should change. */
function sizeValue(expr: string, span: Span, constants: ReadonlyMap<string, Constant>): SizeValue {
  let at: Span = span;
  let text = expr.trim();
  let constant: string | undefined;
  for (let hops = 0; hops < 8; hops++) {
    const name = /^(?:::)?(?:\w+::)*([A-Za-z_]\w*)$/.exec(text)?.[1];
    const c = name ? constants.get(name) : undefined;
    if (!c) break;
    at = c.span;
    text = c.expr.trim();
    constant = c.name;
  }
  const v = evaluate(text, constants);
  return 'value' in v ? { value: v.value, span: at, ...(constant ? { constant } : {}) } : { value: null, unresolved: v.unresolved, span: at, ...(constant ? { constant } : {}) };
}

/** The TFLM setup of one source file. */
export function findSetup(text: string): FirmwareSetup {
  const scanned = scanSource(text);
  const { code, constants } = scanned;
  const resolvers: { n: SizeValue; span: Span; variables: string[]; calls: AddCall[] }[] = [];
  const byVariable = new Map<string, number>();
  const declRe = /\bMicroMutableOpResolver\s*</g;
  for (let m = declRe.exec(code); m; m = declRe.exec(code)) {
    const open = m.index + m[0].length - 1;
    const close = closeAngle(code, open);
    if (close < 0) continue;
    let s = open + 1;
    let e = close;
    while (s < e && /\s/.test(code[s]!)) s++;
    while (e > s && /\s/.test(code[e - 1]!)) e--;
    const index = resolvers.length;
    const decl = { n: sizeValue(code.slice(s, e), { start: s, end: e }, constants), span: { start: m.index, end: close + 1 }, variables: [] as string[], calls: [] as AddCall[] };
    resolvers.push(decl);
    const statementStart = Math.max(code.lastIndexOf(';', m.index), code.lastIndexOf('{', m.index), code.lastIndexOf('}', m.index)) + 1;
    const before = code.slice(statementStart, m.index);
    const after = code.slice(close + 1, close + 200);
    const alias = /\busing\s+([A-Za-z_]\w*)\s*=\s*(?:\w+::)*$/.exec(before)?.[1] ?? (/\btypedef\b/.test(before) ? /^\s*([A-Za-z_]\w*)\s*;/.exec(after)?.[1] : undefined);
    const assigned = /([A-Za-z_]\w*)\s*=\s*new\s+(?:\w+::)*$/.exec(before)?.[1];
    // The first declaration naming a variable keeps it (`Resolver<6>* r = new Resolver<6>()` is one resolver).
    const bind = (v: string): void => { if (!byVariable.has(v)) byVariable.set(v, index); };
    if (alias) {
      const useRe = new RegExp(`\\b${alias}\\b\\s*(?:[&*]\\s*)?([A-Za-z_]\\w*)\\s*[;,)=({]`, 'g');
      for (let u = useRe.exec(code); u; u = useRe.exec(code)) if (u[1] !== alias) bind(u[1]!);
    } else if (assigned) {
      bind(assigned);
    } else {
      const v = /^\s*(?:[&*]\s*)?([A-Za-z_]\w*)/.exec(after)?.[1];
      if (v) bind(v);
    }
  }
  for (const [v, i] of byVariable) resolvers[i]!.variables.push(v);
  const callRe = /\b([A-Za-z_]\w*)\s*(\.|->)\s*(Add\w*)\s*\(/g;
  for (let m = callRe.exec(code); m; m = callRe.exec(code)) {
    const method = m[3]!;
    let index = byVariable.get(m[1]!);
    // A call through an accessor or an unrecognised variable still belongs to the only resolver, if it is TFLM's method.
    if (index === undefined && resolvers.length === 1 && RESOLVER_METHODS.has(method)) index = 0;
    if (index === undefined) continue;
    const start = m.index + m[0].lastIndexOf(method);
    resolvers[index]!.calls.push({ method, span: { start, end: start + method.length }, receiver: m[1]!, access: m[2]! });
  }
  const modelArrays: string[] = [];
  for (const m of code.matchAll(/\bGetModel\s*\(\s*([A-Za-z_][\w:]*)\s*\)/g)) if (!modelArrays.includes(m[1]!)) modelArrays.push(m[1]!);
  const arena = findArena(code, constants);
  return { scanned, resolvers, ...(arena ? { arena } : {}), modelArrays };
}

/** The arena size given to the interpreter (4th argument), through `sizeof(array)` and constants; else kTensorArenaSize. */
function findArena(code: string, constants: ReadonlyMap<string, Constant>): FirmwareSetup['arena'] {
  for (const m of code.matchAll(/\bMicroInterpreter\b\s*(?:[&*]\s*)?(?:[A-Za-z_]\w*\s*)?\(/g)) {
    const args = callArguments(code, m.index + m[0].length - 1);
    const size = args?.[3];
    if (!size) continue;
    const expr = code.slice(size.start, size.end);
    const array = /^sizeof\s*\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(expr)?.[1];
    if (array) {
      const decl = new RegExp(`\\b${array}\\s*\\[([^\\]]+)\\]`).exec(code);
      if (decl) {
        const start = decl.index + decl[0].indexOf('[') + 1;
        let end = start + decl[1]!.length;
        while (end > start && /\s/.test(code[end - 1]!)) end--;
        return { ...sizeValue(code.slice(start, end), { start, end }, constants), from: 'interpreter' };
      }
    }
    return { ...sizeValue(expr, size, constants), from: 'interpreter' };
  }
  const named = constants.get('kTensorArenaSize') ?? [...constants.values()].find((c) => /arena_?size|arena_?bytes/i.test(c.name));
  return named ? { ...sizeValue(named.name, named.span, constants), from: 'constant' } : undefined;
}
