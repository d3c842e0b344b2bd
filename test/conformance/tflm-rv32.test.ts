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
import { measuredTable, namesFailure, sha256 } from '../measured/table.js';

const MODELS = path.resolve(__dirname, '../../../shared/models');
const MODEL_HEAD = ['model', 'sha256', 'core', 'kernels', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes', 'min_arena_bytes',
  'failing_node', 'ops_executed', 'invoke_instructions', 'ops_instructions', 'profiler_overhead', 'run_instructions', 'note'];
const PREP_HEAD = ['model', 'core', 'kernels', 'subgraph', 'node', 'op', 'scratch_buffers', 'scratch_bytes', 'scratch_list', 'prepare_tail_bytes'];

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
  for (const { cells: c, line } of measuredTable(file, MODEL_HEAD)) {
    assert.deepEqual([c[2], c[3]], [core, 'reference'], line);
    const r = analysed(c[0]!, c[1]!, abi);
    if (c[4] === 'unsupported') {
      assert.equal(r.status, 'unsupported', line);
      assert.ok(r.detail.failures.some((f) => namesFailure(c[9]!, f)), line);
      continue;
    }
    // ok, or allocated and then failed at Invoke: the arena figures hold.
    assert.equal(r.status, 'ok', line);
    assert.deepEqual([r.memory.arenaUsedBytes, r.memory.headBytes, r.memory.tailBytes], [Number(c[5]), Number(c[6]), Number(c[7])], `${line} (${abi})`);
    if (c[8] !== '') assert.equal(r.memory.minArenaBytes, Number(c[8]), `${line}: minimum (${abi})`);
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
    const rows = measuredTable('rig_rv32imc_reference_prep.tsv', PREP_HEAD);
    const sha = new Map(measuredTable('rig_rv32imc_reference_models.tsv', MODEL_HEAD).map(({ cells: c }) => [c[0]!, c[1]!]));
    assert.ok(rows.length > 300);
    for (const { cells: c, line } of rows) {
      const node = analysed(c[0]!, sha.get(c[0]!)!, 'int-enum').detail.nodes.find((n) => n.subgraph === Number(c[3]) && n.node === Number(c[4]));
      assert.ok(node, line);
      assert.equal(`${node.scratch.length} ${node.scratch.join('+') || '0'} ${node.preparePersistentBytes}`, `${c[6]} ${c[8]} ${c[9]}`, line);
    }
  });
});
