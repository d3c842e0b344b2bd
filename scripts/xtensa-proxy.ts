/**
 * The dispersion the Xtensa lx106 counts add when they stand in for the ESP32's LX6 and the ESP32-S3's LX7
 * (scripts/fit-cpi.ts, the ESP cores' derived range). The lx106 lacks MUL32_HIGH and DIV32: each requantization's int64
 * product and each division runs a libgcc helper (tens of instructions) where the LX6/LX7 run a few inline. The rig
 * counts the helpers apart (tools/tflm-harness, plugin `helpers=`, test/measured/rig_xtensa_lx106_reference_helpers.tsv),
 * so per model the LX6-like count lies between the count less its helper instructions and the count itself. The
 * proxy dispersion is how far that share strays from model to model: over the shared integer networks (>= 3 operators
 * and >= 1M instructions: the kind of model a board row measures, not a one-op model such as tflm_simple_add_model,
 * whose lone ADD spends 42% of its instructions in the helpers), the largest |log(r / median r)| of
 * r = (count - helpers) / count. A fixed CPI fitted on one model's row absorbs the median share; another network is off
 * by at most that. None of those networks has control flow, so the per-op rows are not nested.
 * Without the Xtensa files it falls back to the RV32IMC-vs-Cortex-M4 ratio of the same networks (two ISAs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCounts, isFloatModel, RATIO_BUILDS, sharedModels, tsvRows, worstLogDeviation } from './instr-isa-ratio.ts';

const MEASURED = resolve(__dirname, '../test/measured');
export const XTENSA_HELPERS_TSV = resolve(MEASURED, 'rig_xtensa_lx106_reference_helpers.tsv');

export interface ProxyFigure { proxy: number; n: number; why: string; shares: Record<string, number> }

/** Per model, the helper instructions summed over its top-level ops (helpers TSV text). */
export function helperTotals(text: string): Map<string, { instructions: number; helpers: number; ops: number }> {
  const { rows, at: [m, ins, h] } = tsvRows(text, ['model', 'instructions', 'helper_instructions']);
  const out = new Map<string, { instructions: number; helpers: number; ops: number }>();
  for (const f of rows) {
    const t = out.get(f[m]!) ?? { instructions: 0, helpers: 0, ops: 0 };
    t.instructions += Number(f[ins]);
    t.helpers += Number(f[h]);
    t.ops++;
    out.set(f[m]!, t);
  }
  return out;
}

export function xtensaProxy(): ProxyFigure {
  const shared = sharedModels();
  const network = (m: string, count: number): boolean => shared.has(m) && !isFloatModel(m) && count >= 1e6;
  if (existsSync(XTENSA_HELPERS_TSV)) {
    const shares: Record<string, number> = {};
    for (const [m, t] of helperTotals(readFileSync(XTENSA_HELPERS_TSV, 'utf8'))) {
      if (network(m, t.instructions) && t.ops >= 3) shares[m] = (t.instructions - t.helpers) / t.instructions;
    }
    const r = Object.values(shares);
    if (r.length < 3) throw new Error(`xtensa-proxy: ${r.length} networks in ${XTENSA_HELPERS_TSV}`);
    return { proxy: worstLogDeviation(r), n: r.length, shares, why: `the lx106-for-LX6/LX7 proxy's dispersion (libgcc helper share, ${r.length} shared integer networks of >= 3 ops)` };
  }
  const [m4, rv] = ['cortex-m4+fp:reference', 'rv32imc:reference'].map((b) => buildCounts(RATIO_BUILDS.find((x) => x.build === b)!)!) as [Map<string, number>, Map<string, number>];
  const shares: Record<string, number> = {};
  for (const [m, c] of m4) if (rv.has(m) && network(m, c)) shares[m] = rv.get(m)! / c;
  const r = Object.values(shares);
  return { proxy: worstLogDeviation(r), n: r.length, shares, why: `the RV32IMC-for-Xtensa proxy's dispersion (RV32IMC / Cortex-M4 counts, ${r.length} shared integer networks)` };
}

if (process.argv[1]?.endsWith('xtensa-proxy.ts')) console.log(xtensaProxy());
