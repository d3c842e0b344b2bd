/**
 * Latency per layer and per inference for a model on a (core, runtime, clock).
 *
 * Where the instruction model (instructions.ts) has coefficients for the core's build and the op's kernel class:
 *
 *   cycles = instructions x CPI[core][runtime] x memory factor + weight bytes x cycles per streamed byte
 *
 * with the CPI calibrated on measured boards (cpi.ts) and the memory factor from where weights and arena live
 * (memory.ts). Elsewhere, the MAC model (the labelled fallback), per operator on the CPU:
 *
 *   cycles = cyclesPerOp[path] + factor[path][core][class] x MACs x cpm[path][class]
 *                              + factor[path][core][other] x elements x cyclesPerElement[path]
 *
 * where `path` is the code that runs the op (CMSIS-NN, ESP-NN or TFLM's reference kernel, from the op-support
 * verdict), `class` the kernel class (conv, depthwise, fully connected; other ops have no MAC term), and `factor` the
 * core's speed relative to the path's reference core (coefficients.json, scripts/fit-latency.ts). Ops placed on an
 * Ethos-U NPU cost MACs / (peak MACs per cycle x utilization). ms = cycles / clock. The estimate is a range: the CPI's
 * calibration residuals (or a prior's width), and the MAC fit's typical error on the ops it costs.
 */
import { EDGETPU_OP, ETHOSU_OP } from '../npu/compiled.js';
import type { Model, Operator, Subgraph } from '../../model/ir.js';
import type { Core, Mcu } from '../../targets/catalog.js';
import type { SupportReport } from '../support/types.js';
import { bundledCoefficients, classFactor, type Coefficients } from './coefficients.js';
import { bundledCpi, cpiFor, type CoreCpi, type CpiTable } from './cpi.js';
import { layerFeatures, type CpuPath, type LayerFeatures } from './features.js';
import { buildClass, instructionBuildChoice, opShape, predictShape } from './instructions.js';
import { defaultPlacement, memoryBeyond, memoryFactor, memorySystem, streamCyclesPerByte, type Placement } from './memory.js';
import { partCpi, partFactor } from './parts.js';

export interface LayerLatency {
  subgraph: number;
  index: number;
  features: LayerFeatures;
  /**
   * Instructions the op's Invoke executes on the measured TFLM build for this core and code path (instructions.ts),
   * when the instruction model has coefficients for its kernel class; null otherwise.
   */
  instructions: number | null;
  /** How the cycles were costed: instructions x CPI x memory, or the MAC model (the fallback); null when not costed. */
  costModel: 'instructions' | 'mac' | null;
  cycles: number | null;
  ms: number | null;
}

/** What the instructions x CPI part of an estimate rests on. */
export interface InstructionBasis {
  /** The rig's build whose instruction counts are used, and why another core's build stands in (null: its own). */
  build: string;
  proxy: string | null;
  /** TFLM and CMSIS-NN commits the counts were measured on. */
  tflm: string;
  cmsisNn: string;
  cpi: number;
  cpiCalibrated: boolean;
  cpiBasis: string;
  placement: Placement;
  /** The placement a part's own CPI already includes (its memory term then counts only the difference), or null. */
  cpiIncludes: Placement | null;
  /** The memory factor of that placement on the part (1 = everything in zero-wait memory, or the placement the CPI includes). */
  memoryFactor: number;
  /** Cycles per weight byte streamed once per inference (added per op: weight bytes x this). */
  streamCyclesPerByte: number;
  /** Share of the estimate's cycles costed from instructions (the rest by the MAC model). */
  share: number;
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
  /** Present when some ops are costed from instructions x CPI; null when the MAC model costs every op. */
  instructionBasis: InstructionBasis | null;
  layers: LayerLatency[];
  notes: string[];
}

export interface LatencyOptions {
  /** Peak MACs per cycle of the target's Ethos-U, when it has one. */
  npuMacsPerCycle?: number | null;
  coefficients?: Coefficients;
  /** CPI table; null turns the instruction model off (the MAC model alone, as its fit needs). */
  cpi?: CpiTable | null;
  /** The part, for its memory system (flash wait states, caches); null for a bare core. */
  mcu?: Mcu | null;
  /** Where weights and arena live; each field defaults from the part (weights where it keeps constants, arena in SRAM). */
  placement?: Partial<Placement>;
}

