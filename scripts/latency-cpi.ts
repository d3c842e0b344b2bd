/**
 * The CPI fit (server/src/analysis/latency/cpi.json) from the measured rows reduced to what it needs
 * (test/measured/latency_rows.tsv, written by scripts/fit-cpi.ts --rows from the shared models): per row the predicted
 * instructions, the cycles of ops the MAC model costs, and the board's memory factor. Pure and deterministic, so a
 * test can check that the committed JSON is what this fit gives on the committed rows.
 *
 * One free parameter per (core, runtime) with measured rows: the CPI, the geometric mean of
 * (measured cycles - MAC-model cycles - weight streaming) / (instructions x memory factor) over the core's training
 * rows. And one per part CPI (parts.ts PART_CPI): the geometric mean of measured cycles / instructions over its sibling
 * part's rows, counted with the part's own build (the ESP32-C3's CPI: the ESP32-S3's reference-kernel row over the
 * RV32IMC count of the same model), labelled a prior with a prior's range; the part's own rows never enter it.
 * Everything else is a prior, named in the file.
 */
import { SPREAD, type CoreCpi, type CpiRuntime, type CpiTable, type PartCpi } from '../server/src/analysis/latency/cpi.ts';
import type { Placement } from '../server/src/analysis/latency/memory.ts';
import type { Core } from '../server/src/targets/catalog.ts';

export interface CpiRow {
  id: string;
  core: Core;
  runtime: CpiRuntime;
  clockMHz: number;
  latencyMs: number;
  build: string;
  /** Predicted instructions of the ops the instruction model covers. */
  instructions: number;
  /** Cycles of the remaining ops, from the MAC model. */
  fallbackCycles: number;
  /** Cycles of reading the covered ops' weights once (memory.ts streaming term). */
  streamCycles: number;
  memoryFactor: number;
  placement: string;
}

const HEAD = ['id', 'core', 'runtime', 'clockMHz', 'latencyMs', 'build', 'instructions', 'fallbackCycles', 'streamCycles', 'memoryFactor', 'placement'] as const;

export function rowsText(rows: CpiRow[], comments: string[]): string {
  const body = rows.map((r) => HEAD.map((h) => String(r[h])).join('\t'));
  return `${[...comments.map((c) => `# ${c}`), HEAD.join('\t'), ...body].join('\n')}\n`;
}

export function readRows(text: string): CpiRow[] {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const head = lines.shift()?.split('\t') ?? [];
  if (head.join('\t') !== HEAD.join('\t')) throw new Error(`latency rows: unexpected header ${head.join(',')}`);
  return lines.map((l) => {
    const f = l.split('\t');
    return {
      id: f[0]!, core: f[1] as Core, runtime: f[2] as CpiRuntime, clockMHz: Number(f[3]), latencyMs: Number(f[4]), build: f[5]!,
      instructions: Number(f[6]), fallbackCycles: Number(f[7]), streamCycles: Number(f[8]), memoryFactor: Number(f[9]), placement: f[10]!,
    };
  });
}

/** Measured cycles of a row. */
export const measuredCycles = (r: CpiRow): number => r.latencyMs * r.clockMHz * 1000;

/** The row's own CPI: what instructions x CPI x memory must equal once the MAC-costed ops are taken off. */
export const rowCpi = (r: CpiRow): number => (measuredCycles(r) - r.fallbackCycles - r.streamCycles) / (r.instructions * r.memoryFactor);

/** Predicted cycles of a row under a CPI. */
export const rowPrediction = (r: CpiRow, cpi: number): number => r.instructions * cpi * r.memoryFactor + r.streamCycles + r.fallbackCycles;

/** Rows whose instruction-costed share is too small to calibrate a CPI on (the MAC model dominates them). */
export const usable = (r: CpiRow): boolean => r.instructions > 0 && rowPrediction(r, 1) > 0 && r.fallbackCycles < 0.1 * measuredCycles(r);

/**
 * Priors for cores without measured TFLM rows. Relative ones take a calibrated core's CPI times a ratio: the
 * Cortex-M7's is the relative cycles of the same vendor engines on M7 and M4 boards (the MAC model's cross-core
 * factor, MLPerf Tiny rows). Absolute ones come from the pipeline: a Cortex-M0+ runs TFLM's scalar loops at about 1.3
 * cycles per instruction (single-cycle ALU and multiplier, two-cycle loads and stores, three-cycle taken branches); it
 * is not tied to the Cortex-M4 calibration, whose CPI also absorbs the older TFLM those boards ran.
 */
