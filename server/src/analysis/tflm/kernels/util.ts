import type { Tensor } from '../../../model/ir.js';
import { cLayout, type CField } from '../structs.js';
import type { KernelContext, ParsedParams } from './types.js';

/** A builtin's params struct (TfLite*Params, builtin_op_data.h) from its fields, laid out under both ABIs. */
export function cParams(...fields: CField[]): ParsedParams {
  return { 'arm-eabi': cLayout(fields, 'arm-eabi'), 'int-enum': cLayout(fields, 'int-enum') };
}

/** Number of quantization channels of a tensor (1 for per-tensor). */
export function channels(t: Tensor | null): number {
  return t?.quantization?.scale.length ?? 0;
}

/** True when the tensor has per-channel quantization (more than one scale). */
export function isPerChannel(t: Tensor | null): boolean {
  return channels(t) > 1;
}

/** Element count of a shape. */
export function flatSize(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A dimension of a runtime shape, with negative indices counting from the end. */
export function dim(ctx: KernelContext, t: Tensor, i: number): number {
  const shape = ctx.shape(t.index);
  return shape[i < 0 ? shape.length + i : i] ?? 0;
}

/** TF_LITE_ENSURE_TYPES_EQ and friends: fail the node with TFLM's reason. */
export function ensure(ctx: KernelContext, condition: boolean, reason: string): void {
  if (!condition) ctx.fail(reason);
}

/** Format a type mismatch the way the product reports it. */
export function typeError(opName: string, t: Tensor | null, what = 'input'): string {
  return `${opName}: ${what} type ${t?.dtype ?? 'none'} is not supported`;
}

/**
 * Element `i` of constant bytes read as little-endian int32, the way `GetTensorData<int32_t>(t)[i]` reads them
 * whatever the tensor's type; null when that read would run past the buffer.
 */
export function int32At(data: Uint8Array, i: number): number | null {
  if (i < 0 || 4 * i + 4 > data.length) return null;
  return new DataView(data.buffer, data.byteOffset + 4 * i, 4).getInt32(0, true);
}
