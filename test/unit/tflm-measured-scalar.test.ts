/**
 * The memory replay on CMSIS-NN's plain-C code path (`CodePath` 'scalar': cores without the DSP extension) against
 * what TFLM itself reported on the rig's Cortex-M0+ CMSIS-NN build (tools/tflm-harness, ARMv6-M on mps2-an386;
 * test/measured/README.md): the builder and sweep models' arena figures (used, head, tail, and the minimum where
 * measured) and each node's Prepare. Models are rebuilt and must hash to the measured bytes.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXTRA_SWEEP } from '../../scripts/sweep-instructions.js';
import { analyzeModel, type AnalysisReport } from '../../server/src/analysis/report.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { SWEEP_MODELS } from '../../tools/tflm-harness/sweep-models.js';
import { MEASURED_MODELS } from '../measured/models/index.js';
import { measuredTable, sha256 } from '../measured/table.js';

const BUILDERS: Readonly<Record<string, () => Uint8Array>> = { ...MEASURED_MODELS, ...SWEEP_MODELS, ...EXTRA_SWEEP };
const MODEL_HEAD = ['model', 'sha256', 'core', 'kernels', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes', 'min_arena_bytes',
  'failing_node', 'ops_executed', 'invoke_instructions', 'ops_instructions', 'profiler_overhead', 'run_instructions', 'note'];
const PREP_HEAD = ['model', 'core', 'kernels', 'subgraph', 'node', 'op', 'scratch_buffers', 'scratch_bytes', 'scratch_list', 'prepare_tail_bytes'];

const cache = new Map<string, { bytes: Uint8Array; scalar: AnalysisReport }>();
function analysed(model: string): { bytes: Uint8Array; scalar: AnalysisReport } {
  let r = cache.get(model);
  if (!r) {
    const build = BUILDERS[model];
    assert.ok(build, `no builder for ${model}`);
    const bytes = build();
    r = { bytes, scalar: analyzeModel(readTflite(bytes), 'tflm-cmsis-nn', {}, 'scalar') };
    cache.set(model, r);
  }
  return r;
}

const present = (f: string): boolean => existsSync(join(__dirname, '../measured', f));

describe('TFLM measured figures on CMSIS-NN\'s plain-C path (Cortex-M0+, TFLM 90b983c2b3f1)', () => {
  for (const file of ['rig_m0plus_cmsis_nn_builder.tsv', 'rig_m0plus_cmsis_nn_sweep_models.tsv'].filter(present)) {
    it(`${file}: rebuilt bytes, status and arena figures on the 'scalar' path`, () => {
      let figures = 0;
      for (const { cells: c, line } of measuredTable(file, MODEL_HEAD)) {
        assert.deepEqual([c[2], c[3]], ['cortex-m0plus', 'cmsis_nn'], line);
        const { bytes, scalar: r } = analysed(c[0]!);
        assert.equal(sha256(bytes), c[1], `${c[0]} no longer builds the measured bytes`);
        if (c[4] === 'unsupported') {
          assert.equal(r.status, 'unsupported', line);
          continue;
        }
        assert.equal(r.status, 'ok', line);
        assert.deepEqual([r.memory.arenaUsedBytes, r.memory.headBytes, r.memory.tailBytes], [Number(c[5]), Number(c[6]), Number(c[7])], line);
        if (c[8] !== '') assert.equal(r.memory.minArenaBytes, Number(c[8]), `${line}: minimum`);
        figures++;
      }
      assert.ok(figures > 50, `rows with figures: ${figures}`);
    });
  }
  for (const file of ['rig_m0plus_cmsis_nn_builder_prep.tsv', 'rig_m0plus_cmsis_nn_sweep_prep.tsv'].filter(present)) {
    it(`${file}: each node's scratch requests and Prepare persistent bytes`, () => {
      const rows = measuredTable(file, PREP_HEAD);
      assert.ok(rows.length > 100);
      for (const { cells: c, line } of rows) {
        const node = analysed(c[0]!).scalar.detail.nodes.find((n) => n.subgraph === Number(c[3]) && n.node === Number(c[4]));
        assert.ok(node, line);
        assert.equal(`${node.scratch.length} ${node.scratch.join('+') || '0'} ${node.preparePersistentBytes}`, `${c[6]} ${c[8]} ${c[9]}`, line);
      }
    });
  }
});
