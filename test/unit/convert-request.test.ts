/**
 * The `tinymlLens/convert` handler (lsp/convert-request.ts) with the worker's job run in this thread (the job runner
 * is the only seam): the bytes it answers are the bytes `tinyml-lens convert` writes, float and int8, for ONNX and a
 * TF.js layers model with its shards; an unmapped node is a located error; a cancelled request releases its job and
 * answers cancelled. The real worker and the LSP wiring are tested in test/protocol/convert.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { tfliteName, type ConvertResult } from '../../server/src/lsp/convert-protocol.ts';
import { convertRequest, type ConvertDeps } from '../../server/src/lsp/convert-request.ts';
import { runConvert } from '../../server/src/lsp/worker/convert-job.ts';
import type { JobRequest } from '../../server/src/lsp/worker/messages.ts';
import type { JobOutcome } from '../../server/src/lsp/worker/pool.ts';
import { cli, cliAsync } from './helpers/cli.ts';
import { savedMlp } from './helpers/keras-models.ts';
import { buildOnnx, node, randomValues } from './helpers/onnx-models.ts';
import { externalize } from './helpers/onnx-external.ts';

let dir = '';
let onnx = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinyml-convert-request-'));
  onnx = join(dir, 'net.onnx');
  writeFileSync(onnx, buildOnnx({
    inputs: [{ name: 'x', shape: [1, 3, 8, 8] }], outputs: [{ name: 'y' }],
    inits: [{ name: 'w', dims: [4, 3, 3, 3], data: randomValues(108, 1) }, { name: 'fc', dims: [4, 2], data: randomValues(8, 2) }],
    nodes: [node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }), node('Relu', ['c'], ['r']), node('GlobalAveragePool', ['r'], ['p']),
      node('Flatten', ['p'], ['f']), node('MatMul', ['f', 'fc'], ['y'])],
  }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The job runner in this thread: what the worker would answer, with its progress; `released` lists cancelled owners. */
function inThread(): ConvertDeps & { released: string[]; jobs: JobRequest[] } {
  const released: string[] = [];
  const jobs: JobRequest[] = [];
  return {
    released, jobs, log: () => {},
    models: {
      runJob: async (_key, request, _factor, options = {}): Promise<JobOutcome> => {
        jobs.push(request);
        if (request.kind !== 'convert') throw new Error(`unexpected job ${request.kind}`);
        return { kind: 'converted', result: runConvert(request.job, options.onProgress) };
      },
      release: (owner) => void released.push(owner),
    },
  };
}

const token = (): CancellationTokenSource => new CancellationTokenSource();
const bytesOf = (r: ConvertResult): Buffer => {
  assert.equal(r.kind, 'ok', JSON.stringify(r).slice(0, 300));
  return Buffer.from((r as Extract<ConvertResult, { kind: 'ok' }>).base64, 'base64');
};

test('float32: the answered bytes are what tinyml-lens convert writes, with its notes and arenas', async () => {
  const r = await convertRequest({ sourceUri: pathToFileURL(onnx).toString() }, inThread(), token().token);
  const out = join(dir, 'cli.tflite');
  assert.equal(cli('convert', onnx, '--out', out).code, 0);
  assert.deepEqual(bytesOf(r), readFileSync(out));
  assert.ok(r.kind === 'ok');
  assert.equal(r.suggestedName, 'net.tflite');
  assert.equal(r.format, 'onnx');
  assert.equal(r.ops, 'CONV_2D, MEAN, RESHAPE, FULLY_CONNECTED');
  assert.ok(r.notes.some((n) => /Relu 'relu1' fused into Conv 'conv0'/.test(n)), r.notes.join('\n'));
  assert.deepEqual(r.arena.map((a) => [a.runtime, a.ok]), [['tflm-reference', true], ['tflm-cmsis-nn', true]]);
  assert.equal(r.int8, null);
});

