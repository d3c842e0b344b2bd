/**
 * TinyML: Quantize to int8 — post-training int8 quantization of a float (or hybrid) .tflite model, or of a source model
 * (.onnx, .keras, .h5, TF.js layers model.json) that the server converts first (the CLI's `quantize` bytes), calibrated on a
 * folder of samples (.npy / raw float32 .bin) or, with a warning, on random data. A model the quantizer would refuse
 * (int8 already, an operator it lacks) is named with the reason before anything is asked. The server quantizes in a
 * worker, reporting percent done per sample (the notification's Cancel stops it within one sample, nothing is written,
 * and a message says so); the client writes `<name>_int8.tflite` beside the model, asks before overwriting (a regular
 * file only: never through a symbolic link), and offers the next steps. Nothing is written in an untrusted workspace.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { QuantizeRequest, type QuantizeParams, type QuantizeResult } from '../../../server/src/lsp/protocol.js';
import type { ExtensionState } from '../context.js';
import { FileError } from '../../../server/src/files/read.js';
import { destination, writeFile } from '../files.js';
import { floatModels, quantizableVerdicts } from '../float-models.js';
import { modelUri } from '../manifests.js';
import { modelOrPick } from '../pick-model.js';
import { isModelName, isSourceModelName } from '../../../server/src/lsp/convert-protocol.js';
import { requestWithProgress } from './work-done.js';

/** For tests and scripted use: the calibration data and what to do about an existing file instead of asking. */
export interface QuantizeOptions {
  /** A folder of samples (file-system path). */
  readonly data?: string;
  readonly random?: { readonly count: number; readonly low: number; readonly high: number };
  readonly io?: 'int8' | 'uint8' | 'float32';
  readonly ifExists?: 'ask' | 'overwrite' | 'cancel';
}

/** Quantizes the model in `arg` (or the active editor); resolves to the written model, or undefined. */
export async function quantizeModel(state: ExtensionState, arg: unknown, options: unknown): Promise<vscode.Uri | undefined> {
  const opts = (options ?? {}) as QuantizeOptions;
  const model = await floatModelOrPick(state, arg);
  if (!model) return undefined;
  if (model.scheme !== 'file' || !isModelName(model.path)) {
    void vscode.window.showInformationMessage('Select a float32 .tflite model (or an .onnx, .keras, .h5 or TF.js model.json) to quantize it to int8.');
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('TinyML Lens writes no files in an untrusted workspace: trust the workspace to quantize a model.');
    return undefined;
  }
  // Said before the calibration data is asked for: an int8 model, or a float one the quantizer cannot take.
  const [verdict] = await quantizableVerdicts(state.client, [model]);
  if (verdict?.reason) {
    void vscode.window.showWarningMessage(`Cannot quantize ${path.basename(model.fsPath)}: ${verdict.reason}.`);
    return undefined;
  }
  const data = await calibrationData(model, opts);
  if (!data) return undefined;
  const params: QuantizeParams = { modelUri: model.toString(), io: opts.io ?? 'int8', ...data };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Quantizing ${path.basename(model.fsPath)} to int8`, cancellable: true },
    (progress, token) => requestWithProgress(state.client, QuantizeRequest.type, params, progress, token),
  );
  if (!result || (result.kind === 'error' && result.code === 'cancelled')) {
    void vscode.window.showInformationMessage(`Quantization of ${path.basename(model.fsPath)} cancelled: nothing was written.`);
    return undefined;
  }
  if (result.kind === 'error') {
    void vscode.window.showErrorMessage(`Cannot quantize: ${result.message}`);
    return undefined;
  }
  const target = vscode.Uri.file(path.join(path.dirname(result.modelPath), result.suggestedName));
  const there = await destination(target);
  if (there.kind === 'refused') {
    void vscode.window.showErrorMessage(`Cannot write the int8 model: ${there.reason}`);
    return undefined;
  }
  if (there.kind === 'file' && opts.ifExists !== 'overwrite') {
    if (opts.ifExists === 'cancel') return undefined;
    const choice = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} already exists.`, { modal: true }, 'Overwrite');
    if (choice !== 'Overwrite') return undefined;
  }
  try {
    // Checked again at the write: the file may have changed while the dialog was open.
    await writeFile(target, Buffer.from(result.base64, 'base64'), there.kind === 'file');
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    void vscode.window.showErrorMessage(`Cannot write the int8 model: ${e.message}`);
    return undefined;
  }
  void vscode.window.showInformationMessage(summary(result, target), 'Open Listing', 'Create Deployment Manifest').then((c) => {
    if (c === 'Open Listing') void vscode.commands.executeCommand('tinymlLens.openListing', target);
    if (c === 'Create Deployment Manifest') void vscode.commands.executeCommand('tinymlLens.createManifest', target);
  });
  return target;
}

