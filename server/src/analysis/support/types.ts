import type { DType } from '../../model/ir.js';

/** Runtimes whose operator support is checked. The first two also have memory modelled to the byte. */
export const SUPPORT_RUNTIMES = ['tflm-reference', 'tflm-cmsis-nn', 'tflm-esp-nn', 'ethos-u', 'edgetpu'] as const;
export type Runtime = (typeof SUPPORT_RUNTIMES)[number];

/**
 * What the runtime does with one operator:
 * - `optimized`: an optimized kernel (CMSIS-NN, ESP-NN) or the accelerator (Ethos-U NPU, Edge TPU) runs it;
 * - `reference`: it runs, on TFLM's portable reference kernel (on an NPU system: on the CPU);
 * - `unsupported-dtype`: the runtime has the op but rejects these tensor types;
 * - `unsupported`: no kernel for the op at all.
 */
export type Verdict = 'optimized' | 'reference' | 'unsupported-dtype' | 'unsupported';

/** The support verdict for one operator of one subgraph. */
export interface LayerSupport {
  subgraph: number;
  index: number;
  op: string;
  /** Activation (first non-constant input) type, the one kernels switch on. */
  dtype: DType | null;
  verdict: Verdict;
  /** Where it runs: the CPU, or the accelerator of an NPU runtime. */
  unit: 'cpu' | 'npu';
  /** The kernel or library function (`arm_convolve_wrapper_s8`), or 'reference'. */
  kernel: string | null;
  /** A custom op (CUSTOM:<code>): flagged whatever the verdict, since its kernel comes from the application. */
  custom: boolean;
  /** Why it is not optimized, not on the accelerator, or unsupported; null when optimized. */
  reason: string | null;
}

/** Unsupported operators of one kind, grouped by op, dtype, subgraph and reason. */
export interface UnsupportedGroup {
  op: string;
  dtype: DType | null;
  subgraph: number;
  layers: number[];
  reason: string;
}

export interface SupportReport {
  runtime: Runtime;
  layers: LayerSupport[];
  unsupported: UnsupportedGroup[];
  /** Distinct custom op names in the model. */
  customOps: string[];
  /** Caveats that apply to the whole model (partitioning, fallbacks). */
  notes: string[];
  /** Sources of the facts behind the verdicts. */
  sources: string[];
  /**
   * For an NPU runtime: whether the model is already compiled for it (Vela's `ethos-u` op, edgetpu_compiler's
   * `edgetpu-custom-op`), and what the compiled ops hold. Verdicts of an uncompiled model say what the compiler would
   * place on the NPU; as it is, the runtime runs every op on the CPU.
   */
  npu?: NpuCompilation;
}

/** What an NPU runtime's report knows of the model's compilation (analysis/npu/compiled.ts reads it). */
export interface NpuCompilation {
  readonly compiler: 'vela' | 'edgetpu_compiler';
  readonly compiled: boolean;
  /** Per compiled op: what it holds, or why it could not be read. */
  readonly ops: readonly NpuOpFacts[];
}

export interface NpuOpFacts {
  readonly subgraph: number;
  readonly index: number;
  /** Bytes the op carries in flash: Vela's command stream + weights; the Edge TPU package (executables, parameters). */
  readonly flashBytes: number;
  /** Scratch the NPU needs: Vela's scratch (+ fast scratch) tensors in the arena; the Edge TPU's on-chip scratch. */
  readonly scratchBytes: number;
  /** The compiler's estimate of the op's run in NPU cycles (Edge TPU only); null: not costed. */
  readonly estimatedCycles: number | null;
  /** Edge TPU: parameters cached on the TPU between runs (a parameter-caching executable) or streamed each run. */
  readonly parameterCaching?: boolean;
  /** Edge TPU: parameter bytes of the executable that runs. */
  readonly parameterBytes?: number;
  /** A package that could not be read. */
  readonly problem?: string;
  /** Vela: the weights tensor is another ethos-u op's (its layer index), whose flash figure counts it. */
  readonly weightsSharedWith?: number;
}
