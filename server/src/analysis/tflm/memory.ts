import type { Model } from '../../model/ir.js';
import { AnalysisLimitError, resolveLimits, type AnalysisLimits } from '../../model/limits.js';
import { SizeNeed, type ArenaEvent } from './arena.js';
import { simulateAllocateTensors, type NodeAllocation, type NodeFailure, type PlannedBuffer, type SimulationResult } from './interpreter.js';
import { markLifetimes } from './lifetimes.js';
import type { CodePath, KernelSet } from './kernels/types.js';
import type { Abi } from './structs.js';

/** What one layer holds in the arena while it runs. */
export interface LayerMemory {
  subgraph: number;
  node: number;
  opName: string;
  step: number;
  /**
   * Planned buffers live at this step (tensors and scratch), with their arena offsets; empty when the analysis was
   * asked for no buffer lists (`liveBuffers: false`: the byte figures below are still computed).
   */
  live: PlannedBuffer[];
  /** Sum of the live buffers' aligned sizes. */
  liveBytes: number;
  /** The highest arena offset in use at this step (end of the highest live buffer). */
  highWaterBytes: number;
  /** Persistent bytes this node allocated (params, Init and Prepare). */
  persistentBytes: number;
  isPeak: boolean;
}

export interface TflmMemoryReport {
  kernels: KernelSet;
  /** CMSIS-NN's code path the figures follow (`dsp` unless a Helium or scalar core was named). */
  codePath: CodePath;
  /** The enum width the struct sizes follow (`arm-eabi` unless a RISC-V, Xtensa or ARC target was named). */
  abi: Abi;
  /** 'ok': AllocateTensors() succeeds given enough memory; 'unsupported': a node has no kernel or fails Prepare. */
  status: 'ok' | 'unsupported';
  /** Every failing node (TFLM itself stops at the first one). */
  failures: NodeFailure[];
  /**
   * The figures below are exact when status is 'ok'. When 'unsupported', they are an estimate with each failing
   * node replaced by a no-op (its own data excluded), the figure a user needs once the op is replaced.
   */
  exact: boolean;
  arenaUsedBytes: number;
  headBytes: number;
  tailBytes: number;
  /** The smallest kTensorArenaSize (arena start 16-byte aligned) for which AllocateTensors() succeeds. */
  minArenaBytes: number;
  buffers: PlannedBuffer[];
  nodes: NodeAllocation[];
  layers: LayerMemory[];
}

/**
 * The arena TensorFlow Lite Micro needs for a model on a 32-bit Cortex-M target, found by replaying
 * AllocateTensors() (see interpreter.ts) — once in a large arena for arena_used_bytes(), and by bisection over arena
 * sizes for the minimum, which is larger whenever Prepare's temporaries or the planner's own working memory peak
 * above the final layout.
 *
 * The reference arena is `maxArena` bytes (1 GiB unless raised; its end 16-byte aligned, as any real arena array's
 * end would be here): a model that does not allocate in it gets an `AnalysisLimitError` naming the figure, never a
 * wrapped or placeholder size. The control-flow walk is bounded by `maxWork` and `maxDepth`.
 */
export function analyzeTflmMemory(model: Model, kernels: KernelSet, limits: Partial<AnalysisLimits> = {}, codePath: CodePath = 'dsp', abi: Abi = 'arm-eabi',
  liveBuffers = true): TflmMemoryReport {
  const lim = resolveLimits(limits);
  const sizeNeed = new SizeNeed();
  const full = simulateAllocateTensors(model, kernels, { arenaSize: lim.maxArena, continueOnFailure: true, limits: lim, sizeNeed, codePath, abi });
  if (full.exhausted) throw arenaLimit(lim, full.exhausted);
  const status = full.failures.length === 0 ? 'ok' : 'unsupported';
  const fits = sizeNeed.exact ? (size: number) => sizeNeed.fits(size) : replayFits(model, kernels, lim, codePath, abi);
  const minArenaBytes = minimumArena(full, lim, fits);
  return {
    kernels,
    codePath,
    abi,
    status,
    failures: full.failures,
    exact: status === 'ok',
    arenaUsedBytes: full.headBytes + full.tailBytes,
    headBytes: full.headBytes,
    tailBytes: full.tailBytes,
    minArenaBytes,
    buffers: full.buffers,
    nodes: full.nodes,
    layers: layerMemory(model, full, lim, liveBuffers),
  };
}

