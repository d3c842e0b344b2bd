import type { DType, Operator, Tensor } from '../../../model/ir.js';
import type { KernelContext } from './types.js';

/**
 * Helpers shared by the math-group kernel models (fully connected, pooling, softmax, arithmetic, SVDF, LSTM, batch
 * matmul, pad): the view of a tensor that a kernel's Prepare sees through its TfLiteTensor, and the checks of TFLite's
 * kernel_util.cc that several kernels call (activation ranges, convolution multipliers).
 */

/** What Prepare reads from a TfLiteTensor: type, runtime dims, the first scale/zero point and the affine params. */
export interface TensorView {
  readonly index: number;
  readonly dtype: DType;
  readonly shape: number[];
  /** params.scale: the first scale, 0 when the tensor carries no usable quantization. */
  readonly scale: number;
  /** params.zero_point: the first zero point, 0 when unquantized. */
  readonly zeroPoint: number;
  /** quantization.type == kTfLiteAffineQuantization (micro_allocator.cc needs both scale and zero_point lists). */
  readonly quantized: boolean;
  /** Number of scales in the affine params (0 when unquantized). */
  readonly channels: number;
  readonly quantizedDimension: number;
  readonly isConstant: boolean;
  readonly isVariable: boolean;
}

/** The TfLiteTensor view of a model tensor, with the runtime shape the interpreter currently holds. */
export function view(ctx: KernelContext, t: Tensor): TensorView {
  const q = t.quantization;
  // micro_allocator.cc copies quantization only when both the scale and the zero-point vectors are non-empty.
  const quantized = q !== null && q.scale.length > 0 && q.zeroPoint.length > 0;
  return {
    index: t.index,
    dtype: t.dtype,
    shape: ctx.shape(t.index),
    scale: quantized ? Math.fround(q.scale[0]!) : 0,
    zeroPoint: quantized ? q.zeroPoint[0]! : 0,
    quantized,
    channels: quantized ? q.scale.length : 0,
    quantizedDimension: quantized ? q.quantizedDimension : 0,
    isConstant: t.isConstant,
    isVariable: t.isVariable,
  };
}

/** A synthetic TfLiteTensor built on the stack by a kernel (LSTM's fc_output_temp): type and params only. */
export function stackTensor(dtype: DType, scale: number, zeroPoint: number): TensorView {
  return {
    index: -1, dtype, shape: [], scale: Math.fround(scale), zeroPoint, quantized: false, channels: 0,
    quantizedDimension: 0, isConstant: false, isVariable: false,
  };
}

/** AllocateTempInputTensor(i) followed by TF_LITE_ENSURE(t != nullptr). */
export function needInput(ctx: KernelContext, i: number): TensorView {
  const t = ctx.tempInput(i);
  if (!t) return ctx.fail(`${ctx.op.opName}: input ${i} is missing`);
  return view(ctx, t);
}

/** AllocateTempOutputTensor(i) followed by TF_LITE_ENSURE(t != nullptr). */
export function needOutput(ctx: KernelContext, i: number): TensorView {
  const t = ctx.tempOutput(i);
  if (!t) return ctx.fail(`${ctx.op.opName}: output ${i} is missing`);
  return view(ctx, t);
}

/** AllocateTempInputTensor(i) for an optional input: null (and no allocation) when omitted. */
export function optionalInput(ctx: KernelContext, i: number): TensorView | null {
  const t = ctx.tempInput(i);
  return t ? view(ctx, t) : null;
}

/** TF_LITE_ENSURE with a reason of our own wording. */
export function check(ctx: KernelContext, condition: boolean, reason: string): void {
  if (!condition) ctx.fail(`${ctx.op.opName}: ${reason}`);
}

/** TF_LITE_ENSURE_EQ / TF_LITE_ENSURE_TYPES_EQ. */
export function checkEq(ctx: KernelContext, what: string, actual: number | string | boolean, expected: number | string | boolean): void {
  if (actual !== expected) ctx.fail(`${ctx.op.opName}: ${what} is ${String(actual)}, expected ${String(expected)}`);
}

