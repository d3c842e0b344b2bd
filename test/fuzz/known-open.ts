/**
 * Finding classes the quick test tolerates FOR NOW, because their fixes land on other branches of issue 14. Each
 * entry names the issue case it belongs to; the quick test prints every entry it hit (and every entry it did not,
 * which is probably fixed) in a loud banner. After merging the fixes, delete the entries: the fuzzer then demands
 * that these cases end in a result or a typed error like every other case.
 */

export type FindingKind = 'untyped' | 'hang' | 'memory' | 'crash';

export interface KnownOpen {
  readonly id: string;
  /** The issue 14 case (or fuzz finding) it belongs to, and the core file at fault. */
  readonly issueCase: string;
  readonly kind: FindingKind;
  /** Matched against the finding class: harness.ts `findingClass` for untyped errors, '<kind>: <input kind> case' otherwise. */
  readonly pattern: RegExp;
  /**
   * For hangs, memory and crashes (which carry no stack): the input must have one of these generator tags. A case
   * with such a tag also runs with the short budget below, so a known hang costs seconds, not the full budget.
   */
  readonly tags?: readonly string[];
}

/** Budget for a case that has a known-open hang's tag: long enough for any real work, short enough to move on. */
export const KNOWN_HANG_BUDGET_MS = 2_000;

/**
 * Every class found so far is fixed (issue 14: bounded control-flow walks, validated signal and detection options,
 * typed verdicts for STRING/VARIANT tensors and offline plans, no silent -1, memory budgets before allocating, a
 * linear duplicate-key check); the regression corpus keeps each one. A new finding goes here only with its issue.
 */
export const KNOWN_OPEN: readonly KnownOpen[] = [];
