/**
 * The headline figures of a cost profile as display strings, by stable key. The webview shows exactly these and the
 * export writes them, so the two never disagree; tests assert on the keys. Formatting only: no computation beyond
 * unit scaling.
 */
import type { CostProfileResult } from '../../../server/src/lsp/protocol.js';

type Ok = Extract<CostProfileResult, { kind: 'ok' }>;

/** `12.3 ms`, `1.2 s`, `850 us`; `unknown` for null. */
export function seconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return 'unknown';
  if (s >= 1) return `${sig(s)} s`;
  if (s >= 1e-3) return `${sig(s * 1e3)} ms`;
  return `${sig(s * 1e6)} us`;
}

/** `1.2 mJ`, `35 uJ`. */
export function joules(j: number | null): string {
  if (j === null || !Number.isFinite(j)) return 'unknown';
  if (j >= 1) return `${sig(j)} J`;
  if (j >= 1e-3) return `${sig(j * 1e3)} mJ`;
  return `${sig(j * 1e6)} uJ`;
}

/** Binary sizes as the rest of the product prints them. */
export function bytes(b: number): string {
  if (b < 1024) return `${sig(b)} B`;
  if (b < 1024 ** 2) return `${sig(b / 1024)} KiB`;
  if (b < 1024 ** 3) return `${sig(b / 1024 ** 2)} MiB`;
  return `${sig(b / 1024 ** 3)} GiB`;
}

/** `$1,234.50`, `$0.0012`. */
export function usd(v: number): string {
  if (v === 0) return '$0';
  if (v < 0.01) return `$${Number(v.toPrecision(2))}`;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Days as days or years. */
export function days(d: number | null): string {
  if (d === null || !Number.isFinite(d)) return 'unknown';
  return d >= 365 ? `${sig(d / 365)} years` : `${sig(d)} days`;
}

function sig(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** An assumption's value for people: `150 ms`, `28.7 uJ`, `1 GiB`, `16,000 B`, `1,440 /day`; `unknown` for none. */
export function assumptionText(a: Ok['profile']['assumptions'][number]): string {
  const v = a.value;
  if (v === null) return 'unknown';
  if (typeof v === 'string') return v;
  switch (a.kind) {
    case 'time': return seconds(v);
    case 'energy': return joules(v);
    case 'bytes': return bytes(v);
    case 'integer': return `${v.toLocaleString('en-US')} ${a.unit}`.trim();
    default: return `${sig(v)} ${a.unit}`.trim();
  }
}

/** True when a need exceeds its budget or the board (either limit broken). */
export function overLimit(u: Ok['profile']['tinyml']['ram']): boolean {
  return (u.budgetBytes !== null && u.needBytes > u.budgetBytes) || (u.targetBytes !== null && u.needBytes > u.targetBytes);
}

/** A need against its budget and board: `23.3 KiB of 180 KiB budget (13%), 256 KiB board`. */
function use(u: Ok['profile']['tinyml']['ram']): string {
  const parts = [bytes(u.needBytes)];
  if (u.budgetBytes !== null) parts.push(`of ${bytes(u.budgetBytes)} budget (${Math.round((u.needBytes / u.budgetBytes) * 100)}%)`);
  if (u.targetBytes !== null) parts.push(`${bytes(u.targetBytes)} on the board`);
  return parts.join(', ');
}

const PART_NAME: Readonly<Record<string, string>> = { model: 'model', runtime: 'TFLM', app: 'app', arena: 'arena', margin: 'margin' };

/**
 * The whole firmware on the board (issue 10): `301 KiB of 512 KiB = model 200 KiB (exact) + TFLM 61 KiB (measured)
 * + app 40 KiB (user-given)`, then what is not counted; `no target` without one.
 */
export function wholeSide(r: Ok, side: 'flash' | 'ram'): string {
  const w = r.whole;
  if (!w) return 'unknown';
  const s = w[side];
  const total = s.capacityBytes === null ? `${bytes(s.needBytes)} (no board figure)` : `${bytes(s.needBytes)} of ${bytes(s.capacityBytes)}`;
  const parts = s.parts.map((p) => `${PART_NAME[p.part] ?? p.part} ${bytes(p.bytes)} (${p.basis})`).join(' + ');
  const region = side === 'ram' && w.arenaRegion && w.arenaRegionBytes !== null ? `; arena in ${w.arenaRegion} (${bytes(w.arenaRegionBytes)}${w.arenaExternal ? ', external: slower' : ''})` : '';
  const missing = s.notCounted.length ? `; not counted: ${s.notCounted.join('; ')}` : '';
  return `${total} = ${parts}${region}${missing}`;
}

/** Every displayed figure, by key. */
export function figures(r: Ok): Record<string, string> {
  const p = r.profile;
  const c = p.fleet.crossover;
  return {
    'tinyml.latency': p.tinyml.latencyS === null ? 'unknown' : seconds(p.tinyml.latencyS),
    'cloud.latency': seconds(p.cloud.latencyS),
    'tinyml.energy': joules(p.tinyml.energyJ),
    'cloud.energy': joules(p.cloud.energyJ),
    'tinyml.battery': days(p.tinyml.batteryDays),
    'cloud.battery': days(p.cloud.batteryDays),
    'tinyml.bytesPerDay': bytes(p.tinyml.bytesPerDay),
    'cloud.bytesPerDay': bytes(p.cloud.bytesPerDay),
    'tinyml.monthly': usd(p.fleet.atFleetSize.tinyml),
    'cloud.monthly': usd(p.fleet.atFleetSize.cloud),
    'tinyml.ram': use(p.tinyml.ram),
    'tinyml.flash': use(p.tinyml.flash),
    'tinyml.firmwareFlash': wholeSide(r, 'flash'),
    'tinyml.firmwareRam': wholeSide(r, 'ram'),
    fleetSize: p.fleet.atFleetSize.devices.toLocaleString('en-US'),
    crossover: c === null ? 'the cloud stays cheaper at every fleet size' : c === 0 ? 'TinyML is cheaper at any fleet size' : `TinyML is cheaper from ${c.toLocaleString('en-US')} devices`,
    link: p.link.label,
  };
}
