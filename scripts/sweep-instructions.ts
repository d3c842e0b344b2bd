/**
 * One-op models that complete the rig's sweep (tools/tflm-harness/sweep-models.ts) where whole models showed its
 * gaps: convolutions with other kernel sizes and few input channels (im2col per tap), 1x1 convolutions over odd pixel
 * and filter counts (the matrix kernel's leftover rows), strided 1x1, depthwise kernels off the 3x3 path, pooling
 * windows from 3x3 to global, fully connected layers with batches and odd depths, and the float kernels, PAD and
 * RESHAPE. Each is named `sx_...`; measured with tools/tflm-harness/measure.ts into
 * test/measured/instr_sweep_extra.tsv. scripts/fit-instructions.ts rebuilds them to read their shapes from the IR.
 *
 *   node --import tsx scripts/sweep-instructions.ts OUT_DIR
 */

import {
  convOutputSize, quantizeBiasInt32, quantizeSymmetricInt8, SeededRandom, type SubgraphBuilder, type TensorRef,
} from '../server/src/model/builder/index.ts';
import { conv } from '../test/measured/models/conv.ts';
import { F, I8, i32, oneSubgraph, Q } from '../test/measured/models/common.ts';
import { writeModelsMain } from '../tools/tflm-harness/write-models.js';

type Pad = 'SAME' | 'VALID';

function convModel(seed: number, dtype: 'INT8' | 'FLOAT32', h: number, w: number, cin: number, cout: number, k: [number, number], s: number, pad: Pad, depthwise = false, mult = 1): () => Uint8Array {
  return () => oneSubgraph((g) => {
    const x = g.input(dtype === 'INT8' ? I8('x', [1, h, w, cin], Q(-4, 4)) : F('x', [1, h, w, cin]));
    return [conv(g, new SeededRandom(seed), x, 'y', { ch: depthwise ? cin * mult : cout, k, s: [s, s], pad, depthwise, mult, act: 'RELU' })];
  });
}

function poolModel(kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', h: number, c: number, k: number, s: number, pad: Pad): () => Uint8Array {
  return () => oneSubgraph((g) => {
    const x = g.input(I8('x', [1, h, h, c], Q(-4, 4)));
    const o = convOutputSize(h, k, s, pad, 1);
    return [g.op(kind, {
      inputs: [x], output: I8('y', [1, o, o, c], x.quant!),
      options: { padding: pad, strideW: s, strideH: s, filterWidth: k, filterHeight: k, fusedActivationFunction: 'NONE' },
    })];
  });
}

function fcModel(seed: number, dtype: 'INT8' | 'FLOAT32', batch: number, inner: number, units: number): () => Uint8Array {
  return () => oneSubgraph((g: SubgraphBuilder): TensorRef[] => {
    const rng = new SeededRandom(seed);
    const wf = rng.glorot(units * inner, inner, units);
    const bf = rng.uniformArray(units, -0.1, 0.1);
    if (dtype === 'FLOAT32') {
      const x = g.input(F('x', [batch, inner]));
      const w = g.constant({ name: 'w', shape: [units, inner], dtype: 'FLOAT32', data: wf });
      const b = g.constant({ name: 'b', shape: [units], dtype: 'FLOAT32', data: bf });
      return [g.op('FULLY_CONNECTED', { inputs: [x, w, b], output: F('y', [batch, units]), options: { fusedActivationFunction: 'NONE' } })];
    }
    const x = g.input(I8('x', [batch, inner], Q(-4, 4)));
    const wq = quantizeSymmetricInt8(wf, [units, inner], null);
    const bq = quantizeBiasInt32(bf, x.quant!.scale[0]!, wq.quant.scale);
    const w = g.constant({ name: 'w', shape: [units, inner], dtype: 'INT8', data: wq.data, quant: wq.quant });
    const b = g.constant({ name: 'b', shape: [units], dtype: 'INT32', data: bq.data, quant: bq.quant });
    return [g.op('FULLY_CONNECTED', {
      inputs: [x, w, b], output: I8('y', [batch, units], Q(-6, 6)), version: 4, options: { fusedActivationFunction: 'NONE' },
    })];
  });
}

function padModel(h: number, c: number, p: number): () => Uint8Array {
  return () => oneSubgraph((g) => {
    const x = g.input(I8('x', [1, h, h, c], Q(-4, 4)));
    return [g.op('PAD', { inputs: [x, i32(g, 'p', [0, 0, p, p, p, p, 0, 0], [4, 2])], output: I8('y', [1, h + 2 * p, h + 2 * p, c], x.quant!) })];
  });
}

function reshapeModel(h: number, c: number): () => Uint8Array {
  return () => oneSubgraph((g) => {
    const x = g.input(I8('x', [1, h, h, c], Q(-4, 4)));
    return [g.op('RESHAPE', { inputs: [x, i32(g, 's', [1, h * h * c])], output: I8('y', [1, h * h * c], x.quant!), options: { newShape: [1, h * h * c] } })];
  });
}