test('int8 on random data: the bytes of convert --int8 --random, progress per sample run, errors and sizes', async () => {
  const percents: number[] = [];
  const r = await convertRequest({ sourceUri: pathToFileURL(onnx).toString(), int8: { random: { count: 4, low: -1, high: 1 } } }, inThread(), token().token, (pct) => percents.push(pct));
  const out = join(dir, 'cli_int8.tflite');
  assert.equal(cli('convert', onnx, '--out', out, '--int8', '--random', '4', '--range=-1,1').code, 0);
  assert.deepEqual(bytesOf(r), readFileSync(out));
  assert.ok(r.kind === 'ok' && r.int8);
  assert.equal(r.int8.samples, 4);
  assert.match(r.int8.calibration, /random.*lower quality/);
  assert.equal(r.int8.sizeAfter, bytesOf(r).length);
  assert.ok(percents.length > 0 && percents.at(-1) === 100, percents.join(','));
});

test('a TF.js layers model.json: its shards are read beside it and the bytes match the CLI', async () => {
  const { bytes, shards } = await savedMlp();
  const folder = join(dir, 'tfjs');
  mkdirSync(folder);
  writeFileSync(join(folder, 'model.json'), bytes);
  for (const [p, b] of shards) writeFileSync(join(folder, p), b);
  const deps = inThread();
  const r = await convertRequest({ sourceUri: pathToFileURL(join(folder, 'model.json')).toString() }, deps, token().token);
  const out = join(dir, 'tfjs.tflite');
  const c = await cliAsync('convert', join(folder, 'model.json'), '--out', out);
  assert.equal(c.code, 0, c.err);
  assert.deepEqual(bytesOf(r), readFileSync(out));
  assert.ok(r.kind === 'ok' && r.format === 'tfjs-layers' && r.suggestedName === 'model.tflite');
  const job = deps.jobs[0];
  assert.ok(job?.kind === 'convert' && job.job.shards?.size === shards.size, 'every shard went to the worker');
  // A missing shard is said before anything runs.
  rmSync(join(folder, [...shards.keys()][0]!));
  const missing = await convertRequest({ sourceUri: pathToFileURL(join(folder, 'model.json')).toString() }, deps, token().token);
  assert.ok(missing.kind === 'error' && missing.code === 'source', JSON.stringify(missing));
  assert.match(missing.message, /cannot read weight shard/);
  assert.equal(deps.jobs.length, 1, 'no job for a model whose shard cannot be read');
});

test('an ONNX model with external data: its data file is read beside it, the bytes match the CLI; a missing one is said first', async () => {
  const folder = join(dir, 'external');
  mkdirSync(folder);
  const ext = externalize(readFileSync(onnx), 'net.onnx.data');
  writeFileSync(join(folder, 'net.onnx'), ext.onnx);
  writeFileSync(join(folder, 'net.onnx.data'), ext.data);
  const deps = inThread();
  const r = await convertRequest({ sourceUri: pathToFileURL(join(folder, 'net.onnx')).toString() }, deps, token().token);
  const out = join(dir, 'external.tflite');
  assert.equal(cli('convert', join(folder, 'net.onnx'), '--out', out).code, 0);
  assert.deepEqual(bytesOf(r), readFileSync(out));
  const job = deps.jobs[0];
  assert.ok(job?.kind === 'convert' && job.job.shards?.get('net.onnx.data')?.length === ext.data.length, 'the data file went to the worker');
  rmSync(join(folder, 'net.onnx.data'));
  const missing = await convertRequest({ sourceUri: pathToFileURL(join(folder, 'net.onnx')).toString() }, deps, token().token);
  assert.ok(missing.kind === 'error' && missing.code === 'source', JSON.stringify(missing));
  assert.match(missing.message, /cannot read the external data file 'net\.onnx\.data' \(of tensor 'w'\): no such file/);
  assert.equal(deps.jobs.length, 1, 'no job for a model whose data file cannot be read');
});

