/**
 * Fits the instruction model (server/src/analysis/latency/instructions.ts) on the rig's one-op sweep and writes
 * server/src/analysis/latency/instruction-coefficients.json. Deterministic: the same TSV gives the same file.
 *
 *   node --import tsx scripts/fit-instructions.ts [SWEEP.tsv ...]   (default: test/measured/instr_sweep*.tsv and rig_*_sweep*.tsv)
 *
 * Each sweep model is one int8 op named `sw_CLASS_SHAPE` (tools/tflm-harness/sweep-models.ts); its shape is read
 * back from the name. Per (build, kernel class) the coefficients minimise the squared relative error (every point
 * counts alike whatever its size) under non-negativity: every feature is a loop trip count, so a negative
 * coefficient would only fit noise. With at most seven features the exact non-negative optimum is found by solving
 * the least-squares problem on every subset of features and keeping the best one whose coefficients are all >= 0.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  buildClass, instructionFeatures, opShape, padBefore, type ClassFit, type InstructionCoefficients, type OpShape,
} from '../server/src/analysis/latency/instructions.ts';
import { readTflite } from '../server/src/model/tflite/reader.ts';
import { EXTRA_SWEEP } from './sweep-instructions.ts';
import { SEQ_SWEEP } from '../tools/tflm-harness/sweep-seq-models.ts';
import { fitWholeModelBuild, presentBuilds } from './instr-derive.ts';

export interface OpsRow { model: string; build: string; subgraph: number; node: number; depth: number; op: string; instructions: number }

/** The op rows of a measure.ts ops TSV (build = `CORE:KERNELS`) and its comment lines (the sources it names). */
export function readOpsRows(text: string): { rows: OpsRow[]; comments: string[] } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const comments = lines.filter((l) => l.startsWith('#'));
  const body = lines.filter((l) => !l.startsWith('#'));
  const head = (body.shift() ?? '').split('\t');
  const at = (name: string): number => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`ops TSV has no column ${name}`);
    return i;
  };
  const c = { model: at('model'), core: at('core'), kernels: at('kernels'), subgraph: at('subgraph'), node: at('node'), depth: at('depth'), op: at('op'), n: at('instructions') };
  const rows = body.map((l) => {
    const f = l.split('\t');
    return {
      model: f[c.model]!, build: `${f[c.core]}:${f[c.kernels]}`, subgraph: Number(f[c.subgraph]), node: Number(f[c.node]),
      depth: Number(f[c.depth]), op: f[c.op]!, instructions: Number(f[c.n]),
    };
  });
  return { rows, comments };
}

const base = (op: string, h: number, c: number): OpShape => ({
  op, dtype: 'INT8', n: 1, inH: h, inW: h, cin: c, outH: h, outW: h, cout: c, kH: 1, kW: 1, strideH: 1, strideW: 1,
  padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, broadcast: false, elements: h * h * c, rows: h * h, depth: c,
});

function spatial(op: string, h: number, cin: number, cout: number, k: number, s: number, pad: 'SAME' | 'VALID'): OpShape {
  const oh = pad === 'SAME' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1;
  const p = padBefore(pad, h, oh, k, s, 1);
  return { ...base(op, h, cin), outH: oh, outW: oh, cout, kH: k, kW: k, strideH: s, strideW: s, padTop: p, padLeft: p, elements: oh * oh * cout, rows: oh * oh, depth: cout };
}

/** The op shape a sweep model's name describes (sweep-models.ts's naming), or null for another model. */
export function sweepShape(name: string): OpShape | null {
  let m = /^sw_(conv1x1|conv3x3s1same|conv3x3s2valid)_h(\d+)_c(\d+)_o(\d+)$/.exec(name);
  if (m) {
    const [h, c, o] = [Number(m[2]), Number(m[3]), Number(m[4])];
    if (m[1] === 'conv1x1') return spatial('CONV_2D', h, c, o, 1, 1, 'VALID');
    return m[1] === 'conv3x3s1same' ? spatial('CONV_2D', h, c, o, 3, 1, 'SAME') : spatial('CONV_2D', h, c, o, 3, 2, 'VALID');
  }
  m = /^sw_(dw3x3s1same|dw3x3s2valid|avgpool2x2|maxpool2x2|add|addbcast|mul|mulbcast)_h(\d+)_c(\d+)$/.exec(name);
  if (m) {
    const [h, c] = [Number(m[2]), Number(m[3])];
    switch (m[1]) {
      case 'dw3x3s1same': return spatial('DEPTHWISE_CONV_2D', h, c, c, 3, 1, 'SAME');
      case 'dw3x3s2valid': return spatial('DEPTHWISE_CONV_2D', h, c, c, 3, 2, 'VALID');
      case 'avgpool2x2': return spatial('AVERAGE_POOL_2D', h, c, c, 2, 2, 'VALID');
      case 'maxpool2x2': return spatial('MAX_POOL_2D', h, c, c, 2, 2, 'VALID');
      default: return { ...base(m[1]!.startsWith('add') ? 'ADD' : 'MUL', h, c), broadcast: m[1]!.endsWith('bcast') };
    }
  }
  m = /^sw_fc_i(\d+)_u(\d+)$/.exec(name);
  if (m) {
    const [i, u] = [Number(m[1]), Number(m[2])];
    return { ...base('FULLY_CONNECTED', 1, i), cout: u, elements: u, rows: 1, depth: i };
  }
  m = /^sw_softmax_r(\d+)_n(\d+)$/.exec(name);
  if (m) {
    const [r, n] = [Number(m[1]), Number(m[2])];
    return { ...base('SOFTMAX', 1, n), n: r, elements: r * n, rows: r, depth: n };
  }
  return null;
}

