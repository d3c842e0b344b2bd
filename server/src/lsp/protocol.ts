/** Custom messages of the TinyML Lens server, declared once (the client may import them too). */
import { RequestType, RequestType0 } from 'vscode-languageserver';
import type { CostProfile } from '../analysis/cost/profile.js';

/** Model cache counters (reads, parses, analyses). */
export interface CacheStats {
  /** Files read from disk. */
  reads: number;
  /** Byte buffers handed to the reader (one per distinct content). */
  parses: number;
  /** analyzeModel runs (one per distinct content and runtime). */
  analyses: number;
  /** Reports whose bulky parts (live buffers, the memory model's lists) were read on the server's thread: listings. */
  reportsMaterialised: number;
}

/** What `tinymlLens/stats` returns: the cache counters and the server process's memory (for `npm run bench`). */
export interface ServerStats extends CacheStats {
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
  /** The analysis workers: jobs by outcome, and worker threads started (first ones and replacements). */
  readonly workers?: WorkerStats;
}

/** Counters of the analysis worker pool. */
export interface WorkerStats {
  readonly started: number;
  readonly completed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  readonly outOfMemory: number;
  readonly crashed: number;
  readonly workers: number;
}

/** `tinymlLens/stats`: model cache counters, so tests and benchmarks can see that an edit re-read nothing. */
export namespace StatsRequest {
  export const method = 'tinymlLens/stats';
  export const type = new RequestType0<ServerStats, void>(method);
}

/** Parameters of `tinymlLens/costProfile`: an open manifest. */
export interface CostProfileParams {
  readonly uri: string;
}

/** The cost profile of a manifest, or why there is none (no model, unreadable model, not a manifest). */
export type CostProfileResult =
  | {
      readonly kind: 'ok';
      readonly uri: string;
      readonly version: number;
      readonly modelPath: string;
      readonly runtime: string;
      readonly target: { readonly id: string | null; readonly name: string } | null;
      /** RAM share of the budget (else of the board), for the status bar; null when neither is known. */
      readonly ramShare: number | null;
      /** True when RAM or flash exceeds its budget or the board (the whole firmware, issue 10, included). */
      readonly overBudget: boolean;
      readonly profile: CostProfile;
      /** The whole firmware on the target: each side's parts with how each is known, and the arena's region. */
      readonly whole?: WholeFitSummary;
    }
  | { readonly kind: 'unavailable'; readonly uri: string; readonly reason: string };

/**
 * `tinymlLens/costProfile`: cloud vs TinyML for a manifest's model and workload (server/src/analysis/cost/), computed
 * by the server so the webview only renders.
 */
export namespace CostProfileRequest {
  export const method = 'tinymlLens/costProfile';
  export const type = new RequestType<CostProfileParams, CostProfileResult, void>(method);
}

/** Parameters of `tinymlLens/targetFits`: a model file and, optionally, the runtime (else each target's default). */
export interface TargetFitsParams {
  readonly modelUri: string;
  readonly runtime?: string;
  /** An open manifest for the model: its reserves, safety margin and latency budget count in each verdict. */
  readonly manifestUri?: string;
}

/** One catalog target with the model's fit verdict on it. */
export interface TargetFit {
  readonly id: string;
  readonly name: string;
  /** "Cortex-M4F 64 MHz, 256 KiB SRAM, 1 MiB flash". */
  readonly detail: string;
  readonly runtime: string;
  /** null when the catalog lacks a figure to compare with. */
  readonly fits: boolean | null;
  readonly arenaBytes: number;
  readonly ramBytes: number | null;
  readonly flashBytes: number | null;
  readonly modelBytes: number;
  readonly latencyMs: number | null;
  readonly unsupportedOps: number;
  /** What does not fit, and by how much ("RAM +12 KiB", "latency 211 ms > 50 ms"); empty when it fits. */
  readonly over?: readonly string[];
  /** The board's NPU ("ethos-u55"), which the CPU runtimes (TFLM, CMSIS-NN) leave unused; null without one. */
  readonly npu?: string | null;
  /** The whole firmware on this target (issue 10): model + TFLM runtime + application, arena + static RAM, the region. */
  readonly whole?: WholeFitSummary;
}

