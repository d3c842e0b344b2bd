/**
 * Conformance: our TensorFlow Lite Micro figures against what TFLM itself reported for every model and kernel set in
 * ../shared/models/tflm_ground_truth.tsv (Cortex-M4: reference kernels, CMSIS-NN on its DSP path) and
 * tflm_ground_truth_helium.tsv (Cortex-M55: CMSIS-NN on its Helium/MVE path, runtime `tflm-cmsis-nn-helium` there,
 * analysed as `tflm-cmsis-nn` with the code path of the row's core). Needs ../shared (present in CI, absent from a
 * user's fresh clone).
 *
 *   npm run conformance            # table of model x figure, expected and actual; exit 1 on any difference
 *   npm run conformance -- --quiet # only differences and the totals
 *
 * Rows with status 'ok' must match arena_used_bytes, head_bytes, tail_bytes and min_arena_bytes to the byte. Rows with
 * status 'unsupported' must come out unsupported with the failing op named; where the ground truth also measured the
 * model with the unresolved op replaced by a no-op, our estimate must match those figures too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeModel } from '../server/src/analysis/report.js';
import type { CodePath, KernelSet } from '../server/src/analysis/tflm/kernels/types.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { codePathFor } from '../server/src/targets/code-path.js';

/** The ground-truth files, each checked when present (the first one must be). */
const TRUTH_FILES = ['tflm_ground_truth.tsv', 'tflm_ground_truth_helium.tsv'];
/** The helium file's runtime name: the CMSIS-NN kernels, on the code path of the row's core. */
const HELIUM_RUNTIME = 'tflm-cmsis-nn-helium';

const sharedModels = resolve(__dirname, '../../shared/models');
const quiet = process.argv.includes('--quiet');

interface Check {
  model: string;
  runtime: string;
  figure: string;
  expected: string;
  actual: string;
  pass: boolean;
}

function main(): number {
  const first = join(sharedModels, TRUTH_FILES[0]!);
  if (!existsSync(first)) {
    console.error(`conformance: ${first} not found; this suite needs ../shared beside the checkout (CI has it).`);
    return 2;
  }
  const checks: Check[] = [];
  const totals: string[] = [];
  for (const file of TRUTH_FILES) {
    const truthPath = join(sharedModels, file);
    if (!existsSync(truthPath)) {
      totals.push(`${file}: not found, skipped`);
      continue;
    }
    const lines = readFileSync(truthPath, 'utf8').trim().split('\n');
    const header = lines.shift()!.split('\t');
    const fileChecks: Check[] = [];
    for (const line of lines) {
      const cells = line.split('\t');
      const row = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
      fileChecks.push(...checkRow(row));
    }
    const bad = fileChecks.filter((c) => !c.pass).length;
    totals.push(`${file}: ${fileChecks.length - bad} passed, ${bad} failed`);
    checks.push(...fileChecks);
  }
  printTable(checks);
  const failed = checks.filter((c) => !c.pass).length;
  console.log('');
  for (const t of totals) console.log(`  ${t}`);
  console.log(`conformance: ${checks.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function checkRow(row: Record<string, string>): Check[] {
  const model = row.model!;
  const runtime = row.runtime!;
  const helium = runtime === HELIUM_RUNTIME;
  const kernels = (helium ? 'tflm-cmsis-nn' : runtime) as KernelSet;
  const codePath: CodePath = helium ? codePathFor(row.core ?? 'cortex-m55') : 'dsp';
  const out: Check[] = [];
  const check = (figure: string, expected: string | number, actual: string | number): void => {
    out.push({ model, runtime, figure, expected: String(expected), actual: String(actual), pass: String(expected) === String(actual) });
  };
  let report;
  try {
    report = analyzeModel(readTflite(new Uint8Array(readFileSync(join(sharedModels, model)))), kernels, {}, codePath);
  } catch (e) {
    check('analysis', 'a report', `error: ${(e as Error).message}`);
    return out;
  }
  check('status', row.status!, report.status);
  if (row.status === 'ok') {
    check('arena_used_bytes', row.arena_used_bytes!, report.memory.arenaUsedBytes);
    check('head_bytes', row.head_bytes!, report.memory.headBytes);
    check('tail_bytes', row.tail_bytes!, report.memory.tailBytes);
    check('min_arena_bytes', row.min_arena_bytes!, report.memory.minArenaBytes);
    return out;
  }
  // failing_ops: 'OP@node' (Prepare failed) or 'OP' (no kernel); TFLM stops at the first, we report all.
  for (const failing of row.failing_ops!.split(/[;,]\s*/).filter(Boolean)) {
    const [op, node] = failing.split('@');
    const found = report.unsupportedOps.some((u) => u.op === op && (node === undefined || u.layers.includes(Number(node))));
    check(`fails ${failing}`, 'reported', found ? 'reported' : `not reported (${report.unsupportedOps.map((u) => `${u.op}@${u.layers.join('/')}`).join(', ') || 'none'})`);
  }
  const stub = /replaced by a no-op: used (\d+) head (\d+) tail (\d+)/.exec(row.note ?? '');
  if (stub) {
    check('estimate used (op as no-op)', stub[1]!, report.memory.arenaUsedBytes);
    check('estimate head (op as no-op)', stub[2]!, report.memory.headBytes);
    check('estimate tail (op as no-op)', stub[3]!, report.memory.tailBytes);
  }
  return out;
}

function printTable(checks: Check[]): void {
  const shown = quiet ? checks.filter((c) => !c.pass) : checks;
  const cols: (keyof Check)[] = ['model', 'runtime', 'figure', 'expected', 'actual'];
  const width = (k: keyof Check): number => Math.max(k.length, ...shown.map((c) => String(c[k]).length));
  const widths = cols.map(width);
  const fmt = (cells: string[], mark: string): string => `${mark} ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  console.log(fmt(cols.map(String), ' '));
  for (const c of shown) console.log(fmt(cols.map((k) => String(c[k])), c.pass ? ' ' : '✗'));
}

process.exitCode = main();
