/**
 * A fuzz campaign: cases (seeded, or the regression corpus) through a CaseRunner, each end classified as clean, a
 * typed error, or a finding (untyped exception, hang, memory, crash) matched against KNOWN_OPEN. Shared by the
 * quick test and the long run, which only differ in counts, budgets and what they do with a finding.
 */
import { findingClass, generate, PROFILES, type FuzzInput } from './harness.js';
import { KNOWN_HANG_BUDGET_MS, KNOWN_OPEN, type FindingKind, type KnownOpen } from './known-open.js';
import { REGRESSIONS } from './regressions.js';
import { CaseRunner, type Job, type JobResult } from './runner.js';

export interface CaseFinding {
  readonly kind: FindingKind;
  /** The class findings are grouped by. */
  readonly cls: string;
  readonly detail: string;
  /** The KNOWN_OPEN entry that tolerates it, or null. */
  readonly known: KnownOpen | null;
}

export interface FindingGroup {
  readonly cls: string;
  readonly kind: FindingKind;
  readonly known: KnownOpen | null;
  count: number;
  /** The first case that showed it: replay with `generate(seed, index, profile)` or the regression name. */
  readonly first: { readonly job: Job; readonly tags: readonly string[]; readonly detail: string };
}

export interface CampaignSummary {
  cases: number;
  byInput: Record<string, number>;
  /** How stages ended: 'read ok', 'analyze ModelFormatError:...' etc., counted. */
  stageEnds: Record<string, number>;
  groups: Map<string, FindingGroup>;
  peakRssBytes: number;
  maxHeapGrowthBytes: number;
}

function knownFor(kind: FindingKind, cls: string, tags: readonly string[]): KnownOpen | null {
  return KNOWN_OPEN.find((k) => k.kind === kind && k.pattern.test(cls) && (k.tags === undefined || k.tags.some((t) => tags.includes(t)))) ?? null;
}

/**
 * A hang, memory or crash finding has no stack: its class is the known-open entry it matches (by input kind and
 * generator tags), else the input kind and its structural tags.
 */
function stacklessFinding(kind: FindingKind, input: FuzzInput, what: string, detail: string): CaseFinding {
  const base = `${kind}: ${input.kind} case`;
  const known = knownFor(kind, base, input.tags);
  const hint = input.tags.filter((t) => STRUCTURAL_TAGS.test(t)).join(', ') || 'no structural tag';
  return { kind, cls: `${base} ${what} [${known ? `known-open ${known.id}` : hint}]`, detail, known };
}

/** Generator tags that hint at why a case hung or ran out of memory; they name those finding classes (no stack there). */
const STRUCTURAL_TAGS = /^(cf-|signal-|custom-huge|huge-shape|quantize-huge|flex-mutated|offline-|tfjs-fill|tfjs-huge|tfjs-limit|manifest-(unknown-keys|aliases|deep))/;

/** The findings of one case's result. */
export function findingsOf(input: FuzzInput, result: JobResult): CaseFinding[] {
  const tags = `tags: ${input.tags.join(', ') || 'none'}`;
  switch (result.status) {
    case 'done':
      return result.report.findings.map((x) => {
        const cls = findingClass(x);
        return { kind: 'untyped', cls, detail: `${x.stage}: ${x.error}: ${x.message} (${x.where})`, known: knownFor('untyped', cls, input.tags) };
      });
    case 'hang':
      return [stacklessFinding('hang', input, 'did not finish within its budget', `budget ${result.budgetMs / 1000} s of ${result.bound === 'cpu' ? 'CPU time' : 'wall time x10'}; ${tags}`)];
    case 'memory':
      return [stacklessFinding('memory', input, 'passed the RSS limit', `${(result.rssBytes / 2 ** 20).toFixed(0)} MiB; ${tags}`)];
    case 'crash':
      return [stacklessFinding('crash', input, 'killed its process', `${result.detail}; ${tags}`)];
  }
}

export interface CampaignOptions {
  readonly jobs: readonly Job[] | { readonly seed: number; readonly cases: number; readonly profile: 'quick' | 'long' };
  /** Hang bound per case. */
  readonly budgetMs: number;
  readonly rssLimitBytes: number;
  /** Stop starting cases after this time (the long run's --minutes). */
  readonly deadline?: number;
  /** Parallel child processes. */
  readonly parallel?: number;
  readonly onCase?: (job: Job, input: FuzzInput, result: JobResult, findings: readonly CaseFinding[], summary: CampaignSummary) => void;
}

function inputOf(job: Job): FuzzInput {
  if (job.type === 'gen') return generate(job.seed, job.index, PROFILES[job.profile]);
  const r = REGRESSIONS.find((x) => x.name === job.name);
  if (!r) throw new Error(`no regression named '${job.name}'`);
  return r.make();
}

