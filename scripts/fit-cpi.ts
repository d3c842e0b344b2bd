/**
 * The CPI per core and runtime (server/src/analysis/latency/cpi.json) from measured board latencies.
 *
 *   node --import tsx scripts/fit-cpi.ts --rows [../shared/models]   rewrites test/measured/latency_rows.tsv
 *   node --import tsx scripts/fit-cpi.ts                              fits cpi.json from that TSV (no models needed)
 *
 * Rows: the measured TFLM rows (server/src/targets/data/measured.json) whose core has a build in the instruction
 * model, each reduced to its predicted instructions, the MAC-model cycles of the ops without instruction
 * coefficients, and the board's memory factor (its default placement, or the one the row's source states). A part
 * CPI's sibling row (the ESP32-S3's reference row, for the ESP32-C3) is counted with the part's build and memory.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CpiRuntime, CpiTable } from '../server/src/analysis/latency/cpi.ts';
import { estimateLatency } from '../server/src/analysis/latency/model.ts';
import { defaultPlacement, memorySystem, type Placement } from '../server/src/analysis/latency/memory.ts';
import { bundledInstructionCoefficients, instructionBuildChoice } from '../server/src/analysis/latency/instructions.ts';
import { CORES, resolveTarget, type Core, type Mcu } from '../server/src/targets/catalog.ts';
import { MEASURED, type MeasuredRow } from '../server/src/targets/measured.ts';
import { PART_CPI, PART_PRIOR_MCUS } from '../server/src/analysis/latency/parts.ts';
import { HELD_OUT } from './fit-latency.ts';
import { fitCpi, readRows, rowsText, type CpiRow, type PartCpiSpec, type ProxySpread } from './latency-cpi.ts';
import { xtensaProxy } from './xtensa-proxy.ts';
import { rowAggregates } from './latency-rows.ts';

export const ROWS_TSV = resolve(__dirname, '../test/measured/latency_rows.tsv');
export const CPI_JSON = resolve(__dirname, '../server/src/analysis/latency/cpi.json');

/** Placements the rows' sources state (otherwise the part's default). */
export const ROW_PLACEMENT: Readonly<Record<string, Partial<Placement>>> = {
  'one-7598-stm32f767zi-person-detect': { arena: 'external' },
};

/** Rows of parts whose estimate is a prior of their own (the ESP32-C3): they set no CPI or range. */
export const PART_PRIOR_ROWS: readonly string[] = MEASURED.rows.filter((r) => PART_PRIOR_MCUS.includes(r.target)).map((r) => r.id);

/**
 * The part CPIs' fit inputs (parts.ts PART_CPI): the sibling part's measured rows on that runtime (for the ESP32-C3,
 * the ESP32-S3's reference-kernel row), never the part's own; each includes the part's default placement.
 */
export const PART_SPECS: readonly PartCpiSpec[] = Object.entries(PART_CPI).map(([part, p]) => {
  const t = resolveTarget(part);
  if (!t?.mcu) throw new Error(`parts.ts: ${part} is not a catalog part`);
  const build = instructionBuildChoice(t.core, p.runtime, bundledInstructionCoefficients())?.build;
  if (!build) throw new Error(`parts.ts: ${part} has no instruction build for ${p.runtime}`);
  return {
    part, runtime: p.runtime, why: p.why, includes: defaultPlacement(memorySystem(t.core, t.mcu)), build,
    rows: MEASURED.rows.filter((r) => r.target === p.sibling && r.runtime === p.runtime).map((r) => r.id),
  };
});

/** The measured row a part CPI is fitted on, mapped to the part it stands in for. */
const siblingPart = (rowId: string): string | undefined => PART_SPECS.find((s) => s.rows.includes(rowId))?.part;

/**
 * The ESP32 (LX6) and ESP32-S3 (LX7) reference kernels: calibrated on their one row each through the Xtensa lx106
 * build's counts, with a range derived from the RV32IMC reference rows' CPI dispersion and the proxy's (xtensa-proxy.ts).
 */
export function proxySpread(): ProxySpread {
  const p = xtensaProxy();
  return { cores: ['esp32', 'esp32s3'], runtime: 'tflm-reference', from: 'rv32imc', proxy: p.proxy, why: p.why };
}

/** The library versions the rig measured (tools/tflm-harness; the TSVs' source comments). */
export const VERSIONS: CpiTable['versions'] = { tflm: '90b983c2', cmsisNn: '4ab83cc' };

/** A CPI table with CPI 1 everywhere: estimateLatency then returns instructions x memory for the covered ops. */
function unitTable(): CpiTable {
  const one = { cpi: 1, calibrated: true, spread: 0.1, rows: [], basis: 'unit' };
  const parts = Object.fromEntries(PART_SPECS.map((s) => [s.part, { [s.runtime]: { ...one, includes: s.includes } }]));
  return { versions: VERSIONS, cores: Object.fromEntries(CORES.map((c) => [c, { 'tflm-cmsis-nn': one, 'tflm-reference': one }])), parts, trainRows: [], heldOutRows: [] };
}

