/**
 * The cloud-vs-TinyML cost profile of one deployment: the same model and workload run on the device or sent to a
 * serverless endpoint, compared on latency, device energy, battery life, bytes leaving the device and money per month
 * for the fleet, with the fleet size where TinyML's one-time cost pays off. Pure: plain figures in, plain data out.
 */
import type { AnalysisReport } from '../report.js';
import { batteryLifeDays } from '../latency/energy.js';
import { linkLabel, resolveAssumptions, type Assumption, type Overrides, type SourcedValue } from './inputs.js';
import { transfer, type LinkParams, type Transfer } from './radio.js';

/** Days in an average month (365.25 / 12): prices are per month, workloads per day. */
export const DAYS_PER_MONTH = 30.4375;

/** A resource against its budget and the board. */
export interface ResourceUse {
  readonly needBytes: number;
  readonly budgetBytes: number | null;
  readonly targetBytes: number | null;
}

/** What the analysis says about one inference on the device; figures may be unknown (no clock, no power data). */
export interface DeviceInference {
  readonly seconds: number | null;
  readonly lowSeconds: number | null;
  readonly highSeconds: number | null;
  readonly joules: number | null;
}

export interface CostProfileInput {
  readonly report: AnalysisReport;
  /** Bytes of the model's input and output tensors: the defaults of `input_bytes` and `output_bytes`. */
  readonly modelInputBytes: number;
  readonly modelOutputBytes: number;
  readonly inference: DeviceInference;
  readonly ram: ResourceUse;
  readonly flash: ResourceUse;
  readonly overrides: Overrides;
}

/** Money per device per month, by item (USD). */
export interface MonthlyCost {
  readonly compute: number;
  readonly requests: number;
  readonly data: number;
  readonly sim: number;
  readonly total: number;
}

/** One side of the comparison. */
export interface SideProfile {
  /** Per inference, seconds; null when unknown. */
  readonly latencyS: number | null;
  readonly latencyParts: Readonly<Record<string, number | null>>;
  /** Device energy per inference, J: compute on the device and the radio's share. */
  readonly computeJ: number | null;
  readonly radioJ: number;
  readonly energyJ: number | null;
  readonly batteryDays: number | null;
  readonly bytesPerInference: number;
  readonly bytesPerDay: number;
  readonly perDeviceMonthly: MonthlyCost;
  /** The one-time cost spread per month (TinyML's engineering), USD. */
  readonly fixedMonthly: number;
  /** What leaves the device. */
  readonly dataLeaving: string;
}

export interface FleetPoint {
  readonly devices: number;
  readonly cloud: number;
  readonly tinyml: number;
}

export interface CostProfile {
  readonly link: { readonly id: string; readonly label: string; readonly known: boolean };
  readonly assumptions: readonly Assumption[];
  readonly tinyml: SideProfile & { readonly ram: ResourceUse; readonly flash: ResourceUse };
  readonly cloud: SideProfile;
  readonly fleet: {
    readonly points: readonly FleetPoint[];
    /** Smallest fleet from which TinyML costs less per month, or null when it never does (or always does: 0). */
    readonly crossover: number | null;
    readonly atFleetSize: FleetPoint;
  };
  /** Per layer, in execution order: the arena bytes live while it runs (the occupancy chart). */
  readonly layers: readonly { readonly index: number; readonly subgraph: number; readonly op: string; readonly arenaLiveBytes: number; readonly peak: boolean }[];
  readonly arena: { readonly minArenaBytes: number; readonly headBytes: number; readonly tailBytes: number };
  readonly notes: readonly string[];
}

function num(a: readonly Assumption[], key: string): number {
  const v = a.find((x) => x.key === key)?.value;
  return typeof v === 'number' ? v : 0;
}

function sum(parts: Omit<MonthlyCost, 'total'>): MonthlyCost {
  return { ...parts, total: parts.compute + parts.requests + parts.data + parts.sim };
}

/** Fleet sizes for the chart: 1, 2, 5, 10, ... up to 1,000,000. */
export function fleetSizes(): number[] {
  const out: number[] = [];
  for (let e = 0; e <= 6; e++) for (const m of [1, 2, 5]) if (m * 10 ** e <= 1e6) out.push(m * 10 ** e);
  return out;
}

