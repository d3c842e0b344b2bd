/**
 * Manifest text -> typed manifest with spans. YAML and JSON go through the same `yaml` parser (JSON is YAML 1.2 flow
 * syntax), so a `.tinyml.json` gets the same located errors. Pure: no I/O, never throws.
 */
import { isMap, isScalar, isSeq, parseDocument, visit, type Node, type Pair, type YAMLMap } from 'yaml';
import { fastManifestRoot } from './fast-parse.js';
import { fieldsAt, type FieldSpec } from './keys.js';
import { suggest } from './suggest.js';
import type { ExpectedType, FieldOccurrence, InputShapeEntry, Located, Manifest, ManifestProblem, ParseResult, Span, TargetRef } from './types.js';
import { isQuantityError, parseQuantity, type Quantity } from './units.js';

type Value = string | number | Quantity | TargetRef | readonly InputShapeEntry[];

/**
 * The parser options. `uniqueKeys` is off because yaml checks it by comparing each key with every earlier key of its
 * mapping (quadratic: 30,000 unknown keys took 13 s); `duplicateKeys` does the same check with a Set per mapping.
 */
export const YAML_OPTIONS = { prettyErrors: false, strict: true, uniqueKeys: false } as const;

/** Counts the duplicate check's work, for tests: one `lookups` per key looked up. */
export interface KeyCheckProbe {
  lookups: number;
}

/** Parses a manifest. Unknown keys, wrong types and bad units become problems; the valid rest is kept. */
export function parseManifest(text: string, options: { fastPath?: boolean } = {}): ParseResult {
  const problems: ManifestProblem[] = [];
  const values = new Map<string, Located<Value>>();
  const fields: FieldOccurrence[] = [];
  try {
    // The common hand-written shapes take the fast path (the same nodes, built directly); the rest goes to yaml.
    const fast = options.fastPath === false ? null : fastManifestRoot(text);
    const doc = fast ? { errors: [], contents: fast } : parseDocument(text, YAML_OPTIONS);
    for (const e of doc.errors) problems.push({ code: 'syntax', span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) }, detail: firstLine(e.message) });
    // A duplicated budget is an error worth showing, not a silent override.
    if (doc.contents) for (const span of duplicateKeys(doc.contents)) problems.push({ code: 'syntax', span, detail: 'Map keys must be unique' });
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
      problems.push({ code: 'missing-key', span: { start: 0, end: 0 }, path: 'model' });
    } else if (!isMap(root)) {
      problems.push({ code: 'wrong-type', span: spanOf(root), path: '', expected: 'mapping', got: describe(root) });
    } else {
      walkMap(root, '', { problems, values, fields });
      if (!values.has('model') && doc.errors.length === 0 && !problems.some((p) => p.code === 'wrong-type' && p.path === 'model')) {
        problems.push({ code: 'missing-key', span: { start: spanOf(root).start, end: spanOf(root).start }, path: 'model' });
      }
    }
  } catch (e) {
    // The yaml parser reports errors in doc.errors; this is the last line of defence for the never-throws promise.
    problems.push({ code: 'syntax', span: { start: 0, end: 0 }, detail: (e as Error).message });
  }
  return { manifest: assemble(values, fields), problems };
}

/**
 * The keys that repeat an earlier key of the same mapping, in every mapping of the document (keys compared as yaml
 * does: scalars by value), in document order. One Set per mapping: linear in the number of keys.
 */
export function duplicateKeys(root: Node, probe?: KeyCheckProbe): Span[] {
  const found: Span[] = [];
  visit(root, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || (typeof key.value === 'object' && key.value !== null)) continue;
        if (probe) probe.lookups++;
        if (seen.has(key.value)) found.push(spanOf(key));
        else seen.add(key.value);
      }
    },
  });
  return found;
}

interface Sink {
  problems: ManifestProblem[];
  values: Map<string, Located<Value>>;
  fields: FieldOccurrence[];
}

function walkMap(map: YAMLMap, path: string, sink: Sink): void {
  const allowed = fieldsAt(path) ?? {};
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== 'string') {
      if (key !== null && key !== undefined) {
        sink.problems.push({ code: 'wrong-type', span: spanOf(key as Node), path, expected: 'string', got: describe(key as Node) });
      }
      continue;
    }
    const name = key.value;
    const fieldPath = path === '' ? name : `${path}.${name}`;
    const keySpan = spanOf(key);
    const value = (pair.value ?? null) as Node | null;
    const valueSpan = value && value.range ? spanOf(value) : { start: keySpan.end, end: keySpan.end };
    sink.fields.push({ path: fieldPath, keySpan, valueSpan });
    const spec = allowed[name];
    if (!spec) {
      sink.problems.push({ code: 'unknown-key', span: keySpan, path: fieldPath, key: name, suggestions: suggest(name, Object.keys(allowed)) });
      continue;
    }
    readField(spec, fieldPath, value, keySpan, valueSpan, sink);
  }
}

