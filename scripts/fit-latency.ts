/**
 * Fits the latency cost model's coefficients on measured results (scripts/latency-fit.ts) and writes
 * server/src/analysis/latency/coefficients.json. Needs the shared models:
 *
 *   node --import tsx scripts/fit-latency.ts [../shared/models]
 *
 * The rows in HELD_OUT never enter the fit; bench/latency.ts reports the error on them separately, and the error of
 * every row under a fit without it.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledCoefficients } from '../server/src/analysis/latency/coefficients.ts';
import { MEASURED } from '../server/src/targets/measured.ts';
import { fitCoefficients, leaveOneOut, npuCoefficients, predictFromSums, rowSums, spreadsFrom } from './latency-fit.ts';
import { rowAggregates } from './latency-rows.ts';

const modelsDir = resolve(process.argv[2] ?? join(__dirname, '../../shared/models'));

/** Rows the fit never sees: one model per MLPerf board, one ESP core, and the external-SDRAM Cortex-M7 row. */
export const HELD_OUT = [
  'mlperf-0.5-reference-nucleo-l4r5zi-kws',
  'mlperf-0.7-renesas-ek-ra6m4-kws',
  'one-7598-stm32f767zi-person-detect',
  'mlperf-0.5-pengchenglaboratory-pcl-scepu02-kws',
  'esp-nn-readme-esp32c3-tflm-reference',
  'esp-nn-readme-esp32c3-tflm-esp-nn',
];

// Run as a script (the held-out list is also imported by experiments).
if (process.argv[1]?.endsWith('fit-latency.ts')) {
  const train = MEASURED.rows.filter((r) => !HELD_OUT.includes(r.id)).map((r) => rowSums(rowAggregates(r, modelsDir), bundledCoefficients()));
  const fitted = fitCoefficients(train, HELD_OUT);
  // The range comes from the error on rows a fit did not see (leave-one-out over the training rows).
  const spreads = spreadsFrom(leaveOneOut(train));
  const k = { ...fitted, ethosU: npuCoefficients(modelsDir), paths: Object.fromEntries(Object.entries(fitted.paths).map(([p, c]) => [p, { ...c, spread: spreads[p as keyof typeof spreads] }])) as typeof fitted.paths };
  const out = resolve(__dirname, '../server/src/analysis/latency/coefficients.json');
  writeFileSync(out, `${JSON.stringify({ generatedBy: 'scripts/fit-latency.ts', ...k }, null, 1)}\n`);
  for (const s of train) console.log(s.aggregate.row.id.padEnd(50), (predictFromSums(s, k) / s.aggregate.measuredCycles).toFixed(2));
  console.log(`wrote ${out}`);
}
