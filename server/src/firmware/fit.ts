/**
 * What is left of flash and RAM once the application is in, and whether the model and the arena fit there: per
 * linker region when the map gave them (the flash region holding the code, the RAM region holding the arena, or the
 * largest writable one), else against the target's totals.
 */
import type { AppPart, RuntimePart } from '../targets/fit.js';
import type { FirmwareUsage, RegionUse } from './usage.js';

export interface FirmwareSide {
  /** The linker region, when regions are known. */
  readonly region: string | null;
  /** What the region (or the target) holds, in bytes; null when neither regions nor a target are known. */
  readonly capacity: number | null;
  /** What the application alone uses there (the model array and the arena found in the ELF left out). */
  readonly app: number;
  /** What the model (flash) or the arena (RAM) needs, with TFLM's runtime (flash) or static RAM when it is added. */
  readonly need: number;
  /** Of `need`, TFLM's runtime and kernels (flash) or static RAM: 0 when the ELF links TFLM or no prediction exists. */
  readonly runtime: number;
  /** capacity - app - need; negative when it overflows; null without a capacity. */
  readonly left: number | null;
}

export interface FirmwareFit {
  readonly flash: FirmwareSide;
  readonly ram: FirmwareSide;
}

export interface FitInputs {
  readonly modelBytes: number;
  readonly arenaBytes: number;
  /** The target's flash and SRAM, used when the map gave no regions. */
  readonly target?: { readonly flashBytes: number | null; readonly ramBytes: number | null };
  /** TFLM's predicted footprint for the model's ops; left out when the ELF already links TFLM. */
  readonly runtime?: RuntimePart | null;
}

/** The application of an ELF as a fit part: measured, and carrying the runtime when the ELF links TFLM. */
export function appPartOf(usage: FirmwareUsage, elf: string): AppPart {
  const from = `${elf}${usage.model || usage.arena ? ' (model array and arena left out)' : ''}`;
  return { flash: usage.app.flash, ram: usage.app.ram, basis: 'measured', from: { flash: from, ram: from }, includesRuntime: usage.linksTflm };
}

function side(region: RegionUse | undefined, total: number | null | undefined, app: number, need: number, runtime: number): FirmwareSide {
  if (region) return { region: region.region.name, capacity: region.region.length, app: region.app, need, runtime, left: region.left - need };
  const capacity = total ?? null;
  return { region: null, capacity, app, need, runtime, left: capacity === null ? null : capacity - app - need };
}

/** The fit of a model and its arena beside the application of `usage`. */
export function firmwareFit(usage: FirmwareUsage, inputs: FitInputs): FirmwareFit {
  const regions = usage.regions ?? [];
  const text = [...usage.sections].filter((s) => s.kind === 'text').sort((a, b) => b.size - a.size)[0];
  const inRegion = (r: RegionUse, addr: number): boolean => addr >= r.region.origin && addr < r.region.origin + r.region.length;
  const flashRegion = text ? regions.find((r) => inRegion(r, text.addr)) : undefined;
  const writable = regions.filter((r) => r !== flashRegion && /w/i.test(r.region.attributes));
  const ramRegion = (usage.arena ? regions.find((r) => inRegion(r, usage.arena!.addr)) : undefined)
    ?? [...writable].sort((a, b) => b.region.length - a.region.length)[0];
  const runtime = usage.linksTflm ? null : inputs.runtime ?? null;
  const rtFlash = runtime?.flash ?? 0;
  const rtRam = runtime?.ram ?? 0;
  return {
    flash: side(flashRegion, inputs.target?.flashBytes, usage.app.flash, inputs.modelBytes + rtFlash, rtFlash),
    ram: side(ramRegion, inputs.target?.ramBytes, usage.app.ram, inputs.arenaBytes + rtRam, rtRam),
  };
}
