/**
 * The extension's settings the server reads through `workspace/configuration` (section `tinymlLens`; the client
 * contributes them in package.json). Values from the client are untrusted: anything unusable falls back to the
 * default rather than failing a check.
 */
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS, LIMIT_CEILINGS, type AnalysisLimits } from '../model/limits.js';

/** What the server takes from the `tinymlLens` settings section. */
export interface Settings {
  /** `tinymlLens.defaultRuntime`: the runtime assumed when a manifest names none. */
  readonly defaultRuntime: string;
  /** `tinymlLens.defaultTarget`: the board assumed when a manifest names none (and for listings); null: none. */
  readonly defaultTarget: string | null;
  /** `tinymlLens.safetyMargin`: percent added to the RAM need (arena + reserve), 0 to 100. */
  readonly safetyMargin: number;
  /** `tinymlLens.analysisTimeoutSeconds`: wall time per model analysis in a worker, 1 to 600; null: the server's default. */
  readonly analysisTimeoutSeconds: number | null;
  /** `tinymlLens.analysisMemoryMb`: heap limit of an analysis worker, 64 to 16384 MB; null: the server's default. */
  readonly analysisMemoryMb: number | null;
  /**
   * `tinymlLens.limits.*`: the core's bounds on one analysis (the CLI's `--max-*` flags; model/limits.ts), each only
   * when set: `maxWork` operator visits, `maxDepth` nested subgraphs, `maxMemoryMb` and `maxArenaMb` in MiB.
   */
  readonly limits: Partial<AnalysisLimits>;
}

/** The settings section the server asks for. */
export const SETTINGS_SECTION = 'tinymlLens';

/** What applies before (or without) a client that answers `workspace/configuration`. */
export const DEFAULT_SETTINGS: Settings = { defaultRuntime: 'tflm-cmsis-nn', defaultTarget: null, safetyMargin: 0, analysisTimeoutSeconds: null, analysisMemoryMb: null, limits: {} };

/** Reads the `tinymlLens` section as the client sent it (an object, or null when unset). */
export function readSettings(raw: unknown): Settings {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const margin = typeof o.safetyMargin === 'number' && Number.isFinite(o.safetyMargin) ? Math.min(100, Math.max(0, o.safetyMargin)) : DEFAULT_SETTINGS.safetyMargin;
  return {
    defaultRuntime: text(o.defaultRuntime) ?? DEFAULT_SETTINGS.defaultRuntime,
    defaultTarget: text(o.defaultTarget),
    safetyMargin: margin,
    analysisTimeoutSeconds: clamped(o.analysisTimeoutSeconds, 1, 600),
    analysisMemoryMb: clamped(o.analysisMemoryMb, 64, 16384),
    limits: readLimits(o.limits),
  };
}

const MIB = 1024 * 1024;

/**
 * The `tinymlLens.limits` object: each bound the user set, clamped between a small floor and the core's ceiling
 * (LIMIT_CEILINGS); anything else is left to the core's default.
 */
function readLimits(raw: unknown): Partial<AnalysisLimits> {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: { -readonly [K in keyof AnalysisLimits]?: number } = {};
  const work = clamped(o.maxWork, 1000, LIMIT_CEILINGS.maxWork);
  const depth = clamped(o.maxDepth, 1, LIMIT_CEILINGS.maxDepth);
  const memory = clamped(o.maxMemoryMb, 1, LIMIT_CEILINGS.maxMemory / MIB);
  const arena = clamped(o.maxArenaMb, 1, Math.floor(LIMIT_CEILINGS.maxArena / MIB));
  if (work !== null && work !== DEFAULT_LIMITS.maxWork) out.maxWork = Math.round(work);
  if (depth !== null && depth !== DEFAULT_LIMITS.maxDepth) out.maxDepth = Math.round(depth);
  if (memory !== null && memory * MIB !== DEFAULT_LIMITS.maxMemory) out.maxMemory = Math.round(memory * MIB);
  if (arena !== null && arena * MIB !== DEFAULT_LIMITS.maxArena) out.maxArena = Math.round(arena * MIB);
  return out;
}

/** The job options a folder's settings give its analyses: the time limit and the core's bounds, each when set. */
export function analysisOptions(settings: Settings): { timeoutSeconds?: number; limits?: Partial<AnalysisLimits> } {
  return {
    ...(settings.analysisTimeoutSeconds !== null ? { timeoutSeconds: settings.analysisTimeoutSeconds } : {}),
    ...(Object.keys(settings.limits).length > 0 ? { limits: settings.limits } : {}),
  };
}

/** True when two sets of limits are the same bounds. */
export function sameLimits(a: Partial<AnalysisLimits>, b: Partial<AnalysisLimits>): boolean {
  return a.maxWork === b.maxWork && a.maxDepth === b.maxDepth && a.maxMemory === b.maxMemory && a.maxArena === b.maxArena;
}

/** A number from the client clamped into [min, max]; null when it is no number. */
function clamped(v: unknown, min: number, max: number): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : null;
}

