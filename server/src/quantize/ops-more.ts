/**
 * The interpreter's cases for the shape and layout ops (TRANSPOSE, SQUEEZE, EXPAND_DIMS, GATHER, STRIDED_SLICE,
 * PACK, SPLIT, SPLIT_V, SHAPE), the resizes and HARD_SWISH / LEAKY_RELU: shape checks as located errors when the
 * interpreter is made, then a kernel. Integer parameters (perm, begin / end / strides, indices, axes, sizes) must be
 * constants, or outputs of ops the interpreter folded into constants (the Keras SHAPE -> STRIDED_SLICE -> PACK chain).
 */
import type { Operator, Subgraph, Tensor } from '../model/ir.js';
import type { Clamp } from './gemm.js';
import type { QuantizeError } from './errors.js';
import { concatenate } from './kernels-tensor.js';
import { gatherBy, gatherMap, resizeBilinear, resizeNearestMap, sliceAxis, sliceMap, splitMaps, transposeMap } from './kernels-shape.js';

type Exec = (v: readonly Float32Array[]) => void;

/** What a case needs from the interpreter while it compiles one op. */
export interface OpContext {
  readonly graph: Subgraph;
  readonly op: Operator;
  /** The op's first output. */
  readonly output: Tensor;
  tensor(k: number): Tensor;
  /** The values of input k, which must be a constant (or folded); `what` names it in the error. */
  constant(k: number, what: string): Float32Array;
  fail(detail: string): QuantizeError;
  unsupported(detail: string): QuantizeError;
  act(): Clamp;
}

/** The ops this module compiles. */
export const MORE_OPS = [
  'TRANSPOSE', 'SQUEEZE', 'EXPAND_DIMS', 'GATHER', 'STRIDED_SLICE', 'PACK', 'SPLIT', 'SPLIT_V', 'SHAPE',
  'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'HARD_SWISH', 'LEAKY_RELU',
] as const;

