/**
 * Low-level pieces for hostile .tflite models: a model description (the builder's `ModelParts`) grown tensor by
 * tensor and op by op, serialized by the builder's own writer. Going below `ModelBuilder` is deliberate: its checks
 * (non-negative dimensions, one scale per channel) are exactly what the fuzzer must get past.
 */
import { builtinCode, CUSTOM_CODE } from '../../../server/src/model/builtins.js';
import { DTYPE_BYTES, type DType } from '../../../server/src/model/ir.js';
import type { QuantSpec, TensorSpec } from '../../../server/src/model/builder/builder.js';
import { serializeModel, type ModelParts, type OpRecord, type TensorRecord } from '../../../server/src/model/builder/serialize.js';
import type { Rng } from './rng.js';

export interface SubgraphParts {
  name: string;
  tensors: TensorRecord[];
  operators: OpRecord[];
  inputs: number[];
  outputs: number[];
}

/** Largest constant the generator writes; bigger declared shapes get short (or no) data, which is itself hostile. */
const MAX_DATA_BYTES = 64 * 1024;

export class Parts {
  readonly subgraphs: SubgraphParts[] = [];
  readonly buffers: (Uint8Array | null)[] = [];
  readonly metadata: { name: string; data: Uint8Array }[] = [];
  readonly signatures: ModelParts['signatureDefs'][number][] = [];
  /** Labels of the hostile features this model has; known-open findings are matched against them. */
  readonly tags = new Set<string>();

  constructor(readonly rng: Rng, readonly hostility: number) {}

  /** True with probability `p` scaled by the hostility of this model. */
  hostile(p = 1): boolean {
    return this.rng.chance(this.hostility * p);
  }

  subgraph(name: string): SubgraphParts {
    const g: SubgraphParts = { name, tensors: [], operators: [], inputs: [], outputs: [] };
    this.subgraphs.push(g);
    return g;
  }

  /** Adds a tensor; `data` (null: none) becomes its own buffer. Returns the tensor index. */
  tensor(g: SubgraphParts, spec: TensorSpec, data: Uint8Array | null = null, isVariable = false): number {
    let buffer = 0;
    if (data !== null) {
      this.buffers.push(data);
      buffer = this.buffers.length;
    }
    g.tensors.push({ spec, buffer, isVariable });
    return g.tensors.length - 1;
  }

  /** A constant with bytes for its shape (or, when hostile, the wrong number of bytes). */
  constant(g: SubgraphParts, spec: TensorSpec, fill: (i: number) => number = () => this.rng.float() * 2 - 1): number {
    return this.tensor(g, spec, this.dataFor(spec.shape, spec.dtype, fill));
  }

  dataFor(shape: readonly number[], dtype: DType, fill: (i: number) => number): Uint8Array {
    const elems = shape.reduce((n, d) => n * Math.max(d, 0), 1);
    const size = DTYPE_BYTES[dtype] || 1;
    let bytes = elems * size;
    if (this.hostile(0.05)) {
      this.tags.add('data-length');
      bytes = this.rng.pick([0, 1, Math.max(0, bytes - 1), bytes + 3]);
    }
    bytes = Math.min(bytes, MAX_DATA_BYTES);
    const out = new Uint8Array(bytes);
    const view = new DataView(out.buffer);
    const n = Math.floor(bytes / size);
    for (let i = 0; i < n; i++) {
      const v = fill(i);
      if (dtype === 'FLOAT32') view.setFloat32(i * 4, v, true);
      else if (dtype === 'INT32') view.setInt32(i * 4, Math.trunc(v), true);
      else if (dtype === 'INT16') view.setInt16(i * 2, Math.trunc(v), true);
      else if (dtype === 'INT64') view.setBigInt64(i * 8, BigInt(Math.trunc(Number.isFinite(v) ? v : 0)), true);
      else if (size === 1) out[i] = Math.trunc(v * 127) & 0xff;
      else out[i * size] = Math.trunc(v * 127) & 0xff;
    }
    return out;
  }

  /** An int32 constant vector (shapes, axes, paddings, permutations). */
  ints(g: SubgraphParts, name: string, values: readonly number[], shape: readonly number[] = [values.length]): number {
    return this.tensor(g, { name, shape, dtype: 'INT32' }, int32Bytes(values));
  }

