/**
 * Checks the project's Invoke-stage claims against real Invokes in the rig. Reads measure.ts model rows (one real
 * AllocateTensors() and, when it succeeds, one real Invoke() per model and build), analyses each model with the
 * project's own analysis for the matching runtime (reference -> tflm-reference, cmsis_nn -> tflm-cmsis-nn, on every
 * core), and writes one row per model and build where either side says the model fails at Invoke, or where the two
 * disagree on what happens:
 *
 *   model, sha256, build (CORE:KERNELS), status (the rig's), failing_node (the rig's, OP@N), claim (ours: ok,
 *   unsupported, invoke_error), claim_node (ours, OP@N), verdict (agree | wrong_claim | missed_failure)
 *
 * An `invoke_fault` (the Invoke crashed instead of returning an error) counts as failing at Invoke. Rows are sorted
 * by model, then build. Prints a summary to stderr.
 *
 *   node --import tsx tools/tflm-harness/invoke-claims.ts --models DIR [--models DIR ...] --out FILE RIG_MODELS.tsv ...
 */
import { writeFileSync } from 'node:fs';

import type { AnalysisReport } from '../../server/src/analysis/report.js';
import { analyserFor } from './analysis.js';
import { readTsv } from './tsv.js';

function usage(msg: string): never {
  process.stderr.write(`invoke-claims.ts: ${msg}\n`);
  process.exit(2);
}

type Claim = { status: 'ok' | 'unsupported' | 'invoke_error'; node: string };

/** Our verdict: the first node (by subgraph, then layer) that fails in AllocateTensors(), else at Invoke(). */
function claimOf(report: AnalysisReport): Claim {
  const stage = report.status === 'unsupported' ? 'allocate' : 'invoke';
  let first: { sg: number; layer: number; op: string } | null = null;
  for (const u of report.unsupportedOps) {
    if ((u.stage ?? 'allocate') !== stage) continue;
    for (const layer of u.layers) {
      if (!first || u.subgraph < first.sg || (u.subgraph === first.sg && layer < first.layer)) first = { sg: u.subgraph, layer, op: u.op };
    }
  }
  if (report.status === 'unsupported') return { status: 'unsupported', node: first ? `${first.op.replace(/^CUSTOM:/, '')}@${first.layer}` : '' };
  return first ? { status: 'invoke_error', node: `${first.op.replace(/^CUSTOM:/, '')}@${first.layer}` } : { status: 'ok', node: '' };
}

const dirs: string[] = [];
const inputs: string[] = [];
let out = '';
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--models') dirs.push(argv[++i] ?? usage('--models needs a folder'));
  else if (a === '--out') out = argv[++i] ?? usage('--out needs a file');
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else inputs.push(a);
}
if (!out || dirs.length === 0 || inputs.length === 0) usage('give --models DIR, --out FILE and at least one rig models TSV');

const analyse = analyserFor(dirs);

const fails = (s: string): boolean => s === 'invoke_error' || s === 'invoke_fault';
const rows: string[][] = [];
let missing = 0;
const tally = new Map<string, number>();
for (const input of inputs) {
  for (const r of readTsv(input)) {
    const report = analyse(r.model!, r.kernels!);
    if (!report) {
      missing++;
      continue;
    }
    const claim = claimOf(report);
    const rig = r.status!;
    const rigFailsAtInvoke = fails(rig);
    let verdict: string;
    if (claim.status === 'invoke_error') verdict = rigFailsAtInvoke ? 'agree' : 'wrong_claim';
    else if (claim.status === 'unsupported') verdict = rig === 'unsupported' ? 'agree' : 'wrong_claim';
    else verdict = rig === 'ok' ? 'agree' : 'missed_failure';
    if (claim.status !== 'invoke_error' && !rigFailsAtInvoke && verdict === 'agree') continue;
    tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
    rows.push([r.model!, r.sha256!, `${r.core}:${r.kernels}`, rig, r.failing_node!, claim.status, claim.node, verdict]);
  }
}
rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[2]! < b[2]! ? -1 : a[2]! > b[2]! ? 1 : 0));
const header = [
  '# Invoke-stage claims against real Invokes: rig rows (tools/tflm-harness/measure.ts, TFLM 90b983c2 under QEMU) where',
  '# the rig or the project\'s analysis says the model fails at Invoke, or where they disagree (tools/tflm-harness/invoke-claims.ts).',
  '# status/failing_node: the rig\'s; claim/claim_node: the project\'s analysis (tflm-reference or tflm-cmsis-nn runtime).',
  ['model', 'sha256', 'build', 'status', 'failing_node', 'claim', 'claim_node', 'verdict'].join('\t'),
];
writeFileSync(out, header.join('\n') + '\n' + rows.map((r) => r.join('\t')).join('\n') + (rows.length ? '\n' : ''));
process.stderr.write(`${rows.length} rows written to ${out}: ${[...tally].map(([k, v]) => `${v} ${k}`).join(', ')}${missing ? `; ${missing} rig rows without a model file skipped` : ''}\n`);