export const PRIORS: Readonly<Partial<Record<Core, { from: Core; ratio: number; why: string } | { cpi: number; why: string }>>> = {
  'cortex-m4': { from: 'cortex-m4f', ratio: 1, why: 'the Cortex-M4F calibration (the same core)' },
  'cortex-m7': { from: 'cortex-m4f', ratio: 0.5511, why: 'Cortex-M4 CPI x 0.551, the M7/M4 cycle ratio of the same vendor engines (MLPerf Tiny cross-core rows)' },
  'cortex-m33': { from: 'cortex-m4f', ratio: 1, why: 'the Cortex-M4 CPI (similar three-stage pipeline)' },
  'cortex-m85': { from: 'cortex-m4f', ratio: 0.5, why: 'Cortex-M4 CPI x 0.5 (dual issue, branch prediction)' },
  'cortex-m55': { from: 'cortex-m85', ratio: 1.5, why: 'Cortex-M85 CPI x 1.5 (the M55 is single-issue, narrower beats)' },
  'cortex-m0plus': { cpi: 1.3, why: 'ARMv6-M pipeline: 1-cycle ALU and multiplier, 2-cycle loads/stores, 3-cycle taken branches' },
};

/**
 * The reference kernels' CPI relative to CMSIS-NN's on the same board, for every core (no board row measures the
 * reference kernels of the TFLM version the counts describe). Per instruction the two mixes cost about the same at
 * -O2 (the rig's build; physics of the loops: about 1.2), but boards are built otherwise and the reference kernels'
 * index arithmetic suffers most: the same-board observations of both kernel sets give 3.2 (MLPerf Tiny's L4R5 reference
 * submission, ~8 s vs 0.70 s on IC, over 3.6x the instructions) and 8 (a user's F413 debug-looking build,
 * kernel_perf.tsv). The prior is the geometric mean of the -O2 figure and the MLPerf build, 2, with a prior range
 * (x/÷2) that covers both and leaves the debug build out.
 */
export const REFERENCE_RATIO = 2;

const sig = (v: number): number => Number(v.toPrecision(4));
const logErr = (r: CpiRow, cpi: number): number => Math.abs(Math.log(rowPrediction(r, cpi) / measuredCycles(r)));

/**
 * A part's own CPI (parts.ts PART_CPI) fitted on a sibling part's rows: `rows` are the sibling's measured rows reduced
 * with the part's instruction build and the part's memory system, net of the placement the CPI `includes`.
 */
export interface PartCpiSpec { part: string; runtime: CpiRuntime; rows: readonly string[]; includes: Placement; why: string; build: string }

/**
 * Cores calibrated on a single row through another core's instruction counts (the ESP32 and ESP32-S3 on the Xtensa
 * lx106 build): one row leaves no residual, so the range is derived, not fitted: the model-to-model CPI dispersion of
 * the reference kernels where a core has several instruction-costed rows of its own build (`from`: the largest |log
 * error| of those rows around their CPI), plus `proxy`, the model-to-model dispersion the stand-in counts add
 * (scripts/fit-cpi.ts measures it on the rig's counts), plus the 0.02 of rounding every calibrated range carries.
 */
export interface ProxySpread { cores: readonly Core[]; runtime: CpiRuntime; from: Core; proxy: number; why: string }

/** What a fit needs besides the rows: the parts' own rows (never fitted on) and the part CPIs (fitted on siblings). */
export interface PartPriors { ownRows: readonly string[]; specs: readonly PartCpiSpec[]; proxySpread?: ProxySpread }

const NO_PARTS: PartPriors = { ownRows: [], specs: [] };

/**
 * Fits the CPI table: `heldOut` rows never enter a CPI but do enter its range; a part's own rows (parts.own) enter
 * neither; a part CPI's sibling rows enter that part's CPI only, never a core's.
 */
