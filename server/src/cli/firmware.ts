/**
 * The firmware commands: `lint-firmware SRC... --model M` (the TFLM setup of C/C++ sources against the model) and
 * `analyze M --firmware ELF|DIR [--map MAP]` (what the application already uses, and whether the model and its arena
 * fit beside it).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnalysisReport } from '../analysis/report.js';
import { analyzeModel } from '../analysis/report.js';
import type { KernelSet } from '../analysis/tflm/kernels/types.js';
import { CodegenError, resolverMethods } from '../codegen/tflm.js';
import { findFirmwareElf, mapBeside, readFirmwareElf, readFirmwareMap } from '../files/firmware.js';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { FirmwareFormatError } from '../firmware/errors.js';
import { reportOps, runtimePart } from '../analysis/fit-parts.js';
import { appPartOf, firmwareFit, type FirmwareFit, type FirmwareSide } from '../firmware/fit.js';
import type { AppPart, RuntimePart } from '../targets/fit.js';
import { lintFirmware, recommendedArena, type FirmwareFinding } from '../firmware/lint.js';
import { firmwareUsage, type FirmwareUsage } from '../firmware/usage.js';
import type { Model } from '../model/ir.js';
import { resolveTarget, type Mcu } from '../targets/catalog.js';
import { capFor, fileErrorLine, loadModelFile, type Write } from './model-file.js';

/** C/C++ sources are small; a generated model array in a .cc is the largest, and a 64 MiB one is no source to lint. */
const SOURCE_LIMIT = 64 * 1024 * 1024;

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

function lineCol(text: string, at: number): string {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return `${line}:${at - before.lastIndexOf('\n')}`;
}

/** The model and its analysis for the firmware commands; an exit code when it cannot be read. */
function modelFacts(path: string, runtime: KernelSet, err: Write): { model: Model; report: AnalysisReport } | number {
  const loaded = loadModelFile(path, err, capFor(LIMITS.model));
  if (typeof loaded === 'number') return loaded;
  return { model: loaded.model, report: analyzeModel(loaded.model, runtime) };
}

/** `lint-firmware SRC... --model M`: 0 when clean, 1 with errors or warnings, 2 when a file cannot be read. */
export function runLintFirmware(sources: readonly string[], opts: { model: string; runtime: KernelSet; format: 'text' | 'json' }, out: Write, err: Write): number {
  const facts = modelFacts(opts.model, opts.runtime, err);
  if (typeof facts === 'number') return facts;
  let methods;
  try {
    methods = resolverMethods(facts.model);
  } catch (e) {
    if (!(e instanceof CodegenError)) throw e;
    err(`tinyml-lens: ${opts.model}: ${e.message}`);
    return 2;
  }
  const label = opts.model.split(/[\\/]/).pop() ?? opts.model;
  const results: { file: string; text: string; findings: FirmwareFinding[] }[] = [];
  for (const file of sources) {
    let text;
    try {
      text = readTextFile(file, { maxBytes: SOURCE_LIMIT });
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      err(`tinyml-lens: ${fileErrorLine('read', e)}`);
      return 2;
    }
    results.push({ file, text, findings: lintFirmware(text, { label, methods, minArenaBytes: facts.report.memory.minArenaBytes }).findings });
  }
  if (opts.format === 'json') {
    out(JSON.stringify({
      model: opts.model, runtime: opts.runtime, minArenaBytes: facts.report.memory.minArenaBytes, ops: methods,
      files: results.map((r) => ({
        file: r.file,
        findings: r.findings.map((f) => ({ code: f.code, severity: f.severity, at: lineCol(r.text, f.span.start), message: f.message, fixes: f.fixes.map((x) => x.title) })),
      })),
    }, null, 2));
  } else {
    const lines: string[] = [];
    for (const r of results) {
      for (const f of r.findings) {
        lines.push(`${r.file}:${lineCol(r.text, f.span.start)}: ${f.severity} ${f.code}: ${f.message}`);
        for (const fix of f.fixes) lines.push(`    fix: ${fix.title}`);
      }
    }
    const count = results.reduce((n, r) => n + r.findings.length, 0);
    lines.push(count === 0 ? `${results.length} file${results.length === 1 ? '' : 's'}: the TFLM setup matches ${label}` : `${count} finding${count === 1 ? '' : 's'} in ${results.length} file${results.length === 1 ? '' : 's'}`);
    out(lines.join('\n'));
  }
  return results.some((r) => r.findings.some((f) => f.severity !== 'info')) ? 1 : 0;
}

