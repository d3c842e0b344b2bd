/**
 * The TinyML Lens language server (run as `node dist/server.js --stdio`, or over IPC by the extension).
 * Features live one per file under lsp/; this file only wires them to the connection.
 */
import { basename } from 'node:path';
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
import { codeLenses } from './lsp/code-lens.js';
import { costEstimator } from './lsp/cost-estimator.js';
import { complete } from './lsp/completion.js';
import { registerCostProfile } from './lsp/cost-profile.js';
import { registerGenerateTflm } from './lsp/generate-tflm.js';
import { manifestDiagnostics } from './lsp/diagnostics.js';
import { hover } from './lsp/hover.js';
import { inlayHints } from './lsp/inlay-hints.js';
import { definition, documentLinks } from './lsp/links.js';
import { ModelCache } from './lsp/models.js';
import { listingDiagnostics } from './lsp/listing-diagnostics.js';
import { listingHover } from './lsp/listing-hover.js';
import { checkListing, listingResult, type ListingCheck } from './lsp/listing.js';
import { LISTING_SCHEME, ListingRequest, parseListingUri, StatsRequest } from './lsp/protocol.js';
import { builtinProviders } from './lsp/providers.js';
import { supportRuntimes } from './lsp/runtimes.js';
import { guarded } from './lsp/safe.js';
import { readSettings, SETTINGS_SECTION } from './lsp/settings.js';
import { tfjsDiagnostics, tfjsHover } from './lsp/tfjs-document.js';
import { isTfjsPath } from './lsp/tfjs-models.js';
import { isManifestUri, Workspace, type ManifestCheck } from './lsp/workspace.js';
import type { TfjsModel } from './model/tfjs/reader.js';
import type { RuntimeInfo } from './lsp/providers.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
// Issue 3's MCU catalog, per-runtime op support and latency/energy model, behind the Providers interfaces.
const log = (message: string): void => connection.console.error(message);
// The bundled catalog plus the boards of tinyml-targets.json at the workspace roots (re-read when it changes).
const targets = new WorkspaceTargets(log);
let workspaceRoots: string[] = [];
const providers = { ...builtinProviders(), targets, runtimes: supportRuntimes, cost: costEstimator() };
/** The server's version (package.json's), reported in serverInfo and in generated code. */
const VERSION = '0.1.0';
const models = new ModelCache();
const workspace = new Workspace(models, providers);
let dynamicWatchers = false;
let configurationPull = false;
let dynamicConfiguration = false;
/** Settles once the client's settings were read (or cannot be): checks wait for it so the first result uses them. */
let settingsRead: Promise<void> = Promise.resolve();
let settingsSettled: () => void = () => undefined;

/** Runs a feature on an open manifest, guarded: a failure is logged and yields `empty`. */
function onManifest<T>(feature: string, uri: string, empty: T, fn: (check: ManifestCheck) => T): T {
  const document = documents.get(uri);
  if (!document || !isManifestUri(uri)) return empty;
  return guarded(feature, log, empty, () => fn(workspace.check(document)));
}

/** Runs `fn` once the settings are in (and, with a document `uri`, once what its check needs is loaded). */
async function afterSettings<T>(fn: () => T, uri?: string): Promise<T> {
  await settingsRead;
  const document = uri ? documents.get(uri) : undefined;
  if (document) {
    await guarded('model loading', log, Promise.resolve(), async () => {
      if (isManifestUri(document.uri)) await workspace.prepare(document);
      else if (isModelJsonDocument(document.uri)) await workspace.tfjs.prepare(fileURLToPath(document.uri), document.getText());
    }).catch((e: unknown) => log(`tinyml-lens: model loading failed: ${String(e)}`));
  }
  return fn();
}

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
    const runtime = providers.runtimes.get(workspace.settings.defaultRuntime) ?? providers.runtimes.get('tflm-cmsis-nn');
    return load?.kind === 'ok' && runtime ? fn(load.model, document, runtime) : empty;
  });
}

/** Pulls the `tinymlLens` section and, when it changes any check, re-publishes every open manifest. */
async function readClientSettings(pushed?: unknown): Promise<void> {
  let raw: unknown = pushed;
  if (configurationPull) {
    raw = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).catch((e: unknown) => {
      log(`tinyml-lens: workspace/configuration failed: ${String(e)}`);
      return null;
    });
  }
  if (workspace.configure(readSettings(raw))) for (const d of documents.all()) publish(d);
}

/** Runs a feature on an open `tinyml-listing:` document, guarded like onManifest. */
function onListing<T>(feature: string, uri: string, empty: T, fn: (check: ListingCheck, document: TextDocument) => T): T {
  const document = documents.get(uri);
  if (!document || !uri.startsWith(`${LISTING_SCHEME}:`)) return empty;
  return guarded(feature, log, empty, () => {
    const check = checkListing(uri, models, providers, workspace.settings);
    return check ? fn(check, document) : empty;
  });
}

function publish(document: TextDocument): void {
  if (isManifestUri(document.uri) || document.uri.startsWith(`${LISTING_SCHEME}:`) || isModelJsonDocument(document.uri)) {
    void afterSettings(() => publishNow(document), document.uri);
  }
}

