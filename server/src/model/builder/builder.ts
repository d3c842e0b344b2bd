/**
 * A hand-written .tflite writer: build a model in memory with `ModelBuilder` / `SubgraphBuilder`, then `finish()` it
 * to the bytes of a TFLite flatbuffer (file identifier "TFL3", schema version 3).
 *
 * Everything is kept as plain objects until `finish()`, because a flatbuffer is written back to front and a table
 * can only point at what was written before it. Output is a pure function of the calls made, so the same calls
 * always give the same bytes.
 */
import { type DType } from '../ir.js';
import { builtinCode, CUSTOM_CODE } from '../builtins.js';
import { elementCount, encodeTensorData, type TensorData } from './encode.js';
import { checkBuiltinOptions, type BuiltinOptionsFor } from './options.js';
import { serializeModel, type ModelParts, type OpRecord, type TensorRecord } from './serialize.js';

/** Quantization parameters: one scale/zero point for per-tensor, one per slice of `quantizedDimension` for per-channel. */
export interface QuantSpec {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** The axis `scale` runs along (per-channel); 0 when omitted. */
  readonly quantizedDimension?: number;
  readonly min?: readonly number[];
  readonly max?: readonly number[];
}

/** A tensor's static description. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly quant?: QuantSpec;
  /** Shape with -1 for dynamic dimensions (written as `shape_signature`). */
  readonly shapeSignature?: readonly number[];
  /** Written as `has_rank`; true unless said otherwise, as current converters write it. */
  readonly hasRank?: boolean;
}

/** A tensor with constant contents: either `data` (encoded for `dtype`) or `raw` bytes, written as given. */
export interface ConstantSpec extends TensorSpec {
  readonly data?: TensorData;
  readonly raw?: Uint8Array;
}

/** A handle on a tensor of one subgraph, with its description for convenience (e.g. to derive a bias scale). */
export class TensorRef {
  /** @internal Use the SubgraphBuilder methods to make tensors. */
  constructor(
    /** The subgraph that owns the tensor. */
    readonly owner: SubgraphBuilder,
    /** Tensor index within the subgraph. */
    readonly index: number,
    readonly spec: TensorSpec,
  ) {}

  get name(): string { return this.spec.name; }
  get shape(): readonly number[] { return this.spec.shape; }
  get dtype(): DType { return this.spec.dtype; }
  get quant(): QuantSpec | undefined { return this.spec.quant; }
}

interface OpSpecBase {
  /** Input tensors; `null` marks an omitted optional input (written as -1). */
  readonly inputs: readonly (TensorRef | null)[];
  readonly intermediates?: readonly TensorRef[];
  /** The operator version recorded in the operator code; 1 when omitted. */
  readonly version?: number;
}

/** An op output: a new tensor to create, or an existing one (a subgraph tensor made with `tensor()`, a variable). */
export type OutputSpec = TensorSpec | TensorRef;

export interface BuiltinOpSpec<Op extends string> extends OpSpecBase {
  readonly options?: BuiltinOptionsFor<Op>;
}

export interface CustomOpSpec extends OpSpecBase {
  /** The opaque `custom_options` bytes (usually a FlexBuffer). */
  readonly customOptions?: Uint8Array;
}

export type SingleOutput = { readonly output: OutputSpec };
export type MultiOutput = { readonly outputs: readonly OutputSpec[] };

/** One entry of a SignatureDef's inputs or outputs. */
export interface SignatureTensor {
  readonly name: string;
  readonly tensor: TensorRef;
}

/** Model-level options. */
export interface ModelOptions {
  readonly description?: string;
  /**
   * Give every tensor its own buffer, an empty one when it has no data, as the MLIR converter does; otherwise tensors
   * without data share the sentinel buffer 0 (smaller, and what hand-made models usually do).
   */
  readonly uniqueBuffers?: boolean;
}

/** Builds one TFLite model. Subgraph 0 is the first one made with `subgraph()`. */
export class ModelBuilder {
  private readonly description: string;
  /** @internal */
  readonly uniqueBuffers: boolean;
  private readonly subgraphs: SubgraphBuilder[] = [];
  /**
   * Contents of buffers 1..n (buffer 0 is the empty sentinel); null for a buffer without data. Metadata buffers are
   * appended at finish.
   */
  private readonly buffers: (Uint8Array | null)[] = [];
  private readonly metadataEntries: { name: string; data: Uint8Array }[] = [];
  private readonly signatures: { key: string; subgraph: SubgraphBuilder; inputs: SignatureTensor[]; outputs: SignatureTensor[] }[] = [];
  private offlineOffsets: (readonly number[])[] | null = null;

