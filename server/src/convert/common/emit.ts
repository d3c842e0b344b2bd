/**
 * A small float32 emitter over the model builder for the converters: unique tensor names, float and int32 constants,
 * and one-output ops whose output is a new FLOAT32 tensor of a shape the converter computed.
 */
import { ModelBuilder, type SubgraphBuilder, type TensorRef } from '../../model/builder/index.js';

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
    return this.graph.input({ name: this.name(name), shape, dtype: 'FLOAT32' });
  }

  float(name: string, shape: readonly number[], data: ArrayLike<number>): TensorRef {
    return this.graph.constant({ name: this.name(name), shape, dtype: 'FLOAT32', data });
  }

  int32(name: string, shape: readonly number[], data: readonly number[]): TensorRef {
    return this.graph.constant({ name: this.name(name), shape, dtype: 'INT32', data });
  }

  /** Appends `op` (a builtin with a single FLOAT32 output of `shape`). `options` are checked by the builder. */
  op(op: string, inputs: readonly (TensorRef | null)[], name: string, shape: readonly number[], options?: Record<string, unknown>): TensorRef {
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const spec = { inputs, output: { name: this.name(name), shape, dtype: 'FLOAT32' as const }, ...(options ? { options } : {}) };
    return this.graph.op(op, spec as Parameters<SubgraphBuilder['op']>[1] & { output: never });
  }

  /** Appends `op` with several FLOAT32 outputs (SPLIT). */
  multi(op: string, inputs: readonly (TensorRef | null)[], names: readonly string[], shapes: readonly (readonly number[])[], options?: Record<string, unknown>): TensorRef[] {
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const outputs = shapes.map((shape, k) => ({ name: this.name(names[k]!), shape, dtype: 'FLOAT32' as const }));
    return this.graph.op(op, { inputs, outputs, ...(options ? { options } : {}) } as Parameters<SubgraphBuilder['op']>[1] & { outputs: never });
  }

  finish(outputs: readonly TensorRef[]): Uint8Array {
    this.graph.output(...outputs);
    return this.model.finish();
  }
}
