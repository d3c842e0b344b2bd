/**
 * Strict physical quantities for manifests: a number and one of a fixed set of units. No unit guessing: `180` or
 * `180kb` is an error, because a silent factor of 1000 vs 1024 (or of 1000 between ms and s) is exactly the mistake a
 * budget file must not hide.
 */

/** What a quantity measures; each kind has one base unit (bytes, seconds, joules, hertz). */
export type QuantityKind = 'bytes' | 'time' | 'energy' | 'frequency';

/** Units per kind and their factor to the base unit. KB/MB are decimal, KiB/MiB binary, as the standards say. */
export const UNITS: Readonly<Record<QuantityKind, Readonly<Record<string, number>>>> = {
  bytes: { B: 1, KB: 1000, KiB: 1024, MB: 1_000_000, MiB: 1024 * 1024 },
  time: { us: 1e-6, ms: 1e-3, s: 1 },
  energy: { uJ: 1e-6, mJ: 1e-3, J: 1 },
  frequency: { Hz: 1, kHz: 1e3, MHz: 1e6 },
};

/** A parsed quantity: its value in the base unit, and the unit the author wrote (so edits can keep it). */
export interface Quantity {
  readonly kind: QuantityKind;
  /** Value in the base unit (B, s, J, Hz). */
  readonly value: number;
  /** The unit as written, one of UNITS[kind]. */
  readonly unit: string;
}

/** Why a quantity was rejected; `suggestion` is a unit of the right kind the author probably meant. */
export type QuantityError =
  | { readonly reason: 'missing-unit'; readonly kind: QuantityKind }
  | { readonly reason: 'unknown-unit'; readonly kind: QuantityKind; readonly unit: string; readonly suggestion: string | null }
  | { readonly reason: 'wrong-kind'; readonly kind: QuantityKind; readonly unit: string; readonly unitKind: QuantityKind }
  | { readonly reason: 'not-a-quantity'; readonly kind: QuantityKind }
  | { readonly reason: 'negative'; readonly kind: QuantityKind };

const PATTERN = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµ]*)\s*$/;

/** Parses `180KiB`, `1.5 MiB`, `50ms`, `64MHz` as a quantity of `kind`; never throws. */
export function parseQuantity(text: string, kind: QuantityKind): Quantity | QuantityError {
  const match = PATTERN.exec(text);
  if (!match) return { reason: 'not-a-quantity', kind };
  const number = Number(match[1]);
  const unit = match[2] ?? '';
  if (!Number.isFinite(number)) return { reason: 'not-a-quantity', kind };
  if (number < 0) return { reason: 'negative', kind };
  if (unit === '') return { reason: 'missing-unit', kind };
  const factor = UNITS[kind][unit];
  if (factor !== undefined) return { kind, value: number * factor, unit };
  for (const other of Object.keys(UNITS) as QuantityKind[]) {
    if (other !== kind && UNITS[other][unit] !== undefined) return { reason: 'wrong-kind', kind, unit, unitKind: other };
  }
  return { reason: 'unknown-unit', kind, unit, suggestion: suggestUnit(unit, kind) };
}

/** True when `parseQuantity` failed. */
export function isQuantityError(q: Quantity | QuantityError): q is QuantityError {
  return 'reason' in q;
}

/** `kb` -> `KB`, `kib` -> `KiB`, `µs` -> `us`: the unit differing only in case or spelling of micro. */
function suggestUnit(unit: string, kind: QuantityKind): string | null {
  const folded = unit.replace(/^µ/, 'u').toLowerCase();
  const candidates = Object.keys(UNITS[kind]).filter((u) => u.toLowerCase() === folded);
  // `kb` is ambiguous between KB and KiB only in intent; case folding finds exactly KB, which is what was typed.
  return candidates[0] ?? null;
}

/** Value of `base` (in the base unit) expressed in `unit` of `kind`. */
export function inUnit(base: number, kind: QuantityKind, unit: string): number {
  return base / (UNITS[kind][unit] ?? 1);
}

/**
 * Bytes for people: `900 B`, `17.2 KiB`, `1.25 MiB` (binary prefixes, which is how MCU datasheets size SRAM and
 * flash). One decimal, trimmed when it is .0.
 */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} B`;
  if (Math.abs(bytes) < 1024 * 1024) return `${trim(bytes / 1024, 1)} KiB`;
  return `${trim(bytes / (1024 * 1024), 2)} MiB`;
}

/** Bytes in a given byte unit, e.g. formatIn(184320, 'KiB') = `180 KiB`; used to echo the author's own unit. */
export function formatBytesIn(bytes: number, unit: string): string {
  return `${trim(inUnit(bytes, 'bytes', unit), 1)} ${unit}`;
}

/** Seconds for people: `850 us`, `38.2 ms`, `1.2 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1e-3) return `${trim(seconds * 1e6, 1)} us`;
  if (seconds < 1) return `${trim(seconds * 1e3, 1)} ms`;
  return `${trim(seconds, 2)} s`;
}

/** Joules for people: `12 uJ`, `1.8 mJ`, `2 J`. */
export function formatJoules(joules: number): string {
  if (joules < 1e-3) return `${trim(joules * 1e6, 1)} uJ`;
  if (joules < 1) return `${trim(joules * 1e3, 1)} mJ`;
  return `${trim(joules, 2)} J`;
}

/** Hertz for people: `64 MHz`, `32.8 kHz`. */
export function formatHertz(hz: number): string {
  if (hz >= 1e6) return `${trim(hz / 1e6, 2)} MHz`;
  if (hz >= 1e3) return `${trim(hz / 1e3, 1)} kHz`;
  return `${trim(hz, 0)} Hz`;
}

/**
 * The smallest value with `decimals` decimals in `unit` that is at least `base`: what a budget must be raised to so
 * that it covers a need (rounding down would leave the diagnostic in place).
 */
export function ceilInUnit(base: number, kind: QuantityKind, unit: string, decimals = 1): string {
  const scale = 10 ** decimals;
  const value = Math.ceil(inUnit(base, kind, unit) * scale - 1e-9) / scale;
  return `${trim(value, decimals)}${unit}`;
}

function trim(value: number, decimals: number): string {
  return value.toFixed(decimals).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}
