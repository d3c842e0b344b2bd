/**
 * The target-aware parts of the CLI: `analyze --target/--clock` and the new runtimes (op support per layer, latency,
 * energy, whether it fits), and `fit MODEL`, the matrix of every catalog target. Formatting only: the figures come
 * from the core (analysis/latency/target.ts).
 */
import { batteryLifeDays } from '../analysis/latency/energy.js';
import { analyzeForTarget, defaultRuntime, runtimeRunsOn, type FitOptions, type TargetReport } from '../analysis/latency/target.js';
import { analyzeModel, CANNOT_ALLOCATE_NOTE, type AnalysisReport } from '../analysis/report.js';
import { memoryKernelsFor, npuNotes, SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/index.js';
import { visible } from '../analysis/text.js';
import type { Model } from '../model/ir.js';
import { didYouMean } from '../manifest/suggest.js';
import { InputShapeError, withInputShapes, type InputShape, type ShapedModel } from '../analysis/shapes.js';
import { CATALOG, CORES, parseUserCatalog, resolveTarget, type Mcu } from '../targets/catalog.js';
import { abiFor, codePathFor } from '../targets/code-path.js';
import { DataFileError } from '../targets/schema.js';
import { FileError, LIMITS, readTextFile } from '../files/read.js';
import { fitPartsLines, verdictText } from './fit-parts.js';
import { formatBytes, sourceJson, sourceText, toJson, toText } from './format.js';
import { sourceOf, type ModelSource } from './model-source.js';
import { capFor, fileErrorLine, loadModelForAnalysis } from './model-file.js';
import { toSarif } from './sarif.js';

type Write = (s: string) => void;

/** Parses '120MHz', '120', '1.2GHz', '48000kHz' into MHz; null when unreadable. */
export function parseClock(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ghz|mhz|khz|hz)?\s*$/i.exec(text);
  if (!m) return null;
  const scale = { ghz: 1000, mhz: 1, khz: 1e-3, hz: 1e-6 }[(m[2] ?? 'mhz').toLowerCase() as 'mhz'];
  const mhz = Number(m[1]) * scale;
  return mhz > 0 && mhz <= 5000 ? mhz : null;
}

/**
 * `--catalog FILE`: the bundled catalog plus the file's boards, or the exit code 2 after printing the located reason
 * (unreadable file, bad JSON, a bad field with its path, an id that shadows a bundled board).
 */
export function loadCatalogOption(file: string | undefined, err: Write): readonly Mcu[] | number {
  if (file === undefined) return CATALOG;
  let text: string;
  try {
    text = readTextFile(file, { maxBytes: capFor(LIMITS.catalog), raise: 'use --max-file-size to raise it' });
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    err(fileErrorLine('read', e, 'catalog'));
    return 2;
  }
  try {
    return parseUserCatalog(text, file);
  } catch (e) {
    if (!(e instanceof DataFileError)) throw e;
    err(`tinyml-lens: bad catalog: ${e.message}`);
    return 2;
  }
}

/** True for runtimes this module handles (memory-only runtimes stay with the plain analyze path). */
export function isRuntime(name: string): name is Runtime {
  return (SUPPORT_RUNTIMES as readonly string[]).includes(name);
}

/**
 * The model for `fit` / `analyze --target`, read as `analyze` reads it (a file over 2 GiB by offset, never whole; a
 * source model converted in memory, with its `source`).
 */
function loadModel(path: string, err: Write, shapes: readonly InputShape[] = []): (ShapedModel & { source?: ModelSource }) | number {
  const model = loadModelForAnalysis(path, err, undefined, undefined, shapes);
  if (typeof model === 'number') return model;
  const source = sourceOf(model);
  const shaped = shapeModel(model, source ? convertedRest(shapes) : shapes, err);
  return typeof shaped === 'number' || !source ? shaped : { ...shaped, source };
}

/** The --input-shape entries a converted model still takes: by position (the named ones went to the converter). */
export function convertedRest(shapes: readonly InputShape[]): InputShape[] {
  return shapes.filter((s) => typeof s.input === 'number');
}

