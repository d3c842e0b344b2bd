/**
 * `tinyml-lens compile MODEL`: writes deployable C++ for TensorFlow Lite Micro (server/src/codegen/tflm.ts) into a
 * folder. Never overwrites a file unless --force, and then only regular files; never writes through a symbolic link
 * (files/write.ts), and uses a linked output folder only when --out names it; says which files are in the way.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { analyzeModel } from '../analysis/report.js';
import { memoryKernelsFor, type Runtime } from '../analysis/support/index.js';
import type { CodePath } from '../analysis/tflm/kernels/types.js';
import { defaultRuntime } from '../analysis/latency/target.js';
import { resolveTarget, type Mcu } from '../targets/catalog.js';
import { abiFor, codePathFor } from '../targets/code-path.js';
import { CodegenError, generateTflmProject, identifierFor } from '../codegen/tflm.js';
import { FileError, LIMITS } from '../files/read.js';
import { OutputFolder } from '../files/write.js';
import { formatBytes } from './format.js';
import { visible } from '../analysis/text.js';
import { sourceLabel } from '../convert/provenance.js';
import { targetSuggestion } from './fit.js';
import { capFor, loadModelFile, type Write } from './model-file.js';
import { sourceOf } from './model-source.js';

export interface CompileOptions {
  /** null: the target's runtime (as `fit` picks it), else tflm-cmsis-nn. */
  runtime: Runtime | null;
  /** Output folder; default `<model folder>/<name>_tflm`. */
  out: string | undefined;
  /** snake_case base name; default from the model file name. */
  name: string | undefined;
  marginPercent: number;
  force: boolean;
  version: string;
  /** Adds the per-operator profiler (`tinyml-lens calibrate` reads its output). */
  profile?: boolean;
  /** The board or core the code is for: sizes the arena for its CMSIS-NN code path (Helium, DSP or plain C). */
  target?: { readonly name: string; readonly catalog: readonly Mcu[] };
}

const PATH_NAMES: Record<CodePath, string> = { dsp: 'DSP (Cortex-M4/M7/M33 class)', mve: 'Helium (MVE)', scalar: 'plain-C (no DSP extension)' };

/** Generates and writes the sources; returns the exit code (0 written, 1 the model cannot run on TFLM, 2 bad input). */
export function runCompile(path: string, opts: CompileOptions, out: Write, err: Write): number {
  const target = opts.target ? resolveTarget(opts.target.name, opts.target.catalog) : null;
  if (opts.target && !target) {
    err(`tinyml-lens: unknown target '${opts.target.name}'${targetSuggestion(opts.target.name, opts.target.catalog)}: use a catalog id or alias (tinyml-lens fit lists them) or a core`);
    return 2;
  }
  const runtime = opts.runtime ?? (target ? defaultRuntime(target.core, target.mcu) : 'tflm-cmsis-nn');
  if (runtime === 'edgetpu') {
    err('tinyml-lens: compile writes TensorFlow Lite Micro code; Edge TPU models are compiled by edgetpu_compiler and run by libedgetpu');
    return 2;
  }
  const file = loadModelFile(path, err, capFor(LIMITS.compiledModel), 'compile embeds the whole file in the generated C array, for the flash');
  if (typeof file === 'number') return file;
  const name = opts.name ?? identifierFor(basename(path));
  const dir = resolve(opts.out ?? join(dirname(path), `${name}_tflm`));
  const kernels = memoryKernelsFor(runtime);
  // CMSIS-NN's kernels ask for different scratch buffers on each code path: the arena follows the core it is built for.
  const codePath: CodePath = target ? codePathFor(target.core, target.mcu) : 'dsp';
  const abi = abiFor(target?.core ?? null);
  let result;
  try {
    result = generateTflmProject(file.bytes, file.model, analyzeModel(file.model, kernels, {}, codePath, abi), {
      name, modelFile: basename(path), runtime, kernels, marginPercent: opts.marginPercent, toolVersion: opts.version, profile: opts.profile === true,
    });
  } catch (e) {
    if (!(e instanceof CodegenError)) throw e;
    err(`tinyml-lens: ${path}: ${e.message}`);
    return e.code === 'unsupported-op' || e.code === 'no-kernel' ? 1 : 2;
  }
  const written = writeAll(dir, opts.out !== undefined, result.files, opts.force, err);
  if (written !== 0) return written;
  const source = sourceOf(file.model);
  if (source) out(`model: ${visible(sourceLabel(source))}: the C array holds the float32 .tflite \`convert\` writes`);
  out(`wrote ${result.files.length} files to ${dir}:`);
  for (const f of result.files) out(`  ${f.path}`);
  out(`tensor arena ${formatBytes(result.arenaBytes)} (${kernels} kernels); ${result.ops.length} kernel${result.ops.length === 1 ? '' : 's'} registered: ${result.ops.map((o) => o.op).join(', ')}`);
  if (kernels === 'tflm-cmsis-nn') out(`note: arena sized for CMSIS-NN's ${PATH_NAMES[codePath]} path${target ? ` of ${target.mcu?.displayName ?? target.id}` : '; --target sizes it for another core'}`);
  if (abi === 'int-enum') out(`note: arena sized for the 4-byte enums of ${target?.mcu?.displayName ?? target?.id} (${target?.core}): TFLM's tensor and params structs are larger than on Arm`);
  if (opts.runtime === null && target) out(`note: runtime ${runtime} chosen for ${target.mcu?.displayName ?? target.id} (the one fit picks for it); --runtime picks another`);
  for (const n of result.notes) out(`note: ${n}`);
  return 0;
}

/**
 * Writes the files into `dir` (created if missing; a symbolic link only when the user named it): 0, or 2 after saying
 * what is in the way. Nothing is written unless every file can be.
 */
function writeAll(dir: string, explicit: boolean, files: readonly { path: string; text: string }[], force: boolean, err: Write): number {
  try {
    const folder = OutputFolder.open(dir, explicit);
    const problems = folder.problems(files.map((f) => f.path), force);
    const taken = problems.filter((p) => p.code === 'exists').map((p) => p.path);
    const refused = problems.filter((p) => p.code !== 'exists');
    if (refused.length) err(`tinyml-lens: not writing into ${dir}:\n  ${refused.map((p) => p.message).join('\n  ')}`);
    if (taken.length) err(`tinyml-lens: not overwriting ${taken.length} existing file${taken.length > 1 ? 's' : ''} (use --force to replace them):\n  ${taken.join('\n  ')}`);
    if (problems.length) return 2;
    for (const f of files) folder.write(f.path, f.text, { replace: force });
    return 0;
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    err(`tinyml-lens: cannot write into ${dir}: ${e.path === dir ? e.reason : e.message}`);
    return 2;
  }
}
