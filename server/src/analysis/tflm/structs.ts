/**
 * Sizes and alignments of TFLM's runtime structs on a 32-bit Arm Cortex-M build (arm-none-eabi GCC, AAPCS:
 * 4-byte pointers and size_t; the bare-metal ABI makes an enum only as wide as its values need, so TFLM's C enums
 * take 1 byte). They are the `sizeof` figures reported by a TFLM build for that target (TFLM commit 90b983c2b3f1),
 * cross-checked against the allocation logs in ../shared/models/tflm_detail. None of the structs here holds an enum
 * outside its last 4-byte slot, so they are the same with 4-byte enums (the RV32IMC rig's head and allocator figures);
 * the structs that do differ (TfLiteTensor, the builtin params) are laid out per `Abi` by `cLayout`.
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

/**
 * How wide a C enum is, the one ABI difference TFLM's allocations see between 32-bit targets. `arm-eabi`: the
 * bare-metal AAPCS (arm-none-eabi GCC) makes an enum only as wide as its values need, so every TFLM enum takes 1 byte.
 * `int-enum`: an enum is an `int` (4 bytes), as on RISC-V, Xtensa, ARC and x86 GCC builds. Pointers, `size_t` and
 * `int` are 4 bytes on both.
 */
export type Abi = 'arm-eabi' | 'int-enum';

/** A field of a C struct: a scalar kind, or `[kind, count]` for an array. */
export type CField = CScalar | readonly [CScalar, number];
type CScalar = 'enum' | 'bool' | 'i8' | 'i16' | 'i32' | 'f32' | 'ptr' | 'size_t';

export interface CLayout {
  bytes: number;
  align: number;
}

const SCALAR: Record<Exclude<CScalar, 'enum'>, number> = { bool: 1, i8: 1, i16: 2, i32: 4, f32: 4, ptr: 4, size_t: 4 };

/** sizeof and alignof of a struct with these fields in order (each field at its natural alignment, the end padded). */
export function cLayout(fields: readonly CField[], abi: Abi): CLayout {
  let offset = 0;
  let align = 1;
  for (const field of fields) {
    const [kind, count] = typeof field === 'string' ? [field, 1] : field;
    const size = kind === 'enum' ? (abi === 'arm-eabi' ? 1 : 4) : SCALAR[kind];
    offset = alignUp(offset, size) + size * count;
    align = Math.max(align, size);
  }
  return { bytes: alignUp(offset, align), align };
}

/**
 * TfLiteTensor as TFLM builds it (TF_LITE_STATIC_MEMORY, common.h): quantization {type enum, params pointer},
 * params {float scale, int32 zero_point}, data, dims, bytes, then type and allocation_type enums and is_variable:
 * 32 bytes on Arm, 40 with 4-byte enums.
 */
const TFLITE_TENSOR: readonly CField[] = ['enum', 'ptr', 'f32', 'i32', 'ptr', 'ptr', 'size_t', 'enum', 'enum', 'bool'];
const TENSOR_LAYOUTS: Record<Abi, CLayout> = {
  'arm-eabi': cLayout(TFLITE_TENSOR, 'arm-eabi'),
  'int-enum': cLayout(TFLITE_TENSOR, 'int-enum'),
};

export function tfLiteTensorLayout(abi: Abi): CLayout {
  return TENSOR_LAYOUTS[abi];
}

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