/** `model` at the shapes given with --input-shape (unchanged without any); exit 2 for a shape that does not fit. */
export function shapeModel(model: Model, shapes: readonly InputShape[], err: Write): ShapedModel | number {
  if (shapes.length === 0) return { model, applied: [], unresolved: [] };
  try {
    return withInputShapes(model, shapes);
  } catch (e) {
    if (!(e instanceof InputShapeError)) throw e;
    err(`tinyml-lens: --input-shape ${visible(String(e.input))}: ${e.message}`);
    return 2;
  }
}

/** What the text and JSON say about given input shapes: each applied shape, and where propagation stopped. */
export function shapeNotes(shaped: ShapedModel): string[] {
  return [
    ...shaped.applied.map((a) => `Input ${a.position} (${a.name}) analysed at [${a.shape.join(', ')}] (--input-shape / input_shapes).`),
    ...shaped.unresolved.map((u) => `The new input shape is not propagated past layer ${u.index} (${u.op}): its output ${u.tensor} keeps the shape stored in the model.`),
  ];
}

export interface TargetedOptions {
  /** null: none given, so the target's own runtime as `fit` picks it (tflm-cmsis-nn without a target). */
  runtime: Runtime | null;
  target: string | undefined;
  clock: string | undefined;
  format: 'text' | 'json' | 'sarif';
  /** Battery-life options (`--battery-mah` etc.); absent: no battery estimate. */
  battery?: BatteryOptions;
  /** The catalog targets resolve against (bundled plus `--catalog`); the bundled one by default. */
  catalog?: readonly Mcu[];
  /** Shapes for dynamic inputs (`--input-shape`). */
  inputShapes?: readonly InputShape[];
  /** The application's reserve and the arena's region (`--reserve-*`, `--arena-region`). */
  fitOptions?: FitOptions;
}

export interface BatteryOptions {
  mah: number;
  volts: number;
  inferencesPerDay: number;
  /** Sleep power between inferences, uW. */
  sleepUw: number;
}

/** Battery life from the energy estimate: `days` from the central estimate, `lowDays` from the high energy, and back. */
export interface BatteryEstimate {
  days: number;
  lowDays: number;
  highDays: number;
  batteryMah: number;
  batteryVolts: number;
  inferencesPerDay: number;
  sleepUw: number;
  notes: string[];
}

export function batteryEstimate(energy: { uJ: number; lowUj: number; highUj: number }, b: BatteryOptions): BatteryEstimate {
  const duty = { inferencesPerHour: b.inferencesPerDay / 24, sleepUw: b.sleepUw, batteryMah: b.mah, batteryVolts: b.volts };
  const notes = ['Battery life ignores self-discharge, regulator losses and everything but inference and sleep.'];
  if (b.sleepUw === 0) notes.push('No sleep power given (--sleep-uw): only the inferences drain the battery, an upper bound.');
  return {
    days: batteryLifeDays(energy.uJ, duty),
    lowDays: batteryLifeDays(energy.highUj, duty),
    highDays: batteryLifeDays(energy.lowUj, duty),
    batteryMah: b.mah, batteryVolts: b.volts, inferencesPerDay: b.inferencesPerDay, sleepUw: b.sleepUw,
    notes,
  };
}

/** " (did you mean 'x'?)" for a target name that is neither a catalog id, an alias nor a core; '' when nothing is close. */
export function targetSuggestion(name: string, catalog: readonly Mcu[]): string {
  return didYouMean(name.trim(), [...catalog.flatMap((m) => [m.id, ...m.aliases]), ...CORES]);
}

