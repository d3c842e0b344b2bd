/**
 * The latency cost model's fit, shared by scripts/fit-latency.ts (which writes coefficients.json) and
 * bench/latency.ts (which refits without each row in turn to measure the error on rows a fit never saw).
 *
 * The model is linear in its per-path sums, so each measured row is reduced once to what the coefficients multiply
 * (per path: operator count, MACs per kernel class, elements); a fit then costs milliseconds, not a re-analysis.
 *
 * 1. Core factors: the same vendor engine on different cores gives each core's cycles relative to a Cortex-M4
 *    (geometric mean over engines, rounds and benchmarks). Cores without such rows get documented priors.
 * 2. Per-path coefficients (cycles per MAC by kernel class, per element, per op), the ESP cores' factors, the
 *    Cortex-M33's CMSIS-NN factor and the Cortex-M85's per-class Helium factors are fitted jointly on the training rows
 *    by minimizing the squared log error (Nelder-Mead), with a weak pull toward priors so that parameters the rows do
 *    not pin down stay where the priors put them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classFactor, type Coefficients, type CoreFactor } from '../server/src/analysis/latency/coefficients.ts';
import { estimateLatency } from '../server/src/analysis/latency/model.ts';
import { analyzeModel } from '../server/src/analysis/report.ts';
import { checkSupport } from '../server/src/analysis/support/index.ts';
import { readTflite } from '../server/src/model/tflite/reader.ts';
import { factsTable } from './facts.ts';
import { MAC_CLASSES, type CpuPath, type MacClass } from '../server/src/analysis/latency/features.ts';
import { resolveTarget } from '../server/src/targets/catalog.ts';
import { MEASURED } from '../server/src/targets/measured.ts';
import { estimateRow, type RowAggregate } from './latency-rows.ts';

/** What the coefficients multiply on one path of one row. */
interface PathSums {
  ops: number;
  macs: Record<MacClass, number>;
  elements: number;
}

/** A measured row reduced to its per-path sums. */
export interface RowSums {
  aggregate: RowAggregate;
  paths: Partial<Record<CpuPath, PathSums>>;
}

export function rowSums(a: RowAggregate, k: Coefficients): RowSums {
  const paths: RowSums['paths'] = {};
  for (const l of estimateRow(a, k).layers) {
    const f = l.features;
    if (f.path === 'none' || f.path === 'npu') throw new Error(`${a.row.id}: layer ${l.index} runs on ${f.path}; only CPU paths are fitted`);
    const s = (paths[f.path] ??= { ops: 0, macs: { conv: 0, dwconv: 0, fc: 0 }, elements: 0 });
    s.ops++;
    if (f.kind !== 'other') s.macs[f.kind] += f.macs;
    s.elements += f.elements;
  }
  return { aggregate: a, paths };
}

/** Cycles of a row under coefficients: the cost model's formula summed per path (equals estimateLatency's total). */
export function predictFromSums(s: RowSums, k: Coefficients): number {
  let cycles = 0;
  for (const [path, sums] of Object.entries(s.paths) as [CpuPath, PathSums][]) {
    const p = k.paths[path];
    const f = k.cores[path][s.aggregate.core];
    if (!f) throw new Error(`${s.aggregate.row.id}: no ${path} factor for ${s.aggregate.core}`);
    cycles += sums.ops * p.cyclesPerOp + classFactor(f, 'other') * sums.elements * p.cyclesPerElement;
    for (const c of MAC_CLASSES) cycles += classFactor(f, c) * sums.macs[c] * p.cpm[c];
  }
  return cycles;
}

