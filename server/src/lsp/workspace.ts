/**
 * Manifest state: each open manifest parsed once per version, its model loaded through the shared ModelCache, its
 * target and runtime resolved through the Providers. Every feature reads a `ManifestCheck` from here, so a hover
 * never re-parses and all features agree on the figures.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisReport } from '../analysis/report.js';
import type { SupportReport } from '../analysis/support/index.js';
import { parseManifest } from '../manifest/parse.js';
import type { Manifest, ParseResult, Span } from '../manifest/types.js';
import type { AppPart } from '../targets/fit.js';
import { InputShapeError, withInputShapes, type InputShape } from '../analysis/shapes.js';
import { computeFit, type Fit } from './footprint.js';
import { ModelCache, type ModelLoad } from './models.js';
import type { JobFailure } from './worker/messages.js';
import type { InferenceCost, Providers, RuntimeInfo, TargetResolution, TargetSpec } from './providers.js';
import { defaultRuntime } from '../analysis/latency/target.js';
import { CORES, type Core } from '../targets/catalog.js';
import { abiFor, codePathFor } from '../targets/code-path.js';
import { analysisOptions, DEFAULT_SETTINGS, sameSettings, type Settings } from './settings.js';
import { isTfjsPath, TfjsCache, type TfjsLoad } from './tfjs-models.js';
import { withEstimates } from './tfjs-source.js';

/** The runtime assumed when a manifest names none and the settings name none the server knows. */
export const DEFAULT_RUNTIME = DEFAULT_SETTINGS.defaultRuntime;

/** Everything known about one manifest at one version. */
export interface ManifestCheck {
  readonly uri: string;
  /** The live document (updated in place by TextDocuments, so `version` below is what this check saw). */
  readonly document: TextDocument;
  readonly version: number;
  readonly parse: ParseResult;
  /** Absolute path of the model file, or null when the manifest names none (or is not a file: URI). */
  readonly modelPath: string | null;
  /** The .tflite load; null without a model, or when the model is a TF.js model.json (then see `tfjs`). */
  readonly load: ModelLoad | null;
  /** The model.json load when `model:` is a TF.js model (prepared before the check; null until then). */
  readonly tfjs: TfjsLoad | null;
  /** Where a relative `model:` resolves: the manifest's folder, or for an unsaved manifest the first workspace folder. */
  readonly modelBase: ModelBase;
  /** The settings of the manifest's workspace folder this check used. */
  readonly settings: Settings;
  /** The safety margin in percent applied to the RAM need. */
  readonly margin: number;
  /** The runtime analysed for: the manifest's, or the default when it names none or an unknown one. */
  readonly runtime: RuntimeInfo | null;
  /** True when the manifest names no runtime and `runtime` is the target's own (as `fit` picks it). */
  readonly runtimeFromTarget: boolean;
  /** False when the manifest names a runtime the registry does not know. */
  readonly runtimeKnown: boolean;
  readonly report: AnalysisReport | null;
  /** Per-op verdicts for runtimes with op-support data (all of issue 3's); null otherwise or without a model. */
  readonly support: SupportReport | null;
  readonly target: TargetResolution | null;
  /** True when `target` is `tinymlLens.defaultTarget` (the manifest names none): diagnostics then go on `model`. */
  readonly targetFromSettings: boolean;
  readonly fit: Fit | null;
  /** The manifest's `input_shapes:` that fit the model (analysed at these), and the entries that do not, with why. */
  readonly inputShapes: readonly InputShape[];
  readonly inputShapeErrors: readonly { readonly span: Span; readonly message: string }[];
  /**
   * While a worker still parses or analyses the model: settles when it is done (then check again). Features answer
   * from what the check has; diagnostics wait for it.
   */
  readonly pending: Promise<void> | null;
  /** The model's parse or analysis exceeded a limit (time, memory, a bound of the core) or crashed its worker. */
  readonly failure: JobFailure | null;
}

/** The folder a manifest's relative model path is resolved against. */
export interface ModelBase {
  /** Absolute folder; null for an unsaved manifest when no workspace folder is open. */
  readonly dir: string | null;
  /** True for an unsaved (`untitled:`) manifest: `dir` is then the first workspace folder. */
  readonly unsaved: boolean;
}

