/**
 * Energy per inference (latency x active power) and battery life for a duty cycle.
 */
import type { ActivePower } from '../../targets/catalog.js';

export interface EnergyEstimate {
  uJ: number;
  lowUj: number;
  highUj: number;
  /** Active power assumed at the requested clock, mW. */
  powerMw: number;
  notes: string[];
}

/**
 * Energy of one inference. Power was measured at `power.atMHz`; at another clock it is scaled linearly (dynamic power
 * is proportional to frequency at a fixed voltage; static power is ignored, so lower clocks are optimistic).
 */
export function energyPerInference(ms: number, lowMs: number, highMs: number, power: ActivePower, clockMHz: number): EnergyEstimate {
  const scale = clockMHz / power.atMHz;
  const notes: string[] = [];
  if (scale !== 1) notes.push(`Active power measured at ${power.atMHz} MHz, scaled linearly to ${clockMHz} MHz.`);
  // mW x ms = uJ.
  return {
    uJ: ms * power.typical * scale,
    lowUj: lowMs * power.low * scale,
    highUj: highMs * power.high * scale,
    powerMw: power.typical * scale,
    notes,
  };
}

export interface DutyCycle {
  /** Inferences per hour. */
  inferencesPerHour: number;
  /** Sleep power between inferences, uW. */
  sleepUw: number;
  /** Battery capacity, mAh, and its nominal voltage. */
  batteryMah: number;
  batteryVolts: number;
}

/** Battery life in days for a duty cycle, given the energy of one inference (uJ). Ignores self-discharge. */
export function batteryLifeDays(energyUj: number, duty: DutyCycle): number {
  const batteryUj = duty.batteryMah * 3.6 * duty.batteryVolts * 1e6; // mAh x 3.6 = C; x V = J
  const perHourUj = duty.inferencesPerHour * energyUj + duty.sleepUw * 3600;
  return batteryUj / perHourUj / 24;
}
