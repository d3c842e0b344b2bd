/**
 * Compares the rig's per-node scratch (measure.ts --out-prep: the bytes each node's Prepare requested with
 * RequestScratchBufferInArena) with the project's analysis (LayerReport.scratchBytes) for the matching runtime
 * (reference -> tflm-reference, cmsis_nn -> tflm-cmsis-nn, on every core; the analysis models CMSIS-NN's DSP path, so
 * on the M55 a difference is the MVE path's). Prints one line per node that differs and a count; exit 1 on a
 * difference.
 *
 *   node --import tsx tools/tflm-harness/compare-prep.ts PREP.tsv MODEL_DIR [MODEL_DIR ...]
 */
import { analyserFor } from './analysis.js';
import { readTsv } from './tsv.js';

const [prep, ...dirs] = process.argv.slice(2);
if (!prep || dirs.length === 0) {
  process.stderr.write('usage: compare-prep.ts PREP.tsv MODEL_DIR [MODEL_DIR ...]\n');
  process.exit(2);
}
const analyse = analyserFor(dirs);
let equal = 0;
let differ = 0;
let skipped = 0;
for (const r of readTsv(prep)) {
  const [model, kernels] = [r.model!, r.kernels!];
  const report = analyse(model, kernels);
  if (!report) {
    skipped++;
    continue;
  }
  const sg = Number(r.subgraph);
  const node = Number(r.node);
  const layer = report.layers.find((l) => l.subgraph === sg && l.index === node);
  const rig = Number(r.scratch_bytes);
  if (layer && layer.scratchBytes === rig) {
    equal++;
    continue;
  }
  differ++;
  process.stdout.write(`${model} ${r.core} ${kernels} ${sg}/${node} ${r.op}: rig ${rig} (${r.scratch_list}), analysis ${layer ? layer.scratchBytes : 'no such layer'}\n`);
}
process.stdout.write(`${equal} nodes equal, ${differ} differ${skipped ? `, ${skipped} without a model file` : ''}\n`);
process.exit(differ ? 1 : 0);
