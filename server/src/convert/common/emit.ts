/**
 * A small float32 emitter over the model builder for the converters: unique tensor names, float and int32 constants,
 * and one-output ops whose output is a new FLOAT32 tensor of a shape the converter computed.
 */
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from '../../model/builder/index.js';
import { ConvertError } from '../types.js';

/** The most elements one tensor of a converted model may have (4 GiB of float32 would not fit any target anyway). */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/** A shape the .tflite can hold: int32 dims, at most MAX_TENSOR_ELEMENTS elements; else a located `limit` error. */
export function checkShape(name: string, shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0x7fffffff) throw new ConvertError('limit', `tensor '${name}'`, `dimension ${d} of [${shape.join(',')}] is not a size a .tflite holds`);
    n *= d;
  }
  if (n > MAX_TENSOR_ELEMENTS) throw new ConvertError('limit', `tensor '${name}'`, `[${shape.join(',')}] has ${n} elements, more than ${MAX_TENSOR_ELEMENTS}`);
}

/** Runs a builder call; the builder's own refusals (a value outside its type, an option it cannot write) become bad-model. */
function built<T>(name: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ConvertError) throw e;
    throw new ConvertError('bad-model', `tensor '${name}'`, `cannot be written: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export class Emitter {
  readonly model: ModelBuilder;
  readonly graph: SubgraphBuilder;
  private readonly used = new Set<string>();
  /** How many ops of each TFLite kind were written (for notes and tests). */
  readonly counts = new Map<string, number>();

  constructor(description: string) {
    this.model = new ModelBuilder({ description });
    this.graph = this.model.subgraph('main');
  }

  /** `base`, or `base_2`, `base_3`... when taken (ONNX and Keras names are unique per graph, ours added beside them are not). */
  name(base: string): string {
    let n = base || 'tensor';
    for (let k = 2; this.used.has(n); k++) n = `${base}_${k}`;
    this.used.add(n);
    return n;
  }

  input(name: string, shape: readonly number[]): TensorRef {
    checkShape(name, shape);
    return built(name, () => this.graph.input({ name: this.name(name), shape, dtype: 'FLOAT32' }));
  }

  float(name: string, shape: readonly number[], data: ArrayLike<number>): TensorRef {
    checkShape(name, shape);
    return built(name, () => this.graph.constant({ name: this.name(name), shape, dtype: 'FLOAT32', data }));
  }

  int32(name: string, shape: readonly number[], data: readonly number[]): TensorRef {
    checkShape(name, shape);
    const bad = data.find((v) => !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff);
    if (bad !== undefined) throw new ConvertError('limit', `tensor '${name}'`, `value ${bad} does not fit an int32 (shapes, pads and axes are int32 in a .tflite)`);
    return built(name, () => this.graph.constant({ name: this.name(name), shape, dtype: 'INT32', data }));
  }

  /** Appends `op` (a builtin with a single FLOAT32 output of `shape`). `options` are checked by the builder. */
  op(op: string, inputs: readonly (TensorRef | null)[], name: string, shape: readonly number[], options?: Record<string, unknown>): TensorRef {
    checkShape(name, shape);
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const spec = { inputs, output: { name: this.name(name), shape, dtype: 'FLOAT32' as const }, ...(options ? { options } : {}) };
    return built(name, () => this.graph.op(op, spec as Parameters<SubgraphBuilder['op']>[1] & { output: never }));
  }

  /** Appends `op` with several FLOAT32 outputs (SPLIT). */
  multi(op: string, inputs: readonly (TensorRef | null)[], names: readonly string[], shapes: readonly (readonly number[])[], options?: Record<string, unknown>): TensorRef[] {
    shapes.forEach((shape, k) => checkShape(names[k]!, shape));
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const outputs = shapes.map((shape, k) => ({ name: this.name(names[k]!), shape, dtype: 'FLOAT32' as const }));
    return built(names[0] ?? op, () => this.graph.op(op, { inputs, outputs, ...(options ? { options } : {}) } as Parameters<SubgraphBuilder['op']>[1] & { outputs: never }));
  }

  finish(outputs: readonly TensorRef[]): Uint8Array {
    this.graph.output(...outputs);
    return built('model', () => this.model.finish());
  }
}
