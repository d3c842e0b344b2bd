/**
 * The fuzzer's inputs and targets. An input is a .tflite model (generated, or generated then damaged byte-wise), a
 * TF.js model.json with its shards, or a manifest text; every input is a pure function of (seed, case index), so a
 * case replays anywhere. `runInput` feeds it to every target the issue lists and classifies each stage's end: a
 * result, a typed error (`ACCEPTED_ERRORS`), or a finding (any other exception, with the core file it came from).
 * Hangs and memory are judged outside, by the process running the case (`runner.ts`).
 */
import { analyzeForTarget } from '../../server/src/analysis/latency/target.js';
import { analyzeModel, RUNTIMES, type AnalysisReport } from '../../server/src/analysis/report.js';
import { checkSupport, memoryKernelsFor, type Runtime } from '../../server/src/analysis/support/index.js';
import { analyzeTfjs } from '../../server/src/analysis/tfjs.js';
import { CodegenError, generateTflmProject } from '../../server/src/codegen/tflm.js';
import { parseManifest } from '../../server/src/manifest/parse.js';
import { AnalysisLimitError } from '../../server/src/model/limits.js';
import { ModelFormatError } from '../../server/src/model/errors.js';
import { readTfjsModel } from '../../server/src/model/tfjs/reader.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { QuantizeError, quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { CATALOG } from '../../server/src/targets/catalog.js';
import { DEFAULT_MANIFEST, genManifest } from './gen/manifest.js';
import { mutateBytes } from './gen/mutate.js';
import { Rng } from './gen/rng.js';
import { genTfjs } from './gen/tfjs.js';
import { genKeras } from './gen/keras.js';
import { genOnnx } from './gen/onnx.js';
import { convertKeras } from '../../server/src/convert/keras/index.js';
import { convertOnnx } from '../../server/src/convert/onnx/index.js';
import { externalFiles } from '../../server/src/convert/onnx/external.js';
import { ConvertError } from '../../server/src/convert/types.js';
import { DEFAULT_TFLITE, genTflite } from './gen/tflite.js';

export type FuzzInput =
  | { readonly kind: 'tflite'; readonly bytes: Uint8Array; readonly float: boolean; readonly tags: readonly string[] }
  | { readonly kind: 'tfjs'; readonly json: string; readonly shards: ReadonlyMap<string, Uint8Array>; readonly tags: readonly string[] }
  | { readonly kind: 'manifest'; readonly text: string; readonly tags: readonly string[] }
  | { readonly kind: 'keras'; readonly format: 'keras' | 'keras-h5'; readonly bytes: Uint8Array; readonly tags: readonly string[] }
  /** `files`: the external data files its tensors name, by location (convert/onnx/external.ts). */
  | { readonly kind: 'onnx'; readonly bytes: Uint8Array; readonly files?: ReadonlyMap<string, Uint8Array>; readonly tags: readonly string[] };

type ErrorClass = abstract new (...args: never[]) => Error;

/** The typed errors a target may end in: each says what is wrong and where. Extend this one list when a new one lands. */
export const ACCEPTED_ERRORS: ErrorClass[] = [ModelFormatError, QuantizeError, CodegenError, AnalysisLimitError, ConvertError];

/** Mixtures of input kinds and how hostile the generators are. */
export interface Profile {
  readonly name: string;
  /** Relative weights of tflite / mutated tflite / tfjs / manifest inputs. */
  readonly mix: readonly (readonly [number, 'tflite' | 'mutant' | 'tfjs' | 'manifest' | 'keras' | 'onnx'])[];
  readonly hostility: number;
  readonly controlFlow: number;
  readonly maxUnknownKeys: number;
}

export const PROFILES: Readonly<Record<'quick' | 'long', Profile>> = {
  // Control flow rarer than in the long run: today most hostile control-flow graphs hang (KNOWN_OPEN), at 2 s each.
  quick: { name: 'quick', mix: [[5, 'tflite'], [3, 'mutant'], [1, 'tfjs'], [2, 'manifest'], [1, 'keras'], [1, 'onnx']], hostility: 0.2, controlFlow: 0.1, maxUnknownKeys: 500 },
  long: { name: 'long', mix: [[5, 'tflite'], [3, 'mutant'], [1, 'tfjs'], [2, 'manifest'], [1, 'keras'], [1, 'onnx']], hostility: DEFAULT_TFLITE.hostility, controlFlow: 0.2, maxUnknownKeys: DEFAULT_MANIFEST.maxUnknownKeys * 15 },
};

