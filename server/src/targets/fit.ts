/**
 * The whole-firmware fit (issue 10): flash need = model + TFLM runtime and kernels + the application; RAM need =
 * arena + TFLM's static RAM + the application's; and the arena in one contiguous RAM region. Every part carries how
 * it is known (exact, measured, estimated, user-given), and a part that is not known is listed as not counted rather
 * than taken as zero. Plain numbers in, plain data out: the CLI, the language server and the cost profile all format
 * this one result.
 */
import { defaultArenaRegion, findRegion, internalBytes, isInternal, type RamRegion, type RegionKind } from './regions.js';

/**
 * How a figure is known: `exact` (the .tflite's size, TFLM's allocation replayed), `measured` (a real link or the
 * user's ELF), `estimated` (a model of it), `user-given` (the manifest's `reserve:`).
 */
export type Basis = 'exact' | 'measured' | 'estimated' | 'user-given';

export type PartName = 'model' | 'runtime' | 'app' | 'arena' | 'margin';

export interface FitPart {
  readonly part: PartName;
  readonly bytes: number;
  readonly basis: Basis;
  /** Where the figure comes from, e.g. "TFLM runtime + 9 kernels (cortex-m4, cmsis_nn)", "firmware.elf", "reserve.flash". */
  readonly from: string;
}

export interface SideFit {
  readonly parts: readonly FitPart[];
  readonly needBytes: number;
  /** The part's flash, or its on-chip RAM (plus the external region when the arena is placed there); null: unknown. */
  readonly capacityBytes: number | null;
  readonly fits: boolean | null;
  /** need - capacity when it overflows, else 0. */
  readonly overBytes: number;
  /** Parts not known and so not counted, said in words ("the application: no firmware: or reserve.flash"). */
  readonly notCounted: readonly string[];
}

/** The region the arena is placed in and whether it holds it beside what shares it. */
export interface ArenaPlacement {
  /** Null when the part's regions are unknown, or the named region does not exist (see `unknownRegion`). */
  readonly region: string | null;
  readonly kind: RegionKind | null;
  readonly regionBytes: number | null;
  readonly by: 'manifest' | 'default';
  /** The manifest's `arena_region:` when the part has no region of that name. */
  readonly unknownRegion: string | null;
  readonly arenaBytes: number;
  /** The runtime's and the application's RAM placed in the same region (0 when another region takes it). */
  readonly sharedBytes: number;
  /** Where the runtime's and the application's RAM go. */
  readonly otherRegion: string | null;
  readonly fits: boolean | null;
  /** Other regions that hold the arena (on-chip first, largest first): the "move the arena" choices. */
  readonly alternatives: readonly string[];
  /** External RAM: slower than on-chip SRAM; the latency estimate takes the placement (see `placementHook`). */
  readonly external: boolean;
}

export type FitProblem = 'flash-overflow' | 'ram-overflow' | 'no-single-region' | 'arena-region-too-small' | 'unknown-region';

export interface WholeFit {
  readonly flash: SideFit;
  readonly ram: SideFit;
  readonly arena: ArenaPlacement;
  /** Empty when everything known fits. */
  readonly problems: readonly FitProblem[];
  /** false with any problem; null when a capacity is unknown; true otherwise. */
  readonly fits: boolean | null;
}

/** TFLM's own flash and static RAM for the model's op set (analysis/footprint), as a fit part. */
export interface RuntimePart {
  readonly flash: number;
  readonly ram: number;
  readonly basis: 'measured' | 'estimated';
  readonly from: string;
}

/** The application around the model: from its ELF (measured) or the manifest's `reserve:` (user-given). */
export interface AppPart {
  readonly flash: number | null;
  readonly ram: number | null;
  readonly basis: 'measured' | 'user-given';
  readonly from: { readonly flash: string; readonly ram: string };
  /** The ELF already links TFLM: the runtime is in the application's figures and is not added again. */
  readonly includesRuntime?: boolean;
}

export interface WholeFitInputs {
  readonly modelBytes: number;
  readonly arenaBytes: number;
  /** False when the arena figure is an estimate (a stand-in kernel set). */
  readonly arenaExact: boolean;
  /** Null when no prediction exists for this core or kernel set (then said, not counted). */
  readonly runtime: RuntimePart | null;
  readonly app: AppPart | null;
  readonly flashBytes: number | null;
  /** The part's on-chip RAM total; null: the sum of its on-chip regions. */
  readonly sramBytes: number | null;
  readonly regions: readonly RamRegion[];
  /** The manifest's `arena_region:`. */
  readonly arenaRegion?: string;
  /** RAM the user adds on top (the editor's safety margin), counted beside the arena. */
  readonly marginBytes?: number;
}

const KiB = 1024;

function side(parts: FitPart[], capacity: number | null, notCounted: string[]): SideFit {
  const need = parts.reduce((n, p) => n + p.bytes, 0);
  const fits = capacity === null ? null : need <= capacity;
  return { parts, needBytes: need, capacityBytes: capacity, fits, overBytes: capacity !== null && need > capacity ? need - capacity : 0, notCounted };
}

