/**
 * The cost model's coefficients (coefficients.json, written by scripts/fit-latency.ts), checked at load time.
 * See model.ts for the formula they plug into.
 */
import { CORES, type Core } from '../../targets/catalog.js';
import { Fields } from '../../targets/schema.js';
import coefficientsJson from './coefficients.json';
import { MAC_CLASSES, PATHS, type CpuPath, type MacClass } from './features.js';

export interface PathCoefficients {
  /** Cycles per MAC on the reference core of the path (factor 1), per kernel class. */
  cpm: Record<MacClass, number>;
  /** Cycles per element walked by ops without MACs. */
  cyclesPerElement: number;
  /** Fixed cycles per operator invocation (TFLM's Invoke loop, kernel entry, requantization setup). */
  cyclesPerOp: number;
  /** Typical |ln(estimate / measured)| of the fit (its 90th percentile): the half-width of the reported range. */
  spread: number;
  basis: string;
}

/** Kernel classes a core factor can single out: the MAC classes, and 'other' for the per-element work. */
export const FACTOR_CLASSES = [...MAC_CLASSES, 'other'] as const;
export type FactorClass = (typeof FACTOR_CLASSES)[number];

/** How fast a core runs a path relative to the path's reference core (cycles multiply by `factor`). */
export interface CoreFactor {
  factor: number;
  /**
   * Per-class factors where a core speeds kernel classes up unevenly (Helium's vector MACs help convolutions far more
   * than the weight-streaming fully connected layers); a class not listed uses `factor`.
   */
  classFactors?: Partial<Record<FactorClass, number>>;
  /** True when measured results on this core entered the factor; false for a documented prior (range widened). */
  calibrated: boolean;
  basis: string;
}

export interface NpuCoefficients {
  /** Fraction of the NPU's peak MACs/cycle achieved: the central estimate, and the range around it. */
  utilization: number;
  utilizationLow: number;
  utilizationHigh: number;
  /** Peak MACs per cycle when the target does not say (e.g. a bare core). */
  defaultMacsPerCycle: number;
  basis: string;
  source: string;
}

export interface Coefficients {
  paths: Record<CpuPath, PathCoefficients>;
  cores: Record<CpuPath, Partial<Record<Core, CoreFactor>>>;
  ethosU: NpuCoefficients;
  trainRows: string[];
  heldOutRows: string[];
}

/** Checks and converts a coefficients document; throws DataFileError naming the bad field. */
export function loadCoefficients(doc: unknown, file = 'coefficients.json'): Coefficients {
  const root = Fields.of(file, '$', doc);
  const pathsF = root.obj_('paths');
  const coresF = root.obj_('cores');
  const paths = {} as Record<CpuPath, PathCoefficients>;
  const cores = {} as Record<CpuPath, Partial<Record<Core, CoreFactor>>>;
  for (const p of PATHS) {
    const f = pathsF.obj_(p);
    const cpmF = f.obj_('cpm');
    const cpm = {} as Record<MacClass, number>;
    for (const c of MAC_CLASSES) cpm[c] = cpmF.num(c, { min: 0.01, max: 1000 });
    paths[p] = {
      cpm,
      cyclesPerElement: f.num('cyclesPerElement', { min: 0 }),
      cyclesPerOp: f.num('cyclesPerOp', { min: 0 }),
      spread: f.num('spread', { min: 0.05, max: 3 }),
      basis: f.str('basis', { nonEmpty: true }),
    };
    const byCore = coresF.obj_(p);
    cores[p] = {};
    // A core may be absent: the path does not run there (CMSIS-NN is Arm-only, ESP-NN Espressif-only).
    for (const core of CORES) {
      if (!byCore.has(core)) continue;
      const c = byCore.obj_(core);
      const factor: CoreFactor = { factor: c.num('factor', { min: 0.01, max: 100 }), calibrated: c.bool('calibrated'), basis: c.str('basis', { nonEmpty: true }) };
      if (c.has('classFactors')) {
        const cf = c.obj_('classFactors');
        factor.classFactors = {};
        for (const cls of FACTOR_CLASSES) if (cf.has(cls)) factor.classFactors[cls] = cf.num(cls, { min: 0.001, max: 100 });
        for (const key of cf.keys()) if (!(FACTOR_CLASSES as readonly string[]).includes(key)) cf.fail(key, 'not a kernel class');
      }
      cores[p][core] = factor;
    }
    for (const key of byCore.keys()) if (!(CORES as readonly string[]).includes(key)) byCore.fail(key, 'not a known core');
  }
  const npu = root.obj_('ethosU');
  return {
    paths,
    cores,
    ethosU: {
      utilization: npu.num('utilization', { min: 0.01, max: 1 }),
      utilizationLow: npu.num('utilizationLow', { min: 0.01, max: 1 }),
      utilizationHigh: npu.num('utilizationHigh', { min: 0.01, max: 1 }),
      defaultMacsPerCycle: npu.num('defaultMacsPerCycle', { min: 1 }),
      basis: npu.str('basis', { nonEmpty: true }),
      source: npu.source(),
    },
    trainRows: root.strings('trainRows'),
    heldOutRows: root.strings('heldOutRows'),
  };
}

let bundled: Coefficients | null = null;

/**
 * The bundled coefficients, checked on first use (not at import, so that the fit script can load this module while it
 * regenerates the file). A test loads them, so a broken file fails there.
 */
export function bundledCoefficients(): Coefficients {
  bundled ??= loadCoefficients(coefficientsJson);
  return bundled;
}

/** The factor a core applies to one kernel class on a path. */
export function classFactor(f: CoreFactor, cls: FactorClass): number {
  return f.classFactors?.[cls] ?? f.factor;
}