export function fitCpi(rows: CpiRow[], heldOut: readonly string[], versions: CpiTable['versions'], parts: PartPriors = NO_PARTS): CpiTable {
  const cores: CpiTable['cores'] = {};
  const set = (core: Core, rt: CpiRuntime, c: CoreCpi): void => { (cores[core] ??= {})[rt] = c; };
  const ok = rows.filter(usable);
  const train = ok.filter((r) => !heldOut.includes(r.id));
  // A sibling row is the part's build's reduction of a row; the same row reduced with its own core's build is that core's.
  const sibling = (r: CpiRow): boolean => parts.specs.some((p) => p.rows.includes(r.id) && r.build === p.build);
  const coreTrain = train.filter((r) => !sibling(r));
  const keys = [...new Set(coreTrain.map((r) => `${r.core}|${r.runtime}`))].sort();
  for (const key of keys) {
    const [core, rt] = key.split('|') as [Core, CpiRuntime];
    const t = coreTrain.filter((r) => r.core === core && r.runtime === rt);
    const cpi = geoMeanCpi(t);
    const all = ok.filter((r) => r.core === core && r.runtime === rt && !parts.ownRows.includes(r.id) && !sibling(r));
    const worst = Math.max(...all.map((r) => logErr(r, cpi)));
    // + 0.02: the estimate rounds nothing, the rows TSV rounds instructions and memory factors
    const spread = Math.min(SPREAD.calibratedCap, Math.max(SPREAD.floor, worst + 0.02));
    const builds = [...new Set(t.map((r) => r.build))].join(', ');
    set(core, rt, { cpi: sig(cpi), calibrated: true, spread: sig(spread), rows: t.map((r) => r.id), basis: `${t.length} measured ${core} rows, ${builds} counts` });
  }
  const ps = parts.proxySpread;
  if (ps) {
    // As that core's own range: its CPI from its training rows, the largest error over all its rows.
    const ref = coreTrain.filter((r) => r.core === ps.from && r.runtime === ps.runtime);
    const refCpi = ref.length >= 3 ? geoMeanCpi(ref) : NaN;
    const refAll = ok.filter((r) => r.core === ps.from && r.runtime === ps.runtime && !parts.ownRows.includes(r.id) && !sibling(r));
    const dispersion = Math.max(...refAll.map((r) => logErr(r, refCpi)));
    for (const core of ps.cores) {
      const c = cores[core]?.[ps.runtime];
      if (!c || c.rows.length !== 1 || !(ref.length >= 3)) continue;
      const spread = dispersion + ps.proxy + 0.02;
      set(core, ps.runtime, {
        ...c, spread: sig(spread),
        basis: `${c.basis}; range derived, not fitted (one row): the ${ps.from} reference rows' CPI dispersion ${sig(dispersion)} (${ref.length} rows) + ${ps.why} ${sig(ps.proxy)} + 0.02 rounding`,
      });
    }
  }
  for (const [core, p] of Object.entries(PRIORS) as [Core, NonNullable<(typeof PRIORS)[Core]>][]) {
    if (cores[core]?.['tflm-cmsis-nn']) continue;
    if ('cpi' in p) {
      set(core, 'tflm-cmsis-nn', { cpi: p.cpi, calibrated: false, spread: sig(SPREAD.prior), rows: [], basis: `prior: ${p.why}` });
      continue;
    }
    const base = cores[p.from]?.['tflm-cmsis-nn'];
    if (!base) continue;
    const calibrated = core === 'cortex-m4' && base.calibrated;
    set(core, 'tflm-cmsis-nn', { cpi: sig(base.cpi * p.ratio), calibrated, spread: calibrated ? base.spread : sig(SPREAD.prior), rows: calibrated ? base.rows : [], basis: `prior: ${p.why}` });
  }
  for (const core of Object.keys(cores).sort() as Core[]) {
    const c = cores[core]!['tflm-cmsis-nn'];
    if (!c || cores[core]!['tflm-reference']) continue;
    set(core, 'tflm-reference', { cpi: sig(c.cpi * REFERENCE_RATIO), calibrated: false, spread: sig(SPREAD.prior), rows: [], basis: `prior: the ${core} CMSIS-NN CPI x ${REFERENCE_RATIO} (reference kernels as boards build them; no measured reference-kernel row of this TFLM version)` });
  }
  const sorted = Object.fromEntries(Object.keys(cores).sort().map((c) => [c, cores[c as Core]])) as CpiTable['cores'];
  return { versions, cores: sorted, parts: fitParts(train, parts), trainRows: [...new Set(train.map((r) => r.id))], heldOutRows: [...new Set(ok.filter((r) => heldOut.includes(r.id)).map((r) => r.id))] };
}

const geoMeanCpi = (t: CpiRow[]): number => Math.exp(t.reduce((s, r) => s + Math.log(rowCpi(r)), 0) / t.length);

/**
 * Each part CPI: the geometric mean of its sibling rows' own CPI (their cycles over the part build's instructions,
 * net of nothing: the CPI includes the sibling's memory system). A prior, with a prior's range: one sibling row says
 * nothing about how far the part departs from it. A part without a usable training sibling row gets none.
 */
function fitParts(train: CpiRow[], parts: PartPriors): CpiTable['parts'] {
  const out: CpiTable['parts'] = {};
  for (const spec of [...parts.specs].sort((a, b) => (a.part < b.part ? -1 : 1))) {
    const t = train.filter((r) => spec.rows.includes(r.id) && r.build === spec.build && r.runtime === spec.runtime && !parts.ownRows.includes(r.id));
    if (t.length === 0) continue;
    const cpi = geoMeanCpi(t);
    const from = t.map((r) => `${r.id} (${r.latencyMs} ms x ${r.clockMHz} MHz = ${(measuredCycles(r) / 1e6).toFixed(1)}M cycles / ${(r.instructions / 1e6).toFixed(1)}M ${r.build} instructions)`).join(', ');
    const c: PartCpi = { cpi: sig(cpi), calibrated: false, spread: sig(SPREAD.prior), rows: t.map((r) => r.id), basis: `prior: ${spec.why}; from ${from}`, includes: spec.includes };
    (out[spec.part] ??= {})[spec.runtime] = c;
  }
  return out;
}
