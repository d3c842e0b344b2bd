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
import { readOpsRows, type OpsRow } from './fit-instructions.ts';
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
