/**
 * `tinyml-lens`: the analysis core for terminals and CI. This file is the only part that touches the file system
 * and the process; everything it prints comes from the pure core.
 *
 * Exit codes: 0 fine; 1 problems found (an unsupported operator; later, a budget overrun); 2 unusable input or
 * usage error, with the located reason on stderr and never a stack trace.
 */
import { parseArgs } from 'node:util';
import { analyzeModel, RUNTIMES } from '../analysis/report.js';
import { SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/types.js';
import { didYouMean } from '../manifest/suggest.js';
import { visible, visibleBlock } from '../analysis/text.js';
import type { KernelSet } from '../analysis/tflm/kernels/types.js';
import { isIdentifierName } from '../codegen/cpp.js';
import { AnalysisLimitError, LIMIT_FLAGS, withLimits, type AnalysisLimits } from '../model/limits.js';
import { toJson, toText } from './format.js';
import { writeJson } from './json-out.js';
import type { runQuantize } from './quantize.js';
import type { ProgressStream } from './progress.js';
import type { BatteryOptions } from './fit.js';
import type { Mcu } from '../targets/catalog.js';
import type { InputShape } from '../analysis/shapes.js';
import { parseSize } from '../files/read.js';
import type { FitOptions } from '../analysis/latency/target.js';
import type { AppPart } from '../targets/fit.js';
import { fileLimits, loadModelForAnalysis, sourceInputs } from './model-file.js';
import { parseInputShape, parseInputValues } from './input-options.js';
import { sourceOf } from './model-source.js';
import { toSarif } from './sarif.js';
// Every command module but analyze's is required on first use (lazy.ts): start-up compiles and runs only what it needs.
import { calibrateCommand, compileCommand, convertCommand as convertModule, firmwareCommand, fitCommand, fitParts, isTfjsModelPath, quantizeCommand, tfjsCommand } from './lazy.js';

const VERSION = '0.1.0';

import { OPTIONS, USAGE, type ParsedValues } from './usage.js';

class UsageError extends Error {}

// A usage error prints its reason and this line, not the whole help under which the reason would scroll away.
const SEE_HELP = 'see tinyml-lens --help';
const ALL_RUNTIMES = [...SUPPORT_RUNTIMES];

/** The runtime named by --runtime, or null when the option is absent (parseArgs fills a default, so look at argv). */
function chosenRuntime(argv: string[], values: Values): Runtime | null {
  if (!argv.some((a) => a === '--runtime' || a.startsWith('--runtime='))) return null;
  const name = String(values.runtime);
  if (!(ALL_RUNTIMES as string[]).includes(name)) throw new UsageError(`unknown runtime '${name}'${didYouMean(name, ALL_RUNTIMES)} (expected one of: ${ALL_RUNTIMES.join(', ')})`);
  return name as Runtime;
}

/**
 * Runs the CLI synchronously and returns its exit code (every .tflite command); output goes to the given writers so
 * tests can capture it. Analysing a model.json is asynchronous: use `main`.
 */
export function run(argv: string[], out: (s: string) => void, err: (s: string) => void, progress?: ProgressStream): number {
  const code = main(argv, out, err, progress);
  if (typeof code !== 'number') throw new Error('analysing a model.json is asynchronous: call main()');
  return code;
}

/**
 * Runs the CLI: the exit code, or a promise of it when analysing a TF.js model.json (the tfjs loader is async).
 * `progress` is where quantize draws its progress bar (bin.ts passes process.stderr; drawn only on a terminal).
 */
export function main(argv: string[], rawOut: (s: string) => void, rawErr: (s: string) => void, progress?: ProgressStream): number | Promise<number> {
  // Model files and their names are untrusted: whatever a command prints (text, JSON, SARIF, errors quoting the model)
  // reaches the terminal with every control character but newline and tab spelled out (`\x1b`), so no escape
  // sequence from a model can recolour, retitle or rewrite the terminal. Inserted names are also escaped one by one.
  const out = (s: string): void => rawOut(visibleBlock(s));
  const err = (s: string): void => rawErr(visibleBlock(s));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    err(`tinyml-lens: ${(e as Error).message}\n${SEE_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    out(VERSION);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    const maxText = values['max-file-size'];
    fileLimits.given = maxText === undefined ? null : parseSize(maxText);
    if (maxText !== undefined && fileLimits.given === null) throw new UsageError(`--max-file-size needs a size (e.g. 64MiB, 4GiB, 1000000), not '${maxText}'`);
    const limits = limitOptions(values);
    return withLimits(limits, () => dispatch(argv, values, positionals, out, err, progress));
  } catch (e) {
    return failure(e, err);
  }
}

/** A usage error, an analysis limit or an unexpected error, as its message on stderr and exit 2. */
function failure(e: unknown, err: (s: string) => void): number {
  if (e instanceof UsageError) {
    err(`tinyml-lens: ${e.message}\n${SEE_HELP}`);
    return 2;
  }
  if (e instanceof AnalysisLimitError) {
    err(`tinyml-lens: ${e.message}`);
    return 2;
  }
  err(`tinyml-lens: internal error: ${(e as Error).message}`);
  return 2;
}

type Values = Record<string, string | string[] | boolean | undefined>;

function dispatch(argv: string[], values: ParsedValues, positionals: string[], out: (s: string) => void, err: (s: string) => void, progress?: ProgressStream): number | Promise<number> {
  try {
    const [command, ...rest] = positionals;
    if (command !== 'fit' && command !== 'analyze' && command !== 'compile' && command !== 'quantize' && command !== 'convert' && command !== 'calibrate' && command !== 'lint-firmware') {
      throw new UsageError(`unknown command '${command}' (expected: analyze, fit, compile, quantize, convert, calibrate, lint-firmware)`);
    }
    if (command !== 'convert' && values.int8 !== undefined) throw new UsageError('--int8 is an option of convert');
    // Every command takes a source model, so every command takes its inputs (a .tflite refuses them: model-file.ts).
    const inputShapes = inputOptions(values);
    if (command === 'convert') return convertCommandOf(rest, values, out, err, progress);
    if (command !== 'analyze' && values.firmware !== undefined) throw new UsageError('--firmware is an option of analyze');
    if (values.firmware === undefined && values.map !== undefined) throw new UsageError('--map goes with analyze --firmware');
    if (command === 'lint-firmware') return lintFirmwareCommand(rest, values, out, err);
    const calibrateOnly = (['model', 'tick-hz', 'write'] as const).filter((o) => values[o] !== undefined);
    if (command !== 'calibrate' && calibrateOnly.length) throw new UsageError(`--${calibrateOnly[0]} is an option of calibrate`);
    if (command !== 'compile' && values.profile !== undefined) throw new UsageError('--profile is an option of compile');
    if (command === 'calibrate') return calibrate(rest, values, argv, out, err);
    const writing = (['out', 'force'] as const).filter((o) => values[o] !== undefined);
    if (command !== 'compile' && command !== 'quantize' && writing.length) throw new UsageError(`--${writing[0]} is an option of compile and quantize`);
    const compileOnly = (['name', 'arena-margin'] as const).filter((o) => values[o] !== undefined);
    if (command !== 'compile' && compileOnly.length) throw new UsageError(`--${compileOnly[0]} is an option of compile`);
    const quantizeOnly = (['data', 'random', 'range', 'io', 'quiet'] as const).filter((o) => values[o] !== undefined);
    if (command !== 'quantize' && quantizeOnly.length) throw new UsageError(`--${quantizeOnly[0]} is an option of quantize`);
    // analyze gives a model.json the TF.js report (with the converted figures); the other commands convert a layers model.
    const tfjs = command === 'analyze' && rest.length === 1 && isTfjsModelPath(rest[0]!);
    if (command === 'quantize') {
      if (rest.length !== 1) throw new UsageError('quantize takes exactly one model file');
      return quantizeCommand().runQuantize(rest[0]!, quantizeOptions(values), out, err, progress);
    }
    if (command === 'compile') {
      if (rest.length !== 1) throw new UsageError('compile takes exactly one model file');
      const runtime = chosenRuntime(argv, values);
      const marginText = values['arena-margin'] ?? '0';
      const margin = /^\s*\d+(\.\d+)?\s*%?\s*$/.test(marginText) ? Number.parseFloat(marginText) : NaN;
      if (!(margin >= 0 && margin <= 100)) throw new UsageError(`--arena-margin needs a percentage from 0 to 100, not '${marginText}'`);
      if (values.name !== undefined && !isIdentifierName(values.name)) throw new UsageError(`--name needs a snake_case C identifier (a-z, 0-9, single inner underscores, starting with a letter, not a keyword), not '${visible(values.name)}'`);
      const catalog = fitCommand().loadCatalogOption(values.catalog, err);
      if (typeof catalog === 'number') return catalog;
      const target = values.target !== undefined ? { target: { name: values.target, catalog } } : {};
      return compileCommand().runCompile(rest[0]!, { runtime, out: values.out, name: values.name, marginPercent: margin, force: values.force === true, version: VERSION, profile: values.profile === true, ...target }, out, err);
    }
    const fitOptions = fitOptionsOf(values, command ?? '');
    // A --catalog file is checked whatever the command; the bundled catalog is loaded only by the commands using it.
    const given = values.catalog === undefined ? null : fitCommand().loadCatalogOption(values.catalog, err);
    if (typeof given === 'number') return given;
    const boards = (): readonly Mcu[] => given ?? (fitCommand().loadCatalogOption(undefined, err) as readonly Mcu[]);
    if (command === 'fit') {
      if (rest.length !== 1) throw new UsageError('fit takes exactly one model file');
      if (batteryOptions(values)) throw new UsageError('the battery options are for analyze --target');
      // parseArgs fills the default, so look at argv to know whether the user chose a runtime for every target.
      const chosen = chosenRuntime(argv, values);
      if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`fit prints text or json, not '${values.format}'`);
      return fitCommand().runFit(rest[0]!, chosen, values.format, out, err, boards(), inputShapes, fitOptions);
    }
    if (rest.length !== 1) throw new UsageError('analyze takes exactly one model file');
    const chosen = chosenRuntime(argv, values);
    const runtime = chosen ?? 'tflm-cmsis-nn';
    const format = values.format as string;
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format '${format}' (text, json or sarif)`);
    const battery = batteryOptions(values);
    if (values.firmware !== undefined) {
      if (format === 'sarif') throw new UsageError('analyze --firmware prints text or json');
      if (!(RUNTIMES as readonly string[]).includes(runtime)) throw new UsageError(`--firmware needs a TFLM runtime (${RUNTIMES.join(', ')}) for the arena figure`);
      const analyzeTo = (o: (s: string) => void, app: AppPart | null): number => (values.target !== undefined || values.clock !== undefined || battery
        ? fitCommand().analyzeTargeted(rest[0]!, { runtime, target: values.target, clock: values.clock, format: format as 'text' | 'json', catalog: boards(), inputShapes, fitOptions: { ...fitOptions, app }, ...(battery ? { battery } : {}) }, o, err)
        : analyze(rest[0]!, runtime as KernelSet, format as 'text' | 'json', inputShapes, o, err));
      return firmwareCommand().runAnalyzeWithFirmware(rest[0]!, runtime as KernelSet, { firmware: values.firmware, ...(values.map !== undefined ? { map: values.map } : {}), ...(values.target !== undefined ? { target: values.target } : {}), catalog: boards(), format: format as 'text' | 'json' }, analyzeTo, out, err);
    }
    // A model.json alone gets the TF.js report; with a target, a clock, battery or input shapes, the model as converted.
    const needsTflite = values.target !== undefined || values.clock !== undefined || battery !== null || inputShapes.length > 0 || sourceInputs.values.size > 0;
    if (tfjs && !needsTflite) {
      return tfjsCommand().analyzeTfjsFile(rest[0]!, runtime, format as 'text' | 'json' | 'sarif', VERSION, out, err).catch((e: unknown) => failure(e, err));
    }
    if (battery && values.target === undefined) throw new UsageError('the battery options need --target (a board with measured active power)');
    if (values.target !== undefined || values.clock !== undefined || !(RUNTIMES as readonly string[]).includes(runtime)) {
      // Without --runtime, a target brings its own runtime (as fit picks it).
      return fitCommand().analyzeTargeted(rest[0]!, { runtime: chosen, target: values.target, clock: values.clock, format: format as 'text' | 'json' | 'sarif', catalog: boards(), inputShapes, fitOptions, ...(battery ? { battery } : {}) }, out, err);
    }
    return analyze(rest[0]!, runtime as KernelSet, format as 'text' | 'json' | 'sarif', inputShapes, out, err);
  } catch (e) {
    return failure(e, err);
  }
}

