/**
 * The manifest's `firmware:` in the editor: the application's ELF (named, or found in the usual build folders beside
 * the manifest or in the workspace folder), read once per file version, and diagnostics when it cannot be read, when
 * the model or the arena overflows beside the application, and — as information — which ELF was used and what the
 * application already takes. `didChangeWatchedFiles` on an .elf or .map re-checks the manifests.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { findFirmwareElf, mapBeside, readFirmwareElf, readFirmwareMap, type FoundElf } from '../files/firmware.js';
import { FileError } from '../files/read.js';
import type { ElfImage } from '../firmware/elf.js';
import { FirmwareFormatError } from '../firmware/errors.js';
import { reportOps, runtimePart } from '../analysis/fit-parts.js';
import { appPartOf, firmwareFit, type FirmwareSide } from '../firmware/fit.js';
import { recommendedArena } from '../firmware/lint.js';
import type { MemoryRegion } from '../firmware/map.js';
import { firmwareUsage } from '../firmware/usage.js';
import type { Manifest, Span } from '../manifest/types.js';
import type { AppPart } from '../targets/fit.js';
import { SOURCE } from './codes.js';
import type { ManifestCheck } from './workspace.js';

export const FirmwareCode = {
  unreadable: 'firmware-unreadable',
  flashOverflow: 'firmware-flash-overflow',
  ramOverflow: 'firmware-ram-overflow',
  used: 'firmware-used',
} as const;

type Read<T> = { readonly ok: T } | { readonly error: string };

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

function describe(e: unknown, path: string): string {
  if (e instanceof FileError) return e.message;
  if (e instanceof FirmwareFormatError) return `${path}: ${e.code === 'bad-map' ? `line ${e.offset}` : `byte ${e.offset}`} (${e.field}): ${e.message}`;
  throw e;
}

/**
 * ELF and map reads, kept per path until the file's stamp changes; and the ELF found in each folder's build layouts
 * (a dozen directory listings), kept while the client reports file changes (`watching`): an edit of a manifest then
 * lists no directory. A created, rebuilt or deleted .elf drops the found ones; a found ELF that is gone (its folder
 * deleted, which a watcher of `.elf` files may not report) is looked for again.
 */
export class FirmwareFiles {
  private readonly elves = new Map<string, { stamp: string; read: Read<ElfImage> }>();
  private readonly maps = new Map<string, { stamp: string; read: Read<MemoryRegion[]> }>();
  private readonly found = new Map<string, FoundElf | null>();
  /** True when `didChangeWatchedFiles` reports .elf changes (the server registered its watchers): discovery is cached. */
  watching = false;
  /** How many times the build folders were searched (the bench and the tests count them). */
  searches = 0;

  invalidate(path: string): void {
    this.elves.delete(path);
    this.maps.delete(path);
    if (/\.elf$/i.test(path)) this.found.clear();
  }

  /** The ELF found by itself under `root` (findFirmwareElf), cached per folder while watching. */
  discover(root: string): FoundElf | null {
    const hit = this.watching ? this.found.get(root) : undefined;
    if (hit === null || (hit !== undefined && existsSync(hit.path))) return hit;
    this.searches++;
    const found = findFirmwareElf(root);
    if (this.watching) this.found.set(root, found);
    return found;
  }

  elf(path: string): Read<ElfImage> {
    return this.cached(this.elves, path, () => readFirmwareElf(path));
  }

  map(path: string): Read<MemoryRegion[]> {
    return this.cached(this.maps, path, () => readFirmwareMap(path));
  }

  private cached<T>(cache: Map<string, { stamp: string; read: Read<T> }>, path: string, read: () => T): Read<T> {
    const s = stamp(path);
    const hit = cache.get(path);
    if (hit && hit.stamp === s) return hit.read;
    let result: Read<T>;
    try {
      result = { ok: read() };
    } catch (e) {
      result = { error: describe(e, path) };
    }
    cache.set(path, { stamp: s, read: result });
    return result;
  }
}

/**
 * The ELF a manifest names (`firmware: {elf}`), else the one found in the usual build folders (the manifest's, then
 * the first workspace folder's); its map, if any.
 */
function firmwarePaths(m: Manifest, dir: string | null, roots: readonly string[], files: FirmwareFiles): { elf: string | null; found: string | null; mapPath: string | null } {
  let elf: string | null = null;
  let found: string | null = null;
  if (m.firmware.elf) {
    elf = isAbsolute(m.firmware.elf.value) ? m.firmware.elf.value : dir ? resolve(dir, m.firmware.elf.value) : null;
  } else {
    for (const root of new Set([dir, roots[0]])) {
      const hit = root ? files.discover(root) : null;
      if (hit) { elf = hit.path; found = hit.layout; break; }
    }
  }
  if (!elf) return { elf, found, mapPath: null };
  const mapPath = m.firmware.map ? (isAbsolute(m.firmware.map.value) ? m.firmware.map.value : dir ? resolve(dir, m.firmware.map.value) : null) : mapBeside(elf);
  return { elf, found, mapPath };
}

