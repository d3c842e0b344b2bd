import type { Tensor } from '../../../model/ir.js';
import { ensureEq, ensureTrue, ensureTypesEq, isQuantized, numInputs, numOutputs } from './misc-util.js';
import type { KernelContext, KernelModel } from './types.js';

/**
 * TFLM_DECODE (kernels/decode.cc, decode_state*.h/.cc), the custom op that expands a compressed constant into an
 * arena tensor. Its inputs are (encoded, ancillary) pairs, one pair per output; the ancillary tensor starts with a
 * 16-byte header whose byte 0 is the decode type and byte 1 the header version, and whose byte 4 is the version of
 * the type's own metadata. Every allocation Prepare makes is decided by those bytes and the output's quantization.
 *
 * There is no Init. Prepare allocates one DecodeState pointer per output, then per output takes the three
 * temporaries, checks that the first two are constants, and allocates the DecodeState subclass the type names (a
 * C++ object with a vtable, so its size is the 32-bit Arm layout of the class). The pruning decoder also copies
 * per-channel zero points when they are not all zero. Nothing is requested in scratch: the output is an ordinary
 * planned tensor (TFLM only places it elsewhere when the application registered decompression memory).
 */

/** Decode types (DecodeState::kDcmType*). */
const LUT = 0;
const HUFFMAN = 1;
const PRUNE = 2;
const CUSTOM = 127;

/**
 * sizeof(DecodeState*) on 32-bit Arm, and the DecodeState subclasses: the base holds a vtable pointer, the context and
 * the profiler (12 bytes). DecodeStateLut adds five pointer-sized fields and three bytes (35, padded to 36);
 * DecodeStateHuffman three pointer-sized fields, a bool and a byte (26 -> 28); DecodeStatePrune six pointer-sized
 * fields, an int8 and a bool (38 -> 40).
 */
const POINTER_BYTES = 4;
const STATE_BYTES: Readonly<Record<number, number>> = { [LUT]: 36, [HUFFMAN]: 28, [PRUNE]: 40 };

/** Header offsets read in Prepare. */
const TYPE_OFFSET = 0;
const VERSION_OFFSET = 1;
const STATE_VERSION_OFFSET = 4;
/** Huffman: table-size byte; its low bit selects 32-bit table elements. */
const HUFFMAN_TABLE_SIZE_OFFSET = 5;
const HUFFMAN_TABLE_32_BITS = 0x01;

const decode: KernelModel = {
  prepare: (ctx) => {
    const outputs = numOutputs(ctx);
    ensureTrue(ctx, outputs > 0, 'num_outputs > 0');
    ensureEq(ctx, numInputs(ctx), outputs * 2, 'num_inputs', 'num_outputs * 2');
    ctx.persistent(outputs * POINTER_BYTES);
    for (let i = 0; i < numInputs(ctx); i += 2) {
      const input = ctx.tempInput(i);
      if (!input) return ctx.fail(`failed to allocate input tensor ${i}`);
      const ancillary = ctx.tempInput(i + 1);
      if (!ancillary) return ctx.fail(`failed to allocate ancillary tensor ${i + 1}`);
      const output = ctx.tempOutput(i / 2);
      if (!output) return ctx.fail(`failed to allocate output tensor ${i / 2}`);
      // IsConstantTensor: the data is in the flatbuffer (kTfLiteMmapRo).
      ensureTrue(ctx, ctx.constantData(input) !== null, 'IsConstantTensor(input)');
      ensureTrue(ctx, ctx.constantData(ancillary) !== null, 'IsConstantTensor(ancillary)');
      const header = headerOf(ctx, ancillary);
      const version = header(VERSION_OFFSET);
      if (version !== 1) ctx.fail(`version ${version} != 1`);
      const type = header(TYPE_OFFSET);
      const stateBytes = STATE_BYTES[type];
      if (stateBytes === undefined) {
        return ctx.fail(type === CUSTOM ? 'Custom decode type not yet supported' : `unsupported decode type ${type}`);
      }
      ctx.persistent(stateBytes);
      setup(ctx, type, header, output);
    }
  },
};

/** The DecodeState subclass's Setup: its metadata version, then what its type requires of the output. */
function setup(ctx: KernelContext, type: number, header: (offset: number) => number, output: Tensor): void {
  const version = header(STATE_VERSION_OFFSET);
  if (version !== 1) ctx.fail(`unsupported version ${version}`);
  if (type === HUFFMAN) {
    // The 16-bit table decoder writes int8 only.
    if ((header(HUFFMAN_TABLE_SIZE_OFFSET) & HUFFMAN_TABLE_32_BITS) === 0) {
      ensureTypesEq(ctx, output.dtype, 'INT8', 'output.type', 'kTfLiteInt8');
    }
    return;
  }
  if (!isQuantized(output)) return;
  const q = output.quantization!;
  const channels = q.scale.length;
  // Channels run along the first axis, or along the last one when there is more than one channel.
  const rank = ctx.shape(output.index).length;
  const lastAxis = q.quantizedDimension === rank - 1 && channels > 1;
  if (!lastAxis && q.quantizedDimension !== 0) ctx.fail(`unsupported quantization axis ${q.quantizedDimension}`);
  if (type !== PRUNE) return;
  // micro_allocator.cc widens a single zero point to every channel; the values are C ints.
  const zeroPoint = (c: number): number => (q.zeroPoint.length === channels ? q.zeroPoint[c]! : q.zeroPoint[0]!) | 0;
  const nonZero = Array.from({ length: channels }, (_, c) => zeroPoint(c)).some((z) => z !== 0);
  if (output.dtype !== 'INT8' && nonZero) ctx.fail('All zero-points must be zero');
  // One int8 zero point per channel, copied to a persistent array.
  if (channels > 1 && nonZero) ctx.persistent(channels);
}

/**
 * Byte reader for the ancillary header. TFLM reads header bytes without checking the tensor's length; a read past
 * the end of the buffer has no defined result, so it is reported as a failure.
 */
function headerOf(ctx: KernelContext, ancillary: Tensor): (offset: number) => number {
  const data = ctx.constantData(ancillary);
  return (offset) => {
    const byte = data?.[offset];
    if (byte === undefined) {
      ctx.fail(`the ancillary tensor has ${data?.length ?? 0} bytes of data; `
        + `TFLM reads header byte ${offset} past its end`);
    }
    return byte;
  };
}

/** Kernels of TFLM's compression support, by op name. */
export const DECODE_KERNELS: Record<string, KernelModel> = {
  'CUSTOM:TFLM_DECODE': decode,
};