/** Case `index` of run `seed`. */
export function generate(seed: number, index: number, profile: Profile): FuzzInput {
  const rng = Rng.forCase(seed, index);
  const kind = rng.weighted(profile.mix);
  const tfliteOpts = { hostility: profile.hostility, controlFlow: profile.controlFlow };
  if (kind === 'tfjs') return { kind, ...genTfjs(rng, profile.hostility) };
  if (kind === 'keras') return { kind, ...genKeras(rng, profile.hostility) };
  if (kind === 'onnx') return { kind, ...genOnnx(rng, profile.hostility) };
  if (kind === 'manifest') return { kind, ...genManifest(rng, { hostility: profile.hostility, maxUnknownKeys: profile.maxUnknownKeys }) };
  const model = genTflite(rng, tfliteOpts);
  if (kind === 'tflite') return { kind: 'tflite', ...model };
  const other = genTflite(rng, tfliteOpts);
  return { kind: 'tflite', bytes: mutateBytes(rng, model.bytes, other.bytes), float: model.float, tags: [...model.tags, 'mutated'] };
}

/** An exception that is not a typed error: what it was, where in the core it was thrown, and in which stage. */
export interface Finding {
  readonly stage: string;
  readonly error: string;
  readonly message: string;
  /** The first stack frame inside server/src (file:line), or '?'. */
  readonly where: string;
}

export interface CaseReport {
  /** Each stage that ran and how it ended: 'ok' or the typed error's class and code. */
  readonly stages: readonly { stage: string; end: string }[];
  readonly findings: readonly Finding[];
}

/** 'Class:code' when `e` is one of ACCEPTED_ERRORS, else null (a finding). */
export function typedErrorName(e: unknown): string | null {
  for (const cls of ACCEPTED_ERRORS) {
    if (e instanceof cls) return `${e.name}${'code' in e ? `:${String((e as { code: unknown }).code)}` : ''}`;
  }
  return null;
}

function where(e: unknown): string {
  const stack = e instanceof Error ? e.stack ?? '' : '';
  const frame = /server[\\/]src[\\/]([^\s:)]+):(\d+)/.exec(stack);
  return frame ? `server/src/${frame[1]}:${frame[2]}` : '?';
}

/** Runs the stages in order; a stage's typed error ends that stage only, a stage returning null stops the rest. */
class Stages {
  readonly stages: { stage: string; end: string }[] = [];
  readonly findings: Finding[] = [];

  async run<T>(stage: string, fn: () => T | Promise<T>): Promise<T | null> {
    try {
      const value = await fn();
      this.stages.push({ stage, end: 'ok' });
      return value;
    } catch (e) {
      const typed = typedErrorName(e);
      if (typed !== null) {
        this.stages.push({ stage, end: typed });
      } else {
        const err = e instanceof Error ? e : new Error(String(e));
        this.findings.push({ stage, error: err.name, message: err.message.slice(0, 300), where: where(e) });
        this.stages.push({ stage, end: `UNTYPED ${err.name}` });
      }
      return null;
    }
  }
}

/** A result that is silently wrong (a negative or unrepresentable size): a finding like an untyped exception. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** The memory figures must be sizes: non-negative safe integers (issue 14: "tensor arena -1 B", exit 0). */
function checkFigures(report: AnalysisReport): AnalysisReport {
  const m = report.memory;
  for (const [name, v] of [['arenaUsedBytes', m.arenaUsedBytes], ['headBytes', m.headBytes], ['tailBytes', m.tailBytes], ['minArenaBytes', m.minArenaBytes]] as const) {
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new InvariantViolation(`memory.${name} is ${v}`);
  }
  const layer = report.layers.find((l) => !(Number.isSafeInteger(l.arenaLiveBytes) && l.arenaLiveBytes >= 0));
  if (layer) throw new InvariantViolation(`layer ${layer.subgraph}/${layer.index} arenaLiveBytes is ${layer.arenaLiveBytes}`);
  return report;
}

const ALL_RUNTIMES: readonly Runtime[] = ['tflm-cmsis-nn', 'tflm-reference', 'tflm-esp-nn', 'ethos-u', 'edgetpu'];