/**
 * The model in `arg` or the active editor; else a pick of the workspace's float .tflite models and source models
 * (converted models are float32; the server's verdict on the one picked comes before any question); modelOrPick
 * says so when there is none.
 */
async function floatModelOrPick(state: ExtensionState, arg: unknown): Promise<vscode.Uri | undefined> {
  const direct = modelUri(arg);
  if (direct) return direct;
  const floats = new Set((await floatModels(state.client)).map((u) => u.toString()));
  return modelOrPick(undefined, 'quantize to int8', (u) => floats.has(u.toString()) || isSourceModelName(u.path));
}

/** The calibration data: from the options, else asked (a folder of samples, or random data with its range). */
export async function calibrationData(model: vscode.Uri, opts: QuantizeOptions): Promise<Pick<QuantizeParams, 'dataFolderUri' | 'random'> | undefined> {
  if (opts.data) return { dataFolderUri: vscode.Uri.file(opts.data).toString() };
  if (opts.random) return { random: opts.random };
  const folder = 'Folder of samples…';
  const random = 'Random data (lower quality)';
  const pick = await vscode.window.showQuickPick([
    { label: folder, detail: 'A folder of .npy or raw float32 .bin files, each one (or a batch of) input samples like the model will see' },
    { label: random, detail: 'Uniform random inputs: the int8 ranges then say little about real data' },
  ], { title: 'Calibrate the int8 ranges on' });
  if (!pick) return undefined;
  if (pick.label === folder) {
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(model.fsPath)), openLabel: 'Calibrate on This Folder' });
    return chosen?.[0] ? { dataFolderUri: chosen[0].toString() } : undefined;
  }
  const range = await vscode.window.showInputBox({
    title: 'Range of the random inputs (low,high)', value: '0,1',
    validateInput: (v) => (parseRange(v) ? null : 'two numbers, low < high, e.g. 0,1 or -1,1'),
  });
  const parsed = range === undefined ? null : parseRange(range);
  return parsed ? { random: { count: 100, ...parsed } } : undefined;
}

function parseRange(text: string): { low: number; high: number } | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return null;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low < high ? { low, high } : null;
}

function summary(r: Extract<QuantizeResult, { kind: 'ok' }>, target: vscode.Uri): string {
  const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
  const arena = r.arena.find((a) => a.runtime === 'tflm-cmsis-nn') ?? r.arena[0];
  const error = r.errors.map((e) => `${e.name}: max error ${e.maxAbs.toPrecision(3)} on [${e.floatMin.toPrecision(3)}, ${e.floatMax.toPrecision(3)}]${e.top1 === null ? '' : `, top-1 agreement ${(100 * e.top1).toFixed(0)}%`}`).join('; ');
  return `Wrote ${vscode.workspace.asRelativePath(target)}: ${kib(r.sizeBefore)} → ${kib(r.sizeAfter)}` +
    (arena ? `, arena ${kib(arena.before)} → ${kib(arena.after)} (${arena.runtime})` : '') +
    `. Calibrated on ${r.calibration}. ${error}.`;
}
