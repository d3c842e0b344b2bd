/**
 * Constant folding: nodes whose inputs are all constants (and Shape, whose result is static here) are computed by
 * the converter, so the shape arithmetic PyTorch exports (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) and
 * constant subexpressions leave no op in the .tflite.
 */
import { permuteData, permuteShape } from '../common/layout.js';
import { ConvertError } from '../types.js';
import { axisOf, count, unsupported, where, type Const, type Ctx } from './context.js';
import { broadcast } from './ops-elementwise.js';
import { reshapeTarget } from './ops-shape.js';
import { ONNX_LIMITS, type OnnxNode, type OnnxTensor } from './reader.js';

const FLOAT_TYPES = new Set(['FLOAT', 'DOUBLE', 'FLOAT16']);

export function constOfTensor(t: OnnxTensor): Const {
  return { kind: 'const', shape: t.dims, data: t.data };
}

/** Ops folded when their inputs are constants. */
export const FOLDABLE: ReadonlySet<string> = new Set(['Constant', 'Shape', 'Identity', 'Cast', 'Gather', 'Unsqueeze', 'Squeeze', 'Reshape', 'Flatten', 'Concat',
  'Add', 'Sub', 'Mul', 'Div', 'Slice', 'Transpose', 'ConstantOfShape', 'Sqrt', 'Reciprocal', 'Neg', 'Floor', 'Ceil', 'Dropout', 'Range',
  // The comparisons and logic of an If's condition (a sample rate, a rank, a batch size), and Size (static here).
  'Size', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not']);

/** Comparisons and logic (BOOL results, held as 0/1 integers). */
const LOGIC: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  Equal: (a, b) => a === b, Less: (a, b) => a < b, Greater: (a, b) => a > b, LessOrEqual: (a, b) => a <= b,
  GreaterOrEqual: (a, b) => a >= b, And: (a, b) => a !== 0 && b !== 0, Or: (a, b) => a !== 0 || b !== 0, Xor: (a, b) => (a !== 0) !== (b !== 0),
};

const ints = (d: Float32Array | Float64Array): number[] => Array.from(d);

/** Folds the node when it can be (its result set as a constant); false when an input is computed at run time. */
export function tryFold(ctx: Ctx, node: OnnxNode): boolean {
  if (!FOLDABLE.has(node.opType) || node.domain !== '') return false;
  const out = node.outputs[0]!;
  if (node.opType === 'Constant') {
    ctx.set(out, constantNode(node));
    return true;
  }
  if (node.opType === 'Shape') {
    const v = ctx.get(node, 0);
    const r = v.shape.length;
    const start = ctx.int(node, 'start', 0);
    const end = node.attrs.has('end') ? ctx.int(node, 'end', r) : r;
    const s = v.shape.slice(start < 0 ? start + r : start, end < 0 ? end + r : end);
    ctx.set(out, { kind: 'const', shape: [s.length], data: Float64Array.from(s) });
    return true;
  }
  if (node.opType === 'Size') {
    ctx.set(out, { kind: 'const', shape: [], data: Float64Array.of(count(ctx.get(node, 0).shape)) });
    return true;
  }
  const inputs = node.inputs.map((name, k) => (name === '' ? null : ctx.get(node, k)));
  if (inputs.some((v) => v !== null && v.kind !== 'const')) return false;
  const c = inputs as (Const | null)[];
  const x = c[0]!;
  const set = (shape: readonly number[], data: Float32Array | Float64Array): void => ctx.set(out, { kind: 'const', shape, data });
  switch (node.opType) {
    case 'Identity': case 'Dropout': return set(x.shape, x.data), true;
    case 'Cast': {
      const to = ctx.int(node, 'to', 1);
      const isFloat = to === 1 || to === 10 || to === 11 || to === 16;
      return set(x.shape, isFloat ? Float32Array.from(x.data) : Float64Array.from(x.data, (v) => Math.trunc(v))), true;
    }
    case 'Unsqueeze': case 'Squeeze': case 'Reshape': case 'Flatten':
      return set(reshapeTarget(ctx, node, x.shape), x.data), true;
    case 'Transpose': {
      const perm = ctx.ints(node, 'perm') ?? x.shape.map((_, k) => x.shape.length - 1 - k);
      return set(permuteShape(x.shape, perm), permuteData(x.data, x.shape, perm)), true;
    }
    case 'Concat': {
      const parts = c.filter((v): v is Const => v !== null);
      const axis = axisOf(node, ctx.int(node, 'axis', 0), x.shape.length);
      return set(...concat(parts, axis)), true;
    }
    case 'Gather': return set(...gather(node, x, c[1]!, axisOf(node, ctx.int(node, 'axis', 0), x.shape.length))), true;
    case 'Slice': return set(...slice(node, x, c)), true;
    case 'ConstantOfShape': {
      const shape = ints(x.data);
      if (shape.some((d) => d < 0) || count(shape) > ONNX_LIMITS.maxTensorElements) throw new ConvertError('limit', where(node), `shape [${shape.join(',')}] is too large to fold`);
      const t = node.attrs.get('value')?.t;
      const v = t?.data[0] ?? 0;
      return set(shape, t && !FLOAT_TYPES.has(t.dtype) ? new Float64Array(count(shape)).fill(v) : new Float32Array(count(shape)).fill(v)), true;
    }
    case 'Range': {
      const [start, limit, delta] = [c[0]!.data[0]!, c[1]!.data[0]!, c[2]!.data[0]!];
      const n = Math.max(0, Math.ceil((limit - start) / delta));
      if (!Number.isFinite(n) || n > 1 << 24) throw new ConvertError('limit', where(node), 'range too long to fold');
      const out = x.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
      for (let k = 0; k < n; k++) out[k] = start + k * delta;
      return set([n], out), true;
    }
    case 'Not': return set(x.shape, Float64Array.from(x.data, (v) => (v === 0 ? 1 : 0))), true;
    case 'Sqrt': case 'Reciprocal': case 'Neg': case 'Floor': case 'Ceil': {
      const f = { Sqrt: Math.sqrt, Reciprocal: (v: number) => 1 / v, Neg: (v: number) => -v, Floor: Math.floor, Ceil: Math.ceil }[node.opType]!;
      return set(x.shape, x.data.map(f)), true;
    }
    default: {
      const logic = LOGIC[node.opType];
      if (logic) {
        const [shape, data] = elementwise(node, x, c[1]!, (a, b) => (logic(a, b) ? 1 : 0));
        return set(shape, Float64Array.from(data)), true;
      }
      const f = { Add: (a: number, b: number) => a + b, Sub: (a: number, b: number) => a - b, Mul: (a: number, b: number) => a * b,
        Div: (a: number, b: number) => (x.data instanceof Float64Array ? Math.trunc(a / b) : a / b) }[node.opType];
      if (!f) return false;
      return set(...elementwise(node, x, c[1]!, f)), true;
    }
  }
}

function constantNode(node: OnnxNode): Const {
  const a = [...node.attrs.values()][0];
  if (!a) throw new ConvertError('bad-model', where(node), 'a Constant without a value');
  switch (a.name) {
    case 'value': if (a.t) return constOfTensor(a.t); break;
    case 'value_float': return { kind: 'const', shape: [], data: Float32Array.of(a.f ?? 0) };
    case 'value_floats': return { kind: 'const', shape: [a.floats!.length], data: Float32Array.from(a.floats!) };
    case 'value_int': return { kind: 'const', shape: [], data: Float64Array.of(a.i ?? 0) };
    case 'value_ints': return { kind: 'const', shape: [a.ints!.length], data: Float64Array.from(a.ints!) };
    default: break;
  }
  throw unsupported(node, `a Constant given as '${a.name}'`, 'value, value_float(s) or value_int(s)');
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

function elementwise(node: OnnxNode, a: Const, b: Const, f: (x: number, y: number) => number): [number[], Float32Array | Float64Array] {
  const shape = broadcast(a.shape, b.shape);
  if (!shape) throw new ConvertError('bad-model', where(node), `shapes [${a.shape.join(',')}] and [${b.shape.join(',')}] do not broadcast`);
  const n = count(shape);
  const out = a.data instanceof Float32Array || b.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  const os = strides(shape);
  const index = (c: Const, o: number): number => {
    const cs = strides(c.shape);
    let at = 0;
    for (let k = 0; k < c.shape.length; k++) {
      const ok = k + shape.length - c.shape.length;
      const i = Math.floor(o / os[ok]!) % shape[ok]!;
      at += (c.shape[k] === 1 ? 0 : i) * cs[k]!;
    }
    return at;
  };
  for (let o = 0; o < n; o++) out[o] = f(a.data[index(a, o)]!, b.data[index(b, o)]!);
  return [shape, out];
}

function concat(parts: readonly Const[], axis: number): [number[], Float32Array | Float64Array] {
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((n, p) => n + p.shape[axis]!, 0);
  const outer = count(shape.slice(0, axis));
  const out = parts.some((p) => p.data instanceof Float32Array) ? new Float32Array(count(shape)) : new Float64Array(count(shape));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const inner = count(p.shape.slice(axis));
      out.set(p.data.subarray(o * inner, (o + 1) * inner), at);
      at += inner;
    }
  }
  return [shape, out];
}

