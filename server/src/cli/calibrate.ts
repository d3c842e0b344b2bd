/**
 * `tinyml-lens calibrate LOG --model M --target T`: reads a per-operator profile log from the board (the lines of
 * `compile --profile` code, or TFLM's MicroProfiler output pasted from a serial monitor), shows measured vs estimated
 * per layer and in total, and shows the calibration it would add to the workspace catalog (`tinyml-targets.json`,
 * or `--catalog FILE`) as a diff; only `--write` writes it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzeForTarget, defaultRuntime } from '../analysis/latency/target.js';
import { lineDiff, upsertCalibration } from '../calibrate/catalog-edit.js';
import { compareProfile, type Comparison } from '../calibrate/compare.js';
import { parseProfileLog, ProfileLogError, type ProfileLog } from '../calibrate/log.js';
import type { Runtime } from '../analysis/support/index.js';
import { CATALOG, parseUserCatalog, resolveTarget, type Mcu } from '../targets/catalog.js';
import { DataFileError } from '../targets/schema.js';
import { parseClock } from './fit.js';
import { loadModelFile, type Write } from './model-file.js';

export interface CalibrateOptions {
  model: string;
  target: string;
  /** null: the board's usual runtime. */
  runtime: Runtime | null;
  /** The catalog file read and (with `write`) written; default `tinyml-targets.json` in the current folder. */
  catalog: string;
  write: boolean;
  format: 'text' | 'json';
  clock: string | undefined;
  tickHz: number | null;
  /** yyyy-mm-dd, injectable for tests. */
  date?: string;
}

