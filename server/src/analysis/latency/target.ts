/**
 * One model on one target with one runtime: memory (from the closest modelled TFLM kernel set), op support, latency,
 * energy and whether it fits. The combination behind `analyze --target` and the fit matrix. Pure.
 */
import type { Model } from '../../model/ir.js';
import type { Core, Mcu, ResolvedTarget } from '../../targets/catalog.js';
import { latencyPlacementOf, type AppPart, type WholeFit } from '../../targets/fit.js';
import { abiFor, codePathFor } from '../../targets/code-path.js';
import { deploymentFit } from '../fit-parts.js';
import { analyzeModel, type AnalysisReport } from '../report.js';
import { checkSupport, memoryKernelsFor, type Runtime, type SupportReport } from '../support/index.js';
import { applyCalibration, type CalibratedEstimate } from './calibration.js';
import { energyPerInference, type EnergyEstimate } from './energy.js';
import type { Placement } from './memory.js';
import { estimateLatency } from './model.js';

/** Whether a runtime exists for a core (CMSIS-NN is Arm-only, ESP-NN Espressif-only, Ethos-U needs the NPU). */
export function runtimeRunsOn(runtime: Runtime, core: Core, mcu: Mcu | null): boolean {
  const arm = core.startsWith('cortex-m');
  switch (runtime) {
    case 'tflm-reference': return true;
    case 'tflm-cmsis-nn': return arm;
    case 'tflm-esp-nn': return core === 'esp32' || core === 'esp32s3' || (core === 'rv32imc' && (mcu === null || mcu.id.startsWith('esp32')));
    case 'ethos-u': return mcu ? (mcu.npu ?? '').startsWith('ethos-u') : core === 'cortex-m55' || core === 'cortex-m85';
    case 'edgetpu': return arm;
  }
}

/** The runtime a target would normally use: its optimized library, or the reference kernels. */
export function defaultRuntime(core: Core, mcu: Mcu | null): Runtime {
  if (mcu && (mcu.npu ?? '').startsWith('ethos-u')) return 'ethos-u';
  if (core.startsWith('cortex-m')) return 'tflm-cmsis-nn';
  if (runtimeRunsOn('tflm-esp-nn', core, mcu)) return 'tflm-esp-nn';
  return 'tflm-reference';
}

export interface FitVerdict {
  /** null when the catalog has no figure to compare with. The arena's region and the whole RAM need (issue 10). */
  ram: boolean | null;
  flash: boolean | null;
  ops: boolean;
  /** All three known and true. */
  fits: boolean | null;
  /** The arena's region (the largest on-chip one unless placed). */
  ramBudgetBytes: number | null;
  flashBudgetBytes: number | null;
  /** The whole firmware: model + TFLM runtime + application in flash, arena + TFLM static RAM + application in RAM. */
  parts: WholeFit;
}

/** What the fit counts besides the model: the application (ELF or reserve) and where the arena goes. */
export interface FitOptions {
  readonly app?: AppPart | null;
  readonly arenaRegion?: string;
}

export interface TargetReport {
  runtime: Runtime;
  target: ResolvedTarget;
  clockMHz: number | null;
  memory: AnalysisReport;
  /** True when memory comes from a stand-in kernel set (ESP-NN, NPU runtimes): an estimate. */
  memoryEstimated: boolean;
  support: SupportReport;
  /** With the board's calibration for the runtime applied when the workspace catalog has one. */
  latency: CalibratedEstimate | null;
  energy: EnergyEstimate | null;
  fit: FitVerdict;
  notes: string[];
}

/**
 * Analyses `model` for a target. `memory` may be passed in when already computed for `memoryKernelsFor(runtime)`
 * (the fit matrix shares it between targets). `clockMHz` null uses the catalog clock; a bare core needs one.
 * `fitOptions` add the application and the arena's region to the fit; `placement` says where weights and arena live
 * when not where the fit put them (an arena in external SDRAM is slower).
 */
