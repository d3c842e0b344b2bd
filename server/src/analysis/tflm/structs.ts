/**
 * Sizes and alignments of TFLM's runtime structs on a 32-bit Arm Cortex-M build (arm-none-eabi GCC, AAPCS:
 * 4-byte pointers and size_t; the bare-metal ABI makes an enum only as wide as its values need, so TFLM's C enums
 * take 1 byte). They are the `sizeof` figures reported by a TFLM build for that target (TFLM commit 90b983c2b3f1),
 * cross-checked against the allocation logs in ../shared/models/tflm_detail.
 */
export const CORTEX_M = {
  pointer: 4,
  /** MicroArenaBufferAlignment(): alignment of every kernel persistent buffer and of the planned head. */
  arenaAlignment: 16,
  singleArenaBufferAllocator: { size: 36, align: 4 },
  greedyMemoryPlanner: { size: 44, align: 4 },
  microAllocator: { size: 36, align: 4 },
  microBuiltinDataAllocator: { size: 8, align: 4 },
  subgraphAllocations: { size: 8, align: 4 },
  evalTensor: { size: 12, align: 4 },
  nodeAndRegistration: { size: 32, align: 4 },
  tfLiteTensor: { size: 32, align: 4 },
  affineQuantization: { size: 12, align: 4 },
  intArrayHeader: 4,
  scratchBufferRequest: { size: 12, align: 4 },
  scratchBufferHandle: { size: 4, align: 4 },
  allocationInfo: { size: 24, align: 4 },
  /** GreedyMemoryPlanner::per_buffer_size(): BufferRequirements + 2 ints + ListEntry + offset int. */
  plannerPerBuffer: 40,
  /** kMaxScratchBuffersPerOp in micro_allocator.cc. */
  maxScratchBuffersPerOp: 12,
} as const;

/** Bytes of a TfLiteIntArray holding `n` ints (TfLiteIntArrayGetSizeInBytes). */
export function intArrayBytes(n: number): number {
  return CORTEX_M.intArrayHeader + 4 * n;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

export function alignDown(value: number, alignment: number): number {
  return Math.floor(value / alignment) * alignment;
}