  /** Appends an operator: builtin by name (with options), a bare builtin code, or a custom op. */
  op(g: SubgraphParts, op: { builtin?: string; code?: number; custom?: string; options?: Record<string, unknown>; customOptions?: Uint8Array;
    inputs: readonly number[]; outputs: readonly number[]; intermediates?: readonly number[]; version?: number }): void {
    const code = op.custom !== undefined ? CUSTOM_CODE : op.code ?? builtinCode(op.builtin ?? '');
    g.operators.push({
      code: { builtinCode: code, customCode: op.custom ?? null, version: op.version ?? 1 },
      opName: op.builtin ?? '',
      inputs: op.inputs,
      outputs: op.outputs,
      intermediates: op.intermediates ?? [],
      options: op.options,
      customOptions: op.customOptions,
    });
  }

  finish(): Uint8Array {
    const parts: ModelParts = {
      description: 'fuzz',
      subgraphs: this.subgraphs,
      buffers: this.buffers,
      metadata: this.metadata.map((m, i) => ({ name: m.name, buffer: this.buffers.length + 1 + i, data: m.data })),
      signatureDefs: this.signatures,
    };
    return serializeModel(parts);
  }
}

export function int32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v | 0, true));
  return out;
}

/** A dimension: small and ordinary, or (when hostile) one at the limits. */
export function dim(p: Parts, lo = 1, hi = 12): number {
  if (p.hostile(0.04)) {
    p.tags.add('limit-shape');
    const d = p.rng.pick([0, 0, 1, 2 ** 31 - 1, 2 ** 30, 65536, 1 << 20, -1, -7, -(2 ** 31)]);
    if (d < 0) p.tags.add('negative-dim');
    if (d > 65536) p.tags.add('huge-shape');
    return d;
  }
  return p.rng.int(lo, hi);
}

/** A shape of rank `rank` (hostile: any rank 0..9). */
export function shapeOf(p: Parts, rank: number, lo = 1, hi = 12): number[] {
  if (p.hostile(0.03)) {
    p.tags.add('odd-rank');
    rank = p.rng.int(0, 9);
  }
  return Array.from({ length: rank }, () => dim(p, lo, hi));
}

/** Per-tensor int8 parameters, or (when hostile) broken ones: wrong lengths, zero/negative/NaN scales, huge zero points. */
export function quantFor(p: Parts, channels = 1, axis = 0): QuantSpec {
  const r = p.rng;
  // A channel count from a hostile dimension would make the generator itself run out of memory.
  if (!(channels >= 1 && channels <= 4096)) channels = 1;
  if (p.hostile(0.08)) {
    p.tags.add('bad-quant');
    const n = r.pick([0, 1, 2, channels + 1, Math.max(0, channels - 1), 300]);
    const scale = Array.from({ length: n }, () => r.pick([0, -1, NaN, Infinity, 1e-45, 1e38, 0.02]));
    const zpCount = r.chance(0.7) ? n : r.int(0, 4);
    const zeroPoint = Array.from({ length: zpCount }, () => r.pick([0, 127, -128, 2 ** 40, -(2 ** 53), 2 ** 31]));
    return { scale, zeroPoint, quantizedDimension: r.pick([axis, -1, 5, 2 ** 31 - 1]) };
  }
  if (channels > 1) {
    return { scale: Array.from({ length: channels }, () => 0.001 + r.float() * 0.02), zeroPoint: new Array<number>(channels).fill(0), quantizedDimension: axis };
  }
  return { scale: [0.01 + r.float() * 0.1], zeroPoint: [r.int(-20, 20)] };
}

/** Element type for a tensor of a model of type `base`; when hostile, any schema type (STRING, VARIANT, INT4, ...). */
export function dtypeFor(p: Parts, base: DType): DType {
  if (p.hostile(0.04)) {
    const t = p.rng.pick(['STRING', 'VARIANT', 'RESOURCE', 'INT4', 'COMPLEX64', 'FLOAT64', 'UINT64', 'BFLOAT16', 'FLOAT16', 'BOOL', 'INT64'] as const);
    p.tags.add(t === 'STRING' || t === 'VARIANT' || t === 'RESOURCE' ? 'odd-dtype' : 'rare-dtype');
    return t;
  }
  return base;
}
