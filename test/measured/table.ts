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
