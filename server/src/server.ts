/**
 * The TinyML Lens language server (run as `node dist/server.js --stdio`, or over IPC by the extension).
 * Features live one per file under lsp/; this file only wires them to the connection.
 */
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WORKSPACE_CATALOG, WorkspaceTargets } from './lsp/catalog-targets.js';
import { codeActions } from './lsp/code-actions.js';
import { Code } from './lsp/codes.js';
import { codeLenses } from './lsp/code-lens.js';
import { costEstimator } from './lsp/cost-estimator.js';
import { complete } from './lsp/completion.js';
import { registerCostProfile } from './lsp/cost-profile.js';
import { registerGenerateTflm } from './lsp/generate-tflm.js';
import { registerImportProfile } from './lsp/import-profile.js';
import { registerQuantize } from './lsp/quantize.js';
import { registerConvert } from './lsp/convert-request.js';
import { registerViewer } from './lsp/viewer.js';
import { manifestDiagnostics } from './lsp/diagnostics.js';
import { FirmwareLinter, isFirmwareDocument } from './lsp/firmware-lint.js';
import { FirmwareFiles, firmwareApp, firmwareDiagnostics } from './lsp/firmware-manifest.js';
import { hover } from './lsp/hover.js';
import { inlayHints } from './lsp/inlay-hints.js';
import { definition, documentLinks } from './lsp/links.js';
import { listingDiagnostics } from './lsp/listing-diagnostics.js';
import { listingHover } from './lsp/listing-hover.js';
import { checkListing, listingResult, listingSettingsUri, type ListingCheck } from './lsp/listing.js';
import { ServerAnalyses } from './lsp/worker/server-analyses.js';
import { DiagnosticsSettledRequest, LISTING_SCHEME, ListingRequest, parseListingUri, StatsRequest } from './lsp/protocol.js';
import { builtinProviders } from './lsp/providers.js';
import { supportRuntimes } from './lsp/runtimes.js';
import { documentSymbols } from './lsp/symbols.js';
import { guarded, guardedAsync } from './lsp/safe.js';
import { ScopedSettings, SETTINGS_SECTION } from './lsp/settings.js';
import { tfjsDiagnostics, tfjsHover } from './lsp/tfjs-document.js';
import { isTfjsPath } from './lsp/tfjs-models.js';
import { isManifestDocument, Workspace, type ManifestCheck } from './lsp/workspace.js';
import type { TfjsModel } from './model/tfjs/reader.js';
import type { RuntimeInfo } from './lsp/providers.js';
import { ShardWatchers } from './lsp/shard-watchers.js';
import { DiagnosticsPublisher } from './lsp/publisher.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
// Issue 3's MCU catalog, per-runtime op support and latency/energy model, behind the Providers interfaces.
const log = (message: string): void => connection.console.error(message);
// Diagnostics go out only when a document's set changed (an edit that changes nothing visible sends nothing).
const publisher = new DiagnosticsPublisher((params) => void connection.sendDiagnostics(params));
// The bundled catalog plus the boards of tinyml-targets.json at the workspace roots (re-read when it changes).
const targets = new WorkspaceTargets(log);
/** The workspace folders' URIs in the client's order, and the paths of those on disk. */
let workspaceFolders: string[] = [];
let workspaceRoots: string[] = [];
/** The settings per workspace folder; until `initialize` says the client answers workspace/configuration, defaults. */
let settings = new ScopedSettings(null, log);
let markInitialized: () => void = () => undefined;
const initialized = new Promise<void>((resolve) => (markInitialized = resolve));
const providers = { ...builtinProviders(), targets, runtimes: supportRuntimes, cost: costEstimator() };
/** The server's version (package.json's), reported in serverInfo and in generated code. */
const VERSION = '0.1.0';
// Parse, analysis, TF.js loading and quantization run in worker threads (the bundle beside this one in dist/).
const analyses = new ServerAnalyses(join(__dirname, 'analysis-worker.js'), (line) => connection.console.info(line));
const { pool, models } = analyses;
// A listing takes the settings of its model file's folder; every other document its own folder's.
const firmwareFiles = new FirmwareFiles();
const workspace = new Workspace(models, providers, { settingsFor: (uri) => settings.get(listingSettingsUri(uri)), roots: () => workspaceRoots,
  firmwareApp: (manifest, dir, modelBytes) => firmwareApp(manifest, dir, modelBytes, firmwareFiles, workspaceRoots) });