/** Runs the command; 0 compared (and written with --write), 2 unusable input (a located reason on stderr). */
export function runCalibrate(logPath: string, opts: CalibrateOptions, out: Write, err: Write): number {
  let logText: string;
  try {
    logText = readFileSync(logPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    err(`tinyml-lens: cannot read ${logPath}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    return 2;
  }
  let catalogText: string | null = null;
  let catalog: readonly Mcu[] = CATALOG;
  if (existsSync(opts.catalog)) {
    try {
      catalogText = readFileSync(opts.catalog, 'utf8');
      catalog = parseUserCatalog(catalogText, opts.catalog);
    } catch (e) {
      err(`tinyml-lens: ${e instanceof DataFileError ? `bad catalog: ${e.message}` : `cannot read catalog ${opts.catalog}: ${(e as Error).message}`} (nothing is written)`);
      return 2;
    }
  }
  const target = resolveTarget(opts.target, catalog);
  if (!target?.mcu) {
    err(`tinyml-lens: calibrate needs a catalog board (a calibration belongs to a board), not '${opts.target}'${target ? ' (a bare core)' : ''}: use a catalog id or alias, or add your board to ${opts.catalog}`);
    return 2;
  }
  const file = loadModelFile(opts.model, err);
  if (typeof file === 'number') return file;
  let log: ProfileLog;
  try {
    log = parseProfileLog(logText);
  } catch (e) {
    return logError(e, logPath, err);
  }
  const clockMHz = opts.clock !== undefined ? parseClock(opts.clock) : log.clockHz ? log.clockHz / 1e6 : target.mcu.clockMHz;
  if (clockMHz === null) {
    err(`tinyml-lens: ${opts.clock !== undefined ? `unreadable clock '${opts.clock}' (e.g. 64MHz)` : `no clock for ${target.id}: pass --clock`}`);
    return 2;
  }
  const runtime = opts.runtime ?? defaultRuntime(target.core, target.mcu);
  // Compare with the uncalibrated estimate: a calibration is always relative to the model, never to itself.
  const plain = { ...target, mcu: { ...target.mcu, calibrations: [] } };
  const report = analyzeForTarget(file.model, runtime, plain, clockMHz);
  if (!report.latency) {
    err(`tinyml-lens: no latency estimate for ${target.id} with ${runtime}`);
    return 2;
  }
  let cmp: Comparison;
  try {
    cmp = compareProfile(file.model, log, {
      estimate: report.latency, target: target.id, runtime, modelFile: basename(opts.model), clockMHz, tickHz: opts.tickHz,
      date: opts.date ?? new Date().toISOString().slice(0, 10),
      source: `tinyml-lens calibrate ${basename(logPath)} (${log.format}${log.timer ? `, timer ${log.timer}` : ''})`,
    });
  } catch (e) {
    return logError(e, logPath, err);
  }
  const edit = upsertCalibration(catalogText, cmp.calibration);
  try {
    // The file must still load as a catalog after the edit; otherwise nothing is written.
    parseUserCatalog(edit.text, opts.catalog);
  } catch (e) {
    err(`tinyml-lens: the calibration would not load from ${opts.catalog} (${(e as Error).message}); nothing is written`);
    return 2;
  }
  const diff = lineDiff(catalogText ?? '', edit.text, opts.catalog);
  if (opts.write) writeFileSync(opts.catalog, edit.text);
  if (opts.format === 'json') {
    out(JSON.stringify({ log: logPath, format: log.format, unit: log.unit, model: opts.model, target: target.id, runtime, ...cmp, catalog: opts.catalog, replaced: edit.replaced, diff, written: opts.write }, null, 2));
    return 0;
  }
  out(comparisonText(logPath, log, opts.model, target.mcu, runtime, cmp));
  out('');
  out(diff);
  out('');
  const what = `${edit.replaced ? 'replaced the' : 'added a'} calibration of ${target.id} for ${runtime}`;
  out(opts.write ? `${opts.catalog}: ${what}; estimates for this board and runtime now use it.` : `not written: run again with --write to apply this to ${opts.catalog} (${edit.replaced ? 'replacing the calibration there' : catalogText === null ? 'a new file' : 'keeping the rest of the file'}).`);
  return 0;
}

function logError(e: unknown, logPath: string, err: Write): number {
  if (!(e instanceof ProfileLogError)) throw e;
  err(`tinyml-lens: ${logPath}:${e.line > 0 ? '' : ' '}${e.message}`);
  return 2;
}

const ms = (cycles: number, clockMHz: number): string => {
  const v = cycles / (clockMHz * 1000);
  return v >= 10 ? `${v.toFixed(1)} ms` : v >= 0.1 ? `${v.toFixed(2)} ms` : `${(v * 1000).toFixed(1)} us`;
};

function comparisonText(logPath: string, log: ProfileLog, model: string, mcu: Mcu, runtime: string, c: Comparison): string {
  const head = `${logPath}: ${basename(model)} on ${mcu.displayName} (${mcu.id}, ${mcu.core} @ ${c.clockMHz} MHz), ${runtime}: ${c.runs} run${c.runs === 1 ? '' : 's'} (${log.format}${log.timer ? `, timer ${log.timer}` : ''}, ${log.unit}; median per op)`;
  const rows = c.layers.map((l) => [String(l.index), l.op, l.estimatedCycles === null ? '-' : ms(l.estimatedCycles, c.clockMHz), ms(l.measuredCycles, c.clockMHz), l.ratio === null ? '-' : l.ratio.toFixed(2)]);
  rows.push(['', 'total', ms(c.estimatedCycles, c.clockMHz), ms(c.measuredCycles, c.clockMHz), c.ratio.toFixed(2)]);
  const header = ['#', 'op', 'estimated', 'measured', 'measured/est'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((x, i) => (i === 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  const classes = Object.entries(c.classRatios).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
  return [
    head, '',
    fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(fmt), widths.map((w) => '-'.repeat(w)).join('  '), fmt(rows[rows.length - 1]!), '',
    `measured/estimated per kernel class: ${classes}; per-op spread after calibration x/÷${Math.exp(c.calibration.spread).toFixed(2)}`,
    ...c.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
