/**
 * Instruction coefficients from whole-model measurements, for builds (or kernel classes) the one-op sweep does not
 * cover: the Cortex-M55 CMSIS-NN build (Helium) and the Cortex-M0+ reference build, measured on the shared models
 * (test/measured/rig_*_ops.tsv). Each measured op is a point of its kernel class, fitted like the sweep (the same
 * features, scripts/fit-instructions.ts). The features need the op shapes, i.e. the model files: `--shapes` writes
 * them once to test/measured/rig_*_shapes.tsv (derived facts only), so the fit itself needs no model file. The fit is
 * in-sample on those models.
 *
 *   node --import tsx scripts/instr-derive.ts --shapes [../shared/models]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildClass, instructionFeatures, opShape, type ClassFit, type OpShape } from '../server/src/analysis/latency/instructions.ts';
import { fitGroups, readOpsRows } from './fit-instructions.ts';
import { loadModel } from './instr-check.ts';

/** One measured ops TSV and the shapes TSV derived from its models. */
export interface WholeModelSource {
  opsTsv: string;
  shapesTsv: string;
}

export interface WholeModelBuild {
  build: string;
  sources: WholeModelSource[];
}

const measured = (name: string): string => resolve(__dirname, '../test/measured', name);

const src = (ops: string, shapes: string): WholeModelSource => ({ opsTsv: measured(ops), shapesTsv: measured(shapes) });
const M4_OPS = src('instr_ops.tsv', 'instr_ops_shapes.tsv');

/** Builds with whole-model measurements, each fitted for the kernel classes its sweep (if any) lacks. */
export const WHOLE_MODEL_BUILDS: readonly WholeModelBuild[] = [
  { build: 'cortex-m55:cmsis_nn', sources: [src('rig_m55_cmsis_nn_ops.tsv', 'rig_m55_cmsis_nn_shapes.tsv'), src('rig_m55_cmsis_nn_builder_ops.tsv', 'rig_m55_cmsis_nn_builder_shapes.tsv')] },
  { build: 'cortex-m0plus:reference', sources: [src('rig_m0plus_reference_ops.tsv', 'rig_m0plus_reference_shapes.tsv'), src('rig_m0plus_reference_builder_ops.tsv', 'rig_m0plus_reference_builder_shapes.tsv')] },
  // The Cortex-M33 (DSP) and M7 CMSIS-NN builds: the sweep covers the main classes, the whole models the rest. Op
  // shapes do not depend on the build, so their models' shapes are the files written for the same models above.
  { build: 'cortex-m33:cmsis_nn', sources: [src('rig_m33_cmsis_nn_ops.tsv', 'rig_m55_cmsis_nn_shapes.tsv'), src('rig_m33_cmsis_nn_builder_ops.tsv', 'rig_m0plus_reference_builder_shapes.tsv')] },
  { build: 'cortex-m7+fp:cmsis_nn', sources: [src('rig_m7_cmsis_nn_ops.tsv', 'rig_m55_cmsis_nn_shapes.tsv'), src('rig_m7_cmsis_nn_builder_ops.tsv', 'rig_m0plus_reference_builder_shapes.tsv')] },
  // CMSIS-NN's plain-C path (ARMv6-M), and the reference kernels on the M7, the M55, the M33, RV32IMC and Xtensa lx106.
  ...(['m0plus_cmsis_nn', 'm7_reference', 'm55_reference', 'm33_reference', 'rv32imc_reference', 'xtensa_lx106_reference'] as const).map((b) => ({
    build: {
      m0plus_cmsis_nn: 'cortex-m0plus:cmsis_nn', m7_reference: 'cortex-m7+fp:reference', m55_reference: 'cortex-m55:reference',
      m33_reference: 'cortex-m33:reference', rv32imc_reference: 'rv32imc:reference', xtensa_lx106_reference: 'xtensa-lx106:reference',
    }[b],
    sources: [src(`rig_${b}_ops.tsv`, 'rig_m55_cmsis_nn_shapes.tsv'), src(`rig_${b}_builder_ops.tsv`, 'rig_m0plus_reference_builder_shapes.tsv')],
  })),
  // The Cortex-M4 builds: the sweep covers the main classes; the whole models add elementwise, float, int16, ... ops.
  { build: 'cortex-m4+fp:cmsis_nn', sources: [M4_OPS] },
  { build: 'cortex-m4+fp:reference', sources: [M4_OPS] },
];

