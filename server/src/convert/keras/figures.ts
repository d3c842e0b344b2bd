/**
 * Exact figures for a Keras / TF.js layers model "as converted by TinyML Lens": the float32 .tflite this converter
 * writes and its int8 quantization (calibrated on random samples: the arena and the flash depend on shapes and op
 * choices, not on the calibration values), each through TFLM's memory model. Where the TFLite converter would choose
 * differently, these are the figures of what we would write, and labelled so.
 */
import { analyzeModel } from '../../analysis/report.js';
import type { KernelSet } from '../../analysis/tflm/kernels/types.js';
import type { AnalysisLimits } from '../../model/limits.js';
import { readTflite } from '../../model/tflite/reader.js';
import { quantizeModel, randomSamples } from '../../quantize/index.js';
import { ConvertError, type ConvertSource } from '../types.js';
import { convertKeras } from './index.js';

export interface ConvertedFigures {
  readonly kernels: KernelSet;
  /** TFLM's minimum arena and the .tflite size of the int8 model (int8 inputs and outputs). */
  readonly int8: { readonly arenaBytes: number; readonly tfliteBytes: number; readonly status: 'ok' | 'unsupported' };
  readonly float32: { readonly arenaBytes: number; readonly tfliteBytes: number; readonly status: 'ok' | 'unsupported' };
  readonly ops: number;
  readonly notes: readonly string[];
}

/** Converts, quantizes and analyses in memory; a model that does not convert is its ConvertError (returned, not thrown). */
export function convertedFigures(source: ConvertSource, kernels: KernelSet, limits: Partial<AnalysisLimits> = {}): ConvertedFigures | ConvertError {
  let converted;
  try {
    converted = convertKeras(source);
  } catch (e) {
    if (e instanceof ConvertError) return e;
    throw e;
  }
  const model = readTflite(converted.tflite);
  const float = analyzeModel(model, kernels, limits);
  const graph = model.subgraphs[0]!;
  const samples = randomSamples(graph.inputs.map((i) => graph.tensors[i]!.shape), 2, -1, 1, 1, limits);
  const q = quantizeModel(model, samples, 'int8');
  const int8 = analyzeModel(q.model, kernels, limits);
  return {
    kernels,
    int8: { arenaBytes: int8.memory.minArenaBytes, tfliteBytes: q.bytes.length, status: int8.status },
    float32: { arenaBytes: float.memory.minArenaBytes, tfliteBytes: converted.tflite.length, status: float.status },
    ops: graph.operators.length,
    notes: converted.notes,
  };
}
