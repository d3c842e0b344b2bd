/**
 * One model on one target with one runtime: memory (from the closest modelled TFLM kernel set), op support, latency,
 * energy and whether it fits. The combination behind `analyze --target` and the fit matrix. Pure.
 */
import type { Model } from '../../model/ir.js';
import type { Core, Mcu, ResolvedTarget } from '../../targets/catalog.js';
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
  /** null when the catalog has no figure to compare with. */
  ram: boolean | null;
  flash: boolean | null;
  ops: boolean;
  /** All three known and true. */
  fits: boolean | null;
  ramBudgetBytes: number | null;
  flashBudgetBytes: number | null;
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
 * `placement` says where weights and arena live when not the part's default (an arena in external SDRAM is slower).
 */
export function analyzeForTarget(model: Model, runtime: Runtime, target: ResolvedTarget, clockMHz: number | null, memory?: AnalysisReport, placement?: Partial<Placement>): TargetReport {
  const kernels = memoryKernelsFor(runtime);
  const mem = memory ?? analyzeModel(model, kernels);
  const support = checkSupport(model, runtime, mem.detail.failures);
  const notes: string[] = [];
  const memoryEstimated = kernels !== runtime;
  if (memoryEstimated) notes.push(`Memory for ${runtime} is an estimate: TFLM's ${kernels} kernel set is the closest one modelled.`);
  if (!runtimeRunsOn(runtime, target.core, target.mcu)) notes.push(`${runtime} does not normally run on ${target.id} (${target.core}).`);
  const clock = clockMHz ?? target.mcu?.clockMHz ?? null;
  let latency: CalibratedEstimate | null = null;
  let energy: EnergyEstimate | null = null;
  if (clock === null) {
    notes.push(`No clock for ${target.id}: pass --clock to get latency.`);
  } else {
    const npuMacs = /ethos-u\d+-(\d+)/.exec(target.mcu?.npu ?? '')?.[1];
    const estimate = estimateLatency(model, support, target.core, clock, { npuMacsPerCycle: npuMacs ? Number(npuMacs) : null, mcu: target.mcu, placement });
    latency = applyCalibration(model, estimate, target.mcu?.calibrations, runtime);
    const power = target.mcu?.activePowerMw;
    if (latency.ms !== null && latency.lowMs !== null && latency.highMs !== null && power) {
      energy = energyPerInference(latency.ms, latency.lowMs, latency.highMs, power, clock);
    } else if (!power) {
      notes.push(`No measured active power for ${target.id}: energy is not estimated.`);
    }
  }
  return { runtime, target, clockMHz: clock, memory: mem, memoryEstimated, support, latency, energy, fit: fitVerdict(mem, support, target.mcu), notes };
}

function fitVerdict(mem: AnalysisReport, support: SupportReport, mcu: Mcu | null): FitVerdict {
  // The arena must sit in one contiguous region; code, stack and other buffers need RAM too, so this is a lower bound.
  const ramKiB = mcu ? mcu.largestSramKiB ?? mcu.sramKiB : null;
  const ramBudgetBytes = ramKiB === null ? null : Math.floor(ramKiB * 1024);
  const flashBudgetBytes = mcu?.flashKiB == null ? null : Math.floor(mcu.flashKiB * 1024);
  const ram = ramBudgetBytes === null ? null : mem.memory.minArenaBytes <= ramBudgetBytes;
  const flash = flashBudgetBytes === null ? null : mem.flash.modelBytes <= flashBudgetBytes;
  const ops = support.unsupported.length === 0;
  const fits = !ops || ram === false || flash === false ? false : ram === null || flash === null ? null : true;
  return { ram, flash, ops, fits, ramBudgetBytes, flashBudgetBytes };
}
