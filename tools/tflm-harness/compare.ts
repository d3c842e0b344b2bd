/**
 * Checks the rig's arena figures against earlier measurements: ../shared/models/tflm_ground_truth.tsv (Cortex-M4,
 * both kernel sets), tflm_ground_truth_helium.tsv (Cortex-M55, CMSIS-NN) and test/measured/tflm_measured.tsv (the
 * builder models, Cortex-M4). Rows of other cores are compared with the Cortex-M4 figures of their kernel set (the
 * M55/M85 CMSIS-NN rows with the Helium ones). Prints one line per difference and a count per reference file; exit 1 on a difference.
 *
 *   node --import tsx tools/tflm-harness/compare.ts test/measured/instr_models.tsv [REFERENCE.tsv ...]
 */
import { basename } from 'node:path';

import { readTsv } from './tsv.js';

/** The runtime name the reference files use for a rig build. */
function runtimeOf(core: string, kernels: string): string {
  if (kernels === 'reference') return 'tflm-reference';
  return core.startsWith('cortex-m55') || core.startsWith('cortex-m85') ? 'tflm-cmsis-nn-helium' : 'tflm-cmsis-nn';
}

const [mine, ...refs] = process.argv.slice(2);
if (!mine) {
  process.stderr.write('usage: compare.ts RIG_MODELS.tsv [REFERENCE.tsv ...]\n');
  process.exit(2);
}
const rows = readTsv(mine);
const references = refs.length
  ? refs
  : ['../shared/models/tflm_ground_truth.tsv', '../shared/models/tflm_ground_truth_helium.tsv', 'test/measured/tflm_measured.tsv'];
let bad = 0;
for (const ref of references) {
  const want = new Map<string, Record<string, string>>();
  for (const r of readTsv(ref)) want.set(`${r.model!.replace(/\.tflite$/, '')}|${r.runtime}`, r);
  let compared = 0;
  let differ = 0;
  for (const r of rows) {
    // Every core is compared: the references were measured on the Cortex-M4 (DSP path) and the M55 (Helium path),
    // and TFLM's arena does not depend on the core otherwise; a CMSIS-NN difference on a core without the DSP
    // extension (M0+) is CMSIS-NN's plain C path asking for other scratch, not a rig error.
    const core = r.core!;
    const runtime = runtimeOf(core, r.kernels!);
    const w = want.get(`${r.model}|${runtime}`);
    if (!w) continue;
    compared++;
    // The references record AllocateTensors(); an Invoke that fails afterwards is still an allocated model.
    const allocated = r.arena_used_bytes !== '';
    const fields: [string, string][] = [
      ['status', allocated ? 'ok' : 'unsupported'],
      ['arena_used_bytes', r.arena_used_bytes!],
      ['head_bytes', allocated ? r.head_bytes! : ''],
      ['tail_bytes', allocated ? r.tail_bytes! : ''],
    ];
    if (r.min_arena_bytes) fields.push(['min_arena_bytes', r.min_arena_bytes]);
    const diffs: string[] = [];
    for (const [k, v] of fields) {
      let expected = w[k] ?? '';
      if (expected === '-') expected = '';
      if (w.status !== 'ok' && k !== 'status') continue;
      if (expected !== v) diffs.push(`${k} ${v} (expected ${expected})`);
    }
    if (diffs.length) {
      differ++;
      process.stdout.write(`${basename(ref)}: ${r.model} ${core} ${r.kernels}: ${diffs.join(', ')}\n`);
    }
  }
  bad += differ;
  process.stdout.write(`${basename(ref)}: ${compared} rows compared, ${compared - differ} equal, ${differ} differ\n`);
}
process.exit(bad ? 1 : 0);
