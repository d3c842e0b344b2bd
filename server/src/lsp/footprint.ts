/**
 * What a deployment needs against what it may use: the figures behind the over-budget diagnostics, the hovers, the
 * code lens and the inlay hints, computed once per check so they all agree.
 */
import { deploymentFit, reserveApp } from '../analysis/fit-parts.js';
import type { AnalysisReport, LayerReport } from '../analysis/report.js';
import type { AppPart, WholeFit } from '../targets/fit.js';
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
  /**
   * The whole firmware against the board (issue 10): model + TFLM runtime + application in flash, arena + TFLM static
   * RAM + application (+ margin) in RAM, the arena in one region. The board checks use this; budgets stay the model's.
   */
  readonly whole: WholeFit;
}

/**
 * RAM need = (TFLM's minimum arena (head + tail, allocation-time temporaries included) + reserve.ram) x (1 + margin);
 * flash need = the .tflite bytes + reserve.flash. The runtime's own static RAM and code are part of the reserve. The
 * margin (percent, from the settings) is for what the model does not see: a stack that grows, a heap, an estimate.
 */
export function computeFit(manifest: Manifest, report: AnalysisReport, target: TargetSpec | null, cost: InferenceCost | null, marginPercent = 0, app?: AppPart | null): Fit {
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
    whole: wholeOf(manifest, report, target, margin, app ?? reserveApp(manifest.reserve.flash ? reserveFlash : null, manifest.reserve.ram ? reserveRam : null)),
  };
}

/** The whole-firmware fit on a catalog part (its regions) or an inline board (its SRAM as one region). */
function wholeOf(manifest: Manifest, report: AnalysisReport, target: TargetSpec | null, margin: number, app: AppPart | null): WholeFit {
  const common = { report, core: target?.core ?? null, app, marginBytes: margin, ...(manifest.arenaRegion ? { arenaRegion: manifest.arenaRegion.value } : {}) };
  if (target?.mcu) return deploymentFit({ ...common, mcu: target.mcu });
  const sram = target?.sramBytes ?? null;
  return deploymentFit({
    ...common,
    flashBytes: target?.flashBytes ?? null,
    sramBytes: sram,
    regions: sram === null ? [] : [{ name: 'SRAM', kiB: sram / 1024, kind: 'sram', banks: 'the board\'s SRAM, taken as one region', board: null, source: 'target: sram' }],
  });
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
