import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { checkSupport } from '../../server/src/analysis/support/index.js';
import { EVAL_TYPE_RULES } from '../../server/src/analysis/tflm/eval-types.js';
import type { KernelSet } from '../../server/src/analysis/tflm/kernels/types.js';
import type { DType } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { oneOpModel } from './helpers/one-op-models.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';

/**
 * Type checks TFLM makes only in Eval (server/src/analysis/tflm/eval-types.ts), pinned to what TFLM did under QEMU.
 * Each one-op model (helpers/one-op-models.ts) was built against TFLM 90b983c2b3f1 for mps2-an386 (Cortex-M4F), once
 * with the reference kernels and once with CMSIS-NN. AllocateTensors returned kTfLiteOk, then Invoke was called.
 * `fails` lists the activation types whose first Invoke returned kTfLiteError. TFLM printed the kernel's own
 * message, e.g. "Type INT8 (9) not supported." (NEG), "Output type UINT8 (3) not supported." (CAST), "Only float32,
 * uint8_t and int8_t are supported currently, got UINT8." (ARG_MAX), then "Node NEG (number 0) failed to invoke with
 * status 1". `runs` lists the types whose Invoke returned kTfLiteOk. Types in neither list fail AllocateTensors already.
 * The generated code of NEG int8, CAST float32 -> uint8, ADD int64 (reference) and FULLY_CONNECTED uint8 (reference)
 * failed the same way when built with `tinyml-lens compile`.
 */
