/**
 * Parsing of the harness's output lines (see src/main.cc): pure functions, used by measure.ts and its tests.
 */

/** The key=value pairs of one output line. */
export function kv(line: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)=(\S+)/g)) r[m[1]!] = m[2]!;
  return r;
}

/**
 * Whether AllocateTensors() succeeded with everything the kernels asked for. TFLM can return kTfLiteOk after a
 * kernel's AllocatePersistentBuffer() failed: CMSIS-NN's FULLY_CONNECTED (MVE path) does not check the pointer it
 * gets for its kernel sums, so in an arena a little too small AllocateTensors() succeeds with a smaller tail, the
 * sums are written through a null pointer and the model is broken. TFLM logs "Failed to allocate tail memory" (or
 * "... memory") then; such a size does not count as enough for the minimum arena.
 */
export function allocatedCleanly(lines: string[]): boolean {
  return lines.some((l) => l.startsWith('ALLOC') && kv(l).status === 'ok') && !lines.some((l) => /^LOG Failed to allocate/.test(l));
}

/** TFLM's first failure from its log: "Node OP (number N) failed to prepare", or a missing registration. */
export function failingNode(lines: string[]): string {
  for (const l of lines) {
    const m = /Node (\S+) \(number (\d+)\w*\) failed to (prepare|invoke|allocate)/.exec(l);
    if (m) return `${m[1]}@${m[2]}`;
    const r = /Failed to get registration from op code (.*)$/.exec(l);
    if (r) return `no-kernel:${r[1]!.trim()}`;
    const c = /Didn't find op for builtin opcode '([^']+)'/.exec(l);
    if (c) return `no-kernel:${c[1]}`;
  }
  const log = lines.find((l) => l.startsWith('LOG '));
  return log ? log.slice(4, 120).replace(/\t/g, ' ') : '';
}

/**
 * The harness's PREP lines (one per node whose Prepare completed, in Prepare order) as rows of measure.ts's --out-prep
 * file: model, core, kernels, subgraph, node, op, scratch buffer count, scratch bytes, the sizes (`+`-joined, `0` for
 * none) and the persistent bytes the node's Prepare allocated. A line missing a field (output cut off) is skipped.
 */
export function prepRows(name: string, b: { core: string; kernels: string }, lines: string[]): string[][] {
  const rows: string[][] = [];
  for (const l of lines) {
    if (!l.startsWith('PREP ')) continue;
    const e = kv(l);
    if (!e.sg || !e.node || !e.op || !e.scratch || !e.tail) continue;
    const sizes = e.scratch === '0' ? [] : e.scratch.split('+').map(Number);
    const bytes = sizes.reduce((a, n) => a + n, 0);
    rows.push([name, b.core, b.kernels, e.sg, e.node, e.op, String(sizes.length), String(bytes), e.scratch, e.tail]);
  }
  return rows;
}
