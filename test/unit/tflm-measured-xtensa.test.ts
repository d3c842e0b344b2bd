/**
 * The memory replay with 4-byte enums (`Abi` 'int-enum', chosen for non-Arm targets) against what TFLM itself
 * reported on the rig's Xtensa lx106 reference build (tools/tflm-harness, Xtensa section; Debian's xtensa-lx106-elf GCC
 * makes enums 4 bytes, as the RISC-V psABI does): the shared, builder and sweep models' arena figures (used, head,
 * tail, and the minimum where measured) and each node's Prepare. A second ISA where 'int-enum' must hold, measured
 * after that ABI was written; its rows must also differ from the Arm ones, so the check can tell the ABIs apart.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeModel, type AnalysisReport } from '../../server/src/analysis/report.js';
import type { Abi } from '../../server/src/analysis/tflm/structs.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { rigModelBytes } from '../measured/rig-models.js';
import { checkPrepRow, checkRigRow, measuredTable, RIG_MODEL_COLUMNS, RIG_PREP_COLUMNS, sha256 } from '../measured/table.js';

const cache = new Map<string, AnalysisReport>();
function analysed(model: string, abi: Abi): { bytes: Uint8Array; report: AnalysisReport } {
  const bytes = rigModelBytes(model);
  let report = cache.get(`${abi} ${model}`);
  if (!report) {
    report = analyzeModel(readTflite(bytes), 'tflm-reference', {}, 'dsp', abi);
    cache.set(`${abi} ${model}`, report);
  }
  return { bytes, report };
}

/** Checks every row of a rig table against the replay with `abi`; the rows with figures and their tail total. */
function checkRows(file: string, core: string, abi: Abi, skip: ReadonlySet<string> = new Set()): { figures: number; tail: number } {
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

/** The RV32 rows' note (tflm-measured-rv32.test.ts): sine_float was measured as an earlier file. */
const NOT_REBUILT: ReadonlySet<string> = new Set(['sine_float']);

describe('TFLM measured figures with 4-byte enums (Xtensa lx106 reference build, TFLM 90b983c2b3f1)', () => {
  for (const kind of ['builder', 'sweep_models']) {
    const xt = `rig_xtensa_lx106_reference_${kind}.tsv`;
    it(`${xt}: rebuilt bytes, status and arena figures with 'int-enum'; they differ from 'arm-eabi'`, () => {
      const wide = checkRows(xt, 'xtensa-lx106', 'int-enum', NOT_REBUILT);
      assert.ok(wide.figures > 80, `rows with figures: ${wide.figures}`);
      let differ = 0;
      for (const { cells: c } of measuredTable(xt, RIG_MODEL_COLUMNS)) {
        if (NOT_REBUILT.has(c[0]!) || c[4] !== 'ok') continue;
        if (analysed(c[0]!, 'arm-eabi').report.memory.tailBytes !== Number(c[7])) differ++;
      }
      assert.ok(differ > 40, `rows whose tail 'arm-eabi' gets wrong: ${differ}`);
    });
  }
  for (const file of ['rig_xtensa_lx106_reference_builder_prep.tsv', 'rig_xtensa_lx106_reference_sweep_prep.tsv']) {
    it(`${file}: each node's scratch requests and Prepare persistent bytes with 'int-enum'`, () => {
      const rows = measuredTable(file, RIG_PREP_COLUMNS);
      assert.ok(rows.length > 100);
      for (const { cells: c, line } of rows) checkPrepRow(analysed(c[0]!, 'int-enum').report.detail.nodes, c, line);
    });
  }
});