// ---- 1. core factors from same-engine, cross-core rows ---------------------------------------------------------
function crossCoreFactors(): Map<string, { factor: number; groups: number }> {
  const groups = new Map<string, Map<string, number[]>>();
  for (const r of MEASURED.crossCore) {
    const key = `${r.engine}|${r.round}|${r.submitter}|${r.benchmark}`;
    const g = groups.get(key) ?? new Map<string, number[]>();
    const cycles = r.latencyMs * r.clockMHz; // x 1000: the scale cancels in ratios
    g.set(r.core, [...(g.get(r.core) ?? []), cycles]);
    groups.set(key, g);
  }
  const logs = new Map<string, number[]>();
  for (const g of groups.values()) {
    const m4 = g.get('cortex-m4f');
    if (!m4) continue;
    const base = Math.log(m4.reduce((a, b) => a + b, 0) / m4.length);
    for (const [core, cycles] of g) {
      const l = Math.log(cycles.reduce((a, b) => a + b, 0) / cycles.length) - base;
      logs.set(core, [...(logs.get(core) ?? []), l]);
    }
  }
  return new Map([...logs].map(([core, ls]) => [core, { factor: Math.exp(ls.reduce((a, b) => a + b, 0) / ls.length), groups: ls.length }]));
}

const cross = crossCoreFactors();
const crossBasis = (core: string): string => `same-engine MLPerf Tiny results (X-CUBE-AI, Plumerai, HALE) relative to Cortex-M4: ${cross.get(core)?.groups} comparisons`;

// ---- 2. joint fit -------------------------------------------------------------------------------------------------
// Parameters in log space; names say what each one is.
const NAMES = [
  'cmsis.conv', 'cmsis.dwconv', 'cmsis.fc', 'cmsis.elem', 'cmsis.op',
  'ref.conv', 'ref.dwconv', 'ref.fc', 'ref.elem', 'ref.op',
  'ref.esp32', 'ref.esp32s3', 'espnn.esp32', 'espnn.esp32s3', 'cmsis.m33',
  'm85.conv', 'm85.dwconv', 'm85.fc', 'm85.other',
] as const;
type Name = (typeof NAMES)[number];
// Priors: CMSIS-NN a few cycles per MAC on an M4; reference kernels ~10x slower; ESP factors 1.
// The M33 factor under CMSIS-NN starts at its same-engine ratio and is then fitted on the TFLM rows (RA6M4): direct
// TFLM measurements outrank the vendor-engine proxy where they exist (decided after the first held-out run; see README).
// The M85's Helium factors start at the old prior (Helium 4x int8 lanes vs the DSP extension, discounted: 0.3).
const PRIOR: Record<Name, number> = {
  'cmsis.conv': 3, 'cmsis.dwconv': 4, 'cmsis.fc': 4, 'cmsis.elem': 5, 'cmsis.op': 2000,
  'ref.conv': 30, 'ref.dwconv': 40, 'ref.fc': 30, 'ref.elem': 40, 'ref.op': 2000,
  'ref.esp32': 1, 'ref.esp32s3': 1, 'espnn.esp32': 1, 'espnn.esp32s3': 1, 'cmsis.m33': cross.get('cortex-m33')?.factor ?? 1,
  'm85.conv': 0.3, 'm85.dwconv': 0.3, 'm85.fc': 0.3, 'm85.other': 0.3,
};

/**
 * The Ethos-U utilization: NPU work / (peak MACs per cycle x measured NPU active cycles) of the rows in
 * scripts/facts/npu-measured.tsv (geometric mean), with a range of x/÷2 around it: one simulator run of one large
 * network says little about small ones, which are often bound by bandwidth rather than MACs.
 */
export function npuCoefficients(modelsDir: string): Coefficients['ethosU'] {
  const rows = npuMeasurements(modelsDir);
  const utilization = Math.exp(rows.reduce((n, r) => n + Math.log(r.work / (r.macsPerCycle * r.npuActiveCycles)), 0) / rows.length);
  return {
    utilization: round(utilization), utilizationLow: round(utilization / 2), utilizationHigh: round(Math.min(1, utilization * 2)), defaultMacsPerCycle: 128,
    basis: `fitted on ${rows.length} simulated Ethos-U55 inference${rows.length > 1 ? 's' : ''} (${rows.map((r) => `${r.model}: ${r.platform}`).join('; ')}), not on silicon; peak MACs/cycle from the NPU configuration; range x/÷2`,
    source: rows.map((r) => r.source).join(' ; '),
  };
}