/** Computes the profile. Never throws on odd inputs: unknown figures stay null and are explained in `notes`. */
export function costProfile(input: CostProfileInput): CostProfile {
  const derived: Record<string, SourcedValue> = {
    input_bytes: { value: input.modelInputBytes, source: "the model's input tensors (the features the device would otherwise upload)" },
    output_bytes: { value: input.modelOutputBytes, source: "the model's output tensors" },
  };
  const a = resolveAssumptions(input.overrides, derived);
  const linkId = String(a.find((x) => x.key === 'link')?.value ?? 'ble');
  const notes: string[] = [];
  const linkKnown = a.some((x) => x.perLink && !x.fromManifest && x.value !== null);
  if (!linkKnown) notes.push(`No radio data for link '${linkId}': set every per-link value in cloud: or use ble, wifi, lte-m, nb-iot, lorawan.`);
  const maxPayload = a.find((x) => x.key === 'max_payload')?.value;
  const link: LinkParams = {
    uplinkBps: num(a, 'uplink_bps'),
    messageJ: num(a, 'message_energy'),
    messageBytes: num(a, 'message_bytes'),
    txPowerW: num(a, 'tx_power_mw') / 1000,
    connectS: num(a, 'connect_time'),
    maxPayload: typeof maxPayload === 'number' ? maxPayload : null,
  };
  const perDay = num(a, 'inferences_per_day');
  const reportsValue = a.find((x) => x.key === 'reports_per_day')?.value;
  const reportsPerDay = typeof reportsValue === 'number' ? reportsValue : perDay;
  const inBytes = num(a, 'input_bytes');
  const outBytes = num(a, 'output_bytes');
  const perMonth = perDay * DAYS_PER_MONTH;
  const dataPrice = num(a, 'data_price_per_mb');
  const sim = num(a, 'sim_fee_monthly');
  const duty = { inferencesPerHour: perDay / 24, sleepUw: num(a, 'sleep_uw'), batteryMah: num(a, 'battery_mah'), batteryVolts: num(a, 'battery_volts') };
  const battery = (joulesPerInference: number | null): number | null =>
    joulesPerInference === null || duty.batteryMah <= 0 ? null : batteryLifeDays(joulesPerInference * 1e6, duty);

  // Cloud: upload the input, wait a round trip and the server, get the result back over the same link.
  const up: Transfer = transfer(inBytes, link);
  const down = link.uplinkBps > 0 ? (outBytes * 8) / link.uplinkBps : 0;
  const server = num(a, 'server_inference');
  const rtt = num(a, 'rtt');
  const cloudLatency = up.seconds + rtt + server + down;
  const gbSeconds = server * (num(a, 'server_memory') / 2 ** 30);
  const cloudMonthly = sum({
    compute: perMonth * gbSeconds * num(a, 'price_gb_second'),
    requests: (perMonth * num(a, 'price_per_million_requests')) / 1e6,
    data: (perMonth * (inBytes + outBytes) * dataPrice) / 1e6,
    sim,
  });
  const cloud: SideProfile = {
    latencyS: cloudLatency,
    latencyParts: { connect: link.connectS, upload: up.airtimeS, rtt, server, download: down },
    computeJ: 0,
    radioJ: up.joules,
    energyJ: up.joules,
    batteryDays: battery(up.joules),
    bytesPerInference: inBytes + outBytes,
    bytesPerDay: perDay * (inBytes + outBytes),
    perDeviceMonthly: cloudMonthly,
    fixedMonthly: 0,
    dataLeaving: `raw input, ${inBytes} B per inference`,
  };

  // TinyML: infer on the device, send only results (every one unless reports_per_day says fewer).
  const report = transfer(outBytes, link);
  const radioShare = perDay > 0 ? (report.joules * reportsPerDay) / perDay : 0;
  const dev = input.inference;
  const tinyEnergy = dev.joules === null ? null : dev.joules + radioShare;
  if (dev.seconds === null) notes.push('On-device latency unknown: the target has no clock or the model has an operator the latency model cannot cost.');
  if (dev.joules === null) notes.push('On-device energy unknown: the target has no measured active power; TinyML battery life is not estimated.');
  const nre = num(a, 'tinyml_nre');
  const months = num(a, 'amortization_months');
  const tinyMonthly = sum({ compute: 0, requests: 0, data: (reportsPerDay * DAYS_PER_MONTH * outBytes * dataPrice) / 1e6, sim });
  const tinyml = {
    latencyS: dev.seconds,
    latencyParts: { inference: dev.seconds, low: dev.lowSeconds, high: dev.highSeconds },
    computeJ: dev.joules,
    radioJ: radioShare,
    energyJ: tinyEnergy,
    batteryDays: battery(tinyEnergy),
    bytesPerInference: perDay > 0 ? (outBytes * reportsPerDay) / perDay : 0,
    bytesPerDay: reportsPerDay * outBytes,
    perDeviceMonthly: tinyMonthly,
    fixedMonthly: months > 0 ? nre / months : nre,
    dataLeaving: `results only, ${outBytes} B per report`,
    ram: input.ram,
    flash: input.flash,
  };

  const at = (devices: number): FleetPoint => ({
    devices,
    cloud: devices * cloudMonthly.total,
    tinyml: tinyml.fixedMonthly + devices * tinyMonthly.total,
  });
  const slope = cloudMonthly.total - tinyMonthly.total;
  const crossover = slope <= 0 ? null : tinyml.fixedMonthly <= 0 ? 0 : Math.ceil(tinyml.fixedMonthly / slope);
  const sizes = new Set(fleetSizes());
  if (crossover !== null && crossover > 0 && crossover <= 1e6) sizes.add(crossover);
  const fleetSize = num(a, 'fleet_size');
  if (linkId === 'lorawan' && link.maxPayload) {
    // EU868 allows a 1 % transmit duty cycle per device: 864 s of airtime a day.
    const airPerDay = perDay * up.airtimeS;
    if (airPerDay > 864) notes.push(`Cloud over LoRaWAN is not feasible here: ${Math.round(airPerDay)} s of airtime a day exceeds the EU868 1 % duty cycle (864 s).`);
  }
  notes.push('Serverless prices exclude the free tier; device energy excludes sensing and the MCU while the radio sends; battery life ignores self-discharge and shelf life.');
  return {
    link: { id: linkId, label: linkLabel(linkId), known: linkKnown },
    assumptions: a,
    tinyml,
    cloud,
    fleet: { points: [...sizes].sort((x, y) => x - y).map(at), crossover, atFleetSize: at(fleetSize) },
    layers: input.report.layers.map((l) => ({ index: l.index, subgraph: l.subgraph, op: l.op, arenaLiveBytes: l.arenaLiveBytes, peak: l.peak })),
    arena: { minArenaBytes: input.report.memory.minArenaBytes, headBytes: input.report.memory.headBytes, tailBytes: input.report.memory.tailBytes },
    notes,
  };
}
