/**
 * How well one instruction set's counts stand in for another's: per whole model (the rig's Invoke instructions of the
 * same model on two builds, status ok on both), the ratio count(b) / count(a), and over the models its median, its
 * geometric standard deviation and its extremes. Reads the committed rig TSVs (test/measured/), nothing else. The
 * geometric SD is the model-to-model dispersion a proxy adds: a fixed ratio applied to another model is off by about
 * x/÷ gsd (one sigma). Integer models are split from float ones (FPU or not differs between the ISAs).
 *
 *   node --import tsx scripts/instr-isa-ratio.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const MEASURED = resolve(__dirname, '../test/measured');

/** A build's whole-model TSVs (shared and builder models) and the core / kernels columns that pick its rows. */
export interface RatioBuild { build: string; files: readonly string[]; core: string; kernels: string }

export const RATIO_BUILDS: readonly RatioBuild[] = [
  { build: 'cortex-m4+fp:reference', files: ['instr_models.tsv'], core: 'cortex-m4+fp', kernels: 'reference' },
  { build: 'cortex-m0plus:reference', files: ['rig_m0plus_reference_models.tsv', 'rig_m0plus_reference_builder.tsv'], core: 'cortex-m0plus', kernels: 'reference' },
  { build: 'cortex-m33:reference', files: ['rig_m33_reference_models.tsv', 'rig_m33_reference_builder.tsv'], core: 'cortex-m33', kernels: 'reference' },
  { build: 'rv32imc:reference', files: ['rig_rv32imc_reference_models.tsv', 'rig_rv32imc_reference_builder.tsv'], core: 'rv32imc', kernels: 'reference' },
  { build: 'xtensa-lx106:reference', files: ['rig_xtensa_lx106_reference_models.tsv', 'rig_xtensa_lx106_reference_builder.tsv'], core: 'xtensa-lx106', kernels: 'reference' },
];

export interface RatioStats { n: number; median: number; gsd: number; min: number; max: number; minModel: string; maxModel: string }

/** A rig TSV text's data rows (split into cells) and the index of each named column (a missing one throws). */
export function tsvRows<const N extends readonly string[]>(text: string, names: N): { rows: string[][]; at: { [K in keyof N]: number } } {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const head = (lines.shift() ?? '').split('\t');
  const at = names.map((name) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`rig TSV: no column ${name}`);
    return i;
  });
  return { rows: lines.map((l) => l.split('\t')), at: at as { [K in keyof N]: number } };
}

/** Parses a rig TSV text into model -> invoke instructions for the rows of one core and kernel set that ran. */
export function invokeCounts(text: string, core: string, kernels: string): Map<string, number> {
  const { rows, at: [m, c, k, s, n] } = tsvRows(text, ['model', 'core', 'kernels', 'status', 'invoke_instructions']);
  const out = new Map<string, number>();
  for (const f of rows) {
    const count = Number(f[n]);
    if (f[c] === core && f[k] === kernels && f[s] === 'ok' && count > 0) out.set(f[m]!, count);
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** The ratio b / a over the models both ran (null when fewer than 3). */
export function ratioStats(a: Map<string, number>, b: Map<string, number>, keep: (model: string) => boolean = () => true): RatioStats | null {
  const pairs = [...a].filter(([m]) => b.has(m) && keep(m)).map(([m, x]) => [m, b.get(m)! / x] as const);
  if (pairs.length < 3) return null;
  const logs = pairs.map(([, r]) => Math.log(r));
  const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (logs.length - 1));
  const lo = pairs.reduce((p, q) => (q[1] < p[1] ? q : p));
  const hi = pairs.reduce((p, q) => (q[1] > p[1] ? q : p));
  return { n: pairs.length, median: median(pairs.map(([, r]) => r)), gsd: Math.exp(sd), min: lo[1], max: hi[1], minModel: lo[0], maxModel: hi[0] };
}

/** Float models by name (the shared and builder models say fp32 / float / f32 in their names). */
export const isFloatModel = (m: string): boolean => /(fp32|float|_f32|f32_)/i.test(m);

export function buildCounts(b: RatioBuild): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const f of b.files) {
    let text: string;
    try { text = readFileSync(resolve(MEASURED, f), 'utf8'); } catch { return null; }
    for (const [m, v] of invokeCounts(text, b.core, b.kernels)) out.set(m, v);
  }
  return out;
}

/** The shared models (../shared/models, measured into each build's *_models.tsv): whole networks, not one-op models. */
export function sharedModels(): Set<string> {
  return new Set(invokeCounts(readFileSync(resolve(MEASURED, 'rig_m0plus_reference_models.tsv'), 'utf8'), 'cortex-m0plus', 'reference').keys());
}

/** The largest |log(x / median)| of a set of ratios: how far one model's ratio strays from the one a fit would use. */
export function worstLogDeviation(ratios: number[]): number {
  const m = median(ratios);
  return Math.max(...ratios.map((r) => Math.abs(Math.log(r / m))));
}

/** Prints every pair of builds' ratios: shared integer networks, shared float models, the one-op builder models. */
export function printIsaRatios(): void {
  const shared = sharedModels();
  const counts = RATIO_BUILDS.map((b) => [b, buildCounts(b)] as const).filter((x): x is readonly [RatioBuild, Map<string, number>] => x[1] !== null);
  const fmt = (s: RatioStats | null): string => (s === null ? 'n/a' : `n=${s.n} median ${s.median.toFixed(3)} gsd x/÷${s.gsd.toFixed(3)} min ${s.min.toFixed(3)} (${s.minModel}) max ${s.max.toFixed(3)} (${s.maxModel})`);
  for (const [i, [a, ca]] of counts.entries()) {
    for (const [b, cb] of counts.slice(i + 1)) {
      console.log(`${b.build} / ${a.build}`);
      console.log(`  shared integer, >= 1M instructions: ${fmt(ratioStats(ca, cb, (m) => shared.has(m) && !isFloatModel(m) && ca.get(m)! >= 1e6))}`);
      console.log(`  shared integer: ${fmt(ratioStats(ca, cb, (m) => shared.has(m) && !isFloatModel(m)))}`);
      console.log(`  shared float:   ${fmt(ratioStats(ca, cb, (m) => shared.has(m) && isFloatModel(m)))}`);
      console.log(`  builder integer (one-op models): ${fmt(ratioStats(ca, cb, (m) => !shared.has(m) && !isFloatModel(m)))}`);
    }
  }
}

if (process.argv[1]?.endsWith('instr-isa-ratio.ts')) printIsaRatios();
