/** The typed deployment manifest, every value with its source span so diagnostics land on the text to change. */
import type { Quantity, QuantityError } from './units.js';

/** Character offsets into the manifest text, end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A value with where its text and its key are. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
  readonly keySpan: Span;
}

/** A board given inline instead of a catalog id. */
export interface InlineBoard {
  readonly sram?: Located<Quantity>;
  readonly flash?: Located<Quantity>;
  readonly core?: Located<string>;
  readonly clock?: Located<Quantity>;
}

/** `target:` either names a catalog entry or describes the board. */
export type TargetRef = { readonly kind: 'id'; readonly id: string } | { readonly kind: 'inline'; readonly board: InlineBoard };

export type BudgetKey = 'ram' | 'flash' | 'latency' | 'energy';
export type ReserveKey = 'ram' | 'flash';

export interface CloudProfile {
  readonly link?: Located<string>;
  readonly inferences_per_day?: Located<number>;
  readonly input_bytes?: Located<number>;
  readonly output_bytes?: Located<number>;
}

/** A key/value pair as written, for hover and completion on any field (known or not). */
export interface FieldOccurrence {
  /** Dotted path, e.g. `budgets.ram`. */
  readonly path: string;
  readonly keySpan: Span;
  /** The value's span; empty at the end of the key when the value is missing. */
  readonly valueSpan: Span;
}

/** One entry of `input_shapes:`: an input by name or position, its dimensions, and where the entry is. */
export interface InputShapeEntry {
  readonly input: string | number;
  readonly shape: readonly number[];
  readonly span: Span;
  readonly keySpan: Span;
}

export interface Manifest {
  readonly model?: Located<string>;
  readonly target?: Located<TargetRef>;
  readonly runtime?: Located<string>;
  readonly clock?: Located<Quantity>;
  readonly inputShapes?: Located<readonly InputShapeEntry[]>;
  /** `arena_region:`, the RAM region the arena is placed in (issue 10). */
  readonly arenaRegion?: Located<string>;
  readonly budgets: Partial<Record<BudgetKey, Located<Quantity>>>;
  readonly reserve: Partial<Record<ReserveKey, Located<Quantity>>>;
  readonly cloud: CloudProfile;
  /** `firmware:` (the application's ELF and its linker map), paths as written. */
  readonly firmware: { readonly elf?: Located<string>; readonly map?: Located<string> };
  readonly fields: readonly FieldOccurrence[];
}

/** What is wrong with the manifest text itself (model- and target-dependent checks happen later, in the server). */
export type ManifestProblem =
  | { readonly code: 'syntax'; readonly span: Span; readonly detail: string }
  | { readonly code: 'unknown-key'; readonly span: Span; readonly path: string; readonly key: string; readonly suggestions: readonly string[] }
  | { readonly code: 'bad-unit'; readonly span: Span; readonly path: string; readonly text: string; readonly error: QuantityError }
  | { readonly code: 'wrong-type'; readonly span: Span; readonly path: string; readonly expected: ExpectedType; readonly got: string }
  | { readonly code: 'missing-key'; readonly span: Span; readonly path: string };

/** The type names used in `wrong-type` problems. */
export type ExpectedType = 'mapping' | 'string' | 'integer' | 'number' | 'quantity' | 'target' | 'shape';

/** A parsed manifest and its problems; parsing never throws, so `manifest` always exists (possibly empty). */
export interface ParseResult {
  readonly manifest: Manifest;
  readonly problems: readonly ManifestProblem[];
}
