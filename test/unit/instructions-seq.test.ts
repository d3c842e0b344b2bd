/**
 * The instruction model's MEAN, SVDF and LSTM classes (instruction-seq.ts) against the rig's committed measurements:
 * the one-op sweep they are fitted on (test/measured/rig_*_sweep_seq.tsv, models rebuilt by
 * tools/tflm-harness/sweep-seq-models.ts) and, out of sample, the whole models that hold these ops (TFLM's
 * keyword_scrambled, micro_speech LSTM and MNIST LSTM, the builder's SVDF and MEAN models). Needs nothing outside the
 * repository.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

import { bundledInstructionCoefficients, buildClass, predictShape, type OpShape } from '../../server/src/analysis/latency/instructions.js';
import { derivedTexts, fitSweep, median, readOpsRows, rowShape } from '../../scripts/fit-instructions.js';
import { readShapes } from '../../scripts/instr-derive.js';

const k = bundledInstructionCoefficients();
const err = (p: number, m: number): number => Math.abs(p / m - 1) * 100;

/** Build key -> its sweep-seq file (the tag measure.ts's output was named with). */
const SEQ_FILES: Record<string, string> = {
  'cortex-m4+fp:cmsis_nn': 'm4_cmsis_nn', 'cortex-m4+fp:reference': 'm4_reference',
  'cortex-m0plus:reference': 'm0plus_reference', 'cortex-m0plus:cmsis_nn': 'm0plus_cmsis_nn',
  'cortex-m33:cmsis_nn': 'm33_cmsis_nn', 'cortex-m33:reference': 'm33_reference',
  'cortex-m7+fp:cmsis_nn': 'm7_cmsis_nn', 'cortex-m7+fp:reference': 'm7_reference',
  'cortex-m55:cmsis_nn': 'm55_cmsis_nn', 'cortex-m55:reference': 'm55_reference',
  'rv32imc:reference': 'rv32imc_reference', 'xtensa-lx106:reference': 'xtensa_lx106_reference',
};

const CLASSES = [
  'MEAN/INT8', 'MEAN/FLOAT32', 'MEAN/FLOAT32/hw', 'SVDF/INT8', 'SVDF/INT8/state8', 'SVDF/FLOAT32',
  'UNIDIRECTIONAL_SEQUENCE_LSTM/FLOAT32', 'UNIDIRECTIONAL_SEQUENCE_LSTM/INT8', 'QUANTIZE/INT16', 'QUANTIZE/INT16/INT32',
];

const seqRows = (build: string): { s: OpShape; y: number }[] => {
  const file = resolve(__dirname, '../measured', `rig_${SEQ_FILES[build]}_sweep_seq.tsv`);
  return readOpsRows(readFileSync(file, 'utf8')).rows
    .filter((r) => r.build === build && r.depth === 0 && r.instructions > 0)
    .map((r) => ({ s: rowShape(r.model)!, y: r.instructions }));
};

test('every build has the sequence classes, fitted on their sweep points', () => {
  for (const build of Object.keys(SEQ_FILES)) {
    assert.ok(existsSync(resolve(__dirname, '../measured', `rig_${SEQ_FILES[build]}_sweep_seq.tsv`)), `${build}: sweep file`);
    for (const cls of CLASSES) {
      const fit = k.builds[build]?.[cls];
      assert.ok(fit !== undefined, `${build} ${cls}: coefficients`);
      assert.ok(fit.points >= 5, `${build} ${cls}: ${fit.points} points`);
    }
  }
});

test('the sweep models fall in the classes they were built for', () => {
  const rows = seqRows('cortex-m4+fp:cmsis_nn');
  const classes = new Set(rows.map((r) => buildClass(r.s, 'cortex-m4+fp:cmsis_nn')));
  assert.deepEqual([...classes].sort(), [...CLASSES].sort());
  // keyword_scrambled's SVDF keeps an int8 state: CMSIS-NN's arm_svdf_s8, not the int16-state function
  const svdf = rows.find((r) => r.s.op === 'SVDF' && r.s.stateDtype === 'INT8')!;
  assert.equal(buildClass(svdf.s, 'cortex-m4+fp:cmsis_nn'), 'SVDF/INT8/state8');
});

