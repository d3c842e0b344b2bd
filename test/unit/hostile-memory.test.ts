/**
 * The memory budget (issue 14), checked before allocating: a tiny model whose shapes make the quantizer or the TF.js
 * reader allocate gigabytes ends in an AnalysisLimitError naming the tensor or node and --max-memory; the budget is
 * raised or lowered by the caller. Models are built here (project builder, hand-written model.json).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { AnalysisLimitError, withLimits } from '../../server/src/model/limits.js';
import { readTfjsModel } from '../../server/src/model/tfjs/reader.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { Interpreter, prepareFloatModel, quantizeModel, randomSamples } from '../../server/src/quantize/index.js';
import { cli, cliAsync } from './helpers/cli.js';

/** A float model whose one activation has `elements` elements: a few hundred bytes on disk. */
function wideFloat(elements: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, elements], dtype: 'FLOAT32' });
  g.output(g.op('RELU', { inputs: [x], output: { name: 'wide_relu', shape: [1, elements], dtype: 'FLOAT32' } }));
  return m.finish();
}

function limitError(e: unknown): AnalysisLimitError {
  assert.ok(e instanceof AnalysisLimitError, `expected an AnalysisLimitError, got ${String(e)}`);
  return e;
}

describe('quantizer memory budget', () => {
  it('the float tensors, their int8 simulation and the samples are counted together, not each against the budget', () => {
    // 1M floats in and out: 8 MB of float tensors, 8 MB of samples, each within a 10 MB budget; together with the
    // int8 simulation (as large again) 24 MB, which is refused before calibrating (the fuzzer's 56M-float RESHAPE
    // reached 2.4 GB this way).
    const model = readTflite(wideFloat(1_000_000));
    const e = limitError(withLimits({ maxMemory: 10 * 2 ** 20 }, () => {
      const float = prepareFloatModel(model);
      assert.equal(float.allocated, 8_000_000);
      const samples = randomSamples(float.inputs.map((t) => t.shape), 2, 0, 1);
      try {
        quantizeModel(model, samples, 'int8');
      } catch (error) {
        return error;
      }
      return null;
    }));
    assert.equal(e.limit, 'maxMemory');
    assert.match(e.message, /int8 simulation and the samples/);
  });

  it('a model of a few hundred bytes with a 720M-element activation is refused before allocating, naming the tensor', () => {
    const bytes = wideFloat(720_000_000);
    assert.ok(bytes.length < 1000);
    const model = readTflite(bytes);
    const e = limitError((() => { try { prepareFloatModel(model); } catch (error) { return error; } return null; })());
    assert.equal(e.limit, 'maxMemory');
    assert.equal(e.flag, '--max-memory');
    assert.equal(e.where.name, 'x');
    assert.ok(e.reached >= 720_000_000 * 4);
  });

  it('the budget is the caller\'s: a small budget stops a small model at the layer that crosses it', () => {
    const model = readTflite(wideFloat(1000));
    assert.ok(new Interpreter(model));
    const e = limitError((() => { try { new Interpreter(model, { maxMemory: 6000 }); } catch (error) { return error; } return null; })());
    assert.deepEqual([e.where.node, e.where.opName, e.where.name], [0, 'RELU', 'wide_relu']);
  });

  it('random calibration samples are counted before they are made', () => {
    assert.throws(() => randomSamples([[1, 1000, 1000, 3]], 100_000, 0, 1), (e: unknown) => limitError(e).limit === 'maxMemory');
    assert.equal(randomSamples([[1, 4]], 3, 0, 1).length, 3);
  });

  it('quantize on the CLI exits 2 naming --max-memory, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-hostile-q-'));
    const path = join(dir, 'wide.tflite');
    writeFileSync(path, wideFloat(720_000_000));
    const r = cli('quantize', path, '--out', join(dir, 'out.tflite'), '--random', '1');
    assert.equal(r.code, 2);
    assert.match(r.err, /'x': the quantizer's tensor memory exceeds the maxMemory limit.*--max-memory/);
    assert.doesNotMatch(r.err, /internal error/);
    assert.ok(!existsSync(join(dir, 'out.tflite')));
  });
});