/** The builds whose files this branch holds, each with the sources present (the rig's TSVs arrive as it measures). */
export function presentBuilds(): WholeModelBuild[] {
  return WHOLE_MODEL_BUILDS.map((b) => ({ ...b, sources: b.sources.filter((x) => existsSync(x.opsTsv) && existsSync(x.shapesTsv)) }))
    .filter((b) => b.sources.length > 0);
}

/** Fewest measured ops a class is fitted on. */
export const MIN_POINTS = 3;
/** Largest in-sample median error of a class kept from whole-model ops, in percent. */
export const MAX_MEDIAN_ERROR_PCT = 10;

const key = (model: string, subgraph: number, node: number): string => `${model}/${subgraph}/${node}`;

const SHAPE_FIELDS = ['op', 'dtype', 'n', 'inH', 'inW', 'cin', 'outH', 'outW', 'cout', 'kH', 'kW', 'strideH', 'strideW', 'padTop', 'padLeft',
  'dilationH', 'dilationW', 'broadcast', 'elements', 'rows', 'depth'] as const satisfies readonly (keyof OpShape)[];

/**
 * The optional facts of MEAN, SVDF and LSTM ops (instruction-seq.ts), written after the common ones and empty for
 * other ops; a shapes TSV written before they existed lacks the columns, and its ops read without them.
 */
const OPTIONAL_FIELDS = ['inElements', 'inRank', 'meanAxes', 'meanHw', 'svdfRank', 'memory', 'stateDtype', 'outDtype', 'seqSteps'] as const satisfies readonly (keyof OpShape)[];

/** model/subgraph/node -> op shape, from a shapes TSV. */
export function readShapes(text: string): Map<string, OpShape> {
  const out = new Map<string, OpShape>();
  let head: string[] = [];
  for (const l of text.split('\n')) {
    if (!l || l.startsWith('#')) continue;
    const f = l.split('\t');
    if (l.startsWith('model\t')) { head = f; continue; }
    const s: Record<string, unknown> = {};
    SHAPE_FIELDS.forEach((name, i) => {
      const v = f[3 + i]!;
      s[name] = name === 'op' || name === 'dtype' ? v : name === 'broadcast' ? v === 'true' : Number(v);
    });
    for (const name of OPTIONAL_FIELDS) {
      const v = f[head.indexOf(name)];
      if (head.includes(name) && v !== undefined && v !== '') s[name] = name === 'stateDtype' || name === 'outDtype' ? v : name === 'meanHw' ? v === 'true' : Number(v);
    }
    out.set(key(f[0]!, Number(f[1]), Number(f[2])), s as unknown as OpShape);
  }
  return out;
}

/** The build's classes, fitted on its measured whole-model ops (top-level ops with a known shape). */
export function fitWholeModelBuild(build: string, texts: { ops: string; shapes: string }[]): Record<string, ClassFit> {
  const shapes = new Map(texts.flatMap((t) => [...readShapes(t.shapes)]));
  const g = new Map<string, { f: Record<string, number>; y: number }[]>();
  const rows = texts.flatMap((t) => readOpsRows(t.ops).rows).filter((r) => r.build === build && r.depth === 0)
    .sort((x, y) => (key(x.model, x.subgraph, x.node) < key(y.model, y.subgraph, y.node) ? -1 : 1));
  for (const r of rows) {
    const s = shapes.get(key(r.model, r.subgraph, r.node));
    if (!s || !(r.instructions > 0)) continue;
    const cls = buildClass(s, build);
    g.set(cls, [...(g.get(cls) ?? []), { f: instructionFeatures(s, cls), y: r.instructions }]);
  }
  // A class needs a few points: one op's count fits any single feature exactly and says nothing about other shapes.
  for (const [cls, pts] of g) if (pts.length < MIN_POINTS) g.delete(cls);
  const fits = fitGroups(new Map([[build, g]]))[build] ?? {};
  // A class whose formula does not describe its own points (data-dependent work such as NMS, features that miss
  // what the kernel loops over) stays with the MAC model rather than ship a poor formula.
  return Object.fromEntries(Object.entries(fits).filter(([, f]) => f.medianAbsErrorPct <= MAX_MEDIAN_ERROR_PCT));
}

