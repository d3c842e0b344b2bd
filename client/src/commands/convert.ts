/**
 * TinyML: Convert to .tflite — an ONNX (.onnx), Keras (.keras, .h5) or TF.js layers model.json converted to a float32
 * .tflite, or to int8 through the quantizer (calibrated as Quantize to int8 asks: a folder of samples, or random
 * data). The server reads the source and converts in a worker (`tinymlLens/convert`), reporting progress in a
 * cancellable notification; the client asks where the model goes (beside the source by default, same base name),
 * asks before replacing a file (modal), and writes with the safe-write code (files.ts: exclusive creation, or a
 * regular file replaced by temporary file + rename, never through a link). A model that does not convert writes
 * nothing and the converter's located message (node or layer) is shown. Nothing is written in an untrusted workspace.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FileError } from '../../../server/src/files/read.js';
import { ConvertRequest, isSourceModelName, tfliteName, type ConvertParams, type ConvertResult } from '../../../server/src/lsp/convert-protocol.js';
import type { ExtensionState } from '../context.js';
import { destination, writeFile } from '../files.js';
import { activeTabUri } from '../manifests.js';
import { isUsableModel, MODEL_EXCLUDE } from '../pick-model.js';
import { calibrationData } from './quantize.js';
import { requestWithProgress } from './work-done.js';

/** For tests and scripted use: the answers to the command's questions, instead of asking. */
export interface ConvertOptions {
  /** Where to write (file-system path); default: asked, beside the source first. */
  readonly out?: string;
  /** `false`: float32; else int8 calibrated on a folder of samples or random data; default: asked. */
  readonly int8?: false | { readonly data?: string; readonly random?: { readonly count: number; readonly low: number; readonly high: number }; readonly io?: 'int8' | 'uint8' | 'float32' };
  /** What to do about an existing file at the destination; default: ask (modal). */
  readonly ifExists?: 'ask' | 'overwrite' | 'cancel';
}

/** A source the converter reads, by name: .onnx, .keras, .h5 (or .hdf5), or a model.json. */
export function isConvertiblePath(p: string): boolean {
  return isSourceModelName(p);
}

/** Converts the model in `arg` (or the active editor, or one picked); resolves to the written .tflite, or undefined. */
export async function convertToTflite(state: ExtensionState, arg: unknown, options: unknown): Promise<vscode.Uri | undefined> {
  const opts = (options ?? {}) as ConvertOptions;
  const source = await sourceOrPick(arg);
  if (!source) return undefined;
  const name = path.basename(source.fsPath);
  if (source.scheme !== 'file') {
    void vscode.window.showInformationMessage('Convert to .tflite reads model files on disk: save the model to a folder first.');
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('TinyML Lens writes no files in an untrusted workspace: trust the workspace to convert a model.');
    return undefined;
  }
  const int8 = await int8Choice(source, opts);
  if (int8 === undefined) return undefined;
  const chosen = await where(source, opts);
  if (!chosen) return undefined;
  const { target } = chosen;
  // Asked before converting (nobody waits for a conversion only to be asked then); the write checks again.
  let replace = chosen.confirmed;
  const there = await destination(target);
  if (there.kind === 'refused') {
    void vscode.window.showErrorMessage(`Cannot write ${vscode.workspace.asRelativePath(target)}: ${there.reason}`);
    return undefined;
  }
  if (there.kind === 'file' && !replace) {
    if (!(await mayReplace(target, opts))) return undefined;
    replace = true;
  }
  const params: ConvertParams = { sourceUri: source.toString(), ...(int8 ? { int8 } : {}) };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Converting ${name} to .tflite${int8 ? ' (int8)' : ''}`, cancellable: true },
    (progress, token) => requestWithProgress(state.client, ConvertRequest.type, params, progress, token),
  );
  if (!result || (result.kind === 'error' && result.code === 'cancelled')) {
    void vscode.window.showInformationMessage(`Conversion of ${name} cancelled: nothing was written.`);
    return undefined;
  }
  if (result.kind === 'error') {
    void vscode.window.showErrorMessage(`Cannot convert ${name}: ${result.message}`);
    return undefined;
  }
  if (!(await write(target, Buffer.from(result.base64, 'base64'), replace, opts))) return undefined;
  state.output.info(`converted ${source.fsPath} (${result.format}) to ${target.fsPath}: ${result.ops}`);
  for (const note of result.notes) state.output.info(`  ${note}`);
  void vscode.window.showInformationMessage(summary(result, target), 'Open in Model Viewer', 'Analyze').then((c) => {
    if (c === 'Open in Model Viewer') void vscode.commands.executeCommand('tinymlLens.openModelViewer', target);
    if (c === 'Analyze') void vscode.commands.executeCommand('tinymlLens.analyzeModel', target);
  });
  return target;
}

/** Writes, asking (once) when a file appeared at the destination while converting; false when nothing was written. */
async function write(target: vscode.Uri, bytes: Uint8Array, replace: boolean, opts: ConvertOptions): Promise<boolean> {
  try {
    await writeFile(target, bytes, replace);
    return true;
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    if (e.code === 'exists' && !replace && (await mayReplace(target, opts))) return write(target, bytes, true, opts);
    if (e.code !== 'exists') void vscode.window.showErrorMessage(`Cannot write the .tflite model: ${e.message}`);
    return false;
  }
}

/** Whether to replace the file at `target`: the option, else a modal question ("Replace" or cancel). */
async function mayReplace(target: vscode.Uri, opts: ConvertOptions): Promise<boolean> {
  if (opts.ifExists === 'overwrite') return true;
  if (opts.ifExists === 'cancel') return false;
  const choice = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} already exists. Replace it?`, { modal: true }, 'Replace');
  return choice === 'Replace';
}

