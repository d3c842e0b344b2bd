/**
 * Measured inference results the latency model is calibrated and checked on (data/measured.json, converted from the
 * shared MLPerf Tiny and kernel-performance tables), checked at load time.
 */
import measuredJson from './data/measured.json';
import { CORES, type Core } from './catalog.js';
import { Fields } from './schema.js';

/** One measured latency of a model file on a target with a TFLM runtime. */
export interface MeasuredRow {
  id: string;
  /** File name in the shared models folder. */
  model: string;
  /** Catalog id, or a bare core for boards the catalog does not list. */
  target: string;
  clockMHz: number;
  runtime: 'tflm-reference' | 'tflm-cmsis-nn' | 'tflm-esp-nn';
  latencyMs: number;
  energyUj: number | null;
  notes: string;
  source: string;
}

/** The same vendor engine on different cores: the basis of the cost model's relative core speeds. */
export interface CrossCoreRow {
  engine: string;
  round: string;
  submitter: string;
  board: string;
  core: Core;
  clockMHz: number;
  benchmark: string;
  latencyMs: number;
  source: string;
}

/** Checks and converts measured.json. */
export function loadMeasured(doc: unknown, file = 'measured.json'): { rows: MeasuredRow[]; crossCore: CrossCoreRow[] } {
  const root = Fields.of(file, '$', doc);
  const rows = root.list('rows').map((f) => ({
    id: f.str('id', { nonEmpty: true }),
    model: f.str('model', { nonEmpty: true }),
    target: f.str('target', { nonEmpty: true }),
    clockMHz: f.num('clockMHz', { min: 1 }),
    runtime: f.oneOf('runtime', ['tflm-reference', 'tflm-cmsis-nn', 'tflm-esp-nn'] as const),
    latencyMs: f.num('latencyMs', { min: 0 }),
    energyUj: f.numOrNull('energyUj', { min: 0 }),
    notes: f.str('notes'),
    source: f.source(),
  }));
  const crossCore = root.list('crossCore').map((f) => ({
    engine: f.str('engine', { nonEmpty: true }),
    round: f.str('round', { nonEmpty: true }),
    submitter: f.str('submitter'),
    board: f.str('board'),
    core: f.oneOf('core', CORES),
    clockMHz: f.num('clockMHz', { min: 1 }),
    benchmark: f.str('benchmark', { nonEmpty: true }),
    latencyMs: f.num('latencyMs', { min: 0 }),
    source: f.source(),
  }));
  return { rows, crossCore };
}

export const MEASURED = loadMeasured(measuredJson);
