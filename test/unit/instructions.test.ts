/**
 * The instruction model (analysis/latency/instructions.ts): shapes and classes from the IR, the committed fit, and
 * its error on the measured sweep as a data check. Needs nothing outside the repository.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  bundledInstructionCoefficients, instructionFeatures, kernelClass, opShape, predictModel, predictShape,
} from '../../server/src/analysis/latency/instructions.js';
import { estimateLatency } from '../../server/src/analysis/latency/model.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { SeededRandom } from '../../server/src/model/builder/index.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { COEFFICIENTS_JSON, coefficientsText, derivedTexts, median, readOpsRows, rowShape, SWEEP_TSVS, sweepShape } from '../../scripts/fit-instructions.js';
import { checkAll, errPct } from '../../scripts/instr-check.js';
import { conv } from '../measured/models/conv.js';
import { F, I8, oneSubgraph, Q } from '../measured/models/common.js';

const M4 = 'cortex-m4+fp:cmsis_nn';
const M4_REF = 'cortex-m4+fp:reference';

function oneConv(dtype: 'INT8' | 'FLOAT32', h: number, cin: number, ch: number, k: [number, number], s: number, pad: 'SAME' | 'VALID', depthwise = false, mult = 1) {
  const bytes = oneSubgraph((g) => {
    const x = g.input(dtype === 'INT8' ? I8('x', [1, h, h, cin], Q(-4, 4)) : F('x', [1, h, h, cin]));
    return [conv(g, new SeededRandom(1), x, 'y', { ch, k, s: [s, s], pad, depthwise, mult })];
  });
  const sg = readTflite(bytes).subgraphs[0]!;
  return opShape(sg, sg.operators[0]!);
}

test('a 3x3 SAME convolution on 4x4: padding, taps and im2col counts from the IR', () => {
  const s = oneConv('INT8', 4, 3, 8, [3, 3], 1, 'SAME');
  assert.deepEqual([s.outH, s.outW, s.padTop, s.padLeft, s.kH, s.kW, s.cin, s.cout], [4, 4, 1, 1, 3, 3, 3, 8]);
  assert.equal(kernelClass(s, 'cmsis_nn'), 'conv');
  const f = instructionFeatures(s, 'conv');
  // per axis 2 + 3 + 3 + 2 = 10 taps inside the input, so 100 of the 16 x 9 = 144 window taps
  assert.equal(f.tapCalls, 100);
  assert.equal(f.padCalls, 44);
  assert.equal(f.macs, 16 * 8 * 27);
  assert.equal(f.validMacs, 100 * 3 * 8);
});

test('the sweep names and the IR give the same features', () => {
  const cases: [string, ReturnType<typeof oneConv>][] = [
    ['sw_conv3x3s1same_h8_c16_o24', oneConv('INT8', 8, 16, 24, [3, 3], 1, 'SAME')],
    ['sw_conv3x3s2valid_h16_c3_o8', oneConv('INT8', 16, 3, 8, [3, 3], 2, 'VALID')],
    ['sw_conv1x1_h4_c20_o16', oneConv('INT8', 4, 20, 16, [1, 1], 1, 'VALID')],
    ['sw_dw3x3s1same_h8_c20', oneConv('INT8', 8, 20, 20, [3, 3], 1, 'SAME', true)],
  ];
  for (const [name, ir] of cases) {
    const fromName = sweepShape(name)!;
    const cls = kernelClass(ir, 'cmsis_nn');
    assert.equal(kernelClass(fromName, 'cmsis_nn'), cls, name);
    assert.deepEqual(instructionFeatures(fromName, cls), instructionFeatures(ir, cls), name);
  }
});

test('kernel classes follow CMSIS-NN code paths', () => {
  assert.equal(kernelClass(oneConv('INT8', 8, 8, 8, [1, 1], 1, 'VALID'), 'cmsis_nn'), 'conv1x1');
  assert.equal(kernelClass(oneConv('INT8', 8, 8, 8, [1, 1], 2, 'VALID'), 'cmsis_nn'), 'conv1x1-strided');
  assert.equal(kernelClass(oneConv('INT8', 8, 8, 8, [3, 3], 1, 'SAME', true), 'cmsis_nn'), 'dwconv3x3');
  assert.equal(kernelClass(oneConv('INT8', 8, 8, 8, [5, 5], 1, 'SAME', true), 'cmsis_nn'), 'dwconv-opt');
  assert.equal(kernelClass(oneConv('INT8', 8, 2, 8, [3, 3], 1, 'SAME', true, 4), 'cmsis_nn'), 'dwconv-mult4');
  assert.equal(kernelClass(oneConv('INT8', 8, 2, 6, [3, 3], 1, 'SAME', true, 3), 'cmsis_nn'), 'dwconv');
  assert.equal(kernelClass(oneConv('INT8', 8, 8, 8, [3, 3], 1, 'SAME', true), 'reference'), 'dwconv');
  assert.equal(kernelClass(oneConv('FLOAT32', 8, 3, 8, [3, 3], 1, 'SAME'), 'cmsis_nn'), 'CONV_2D/FLOAT32');
});

test('a class without coefficients predicts nothing; one with them predicts a positive count', () => {
  const s = oneConv('INT8', 8, 8, 8, [3, 3], 1, 'SAME');
  assert.ok((predictShape(s, M4) ?? 0) > 0);
  assert.equal(predictShape(s, 'cortex-m3:cmsis_nn'), null);
  const svdf = readTflite(oneSubgraph((g) => [g.op('LOGISTIC', { inputs: [g.input(F('x', [1, 8]))], output: F('y', [1, 8]) })]));
  assert.deepEqual(predictModel(svdf, M4).map((p) => p.instructions), [null]);
});

test('scripts/fit-instructions.ts reproduces the committed coefficients from the committed sweeps', () => {
  const text = coefficientsText(SWEEP_TSVS.map((f) => readFileSync(f, 'utf8')), derivedTexts());
  assert.equal(text, readFileSync(COEFFICIENTS_JSON, 'utf8'));
});

/**
 * Median |error| per class on the sweep, in percent: the figures reached (instruction-coefficients.json) plus a
 * margin, so a change to features or data that makes a class worse fails here.
 */