/** One part of a fit: `model`, `runtime` (TFLM), `app`, `arena`, `margin`, with how it is known. */
export interface FitPartSummary {
  readonly part: string;
  readonly bytes: number;
  /** `exact`, `measured`, `estimated` or `user-given`. */
  readonly basis: string;
}

export interface FitSideSummary {
  readonly needBytes: number;
  readonly capacityBytes: number | null;
  readonly parts: readonly FitPartSummary[];
  readonly notCounted: readonly string[];
}

/** The whole-firmware fit as plain data for the client (Select Target, the cost profile). */
export interface WholeFitSummary {
  readonly flash: FitSideSummary;
  readonly ram: FitSideSummary;
  readonly arenaRegion: string | null;
  readonly arenaRegionBytes: number | null;
  readonly arenaExternal: boolean;
  /** `flash-overflow`, `ram-overflow`, `no-single-region`, `arena-region-too-small`, `unknown-region`. */
  readonly problems: readonly string[];
}

/** `tinymlLens/targetFits`: every catalog target for a model, fitting and smallest first (Select Target's list). */
export namespace TargetFitsRequest {
  export const method = 'tinymlLens/targetFits';
  export const type = new RequestType<TargetFitsParams, { readonly model: string; readonly targets: readonly TargetFit[]; readonly error?: string }, void>(method);
}

/** Parameters of `tinymlLens/generateTflm`: a model file, or a manifest (its model and runtime). */
export interface GenerateTflmParams {
  /** A .tflite file URI; ignored when `manifestUri` is given. */
  readonly modelUri?: string;
  /** An open deployment manifest: the code is for its model, runtime and safety margin. */
  readonly manifestUri?: string;
  /** Default: the manifest's runtime, else `tinymlLens.defaultRuntime`. */
  readonly runtime?: string;
  /** snake_case base of the generated names; default from the model's file name. */
  readonly name?: string;
  /** Percent added to the minimum arena; default `tinymlLens.safetyMargin`. */
  readonly marginPercent?: number;
}

/** The generated sources (file name and text), or why there are none. */
export type GenerateTflmResult =
  | {
      readonly kind: 'ok';
      readonly modelPath: string;
      readonly name: string;
      readonly runtime: string;
      readonly kernels: string;
      readonly arenaBytes: number;
      readonly ops: readonly { readonly op: string; readonly method: string }[];
      readonly notes: readonly string[];
      readonly files: readonly { readonly path: string; readonly text: string }[];
    }
  /** `code`: a CodegenError code, or `model` (missing, unreadable, malformed, changed) / `params`. */
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** `tinymlLens/generateTflm`: deployable C++ for TensorFlow Lite Micro (server/src/codegen/); the client writes it. */
export namespace GenerateTflmRequest {
  export const method = 'tinymlLens/generateTflm';
  export const type = new RequestType<GenerateTflmParams, GenerateTflmResult, void>(method);
}

/** Parameters of `tinymlLens/importProfile`: a profile log's text and the model it was measured with. */
export interface ImportProfileParams {
  /** The log (a file's content, or the active editor's text). */
  readonly logText: string;
  /** The log's name, for messages and the calibration's source. */
  readonly logName: string;
  /** The .tflite file URI. */
  readonly modelUri: string;
  /** A catalog board id or alias; default `tinymlLens.defaultTarget`. */
  readonly target?: string;
  /** Default `tinymlLens.defaultRuntime`. */
  readonly runtime?: string;
  /** Core clock; default the log's `clock_hz`, else the catalog's. */
  readonly clockMHz?: number;
  /** What one tick of TFLM's own MicroProfiler output is; default a core cycle. */
  readonly tickHz?: number;
}

/** The comparison and the catalog text to write (the client asks first, and writes nothing in an untrusted workspace). */
export type ImportProfileResult =
  | {
      readonly kind: 'ok';
      readonly modelPath: string;
      readonly target: string;
      readonly runtime: string;
      /** Measured vs estimated per layer and in total, as text. */
      readonly text: string;
      readonly runs: number;
      /** measured / estimated over the model. */
      readonly ratio: number;
      /** The workspace catalog file (`tinyml-targets.json` at the model's workspace folder) and its text after the edit. */
      readonly catalogPath: string;
      readonly catalogText: string;
      readonly diff: string;
      /** True when a calibration of the same board and runtime is replaced. */
      readonly replaced: boolean;
    }
  /** `code`: bad-log / no-ops / mismatch (with the log's line and column when located), model, params, catalog. */
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly line?: number; readonly column?: number };

