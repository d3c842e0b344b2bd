/**
 * The converter's side of the model builder: values (a tensor and its shape, batch dimension first, always 1) and
 * ops appended with their output shapes stated, as the builder wants them.
 */
import type { SubgraphBuilder, TensorRef } from '../../model/builder/index.js';
import { ConvertError } from '../types.js';

export interface Value {
  readonly ref: TensorRef;
  readonly shape: readonly number[];
}

/** TFLite's fused activations (what TFLM's float kernels clamp to). */
export type Fused = 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1';

/** No activation tensor of a model TFLM could run comes near this (int32 element counts, with room to spare). */
const MAX_ELEMENTS = 2 ** 30;

export class Emitter {
  constructor(readonly g: SubgraphBuilder) {}

  constant(name: string, shape: readonly number[], data: ArrayLike<number>): TensorRef {
    return this.g.constant({ name: this.unique(name), shape: [...shape], dtype: 'FLOAT32', data: Array.from(data) });
  }

  ints(name: string, shape: readonly number[], data: readonly number[]): TensorRef {
    return this.g.constant({ name: this.unique(name), shape: [...shape], dtype: 'INT32', data: [...data] });
  }

  /** Appends a builtin op writing one float32 tensor of `shape`. */
  op(opName: string, name: string, inputs: readonly (TensorRef | null)[], shape: readonly number[], options?: Record<string, unknown>): Value {
    if (shape.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new ConvertError('bad-model', name, `the output shape [${shape.join(', ')}] is empty or invalid`);
    if (elements(shape) > MAX_ELEMENTS) throw new ConvertError('limit', name, `the output shape [${shape.join(', ')}] has more than ${MAX_ELEMENTS.toLocaleString('en-US')} elements`);
    const ref = this.g.op(opName, { inputs: [...inputs], output: { name: this.unique(name), shape: [...shape], dtype: 'FLOAT32' }, options: options as never });
    return { ref, shape };
  }

  /** Several outputs (SPLIT). */
  ops(opName: string, name: string, inputs: readonly TensorRef[], shapes: readonly (readonly number[])[], options?: Record<string, unknown>): Value[] {
    const refs = this.g.op(opName, { inputs: [...inputs], outputs: shapes.map((s, i) => ({ name: this.unique(`${name}/${i}`), shape: [...s], dtype: 'FLOAT32' as const })), options: options as never });
    return refs.map((ref, i) => ({ ref, shape: shapes[i]! }));
  }

  reshape(v: Value, shape: readonly number[], name: string): Value {
    if (shape.length === v.shape.length && shape.every((d, i) => d === v.shape[i])) return v;
    const target = this.ints(`${name}/shape`, [shape.length], shape);
    return this.op('RESHAPE', name, [v.ref, target], shape, { newShape: [...shape] });
  }

  private readonly used = new Set<string>();

  private unique(name: string): string {
    let n = name;
    for (let k = 1; this.used.has(n); k++) n = `${name}_${k}`;
    this.used.add(n);
    return n;
  }
}

export const elements = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);
