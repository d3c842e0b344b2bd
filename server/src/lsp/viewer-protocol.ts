/**
 * `tinymlLens/viewer`: everything the model viewer (the client's custom editor for .tflite and TF.js model.json) shows,
 * computed by the server so the webview only draws. Declared apart from protocol.ts, imported by client and server.
 */
import { RequestType } from 'vscode-languageserver';

/** Parameters: a model file URI, and the runtime and target to show it on (defaults: the folder's settings). */
export interface ViewerParams {
  readonly uri: string;
  readonly runtime?: string;
  /** A catalog target id; `''` for none (no time column). */
  readonly target?: string;
}

/** One operator, in every subgraph. */
export interface ViewerLayer {
  readonly subgraph: number;
  readonly index: number;
  readonly op: string;
  readonly outputShape: readonly number[];
  readonly dtype: string | null;
  readonly macs: number;
  readonly weightBytes: number;
  /** Planned arena bytes live while it runs. */
  readonly arenaLiveBytes: number;
  /** Estimated time on the target; null without a target or estimate. */
  readonly seconds: number | null;
  readonly peak: boolean;
  /** Why the runtime cannot run it, or null. */
  readonly unsupported: string | null;
  /** The runtime's verdict (`optimized`, `reference`, `npu`, ...), or null when unknown. */
  readonly verdict: string | null;
  /** The step it runs at on the planner's time axis (step 0 is the model's start; -1: never reached from subgraph 0). */
  readonly step: number;
}

/** One buffer the planner placed in the arena's head. */
export interface ViewerBuffer {
  readonly kind: 'tensor' | 'scratch';
  readonly subgraph: number;
  /** Tensor index, or for a scratch buffer the index of the layer that requested it. */
  readonly index: number;
  /** The tensor's name, or `scratch of <op> #<n>`. */
  readonly name: string;
  readonly offset: number;
  /** Aligned bytes (what the planner reserved). */
  readonly bytes: number;
  /** First and last step it is live (inclusive). */
  readonly first: number;
  readonly last: number;
}

/** The arena plan: every planned buffer over the steps, and where the peak is. */
export interface ViewerPlan {
  /** End of the highest buffer (the plan's size). */
  readonly planBytes: number;
  /** Number of steps on the time axis. */
  readonly steps: number;
  /** The step whose live buffers reach highest; -1 when nothing is planned. */
  readonly peakStep: number;
  readonly buffers: readonly ViewerBuffer[];
}

/** A tensor of the graph (names for the graph's edges and the plan's hovers). */
export interface ViewerTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly constant: boolean;
}

/** One subgraph's structure, for the operator graph. */
export interface ViewerSubgraph {
  readonly index: number;
  readonly name: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly tensors: readonly ViewerTensor[];
  /** Operators with their tensors (-1: omitted input) and the subgraphs they branch into (IF, WHILE, CALL_ONCE). */
  readonly ops: readonly { readonly index: number; readonly op: string; readonly inputs: readonly number[]; readonly outputs: readonly number[]; readonly branches: readonly number[] }[];
}

/** An input or output of subgraph 0 with what an application needs to (de)quantize it. */
export interface ViewerIo {
  readonly role: 'input' | 'output';
  readonly tensor: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly bytes: number;
  /** Empty for a float tensor. */
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** The channel axis of per-channel parameters. */
  readonly quantizedDimension: number;
  /** Representable range of the integer type, for the clamp in q = clamp(round(x / scale) + zero_point). */
  readonly qmin: number | null;
  readonly qmax: number | null;
}

/** The headline figures. */
export interface ViewerSummary {
  /** kTensorArenaSize to the byte (for TF.js: a lower bound). */
  readonly arenaBytes: number;
  readonly arenaExact: boolean;
  readonly headBytes: number | null;
  readonly tailBytes: number | null;
  /** The model in flash (the .tflite file; for TF.js the int8 weights, a lower bound). */
  readonly flashBytes: number;
  readonly weightBytes: number;
  readonly macs: number | null;
  readonly seconds: number | null;
  readonly lowSeconds: number | null;
  readonly highSeconds: number | null;
  readonly joules: number | null;
  /** `ok`, `unsupported` (ops the runtime cannot run), `over` (does not fit the target). */
  readonly status: 'ok' | 'unsupported' | 'over';
  /** The status in words ("3 operators unsupported", "arena 300 KiB > 256 KiB SRAM"). */
  readonly statusText: string;
  readonly targetSramBytes: number | null;
  readonly targetFlashBytes: number | null;
}

/** A choice for the pickers. */
export interface ViewerChoice {
  readonly id: string;
  readonly label: string;
}

/** The whole view of a model, or why there is none (located when the file is malformed). */
export type ViewerResult =
  | {
      readonly kind: 'model';
      readonly format: 'tflite' | 'tfjs';
      readonly uri: string;
      readonly name: string;
      readonly runtime: string;
      readonly target: ViewerChoice | null;
      readonly runtimes: readonly ViewerChoice[];
      readonly targets: readonly ViewerChoice[];
      readonly summary: ViewerSummary;
      readonly layers: readonly ViewerLayer[];
      /** Null for TF.js models (no memory model: the converter decides the final graph). */
      readonly plan: ViewerPlan | null;
      readonly subgraphs: readonly ViewerSubgraph[];
      readonly io: readonly ViewerIo[];
      readonly notes: readonly string[];
    }
  | {
      readonly kind: 'error';
      readonly uri: string;
      readonly name: string;
      /** `missing`, `unreadable`, `malformed` (ModelFormatError), `limit`, `runtime`, `not-a-model`. */
      readonly code: string;
      readonly message: string;
      /** For a malformed model: the byte offset and the field path of the fault. */
      readonly offset?: number;
      readonly where?: string;
    };

/** `tinymlLens/viewer`: the model viewer's figures for a model file. */
export namespace ViewerRequest {
  export const method = 'tinymlLens/viewer';
  export const type = new RequestType<ViewerParams, ViewerResult, void>(method);
}
