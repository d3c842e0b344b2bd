/**
 * The memory replay on CMSIS-NN's Helium (MVE) code path against what TFLM itself reported on the rig's Cortex-M55
 * build (tools/tflm-harness, mps3-an547; test/measured/README.md): every builder model and every sweep model, the
 * arena figures (used, head, tail and, where measured, the minimum) and each node's Prepare (its scratch requests
 * and the persistent bytes it took). Models are rebuilt and must hash to the measured bytes.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel, type AnalysisReport } from '../../server/src/analysis/report.js';
import type { CodePath } from '../../server/src/analysis/tflm/kernels/types.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { codePathFor } from '../../server/src/targets/code-path.js';
import { RIG_BUILDERS as BUILDERS, rigModelBytes } from '../measured/rig-models.js';
import { measuredTable, sha256 } from '../measured/table.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';

const MODEL_COLUMNS = [
  'model', 'sha256', 'core', 'kernels', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes', 'min_arena_bytes',
  'failing_node', 'ops_executed', 'invoke_instructions', 'ops_instructions', 'profiler_overhead', 'run_instructions', 'note',
];
const PREP_COLUMNS = [
  'model', 'core', 'kernels', 'subgraph', 'node', 'op', 'scratch_buffers', 'scratch_bytes', 'scratch_list', 'prepare_tail_bytes',
];

const reports = new Map<string, AnalysisReport>();

function report(model: string, path: CodePath = 'mve'): AnalysisReport {
  const key = `${model} ${path}`;
  let r = reports.get(key);
  if (!r) {
    r = analyzeModel(readTflite(rigModelBytes(model)), 'tflm-cmsis-nn', {}, path);
    reports.set(key, r);
  }
  return r;
}

interface ModelRow { model: string; sha256: string; status: string; figures: string; min: string; failing: string }

function modelRows(file: string): ModelRow[] {
  return measuredTable(file, MODEL_COLUMNS).map(({ cells: c, line }) => {
    assert.equal(c[2], 'cortex-m55', line);
    assert.equal(c[3], 'cmsis_nn', line);
    return { model: c[0]!, sha256: c[1]!, status: c[4]!, figures: `${c[5]} ${c[6]} ${c[7]}`, min: c[8]!, failing: c[9]! };
  });
}

const figures = (r: AnalysisReport): string => `${r.memory.arenaUsedBytes} ${r.memory.headBytes} ${r.memory.tailBytes}`;

function checkModels(file: string): void {
  const rows = modelRows(file);
  it(`${file}: every model rebuilds the measured bytes`, () => {
    for (const row of rows) {
      assert.equal(sha256(rigModelBytes(row.model)), row.sha256, `${row.model} no longer builds the measured bytes`);
    }
  });
  it(`${file}: every allocating row has TFLM's figures on the MVE path (${rows.length} rows)`, () => {
    let compared = 0;
    for (const row of rows) {
      const r = report(row.model);
      if (row.status === 'unsupported') {
        // TFLM stops at the failing node (OP@index); we name it among the failures.
        assert.equal(r.status, 'unsupported', row.model);
        const [op, node] = row.failing.split('@');
        assert.ok(r.detail.failures.some((f) => f.opName.replace(/^CUSTOM:/, '') === op && f.node === Number(node)), `${row.model}: ${row.failing}`);
        continue;
      }
      // ok, or allocated and then failed at Invoke (invoke_error, invoke_fault, timeout): the arena figures hold.
      assert.equal(r.status, 'ok', row.model);
      assert.equal(figures(r), row.figures, `${row.model}: used head tail`);
      if (row.min !== '') assert.equal(r.memory.minArenaBytes, Number(row.min), `${row.model}: minimum arena`);
      compared++;
    }
    assert.ok(compared > 0);
  });
}

function checkPrepare(file: string): void {
  const rows = measuredTable(file, PREP_COLUMNS);
  it(`${file}: each node's scratch requests and Prepare persistent bytes (${rows.length} nodes)`, () => {
    for (const { cells: c, line } of rows) {
      const node = report(c[0]!).detail.nodes.find((n) => n.subgraph === Number(c[3]) && n.node === Number(c[4]));
      assert.ok(node, line);
      assert.equal(node.opName.replace(/^CUSTOM:/, ''), c[5], line);
      assert.deepEqual(
        { count: node.scratch.length, list: node.scratch.join('+') || '0', tail: node.preparePersistentBytes },
        { count: Number(c[6]), list: c[8], tail: Number(c[9]) }, line);
    }
  });
}

describe('TFLM measured figures on Helium (Cortex-M55, CMSIS-NN MVE path, TFLM 90b983c2b3f1)', () => {
  checkModels('rig_m55_cmsis_nn_builder.tsv');
  checkModels('rig_m55_cmsis_nn_sweep_models.tsv');
  checkPrepare('rig_m55_cmsis_nn_builder_prep.tsv');
  checkPrepare('rig_m55_cmsis_nn_sweep_prep.tsv');

  it('the DSP path\'s figures differ from the M55 measurements (the code path is what makes them equal)', () => {
    const differing = modelRows('rig_m55_cmsis_nn_builder.tsv').filter((row) => row.status !== 'unsupported')
      .filter((row) => figures(report(row.model, 'dsp')) !== row.figures).map((row) => row.model);
    // Depthwise blocks, 1xN / im2col sizes, FC and SVDF kernel sums, batch_matmul and avgpool scratch.
    for (const m of ['g2_dw_int8_ch1', 'g2_fc_int8_batch4', 'gen_svdf_int8', 'g2_batch_matmul_int8', 'g2_avgpool_int8_same']) {
      assert.ok(differing.includes(m), `${m} should differ between the DSP and MVE paths`);
    }
  });
});

describe('CMSIS-NN code path of a target', () => {
  it('Helium cores and parts run MVE, cores without DSP the plain-C path, the rest DSP', () => {
    assert.equal(codePathFor('cortex-m55'), 'mve');
    assert.equal(codePathFor('cortex-m85'), 'mve');
    assert.equal(codePathFor('cortex-m33', { helium: true }), 'mve');
    assert.equal(codePathFor('cortex-m0plus'), 'scalar');
    assert.equal(codePathFor('cortex-m3'), 'scalar');
    assert.equal(codePathFor('cortex-m4f'), 'dsp');
    assert.equal(codePathFor('cortex-m33', { helium: false }), 'dsp');
  });

  it('plain C: no depthwise or average-pool scratch (ARM_MATH_DSP undefined)', () => {
    const dsp = report('g2_avgpool_int8_same', 'dsp');
    const scalar = report('g2_avgpool_int8_same', 'scalar');
    assert.ok(dsp.detail.nodes.some((n) => n.opName === 'AVERAGE_POOL_2D' && n.scratch.length === 1));
    assert.ok(scalar.detail.nodes.every((n) => n.opName !== 'AVERAGE_POOL_2D' || n.scratch.length === 0));
    assert.equal(scalar.codePath, 'scalar');
  });

  it('analyze --target cortex-m55 --format json says the figures are for the MVE path, and they are', () => {
    const file = join(tempDir(), 'fc.tflite');
    writeFileSync(file, BUILDERS['g2_fc_int8_batch4']!());
    const m55 = cli('analyze', file, '--target', 'cortex-m55', '--format', 'json');
    const m4 = cli('analyze', file, '--target', 'cortex-m4f', '--format', 'json');
    assert.equal(m55.code, 0, m55.err);
    const a = JSON.parse(m55.out) as { codePath: string; memory: { tailBytes: number } };
    const b = JSON.parse(m4.out) as { codePath: string; memory: { tailBytes: number } };
    assert.equal(a.codePath, 'mve');
    assert.equal(b.codePath, 'dsp');
    assert.equal(a.memory.tailBytes, report('g2_fc_int8_batch4').memory.tailBytes);
    assert.ok(a.memory.tailBytes > b.memory.tailBytes, 'kernel sums are persistent on the MVE path');
  });

  it('fit --format json: each board row says its code path, Helium boards mve', () => {
    const file = join(tempDir(), 'fc.tflite');
    writeFileSync(file, BUILDERS['g2_fc_int8_batch4']!());
    const r = cli('fit', file, '--format', 'json');
    const rows = (JSON.parse(r.out) as { targets: { core: string; runtime: string; codePath: string | null }[] }).targets;
    const cmsis = rows.filter((row) => row.runtime === 'tflm-cmsis-nn');
    assert.ok(cmsis.some((row) => row.core === 'cortex-m85'), 'the catalog has a Cortex-M85 board on CMSIS-NN');
    for (const row of cmsis) assert.equal(row.codePath, codePathFor(row.core), `${row.core}`);
    assert.ok(cmsis.some((row) => row.codePath === 'mve') && cmsis.some((row) => row.codePath === 'dsp'));
  });
});
