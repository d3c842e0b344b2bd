import type { Model } from '../../model/ir.js';
import { simulateAllocateTensors, type NodeAllocation, type NodeFailure, type PlannedBuffer, type SimulationResult } from './interpreter.js';
import { markLifetimes } from './lifetimes.js';
import type { KernelSet } from './kernels/types.js';

/** A large arena for the reference run: its end is 16-byte aligned, as any real arena array's end would be here. */
const REFERENCE_ARENA = 1 << 30;

/** What one layer holds in the arena while it runs. */
export interface LayerMemory {
  subgraph: number;
  node: number;
  opName: string;
  step: number;
  /** Planned buffers live at this step (tensors and scratch), with their arena offsets. */
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
 */
export function analyzeTflmMemory(model: Model, kernels: KernelSet): TflmMemoryReport {
  const full = simulateAllocateTensors(model, kernels, { arenaSize: REFERENCE_ARENA, continueOnFailure: true });
  const status = full.failures.length === 0 ? 'ok' : 'unsupported';
  const minArenaBytes = full.exhausted ? -1 : minimumArena(model, kernels, full);
  return {
    kernels,
    status,
    failures: full.failures,
    exact: status === 'ok' && !full.exhausted,
    arenaUsedBytes: full.headBytes + full.tailBytes,
    headBytes: full.headBytes,
    tailBytes: full.tailBytes,
    minArenaBytes,
    buffers: full.buffers,
    nodes: full.nodes,
    layers: layerMemory(model, full),
  };
}

function minimumArena(model: Model, kernels: KernelSet, full: SimulationResult): number {
  const fits = (size: number): boolean =>
    simulateAllocateTensors(model, kernels, { arenaSize: size, continueOnFailure: true }).exhausted === null;
  let hi = full.headBytes + full.tailBytes;
  while (!fits(hi)) hi *= 2;
  let lo = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function layerMemory(model: Model, sim: SimulationResult): LayerMemory[] {
  const lifetimes = markLifetimes(model, []);
  const layers: LayerMemory[] = [];
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const step = lifetimes.step(sg.index, op.index);
      const live = sim.buffers.filter((b) => step >= 0 && b.first <= step && step <= b.last);
      const record = sim.nodes.find((n) => n.subgraph === sg.index && n.node === op.index);
      layers.push({
        subgraph: sg.index,
        node: op.index,
        opName: op.opName,
        step,
        live,
        liveBytes: live.reduce((n, b) => n + b.alignedBytes, 0),
        highWaterBytes: live.reduce((n, b) => Math.max(n, b.offset + b.alignedBytes), 0),
        persistentBytes: record ? record.paramsBytes + record.initPersistentBytes + record.preparePersistentBytes : 0,
        isPeak: false,
      });
    }
  }
  const peak = layers.reduce<LayerMemory | null>((best, l) => (!best || l.liveBytes > best.liveBytes ? l : best), null);
  if (peak) peak.isPeak = true;
  return layers;
}
