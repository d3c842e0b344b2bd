/**
 * A board calibration: how a real board ran a profiled model compared with the latency estimate, per runtime, written
 * by `tinyml-lens calibrate --write` (or "TinyML: Import Profile Log") into the `calibrations` section of a workspace
 * catalog file (`tinyml-targets.json`).
 *
 * A separate section rather than a catalog row, because bundled ids are never shadowed by user rows (a typo must not
 * replace a real board): a calibration refines a board that exists, bundled or the user's own, and names it by id.
 */
import { Fields } from './schema.js';

/** Kernel classes a calibration gives a ratio for (the latency model's factor classes). */
export const CALIBRATION_CLASSES = ['conv', 'dwconv', 'fc', 'other'] as const;
export type CalibrationClass = (typeof CALIBRATION_CLASSES)[number];

/** One operator of the profiled model: its median measured cycles and what the estimate said before calibration. */
export interface CalibratedLayer {
  subgraph: number;
  index: number;
  op: string;
  measuredCycles: number;
  estimatedCycles: number;
}

export interface BoardCalibration {
  /** Catalog id of the board (bundled or the user's). */
  target: string;
  runtime: string;
  /** measured / estimated cycles over the whole profiled model. */
  ratio: number;
  /** measured / estimated per kernel class, for the classes the profiled model had. */
  classRatios: Partial<Record<CalibrationClass, number>>;
  /** |ln(measured / calibrated estimate)| per op, cycle-weighted RMS: the half-width of the calibrated range. */
  spread: number;
  runs: number;
  ops: number;
  /** The core clock the log's cycles were converted at. */
  clockMHz: number;
  /** ISO date (yyyy-mm-dd) of the calibration. */
  date: string;
  /** The profiled model: its file name, a fingerprint of its structure, and its layers' measured cycles. */
  model: { file: string; fingerprint: string; layers: CalibratedLayer[] };
  source: string;
}

/** Checks one `calibrations[i]` row; throws DataFileError naming the bad field. */
export function loadCalibration(f: Fields): BoardCalibration {
  const classF = f.obj_('classRatios');
  const classRatios: Partial<Record<CalibrationClass, number>> = {};
  for (const key of classF.keys()) {
    if (!(CALIBRATION_CLASSES as readonly string[]).includes(key)) classF.fail(key, `not a kernel class (${CALIBRATION_CLASSES.join(', ')})`);
    classRatios[key as CalibrationClass] = classF.num(key, { min: 0.001, max: 1000 });
  }
  const m = f.obj_('model');
  const layers = m.list('layers').map((l) => ({
    subgraph: l.num('subgraph', { min: 0 }),
    index: l.num('index', { min: 0 }),
    op: l.str('op', { nonEmpty: true }),
    measuredCycles: l.num('measuredCycles', { min: 0 }),
    estimatedCycles: l.num('estimatedCycles', { min: 0 }),
  }));
  const date = f.str('date');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) f.fail('date', 'expected yyyy-mm-dd');
  return {
    target: f.str('target', { nonEmpty: true }),
    runtime: f.str('runtime', { nonEmpty: true }),
    ratio: f.num('ratio', { min: 0.001, max: 1000 }),
    classRatios,
    spread: f.num('spread', { min: 0, max: 3 }),
    runs: f.num('runs', { min: 1 }),
    ops: f.num('ops', { min: 1 }),
    clockMHz: f.num('clockMHz', { min: 0.001, max: 5000 }),
    date,
    model: { file: m.str('file'), fingerprint: m.str('fingerprint', { nonEmpty: true }), layers },
    source: f.source(),
  };
}
