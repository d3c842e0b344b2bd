import type { DType, Tensor } from '../../../model/ir.js';
import type { KernelContext, KernelModel } from './types.js';

/**
 * Helpers shared by the misc group's kernel models: TFLM's TF_LITE_ENSURE* failure texts, and a builder for the many
 * kernels whose Prepare only takes temporaries of some inputs and outputs in a fixed order.
 */

/** TF_LITE_ENSURE(cond): TFLM reports the stringified condition followed by "was not true". */
export function ensureTrue(ctx: KernelContext, condition: boolean, expression: string): void {
  if (!condition) ctx.fail(`${expression} was not true`);
}

/** TF_LITE_ENSURE_TYPES_EQ(a, b): "<a> != <b> (<type a> != <type b>)". */
export function ensureTypesEq(ctx: KernelContext, a: DType, b: DType, exprA: string, exprB: string): void {
  if (a !== b) ctx.fail(`${exprA} != ${exprB} (${a} != ${b})`);
}

/** TF_LITE_ENSURE_EQ(a, b) on numbers: "<a> != <b> (<value a> != <value b>)". */
export function ensureEq(ctx: KernelContext, a: number, b: number, exprA: string, exprB: string): void {
  if (a !== b) ctx.fail(`${exprA} != ${exprB} (${a} != ${b})`);
}

/** TF_LITE_ENSURE_MSG(cond, msg): the kernel's own message. */
export function ensureMsg(ctx: KernelContext, condition: boolean, message: string): void {
  if (!condition) ctx.fail(message);
}

/** A node's input count as TFLM sees it (node->inputs->size, omitted inputs included). */
export function numInputs(ctx: KernelContext): number {
  return ctx.op.inputs.length;
}

export function numOutputs(ctx: KernelContext): number {
  return ctx.op.outputs.length;
}

/** Rank of a tensor at run time. */
export function rank(ctx: KernelContext, t: Tensor): number {
  return ctx.shape(t.index).length;
}

/** True when the tensor's data is in the flatbuffer (IsConstantTensor: kTfLiteMmapRo). */
export function isConstant(t: Tensor): boolean {
  return t.isConstant;
}

/** True when the tensor carries affine quantization (quantization.type == kTfLiteAffineQuantization). */
export function isQuantized(t: Tensor): boolean {
  const q = t.quantization;
  return q !== null && q.scale.length > 0 && q.zeroPoint.length > 0;
}

/** One temporary tensor request: 'i' = AllocateTempInputTensor, 'o' = AllocateTempOutputTensor. */
export type TempSpec = readonly ['i' | 'o', number];

/** Request temporaries in order, failing like TF_LITE_ENSURE(t != nullptr) when one is missing. */
export function temps(ctx: KernelContext, specs: readonly TempSpec[]): (Tensor)[] {
  return specs.map(([kind, i]) => {
    const t = kind === 'i' ? ctx.tempInput(i) : ctx.tempOutput(i);
    if (!t) ctx.fail(`${kind === 'i' ? 'input' : 'output'} ${i} != nullptr was not true`);
    return t;
  });
}

/**
 * A kernel whose Init allocates `initBytes` (0: no Init or no allocation) and whose Prepare takes the given
 * temporaries, then runs `check` on them (type checks).
 */
export function simpleKernel(
  initBytes: number,
  specs: readonly TempSpec[],
  check?: (ctx: KernelContext, tensors: Tensor[]) => void,
  params?: KernelModel['params'],
): KernelModel {
  const model: KernelModel = {};
  if (params) model.params = params;
  if (initBytes > 0) model.init = (ctx) => ctx.persistent(initBytes);
  if (specs.length > 0 || check) {
    model.prepare = (ctx) => {
      const ts = temps(ctx, specs);
      check?.(ctx, ts);
    };
  }
  return model;
}