/** Budget for `input`: the short one when it carries a known-open hang's tag, else the full one. */
function budgetFor(input: FuzzInput, full: number): number {
  const knownHang = KNOWN_OPEN.some((k) => k.kind === 'hang' && k.tags?.some((t) => input.tags.includes(t)));
  return knownHang ? Math.min(full, KNOWN_HANG_BUDGET_MS) : full;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignSummary> {
  const summary: CampaignSummary = { cases: 0, byInput: {}, stageEnds: {}, groups: new Map(), peakRssBytes: 0, maxHeapGrowthBytes: 0 };
  const list = Array.isArray(opts.jobs) ? opts.jobs as readonly Job[] : null;
  const spec = list ? null : opts.jobs as { seed: number; cases: number; profile: 'quick' | 'long' };
  const total = list ? list.length : spec!.cases;
  let next = 0;
  const take = (): Job | null => {
    if (next >= total || (opts.deadline !== undefined && Date.now() > opts.deadline)) return null;
    const i = next++;
    return list ? list[i]! : { type: 'gen', seed: spec!.seed, index: i, profile: spec!.profile };
  };
  const worker = async (): Promise<void> => {
    const runner = new CaseRunner({ rssLimitBytes: opts.rssLimitBytes });
    try {
      for (let job = take(); job !== null; job = take()) {
        const input = inputOf(job);
        const result = await runner.run(job, budgetFor(input, opts.budgetMs));
        summary.cases++;
        const kind = input.kind + (input.tags.includes('mutated') ? ' (mutated)' : '');
        summary.byInput[kind] = (summary.byInput[kind] ?? 0) + 1;
        if (result.status === 'done') {
          for (const s of result.report.stages) {
            const key = `${s.stage.split(':')[0]} ${s.end}`;
            summary.stageEnds[key] = (summary.stageEnds[key] ?? 0) + 1;
          }
          summary.maxHeapGrowthBytes = Math.max(summary.maxHeapGrowthBytes, result.heapGrowthBytes);
        }
        summary.peakRssBytes = Math.max(summary.peakRssBytes, runner.peakRssBytes);
        const findings = findingsOf(input, result);
        for (const f of findings) {
          const g = summary.groups.get(f.cls);
          if (g) g.count++;
          else summary.groups.set(f.cls, { cls: f.cls, kind: f.kind, known: f.known, count: 1, first: { job, tags: input.tags, detail: f.detail } });
        }
        opts.onCase?.(job, input, result, findings, summary);
      }
    } finally {
      runner.stop();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 1) }, worker));
  return summary;
}

/** Human-readable summary: counts, stage ends, every finding class with its first case, and the KNOWN_OPEN banner. */
export function formatSummary(s: CampaignSummary, label: string): string {
  const lines = [`${label}: ${s.cases} cases (${Object.entries(s.byInput).map(([k, v]) => `${v} ${k}`).join(', ')})`,
    `peak RSS ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB, largest heap growth of one case ${(s.maxHeapGrowthBytes / 2 ** 20).toFixed(1)} MiB`];
  const ends = Object.entries(s.stageEnds).sort(([a], [b]) => a.localeCompare(b));
  lines.push(`stage ends: ${ends.map(([k, v]) => `${k} x${v}`).join('; ')}`);
  const groups = [...s.groups.values()];
  const open = groups.filter((g) => g.known === null);
  const known = groups.filter((g) => g.known !== null);
  const where = (g: FindingGroup): string => (g.first.job.type === 'gen' ? `seed ${g.first.job.seed} case ${g.first.job.index} (${g.first.job.profile})` : `regression '${g.first.job.name}'`);
  if (open.length) {
    lines.push(`NEW FINDINGS (${open.length} classes):`);
    for (const g of open) lines.push(`  [${g.kind}] ${g.cls} x${g.count}\n      first: ${where(g)}; ${g.first.detail}`);
  }
  if (s.cases > 0 && (known.length || KNOWN_OPEN.length)) {
    const bar = '!'.repeat(100);
    lines.push(bar, `!!! KNOWN_OPEN (test/fuzz/known-open.ts): ${KNOWN_OPEN.length} finding classes tolerated until their issue-14 fixes are merged`);
    for (const k of KNOWN_OPEN) {
      const hits = known.filter((g) => g.known === k);
      const n = hits.reduce((a, g) => a + g.count, 0);
      lines.push(`!!!   ${k.id} [${k.kind}] (${k.issueCase}): ${n ? `${n} cases` : 'not seen in this run (if the regression corpus does not show it either, it is fixed: delete the entry)'}`);
      for (const g of hits.slice(0, 3)) lines.push(`!!!       ${g.cls} x${g.count}; first: ${where(g)}`);
    }
    lines.push(bar);
  }
  return lines.join('\n');
}

/** The regression corpus as jobs. */
export const regressionJobs = (): Job[] => REGRESSIONS.map((r) => ({ type: 'regression', name: r.name }));