async function runTflite(s: Stages, bytes: Uint8Array, float: boolean): Promise<void> {
  const model = await s.run('read', () => readTflite(bytes));
  if (!model) return;
  const reports = new Map<string, AnalysisReport>();
  for (const kernels of RUNTIMES) {
    const report = await s.run(`analyze:${kernels}`, () => checkFigures(analyzeModel(model, kernels)));
    if (report) reports.set(kernels, report);
  }
  for (const runtime of ALL_RUNTIMES) {
    const memory = reports.get(memoryKernelsFor(runtime));
    if (memory) await s.run(`support:${runtime}`, () => checkSupport(model, runtime, memory.detail.failures));
  }
  // One target and runtime per case, chosen from the bytes so the choice replays with the case.
  const runtime = ALL_RUNTIMES[bytes.length % ALL_RUNTIMES.length]!;
  const mcu = CATALOG[bytes.length % CATALOG.length]!;
  const memory = reports.get(memoryKernelsFor(runtime));
  if (memory) {
    await s.run('fit', () => analyzeForTarget(model, runtime, { id: mcu.id, core: mcu.core, mcu }, null, memory));
    if (runtime !== 'edgetpu') {
      await s.run('codegen', () => {
        const result = generateTflmProject(bytes, model, memory, {
          name: 'fuzz_model', modelFile: 'fuzz.tflite', runtime, kernels: memoryKernelsFor(runtime), marginPercent: 10, toolVersion: 'fuzz',
        });
        if (!(Number.isSafeInteger(result.arenaBytes) && result.arenaBytes > 0)) throw new InvariantViolation(`generated kTensorArenaSize is ${result.arenaBytes}`);
        return result;
      });
    }
  }
  if (float) {
    await s.run('quantize', () => {
      // The input shapes from the graph itself: a second float interpreter would double what the case holds.
      const main = model.subgraphs[0];
      const samples = randomSamples((main?.inputs ?? []).map((i) => main!.tensors[i]!.shape), 2, -1, 1);
      return quantizeModel(model, samples, 'int8');
    });
  }
}

async function runTfjs(s: Stages, json: string, shards: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const model = await s.run('tfjs-read', () => readTfjsModel(json, (p) => {
    const shard = shards.get(p);
    if (!shard) throw new Error(`ENOENT: ${p}`);
    return shard;
  }));
  if (!model) return;
  for (const kernels of RUNTIMES) await s.run(`tfjs-analyze:${kernels}`, () => analyzeTfjs(model, kernels));
  await runConverted(s, 'tfjs-convert', () => convertKeras({ format: 'tfjs-layers', name: 'model.json', bytes: new TextEncoder().encode(json), shards }).tflite);
}

/** A converter's output goes through every .tflite target (a float model: the quantizer too). */
async function runConverted(s: Stages, stage: string, convert: () => Uint8Array): Promise<void> {
  const tflite = await s.run(stage, convert);
  if (tflite) await runTflite(s, tflite, true);
}

/** Feeds `input` to every target for its kind. Never throws: untyped exceptions come back as findings. */
export async function runInput(input: FuzzInput): Promise<CaseReport> {
  const s = new Stages();
  if (input.kind === 'tflite') await runTflite(s, input.bytes, input.float);
  else if (input.kind === 'tfjs') await runTfjs(s, input.json, input.shards);
  else if (input.kind === 'keras') await runConverted(s, 'keras-convert', () => convertKeras({ format: input.format, name: 'model', bytes: input.bytes }).tflite);
  else if (input.kind === 'onnx') {
    // The wire walk the server's thread runs before a worker converts: it must never throw on any bytes.
    await s.run('onnx-external-files', () => externalFiles(input.bytes));
    await runConverted(s, 'onnx-convert', () => convertOnnx({ format: 'onnx', name: 'fuzz.onnx', bytes: input.bytes, ...(input.files?.size ? { shards: input.files } : {}) }).tflite);
  }
  // The parser never throws: problems are its diagnostics.
  else await s.run('manifest', () => parseManifest(input.text));
  return { stages: s.stages, findings: s.findings };
}

/** A finding's class: stage family, error name, core location and the message with numbers and quotes blanked. */
export function findingClass(f: Finding): string {
  const message = f.message.replace(/'[^']*'|"[^"]*"/g, "'…'").replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N').slice(0, 80);
  return `${f.stage.split(':')[0]} ${f.error} at ${f.where.replace(/:\d+$/, '')}: ${message}`;
}
