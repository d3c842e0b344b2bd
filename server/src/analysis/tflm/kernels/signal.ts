import { flexbufferMap } from './flexbuffers.js';
import { ensureEq, ensureTypesEq, simpleKernel, temps } from './misc-util.js';
import type { KernelContext, KernelModel } from './types.js';
import { flatSize } from './util.js';

/**
 * The signal library's custom ops (tflite-micro signal/micro/kernels). Their Init reads a FlexBuffers map of custom
 * options and allocates the params struct, then state sized by those options (FFT tables, filter-bank work areas).
 * Custom ops have no parsed builtin params.
 */

function option(ctx: KernelContext, key: string): number {
  return flexbufferMap(ctx.op.customOptions).get(key) ?? 0;
}

/** Sizes above this (elements) are rejected outright: no arena holds them, and products of two stay safe integers. */
const MAX_SIZE_OPTION = 2 ** 31 - 1;

/**
 * An option that sizes a buffer (fft_length, num_channels, delay_length, ...), read as Init reads it
 * (ElementAsInt32). A negative value would make the kernel's size_t arithmetic wrap, so the node is rejected here,
 * where the size is computed, rather than handing the arena a negative request.
 */
function sizeOption(ctx: KernelContext, key: string): number {
  const v = Math.trunc(option(ctx, key));
  if (!(v >= 0 && v <= MAX_SIZE_OPTION)) {
    ctx.fail(`${ctx.op.opName.replace(/^CUSTOM:/, '')}: custom option ${key} is ${v}, not a size from 0 to ${MAX_SIZE_OPTION}`);
  }
  return v;
}

/** Bytes of one complex element of kiss_fft for the options' 'T' (TensorType: 7 = INT16, 2 = INT32, 0 = FLOAT32). */
function complexBytes(ctx: KernelContext): number {
  return option(ctx, 'T') === 7 ? 4 : 8;
}

/**
 * kiss_fftr_alloc's memory (kiss_fftr.c): kiss_fftr_state (3 pointers) + a complex FFT of n/2 points
 * (kiss_fft_state: nfft, inverse, factors[64], twiddles[n/2]) + 3/4 n super-twiddles/tmpbuf.
 */
export function kissFftrBytes(fftLength: number, cpx: number): number {
  const n = Math.trunc(fftLength / 2);
  const sub = 4 + 4 + 4 * 64 + cpx * n;
  return 12 + sub + cpx * Math.trunc((n * 3) / 2);
}

/** CircularBufferGetNeededMemory: a 24-byte CircularBuffer plus twice `capacity` int16 samples. */
function circularBufferBytes(capacity: number): number {
  return 24 + 2 * 2 * capacity;
}

const ELEM: Record<number, number> = { 7: 2, 2: 4, 0: 4 };

/** rfft.cc: TfLiteAudioFrontendRfftParams (8 fields = 32) + kiss state; Prepare: scratch of fft_length samples. */
const rfft: KernelModel = {
  init: (ctx) => {
    ctx.persistent(32);
    ctx.persistent(kissFftrBytes(sizeOption(ctx, 'fft_length'), complexBytes(ctx)));
  },
  prepare: (ctx) => {
    ensureEq(ctx, ctx.op.inputs.length, 1, 'NumInputs(node)', '1');
    ensureEq(ctx, ctx.op.outputs.length, 1, 'NumOutputs(node)', '1');
    const [input, output] = temps(ctx, [['i', 0], ['o', 0]]);
    ensureEq(ctx, ctx.shape(input!.index).length, ctx.shape(output!.index).length, 'NumDimensions(input)',
      'NumDimensions(output)');
    ctx.scratch(sizeOption(ctx, 'fft_length') * (ELEM[option(ctx, 'T')] ?? 4));
  },
};

/** irfft.cc: TfLiteAudioFrontendIrfftParams (6 fields = 24) + an inverse kiss state; input and output. */
const irfft: KernelModel = {
  init: (ctx) => {
    ctx.persistent(24);
    ctx.persistent(kissFftrBytes(sizeOption(ctx, 'fft_length'), complexBytes(ctx)));
  },
  prepare: (ctx) => { temps(ctx, [['i', 0], ['o', 0]]); },
};

/** filter_bank.cc: TFLMSignalFilterBankParams (FilterbankConfig + pointer = 36) + (num_channels + 1) uint64. */
const filterBank: KernelModel = {
  init: (ctx) => {
    ctx.persistent(36);
    ctx.persistent((sizeOption(ctx, 'num_channels') + 1) * 8);
  },
  prepare: (ctx) => {
    ensureEq(ctx, ctx.op.inputs.length, 6, 'NumInputs(node)', '6');
    const expected = ['UINT32', 'INT16', 'INT16', 'INT16', 'INT16', 'INT16'] as const;
    expected.forEach((dtype, i) => {
      const [input] = temps(ctx, [['i', i]]);
      ensureTypesEq(ctx, input!.dtype, dtype, 'input->type', `kTfLite${dtype === 'UINT32' ? 'UInt32' : 'Int16'}`);
    });
    const [output] = temps(ctx, [['o', 0]]);
    ensureTypesEq(ctx, output!.dtype, 'UINT64', 'output->type', 'kTfLiteUInt64');
  },
};

