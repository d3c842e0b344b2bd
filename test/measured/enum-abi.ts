/**
 * The reference-kernel replay of a rig model under one enum ABI, and a rig table checked against it: shared by the
 * measured-figure tests of the 4-byte-enum builds (RV32IMC, Xtensa lx106) and their 1-byte-enum Arm counterparts.
 * Reports are kept per ABI and model for the test process.
 */
import { strict as assert } from 'node:assert';
import { analyzeModel, type AnalysisReport } from '../../server/src/analysis/report.js';
import type { Abi } from '../../server/src/analysis/tflm/structs.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { rigModelBytes } from './rig-models.js';
import { checkRigRow, measuredTable, RIG_MODEL_COLUMNS, sha256 } from './table.js';

const cache = new Map<string, AnalysisReport>();

export function analysed(model: string, abi: Abi): { bytes: Uint8Array; report: AnalysisReport } {
  const bytes = rigModelBytes(model);
  let report = cache.get(`${abi} ${model}`);
  if (!report) {
    report = analyzeModel(readTflite(bytes), 'tflm-reference', {}, 'dsp', abi);
    cache.set(`${abi} ${model}`, report);
  }
  return { bytes, report };
}

/**
 * Checks every row of a rig table (reference kernels on `core`) against the replay with `abi`, the rebuilt bytes
 * against the measured sha256; returns the rows with figures and their tail total. `skip`: models not rebuilt.
 */
export function checkRows(file: string, core: string, abi: Abi, skip: ReadonlySet<string> = new Set()): { figures: number; tail: number } {
  let figures = 0;
  let tail = 0;
  for (const { cells: c, line } of measuredTable(file, RIG_MODEL_COLUMNS)) {
    assert.deepEqual([c[2], c[3]], [core, 'reference'], line);
    if (skip.has(c[0]!)) continue;
    const { bytes, report: r } = analysed(c[0]!, abi);
    assert.equal(sha256(bytes), c[1], `${c[0]} no longer builds the measured bytes`);
    if (!checkRigRow(r, c, `${line} (${abi})`)) continue;
    figures++;
    tail += r.memory.tailBytes;
  }
  return { figures, tail };
}
