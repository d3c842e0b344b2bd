import type { KernelGroup } from './types.js';

/** Kernel models of this group, registered by index.ts. */
export const CONV_KERNELS: KernelGroup = {
  reference: {},
  cmsisNn: {},
};
