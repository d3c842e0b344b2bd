/**
 * A part's RAM regions (issue 10): the contiguous ranges a linker can give the tensor arena — banks that sit next to
 * each other in the address map count as one region, TCMs and the D2/D3 SRAMs of an STM32H7 as their own, external
 * SDRAM/PSRAM only where a named board has it. Each row carries its source (scripts/facts/ram-regions.tsv).
 */
import type { Fields } from './schema.js';

export const REGION_KINDS = ['sram', 'tcm', 'external'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export interface RamRegion {
  /** As the reference manual names it (`AXI-SRAM`, `DTCM`, `SRAM1-3`), used by the manifest's `arena_region:`. */
  readonly name: string;
  readonly kiB: number;
  readonly kind: RegionKind;
  /** The banks it is made of and where it starts, as text. */
  readonly banks: string;
  /** For external RAM: the board(s) that have it; null for on-chip regions. */
  readonly board: string | null;
  readonly source: string;
}

/** The optional `ramRegions` list of a catalog row; names must be unique per row. */
export function loadRegions(f: Fields): RamRegion[] {
  if (!f.has('ramRegions')) return [];
  const regions = f.list('ramRegions').map((r) => ({
    name: r.str('name', { nonEmpty: true }),
    kiB: r.num('kiB', { min: 1 }),
    kind: r.oneOf('kind', REGION_KINDS),
    banks: r.has('banks') ? r.str('banks') : '',
    board: r.has('board') ? r.strOrNull('board') : null,
    source: r.source(),
  }));
  const seen = new Set<string>();
  for (const r of regions) {
    if (seen.has(r.name.toLowerCase())) f.fail('ramRegions', `two regions named '${r.name}'`);
    seen.add(r.name.toLowerCase());
  }
  return regions;
}

/** What a catalog row says about its RAM, for parts without region rows. */
export interface RamFigures {
  readonly sramKiB: number | null;
  readonly largestSramKiB: number | null;
  readonly ramRegions?: readonly RamRegion[];
}

/**
 * The part's regions: its rows, or one region made of the catalog's largest contiguous figure (else its SRAM total),
 * or none when the catalog has no RAM figure.
 */
export function ramRegionsOf(part: RamFigures): readonly RamRegion[] {
  if (part.ramRegions && part.ramRegions.length > 0) return part.ramRegions;
  const kiB = part.largestSramKiB ?? part.sramKiB;
  if (kiB === null) return [];
  const whole = part.largestSramKiB === null || part.largestSramKiB === part.sramKiB;
  return [{ name: 'SRAM', kiB, kind: 'sram', banks: whole ? 'the whole SRAM, taken as one region' : 'the largest contiguous region', board: null, source: 'catalog row (sramKiB / largestSramKiB)' }];
}

export const isInternal = (r: RamRegion): boolean => r.kind !== 'external';

/** Where the arena goes when nothing places it: the largest on-chip region (SRAM before TCM on a tie). */
export function defaultArenaRegion(regions: readonly RamRegion[]): RamRegion | null {
  const internal = regions.filter(isInternal);
  return [...internal].sort((a, b) => b.kiB - a.kiB || (a.kind === 'sram' ? -1 : 1) - (b.kind === 'sram' ? -1 : 1))[0] ?? null;
}

/** A region by name (case-insensitive); `external` names the largest external region. */
export function findRegion(regions: readonly RamRegion[], name: string): RamRegion | null {
  const key = name.trim().toLowerCase();
  const exact = regions.find((r) => r.name.toLowerCase() === key);
  if (exact) return exact;
  if (key === 'external') return [...regions].filter((r) => r.kind === 'external').sort((a, b) => b.kiB - a.kiB)[0] ?? null;
  return null;
}

/** Total on-chip RAM of the regions, in bytes. */
export function internalBytes(regions: readonly RamRegion[]): number {
  return regions.filter(isInternal).reduce((n, r) => n + r.kiB * 1024, 0);
}

/** A part's on-chip RAM: the sum of its regions that are not external (0 when it lists none). */
export function onChipRamBytes(mcu: RamFigures): number {
  return ramRegionsOf(mcu).filter((r) => r.kind !== 'external').reduce((n, r) => n + r.kiB * 1024, 0);
}
