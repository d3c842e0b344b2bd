/**
 * Applying a board calibration (targets/calibration.ts, measured with `compile --profile` and `calibrate`) to a
 * latency estimate: each operator's cycles are scaled by the measured / estimated ratio of its kernel class on that
 * board and runtime (the whole model's ratio for a class the profiled model did not have), the range becomes the
 * calibration's own per-operator spread, and the estimate says so. Only the calibrated board and runtime change. Pure.
 */
import type { Model } from '../../model/ir.js';
import type { BoardCalibration, CalibrationClass } from '../../targets/calibration.js';
import type { LatencyEstimate, LayerLatency } from './model.js';

/** What a calibrated estimate rests on, for labels ("calibrated on your board, 5 runs"). */
export interface CalibrationUse {
  runs: number;
  ops: number;
  date: string;
  clockMHz: number;
  /** The profiled model's file; `sameModel` when it is the model being estimated (then layers carry measured times). */
  modelFile: string;
  sameModel: boolean;
  label: string;
}

export interface CalibratedLayer extends LayerLatency {
  /** Measured on the board, at the estimate's clock; only when the calibration profiled this very model. */
  measuredMs?: number | null;
}

export interface CalibratedEstimate extends LatencyEstimate {
  layers: CalibratedLayer[];
  /** The calibration applied; null when the board has none for the runtime. */
  calibration: CalibrationUse | null;
}

/** The label estimates carry once calibrated. */
export function calibrationLabel(runs: number): string {
  return `calibrated on your board, ${runs} run${runs === 1 ? '' : 's'}`;
}

/**
 * A fingerprint of the model's structure (operators, their output shapes and the file size), to recognise the
 * profiled model again without its bytes. FNV-1a, 32 bits: a label, not a security measure.
 */
export function modelFingerprint(model: Model): string {
  const parts: string[] = [String(model.fileBytes)];
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) parts.push(`${op.opName}${op.outputs.map((o) => `[${(sg.tensors[o]?.shape ?? []).join(',')}]`).join('')}`);
    parts.push('|');
  }
  let h = 0x811c9dc5;
  for (const ch of parts.join(';')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `fnv1a32:${h.toString(16).padStart(8, '0')}`;
}

/**
 * The estimate with the board's calibration for `runtime` applied (unchanged, `calibration: null`, when there is
 * none). `estimate` must be uncalibrated.
 */
export function applyCalibration(model: Model, estimate: LatencyEstimate, calibrations: readonly BoardCalibration[] | undefined, runtime: string): CalibratedEstimate {
  const cal = calibrations?.find((c) => c.runtime === runtime);
  if (!cal) return { ...estimate, calibration: null };
  const sameModel = cal.model.fingerprint === modelFingerprint(model);
  const measured = new Map(sameModel ? cal.model.layers.map((l) => [`${l.subgraph}/${l.index}`, l.measuredCycles]) : []);
  const clockKHz = estimate.clockMHz * 1000;
  let cycles = 0;
  let complete = estimate.cycles !== null;
  const layers = estimate.layers.map((l): CalibratedLayer => {
    const m = measured.get(`${l.subgraph}/${l.index}`);
    const measuredMs = m === undefined ? undefined : m / clockKHz;
    if (l.cycles === null) {
      complete = false;
      return measuredMs === undefined ? l : { ...l, measuredMs };
    }
    const ratio = cal.classRatios[l.features.kind as CalibrationClass] ?? cal.ratio;
    const c = l.cycles * ratio;
    cycles += c;
    return { ...l, cycles: c, ms: c / clockKHz, ...(measuredMs === undefined ? {} : { measuredMs }) };
  });
  const label = calibrationLabel(cal.runs);
  // Another model on the same board is further from the measurement than the profiled one: keep a floor on the range.
  const spread = Math.max(cal.spread, sameModel ? 0.03 : 0.1);
  const toMs = (c: number): number | null => (complete ? c / clockKHz : null);
  const note = `Latency ${label} (${cal.date}, ${cal.ops} ops of ${cal.model.file} at ${cal.clockMHz} MHz): the estimate is scaled by the measured/estimated ratio per kernel class.`;
  return {
    ...estimate,
    layers,
    cycles: complete ? cycles : null,
    ms: toMs(cycles),
    lowMs: toMs(cycles * Math.exp(-spread)),
    highMs: toMs(cycles * Math.exp(spread)),
    calibrated: true,
    notes: [note, ...estimate.notes.filter((n) => !n.startsWith('Some coefficients for'))],
    calibration: { runs: cal.runs, ops: cal.ops, date: cal.date, clockMHz: cal.clockMHz, modelFile: cal.model.file, sameModel, label },
  };
}
