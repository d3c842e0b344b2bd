/**
 * `tinymlLens/convert`: an ONNX, Keras (.keras, .h5) or TF.js layers model converted to a .tflite (float32, or int8
 * through the quantizer) for the editor's Convert to .tflite command. Declared apart from protocol.ts, imported by
 * the client and the server (convert-request.ts). The server reads the source and converts in a worker; it writes
 * nothing: the client decides where the model goes and asks before overwriting.
 */
import { RequestType } from 'vscode-languageserver';
import type { QuantizeResult } from './protocol.js';

/** Parameters: the source file and, for int8, the calibration data (as `tinymlLens/quantize` takes it). */
export interface ConvertParams {
  /** A `file:` URI of a .onnx, .keras, .h5 or TF.js layers model.json. */
  readonly sourceUri: string;
  /** Quantize the converted model to int8, calibrated on a folder of samples or on random data; absent: float32. */
  readonly int8?: {
    readonly dataFolderUri?: string;
    readonly random?: { readonly count: number; readonly low: number; readonly high: number };
    readonly io?: 'int8' | 'uint8' | 'float32';
  };
  /** LSP work-done progress: begin (converting), a report per calibration sample for int8, end. */
  readonly workDoneToken?: string | number;
}

/** What int8 adds to a conversion: the quantize request's answer without its model bytes. */
export type ConvertInt8 = Omit<Extract<QuantizeResult, { kind: 'ok' }>, 'base64' | 'suggestedName' | 'modelPath'>;

export type ConvertResult =
  | {
      readonly kind: 'ok';
      readonly sourcePath: string;
      /** The source format (`onnx`, `keras`, `keras-h5`, `tfjs-layers`). */
      readonly format: string;
      /** `<base name>.tflite`, for the file beside the source (`model.tflite` for a model.json). */
      readonly suggestedName: string;
      /** The .tflite to write, base64: exactly what `tinyml-lens convert` writes for the same source and options. */
      readonly base64: string;
      /** What the conversion decided, one line each (folded, fused, relaid out). */
      readonly notes: readonly string[];
      /** Operators of the float model, e.g. `CONV_2D, MEAN, RESHAPE, FULLY_CONNECTED`. */
      readonly ops: string;
      readonly floatBytes: number;
      /** The written model's minimum arena per TFLM kernel set (the int8 model's when int8). */
      readonly arena: readonly { readonly runtime: string; readonly bytes: number; readonly ok: boolean }[];
      /** Present when int8 was asked: calibration, errors against the float model, sizes. */
      readonly int8: ConvertInt8 | null;
    }
  /**
   * `code`: a ConvertError code (`unsupported-op`, `unsupported-model`, `malformed`, `bad-model`, `limit`, with
   * `where`: the node or layer), a QuantizeError code, `source` (unreadable file or shard), `params`, `cancelled`,
   * `internal`.
   */
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly where?: string };

/**
 * True for the name of a model the editor converts before using it (the model cache, Quantize to int8, the pickers):
 * `.onnx`, `.keras`, `.h5`/`.hdf5`, and a TF.js `model.json` (whose content then decides: layers or graph).
 */
export function isSourceModelName(name: string): boolean {
  return /\.(onnx|keras|h5|hdf5)$/i.test(name) || /(^|[\\/.])model\.json$/i.test(name);
}

/** True for a model the editor's commands take: a .tflite, or a source model converted first (`isSourceModelName`). */
export function isModelName(name: string): boolean {
  return /\.tflite$/i.test(name) || isSourceModelName(name);
}

/** `net.onnx` -> `net.tflite`, `model.weights.h5` -> `model.weights.tflite`, `model.json` -> `model.tflite`. */
export function tfliteName(name: string): string {
  return `${name.replace(/\.(onnx|keras|h5|hdf5|json)$/i, '') || 'model'}.tflite`;
}

/** `tinymlLens/convert`: converts a model file to .tflite in an analysis worker; the client writes it. */
export namespace ConvertRequest {
  export const method = 'tinymlLens/convert';
  export const type = new RequestType<ConvertParams, ConvertResult, void>(method);
}
