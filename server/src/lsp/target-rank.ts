/**
 * Every catalog board against one manifest's needs (the whole firmware: model, TFLM runtime and application in flash;
 * the arena in one RAM region beside TFLM's and the application's RAM; and whether the runtime runs on its core), ranked: boards that fit first, smallest first; then boards a figure is
 * missing for; then the ones that do not fit, closest first. Completion shows the verdicts, the "switch target"
 * quick fix takes the first fitting board.
 */
import { deploymentFit } from '../analysis/fit-parts.js';
import { runtimeRunsOn } from '../analysis/latency/target.js';
import { formatBytes } from '../manifest/units.js';
import { costCore } from './cost-estimator.js';
import { percent } from './footprint.js';
import type { Providers, TargetEntry, TargetSpec } from './providers.js';
import type { AppPart, WholeFit } from '../targets/fit.js';
import { onChipRamBytes } from '../targets/regions.js';
import type { ManifestCheck } from './workspace.js';

/** One board and what the manifest's model needs of it. */
export interface RankedTarget {
  readonly entry: TargetEntry;
  readonly spec: TargetSpec;
  /** null: the model is not analysed yet, or the board lacks a RAM or flash figure. */
  readonly fits: boolean | null;
  /** "fits · RAM 45% · flash 12%", "RAM +12 KiB, flash +40 KiB", "tflm-cmsis-nn does not run on esp32". */
  readonly verdict: string;
}

/** The catalog's boards ranked for the check (see the file comment); empty without a catalog. */
export function rankTargets(check: Pick<ManifestCheck, 'fit' | 'runtime' | 'report'>, providers: Pick<Providers, 'targets'>): RankedTarget[] {
  const ranked: (RankedTarget & { over: number; ram: number; flash: number })[] = [];
  for (const entry of providers.targets.entries()) {
    const r = providers.targets.resolve({ kind: 'id', id: entry.id });
    if (r.kind !== 'found') continue;
    ranked.push({ entry, spec: r.spec, ...judge(check, r.spec) });
  }
  const group = (t: RankedTarget): number => (t.fits === true ? 0 : t.fits === null ? 1 : 2);
  ranked.sort((a, b) => group(a) - group(b) || a.over - b.over || a.ram - b.ram || a.flash - b.flash || String(a.spec.id).localeCompare(String(b.spec.id)));
  return ranked.map(({ over: _over, ram: _ram, flash: _flash, ...t }) => t);
}

function judge(check: Pick<ManifestCheck, 'fit' | 'runtime' | 'report'>, s: TargetSpec): { fits: boolean | null; verdict: string; over: number; ram: number; flash: number } {
  // Ordered by the catalog's RAM total, or for a part described by its regions their on-chip sum.
  const sizes = { ram: s.sramBytes ?? (s.mcu ? onChipRamBytes(s.mcu) : 0), flash: s.flashBytes ?? 0 };
  const runtime = check.runtime?.support ?? null;
  const core = costCore(s.core);
  if (runtime && core && !runtimeRunsOn(runtime, core, s.mcu ?? null)) return { fits: false, verdict: `${runtime} does not run on ${s.core}`, over: Infinity, ...sizes };
  const fit = check.fit;
  const report = check.report;
  if (!fit || !report) return { fits: null, verdict: 'model not analysed yet', over: 0, ...sizes };
  // The whole firmware on this board (issue 10): model + TFLM runtime + application in flash; the arena in one RAM
  // region beside TFLM's and the application's RAM; the same application and margin as the manifest's own board.
  const margin = fit.whole.ram.parts.find((p) => p.part === 'margin')?.bytes ?? 0;
  const w = deploymentFit({ report, core: s.core, mcu: s.mcu ?? null, app: appOf(fit.whole), marginBytes: margin, sramBytes: s.mcu ? undefined : s.sramBytes, flashBytes: s.mcu ? undefined : s.flashBytes });
  const ramCap = w.ram.capacityBytes;
  const flashCap = w.flash.capacityBytes;
  if (ramCap === null || flashCap === null) return { fits: null, verdict: `${ramCap === null ? 'RAM' : 'flash'} size unknown`, over: 0, ...sizes };
  const ramOver = w.ram.needBytes - ramCap;
  const flashOver = w.flash.needBytes - flashCap;
  if (w.fits === true) {
    return { fits: true, verdict: `fits · RAM ${percent(w.ram.needBytes / ramCap)} · flash ${percent(w.flash.needBytes / flashCap)}`, over: 0, ...sizes };
  }
  const parts = [ramOver > 0 ? `RAM +${formatBytes(ramOver)}` : null, flashOver > 0 ? `flash +${formatBytes(flashOver)}` : null,
    ramOver <= 0 && flashOver <= 0 ? 'no single RAM region holds the arena' : null];
  return { fits: false, verdict: `does not fit: ${parts.filter((p) => p !== null).join(', ')}`, over: Math.max(ramOver, 0) + Math.max(flashOver, 0), ...sizes };
}

/** The application part of a fit, to carry over to another board. */
function appOf(w: WholeFit): AppPart | null {
  const flash = w.flash.parts.find((p) => p.part === 'app');
  const ram = w.ram.parts.find((p) => p.part === 'app');
  if (!flash && !ram) return null;
  const basis = (flash ?? ram)!.basis === 'measured' ? 'measured' : 'user-given';
  return { flash: flash?.bytes ?? null, ram: ram?.bytes ?? null, basis, from: { flash: flash?.from ?? '', ram: ram?.from ?? '' } };
}
