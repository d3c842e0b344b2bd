/**
 * Which models this CLI process converted from a source format, kept apart from the converter so that the reports
 * can ask without loading it (`cli/lazy.ts`: `analyze` of a .tflite never evaluates protobufjs or jsfive).
 */
import type { ModelSource } from '../convert/provenance.js';
import type { Model } from '../model/ir.js';

export type { ModelSource };

/** The source of each model this process converted (outputs label their figures with it; a .tflite has none). */
const sources = new WeakMap<Model, ModelSource>();

/** Records that `model` is the conversion of `source` (converted.ts, after a conversion). */
export function rememberSource(model: Model, source: ModelSource): void {
  sources.set(model, source);
}

/** Where `model` came from when the CLI converted it; undefined for a model read from a .tflite. */
export function sourceOf(model: Model): ModelSource | undefined {
  return sources.get(model);
}