/** The arena ran out at the largest size modelled: the request that failed, as the limit's error. */
function arenaLimit(limits: AnalysisLimits, event: ArenaEvent): AnalysisLimitError {
  const match = /^(?:parse|init|prepare) (\d+)\/(\d+):(.*)$/.exec(event.phase);
  // A node's request names the node; the allocator's own requests (the plan, the I/O tensors) need no location.
  const where = match ? { subgraph: Number(match[1]), node: Number(match[2]), opName: match[3] } : {};
  return new AnalysisLimitError('maxArena', limits.maxArena, event.tailUsed + event.headUsed + event.size, 'the tensor arena', where);
}

/** Whether AllocateTensors() succeeds in `size` bytes, by replaying it at that size. */
export function replayFits(model: Model, kernels: KernelSet, limits: AnalysisLimits, codePath: CodePath = 'dsp', abi: Abi = 'arm-eabi'): (size: number) => boolean {
  return (size) => simulateAllocateTensors(model, kernels, { arenaSize: size, continueOnFailure: true, limits, codePath, abi }).exhausted === null;
}

/**
 * Doubling from arena_used_bytes() to a size that allocates, then bisection, each probe answered by `fits`: from
 * the reference replay's SizeNeed (no further replay) when every alignment divides 16, else by a replay at that size.
 * The reference run allocated in `maxArena` bytes, so the doubling stops there; both loops run at most about 32 times.
 */