/** The whole-firmware fit of one deployment. */
export function wholeFit(i: WholeFitInputs): WholeFit {
  const runtimeInApp = i.app?.includesRuntime === true;
  const flashParts: FitPart[] = [{ part: 'model', bytes: i.modelBytes, basis: 'exact', from: 'the .tflite file' }];
  const ramParts: FitPart[] = [{ part: 'arena', bytes: i.arenaBytes, basis: i.arenaExact ? 'exact' : 'estimated', from: "TFLM's AllocateTensors replayed" }];
  const flashMissing: string[] = [];
  const ramMissing: string[] = [];
  if (i.runtime && !runtimeInApp) {
    flashParts.push({ part: 'runtime', bytes: i.runtime.flash, basis: i.runtime.basis, from: i.runtime.from });
    ramParts.push({ part: 'runtime', bytes: i.runtime.ram, basis: i.runtime.basis, from: i.runtime.from });
  } else if (!runtimeInApp) {
    flashMissing.push('the TFLM runtime and kernels (no prediction for this core and kernel set)');
    ramMissing.push("TFLM's static RAM (no prediction for this core and kernel set)");
  }
  const app = i.app;
  if (app?.flash != null) flashParts.push({ part: 'app', bytes: app.flash, basis: app.basis, from: app.from.flash });
  else flashMissing.push('the application (no firmware ELF and no reserve.flash given)');
  if (app?.ram != null) ramParts.push({ part: 'app', bytes: app.ram, basis: app.basis, from: app.from.ram });
  else ramMissing.push('the application (no firmware ELF and no reserve.ram given)');
  if (i.marginBytes) ramParts.push({ part: 'margin', bytes: i.marginBytes, basis: 'user-given', from: 'tinymlLens.safetyMargin' });

  const arena = placeArena(i, ramParts);
  const internal = i.sramBytes ?? (i.regions.some(isInternal) ? internalBytes(i.regions) : null);
  const ramCapacity = internal === null ? null : internal + (arena.external && arena.regionBytes !== null ? arena.regionBytes : 0);
  const flash = side(flashParts, i.flashBytes, flashMissing);
  const ram = side(ramParts, ramCapacity, ramMissing);

  const problems: FitProblem[] = [];
  if (flash.fits === false) problems.push('flash-overflow');
  if (ram.fits === false) problems.push('ram-overflow');
  if (arena.unknownRegion !== null) problems.push('unknown-region');
  else if (arena.fits === false && ram.fits !== false) {
    const onChip = internal !== null && i.arenaBytes + arena.sharedBytes <= internal;
    problems.push(arena.alternatives.length > 0 ? 'arena-region-too-small' : onChip ? 'no-single-region' : 'ram-overflow');
  }
  const known = flash.fits !== null && ram.fits !== null && arena.fits !== null;
  return { flash, ram, arena, problems, fits: problems.length > 0 ? false : known ? true : null };
}

function placeArena(i: WholeFitInputs, ramParts: readonly FitPart[]): ArenaPlacement {
  const other = ramParts.filter((p) => p.part !== 'arena').reduce((n, p) => n + p.bytes, 0);
  const requested = i.arenaRegion?.trim() || null;
  const region = requested ? findRegion(i.regions, requested) : defaultArenaRegion(i.regions);
  const base = { by: requested ? 'manifest' as const : 'default' as const, arenaBytes: i.arenaBytes };
  if (!region) {
    return { ...base, region: null, kind: null, regionBytes: null, unknownRegion: requested && i.regions.length > 0 ? requested : null, sharedBytes: 0, otherRegion: null, fits: null, alternatives: [], external: false };
  }
  const bytes = region.kiB * KiB;
  // The runtime's and the application's RAM share the arena's region when both fit there (a one-region part always);
  // else they go to the largest other on-chip region that holds them, as a linker script would put .data/.bss.
  const otherHome = (r: RamRegion): RamRegion | undefined =>
    i.regions.filter((o) => o !== r && isInternal(o) && o.kiB * KiB >= other).sort((a, b) => b.kiB - a.kiB)[0];
  const holds = (r: RamRegion): boolean => {
    const together = r.kind !== 'external' && i.arenaBytes + other <= r.kiB * KiB;
    return together || (i.arenaBytes <= r.kiB * KiB && otherHome(r) !== undefined);
  };
  const together = region.kind !== 'external' && i.arenaBytes + other <= bytes;
  const home = together ? region : otherHome(region) ?? (region.kind === 'external' ? undefined : region);
  const alternatives = i.regions
    .filter((r) => r !== region && holds(r))
    .sort((a, b) => Number(isInternal(b)) - Number(isInternal(a)) || b.kiB - a.kiB)
    .map((r) => r.name);
  return {
    ...base, region: region.name, kind: region.kind, regionBytes: bytes, unknownRegion: null, sharedBytes: home === region ? other : 0,
    otherRegion: home?.name ?? null, fits: holds(region), alternatives, external: region.kind === 'external',
  };
}

/**
 * Where the arena lives, in the latency estimator's terms (h-lat's `Placement.arena` of analysis/latency/memory.ts):
 * the hook that hands `arena_region:` to the latency model's memory term once both are on one branch.
 */
export function latencyPlacementOf(fit: WholeFit): { readonly arena: 'sram' | 'external' } {
  return { arena: fit.arena.external ? 'external' : 'sram' };
}

/** Parts in words: "model 200 KiB (exact), TFLM runtime + kernels 61 KiB (measured), app 40 KiB (user-given)". */
export function partsText(s: SideFit, kib: (bytes: number) => string, joiner = ', '): string {
  const ram = s.parts.some((q) => q.part === 'arena');
  const name = { model: 'model', runtime: ram ? 'TFLM static RAM' : 'TFLM runtime + kernels', app: 'app', arena: 'arena', margin: 'safety margin' } as const;
  return s.parts.map((p) => `${name[p.part]} ${kib(p.bytes)} (${p.basis})`).join(joiner);
}
