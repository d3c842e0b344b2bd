/**
 * ONNX models with external data for the tests, as PyTorch writes them: the model built by onnx-models.ts, its float
 * initializers moved to one data file (`location`), each at an offset aligned as onnx's save_as_external_data does,
 * with `data_location: EXTERNAL` and location / offset / length entries.
 */
import { ModelProtoType, type PModel, type PTensor } from '../../../server/src/convert/onnx/proto.js';

export interface ExternalModel {
  readonly onnx: Uint8Array;
  readonly data: Uint8Array;
}

/** Moves every float initializer of `bytes` (a ModelProto) into one external file named `location`. */
export function externalize(bytes: Uint8Array, location: string, align = 16): ExternalModel {
  const model = ModelProtoType.decode(bytes) as unknown as PModel;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (const t of (model.graph?.initializer ?? []) as PTensor[]) {
    if (t.dataType !== 1 || !t.floatData?.length) continue;
    const raw = new Uint8Array(Float32Array.from(t.floatData).buffer);
    const pad = (align - (size % align)) % align;
    if (pad) chunks.push(new Uint8Array(pad));
    const offset = size + pad;
    chunks.push(raw);
    size = offset + raw.length;
    t.floatData = [];
    t.dataLocation = 1;
    t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(raw.length) }];
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { onnx: encodeModel(model), data };
}

/** A decoded copy of `onnx`, to mutate in a test (its initializers' external_data entries). */
export function decodeModel(onnx: Uint8Array): PModel {
  return ModelProtoType.decode(onnx) as unknown as PModel;
}

/** Encodes a (mutated) decoded model again. */
export function encodeModel(model: PModel): Uint8Array {
  return ModelProtoType.encode(model as never).finish();
}