describe('TF.js graph execution budget', () => {
  /** x[1,2] -> Add(Fill(dims, 1)): the Fill's size comes from the 8-byte constant `dims`. */
  function fillModel(dims: number[], dimsIsConstant = true): { json: string; shard: Uint8Array } {
    const shapeOf = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
    const json = JSON.stringify({
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shapeOf([1, 2]) } } },
          dimsIsConstant
            ? { name: 'dims', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: shapeOf([2]) } } } }
            : { name: 'dims', op: 'Shape', input: ['x'], attr: { T: { type: 'DT_FLOAT' }, out_type: { type: 'DT_INT32' } } },
          { name: 'one', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shapeOf([]) } } } },
          { name: 'fill', op: 'Fill', input: ['dims', 'one'], attr: { T: { type: 'DT_FLOAT' }, index_type: { type: 'DT_INT32' } } },
          { name: 'add', op: 'AddV2', input: ['x', 'fill'], attr: { T: { type: 'DT_FLOAT' } } },
        ],
        versions: { producer: 1 },
      },
      weightsManifest: [{
        paths: ['w.bin'],
        weights: [...(dimsIsConstant ? [{ name: 'dims', shape: [2], dtype: 'int32' }] : []), { name: 'one', shape: [], dtype: 'float32' }],
      }],
    });
    const words = dimsIsConstant ? [...new Uint8Array(new Int32Array(dims).buffer)] : [];
    return { json, shard: Uint8Array.from([...words, ...new Uint8Array(new Float32Array([1]).buffer)]) };
  }

  it('a Fill of [60000, 26000] from a 12-byte shard is refused before tfjs allocates it, naming the node', async () => {
    const { json, shard } = fillModel([60_000, 26_000]);
    assert.equal(shard.length, 12);
    const error = await readTfjsModel(json, async () => shard).then(() => null, (e: unknown) => e);
    const e = limitError(error);
    assert.equal(e.limit, 'maxMemory');
    assert.deepEqual([e.where.opName, e.where.name], ['Fill', 'fill']);
  });

  it('analyze of that model.json on the CLI exits 2 naming --max-memory; --max-memory 8GiB is beyond the ceiling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyml-hostile-tfjs-'));
    const { json, shard } = fillModel([60_000, 26_000]);
    writeFileSync(join(dir, 'model.json'), json);
    writeFileSync(join(dir, 'w.bin'), shard);
    const r = await cliAsync('analyze', join(dir, 'model.json'));
    assert.equal(r.code, 2);
    assert.match(r.err, /Fill, 'fill': the memory the TF.js graph allocates when run on zeros exceeds the maxMemory limit.*--max-memory/);
    const ceiling = await cliAsync('analyze', join(dir, 'model.json'), '--max-memory', '8GiB');
    assert.equal(ceiling.code, 2);
    assert.match(ceiling.err, /--max-memory needs a size/);
  });

  it('a small Fill runs, and gives the output shapes', async () => {
    const { json, shard } = fillModel([1, 2]);
    const model = await readTfjsModel(json, async () => shard);
    assert.deepEqual(model.layers.find((l) => l.name === 'add')?.outputShapes, [[1, 2]]);
  });

  it('a Fill sized at run time is not executed: the shapes are unknown, with a note saying why', async () => {
    const { json, shard } = fillModel([], false);
    const model = await readTfjsModel(json, async () => shard);
    assert.ok(model.notes.some((n) => /not run \(Fill node 'fill' takes its size from a value computed at run time\)/.test(n)), model.notes.join('\n'));
  });
});

describe('TF.js weights budget', () => {
  it('quantized weights that decode beyond the budget are refused before tfjs decodes them', async () => {
    const json = JSON.stringify({
      format: 'graph-model',
      modelTopology: { node: [{ name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } }], versions: { producer: 1 } },
      // uint8-quantized: 2,000 stored bytes decode to 8,000 bytes of float32.
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [2000], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }] }],
    });
    const shard = new Uint8Array(2000);
    const e = await readTfjsModel(json, async () => shard, { maxMemory: 9000 }).then(() => null, (x: unknown) => x);
    assert.equal(limitError(e).limit, 'maxMemory');
    assert.ok(e instanceof AnalysisLimitError && e.reached === 2000 + 8000);
    assert.equal((await readTfjsModel(json, async () => shard, { maxMemory: 10_000 })).format, 'graph-model');
  });
});

describe('TF.js layers-model budget', () => {
  /** A Sequential model.json with one Dense layer of `units` x `units` and no weights: tfjs builds it before checking. */
  const denseJson = (units: number): string => JSON.stringify({
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'big', units, batch_input_shape: [null, units], use_bias: false } }] },
      keras_version: 'tfjs-layers 4.0', backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [], weights: [] }],
  });

  it('a layer whose weights exceed the budget is refused before tfjs initialises them, naming the weight', async () => {
    const e = await readTfjsModel(denseJson(100_000), async () => new Uint8Array(0)).then(() => null, (x: unknown) => x);
    const error = limitError(e);
    assert.equal(error.limit, 'maxMemory');
    assert.equal(error.where.name, 'big/kernel');
    assert.equal(error.reached, 4 * 100_000 * 100_000);
  });

  it('within the budget, the same model gets the reader\'s own error (its weights are missing)', async () => {
    const e = await readTfjsModel(denseJson(20), async () => new Uint8Array(0)).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof Error && !(e instanceof AnalysisLimitError) && /weights are not set/.test(e.message), String(e));
  });
});
