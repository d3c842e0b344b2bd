/**
 * What the cost model sees of one operator: its kernel class, its MACs, the elements it touches, and which code path
 * runs it (from the op-support verdict).
 */
import type { Operator, Subgraph } from '../../model/ir.js';
import { operatorMacs } from '../compute.js';
import type { LayerSupport, Runtime } from '../support/types.js';

/** Kernel classes with their own cycles-per-MAC: their inner loops differ (im2col + GEMM, per-channel, GEMV). */
export const MAC_CLASSES = ['conv', 'dwconv', 'fc'] as const;
export type MacClass = (typeof MAC_CLASSES)[number];

/** Code paths with their own coefficients. */
export const PATHS = ['cmsis-nn', 'esp-nn', 'reference'] as const;
export type CpuPath = (typeof PATHS)[number];

export interface LayerFeatures {
  /** A MAC class, or 'other' for ops costed per element (elementwise, pooling, softmax, data movement). */
  kind: MacClass | 'other';
  macs: number;
  /** The larger of input and output elements: what an elementwise or pooling loop walks. */
  elements: number;
  /** Where it runs: a CPU code path, the NPU, or nowhere (unsupported). */
  path: CpuPath | 'npu' | 'none';
}

const CLASS_OF: Record<string, MacClass> = {
  CONV_2D: 'conv', TRANSPOSE_CONV: 'conv', CONV_3D: 'conv',
  DEPTHWISE_CONV_2D: 'dwconv',
  FULLY_CONNECTED: 'fc', BATCH_MATMUL: 'fc', SVDF: 'fc', UNIDIRECTIONAL_SEQUENCE_LSTM: 'fc',
};

/** Features of one operator under a runtime's support verdict. */
export function layerFeatures(sg: Subgraph, op: Operator, support: LayerSupport, runtime: Runtime): LayerFeatures {
  const macs = operatorMacs(sg, op);
  const kind = CLASS_OF[op.opName] && macs > 0 ? CLASS_OF[op.opName]! : 'other';
  let elements = 0;
  for (const i of [...op.inputs, ...op.outputs]) {
    const t = i >= 0 ? sg.tensors[i] : undefined;
    if (t && !t.isConstant) elements = Math.max(elements, t.elementCount);
  }
  return { kind, macs, elements, path: pathOf(support, runtime) };
}

function pathOf(s: LayerSupport, runtime: Runtime): LayerFeatures['path'] {
  if (s.verdict === 'unsupported' || s.verdict === 'unsupported-dtype') return 'none';
  if (s.unit === 'npu') return 'npu';
  if (s.verdict === 'reference') return 'reference';
  return runtime === 'tflm-esp-nn' ? 'esp-nn' : 'cmsis-nn';
}