/** Ops with several outputs (every other op has exactly one). */
export const MULTI_OUTPUT_OPS: ReadonlySet<string> = new Set(['SPLIT', 'SPLIT_V']);

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Compiles one of `MORE_OPS`; null for any other op. */
export function compileMore(c: OpContext): Exec | null {
  const { op, output } = c;
  const x = op.inputs[0] ?? -1;
  const o = op.outputs[0] ?? -1;
  const expect = (shape: readonly number[]): void => {
    if (!same(shape, output.shape)) throw c.fail(`output shape ${shapeText(output.shape)}, the op computes ${shapeText(shape)}`);
  };
  const axisOf = (a: number, rank: number): number => {
    const r = a < 0 ? a + rank : a;
    if (!Number.isInteger(r) || r < 0 || r >= rank) throw c.fail(`axis ${a} is out of range for rank ${rank}`);
    return r;
  };
  switch (op.opName) {
    case 'TRANSPOSE': {
      const xt = c.tensor(0);
      const perm = [...c.constant(1, 'permutation')];
      if (perm.length !== xt.shape.length || !same([...perm].sort((a, b) => a - b), perm.map((_, i) => i))) throw c.fail(`permutation [${perm.join(', ')}] does not fit rank ${xt.shape.length}`);
      expect(perm.map((p) => xt.shape[p]!));
      const f = gatherBy(transposeMap(xt.shape, perm));
      return (v) => f(v[x]!, v[o]!);
    }
    case 'SQUEEZE':
    case 'EXPAND_DIMS': {
      if (c.tensor(0).elementCount !== output.elementCount) throw c.fail(`output has ${output.elementCount} elements, the input ${c.tensor(0).elementCount}`);
      return (v) => v[o]!.set(v[x]!);
    }
    case 'SHAPE': {
      // Shapes are static here, so SHAPE is a constant: the interpreter folds it and every integer op after it.
      const shape = c.tensor(0).shape;
      if (output.elementCount !== shape.length) throw c.fail(`output holds ${output.elementCount} values, the input has rank ${shape.length}`);
      return (v) => v[o]!.set(shape);
    }
    case 'GATHER': {
      const xt = c.tensor(0);
      const indices = [...c.constant(1, 'indices')];
      const axis = axisOf(Number(op.options.axis ?? 0), xt.shape.length);
      if (Number(op.options.batchDims ?? 0) !== 0) throw c.unsupported(`batch_dims ${String(op.options.batchDims)} is not supported (0 only)`);
      const n = xt.shape[axis]!;
      const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= n);
      if (bad !== undefined) throw c.fail(`index ${bad} is out of range [0, ${n})`);
      expect([...xt.shape.slice(0, axis), ...c.tensor(1).shape, ...xt.shape.slice(axis + 1)]);
      const f = gatherBy(gatherMap(xt.shape, axis, indices));
      return (v) => f(v[x]!, v[o]!);
    }
    case 'STRIDED_SLICE': {
      const xt = c.tensor(0);
      const rank = xt.shape.length;
      const [begin, end, strides] = [c.constant(1, 'begin'), c.constant(2, 'end'), c.constant(3, 'strides')];
      const opt = (k: string): number => Number(op.options[k] ?? 0);
      if (opt('ellipsisMask') !== 0 || opt('newAxisMask') !== 0) throw c.unsupported('ellipsis_mask and new_axis_mask are not supported');
      if (op.options.offset === true) throw c.unsupported('offset=true is not supported');
      if (begin.length !== rank || end.length !== rank || strides.length !== rank) throw c.fail(`begin, end and strides need ${rank} values each`);
      if ([...strides].some((s) => s === 0 || !Number.isInteger(s))) throw c.fail('a stride is 0');
      const bit = (mask: string, d: number): boolean => ((opt(mask) >> d) & 1) === 1;
      const axes = xt.shape.map((size, d) => sliceAxis(size, begin[d]!, end[d]!, strides[d]!, bit('beginMask', d), bit('endMask', d), bit('shrinkAxisMask', d)));
      const full = axes.map((a) => a.count);
      const shrunk = full.filter((_, d) => !bit('shrinkAxisMask', d));
      expect(shrunk);
      const f = gatherBy(sliceMap(xt.shape, axes.map((a) => a.start), [...strides], full));
      return (v) => f(v[x]!, v[o]!);
    }
    case 'PACK': {
      const parts = op.inputs.map((_, k) => c.tensor(k));
      const first = parts[0]!;
      const axis = axisOf(Number(op.options.axis ?? 0), first.shape.length + 1);
      if (parts.some((t) => !same(t.shape, first.shape))) throw c.fail('the packed inputs differ in shape');
      const expanded = [...first.shape.slice(0, axis), 1, ...first.shape.slice(axis)];
      expect(expanded.map((d, i) => (i === axis ? parts.length : d)));
      const clampTo: Clamp = [-Infinity, Infinity];
      return (v) => concatenate(op.inputs.map((i) => v[i]!), parts.map(() => expanded), axis, clampTo, v[o]!);
    }
    case 'SPLIT':
    case 'SPLIT_V': {
      const split = op.opName === 'SPLIT';
      const xt = c.tensor(split ? 1 : 0);
      const axis = axisOf(c.constant(split ? 0 : 2, 'axis')[0] ?? NaN, xt.shape.length);
      const size = xt.shape[axis]!;
      let sizes: number[];
      if (split) {
        const parts = op.outputs.length;
        if (size % parts !== 0) throw c.fail(`dimension ${size} does not split into ${parts}`);
        sizes = op.outputs.map(() => size / parts);
      } else {
        sizes = [...c.constant(1, 'size_splits')];
        const rest = size - sizes.filter((s) => s >= 0).reduce((a, s) => a + s, 0);
        sizes = sizes.map((s) => (s < 0 ? rest : s));
      }
      if (sizes.length !== op.outputs.length || sizes.reduce((a, s) => a + s, 0) !== size || sizes.some((s) => s < 0)) throw c.fail(`sizes [${sizes.join(', ')}] do not split dimension ${size} into ${op.outputs.length}`);
      op.outputs.forEach((i, k) => {
        const t = c.graph.tensors[i];
        const want = xt.shape.map((d, j) => (j === axis ? sizes[k]! : d));
        if (!t || !same(t.shape, want)) throw c.fail(`output ${k} has shape ${shapeText(t?.shape ?? [])}, the split gives ${shapeText(want)}`);
      });
      const maps = splitMaps(xt.shape, axis, sizes).map(gatherBy);
      const input = op.inputs[split ? 1 : 0]!;
      return (v) => maps.forEach((f, k) => f(v[input]!, v[op.outputs[k]!]!));
    }
    case 'RESIZE_BILINEAR':
    case 'RESIZE_NEAREST_NEIGHBOR': {
      const xt = c.tensor(0);
      const size = c.constant(1, 'size');
      if (xt.shape.length !== 4 || size.length !== 2) throw c.fail(`input ${shapeText(xt.shape)} must be 4-D (NHWC) and the size 2 values`);
      const [outH, outW] = [size[0]!, size[1]!];
      expect([xt.shape[0]!, outH, outW, xt.shape[3]!]);
      const align = op.options.alignCorners === true;
      const half = op.options.halfPixelCenters === true;
      if (align && half) throw c.fail('align_corners and half_pixel_centers are both set');
      if (op.opName === 'RESIZE_BILINEAR') return (v) => resizeBilinear(v[x]!, xt.shape, outH, outW, align, half, v[o]!);
      const f = gatherBy(resizeNearestMap(xt.shape, outH, outW, align, half));
      return (v) => f(v[x]!, v[o]!);
    }
    case 'HARD_SWISH':
    case 'LEAKY_RELU': {
      if (c.tensor(0).elementCount !== output.elementCount) throw c.fail(`output has ${output.elementCount} elements, the input ${c.tensor(0).elementCount}`);
      const alpha = Math.fround(Number(op.options.alpha ?? 0.2));
      if (op.opName === 'LEAKY_RELU') {
        return (v) => {
          const [a, b] = [v[x]!, v[o]!];
          for (let i = 0; i < a.length; i++) b[i] = a[i]! > 0 ? a[i]! : alpha * a[i]!;
        };
      }
      return (v) => {
        const [a, b] = [v[x]!, v[o]!];
        for (let i = 0; i < a.length; i++) {
          const t = a[i]!;
          b[i] = (t * Math.min(6, Math.max(0, t + 3))) / 6;
        }
      };
    }
    default:
      return null;
  }
}