function gather(node: OnnxNode, x: Const, idx: Const, axis: number): [number[], Float32Array | Float64Array] {
  const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
  const outer = count(x.shape.slice(0, axis));
  const inner = count(x.shape.slice(axis + 1));
  const dim = x.shape[axis]!;
  const out = new (x.data.constructor as Float32ArrayConstructor)(count(shape));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of idx.data) {
      const i = raw < 0 ? raw + dim : raw;
      if (i < 0 || i >= dim) throw new ConvertError('bad-model', where(node), `index ${raw} out of range for ${dim}`);
      out.set(x.data.subarray((o * dim + i) * inner, (o * dim + i + 1) * inner), at);
      at += inner;
    }
  }
  return [shape, out];
}

/** A Slice's window over `shape`: start, step and size per axis (inputs `c` after the data; attributes before opset 10). */
export function sliceWindow(node: OnnxNode, shape: readonly number[], c: readonly (Const | null)[]): { begin: number[]; step: number[]; size: number[] } {
  const rank = shape.length;
  // Before opset 10, starts/ends/axes are attributes.
  const attr = c.length === 1;
  const starts = attr ? [...(node.attrs.get('starts')?.ints ?? [])] : ints(c[1]!.data);
  const ends = attr ? [...(node.attrs.get('ends')?.ints ?? [])] : ints(c[2]!.data);
  const axesGiven = attr ? node.attrs.get('axes')?.ints ?? null : c[3] ? ints(c[3].data) : null;
  const axes = axesGiven ? axesGiven.map((a) => axisOf(node, a, rank)) : starts.map((_, k) => k);
  const steps = !attr && c[4] ? ints(c[4].data) : starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) throw new ConvertError('bad-model', where(node), 'starts, ends, axes and steps differ in length');
  const begin = shape.map(() => 0);
  const step = shape.map(() => 1);
  const size = [...shape];
  axes.forEach((a, k) => {
    const d = shape[a]!;
    const s = steps[k]!;
    if (s === 0) throw new ConvertError('bad-model', where(node), 'slice step 0');
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const b = s > 0 ? clamp(starts[k]!, 0, d) : clamp(starts[k]!, -1, d - 1);
    const e = s > 0 ? clamp(ends[k]!, 0, d) : clamp(ends[k]!, -1, d - 1);
    begin[a] = b;
    step[a] = s;
    size[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  return { begin, step, size };
}

function slice(node: OnnxNode, x: Const, c: readonly (Const | null)[]): [number[], Float32Array | Float64Array] {
  const rank = x.shape.length;
  const { begin, step, size } = sliceWindow(node, x.shape, c);
  const n = count(size);
  const out = new (x.data.constructor as Float32ArrayConstructor)(n);
  const xs = strides(x.shape);
  const os = strides(size);
  for (let o = 0; o < n; o++) {
    let at = 0;
    for (let k = 0; k < rank; k++) at += (begin[k]! + (Math.floor(o / os[k]!) % size[k]!) * step[k]!) * xs[k]!;
    out[o] = x.data[at]!;
  }
  return [size, out];
}
