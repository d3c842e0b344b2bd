/**
 * A profile log against the latency estimate: the log's events mapped to the model's operators in execution order
 * (tags checked against the operators' names), measured vs estimated per layer and in total, and the board
 * calibration that follows (targets/calibration.ts). Pure: the caller supplies the uncalibrated estimate.
 */
import { modelFingerprint } from '../analysis/latency/calibration.js';
import type { LatencyEstimate } from '../analysis/latency/model.js';
import type { Model } from '../model/ir.js';
import { CALIBRATION_CLASSES, type BoardCalibration, type CalibrationClass } from '../targets/calibration.js';
import { ProfileLogError, type ProfileEvent, type ProfileLog } from './log.js';

export interface LayerComparison {
  subgraph: number;
  index: number;
  op: string;
  kind: CalibrationClass;
  /** Uncalibrated estimate; null when the model does not cost the op. */
  estimatedCycles: number | null;
  /** Median over the runs, and the fastest and slowest run. */
  measuredCycles: number;
  minCycles: number;
  maxCycles: number;
  /** measured / estimated; null without an estimate. */
  ratio: number | null;
}

export interface Comparison {
  layers: LayerComparison[];
  runs: number;
  estimatedCycles: number;
  measuredCycles: number;
  clockMHz: number;
  estimatedMs: number;
  measuredMs: number;
  ratio: number;
  classRatios: Partial<Record<CalibrationClass, number>>;
  calibration: BoardCalibration;
  notes: string[];
}

export interface CompareOptions {
  /** Uncalibrated estimate for the model on the board (`estimateLatency`). */
  estimate: LatencyEstimate;
  target: string;
  runtime: string;
  modelFile: string;
  /** Core clock for us <-> cycles: `--clock`, else the log's `clock_hz`, else the catalog's. */
  clockMHz: number;
  /** What one of TFLM's own ticks is, in Hz; null: its ticks are taken for core cycles. */
  tickHz: number | null;
  /** yyyy-mm-dd. */
  date: string;
  source: string;
}