/** NumInputs(node): the size of the node's input list, omitted (-1) entries included. */
export function numInputs(op: Operator): number {
  return op.inputs.length;
}

/** Element count of a runtime shape. */
export function elements(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** The fused activation of an op's options ('NONE' when absent). */
export function activationOf(op: Operator): string {
  const a = op.options['fusedActivationFunction'];
  return typeof a === 'string' ? a : 'NONE';
}

/** C's std::round (half away from zero). */
function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * CheckedLog2 (quantization_util.cc), in float as TFLM computes it: the rounded log2 of `x`, and whether `x` is a
 * power of two (the fractional part of its log2 under 1e-3). A zero or negative scale is never one.
 */
export function checkedLog2(x: number): { ok: boolean; log2: number } {
  const f = Math.fround;
  const log2 = f(f(Math.log(f(x))) * f(1 / f(Math.log(2))));
  const rounded = f(roundAway(log2));
  return { ok: Math.abs(f(log2 - rounded)) < f(1e-3), log2: rounded };
}

/** Quantize() in kernel_util.cc: round(f / scale) in float must fit an int32. */
function quantizeFits(scale: number, f: number): boolean {
  const tmp = Math.fround(roundAway(Math.fround(f / scale)));
  return tmp >= -2147483648 && tmp <= 2147483648;
}

/**
 * CalculateActivationRangeQuantized (tensorflow/lite/kernels/kernel_util.cc): the output must be UINT8, INT8 or
 * INT16, and the fused activation's bounds must quantize to int32 with the output's scale.
 */
export function activationRangeQuantized(ctx: KernelContext, activation: string, output: TensorView): void {
  check(ctx, output.dtype === 'UINT8' || output.dtype === 'INT8' || output.dtype === 'INT16',
    `a quantized activation range needs a UINT8, INT8 or INT16 output, not ${output.dtype}`);
  const bounds = activation === 'RELU' ? [0] : activation === 'RELU6' ? [0, 6] : activation === 'RELU_N1_TO_1' ? [-1, 1] : [];
  for (const b of bounds) {
    check(ctx, quantizeFits(output.scale, b), `the ${activation} bound ${b} does not quantize with output scale ${output.scale}`);
  }
}

/**
 * GetQuantizedConvolutionMultipler (kernel_util.cc): with a bias, its scale must be within 2% of an output step of
 * input_scale x filter_scale; the float product of input and filter scales must not be negative.
 */
export function convolutionMultiplier(ctx: KernelContext, input: TensorView, filter: TensorView, bias: TensorView | null, output: TensorView): void {
  if (bias) {
    const productScale = input.scale * filter.scale;
    const diff = Math.abs(productScale - bias.scale);
    check(ctx, diff / output.scale <= 0.02,
      `bias scale ${bias.scale} differs from input x filter scale ${productScale} by more than 2% of the output scale`);
  }
  check(ctx, Math.fround(input.scale * filter.scale) >= 0, 'input x filter scale is negative');
}

/**
 * ComputeOutSize (tensorflow/lite/kernels/padding.h) for dilation 1: the spatial output size of a pooling or
 * convolution window.
 */
export function windowOutSize(padding: string, image: number, filter: number, stride: number): number {
  if (stride === 0) return 0;
  if (padding === 'SAME') return Math.trunc((image + stride - 1) / stride);
  if (padding === 'VALID') return Math.trunc((image + stride - filter) / stride);
  return 0;
}

/** Number of elements in a dimension list, skipping one dimension (FlatSizeSkipDim). */
export function flatSizeSkipDim(shape: readonly number[], skip: number): number {
  return shape.reduce((n, d, i) => (i === skip ? n : n * d), 1);
}

/** Round a float to float32 (values the C code holds in a float). */
export const f32 = Math.fround;
