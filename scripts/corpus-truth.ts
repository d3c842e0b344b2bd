// Compares the corpus golden table with what TFLM itself reported for the same files (matched by sha256):
// ../shared/models/tflm_ground_truth*.tsv (file names, hashed in their folder) and the rig's tables
// (test/measured/instr_models.tsv and rig_*_models.tsv, test/corpus/rig_*_models.tsv: a sha256 column). Prints every
// figure that differs.
//   node --import tsx scripts/corpus-truth.ts [--shared ../shared/models] [TSV...]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseGolden, parseManifest } from './corpus-lib.js';

const ROOT = resolve(__dirname, '..');
const args = process.argv.slice(2);
const sharedAt = args.indexOf('--shared');
const shared = resolve(sharedAt >= 0 ? args[sharedAt + 1]! : join(ROOT, '..', 'shared', 'models'));
const rigTables = args.filter((a, i) => !a.startsWith('--') && (sharedAt < 0 || i !== sharedAt + 1));
if (rigTables.length === 0) {
  for (const dir of [join(ROOT, 'test', 'measured'), join(ROOT, 'test', 'corpus')]) {
    rigTables.push(...readdirSync(dir).filter((f) => f === 'instr_models.tsv' || /^rig_.*_models\.tsv$/.test(f)).map((f) => join(dir, f)));
  }
}

const manifest = parseManifest(readFileSync(join(ROOT, 'test', 'corpus', 'manifest.tsv'), 'utf8'));
const golden = parseGolden(readFileSync(join(ROOT, 'test', 'corpus', 'golden.tsv'), 'utf8'));
const nameOf = new Map(manifest.map((e) => [e.sha256, e.name]));
const figures = new Map(golden.map((r) => [`${r.model}\t${r.command}`, r]));

function rows(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const head = lines[0]?.split('\t') ?? [];
  return lines.slice(1).map((l) => Object.fromEntries(l.split('\t').map((c, i) => [head[i] ?? `c${i}`, c])));
}

/** The golden command whose figures TFLM's build measured. */
function commandFor(core: string, kernels: string): string | null {
  if (kernels === 'reference' || kernels === 'tflm-reference') return 'analyze-ref';
  if (core === 'cortex-m55') return 'analyze-m55';
  if (core === 'cortex-m0plus') return null; // CMSIS-NN's plain C path is not what either command models
  return 'analyze-cmsis';
}

let compared = 0;
const models = new Set<string>();
const diffs: string[] = [];
function compare(sha: string, core: string, kernels: string, t: Record<string, string>, source: string): void {
  const model = nameOf.get(sha);
  const command = commandFor(core, kernels);
  if (!model || !command) return;
  const g = figures.get(`${model}\t${command}`);
  if (!g) return;
  compared++;
  models.add(model);
  const ours = Object.fromEntries(g.figures.split(' ').map((kv) => kv.split('=') as [string, string]));
  const rigOk = t['status'] === 'ok' || t['status'] === 'invoke_error' || t['status'] === 'invoke_fault';
  if (rigOk !== (g.status === 'ok')) diffs.push(`${model} ${command} (${source} ${core}): TFLM ${t['status']}, ours ${g.status}`);
  if (!rigOk || g.status !== 'ok') return;
  for (const [col, key] of [['arena_used_bytes', 'used'], ['head_bytes', 'head'], ['tail_bytes', 'tail'], ['min_arena_bytes', 'min']] as const) {
    const want = t[col];
    if (want === undefined || want === '' || !/^\d+$/.test(want)) continue;
    if (ours[key] !== want) diffs.push(`${model} ${command} (${source} ${core}): ${key} TFLM ${want}, ours ${ours[key] ?? '-'}`);
  }
}

for (const file of ['tflm_ground_truth.tsv', 'tflm_ground_truth_helium.tsv'].map((f) => join(shared, f))) {
  if (!existsSync(file)) continue;
  for (const t of rows(file)) {
    const path = join(shared, t['model'] ?? '');
    if (!existsSync(path)) continue;
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    const helium = t['runtime'] === 'tflm-cmsis-nn-helium';
    compare(sha, helium ? 'cortex-m55' : 'cortex-m4+fp', helium ? 'cmsis_nn' : t['runtime']!, t, 'ground truth');
  }
}
for (const file of rigTables) {
  for (const t of rows(file)) if (t['sha256']) compare(t['sha256'], t['core'] ?? '', t['kernels'] ?? '', t, file.split('/').pop()!);
}
for (const d of diffs) console.log(d);
console.log(`corpus truth: ${compared} comparisons on ${models.size} models with TFLM's own figures, ${diffs.length} differences`);
process.exitCode = diffs.length > 0 ? 1 : 0;
