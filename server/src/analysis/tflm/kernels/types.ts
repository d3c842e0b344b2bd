import type { Model, Operator, Subgraph, Tensor } from '../../../model/ir.js';
import type { Abi, CLayout } from '../structs.js';

/** The kernel sets whose allocations are modelled. */
export type KernelSet = 'tflm-reference' | 'tflm-cmsis-nn';

/**
 * Which of CMSIS-NN's compiled code paths the figures are for: `dsp` (ARM_MATH_DSP: Cortex-M4/M7/M33, the default),
 * `mve` (ARM_MATH_MVEI, Helium: Cortex-M55/M85), `scalar` (neither: Cortex-M0/M0+/M3). Only CMSIS-NN's kernels read it.
 */
export type CodePath = 'dsp' | 'mve' | 'scalar';

/** Why a kernel's Prepare would fail on this node (TFLM returns an error from AllocateTensors). */
export class PrepareFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * What a kernel model can do while TFLM runs its Init and Prepare: the same memory requests the real kernel makes,
 * in the same order, so that alignment padding and temporary peaks come out to the byte.
 */
export interface KernelContext {
  readonly model: Model;
  readonly subgraph: Subgraph;
  readonly op: Operator;
  readonly kernels: KernelSet;
  /** CMSIS-NN's code path (scratch and persistent sizes differ between DSP and Helium builds). */
  readonly codePath: CodePath;
  /** The node's input tensor at position `i`, or null when omitted (-1) or out of range. */
  input(i: number): Tensor | null;
  output(i: number): Tensor | null;
  intermediate(i: number): Tensor | null;
  /** A tensor of the current subgraph by index. */
  tensor(index: number): Tensor;
  /**
   * The bytes a TfLiteTensor's data pointer holds for a tensor stored in the flatbuffer (kTfLiteMmapRo): a view on the
   * model, covering the whole buffer. Null for arena tensors and for data stored after the flatbuffer, which TFLM
   * does not see.
   */
  constantData(t: Tensor): Uint8Array | null;
  /** context->AllocatePersistentBuffer(bytes): 16-byte aligned, from the tail. */
  persistent(bytes: number): void;
  /**
   * A persistent buffer the kernel fills during Prepare while its temporaries are live (CMSIS-NN's kernel sums): it
   * must not overlap them, or the arena is too small (measured: g2_fc_int8_batch4 on Cortex-M55).
   */
  persistentFilled(bytes: number): void;
  /**
   * `count` persistent buffers of `bytes` each, as a kernel's loop allocates them; when they cannot all fit in the
   * arena, one request for their total, which fails as the loop would, without looping a count taken from the model.
   */
  persistentEach(count: number, bytes: number): void;
  /** AllocateTempInputTensor(node, i): a temporary TfLiteTensor and its quantization; nothing when omitted. */
  tempInput(i: number): Tensor | null;
  tempOutput(i: number): Tensor | null;
  tempIntermediate(i: number): Tensor | null;
  /** AllocateTempTfLiteTensor(tensor index) for a tensor named directly. */
  tempTensor(index: number): Tensor;
  /** AllocateTempBuffer(size, alignment). */
  tempBuffer(bytes: number, align: number): void;
  /** RequestScratchBufferInArena(bytes): planned in the head with this node's lifetime. */
  scratch(bytes: number): void;
  /** Replace the runtime shape of an output tensor (kernels that resize their output in Prepare). */
  setShape(tensorIndex: number, shape: number[]): void;
  /** The runtime shape of a tensor (after any kernel resized it). */
  shape(tensorIndex: number): number[];
  /** Stop: this kernel's Prepare rejects the node. */
  fail(reason: string): never;
}

/** Size and alignment of the C struct a builtin's parser allocates for its options (TfLite*Params), per ABI. */
export type ParsedParams = Readonly<Record<Abi, CLayout>>;

/** How one operator behaves in TFLM's allocation sequence. */
export interface KernelModel {
  /** Parse: bytes allocated for the builtin params (omit for ops whose parser allocates nothing). */
  params?: ParsedParams | ((op: Operator) => ParsedParams | null);
  /** Init: persistent allocations (usually the OpData struct). */
  init?(ctx: KernelContext): void;
  /** Prepare: temporaries, persistent per-channel data and scratch requests, and the kernel's type checks. */
  prepare?(ctx: KernelContext): void;
}

/** Bytes per element as TFLM's TfLiteTypeSizeOf sizes a type; null where TFLM has no size (it fails). */
export function tflmTypeSize(dtype: Tensor['dtype']): number | null {
  switch (dtype) {
    case 'FLOAT16': case 'BFLOAT16': case 'INT16': case 'UINT16': return 2;
    case 'FLOAT32': case 'INT32': case 'UINT32': case 'RESOURCE': return 4;
    case 'FLOAT64': case 'INT64': case 'UINT64': case 'COMPLEX64': return 8;
    case 'COMPLEX128': return 16;
    case 'UINT8': case 'INT8': case 'BOOL': case 'INT4': return 1;
    default: return null;
  }
}

/**
 * A set of kernel models keyed by op name ('CUSTOM:<code>' for custom ops). `reference` lists every op TFLM
 * registers with its reference kernel; `cmsisNn` only the ops whose CMSIS-NN kernel replaces it.
 */
export interface KernelGroup {
  reference: Record<string, KernelModel>;
  cmsisNn: Record<string, KernelModel>;
}
