/** A ManifestCheck built in memory (no server, no files) for the manifest features' unit tests. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver';
import { analyzeModel } from '../../../server/src/analysis/report.js';
import { catalogTargets } from '../../../server/src/lsp/catalog-targets.js';
import { costEstimator } from '../../../server/src/lsp/cost-estimator.js';
import { computeFit } from '../../../server/src/lsp/footprint.js';
import { builtinProviders, type Providers } from '../../../server/src/lsp/providers.js';
import { supportRuntimes } from '../../../server/src/lsp/runtimes.js';
import { DEFAULT_SETTINGS } from '../../../server/src/lsp/settings.js';
import type { ManifestCheck } from '../../../server/src/lsp/workspace.js';
import { parseManifest } from '../../../server/src/manifest/parse.js';
import { readTflite } from '../../../server/src/model/tflite/reader.js';

/** The server's providers: the bundled catalog, the support runtimes, the cost model. */
export const providers: Providers = { ...builtinProviders(), targets: catalogTargets(), runtimes: supportRuntimes, cost: costEstimator() };

/** A check of `text` as the server would make it; with `model` bytes the model is "loaded" from `modelPath` and analysed. */
export function checkOf(text: string, options: { uri?: string; model?: Uint8Array; modelPath?: string; dir?: string } = {}): ManifestCheck {
  const uri = options.uri ?? 'file:///work/m.tinyml.yaml';
  const document = TextDocument.create(uri, 'tinyml-manifest', 1, text);
  const parse = parseManifest(text);
  const m = parse.manifest;
  const runtimeId = m.runtime?.value ?? 'tflm-cmsis-nn';
  const runtime = supportRuntimes.get(runtimeId) ?? supportRuntimes.get('tflm-cmsis-nn');
  const target = m.target ? providers.targets.resolve(m.target.value) : null;
  const spec = target?.kind === 'found' ? target.spec : null;
  const modelPath = options.modelPath ?? '/work/model.tflite';
  const model = options.model ? readTflite(options.model) : null;
  const report = model && runtime ? analyzeModel(model, runtime.kernels) : null;
  return {
    uri, document, version: 1, parse, modelPath,
    load: model ? { kind: 'ok', path: modelPath, hash: 'h', model } : null,
    tfjs: null,
    modelBase: { dir: options.dir ?? '/work', unsaved: false },
    settings: DEFAULT_SETTINGS, margin: 0,
    runtime, runtimeFromTarget: false, runtimeKnown: supportRuntimes.get(runtimeId) !== null,
    report, support: null, target, targetFromSettings: false,
    fit: report ? computeFit(m, report, spec, null, 0) : null,
    inputShapes: [], inputShapeErrors: [], pending: null, failure: null,
  };
}

/** `text` with LSP edits applied (non-overlapping, any order). */
export function applyEdits(doc: TextDocument, edits: readonly TextEdit[]): string {
  const text = doc.getText();
  const sorted = [...edits].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, doc.offsetAt(e.range.start)) + e.newText + out.slice(doc.offsetAt(e.range.end));
  return out;
}
