/**
 * Every builtin options table the builder writes, read back by the project's reader: proves each field lands on the
 * field id the reader (and so the schema) expects, with enums, bools, floats and vectors encoded right.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/builder.js';
import { OP_OPTION_TABLE, OPTION_TABLES, type OptionTableName } from '../../server/src/model/builder/options.js';
import type { Operator } from '../../server/src/model/ir.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

/** Builds a one-op model and returns the op as read back. */
function roundTrip(opName: string, options: Record<string, unknown> | undefined): Operator {
  const m = new ModelBuilder();
  const g = m.subgraph();
  const x = g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  g.output(g.op(opName, { inputs: [x], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' }, options: options as never }));
  // Room for the subgraph indices of IF / WHILE / CALL_ONCE options, which the reader checks.
  for (let i = 0; i < 16; i++) m.subgraph(`extra_${i}`);
  const op = readTflite(m.finish()).subgraphs[0]?.operators[0];
  assert.ok(op);
  return op;
}

/** A value different from the field's default, distinct per field id so swapped ids are caught. */
function nonDefault(kind: unknown, dflt: number | boolean, id: number): unknown {
  if (kind === 'int' || kind === 'uint') return 2 + id;
  if (kind === 'float') return 0.5 + id;
  if (kind === 'bool') return !dflt;
  if (kind === 'ints') return [id, 7, -1];
  if (kind === 'dtype') return 'INT16';
  const names = kind as readonly string[];
  return names[names.length - 1];
}

const opForTable = new Map<OptionTableName, string>();
for (const [op, table] of Object.entries(OP_OPTION_TABLE)) if (!opForTable.has(table)) opForTable.set(table, op);

describe('builtin options tables', () => {
  it('has an op for every table', () => {
    assert.deepEqual(Object.keys(OPTION_TABLES).filter((t) => !opForTable.has(t as OptionTableName)), []);
  });

  for (const [tableName, table] of Object.entries(OPTION_TABLES)) {
    const opName = opForTable.get(tableName as OptionTableName) ?? '';
    it(`${tableName} (${opName}) round-trips non-default values of every field`, () => {
      const options = Object.fromEntries(table.fields.map((f, id) => [f.name, nonDefault(f.kind, f.dflt, id)]));
      const op = roundTrip(opName, options);
      assert.equal(op.optionsType, tableName);
      assert.deepEqual(op.options, options);
    });
  }

  it('writes a table with fields even without options, so the reader sees its defaults', () => {
    const op = roundTrip('ADD', undefined);
    assert.equal(op.optionsType, 'AddOptions');
    assert.deepEqual(op.options, { fusedActivationFunction: 'NONE', potScaleInt16: true });
  });

  it('writes an empty table only when options are given', () => {
    assert.deepEqual([roundTrip('PAD', undefined).optionsType, roundTrip('PAD', {}).optionsType], [null, 'PadOptions']);
    assert.deepEqual([roundTrip('QUANTIZE', {}).optionsType, roundTrip('DEQUANTIZE', {}).optionsType], ['QuantizeOptions', 'DequantizeOptions']);
  });

  it('writes no options for ops without a table', () => {
    for (const opName of ['LOGISTIC', 'TANH', 'RELU']) {
      const op = roundTrip(opName, undefined);
      assert.deepEqual([op.opName, op.optionsType, op.options], [opName, null, {}]);
    }
  });

  it('writes the KWS-style options exactly', () => {
    const conv = roundTrip('DEPTHWISE_CONV_2D', { padding: 'SAME', strideW: 2, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 'RELU6' });
    assert.deepEqual(conv.options, { padding: 'SAME', strideW: 2, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 'RELU6',
      dilationWFactor: 1, dilationHFactor: 1 });
    const slice = roundTrip('STRIDED_SLICE', { beginMask: 1, shrinkAxisMask: 4 });
    assert.deepEqual(slice.options, { beginMask: 1, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 4, offset: false });
    assert.deepEqual(roundTrip('MEAN', { keepDims: true }).options, { keepDims: true });
    assert.deepEqual(roundTrip('SOFTMAX', { beta: 0.25 }).options, { beta: 0.25 });
  });
});
