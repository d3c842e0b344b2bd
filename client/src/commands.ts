/**
 * Every command of the extension: ids as constants, and a table of id -> factory, so registration is one loop and
 * package.json's `contributes.commands` can be checked against the table.
 */
import * as vscode from 'vscode';
import { convertToTflite } from './commands/convert.js';
import { createManifest } from './commands/create-manifest.js';
import { generateTflmCode } from './commands/generate-tflm.js';
import { importProfile } from './commands/import-profile.js';
import { quantizeModel } from './commands/quantize.js';
import { openListing } from './commands/open-listing.js';
import { selectTarget } from './commands/select-target.js';
import type { ExtensionState } from './context.js';
import { manifestUri } from './manifests.js';

/** Command ids (package.json contributes the palette entries under the category "TinyML"). */
export const CommandIds = {
  selectTarget: 'tinymlLens.selectTarget',
  openListing: 'tinymlLens.openListing',
  showCostProfile: 'tinymlLens.showCostProfile',
  createManifest: 'tinymlLens.createManifest',
  generateTflmCode: 'tinymlLens.generateTflmCode',
  quantizeModel: 'tinymlLens.quantizeModel',
  convertToTflite: 'tinymlLens.convertToTflite',
  importProfile: 'tinymlLens.importProfile',
  /** Run by the code lens above `model:` with the model's path. */
  analyzeModel: 'tinymlLens.analyzeModel',
  exportCostProfile: 'tinymlLens.exportCostProfile',
  restartServer: 'tinymlLens.restartServer',
  showOutput: 'tinymlLens.showOutput',
} as const;

type Handler = (...args: unknown[]) => unknown;
type Factory = (state: ExtensionState) => Handler;

/** The table: each id and what runs it. */
export const COMMANDS: Readonly<Record<string, Factory>> = {
  [CommandIds.selectTarget]: (s) => (arg) => selectTarget(s, arg),
  [CommandIds.openListing]: (s) => (arg) => openListing(s, arg),
  [CommandIds.analyzeModel]: (s) => (arg) => openListing(s, arg),
  [CommandIds.showCostProfile]: (s) => (arg) => {
    const uri = manifestUri(arg, s.lastManifest);
    if (!uri) return void vscode.window.showInformationMessage('Open a deployment manifest (*.tinyml.yaml) to see its cost profile.');
    return s.costProfile.show(uri);
  },
  [CommandIds.createManifest]: (s) => (arg, options) => createManifest(s, arg, options),
  [CommandIds.generateTflmCode]: (s) => (arg, options) => generateTflmCode(s, arg, options),
  [CommandIds.quantizeModel]: (s) => (arg, options) => quantizeModel(s, arg, options),
  [CommandIds.convertToTflite]: (s) => (arg, options) => convertToTflite(s, arg, options),
  [CommandIds.importProfile]: (s) => (arg, options) => importProfile(s, arg, options),
  [CommandIds.exportCostProfile]: (s) => (format) => s.costProfile.export(format === 'json' ? 'json' : 'markdown'),
  [CommandIds.restartServer]: (s) => async () => {
    s.policy.reset();
    await s.client.restart();
  },
  [CommandIds.showOutput]: (s) => () => s.output.show(true),
};

/** Registers every command of the table. */
export function registerCommands(state: ExtensionState): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, factory(state)));
}
