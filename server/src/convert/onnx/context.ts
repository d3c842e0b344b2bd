/**
 * The converter's state while it walks the ONNX graph: what each ONNX value became (a constant kept in the converter,
 * or an activation tensor of the .tflite with the layout it is held in), node attributes, and the layout moves
 * (TRANSPOSE where unavoidable, constants permuted instead).
 */
import type { TensorRef } from '../../model/builder/index.js';
import type { Emitter } from '../common/emit.js';
import { channelsLast, inversePerm, layoutFreeReshape, permuteData, permuteShape } from '../common/layout.js';
import { ConvertError } from '../types.js';
import type { OnnxAttr, OnnxNode } from './reader.js';

/** A constant: float data as Float32Array, integers as Float64Array; `shape` in ONNX order. */
export interface Const {
  readonly kind: 'const';
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/**
 * An activation tensor of the .tflite. `shape` is the ONNX shape; `nchw` says the tensor holds it channels-last
 * (NCHW -> NHWC, rank 4 only). `rowPerm` (rank 2, from a Flatten of NCHW data): feature i of the tensor is ONNX feature
 * rowPerm[i]; only a FULLY_CONNECTED with constant weights may read it (it permutes its weights instead).
 */
export interface Act {
  readonly kind: 'act';
  readonly ref: TensorRef;
  readonly shape: readonly number[];
  readonly nchw: boolean;
  /** Known to hold no negative value (after RELU, RELU6, LOGISTIC): a zero pad is then as good as -inf for MAX_POOL. */
  readonly nonNegative?: boolean;
  /** Every row (last axis) sums to 1: a SOFTMAX, or the LOGISTIC of a binary classifier's scores (-s, s). */
  readonly sumsToOne?: boolean;
  readonly rowPerm?: Int32Array;
}

export type Value = Const | Act;

const NHWC = channelsLast(4);
const NCHW_OF_NHWC = inversePerm(NHWC);

export class Ctx {
  readonly values = new Map<string, Value>();
  readonly notes: string[] = [];
  /** Nodes already converted as part of another (a BatchNormalization folded, a Relu fused). */
  readonly absorbed = new Set<number>();

  constructor(
    readonly em: Emitter,
    readonly opset: number,
    /** Consumers of each value name (nodes still to convert read them). */
    private readonly consumers: ReadonlyMap<string, readonly OnnxNode[]>,
    private readonly graphOutputs: ReadonlySet<string>,
  ) {}

  /** A node's input `k`: its value, or a bad-model error when nothing produced it. */
  get(node: OnnxNode, k: number): Value {
    const name = node.inputs[k] ?? '';
    const v = name === '' ? undefined : this.values.get(name);
    if (!v) throw new ConvertError('bad-model', where(node), name === '' ? `input ${k} is missing` : `input '${name}' is not produced by any earlier node, initializer or graph input`);
    return v;
  }

  has(node: OnnxNode, k: number): boolean {
    return (node.inputs[k] ?? '') !== '';
  }

  constOf(node: OnnxNode, k: number, what: string): Const {
    const v = this.get(node, k);
    if (v.kind !== 'const') throw unsupported(node, `${what} (input ${k}) is computed at run time`, `a constant ${what}`);
    return v;
  }

  actOf(node: OnnxNode, k: number): Act {
    const v = this.get(node, k);
    if (v.kind !== 'act') throw new ConvertError('bad-model', where(node), `input ${k} is a constant where an activation was expected (should have been folded)`);
    return v;
  }

  set(name: string, v: Value): void {
    this.values.set(name, v);
  }

  /** The single node reading `name`, when nothing else does and it is not a graph output (so it can be fused away). */
  soleConsumer(name: string): OnnxNode | null {
    if (this.graphOutputs.has(name)) return null;
    const list = this.consumers.get(name) ?? [];
    return list.length === 1 ? list[0]! : null;
  }

  isOutput(name: string): boolean {
    return this.graphOutputs.has(name);
  }

  consumersOf(name: string): readonly OnnxNode[] {
    return this.consumers.get(name) ?? [];
  }

  note(line: string): void {
    this.notes.push(line);
  }

