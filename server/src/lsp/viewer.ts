/**
 * `tinymlLens/viewer`: the model viewer's figures for a .tflite, a source model (.onnx, .keras, .h5, a TF.js layers
 * model.json: the converted model's graph and plan, labelled as converted) or a TF.js model the converter does not
 * take (a graph model: the TF.js reader's estimates). The model is read and
 * analysed in the analysis workers (models.ts, tfjs-models.ts) like every other request; this file picks the runtime
 * and target, waits for the worker, and converts (viewer-data.ts). Registered with one line in server.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { analyzeTfjs } from '../analysis/tfjs.js';
import { visible } from '../analysis/text.js';
import type { ModelCache } from './models.js';
import { analysisLimit, convertedLabel, notConvertedReason } from './messages.js';
import { withEstimates } from './tfjs-source.js';
import type { Providers } from './providers.js';
import { guardedAsync, type Logger } from './safe.js';
import type { Settings } from './settings.js';
import { isTfjsPath, type TfjsCache } from './tfjs-models.js';
import { tfjsView, tfliteView } from './viewer-data.js';
import { ViewerRequest, type ViewerChoice, type ViewerParams, type ViewerResult } from './viewer-protocol.js';

/** What the handler needs from the server. */
export interface ViewerDeps {
  readonly models: ModelCache;
  readonly tfjs: TfjsCache;
  readonly providers: Providers;
  readonly settingsFor: (uri: string) => Settings;
  readonly log: Logger;
  /** Runs `fn` once the settings of `uri`'s folder are read. */
  readonly ready: <T>(fn: () => T | Promise<T>, uri?: string) => Promise<T>;
}

/** Registers the request on the connection. */
export function registerViewer(connection: Connection, deps: ViewerDeps): void {
  connection.onRequest(ViewerRequest.type, (p) => deps.ready(() => {
    const fallback: ViewerResult = { kind: 'error', uri: p.uri, name: nameOf(p.uri), code: 'internal', message: 'internal error (see the server log)' };
    return guardedAsync('model viewer', deps.log, fallback, () => viewerResult(p, deps));
  }, p.uri));
}

function nameOf(uri: string): string {
  return visible(decodeURIComponent(uri.split(/[?#]/)[0]!.split('/').pop() ?? uri));
}

/** The viewer's data for a model file URI. */
export async function viewerResult(p: ViewerParams, deps: ViewerDeps): Promise<ViewerResult> {
  const name = nameOf(p.uri);
  const error = (code: string, message: string, extra: { offset?: number; where?: string } = {}): ViewerResult => ({ kind: 'error', uri: p.uri, name, code, message, ...extra });
  if (!p.uri.startsWith('file:')) return error('not-a-model', 'the viewer opens model files on disk (file: URIs)');
  const path = fileURLToPath(p.uri);
  const settings = deps.settingsFor(p.uri);
  const runtime = deps.providers.runtimes.get(p.runtime || settings.defaultRuntime);
  if (!runtime) return error('runtime', `unknown runtime '${visible(p.runtime ?? '')}'`);
  const runtimes: ViewerChoice[] = deps.providers.runtimes.all().map((r) => ({ id: r.id, label: r.id }));
  // A layers model.json is converted like an .onnx; a graph model (or one the converter refuses) keeps the estimates.
  const load = await deps.models.loaded(path);
  if (isTfjsPath(path) && withEstimates(load)) {
    const refused = load.kind === 'unconverted' ? [`Not converted: ${notConvertedReason(load.error)}.`] : [];
    const tfjs = await deps.tfjs.prepare(path);
    if (tfjs.kind === 'missing') return error('missing', 'the model file does not exist');
    if (tfjs.kind === 'malformed') return error('malformed', tfjs.error.message, { offset: tfjs.error.offset, where: tfjs.error.where });
    if (tfjs.kind === 'failed') return error('limit', analysisLimit(name, tfjs.failure));
    const view = tfjsView(p.uri, name, analyzeTfjs(tfjs.model, runtime.kernels), runtime.id, runtimes);
    return { ...view, notes: [...refused, ...view.notes, 'The graph of a TF.js model is drawn in the order of its layers; convert it to .tflite for the exact graph and the arena plan.'] };
  }
  switch (load.kind) {
    case 'missing': return error('missing', 'the model file does not exist');
    case 'unreadable': return error('unreadable', visible(load.reason));
    case 'malformed': return error('malformed', visible(load.error.message), { offset: load.error.offset, where: visible(load.error.where) });
    case 'unconverted': return error('not-converted', notConvertedReason(load.error), { where: visible(load.error.where) });
    case 'failed': return error('limit', analysisLimit(name, load.failure));
    case 'pending': return error('limit', 'the model is still being read; try again');
  }
  const timeout = settings.analysisTimeoutSeconds !== null ? { timeoutSeconds: settings.analysisTimeoutSeconds } : {};
  const analysis = await deps.models.analysed(load, runtime.kernels, runtime.support ?? null, timeout);
  if (analysis.kind === 'failed') return error('limit', analysisLimit(name, analysis.failure));
  // '' asks for no target; absent: the folder's default target.
  const targetId = p.target === undefined ? settings.defaultTarget : p.target || null;
  const resolved = targetId ? deps.providers.targets.resolve({ kind: 'id', id: targetId }) : null;
  const target = resolved?.kind === 'found' ? resolved.spec : null;
  const cost = deps.providers.cost && target
    ? deps.providers.cost.estimate({ model: load.model, report: analysis.report, target, clockHz: target.clockHz, ...(analysis.support ? { support: analysis.support } : {}) })
    : null;
  const targets = deps.providers.targets.entries().map((e) => ({ id: e.id, label: `${e.id} (${e.detail})` }));
  const view = tfliteView({ uri: p.uri, name, model: load.model, report: analysis.report, support: analysis.support, cost, runtime: runtime.id, target, runtimes, targets });
  const converted = load.source ? [`${name} ${visible(convertedLabel(load.source))}.`] : [];
  const notes = [...converted, ...(resolved?.kind === 'unknown' ? [`unknown target '${visible(targetId ?? '')}'`] : []), ...view.notes];
  return { ...view, notes };
}
