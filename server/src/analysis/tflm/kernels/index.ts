import type { Operator } from '../../../model/ir.js';
import { CONV_KERNELS } from './conv-group.js';
import { MATH_KERNELS } from './math-group.js';
import { MISC_KERNELS } from './misc-group.js';
import type { KernelModel, KernelSet } from './types.js';

/**
 * The kernels TFLM registers (with every builtin added to the op resolver), keyed by op name ('CUSTOM:<code>' for
 * custom ops). CMSIS-NN entries replace the reference ones for the ops it optimizes; other ops use the reference
 * kernel in both sets. An op missing here has no kernel: TFLM fails to find its registration.
 */
const GROUPS = [CONV_KERNELS, MATH_KERNELS, MISC_KERNELS];
const REFERENCE: Record<string, KernelModel> = Object.assign({}, ...GROUPS.map((g) => g.reference));
const CMSIS_NN: Record<string, KernelModel> = Object.assign({}, ...GROUPS.map((g) => g.cmsisNn));

/** The kernel model TFLM would use for this operator, or undefined when no kernel is registered. */
export function kernelFor(op: Operator, kernels: KernelSet): KernelModel | undefined {
  if (kernels === 'tflm-cmsis-nn') {
    const optimized = CMSIS_NN[op.opName];
    if (optimized) return optimized;
  }
  return REFERENCE[op.opName];
}

/** Op names with a kernel in this set (for op-support reports). */
export function registeredOps(kernels: KernelSet): string[] {
  const names = new Set(Object.keys(REFERENCE));
  if (kernels === 'tflm-cmsis-nn') for (const n of Object.keys(CMSIS_NN)) names.add(n);
  return [...names].sort();
}

/** True when the CMSIS-NN set runs an optimized kernel for this op. */
export function isCmsisOptimized(opName: string): boolean {
  return opName in CMSIS_NN;
}
