/**
 * Latency per layer and per inference for a model on a (core, runtime, clock).
 *
 * The cost model, per operator on the CPU:
 *
 *   cycles = cyclesPerOp[path] + factor[path][core][class] x MACs x cpm[path][class]
 *                              + factor[path][core][other] x elements x cyclesPerElement[path]
 *
 * where `path` is the code that runs the op (CMSIS-NN, ESP-NN or TFLM's reference kernel, from the op-support
 * verdict), `class` the kernel class (conv, depthwise, fully connected; other ops have no MAC term), and `factor` the
 * core's speed relative to the path's reference core: one number for most cores, per class where a core's vector
 * unit speeds classes up unevenly (Helium). Ops placed on an Ethos-U NPU cost
 * MACs / (peak MACs per cycle x utilization). ms = cycles / clock.
 *
 * The coefficients are fitted on measured MLPerf Tiny and vendor results (scripts/fit-latency.ts). The estimate is a
 * range: the fit's typical error on either side, doubled where the core has no measurement behind its factor.
 */
import type { Model } from '../../model/ir.js';
import type { Core } from '../../targets/catalog.js';
import type { SupportReport } from '../support/types.js';
import { bundledCoefficients, classFactor, type Coefficients } from './coefficients.js';
import { layerFeatures, type LayerFeatures } from './features.js';
import { instructionBuild, opShape, predictShape } from './instructions.js';

export interface LayerLatency {
  subgraph: number;
  index: number;
  features: LayerFeatures;
  /**
   * Instructions the op's Invoke executes on the measured TFLM build for this core and code path (instructions.ts),
   * when the instruction model has coefficients for its kernel class; null otherwise. Not (yet) used for cycles.
   */
  instructions: number | null;
  cycles: number | null;
  ms: number | null;
}

export interface LatencyEstimate {
  core: Core;
  clockMHz: number;
  /** Central estimate; null when some op has no cost (unsupported, or on an accelerator the model does not cost). */
  ms: number | null;
  lowMs: number | null;
  highMs: number | null;
  cycles: number | null;
  /** False when a factor or coefficient behind the estimate is a prior rather than fitted on measurements. */
  calibrated: boolean;
  layers: LayerLatency[];
  notes: string[];
}

export interface LatencyOptions {
  /** Peak MACs per cycle of the target's Ethos-U, when it has one. */
  npuMacsPerCycle?: number | null;
  coefficients?: Coefficients;
}

/** Estimates latency from a support report (which decides each op's code path). Pure. */
export function estimateLatency(model: Model, support: SupportReport, core: Core, clockMHz: number, opts: LatencyOptions = {}): LatencyEstimate {
  const k = opts.coefficients ?? bundledCoefficients();
  const notes: string[] = [];
  const verdicts = new Map(support.layers.map((l) => [`${l.subgraph}/${l.index}`, l]));
  const layers: LayerLatency[] = [];
  let cycles = 0;
  let low = 0;
  let high = 0;
  let complete = true;
  let uncalibratedCycles = 0;
  const uncosted = new Set<string>();
  const build = instructionBuild(core, support.runtime);
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const s = verdicts.get(`${sg.index}/${op.index}`);
      if (!s) throw new Error(`support report lacks layer ${sg.index}/${op.index}`);
      const f = layerFeatures(sg, op, s, support.runtime);
      const instructions = build === null || f.path === 'none' || f.path === 'npu' ? null : predictShape(opShape(sg, op), build);
      const c = layerCycles(f, core, support.runtime, k, opts.npuMacsPerCycle ?? null);
      if (c === null) {
        complete = false;
        uncosted.add(f.path === 'none' ? `${op.opName} (unsupported)` : `${op.opName} (${support.runtime} accelerator)`);
        layers.push({ subgraph: sg.index, index: op.index, features: f, instructions, cycles: null, ms: null });
        continue;
      }
      cycles += c.cycles;
      low += c.low;
      high += c.high;
      if (!c.calibrated) uncalibratedCycles += c.cycles;
      layers.push({ subgraph: sg.index, index: op.index, features: f, instructions, cycles: c.cycles, ms: c.cycles / (clockMHz * 1000) });
    }
  }
  // A prior behind a reshape does not make the whole estimate a guess: judge by the share of cycles.
  const calibrated = uncalibratedCycles <= 0.1 * cycles;
  if (uncosted.size) notes.push(`No latency for: ${[...uncosted].join(', ')}.`);
  if (!calibrated) notes.push(`Some coefficients for ${core} are priors, not fitted on measurements: the range is widened.`);
  if (model.subgraphs.length > 1) notes.push('Every subgraph is costed once (IF/WHILE bodies as if each ran once).');
  const toMs = (c: number): number | null => (complete ? c / (clockMHz * 1000) : null);
  return { core, clockMHz, ms: toMs(cycles), lowMs: toMs(low), highMs: toMs(high), cycles: complete ? cycles : null, calibrated, layers, notes };
}

function layerCycles(f: LayerFeatures, core: Core, runtime: SupportReport['runtime'], k: Coefficients, npuMacs: number | null):
  { cycles: number; low: number; high: number; calibrated: boolean } | null {
  if (f.path === 'none') return null;
  if (f.path === 'npu') {
    if (runtime !== 'ethos-u') return null; // the Edge TPU is not costed: no measured figures behind it
    const peak = npuMacs ?? k.ethosU.defaultMacsPerCycle;
    // Ops without MACs still stream their tensors through the NPU: about one element per MAC lane per cycle.
    const work = Math.max(f.macs, f.elements);
    return { cycles: work / (peak * k.ethosU.utilization), low: work / (peak * k.ethosU.utilizationHigh), high: work / (peak * k.ethosU.utilizationLow), calibrated: false };
  }
  const p = k.paths[f.path];
  const factor = k.cores[f.path][core];
  if (!factor) return null;
  const macCycles = f.kind === 'other' ? 0 : classFactor(factor, f.kind) * f.macs * p.cpm[f.kind];
  const cycles = p.cyclesPerOp + macCycles + classFactor(factor, 'other') * f.elements * p.cyclesPerElement;
  const spread = p.spread * (factor.calibrated ? 1 : 2);
  return { cycles, low: cycles * Math.exp(-spread), high: cycles * Math.exp(spread), calibrated: factor.calibrated };
}