for (const build of Object.keys(SEQ_FILES)) {
  test(`the sweep's points against the committed coefficients (${build})`, () => {
    const byClass = new Map<string, number[]>();
    for (const r of seqRows(build)) {
      const p = predictShape(r.s, build, k);
      assert.ok(p !== null, `${r.s.op} predicted`);
      const cls = buildClass(r.s, build);
      byClass.set(cls, [...(byClass.get(cls) ?? []), err(p, r.y)]);
    }
    for (const cls of CLASSES) {
      const e = byClass.get(cls) ?? [];
      assert.ok(e.length >= 5, `${cls}: ${e.length} points`);
      assert.ok(median(e) <= 3, `${cls}: median ${median(e).toFixed(2)}%`);
      assert.ok(Math.max(...e) <= 12, `${cls}: max ${Math.max(...e).toFixed(2)}%`);
    }
  });
}

// Out of sample: the whole models' ops of these classes (none of them is in the sweep).
const WHOLE = /^(tflm_keyword_scrambled_8bit|tflm_micro_speech_lstm|tflm_mnist_lstm_float)$/;
// (a build without the sequence sweep, e.g. one added later, keeps these ops on the MAC model and is not checked here)
for (const b of derivedTexts().filter((x) => SEQ_FILES[x.build] !== undefined)) {
  test(`the sequence classes on whole models' ops (${b.build})`, () => {
    const shapes = new Map(b.texts.flatMap((t) => [...readShapes(t.shapes)]));
    const ops: number[] = [];
    const models = new Map<string, { m: number; p: number }>();
    for (const r of b.texts.flatMap((t) => readOpsRows(t.ops).rows)) {
      if (r.build !== b.build || r.depth !== 0 || !(r.instructions > 0)) continue;
      const s = shapes.get(`${r.model}/${r.subgraph}/${r.node}`);
      if (!s || !CLASSES.includes(buildClass(s, b.build))) continue;
      const p = predictShape(s, b.build, k);
      assert.ok(p !== null, `${r.model} node ${r.node} (${r.op}) predicted`);
      ops.push(err(p, r.instructions));
      if (!WHOLE.test(r.model)) continue;
      const m = models.get(r.model) ?? { m: 0, p: 0 };
      models.set(r.model, m);
      m.m += r.instructions;
      m.p += p;
    }
    assert.ok(ops.length >= 12, `ops: ${ops.length}`);
    assert.ok(median(ops) <= 10, `median per-op error ${median(ops).toFixed(2)}%`);
    // the three speech models' SVDF / LSTM / QUANTIZE work, summed per model
    assert.equal(models.size, 3, [...models.keys()].join(', '));
    for (const [model, m] of models) assert.ok(err(m.p, m.m) <= 6, `${model}: ${err(m.p, m.m).toFixed(2)}%`);
  });
}

test('a class refitted without its largest shapes still predicts them (the features extrapolate)', () => {
  const build = 'cortex-m4+fp:reference';
  const rows = readOpsRows(readFileSync(resolve(__dirname, '../measured', `rig_${SEQ_FILES[build]}_sweep_seq.tsv`), 'utf8')).rows
    .filter((r) => /^sq_(svdf|lstm)/.test(r.model));
  const size = (name: string): number => rowShape(name)!.cin * rowShape(name)!.cout;
  const sorted = [...rows].sort((a, b) => size(a.model) - size(b.model));
  const held = new Set(sorted.slice(-4).map((r) => r.model));
  const fit = fitSweep(rows.filter((r) => !held.has(r.model)), '');
  for (const r of rows.filter((x) => held.has(x.model))) {
    const p = predictShape(rowShape(r.model)!, build, fit)!;
    assert.ok(err(p, r.instructions) <= 5, `${r.model}: ${err(p, r.instructions).toFixed(2)}%`);
  }
});
