import { ensureTrue, isQuantized, temps } from './misc-util.js';
import type { KernelModel } from './types.js';

/**
 * QUANTIZE and DEQUANTIZE (quantize_common.cc, dequantize_common.cc). Neither parser allocates params.
 * Both OpData structs hold a double (8-aligned on AAPCS), so they round up to 32 bytes.
 */

const QUANTIZE_INPUTS = ['FLOAT32', 'INT32', 'INT16', 'INT8', 'UINT8'];
const QUANTIZE_OUTPUTS = ['INT8', 'INT16', 'INT32', 'UINT8'];

/** OpDataQuantizeReference: QuantizationParams {int32, double} (16) + 3 ints = 28, padded to 32. */
export const quantizeKernel: KernelModel = {
  init: (ctx) => ctx.persistent(32),
  prepare: (ctx) => {
    const [input, output] = temps(ctx, [['i', 0], ['o', 0]]);
    ensureTrue(ctx, isQuantized(output!), 'output->quantization.type == kTfLiteAffineQuantization');
    ensureTrue(ctx, output!.quantization!.scale.length === 1, 'affine_quantization->scale->size == 1');
    ensureTrue(ctx, QUANTIZE_INPUTS.includes(input!.dtype),
      'input->type == kTfLiteFloat32 || input->type == kTfLiteInt32 || input->type == kTfLiteInt16 || '
      + 'input->type == kTfLiteInt8 || input->type == kTfLiteUInt8');
    ensureTrue(ctx, QUANTIZE_OUTPUTS.includes(output!.dtype),
      'output->type == kTfLiteInt8 || output->type == kTfLiteInt16 || output->type == kTfLiteInt32 || '
      + 'output->type == kTfLiteUInt8');
  },
};

/** DequantizeOpData: DequantizationParams {double, int32} (16) + 3 ints = 28, padded to 32. */
export const dequantizeKernel: KernelModel = {
  init: (ctx) => ctx.persistent(32),
  prepare: (ctx) => {
    const [input, output] = temps(ctx, [['i', 0], ['o', 0]]);
    ensureTrue(ctx, ['INT8', 'INT16', 'UINT8'].includes(input!.dtype),
      'input->type == kTfLiteInt8 || input->type == kTfLiteInt16 || input->type == kTfLiteUInt8');
    ensureTrue(ctx, output!.dtype === 'FLOAT32', 'output->type == kTfLiteFloat32');
  },
};