function readField(spec: FieldSpec, path: string, node: Node | null, keySpan: Span, span: Span, sink: Sink): void {
  const isEmpty = node === null || (isScalar(node) && node.value === null);
  const wrong = (expected: ExpectedType): void => {
    sink.problems.push({ code: 'wrong-type', span, path, expected, got: node ? describe(node) : 'nothing' });
  };
  const set = (value: Value): void => {
    sink.values.set(path, { value, span, keySpan });
  };
  switch (spec.value.type) {
    case 'section':
      if (isEmpty) return; // `budgets:` with nothing under it yet: the author is typing.
      if (isMap(node)) walkMap(node, path, sink);
      else wrong('mapping');
      return;
    case 'target':
      if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') set({ kind: 'id', id: node.value.trim() });
      else if (isMap(node)) {
        walkMap(node, path, sink);
        for (const [k, f] of Object.entries(fieldsAt('target') ?? {})) {
          if (f.required && !sink.fields.some((o) => o.path === `target.${k}`)) sink.problems.push({ code: 'missing-key', span: keySpan, path: `target.${k}` });
        }
        set({ kind: 'inline', board: {} });
      } else wrong('target');
      return;
    case 'shapes': {
      if (isEmpty) return;
      if (!isMap(node)) {
        wrong('mapping');
        return;
      }
      const entries: InputShapeEntry[] = [];
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        const key = pair.key as Node | null;
        const value = (pair.value ?? null) as Node | null;
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) continue;
        const entryPath = `${path}.${String(key.value)}`;
        const entrySpan = value?.range ? spanOf(value) : spanOf(key);
        // A shape is a list of whole dimensions >= 1, e.g. [1, 96, 96, 3].
        const dims = isSeq(value) ? value.items.map((d) => (isScalar(d) && typeof d.value === 'number' && Number.isSafeInteger(d.value) && d.value >= 1 ? d.value : NaN)) : [];
        if (dims.length === 0 || dims.some((d) => Number.isNaN(d))) {
          sink.problems.push({ code: 'wrong-type', span: entrySpan, path: entryPath, expected: 'shape', got: value ? describe(value) : 'nothing' });
          continue;
        }
        const input = typeof key.value === 'number' ? key.value : /^\d+$/.test(key.value.trim()) ? Number(key.value.trim()) : key.value;
        entries.push({ input, shape: dims, span: entrySpan, keySpan: spanOf(key) });
      }
      set(entries);
      return;
    }
    case 'path':
    case 'string':
      if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') set(node.value.trim());
      else wrong('string');
      return;
    case 'integer':
      if (isScalar(node) && typeof node.value === 'number' && Number.isSafeInteger(node.value) && node.value >= 0) set(node.value);
      else wrong('integer');
      return;
    case 'number':
      if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value) && node.value >= 0) set(node.value);
      else wrong('number');
      return;
    case 'quantity': {
      if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
        wrong('quantity');
        return;
      }
      // Numbers are re-read from their source text so `1e3` and `180` keep their spelling in messages.
      const text = typeof node.value === 'number' ? (node.source ?? String(node.value)) : node.value;
      const q = parseQuantity(text, spec.value.kind);
      if (isQuantityError(q)) sink.problems.push({ code: 'bad-unit', span, path, text, error: q });
      else set(q);
      return;
    }
  }
}

function assemble(values: Map<string, Located<Value>>, fields: FieldOccurrence[]): Manifest {
  const get = <T extends Value>(path: string): Located<T> | undefined => values.get(path) as Located<T> | undefined;
  let target = get<TargetRef>('target');
  if (target?.value.kind === 'inline') {
    const board = {
      sram: get<Quantity>('target.sram'),
      flash: get<Quantity>('target.flash'),
      core: get<string>('target.core'),
      clock: get<Quantity>('target.clock'),
    };
    target = { ...target, value: { kind: 'inline', board: dropUndefined(board) } };
  }
  return dropUndefined({
    model: get<string>('model'),
    target,
    runtime: get<string>('runtime'),
    clock: get<Quantity>('clock'),
    inputShapes: get<readonly InputShapeEntry[]>('input_shapes'),
    arenaRegion: get<string>('arena_region'),
    budgets: dropUndefined({ ram: get<Quantity>('budgets.ram'), flash: get<Quantity>('budgets.flash'), latency: get<Quantity>('budgets.latency'), energy: get<Quantity>('budgets.energy') }),
    reserve: dropUndefined({ ram: get<Quantity>('reserve.ram'), flash: get<Quantity>('reserve.flash') }),
    firmware: dropUndefined({ elf: get<string>('firmware.elf'), map: get<string>('firmware.map') }),
    cloud: dropUndefined({
      link: get<string>('cloud.link'),
      inferences_per_day: get<number>('cloud.inferences_per_day'),
      input_bytes: get<number>('cloud.input_bytes'),
      output_bytes: get<number>('cloud.output_bytes'),
    }),
    fields,
  });
}

/** exactOptionalPropertyTypes-friendly objects: absent fields are absent, not `undefined`. */
function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function spanOf(node: Node): Span {
  const range = node.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

function describe(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isScalar(node)) {
    if (node.value === null) return 'nothing';
    if (typeof node.value === 'number') return `the number ${node.source ?? String(node.value)}`;
    if (typeof node.value === 'boolean') return `the boolean ${String(node.value)}`;
    return `the text '${String(node.value)}'`;
  }
  return 'a list';
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