/** Writes a build's shapes TSV from the model files (the shared models, or the project's measured builder models). */
function writeShapes(b: WholeModelSource, shared: string): void {
  // Every build's ops of the TSV, each op once: the shapes do not depend on the build.
  const seen = new Set<string>();
  const rows = readOpsRows(readFileSync(b.opsTsv, 'utf8')).rows.filter((r) => {
    const k = key(r.model, r.subgraph, r.node);
    if (r.depth !== 0 || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const lines = [
    `# Op shapes (instructions.ts opShape) of every top-level op in ${b.opsTsv.split('/').pop()}, read from the model files by`,
    '# scripts/instr-derive.ts --shapes. Derived facts only (no weights).',
    ['model', 'subgraph', 'node', ...SHAPE_FIELDS, ...OPTIONAL_FIELDS].join('\t'),
  ];
  const missing = new Set<string>();
  for (const r of rows) {
    const m = loadModel(r.model, shared);
    const sg = m?.subgraphs[r.subgraph];
    const op = sg?.operators[r.node];
    if (!sg || !op) { missing.add(r.model); continue; }
    const s = opShape(sg, op);
    lines.push([r.model, r.subgraph, r.node, ...SHAPE_FIELDS.map((f) => String(s[f])), ...OPTIONAL_FIELDS.map((f) => (s[f] === undefined ? '' : String(s[f])))].join('\t'));
  }
  writeFileSync(b.shapesTsv, `${lines.join('\n')}\n`);
  console.log(`wrote ${b.shapesTsv} (${lines.length - 3} ops${missing.size ? `; models not found: ${[...missing].join(', ')}` : ''})`);
}

if (process.argv[1]?.endsWith('instr-derive.ts') && process.argv[2] === '--shapes') {
  const shared = resolve(process.argv[3] ?? join(__dirname, '../../shared/models'));
  const done = new Set<string>();
  for (const x of WHOLE_MODEL_BUILDS.flatMap((b) => b.sources)) {
    if (!existsSync(x.opsTsv) || done.has(x.shapesTsv)) continue;
    done.add(x.shapesTsv);
    writeShapes(x, shared);
  }
}

/** One whole model's measured and predicted instructions when the build's classes are refitted without its ops. */
export interface HeldOutModel { model: string; measured: number; predicted: number | null; coveredShare: number; coveredError: number | null }

/**
 * Leave-one-model-out for a whole-model build: each model's top-level ops predicted by the classes fitted on the
 * other models' ops (classes only that model has go unpredicted), with the build's sweep classes (`swept`) as shipped.
 * The honest error of an in-sample fit.
 */
export function leaveOneModelOut(build: string, texts: { ops: string; shapes: string }[], swept: Record<string, ClassFit> = {}): HeldOutModel[] {
  const shapes = new Map(texts.flatMap((t) => [...readShapes(t.shapes)]));
  const rows = texts.flatMap((t) => readOpsRows(t.ops).rows).filter((r) => r.build === build && r.depth === 0);
  const models = [...new Set(rows.map((r) => r.model))].sort();
  const keep = (text: string, model: string): string => text.split('\n').filter((l) => !l.startsWith(`${model}\t`)).join('\n');
  return models.map((model) => {
    const fits = { ...fitWholeModelBuild(build, texts.map((t) => ({ ops: keep(t.ops, model), shapes: t.shapes }))), ...swept };
    let measured = 0;
    let covM = 0;
    let covP = 0;
    let complete = true;
    for (const r of rows.filter((x) => x.model === model)) {
      measured += r.instructions;
      const s = shapes.get(key(r.model, r.subgraph, r.node));
      const fit = s ? fits[buildClass(s, build)] : undefined;
      if (!s || !fit) { complete = false; continue; }
      const f = instructionFeatures(s, buildClass(s, build));
      covM += r.instructions;
      covP += Object.entries(fit.coefficients).reduce((t, [n, c]) => t + c * (f[n] ?? 0), 0);
    }
    return { model, measured, predicted: complete ? covP : null, coveredShare: measured > 0 ? covM / measured : 0, coveredError: covM > 0 ? Math.abs(covP / covM - 1) : null };
  });
}