  constructor(options: ModelOptions = {}) {
    this.description = options.description ?? '';
    this.uniqueBuffers = options.uniqueBuffers ?? false;
  }

  /** Adds a subgraph; the first becomes subgraph 0 (the entry point), later ones serve as IF/WHILE/CALL_ONCE bodies. */
  subgraph(name = ''): SubgraphBuilder {
    const g = new SubgraphBuilder(this, this.subgraphs.length, name);
    this.subgraphs.push(g);
    return g;
  }

  /** Adds a metadata entry with its own buffer (written after all tensor buffers, as the converter does). */
  metadata(name: string, data: Uint8Array): this {
    if (this.metadataEntries.some((m) => m.name === name)) throw new Error(`metadata '${name}' already added`);
    this.metadataEntries.push({ name, data: data.slice() });
    return this;
  }

  /**
   * Adds `min_runtime_version` metadata. The converter stores it NUL-padded to 16 bytes; so does this, so readers are
   * exercised on the real layout.
   */
  minRuntimeVersion(version: string): this {
    const bytes = new Uint8Array(Math.max(16, version.length));
    for (let i = 0; i < version.length; i++) bytes[i] = version.charCodeAt(i) & 0x7f;
    return this.metadata('min_runtime_version', bytes);
  }

  /**
   * Adds `OfflineMemoryAllocation` metadata: one arena offset (or -1 for "plan online") per tensor, for the first
   * `offsets.length` subgraphs in order. Lengths are checked against the tensor counts at `finish()`.
   * Layout (TFLM's): int32 version (1), subgraph count, offset count, then the offsets.
   */
  offlineMemoryAllocation(offsets: readonly (readonly number[])[]): this {
    if (this.offlineOffsets !== null) throw new Error('OfflineMemoryAllocation already set');
    this.offlineOffsets = offsets.map((list) => [...list]);
    return this;
  }

  /** Adds a SignatureDef naming inputs and outputs of `subgraph`. */
  signatureDef(key: string, subgraph: SubgraphBuilder, inputs: readonly SignatureTensor[], outputs: readonly SignatureTensor[]): this {
    for (const t of [...inputs, ...outputs]) subgraph.check(t.tensor);
    this.signatures.push({ key, subgraph, inputs: [...inputs], outputs: [...outputs] });
    return this;
  }

  /** Serializes the model. May be called again after more changes; each call is independent. */
  finish(): Uint8Array {
    if (this.subgraphs.length === 0) throw new Error('a model needs at least one subgraph');
    const metadata = [...this.metadataEntries];
    if (this.offlineOffsets !== null) metadata.push({ name: 'OfflineMemoryAllocation', data: this.encodeOfflineOffsets(this.offlineOffsets) });
    const parts: ModelParts = {
      description: this.description,
      subgraphs: this.subgraphs.map((g) => g.parts()),
      buffers: [...this.buffers],
      metadata: metadata.map((m, i) => ({ name: m.name, buffer: this.buffers.length + 1 + i, data: m.data })),
      signatureDefs: this.signatures.map((s) => ({
        key: s.key,
        subgraphIndex: s.subgraph.index,
        inputs: s.inputs.map((t) => ({ name: t.name, tensorIndex: t.tensor.index })),
        outputs: s.outputs.map((t) => ({ name: t.name, tensorIndex: t.tensor.index })),
      })),
    };
    return serializeModel(parts);
  }

  /** @internal Adds a buffer (null: one without data) and returns its index. */
  addBuffer(data: Uint8Array | null): number {
    this.buffers.push(data);
    return this.buffers.length;
  }

  /** @internal Whether buffer `index` holds data (buffer 0, the sentinel, never does). */
  bufferHasData(index: number): boolean {
    return index > 0 && (this.buffers[index - 1] ?? null) !== null;
  }