/** Solves A x = b (square, partial pivoting); null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Non-negative least squares on relative error: minimises sum ((x . f_i) / y_i - 1)^2 over x >= 0, exactly, by
 * trying every subset of the features. Features are scaled to unit norm first so the normal equations are well
 * conditioned. Features that are zero on every point get 0.
 */
export function fitRelative(features: number[][], measured: number[]): number[] {
  const p = features[0]?.length ?? 0;
  const rows = features.map((f, i) => f.map((v) => v / measured[i]!));
  const norm = Array.from({ length: p }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + r[j]! ** 2, 0)));
  const usable = norm.map((v, j) => (v > 0 ? j : -1)).filter((j) => j >= 0);
  let best: { x: number[]; sse: number } | null = null;
  for (let mask = 1; mask < 1 << usable.length; mask++) {
    const cols = usable.filter((_, i) => mask & (1 << i));
    const ata = cols.map((a) => cols.map((b) => rows.reduce((s, r) => s + (r[a]! / norm[a]!) * (r[b]! / norm[b]!), 0)));
    const atb = cols.map((a) => rows.reduce((s, r) => s + r[a]! / norm[a]!, 0));
    const z = solve(ata, atb);
    if (!z || z.some((v) => v < 0)) continue;
    const x = new Array<number>(p).fill(0);
    cols.forEach((c, i) => { x[c] = z[i]! / norm[c]!; });
    const sse = rows.reduce((s, r) => s + (r.reduce((t, v, j) => t + v * x[j]!, 0) - 1) ** 2, 0);
    if (!best || sse < best.sse - 1e-15) best = { x, sse };
  }
  return best?.x ?? new Array<number>(p).fill(0);
}

export const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** Rounds to 6 significant digits so the JSON is stable and readable. */
const sig = (v: number): number => (v === 0 ? 0 : Number(v.toPrecision(6)));

/** The shape of a sweep row's op: from the rig's sweep name, or from the rebuilt extra-sweep model's IR. */
export function rowShape(name: string): OpShape | null {
  const build = EXTRA_SWEEP[name] ?? SEQ_SWEEP[name];
  if (!build) return sweepShape(name);
  // every build's rows name the same models: each is rebuilt and read once
  const known = rebuilt.get(name);
  if (known) return known;
  const sg = readTflite(build()).subgraphs[0]!;
  const s = opShape(sg, sg.operators[0]!);
  rebuilt.set(name, s);
  return s;
}
const rebuilt = new Map<string, OpShape>();

/** Fits every (build, kernel class) the sweep rows cover. */
export function fitSweep(rows: OpsRow[], source: string): InstructionCoefficients {
  const groups = new Map<string, Map<string, { f: Record<string, number>; y: number }[]>>();
  // Sorted, so the sums and the file do not depend on the order measure.ts wrote the rows in (it runs jobs in parallel).
  const sorted = [...rows].sort((a, b) => (a.build + a.model < b.build + b.model ? -1 : a.build + a.model > b.build + b.model ? 1 : 0));
  for (const r of sorted) {
    const s = rowShape(r.model);
    if (!s || !(r.instructions > 0)) continue;
    const cls = buildClass(s, r.build);
    const g = groups.get(r.build) ?? new Map<string, { f: Record<string, number>; y: number }[]>();
    groups.set(r.build, g);
    const pts = g.get(cls) ?? [];
    g.set(cls, pts);
    pts.push({ f: instructionFeatures(s, cls), y: r.instructions });
  }
  return { source, builds: fitGroups(groups) };
}

