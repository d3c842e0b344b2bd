/**
 * Real models converted by TinyML Lens, run on TFLM itself: `node --import tsx scripts/converted-rig.ts
 * [--root DIR] [--out DIR] [--only NAME,...] [--measure] [--jobs N]`, then `... --table > test/measured/converted_rig.tsv`.
 *
 * 1. Every model of `REAL_MODELS` (scripts/real-models.ts) found under --root (default /work/scratch-real/src) is
 *    converted; the float .tflite and its int8 quantization (4 random samples in [-1, 1], seed 3, int8 inputs and
 *    outputs) are written to --out (default /work/scratch-real/out) with `index.tsv` (the source's sha256, the
 *    converter, our figures for both kernel sets) and `failed.tsv` (what did not convert or quantize, and why).
 * 2. `--measure` runs tools/tflm-harness/measure.ts on them (Cortex-M4F, CMSIS-NN and reference; `--min`, `--mode tb`):
 *    status, arena used / head / tail and the minimum arena that TFLM's AllocateTensors() needs, and one Invoke.
 * 3. `--table` joins both into the committed table that test/unit/converted-rig.test.ts checks.
 *
 * The models are not part of this repository (licences, size): scripts/real-models.ts says where each comes from.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeModel } from '../server/src/analysis/report.js';
import type { KernelSet } from '../server/src/analysis/tflm/kernels/types.js';
import { convertModel, type ConvertSource } from '../server/src/convert/index.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { quantizeModel, randomSamples } from '../server/src/quantize/index.js';
import { REAL_MODELS, type RealModel } from './real-models.js';
import { readExternalData } from '../server/src/files/onnx-external.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function arg(name: string, fallback: string): string {
  const k = process.argv.indexOf(name);
  return k >= 0 && process.argv[k + 1] ? process.argv[k + 1]! : fallback;
}

const ROOT = arg('--root', '/work/scratch-real/src');
const OUT = arg('--out', '/work/scratch-real/out');
const ONLY = new Set(arg('--only', '').split(',').filter(Boolean));
const RUNTIMES: readonly KernelSet[] = ['tflm-cmsis-nn', 'tflm-reference'];
/** The largest .tflite measured: the an386 harness holds model + arena in 16 MiB (12 MiB arena by default). */
const RIG_MAX_MODEL = 8 * 1024 * 1024;
const KERNELS: Record<KernelSet, string> = { 'tflm-cmsis-nn': 'cmsis_nn', 'tflm-reference': 'reference' };

/** The source as the CLI would read it: the format from the file name, a TF.js model's shards or an ONNX model's data files beside it. */
export function sourceOf(m: RealModel, root: string): ConvertSource {
  const path = join(root, m.file);
  const bytes = new Uint8Array(readFileSync(path));
  const shards = new Map<string, Uint8Array>();
  if (m.converter === 'tfjs-layers') {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { weightsManifest?: { paths: string[] }[] };
    for (const g of doc.weightsManifest ?? []) for (const p of g.paths) shards.set(p, new Uint8Array(readFileSync(join(dirname(path), p))));
  }
  // An ONNX model's external data files (PyTorch's model.onnx.data), read beside it as the CLI reads them.
  if (m.converter === 'onnx') for (const [location, data] of readExternalData(path, bytes).files) shards.set(location, data);
  return { format: m.converter, name: m.file, bytes, shards };
}

/** Our four figures for a .tflite on one kernel set, as TFLM's harness prints them. */
function ours(bytes: Uint8Array, runtime: KernelSet): string[] {
  const r = analyzeModel(readTflite(bytes), runtime);
  if (r.status !== 'ok') return ['unsupported', '', '', '', ''];
  const m = r.memory;
  return ['ok', String(m.arenaUsedBytes), String(m.headBytes), String(m.tailBytes), String(m.minArenaBytes)];
}

function write(): void {
  mkdirSync(OUT, { recursive: true });
  const index: string[] = [];
  const failed: string[] = [];
  for (const m of REAL_MODELS) {
    if (ONLY.size && !ONLY.has(m.name)) continue;
    if (!existsSync(join(ROOT, m.file))) {
      process.stderr.write(`${m.name}: ${m.file} not under ${ROOT}, skipped\n`);
      continue;
    }
    const source = sourceOf(m, ROOT);
    const srcSha = sha256(source.bytes);
    if (m.sha256 && m.sha256 !== srcSha) {
      process.stderr.write(`${m.name}: ${m.file} has sha256 ${srcSha}, scripts/real-models.ts records ${m.sha256}: skipped\n`);
      continue;
    }
    let float: Uint8Array;
    try {
      float = convertModel(source, { inputShapes: new Map(Object.entries(m.inputShapes ?? {})), inputValues: new Map(Object.entries(m.inputValues ?? {})) }).tflite;
    } catch (e) {
      failed.push([m.name, srcSha, m.converter, 'convert', (e as Error).message.replace(/\s+/g, ' ')].join('\t'));
      process.stderr.write(`${m.name}: not converted: ${(e as Error).message}\n`);
      continue;
    }
    const variants: [string, Uint8Array][] = [['float', float]];
    try {
      const model = readTflite(float);
      const shapes = model.subgraphs[0]!.inputs.map((i) => model.subgraphs[0]!.tensors[i]!.shape);
      variants.push(['int8', quantizeModel(model, randomSamples(shapes, 4, -1, 1, 3), 'int8').bytes]);
    } catch (e) {
      failed.push([m.name, srcSha, m.converter, 'int8', (e as Error).message.replace(/\s+/g, ' ')].join('\t'));
      process.stderr.write(`${m.name}: not quantized: ${(e as Error).message}\n`);
    }
    for (const [variant, bytes] of variants) {
      const file = `${m.name}_${variant}`;
      writeFileSync(join(OUT, `${file}.tflite`), bytes);
      for (const rt of RUNTIMES) index.push([file, m.name, srcSha, m.converter, variant, sha256(bytes), KERNELS[rt], ...ours(bytes, rt)].join('\t'));
    }
    process.stderr.write(`${m.name}: written (${variants.map((v) => `${v[0]} ${v[1].length} B`).join(', ')})\n`);
  }
  // With --only, the other models' rows are kept.
  const keep = (file: string): string[] => (ONLY.size && existsSync(join(OUT, file))
    ? readFileSync(join(OUT, file), 'utf8').split('\n').filter((l) => l && !l.split('\t').slice(0, 2).some((c) => ONLY.has(c)))
    : []);
  writeFileSync(join(OUT, 'index.tsv'), [...keep('index.tsv'), ...index].join('\n') + '\n');
  const fails = [...keep('failed.tsv'), ...failed];
  writeFileSync(join(OUT, 'failed.tsv'), fails.join('\n') + (fails.length ? '\n' : ''));
}