type Outcome = { fails: string; runs: string };
const VERIFIED: readonly (readonly [string, Outcome, Outcome])[] = [
  ['ABS', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['ADD', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: '', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['ARG_MAX', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['ARG_MIN', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['BATCH_TO_SPACE_ND', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['CAST_TO_BOOL', { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8 BOOL', runs: '' }, { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8 BOOL', runs: '' }],
  ['CAST_TO_FLOAT32', { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }, { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }],
  ['CAST_TO_INT16', { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }, { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }],
  ['CAST_TO_INT32', { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }, { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }],
  ['CAST_TO_INT64', { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8 BOOL', runs: '' }, { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8 BOOL', runs: '' }],
  ['CAST_TO_INT8', { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }, { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }],
  ['CAST_TO_UINT8', { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8 BOOL', runs: '' }, { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8 BOOL', runs: '' }],
  ['COS', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['DEPTHWISE_CONV_2D', { fails: 'UINT8', runs: 'FLOAT32 INT8 INT16' }, { fails: '', runs: 'FLOAT32 INT8 INT16' }],
  ['DIV', { fails: 'INT16 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32' }, { fails: 'INT16 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32' }],
  ['DYNAMIC_UPDATE_SLICE', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['ELU', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['EQUAL', { fails: 'INT16 UINT8', runs: 'FLOAT32 INT8 INT32 INT64 BOOL' }, { fails: 'INT16 UINT8', runs: 'FLOAT32 INT8 INT32 INT64 BOOL' }],
  ['EXPAND_DIMS', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['FILL', { fails: 'INT16 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32' }, { fails: 'INT16 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32' }],
  ['FLOOR', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['FLOOR_DIV', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['FLOOR_MOD', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['FULLY_CONNECTED', { fails: 'UINT8', runs: 'FLOAT32 INT8 INT16' }, { fails: '', runs: 'FLOAT32 INT8 INT16' }],
  ['GREATER', { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }, { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }],
  ['GREATER_EQUAL', { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }, { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }],
  ['HARD_SWISH', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['LEAKY_RELU', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['LESS', { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }, { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }],
  ['LESS_EQUAL', { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }, { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }],
  ['LOG', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['LOGICAL_NOT', { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8', runs: 'BOOL' }, { fails: 'FLOAT32 INT8 INT16 INT32 INT64 UINT8', runs: 'BOOL' }],
  ['LOGISTIC', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['LOG_SOFTMAX', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['MAXIMUM', { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }, { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }],
  ['MEAN', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['MINIMUM', { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }, { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }],
  ['MIRROR_PAD', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['MUL', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['NEG', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['NOT_EQUAL', { fails: 'INT16 UINT8', runs: 'FLOAT32 INT8 INT32 INT64 BOOL' }, { fails: 'INT16 UINT8', runs: 'FLOAT32 INT8 INT32 INT64 BOOL' }],
  ['PACK', { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }, { fails: 'UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32 INT64' }],
  ['PAD', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['PADV2', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['PRELU', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['QUANTIZE_FROM_FLOAT', { fails: 'INT32 UINT8', runs: 'INT8 INT16' }, { fails: 'INT32 UINT8', runs: 'INT8 INT16' }],
  ['QUANTIZE_SAME', { fails: 'INT32 UINT8', runs: 'INT8 INT16' }, { fails: 'INT32 UINT8', runs: 'INT8 INT16' }],
  ['REDUCE_MAX', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['REDUCE_MIN', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['RELU', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['RELU6', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['RESIZE_BILINEAR', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['RESIZE_NEAREST_NEIGHBOR', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['RSQRT', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['SELECT_V2', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['SIN', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['SLICE', { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }, { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }],
  ['SPACE_TO_BATCH_ND', { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['SPLIT', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['SPLIT_V', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['SQRT', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['SQUARE', { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }, { fails: 'INT8 INT16 INT32 INT64 UINT8 BOOL', runs: 'FLOAT32' }],
  ['SQUARED_DIFFERENCE', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['STRIDED_SLICE', { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }, { fails: 'INT64 UINT8', runs: 'FLOAT32 INT8 INT16 INT32 BOOL' }],
  ['SUB', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['SUM', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['TANH', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8' }],
  ['TRANSPOSE', { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }, { fails: 'INT32 INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16' }],
  ['UNPACK', { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }, { fails: 'INT64 UINT8 BOOL', runs: 'FLOAT32 INT8 INT16 INT32' }],
  ['ZEROS_LIKE', { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }, { fails: 'INT16 UINT8 BOOL', runs: 'FLOAT32 INT8 INT32 INT64' }],
];

const types = (list: string): DType[] => (list ? list.split(' ') as DType[] : []);
/** The op a case builds: CAST_TO_<type> builds CAST, QUANTIZE_* builds QUANTIZE. */
const opOf = (name: string): string => name.replace(/^CAST_TO_\w+$/, 'CAST').replace(/^QUANTIZE_\w+$/, 'QUANTIZE');

for (const [name, ...outcomes] of VERIFIED) {
  for (const [kernels, outcome] of [['tflm-reference', outcomes[0]], ['tflm-cmsis-nn', outcomes[1]]] as [KernelSet, Outcome][]) {
    test(`${name} on ${kernels}: the types whose Eval failed under QEMU are reported at Invoke, the others not`, () => {
      const op = opOf(name);
      for (const t of types(outcome.fails)) {
        const model = readTflite(oneOpModel(name, t));
        const report = analyzeModel(model, kernels);
        assert.equal(report.status, 'ok', `${name} ${t}: AllocateTensors succeeds`);
        assert.equal(report.unsupportedOps.length, 1, `${name} ${t}: ${JSON.stringify(report.unsupportedOps)}`);
        const u = report.unsupportedOps[0]!;
        assert.equal(u.stage, 'invoke');
        assert.equal(u.op, op);
        assert.match(u.reason, new RegExp(`^fails at Invoke: TFLM's ${op} prepares .*AllocateTensors succeeds.*first inference returns an error`));
        assert.match(u.reason, /no \w+ case|no case for a \w+ output/);
        const layer = checkSupport(model, kernels, report.detail.failures).layers[0];
        assert.equal(layer?.verdict, 'unsupported-dtype');
        assert.equal(layer?.reason, u.reason);
      }
      for (const t of types(outcome.runs)) {
        const report = analyzeModel(readTflite(oneOpModel(name, t)), kernels);
        assert.equal(report.status, 'ok', `${name} ${t}`);
        assert.deepEqual(report.unsupportedOps, [], `${name} ${t} ran under QEMU`);
      }
    });
  }
}

test('the reason names the type, the tensor and what TFLM runs', () => {
  const neg = analyzeModel(readTflite(oneOpModel('NEG', 'INT8')), 'tflm-cmsis-nn').unsupportedOps[0];
  assert.equal(neg?.reason, "fails at Invoke: TFLM's NEG prepares a INT8 input 0, so AllocateTensors succeeds, but its Eval (kernels/neg.cc Eval) has no INT8 case and the first inference returns an error; it runs FLOAT32");
  const cast = analyzeModel(readTflite(oneOpModel('CAST_TO_UINT8', 'FLOAT32')), 'tflm-reference').unsupportedOps[0];
  assert.match(cast?.reason ?? '', /CAST .* no case for a UINT8 output .*from FLOAT32 it writes FLOAT32 \/ INT8 \/ INT16 \/ INT32 \/ UINT32$/);
});

test('FULLY_CONNECTED with uint8 fails at Invoke on the reference kernels and already in AllocateTensors on CMSIS-NN', () => {
  const model = readTflite(oneOpModel('FULLY_CONNECTED', 'UINT8'));
  assert.deepEqual(analyzeModel(model, 'tflm-reference').unsupportedOps.map((u) => u.stage), ['invoke']);
  const cmsis = analyzeModel(model, 'tflm-cmsis-nn');
  assert.equal(cmsis.status, 'unsupported');
  assert.deepEqual(cmsis.unsupportedOps.map((u) => u.stage), ['allocate']);
});

test('every op of the Eval type table was verified under QEMU', () => {
  const verified = new Set(VERIFIED.map(([name]) => opOf(name)));
  assert.deepEqual(EVAL_TYPE_RULES.map((r) => r.op).filter((op) => !verified.has(op)), []);
});

test('CAST to and from UINT32 runs (kernels/cast.cc has both cases; the audio front end casts UINT32 <-> INT32), INT64 and UINT8 inputs do not', () => {
  // Built here rather than in the one-op helper: that helper's cases are exactly the rows measured under QEMU.
  const cast = (from: DType, to: DType): Uint8Array => {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    g.output(g.op('CAST', { inputs: [g.input({ name: 'x', shape: [2, 3], dtype: from })], output: { name: 'y', shape: [2, 3], dtype: to } }));
    return m.finish();
  };
  for (const kernels of ['tflm-reference', 'tflm-cmsis-nn'] as const) {
    assert.deepEqual(analyzeModel(readTflite(cast('UINT32', 'INT32')), kernels).unsupportedOps, [], `UINT32 -> INT32 on ${kernels}`);
    assert.deepEqual(analyzeModel(readTflite(cast('INT32', 'UINT32')), kernels).unsupportedOps, [], `INT32 -> UINT32 on ${kernels}`);
    assert.deepEqual(analyzeModel(readTflite(cast('INT64', 'UINT32')), kernels).unsupportedOps.map((u) => u.stage), ['invoke']);
  }
});