const firmwareLinter = new FirmwareLinter(models, providers, () => workspaceRoots, (uri) => workspace.settingsFor(uri));
let dynamicWatchers = false;
let configurationPull = false;
let dynamicConfiguration = false;
let folderChanges = false;
/** The client re-asks for code lenses / inlay hints when told (then those answer at once and are refreshed later). */
let lensRefresh = false;
let hintRefresh = false;

/** Runs a feature on an open manifest, guarded: a failure is logged and yields `empty`. */
function onManifest<T>(feature: string, uri: string, empty: T, fn: (check: ManifestCheck) => T): T {
  const document = documents.get(uri);
  if (!document || !isManifestDocument(document)) return empty;
  return guarded(feature, log, empty, () => fn(workspace.check(document)));
}

/**
 * Runs `fn` once the settings of `uri`'s workspace folder are read (the first check of a folder waits for them) and,
 * for an open document, once what its check needs is loaded (a TF.js model, loaded in a worker). It does not wait for
 * .tflite analyses (see `afterAnalysis`).
 */
async function afterSettings<T>(fn: () => T | Promise<T>, uri?: string): Promise<T> {
  if (uri === undefined) return fn();
  await loadFor(uri);
  return fn();
}

/**
 * Runs an interactive feature (hover, completion, lenses, ...) once the settings are read, without waiting for any
 * model: a TF.js model still loading is started, and the feature answers from what is known now.
 */
async function interactive<T>(fn: () => T | Promise<T>, uri: string): Promise<T> {
  const loading = loadFor(uri);
  await settings.ready(listingSettingsUri(uri));
  void loading;
  return fn();
}

/** Reads the settings of `uri`'s folder, then loads what the document's check needs. */
async function loadFor(uri: string): Promise<void> {
  const scoped = await settings.ready(listingSettingsUri(uri));
  analyses.useMemorySetting(scoped.analysisMemoryMb);
  const document = documents.get(uri);
  if (!document) return;
  await guarded('model loading', log, Promise.resolve(), async () => {
    if (isManifestDocument(document)) await workspace.prepare(document);
    else if (isModelJsonDocument(document.uri)) await workspace.tfjs.prepare(fileURLToPath(document.uri), document.getText());
    watchShards();
  }).catch((e: unknown) => log(`tinyml-lens: model loading failed: ${String(e)}`));
}

/**
 * Like `afterSettings`, and for a manifest also once its model's analysis has settled: for the requests whose answer
 * is the analysis (cost profile, code generation). Waiting is asynchronous; other requests are answered meanwhile.
 */
async function afterAnalysis<T>(fn: () => T | Promise<T>, uri?: string): Promise<T> {
  return afterSettings(async () => {
    const document = uri === undefined ? undefined : documents.get(uri);
    for (let i = 0; i < 4 && document && isManifestDocument(document); i++) {
      const pending = guarded('analysis', log, null, () => workspace.check(document).pending);
      if (!pending) break;
      await pending;
    }
    return fn();
  }, uri);
}

/** Watchers for the shard names of prepared model.json files that the `*.bin` watcher does not cover. */
const shardWatchers = new ShardWatchers((globs) => void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: globs.map((globPattern) => ({ globPattern })) }).catch(() => undefined));
const watchShards = (): void => { if (dynamicWatchers) shardWatchers.watch([...workspace.tfjs.shardPaths(), ...models.shardPaths()]); };