/** `analyze MODEL [--target T] [--clock C] [--runtime R]`: the plain report plus support, latency and energy. */
export function analyzeTargeted(path: string, opts: TargetedOptions, out: Write, err: Write): number {
  const clock = opts.clock === undefined ? null : parseClock(opts.clock);
  if (opts.clock !== undefined && clock === null) {
    err(`tinyml-lens: unreadable clock '${opts.clock}' (e.g. 120MHz, 1.2GHz)`);
    return 2;
  }
  const target = opts.target === undefined ? null : resolveTarget(opts.target, opts.catalog ?? CATALOG);
  if (opts.target !== undefined && target === null) {
    err(`tinyml-lens: unknown target '${opts.target}'${targetSuggestion(opts.target, opts.catalog ?? CATALOG)}: use a catalog id or alias (tinyml-lens fit lists them) or a core: ${CORES.join(', ')}`);
    return 2;
  }
  if (clock !== null && target === null) {
    err('tinyml-lens: --clock needs --target (a catalog id or a core)');
    return 2;
  }
  const shaped = loadModel(path, err, opts.inputShapes);
  if (typeof shaped === 'number') return shaped;
  const model = shaped.model;
  const runtime = opts.runtime ?? (target ? defaultRuntime(target.core, target.mcu) : 'tflm-cmsis-nn');
  // A Helium target (Cortex-M55/M85) gets CMSIS-NN's MVE buffer sizes, a core without DSP its plain-C ones; a RISC-V,
  // Xtensa or ARC core its 4-byte enums (no target: Arm's).
  const memory = analyzeModel(model, memoryKernelsFor(runtime), {}, target ? codePathFor(target.core, target.mcu) : 'dsp', abiFor(target?.core ?? null));
  memory.memory.notes.unshift(...shapeNotes(shaped));
  const withTarget = target !== null;
  // Without a target there is no core to cost: op support and memory only (the placeholder core is never used).
  const tr = analyzeForTarget(model, runtime, target ?? { id: '-', core: 'cortex-m4f', mcu: null }, withTarget ? clock : null, memory, opts.fitOptions);
  if (!withTarget) tr.notes = tr.notes.filter((n) => n.startsWith('Memory for'));
  if (opts.runtime === null && target) tr.notes.push(`Runtime ${runtime} chosen for ${target.mcu?.displayName ?? target.id} (the one fit picks for it); --runtime picks another.`);
  const report = supportAsReport(tr);
  const battery = opts.battery && tr.energy ? batteryEstimate(tr.energy, opts.battery) : null;
  if (opts.format === 'json') out(JSON.stringify({ ...targetJson(path, tr, withTarget, shaped.source), runtimeChosenBy: opts.runtime === null && target ? 'target' : 'option', battery }, null, 2));
  else if (opts.format === 'sarif') out(JSON.stringify(toSarif(path, report, null, '0.1.0', shaped.source), null, 2));
  else {
    const text = targetText(path, tr, report, withTarget, shaped.source);
    out(opts.battery ? `${text}\n${batteryLine(battery, opts.battery)}` : text);
  }
  return tr.support.unsupported.length > 0 ? 1 : 0;
}

/** The plain report with the runtime's own verdicts in place of TFLM's (an NPU can run what TFLM cannot). */
function supportAsReport(tr: TargetReport): AnalysisReport {
  const bad = new Map(tr.support.layers.filter((l) => l.verdict.startsWith('unsupported')).map((l) => [`${l.subgraph}/${l.index}`, l.reason]));
  return {
    ...tr.memory,
    runtime: tr.memory.runtime,
    status: tr.support.unsupported.length ? 'unsupported' : 'ok',
    unsupportedOps: tr.support.unsupported,
    memory: {
      ...tr.memory.memory,
      exact: tr.memory.memory.exact && !tr.memoryEstimated,
      notes: [
        // The stand-in kernel set fails on ops this runtime runs (on its NPU): the status is the runtime's, so say that.
        ...tr.memory.memory.notes.map((n) => (n === CANNOT_ALLOCATE_NOTE && tr.support.unsupported.length === 0
          ? `The ${tr.runtime} CPU side (TFLM with ${tr.memory.runtime}) has no kernel for the ops the accelerator runs; the arena figures are an estimate with those ops replaced by no-ops.`
          : n)),
        ...tr.notes.filter((n) => n.startsWith('Memory for')),
      ],
    },
    layers: tr.memory.layers.map((l) => ({ ...l, unsupported: bad.get(`${l.subgraph}/${l.index}`) ?? null })),
  };
}

