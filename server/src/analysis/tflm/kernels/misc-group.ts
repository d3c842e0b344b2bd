import type { KernelGroup } from './types.js';

/** Kernel models of this group, registered by index.ts. */
export const MISC_KERNELS: KernelGroup = {
  reference: {},
  cmsisNn: {},
};