/** True when two settings give the same checks (so a configuration change that changes nothing re-checks nothing). */
export function sameSettings(a: Settings, b: Settings): boolean {
  return a.defaultRuntime === b.defaultRuntime && a.defaultTarget === b.defaultTarget && a.safetyMargin === b.safetyMargin
    && a.analysisTimeoutSeconds === b.analysisTimeoutSeconds && a.analysisMemoryMb === b.analysisMemoryMb
    && sameLimits(a.limits, b.limits);
}

/** Asks the client for the `tinymlLens` section of each scope URI (`workspace/configuration`), in order. */
export type SettingsPull = (scopeUris: readonly string[]) => Promise<readonly unknown[]>;

interface ScopeEntry {
  /** The URI sent as `scopeUri`: the first document seen in the scope. */
  readonly scopeUri: string;
  settings: Settings;
  readonly read: Promise<Settings>;
}

/**
 * The settings per scope: a workspace folder (VS Code resolves settings per folder, so one read serves every document
 * in it) or, outside every folder, the document itself (an untitled manifest, a file opened alone). Each scope is read
 * once, with the document's URI as `scopeUri`, and again on every configuration change. Without a client that answers
 * `workspace/configuration` (`pull` null) every scope has the defaults, or what the client pushed.
 */
export class ScopedSettings {
  private folders: { uri: string; path: string }[] = [];
  private readonly scopes = new Map<string, ScopeEntry>();
  private pushed: Settings = DEFAULT_SETTINGS;

  constructor(private readonly pull: SettingsPull | null, private readonly log: (message: string) => void) {}

  /** The workspace folders (file: URIs); forgets every scope, since which folder holds a document may change. */
  setFolders(uris: readonly string[]): void {
    this.folders = uris.flatMap((uri) => {
      const path = filePath(uri);
      return path === null ? [] : [{ uri, path }];
    });
    this.scopes.clear();
  }

  /** The scope of a document: the innermost workspace folder holding it, else the document's own URI. */
  scopeOf(uri: string): string {
    const path = filePath(uri);
    if (path === null) return uri;
    let best: { uri: string; path: string } | null = null;
    for (const f of this.folders) {
      const inside = path === f.path || path.startsWith(f.path.endsWith(sep) ? f.path : f.path + sep);
      if (inside && (!best || f.path.length > best.path.length)) best = f;
    }
    return best?.uri ?? uri;
  }

  /** The settings that apply to `uri` once read (they are read on the first call for its scope). */
  ready(uri: string): Promise<Settings> {
    if (!this.pull) return Promise.resolve(this.pushed);
    const key = this.scopeOf(uri);
    const known = this.scopes.get(key);
    if (known) return known.read;
    const entry: ScopeEntry = {
      scopeUri: uri,
      settings: DEFAULT_SETTINGS,
      read: this.fetch([uri]).then((read) => {
        entry.settings = read?.[0] ?? DEFAULT_SETTINGS;
        return entry.settings;
      }),
    };
    this.scopes.set(key, entry);
    return entry.read;
  }

  /** The settings of `uri` as last read (the defaults before `ready` settled). */
  get(uri: string): Settings {
    if (!this.pull) return this.pushed;
    return this.scopes.get(this.scopeOf(uri))?.settings ?? DEFAULT_SETTINGS;
  }

  /**
   * Re-reads every scope read so far (one request for all of them) after a configuration change; `pushed` is the
   * section the client sent with the notification, used when it cannot be asked. Resolves to a predicate: true for a
   * document whose settings changed.
   */
  async refresh(pushed: unknown): Promise<(uri: string) => boolean> {
    if (!this.pull) {
      const before = this.pushed;
      this.pushed = readSettings(pushed);
      const differs = !sameSettings(before, this.pushed);
      return () => differs;
    }
    const entries = [...this.scopes.entries()];
    const fresh = await this.fetch(entries.map(([, e]) => e.scopeUri));
    // A failed read keeps what was read before.
    if (!fresh) return () => false;
    const changed = new Set<string>();
    entries.forEach(([key, old], i) => {
      const settings = fresh[i] ?? DEFAULT_SETTINGS;
      // A scope forgotten meanwhile (folders changed) stays forgotten; one re-read meanwhile keeps the newer read.
      if (this.scopes.get(key) !== old) return;
      if (!sameSettings(old.settings, settings)) changed.add(key);
      this.scopes.set(key, { scopeUri: old.scopeUri, settings, read: Promise.resolve(settings) });
    });
    return (uri) => changed.has(this.scopeOf(uri));
  }

  /** Forgets the scope of a closed document that is in no workspace folder (a folder's scope is kept). */
  forget(uri: string): void {
    if (this.scopeOf(uri) === uri) this.scopes.delete(uri);
  }

  /** The settings of each scope URI; null when the client could not be asked (logged). */
  private async fetch(scopeUris: readonly string[]): Promise<Settings[] | null> {
    if (!this.pull || scopeUris.length === 0) return [];
    try {
      const raw = await this.pull(scopeUris);
      return scopeUris.map((_, i) => readSettings(raw[i]));
    } catch (e) {
      this.log(`tinyml-lens: workspace/configuration failed: ${String(e)}`);
      return null;
    }
  }
}

function filePath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}
