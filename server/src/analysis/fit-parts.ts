/**
 * The whole-firmware fit of a model on a part (issue 10): the analysis's model and arena, TFLM's own footprint for the
 * model's op set (analysis/footprint), the application (its ELF or the manifest's reserve) and the part's RAM regions,
 * handed to `wholeFit` (targets/fit.ts). One function for the CLI, the language server and the cost profile.
 */
import type { Mcu } from '../targets/catalog.js';
import { wholeFit, type AppPart, type RuntimePart, type WholeFit } from '../targets/fit.js';
import { ramRegionsOf, type RamRegion } from '../targets/regions.js';
import { predictRuntimeFootprint, type FootprintKernels } from './footprint/index.js';
import type { AnalysisReport } from './report.js';

/** The model's operators, once each, as TFLM's resolver names them. */
export function reportOps(report: Pick<AnalysisReport, 'layers'>): string[] {
  return [...new Set(report.layers.map((l) => l.op))].sort();
}

/** TFLM's runtime and kernels for `ops` on `core` with `kernels`, as a fit part; null when nothing predicts it. */
export function runtimePart(ops: readonly string[], core: string | null, kernels: FootprintKernels, predict: Predict = predictRuntimeFootprint): RuntimePart | null {
  if (!core) return null;
  const f = predict(ops, core, kernels);
  if (!f) return null;
  const from = `TFLM ${f.tflm} runtime + ${ops.length} kernel${ops.length === 1 ? '' : 's'} (${f.build}${f.note ? `; ${f.note}` : ''})`;
  return { flash: f.flash, ram: f.ram, basis: f.basis, from };
}

/** The footprint prediction (analysis/footprint); a parameter so tests can give measured-looking data. */
export type Predict = typeof predictRuntimeFootprint;

/**
 * The other TFLM kernel set when its runtime and kernels take less flash for these ops on this core, with the bytes
 * saved; null when it is not smaller or either side has no prediction.
 */
export function smallerKernelSet(ops: readonly string[], core: string | null, kernels: string, predict: Predict = predictRuntimeFootprint): { kernels: 'tflm-cmsis-nn' | 'tflm-reference'; savedBytes: number } | null {
  const other = otherKernelSet(kernels);
  if (!other) return null;
  const now = runtimePart(ops, core, kernels as FootprintKernels, predict);
  const then = runtimePart(ops, core, other, predict);
  return now && then && then.flash < now.flash ? { kernels: other, savedBytes: now.flash - then.flash } : null;
}

/** The kernel set that is not `kernels` (the two TFLM builds whose footprints are measured), or null. */
export function otherKernelSet(kernels: string): 'tflm-cmsis-nn' | 'tflm-reference' | null {
  return kernels === 'tflm-cmsis-nn' ? 'tflm-reference' : kernels === 'tflm-reference' ? 'tflm-cmsis-nn' : null;
}

export interface DeploymentFitInputs {
  readonly report: AnalysisReport;
  /** The catalog core (`cortex-m4f`); null for an inline board without one. */
  readonly core: string | null;
  /** The catalog row; its flash, SRAM and regions are used unless given below. */
  readonly mcu?: Mcu | null;
  readonly flashBytes?: number | null;
  readonly sramBytes?: number | null;
  readonly regions?: readonly RamRegion[];
  readonly app?: AppPart | null;
  readonly arenaRegion?: string;
  /** The arena the application will declare (e.g. kTensorArenaSize with its headroom); the minimum by default. */
  readonly arenaBytes?: number;
  readonly marginBytes?: number;
}

/** The whole-firmware fit of the analysed model on a part. */
export function deploymentFit(i: DeploymentFitInputs): WholeFit {
  const mcu = i.mcu ?? null;
  const kib = (k: number | null | undefined): number | null => (k == null ? null : Math.floor(k * 1024));
  const regions = i.regions ?? (mcu ? ramRegionsOf(mcu) : []);
  return wholeFit({
    modelBytes: i.report.flash.modelBytes,
    arenaBytes: i.arenaBytes ?? i.report.memory.minArenaBytes,
    arenaExact: i.report.memory.exact,
    runtime: reportRuntimePart(i.report, i.core),
    app: i.app ?? null,
    flashBytes: i.flashBytes !== undefined ? i.flashBytes : kib(mcu?.flashKiB),
    // A part with region rows: their on-chip sum (the datasheet's banks); else the catalog's SRAM total.
    sramBytes: i.sramBytes !== undefined ? i.sramBytes : mcu?.ramRegions?.length ? null : kib(mcu?.sramKiB),
    regions,
    ...(i.arenaRegion ? { arenaRegion: i.arenaRegion } : {}),
    ...(i.marginBytes ? { marginBytes: i.marginBytes } : {}),
  });
}

/** The runtime part of each analysed report per core, computed once: a manifest edit re-fits without re-predicting. */
const runtimeParts = new WeakMap<AnalysisReport, Map<string | null, RuntimePart | null>>();

function reportRuntimePart(report: AnalysisReport, core: string | null): RuntimePart | null {
  let byCore = runtimeParts.get(report);
  if (!byCore) runtimeParts.set(report, (byCore = new Map()));
  if (!byCore.has(core)) byCore.set(core, runtimePart(reportOps(report), core, report.runtime));
  return byCore.get(core) ?? null;
}

/** `reserve:` as the application part (user-given), or null when it gives neither figure. */
export function reserveApp(flash: number | null, ram: number | null): AppPart | null {
  if (flash === null && ram === null) return null;
  return { flash, ram, basis: 'user-given', from: { flash: 'reserve.flash', ram: 'reserve.ram' } };
}
