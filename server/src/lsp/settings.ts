/**
 * The extension's settings the server reads through `workspace/configuration` (section `tinymlLens`; the client
 * contributes them in package.json). Values from the client are untrusted: anything unusable falls back to the
 * default rather than failing a check.
 */

/** What the server takes from the `tinymlLens` settings section. */
export interface Settings {
  /** `tinymlLens.defaultRuntime`: the runtime assumed when a manifest names none. */
  readonly defaultRuntime: string;
  /** `tinymlLens.defaultTarget`: the board assumed when a manifest names none (and for listings); null: none. */
  readonly defaultTarget: string | null;
  /** `tinymlLens.safetyMargin`: percent added to the RAM need (arena + reserve), 0 to 100. */
  readonly safetyMargin: number;
}

/** The settings section the server asks for. */
export const SETTINGS_SECTION = 'tinymlLens';

/** What applies before (or without) a client that answers `workspace/configuration`. */
export const DEFAULT_SETTINGS: Settings = { defaultRuntime: 'tflm-cmsis-nn', defaultTarget: null, safetyMargin: 0 };

/** Reads the `tinymlLens` section as the client sent it (an object, or null when unset). */
export function readSettings(raw: unknown): Settings {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const margin = typeof o.safetyMargin === 'number' && Number.isFinite(o.safetyMargin) ? Math.min(100, Math.max(0, o.safetyMargin)) : DEFAULT_SETTINGS.safetyMargin;
  return {
    defaultRuntime: text(o.defaultRuntime) ?? DEFAULT_SETTINGS.defaultRuntime,
    defaultTarget: text(o.defaultTarget),
    safetyMargin: margin,
  };
}

/** True when two settings give the same checks (so a configuration change that changes nothing re-checks nothing). */
export function sameSettings(a: Settings, b: Settings): boolean {
  return a.defaultRuntime === b.defaultRuntime && a.defaultTarget === b.defaultTarget && a.safetyMargin === b.safetyMargin;
}
