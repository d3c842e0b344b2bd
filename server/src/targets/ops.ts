/**
 * Operator tables per runtime, loaded from the bundled data files (generated from the shared fact tables, or written
 * by hand with citations for the Edge TPU) and checked at load time. Keys are TFLM op names ('CUSTOM:<code>' for
 * custom ops), as in the IR.
 */
import cmsisJson from './data/ops-cmsis-nn.json';
import edgetpuJson from './data/edgetpu.json';
import espJson from './data/ops-esp-nn.json';
import tflmJson from './data/ops-tflm.json';
import velaJson from './data/ops-vela.json';
import { DataFileError, Fields } from './schema.js';

/** An operator TFLM's op resolver can register, with the types its reference kernel handles. */
export interface TflmOp {
  op: string;
  kind: 'builtin' | 'custom';
  /** null where the table says n/a (control flow, signal ops with their own types). */
  float32: boolean | null;
  int8: boolean | null;
  int16: boolean | null;
  types: string;
  cmsisNn: boolean;
  espNn: boolean;
  vela: boolean;
  source: string;
}

/** An optimized-library kernel for (op, activation type[, weight type]), or a documented fallback to reference. */
export interface LibraryKernel {
  op: string;
  /** As written in the source table: 'int8', 'int16', 'float32/int32', 'int8 (out int16)'. */
  activation: string;
  weights: string;
  function: string;
  optimized: boolean;
  /**
   * When the optimized function runs only for some shapes: 'no-broadcast' = the two inputs have the same shape once
   * padded with leading 1s (TFLM's ProcessBroadcastShapes); otherwise the reference broadcast kernel runs. null: always.
   */
  condition: 'no-broadcast' | null;
  source: string;
}

export interface VelaOp {
  op: string;
  npu: boolean;
  constraints: string[];
  source: string;
}

/**
 * The documented Edge TPU limits that can be decided from the model IR, each named in edgetpu.json's `checks` and
 * implemented in analysis/support/npu.ts.
 */
export const EDGETPU_CHECKS = [
  'no-fused-activation', 'same-dilation', 'vector-input-max-16000', 'vector-output', 'vector-alpha',
  'squeeze-leading-ones', 'no-ellipsis-or-new-axis-mask',
] as const;
export type EdgeTpuCheck = (typeof EDGETPU_CHECKS)[number];

export interface EdgeTpuOp {
  op: string;
  /** The documented limits, paraphrased ('' when the table lists none). */
  limits: string;
  checks: EdgeTpuCheck[];
  /** The first runtime or compiler version that maps the op, where a source states it. */
  since: string | null;
  /** The citations of the row, resolved from the file's `sources`. */
  sources: string[];
}

function byOp<T extends { op: string }>(file: string, rows: T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const r of rows) {
    if (map.has(r.op)) throw new DataFileError(file, r.op, 'duplicate op');
    map.set(r.op, r);
  }
  return map;
}

/** Checks and converts ops-tflm.json. */
export function loadTflmOps(doc: unknown, file = 'ops-tflm.json'): ReadonlyMap<string, TflmOp> {
  return byOp(file, Fields.of(file, '$', doc).list('ops').map((f) => ({
    op: f.str('op', { nonEmpty: true }),
    kind: f.oneOf('kind', ['builtin', 'custom'] as const),
    float32: f.boolOrNull('float32'),
    int8: f.boolOrNull('int8'),
    int16: f.boolOrNull('int16'),
    types: f.str('types'),
    cmsisNn: f.bool('cmsisNn'),
    espNn: f.bool('espNn'),
    vela: f.bool('vela'),
    source: f.source(),
  })));
}

/** Checks and converts ops-cmsis-nn.json or ops-esp-nn.json (ESP-NN rows have no weight type and are all optimized). */
export function loadLibraryKernels(doc: unknown, file: string): LibraryKernel[] {
  return Fields.of(file, '$', doc).list('kernels').map((f) => ({
    op: f.str('op', { nonEmpty: true }),
    activation: f.str('activation', { nonEmpty: true }),
    weights: file.includes('esp') ? '-' : f.str('weights', { nonEmpty: true }),
    function: f.str('function', { nonEmpty: true }),
    optimized: file.includes('esp') ? true : f.bool('optimized'),
    condition: f.has('condition') && f.strOrNull('condition') !== null ? f.oneOf('condition', ['no-broadcast'] as const) : null,
    source: f.source(),
  }));
}

/** Checks and converts ops-vela.json. */
export function loadVela(doc: unknown, file = 'ops-vela.json'): { generic: string[]; genericSource: string; ops: ReadonlyMap<string, VelaOp> } {
  const root = Fields.of(file, '$', doc);
  const generic = root.obj_('generic');
  if (generic.strings('constraints').length === 0) generic.fail('constraints', 'the generic constraints must not be empty');
  return {
    generic: generic.strings('constraints'),
    genericSource: generic.source(),
    ops: byOp(file, root.list('ops').map((f) => ({
      op: f.str('op', { nonEmpty: true }),
      npu: f.bool('npu'),
      constraints: f.strings('constraints'),
      source: f.source(),
    }))),
  };
}

/** The Edge TPU facts: mapped ops with their limits, the model requirements and how the compiler partitions. */
export interface EdgeTpuFacts {
  requirements: string;
  partitioning: string;
  ops: ReadonlyMap<string, EdgeTpuOp>;
  sources: string[];
}

/** Checks and converts edgetpu.json. */
export function loadEdgeTpu(doc: unknown, file = 'edgetpu.json'): EdgeTpuFacts {
  const root = Fields.of(file, '$', doc);
  const req = root.obj_('requirements');
  const part = root.obj_('partitioning');
  const cited = root.obj_('sources');
  const citations = new Map(cited.keys().map((k) => [k, cited.source(k)]));
  return {
    requirements: req.str('text', { nonEmpty: true }),
    partitioning: part.str('text', { nonEmpty: true }),
    ops: byOp(file, root.list('ops').map((f) => ({
      op: f.str('op', { nonEmpty: true }),
      limits: f.str('limits'),
      checks: f.has('checks') ? f.strings('checks').map((c) => {
        if (!(EDGETPU_CHECKS as readonly string[]).includes(c)) f.fail('checks', `'${c}' is not one of ${EDGETPU_CHECKS.join(', ')}`);
        return c as EdgeTpuCheck;
      }) : [],
      since: f.has('since') ? f.str('since', { nonEmpty: true }) : null,
      sources: f.source().split(/,\s*/).map((key) => citations.get(key) ?? f.fail('source', `'${key}' is not a key of sources`)),
    }))),
    sources: [req.source(), part.source(), root.source('opsSource'), ...citations.values()],
  };
}

export const TFLM_OPS = loadTflmOps(tflmJson);
export const CMSIS_NN_KERNELS = loadLibraryKernels(cmsisJson, 'ops-cmsis-nn.json');
export const ESP_NN_KERNELS = loadLibraryKernels(espJson, 'ops-esp-nn.json');
export const VELA = loadVela(velaJson);
export const EDGETPU = loadEdgeTpu(edgetpuJson);
