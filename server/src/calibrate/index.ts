/**
 * The calibration round trip shared by `tinyml-lens calibrate` and "TinyML: Import Profile Log": parse the log,
 * compare it with the uncalibrated estimate for the board, and the catalog text with the calibration written in.
 * Pure: the adapters read the files and decide whether to write.
 */
import type { AnalysisReport } from '../analysis/report.js';
import { analyzeForTarget } from '../analysis/latency/target.js';
import type { Runtime } from '../analysis/support/index.js';
import type { Model } from '../model/ir.js';
import type { ResolvedTarget, Mcu } from '../targets/catalog.js';
import { parseUserCatalog } from '../targets/catalog.js';
import { lineDiff, upsertCalibration, type CatalogEdit } from './catalog-edit.js';
import { compareProfile, type Comparison } from './compare.js';
import { parseProfileLog, type ProfileLog } from './log.js';

export { ProfileLogError } from './log.js';

export interface CalibrateInput {
  model: Model;
  modelFile: string;
  logText: string;
  /** The log's name, for the calibration's source. */
  logName: string;
  /** A catalog board (calibrations belong to boards, not bare cores). */
  target: ResolvedTarget & { mcu: Mcu };
  runtime: Runtime;
  /** The clock to convert at: null takes the log's `clock_hz`, else the catalog's. */
  clockMHz: number | null;
  tickHz: number | null;
  date: string;
  /** The catalog file's current text (null: it does not exist) and its name. */
  catalogText: string | null;
  catalogFile: string;
  /** The model's memory analysis for the runtime's kernel set, when the caller has it (the server's workers do). */
  memory?: AnalysisReport;
}

export interface CalibrateResult {
  log: ProfileLog;
  comparison: Comparison;
  edit: CatalogEdit;
  /** The change to the catalog file, as a line diff. */
  diff: string;
}

/**
 * Runs the round trip. Throws ProfileLogError for a log that cannot be used (located), and Error for a board
 * without a clock or a latency estimate, or an edit that would not load back (then nothing may be written).
 */
export function calibrateBoard(input: CalibrateInput): CalibrateResult {
  const log = parseProfileLog(input.logText);
  const clockMHz = input.clockMHz ?? (log.clockHz ? log.clockHz / 1e6 : input.target.mcu.clockMHz);
  if (clockMHz === null) throw new Error(`no clock for ${input.target.id}: give the core clock`);
  // Compare with the uncalibrated estimate: a calibration is relative to the model, never to an earlier calibration.
  const plain = { ...input.target, mcu: { ...input.target.mcu, calibrations: [] } };
  const latency = analyzeForTarget(input.model, input.runtime, plain, clockMHz, input.memory).latency;
  if (!latency) throw new Error(`no latency estimate for ${input.target.id} with ${input.runtime}`);
  const comparison = compareProfile(input.model, log, {
    estimate: latency, target: input.target.id, runtime: input.runtime, modelFile: input.modelFile, clockMHz, tickHz: input.tickHz,
    date: input.date, source: `tinyml-lens calibrate ${input.logName} (${log.format}${log.timer ? `, timer ${log.timer}` : ''})`,
  });
  const edit = upsertCalibration(input.catalogText, comparison.calibration);
  parseUserCatalog(edit.text, input.catalogFile);
  return { log, comparison, edit, diff: lineDiff(input.catalogText ?? '', edit.text, input.catalogFile) };
}

const ms = (cycles: number, clockMHz: number): string => {
  const v = cycles / (clockMHz * 1000);
  return v >= 10 ? `${v.toFixed(1)} ms` : v >= 0.1 ? `${v.toFixed(2)} ms` : `${(v * 1000).toFixed(1)} us`;
};

/** The comparison as a text table: per layer estimated, measured and their ratio, the total, the class ratios. */
export function comparisonText(logName: string, modelFile: string, mcu: Mcu, runtime: string, r: CalibrateResult): string {
  const { log, comparison: c } = r;
  const head = `${logName}: ${modelFile} on ${mcu.displayName} (${mcu.id}, ${mcu.core} @ ${c.clockMHz} MHz), ${runtime}: ${c.runs} run${c.runs === 1 ? '' : 's'} (${log.format}${log.timer ? `, timer ${log.timer}` : ''}, ${log.unit}; median per op)`;
  const rows = c.layers.map((l) => [String(l.index), l.op, l.estimatedCycles === null ? '-' : ms(l.estimatedCycles, c.clockMHz), ms(l.measuredCycles, c.clockMHz), l.ratio === null ? '-' : l.ratio.toFixed(2)]);
  const total = ['', 'total', ms(c.estimatedCycles, c.clockMHz), ms(c.measuredCycles, c.clockMHz), c.ratio.toFixed(2)];
  const header = ['#', 'op', 'estimated', 'measured', 'measured/est'];
  const widths = header.map((h, i) => Math.max(h.length, ...[...rows, total].map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => row.map((x, i) => (i === 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const classes = Object.entries(c.classRatios).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
  return [
    head, '', fmt(header), rule, ...rows.map(fmt), rule, fmt(total), '',
    `measured/estimated per kernel class: ${classes}; per-op spread after calibration x/÷${Math.exp(c.calibration.spread).toFixed(2)}`,
    ...c.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