function measure(): void {
  const rows = readFileSync(join(OUT, 'index.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const files = rows.filter((c) => !ONLY.size || ONLY.has(c[1]!)).map((c) => c[0]!);
  // The harness loads the model and the arena into the board's 16 MiB PSRAM: larger files cannot run there.
  const models = [...new Set(files)].map((f) => join(OUT, `${f}.tflite`)).filter((f) => statSync(f).size <= RIG_MAX_MODEL);
  const r = spawnSync('node', [
    '--import', 'tsx', join(__dirname, '..', 'tools', 'tflm-harness', 'measure.ts'),
    '--build', 'cortex-m4+fp:cmsis_nn', '--build', 'cortex-m4+fp:reference', '--min', '--mode', 'tb',
    '--jobs', arg('--jobs', '2'), '--timeout', '1800',
    '--out-models', join(OUT, 'rig_models.tsv'), '--out-ops', join(OUT, 'rig_ops.tsv'), ...models,
  ], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export const TABLE_COLUMNS = [
  'model', 'source', 'source_sha256', 'converter', 'variant', 'tflite_sha256', 'core', 'kernels', 'tflm_status',
  'tflm_arena_used', 'tflm_head', 'tflm_tail', 'tflm_min_arena', 'ours_status', 'ours_arena_used', 'ours_head',
  'ours_tail', 'ours_min_arena',
];

function table(): void {
  const rig = new Map<string, string[]>();
  for (const l of readFileSync(join(OUT, 'rig_models.tsv'), 'utf8').split('\n')) {
    const c = l.split('\t');
    if (l.startsWith('#') || c[0] === 'model' || c.length < 9) continue;
    rig.set(`${c[1]} ${c[3]}`, c); // by the .tflite's sha256 and kernel set: the rows are for these exact bytes
  }
  const lines = [
    '# Real models converted by TinyML Lens (scripts/converted-rig.ts; sources in scripts/real-models.ts), float and',
    '# int8, run by TFLM 90b983c2 itself under QEMU (tools/tflm-harness, Cortex-M4F mps2-an386, one Invoke after',
    '# AllocateTensors; tflm_status ok = both succeeded, allocated = AllocateTensors succeeded and QEMU did not finish the',
    '# Invoke within the timeout). tflm_* are TFLM\'s figures, ours_* the memory model\'s.',
    TABLE_COLUMNS.join('\t'),
  ];
  // Notes go after the header's four comment lines, before the column names.
  const tooLarge = new Set<string>();
  const unmeasured: string[] = [];
  for (const l of readFileSync(join(OUT, 'index.tsv'), 'utf8').split('\n').filter(Boolean)) {
    const [file, name, srcSha, converter, variant, sha, kernels, ...our] = l.split('\t') as [string, string, string, string, string, string, string, ...string[]];
    if (statSync(join(OUT, `${file}.tflite`)).size > RIG_MAX_MODEL) {
      tooLarge.add(`${file} (${statSync(join(OUT, `${file}.tflite`)).size} B)`);
      continue;
    }
    const r = rig.get(`${sha} ${kernels}`);
    const source = REAL_MODELS.find((m) => m.name === name)!.source;
    // A run whose Invoke QEMU did not finish on this loaded machine, after AllocateTensors printed its figures, is
    // tabled as 'allocated' (the arena is decided by AllocateTensors); one with no figures is said, not tabled.
    const allocated = r?.[4] === 'timeout' && [r[5], r[6], r[7], r[8]].every((v) => Number(v) > 0);
    if (!r || (r[4] === 'timeout' && !allocated)) {
      unmeasured.push(`${file} ${kernels} (${r ? r[15] || 'timeout' : 'not run'})`);
      continue;
    }
    const tflm = [allocated ? 'allocated' : r[4]!, r[5]!, r[6]!, r[7]!, r[8]!];
    lines.push([file, source, srcSha, converter, variant, sha, r?.[2] ?? 'cortex-m4+fp', kernels, ...tflm, ...our].join('\t'));
  }
  if (tooLarge.size) lines.splice(4, 0, `# Not run: larger than the ${RIG_MAX_MODEL} B the rig's board holds beside the arena: ${[...tooLarge].join(', ')}.`);
  if (unmeasured.length) lines.splice(4, 0, `# Not measured: ${unmeasured.join(', ')}.`);
  process.stdout.write(lines.join('\n') + '\n');
}

if (require.main === module) {
  if (process.argv.includes('--table')) table();
  else {
    if (!process.argv.includes('--measure-only')) write();
    if (process.argv.includes('--measure') || process.argv.includes('--measure-only')) measure();
  }
}
