/**
 * What the server needs to know beyond the model: boards, runtimes, latency and energy. Each is a small interface so
 * that the MCU catalog (server/src/targets/), per-runtime op support and the latency model (issue 3) plug in by
 * replacing `builtinProviders()` in server.ts, without touching any feature file. The built-ins know only what the
 * manifest itself says (inline boards) and the two runtimes the core models.
 */
import { RUNTIMES } from '../analysis/report.js';
import type { AnalysisReport } from '../analysis/report.js';
import type { Runtime, SupportReport } from '../analysis/support/index.js';
import type { InlineBoard, TargetRef } from '../manifest/types.js';
import type { Model } from '../model/ir.js';
import type { Mcu } from '../targets/catalog.js';

/** A board's resources, from the catalog or from an inline `target:` mapping. */
export interface TargetSpec {
  /** Catalog id, or null for an inline board. */
  readonly id: string | null;
  readonly name: string;
  readonly sramBytes: number | null;
  readonly flashBytes: number | null;
  readonly core: string | null;
  readonly clockHz: number | null;
  /** Whether the core has a floating-point unit; null when unknown (then `float-without-fpu` stays silent). */
  readonly fpu: boolean | null;
  /** The catalog row behind a catalog target (its NPU and measured power feed the cost model); absent otherwise. */
  readonly mcu?: Mcu | null;
}

/** How a `target:` value resolved. */
export type TargetResolution =
  | { readonly kind: 'found'; readonly spec: TargetSpec }
  /** A catalog exists and has no such id (this is when `unknown-target` is reported). */
  | { readonly kind: 'unknown'; readonly suggestions: readonly string[] }
  /** No catalog is installed: ids cannot be checked, target-dependent diagnostics are skipped. */
  | { readonly kind: 'no-catalog' };

/** A catalog entry offered by completion. */
export interface TargetEntry {
  readonly id: string;
  /** One line of specs for the completion detail, e.g. "Cortex-M4F 64 MHz, 256 KiB SRAM, 1 MiB flash". */
  readonly detail: string;
}

/** Turns `target:` into a spec. The MCU catalog implements this; `inlineTargets` is the fallback. */
export interface TargetResolver {
  resolve(ref: TargetRef): TargetResolution;
  /** Catalog ids for completion; empty without a catalog. */
  entries(): readonly TargetEntry[];
}

/** A runtime the server can analyse for. */
export interface RuntimeInfo {
  readonly id: string;
  /** Markdown for hovers: what it is and what it optimises. */
  readonly description: string;
  /** The core kernel set whose memory model applies (exact for the two TFLM kernel sets, a stand-in otherwise). */
  readonly kernels: AnalysisReport['runtime'];
  /** The op-support runtime (server/src/analysis/support/) that gives this runtime's verdicts; absent: TFLM's failures only. */
  readonly support?: Runtime;
}

export interface RuntimeRegistry {
  get(id: string): RuntimeInfo | null;
  all(): readonly RuntimeInfo[];
}

/** Time and energy of one inference; either may be unknown. */
export interface InferenceCost {
  readonly seconds: number | null;
  readonly joules: number | null;
  /** Why the figure is approximate, for hovers. */
  readonly basis: string;
  /** The estimate's range (the fit's typical error on either side), when the model gives one. */
  readonly lowSeconds?: number | null;
  readonly highSeconds?: number | null;
  /** Per operator, every subgraph (null: not costed, e.g. unsupported or on an uncosted accelerator). */
  readonly layers?: readonly LayerCost[];
  /** "calibrated on your board, N runs" when the board's calibration (workspace catalog) was applied. */
  readonly calibration?: string;
}

/** The estimated time of one operator. */
export interface LayerCost {
  readonly subgraph: number;
  readonly index: number;
  readonly seconds: number | null;
  /** Measured on the board, when its calibration profiled this very model. */
  readonly measuredSeconds?: number;
}

/** What a cost estimate may look at: the model itself (for per-layer features), its analysis, the board, the clock. */
export interface CostInput {
  readonly model: Model;
  readonly report: AnalysisReport;
  readonly target: TargetSpec | null;
  /** The manifest's `clock`, else the target's; null when neither gives one. */
  readonly clockHz: number | null;
  /** The runtime's op-support verdicts (they decide each op's code path); computed by the estimator when absent. */
  readonly support?: SupportReport;
}

/**
 * The latency/energy model (issue 3, server/src/analysis/latency/). Returns null when it cannot estimate (no clock,
 * unknown core); either figure may be null on its own (no power data: no energy).
 */
export interface CostEstimator {
  estimate(input: CostInput): InferenceCost | null;
}

/** Everything target-, runtime- and cost-related the features consult. */
export interface Providers {
  readonly targets: TargetResolver;
  readonly runtimes: RuntimeRegistry;
  /** Null until a latency model exists: latency/energy budgets are then accepted but not checked. */
  readonly cost: CostEstimator | null;
}

/** Inline boards only; any catalog id resolves to `no-catalog`. */
export const inlineTargets: TargetResolver = {
  resolve(ref) {
    return ref.kind === 'inline' ? { kind: 'found', spec: inlineSpec(ref.board) } : { kind: 'no-catalog' };
  },
  entries: () => [],
};

/** The spec of an inline board; missing fields stay null so the checks that need them are skipped. */
export function inlineSpec(board: InlineBoard): TargetSpec {
  const core = board.core?.value ?? null;
  return {
    id: null,
    name: core ? `inline board (${core})` : 'inline board',
    sramBytes: board.sram?.value.value ?? null,
    flashBytes: board.flash?.value.value ?? null,
    core,
    clockHz: board.clock?.value.value ?? null,
    // Arm's naming: cortex-m4f / m7f / m33f have an FPU; plain m0/m0+/m3 do not. Anything else: unknown.
    fpu: core === null ? null : /^cortex-m(4|7|33|55|85)f$/i.test(core) ? true : /^cortex-m(0|0\+|0plus|3|23)$/i.test(core) ? false : null,
  };
}

const RUNTIME_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'tflm-reference': "TensorFlow Lite Micro with its portable reference kernels: plain C++ loops, no SIMD. Runs anywhere; slowest.",
  'tflm-cmsis-nn': 'TensorFlow Lite Micro with Arm CMSIS-NN kernels for int8/int16 convolutions, depthwise, fully connected, pooling, softmax and SVDF (DSP/SIMD on Cortex-M4/M7/M33, Helium on M55/M85); other ops use the reference kernels.',
};

/** The runtimes the core models to the byte. */
export const coreRuntimes: RuntimeRegistry = {
  get(id) {
    return (RUNTIMES as readonly string[]).includes(id) ? describeRuntime(id as AnalysisReport['runtime']) : null;
  },
  all: () => RUNTIMES.map(describeRuntime),
};

function describeRuntime(id: AnalysisReport['runtime']): RuntimeInfo {
  return { id, kernels: id, description: RUNTIME_DESCRIPTIONS[id] ?? id };
}

/** The providers available before issue 3 lands: inline boards, the core's runtimes, no cost model. */
export function builtinProviders(): Providers {
  return { targets: inlineTargets, runtimes: coreRuntimes, cost: null };
}
