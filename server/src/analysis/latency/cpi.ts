/**
 * Cycles per instruction per core and runtime (cpi.json, written by scripts/fit-cpi.ts), checked at load time:
 *
 *   cycles = instructions (instructions.ts, the rig's TFLM build for the core) x CPI(core, runtime) x memory factor
 *
 * A calibrated CPI is the geometric mean of measured cycles / (predicted instructions x the board's memory factor)
 * over the core's training rows; its range is the largest |log error| on the core's rows, floored and capped at
 * x/÷1.6. Cores without measured rows carry a prior (a documented ratio to a calibrated core) and a wider range.
 * A part may carry its own CPI (`parts`, parts.ts): a prior fitted on a sibling part's row of the same program, which
 * includes that memory system (the ESP32-C3's, from the ESP32-S3's reference-kernel row). Pure.
 */
import { CORES, type Core } from '../../targets/catalog.js';
import { Fields } from '../../targets/schema.js';
import cpiJson from './cpi.json';
import type { Placement } from './memory.js';

export const CPI_RUNTIMES = ['tflm-cmsis-nn', 'tflm-reference'] as const;
export type CpiRuntime = (typeof CPI_RUNTIMES)[number];

export interface CoreCpi {
  cpi: number;
  /** True when measured rows of this core and runtime entered the CPI. */
  calibrated: boolean;
  /** Half-width of the range in natural-log units: low = est x e^-spread, high = est x e^spread. */
  spread: number;
  /** The measured rows behind it (empty for a prior without rows; a part prior names its sibling's rows). */
  rows: string[];
  basis: string;
}

/**
 * A part's own CPI (parts.ts): one that already includes a memory system, measured on a sibling part with the same
 * build and memory placement. The memory term then only moves it for a placement other than `includes`.
 */
export interface PartCpi extends CoreCpi {
  includes: Placement;
}

export interface CpiTable {
  /** The library versions the instruction counts were measured on; boards' other versions are absorbed in the CPI. */
  versions: { tflm: string; cmsisNn: string };
  cores: Partial<Record<Core, Partial<Record<CpiRuntime, CoreCpi>>>>;
  /** Per catalog part id: CPIs that replace the core's for that part (priors from a sibling part's rows). */
  parts: Record<string, Partial<Record<CpiRuntime, PartCpi>>>;
  trainRows: string[];
  heldOutRows: string[];
}

const WEIGHTS = ['flash', 'sram', 'external'] as const;
const ARENA = ['sram', 'external'] as const;

function coreCpi(f: Fields): CoreCpi {
  return {
    cpi: f.num('cpi', { min: 0.05, max: 50 }),
    calibrated: f.bool('calibrated'),
    spread: f.num('spread', { min: 0.01, max: 3 }),
    rows: f.strings('rows'),
    basis: f.str('basis', { nonEmpty: true }),
  };
}

/** Checks and converts a CPI document; throws DataFileError naming the bad field. */
export function loadCpi(doc: unknown, file = 'cpi.json'): CpiTable {
  const root = Fields.of(file, '$', doc);
  const v = root.obj_('versions');
  const coresF = root.obj_('cores');
  const cores: CpiTable['cores'] = {};
  for (const key of coresF.keys()) if (!(CORES as readonly string[]).includes(key)) coresF.fail(key, 'not a known core');
  for (const core of CORES) {
    if (!coresF.has(core)) continue;
    const c = coresF.obj_(core);
    for (const key of c.keys()) if (!(CPI_RUNTIMES as readonly string[]).includes(key)) c.fail(key, 'not a runtime with a CPI');
    const byRuntime: Partial<Record<CpiRuntime, CoreCpi>> = {};
    for (const rt of CPI_RUNTIMES) {
      if (!c.has(rt)) continue;
      const f = c.obj_(rt);
      byRuntime[rt] = coreCpi(f);
    }
    cores[core] = byRuntime;
  }
  const partsF = root.obj_('parts');
  const parts: CpiTable['parts'] = {};
  for (const id of partsF.keys()) {
    const p = partsF.obj_(id);
    const byRuntime: Partial<Record<CpiRuntime, PartCpi>> = {};
    for (const rt of p.keys()) {
      if (!(CPI_RUNTIMES as readonly string[]).includes(rt)) p.fail(rt, 'not a runtime with a CPI');
      const f = p.obj_(rt);
      const inc = f.obj_('includes');
      byRuntime[rt as CpiRuntime] = { ...coreCpi(f), includes: { weights: inc.oneOf('weights', WEIGHTS), arena: inc.oneOf('arena', ARENA) } };
    }
    parts[id] = byRuntime;
  }
  return {
    versions: { tflm: v.str('tflm', { nonEmpty: true }), cmsisNn: v.str('cmsisNn', { nonEmpty: true }) },
    cores,
    parts,
    trainRows: root.strings('trainRows'),
    heldOutRows: root.strings('heldOutRows'),
  };
}

let bundled: CpiTable | null = null;

/** The bundled CPI table, checked on first use (the fit script imports this module while it rewrites the file). */
export function bundledCpi(): CpiTable {
  bundled ??= loadCpi(cpiJson);
  return bundled;
}

/** The CPI for a core and runtime, or null when the table has none (then the MAC model costs the ops). */
export function cpiFor(table: CpiTable, core: Core, runtime: string): CoreCpi | null {
  return (table.cores[core] as Partial<Record<string, CoreCpi>> | undefined)?.[runtime] ?? null;
}

/** A part's own CPI for a runtime (parts.ts), or null when the part runs its core's. */
export function partCpiFor(table: CpiTable, mcuId: string | null, runtime: string): PartCpi | null {
  return mcuId === null ? null : (table.parts[mcuId] as Partial<Record<string, PartCpi>> | undefined)?.[runtime] ?? null;
}

/** Limits of a stated range, in natural-log units (x/÷ e^spread). */
export const SPREAD = {
  /** No calibrated range is narrower than x/÷1.1: the boards' runs and library versions vary by that much. */
  floor: Math.log(1.1),
  /** A calibrated core's range is at most x/÷1.6. */
  calibratedCap: Math.log(1.6),
  /** A prior's range: x/÷2. */
  prior: Math.log(2),
} as const;
