/**
 * The memory replay against figures TFLM itself reported on a Cortex-M4 build (test/measured/README.md says how they
 * were measured). Every model is rebuilt from test/measured/models/ and must hash to the bytes that were measured,
 * so a builder change cannot quietly turn the table into figures for different models.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeModel, RUNTIMES } from '../../server/src/analysis/report.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { MEASURED_MODELS } from '../measured/models/index.js';
import { measuredTable, sha256 } from '../measured/table.js';

interface MeasuredRow {
  model: string;
  runtime: KernelSet;
  status: 'ok' | 'unsupported';
  /** arena_used, head, tail, min_arena; null for unsupported rows (TFLM stops at the failing node). */
  figures: { arenaUsedBytes: number; headBytes: number; tailBytes: number; minArenaBytes: number } | null;
  failure: { op: string; node: number } | null;
  sha256: string;
}

const COLUMNS = [
  'model', 'runtime', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes', 'min_arena_bytes', 'failing_op',
  'failing_node', 'sha256',
];

function readMeasured(): MeasuredRow[] {
  return measuredTable('tflm_measured.tsv', COLUMNS).map(({ cells: f, line }) => {
    const [model, runtime, status, used, head, tail, min, op, node, sha256] = f as [string, ...string[]];
    assert.ok((RUNTIMES as readonly string[]).includes(runtime!), line);
    assert.ok(status === 'ok' || status === 'unsupported', line);
    return {
      model, runtime: runtime as KernelSet, status, sha256: sha256!,
      figures: status === 'ok'
        ? { arenaUsedBytes: Number(used), headBytes: Number(head), tailBytes: Number(tail), minArenaBytes: Number(min) }
        : null,
      failure: status === 'unsupported' ? { op: op!, node: Number(node) } : null,
    };
  });
}

const rows = readMeasured();
const built = new Map<string, Uint8Array>();

/** A row's model, built once for both kernel sets. */
function bytesOf(model: string): Uint8Array {
  let bytes = built.get(model);
  if (bytes === undefined) {
    const build = MEASURED_MODELS[model];
    assert.ok(build, `no builder for ${model} in test/measured/models/index.ts`);
    bytes = build();
    built.set(model, bytes);
  }
  return bytes;
}

describe('TFLM measured figures (Cortex-M4, TFLM 90b983c2b3f1)', () => {
  it('has one row per model and kernel set, and a builder for each model', () => {
    const keys = rows.map((r) => `${r.model} ${r.runtime}`);
    assert.equal(new Set(keys).size, keys.length, 'duplicate rows');
    const models = [...new Set(rows.map((r) => r.model))].sort();
    assert.deepEqual(models, Object.keys(MEASURED_MODELS).sort());
    for (const m of models) {
      assert.deepEqual(rows.filter((r) => r.model === m).map((r) => r.runtime).sort(), [...RUNTIMES].sort(), m);
    }
  });

  for (const row of rows) {
    it(`${row.model} on ${row.runtime}: ${row.status}`, () => {
      const bytes = bytesOf(row.model);
      assert.equal(sha256(bytes), row.sha256,
        `${row.model} no longer builds the measured bytes: its figures do not apply (re-measure it)`);
      const report = analyzeModel(readTflite(bytes), row.runtime);
      assert.equal(report.status, row.status);
      if (row.figures) {
        const { arenaUsedBytes, headBytes, tailBytes, minArenaBytes } = report.memory;
        assert.deepEqual({ arenaUsedBytes, headBytes, tailBytes, minArenaBytes }, row.figures);
      }
      if (row.failure) {
        // TFLM stops at the first node whose Prepare fails; the project reports them all, grouped by op.
        const first = report.unsupportedOps
          .flatMap((u) => u.layers.map((node) => ({ op: u.op, subgraph: u.subgraph, node })))
          .sort((a, b) => a.subgraph - b.subgraph || a.node - b.node)[0];
        assert.deepEqual(first && { op: first.op, node: first.node }, row.failure);
      }
    });
  }
});