/** The language id the extension gives manifests (and unsaved manifests it creates). */
export const MANIFEST_LANGUAGE = 'tinyml-manifest';

/** True for `*.tinyml.yaml`, `tinyml.yaml` and `*.tinyml.json`, whatever language id the client sent. */
export function isManifestUri(uri: string): boolean {
  const path = uri.split(/[?#]/)[0] ?? '';
  return /(^|\/)tinyml\.yaml$|\.tinyml\.(yaml|json)$/i.test(decodeURIComponent(path));
}

/** A manifest by its name, or by language id `tinyml-manifest` (an unsaved manifest has no name to go by). */
export function isManifestDocument(document: { readonly uri: string; readonly languageId: string }): boolean {
  return isManifestUri(document.uri) || document.languageId === MANIFEST_LANGUAGE;
}

/** What a Workspace asks the server for. */
export interface WorkspaceContext {
  /** The settings that apply to a document (its workspace folder's). */
  settingsFor(uri: string): Settings;
  /** The workspace folders' paths, the first first. */
  roots(): readonly string[];
  /** The application part from the manifest's firmware ELF (`firmware-manifest.ts`), or null: `reserve:` counts. */
  firmwareApp?(manifest: Manifest, dir: string | null, modelBytes: number): AppPart | null;
}

export class Workspace {
  private readonly parses = new Map<string, { version: number; parse: ParseResult }>();
  private readonly checks = new Map<string, ManifestCheck>();
  private readonly bases = new Map<string, { roots: readonly string[]; base: ModelBase }>();
  /** TF.js models, loaded asynchronously (in the analysis workers) by `prepare` before a check reads them. */
  readonly tfjs: TfjsCache;

  constructor(
    private readonly models: ModelCache,
    private readonly providers: Providers,
    private readonly context: WorkspaceContext = { settingsFor: () => DEFAULT_SETTINGS, roots: () => [] },
  ) {
    this.tfjs = new TfjsCache((key, request) => models.runJob(key, request));
  }

  /** The settings that apply to a document, a model file or a listing (by URI). */
  settingsFor(uri: string): Settings {
    return this.context.settingsFor(uri);
  }

  /** Drops every cached check (the target catalog changed). */
  invalidate(): void {
    this.checks.clear();
  }

  /** Loads what a check of `document` needs asynchronously (a TF.js model); call before `check`. */
  async prepare(document: TextDocument): Promise<void> {
    const path = this.modelPathOf(document);
    // A layers model.json is converted by the model cache; the TF.js estimates are for what it does not convert.
    if (path && isTfjsPath(path) && withEstimates(await this.models.loaded(path))) await this.tfjs.prepare(path);
  }

  private parsed(document: TextDocument): ParseResult {
    let parsed = this.parses.get(document.uri);
    if (!parsed || parsed.version !== document.version) {
      parsed = { version: document.version, parse: parseManifest(document.getText()) };
      this.parses.set(document.uri, parsed);
    }
    return parsed.parse;
  }

  private modelPathOf(document: TextDocument): string | null {
    const model = this.parsed(document).manifest.model;
    return model ? resolveModelPath(this.modelBaseOf(document.uri), model.value) : null;
  }

  /** A document's model base, kept while the workspace folders are the same (the URI never changes). */
  private modelBaseOf(uri: string): ModelBase {
    const roots = this.context.roots();
    const known = this.bases.get(uri);
    if (known && known.roots === roots) return known.base;
    const base = modelBase(uri, roots);
    this.bases.set(uri, { roots, base });
    return base;
  }

  /** The check of a manifest document, recomputed only when its text, its model file or its resolution changed. */
  check(document: TextDocument): ManifestCheck {
    const parse = this.parsed(document);
    const manifest = parse.manifest;
    const base = this.modelBaseOf(document.uri);
    const modelPath = manifest.model ? resolveModelPath(base, manifest.model.value) : null;
    const loaded = modelPath ? this.models.load(modelPath) : null;
    const estimated = modelPath && isTfjsPath(modelPath) && loaded && withEstimates(loaded) ? modelPath : null;
    const tfjs = estimated ? this.tfjs.get(estimated) : null;
    const load = loaded?.kind === 'unreadable' && loaded.estimates ? null : loaded;
    const settings = this.context.settingsFor(document.uri);
    const previous = this.checks.get(document.uri);
    if (previous && previous.pending === null && previous.version === document.version && previous.load === load && previous.tfjs === tfjs
      && previous.document === document && previous.modelBase.dir === base.dir && sameSettings(previous.settings, settings)) return previous;

    const fallback = !manifest.target && settings.defaultTarget !== null;
    const target = manifest.target
      ? this.providers.targets.resolve(manifest.target.value)
      : fallback ? this.providers.targets.resolve({ kind: 'id', id: settings.defaultTarget ?? '' }) : null;
    const spec = target?.kind === 'found' ? target.spec : null;
    const named = manifest.runtime ? this.providers.runtimes.get(manifest.runtime.value) : null;
    const runtimeKnown = !manifest.runtime || named !== null;
    // Without runtime:, the board's own runtime (as `tinyml-lens fit` picks it), unless the folder's setting names another.
    const boardRuntime = !manifest.runtime && settings.defaultRuntime === DEFAULT_RUNTIME && spec ? this.boardRuntime(spec) : null;
    const runtime = named ?? boardRuntime ?? this.providers.runtimes.get(settings.defaultRuntime) ?? this.providers.runtimes.get(DEFAULT_RUNTIME);
    const { inputShapes, inputShapeErrors } = checkInputShapes(manifest, load);
    // The document waits for this analysis only; a job it started for an earlier text is cancelled if no one else waits.
    // A Helium target (Cortex-M55/M85) gets CMSIS-NN's MVE buffer sizes, a core without DSP its plain-C ones.
    const codePath = spec ? codePathFor(spec.core?.toLowerCase() ?? '', spec.mcu ?? null) : 'dsp';
    // A RISC-V, Xtensa or ARC core has 4-byte enums (larger TFLM structs); no target, Arm's.
    const abi = abiFor(spec?.core ?? null);
    const owner = { owner: document.uri, ...analysisOptions(settings), ...(inputShapes.length ? { inputShapes } : {}), codePath, abi };
    const analysis = load?.kind === 'ok' && runtime ? this.models.analysis(load, runtime.kernels, runtime.support ?? null, owner) : null;
    this.models.release(document.uri, new Set(load?.kind === 'ok' && runtime ? [ModelCache.analysisKey(load.hash, runtime.kernels, runtime.support ?? null, inputShapes, settings.limits, codePath, abi)] : []));
    const report = analysis?.kind === 'done' ? analysis.report : null;
    const support = analysis?.kind === 'done' ? analysis.support : null;
    const loadingTfjs = estimated ? this.tfjs.loading(estimated) : null;
    const pending = load?.kind === 'pending' ? load.settled : analysis?.kind === 'pending' ? analysis.settled : loadingTfjs ? loadingTfjs.then(() => undefined) : null;
    const failure = load?.kind === 'failed' ? load.failure : analysis?.kind === 'failed' ? analysis.failure : tfjs?.kind === 'failed' ? tfjs.failure : null;
    const clockHz = manifest.clock?.value.value ?? spec?.clockHz ?? null;
    let cost: InferenceCost | null = null;
    if (report && load?.kind === 'ok' && this.providers.cost) {
      cost = this.providers.cost.estimate({ model: load.model, report, target: spec, clockHz, ...(support ? { support } : {}) });
    }
    const app = report && load?.kind === 'ok' ? this.context.firmwareApp?.(manifest, base.dir, load.model.fileBytes) ?? null : null;
    const fit = report ? computeFit(manifest, report, spec, cost, settings.safetyMargin, app) : null;
    const check: ManifestCheck = { uri: document.uri, document, version: document.version, parse, modelPath, load, tfjs, modelBase: base, settings, margin: settings.safetyMargin, runtime, runtimeFromTarget: boardRuntime !== null && runtime === boardRuntime, runtimeKnown, report, support, target, targetFromSettings: fallback, fit, inputShapes, inputShapeErrors, pending, failure };
    this.checks.set(document.uri, check);
    return check;
  }

  /** The runtime `fit` picks for a board (Ethos-U parts, ESP-NN cores, CMSIS-NN on Cortex-M), when the registry has it. */
  private boardRuntime(spec: TargetSpec): RuntimeInfo | null {
    const core = spec.core?.toLowerCase();
    if (!core || !(CORES as readonly string[]).includes(core)) return null;
    return this.providers.runtimes.get(defaultRuntime(core as Core, spec.mcu ?? null));
  }

  /**
   * The op-support verdicts of a check's model under another runtime (for the runtime quick fix), when known: the
   * first ask starts the analysis in a worker and answers null (the quick fix appears once it is done).
   */
  supportFor(check: ManifestCheck, runtime: RuntimeInfo): SupportReport | null {
    const load = check.load;
    if (load?.kind !== 'ok' || !runtime.support) return null;
    const analysis = this.models.analysis(load, runtime.kernels, runtime.support, { ...analysisOptions(check.settings), inputShapes: check.inputShapes });
    return analysis.kind === 'done' ? analysis.support : null;
  }

  /** Settles when the op-support verdicts of `runtimes` for the check's model are known (or failed), for `supportFor`. */
  async supportsSettled(check: ManifestCheck, runtimes: readonly RuntimeInfo[]): Promise<void> {
    const load = check.load;
    if (load?.kind !== 'ok') return;
    await Promise.all(runtimes.map((r) => (r.support ? this.models.analysed(load, r.kernels, r.support, { ...analysisOptions(check.settings), inputShapes: check.inputShapes }) : null)));
  }

  /** Open manifests whose model is `path` (for re-checking after the file changed on disk). */
  manifestsUsing(path: string): string[] {
    return [...this.checks.values()].filter((c) => c.modelPath === path).map((c) => c.uri);
  }

  /** Forget a closed manifest; the analysis it waited for is cancelled unless another document waits for it too. */
  forget(uri: string): void {
    this.parses.delete(uri);
    this.checks.delete(uri);
    this.bases.delete(uri);
    this.models.release(uri);
  }
}

/**
 * The manifest's `input_shapes:` entries checked one by one against the parsed model (on this thread: it only copies
 * tensor records): those that fit are analysed, the others are reported on their entry.
 */
function checkInputShapes(manifest: Manifest, load: ModelLoad | null): Pick<ManifestCheck, 'inputShapes' | 'inputShapeErrors'> {
  const entries = manifest.inputShapes?.value ?? [];
  if (load?.kind !== 'ok' || entries.length === 0) return { inputShapes: [], inputShapeErrors: [] };
  const inputShapes: InputShape[] = [];
  const inputShapeErrors: { span: Span; message: string }[] = [];
  for (const e of entries) {
    const shape = { input: e.input, shape: [...e.shape] };
    try {
      withInputShapes(load.model, [shape]);
      inputShapes.push(shape);
    } catch (error) {
      if (!(error instanceof InputShapeError)) throw error;
      inputShapeErrors.push({ span: e.span, message: error.message });
    }
  }
  return { inputShapes, inputShapeErrors };
}


/**
 * Where a manifest's relative model path resolves: the manifest's own folder; for an unsaved (`untitled:`) manifest
 * the first workspace folder, or nothing when none is open; for any other scheme nothing (only absolute paths work).
 */
export function modelBase(manifestUri: string, roots: readonly string[]): ModelBase {
  if (manifestUri.startsWith('untitled:')) return { dir: roots[0] ?? null, unsaved: true };
  if (!manifestUri.startsWith('file:')) return { dir: null, unsaved: false };
  try {
    return { dir: dirname(fileURLToPath(manifestUri)), unsaved: false };
  } catch {
    return { dir: null, unsaved: false };
  }
}

/** The model path of a manifest: absolute as written, else relative to `base`; null when there is no base. */
export function resolveModelPath(base: ModelBase, model: string): string | null {
  if (isAbsolute(model)) return model;
  return base.dir === null ? null : resolve(base.dir, model);
}

/**
 * For an unsaved manifest with a relative model path, the sentence that says where it was looked for (added to
 * model-not-found messages and hovers); null otherwise.
 */
export function unsavedModelNote(check: Pick<ManifestCheck, 'modelBase' | 'parse'>): string | null {
  const model = check.parse.manifest.model?.value;
  if (!check.modelBase.unsaved || !model || isAbsolute(model)) return null;
  return check.modelBase.dir === null
    ? 'An unsaved manifest resolves a relative model path against the first workspace folder, and none is open: save the manifest beside its model or give an absolute path.'
    : `An unsaved manifest resolves a relative model path against the first workspace folder, ${check.modelBase.dir}.`;
}

/** file: URI of a path. */
export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}
