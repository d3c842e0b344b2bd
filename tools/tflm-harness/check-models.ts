/**
 * Models for the rig's own checks, built with the project's builder and written as .tflite files:
 * - rig_two_conv_int8: two identical int8 3x3 CONV_2D layers (same shapes, weights, quantization) in a row;
 * - rig_two_fc_int8: two identical int8 FULLY_CONNECTED layers in a row;
 * - rig_two_conv_float: the float version of the first.
 * Identical layers must get identical per-op instruction counts (or the difference shows data-dependent code).
 *
 *   node --import tsx tools/tflm-harness/check-models.ts OUT_DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  activationQuantInt8, ModelBuilder, quantizeBiasInt32, quantizeSymmetricInt8, type TensorRef,
} from '../../server/src/model/builder/index.js';

const Q = activationQuantInt8(-4, 4);

/** A fixed, varied weight pattern in [-0.5, 0.5]. */
const pattern = (n: number): number[] => Array.from({ length: n }, (_, k) => (((k * 37) % 101) - 50) / 100);

function twoConv(float: boolean): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const ch = 8;
  const shape = [1, 16, 16, ch];
  let x: TensorRef = float
    ? g.input({ name: 'in', shape, dtype: 'FLOAT32' })
    : g.input({ name: 'in', shape, dtype: 'INT8', quant: Q });
  const fshape = [ch, 3, 3, ch];
  const options = { padding: 'SAME' as const, strideW: 1, strideH: 1, fusedActivationFunction: 'RELU' as const,
    dilationWFactor: 1, dilationHFactor: 1 };
  for (const name of ['conv1', 'conv2']) {
    if (float) {
      const w = g.constant({ name: `${name}/w`, shape: fshape, dtype: 'FLOAT32', data: pattern(ch * 9 * ch) });
      const b = g.constant({ name: `${name}/b`, shape: [ch], dtype: 'FLOAT32', data: pattern(ch) });
      x = g.op('CONV_2D', { inputs: [x, w, b], output: { name, shape, dtype: 'FLOAT32' }, options });
    } else {
      const wq = quantizeSymmetricInt8(pattern(ch * 9 * ch), fshape, 0);
      const bq = quantizeBiasInt32(pattern(ch), Q.scale[0]!, wq.quant.scale);
      const w = g.constant({ name: `${name}/w`, shape: fshape, dtype: 'INT8', data: wq.data, quant: wq.quant });
      const b = g.constant({ name: `${name}/b`, shape: [ch], dtype: 'INT32', data: bq.data, quant: bq.quant });
      x = g.op('CONV_2D', { inputs: [x, w, b], output: { name, shape, dtype: 'INT8', quant: Q }, version: 3, options });
    }
  }
  g.output(x);
  return m.finish();
}

function twoFc(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const n = 64;
  let x: TensorRef = g.input({ name: 'in', shape: [1, n], dtype: 'INT8', quant: Q });
  for (const name of ['fc1', 'fc2']) {
    const wq = quantizeSymmetricInt8(pattern(n * n), [n, n], null);
    const bq = quantizeBiasInt32(pattern(n), Q.scale[0]!, wq.quant.scale);
    const w = g.constant({ name: `${name}/w`, shape: [n, n], dtype: 'INT8', data: wq.data, quant: wq.quant });
    const b = g.constant({ name: `${name}/b`, shape: [n], dtype: 'INT32', data: bq.data, quant: bq.quant });
    x = g.op('FULLY_CONNECTED', {
      inputs: [x, w, b], output: { name, shape: [1, n], dtype: 'INT8', quant: Q }, version: 4,
      options: { fusedActivationFunction: 'NONE', keepNumDims: false },
    });
  }
  g.output(x);
  return m.finish();
}

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: check-models.ts OUT_DIR\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'rig_two_conv_int8.tflite'), twoConv(false));
writeFileSync(join(out, 'rig_two_conv_float.tflite'), twoConv(true));
writeFileSync(join(out, 'rig_two_fc_int8.tflite'), twoFc());
process.stdout.write(`3 check models written to ${out}\n`);