/** A measured NPU inference with the work the cost model assigns to the NPU for that model (MACs, or elements). */
export interface NpuMeasurement {
  model: string;
  npu: string;
  platform: string;
  source: string;
  macsPerCycle: number;
  npuActiveCycles: number;
  work: number;
}

/** The rows of scripts/facts/npu-measured.tsv, each with the NPU work of its model file (in modelsDir). */
export function npuMeasurements(modelsDir: string): NpuMeasurement[] {
  return factsTable('npu-measured.tsv').map((r) => {
    const model = readTflite(new Uint8Array(readFileSync(join(modelsDir, r.model!))));
    const support = checkSupport(model, 'ethos-u', analyzeModel(model, 'tflm-cmsis-nn').detail.failures);
    const work = estimateLatency(model, support, 'cortex-m55', 100, { cpi: null }).layers.filter((l) => l.features.path === 'npu').reduce((n, l) => n + Math.max(l.features.macs, l.features.elements), 0);
    return { model: r.model!, npu: r.npu!, platform: r.platform!, source: r.source!, macsPerCycle: Number(r.macsPerCycle), npuActiveCycles: Number(r.npuActiveCycles), work };
  });
}

/** The Ethos-U coefficients of a fit on CPU rows alone (the folds of the bench); fit-latency.ts puts npuCoefficients in. */
const NPU_PRIOR: Coefficients['ethosU'] = {
  utilization: 0.4, utilizationLow: 0.05, utilizationHigh: 0.75, defaultMacsPerCycle: 128,
  basis: 'prior, not calibrated', source: 'kernel_perf.tsv: Arm Ethos-U55/U65 MACs per cycle by configuration',
};

function round(v: number): number {
  return Number(v.toPrecision(4));
}

