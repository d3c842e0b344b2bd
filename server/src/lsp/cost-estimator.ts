/**
 * The CostEstimator over issue 3's latency and energy model (server/src/analysis/latency/): the support verdicts
 * decide each op's code path, the board gives core, clock, NPU size and measured active power. Everything the
 * estimate cannot know (no core, no clock, an op nothing can run) turns into null figures, never a guess.
 */
import { energyPerInference } from '../analysis/latency/index.js';
import { latencyAsIs } from '../analysis/latency/target.js';
import { checkSupport, SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/index.js';
import { CATALOG, CORES, type Core, type Mcu } from '../targets/catalog.js';
import type { CostEstimator, CostInput, InferenceCost } from './providers.js';

/** A core name as written in a manifest (`Cortex-M4F`, `cortex-m0+`, `cortex-m33f`) as one the cost model knows. */
export function costCore(name: string | null): Core | null {
  if (name === null) return null;
  const key = name.trim().toLowerCase().replace(/\+$/, 'plus');
  if ((CORES as readonly string[]).includes(key)) return key as Core;
  // Arm's "f" suffix marks an FPU; only the M4 has a separate FPU entry, the larger cores always cost the same.
  const bare = key.replace(/f$/, '');
  return (CORES as readonly string[]).includes(bare) ? (bare as Core) : null;
}

/**
 * An estimator backed by the latency model, looking catalog rows up in `catalog` when a spec does not carry one.
 * Estimates are kept per analysis report (weakly) and per (target, clock, support verdicts): a manifest is checked
 * again on every edit, and a 3,000-layer model's estimate costs ~15 ms of the server's thread each time otherwise.
 */
export function costEstimator(catalog: readonly Mcu[] = CATALOG): CostEstimator {
  const known = new WeakMap<CostInput['report'], Map<string, { support: CostInput['support']; cost: InferenceCost | null }>>();
  return {
    estimate: (input) => {
      let byInput = known.get(input.report);
      if (!byInput) known.set(input.report, (byInput = new Map()));
      const key = JSON.stringify([input.target, input.clockHz]);
      const hit = byInput.get(key);
      if (hit && hit.support === input.support) return hit.cost;
      const cost = estimate(input, catalog);
      byInput.set(key, { support: input.support, cost });
      return cost;
    },
  };
}

function estimate(input: CostInput, catalog: readonly Mcu[]): InferenceCost | null {
  const { model, report, target } = input;
  const core = costCore(target?.core ?? null);
  const clockHz = input.clockHz ?? target?.clockHz ?? null;
  if (core === null || clockHz === null || clockHz <= 0) return null;
  const runtime: Runtime = input.support?.runtime ?? ((SUPPORT_RUNTIMES as readonly string[]).includes(report.runtime) ? report.runtime : 'tflm-cmsis-nn');
  const support = input.support ?? checkSupport(model, runtime, report.detail.failures);
  const mcu = target?.mcu ?? (target?.id ? (catalog.find((m) => m.id === target.id) ?? null) : null);
  const clockMHz = clockHz / 1e6;
  // As the CLI's analyze --target: an uncompiled model on an NPU runtime is costed on the CPU that runs it.
  const { latency, note } = latencyAsIs(model, support, core, clockMHz, mcu ?? null, report.detail.failures);
  const power = mcu?.activePowerMw ?? null;
  const energy = power && latency.ms !== null && latency.lowMs !== null && latency.highMs !== null
    ? energyPerInference(latency.ms, latency.lowMs, latency.highMs, power, clockMHz)
    : null;
  const range = latency.lowMs !== null && latency.highMs !== null ? ` (${fmtMs(latency.lowMs)}–${fmtMs(latency.highMs)})` : '';
  const basis = [
    `Estimated for ${runtime} on ${core} at ${clockMHz} MHz${range}${latency.calibration ? `, ${latency.calibration.label}` : latency.calibrated ? '' : ', partly from priors'}.`,
    ...(note ? [note] : []),
    ...latency.notes,
    ...(energy ? [`Energy at ${energy.powerMw.toFixed(1)} mW measured active power.`, ...energy.notes] : power ? [] : ['No measured active power for this board: energy not estimated.']),
  ].join(' ');
  return {
    seconds: latency.ms === null ? null : latency.ms / 1000,
    joules: energy ? energy.uJ / 1e6 : null,
    basis,
    lowSeconds: latency.lowMs === null ? null : latency.lowMs / 1000,
    highSeconds: latency.highMs === null ? null : latency.highMs / 1000,
    layers: latency.layers.map((l) => ({
      subgraph: l.subgraph, index: l.index, seconds: l.ms === null ? null : l.ms / 1000,
      ...(l.measuredMs != null ? { measuredSeconds: l.measuredMs / 1000 } : {}),
    })),
    ...(latency.calibration ? { calibration: latency.calibration.label } : {}),
  };
}

function fmtMs(ms: number): string {
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toPrecision(2)} ms`;
}
