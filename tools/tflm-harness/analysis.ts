/**
 * The project's own analysis of a rig model, for the checks that set the rig against it (invoke-claims.ts,
 * compare-prep.ts): the model is found by name in the given folders and analysed for the runtime of the rig's kernel
 * set (reference -> tflm-reference, cmsis_nn -> tflm-cmsis-nn, whatever the core). Reports are cached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { analyzeModel, type AnalysisReport } from '../../server/src/analysis/report.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

export function analyserFor(dirs: string[]): (model: string, kernels: string) => AnalysisReport | null {
  const reports = new Map<string, AnalysisReport | null>();
  return (model, kernels) => {
    const runtime = kernels === 'reference' ? 'tflm-reference' : 'tflm-cmsis-nn';
    const key = `${model}|${runtime}`;
    if (!reports.has(key)) {
      const file = dirs.map((d) => join(d, `${model}.tflite`)).find((f) => existsSync(f));
      reports.set(key, file ? analyzeModel(readTflite(readFileSync(file)), runtime) : null);
    }
    return reports.get(key)!;
  };
}
