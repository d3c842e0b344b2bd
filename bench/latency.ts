/**
 * `npm run bench:latency`: the MAC cost model's estimate against every measured row it can map (needs ../shared/models),
 * with the absolute percentage error per row and the median and 90th percentile per runtime: for the held-out rows
 * (never seen by scripts/fit-latency.ts), for every row under a refit without that row (leave-one-out), and for all
 * rows under the bundled fit; then energy against the measured energy rows; the instruction model against the rig;
 * and the shipped estimate (instructions x CPI x memory) beside the MAC model (scripts/latency-report.ts).
 *
 *   node --import tsx bench/latency.ts [../shared/models]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledCoefficients } from '../server/src/analysis/latency/coefficients.ts';
import { energyPerInference } from '../server/src/analysis/latency/energy.ts';
import { bundledInstructionCoefficients } from '../server/src/analysis/latency/instructions.ts';
import { MEASURED } from '../server/src/targets/measured.ts';
import { fitCoefficients, npuMeasurements, rowSums } from '../scripts/latency-fit.ts';
import { estimateRow, rowAggregates } from '../scripts/latency-rows.ts';
import { printInstructionReport } from '../scripts/instr-check.ts';
import { printLatencyComparison, printPartCpiCheck } from '../scripts/latency-report.ts';
import { leaveOneModelOut } from '../scripts/instr-derive.ts';
import { derivedTexts, fitSweep, readOpsRows, SWEEP_TSVS } from '../scripts/fit-instructions.ts';
import { readRows } from '../scripts/latency-cpi.ts';
import { ROWS_TSV } from '../scripts/fit-cpi.ts';
import { HELD_OUT } from '../scripts/fit-latency.ts';
import { printIsaRatios } from '../scripts/instr-isa-ratio.ts';
import { xtensaProxy } from '../scripts/xtensa-proxy.ts';

const modelsDir = resolve(process.argv[2] ?? join(__dirname, '../../shared/models'));
if (!existsSync(modelsDir)) {
  console.error(`bench:latency needs the shared models (${modelsDir} not found)`);
  process.exit(2);
}
const k = bundledCoefficients();

interface Result { id: string; runtime: string; heldOut: boolean; ape: number; inRange: boolean; looApe: number; looInRange: boolean }
const results: Result[] = [];
const aggregates = MEASURED.rows.map((row) => rowAggregates(row, modelsDir));
const sums = aggregates.map((a) => rowSums(a, k));
const pad = (s: string, n: number): string => s.padEnd(n);
const num = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

console.log(`${pad('row', 50)} ${pad('runtime', 15)} ${pad('core', 12)} MHz  measured ms  estimate ms (range)        APE    set              leave-one-out ms (APE)`);
for (const [i, a] of aggregates.entries()) {
  const row = a.row;
  const e = estimateRow(a, k);
  if (e.ms === null || e.lowMs === null || e.highMs === null) {
    console.log(`${pad(row.id, 50)} not estimable: ${e.notes.join(' ')}`);
    continue;
  }
  const ape = Math.abs(e.ms - row.latencyMs) / row.latencyMs;
  const heldOut = k.heldOutRows.includes(row.id);
  const inRange = e.lowMs <= row.latencyMs && row.latencyMs <= e.highMs;
  // Leave-one-out: refit on every other row, then estimate this one (with the bundled ranges, to check them).
  const fold = fitCoefficients(sums.filter((_, j) => j !== i));
  for (const p of Object.keys(fold.paths) as (keyof typeof fold.paths)[]) fold.paths[p].spread = k.paths[p].spread;
  const loo = estimateRow(a, fold);
  const looApe = Math.abs(loo.ms! - row.latencyMs) / row.latencyMs;
  const looInRange = loo.lowMs! <= row.latencyMs && row.latencyMs <= loo.highMs!;
  results.push({ id: row.id, runtime: row.runtime, heldOut, ape, inRange, looApe, looInRange });
  const set = `${heldOut ? 'HELD-OUT' : 'train'}${inRange ? '' : ' (outside)'}`;
  console.log(`${pad(row.id, 50)} ${pad(row.runtime, 15)} ${pad(a.core, 12)} ${String(row.clockMHz).padStart(3)}  ${num(row.latencyMs).padStart(11)}  ${pad(`${num(e.ms)} (${num(e.lowMs)}-${num(e.highMs)})`, 25)} ${(100 * ape).toFixed(0).padStart(4)}%  ${pad(set, 16)} ${num(loo.ms!)} (${(100 * looApe).toFixed(0)}%${looInRange ? '' : ', outside range'})`);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

console.log('\nAbsolute percentage error of the central estimate (median / p90, n rows; in-range = measured inside the range):');
console.log(`${pad('runtime', 16)} ${pad('held-out', 30)} ${pad('leave-one-out, all rows', 30)} all rows, bundled fit`);
for (const runtime of ['tflm-cmsis-nn', 'tflm-reference', 'tflm-esp-nn', 'all']) {
  const of = (held: boolean | null, loo = false): string => {
    const rs = results.filter((r) => (runtime === 'all' || r.runtime === runtime) && (held === null || r.heldOut === held));
    if (rs.length === 0) return '-';
    const apes = rs.map((r) => 100 * (loo ? r.looApe : r.ape));
    return `${quantile(apes, 0.5).toFixed(0)}% / ${quantile(apes, 0.9).toFixed(0)}%, n=${rs.length}, in-range ${rs.filter((r) => (loo ? r.looInRange : r.inRange)).length}`;
  };
  console.log(`${pad(runtime, 16)} ${pad(of(true), 30)} ${pad(of(null, true), 30)} ${of(null)}`);
}

console.log('\nEnergy per inference (estimated latency x catalog active power) against measured MLPerf Tiny energy:');
const energyApes: number[] = [];
for (const row of MEASURED.rows.filter((r) => r.energyUj !== null)) {
  const a = rowAggregates(row, modelsDir);
  const e = estimateRow(a, k);
  const power = a.mcu?.activePowerMw;
  if (!power || e.ms === null || e.lowMs === null || e.highMs === null) continue;
  const en = energyPerInference(e.ms, e.lowMs, e.highMs, power, row.clockMHz);
  const ape = Math.abs(en.uJ - row.energyUj!) / row.energyUj!;
  energyApes.push(100 * ape);
  console.log(`${pad(row.id, 50)} measured ${num(row.energyUj!).padStart(7)} uJ  estimate ${num(en.uJ)} uJ (${num(en.lowUj)}-${num(en.highUj)})  ${(100 * ape).toFixed(0)}%`);
}
console.log(`energy APE median ${quantile(energyApes, 0.5).toFixed(0)}%, p90 ${quantile(energyApes, 0.9).toFixed(0)}%, n=${energyApes.length}`);

console.log('\nEthos-U NPU cycles against the simulated inference the utilization was fitted on (a consistency check, not a test):');
for (const r of npuMeasurements(modelsDir)) {
  const cycles = r.work / (r.macsPerCycle * k.ethosU.utilization);
  console.log(`${pad(r.model, 50)} ${r.npu}: measured ${r.npuActiveCycles.toLocaleString('en-US')} NPU cycles, estimate ${Math.round(cycles).toLocaleString('en-US')} (utilization ${k.ethosU.utilization}, range ${k.ethosU.utilizationLow}-${k.ethosU.utilizationHigh})`);
}

// The instruction model against the rig's whole-model measurements (tools/tflm-harness), when the branch has them.
// The instruction model against every whole-model measurement the branch holds (each ops TSV once, header dropped).
const k2 = bundledInstructionCoefficients();
const derived = derivedTexts();
const opsTexts = [...new Set(derived.flatMap((d) => d.texts.map((t) => t.ops)))];
const body = (t: string): string => t.split('\n').filter((l) => l && !l.startsWith('#')).slice(1).join('\n');
printInstructionReport(k2, opsTexts.length ? `${opsTexts[0]!.split('\n').filter((l) => l && !l.startsWith('#'))[0]}\n${opsTexts.map(body).join('\n')}\n` : null, modelsDir);
// Classes fitted on whole-model ops are in-sample there: each model left out of their fit (sweep classes as shipped).
const swept = fitSweep(SWEEP_TSVS.flatMap((f) => readOpsRows(readFileSync(f, 'utf8')).rows), '').builds;
for (const d of derived) {
  const held = leaveOneModelOut(d.build, d.texts, swept[d.build] ?? {});
  const whole = held.filter((h) => h.predicted !== null && h.measured > 0).map((h) => 100 * Math.abs(h.predicted! / h.measured - 1));
  const covered = held.filter((h) => h.coveredError !== null).map((h) => 100 * h.coveredError!);
  const med = (xs: number[]): string => (xs.length ? `${[...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(1)}%` : '-');
  console.log(`\n${d.build}, each model left out of the whole-model fit (sweep classes as shipped): whole models fully predicted median ${med(whole)} (n=${whole.length}); covered ops median ${med(covered)} (n=${covered.length})`);
  for (const h of held.filter((x) => x.coveredError !== null)) console.log(`  ${h.model.padEnd(42)} covered ${(100 * h.coveredShare).toFixed(0).padStart(3)}%  error on covered ops ${(100 * h.coveredError!).toFixed(1)}%`);
}
printLatencyComparison(aggregates, k, readRows(readFileSync(ROWS_TSV, 'utf8')), HELD_OUT);
printPartCpiCheck(aggregates);

// What one ISA's counts cost as a stand-in for another's (scripts/instr-isa-ratio.ts), and the ESP cores' proxy term.
console.log('\nWhole-model instruction counts of one build over another (same models; gsd = geometric SD, the model-to-model dispersion):');
printIsaRatios();
const xp = xtensaProxy();
console.log(`ESP32 / ESP32-S3 range term: ${xp.why}: ${xp.proxy.toFixed(4)} (largest |log(r / median r)|; r per model: ${Object.entries(xp.shares).map(([m, r]) => `${m} ${r.toFixed(3)}`).join(', ')})`);