const SWEEP_MEDIAN_BOUND: Record<string, Record<string, number>> = {
  [M4]: {
    conv: 1, conv1x1: 2, 'conv1x1-strided': 1.5, dwconv3x3: 0.5, 'dwconv-opt': 2.5, 'dwconv-mult4': 2, dwconv: 1.2,
    fc: 0.2, avgpool: 0.6, maxpool: 1, add: 0.1, 'add-broadcast': 1, mul: 0.1, 'mul-broadcast': 0.1, softmax: 0.1,
    'PAD/INT8': 2, 'RESHAPE/INT8': 0.5, 'CONV_2D/FLOAT32': 1, 'FULLY_CONNECTED/FLOAT32': 0.1,
  },
  // TFLM's reference kernels: one generic loop nest per op, so fewer classes
  [M4_REF]: {
    conv: 0.3, dwconv: 1.6, fc: 0.2, avgpool: 2, maxpool: 2.2, add: 0.1, 'add-broadcast': 1, mul: 0.1, 'mul-broadcast': 0.1,
    softmax: 0.1, 'PAD/INT8': 6, 'RESHAPE/INT8': 0.5, 'CONV_2D/FLOAT32': 1, 'FULLY_CONNECTED/FLOAT32': 0.1,
  },
};

for (const [build, bounds] of Object.entries(SWEEP_MEDIAN_BOUND)) {
  test(`the instruction model meets its per-class bounds on the measured sweep (${build})`, () => {
    const k = bundledInstructionCoefficients();
    const kernels = build.endsWith(':reference') ? 'reference' : 'cmsis_nn';
    const errors = new Map<string, number[]>();
    for (const f of SWEEP_TSVS) {
      for (const r of readOpsRows(readFileSync(f, 'utf8')).rows) {
        const s = rowShape(r.model);
        if (!s || r.build !== build) continue;
        const cls = kernelClass(s, kernels);
        const p = predictShape(s, build, k);
        if (p === null) continue;
        errors.set(cls, [...(errors.get(cls) ?? []), errPct(p, r.instructions)]);
      }
    }
    for (const [cls, bound] of Object.entries(bounds)) {
      const e = errors.get(cls);
      assert.ok(e && e.length >= 4, `${cls}: sweep points`);
      assert.ok(median(e) <= bound, `${cls}: median ${median(e).toFixed(2)}% > ${bound}%`);
    }
  });
}

