/**
 * The model viewer's data from the core's results: plain conversion, no I/O and no analysis (the analysis ran in a
 * worker; viewer.ts gathers its inputs). Names from the model go through `visible`, so no control character or bidi
 * override reaches the page.
 */
import type { AnalysisReport } from '../analysis/report.js';
import type { SupportReport } from '../analysis/support/index.js';
import type { TfjsReport } from '../analysis/tfjs.js';
import { visible } from '../analysis/text.js';
import { branchSubgraphs } from '../analysis/tflm/lifetimes.js';
import { formatBytes } from '../manifest/units.js';
import type { DType, Model, Tensor } from '../model/ir.js';
import type { InferenceCost, TargetSpec } from './providers.js';
import type { ViewerBuffer, ViewerChoice, ViewerIo, ViewerLayer, ViewerPlan, ViewerResult, ViewerSubgraph, ViewerSummary } from './viewer-protocol.js';

/** What a .tflite view is made of. */
export interface TfliteViewInput {
  readonly uri: string;
  readonly name: string;
  readonly model: Model;
  readonly report: AnalysisReport;
  readonly support: SupportReport | null;
  readonly cost: InferenceCost | null;
  readonly runtime: string;
  readonly target: TargetSpec | null;
  readonly runtimes: readonly ViewerChoice[];
  readonly targets: readonly ViewerChoice[];
}

const key = (subgraph: number, index: number): string => `${subgraph}/${index}`;

/** The view of an analysed .tflite model. */
export function tfliteView(input: TfliteViewInput): Extract<ViewerResult, { kind: 'model' }> {
  const { model, report, support, cost, target } = input;
  const verdicts = new Map((support?.layers ?? []).map((l) => [key(l.subgraph, l.index), l]));
  const times = new Map((cost?.layers ?? []).map((l) => [key(l.subgraph, l.index), l.seconds]));
  const steps = new Map(report.detail.layers.map((n) => [key(n.subgraph, n.node), n.step]));
  const layers = report.layers.map((l): ViewerLayer => {
    const v = verdicts.get(key(l.subgraph, l.index));
    const unsupported = v?.verdict.startsWith('unsupported') ? (v.reason ?? v.verdict) : l.unsupported;
    return {
      subgraph: l.subgraph,
      index: l.index,
      op: visible(l.op),
      outputShape: l.outputShape,
      dtype: l.dtype,
      macs: l.macs,
      weightBytes: l.weightBytes,
      arenaLiveBytes: l.arenaLiveBytes,
      seconds: times.get(key(l.subgraph, l.index)) ?? null,
      peak: l.peak,
      unsupported: unsupported === null ? null : visible(unsupported),
      verdict: v ? (v.unit === 'npu' ? 'npu' : v.verdict) : null,
      step: steps.get(key(l.subgraph, l.index)) ?? -1,
    };
  });
  const unsupportedCount = support ? support.unsupported.reduce((n, u) => n + u.layers.length, 0) : report.unsupportedOps.reduce((n, u) => n + u.layers.length, 0);
  const summary = tfliteSummary(report, cost, target, unsupportedCount);
  return {
    kind: 'model',
    format: 'tflite',
    uri: input.uri,
    name: visible(input.name),
    runtime: input.runtime,
    target: target ? { id: target.id ?? '', label: visible(target.name) } : null,
    runtimes: input.runtimes,
    targets: input.targets,
    summary,
    layers,
    plan: arenaPlan(model, report),
    subgraphs: model.subgraphs.map(subgraphOf),
    io: ioOf(model),
    notes: [...report.memory.notes, ...(support?.notes ?? [])].map(visible),
  };
}

function tfliteSummary(report: AnalysisReport, cost: InferenceCost | null, target: TargetSpec | null, unsupported: number): ViewerSummary {
  const m = report.memory;
  const over: string[] = [];
  if (target?.sramBytes != null && m.minArenaBytes > target.sramBytes) over.push(`arena ${formatBytes(m.minArenaBytes)} > ${formatBytes(target.sramBytes)} SRAM`);
  if (target?.flashBytes != null && report.flash.modelBytes > target.flashBytes) over.push(`model ${formatBytes(report.flash.modelBytes)} > ${formatBytes(target.flashBytes)} flash`);
  const status = unsupported > 0 ? 'unsupported' : over.length > 0 ? 'over' : 'ok';
  const statusText = [
    unsupported > 0 ? `${unsupported} operator${unsupported === 1 ? '' : 's'} unsupported` : null,
    ...over,
  ].filter((s) => s !== null).join('; ') || (target ? `fits ${visible(target.id ?? target.name)}` : 'runs on this runtime');
  return {
    arenaBytes: m.minArenaBytes,
    arenaExact: m.exact,
    headBytes: m.headBytes,
    tailBytes: m.tailBytes,
    flashBytes: report.flash.modelBytes,
    weightBytes: report.flash.weightBytes,
    macs: report.macs,
    seconds: cost?.seconds ?? null,
    lowSeconds: cost?.lowSeconds ?? null,
    highSeconds: cost?.highSeconds ?? null,
    joules: cost?.joules ?? null,
    status,
    statusText,
    targetSramBytes: target?.sramBytes ?? null,
    targetFlashBytes: target?.flashBytes ?? null,
  };
}

