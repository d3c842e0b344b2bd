import type { DType, Model } from '../model/ir.js';
import type { AnalysisLimits } from '../model/limits.js';
import { operatorMacs, operatorWeightBytes } from './compute.js';
import { dynamicInputNote, dynamicInputs, type DynamicInput } from './shapes.js';
import { activationType } from './support/tflm.js';
import type { CodePath, KernelSet } from './tflm/kernels/types.js';
import { invokeFailure } from './tflm/invoke.js';
import type { PlannedBuffer } from './tflm/interpreter.js';
import { analyzeTflmMemory, type TflmMemoryReport } from './tflm/memory.js';
import type { Abi } from './tflm/structs.js';

/** The runtimes whose memory is modelled to the byte. */
export const RUNTIMES: readonly KernelSet[] = ['tflm-reference', 'tflm-cmsis-nn'];

/** Operators of one kind that the runtime cannot run, grouped by op, input type and subgraph. */
export interface UnsupportedOp {
  op: string;
  dtype: DType | null;
  subgraph: number;
  layers: number[];
  reason: string;
  /**
   * Where TFLM stops: in AllocateTensors() (a missing kernel, a Prepare check), or at the first Invoke(). Always set
   * by analyzeModel; op-support groups (support/types.ts), which share this shape, leave it out.
   */
  stage?: 'allocate' | 'invoke';
}

/** A buffer in the arena's head while a layer runs. */
export interface LiveBuffer {
  kind: 'tensor' | 'scratch';
  /** Tensor index, or for a scratch buffer the index of the layer that requested it. */
  index: number;
  subgraph: number;
  /** Offset from the start of the arena. */
  offset: number;
  /** Bytes the planner reserved (the tensor's size rounded up to 16). */
  bytes: number;
}

export interface LayerReport {
  subgraph: number;
  index: number;
  op: string;
  outputShape: number[];
  dtype: DType | null;
  macs: number;
  weightBytes: number;
  /** Bytes of planned arena buffers live while the layer runs. */
  arenaLiveBytes: number;
  /** The planned buffers live while the layer runs: tensors (by index in the layer's subgraph) and scratch buffers. */
  live: LiveBuffer[];
  /** Persistent (tail) bytes the layer's kernel allocates: params, OpData, per-channel data. */
  persistentBytes: number;
  scratchBytes: number;
  peak: boolean;
  unsupported: string | null;
}

export interface AnalysisReport {
  runtime: KernelSet;
  /**
   * CMSIS-NN's code path the figures are for (`dsp` Cortex-M4/M7/M33, `mve` Helium Cortex-M55/M85, `scalar`
   * Cortex-M0+/M3); null for the reference kernels, which have one.
   */
  codePath: CodePath | null;
  /** The enum width the struct sizes follow: `arm-eabi` (Arm cores, and no target), `int-enum` (RISC-V, Xtensa, ARC). */
  abi: Abi;
  /** What AllocateTensors() does: `unsupported` when it fails. A model can allocate and still fail at Invoke. */
  status: 'ok' | 'unsupported';
  /** Every operator TFLM cannot run: failing AllocateTensors(), then those failing only at Invoke(). */
  unsupportedOps: UnsupportedOp[];
  memory: {
    arenaUsedBytes: number;
    headBytes: number;
    tailBytes: number;
    minArenaBytes: number;
    /** False when the figures are an estimate (unsupported nodes replaced by no-ops). */
    exact: boolean;
    notes: string[];
  };
  flash: {
    /** The whole .tflite file, as it is linked into flash as a C array. */
    modelBytes: number;
    /** Constant tensor data (weights, biases, tables), each buffer counted once. */
    weightBytes: number;
  };
  macs: number;
  layers: LayerReport[];
  /** Inputs with an open (-1) dimension besides the batch, analysed at their stored shape (analysis/shapes.ts). */
  dynamicInputs: DynamicInput[];
  /** The full memory model, for hovers and listings. */
  detail: TflmMemoryReport;
}

/** What an analysis leaves out when its reader will not print it. */
export interface AnalyzeOptions {
  /**
   * The planned buffers live at each layer (`LayerReport.live`, `detail.layers[].live`): false leaves those lists
   * empty (the byte figures are the same), for a report that prints none, such as the CLI's text table. Default true.
   */
  liveBuffers?: boolean;
}

/**
 * Analyse a model for a runtime: memory to the byte, op support, flash and compute. Pure: no I/O. Bounded by
 * `limits` (defaults: DEFAULT_LIMITS); exceeding one throws an `AnalysisLimitError`.
 */