interface Costed { cycles: number; low: number; high: number; calibrated: boolean }

/** Estimates latency from a support report (which decides each op's code path). Pure. */
export function estimateLatency(model: Model, support: SupportReport, core: Core, clockMHz: number, opts: LatencyOptions = {}): LatencyEstimate {
  const k = opts.coefficients ?? bundledCoefficients();
  const table = opts.cpi === undefined ? bundledCpi() : opts.cpi;
  const notes: string[] = [];
  const verdicts = new Map(support.layers.map((l) => [`${l.subgraph}/${l.index}`, l]));
  const layers: LayerLatency[] = [];
  const mem = memorySystem(core, opts.mcu ?? null);
  const placement: Placement = { ...defaultPlacement(mem), ...opts.placement };
  // The MAC model was fitted on boards with their default placement: only a departure from it moves its cycles.
  const macMemFactor = memoryBeyond(placement, defaultPlacement(mem), mem).factor;
  const choice = instructionBuildChoice(core, support.runtime);
  const runAt = table && choice ? partCpi(table, opts.mcu?.id ?? null, support.runtime, cpiFor(table, core, support.runtime)) : null;
  const cpi: CoreCpi | null = runAt?.cpi ?? null;
  // A part's own CPI already includes its memory system (parts.ts): only a departure from that placement counts.
  const { factor: memFactor, perByte } = runAt?.includes
    ? memoryBeyond(placement, runAt.includes, mem) : { factor: memoryFactor(placement, mem), perByte: streamCyclesPerByte(placement, mem) };
  let cycles = 0;
  let low = 0;
  let high = 0;
  let instrCycles = 0;
  let complete = true;
  let uncalibratedCycles = 0;
  const uncosted = new Set<string>();
  const fallback = new Map<string, number>();
  const partNotes = new Set<string>();
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const s = verdicts.get(`${sg.index}/${op.index}`);
      if (!s) throw new Error(`support report lacks layer ${sg.index}/${op.index}`);
      const f = layerFeatures(sg, op, s, support.runtime);
      const shape = opShape(sg, op);
      const cpu = f.path !== 'none' && f.path !== 'npu';
      const instructions = choice === null || !cpu ? null : predictShape(shape, choice.build);
      let c: Costed | null;
      let costModel: LayerLatency['costModel'];
      if (instructions !== null && cpi !== null) {
        const cy = instructions * cpi.cpi * memFactor + weightBytes(sg, op) * perByte;
        c = { cycles: cy, low: cy * Math.exp(-cpi.spread), high: cy * Math.exp(cpi.spread), calibrated: cpi.calibrated };
        costModel = 'instructions';
        instrCycles += cy;
      } else if (op.opName === ETHOSU_OP || op.opName === EDGETPU_OP) {
        // A compiled NPU op: Vela keeps no estimate of its time in the model (nor the original graph's MACs), and the
        // Edge TPU's cycle estimate has no board clock here. Not costed, never zero (analysis/npu/compiled.ts).
        c = null;
        costModel = null;
      } else {
        c = layerCycles(f, core, support.runtime, k, opts.npuMacsPerCycle ?? null, opts.mcu?.id ?? null);
        const part = c && cpu ? partFactor(opts.mcu?.id ?? null, f.path as CpuPath, k) : null;
        if (part) partNotes.add(`${opts.mcu!.id} on the ${f.path} path: ${part.basis.replace(/^prior: /, '')} (prior).`);
        if (c && cpu) c = { ...c, cycles: c.cycles * macMemFactor, low: c.low * macMemFactor, high: c.high * macMemFactor };
        costModel = c === null ? null : 'mac';
        if (c && cpu && choice && cpi) {
          const cls = buildClass(shape, choice.build);
          fallback.set(cls, (fallback.get(cls) ?? 0) + 1);
        }
      }
      if (c === null) {
        complete = false;
        uncosted.add(f.path === 'none' ? `${op.opName} (unsupported)` : op.opName === ETHOSU_OP || op.opName === EDGETPU_OP
          ? `${op.opName} (compiled for the NPU: its time is not in the model)` : `${op.opName} (${support.runtime} accelerator)`);
        layers.push({ subgraph: sg.index, index: op.index, features: f, instructions, costModel: null, cycles: null, ms: null });
        continue;
      }
      cycles += c.cycles;
      low += c.low;
      high += c.high;
      if (!c.calibrated) uncalibratedCycles += c.cycles;
      layers.push({ subgraph: sg.index, index: op.index, features: f, instructions, costModel, cycles: c.cycles, ms: c.cycles / (clockMHz * 1000) });
    }
  }
  // A prior behind a reshape does not make the whole estimate a guess: judge by the share of cycles.
  const calibrated = uncalibratedCycles <= 0.1 * cycles;
  let instructionBasis: InstructionBasis | null = null;
  if (choice && cpi && table && instrCycles > 0) {
    instructionBasis = {
      build: choice.build, proxy: choice.proxy, tflm: table.versions.tflm, cmsisNn: table.versions.cmsisNn,
      cpi: cpi.cpi, cpiCalibrated: cpi.calibrated, cpiBasis: cpi.basis, placement, cpiIncludes: runAt?.includes ?? null, memoryFactor: memFactor, streamCyclesPerByte: perByte,
      share: cycles > 0 ? instrCycles / cycles : 0,
    };
    notes.push(instructionNote(instructionBasis, core));
    if (fallback.size) {
      notes.push(`MAC model (fallback, no instruction coefficients) for: ${[...fallback].map(([cls, n]) => `${cls} x${n}`).join(', ')}.`);
    }
  }
  if (model.subgraphs.some((sg) => sg.operators.some((op) => op.opName === 'SOFTMAX')) && instructionBasis) {
    notes.push('SOFTMAX is data-dependent (its exp lookups and sums vary with the values): costed from the measured average.');
  }
  if (uncosted.size) notes.push(`No latency for: ${[...uncosted].join(', ')}.`);
  notes.push(...partNotes);
  if (!calibrated) notes.push(`Some coefficients for ${core} are priors, not fitted on measurements: the range is widened.`);
  if (model.subgraphs.length > 1) notes.push('Every subgraph is costed once (IF/WHILE bodies as if each ran once).');
  const toMs = (c: number): number | null => (complete ? c / (clockMHz * 1000) : null);
  return { core, clockMHz, ms: toMs(cycles), lowMs: toMs(low), highMs: toMs(high), cycles: complete ? cycles : null, calibrated, instructionBasis, layers, notes };
}

