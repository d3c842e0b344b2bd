/**
 * The instruction model's error per measured build, in one table: per-op and whole-model median |error| against the
 * rig's whole-model measurements (the shared models, when their folder is given, and the builder models), and the
 * leave-one-model-out whole-model figure (scripts/instr-derive.ts). Printing only.
 *
 *   node --import tsx scripts/instr-summary.ts [../shared/models]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledInstructionCoefficients } from '../server/src/analysis/latency/instructions.ts';
import { derivedTexts, fitSweep, median, readOpsRows, SWEEP_TSVS } from './fit-instructions.ts';
import { checkAll, errPct } from './instr-check.ts';
import { leaveOneModelOut } from './instr-derive.ts';

export interface BuildSummary {
  build: string;
  ops: number; opMedianPct: number; opP90Pct: number;
  models: number; modelMedianPct: number; modelMaxPct: number;
  looModels: number; looMedianPct: number;
}

const q90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.9 * xs.length))] ?? NaN;

/** Per derived build: its ops TSVs checked against the bundled coefficients, and leave-one-model-out. */
export function summarise(sharedDir: string | null): BuildSummary[] {
  const k = bundledInstructionCoefficients();
  const swept = fitSweep(SWEEP_TSVS.flatMap((f) => readOpsRows(readFileSync(f, 'utf8')).rows), '').builds;
  return derivedTexts().map((d) => {
    const r = d.texts.map((t) => checkAll(t.ops, sharedDir, k));
    const ops = r.flatMap((x) => x.ops).filter((o) => o.build === d.build && o.predicted !== null && o.kernelClass !== 'softmax').map((o) => errPct(o.predicted!, o.measured));
    const whole = r.flatMap((x) => x.models).filter((m) => m.build === d.build && m.predicted !== null && m.measured > 0).map((m) => errPct(m.predicted!, m.measured));
    const loo = leaveOneModelOut(d.build, d.texts, swept[d.build] ?? {}).filter((h) => h.predicted !== null && h.measured > 0).map((h) => 100 * Math.abs(h.predicted! / h.measured - 1));
    return {
      build: d.build, ops: ops.length, opMedianPct: median(ops), opP90Pct: q90(ops),
      models: whole.length, modelMedianPct: median(whole), modelMaxPct: Math.max(...whole), looModels: loo.length, looMedianPct: median(loo),
    };
  });
}

if (process.argv[1]?.endsWith('instr-summary.ts')) {
  const shared = process.argv[2] === '--no-shared' ? null : resolve(process.argv[2] ?? join(__dirname, '../../shared/models'));
  console.log('build                      ops  op median  op p90   models  model median  model max   leave-one-model-out (n)');
  for (const s of summarise(shared)) {
    console.log(`${s.build.padEnd(25)} ${String(s.ops).padStart(4)} ${s.opMedianPct.toFixed(2).padStart(9)}% ${s.opP90Pct.toFixed(1).padStart(6)}% ${String(s.models).padStart(7)} ${s.modelMedianPct.toFixed(2).padStart(12)}% ${s.modelMaxPct.toFixed(1).padStart(9)}%   ${s.looMedianPct.toFixed(2)}% (${s.looModels})`);
  }
}
