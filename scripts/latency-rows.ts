/**
 * Shared by the latency fit and its benchmark: turn a measured row into what the cost model needs (the model file's
 * op-support report on the row's runtime), and predict its cycles with given coefficients.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coefficients } from '../server/src/analysis/latency/coefficients.ts';
import { estimateLatency, type LatencyEstimate } from '../server/src/analysis/latency/model.ts';
import { analyzeModel } from '../server/src/analysis/report.ts';
import { checkSupport, memoryKernelsFor, type SupportReport } from '../server/src/analysis/support/index.ts';
import type { Model } from '../server/src/model/ir.ts';
import { readTflite } from '../server/src/model/tflite/reader.ts';
import { resolveTarget, type Core, type Mcu } from '../server/src/targets/catalog.ts';
import type { MeasuredRow } from '../server/src/targets/measured.ts';

export interface RowAggregate {
  row: MeasuredRow;
  model: Model;
  support: SupportReport;
  core: Core;
  mcu: Mcu | null;
  measuredCycles: number;
}

const cache = new Map<string, Model>();

export function rowAggregates(row: MeasuredRow, modelsDir: string): RowAggregate {
  const target = resolveTarget(row.target);
  if (!target) throw new Error(`${row.id}: unknown target ${row.target}`);
  let model = cache.get(row.model);
  if (!model) {
    model = readTflite(new Uint8Array(readFileSync(join(modelsDir, row.model))));
    cache.set(row.model, model);
  }
  const failures = analyzeModel(model, memoryKernelsFor(row.runtime)).detail.failures;
  const support = checkSupport(model, row.runtime, failures);
  return { row, model, support, core: target.core, mcu: target.mcu, measuredCycles: row.latencyMs * row.clockMHz * 1000 };
}

export function estimateRow(a: RowAggregate, k: Coefficients): LatencyEstimate {
  return estimateLatency(a.model, a.support, a.core, a.row.clockMHz, { coefficients: k, cpi: null });
}

export function predictCycles(a: RowAggregate, k: Coefficients): number {
  const cycles = estimateRow(a, k).cycles;
  if (cycles === null) throw new Error(`${a.row.id}: the model has ops the cost model cannot cost`);
  return cycles;
}