function publishNow(document: TextDocument): void {
  const diagnostics = isManifestUri(document.uri)
    ? onManifest('diagnostics', document.uri, [], (c) => manifestDiagnostics(c, providers))
    : isModelJsonDocument(document.uri)
      ? onModelJson('model.json diagnostics', document.uri, [], (m, d, r) => tfjsDiagnostics(m, d, r))
      : onListing('listing diagnostics', document.uri, [], (c, d) => listingDiagnostics(c, d));
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
}

connection.onInitialize((params) => {
  dynamicWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  configurationPull = params.capabilities.workspace?.configuration === true;
  dynamicConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  // Before `initialized` the client may not answer requests; checks wait for the first read instead.
  if (configurationPull) settingsRead = new Promise<void>((resolve) => (settingsSettled = resolve));
  const rootUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceRoots = rootUris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  guarded('workspace catalog', log, undefined, () => targets.load(workspaceRoots));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [':', ' ', '{', ','] },
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      inlayHintProvider: true,
      documentLinkProvider: { resolveProvider: false },
      definitionProvider: true,
    },
    serverInfo: { name: 'tinyml-lens', version: VERSION },
  };
});

connection.onInitialized(() => {
  void readClientSettings().finally(() => settingsSettled());
  if (configurationPull && dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
  // Model files change outside the editor (a training script rewrites them); watch them so manifests re-check.
  if (dynamicWatchers) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.tflite' }, { globPattern: '**/model.json' }, { globPattern: `**/${WORKSPACE_CATALOG}` }] });
  }
});

documents.onDidChangeContent((e) => publish(e.document));
documents.onDidClose((e) => {
  workspace.forget(e.document.uri);
  if (isManifestUri(e.document.uri) || e.document.uri.startsWith(`${LISTING_SCHEME}:`) || isModelJsonDocument(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
connection.onDidChangeConfiguration((p) => {
  void readClientSettings((p.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION]);
});
connection.onDidChangeWatchedFiles((params) => {
  guarded('watched files', log, undefined, () => {
    if (params.changes.some((c) => c.uri.startsWith('file:') && basename(fileURLToPath(c.uri)) === WORKSPACE_CATALOG)) {
      targets.load(workspaceRoots);
      workspace.invalidate();
      for (const document of documents.all()) publish(document);
    }
    for (const change of params.changes) {
      if (!change.uri.startsWith('file:')) continue;
      const path = fileURLToPath(change.uri);
      models.invalidate(path);
      for (const uri of workspace.manifestsUsing(path)) {
        const document = documents.get(uri);
        if (document) publish(document);
      }
      for (const document of documents.all()) if (parseListingUri(document.uri)?.modelPath === path) publish(document);
    }
  });
});

connection.onHover((p) => afterSettings(() => onManifest('hover', p.textDocument.uri, null, (c) => hover(c, p.position, providers)) ?? onListing('listing hover', p.textDocument.uri, null, (c, d) => listingHover(c, d, p.position))
  ?? onModelJson('model.json hover', p.textDocument.uri, null, (m, d, r) => tfjsHover(m, d, p.position, r.kernels)), p.textDocument.uri));
connection.onCompletion((p) => afterSettings(() => onManifest('completion', p.textDocument.uri, [], (c) => complete(c, p.position, providers)), p.textDocument.uri));
connection.onCodeLens((p) => afterSettings(() => onManifest('code lens', p.textDocument.uri, [], (c) => codeLenses(c)), p.textDocument.uri));
connection.onCodeAction((p) => afterSettings(() => onManifest('code actions', p.textDocument.uri, [], (c) => codeActions(c, p.context.diagnostics, { providers, supportFor: (r) => workspace.supportFor(c, r) })), p.textDocument.uri));
connection.languages.inlayHint.on((p) => afterSettings(() => onManifest('inlay hints', p.textDocument.uri, [], (c) => inlayHints(c, p.range)), p.textDocument.uri));
connection.onDocumentLinks((p) => afterSettings(() => onManifest('document links', p.textDocument.uri, [], (c) => documentLinks(c)), p.textDocument.uri));
connection.onDefinition((p) => afterSettings(() => onManifest('definition', p.textDocument.uri, null, (c) => definition(c, p.position)), p.textDocument.uri));
connection.onRequest(StatsRequest.type, () => {
  const memory = process.memoryUsage();
  return { ...models.stats, reads: models.stats.reads + workspace.tfjs.reads, heapUsedBytes: memory.heapUsed, rssBytes: memory.rss };
});
connection.onRequest(ListingRequest.type, (p) => afterSettings(() => {
  const result = guarded('listing', log, null, () => listingResult(p, models, providers, workspace.settings));
  if (!result) throw new ResponseError(ErrorCodes.InvalidParams, `not a model listing or model file URI: ${p.uri}`);
  return result;
}));
registerCostProfile(connection, { documents, workspace, models, log });
registerGenerateTflm(connection, { documents, workspace, models, log, version: VERSION, ready: afterSettings });

documents.listen(connection);
connection.listen();