/** --reserve-flash, --reserve-ram (sizes, user-given) and --arena-region, for analyze --target and fit. */
function fitOptionsOf(values: ParsedValues, command: string): FitOptions {
  const size = (option: 'reserve-flash' | 'reserve-ram'): number | null => {
    const text = values[option];
    if (text === undefined) return null;
    const v = parseSize(text);
    if (v === null) throw new UsageError(`--${option} needs a size (e.g. 40KiB, 1MiB, 4096), not '${visible(text)}'`);
    return v;
  };
  const given = (['reserve-flash', 'reserve-ram', 'arena-region'] as const).find((o) => values[o] !== undefined);
  if (given && command !== 'analyze' && command !== 'fit') throw new UsageError(`--${given} is an option of analyze --target and fit`);
  if (values['arena-region'] !== undefined && command === 'fit') throw new UsageError('--arena-region names one part\'s region: use it with analyze --target');
  const flash = size('reserve-flash');
  const ram = size('reserve-ram');
  const app = flash === null && ram === null ? null : fitParts().reserveApp(flash, ram);
  return { ...(app ? { app } : {}), ...(values['arena-region'] !== undefined ? { arenaRegion: values['arena-region'] } : {}) };
}

const LIMIT_OPTIONS: Readonly<Record<string, keyof AnalysisLimits>> = Object.fromEntries(
  Object.entries(LIMIT_FLAGS).map(([key, flag]) => [flag.slice(2), key as keyof AnalysisLimits]));