// The rig's whole-model measurements, when the branch has them (tools/tflm-harness commits instr_ops.tsv).
const OPS_TSV = join(__dirname, '../measured/instr_ops.tsv');

for (const build of [M4, M4_REF]) {
  test(`whole builder models: per-op and per-model error against the rig (${build})`, { skip: !existsSync(OPS_TSV) && 'test/measured/instr_ops.tsv not in this branch' }, () => {
    const r = checkAll(readFileSync(OPS_TSV, 'utf8'), null);
    const ops = r.ops.filter((o) => o.build === build && o.predicted !== null);
    assert.ok(ops.length >= 20, 'predicted ops');
    // softmax's exp loop depends on the data (CMSIS-NN skips inputs below diff_min), so it is judged apart
    const shapeOps = ops.filter((o) => o.kernelClass !== 'softmax');
    assert.ok(median(shapeOps.map((o) => errPct(o.predicted!, o.measured))) <= 3, 'median per-op error');
    const whole = r.models.filter((m) => m.build === build && m.predicted !== null && m.measured > 0);
    assert.ok(whole.length >= 5, 'fully predicted models');
    assert.ok(median(whole.map((m) => errPct(m.predicted!, m.measured))) <= 3, 'median per-model error');
  });
}

test('the latency estimate carries per-layer instructions where a measured build exists, and only there', () => {
  const kws = readTflite(buildKwsDsCnnInt8());
  const support = checkSupport(kws, 'tflm-cmsis-nn', []);
  const m4f = estimateLatency(kws, support, 'cortex-m4f', 80);
  const conv = m4f.layers.filter((l) => l.features.kind !== 'other');
  assert.ok(conv.length > 0 && conv.every((l) => (l.instructions ?? 0) > 0));
  assert.deepEqual(predictModel(kws, M4).map((p) => p.instructions), m4f.layers.map((l) => l.instructions));
  // a Cortex-M7 runs the same ARMv7E-M code, compiled for the M7 by its own build: counts close to the M4's, not equal
  const m7 = estimateLatency(kws, support, 'cortex-m7', 80).layers.map((l) => l.instructions);
  assert.notDeepEqual(m7, m4f.layers.map((l) => l.instructions));
  assert.deepEqual(m7, predictModel(kws, 'cortex-m7+fp:cmsis_nn').map((p) => p.instructions));
  const reference = checkSupport(kws, 'tflm-reference', []);
  const m4fRef = estimateLatency(kws, reference, 'cortex-m4f', 80);
  assert.deepEqual(predictModel(kws, M4_REF).map((p) => p.instructions), m4fRef.layers.map((l) => l.instructions));
  // the reference kernels execute more instructions than CMSIS-NN's for the same convolutions
  const sum = (ls: typeof conv): number => ls.reduce((t, l) => t + (l.instructions ?? 0), 0);
  assert.ok(sum(m4fRef.layers.filter((l) => l.features.kind !== 'other')) > sum(conv));
  // a core without a build (the Cortex-M3) has no instructions; the Cortex-M0+ (ARMv6-M: no DSP, no 64-bit multiply)
  // executes more of them than the Cortex-M4 for the same reference kernels
  assert.ok(estimateLatency(kws, reference, 'cortex-m3', 80).layers.every((l) => l.instructions === null));
  const m0 = estimateLatency(kws, reference, 'cortex-m0plus', 80).layers.filter((l) => l.features.kind !== 'other');
  assert.ok(sum(m0) > sum(m4fRef.layers.filter((l) => l.features.kind !== 'other')));
});
