/**
 * The long fuzz run: `npm run fuzz -- --cases 1000000 --seed S [--minutes M] [--jobs N] [--out DIR]`.
 * Prints progress every 10 s and a summary at the end; every failing case is written to DIR (default fuzz-findings/)
 * as the input itself (model bytes, model.json and shards, or manifest text) plus case.json (seed, case index,
 * profile, tags, finding), the first few per finding class, for replay. Exit 1 when a finding is not KNOWN_OPEN.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, regressionJobs, runCampaign } from '../test/fuzz/campaign.js';
import type { FuzzInput } from '../test/fuzz/harness.js';
import type { Job } from '../test/fuzz/runner.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    minutes: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    out: { type: 'string', default: 'fuzz-findings' },
    'case-timeout': { type: 'string', default: '60' },
    'rss-limit-mib': { type: 'string', default: '1024' },
    'per-class': { type: 'string', default: '5' },
  },
});

const num = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`fuzz: --${name} must be a non-negative number, not '${v}'`);
    process.exit(2);
  }
  return n;
};

const seed = values.seed === undefined ? (Date.now() & 0x7fffffff) : num('seed', values.seed);
const cases = num('cases', values.cases);
const outDir = path.resolve(values.out);
const perClass = num('per-class', values['per-class']);
const written = new Map<string, number>();
const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 80);

function save(job: Job, input: FuzzInput, cls: string, detail: string): void {
  const n = written.get(cls) ?? 0;
  if (n >= perClass) return;
  written.set(cls, n + 1);
  const dir = path.join(outDir, slug(cls), job.type === 'gen' ? `${job.seed}-${job.index}` : job.name);
  mkdirSync(dir, { recursive: true });
  if (input.kind === 'tflite') writeFileSync(path.join(dir, 'model.tflite'), input.bytes);
  else if (input.kind === 'manifest') writeFileSync(path.join(dir, 'manifest.tinyml.yaml'), input.text);
  else if (input.kind === 'keras') writeFileSync(path.join(dir, input.format === 'keras' ? 'model.keras' : 'model.h5'), input.bytes);
  else if (input.kind === 'onnx') writeFileSync(path.join(dir, 'model.onnx'), input.bytes);
  else {
    writeFileSync(path.join(dir, 'model.json'), input.json);
    // Shard names may be hostile paths: store them flattened, with the real name in case.json.
    [...input.shards.values()].forEach((bytes, i) => writeFileSync(path.join(dir, `shard${i}.bin`), bytes));
  }
  writeFileSync(path.join(dir, 'case.json'), JSON.stringify({
    job, class: cls, detail, tags: input.tags, shards: input.kind === 'tfjs' ? [...input.shards.keys()] : undefined,
    replay: job.type === 'gen' ? `generate(${job.seed}, ${job.index}, PROFILES.${job.profile}) in test/fuzz/harness.ts` : `REGRESSIONS '${job.name}'`,
  }, null, 2));
}

async function main(): Promise<void> {
  const start = Date.now();
  const deadline = values.minutes === undefined ? undefined : start + num('minutes', values.minutes) * 60_000;
  console.log(`fuzz: seed ${seed}, up to ${cases} cases${deadline ? `, ${values.minutes} min` : ''}, ${values.jobs} process(es), findings to ${outDir}`);
  let lastPrint = start;
  const common = {
    budgetMs: num('case-timeout', values['case-timeout']) * 1000,
    rssLimitBytes: num('rss-limit-mib', values['rss-limit-mib']) * 2 ** 20,
    parallel: num('jobs', values.jobs),
    onCase: (job: Job, input: FuzzInput, _r: unknown, findings: readonly { cls: string; detail: string }[], s: { cases: number; groups: Map<string, unknown>; peakRssBytes: number }): void => {
      for (const f of findings) save(job, input, f.cls, f.detail);
      if (Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        const secs = (Date.now() - start) / 1000;
        console.log(`fuzz: ${s.cases} cases in ${secs.toFixed(0)} s (${(s.cases / secs).toFixed(1)}/s), ${s.groups.size} finding classes, peak RSS ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
      }
    },
  };
  const regressions = await runCampaign({ ...common, jobs: regressionJobs() });
  console.log(formatSummary(regressions, 'regression corpus'));
  const summary = await runCampaign({ ...common, jobs: { seed, cases, profile: 'long' }, ...(deadline ? { deadline } : {}) });
  console.log(formatSummary(summary, `seed ${seed}, ${((Date.now() - start) / 60_000).toFixed(1)} min`));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({
    seed, cases: summary.cases, byInput: summary.byInput, stageEnds: summary.stageEnds, peakRssBytes: summary.peakRssBytes,
    maxHeapGrowthBytes: summary.maxHeapGrowthBytes,
    findings: [...summary.groups.values()].map((g) => ({ class: g.cls, kind: g.kind, count: g.count, knownOpen: g.known?.id ?? null, first: g.first })),
  }, null, 2));
  const open = [...summary.groups.values(), ...regressions.groups.values()].filter((g) => g.known === null);
  process.exit(open.length ? 1 : 0);
}

void main();