/** Per build and kernel class, the non-negative relative least-squares fit of its points. */
export function fitGroups(groups: Map<string, Map<string, { f: Record<string, number>; y: number }[]>>): InstructionCoefficients['builds'] {
  const builds: InstructionCoefficients['builds'] = {};
  for (const build of [...groups.keys()].sort()) {
    const out: Record<string, ClassFit> = {};
    const g = groups.get(build)!;
    for (const cls of [...g.keys()].sort()) {
      const pts = g.get(cls)!;
      const names = Object.keys(pts[0]!.f);
      const x = fitRelative(pts.map((p) => names.map((n) => p.f[n]!)), pts.map((p) => p.y));
      const coefficients: Record<string, number> = {};
      names.forEach((n, j) => { coefficients[n] = sig(x[j]!); });
      const err = pts.map((p) => Math.abs(names.reduce((s, n) => s + coefficients[n]! * p.f[n]!, 0) / p.y - 1) * 100);
      out[cls] = { coefficients, points: pts.length, medianAbsErrorPct: sig(median(err)), maxAbsErrorPct: sig(Math.max(...err)) };
    }
    builds[build] = out;
  }
  return builds;
}

/** The rig's sweeps per build (the Cortex-M4's are the earlier instr_sweep*.tsv), with this project's extra sweep (scripts/sweep-instructions.ts). */
const SWEPT_BUILDS = ['m55_cmsis_nn', 'm33_cmsis_nn', 'm7_cmsis_nn', 'm0plus_reference', 'm0plus_cmsis_nn', 'm7_reference', 'm55_reference', 'm33_reference', 'rv32imc_reference',
  'xtensa_lx106_reference'];
/** The MEAN / SVDF / LSTM sweep (tools/tflm-harness/sweep-seq-models.ts), measured on every build that has it, the M4's included. */
const SEQ_SWEPT_BUILDS = ['m4_cmsis_nn', 'm4_reference', ...SWEPT_BUILDS];
export const SWEEP_TSVS = ['instr_sweep.tsv', 'instr_sweep_extra.tsv', ...SWEPT_BUILDS.flatMap((b) => [`rig_${b}_sweep.tsv`, `rig_${b}_sweep_extra.tsv`]),
  ...SEQ_SWEPT_BUILDS.map((b) => `rig_${b}_sweep_seq.tsv`)]
  .map((f) => resolve(__dirname, '../test/measured', f)).filter((f) => existsSync(f));
export const COEFFICIENTS_JSON = resolve(__dirname, '../server/src/analysis/latency/instruction-coefficients.json');

/** The committed whole-model inputs (scripts/instr-derive.ts): per build, its ops and shapes TSV texts. */
export function derivedTexts(): { build: string; texts: { ops: string; shapes: string }[] }[] {
  return presentBuilds().map((b) => ({ build: b.build, texts: b.sources.map((x) => ({ ops: readFileSync(x.opsTsv, 'utf8'), shapes: readFileSync(x.shapesTsv, 'utf8') })) }));
}

/** The JSON text the script writes for the sweep TSVs' texts (and the derived build's inputs, when given). */
export function coefficientsText(tsvs: string[], derived: { build: string; texts: { ops: string; shapes: string }[] }[] = []): string {
  const read = tsvs.map(readOpsRows);
  const tflm = read.flatMap((r) => r.comments).find((c) => c.includes('source: tflite-micro'))?.replace(/^#\s*source:\s*tflite-micro\s*/, '') ?? 'unknown';
  const k = fitSweep(read.flatMap((r) => r.rows), `scripts/fit-instructions.ts from test/measured/instr_sweep*.tsv and rig_*_sweep*.tsv (TFLM ${tflm}, measured with tools/tflm-harness)`);
  for (const d of derived) {
    // The sweep's classes stay; whole-model ops add the classes it lacks.
    const whole = fitWholeModelBuild(d.build, d.texts);
    const swept = k.builds[d.build] ?? {};
    k.builds[d.build] = Object.fromEntries(Object.keys({ ...whole, ...swept }).sort().map((cls) => [cls, swept[cls] ?? whole[cls]!]));
    k.source += `; ${d.build}: classes without sweep points fitted on the measured ops of whole models (scripts/instr-derive.ts)`;
  }
  k.builds = Object.fromEntries(Object.keys(k.builds).sort().map((b) => [b, k.builds[b]!]));
  return `${JSON.stringify(k, null, 1)}\n`;
}

if (process.argv[1]?.endsWith('fit-instructions.ts')) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : SWEEP_TSVS;
  const text = coefficientsText(files.map((f) => readFileSync(f, 'utf8')), process.argv.length > 2 ? [] : derivedTexts());
  writeFileSync(COEFFICIENTS_JSON, text);
  const k = JSON.parse(text) as InstructionCoefficients;
  for (const [build, classes] of Object.entries(k.builds)) {
    for (const [cls, f] of Object.entries(classes)) {
      console.log(`${build.padEnd(24)} ${cls.padEnd(16)} n=${String(f.points).padStart(3)} median ${f.medianAbsErrorPct.toFixed(2)}%  max ${f.maxAbsErrorPct.toFixed(2)}%`);
    }
  }
  console.log(`wrote ${COEFFICIENTS_JSON}`);
}
