/**
 * TFLM's own flash and static RAM for a model's op set (issue 10, item 1): the interpreter, allocator and the kernels
 * an op resolver pulls in, predicted from measured links of a minimal application (tools/tflm-harness/footprint/).
 * Pure: the measured data is bundled JSON; no I/O.
 */
import type { KernelSet } from '../tflm/kernels/types.js';

/** The TFLM commit the footprints were measured at (tools/tflm-harness/README.md). */
export const FOOTPRINT_TFLM = '90b983c2';

export interface RuntimeFootprint {
  /** .text + .rodata + .data (bytes): what the runtime puts in flash. */
  flash: number;
  /** .data + .bss (static RAM, bytes; excludes the tensor arena). */
  ram: number;
  sections: { text: number; rodata: number; data: number; bss: number };
  /** The measured build this comes from, e.g. "cortex-m4+fp cmsis_nn". */
  build: string;
  /** "estimated" when the core has no measured build and a near one is used (`note` says which and why). */
  basis: 'measured' | 'estimated';
  /** E.g. "ops without measured kernels: X, Y". */
  note?: string;
  /** The TFLM commit, "90b983c2". */
  tflm: string;
}

/** Either spelling of a kernel set: the ("cmsis-nn") or the analysis's KernelSet ("tflm-cmsis-nn"). */
export type FootprintKernels = 'reference' | 'cmsis-nn' | KernelSet;

/**
 * TFLM's runtime flash and static RAM for the given ops (TFLM op names as the support tables name them, e.g.
 * "CONV_2D", customs as "CUSTOM:name") on a catalog core ("cortex-m4f", "cortex-m7", "cortex-m0plus", ...).
 * Undefined for a core no measured Arm build can stand for (non-Arm cores, unknown ids).
 */
export function predictRuntimeFootprint(ops: readonly string[], core: string, kernels: FootprintKernels): RuntimeFootprint | undefined {
  void ops; void core; void kernels;
  return undefined; // measured data lands in the next commits
}
