/**
 * bench:latency's comparison of the shipped estimate (instructions x CPI x memory, MAC fallback) with the MAC model
 * alone on every measured row: the error per row, on the held-out rows, under leave-one-out (the CPI refitted
 * without the row), per runtime and core, and whether the stated range holds the measurement. Printing only.
 */
import { bundledCpi, cpiFor, partCpiFor } from '../server/src/analysis/latency/cpi.ts';
import { estimateLatency } from '../server/src/analysis/latency/model.ts';
import type { Coefficients } from '../server/src/analysis/latency/coefficients.ts';
import { PART_CPI, partCpi } from '../server/src/analysis/latency/parts.ts';
import { resolveTarget } from '../server/src/targets/catalog.ts';
import { rowPrediction, type CpiRow } from './latency-cpi.ts';
import { fitCpiRows, ROW_PLACEMENT } from './fit-cpi.ts';
import { estimateRow, type RowAggregate } from './latency-rows.ts';

interface Line { id: string; runtime: string; core: string; heldOut: boolean; ape: number; inRange: boolean; looApe: number | null; macApe: number; share: number; calibrated: boolean; width: number }

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

export function printLatencyComparison(aggregates: RowAggregate[], k: Coefficients, cpiRows: CpiRow[], heldOut: readonly string[]): void {
  const table = bundledCpi();
  console.log(`\nShipped estimate: instructions x CPI x memory (TFLM ${table.versions.tflm} / CMSIS-NN ${table.versions.cmsisNn} counts), MAC model where no instruction coefficients; beside the MAC model alone.`);
  console.log(`${'row'.padEnd(50)} ${'core'.padEnd(13)} ${'measured'.padStart(9)}  ${'estimate (range)'.padEnd(26)} ${'APE'.padStart(5)} ${'instr'.padStart(6)} ${'LOO APE'.padStart(8)} ${'MAC APE'.padStart(8)}  set`);
  const lines: Line[] = [];
  for (const a of aggregates) {
    const row = a.row;
    const e = estimateLatency(a.model, a.support, a.core, row.clockMHz, { coefficients: k, mcu: a.mcu, placement: ROW_PLACEMENT[row.id] });
    const mac = estimateRow(a, k);
    if (e.ms === null || e.lowMs === null || e.highMs === null || mac.ms === null) continue;
    const ape = Math.abs(e.ms / row.latencyMs - 1);
    const inRange = e.lowMs <= row.latencyMs && row.latencyMs <= e.highMs;
    const cr = cpiRows.find((r) => r.id === row.id);
    let looApe: number | null = null;
    if (cr) {
      const fold = fitCpiRows(cpiRows.filter((r) => r.id !== row.id), heldOut.filter((h) => h !== row.id));
      // a sibling row of a part CPI (the ESP32-S3's for the ESP32-C3) has no CPI once left out: no LOO figure
      const c = partCpi(fold, row.target, cr.runtime, cpiFor(fold, cr.core, cr.runtime));
      if (c && a.core === cr.core) looApe = Math.abs(rowPrediction(cr, c.cpi.cpi) / (row.latencyMs * row.clockMHz * 1000) - 1);
    }
    const held = heldOut.includes(row.id);
    const share = e.instructionBasis?.share ?? 0;
    lines.push({ id: row.id, runtime: row.runtime, core: a.core, heldOut: held, ape, inRange, looApe, macApe: Math.abs(mac.ms / row.latencyMs - 1), share, calibrated: e.calibrated, width: e.highMs / e.ms });
    const range = `${fmt(e.ms)} (${fmt(e.lowMs)}-${fmt(e.highMs)})`;
    console.log(`${row.id.padEnd(50)} ${a.core.padEnd(13)} ${fmt(row.latencyMs).padStart(9)}  ${range.padEnd(26)} ${pct(ape).padStart(5)} ${pct(share).padStart(6)} ${(looApe === null ? '-' : pct(looApe)).padStart(8)} ${pct(Math.abs(mac.ms / row.latencyMs - 1)).padStart(8)}  ${held ? 'HELD-OUT' : 'train'}${inRange ? '' : ' (outside range)'}${e.calibrated ? '' : ' prior'}`);
  }
  console.log('\nMedian APE (n) per runtime and core: shipped estimate on all rows / held-out rows / leave-one-out (instruction-costed rows), MAC model on all rows; range coverage and widest range:');
  const groups = new Map<string, Line[]>();
  for (const l of lines) for (const key of [`${l.runtime} ${l.core}`, l.runtime, 'all']) groups.set(key, [...(groups.get(key) ?? []), l]);
  for (const [key, ls] of [...groups].sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : a < b ? -1 : 1))) {
    const held = ls.filter((l) => l.heldOut);
    const loo = ls.filter((l) => l.looApe !== null).map((l) => l.looApe!);
    const cover = ls.filter((l) => l.inRange).length;
    const widest = Math.max(...ls.map((l) => l.width));
    console.log(`  ${key.padEnd(30)} all ${pct(med(ls.map((l) => l.ape))).padStart(4)} (${ls.length})  held-out ${held.length ? pct(med(held.map((l) => l.ape))) : '-'} (${held.length})  LOO ${loo.length ? pct(med(loo)) : '-'} (${loo.length})  MAC ${pct(med(ls.map((l) => l.macApe))).padStart(4)}  in range ${cover}/${ls.length}, widest x/÷${widest.toFixed(2)}`);
  }
}

/**
 * The part CPIs' premise on every measured row of the same model and runtime as the sibling rows (for the ESP32-C3:
 * person detection on the reference kernels, Espressif's ESP32, ESP32-S3 and ESP32-C3 rows): each row's cycles over
 * the part build's instruction count of that model, i.e. the CPI that chip would need. Only the sibling's row is
 * fitted on; the others check the premise (ISA independence) and the range.
 */
export function printPartCpiCheck(aggregates: RowAggregate[]): void {
  const table = bundledCpi();
  for (const [part, spec] of Object.entries(PART_CPI)) {
    const own = partCpiFor(table, part, spec.runtime);
    const t = resolveTarget(part);
    if (!own || !t) continue;
    const models = new Set(aggregates.filter((x) => own.rows.includes(x.row.id)).map((x) => x.row.model));
    console.log(`\n${part} ${spec.runtime}: CPI ${own.cpi} (prior, x/÷${Math.exp(own.spread).toFixed(2)}) from ${own.rows.join(', ')}; each row of that program's cycles per ${t.core} instruction:`);
    for (const a of aggregates.filter((x) => models.has(x.row.model) && x.row.runtime === spec.runtime)) {
      const e = estimateLatency(a.model, a.support, t.core, a.row.clockMHz, { mcu: null, placement: { weights: 'sram', arena: 'sram' } });
      const instructions = e.layers.reduce((n, l) => n + (l.instructions ?? 0), 0);
      if (!e.layers.every((l) => l.instructions !== null)) continue;
      const cpi = a.measuredCycles / instructions;
      const role = own.rows.includes(a.row.id) ? 'fitted on' : a.row.target === part ? 'the part itself (held out)' : 'check';
      console.log(`  ${a.row.id.padEnd(44)} ${a.core.padEnd(8)} ${(a.measuredCycles / 1e6).toFixed(1).padStart(7)}M cycles / ${(instructions / 1e6).toFixed(1)}M = ${cpi.toFixed(2)}  (x${(cpi / own.cpi).toFixed(2)} the part CPI; ${role})`);
    }
  }
}