/**
 * Reduces every measured row the instruction model can cost to a CpiRow (needs the shared models). A sibling row of a
 * part CPI is reduced as if it ran on that part (its instruction build, its memory system): the fit then divides the
 * sibling's cycles by the part's instructions. Its core column stays the sibling's.
 */
export function measuredCpiRows(modelsDir: string): CpiRow[] {
  const out: CpiRow[] = [];
  for (const row of MEASURED.rows) {
    if (row.runtime === 'tflm-esp-nn') continue;
    const a = rowAggregates(row, modelsDir);
    const part = siblingPart(row.id);
    // A sibling row is reduced twice: as the part it stands in for, and (when its core has a build) as its own core's.
    const own = { core: a.core, mcu: a.mcu };
    for (const as of part ? [resolveTarget(part)!, own] : [own]) {
      const r = reduceRow(row, a, as);
      if (r) out.push(r);
    }
  }
  return out;
}

/** One measured row reduced as if it ran on `as` (its instruction build and memory system), or null without a build. */
function reduceRow(row: MeasuredRow, a: ReturnType<typeof rowAggregates>, as: { core: Core; mcu: Mcu | null }): CpiRow | null {
  const choice = instructionBuildChoice(as.core, row.runtime, bundledInstructionCoefficients());
  if (!choice) return null;
  const placement = { ...defaultPlacement(memorySystem(as.core, as.mcu)), ...ROW_PLACEMENT[row.id] };
  const e = estimateLatency(a.model, a.support, as.core, row.clockMHz, { cpi: unitTable(), mcu: as.mcu, placement });
  let instructions = 0;
  let fallbackCycles = 0;
  let streamCycles = 0;
  const factor = e.instructionBasis?.memoryFactor ?? 1;
  for (const l of e.layers) {
    if (l.costModel === 'instructions') {
      instructions += l.instructions!;
      streamCycles += l.cycles! - l.instructions! * factor;
    }
    else if (l.cycles !== null) fallbackCycles += l.cycles;
    else throw new Error(`${row.id}: layer ${l.index} is not costed`);
  }
  return {
    id: row.id, core: a.core, runtime: row.runtime as CpiRuntime, clockMHz: row.clockMHz, latencyMs: row.latencyMs, build: choice.build,
    instructions: Math.round(instructions), fallbackCycles: Math.round(fallbackCycles), streamCycles: Math.round(streamCycles), memoryFactor: Number(factor.toFixed(6)),
    placement: `weights:${placement.weights},arena:${placement.arena}`,
  };
}

/** The CPI fit with the project's part priors (the part's own rows out, part CPIs from their siblings' rows). */
export function fitCpiRows(rows: CpiRow[], heldOut: readonly string[]): CpiTable {
  return fitCpi(rows, heldOut, VERSIONS, { ownRows: PART_PRIOR_ROWS, specs: PART_SPECS, proxySpread: proxySpread() });
}

/** The JSON text the fit writes for the rows TSV's text. */
export function cpiText(rowsTsv: string): string {
  const k = fitCpiRows(readRows(rowsTsv), HELD_OUT);
  return `${JSON.stringify({ generatedBy: 'scripts/fit-cpi.ts from test/measured/latency_rows.tsv', ...k }, null, 1)}\n`;
}

if (process.argv[1]?.endsWith('fit-cpi.ts')) {
  if (process.argv[2] === '--rows') {
    const modelsDir = resolve(process.argv[3] ?? join(__dirname, '../../shared/models'));
    const rows = measuredCpiRows(modelsDir);
    writeFileSync(ROWS_TSV, rowsText(rows, [
      'Measured TFLM board latencies (server/src/targets/data/measured.json, each with its source there) reduced by scripts/fit-cpi.ts --rows:',
      `instructions = the instruction model's prediction (TFLM ${VERSIONS.tflm} / CMSIS-NN ${VERSIONS.cmsisNn} builds), fallbackCycles = MAC-model cycles of the other ops,`,
      'streamCycles = weight bytes x cycles per streamed byte, memoryFactor = memory.ts for the placement (for a part with its own CPI, beyond the placement',
      'that CPI includes). A part CPI\'s sibling row (ESP32-S3 for the ESP32-C3) is counted with the part\'s build. Derived figures only; no model data.',
    ]));
    console.log(`wrote ${ROWS_TSV} (${rows.length} rows)`);
  } else {
    const text = cpiText(readFileSync(ROWS_TSV, 'utf8'));
    writeFileSync(CPI_JSON, text);
    console.log(text);
    console.log(`wrote ${CPI_JSON}`);
  }
}