export function minimumArena(full: SimulationResult, limits: AnalysisLimits, fits: (size: number) => boolean): number {
  let hi = Math.max(16, full.headBytes + full.tailBytes);
  while (hi < limits.maxArena && !fits(hi)) hi = Math.min(hi * 2, limits.maxArena);
  let lo = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function layerMemory(model: Model, sim: SimulationResult, limits: AnalysisLimits, liveBuffers: boolean): LayerMemory[] {
  // The replay's own steps (it walked the lifetimes for its plan); a walk of our own only if it stopped before.
  const steps = sim.steps ?? markLifetimes(model, [], limits).steps;
  const stepOf = (subgraph: number, node: number): number => steps[subgraph]?.[node] ?? -1;
  // Without buffer lists, only each step's two figures (no list per step).
  const liveAt = liveBuffers ? liveBuffersAt(sim.buffers, steps) : null;
  const totals = liveBuffers ? null : liveTotalsAt(sim.buffers, steps);
  const records: (NodeAllocation | undefined)[][] = model.subgraphs.map(() => []);
  for (let i = 0; i < sim.nodes.length; i++) {
    const n = sim.nodes[i]!;
    records[n.subgraph]![n.node] = n;
  }
  const layers: LayerMemory[] = [];
  let peak: LayerMemory | null = null;
  // Indexed loops (once per layer, mostly before the optimizer has seen them: a for-of allocates per element).
  for (const sg of model.subgraphs) {
    for (let n = 0; n < sg.operators.length; n++) {
      const op = sg.operators[n]!;
      const step = stepOf(sg.index, op.index);
      const live = liveAt?.get(step) ?? NONE_LIVE;
      const record = records[sg.index]![op.index];
      let liveBytes = 0;
      let highWaterBytes = 0;
      if (totals !== null) {
        liveBytes = totals.bytes[step] ?? 0;
        highWaterBytes = totals.highWater[step] ?? 0;
      }
      for (let k = 0; k < live.length; k++) {
        const b = live[k]!;
        liveBytes += b.alignedBytes;
        highWaterBytes = Math.max(highWaterBytes, b.offset + b.alignedBytes);
      }
      const layer: LayerMemory = {
        subgraph: sg.index,
        node: op.index,
        opName: op.opName,
        step,
        live,
        liveBytes,
        highWaterBytes,
        persistentBytes: record ? record.paramsBytes + record.initPersistentBytes + record.preparePersistentBytes : 0,
        isPeak: false,
      };
      layers.push(layer);
      if (!peak || layer.liveBytes > peak.liveBytes) peak = layer;
    }
  }
  if (peak) peak.isPeak = true;
  return layers;
}

/** The live list of a step with no buffers (shared, never written). */
const NONE_LIVE: PlannedBuffer[] = [];

/**
 * The buffers live at each step the nodes run at (first <= step <= last), in the plan's order: one sweep over the
 * steps in increasing order with the set of buffers live at the current one, so the cost follows the live buffers
 * rather than steps x buffers. A step of -1 (a node never reached) has none.
 */
function liveBuffersAt(buffers: readonly PlannedBuffer[], steps: readonly Int32Array[]): Map<number, PlannedBuffer[]> {
  const order = buffers.map((_, i) => i).sort((a, b) => buffers[a]!.first - buffers[b]!.first);
  const out = new Map<number, PlannedBuffer[]>([[-1, NONE_LIVE]]);
  const distinct = new Set<number>();
  for (const list of steps) for (let k = 0; k < list.length; k++) if (list[k]! >= 0) distinct.add(list[k]!);
  const sorted = Int32Array.from(distinct).sort();
  let active: number[] = [];
  let next = 0;
  const ids: number[] = [];
  for (let s = 0; s < sorted.length; s++) {
    const step = sorted[s]!;
    while (next < order.length && buffers[order[next]!]!.first <= step) active.push(order[next++]!);
    const kept: number[] = [];
    for (let k = 0; k < active.length; k++) if (buffers[active[k]!]!.last >= step) kept.push(active[k]!);
    active = kept;
    // In the plan's order (a sorted copy in a reused list: `active` keeps its own order).
    ids.length = 0;
    for (let k = 0; k < kept.length; k++) ids.push(kept[k]!);
    sortAscending(ids);
    const live: PlannedBuffer[] = [];
    for (let k = 0; k < ids.length; k++) live.push(buffers[ids[k]!]!);
    out.set(step, live);
  }
  return out;
}

/**
 * What liveBuffersAt's lists sum to, by step: the bytes live and the highest end among them (steps with no buffer, and
 * -1, read as undefined). The same sweep, compacting the live set in place: nothing is allocated per step.
 */
function liveTotalsAt(buffers: readonly PlannedBuffer[], steps: readonly Int32Array[]): { bytes: Float64Array; highWater: Float64Array } {
  let maxStep = -1;
  for (const list of steps) for (let k = 0; k < list.length; k++) if (list[k]! > maxStep) maxStep = list[k]!;
  const used = new Uint8Array(maxStep + 1);
  for (const list of steps) for (let k = 0; k < list.length; k++) if (list[k]! >= 0) used[list[k]!] = 1;
  const bytes = new Float64Array(maxStep + 1);
  const highWater = new Float64Array(maxStep + 1);
  const order = new Int32Array(buffers.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => buffers[a]!.first - buffers[b]!.first);
  const active = new Int32Array(buffers.length);
  let size = 0;
  let next = 0;
  for (let step = 0; step <= maxStep; step++) {
    if (used[step] === 0) continue;
    while (next < order.length && buffers[order[next]!]!.first <= step) active[size++] = order[next++]!;
    let kept = 0;
    let sum = 0;
    let high = 0;
    for (let k = 0; k < size; k++) {
      const b = buffers[active[k]!]!;
      if (b.last < step) continue;
      active[kept++] = active[k]!;
      sum += b.alignedBytes;
      high = Math.max(high, b.offset + b.alignedBytes);
    }
    size = kept;
    bytes[step] = sum;
    highWater[step] = high;
  }
  return { bytes, highWater };
}

/** Sorts in place, ascending: by insertion for the few ids live together (no allocation), else Array.sort. */
function sortAscending(ids: number[]): number[] {
  if (ids.length > 32) return ids.sort((a, b) => a - b);
  for (let i = 1; i < ids.length; i++) {
    const id = ids[i]!;
    let j = i - 1;
    while (j >= 0 && ids[j]! > id) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = id;
  }
  return ids;
}
