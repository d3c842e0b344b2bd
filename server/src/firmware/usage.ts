/**
 * What an application's ELF already uses: its allocatable sections by kind, flash and RAM totals, the linker's memory
 * regions filled (when the map is given), and the model array and the tensor arena found in it, so a build that
 * already contains them is not counted twice when the model and the arena are added to it.
 */
import type { ElfImage, ElfSection, ElfSymbol } from './elf.js';
import type { MemoryRegion } from './map.js';

export type SectionKind = 'text' | 'rodata' | 'data' | 'bss';

export interface UsedSection {
  readonly name: string;
  readonly kind: SectionKind;
  readonly size: number;
  readonly addr: number;
  readonly loadAddr: number;
}

/** A symbol recognised as the model array or the arena, and how. */
export interface FoundSymbol {
  readonly name: string;
  readonly size: number;
  readonly addr: number;
  readonly by: 'name' | 'size';
}

export interface RegionUse {
  readonly region: MemoryRegion;
  /** Everything the image puts in the region (run-time copies and load images alike). */
  readonly used: number;
  /** Of `used`, the model array and the arena found in the ELF. */
  readonly model: number;
  readonly arena: number;
  /** What the application alone uses: used - model - arena. */
  readonly app: number;
  /** What is left for the model, the runtime and the arena: length - app. */
  readonly left: number;
  readonly sections: readonly string[];
}

export interface FirmwareUsage {
  readonly machine: string;
  readonly sections: readonly UsedSection[];
  readonly bytes: Readonly<Record<SectionKind, number>>;
  /** text + rodata + data (the load image). */
  readonly flash: number;
  /** data + bss. */
  readonly ram: number;
  readonly model?: FoundSymbol;
  readonly arena?: FoundSymbol;
  /** flash and RAM without the model array and the arena. */
  readonly app: { readonly flash: number; readonly ram: number };
  /** The image links TFLM (its interpreter or allocator symbols): the runtime is in `app` already, not added again. */
  readonly linksTflm: boolean;
  /** Per linker region, when the map's regions were given. */
  readonly regions?: readonly RegionUse[];
}

export interface UsageOptions {
  readonly regions?: readonly MemoryRegion[];
  /** The model's size in bytes: an object symbol of this size (up to 15 bytes of padding) is the model array. */
  readonly modelBytes?: number;
  /** The arena size the application uses, when known (the lint's kTensorArenaSize). */
  readonly arenaBytes?: number;
}

const STT_OBJECT = 1;

/** TFLM's own classes, mangled or not (`_ZN6tflite16MicroInterpreter...`): present only when the image links TFLM. */
const TFLM_SYMBOL = /MicroInterpreter|MicroAllocator|SingleArenaBufferAllocator/;

/** The kind of an allocatable section, by its flags (names vary between toolchains: .isr_vector, .flash.rodata, ...). */
export function sectionKind(s: ElfSection): SectionKind {
  if (s.exec) return 'text';
  if (!s.write) return 'rodata';
  return s.nobits ? 'bss' : 'data';
}

function within(addr: number, size: number, s: ElfSection): boolean {
  return addr >= s.addr && addr + size <= s.addr + s.size;
}

/** The object symbol of `size` (or up to 15 bytes larger) or, failing that, the largest object named like `pattern`. */
function findSymbol(elf: ElfImage, sections: readonly ElfSection[], pattern: RegExp, size: number | undefined): FoundSymbol | undefined {
  const objects = elf.symbols.filter((s) => s.type === STT_OBJECT && s.size > 0 && sections.some((sec) => within(s.value, s.size, sec)));
  const pick = (s: ElfSymbol, by: 'name' | 'size'): FoundSymbol => ({ name: s.name, size: s.size, addr: s.value, by });
  if (size !== undefined && size > 0) {
    const bySize = objects.filter((s) => s.size >= size && s.size < size + 16);
    const named = bySize.find((s) => pattern.test(s.name)) ?? (bySize.length === 1 ? bySize[0] : undefined);
    if (named) return pick(named, pattern.test(named.name) ? 'name' : 'size');
  }
  const byName = objects.filter((s) => pattern.test(s.name)).sort((a, b) => b.size - a.size)[0];
  // A name alone must still be a sizeable array (not a `model_ready` flag).
  return byName && byName.size >= 256 ? pick(byName, 'name') : undefined;
}

function regionOf(regions: readonly MemoryRegion[], addr: number): MemoryRegion | undefined {
  return regions.find((r) => addr >= r.origin && addr < r.origin + r.length);
}

/** What the ELF uses, with the model and the arena recognised and kept apart. */
export function firmwareUsage(elf: ElfImage, opts: UsageOptions = {}): FirmwareUsage {
  const alloc = elf.sections.filter((s) => s.alloc && s.size > 0);
  const sections: UsedSection[] = alloc.map((s) => ({ name: s.name, kind: sectionKind(s), size: s.size, addr: s.addr, loadAddr: s.loadAddr }));
  const bytes: Record<SectionKind, number> = { text: 0, rodata: 0, data: 0, bss: 0 };
  for (const s of sections) bytes[s.kind] += s.size;
  const flash = bytes.text + bytes.rodata + bytes.data;
  const ram = bytes.data + bytes.bss;
  const model = findSymbol(elf, alloc.filter((s) => !s.write), /model/i, opts.modelBytes);
  const arena = findSymbol(elf, alloc.filter((s) => s.write), /arena/i, opts.arenaBytes);
  const app = { flash: flash - (model?.size ?? 0), ram: ram - (arena?.size ?? 0) };
  const linksTflm = elf.symbols.some((s) => TFLM_SYMBOL.test(s.name));
  const result: FirmwareUsage = { machine: elf.machine, sections, bytes, flash, ram, ...(model ? { model } : {}), ...(arena ? { arena } : {}), app, linksTflm };
  if (!opts.regions) return result;
  const regions = opts.regions;
  const use = new Map<MemoryRegion, { used: number; sections: string[] }>(regions.map((r) => [r, { used: 0, sections: [] }]));
  const add = (addr: number, s: UsedSection): void => {
    const r = regionOf(regions, addr);
    const u = r && use.get(r);
    if (!u) return;
    u.used += s.size;
    if (!u.sections.includes(s.name)) u.sections.push(s.name);
  };
  for (const s of sections) {
    add(s.addr, s);
    // .data (and code copied to RAM) also occupies its load image, usually in flash.
    if (s.kind !== 'bss' && s.loadAddr !== s.addr && regionOf(regions, s.loadAddr) !== regionOf(regions, s.addr)) add(s.loadAddr, s);
  }
  const modelRegion = model && regionOf(regions, model.addr);
  const arenaRegion = arena && regionOf(regions, arena.addr);
  return {
    ...result,
    regions: regions.map((region) => {
      const u = use.get(region)!;
      const m = region === modelRegion ? model!.size : 0;
      const a = region === arenaRegion ? arena!.size : 0;
      const appUsed = u.used - m - a;
      return { region, used: u.used, model: m, arena: a, app: appUsed, left: region.length - appUsed, sections: u.sections };
    }),
  };
}
