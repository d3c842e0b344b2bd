/**
 * The application's firmware on disk, for the CLI and the server alike: finding its ELF in the usual build folders
 * when none is named, and reading the ELF and its GNU ld map (through readRegularFile, with size caps) into the
 * pure readers' results.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readElf, type ElfImage } from '../firmware/elf.js';
import { readLinkerMap, type MemoryRegion } from '../firmware/map.js';
import { MiB, readRegularFile, readTextFile } from './read.js';

/** An ELF with full debug info is tens of MiB (ESP-IDF, Zephyr); the loadable part is what matters, but all is read. */
export const ELF_LIMIT = 512 * MiB;
export const MAP_LIMIT = 64 * MiB;

/** An ELF found by itself, and in which layout. */
export interface FoundElf {
  readonly path: string;
  /** 'PlatformIO', 'Zephyr', 'ESP-IDF' or 'Arduino CLI'. */
  readonly layout: string;
}

function files(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function folders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function newest(paths: readonly string[]): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  for (const path of paths) {
    try {
      const mtime = statSync(path).mtimeMs;
      if (!best || mtime > best.mtime) best = { path, mtime };
    } catch {
      // Gone since it was listed.
    }
  }
  return best?.path;
}

/**
 * The application's ELF under `root` in the usual layouts, newest first within a layout: PlatformIO
 * (`.pio/build/<env>/firmware.elf`), Zephyr (`build/zephyr/zephyr.elf`), ESP-IDF (`build/<project>.elf`) and the
 * Arduino CLI (`build/<fqbn>/<sketch>.ino.elf`, its `--output-dir`/`--export-binaries` folder); null when none.
 */
export function findFirmwareElf(root: string): FoundElf | null {
  const pio = newest(folders(join(root, '.pio', 'build')).map((d) => join(d, 'firmware.elf')).filter((p) => files(dirname(p)).includes(p)));
  if (pio) return { path: pio, layout: 'PlatformIO' };
  const zephyr = join(root, 'build', 'zephyr', 'zephyr.elf');
  if (files(dirname(zephyr)).includes(zephyr)) return { path: zephyr, layout: 'Zephyr' };
  const arduino = newest(folders(join(root, 'build')).flatMap((d) => files(d)).filter((p) => p.endsWith('.ino.elf')));
  if (arduino) return { path: arduino, layout: 'Arduino CLI' };
  const idf = newest(files(join(root, 'build')).filter((p) => p.endsWith('.elf')));
  if (idf) return { path: idf, layout: 'ESP-IDF' };
  return null;
}

/** The map beside an ELF (`app.elf` -> `app.map`, `app.ino.elf` -> `app.ino.map`), when there is one. */
export function mapBeside(elfPath: string): string | null {
  const candidate = join(dirname(elfPath), `${basename(elfPath).replace(/\.elf$/i, '')}.map`);
  return files(dirname(elfPath)).includes(candidate) ? candidate : null;
}

/** Reads and parses an ELF; throws FileError or FirmwareFormatError. */
export function readFirmwareElf(path: string): ElfImage {
  return readElf(readRegularFile(path, { maxBytes: ELF_LIMIT }));
}

/** Reads and parses a GNU ld map's memory regions; throws FileError or FirmwareFormatError. */
export function readFirmwareMap(path: string): MemoryRegion[] {
  return readLinkerMap(readTextFile(path, { maxBytes: MAP_LIMIT }));
}
