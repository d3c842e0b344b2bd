/**
 * `tinyml-lens calibrate LOG --model M --target T`: reads a per-operator profile log from the board (the lines of
 * `compile --profile` code, or TFLM's MicroProfiler output pasted from a serial monitor), shows measured vs estimated
 * per layer and in total, and shows the calibration it would add to the workspace catalog (`tinyml-targets.json`,
 * or `--catalog FILE`) as a diff; only `--write` writes it.
 */
import { basename } from 'node:path';
import { defaultRuntime } from '../analysis/latency/target.js';
import type { Runtime } from '../analysis/support/index.js';
import { calibrateBoard, comparisonText, ProfileLogError, type CalibrateResult } from '../calibrate/index.js';
import { CATALOG, parseUserCatalog, resolveTarget, type Mcu } from '../targets/catalog.js';
import { DataFileError } from '../targets/schema.js';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { writeFileSafely } from '../files/write.js';
import { parseClock, targetSuggestion } from './fit.js';
import { capFor, fileErrorLine, loadModelFile, type Write } from './model-file.js';

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
    // A serial log of many runs is a few MiB at most; the model cap bounds it all the same.
    logText = readTextFile(logPath, { maxBytes: capFor(LIMITS.modelJson) });
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    err(fileErrorLine('read', e));
    return 2;
  }
  let catalogText: string | null = null;
  let catalog: readonly Mcu[] = CATALOG;
  try {
    catalogText = readTextFile(opts.catalog, { maxBytes: capFor(LIMITS.catalog) });
    catalog = parseUserCatalog(catalogText, opts.catalog);
  } catch (e) {
    if (!(e instanceof FileError && e.code === 'missing')) {
      err(`tinyml-lens: ${e instanceof DataFileError ? `bad catalog: ${e.message}` : e instanceof FileError ? fileErrorLine('read', e, 'catalog') : `cannot read catalog ${opts.catalog}: ${(e as Error).message}`} (nothing is written)`);
      return 2;
    }
    catalogText = null;
  }
  const target = resolveTarget(opts.target, catalog);
  if (!target?.mcu) {
    err(`tinyml-lens: calibrate needs a catalog board (a calibration belongs to a board), not '${opts.target}'${target ? ' (a bare core)' : targetSuggestion(opts.target, catalog)}: use a catalog id or alias, or add your board to ${opts.catalog}`);
    return 2;
  }
  const file = loadModelFile(opts.model, err);
  if (typeof file === 'number') return file;
  const clockMHz = opts.clock === undefined ? null : parseClock(opts.clock);
  if (opts.clock !== undefined && clockMHz === null) {
    err(`tinyml-lens: unreadable clock '${opts.clock}' (e.g. 64MHz)`);
    return 2;
  }
  const runtime = opts.runtime ?? defaultRuntime(target.core, target.mcu);
  let result: CalibrateResult;
  try {
    result = calibrateBoard({
      model: file.model, modelFile: basename(opts.model), logText, logName: basename(logPath), target: { ...target, mcu: target.mcu }, runtime,
      clockMHz, tickHz: opts.tickHz, date: opts.date ?? new Date().toISOString().slice(0, 10), catalogText, catalogFile: opts.catalog,
    });
  } catch (e) {
    if (e instanceof ProfileLogError) err(`tinyml-lens: ${logPath}:${e.line > 0 ? '' : ' '}${e.message}`);
    else err(`tinyml-lens: ${(e as Error).message}; nothing is written`);
    return 2;
  }
  const { edit, diff, comparison } = result;
  if (opts.write) {
    try {
      // Replaces a regular file only, never through a link; a catalog that appeared since it was read is not clobbered.
      writeFileSafely(opts.catalog, edit.text, { replace: catalogText !== null });
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      err(fileErrorLine('write', e));
      return 2;
    }
  }
  if (opts.format === 'json') {
    const { log } = result;
    out(JSON.stringify({ log: logPath, format: log.format, unit: log.unit, model: opts.model, target: target.id, runtime, ...comparison, catalog: opts.catalog, replaced: edit.replaced, diff, written: opts.write }, null, 2));
    return 0;
  }
  out(comparisonText(logPath, basename(opts.model), target.mcu, runtime, result));
  out('');
  out(diff);
  out('');
  const what = `${edit.replaced ? 'replaced the' : 'added a'} calibration of ${target.id} for ${runtime}`;
  out(opts.write ? `${opts.catalog}: ${what}; estimates for this board and runtime now use it.` : `not written: run again with --write to apply this to ${opts.catalog} (${edit.replaced ? 'replacing the calibration there' : catalogText === null ? 'a new file' : 'keeping the rest of the file'}).`);
  return 0;
}
