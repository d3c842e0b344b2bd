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

export const KNOWN_OPEN: readonly KnownOpen[] = [
  {
    id: 'control-flow-recursion',
    issueCase: 'issue 14 Hangs: IF whose branches are its own subgraph, WHILE/CALL_ONCE cycles, fan-outs, deep nesting (analysis/tflm/lifetimes.ts, interpreter.ts)',
    kind: 'hang',
    pattern: /^hang: tflite case$/,
    tags: ['cf-self', 'cf-cycle', 'cf-fanout', 'cf-deep'],
  },
  {
    id: 'signal-negative-parameters',
    issueCase: 'issue 14 Hangs: negative SignalRfft/Delay/FilterBank/SpectralSubtraction parameters, minimum-arena search doubles forever (analysis/tflm/memory.ts, kernels/signal.ts)',
    kind: 'hang',
    pattern: /^hang: tflite case$/,
    tags: ['signal-negative'],
  },
  {
    id: 'untyped-unsizable-dtype',
    issueCase: 'issue 14 Untyped errors: STRING and VARIANT (and RESOURCE) tensors (analysis/tflm/interpreter.ts "which TFLM cannot size")',
    kind: 'untyped',
    pattern: /^analyze Error at server\/src\/analysis\/tflm\/interpreter\.ts: tensor N has type \w+, which TFLM cannot size/,
  },
  {
    id: 'untyped-offline-allocation-count',
    issueCase: 'issue 14 Untyped errors: an OfflineMemoryAllocation count that does not match the tensors (analysis/tflm/interpreter.ts)',
    kind: 'untyped',
    pattern: /^analyze Error at server\/src\/analysis\/tflm\/interpreter\.ts: OfflineMemoryAllocation /,
  },
  {
    id: 'negative-or-overflowing-sizes',
    issueCase: 'issue 14 Silently wrong / sizes beyond the representable: an arena over 1 GiB reports "tensor arena -1 B"; negative custom options (signal ops, TFLite_Detection_PostProcess max_detections) give a negative tail, arena_used_bytes or live bytes (analysis/tflm/memory.ts, kernels/signal.ts, kernels/detection.ts scratch sizes)',
    kind: 'untyped',
    pattern: /^analyze InvariantViolation at \?: (memory\.\w+|layer N\/N arenaLiveBytes) is N/,
  },
  {
    id: 'quantize-huge-tensor-untyped',
    issueCase: 'issue 14 Untyped errors: huge dims in quantize end in "Invalid typed array length" without a location (quantize/interpreter.ts prepare)',
    kind: 'untyped',
    pattern: /^quantize RangeError at server\/src\/quantize\/interpreter\.ts: Invalid typed array length/,
  },
  {
    id: 'quantize-calibration-memory',
    issueCase: 'issue 14 Memory: a small model makes quantize allocate gigabytes (quantize/samples.ts randomSamples, interpreter tensors)',
    kind: 'memory',
    pattern: /^memory: tflite case$/,
    tags: ['huge-shape', 'quantize-huge'],
  },
  {
    id: 'quantize-calibration-work',
    issueCase: 'issue 14 Memory: the same quantize case, when the machine is too slow for it to reach the RSS limit within its budget (filling the calibration samples)',
    kind: 'hang',
    pattern: /^hang: tflite case$/,
    tags: ['quantize-huge'],
  },
  {
    id: 'tfjs-fill-memory',
    issueCase: 'issue 14 Memory: a small TF.js graph model with a 12-byte shard reaches gigabytes through Fill shapes (model/tfjs/reader.ts readGraph runs the graph on zeros)',
    kind: 'memory',
    pattern: /^memory: tfjs case$/,
    tags: ['tfjs-fill', 'tfjs-limit-shape', 'tfjs-huge-weights'],
  },
  {
    id: 'manifest-quadratic-keys',
    issueCase: 'issue 14: YAML manifests with many unknown keys take quadratic time in the duplicate-key check (manifest/parse.ts; 30,000 keys: 146 s)',
    kind: 'hang',
    pattern: /^hang: manifest case$/,
    tags: ['manifest-unknown-keys'],
  },
];