export interface FirmwareOptions {
  /** An ELF, or a folder to find it in (PlatformIO, Zephyr, Arduino CLI, ESP-IDF layouts). */
  readonly firmware: string;
  readonly map?: string;
  readonly target?: string;
  readonly catalog?: readonly Mcu[];
}

export interface FirmwareResult {
  readonly elf: string;
  /** How the ELF was found, when a folder was given. */
  readonly layout: string | null;
  readonly map: string | null;
  readonly usage: FirmwareUsage;
  readonly fit: FirmwareFit;
  /** TFLM's predicted footprint for the target's core; null without a target core or a prediction. */
  readonly runtime: RuntimePart | null;
  /** The application as a fit part (measured), for the target's whole-firmware fit. */
  readonly app: AppPart;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Reads the firmware named by the options and fits the model beside it; an exit code (2) with the reason on err. */
export function firmwareResult(model: Model, report: AnalysisReport, opts: FirmwareOptions, err: Write): FirmwareResult | number {
  let elf = opts.firmware;
  let layout: string | null = null;
  if (isFolder(elf)) {
    const found = findFirmwareElf(elf);
    if (!found) {
      err(`tinyml-lens: no firmware ELF under ${resolve(elf)} (looked for .pio/build/*/firmware.elf, build/zephyr/zephyr.elf, build/*/*.ino.elf, build/*.elf)`);
      return 2;
    }
    elf = found.path;
    layout = found.layout;
  }
  const map = opts.map ?? mapBeside(elf);
  try {
    const image = readFirmwareElf(elf);
    const regions = map ? readFirmwareMap(map) : undefined;
    const arenaBytes = recommendedArena(report.memory.minArenaBytes);
    const usage = firmwareUsage(image, { modelBytes: model.fileBytes, ...(regions ? { regions } : {}) });
    const resolved = opts.target ? resolveTarget(opts.target, opts.catalog) : null;
    const mcu = resolved?.mcu ?? null;
    const target = mcu ? { flashBytes: mcu.flashKiB === null ? null : mcu.flashKiB * 1024, ramBytes: (mcu.largestSramKiB ?? mcu.sramKiB) === null ? null : (mcu.largestSramKiB ?? mcu.sramKiB)! * 1024 } : undefined;
    const runtime = runtimePart(reportOps(report), resolved?.core ?? null, report.runtime);
    const fit = firmwareFit(usage, { modelBytes: model.fileBytes, arenaBytes, runtime, ...(target ? { target } : {}) });
    return { elf, layout, map, usage, fit, runtime, app: appPartOf(usage, elf) };
  } catch (e) {
    if (e instanceof FileError) err(`tinyml-lens: ${fileErrorLine('read', e)}`);
    else if (e instanceof FirmwareFormatError) err(`tinyml-lens: ${e.code === 'bad-map' ? `${map}:${e.offset}` : `${elf}: byte ${e.offset}`} (${e.field}): ${e.message}`);
    else throw e;
    return 2;
  }
}

function sideText(what: string, s: FirmwareSide, needs: string, runtime: string): string {
  const where = s.region ? `region ${s.region}` : 'the target';
  if (s.capacity === null) return `  ${what}: the application uses ${kib(s.app)}; no linker map or target to compare with (give --map or --target)`;
  const verdict = s.left! >= 0 ? `fits, ${kib(s.left!)} left` : `OVERFLOWS by ${kib(-s.left!)}`;
  const rt = s.runtime > 0 ? ` + ${runtime} ${kib(s.runtime)}` : '';
  return `  ${what} (${where}, ${kib(s.capacity)}): application ${kib(s.app)} (measured) + ${needs} ${kib(s.need - s.runtime)}${rt}: ${verdict}`;
}

/** Whether TFLM's own footprint is in the figures, and how it is known. */
function runtimeNote(r: FirmwareResult): string {
  if (r.usage.linksTflm) return '  TFLM: the ELF links it (MicroInterpreter found), so its runtime and kernels are in the application figures';
  if (r.runtime) return `  TFLM: not in the ELF; ${r.runtime.basis} runtime + kernels added: ${kib(r.runtime.flash)} flash, ${kib(r.runtime.ram)} static RAM (${r.runtime.from})`;
  return '  TFLM: not in the ELF and not counted (no footprint prediction without --target, or for this core and kernel set)';
}

/** The firmware section of `analyze --firmware`, as text. */
export function firmwareText(r: FirmwareResult): string {
  const u = r.usage;
  const lines = [
    `Firmware: ${r.elf}${r.layout ? ` (found: ${r.layout} layout)` : ''}${r.map ? `, map ${r.map}` : ''}`,
    `  ${u.machine} image: .text ${kib(u.bytes.text)}, .rodata ${kib(u.bytes.rodata)}, .data ${kib(u.bytes.data)}, .bss ${kib(u.bytes.bss)} (flash ${kib(u.flash)}, RAM ${kib(u.ram)})`,
  ];
  if (u.model) lines.push(`  model array in the ELF: ${u.model.name} (${kib(u.model.size)}, by ${u.model.by}): not counted twice`);
  if (u.arena) lines.push(`  arena in the ELF: ${u.arena.name} (${kib(u.arena.size)}): not counted twice`);
  for (const reg of u.regions ?? []) lines.push(`  region ${reg.region.name}: ${kib(reg.app)} of ${kib(reg.region.length)} used by the application, ${kib(reg.left)} left for model, runtime and arena`);
  lines.push(sideText('flash', r.fit.flash, 'model', 'TFLM runtime + kernels'), sideText('RAM', r.fit.ram, 'arena', 'TFLM static RAM'));
  lines.push(runtimeNote(r));
  return lines.join('\n');
}

/** The firmware section of `analyze --firmware`, as JSON. */
export function firmwareJson(r: FirmwareResult): object {
  const { usage } = r;
  return {
    elf: r.elf, layout: r.layout, map: r.map, machine: usage.machine, bytes: usage.bytes, flash: usage.flash, ram: usage.ram,
    app: usage.app, model: usage.model ?? null, arena: usage.arena ?? null, linksTflm: usage.linksTflm, runtime: r.runtime,
    regions: (usage.regions ?? []).map((g) => ({ name: g.region.name, origin: g.region.origin, length: g.region.length, used: g.used, app: g.app, left: g.left })),
    fit: r.fit,
  };
}

/**
 * `analyze M --firmware ...`: runs `analyze` (through `run`, its output captured), then adds the firmware: after the
 * text, or as a `firmware` key of the JSON. Exit 1 when the model or the arena overflows beside the application.
 */
export function runAnalyzeWithFirmware(modelPath: string, runtime: KernelSet, opts: FirmwareOptions & { format: 'text' | 'json' }, run: (out: Write, app: AppPart | null) => number, out: Write, err: Write): number {
  const facts = modelFacts(modelPath, runtime, err);
  if (typeof facts === 'number') return facts;
  const r = firmwareResult(facts.model, facts.report, opts, err);
  if (typeof r === 'number') return r;
  // The target's whole-firmware fit counts the ELF's application (measured) instead of a reserve.
  let captured = '';
  const code = run((s) => { captured += s; }, r.app);
  if (code === 2) { if (captured) out(captured); return code; }
  if (opts.format === 'json') out(JSON.stringify({ ...(JSON.parse(captured) as object), firmware: firmwareJson(r) }, null, 2));
  else out(`${captured}\n\n${firmwareText(r)}`);
  const overflow = (r.fit.flash.left ?? 0) < 0 || (r.fit.ram.left ?? 0) < 0;
  return Math.max(code, overflow ? 1 : 0);
}
