/**
 * The instruction model against the rig's whole-model measurements (test/measured/instr_ops.tsv): predicted vs
 * measured instructions per operator and per model. Used by bench/latency.ts (printing) and by the unit tests
 * (bounds). Models are the project's measured builder models (rebuilt, no files needed) and, when a folder is given,
 * the shared .tflite files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { predictModel, type InstructionCoefficients } from '../server/src/analysis/latency/instructions.ts';
import type { Model } from '../server/src/model/ir.ts';
import { readTflite } from '../server/src/model/tflite/reader.ts';
import { median, readOpsRows, type OpsRow } from './fit-instructions.ts';
import { MEASURED_MODELS } from '../test/measured/models/index.ts';

export interface OpCheck { model: string; build: string; subgraph: number; node: number; op: string; kernelClass: string; measured: number; predicted: number | null }
export interface ModelCheck {
  model: string;
  build: string;
  measured: number;
  /** Sum over top-level ops, null unless every one of them has a prediction. */
  predicted: number | null;
  /** Share of the measured instructions (top-level ops) spent in ops the model predicts. */
  coveredShare: number;
  /** Measured and predicted over the covered top-level ops only. */
  coveredMeasured: number;
  coveredPredicted: number;
}

/** Compares one model's measured op rows (one build) with the predictions. */
export function checkModel(model: Model, rows: OpsRow[], k?: InstructionCoefficients): { ops: OpCheck[]; total: ModelCheck } {
  const first = rows[0]!;
  const pred = new Map(predictModel(model, first.build, k).map((p) => [`${p.subgraph}/${p.index}`, p]));
  const ops: OpCheck[] = [];
  let measured = 0;
  let covM = 0;
  let covP = 0;
  let complete = true;
  for (const r of rows) {
    const p = pred.get(`${r.subgraph}/${r.node}`);
    const predicted = p && p.op === r.op ? p.instructions : null;
    ops.push({ model: r.model, build: r.build, subgraph: r.subgraph, node: r.node, op: r.op, kernelClass: p?.kernelClass ?? '?', measured: r.instructions, predicted });
    if (r.depth !== 0) continue;
    measured += r.instructions;
    if (predicted === null) complete = false;
    else { covM += r.instructions; covP += predicted; }
  }
  return {
    ops,
    total: { model: first.model, build: first.build, measured, predicted: complete ? covP : null, coveredShare: measured > 0 ? covM / measured : 0, coveredMeasured: covM, coveredPredicted: covP },
  };
}

/** The model a row names: a measured builder model, or NAME.tflite in `sharedDir`; null when neither exists. */
export function loadModel(name: string, sharedDir: string | null): Model | null {
  const build = MEASURED_MODELS[name];
  if (build) return readTflite(build());
  if (sharedDir && existsSync(join(sharedDir, `${name}.tflite`))) return readTflite(new Uint8Array(readFileSync(join(sharedDir, `${name}.tflite`))));
  return null;
}

/** Checks every (model, build) of an ops TSV whose model can be loaded; the rest are listed as missing. */
export function checkAll(text: string, sharedDir: string | null, k?: InstructionCoefficients): { ops: OpCheck[]; models: ModelCheck[]; missing: string[] } {
  const groups = new Map<string, OpsRow[]>();
  for (const r of readOpsRows(text).rows) {
    const key = `${r.model}\t${r.build}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const ops: OpCheck[] = [];
  const models: ModelCheck[] = [];
  const missing: string[] = [];
  for (const [key, rows] of groups) {
    const model = loadModel(rows[0]!.model, sharedDir);
    if (!model) { missing.push(key.replace('\t', ' ')); continue; }
    const c = checkModel(model, rows, k);
    ops.push(...c.ops);
    models.push(c.total);
  }
  return { ops, models, missing };
}

/** |predicted / measured - 1| in percent. */
export const errPct = (predicted: number, measured: number): number => Math.abs(predicted / measured - 1) * 100;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/**
 * Prints the instruction model's error: per kernel class on the sweep (in-sample, from the committed fit) and on the
 * whole models' ops, then per whole model. `opsTsv` null: only the sweep figures.
 */
export function printInstructionReport(k: InstructionCoefficients, opsTsv: string | null, sharedDir: string | null): void {
  const r = opsTsv === null ? null : checkAll(opsTsv, sharedDir, k);
  const pct = (v: number): string => `${v.toFixed(1)}%`;
  for (const [build, classes] of Object.entries(k.builds)) {
    console.log(`\nInstruction model, ${build} (predicted vs measured instructions; sweep = in-sample fit, ops = every op of the measured whole models):`);
    console.log(`${'kernel class'.padEnd(27)} ${'sweep n'.padStart(7)} ${'median'.padStart(7)} ${'max'.padStart(7)}   ${'ops n'.padStart(5)} ${'median'.padStart(7)} ${'p90'.padStart(7)} ${'max'.padStart(7)}`);
    for (const [cls, f] of Object.entries(classes)) {
      const e = (r?.ops ?? []).filter((o) => o.build === build && o.kernelClass === cls && o.predicted !== null).map((o) => errPct(o.predicted!, o.measured));
      const ops = e.length ? `${String(e.length).padStart(5)} ${pct(median(e)).padStart(7)} ${pct(quantile(e, 0.9)).padStart(7)} ${pct(Math.max(...e)).padStart(7)}` : `${'0'.padStart(5)}`;
      console.log(`${cls.padEnd(27)} ${String(f.points).padStart(7)} ${pct(f.medianAbsErrorPct).padStart(7)} ${pct(f.maxAbsErrorPct).padStart(7)}   ${ops}`);
    }
    if (!r) continue;
    const all = r.ops.filter((o) => o.build === build && o.predicted !== null).map((o) => errPct(o.predicted!, o.measured));
    const uncovered = r.ops.filter((o) => o.build === build && o.predicted === null).length;
    console.log(`all predicted ops: median ${pct(median(all))}, p90 ${pct(quantile(all, 0.9))}, n=${all.length}; ${uncovered} ops of classes without coefficients`);
    console.log(`${'whole model'.padEnd(42)} ${'measured'.padStart(12)} ${'covered'.padStart(8)} ${'error'.padStart(8)} ${'error on covered ops'.padStart(21)}`);
    const whole: number[] = [];
    const covered: number[] = [];
    for (const m of r.models.filter((x) => x.build === build && x.measured > 0)) {
      const err = m.predicted === null ? null : errPct(m.predicted, m.measured);
      if (err !== null) whole.push(err);
      if (m.coveredMeasured > 0) covered.push(errPct(m.coveredPredicted, m.coveredMeasured));
      console.log(`${m.model.padEnd(42)} ${m.measured.toLocaleString('en-US').padStart(12)} ${pct(100 * m.coveredShare).padStart(8)} ${(err === null ? '-' : pct(err)).padStart(8)} ${(m.coveredMeasured > 0 ? pct(errPct(m.coveredPredicted, m.coveredMeasured)) : '-').padStart(21)}`);
    }
    console.log(`whole models fully predicted: median ${pct(median(whole))}, n=${whole.length}; on covered ops of every model: median ${pct(median(covered))}, n=${covered.length}`);
    if (r.missing.length) console.log(`not checked (model file not found): ${r.missing.join(', ')}`);
  }
}