export function analyzeForTarget(model: Model, runtime: Runtime, target: ResolvedTarget, clockMHz: number | null, memory?: AnalysisReport, fitOptions: FitOptions = {}, placement?: Partial<Placement>): TargetReport {
  const kernels = memoryKernelsFor(runtime);
  const mem = memory ?? analyzeModel(model, kernels, {}, codePathFor(target.core, target.mcu), abiFor(target.core));
  const support = checkSupport(model, runtime, mem.detail.failures);
  const notes: string[] = [];
  const memoryEstimated = kernels !== runtime;
  if (memoryEstimated) notes.push(`Memory for ${runtime} is an estimate: TFLM's ${kernels} kernel set is the closest one modelled.`);
  if (!runtimeRunsOn(runtime, target.core, target.mcu)) notes.push(`${runtime} does not normally run on ${target.id} (${target.core}).`);
  const fit = fitVerdict(mem, support, target, fitOptions);
  // Where the fit put the arena (issue 10: an `arena_region:` in external SDRAM/PSRAM) is the estimator's placement
  // unless the caller names one: the memory term then costs every activation access through the external interface.
  const where = { ...latencyPlacementOf(fit.parts), ...placement };
  if (where.arena === 'external') notes.push(`The arena is placed in external RAM (${fit.parts.arena.region ?? 'external'}): every activation access goes through the external memory interface; the latency estimate includes that (memory-term priors).`);
  const clock = clockMHz ?? target.mcu?.clockMHz ?? null;
  let latency: CalibratedEstimate | null = null;
  let energy: EnergyEstimate | null = null;
  if (clock === null) {
    notes.push(`No clock for ${target.id}: pass --clock to get latency.`);
  } else {
    const estimated = latencyAsIs(model, support, target.core, clock, target.mcu, mem.detail.failures, where);
    latency = estimated.latency;
    if (estimated.note) notes.push(estimated.note);
    const power = target.mcu?.activePowerMw;
    if (latency.ms !== null && latency.lowMs !== null && latency.highMs !== null && power) {
      energy = energyPerInference(latency.ms, latency.lowMs, latency.highMs, power, clock);
    } else if (!power) {
      notes.push(`No measured active power for ${target.id}: energy is not estimated.`);
    }
  }
  return { runtime, target, clockMHz: clock, memory: mem, memoryEstimated, support, latency, energy, fit, notes };
}

/**
 * The latency of the model as it is on a core (and part): with an NPU runtime, the NPU's MAC-rate figure for a model
 * compiled for it; for one that is not, every op runs on the CPU (CMSIS-NN beside the NPU driver), so that is the
 * figure, and what the NPU would do once compiled is a note, never the figure of a model it cannot run.
 */
export function latencyAsIs(model: Model, support: SupportReport, core: Core, clockMHz: number, mcu: Mcu | null,
  failures: AnalysisReport['detail']['failures'], placement?: Partial<Placement>): { latency: CalibratedEstimate; note: string | null } {
  const npuMacs = /ethos-u\d+-(\d+)/.exec(mcu?.npu ?? '')?.[1];
  const where = placement ? { placement } : {};
  const latency = applyCalibration(model, estimateLatency(model, support, core, clockMHz, { npuMacsPerCycle: npuMacs ? Number(npuMacs) : null, mcu, ...where }), mcu?.calibrations, support.runtime);
  if (!support.npu || support.npu.compiled) return { latency, note: null };
  const cpuSupport = checkSupport(model, 'tflm-cmsis-nn', failures);
  const cpu = applyCalibration(model, estimateLatency(model, cpuSupport, core, clockMHz, { mcu, ...where }), mcu?.calibrations, 'tflm-cmsis-nn');
  const onNpu = support.layers.filter((l) => l.unit === 'npu').length;
  const after = latency.ms === null ? 'not costed' : `~${latency.ms.toPrecision(2)} ms (${latency.lowMs?.toPrecision(2)} to ${latency.highMs?.toPrecision(2)}) by the NPU's MAC-rate priors`;
  const compiler = support.npu.compiler === 'vela' ? 'Vela' : 'edgetpu_compiler';
  return { latency: cpu, note: `Latency is for the model as it is: not compiled for the NPU, every op runs on the CPU (CMSIS-NN kernels). Once compiled by ${compiler} (${onNpu} of ${support.layers.length} ops on the NPU): ${after}.` };
}

function fitVerdict(mem: AnalysisReport, support: SupportReport, target: ResolvedTarget, opts: FitOptions): FitVerdict {
  const parts = deploymentFit({ report: mem, core: target.core, mcu: target.mcu, app: opts.app ?? null, ...(opts.arenaRegion ? { arenaRegion: opts.arenaRegion } : {}) });
  const ramBudgetBytes = parts.arena.regionBytes;
  const flashBudgetBytes = parts.flash.capacityBytes;
  const ramProblem = parts.problems.some((p) => p !== 'flash-overflow');
  const ram = ramProblem ? false : parts.ram.fits === null || parts.arena.fits === null ? null : true;
  const flash = parts.flash.fits;
  const ops = support.unsupported.length === 0;
  const fits = !ops || ram === false || flash === false ? false : ram === null || flash === null ? null : true;
  return { ram, flash, ops, fits, ramBudgetBytes, flashBudgetBytes, parts };
}
