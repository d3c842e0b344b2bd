/**
 * Writes the float model the e2e quantization test cancels: built by the project's builder (never copied from
 * ../shared), large enough that its calibration is still running when the progress notification appears.
 *   node --import tsx test/e2e/float-model.ts <out.tflite>
 */
import { writeFileSync } from 'node:fs';
import { floatConvModel } from '../unit/helpers/float-conv.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: float-model.ts <out.tflite>');
// 96 x 96: about 42M multiply-adds a sample, 200 sample runs for the command's 100 random samples.
writeFileSync(out, floatConvModel(96));