/**
 * The application part of the whole-firmware fit from the manifest's ELF (measured; carrying TFLM's runtime when the
 * ELF links it), or null when there is no readable ELF: the check then counts `reserve:` (user-given). The same files
 * and cache as the firmware diagnostics, so hovers, lenses and board diagnostics agree with them.
 */
export function firmwareApp(m: Manifest, dir: string | null, modelBytes: number, files: FirmwareFiles, roots: readonly string[]): AppPart | null {
  const { elf, mapPath } = firmwarePaths(m, dir, roots, files);
  if (!elf) return null;
  const image = files.elf(elf);
  if ('error' in image) return null;
  const map = mapPath ? files.map(mapPath) : null;
  if (map && 'error' in map) return null;
  return appPartOf(firmwareUsage(image.ok, { modelBytes, ...(map ? { regions: map.ok } : {}) }), elf);
}

/** Diagnostics of a manifest's firmware; none when it names no ELF and none is found, or the model is not analysed. */
export function firmwareDiagnostics(check: ManifestCheck, files: FirmwareFiles, roots: readonly string[]): Diagnostic[] {
  const m = check.parse.manifest;
  const doc = check.document;
  const dir = check.modelBase.dir;
  const anchor: Span | undefined = m.firmware.elf?.span ?? m.model?.span;
  if (!anchor) return [];
  const out: Diagnostic[] = [];
  const add = (span: Span, severity: DiagnosticSeverity, code: string, message: string): void => {
    out.push({ range: { start: doc.positionAt(span.start), end: doc.positionAt(span.end) }, severity, source: SOURCE, code, message });
  };
  const { elf, found, mapPath } = firmwarePaths(m, dir, roots, files);
  if (!elf) return out;
  const image = files.elf(elf);
  if ('error' in image) {
    add(anchor, DiagnosticSeverity.Error, FirmwareCode.unreadable, `Firmware ELF: ${image.error}`);
    return out;
  }
  const map = mapPath ? files.map(mapPath) : null;
  if (map && 'error' in map) {
    add(m.firmware.map?.span ?? anchor, DiagnosticSeverity.Error, FirmwareCode.unreadable, `Linker map: ${map.error}`);
    return out;
  }
  const report = check.report;
  if (!report || check.load?.kind !== 'ok') return out;
  const modelBytes = check.load.model.fileBytes;
  const usage = firmwareUsage(image.ok, { modelBytes, ...(map ? { regions: map.ok } : {}) });
  const spec = check.target?.kind === 'found' ? check.target.spec : null;
  const runtime = runtimePart(reportOps(report), spec?.core ?? null, report.runtime);
  const fit = firmwareFit(usage, { modelBytes, arenaBytes: recommendedArena(report.memory.minArenaBytes), runtime, ...(spec ? { target: { flashBytes: spec.flashBytes, ramBytes: spec.sramBytes } } : {}) });
  const tflm = usage.linksTflm ? 'TFLM linked in the ELF (in the application figure)' : runtime ? `TFLM runtime + kernels ${runtime.basis}` : 'TFLM runtime not counted (no prediction for this core)';
  const rt = (s: FirmwareSide, what: string): string => (s.runtime > 0 ? `, ${what} ${kib(s.runtime)} (${runtime?.basis ?? 'estimated'})` : '');
  const where = (s: FirmwareSide): string => (s.region ? `region ${s.region}` : 'the target');
  const inElf = [usage.model ? `model array ${usage.model.name}` : '', usage.arena ? `arena ${usage.arena.name}` : ''].filter(Boolean);
  if (found) add(anchor, DiagnosticSeverity.Information, FirmwareCode.used, `Firmware: using ${elf} (${found} layout)${mapPath ? ` with ${mapPath}` : ''}; the application takes ${kib(usage.app.flash)} flash, ${kib(usage.app.ram)} RAM${inElf.length ? ` (${inElf.join(' and ')} found in it, not counted twice)` : ''}; ${tflm}`);
  if (fit.flash.left !== null && fit.flash.left < 0) {
    add(anchor, DiagnosticSeverity.Error, FirmwareCode.flashOverflow, `Flash overflows by ${kib(-fit.flash.left)} in ${where(fit.flash)} (${kib(fit.flash.capacity!)}): model ${kib(fit.flash.need - fit.flash.runtime)} (exact)${rt(fit.flash, 'TFLM runtime + kernels')}, application ${kib(fit.flash.app)} (measured)`);
  }
  if (fit.ram.left !== null && fit.ram.left < 0) {
    add(anchor, DiagnosticSeverity.Error, FirmwareCode.ramOverflow, `RAM overflows by ${kib(-fit.ram.left)} in ${where(fit.ram)} (${kib(fit.ram.capacity!)}): arena ${kib(fit.ram.need - fit.ram.runtime)} (exact)${rt(fit.ram, 'TFLM static RAM')}, application ${kib(fit.ram.app)} (measured)`);
  }
  return out;
}