/** `tinymlLens/importProfile`: a board's profile log against the estimate, and the board calibration it gives. */
export namespace ImportProfileRequest {
  export const method = 'tinymlLens/importProfile';
  export const type = new RequestType<ImportProfileParams, ImportProfileResult, void>(method);
}

/** Parameters of `tinymlLens/quantize`: a float32 .tflite file and its calibration data. */
export interface QuantizeParams {
  readonly modelUri: string;
  /** A folder of .npy / raw float32 .bin samples of the model's input; else `random`. */
  readonly dataFolderUri?: string;
  /** Random samples, uniform in [low, high): lower quality, said so in the result. */
  readonly random?: { readonly count: number; readonly low: number; readonly high: number };
  /** Input and output type of the int8 model; default int8 (uint8: the converter's inference_input_type=uint8). */
  readonly io?: 'int8' | 'uint8' | 'float32';
  /**
   * LSP work-done progress: the server reports percent done per calibration sample under this token (begin, report,
   * end); cancelling the request stops the worker within one sample and nothing is returned.
   */
  readonly workDoneToken?: string | number;
}

/** The int8 model (base64) with what the user needs to judge it, or why there is none. */
export type QuantizeResult =
  | {
      readonly kind: 'ok';
      readonly modelPath: string;
      /** `<name>_int8.tflite`, for the file beside the model. */
      readonly suggestedName: string;
      readonly base64: string;
      readonly samples: number;
      /** Where the calibration ranges came from ('3 samples from data/' or a random-data warning). */
      readonly calibration: string;
      readonly sizeBefore: number;
      readonly sizeAfter: number;
      readonly arena: readonly { readonly runtime: string; readonly before: number; readonly after: number; readonly ok: boolean }[];
      readonly inputs: readonly { readonly name: string; readonly dtype: string; readonly scale: number; readonly zeroPoint: number }[];
      /** Per output: float model against the simulated int8 model on the calibration samples. */
      readonly errors: readonly { readonly name: string; readonly maxAbs: number; readonly meanAbs: number; readonly floatMin: number; readonly floatMax: number; readonly top1: number | null }[];
    }
  /** `code`: a QuantizeError code, or `model` / `data` / `params`. */
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** `tinymlLens/quantize`: post-training int8 quantization (server/src/quantize/); the client writes the model. */
export namespace QuantizeRequest {
  export const method = 'tinymlLens/quantize';
  export const type = new RequestType<QuantizeParams, QuantizeResult, void>(method);
}

/** `tinymlLens/quantizable` parameters: .tflite file URIs (at most MAX_QUANTIZABLE_URIS are answered). */
export interface QuantizableParams {
  readonly uris: readonly string[];
}

/** Most URIs one `tinymlLens/quantizable` request answers. */
export const MAX_QUANTIZABLE_URIS = 200;

/**
 * Per URI: whether the model computes in float (float or hybrid: what the explorer offers Quantize to int8 on), and
 * why the quantizer would refuse it (not float, IF/WHILE subgraphs, an operator it lacks), null when it takes it.
 */
export interface QuantizableResult {
  readonly models: readonly { readonly uri: string; readonly float: boolean; readonly reason: string | null }[];
}

/**
 * `tinymlLens/quantizable`: which models Quantize to int8 takes, so the explorer offers it only on those and the
 * command says why not before asking for calibration data. Reads and parses each model (cached); runs no analysis.
 */
export namespace QuantizableRequest {
  export const method = 'tinymlLens/quantizable';
  export const type = new RequestType<QuantizableParams, QuantizableResult, void>(method);
}

