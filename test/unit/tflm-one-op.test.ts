/**
 * The replay against TFLM on every one-op model of helpers/one-op-models.ts (each case with FLOAT32, INT8, INT16, INT32,
 * INT64, UINT8 and BOOL activations), run on a Cortex-M4 build of TFLM under QEMU with both kernel sets
 * (test/measured/README.md says how). Each row pins what AllocateTensors() returned, the failing node or the arena
 * figures, and what the first Invoke() returned; every model is rebuilt and must hash to the bytes that were run.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeModel, RUNTIMES } from '../../server/src/analysis/report.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import type { DType } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { measuredTable, sha256 } from '../measured/table.js';
import { OPS, oneOpModel, TYPES } from './helpers/one-op-models.js';

interface OneOpRow {
  name: string;
  dtype: DType;
  runtime: KernelSet;
  status: 'ok' | 'unsupported';
  figures: { arenaUsedBytes: number; headBytes: number; tailBytes: number } | null;
  failure: { op: string; node: number } | null;
  invoke: 'ok' | 'error' | null;
  sha256: string;
}

const COLUMNS = [
  'case', 'dtype', 'runtime', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes', 'failing_op', 'failing_node',
  'invoke', 'sha256',
];

function readRows(): OneOpRow[] {
  return measuredTable('tflm_one_op.tsv', COLUMNS).map(({ cells: f, line }) => {
    const [name, dtype, runtime, status, used, head, tail, op, node, invoke, sha256] = f as string[];
    assert.ok((RUNTIMES as readonly string[]).includes(runtime!), line);
    assert.ok((TYPES as readonly string[]).includes(dtype!), line);
    assert.ok(status === 'ok' || status === 'unsupported', line);
    const ok = status === 'ok';
    assert.ok(ok ? invoke === 'ok' || invoke === 'error' : invoke === '', line);
    return {
      name: name!, dtype: dtype as DType, runtime: runtime as KernelSet, status, sha256: sha256!,
      figures: ok ? { arenaUsedBytes: Number(used), headBytes: Number(head), tailBytes: Number(tail) } : null,
      failure: ok ? null : { op: op!, node: Number(node) },
      invoke: ok ? invoke as 'ok' | 'error' : null,
    };
  });
}

const rows = readRows();

describe('TFLM one-op models (Cortex-M4 under QEMU, TFLM 90b983c2b3f1)', () => {
  it('has one row per case, activation type and kernel set, and every case of the helper', () => {
    const keys = rows.map((r) => `${r.name} ${r.dtype} ${r.runtime}`);
    assert.equal(new Set(keys).size, keys.length, 'duplicate rows');
    assert.equal(rows.length, Object.keys(OPS).length * TYPES.length * RUNTIMES.length);
  });

  for (const name of [...new Set(rows.map((r) => r.name))]) {
    it(`${name}: AllocateTensors status, failing node, arena figures and Invoke outcome as TFLM's`, () => {
      for (const row of rows.filter((r) => r.name === name)) {
        const what = `${name} ${row.dtype} on ${row.runtime}`;
        const bytes = oneOpModel(name, row.dtype);
        assert.equal(sha256(bytes), row.sha256,
          `${what} no longer builds the measured bytes: its row does not apply (re-measure it)`);
        const report = analyzeModel(readTflite(bytes), row.runtime);
        assert.equal(report.status, row.status, what);
        const atAllocate = report.unsupportedOps.filter((u) => u.stage !== 'invoke');
        const atInvoke = report.unsupportedOps.filter((u) => u.stage === 'invoke');
        if (row.figures) {
          const { arenaUsedBytes, headBytes, tailBytes } = report.memory;
          assert.deepEqual({ arenaUsedBytes, headBytes, tailBytes }, row.figures, what);
          assert.deepEqual(atAllocate, [], what);
          assert.equal(atInvoke.length, row.invoke === 'error' ? 1 : 0, `${what}: Invoke ${row.invoke} on TFLM`);
        }
        if (row.failure) {
          const first = atAllocate.flatMap((u) => u.layers.map((node) => ({ op: u.op, node })))[0];
          assert.deepEqual(first, row.failure, what);
        }
      }
    });
  }
});
