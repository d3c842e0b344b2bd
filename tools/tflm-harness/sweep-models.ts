/**
 * One-op int8 models over many shapes per kernel class, for fitting per-kernel instruction formulas: conv 1x1, conv
 * 3x3 (stride 1 and 2, SAME and VALID), depthwise 3x3, fully connected, average and max pooling, add and mul with
 * and without broadcast, softmax. Each file is named `sw_CLASS_SHAPE.tflite`; measure.ts's per-op rows for them are
 * the sweep data (test/measured/instr_sweep.tsv).
 *
 *   node --import tsx tools/tflm-harness/sweep-models.ts OUT_DIR
 */

import {
  activationQuantInt8, ModelBuilder, PROBABILITY_QUANT_INT8, quantizeBiasInt32, quantizeSymmetricInt8,
} from '../../server/src/model/builder/index.js';
import { writeModelsMain } from './write-models.js';

const Q = activationQuantInt8(-4, 4);
const pattern = (n: number): number[] => Array.from({ length: n }, (_, k) => (((k * 37) % 101) - 50) / 100);
const outSize = (n: number, k: number, s: number, pad: 'SAME' | 'VALID'): number =>
  pad === 'SAME' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;

function conv(h: number, cin: number, cout: number, k: number, s: number, pad: 'SAME' | 'VALID', depthwise: boolean): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [1, h, h, cin], dtype: 'INT8', quant: Q });
  const oh = outSize(h, k, s, pad);
  const ch = depthwise ? cin : cout;
  const fshape = depthwise ? [1, k, k, ch] : [ch, k, k, cin];
  const wq = quantizeSymmetricInt8(pattern(fshape.reduce((a, b) => a * b, 1)), fshape, depthwise ? 3 : 0);
  const bq = quantizeBiasInt32(pattern(ch), Q.scale[0]!, wq.quant.scale);
  const w = g.constant({ name: 'w', shape: fshape, dtype: 'INT8', data: wq.data, quant: wq.quant });
  const b = g.constant({ name: 'b', shape: [ch], dtype: 'INT32', data: bq.data, quant: bq.quant });
  const common = { padding: pad, strideW: s, strideH: s, fusedActivationFunction: 'RELU' as const, dilationWFactor: 1, dilationHFactor: 1 };
  const output = { name: 'y', shape: [1, oh, oh, ch], dtype: 'INT8' as const, quant: Q };
  const y = depthwise
    ? g.op('DEPTHWISE_CONV_2D', { inputs: [x, w, b], output, version: 3, options: { ...common, depthMultiplier: 1 } })
    : g.op('CONV_2D', { inputs: [x, w, b], output, version: 3, options: common });
  g.output(y);
  return m.finish();
}

function fc(inner: number, units: number, batch: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [batch, inner], dtype: 'INT8', quant: Q });
  const wq = quantizeSymmetricInt8(pattern(units * inner), [units, inner], null);
  const bq = quantizeBiasInt32(pattern(units), Q.scale[0]!, wq.quant.scale);
  const w = g.constant({ name: 'w', shape: [units, inner], dtype: 'INT8', data: wq.data, quant: wq.quant });
  const b = g.constant({ name: 'b', shape: [units], dtype: 'INT32', data: bq.data, quant: bq.quant });
  g.output(g.op('FULLY_CONNECTED', {
    inputs: [x, w, b], output: { name: 'y', shape: [batch, units], dtype: 'INT8', quant: Q }, version: 4,
    options: { fusedActivationFunction: 'NONE', keepNumDims: false },
  }));
  return m.finish();
}

function pool(kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', h: number, c: number, k: number, s: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [1, h, h, c], dtype: 'INT8', quant: Q });
  const oh = outSize(h, k, s, 'VALID');
  g.output(g.op(kind, {
    inputs: [x], output: { name: 'y', shape: [1, oh, oh, c], dtype: 'INT8', quant: Q },
    options: { padding: 'VALID', strideW: s, strideH: s, filterWidth: k, filterHeight: k, fusedActivationFunction: 'NONE' },
  }));
  return m.finish();
}

function binary(kind: 'ADD' | 'MUL', h: number, c: number, broadcast: boolean): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.input({ name: 'a', shape: [1, h, h, c], dtype: 'INT8', quant: Q });
  const b = g.input({ name: 'b', shape: broadcast ? [1, 1, 1, c] : [1, h, h, c], dtype: 'INT8', quant: activationQuantInt8(-2, 2) });
  g.output(g.op(kind, {
    inputs: [a, b], output: { name: 'y', shape: [1, h, h, c], dtype: 'INT8', quant: activationQuantInt8(-6, 6) },
    options: { fusedActivationFunction: 'NONE' },
  }));
  return m.finish();
}

function softmax(rows: number, n: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'in', shape: [rows, n], dtype: 'INT8', quant: Q });
  g.output(g.op('SOFTMAX', {
    inputs: [x], output: { name: 'y', shape: [rows, n], dtype: 'INT8', quant: PROBABILITY_QUANT_INT8 }, options: { beta: 1 },
  }));
  return m.finish();
}

/** The sweep models by name (also rebuilt by test/unit/tflm-measured-helium.test.ts to check the rig's figures). */
export const SWEEP_MODELS: Readonly<Record<string, () => Uint8Array>> = (() => {
  const models: [string, () => Uint8Array][] = [];
  for (const h of [4, 8, 16, 24]) {
    for (const cin of [3, 8, 16, 20, 32]) {
      for (const cout of [8, 16, 24]) {
        models.push([`sw_conv1x1_h${h}_c${cin}_o${cout}`, () => conv(h, cin, cout, 1, 1, 'VALID', false)]);
        models.push([`sw_conv3x3s1same_h${h}_c${cin}_o${cout}`, () => conv(h, cin, cout, 3, 1, 'SAME', false)]);
        if (h >= 8) models.push([`sw_conv3x3s2valid_h${h}_c${cin}_o${cout}`, () => conv(h, cin, cout, 3, 2, 'VALID', false)]);
      }
      models.push([`sw_dw3x3s1same_h${h}_c${cin}`, () => conv(h, cin, cin, 3, 1, 'SAME', true)]);
      if (h >= 8) models.push([`sw_dw3x3s2valid_h${h}_c${cin}`, () => conv(h, cin, cin, 3, 2, 'VALID', true)]);
      models.push([`sw_avgpool2x2_h${h}_c${cin}`, () => pool('AVERAGE_POOL_2D', h, cin, 2, 2)]);
      models.push([`sw_maxpool2x2_h${h}_c${cin}`, () => pool('MAX_POOL_2D', h, cin, 2, 2)]);
      for (const kind of ['ADD', 'MUL'] as const) {
        models.push([`sw_${kind.toLowerCase()}_h${h}_c${cin}`, () => binary(kind, h, cin, false)]);
        models.push([`sw_${kind.toLowerCase()}bcast_h${h}_c${cin}`, () => binary(kind, h, cin, true)]);
      }
    }
  }
  for (const inner of [16, 32, 64, 100, 256]) {
    for (const units of [4, 10, 32, 64]) models.push([`sw_fc_i${inner}_u${units}`, () => fc(inner, units, 1)]);
  }
  for (const rows of [1, 4]) for (const n of [2, 10, 32, 100]) models.push([`sw_softmax_r${rows}_n${n}`, () => softmax(rows, n)]);
  return Object.fromEntries(models);
})();

writeModelsMain('sweep-models.ts', SWEEP_MODELS, 'sweep models');
