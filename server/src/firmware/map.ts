/**
 * The `Memory Configuration` table of a GNU ld map file (`-Wl,-Map=...`): the MEMORY regions of the linker script,
 * with origin, length and attributes. What each region holds comes from the ELF's sections (usage.ts), so only this
 * table is read; a map without it, or a row that cannot be read, is a FirmwareFormatError located at its line.
 */
import { FirmwareFormatError } from './errors.js';

export interface MemoryRegion {
  readonly name: string;
  readonly origin: number;
  readonly length: number;
  /** As written by ld: `xr`, `xrw`, `rw`, ... (empty when none). */
  readonly attributes: string;
  /** 1-based line of the row in the map. */
  readonly line: number;
}

/** Regions above 4 GiB cannot hold a 32-bit image; ld prints `*default*` with length 0xffffffff, which is skipped. */
const MAX_ADDRESS = 2 ** 32;

/** The memory regions of a GNU ld map file's `Memory Configuration` table. */
export function readLinkerMap(text: string): MemoryRegion[] {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => l.trim() === 'Memory Configuration');
  if (header < 0) throw new FirmwareFormatError('bad-map', 1, 'Memory Configuration', "no 'Memory Configuration' table: is this a GNU ld map file (-Wl,-Map=...)?");
  const regions: MemoryRegion[] = [];
  let i = header + 1;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (!/^Name\s+Origin\s+Length/.test(lines[i] ?? '')) {
    throw new FirmwareFormatError('bad-map', i + 1, 'Memory Configuration', "the 'Memory Configuration' table has no 'Name Origin Length' header");
  }
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') break;
    const m = /^(\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)(?:\s+(\S+))?\s*$/.exec(line);
    if (!m) throw new FirmwareFormatError('bad-map', i + 1, 'Memory Configuration', `cannot read the region row '${line.trim().slice(0, 80)}'`);
    if (m[1] === '*default*') continue;
    const origin = parseInt(m[2]!, 16);
    const length = parseInt(m[3]!, 16);
    if (!(origin + length <= MAX_ADDRESS)) {
      throw new FirmwareFormatError('bad-map', i + 1, m[1]!, `region ${m[1]} (origin 0x${m[2]}, length 0x${m[3]}) ends beyond 4 GiB`);
    }
    regions.push({ name: m[1]!, origin, length, attributes: m[4] ?? '', line: i + 1 });
  }
  return regions;
}
