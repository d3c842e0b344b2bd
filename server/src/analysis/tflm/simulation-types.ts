/**
 * What the AllocateTensors() replay (interpreter.ts) reports: failing nodes, each node's allocations, the planned
 * buffers, and the options it runs with.
 */
import type { AnalysisLimits } from '../../model/limits.js';
import type { ArenaEvent, SizeNeed } from './arena.js';
import type { CodePath } from './kernels/types.js';
import type { Abi } from './structs.js';

/** A node TFLM cannot run: no kernel for its op, or its kernel's Prepare rejects it. */
export interface NodeFailure {
  subgraph: number;
  node: number;
  opName: string;
  /**
   * 'unresolved': no kernel registered; 'prepare': the kernel rejects the types or shapes; 'model': bad model data
   * (for a failure of the model as a whole, such as its OfflineMemoryAllocation metadata, node is -1).
   */
  kind: 'unresolved' | 'prepare' | 'model';
  reason: string;
}

/** What one node allocated while TFLM prepared the model. */
export interface NodeAllocation {
  subgraph: number;
  node: number;
  opName: string;
  paramsBytes: number;
  initPersistentBytes: number;
  preparePersistentBytes: number;
  prepareTempBytes: number;
  scratch: number[];
  /** The execution step the node runs at (the planner's time axis). */
  step: number;
}

/** A buffer the planner placed in the head. */
export interface PlannedBuffer {
  kind: 'tensor' | 'scratch';
  subgraph: number;
  /** Tensor index (tensor buffers) or the requesting node (scratch buffers). */
  index: number;
  bytes: number;
  alignedBytes: number;
  first: number;
  last: number;
  offset: number;
}

export interface SimulationResult {
  /** True when AllocateTensors() returns kTfLiteOk in an arena of this size. */
  ok: boolean;
  /** Set when the arena was too small (the request that failed). */
  exhausted: ArenaEvent | null;
  failures: NodeFailure[];
  headBytes: number;
  tailBytes: number;
  nodes: NodeAllocation[];
  buffers: PlannedBuffer[];
  events: ArenaEvent[];
  /** Each node's step, per subgraph, when the replay got as far as the plan (else null). */
  steps: readonly Int32Array[] | null;
}

export interface SimulationOptions {
  arenaSize: number;
  /** Record every allocation request (for debugging against TFLM's allocation log). */
  log?: boolean;
  /**
   * Keep going past a node TFLM rejects, treating it as a no-op, to collect every failing node and an estimate of
   * the memory the rest of the model needs. TFLM itself stops at the first failure.
   */
  continueOnFailure?: boolean;
  /** The work and depth bounds of the control-flow walk (default: resolveLimits()). */
  limits?: AnalysisLimits;
  /** Learns from this replay which other arena sizes would allocate (memory.ts derives the minimum from it). */
  sizeNeed?: SizeNeed;
  /** CMSIS-NN's code path (default `dsp`). */
  codePath?: CodePath;
  /**
   * The target's enum width (default `arm-eabi`, 1-byte enums): sizes the builtin params structs and every
   * TfLiteTensor (structs.ts).
   */
  abi?: Abi;
}