test('an unmapped node is a located error naming it, a broken .keras the reader\'s error, and a source that is no model says what it is', async () => {
  const bad = join(dir, 'bad.onnx');
  writeFileSync(bad, buildOnnx({
    inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }],
    nodes: [{ ...node('Relu', ['x'], ['r']), name: 'first' }, { ...node('Einsum', ['r'], ['y'], { equation: 'ij->ji' }), name: 'swap_axes' }],
  }));
  const r = await convertRequest({ sourceUri: pathToFileURL(bad).toString() }, inThread(), token().token);
  assert.ok(r.kind === 'error', JSON.stringify(r).slice(0, 200));
  assert.equal(r.code, 'unsupported-op');
  assert.match(r.where ?? '', /swap_axes/);
  const cliErr = cli('convert', bad, '--out', join(dir, 'bad.tflite')).err;
  assert.ok(cliErr.includes(r.message), `the CLI says the same: ${cliErr}`);
  const tflite = join(dir, 'already.tflite');
  writeFileSync(tflite, readFileSync(join(dir, 'cli.tflite')));
  const notModel = await convertRequest({ sourceUri: pathToFileURL(tflite).toString() }, inThread(), token().token);
  assert.ok(notModel.kind === 'error' && notModel.code === 'source' && /already a \.tflite/.test(notModel.message), JSON.stringify(notModel));
  const missing = await convertRequest({ sourceUri: pathToFileURL(join(dir, 'nope.onnx')).toString() }, inThread(), token().token);
  assert.ok(missing.kind === 'error' && missing.code === 'source', JSON.stringify(missing));
  // A .keras zip with no config.json: the Keras reader's located error comes through as it is.
  const keras = join(dir, 'broken.keras');
  writeFileSync(keras, zipSync({ 'other.txt': strToU8('x') }));
  const broken = await convertRequest({ sourceUri: pathToFileURL(keras).toString() }, inThread(), token().token);
  assert.ok(broken.kind === 'error' && broken.code === 'malformed' && /config\.json/.test(broken.message), JSON.stringify(broken));
  const params = await convertRequest({ sourceUri: 'untitled:net.onnx' }, inThread(), token().token);
  assert.ok(params.kind === 'error' && params.code === 'params');
});

test('cancelling releases the request\'s job (its worker is terminated) and answers cancelled', async () => {
  const released: string[] = [];
  let started!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  let settle!: (o: JobOutcome) => void;
  const deps: ConvertDeps = {
    log: () => {},
    models: {
      runJob: (_key, _request, _factor, options = {}) => {
        started();
        return new Promise<JobOutcome>((r) => { settle = r; void options; });
      },
      release: (owner) => {
        released.push(owner);
        settle({ kind: 'cancelled' });
      },
    },
  };
  const source = token();
  const pending = convertRequest({ sourceUri: pathToFileURL(onnx).toString() }, deps, source.token);
  await running;
  source.cancel();
  const r = await pending;
  assert.ok(r.kind === 'error' && r.code === 'cancelled', JSON.stringify(r));
  assert.match(r.message, /nothing was written/);
  assert.equal(released.length, 1);
  assert.match(released[0]!, /^convert-request:\d+$/);
  // Cancelled before it was sent to a worker: no job at all.
  const early = token();
  early.cancel();
  const none = await convertRequest({ sourceUri: pathToFileURL(onnx).toString() }, inThread(), early.token);
  assert.ok(none.kind === 'error' && none.code === 'cancelled');
});

test('the suggested name: the source\'s base name with .tflite', () => {
  assert.equal(tfliteName('net.onnx'), 'net.tflite');
  assert.equal(tfliteName('Model.KERAS'), 'Model.tflite');
  assert.equal(tfliteName('old.h5'), 'old.tflite');
  assert.equal(tfliteName('model.json'), 'model.tflite');
  assert.equal(tfliteName('.onnx'), 'model.tflite');
});