  private encodeOfflineOffsets(offsets: readonly (readonly number[])[]): Uint8Array {
    if (offsets.length > this.subgraphs.length) throw new Error(`OfflineMemoryAllocation for ${offsets.length} subgraphs, model has ${this.subgraphs.length}`);
    const flat: number[] = [];
    offsets.forEach((list, i) => {
      const count = this.subgraphs[i]?.tensorCount ?? 0;
      if (list.length !== count) throw new Error(`OfflineMemoryAllocation lists ${list.length} offsets for subgraph ${i}, which has ${count} tensors`);
      flat.push(...list);
    });
    return encodeTensorData('INT32', flat.length + 3, [1, offsets.length, flat.length, ...flat]);
  }
}

/** Builds one subgraph: its tensors, operators (in execution order), inputs and outputs. */
export class SubgraphBuilder {
  private readonly tensors: TensorRecord[] = [];
  private readonly ops: OpRecord[] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];

  /** @internal Use `ModelBuilder.subgraph()`. */
  constructor(
    private readonly model: ModelBuilder,
    /** The subgraph's index in the model (what IF/WHILE/CALL_ONCE options refer to). */
    readonly index: number,
    readonly name: string,
  ) {}

  get tensorCount(): number { return this.tensors.length; }

  /** A tensor without data: an activation, or a placeholder to use as an op output later. */
  tensor(spec: TensorSpec): TensorRef {
    return this.add(spec, false, () => (this.model.uniqueBuffers ? this.model.addBuffer(null) : 0));
  }

  /** A new tensor that is also a subgraph input. */
  input(spec: TensorSpec): TensorRef {
    const ref = this.tensor(spec);
    this.inputs.push(ref.index);
    return ref;
  }

  /** A tensor whose data lives in its own buffer (weights, biases, shape vectors). */
  constant(spec: ConstantSpec): TensorRef {
    return this.add(spec, false, () => this.model.addBuffer(constantBytes(spec)));
  }

  /**
   * A constant on the buffer of the constant `of` (TFLite lets several tensors name one buffer; flash holds it once):
   * another name or quantization for the same bytes, which `spec` must describe (same type and element count).
   */
  sharedConstant(spec: TensorSpec, of: TensorRef): TensorRef {
    const source = this.tensors[this.check(of).index]!;
    if (source.isVariable || !this.model.bufferHasData(source.buffer)) throw new Error(`tensor '${of.name}' is not a constant: its buffer cannot be shared`);
    if (spec.dtype !== of.dtype || elementCount(spec.shape) !== elementCount(of.shape)) {
      throw new Error(`tensor '${spec.name}' (${spec.dtype} [${spec.shape.join(',')}]) cannot share the buffer of '${of.name}' (${of.dtype} [${of.shape.join(',')}])`);
    }
    return this.add(spec, false, () => source.buffer);
  }

  /** A variable tensor (`is_variable`), e.g. SVDF or LSTM state; with initial contents when `data`/`raw` is given. */
  variable(spec: ConstantSpec): TensorRef {
    const hasData = spec.data !== undefined || spec.raw !== undefined;
    return this.add(spec, true, () => (hasData ? this.model.addBuffer(constantBytes(spec)) : this.model.uniqueBuffers ? this.model.addBuffer(null) : 0));
  }

  /** Marks tensors as subgraph outputs, in order. */
  output(...refs: TensorRef[]): void {
    for (const ref of refs) this.outputs.push(this.check(ref).index);
  }

  /**
   * Appends a builtin operator (by name, or by code for codes builtins.ts does not name). Returns the output tensor
   * for `output`, the list for `outputs`.
   */
  op<Op extends string>(op: Op | number, spec: BuiltinOpSpec<Op> & SingleOutput): TensorRef;
  op<Op extends string>(op: Op | number, spec: BuiltinOpSpec<Op> & MultiOutput): TensorRef[];
  op<Op extends string>(op: Op | number, spec: BuiltinOpSpec<Op> & (SingleOutput | MultiOutput)): TensorRef | TensorRef[] {
    const code = typeof op === 'number' ? op : builtinCode(op);
    if (!Number.isInteger(code) || code < 0 || code === CUSTOM_CODE) {
      throw new Error(`unknown builtin op ${String(op)}${code === CUSTOM_CODE ? ' (use customOp)' : ''}`);
    }
    return this.append(code, null, spec, typeof op === 'string' ? op : null);
  }

  /** Appends a custom operator (`CUSTOM` with a `custom_code`), with its opaque options bytes. */
  customOp(customCode: string, spec: CustomOpSpec & SingleOutput): TensorRef;
  customOp(customCode: string, spec: CustomOpSpec & MultiOutput): TensorRef[];
  customOp(customCode: string, spec: CustomOpSpec & (SingleOutput | MultiOutput)): TensorRef | TensorRef[] {
    return this.append(CUSTOM_CODE, customCode, spec, null);
  }

  /** @internal Checks that `ref` belongs to this subgraph. */
  check(ref: TensorRef): TensorRef {
    if (ref.owner !== this) throw new Error(`tensor '${ref.name}' belongs to subgraph ${ref.owner.index}, not ${this.index}`);
    return ref;
  }

  /** @internal The plain description the serializer writes. */
  parts(): { name: string; tensors: TensorRecord[]; operators: OpRecord[]; inputs: number[]; outputs: number[] } {
    return { name: this.name, tensors: this.tensors, operators: this.ops, inputs: this.inputs, outputs: this.outputs };
  }

  /** `makeBuffer` runs only once the spec is known good, so a refused tensor leaves no orphan buffer behind. */
  private add(spec: TensorSpec, isVariable: boolean, makeBuffer: () => number): TensorRef {
    checkSpec(spec);
    const buffer = makeBuffer();
    // Keep the description only: the constant's data now lives in its buffer.
    const { name, shape, dtype, quant, shapeSignature, hasRank } = spec;
    const ref = new TensorRef(this, this.tensors.length, { name, shape: [...shape], dtype, quant, shapeSignature, hasRank });
    this.tensors.push({ spec: ref.spec, buffer, isVariable });
    return ref;
  }

  private append(
    code: number,
    customCode: string | null,
    spec: (BuiltinOpSpec<string> | CustomOpSpec) & (SingleOutput | MultiOutput),
    opName: string | null,
  ): TensorRef | TensorRef[] {
    const version = spec.version ?? 1;
    if (!Number.isInteger(version) || version < 1) throw new Error(`operator version must be a positive integer, got ${version}`);
    const inputs = spec.inputs.map((t) => (t === null ? -1 : this.check(t).index));
    const intermediates = (spec.intermediates ?? []).map((t) => this.check(t).index);
    const options = 'options' in spec ? (spec.options as Readonly<Record<string, unknown>> | undefined) : undefined;
    if (opName !== null) checkBuiltinOptions(opName, options);
    // Checked before any output tensor is created, so a refused op leaves the subgraph unchanged.
    const single = 'output' in spec;
    const outputSpecs = single ? [spec.output] : spec.outputs;
    for (const o of outputSpecs) {
      if (o instanceof TensorRef) this.check(o);
      else checkSpec(o);
    }
    const outputs = outputSpecs.map((o) => (o instanceof TensorRef ? o : this.tensor(o)));
    this.ops.push({
      code: { builtinCode: code, customCode, version },
      opName: opName ?? '',
      inputs,
      outputs: outputs.map((t) => t.index),
      intermediates,
      options,
      customOptions: 'customOptions' in spec ? spec.customOptions : undefined,
    });
    const first = outputs[0];
    if (single && first) return first;
    return outputs;
  }
}

function constantBytes(spec: ConstantSpec): Uint8Array {
  if (spec.raw !== undefined) {
    if (spec.data !== undefined) throw new Error(`tensor '${spec.name}': give data or raw, not both`);
    return spec.raw.slice();
  }
  if (spec.data === undefined) throw new Error(`constant '${spec.name}' has no data`);
  return encodeTensorData(spec.dtype, elementCount(spec.shape), spec.data);
}

function checkSpec(spec: TensorSpec): void {
  elementCount(spec.shape);
  if (spec.shapeSignature && spec.shapeSignature.length !== spec.shape.length) {
    throw new Error(`tensor '${spec.name}': shape_signature rank ${spec.shapeSignature.length} != shape rank ${spec.shape.length}`);
  }
  const q = spec.quant;
  if (!q) return;
  if (q.scale.length !== q.zeroPoint.length) throw new Error(`tensor '${spec.name}': ${q.scale.length} scales but ${q.zeroPoint.length} zero points`);
  const axis = q.quantizedDimension ?? 0;
  if (q.scale.length > 1 && spec.shape[axis] !== q.scale.length) {
    throw new Error(`tensor '${spec.name}': ${q.scale.length} per-channel scales, dimension ${axis} is ${spec.shape[axis]}`);
  }
}