/** A TF.js model.json on disk, open in the editor. */
function isModelJsonDocument(uri: string): boolean {
  return uri.startsWith('file:') && isTfjsPath(uri.split(/[?#]/)[0] ?? '');
}

/** Runs a feature on an open model.json with its last load, guarded. */
function onModelJson<T>(feature: string, uri: string, empty: T, fn: (model: TfjsModel, document: TextDocument, runtime: RuntimeInfo) => T): T {
  const document = documents.get(uri);
  if (!document || !isModelJsonDocument(uri)) return empty;
  return guarded(feature, log, empty, () => {
    const load = workspace.tfjs.get(fileURLToPath(uri));
    const runtime = providers.runtimes.get(workspace.settingsFor(uri).defaultRuntime) ?? providers.runtimes.get('tflm-cmsis-nn');
    return load?.kind === 'ok' && runtime ? fn(load.model, document, runtime) : empty;
  });
}

/** The `tinymlLens` section for each scope URI, asked in one `workspace/configuration` request once initialized. */
async function pullSettings(scopeUris: readonly string[]): Promise<readonly unknown[]> {
  await initialized;
  return connection.workspace.getConfiguration(scopeUris.map((scopeUri) => ({ scopeUri, section: SETTINGS_SECTION })));
}

/** Re-reads the settings of every folder seen and re-publishes the open documents whose settings changed. */
async function onSettingsChanged(pushed: unknown): Promise<void> {
  const changed = await settings.refresh(pushed);
  // The limits may have been raised: analyses that failed get another chance.
  models.forgetFailures();
  for (const d of documents.all()) if (changed(listingSettingsUri(d.uri))) publish(d);
}

/** The workspace folders changed (or were first given): settings, workspace catalogs and unsaved manifests follow. */
function setFolders(uris: readonly string[]): void {
  workspaceFolders = [...uris];
  workspaceRoots = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  settings.setFolders(uris);
  guarded('workspace catalog', log, undefined, () => targets.load(workspaceRoots));
  workspace.invalidate();
}

/** Runs a feature on an open `tinyml-listing:` document, guarded like onManifest. */
function onListing<T>(feature: string, uri: string, empty: T, fn: (check: ListingCheck, document: TextDocument) => T): T {
  const document = documents.get(uri);
  if (!document || !uri.startsWith(`${LISTING_SCHEME}:`)) return empty;
  return guarded(feature, log, empty, () => {
    const check = checkListing(uri, models, providers, workspace.settingsFor(uri));
    return check ? fn(check, document) : empty;
  });
}

/** True for the documents the server publishes diagnostics for. */
function isChecked(document: TextDocument): boolean {
  return isManifestDocument(document) || document.uri.startsWith(`${LISTING_SCHEME}:`) || isModelJsonDocument(document.uri);
}

function publish(document: TextDocument, waited = false): void {
  if (isChecked(document)) void afterSettings(() => publishNow(document, waited), document.uri);
  else if (isFirmwareDocument(document)) void afterSettings(() => publishFirmware(document), document.uri);
}

/** Publishes the firmware lint of a C/C++ document once its model's analysis is done (a newer version publishes for itself). */
async function publishFirmware(document: TextDocument): Promise<void> {
  const version = document.version;
  const diagnostics = await guardedAsync('firmware lint', log, [], () => firmwareLinter.diagnostics(document));
  if (documents.get(document.uri) !== document || document.version !== version) return;
  publisher.publish(document.uri, version, diagnostics);
}

/** What a document's diagnostics wait for: its model's parse or analysis in a worker; null when nothing runs. */
function pendingOf(document: TextDocument): Promise<void> | null {
  if (isManifestDocument(document)) return guarded('analysis', log, null, () => workspace.check(document).pending);
  if (document.uri.startsWith(`${LISTING_SCHEME}:`)) return onListing('listing analysis', document.uri, null, (c) => c.pending);
  return null;
}

/**
 * Publishes a document's diagnostics, once its model's analysis is done: diagnostics come complete or not at all, so a
 * client never sees a manifest without its model's findings. A newer version of the document publishes for itself.
 * `waited`: a parse or analysis was waited for, so the lenses and hints answered meanwhile are stale; they are
 * refreshed once the figures are complete (not after a parse, when the analysis still runs).
 */
function publishNow(document: TextDocument, waited = false): void {
  const pending = pendingOf(document);
  if (pending) {
    const version = document.version;
    void pending.then(() => {
      if (documents.get(document.uri) !== document || document.version !== version) return;
      publish(document, true);
    });
    return;
  }
  if (waited) refreshViews();
  const diagnostics = isManifestDocument(document)
    ? onManifest('diagnostics', document.uri, [], (c) => [...manifestDiagnostics(c, providers), ...firmwareDiagnostics(c, firmwareFiles, workspaceRoots)])
    : isModelJsonDocument(document.uri)
      ? onModelJson('model.json diagnostics', document.uri, [], (m, d, r) => tfjsDiagnostics(m, d, r))
      : onListing('listing diagnostics', document.uri, [], (c, d) => listingDiagnostics(c, d));
  publisher.publish(document.uri, document.version, diagnostics);
}

let refreshQueued = false;

/** Asks the client to re-request code lenses and inlay hints (an analysis they answered without is done). */
function refreshViews(): void {
  if (refreshQueued || (!lensRefresh && !hintRefresh)) return;
  refreshQueued = true;
  setImmediate(() => {
    refreshQueued = false;
    if (lensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    if (hintRefresh) void connection.sendRequest('workspace/inlayHint/refresh').catch(() => undefined);
  });
}

connection.onInitialize((params) => {
  analyses.applyInitializationOptions(params.initializationOptions);
  dynamicWatchers = firmwareFiles.watching = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  configurationPull = params.capabilities.workspace?.configuration === true;
  dynamicConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  folderChanges = params.capabilities.workspace?.workspaceFolders === true;
  lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  hintRefresh = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
  // Before `initialized` the client may not answer requests; pulls wait for it, and checks wait for their pull.
  if (configurationPull) settings = new ScopedSettings(pullSettings, log);
  setFolders(params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []));
  return {
    capabilities: {
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [':', ' ', '{', ','] },
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
      inlayHintProvider: true,
      documentLinkProvider: { resolveProvider: false },
      documentSymbolProvider: { label: 'TinyML manifest' },
      definitionProvider: true,
    },
    serverInfo: { name: 'tinyml-lens', version: VERSION },
  };
});

connection.onInitialized(() => {
  markInitialized();
  pool.warm();
  if (configurationPull && dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
  // Model files change outside the editor (a training script rewrites them); watch them so manifests re-check. TF.js
  // weight shards are usually *.bin; shards named otherwise get their own watcher once a model.json names them.
  if (dynamicWatchers) {
    const watchers = ['**/*.tflite', '**/*.onnx', '**/*.keras', '**/*.h5', '**/model.json', '**/*.model.json', '**/*.bin', `**/${WORKSPACE_CATALOG}`, '**/*.elf', '**/*.map', '**/*.tinyml.{yaml,json}', '**/tinyml.yaml'].map((globPattern) => ({ globPattern }));
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
  }
  if (folderChanges) {
    connection.workspace.onDidChangeWorkspaceFolders((e) => guarded('workspace folders', log, undefined, () => {
      const removed = new Set(e.removed.map((f) => f.uri));
      setFolders([...workspaceFolders.filter((u) => !removed.has(u)), ...e.added.map((f) => f.uri)]);
      for (const document of documents.all()) publish(document);
    }));
  }
});

documents.onDidChangeContent((e) => {
  // A manifest edit may link sources to another model: the lint looks for manifests again and re-checks open sources.
  if (isManifestDocument(e.document)) {
    firmwareLinter.invalidate();
    for (const d of documents.all()) if (isFirmwareDocument(d)) publish(d);
  }
  publish(e.document);
});
documents.onDidClose((e) => {
  workspace.forget(e.document.uri);
  models.release(e.document.uri);
  settings.forget(e.document.uri);
  firmwareLinter.forget(e.document.uri);
  if (isChecked(e.document) || isFirmwareDocument(e.document)) publisher.clear(e.document.uri);
});
connection.onDidChangeConfiguration((p) => {
  void onSettingsChanged((p.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION]);
});
connection.onDidChangeWatchedFiles((params) => {
  guarded('watched files', log, undefined, () => {
    if (params.changes.some((c) => c.uri.startsWith('file:') && basename(fileURLToPath(c.uri)) === WORKSPACE_CATALOG)) {
      targets.load(workspaceRoots);
      workspace.invalidate();
      for (const document of documents.all()) publish(document);
    }
    const stale = new Set<string>();
    for (const change of params.changes) {
      if (!change.uri.startsWith('file:')) continue;
      const path = fileURLToPath(change.uri);
      const converted = models.modelsUsingShard(path);
      models.invalidate(path);
      // A rebuilt ELF or map re-checks every manifest (one may find it by itself); a model or manifest re-lints sources.
      firmwareFiles.invalidate(path);
      if (/\.(elf|map)$/i.test(path)) for (const document of documents.all()) if (isManifestDocument(document)) stale.add(document.uri);
      if (/\.tflite$|tinyml\.(yaml|json)$/i.test(path)) {
        firmwareLinter.invalidate();
        for (const document of documents.all()) if (isFirmwareDocument(document)) stale.add(document.uri);
      }
      // A changed model.json, or a weight shard some model.json names: those models are read again.
      const tfjsModels = [...new Set([...(isTfjsPath(path) ? [path] : []), ...workspace.tfjs.modelsUsingShard(path), ...converted])];
      for (const model of tfjsModels) workspace.tfjs.invalidate(model);
      for (const model of [path, ...tfjsModels]) for (const uri of workspace.manifestsUsing(model)) stale.add(uri);
      for (const document of documents.all()) {
        const uri = document.uri;
        if (parseListingUri(uri)?.modelPath === path || (isModelJsonDocument(uri) && tfjsModels.includes(fileURLToPath(uri)))) stale.add(uri);
      }
    }
    for (const uri of stale) {
      const document = documents.get(uri);
      if (document) publish(document);
    }
  });
});

connection.onHover((p) => interactive(() => onManifest('hover', p.textDocument.uri, null, (c) => hover(c, p.position, providers)) ?? onListing('listing hover', p.textDocument.uri, null, (c, d) => listingHover(c, d, p.position))
  ?? onModelJson('model.json hover', p.textDocument.uri, null, (m, d, r) => tfjsHover(m, d, p.position, r.kernels)), p.textDocument.uri));
connection.onCompletion((p) => interactive(() => onManifest('completion', p.textDocument.uri, [], (c) => complete(c, p.position, providers)), p.textDocument.uri));
connection.onCodeLens((p) => (lensRefresh ? interactive : afterAnalysis)(() => onManifest('code lens', p.textDocument.uri, [], (c) => codeLenses(c)), p.textDocument.uri));
connection.onCodeAction((p) => afterSettings(async () => {
  // The runtime quick fix compares every runtime's verdicts: asked for an unsupported op, wait (asynchronously) for them.
  const document = documents.get(p.textDocument.uri);
  if (document && isManifestDocument(document) && p.context.diagnostics.some((d) => d.code === Code.opUnsupported)) {
    await guardedAsync('runtime analyses', log, undefined, () => workspace.supportsSettled(workspace.check(document), providers.runtimes.all()));
  }
  if (document && isFirmwareDocument(document)) return guarded('firmware code actions', log, [], () => firmwareLinter.codeActions(document, p.context.diagnostics));
  return onManifest('code actions', p.textDocument.uri, [], (c) => codeActions(c, p.context.diagnostics, { providers, supportFor: (r) => workspace.supportFor(c, r), range: p.range, ...(p.context.only ? { only: p.context.only } : {}) }));
}, p.textDocument.uri));
connection.languages.inlayHint.on((p) => (hintRefresh ? interactive : afterAnalysis)(() => onManifest('inlay hints', p.textDocument.uri, [], (c) => inlayHints(c, p.range)), p.textDocument.uri));
connection.onDocumentLinks((p) => interactive(() => onManifest('document links', p.textDocument.uri, [], (c) => documentLinks(c)), p.textDocument.uri));
connection.onDocumentSymbol((p) => interactive(() => onManifest('document symbols', p.textDocument.uri, [], (c) => documentSymbols(c)), p.textDocument.uri));
connection.onDefinition((p) => interactive(() => onManifest('definition', p.textDocument.uri, null, (c) => definition(c, p.position)), p.textDocument.uri));
connection.onRequest(StatsRequest.type, () => {
  const memory = process.memoryUsage();
  return { ...models.stats, reads: models.stats.reads + workspace.tfjs.reads, heapUsedBytes: memory.heapUsed, rssBytes: memory.rss, workers: { ...pool.stats } };
});
connection.onRequest(DiagnosticsSettledRequest.type, (p) => publisher.settled(p.uri, p.version));
connection.onRequest(ListingRequest.type, (p) => afterSettings(async () => {
  const result = await guardedAsync('listing', log, null, () => listingResult(p, models, providers, workspace.settingsFor(p.uri)));
  if (!result) throw new ResponseError(ErrorCodes.InvalidParams, `not a model listing or model file URI: ${p.uri}`);
  return result;
}, p.uri));
registerCostProfile(connection, { documents, workspace, models, log, ready: afterAnalysis });
registerGenerateTflm(connection, { documents, workspace, models, log, version: VERSION, ready: afterAnalysis });
registerQuantize(connection, { models, log });
registerConvert(connection, { models, log });
registerViewer(connection, { models, tfjs: workspace.tfjs, providers, settingsFor: (uri) => workspace.settingsFor(uri), log, ready: afterSettings });
registerImportProfile(connection, { models, catalog: () => targets.catalog, settingsFor: (uri) => workspace.settingsFor(uri), roots: () => workspaceRoots, log, ready: afterSettings });
connection.onShutdown(() => pool.dispose());

documents.listen(connection);
connection.listen();
