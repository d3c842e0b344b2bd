/**
 * Every fuzz finding (and every case of issue 14 the core must bound), minimised to a small case and kept as a
 * generator call built from the fuzzer's own pieces; the quick test runs them all. Tags mark the hostile feature,
 * as the generators do, so KNOWN_OPEN can tolerate the open ones and give known hangs the short budget.
 */
import { builder as flexbuffer } from 'flatbuffers/js/flexbuffers.js';
import type { DType } from '../../server/src/model/ir.js';
import type { FuzzInput } from './harness.js';
import { genManifest } from './gen/manifest.js';
import { int32Bytes, Parts, type SubgraphParts } from './gen/parts.js';
import { Rng } from './gen/rng.js';

export interface Regression {
  readonly name: string;
  /** The issue case (issue 14's list) or fuzz finding it pins. */
  readonly issueCase: string;
  readonly make: () => FuzzInput;
}

/** A model of `subgraphs` subgraphs, each with a float [1, 4] input and output, filled in by `body`. */
function model(subgraphs: number, tags: readonly string[], body: (p: Parts, g: SubgraphParts, x: number, i: number) => number, float = true): FuzzInput {
  const p = new Parts(new Rng(1), 0);
  for (let i = 0; i < subgraphs; i++) p.subgraph(i === 0 ? 'main' : `sg${i}`);
  p.subgraphs.forEach((g, i) => {
    const x = p.tensor(g, { name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
    g.inputs.push(x);
    g.outputs.push(body(p, g, x, i));
  });
  return { kind: 'tflite', bytes: p.finish(), float, tags };
}

const out = (p: Parts, g: SubgraphParts, name = 'y', dtype: DType = 'FLOAT32', shape = [1, 4]): number => p.tensor(g, { name, shape, dtype });

/** CALL_ONCE of each subgraph in `targets`, then a RELU so the subgraph has an output. */
function calls(p: Parts, g: SubgraphParts, x: number, targets: readonly number[]): number {
  for (const t of targets) p.op(g, { builtin: 'CALL_ONCE', inputs: [], outputs: [], options: { initSubgraphIndex: t } });
  const y = out(p, g);
  p.op(g, { builtin: 'RELU', inputs: [x], outputs: [y] });
  return y;
}

/** A FlexBuffers map of integers, keys sorted as the format requires. */
function flexIntMap(options: Readonly<Record<string, number>>): Uint8Array {
  const b = flexbuffer();
  b.startMap();
  for (const key of Object.keys(options).sort()) {
    b.addKey(key);
    b.addInt(options[key]!);
  }
  b.end();
  return b.finish();
}

/** One signal-library op on an int16 [1, 64] input with the given custom options. */
function signalOp(name: string, options: Record<string, number>, extraInputs: readonly DType[] = [], outputs: readonly DType[] = ['INT16']): FuzzInput {
  const p = new Parts(new Rng(1), 0);
  const g = p.subgraph('main');
  const x = p.tensor(g, { name: 'x', shape: [1, 64], dtype: extraInputs.length ? 'UINT32' : 'INT16' });
  g.inputs.push(x);
  const extra = extraInputs.map((t, i) => p.tensor(g, { name: `in${i}`, shape: [33], dtype: t }, new Uint8Array(66)));
  const ys = outputs.map((t, i) => out(p, g, `y${i}`, t, [1, 64]));
  p.op(g, { custom: name, inputs: [x, ...extra], outputs: ys, customOptions: flexIntMap(options) });
  g.outputs.push(ys[0]!);
  return { kind: 'tflite', bytes: p.finish(), float: false, tags: ['signal-negative'] };
}

export const REGRESSIONS: readonly Regression[] = [
  {
    name: 'if-branches-are-its-own-subgraph',
    issueCase: 'Hangs: an IF whose branches are its own subgraph (lifetimes.ts recursion)',
    make: () => model(1, ['cf-self', 'cf-cycle'], (p, g, x) => {
      const cond = p.tensor(g, { name: 'cond', shape: [1], dtype: 'BOOL' }, new Uint8Array([1]));
      const y = out(p, g);
      p.op(g, { builtin: 'IF', inputs: [cond, x], outputs: [y], options: { thenSubgraphIndex: 0, elseSubgraphIndex: 0 } });
      return y;
    }),
  },
  {
    name: 'while-bodies-call-each-other',
    issueCase: 'Hangs: WHILE/CALL_ONCE cycles',
    make: () => model(3, ['cf-cycle'], (p, g, x, i) => {
      if (i > 0) return calls(p, g, x, [3 - i]);
      const y = out(p, g);
      p.op(g, { builtin: 'WHILE', inputs: [x], outputs: [y], options: { condSubgraphIndex: 1, bodySubgraphIndex: 2 } });
      return y;
    }),
  },
  {
    name: 'call-once-fan-out-ladder',
    issueCase: 'Hangs: CALL_ONCE fan-outs (2^23 subgraph visits from 24 subgraphs, no cycle)',
    make: () => model(24, ['cf-fanout'], (p, g, x, i) => calls(p, g, x, i < 23 ? [i + 1, i + 1] : [])),
  },
  {
    // Found by the long run (seed 2026, case 40824): three calls per level over 14 levels, 3^13 x 3 = 4.8M visits,
    // just under the first work limit (5M), took over a minute on a loaded machine; the limit is now 1M.
    name: 'call-once-fan-out-just-under-the-old-work-limit',
    issueCase: 'Hangs: CALL_ONCE fan-outs whose walk stays just under the work limit, repeated by every analysis step',
    make: () => model(15, ['cf-fanout'], (p, g, x, i) => calls(p, g, x, i < 13 ? [i + 1, i + 1, i + 1] : [])),
  },
  {
    name: 'call-once-chain-2000-deep',
    issueCase: 'Hangs: deep nesting of control flow (recursion depth)',
    make: () => model(2000, ['cf-deep'], (p, g, x, i) => calls(p, g, x, i < 1999 ? [i + 1] : [])),
  },
  {
    name: 'signal-rfft-negative-fft-length',
    issueCase: 'Hangs: negative SignalRfft parameters make the tail negative (minimum-arena search)',
    make: () => signalOp('SignalRfft', { T: 7, fft_length: -64 }, [], ['INT32']),
  },
  {
    name: 'signal-delay-negative-length',
    issueCase: 'Hangs: negative SignalDelay parameters',
    make: () => signalOp('SignalDelay', { delay_length: -100000 }),
  },
  {
    name: 'signal-filter-bank-negative-channels',
    issueCase: 'Hangs: negative SignalFilterBank parameters',
    make: () => signalOp('SignalFilterBank', { num_channels: -1000 }, ['INT16', 'INT16', 'INT16', 'INT16', 'INT16'], ['UINT64']),
  },
  {
    name: 'signal-spectral-subtraction-negative-channels',
    issueCase: 'Hangs: negative SignalFilterBankSpectralSubtraction parameters',
    make: () => signalOp('SignalFilterBankSpectralSubtraction', { num_channels: -1000 }, [], ['UINT32', 'UINT32']),
  },
  {
    name: 'variant-tensor',
    issueCase: 'Untyped errors: VARIANT tensors (analysis/tflm/interpreter.ts "TFLM cannot size")',
    make: () => model(1, ['odd-dtype'], (p, g, x) => {
      const v = p.tensor(g, { name: 'v', shape: [1, 4], dtype: 'VARIANT' });
      const y = out(p, g);
      p.op(g, { builtin: 'ADD', inputs: [x, v], outputs: [y] });
      return y;
    }),
  },
  {
    name: 'string-tensor',
    issueCase: 'Untyped errors: STRING tensors',
    make: () => model(1, ['odd-dtype'], (p, g, x) => {
      const s = out(p, g, 's', 'STRING');
      p.op(g, { builtin: 'RELU', inputs: [x], outputs: [s] });
      return s;
    }),
  },
  {
    name: 'offline-allocation-count-mismatch',
    issueCase: 'Untyped errors: an OfflineMemoryAllocation count that does not match the tensors',
    make: () => {
      const input = model(1, ['offline-count'], (p, g, x) => {
        const y = out(p, g);
        p.op(g, { builtin: 'RELU', inputs: [x], outputs: [y] });
        // Two tensors, one offset listed.
        p.metadata.push({ name: 'OfflineMemoryAllocation', data: int32Bytes([1, 1, 1, 0]) });
        return y;
      });
      return input;
    },
  },
  {
    name: 'arena-over-1-gib',
    issueCase: 'Silently wrong: an arena over 1 GiB reports "tensor arena -1 B" (and compile writes kArenaSize = 0)',
    make: () => model(1, ['huge-shape'], (p, g, x) => {
      const big = out(p, g, 'big', 'FLOAT32', [1, 300_000_000]);
      const y = out(p, g);
      p.op(g, { builtin: 'RELU', inputs: [x], outputs: [big] });
      p.op(g, { builtin: 'RELU', inputs: [big], outputs: [y] });
      return y;
    }, false),
  },
  {
    name: 'detection-postprocess-negative-max-detections',
    issueCase: 'Sizes: negative custom options give negative scratch buffers and "live bytes" of -240 GB (fuzz: seed 14 case 15419, long run; kernels/detection.ts)',
    make: () => {
      const p = new Parts(new Rng(1), 0);
      const g = p.subgraph('main');
      const boxes = p.tensor(g, { name: 'boxes', shape: [1, 7, 4], dtype: 'FLOAT32' });
      const classes = p.tensor(g, { name: 'classes', shape: [1, 7, 4], dtype: 'FLOAT32' });
      g.inputs.push(boxes, classes);
      const anchors = p.constant(g, { name: 'anchors', shape: [7, 4], dtype: 'FLOAT32' }, () => 0.5);
      const outs = [[1, 10, 4], [1, 10], [1, 10], [1]].map((shape, i) => out(p, g, `out${i}`, 'FLOAT32', shape));
      const customOptions = flexIntMap({ max_classes_per_detection: 1, max_detections: -(2 ** 31), num_classes: 3 });
      p.op(g, { custom: 'TFLite_Detection_PostProcess', inputs: [boxes, classes, anchors], outputs: outs, customOptions });
      g.outputs.push(...outs);
      return { kind: 'tflite', bytes: p.finish(), float: false, tags: ['custom-negative'] };
    },
  },
  {
    name: 'quantize-huge-conv-input',
    issueCase: 'Memory: a few hundred bytes of model make quantize allocate gigabytes (calibration tensors)',
    make: () => {
      const p = new Parts(new Rng(1), 0);
      const g = p.subgraph('main');
      const x = p.tensor(g, { name: 'x', shape: [1, 20000, 20000, 1], dtype: 'FLOAT32' });
      g.inputs.push(x);
      const w = p.constant(g, { name: 'w', shape: [1, 1, 1, 1], dtype: 'FLOAT32' }, () => 1);
      const y = out(p, g, 'y', 'FLOAT32', [1, 20000, 20000, 1]);
      p.op(g, { builtin: 'CONV_2D', inputs: [x, w, -1], outputs: [y], options: { padding: 'VALID', strideH: 1, strideW: 1 } });
      g.outputs.push(y);
      return { kind: 'tflite', bytes: p.finish(), float: true, tags: ['huge-shape', 'quantize-huge'] };
    },
  },
  {
    name: 'quantize-activation-over-4g-elements',
    issueCase: 'Untyped errors: huge dims in quantize end in "Invalid typed array length" (fuzz: seed 14 case 2098, long run)',
    make: () => model(1, ['huge-shape'], (p, g, x) => {
      const big = out(p, g, 'big', 'FLOAT32', [1, 100_000, 100_000]);
      const y = out(p, g);
      p.op(g, { builtin: 'RELU', inputs: [x], outputs: [big] });
      p.op(g, { builtin: 'MEAN', inputs: [big, p.ints(g, 'axes', [1])], outputs: [y], options: { keepDims: false } });
      return y;
    }),
  },
  {
    name: 'tfjs-fill-of-a-huge-shape',
    issueCase: 'Memory: a 1.5 KB TF.js graph model with a 12-byte shard reaches gigabytes (Fill shapes)',
    make: () => {
      const dims = (shape: number[]): { dim: { size: string }[] } => ({ dim: shape.map((d) => ({ size: String(d) })) });
      const konst = (name: string, dtype: string, shape: number[]): unknown => ({ name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: dims(shape) } } } });
      const json = JSON.stringify({
        format: 'graph-model',
        modelTopology: {
          node: [
            { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 4]) } } },
            konst('dims', 'DT_INT32', [2]), konst('value', 'DT_FLOAT', []),
            { name: 'fill', op: 'Fill', input: ['dims', 'value'], attr: { T: { type: 'DT_FLOAT' }, index_type: { type: 'DT_INT32' } } },
          ],
          versions: { producer: 1 },
        },
        weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'dims', shape: [2], dtype: 'int32' }, { name: 'value', shape: [], dtype: 'float32' }] }],
      });
      return { kind: 'tfjs', json, shards: new Map([['w.bin', int32Bytes([30_000, 30_000, 0])]]), tags: ['tfjs-fill'] };
    },
  },
  {
    name: 'tfjs-shard-path-outside-the-folder',
    issueCase: 'Files: TF.js shard paths reach any file (the reader must see only what the adapter gives it)',
    make: () => {
      const json = JSON.stringify({
        format: 'graph-model',
        modelTopology: { node: [{ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '4' }] } } } }], versions: { producer: 1 } },
        weightsManifest: [{ paths: ['../../../../dev/zero'], weights: [{ name: 'w', shape: [4], dtype: 'float32' }] }],
      });
      return { kind: 'tfjs', json, shards: new Map(), tags: ['tfjs-shard'] };
    },
  },
  {
    name: 'shape-signature-rank-differs',
    issueCase: 'Fuzz seed 10111 case 85111: a shape_signature whose rank is not the shape\'s reached the quantizer\'s builder as an untyped Error',
    make: () => model(1, ['mutated'], (p, g, x) => {
      const y = p.tensor(g, { name: 'y', shape: [1, 4], dtype: 'FLOAT32', shapeSignature: [-1, 1, 1, 4] });
      p.op(g, { builtin: 'RELU', inputs: [x], outputs: [y] });
      return y;
    }),
  },
  {
    name: 'manifest-many-unknown-keys',
    issueCase: 'YAML manifests with many unknown keys (quadratic duplicate-key check): 30,000 keys, 146 s today',
    make: () => ({ kind: 'manifest', text: ['model: m.tflite', ...Array.from({ length: 30_000 }, (_, i) => `unknown_${i}: ${i}`)].join('\n'), tags: ['manifest-unknown-keys'] }),
  },
  {
    name: 'manifest-alias-ladder',
    issueCase: 'Manifests: anchors and aliases (billion laughs) stop at the yaml package\'s alias limit',
    make: () => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
      return { kind: 'manifest', text: [...lines, 'budgets: {ram: *a9}', 'model: m.tflite'].join('\n'), tags: ['manifest-aliases'] };
    },
  },
  {
    name: 'manifest-generated-hostile',
    issueCase: 'Manifests: a generated hostile manifest (every feature on)',
    make: () => ({ kind: 'manifest', ...genManifest(new Rng(14), { hostility: 1, maxUnknownKeys: 200 }) }),
  },
];
