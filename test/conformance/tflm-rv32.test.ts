/**
 * The memory replay with 4-byte enums (`Abi` 'int-enum') on the shared models (../shared/models) against the rig's
 * RV32IMC reference build (test/measured/rig_rv32imc_reference_models.tsv and _prep.tsv, tools/tflm-harness): status,
 * the failing node, used, head, tail and the minimum arena, and each node's Prepare; and the same models with the Arm
 * default still at the Cortex-M0+ reference build's figures. Skipped where ../shared is not checked out next to the
 * repository.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeModel, type AnalysisReport } from '../../server/src/analysis/report.js';
import type { Abi } from '../../server/src/analysis/tflm/structs.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { checkPrepRow, checkRigRow, measuredTable, RIG_MODEL_COLUMNS, RIG_PREP_COLUMNS, sha256 } from '../measured/table.js';

const MODELS = path.resolve(__dirname, '../../../shared/models');

const reports = new Map<string, AnalysisReport>();
function analysed(model: string, sha: string, abi: Abi): AnalysisReport {
  let r = reports.get(`${abi} ${model}`);
  if (!r) {
    const bytes = new Uint8Array(readFileSync(path.join(MODELS, `${model}.tflite`)));
    assert.equal(sha256(bytes), sha, `${model}: not the measured file`);
    r = analyzeModel(readTflite(bytes), 'tflm-reference', {}, 'dsp', abi);
    reports.set(`${abi} ${model}`, r);
  }
  return r;
}

function checkModels(file: string, core: string, abi: Abi): number {
  let figures = 0;
  for (const { cells: c, line } of measuredTable(file, RIG_MODEL_COLUMNS)) {
    assert.deepEqual([c[2], c[3]], [core, 'reference'], line);
    const r = analysed(c[0]!, c[1]!, abi);
    if (!checkRigRow(r, c, `${line} (${abi})`)) continue;
    figures++;
  }
  return figures;
}

describe('TFLM replay with 4-byte enums on ../shared/models (RV32IMC reference build)', { skip: existsSync(MODELS) ? false : `no shared models at ${MODELS}` }, () => {
  test('rig_rv32imc_reference_models.tsv with int-enum, rig_m0plus_reference_models.tsv with arm-eabi', () => {
    const wide = checkModels('rig_rv32imc_reference_models.tsv', 'rv32imc', 'int-enum');
    const narrow = checkModels('rig_m0plus_reference_models.tsv', 'cortex-m0plus', 'arm-eabi');
    assert.ok(wide >= 18, `rows with figures: ${wide}`);
    assert.equal(wide, narrow);
  });

  test('rig_rv32imc_reference_prep.tsv: each node\'s scratch requests and Prepare persistent bytes with int-enum', () => {
    const rows = measuredTable('rig_rv32imc_reference_prep.tsv', RIG_PREP_COLUMNS);
    const sha = new Map(measuredTable('rig_rv32imc_reference_models.tsv', RIG_MODEL_COLUMNS).map(({ cells: c }) => [c[0]!, c[1]!]));
    assert.ok(rows.length > 300);
    for (const { cells: c, line } of rows) {
      checkPrepRow(analysed(c[0]!, sha.get(c[0]!)!, 'int-enum').detail.nodes, c, line);
    }
  });
});
