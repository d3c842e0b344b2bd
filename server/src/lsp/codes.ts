/**
 * Diagnostic codes: stable identifiers that code actions, tests and users (in settings, CI filters) rely on. Never
 * rename one; add a new code instead. Each is documented in README.md ("Diagnostics").
 */
export const Code = {
  yamlSyntax: 'yaml-syntax',
  unknownKey: 'unknown-key',
  missingKey: 'missing-key',
  wrongType: 'wrong-type',
  badUnit: 'bad-unit',
  modelNotFound: 'model-not-found',
  modelUnreadable: 'model-unreadable',
  modelMalformed: 'model-malformed',
  /** The model is a source model (ONNX, Keras) that the converter refused: a layer or node without a mapping, or unreadable. */
  modelNotConverted: 'model-not-converted',
  /** The model's analysis exceeded a limit (time, memory, a bound of the core) or crashed its worker. */
  analysisLimit: 'analysis-limit',
  unknownRuntime: 'unknown-runtime',
  unknownTarget: 'unknown-target',
  dynamicInputShape: 'dynamic-input-shape',
  inputShapeInvalid: 'input-shape-invalid',
  opUnsupported: 'op-unsupported',
  floatWithoutFpu: 'float-without-fpu',
  ramOverBudget: 'ram-over-budget',
  ramOverTarget: 'ram-over-target',
  flashOverBudget: 'flash-over-budget',
  flashOverTarget: 'flash-over-target',
  /** The arena fits the part's total SRAM but no single region holds it, or not the region `arena_region:` names. */
  arenaRegionTooSmall: 'arena-region-too-small',
  /** `arena_region:` names no region of the target. */
  unknownArenaRegion: 'unknown-arena-region',
  /** The arena is placed in external RAM (information: slower than the latency estimate assumes). */
  arenaExternal: 'arena-external',
  latencyOverBudget: 'latency-over-budget',
  energyOverBudget: 'energy-over-budget',
} as const;

export type DiagnosticCode = (typeof Code)[keyof typeof Code];

/** The `source` of every diagnostic the server publishes. */
export const SOURCE = 'tinyml-lens';

/** `data` of the over-budget diagnostics: what a "raise the budget" action needs without re-running the analysis. */
export interface OverBudgetData {
  readonly kind: 'ram' | 'flash' | 'latency' | 'energy';
  /** The need, in the base unit (bytes, seconds, joules). */
  readonly need: number;
  readonly budget: number;
  /** The unit the author wrote, reused by the fix. */
  readonly unit: string;
}