/** The --max-* options, checked: counts for work and depth, sizes (bytes, or KiB / MiB / GiB) for memory and arena. */
function limitOptions(values: Values): Partial<AnalysisLimits> {
  const limits: Partial<AnalysisLimits> = {};
  for (const [option, key] of Object.entries(LIMIT_OPTIONS)) {
    const text = values[option];
    if (typeof text !== 'string') continue;
    const sized = key === 'maxMemory' || key === 'maxArena';
    // Sizes are read as --max-file-size is (bytes, KiB, MiB, GiB); counts are whole numbers.
    const v = sized ? parseSize(text) ?? NaN : /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    try {
      limits[key] = v;
      withLimits(limits, () => undefined);
    } catch {
      throw new UsageError(`--${option} needs ${sized ? 'a size (bytes, or with KiB, MiB or GiB)' : 'a whole number'} within its range, not '${text}'`);
    }
  }
  return limits;
}

/** `calibrate LOG --model M --target T ...`, its options checked. */
function calibrate(rest: string[], values: Values, argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  if (rest.length !== 1) throw new UsageError('calibrate takes exactly one log file');
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const model = str('model');
  const target = str('target');
  if (model === undefined || target === undefined) throw new UsageError('calibrate needs --model MODEL.tflite and --target BOARD');
  const chosen = chosenRuntime(argv, values);
  const format = str('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`calibrate prints text or json, not '${format}'`);
  const tickText = str('tick-hz');
  const tickHz = tickText === undefined ? null : /^\s*\d+(\.\d+)?\s*$/.test(tickText) ? Number(tickText) : NaN;
  if (tickHz !== null && !(tickHz > 0)) throw new UsageError(`--tick-hz needs a positive number of ticks per second, not '${tickText}'`);
  return calibrateCommand().runCalibrate(rest[0]!, {
    model, target, runtime: chosen, catalog: str('catalog') ?? 'tinyml-targets.json', write: values.write === true,
    format, clock: str('clock'), tickHz,
  }, out, err);
}

/** `lint-firmware SRC... --model M`, its options checked. */
function lintFirmwareCommand(rest: string[], values: ParsedValues, out: (s: string) => void, err: (s: string) => void): number {
  if (rest.length === 0) throw new UsageError('lint-firmware takes one or more C/C++ source files');
  if (values.model === undefined) throw new UsageError('lint-firmware needs --model MODEL.tflite (the model the sources run)');
  const runtime = values.runtime as string;
  if (!(RUNTIMES as readonly string[]).includes(runtime)) throw new UsageError(`lint-firmware needs a TFLM runtime (${RUNTIMES.join(', ')})`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`lint-firmware prints text or json, not '${values.format}'`);
  return firmwareCommand().runLintFirmware(rest, { model: values.model, runtime: runtime as KernelSet, format: values.format }, out, err);
}

/** convert MODEL --out OUT [--int8 (--data DIR | --random N ...)] [--force] [--format text|json]. */
function convertCommandOf(rest: string[], values: ParsedValues, out: (s: string) => void, err: (s: string) => void, progress?: ProgressStream): number {
  if (rest.length !== 1) throw new UsageError('convert takes exactly one model file');
  if (typeof values.out !== 'string') throw new UsageError('convert needs --out OUT.tflite');
  const format = values.format as string;
  if (format !== 'text' && format !== 'json') throw new UsageError(`convert prints text or json, not '${format}'`);
  const quantizeOnly = (['data', 'random', 'range', 'io', 'quiet'] as const).filter((o) => values[o] !== undefined);
  if (values.int8 !== true && quantizeOnly.length) throw new UsageError(`--${quantizeOnly[0]} goes with convert --int8`);
  if (values.int8 === true && format === 'json') throw new UsageError('convert --int8 prints text');
  const int8 = values.int8 === true ? quantizeOptions(values, 'convert --int8') : null;
  const unnamed = sourceInputs.shapes.find((s) => typeof s.input === 'number');
  if (unnamed) throw new UsageError(`convert takes --input-shape by input name (NAME=D,D,...), not by position ('${unnamed.input}')`);
  return convertModule().runConvert(rest[0]!, { out: values.out, force: values.force === true, int8, format }, out, err, progress);
}

/** The quantize options, checked. */
function quantizeOptions(values: Values, command = 'quantize'): Parameters<typeof runQuantize>[1] {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const outPath = str('out');
  if (outPath === undefined) throw new UsageError(`${command} needs --out OUT.tflite`);
  const io = str('io') ?? 'int8';
  if (io !== 'int8' && io !== 'uint8' && io !== 'float32') throw new UsageError(`--io is int8, uint8 or float32, not '${io}'`);
  const data = str('data') ?? null;
  const randomText = str('random');
  if ((data === null) === (randomText === undefined)) throw new UsageError(`${command} needs calibration data: --data DIR or --random N (one of them)`);
  if (str('range') !== undefined && randomText === undefined) throw new UsageError('--range goes with --random');
  let random = null;
  if (randomText !== undefined) {
    const count = /^\s*\d+\s*$/.test(randomText) ? Number(randomText) : NaN;
    if (!(count >= 1 && count <= 100_000)) throw new UsageError(`--random needs a sample count from 1 to 100000, not '${randomText}'`);
    const rangeText = str('range') ?? '0,1';
    const [lo, hi, extra] = rangeText.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (extra !== undefined || lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
      throw new UsageError(`--range needs two finite numbers A,B with A < B, not '${rangeText}'`);
    }
    random = { count, lo, hi };
  }
  return { out: outPath, data, random, io, force: values.force === true, quiet: values.quiet === true };
}

/** The battery options, checked; null when none is given. */
function batteryOptions(values: Values): BatteryOptions | null {
  const names = ['battery-mah', 'battery-volts', 'inferences-per-day', 'sleep-uw'] as const;
  if (names.every((n) => values[n] === undefined)) return null;
  const num = (name: (typeof names)[number], fallback: number | null, allowZero = false): number => {
    const text = values[name];
    if (text === undefined) {
      if (fallback === null) throw new UsageError(`the battery options need --${name}`);
      return fallback;
    }
    const v = typeof text === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
    if (!(v > 0 || (allowZero && v === 0))) throw new UsageError(`--${name} needs a ${allowZero ? 'non-negative' : 'positive'} number, not '${String(text)}'`);
    return v;
  };
  return {
    mah: num('battery-mah', null),
    inferencesPerDay: num('inferences-per-day', null),
    volts: num('battery-volts', 3.0),
    sleepUw: num('sleep-uw', 0, true),
  };
}

/** --input-shape and --input-value, checked; what a source model's converter takes is kept for the run (sourceInputs). */
function inputOptions(values: ParsedValues): InputShape[] {
  const shapes = (values['input-shape'] ?? []).map(parseInputShape);
  const bad = shapes.find((s): s is string => typeof s === 'string');
  if (bad !== undefined) throw new UsageError(bad);
  const fixed = parseInputValues(values['input-value'] ?? []);
  if (typeof fixed === 'string') throw new UsageError(fixed);
  const valid = shapes as InputShape[];
  sourceInputs.shapes = valid;
  sourceInputs.values = fixed;
  return valid;
}

function analyze(path: string, runtime: KernelSet, format: 'text' | 'json' | 'sarif', inputShapes: readonly InputShape[], out: (s: string) => void, err: (s: string) => void): number {
  const model = loadModelForAnalysis(path, err, (e) => {
    if (format === 'sarif') out(JSON.stringify(toSarif(path, null, { message: e.message, offset: e.offset }, VERSION), null, 2));
  }, (e) => {
    if (format === 'sarif') out(JSON.stringify(toSarif(path, null, { message: e.message, where: e.where }, VERSION), null, 2));
  }, inputShapes);
  if (typeof model === 'number') return model;
  const source = sourceOf(model);
  const shaped = inputShapes.length === 0 ? { model, applied: [], unresolved: [] } : fitCommand().shapeModel(model, source ? fitCommand().convertedRest(inputShapes) : inputShapes, err);
  if (typeof shaped === 'number') return shaped;
  // The text table prints no buffer lists: the analysis leaves them out (the figures are the same).
  const report = analyzeModel(shaped.model, runtime, {}, 'dsp', 'arm-eabi', { liveBuffers: format !== 'text' });
  if (inputShapes.length) report.memory.notes.unshift(...fitCommand().shapeNotes(shaped));
  // Written in chunks of lines (json-out.ts): a 100,000-layer report never becomes one string.
  if (format === 'json') writeJson(toJson(path, report, source), out);
  else if (format === 'sarif') writeJson(toSarif(path, report, null, VERSION, source), out);
  else out(toText(path, report, source));
  // An op that fails in AllocateTensors() or only at Invoke(): either way the model does not run.
  return report.unsupportedOps.length === 0 ? 0 : 1;
}
