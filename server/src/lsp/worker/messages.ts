/**
 * What crosses the thread boundary between the language server and its analysis workers: structured-clonable plain
 * data only. A parsed model comes back with the file's bytes transferred (its constant-data views point into them),
 * so a 4 MB model costs no copy on the way back; an analysis comes back as its report, the bulky parts serialised and
 * transferred (lean-report.ts).
 */
import type { Runtime, SupportReport } from '../../analysis/support/index.js';
import type { InputShape } from '../../analysis/shapes.js';
import type { ModelFormatErrorCode } from '../../model/errors.js';
import type { Model } from '../../model/ir.js';
import type { ConvertErrorCode, SourceFormat } from '../../convert/types.js';
import type { ModelSource } from '../../convert/provenance.js';
import type { AnalysisLimits, LimitName } from '../../model/limits.js';
import type { TfjsModel } from '../../model/tfjs/reader.js';
import type { QuantizeResult } from '../protocol.js';
import type { QuantizeJob } from './quantize-job.js';
import type { ConvertJob } from './convert-job.js';
import type { ConvertResult } from '../convert-protocol.js';
import type { CodePath, KernelSet } from '../../analysis/tflm/kernels/types.js';
import type { Abi } from '../../analysis/tflm/structs.js';
import type { LeanReport } from './lean-report.js';

export type { KernelSet };

/**
 * A job for a worker: read a model's bytes, or read and analyse them for a kernel set (and op support), or load a
 * TF.js model.json with its shards (read by the server: each path as the weights manifest writes it, to its bytes or
 * to the reason it could not be read), or quantize a float model (the quantize request's work), or convert a model
 * to .tflite (the convert request's).
 */
export type JobRequest =
  /** `convert`: the bytes are a source model (ONNX, Keras), converted to .tflite in the worker before it is parsed. */
  /** `shards`: a TF.js layers model's weight shards, by the path model.json gives them. */
  | { readonly kind: 'parse'; readonly bytes: Uint8Array; readonly convert?: { readonly format: SourceFormat; readonly name: string; readonly shards?: ReadonlyMap<string, Uint8Array> } }
  /** `inputShapes`: the manifest's `input_shapes:` (checked against the model by the server first). */
  /** `limits`: the core's bounds where the settings change them (model/limits.ts; the defaults otherwise). */
  /** `codePath`: CMSIS-NN's code path for the target's core (analysis/tflm/kernels/types.ts; `dsp` when absent). */
  /** `abi`: the target's enum width (analysis/tflm/structs.ts; `arm-eabi` when absent). */
  | { readonly kind: 'analyse'; readonly bytes: Uint8Array; readonly kernels: KernelSet; readonly support: Runtime | null; readonly inputShapes?: readonly InputShape[]; readonly limits?: Partial<AnalysisLimits>; readonly codePath?: CodePath; readonly abi?: Abi }
  | { readonly kind: 'tfjs'; readonly json: string; readonly shards: Readonly<Record<string, Uint8Array | string>> }
  | { readonly kind: 'quantize'; readonly job: QuantizeJob }
  | { readonly kind: 'convert'; readonly job: ConvertJob };

/** A ModelFormatError as plain data (the class does not survive structured cloning). */
export interface PlainFormatError {
  readonly code: ModelFormatErrorCode;
  readonly offset: number;
  readonly where: string;
  readonly detail: string;
}

/** A ConvertError as plain data: the converter's located reason (`where`: the layer or node; `needs`: what it would take). */
export interface PlainConvertError {
  readonly code: ConvertErrorCode;
  readonly where: string;
  readonly detail: string;
  readonly needs: string | null;
  readonly message: string;
}

/**
 * Why a job produced no result. `time` and `memory` are the pool's limits (the worker was terminated and replaced);
 * `limit` is a bound of the core (a typed error whose name ends in `LimitError`); `crash` is anything else.
 */
export type JobFailure =
  | { readonly kind: 'time'; readonly seconds: number }
  | { readonly kind: 'memory'; readonly megabytes: number }
  | { readonly kind: 'limit'; readonly name: string; readonly message: string; readonly limit?: LimitName }
  | { readonly kind: 'crash'; readonly message: string };

/** A worker's answer to one job. */
export type JobAnswer =
  /** `bytes`: the .tflite parsed (a converted model's: what `convert` writes); `source`: where a converted model came from. */
  | { readonly kind: 'parsed'; readonly model: Model; readonly bytes: Uint8Array; readonly source?: ModelSource }
  /** The source model of a `convert` parse that the converter refused. */
  | { readonly kind: 'unconverted'; readonly error: PlainConvertError }
  | { readonly kind: 'malformed'; readonly error: PlainFormatError }
  /** The report in two parts (lean-report.ts): `bulk` is transferred, and read on the server only when needed. */
  | { readonly kind: 'analysed'; readonly report: LeanReport; readonly bulk: Uint8Array; readonly support: SupportReport | null }
  | { readonly kind: 'tfjs'; readonly model: TfjsModel }
  | { readonly kind: 'quantized'; readonly result: QuantizeResult }
  | { readonly kind: 'converted'; readonly result: ConvertResult }
  | { readonly kind: 'failed'; readonly failure: JobFailure };

/** A job as posted to a worker, and its answer, matched by id. */
export interface JobMessage {
  readonly id: number;
  readonly request: JobRequest;
}
export interface AnswerMessage {
  readonly id: number;
  readonly answer: JobAnswer;
}

/** Sent by a worker while a job runs (quantization: once per sample); the job goes on. */
export interface ProgressMessage {
  readonly id: number;
  readonly progress: { readonly done: number; readonly total: number; readonly phase: string };
}
