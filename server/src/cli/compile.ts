/**
 * `tinyml-lens compile MODEL`: writes deployable C++ for TensorFlow Lite Micro (server/src/codegen/tflm.ts) into a
 * folder. Never overwrites a file unless --force; says which files are in the way.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { analyzeModel } from '../analysis/report.js';
import { memoryKernelsFor, type Runtime } from '../analysis/support/index.js';
import { CodegenError, generateTflmProject, identifierFor } from '../codegen/tflm.js';
import { formatBytes } from './format.js';
import { loadModelFile, type Write } from './model-file.js';

export interface CompileOptions {
  runtime: Runtime;
  /** Output folder; default `<model folder>/<name>_tflm`. */
  out: string | undefined;
  /** snake_case base name; default from the model file name. */
  name: string | undefined;
  marginPercent: number;
  force: boolean;
  version: string;
  /** Adds the per-operator profiler (`tinyml-lens calibrate` reads its output). */
  profile?: boolean;
}

/** Generates and writes the sources; returns the exit code (0 written, 1 the model cannot run on TFLM, 2 bad input). */
export function runCompile(path: string, opts: CompileOptions, out: Write, err: Write): number {
  if (opts.runtime === 'edgetpu') {
    err('tinyml-lens: compile writes TensorFlow Lite Micro code; Edge TPU models are compiled by edgetpu_compiler and run by libedgetpu');
    return 2;
  }
  const file = loadModelFile(path, err);
  if (typeof file === 'number') return file;
  const name = opts.name ?? identifierFor(basename(path));
  const dir = resolve(opts.out ?? join(dirname(path), `${name}_tflm`));
  const kernels = memoryKernelsFor(opts.runtime);
  let result;
  try {
    result = generateTflmProject(file.bytes, file.model, analyzeModel(file.model, kernels), {
      name, modelFile: basename(path), runtime: opts.runtime, kernels, marginPercent: opts.marginPercent, toolVersion: opts.version, profile: opts.profile === true,
    });
  } catch (e) {
    if (!(e instanceof CodegenError)) throw e;
    err(`tinyml-lens: ${path}: ${e.message}`);
    return e.code === 'unsupported-op' || e.code === 'no-kernel' ? 1 : 2;
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    err(`tinyml-lens: ${dir} exists and is not a folder`);
    return 2;
  }
  const taken = result.files.map((f) => join(dir, f.path)).filter((p) => existsSync(p));
  if (taken.length && !opts.force) {
    err(`tinyml-lens: not overwriting ${taken.length} existing file${taken.length > 1 ? 's' : ''} (use --force to replace them):\n  ${taken.join('\n  ')}`);
    return 2;
  }
  try {
    makeFolder(dir);
    for (const f of result.files) writeFileSync(join(dir, f.path), f.text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    err(`tinyml-lens: cannot write into ${dir}: ${code === 'ENOTDIR' ? 'a parent is a file, not a folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? (e as Error).message}`);
    return 2;
  }
  out(`wrote ${result.files.length} files to ${dir}:`);
  for (const f of result.files) out(`  ${f.path}`);
  out(`tensor arena ${formatBytes(result.arenaBytes)} (${kernels} kernels); ${result.ops.length} kernel${result.ops.length === 1 ? '' : 's'} registered: ${result.ops.map((o) => o.op).join(', ')}`);
  for (const n of result.notes) out(`note: ${n}`);
  return 0;
}

/**
 * Creates `dir` and its missing parents one level at a time (Node's recursive mkdir spins forever on some pseudo file
 * systems such as /proc); throws the first error.
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}
