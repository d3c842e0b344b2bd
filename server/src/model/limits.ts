/**
 * The bounds every analysis runs within, so that no model — however hostile — makes the core hang or exhaust memory.
 * Each limit has a name, a default generous enough for every real model, and the CLI flag that raises it; exceeding
 * one is an `AnalysisLimitError` naming the limit, the value reached and where it was reached. It lives in `model/`
 * because every core layer checks it: the readers (TF.js fills and weights), the analysis and the quantizer.
 */

/** The limits an analysis (memory replay, lifetimes, quantizer, TF.js reader) checks as it goes. */
export interface AnalysisLimits {
  /**
   * Operator visits in one walk of the model's control flow (each operator counts once per time its subgraph is
   * entered): bounds fan-outs, where a subgraph called from many places, nested, makes the walk exponential.
   */
  maxWork: number;
  /** Nesting of control-flow subgraphs (IF / WHILE / CALL_ONCE bodies inside bodies). */
  maxDepth: number;
  /** Bytes the analysis may allocate for tensor data at once (quantizer activations, TF.js weights and fills). */
  maxMemory: number;
  /** The largest tensor arena modelled; a model needing more gets this limit's error, never a wrapped figure. */
  maxArena: number;
}

/** The name of a limit, as the error reports it. */
export type LimitName = keyof AnalysisLimits;

/**
 * Defaults: a 100,000-operator model walks 100,000 visits, so 1,000,000 leaves ten times that (an analysis walks
 * control flow a few times, and a walk at the limit costs about a third of a second here; the fuzzer found a fan-out
 * ladder just under an earlier 5,000,000 taking over a minute on a loaded machine); real control flow nests a few
 * levels; no microcontroller has 1 GiB of RAM. The ceilings keep a raised limit meaningful (a 32-bit target
 * addresses 4 GiB).
 */
export const DEFAULT_LIMITS: Readonly<AnalysisLimits> = {
  maxWork: 1_000_000,
  maxDepth: 64,
  maxMemory: 512 * 1024 * 1024,
  maxArena: 1024 * 1024 * 1024,
};

/** The highest value each limit may be raised to. */
export const LIMIT_CEILINGS: Readonly<AnalysisLimits> = {
  maxWork: 1_000_000_000,
  maxDepth: 10_000,
  maxMemory: 4 * 1024 * 1024 * 1024,
  maxArena: 4 * 1024 * 1024 * 1024 - 16,
};

/** The CLI flag that raises each limit. */
export const LIMIT_FLAGS: Readonly<Record<LimitName, string>> = {
  maxWork: '--max-work',
  maxDepth: '--max-depth',
  maxMemory: '--max-memory',
  maxArena: '--max-arena',
};

const UNITS: Readonly<Record<LimitName, string>> = {
  maxWork: 'operator visits',
  maxDepth: 'nested subgraphs',
  maxMemory: 'bytes',
  maxArena: 'bytes',
};

/** Where in the model a limit was reached: an operator, a tensor or a layer, whichever the analysis was at. */
export interface LimitLocation {
  subgraph?: number;
  node?: number;
  opName?: string;
  tensor?: number;
  /** A layer or tensor name (TF.js layers, quantizer tensors). */
  name?: string;
}

/** An analysis stopped at one of its limits: says which, the value reached, where, and how to raise it. */
export class AnalysisLimitError extends Error {
  override readonly name = 'AnalysisLimitError';
  /** Stable code for callers that switch on it (CLI exit 2, a diagnostic in the editor). */
  readonly code = 'limit-exceeded';
  readonly flag: string;

  /**
   * @param limit the limit exceeded
   * @param value its value in force
   * @param reached what the analysis needed (at least), in the limit's unit
   * @param what the figure in words ("the tensor arena", "tensor data", ...)
   * @param where where it was reached
   */
  constructor(
    readonly limit: LimitName,
    readonly value: number,
    readonly reached: number,
    readonly what: string,
    readonly where: LimitLocation = {},
  ) {
    const flag = LIMIT_FLAGS[limit];
    super(`${describeLocation(where)}${what} exceeds the ${limit} limit: needs ${formatCount(reached)} ${UNITS[limit]}, `
      + `limit ${formatCount(value)} (raise it with ${flag} N)`);
    this.flag = flag;
  }
}

/** "subgraph 1, operator 3 (IF): " and the like; empty when nothing is known. */
function describeLocation(where: LimitLocation): string {
  const parts: string[] = [];
  if (where.subgraph !== undefined) parts.push(`subgraph ${where.subgraph}`);
  if (where.node !== undefined && where.node >= 0) parts.push(`operator ${where.node}${where.opName ? ` (${where.opName})` : ''}`);
  else if (where.opName) parts.push(where.opName);
  if (where.tensor !== undefined) parts.push(`tensor ${where.tensor}`);
  if (where.name !== undefined) parts.push(`'${where.name}'`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}

function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

/** Limits set for the duration of `withLimits`, between the defaults and a caller's explicit choices. */
let scoped: Partial<AnalysisLimits> = {};

/**
 * Runs `fn` with `limits` in force for every analysis it starts that does not pass limits of its own: how the CLI
 * applies its --max-* flags to all commands without threading them through each. Synchronous work only (a promise
 * returned by `fn` sees the limits until it settles only if nothing else runs meanwhile, which holds for the CLI).
 */
export function withLimits<T>(limits: Partial<AnalysisLimits>, fn: () => T): T {
  const previous = scoped;
  scoped = { ...previous, ...resolvePartial(limits) };
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scoped = previous;
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => { scoped = previous; }) as T;
  scoped = previous;
  return result;
}

/** Defaults, then limits set by `withLimits`, then the caller's choices; every value a positive integer within its ceiling. */
export function resolveLimits(limits: Partial<AnalysisLimits> = {}): AnalysisLimits {
  return { ...DEFAULT_LIMITS, ...scoped, ...resolvePartial(limits) };
}

function resolvePartial(limits: Partial<AnalysisLimits>): Partial<AnalysisLimits> {
  const out: Partial<AnalysisLimits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as LimitName[]) {
    const v = limits[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 1 || v > LIMIT_CEILINGS[key]) {
      throw new RangeError(`${LIMIT_FLAGS[key]} needs an integer from 1 to ${LIMIT_CEILINGS[key]}, not ${v}`);
    }
    out[key] = v;
  }
  return out;
}

/**
 * Checks a byte count about to be allocated against `maxMemory` before the allocation happens (a NaN or infinite
 * count, from a product of huge dimensions, is over the budget too).
 */
export function checkAllocation(limits: AnalysisLimits, bytes: number, what: string, where: LimitLocation = {}): void {
  if (!(bytes <= limits.maxMemory)) {
    throw new AnalysisLimitError('maxMemory', limits.maxMemory, Number.isFinite(bytes) ? bytes : Number.MAX_VALUE, what, where);
  }
}