/** Float32 (null), int8 with its calibration data, or undefined when the question was dismissed. */
async function int8Choice(source: vscode.Uri, opts: ConvertOptions): Promise<ConvertParams['int8'] | null | undefined> {
  if (opts.int8 === false) return null;
  if (opts.int8) return { io: opts.int8.io ?? 'int8', ...(await calibrationData(source, opts.int8)) };
  const float = 'float32';
  const pick = await vscode.window.showQuickPick([
    { label: float, detail: 'The model as trained: float weights and activations (TFLM runs it with the reference kernels)' },
    { label: 'int8', detail: 'Then quantized to int8, calibrated on a folder of samples or on random data (as Quantize to int8)' },
  ], { title: `Convert ${path.basename(source.fsPath)} to` });
  if (!pick) return undefined;
  if (pick.label === float) return null;
  const data = await calibrationData(source, {});
  return data ? { io: 'int8', ...data } : undefined;
}

/**
 * The destination: the option, else beside the source (`<base name>.tflite`) or a place chosen in a save dialog,
 * whose own question about an existing file counts as the answer (`confirmed`).
 */
async function where(source: vscode.Uri, opts: ConvertOptions): Promise<{ target: vscode.Uri; confirmed: boolean } | undefined> {
  if (opts.out) return { target: vscode.Uri.file(opts.out), confirmed: opts.ifExists === 'overwrite' };
  const beside = vscode.Uri.file(path.join(path.dirname(source.fsPath), tfliteName(path.basename(source.fsPath))));
  const pick = await vscode.window.showQuickPick([
    { label: `Beside the source: ${path.basename(beside.fsPath)}`, detail: vscode.workspace.asRelativePath(beside), chosen: 'beside' as const },
    { label: 'Choose where…', detail: 'A save dialog', chosen: 'dialog' as const },
  ], { title: 'Write the .tflite model' });
  if (!pick) return undefined;
  if (pick.chosen === 'beside') return { target: beside, confirmed: false };
  const saved = await vscode.window.showSaveDialog({ defaultUri: beside, filters: { 'TFLite model': ['tflite'] }, saveLabel: 'Convert' });
  return saved ? { target: saved, confirmed: true } : undefined;
}

/** The source in `arg` or the active editor; else a pick of the workspace's convertible files. */
async function sourceOrPick(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && isConvertiblePath(arg.path)) return arg;
  if (typeof arg === 'string' && isConvertiblePath(arg)) return vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  if (active && isConvertiblePath(active.path) && isUsableSource(active)) return active;
  const found = (await vscode.workspace.findFiles('**/{*.onnx,*.keras,*.h5,*.hdf5,model.json}', MODEL_EXCLUDE, 500)).filter(isUsableSource);
  if (found.length === 0) {
    void vscode.window.showInformationMessage('No model to convert in this workspace: Convert to .tflite takes .onnx, .keras, .h5 and TF.js model.json files.');
    return undefined;
  }
  if (found.length === 1) return found[0];
  const items = found.sort((a, b) => a.path.localeCompare(b.path))
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(path.dirname(uri.fsPath)), uri }));
  const chosen = await vscode.window.showQuickPick(items, { title: 'Which model to convert to .tflite?', matchOnDescription: true });
  return chosen?.uri;
}

/** A model.json counts only when it is a TF.js model (a web project's other model.json files are not). */
function isUsableSource(uri: vscode.Uri): boolean {
  return !/(^|\/)model\.json$/i.test(uri.path) || isUsableModel(uri);
}

function summary(r: Extract<ConvertResult, { kind: 'ok' }>, target: vscode.Uri): string {
  const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
  const arena = r.arena.find((a) => a.runtime === 'tflm-cmsis-nn') ?? r.arena[0];
  const size = r.int8 ? `int8, ${kib(r.int8.sizeAfter)} (float32 ${kib(r.floatBytes)})` : `float32, ${kib(r.floatBytes)}`;
  const errors = r.int8?.errors.map((e) => `${e.name}: max error ${e.maxAbs.toPrecision(3)} on [${e.floatMin.toPrecision(3)}, ${e.floatMax.toPrecision(3)}]`).join('; ');
  return `Wrote ${vscode.workspace.asRelativePath(target)} (${size}): ${r.ops}` +
    (arena ? `; arena ${kib(arena.bytes)} (${arena.runtime}${arena.ok ? '' : ', does not run'})` : '') +
    (r.notes.length ? `; ${r.notes.length} conversion note${r.notes.length > 1 ? 's' : ''} in the TinyML Lens output` : '') +
    (r.int8 ? `. Calibrated on ${r.int8.calibration}. ${errors}.` : '.');
}
