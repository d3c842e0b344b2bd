/** Custom messages of the TinyML Lens server, declared once (the client may import them too). */
import { RequestType, RequestType0 } from 'vscode-languageserver';
import type { CostProfile } from '../analysis/cost/profile.js';
import type { CacheStats } from './models.js';

/** `tinymlLens/stats`: model cache counters, so tests and benchmarks can see that an edit re-read nothing. */
export namespace StatsRequest {
  export const method = 'tinymlLens/stats';
  export const type = new RequestType0<CacheStats, void>(method);
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
      /** True when RAM or flash exceeds its budget or the board. */
      readonly overBudget: boolean;
      readonly profile: CostProfile;
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
}

/** `tinymlLens/targetFits`: every catalog target for a model, fitting and smallest first (Select Target's list). */
export namespace TargetFitsRequest {
  export const method = 'tinymlLens/targetFits';
  export const type = new RequestType<TargetFitsParams, { readonly model: string; readonly targets: readonly TargetFit[]; readonly error?: string }, void>(method);
}

/** The URI scheme of model listings, read-only documents rendered by the server. */
export const LISTING_SCHEME = 'tinyml-listing';

/**
 * Parameters of `tinymlLens/listing`: a listing URI, `tinyml-listing:<absolute model path>.listing` with an optional
 * query `runtime=<id>` (else the default runtime). The client's TextDocumentContentProvider asks for the text; the
 * server gives the same document hovers and diagnostics once it is open.
 */
export interface ListingParams {
  readonly uri: string;
}

/** `tinymlLens/listing`: the text of a model listing (the table of layers), or an error line when the model is unusable. */
export namespace ListingRequest {
  export const method = 'tinymlLens/listing';
  export const type = new RequestType<ListingParams, { readonly text: string }, void>(method);
}
