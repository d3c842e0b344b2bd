/**
 * Our int8 simulation of quantized LSTM and LOG_SOFTMAX models against what TFLM itself computed for the same bytes
 * (test/measured/int8_rig_outputs.tsv, written by scripts/int8-rig-outputs.ts on the rig: Cortex-M4F, reference and
 * CMSIS-NN kernels). The builder-made models are rebuilt and quantized here; their sha256 proves they are the files the
 * rig ran, and the simulation must give TFLM's bytes to within one step. Real models' rows are checked from the table.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter } from '../../server/src/quantize/index.js';
import { measuredTable, sha256 } from '../measured/table.js';
import { asInt8, harnessInput, rigInt8Models } from './helpers/lstm-models.js';

const COLUMNS = ['model', 'tflite_sha256', 'kernels', 'output', 'tflm_status', 'tflm_hex', 'differ', 'max_steps', 'vs_float_max_abs', 'step'] as const;
const rows = measuredTable('int8_rig_outputs.tsv', COLUMNS).map(({ cells }) => Object.fromEntries(COLUMNS.map((c, k) => [c, cells[k]!])) as Record<(typeof COLUMNS)[number], string>);

describe('int8 LSTM and LOG_SOFTMAX: our simulation against TFLM\'s outputs', () => {
  it('TFLM invoked every model on both kernel sets, within one output step of our simulation', () => {
    assert.ok(rows.length >= 6);
    for (const r of rows) {
      assert.equal(r.tflm_status, 'ok', `${r.model} ${r.kernels}`);
      assert.ok(Number(r.max_steps) <= 1, `${r.model} ${r.kernels}: ${r.max_steps} steps`);
    }
    for (const kernels of ['reference', 'cmsis_nn']) assert.ok(rows.some((r) => r.kernels === kernels && r.model.startsWith('lstm')));
  });

  for (const m of rigInt8Models()) {
    it(`${m.name}: the rebuilt int8 model is the file the rig ran, and our simulation gives TFLM's bytes`, () => {
      const measured = rows.filter((r) => r.model === m.name);
      assert.equal(measured.length, 2, 'one row per kernel set');
      assert.equal(sha256(m.int8), measured[0]!.tflite_sha256, 'the quantizer still writes the measured bytes');
      const model = readTflite(m.int8);
      const g = model.subgraphs[0]!;
      const out = g.tensors[g.outputs[0]!]!;
      const ours = asInt8(new Interpreter(model).run(g.inputs.map((i) => harnessInput(g.tensors[i]!)))[0]!, out);
      for (const r of measured) {
        const tflm = new Int8Array(Buffer.from(r.tflm_hex, 'hex'));
        assert.equal(tflm.length, out.elementCount);
        const steps = Math.max(...Array.from(tflm, (v, i) => Math.abs(v - ours[i]!)));
        assert.ok(steps <= 1, `${r.kernels}: ${steps} steps apart`);
        assert.ok(new Set(tflm).size > 2, 'the output is not constant');
      }
    });
  }
});
