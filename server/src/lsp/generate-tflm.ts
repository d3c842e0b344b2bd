/**
 * `tinymlLens/generateTflm`: the C++ sources of server/src/codegen/tflm.ts for a model file or a manifest's model.
 * The server generates (it has the model and its analysis cached); the client decides where to write and asks before
 * overwriting. Registered with one line in server.ts.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { memoryKernelsFor, SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/index.js';
import type { CodePath } from '../analysis/tflm/kernels/types.js';
import type { Abi } from '../analysis/tflm/structs.js';
import { CodegenError, generateTflmProject, identifierFor } from '../codegen/tflm.js';
import { abiFor, codePathFor } from '../targets/code-path.js';
import type { ModelCache } from './models.js';
import { isModelName } from './convert-protocol.js';
import { GenerateTflmRequest, type GenerateTflmParams, type GenerateTflmResult } from './protocol.js';
import { guardedAsync, type Logger } from './safe.js';
import { analysisLimit, convertedLabel, loadProblem } from './messages.js';
import { isManifestDocument, type Workspace } from './workspace.js';

export interface GenerateTflmDeps {
  readonly documents: TextDocuments<TextDocument>;
  readonly workspace: Workspace;
  readonly models: ModelCache;
  readonly log: Logger;
  readonly version: string;
  /** Runs `fn` once the settings of `uri`'s folder are read and the manifest (if any) is prepared. */
  readonly ready: <T>(fn: () => T | Promise<T>, uri?: string) => Promise<T>;
}

export function registerGenerateTflm(connection: Connection, deps: GenerateTflmDeps): void {
  connection.onRequest(GenerateTflmRequest.type, (p) => deps.ready(() =>
    guardedAsync('generate TFLM code', deps.log, { kind: 'error', code: 'internal', message: 'internal error (see the server log)' } as GenerateTflmResult, () => generate(p, deps)), p.manifestUri ?? p.modelUri));
}

async function generate(p: GenerateTflmParams, deps: GenerateTflmDeps): Promise<GenerateTflmResult> {
  const error = (code: string, message: string): GenerateTflmResult => ({ kind: 'error', code, message });
  let modelPath: string | null = null;
  let runtime: string | undefined = p.runtime;
  let codePath: CodePath = 'dsp';
  let abi: Abi = 'arm-eabi';
  // The settings of the folder holding the manifest, else the model.
  const settings = deps.workspace.settingsFor(p.manifestUri ?? p.modelUri ?? '');
  let margin = p.marginPercent ?? settings.safetyMargin;
  if (p.manifestUri !== undefined) {
    const document = deps.documents.get(p.manifestUri);
    if (!document || !isManifestDocument(document)) return error('params', 'not an open deployment manifest');
    const check = deps.workspace.check(document);
    if (!check.modelPath) return error('params', 'the manifest names no model');
    modelPath = check.modelPath;
    runtime ??= check.runtime?.id;
    // The manifest's target decides CMSIS-NN's code path, so the arena matches the core the code is built for.
    const spec = check.target?.kind === 'found' ? check.target.spec : null;
    if (spec) codePath = codePathFor(spec.core?.toLowerCase() ?? '', spec.mcu ?? null);
    abi = abiFor(spec?.core ?? null);
    margin = p.marginPercent ?? check.margin;
  } else if (p.modelUri?.startsWith('file:')) {
    modelPath = fileURLToPath(p.modelUri);
  } else {
    return error('params', 'give a .tflite file URI or an open manifest');
  }
  runtime ??= settings.defaultRuntime;
  if (!(SUPPORT_RUNTIMES as readonly string[]).includes(runtime)) return error('params', `unknown runtime '${runtime}'`);
  if (runtime === 'edgetpu') return error('params', 'the Edge TPU runs models compiled by edgetpu_compiler, not TensorFlow Lite Micro code');
  // ONNX, Keras and TF.js layers models are converted in the worker (models.ts): the C array holds the .tflite `convert` writes.
  if (!isModelName(modelPath)) return error('model', `${basename(modelPath)} is not a .tflite model, nor one TinyML Lens converts (.onnx, .keras, .h5, TF.js model.json)`);
  const load = await deps.models.loaded(modelPath);
  if (load.kind !== 'ok') return error('model', loadProblem(load));
  const bytes = deps.models.bytesOf(load);
  if (!bytes) return error('model', `${modelPath} changed while it was read; try again`);
  const kernels = memoryKernelsFor(runtime as Runtime);
  const name = p.name ?? identifierFor(basename(modelPath));
  const analysis = await deps.models.analysed(load, kernels, null, { codePath, abi });
  if (analysis.kind === 'failed') return error('model', analysisLimit(basename(modelPath), analysis.failure));
  try {
    const r = generateTflmProject(bytes, load.model, analysis.report, {
      name, modelFile: basename(modelPath), runtime, kernels, marginPercent: margin, toolVersion: deps.version,
    });
    const pathNote = kernels === 'tflm-cmsis-nn' && codePath !== 'dsp' ? [`The arena is sized for CMSIS-NN's ${codePath === 'mve' ? 'Helium (MVE)' : 'plain-C'} path, the manifest's target's.`] : [];
    const notes = [...(load.source ? [`The model array holds ${basename(modelPath)} ${convertedLabel(load.source)}.`] : []), ...pathNote, ...r.notes];
    if (abi === 'int-enum') notes.unshift("The arena is sized for the manifest's target's 4-byte enums (RISC-V, Xtensa, ARC): TFLM's tensor and params structs are larger than on Arm.");
    return { kind: 'ok', modelPath, name, runtime, kernels, arenaBytes: r.arenaBytes, ops: r.ops, notes, files: r.files };
  } catch (e) {
    if (e instanceof CodegenError) return error(e.code, e.message);
    throw e;
  }
}