/**
 * The URI scheme of model listings: read-only documents the client shows and the server renders, hovers and
 * diagnoses. Format: `tinyml-listing:<absolute model path>.listing[?runtime=<id>][&target=<id>]`, e.g.
 * `tinyml-listing:/abs/path/model.tflite.listing?runtime=tflm-cmsis-nn&target=nrf52840` (on Windows the path is
 * `/c:/...`). Without `runtime` the server uses `tinymlLens.defaultRuntime`; without `target`,
 * `tinymlLens.defaultTarget` (no time column without either a target or a default target).
 */
export const LISTING_SCHEME = 'tinyml-listing';

/** What a listing URI says. */
export interface ListingAddress {
  /** Absolute file-system path of the model (`/c:/x` on Windows is returned as `c:/x`). */
  readonly modelPath: string;
  readonly runtime: string | null;
  readonly target: string | null;
}

/** The listing URI of a model (absolute path), optionally for a runtime and a target. */
export function listingUri(modelPath: string, options: { runtime?: string | null; target?: string | null } = {}): string {
  let path = modelPath.replace(/\\/g, '/');
  if (/^[A-Za-z]:/.test(path)) path = `/${path}`;
  const encoded = path.split('/').map(encodeURIComponent).join('/').replace(/^\/([A-Za-z])%3A/, '/$1:');
  const query = [
    options.runtime ? `runtime=${encodeURIComponent(options.runtime)}` : null,
    options.target ? `target=${encodeURIComponent(options.target)}` : null,
  ].filter((x) => x !== null);
  return `${LISTING_SCHEME}:${encoded}.listing${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/**
 * Reads a listing URI; null when it is not one. Tolerates the encodings editors apply (VS Code writes `=` in a query
 * as `%3D` and a drive colon as `%3A`).
 */
export function parseListingUri(uri: string): ListingAddress | null {
  const prefix = `${LISTING_SCHEME}:`;
  if (!uri.startsWith(prefix)) return null;
  const rest = uri.slice(prefix.length).replace(/#.*$/, '');
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  let rawQuery = q < 0 ? '' : rest.slice(q + 1);
  if (!rawQuery.includes('=')) rawQuery = safeDecode(rawQuery);
  let path = safeDecode(rawPath.replace(/^\/\/[^/]*/, ''));
  if (!path.endsWith('.listing')) return null;
  path = path.slice(0, -'.listing'.length);
  if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1);
  if (path === '') return null;
  const params = new URLSearchParams(rawQuery);
  const value = (key: string): string | null => {
    const v = params.get(key)?.trim();
    return v ? v : null;
  };
  return { modelPath: path, runtime: value('runtime'), target: value('target') };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `tinymlLens/listing` parameters: a listing URI, or a model's file: URI with the runtime and target to use. */
export interface ListingParams {
  readonly uri: string;
  readonly runtime?: string;
  readonly target?: string;
}

/** `tinymlLens/listing` result: the text to show (the same the server hovers and diagnoses) and its URI. */
export interface ListingResult {
  /** The listing URI the text belongs to (open it to get hovers and diagnostics). */
  readonly uri: string;
  readonly text: string;
  readonly modelPath: string;
  /** The runtime and target actually used (after defaults); target null when none. */
  readonly runtime: string;
  readonly target: string | null;
}

/**
 * `tinymlLens/listing`: the per-layer listing of a model (index, op, output shape, dtype, MACs, weights, live arena,
 * estimated time), as highlighted by syntaxes/tinyml-listing.tmLanguage.json. A missing or malformed model yields a
 * listing that says so (never an error), so the document always opens.
 */
export namespace ListingRequest {
  export const method = 'tinymlLens/listing';
  export const type = new RequestType<ListingParams, ListingResult, void>(method);
}

/** Parameters of `tinymlLens/diagnosticsSettled`: a document and the version the client has sent. */
export interface SettledParams {
  readonly uri: string;
  readonly version: number;
}

/** The answer: the version whose diagnostics were decided (at least the one asked), and whether that one was sent. */
export interface SettledResult {
  readonly version: number;
  readonly sent: boolean;
}

/**
 * `tinymlLens/diagnosticsSettled`: answers once the diagnostics of `version` (or a later version) of the document are
 * decided; the publish, when there is one, is sent before the answer.
 */
export namespace DiagnosticsSettledRequest {
  export const method = 'tinymlLens/diagnosticsSettled';
  export const type = new RequestType<SettledParams, SettledResult, void>(method);
}