/** Every extra sweep model by name. */
export const EXTRA_SWEEP: Readonly<Record<string, () => Uint8Array>> = (() => {
  const m: Record<string, () => Uint8Array> = {};
  let seed = 100;
  const shapes: [number, number, number, Pad][] = [[2, 2, 1, 'VALID'], [5, 5, 1, 'SAME'], [3, 3, 2, 'SAME'], [10, 4, 2, 'SAME'], [5, 5, 2, 'VALID']];
  for (const [kh, kw, s, pad] of shapes) {
    for (const cin of [1, 4, 12]) {
      for (const h of [9, 16]) m[`sx_conv${kh}x${kw}s${s}${pad.toLowerCase()}_h${h}_c${cin}_o8`] = convModel(seed++, 'INT8', h, h, cin, 8, [kh, kw], s, pad);
    }
  }
  for (const h of [1, 3, 5, 7]) {
    for (const cin of [8, 12, 20]) for (const cout of [5, 8]) m[`sx_conv1x1_h${h}_c${cin}_o${cout}`] = convModel(seed++, 'INT8', h, h, cin, cout, [1, 1], 1, 'VALID');
  }
  for (const h of [8, 9, 16]) {
    for (const cin of [8, 16, 32]) for (const cout of [8, 16]) m[`sx_conv1x1s2_h${h}_c${cin}_o${cout}`] = convModel(seed++, 'INT8', h, h, cin, cout, [1, 1], 2, 'VALID');
  }
  for (const h of [5, 7, 9]) for (const c of [4, 7, 16]) m[`sx_dw3x3_h${h}_c${c}`] = convModel(seed++, 'INT8', h, h, c, c, [3, 3], 1, 'SAME', true);
  for (const h of [8, 12]) {
    for (const c of [4, 16, 24]) {
      m[`sx_dw5x5_h${h}_c${c}`] = convModel(seed++, 'INT8', h, h, c, c, [5, 5], 1, 'SAME', true);
      m[`sx_dw7x3s2_h${h}_c${c}`] = convModel(seed++, 'INT8', h, h, c, c, [7, 3], 2, 'SAME', true);
    }
    for (const c of [1, 3]) {
      for (const mult of [2, 3, 4, 8]) {
        m[`sx_dw3x3m${mult}_h${h}_c${c}`] = convModel(seed++, 'INT8', h, h, c, mult * c, [3, 3], 1, 'SAME', true, mult);
        m[`sx_dw5x4s2m${mult}_h${h}_c${c}`] = convModel(seed++, 'INT8', h, h, c, mult * c, [5, 4], 2, 'VALID', true, mult);
      }
    }
  }
  for (const kind of ['AVERAGE_POOL_2D', 'MAX_POOL_2D'] as const) {
    const name = kind === 'AVERAGE_POOL_2D' ? 'avgpool' : 'maxpool';
    for (const h of [5, 8, 12]) {
      for (const c of [8, 13, 32]) {
        m[`sx_${name}3x3s1same_h${h}_c${c}`] = poolModel(kind, h, c, 3, 1, 'SAME');
        m[`sx_${name}3x3s2valid_h${h}_c${c}`] = poolModel(kind, h, c, 3, 2, 'VALID');
        m[`sx_${name}global_h${h}_c${c}`] = poolModel(kind, h, c, h, 1, 'VALID');
      }
    }
  }
  for (const batch of [1, 2, 4]) {
    for (const inner of [17, 33, 64]) for (const units of [10, 32]) m[`sx_fc_b${batch}_i${inner}_u${units}`] = fcModel(seed++, 'INT8', batch, inner, units);
  }
  for (const h of [16, 25]) {
    for (const c of [1, 2]) for (const mult of [4, 8]) m[`sx_dw10x8s2m${mult}_h${h}_c${c}`] = convModel(seed++, 'INT8', h, h, c, mult * c, [10, 8], 2, 'SAME', true, mult);
  }
  for (const h of [6, 10]) {
    for (const cin of [1, 3, 8]) {
      for (const cout of [4, 8, 16]) m[`sx_convf3x3_h${h}_c${cin}_o${cout}`] = convModel(seed++, 'FLOAT32', h, h, cin, cout, [3, 3], 1, 'SAME');
      for (const cout of [8, 16]) m[`sx_convf5x5s2_h${h}_c${cin}_o${cout}`] = convModel(seed++, 'FLOAT32', h, h, cin, cout, [5, 5], 2, 'SAME');
      m[`sx_convf1x1_h${h}_c${cin}_o16`] = convModel(seed++, 'FLOAT32', h, h, cin, 16, [1, 1], 1, 'VALID');
    }
    for (const c of [8, 16]) m[`sx_dwf3x3_h${h}_c${c}`] = convModel(seed++, 'FLOAT32', h, h, c, c, [3, 3], 1, 'SAME', true);
  }
  for (const batch of [1, 3]) for (const inner of [16, 50]) for (const units of [10, 32]) m[`sx_fcf_b${batch}_i${inner}_u${units}`] = fcModel(seed++, 'FLOAT32', batch, inner, units);
  for (const h of [4, 8, 16]) {
    for (const c of [3, 8, 16]) {
      m[`sx_pad_h${h}_c${c}`] = padModel(h, c, 1);
      m[`sx_reshape_h${h}_c${c}`] = reshapeModel(h, c);
    }
  }
  return m;
})();

writeModelsMain('sweep-instructions.ts', EXTRA_SWEEP);