/** The JSON of `analyze` with the target fields: `target`, `latency`, `energy`, `fit`, and per layer `support`, `ms`. */
export function targetJson(path: string, tr: TargetReport, withTarget: boolean, source?: ModelSource): object {
  const base = toJson(path, supportAsReport(tr), source) as Record<string, unknown> & { layers: object[] };
  const support = new Map(tr.support.layers.map((l) => [`${l.subgraph}/${l.index}`, l]));
  const ms = new Map((tr.latency?.layers ?? []).map((l) => [`${l.subgraph}/${l.index}`, l.ms]));
  const lat = tr.latency;
  return {
    ...base,
    runtime: tr.runtime,
    target: withTarget ? {
      id: tr.target.id, name: tr.target.mcu?.displayName ?? tr.target.id, core: tr.target.core, clockMHz: tr.clockMHz,
      sramKiB: tr.target.mcu?.sramKiB ?? null, largestSramKiB: tr.target.mcu?.largestSramKiB ?? null,
      flashKiB: tr.target.mcu?.flashKiB ?? null, source: tr.target.mcu?.source ?? null,
    } : null,
    latency: lat ? { ms: lat.ms, lowMs: lat.lowMs, highMs: lat.highMs, calibrated: lat.calibrated, calibration: lat.calibration, basis: lat.instructionBasis, notes: lat.notes } : null,
    energy: tr.energy ? { uJ: tr.energy.uJ, lowUj: tr.energy.lowUj, highUj: tr.energy.highUj, powerMw: tr.energy.powerMw, notes: tr.energy.notes } : null,
    fit: withTarget ? tr.fit : null,
    customOps: tr.support.customOps,
    notes: [...tr.notes, ...tr.support.notes],
    layers: tr.memory.layers.map((l, i) => {
      const key = `${l.subgraph}/${l.index}`;
      const s = support.get(key);
      return {
        ...base.layers[i],
        support: s ? { verdict: s.verdict, unit: s.unit, kernel: s.kernel, custom: s.custom, reason: s.reason } : null,
        ms: ms.get(key) ?? null,
      };
    }),
  };
}

const VERDICT_MARK = { optimized: 'opt', reference: 'ref', 'unsupported-dtype': 'NO-DTYPE', unsupported: 'NO' } as const;

/** Two or three significant figures, never an exponent: the estimate is a range, not a precise value. */
function sig(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : String(Number(v.toPrecision(2)));
}

function range(lo: number | null, mid: number | null, hi: number | null, unit: string): string {
  if (mid === null || lo === null || hi === null) return 'unknown';
  return `~${sig(mid)} ${unit} (${sig(lo)} to ${sig(hi)})`;
}

function batteryLine(b: BatteryEstimate | null, o: BatteryOptions): string {
  const setup = `on ${o.mah} mAh at ${o.volts} V, ${o.inferencesPerDay} inferences/day, sleep ${o.sleepUw} uW`;
  if (!b) return `battery           unknown (the target has no measured active power) ${setup}`;
  return `battery           ${range(b.lowDays, b.days, b.highDays, 'days')} ${setup}`;
}

