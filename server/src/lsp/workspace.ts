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
import type { ParseResult } from '../manifest/types.js';
import { computeFit, type Fit } from './footprint.js';
import type { ModelCache, ModelLoad } from './models.js';
import type { InferenceCost, Providers, RuntimeInfo, TargetResolution } from './providers.js';
import { DEFAULT_SETTINGS, sameSettings, type Settings } from './settings.js';
import { isTfjsPath, TfjsCache, type TfjsLoad } from './tfjs-models.js';

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
  /** The safety margin in percent applied to the RAM need. */
  readonly margin: number;
  /** The runtime analysed for: the manifest's, or the default when it names none or an unknown one. */
  readonly runtime: RuntimeInfo | null;
  /** False when the manifest names a runtime the registry does not know. */
  readonly runtimeKnown: boolean;
  readonly report: AnalysisReport | null;
  /** Per-op verdicts for runtimes with op-support data (all of issue 3's); null otherwise or without a model. */
  readonly support: SupportReport | null;
  readonly target: TargetResolution | null;
  /** True when `target` is `tinymlLens.defaultTarget` (the manifest names none): diagnostics then go on `model`. */
  readonly targetFromSettings: boolean;
  readonly fit: Fit | null;
}

/** True for `*.tinyml.yaml`, `tinyml.yaml` and `*.tinyml.json`, whatever language id the client sent. */
export function isManifestUri(uri: string): boolean {
  const path = uri.split(/[?#]/)[0] ?? '';
  return /(^|\/)tinyml\.yaml$|\.tinyml\.(yaml|json)$/i.test(decodeURIComponent(path));
}

export class Workspace {
  private readonly parses = new Map<string, { version: number; parse: ParseResult }>();
  private readonly checks = new Map<string, ManifestCheck>();
  private current: Settings = DEFAULT_SETTINGS;
  /** TF.js models, loaded asynchronously by `prepare` before a check reads them. */
  readonly tfjs = new TfjsCache();

  constructor(
    private readonly models: ModelCache,
    private readonly providers: Providers,
  ) {}

  /** The settings checks use. */
  get settings(): Settings {
    return this.current;
  }

  /** Applies new settings; returns true when they change any check (then every cached check is dropped). */
  configure(settings: Settings): boolean {
    if (sameSettings(settings, this.current)) return false;
    this.current = settings;
    this.checks.clear();
    return true;
  }

  /** Drops every cached check (the target catalog changed). */
  invalidate(): void {
    this.checks.clear();
  }

  /** Loads what a check of `document` needs asynchronously (a TF.js model); call before `check`. */
  async prepare(document: TextDocument): Promise<void> {
    const path = this.modelPathOf(document);
    if (path && isTfjsPath(path)) await this.tfjs.prepare(path);
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
    return model ? resolveModelPath(document.uri, model.value) : null;
  }

  /** The check of a manifest document, recomputed only when its text, its model file or its resolution changed. */
  check(document: TextDocument): ManifestCheck {
    const parse = this.parsed(document);
    const manifest = parse.manifest;
    const modelPath = manifest.model ? resolveModelPath(document.uri, manifest.model.value) : null;
    const tfjs = modelPath && isTfjsPath(modelPath) ? this.tfjs.get(modelPath) : null;
    const load = modelPath && !isTfjsPath(modelPath) ? this.models.load(modelPath) : null;
    const previous = this.checks.get(document.uri);
    if (previous && previous.version === document.version && previous.load === load && previous.tfjs === tfjs && previous.document === document) return previous;

    const named = manifest.runtime ? this.providers.runtimes.get(manifest.runtime.value) : null;
    const runtimeKnown = !manifest.runtime || named !== null;
    const runtime = named ?? this.providers.runtimes.get(this.current.defaultRuntime) ?? this.providers.runtimes.get(DEFAULT_RUNTIME);
    const report = load?.kind === 'ok' && runtime ? this.models.analysis(load, runtime.kernels) : null;
    const support = report && load?.kind === 'ok' && runtime?.support ? this.models.support(load, runtime.support, report) : null;
    const fallback = !manifest.target && this.current.defaultTarget !== null;
    const target = manifest.target
      ? this.providers.targets.resolve(manifest.target.value)
      : fallback ? this.providers.targets.resolve({ kind: 'id', id: this.current.defaultTarget ?? '' }) : null;
    const spec = target?.kind === 'found' ? target.spec : null;
    const clockHz = manifest.clock?.value.value ?? spec?.clockHz ?? null;
    let cost: InferenceCost | null = null;
    if (report && load?.kind === 'ok' && this.providers.cost) {
      cost = this.providers.cost.estimate({ model: load.model, report, target: spec, clockHz, ...(support ? { support } : {}) });
    }
    const fit = report ? computeFit(manifest, report, spec, cost, this.current.safetyMargin) : null;
    const check: ManifestCheck = { uri: document.uri, document, version: document.version, parse, modelPath, load, tfjs, margin: this.current.safetyMargin, runtime, runtimeKnown, report, support, target, targetFromSettings: fallback, fit };
    this.checks.set(document.uri, check);
    return check;
  }

  /** The op-support verdicts of a check's model under another runtime (for the runtime quick fix); cached. */
  supportFor(check: ManifestCheck, runtime: RuntimeInfo): SupportReport | null {
    const load = check.load;
    if (load?.kind !== 'ok' || !runtime.support) return null;
    return this.models.support(load, runtime.support, this.models.analysis(load, runtime.kernels));
  }

  /** Open manifests whose model is `path` (for re-checking after the file changed on disk). */
  manifestsUsing(path: string): string[] {
    return [...this.checks.values()].filter((c) => c.modelPath === path).map((c) => c.uri);
  }

  /** Forget a closed manifest. */
  forget(uri: string): void {
    this.parses.delete(uri);
    this.checks.delete(uri);
  }
}

/** The model path of a manifest, relative to the manifest's folder; null when the manifest is not on disk. */
export function resolveModelPath(manifestUri: string, model: string): string | null {
  if (!manifestUri.startsWith('file:')) return null;
  try {
    const base = dirname(fileURLToPath(manifestUri));
    return isAbsolute(model) ? model : resolve(base, model);
  } catch {
    return null;
  }
}

/** file: URI of a path. */
export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}
