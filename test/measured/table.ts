/**
 * Reading the measured tables (tflm_measured.tsv, tflm_one_op.tsv): comment lines start with '#', then a header that
 * must name exactly the expected columns, then rows of exactly that many tab-separated cells.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The rows of test/measured/<file> as cell arrays (the header checked against `columns`), each with its line. */
export function measuredTable(file: string, columns: readonly string[]): { cells: string[]; line: string }[] {
  const lines = readFileSync(join(__dirname, file), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(lines.shift()?.split('\t'), columns, `${file}: header`);
  return lines.map((line) => {
    const cells = line.split('\t');
    assert.equal(cells.length, columns.length, line);
    return { cells, line };
  });
}

/** sha256 of a rebuilt model, to prove it is the file that was measured. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Whether a rig row's failing_node names this failure: `OP@node` (TFLM stopped at that node's Prepare) or
 * `no-kernel:OP` (no kernel registered for the op; `CUSTOM` for any custom op).
 */
export function namesFailure(failing: string, f: { opName: string; node: number; kind: string }): boolean {
  const missing = /^no-kernel:(.*)$/.exec(failing);
  if (missing) return f.kind === 'unresolved' && (missing[1] === 'CUSTOM' ? f.opName.startsWith('CUSTOM:') : f.opName === missing[1]);
  const [op, node] = failing.split('@');
  return f.opName.replace(/^CUSTOM:/, '') === op && f.node === Number(node);
}

/** The columns of the rig's per-model tables (rig_<core>_<kernels>_{models,builder,sweep_models}.tsv). */
export const RIG_MODEL_COLUMNS = ['model', 'sha256', 'core', 'kernels', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes',
  'min_arena_bytes', 'failing_node', 'ops_executed', 'invoke_instructions', 'ops_instructions', 'profiler_overhead',
  'run_instructions', 'note'];
/** The columns of the rig's per-node Prepare tables (rig_*_prep.tsv). */
export const RIG_PREP_COLUMNS = ['model', 'core', 'kernels', 'subgraph', 'node', 'op', 'scratch_buffers', 'scratch_bytes', 'scratch_list',
  'prepare_tail_bytes'];

/** What a rig row is checked against: a report's status, failures and arena figures. */
interface RigReport {
  status: string;
  memory: { arenaUsedBytes: number; headBytes: number; tailBytes: number; minArenaBytes: number };
  detail: { failures: readonly { opName: string; node: number; kind: string }[] };
}

/**
 * Checks one rig model row against a report: an unsupported row must be unsupported with its failing node named;
 * any other (ok, or allocated and then failed at Invoke) must allocate with the same used, head and tail bytes, and
 * the same minimum where measured. Returns whether the arena figures were compared.
 */
export function checkRigRow(r: RigReport, c: readonly string[], line: string): boolean {
  if (c[4] === 'unsupported') {
    assert.equal(r.status, 'unsupported', line);
    assert.ok(r.detail.failures.some((f) => namesFailure(c[9]!, f)), `${line}: the failing node`);
    return false;
  }
  assert.equal(r.status, 'ok', line);
  assert.deepEqual([r.memory.arenaUsedBytes, r.memory.headBytes, r.memory.tailBytes], [Number(c[5]), Number(c[6]), Number(c[7])], line);
  if (c[8] !== '') assert.equal(r.memory.minArenaBytes, Number(c[8]), `${line}: minimum`);
  return true;
}

/** Checks one rig Prepare row against the replay's node records: scratch requests and Prepare persistent bytes. */
export function checkPrepRow(nodes: readonly { subgraph: number; node: number; scratch: number[]; preparePersistentBytes: number }[],
  c: readonly string[], line: string): void {
  const node = nodes.find((n) => n.subgraph === Number(c[3]) && n.node === Number(c[4]));
  assert.ok(node, line);
  assert.equal(`${node.scratch.length} ${node.scratch.join('+') || '0'} ${node.preparePersistentBytes}`, `${c[6]} ${c[8]} ${c[9]}`, line);
}