function targetText(path: string, tr: TargetReport, report: AnalysisReport, withTarget: boolean, source?: ModelSource): string {
  const text = toText(path, report, source);
  // The header names the runtime analysed; its memory figures may come from the closest TFLM kernel set (a note says so).
  const header = `${visible(path)} on ${report.runtime}`;
  const lines = [tr.runtime !== report.runtime && text.startsWith(header) ? `${visible(path)} on ${tr.runtime} (memory from TFLM's ${report.runtime} kernels)${text.slice(header.length)}` : text, ''];
  lines.push(`runtime           ${tr.runtime}`);
  if (withTarget) lines.push(`target            ${tr.target.mcu?.displayName ?? tr.target.id} (${tr.target.core}${tr.clockMHz ? ` @ ${tr.clockMHz} MHz` : ''})`);
  const counts = (['optimized', 'reference', 'unsupported-dtype', 'unsupported'] as const).map((v) => `${tr.support.layers.filter((l) => l.verdict === v).length} ${v}`);
  lines.push(`op support        ${counts.join(', ')}${tr.support.customOps.length ? `; custom: ${tr.support.customOps.map(visible).join(', ')}` : ''}`);
  for (const l of tr.support.layers) {
    if (l.verdict === 'optimized') continue;
    lines.push(`  ${l.subgraph ? `${l.subgraph}:` : ''}${l.index} ${visible(l.op)} ${l.dtype ?? ''}: ${VERDICT_MARK[l.verdict]}${l.reason ? ` (${visible(l.reason)})` : ''}`);
  }
  if (tr.latency) lines.push(`latency           ${range(tr.latency.lowMs, tr.latency.ms, tr.latency.highMs, 'ms')}${tr.latency.calibration ? ` [${tr.latency.calibration.label}]` : tr.latency.calibrated || tr.latency.ms === null ? '' : ' [uncalibrated priors]'}`);
  if (tr.energy) lines.push(`energy            ${range(tr.energy.lowUj, tr.energy.uJ, tr.energy.highUj, 'uJ')} per inference at ${tr.energy.powerMw.toFixed(1)} mW`);
  if (withTarget) {
    const f = tr.fit;
    const yn = (b: boolean | null): string => (b === null ? 'unknown' : b ? 'yes' : 'NO');
    lines.push(`fits              ${yn(f.fits)} (RAM: ${yn(f.ram)}${f.ramBudgetBytes ? `, arena region ${formatBytes(f.ramBudgetBytes)}` : ''}; flash: ${yn(f.flash)}; ops: ${yn(f.ops)})${f.parts.fits === false ? ` ${verdictText(f.parts).replace(/^NO /, '')}` : ''}`);
    lines.push(...fitPartsLines(f.parts));
  }
  for (const n of [...npuNotes(tr.support), ...tr.notes, ...(tr.latency?.notes ?? []), ...(tr.energy?.notes ?? [])]) lines.push(`note              ${visible(n)}`);
  return lines.join('\n');
}

/** `fit MODEL [--runtime R] [--format text|json]`: every catalog target, smallest fitting target first. */
export function runFit(path: string, runtime: Runtime | null, format: 'text' | 'json', out: Write, err: Write, catalog: readonly Mcu[] = CATALOG, inputShapes: readonly InputShape[] = [], fitOptions: FitOptions = {}): number {
  const shaped = loadModel(path, err, inputShapes);
  if (typeof shaped === 'number') return shaped;
  const model = shaped.model;
  const memo = new Map<string, AnalysisReport>();
  const rows: TargetReport[] = [];
  for (const mcu of catalog) {
    const target = { id: mcu.id, core: mcu.core, mcu };
    const rt = runtime ?? defaultRuntime(mcu.core, mcu);
    if (!runtimeRunsOn(rt, mcu.core, mcu)) continue;
    const kernels = memoryKernelsFor(rt);
    const codePath = codePathFor(mcu.core, mcu);
    const abi = abiFor(mcu.core);
    const key = `${kernels === 'tflm-cmsis-nn' ? `${kernels} ${codePath}` : kernels} ${abi}`;
    const memory = memo.get(key) ?? analyzeModel(model, kernels, {}, codePath, abi);
    memo.set(key, memory);
    rows.push(analyzeForTarget(model, rt, target, null, memory, fitOptions));
  }
  rows.sort(fitOrder);
  if (format === 'json') {
    out(JSON.stringify({ model: path, ...sourceJson(shaped.source), targets: rows.map((r) => ({
      id: r.target.id, core: r.target.core, runtime: r.runtime, codePath: r.memory.codePath, abi: r.memory.abi, clockMHz: r.clockMHz, fit: r.fit,
      arenaBytes: r.memory.memory.minArenaBytes, memoryEstimated: r.memoryEstimated, flashBytes: r.memory.flash.modelBytes,
      latency: r.latency && { ms: r.latency.ms, lowMs: r.latency.lowMs, highMs: r.latency.highMs, calibrated: r.latency.calibrated },
      energyUj: r.energy?.uJ ?? null,
      unsupportedOps: r.support.unsupported,
      referenceOnly: r.support.layers.filter((l) => l.verdict === 'reference').length,
    })) }, null, 2));
  } else {
    out(fitTable(path, rows, shaped.source));
  }
  return rows.some((r) => r.fit.fits === true) ? 0 : 1;
}