function coefficientsFrom(x: number[], spreads: Record<CpuPath, number>, trainRows: string[], heldOutRows: string[]): Coefficients {
  const v = (n: Name): number => round(Math.exp(x[NAMES.indexOf(n)]!));
  const f = (core: string): CoreFactor => ({ factor: round(cross.get(core)?.factor ?? NaN), calibrated: true, basis: crossBasis(core) });
  const m0 = f('cortex-m0plus');
  const helium = { factor: v('m85.other'), classFactors: { conv: v('m85.conv'), dwconv: v('m85.dwconv'), fc: v('m85.fc') } };
  const espnnFactor = (core: 'esp32' | 'esp32s3', calibrated: boolean, basis: string): CoreFactor => ({ factor: v(`espnn.${core}`), calibrated, basis });
  return {
    paths: {
      'cmsis-nn': { cpm: { conv: v('cmsis.conv'), dwconv: v('cmsis.dwconv'), fc: v('cmsis.fc') }, cyclesPerElement: v('cmsis.elem'), cyclesPerOp: v('cmsis.op'), spread: spreads['cmsis-nn'], basis: 'fitted on the MLPerf Tiny TFLM + CMSIS-NN rows (Cortex-M4 = factor 1)' },
      'reference': { cpm: { conv: v('ref.conv'), dwconv: v('ref.dwconv'), fc: v('ref.fc') }, cyclesPerElement: v('ref.elem'), cyclesPerOp: v('ref.op'), spread: spreads.reference, basis: 'fitted on TFLM reference-kernel rows (RV32 MLPerf Tiny, ESP32 family without ESP-NN; rv32imc = factor 1)' },
      // ESP-NN's per-class cycles per MAC are its own microbenchmarks on the ESP32-S3 (kernel_perf.tsv), not fitted.
      'esp-nn': { cpm: { conv: 0.81, dwconv: 5.0, fc: 1.33 }, cyclesPerElement: v('cmsis.elem'), cyclesPerOp: v('cmsis.op'), spread: spreads['esp-nn'], basis: 'cycles/MAC from ESP-NN microbenchmarks on the ESP32-S3 (esp-nn README via kernel_perf.tsv); per-element and per-op costs shared with CMSIS-NN; core factors fitted on the esp-nn README person-detection rows' },
    },
    cores: {
      'cmsis-nn': {
        'cortex-m0plus': m0,
        'cortex-m3': { ...m0, calibrated: false, basis: 'prior: no DSP extension, so CMSIS-NN takes the pure-C path as on the M0+; no measurement on an M3' },
        'cortex-m4': f('cortex-m4f'),
        'cortex-m4f': f('cortex-m4f'),
        'cortex-m7': f('cortex-m7'),
        'cortex-m33': { factor: v('cmsis.m33'), calibrated: true, basis: 'fitted on the MLPerf Tiny TFLM + CMSIS-NN rows of the RA6M4 (same-engine ratio as prior)' },
        'cortex-m55': { ...helium, calibrated: false, basis: "prior: the Cortex-M85's Helium factors (both run CMSIS-NN's MVE path); no measurement on an M55" },
        'cortex-m85': { ...helium, calibrated: true, basis: 'per kernel class, fitted on the MLPerf Tiny v1.2 TFLM + CMSIS-NN rows of the RA8D1 (Helium); prior 0.3' },
      },
      'reference': {
        'cortex-m0plus': { ...m0, calibrated: false },
        'cortex-m3': { ...m0, calibrated: false, basis: 'prior: as the M0+ (no measurement on an M3)' },
        'cortex-m4': { ...f('cortex-m4f'), calibrated: false },
        'cortex-m4f': { ...f('cortex-m4f'), calibrated: false },
        'cortex-m7': { ...f('cortex-m7'), calibrated: false },
        'cortex-m33': { ...f('cortex-m33'), calibrated: false },
        'cortex-m55': { ...f('cortex-m33'), calibrated: false, basis: 'prior: scalar code on the M55 taken as on the M33; no measurement' },
        'cortex-m85': { ...f('cortex-m7'), calibrated: false, basis: 'prior: scalar code on the dual-issue M85 taken as on the M7; no measurement' },
        'rv32imc': { factor: 1, calibrated: true, basis: 'reference core of the path (MLPerf Tiny RV32 rows)' },
        'esp32': { factor: v('ref.esp32'), calibrated: true, basis: 'fitted on esp-nn README person detection without ESP-NN' },
        'esp32s3': { factor: v('ref.esp32s3'), calibrated: true, basis: 'fitted on esp-nn README person detection without ESP-NN' },
      },
      'esp-nn': {
        'esp32s3': espnnFactor('esp32s3', true, 'fitted on esp-nn README person detection with ESP-NN (assembly kernels)'),
        'esp32': espnnFactor('esp32', true, 'fitted on esp-nn README person detection with ESP-NN (generic optimized C)'),
        'rv32imc': espnnFactor('esp32', false, 'prior: the ESP32 factor (the ESP32-C3 also runs ESP-NN generic optimized C)'),
      },
    },
    ethosU: NPU_PRIOR,
    trainRows,
    heldOutRows,
  };
}

function nelderMead(f: (x: number[]) => number, x0: number[], iterations: number): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + 0.5 : v)))].map((x) => ({ x, f: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.f - b.f);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j]!, 0) / n);
    const at = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const r = { x: at(-1), f: 0 };
    r.f = f(r.x);
    if (r.f < best.f) {
      const e = { x: at(-2), f: 0 };
      e.f = f(e.x);
      simplex[n] = e.f < r.f ? e : r;
    } else if (r.f < simplex[n - 1]!.f) {
      simplex[n] = r;
    } else {
      const c = { x: at(0.5), f: 0 };
      c.f = f(c.x);
      if (c.f < worst.f) simplex[n] = c;
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!)), f: 0 })).map((p, i) => (i === 0 ? p : { x: p.x, f: f(p.x) }));
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  return simplex[0]!.x;
}

