/**
 * The instruction model against the rig's whole-model measurements, per measured build (scripts/instr-derive.ts's
 * builds: the shared models and the builder models each build ran). Needs nothing outside the repository: the op
 * shapes are the committed shapes TSVs, the counts the committed ops TSVs. The bar: median |error| <= 3% per
 * whole model and <= 10% per operator.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { bundledInstructionCoefficients, predictShape } from '../../server/src/analysis/latency/instructions.js';
import { derivedTexts, fitSweep, median, readOpsRows, SWEEP_TSVS } from '../../scripts/fit-instructions.js';
import { leaveOneModelOut, readShapes } from '../../scripts/instr-derive.js';

const k = bundledInstructionCoefficients();
const err = (p: number, m: number): number => Math.abs(p / m - 1) * 100;

/** Per-op errors (softmax apart: CMSIS-NN's exp loop depends on the data) and fully predicted whole models' errors. */
function check(build: string, texts: { ops: string; shapes: string }[]): { ops: number[]; models: number[]; uncovered: number } {
  const shapes = new Map(texts.flatMap((t) => [...readShapes(t.shapes)]));
  const ops: number[] = [];
  const perModel = new Map<string, { m: number; p: number; complete: boolean }>();
  let uncovered = 0;
  for (const r of texts.flatMap((t) => readOpsRows(t.ops).rows)) {
    if (r.build !== build || r.depth !== 0 || !(r.instructions > 0)) continue;
    const s = shapes.get(`${r.model}/${r.subgraph}/${r.node}`);
    const p = s ? predictShape(s, build, k) : null;
    const m = perModel.get(r.model) ?? { m: 0, p: 0, complete: true };
    perModel.set(r.model, m);
    m.m += r.instructions;
    if (p === null) { m.complete = false; uncovered++; continue; }
    m.p += p;
    if (s!.op !== 'SOFTMAX') ops.push(err(p, r.instructions));
  }
  const models = [...perModel.values()].filter((m) => m.complete).map((m) => err(m.p, m.m));
  return { ops, models, uncovered };
}

const builds = derivedTexts();

test('every build the rig measured on whole models is in the instruction model', () => {
  const names = builds.map((b) => b.build).sort();
  for (const b of ['cortex-m0plus:reference', 'cortex-m0plus:cmsis_nn', 'cortex-m33:cmsis_nn', 'cortex-m4+fp:cmsis_nn', 'cortex-m4+fp:reference',
    'cortex-m55:cmsis_nn', 'cortex-m55:reference', 'cortex-m7+fp:cmsis_nn', 'cortex-m7+fp:reference', 'cortex-m33:reference', 'rv32imc:reference', 'xtensa-lx106:reference']) {
    assert.ok(names.includes(b), `${b} has whole-model measurements`);
    assert.ok(k.builds[b] !== undefined, `${b} has coefficients`);
  }
});

for (const b of builds) {
  test(`whole models against the rig: per-op and per-model median error (${b.build})`, () => {
    const r = check(b.build, b.texts);
    assert.ok(r.ops.length >= 150, `predicted ops: ${r.ops.length}`);
    assert.ok(r.models.length >= 15, `fully predicted models: ${r.models.length}`);
    assert.ok(median(r.ops) <= 10, `median per-op error ${median(r.ops).toFixed(2)}%`);
    assert.ok(median(r.models) <= 3, `median per-model error ${median(r.models).toFixed(2)}%`);
  });
}

// The whole-model classes are fitted on these very models: leaving each model out of that fit is the honest figure.
const swept = fitSweep(SWEEP_TSVS.flatMap((f) => readOpsRows(readFileSync(f, 'utf8')).rows), '').builds;
// The builds measured last (the earlier ones are printed by npm run bench:latency).
const LOO_BUILDS = ['cortex-m33:cmsis_nn', 'cortex-m7+fp:cmsis_nn', 'cortex-m0plus:cmsis_nn', 'cortex-m7+fp:reference', 'cortex-m55:reference', 'cortex-m33:reference', 'rv32imc:reference', 'xtensa-lx106:reference'];
for (const b of builds.filter((x) => LOO_BUILDS.includes(x.build))) {
  test(`each model left out of the whole-model fit stays within 3% at the median (${b.build})`, () => {
    const held = leaveOneModelOut(b.build, b.texts, swept[b.build] ?? {}).filter((h) => h.predicted !== null && h.measured > 0);
    assert.ok(held.length >= 15, `models: ${held.length}`);
    const e = held.map((h) => err(h.predicted!, h.measured));
    assert.ok(median(e) <= 3, `median ${median(e).toFixed(2)}%`);
  });
}
