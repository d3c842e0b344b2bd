/**
 * `tinymlLens/importProfile`: a board's profile log (from `compile --profile` code or TFLM's MicroProfiler) against
 * the latency estimate, and the workspace catalog text with the board calibration written in (server/src/calibrate/).
 * The client shows the comparison and the diff, asks, and writes the file; the catalog watcher then reloads it, and
 * listings and hovers show measured beside estimated. Registered with one line in server.ts.
 */
import { basename, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { memoryKernelsFor, SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/index.js';
import { calibrateBoard, comparisonText, ProfileLogError } from '../calibrate/index.js';
import { parseUserCatalog, resolveTarget, type Mcu } from '../targets/catalog.js';
import { DataFileError } from '../targets/schema.js';
import { WORKSPACE_CATALOG } from './catalog-targets.js';
import type { ModelCache } from './models.js';
import { ImportProfileRequest, type ImportProfileParams, type ImportProfileResult } from './protocol.js';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { analysisLimit, loadProblem } from './messages.js';
import { guardedAsync, type Logger } from './safe.js';
import type { Settings } from './settings.js';

export interface ImportProfileDeps {
  readonly models: ModelCache;
  /** The catalog in use (bundled plus the workspace files). */
  readonly catalog: () => readonly Mcu[];
  readonly settingsFor: (uri: string) => Settings;
  readonly roots: () => readonly string[];
  readonly log: Logger;
  readonly ready: <T>(fn: () => T | Promise<T>, uri?: string) => Promise<T>;
}

export function registerImportProfile(connection: Connection, deps: ImportProfileDeps): void {
  connection.onRequest(ImportProfileRequest.type, (p) => deps.ready(() =>
    guardedAsync('import profile', deps.log, { kind: 'error', code: 'internal', message: 'internal error (see the server log)' } as ImportProfileResult, () => importProfile(p, deps)), p.modelUri));
}

async function importProfile(p: ImportProfileParams, deps: ImportProfileDeps): Promise<ImportProfileResult> {
  const error = (code: string, message: string): ImportProfileResult => ({ kind: 'error', code, message });
  if (typeof p.logText !== 'string' || !p.modelUri?.startsWith('file:')) return error('params', 'give the log text and a .tflite file URI');
  const modelPath = fileURLToPath(p.modelUri);
  const settings = deps.settingsFor(p.modelUri);
  const targetName = p.target ?? settings.defaultTarget;
  if (!targetName) return error('params', 'no board: choose one (TinyML: Select Target) or pass a target');
  const target = resolveTarget(targetName, deps.catalog());
  if (!target?.mcu) return error('params', `'${targetName}' is not a catalog board: a calibration belongs to a board (add yours to ${WORKSPACE_CATALOG})`);
  const runtime = p.runtime ?? settings.defaultRuntime;
  if (!(SUPPORT_RUNTIMES as readonly string[]).includes(runtime)) return error('params', `unknown runtime '${runtime}'`);
  const root = rootOf(modelPath, deps.roots());
  if (root === null) return error('params', 'open a workspace folder: the calibration goes into its tinyml-targets.json');
  const load = await deps.models.loaded(modelPath);
  if (load.kind !== 'ok') return error('model', loadProblem(load));
  // The analysis runs in a worker under its limits; the estimate below reuses it.
  const analysis = await deps.models.analysed(load, memoryKernelsFor(runtime as Runtime), null);
  if (analysis.kind === 'failed') return error('model', analysisLimit(basename(modelPath), analysis.failure));
  const catalogPath = join(root, WORKSPACE_CATALOG);
  let catalogText: string | null = null;
  try {
    catalogText = readTextFile(catalogPath, { maxBytes: LIMITS.catalog });
    parseUserCatalog(catalogText, catalogPath);
  } catch (e) {
    if (!(e instanceof FileError && e.code === 'missing')) return error('catalog', `${catalogPath} cannot be used, so nothing would be written: ${e instanceof FileError ? e.reason : (e as Error).message}`);
    catalogText = null;
  }
  try {
    const r = calibrateBoard({
      model: load.model, modelFile: basename(modelPath), logText: p.logText, logName: p.logName, target: { ...target, mcu: target.mcu },
      runtime: runtime as Runtime, clockMHz: p.clockMHz ?? null, tickHz: p.tickHz ?? null, date: new Date().toISOString().slice(0, 10),
      catalogText, catalogFile: catalogPath, memory: analysis.report,
    });
    return {
      kind: 'ok', modelPath, target: target.id, runtime, text: comparisonText(p.logName, basename(modelPath), target.mcu, runtime, r),
      runs: r.comparison.runs, ratio: r.comparison.ratio, catalogPath, catalogText: r.edit.text, diff: r.diff, replaced: r.edit.replaced,
    };
  } catch (e) {
    if (e instanceof ProfileLogError) return { kind: 'error', code: e.code, message: `${p.logName}:${e.line > 0 ? '' : ' '}${e.message}`, ...(e.line > 0 ? { line: e.line, column: e.column } : {}) };
    if (e instanceof DataFileError) return error('catalog', `the calibration would not load back from ${catalogPath}: ${e.message}`);
    if (e instanceof Error && /^no (clock|latency)/.test(e.message)) return error('params', e.message);
    throw e;
  }
}

/** The workspace folder holding `path` (the deepest), else the first folder; null without folders. */
function rootOf(path: string, roots: readonly string[]): string | null {
  const holding = roots.filter((r) => path === r || path.startsWith(r.endsWith(sep) ? r : r + sep)).sort((a, b) => b.length - a.length);
  return holding[0] ?? roots[0] ?? null;
}