/** Whether an event's tag names the operator (TFLM tags a builtin with its enum name, a custom op with its name). */
const tagMatches = (tag: string, opName: string): boolean => tag === opName || `CUSTOM:${tag}` === opName;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Compares; throws ProfileLogError ('mismatch') naming the first event and op index that do not fit the model. */
export function compareProfile(model: Model, log: ProfileLog, opts: CompareOptions): Comparison {
  const main = model.subgraphs[0];
  const ops = main?.operators ?? [];
  if (ops.length === 0) throw new ProfileLogError('mismatch', 0, 0, 'the model has no operators to compare with');
  const notes: string[] = [];
  if (model.subgraphs.some((sg) => sg.index !== 0 && sg.operators.length > 0)) {
    notes.push('Only the main subgraph is compared: control-flow bodies run in an order the log alone does not give.');
  }
  const toCycles = (ticks: number): number => {
    if (log.unit === 'cycles') return ticks;
    if (log.unit === 'us') return ticks * opts.clockMHz;
    return opts.tickHz === null ? ticks : (ticks / opts.tickHz) * opts.clockMHz * 1e6;
  };
  if (log.unit === 'ticks') notes.push(opts.tickHz === null ? "TFLM's ticks are taken for core cycles (pass --tick-hz when its timer counts otherwise)." : `TFLM's ticks converted at ${opts.tickHz} Hz.`);
  const est = new Map(opts.estimate.layers.filter((l) => l.subgraph === 0).map((l) => [l.index, l]));
  const perOp: number[][] = ops.map(() => []);
  let runs: ProfileEvent[][];
  if (log.format === 'tflm-tag-csv') {
    runs = log.runs;
    for (const run of runs) {
      for (const e of run) {
        const matching = ops.filter((op) => tagMatches(e.tag, op.opName));
        if (matching.length === 0) throw new ProfileLogError('mismatch', e.line, e.column, `tag ${e.tag} is no operator of the model`);
        // Per-tag totals: spread over the tag's ops in proportion to their estimates (the log has no finer figure).
        const weights = matching.map((op) => est.get(op.index)?.cycles ?? 1);
        const sum = weights.reduce((a, b) => a + b, 0);
        matching.forEach((op, i) => perOp[op.index]!.push(toCycles(e.ticks) * (weights[i]! / sum)));
      }
    }
    notes.push('Per-tag totals (LogTicksPerTagCsv): each tag is compared as a whole; per layer, its time is shared in proportion to the estimates.');
  } else {
    runs = log.flat ? chunk(log.runs[0]!, ops.length) : log.runs;
    for (const run of runs) {
      if (run.length !== ops.length) {
        const e = run[Math.min(run.length, ops.length) - 1] ?? run[0]!;
        throw new ProfileLogError('mismatch', e.line, e.column, `run ${e.run} has ${run.length} operator${run.length === 1 ? '' : 's'}, the model's main subgraph ${ops.length}`);
      }
      run.forEach((e, i) => {
        const op = ops[i]!;
        if (!tagMatches(e.tag, op.opName)) throw new ProfileLogError('mismatch', e.line, e.column, `op index ${i}: the log has ${e.tag}, the model has ${op.opName}`);
        perOp[i]!.push(toCycles(e.ticks));
      });
    }
  }
  const layers: LayerComparison[] = ops.map((op, i) => {
    const e = est.get(op.index);
    const xs = perOp[i]!;
    const measured = xs.length ? median(xs) : 0;
    const estimated = e?.cycles ?? null;
    const kind = (e?.features.kind ?? 'other') as CalibrationClass;
    return {
      subgraph: 0, index: op.index, op: op.opName, kind, estimatedCycles: estimated, measuredCycles: measured,
      minCycles: xs.length ? Math.min(...xs) : 0, maxCycles: xs.length ? Math.max(...xs) : 0,
      ratio: estimated ? measured / estimated : null,
    };
  });
  const costed = layers.filter((l) => l.estimatedCycles !== null && l.estimatedCycles > 0);
  if (costed.length < layers.length) notes.push(`${layers.length - costed.length} operator(s) have no estimate and are left out of the ratios.`);
  const sum = (ls: LayerComparison[], f: (l: LayerComparison) => number): number => ls.reduce((a, l) => a + f(l), 0);
  const estimatedCycles = sum(costed, (l) => l.estimatedCycles!);
  const measuredCycles = sum(costed, (l) => l.measuredCycles);
  if (!(estimatedCycles > 0) || !(measuredCycles > 0)) {
    throw new ProfileLogError('no-ops', 0, 0, 'no operator with both a measurement above zero ticks and an estimate: nothing to calibrate (does the timer run?)');
  }
  const ratio = measuredCycles / estimatedCycles;
  const classRatios: Partial<Record<CalibrationClass, number>> = {};
  for (const c of CALIBRATION_CLASSES) {
    const ls = costed.filter((l) => l.kind === c);
    const m = sum(ls, (l) => l.measuredCycles);
    if (ls.length && m > 0) classRatios[c] = m / sum(ls, (l) => l.estimatedCycles!);
  }
  // Per op, how far the class-calibrated estimate still is from the measurement (cycle-weighted RMS of the log ratio).
  let w = 0;
  let acc = 0;
  for (const l of costed) {
    if (l.measuredCycles <= 0) continue;
    const calibrated = l.estimatedCycles! * (classRatios[l.kind] ?? ratio);
    acc += l.measuredCycles * Math.log(l.measuredCycles / calibrated) ** 2;
    w += l.measuredCycles;
  }
  const spread = Math.min(3, Math.sqrt(acc / w));
  const round = (x: number): number => Number(x.toPrecision(6));
  const calibration: BoardCalibration = {
    target: opts.target,
    runtime: opts.runtime,
    ratio: round(ratio),
    classRatios: Object.fromEntries(Object.entries(classRatios).map(([k, v]) => [k, round(v)])),
    spread: round(spread),
    runs: runs.length,
    ops: costed.length,
    clockMHz: opts.clockMHz,
    date: opts.date,
    model: {
      file: opts.modelFile,
      fingerprint: modelFingerprint(model),
      layers: layers.map((l) => ({ subgraph: l.subgraph, index: l.index, op: l.op, measuredCycles: Math.round(l.measuredCycles), estimatedCycles: Math.round(l.estimatedCycles ?? 0) })),
    },
    source: opts.source,
  };
  const kHz = opts.clockMHz * 1000;
  return {
    layers, runs: runs.length, estimatedCycles, measuredCycles, clockMHz: opts.clockMHz,
    estimatedMs: estimatedCycles / kHz, measuredMs: measuredCycles / kHz, ratio, classRatios, calibration, notes,
  };
}

function chunk(events: ProfileEvent[], size: number): ProfileEvent[][] {
  const out: ProfileEvent[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size).map((e, j) => ({ ...e, run: out.length, op: j })));
  return out;
}
