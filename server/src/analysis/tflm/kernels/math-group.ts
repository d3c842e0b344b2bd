import { fullyConnectedReference } from './fully-connected.js';
import type { KernelGroup } from './types.js';

/** Kernel models of this group, registered by index.ts. */
export const MATH_KERNELS: KernelGroup = {
  reference: {
    FULLY_CONNECTED: fullyConnectedReference,
  },
  cmsisNn: {},
};