function fitOrder(a: TargetReport, b: TargetReport): number {
  const rank = (r: TargetReport): number => (r.fit.fits === true ? 0 : r.fit.fits === null ? 1 : 2);
  const ram = (r: TargetReport): number => r.fit.ramBudgetBytes ?? Infinity;
  return rank(a) - rank(b) || ram(a) - ram(b) || (a.fit.flashBudgetBytes ?? Infinity) - (b.fit.flashBudgetBytes ?? Infinity) || a.target.id.localeCompare(b.target.id);
}

function fitTable(path: string, rows: TargetReport[], source?: ModelSource): string {
  const kib = (b: number | null): string => (b === null ? '?' : `${(b / 1024).toFixed(0)}K`);
  const header = ['target', 'core', 'MHz', 'runtime', 'arena/region', 'RAM need', 'flash need', 'counted', 'latency ms', 'ops', 'fits'];
  const basis = { exact: '', measured: '(meas)', estimated: '(est)', 'user-given': '(user)' } as const;
  const body = rows.map((r) => {
    const l = r.latency;
    const p = r.fit.parts;
    const ops = r.support.unsupported.length
      ? `${r.support.unsupported.reduce((n, u) => n + u.layers.length, 0)} unsupported`
      : `${r.support.layers.filter((x) => x.verdict === 'reference').length} ref-only`;
    const counted = p.flash.parts.map((x) => `${x.part === 'runtime' ? 'tflm' : x.part}${basis[x.basis]}`).join('+');
    return [
      r.target.id, r.target.core, String(r.clockMHz ?? '?'), r.runtime,
      `${kib(r.memory.memory.minArenaBytes)}${r.memoryEstimated ? '~' : ''}/${kib(r.fit.ramBudgetBytes)}${p.arena.region && p.arena.region !== 'SRAM' ? ` ${p.arena.region}` : ''}`,
      `${kib(p.ram.needBytes)}/${kib(p.ram.capacityBytes)}`,
      `${kib(p.flash.needBytes)}/${kib(p.flash.capacityBytes)}`,
      counted,
      l?.ms != null && l.lowMs !== null && l.highMs !== null ? `${sig(l.ms)} (${sig(l.lowMs)}-${sig(l.highMs)})${l.calibrated ? '' : '*'}` : '-',
      ops, r.fit.fits === null ? '?' : r.fit.fits ? 'yes' : p.problems.includes('no-single-region') ? 'no (banks)' : 'no',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const missing = [...new Set(rows.flatMap((r) => [...r.fit.parts.flash.notCounted, ...r.fit.parts.ram.notCounted]))];
  return [
    `${visible(path)}: every catalog target, smallest fitting first`, ...(source ? [sourceText(source)] : []), '',
    fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt), '',
    'arena = kTensorArenaSize against the RAM region that holds it (the largest on-chip one); ~ = estimated kernel set;',
    'RAM need = arena + TFLM static RAM + app; flash need = model + TFLM runtime and kernels + app; counted = the flash parts',
    '(meas = measured, est = estimated, user = --reserve-*); no (banks) = fits the total SRAM but no single region holds the arena;',
    '* = latency range widened: core factor is a prior, not fitted; ? = no catalog figure.',
    ...(missing.length ? [`not counted: ${missing.join('; ')}.`] : []),
  ].join('\n');
}