export function analyzeModel(model: Model, runtime: KernelSet, limits: Partial<AnalysisLimits> = {}, codePath: CodePath = 'dsp',
  abi: Abi = 'arm-eabi', options: AnalyzeOptions = {}): AnalysisReport {
  const memory = analyzeTflmMemory(model, runtime, limits, codePath, abi, options.liveBuffers ?? true);
  const key = (subgraph: number, node: number): string => `${subgraph}/${node}`;
  // Per node, by subgraph and node index (string keys for 100,000 nodes would dominate the report's cost).
  const failed = byNode(model, memory.failures);
  const memLayers = byNode(model, memory.layers);
  const memNodes = byNode(model, memory.nodes);
  // Nodes that allocate but fail at the first Invoke (checked once, for the layers and for the grouped list).
  // Checked in the layer loop below (one pass over the operators), in model order.
  const invokeFailures = new Map<string, string>();
  const layers: LayerReport[] = [];
  // One LiveBuffer per planned buffer, shared by every layer it is live at (a buffer is live at several layers).
  const liveOf = new Map<PlannedBuffer, LiveBuffer>();
  const toLive = (b: PlannedBuffer): LiveBuffer => {
    let live = liveOf.get(b);
    if (!live) {
      live = { kind: b.kind, index: b.index, subgraph: b.subgraph, offset: b.offset, bytes: b.alignedBytes };
      liveOf.set(b, live);
    }
    return live;
  };
  let macs = 0;
  // Indexed loops (once per layer, mostly before the optimizer has seen them: a for-of allocates per element).
  for (const sg of model.subgraphs) {
    for (let n = 0; n < sg.operators.length; n++) {
      const op = sg.operators[n]!;
      const failure = failed[sg.index]![op.index];
      const why = failure ? null : invokeFailure(model, sg, op, runtime);
      if (why) invokeFailures.set(key(sg.index, op.index), why);
      const out = sg.tensors[op.outputs[0] ?? -1] ?? null;
      const opMacs = operatorMacs(sg, op);
      macs += opMacs;
      const mem = memLayers[sg.index]![op.index];
      const node = memNodes[sg.index]![op.index];
      layers.push({
        subgraph: sg.index,
        index: op.index,
        op: op.opName,
        outputShape: out?.shape ?? [],
        dtype: out?.dtype ?? null,
        macs: opMacs,
        weightBytes: operatorWeightBytes(sg, op),
        arenaLiveBytes: mem?.liveBytes ?? 0,
        live: mem && mem.live.length > 0 ? liveList(mem.live, toLive) : NO_LIVE,
        persistentBytes: mem?.persistentBytes ?? 0,
        scratchBytes: node ? sum(node.scratch) : 0,
        peak: mem?.isPeak ?? false,
        unsupported: failure?.reason ?? why ?? null,
      });
    }
  }

  return {
    runtime,
    codePath: runtime === 'tflm-cmsis-nn' ? codePath : null,
    abi,
    status: memory.status,
    unsupportedOps: groupUnsupported(model, memory, invokeFailures),
    memory: {
      arenaUsedBytes: memory.arenaUsedBytes,
      headBytes: memory.headBytes,
      tailBytes: memory.tailBytes,
      minArenaBytes: memory.minArenaBytes,
      exact: memory.exact,
      notes: memoryNotes(model, memory),
    },
    flash: { modelBytes: model.fileBytes, weightBytes: weightBytes(model) },
    macs,
    layers,
    dynamicInputs: dynamicInputs(model),
    detail: memory,
  };
}

/** The live list of a layer with none (shared: nothing writes a report's lists). */
const NO_LIVE: LiveBuffer[] = [];

function liveList(buffers: readonly PlannedBuffer[], toLive: (b: PlannedBuffer) => LiveBuffer): LiveBuffer[] {
  const out = new Array<LiveBuffer>(buffers.length);
  for (let k = 0; k < buffers.length; k++) out[k] = toLive(buffers[k]!);
  return out;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k]!;
  return total;
}

/** Items that name a node, by subgraph and node index (the last one for a node, as a Map would keep; node -1 left out). */
function byNode<T extends { subgraph: number; node: number }>(model: Model, items: readonly T[]): (T | undefined)[][] {
  const out: (T | undefined)[][] = model.subgraphs.map(() => []);
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    const list = out[item.subgraph];
    if (list && item.node >= 0) list[item.node] = item;
  }
  return out;
}

