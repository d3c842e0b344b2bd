/**
 * What a deployment needs against what it may use: the figures behind the over-budget diagnostics, the hovers, the
 * code lens and the inlay hints, computed once per check so they all agree.
 */
import type { AnalysisReport, LayerReport } from '../analysis/report.js';
import type { Located, Manifest } from '../manifest/types.js';
import type { Quantity } from '../manifest/units.js';
import type { InferenceCost, TargetSpec } from './providers.js';

/** Need vs budget vs target for one resource. */
export interface ResourceFit {
  /** What the model itself takes (arena for RAM, the model file for flash). */
  readonly modelBytes: number;
  readonly reserveBytes: number;
  /** The safety margin (`tinymlLens.safetyMargin` percent of model + reserve); 0 for flash. */
  readonly marginBytes: number;
  /** modelBytes + reserveBytes + marginBytes. */
  readonly needBytes: number;
  readonly budget: Located<Quantity> | null;
  /** The board's SRAM or flash, when known. */
  readonly targetBytes: number | null;
}

export interface Fit {
  readonly ram: ResourceFit;
  readonly flash: ResourceFit;
  /** The layer with the largest live arena (where RAM peaks), for relatedInformation and hovers. */
  readonly peak: LayerReport | null;
  readonly cost: InferenceCost | null;
}

/**
 * RAM need = (TFLM's minimum arena (head + tail, allocation-time temporaries included) + reserve.ram) x (1 + margin);
 * flash need = the .tflite bytes + reserve.flash. The runtime's own static RAM and code are part of the reserve. The
 * margin (percent, from the settings) is for what the model does not see: a stack that grows, a heap, an estimate.
 */
export function computeFit(manifest: Manifest, report: AnalysisReport, target: TargetSpec | null, cost: InferenceCost | null, marginPercent = 0): Fit {
  const reserveRam = manifest.reserve.ram?.value.value ?? 0;
  const reserveFlash = manifest.reserve.flash?.value.value ?? 0;
  const peak = report.layers.find((l) => l.peak) ?? null;
  const ramBase = report.memory.minArenaBytes + reserveRam;
  const margin = Math.ceil((ramBase * marginPercent) / 100);
  return {
    ram: {
      modelBytes: report.memory.minArenaBytes,
      reserveBytes: reserveRam,
      marginBytes: margin,
      needBytes: ramBase + margin,
      budget: manifest.budgets.ram ?? null,
      targetBytes: target?.sramBytes ?? null,
    },
    flash: {
      modelBytes: report.flash.modelBytes,
      reserveBytes: reserveFlash,
      marginBytes: 0,
      needBytes: report.flash.modelBytes + reserveFlash,
      budget: manifest.budgets.flash ?? null,
      targetBytes: target?.flashBytes ?? null,
    },
    peak,
    cost,
  };
}

/** A ten-cell text bar for hovers: `▰▰▰▰▰▰▰▰▱▱`; past 100 % every cell is full. */
export function bar(share: number): string {
  const full = Math.max(0, Math.min(10, Math.round(share * 10)));
  return '▰'.repeat(full) + '▱'.repeat(10 - full);
}

/** `82%`, rounded the way people read a gauge (never "100%" for 99.6 %: that reads as "fits exactly"). */
export function percent(share: number): string {
  const p = share * 100;
  return `${p > 99 && p < 100 ? Math.floor(p) : Math.round(p)}%`;
}