/** filter_bank_spectral_subtraction.cc: params (config + pointer + size_t = 44) + num_channels uint32. */
const spectralSubtraction: KernelModel = {
  init: (ctx) => {
    ctx.persistent(44);
    ctx.persistent(sizeOption(ctx, 'num_channels') * 4);
  },
  prepare: (ctx) => { temps(ctx, [['i', 0], ['o', 0], ['o', 1]]); },
};

/** Delay / Framer: per outer row a state pointer, a circular-buffer pointer and a circular buffer, in Prepare. */
function rowBuffers(ctx: KernelContext, capacity: (frame: number) => number): void {
  const input = ctx.input(0);
  if (!input) return;
  const shape = ctx.shape(input.index);
  const inner = shape[shape.length - 1] ?? 1;
  const outer = inner === 0 ? 0 : Math.trunc(flatSize(shape) / inner);
  ctx.persistent(outer * 4);
  ctx.persistent(outer * 4);
  ctx.persistentEach(outer, circularBufferBytes(capacity(inner)));
}

/** delay.cc: params (3 int32 + 2 pointers = 20); capacity = frame size + delay_length. */
const delay: KernelModel = {
  init: (ctx) => ctx.persistent(20),
  prepare: (ctx) => {
    temps(ctx, [['i', 0], ['o', 0]]);
    rowBuffers(ctx, (frame) => frame + sizeOption(ctx, 'delay_length'));
  },
};

/** framer.cc: params (4 int32, bool, 2 pointers = 28); capacity = frame_size rounded up to frame_step. */
const framer: KernelModel = {
  init: (ctx) => ctx.persistent(28),
  prepare: (ctx) => {
    temps(ctx, [['i', 0], ['o', 0], ['o', 1]]);
    const size = sizeOption(ctx, 'frame_size');
    const step = sizeOption(ctx, 'frame_step') || 1;
    rowBuffers(ctx, () => Math.ceil(size / step) * step);
  },
};

/** overlap_add.cc: params (4 int32, enum, pointer = 24); Prepare: pointer array and one frame per outer row. */
const overlapAdd: KernelModel = {
  init: (ctx) => ctx.persistent(24),
  prepare: (ctx) => {
    const [input] = temps(ctx, [['i', 0], ['o', 0]]);
    const shape = ctx.shape(input!.index);
    const frame = shape[shape.length - 1] ?? 0;
    const frames = shape[shape.length - 2] ?? 0;
    const outer = frame * frames === 0 ? 0 : Math.trunc(flatSize(shape) / (frame * frames));
    ctx.persistent(outer * 4);
    const elem = ELEM[option(ctx, 'T')] ?? 4;
    ctx.persistentEach(outer, frame * elem);
  },
};

/** stacker.cc: params (4 int32, 2 size_t, bool, 2 pointers = 36) + a circular buffer of the stacked window. */
const stacker: KernelModel = {
  init: (ctx) => {
    ctx.persistent(36);
    const size = sizeOption(ctx, 'num_channels')
      * (sizeOption(ctx, 'stacker_left_context') + sizeOption(ctx, 'stacker_right_context') + 1);
    ctx.persistent(circularBufferBytes(size));
  },
  prepare: (ctx) => { temps(ctx, [['i', 0], ['o', 0], ['o', 1]]); },
};

/** Signal-library kernels by op name ('CUSTOM:<name>'), registered as AddWindow(), AddRfft(), ... do. */
export const SIGNAL_KERNELS: Record<string, KernelModel> = {
  // window.cc: TFLMSignalWindowParams (2 int32); input, weights, output.
  'CUSTOM:SignalWindow': simpleKernel(8, [['i', 0], ['i', 1], ['o', 0]]),
  // fft_auto_scale_common.cc: no Init; input, output, scale bit.
  'CUSTOM:SignalFftAutoScale': simpleKernel(0, [['i', 0], ['o', 0], ['o', 1]]),
  'CUSTOM:SignalRfft': rfft,
  'CUSTOM:SignalIrfft': irfft,
  // energy.cc: TFLMSignalEnergyParams (2 int32).
  'CUSTOM:SignalEnergy': simpleKernel(8, [['i', 0], ['o', 0]]),
  'CUSTOM:SignalFilterBank': filterBank,
  // filter_bank_square_root_common.cc: no Init; input, scale bits, output.
  'CUSTOM:SignalFilterBankSquareRoot': simpleKernel(0, [['i', 0], ['i', 1], ['o', 0]]),
  'CUSTOM:SignalFilterBankSpectralSubtraction': spectralSubtraction,
  // pcan.cc: TfLitePcanParams {int}; input, noise estimate, gain LUT, output.
  'CUSTOM:SignalPCAN': simpleKernel(4, [['i', 0], ['i', 1], ['i', 2], ['o', 0]]),
  // filter_bank_log.cc: TFLMSignalLogParams (2 ints).
  'CUSTOM:SignalFilterBankLog': simpleKernel(8, [['i', 0], ['o', 0]]),
  'CUSTOM:SignalDelay': delay,
  'CUSTOM:SignalFramer': framer,
  'CUSTOM:SignalOverlapAdd': overlapAdd,
  'CUSTOM:SignalStacker': stacker,
};