/** Weight of the pull toward the priors, per squared log unit: keeps parameters the rows do not pin down in place. */
export const PRIOR_PULL = 0.05;

const RUNTIME_PATH: Record<RowAggregate['row']['runtime'], CpuPath> = { 'tflm-cmsis-nn': 'cmsis-nn', 'tflm-reference': 'reference', 'tflm-esp-nn': 'esp-nn' };
/** Spreads of a fit before its leave-one-out error is known (see spreadsFrom). */
const FLAT_SPREAD: Record<CpuPath, number> = { 'cmsis-nn': 0.2, reference: 0.2, 'esp-nn': 0.35 };

/**
 * Fits the coefficients on `train` (rows reduced by rowSums). `heldOutRows` is only recorded in the result.
 * Deterministic: same rows, same coefficients.
 */
export function fitCoefficients(train: RowSums[], heldOutRows: string[] = [], pull = PRIOR_PULL): Coefficients {
  const trainIds = train.map((s) => s.aggregate.row.id);
  const prior = NAMES.map((n) => Math.log(PRIOR[n]));
  const loss = (x: number[]): number => {
    const k = coefficientsFrom(x, FLAT_SPREAD, trainIds, heldOutRows);
    let sum = 0;
    for (const s of train) sum += Math.log(predictFromSums(s, k) / s.aggregate.measuredCycles) ** 2;
    for (let i = 0; i < x.length; i++) sum += pull * (x[i]! - prior[i]!) ** 2;
    return sum;
  };
  let x = prior;
  for (let restart = 0; restart < 6; restart++) x = nelderMead(loss, x, 4000);
  return coefficientsFrom(x, FLAT_SPREAD, trainIds, heldOutRows);
}

/**
 * Each row's estimate under a fit on the other rows: what the model does on a row it never saw. `pull` is the
 * prior weight of those fits.
 */
export function leaveOneOut(rows: RowSums[], pull = PRIOR_PULL): { sums: RowSums; k: Coefficients; cycles: number }[] {
  return rows.map((s, i) => {
    const k = fitCoefficients(rows.filter((_, j) => j !== i), [], pull);
    return { sums: s, k, cycles: predictFromSums(s, k) };
  });
}

/**
 * The half-width of the reported range per path, in log units: the 90th percentile of |ln(estimate / measured)| of
 * the leave-one-out estimates (what a new model costs the fit, not how well it fits its own rows), floored because a
 * handful of rows understates the error. Rows whose core had no other row in their fold are left out: their fold's
 * factor was a prior, and the model widens the range of prior factors on its own.
 */
export function spreadsFrom(loo: ReturnType<typeof leaveOneOut>): Record<CpuPath, number> {
  const spreads = { ...FLAT_SPREAD };
  for (const path of Object.keys(spreads) as CpuPath[]) {
    const errs = loo
      .filter(({ sums, k }) => RUNTIME_PATH[sums.aggregate.row.runtime] === path && k.cores[path][sums.aggregate.core]?.calibrated && k.trainRows.some((id) => rowCore.get(id) === `${sums.aggregate.core}|${sums.aggregate.row.runtime}`))
      .map(({ sums, cycles }) => Math.abs(Math.log(cycles / sums.aggregate.measuredCycles)))
      .sort((a, b) => a - b);
    const p90 = errs[Math.min(errs.length - 1, Math.ceil(0.9 * errs.length) - 1)] ?? 0;
    spreads[path] = round(Math.max(p90, path === 'esp-nn' ? 0.35 : 0.2));
  }
  return spreads;
}

/** Core and runtime of every measured row, by id. */
const rowCore = new Map(MEASURED.rows.map((r) => [r.id, `${resolveCore(r.target)}|${r.runtime}`]));

function resolveCore(target: string): string {
  const t = resolveTarget(target);
  if (!t) throw new Error(`unknown target ${target}`);
  return t.core;
}
