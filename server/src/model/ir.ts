/**
 * The plain intermediate representation of a model, produced by the readers (`tflite/reader.ts`) and consumed by
 * every analysis. Nothing here is lazy: a reader turns the flatbuffer into these objects once, at its edge, after
 * checking every offset, so that analysis code never touches raw bytes again; the one exception is constant data,
 * which stays a checked view on the file (`Buffer.data`, `constantData`) for the kernels that read it.
 *
 * Indices are the model's own (tensor index within its subgraph, buffer index within the model, ...), so results can
 * be related back to what Netron or the TFLite converter shows.
 */

/** TFLite `TensorType`, in schema order (the enum value is the index in this list). */
export const DTYPES = [
  'FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8', 'FLOAT64',
  'COMPLEX128', 'UINT64', 'RESOURCE', 'VARIANT', 'UINT32', 'UINT16', 'INT4', 'BFLOAT16',
] as const;
export type DType = (typeof DTYPES)[number];

/**
 * Bytes per element as TFLM sizes a tensor (`TfLiteTypeSizeOf`). INT4 is stored packed in flatbuffers but TFLM
 * unpacks it to one byte per element in the arena; STRING, RESOURCE and VARIANT have no fixed size (0 here).
 */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  FLOAT32: 4, FLOAT16: 2, INT32: 4, UINT8: 1, INT64: 8, STRING: 0, BOOL: 1, INT16: 2, COMPLEX64: 8, INT8: 1,
  FLOAT64: 8, COMPLEX128: 16, UINT64: 8, RESOURCE: 0, VARIANT: 0, UINT32: 4, UINT16: 2, INT4: 1, BFLOAT16: 2,
};

/** Quantization parameters of a tensor (`QuantizationParameters`). Per-tensor when `scale.length === 1`. */
export interface Quantization {
  scale: number[];
  /** int64 in the schema; values outside the safe-integer range are rejected by the reader. */
  zeroPoint: number[];
  /** The axis that `scale` / `zeroPoint` run along for per-channel quantization. */
  quantizedDimension: number;
  min: number[];
  max: number[];
  /** True when the table carries a custom `details` union (e.g. CustomQuantization). */
  hasDetails: boolean;
}

export interface Tensor {
  /** Index within the subgraph's tensor list. */
  index: number;
  name: string;
  /** Static shape; `[]` for a scalar. */
  shape: number[];
  /** Shape with -1 for dynamic dimensions, when the model has one. */
  shapeSignature: number[] | null;
  dtype: DType;
  /** Index into `Model.buffers`; 0 is the empty sentinel buffer. */
  buffer: number;
  quantization: Quantization | null;
  isVariable: boolean;
  /** The tensor carries a `sparsity` table (TFLM does not support sparse tensors). */
  isSparse: boolean;
  /** True when the tensor's buffer holds data: a constant (weights, biases, shape vectors). */
  isConstant: boolean;
  /** Element count (product of `shape`, 1 for a scalar). */
  elementCount: number;
  /** Bytes of the tensor's data in the runtime: elementCount x DTYPE_BYTES (0 for variable-size types). */
  bytes: number;
}

export interface Buffer {
  index: number;
  /** Where the data starts in the file (absolute byte offset); 0 when the buffer is empty. */
  byteOffset: number;
  byteLength: number;
  /** True when the data lives after the flatbuffer and is located by the buffer's `offset`/`size` fields. */
  external: boolean;
  /**
   * The buffer's bytes: a view into the model file, not a copy (so a model keeps its file's bytes alive), whose
   * extent the reader checked against the file. Undefined when the buffer is empty.
   */
  data?: Uint8Array;
}

/**
 * The bytes of a constant tensor (its buffer's `data` view), or null when the tensor has no data in the model. The
 * view covers the whole buffer, whatever the tensor's shape and type say: readers of it must check lengths.
 */
export function constantData(model: Pick<Model, 'buffers'>, tensor: Pick<Tensor, 'buffer'>): Uint8Array | null {
  if (tensor.buffer <= 0) return null;
  return model.buffers[tensor.buffer]?.data ?? null;
}

/** Every operator code the model declares (`OperatorCode`). */
export interface OperatorCode {
  /** The effective builtin code: max(deprecated_builtin_code, builtin_code), as TFLite's GetBuiltinCode does. */
  builtinCode: number;
  /** Name of the builtin ('CONV_2D', ...) or `CUSTOM`; `BUILTIN_<n>` for a code this reader does not name. */
  builtinName: string;
  customCode: string | null;
  version: number;
}

/** Plain values of a builtin options table, keyed by the schema's field names in camelCase. */
export type OptionValue = number | boolean | string | number[];
export type Options = Record<string, OptionValue>;

export interface Operator {
  /** Index within the subgraph's operator list (= execution order). */
  index: number;
  opcodeIndex: number;
  /** 'CONV_2D', 'CUSTOM:SignalRfft', ... — the display name used across the product. */
  opName: string;
  builtinCode: number;
  customCode: string | null;
  version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  intermediates: number[];
  /** Name of the options table in the schema's BuiltinOptions / BuiltinOptions2 union ('Conv2DOptions', ...), or null. */
  optionsType: string | null;
  /** Parsed fields of the options table, with the schema defaults filled in; {} when absent or not decoded. */
  options: Options;
  /** Raw custom options bytes (custom ops), or null. */
  customOptions: Uint8Array | null;
}

export interface Subgraph {
  index: number;
  name: string;
  tensors: Tensor[];
  operators: Operator[];
  inputs: number[];
  outputs: number[];
}

export interface Metadata {
  name: string;
  buffer: number;
}

/**
 * The `OfflineMemoryAllocation` metadata (written by Vela and others): for each tensor of every subgraph, in order, an
 * arena offset, or -1 to let the online planner place it.
 */
export interface OfflineMemoryAllocation {
  version: number;
  subgraphs: number;
  /** Offsets of all tensors of all subgraphs, concatenated (subgraph 0 first). */
  offsets: number[];
}

export interface SignatureDef {
  signatureKey: string;
  subgraphIndex: number;
  inputs: { name: string; tensorIndex: number }[];
  outputs: { name: string; tensorIndex: number }[];
}

export interface Model {
  /** Schema version (3 for every current converter). */
  version: number;
  description: string;
  operatorCodes: OperatorCode[];
  subgraphs: Subgraph[];
  buffers: Buffer[];
  metadata: Metadata[];
  offlineMemoryAllocation: OfflineMemoryAllocation | null;
  /** The `min_runtime_version` metadata string, when present. */
  minRuntimeVersion: string | null;
  signatureDefs: SignatureDef[];
  /** Size of the whole file in bytes (flash used by the model as a C array). */
  fileBytes: number;
}