  /** The .tflite shape of an activation. */
  static tfliteShape(a: { shape: readonly number[]; nchw: boolean }): number[] {
    return a.nchw ? permuteShape(a.shape, NHWC) : [...a.shape];
  }

  /** `a` in NHWC (a TRANSPOSE when it is held in ONNX order). */
  toNhwc(a: Act, node: OnnxNode): Act {
    if (a.shape.length !== 4) throw unsupported(node, `needs a rank-4 NCHW input, got rank ${a.shape.length}`);
    if (a.rowPerm) throw new ConvertError('bad-model', where(node), 'a permuted flatten reached a spatial op');
    if (a.nchw) return a;
    this.note(`TRANSPOSE to NHWC inserted before ${describe(node)} (its input is not in a channels-last layout)`);
    const ref = this.em.op('TRANSPOSE', [a.ref, this.em.int32(`${a.ref.name}_perm`, [4], NHWC)], `${a.ref.name}_nhwc`, permuteShape(a.shape, NHWC));
    return { ...a, ref, nchw: true };
  }

  /** `a` held in ONNX order (a TRANSPOSE when its channels-last order differs from it). */
  toPlain(a: Act, node: OnnxNode): Act {
    if (a.rowPerm) throw new ConvertError('bad-model', where(node), 'a permuted flatten reached an op other than Gemm/MatMul');
    if (!a.nchw) return a;
    if (layoutFreeReshape(a.shape)) {
      const ref = this.em.op('RESHAPE', [a.ref, this.em.int32(`${a.ref.name}_shape`, [a.shape.length], [...a.shape])], `${a.ref.name}_nchw`, [...a.shape], { newShape: [...a.shape] });
      return { ...a, ref, nchw: false };
    }
    this.note(`TRANSPOSE to NCHW inserted before ${describe(node)} (it depends on ONNX's channel-first element order)`);
    const ref = this.em.op('TRANSPOSE', [a.ref, this.em.int32(`${a.ref.name}_perm`, [4], NCHW_OF_NHWC)], `${a.ref.name}_nchw`, [...a.shape]);
    return { ...a, ref, nchw: false };
  }

  /** A constant as a FLOAT32 tensor to combine with an activation of `rank` held `nchw` (aligned right, then permuted). */
  constTensor(c: Const, name: string, rank: number, nchw: boolean): TensorRef {
    if (!nchw || rank !== 4) return this.em.float(name, c.shape, c.data);
    const aligned = [...new Array<number>(Math.max(0, 4 - c.shape.length)).fill(1), ...c.shape];
    if (aligned.length !== 4) return this.em.float(name, c.shape, c.data);
    return this.em.float(name, permuteShape(aligned, NHWC), permuteData(c.data, aligned, NHWC));
  }

  attr(node: OnnxNode, name: string): OnnxAttr | undefined {
    return node.attrs.get(name);
  }

  int(node: OnnxNode, name: string, dflt: number): number {
    return node.attrs.get(name)?.i ?? dflt;
  }

  float(node: OnnxNode, name: string, dflt: number): number {
    const a = node.attrs.get(name);
    return a ? a.f ?? dflt : dflt;
  }

  ints(node: OnnxNode, name: string): readonly number[] | null {
    const a = node.attrs.get(name);
    return a ? a.ints ?? [] : null;
  }

  str(node: OnnxNode, name: string, dflt: string): string {
    const a = node.attrs.get(name);
    return a ? a.s ?? dflt : dflt;
  }
}

export function where(node: OnnxNode): string {
  return `node '${node.name}' (${node.opType})`;
}

export function describe(node: OnnxNode): string {
  return `${node.opType} '${node.name}'`;
}

/** The error for a node (or an attribute value of it) with no mapping. */
export function unsupported(node: OnnxNode, detail: string, needs: string | null = null): ConvertError {
  return new ConvertError('unsupported-op', where(node), detail, needs);
}

/** Normalizes an axis (negative counts from the end) or throws. */
export function axisOf(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) throw new ConvertError('bad-model', where(node), `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** The .tflite axis of ONNX axis `a` for an activation. */
export function tfliteAxis(act: { nchw: boolean; shape: readonly number[] }, a: number): number {
  return act.nchw ? inversePerm(NHWC)[a]! : a;
}

/** The element count of a shape. */
export const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