/** Every planned buffer with its lifetime and offset, the steps, and the peak step (where the live buffers reach highest). */
export function arenaPlan(model: Model, report: AnalysisReport): ViewerPlan {
  const d = report.detail;
  const opName = (subgraph: number, index: number): string => model.subgraphs[subgraph]?.operators[index]?.opName ?? 'op';
  const scratchCount = new Map<string, number>();
  const buffers = d.buffers.map((b): ViewerBuffer => {
    let name: string;
    if (b.kind === 'tensor') name = model.subgraphs[b.subgraph]?.tensors[b.index]?.name || `tensor ${b.index}`;
    else {
      const k = key(b.subgraph, b.index);
      const n = scratchCount.get(k) ?? 0;
      scratchCount.set(k, n + 1);
      name = `scratch of ${opName(b.subgraph, b.index)} #${b.index}${n > 0 ? ` (${n + 1})` : ''}`;
    }
    return { kind: b.kind, subgraph: b.subgraph, index: b.index, name: visible(name), offset: b.offset, bytes: b.alignedBytes, first: b.first, last: b.last };
  });
  let steps = 0;
  let planBytes = 0;
  for (const b of buffers) {
    steps = Math.max(steps, b.last + 1);
    planBytes = Math.max(planBytes, b.offset + b.bytes);
  }
  for (const l of d.layers) steps = Math.max(steps, l.step + 1);
  const peak = d.layers.find((l) => l.isPeak);
  return { planBytes, steps, peakStep: peak ? peak.step : -1, buffers };
}

function subgraphOf(sg: Model['subgraphs'][number]): ViewerSubgraph {
  return {
    index: sg.index,
    name: visible(sg.name),
    inputs: sg.inputs,
    outputs: sg.outputs,
    tensors: sg.tensors.map((t) => ({ name: visible(t.name), shape: t.shape, dtype: t.dtype, constant: t.isConstant })),
    ops: sg.operators.map((op) => ({ index: op.index, op: visible(op.opName), inputs: op.inputs, outputs: op.outputs, branches: branchSubgraphs(op) })),
  };
}

/** The integer range of a quantized type; null for the others. */
export function integerRange(dtype: DType): { qmin: number; qmax: number } | null {
  switch (dtype) {
    case 'INT8': return { qmin: -128, qmax: 127 };
    case 'UINT8': return { qmin: 0, qmax: 255 };
    case 'INT16': return { qmin: -32768, qmax: 32767 };
    case 'INT4': return { qmin: -8, qmax: 7 };
    case 'INT32': return { qmin: -2147483648, qmax: 2147483647 };
    default: return null;
  }
}

function ioTensor(role: 'input' | 'output', t: Tensor): ViewerIo {
  const q = t.quantization;
  const quantized = q !== null && q.scale.length > 0;
  const range = quantized ? integerRange(t.dtype) : null;
  return {
    role,
    tensor: t.index,
    name: visible(t.name),
    shape: t.shape,
    dtype: t.dtype,
    bytes: t.bytes,
    scale: quantized ? q.scale : [],
    zeroPoint: quantized ? q.zeroPoint : [],
    quantizedDimension: q?.quantizedDimension ?? 0,
    qmin: range?.qmin ?? null,
    qmax: range?.qmax ?? null,
  };
}

/** The inputs and outputs of subgraph 0 (what the application fills and reads). */
export function ioOf(model: Model): ViewerIo[] {
  const sg = model.subgraphs[0];
  if (!sg) return [];
  const pick = (role: 'input' | 'output', list: readonly number[]): ViewerIo[] => list.flatMap((i) => {
    const t = sg.tensors[i];
    return t ? [ioTensor(role, t)] : [];
  });
  return [...pick('input', sg.inputs), ...pick('output', sg.outputs)];
}

/** The view of a TF.js model: the per-layer estimates (no arena plan: the converter decides the final graph). */
export function tfjsView(uri: string, name: string, report: TfjsReport, runtime: string, runtimes: readonly ViewerChoice[]): Extract<ViewerResult, { kind: 'model' }> {
  const layers = report.layers.map((l): ViewerLayer => ({
    subgraph: 0,
    index: l.index,
    op: visible(l.className),
    outputShape: l.outputShapes[0] ?? [],
    dtype: null,
    macs: 0,
    weightBytes: l.weightBytesInt8,
    arenaLiveBytes: l.activationBytesInt8,
    seconds: null,
    peak: false,
    unsupported: l.unsupported === null ? null : visible(l.unsupported),
    verdict: l.unsupported ? 'unsupported' : null,
    step: l.index,
  }));
  const unsupported = report.unsupportedLayers.length;
  return {
    kind: 'model',
    format: 'tfjs',
    uri,
    name: visible(name),
    runtime,
    target: null,
    runtimes,
    targets: [],
    summary: {
      arenaBytes: report.estimate.ramBytes,
      arenaExact: false,
      headBytes: null,
      tailBytes: null,
      flashBytes: report.estimate.flashBytes,
      weightBytes: report.weightBytesInt8,
      macs: null,
      seconds: null,
      lowSeconds: null,
      highSeconds: null,
      joules: null,
      status: unsupported > 0 ? 'unsupported' : 'ok',
      statusText: unsupported > 0 ? `${unsupported} layer${unsupported === 1 ? '' : 's'} TFLM cannot run once converted` : 'every layer converts to ops TFLM runs',
      targetSramBytes: null,
      targetFlashBytes: null,
    },
    layers,
    plan: null,
    // A chain in file order: the layers model's own order (its connections are not read).
    subgraphs: [{
      index: 0,
      name: 'model',
      inputs: [0],
      outputs: [layers.length],
      tensors: [{ name: 'input', shape: [], dtype: 'FLOAT32', constant: false }, ...report.layers.map((l) => ({ name: visible(l.name), shape: l.outputShapes[0] ?? [], dtype: 'FLOAT32', constant: false }))],
      ops: report.layers.map((l, i) => ({ index: l.index, op: visible(l.className), inputs: [i], outputs: [i + 1], branches: [] })),
    }],
    io: [],
    notes: report.notes.map(visible),
  };
}