function instructionNote(b: InstructionBasis, core: Core): string {
  const inc = b.cpiIncludes ? ` beyond what the CPI includes (weights in ${b.cpiIncludes.weights}, arena in ${b.cpiIncludes.arena})` : '';
  const where = `weights in ${b.placement.weights}, arena in ${b.placement.arena}: memory x${b.memoryFactor.toFixed(2)}, ${b.streamCyclesPerByte.toFixed(2)} cycles per weight byte${inc}`;
  const cpi = `CPI ${b.cpi.toFixed(2)} ${b.cpiCalibrated ? 'calibrated' : 'prior'} (${b.cpiBasis.replace(/^prior: /, '')})`;
  return `Latency = instructions x CPI x memory for ${core}: instruction counts of TFLM ${b.tflm} / CMSIS-NN ${b.cmsisNn} (build ${b.build}${b.proxy ? `; ${b.proxy}` : ''}); ${cpi}; ${where}. Other TFLM / CMSIS-NN versions run other instruction counts.`;
}

/** Bytes of an operator's constant inputs (each tensor once): what it must read from where the weights live. */
export function weightBytes(sg: Subgraph, op: Operator): number {
  let n = 0;
  for (const i of new Set(op.inputs)) {
    const t = i >= 0 ? sg.tensors[i] : undefined;
    if (t?.isConstant) n += t.bytes;
  }
  return n;
}

function layerCycles(f: LayerFeatures, core: Core, runtime: SupportReport['runtime'], k: Coefficients, npuMacs: number | null, mcuId: string | null):
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
  const factor = partFactor(mcuId, f.path, k) ?? k.cores[f.path][core];
  if (!factor) return null;
  const macCycles = f.kind === 'other' ? 0 : classFactor(factor, f.kind) * f.macs * p.cpm[f.kind];
  const cycles = p.cyclesPerOp + macCycles + classFactor(factor, 'other') * f.elements * p.cyclesPerElement;
  const spread = p.spread * (factor.calibrated ? 1 : 2);
  return { cycles, low: cycles * Math.exp(-spread), high: cycles * Math.exp(spread), calibrated: factor.calibrated };
}