/** Failing nodes grouped by op, input type, subgraph and reason: AllocateTensors failures first, then Invoke ones. */
function groupUnsupported(model: Model, memory: TflmMemoryReport, invokeFailures: ReadonlyMap<string, string>): UnsupportedOp[] {
  const groups = new Map<string, UnsupportedOp>();
  const add = (subgraph: number, node: number, opName: string, reason: string, stage: UnsupportedOp['stage']): void => {
    const sg = model.subgraphs[subgraph];
    const op = sg?.operators[node];
    // The type the kernel switches on (SPLIT's data, not its int32 axis), as the support verdicts label it.
    const dtype = sg && op ? activationType(sg, op) : null;
    const key = `${opName}|${dtype}|${subgraph}|${reason}`;
    const group = groups.get(key) ?? { op: opName, dtype, subgraph, layers: [], reason, stage };
    group.layers.push(node);
    groups.set(key, group);
  };
  for (const f of memory.failures) add(f.subgraph, f.node, f.opName, f.reason, 'allocate');
  for (const [at, why] of invokeFailures) {
    const [subgraph, node] = at.split('/').map(Number) as [number, number];
    add(subgraph, node, model.subgraphs[subgraph]!.operators[node]!.opName, why, 'invoke');
  }
  return [...groups.values()];
}

/** The note of a model TFLM cannot allocate; a runtime that runs the failing ops elsewhere (an NPU) replaces it. */
export const CANNOT_ALLOCATE_NOTE = 'TFLM cannot allocate this model; the figures are an estimate with every failing operator replaced by a no-op.';

function memoryNotes(model: Model, memory: TflmMemoryReport): string[] {
  const notes: string[] = dynamicInputs(model).map(dynamicInputNote);
  if (memory.status === 'unsupported') {
    notes.push(CANNOT_ALLOCATE_NOTE);
  }
  if (memory.minArenaBytes > memory.arenaUsedBytes) {
    notes.push(`AllocateTensors() needs ${memory.minArenaBytes - memory.arenaUsedBytes} bytes more than arena_used_bytes() reports `
      + '(temporaries during Prepare and the planner\'s bookkeeping); an arena sized by arena_used_bytes() fails, and TFLM may '
      + 'fault or hang there rather than return an error.');
  }
  if (memory.minArenaBytes < memory.arenaUsedBytes) {
    // memory.ts measures arena_used_bytes() in an arena whose end is 16-byte aligned; persistent buffers are aligned
    // down from the end, so an arena whose size is not a multiple of 16 pads the tail less.
    notes.push(`The tensor arena is ${memory.arenaUsedBytes - memory.minArenaBytes} bytes below arena used: arena used is `
      + 'arena_used_bytes() in an arena whose end is 16-byte aligned; persistent buffers are aligned down from the arena\'s '
      + `end, and with an arena of ${memory.minArenaBytes} bytes (not a multiple of 16) that alignment padding is smaller.`);
  }
  if (model.offlineMemoryAllocation) notes.push('Offline-planned tensor offsets (OfflineMemoryAllocation metadata) are honoured.');
  if (memory.kernels === 'tflm-cmsis-nn') notes.push(CODE_PATH_NOTES[memory.codePath]);
  notes.push(ABI_NOTES[memory.abi]);
  return notes;
}

const ABI_NOTES: Readonly<Record<Abi, string>> = {
  'arm-eabi': 'Struct sizes are those of a 32-bit Arm build (arm-none-eabi: 1-byte enums); a RISC-V, Xtensa or ARC target (--target) has 4-byte enums and a larger tail.',
  'int-enum': 'Struct sizes are those of a build with 4-byte enums (RISC-V, Xtensa and ARC GCC; measured on RV32IMC): each TfLiteTensor takes 40 bytes instead of 32 and the builtin params structs grow.',
};

const CODE_PATH_NOTES: Readonly<Record<CodePath, string>> = {
  dsp: 'CMSIS-NN buffer sizes are those of its DSP code path (Cortex-M4/M7/M33); a Helium target (Cortex-M55/M85) gets the MVE path\'s.',
  mve: 'CMSIS-NN buffer sizes are those of its Helium (MVE) code path (Cortex-M55/M85): depthwise and convolution scratch, fully-connected and SVDF kernel sums.',
  scalar: 'CMSIS-NN buffer sizes are those of its plain-C code path (no DSP extension: Cortex-M0+/M3).',
};

function weightBytes(model: Model): number {
  // Several tensors may share a buffer; flash holds it once.
  const counted = new Set<number>();
  let bytes = 0;
  for (const sg of model.subgraphs) {
    for (const t of sg.tensors) {
      if (!t.isConstant || counted.has(t.buffer)) continue;
      counted.add(t.buffer);
      bytes += model.buffers[t.buffer]?.byteLength ?? 0;
    }
  }
  return bytes;
}
