import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cli } from './helpers/cli.js';
import { powModel } from './helpers/models.js';

const root = resolve(__dirname, '../..');
const sine = join(root, 'examples/sine_float.tflite');

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tinyml-cli-')), name);
  writeFileSync(path, bytes);
  return path;
}


test('analyze --format json holds the documented fields', () => {
  const r = cli('analyze', sine, '--runtime', 'tflm-reference', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.status, 'ok');
  assert.deepEqual(doc.unsupportedOps, []);
  assert.equal(doc.memory.arenaUsedBytes, doc.memory.headBytes + doc.memory.tailBytes);
  assert.equal(typeof doc.memory.minArenaBytes, 'number');
  assert.equal(doc.flash.modelBytes, readFileSync(sine).length);
  assert.equal(doc.layers.length, 3);
  // 1x1 -> 16 -> 16 -> 1 dense layers: 16 + 256 + 16 multiply-accumulates.
  assert.equal(doc.macs, 288);
  assert.deepEqual(doc.layers.map((l: { macs: number }) => l.macs), [16, 256, 16]);
  assert.equal(doc.layers.filter((l: { peak: boolean }) => l.peak).length, 1);
});

test('analyze text prints a row per layer and the arena totals', () => {
  const r = cli('analyze', sine, '--runtime', 'tflm-reference');
  assert.equal(r.code, 0);
  assert.match(r.out, /^\s*0\s+FULLY_CONNECTED\s+\[1,16\]\s+FLOAT32\s+16\s/m);
  assert.match(r.out, /tensor arena\s+.*kTensorArenaSize/);
  assert.match(r.out, /<- peak/);
});

test('an unsupported op exits 1 and is reported in JSON and SARIF with its layer', () => {
  const path = tempFile('pow.tflite', powModel());
  const json = cli('analyze', path, '--format', 'json');
  assert.equal(json.code, 1);
  const doc = JSON.parse(json.out);
  assert.equal(doc.status, 'unsupported');
  assert.deepEqual(doc.unsupportedOps.map((u: { op: string; dtype: string; layers: number[]; subgraph: number }) => [u.op, u.dtype, u.layers, u.subgraph]), [['POW', 'FLOAT32', [0], 0]]);
  const sarif = cli('analyze', path, '--format', 'sarif');
  assert.equal(sarif.code, 1);
  const log = JSON.parse(sarif.out);
  assert.equal(log.version, '2.1.0');
  const runObj = log.runs[0];
  assert.equal(runObj.tool.driver.name, 'tinyml-lens');
  const ruleIds = runObj.tool.driver.rules.map((rule: { id: string }) => rule.id);
  assert.equal(runObj.results.length, 1);
  const result = runObj.results[0];
  assert.ok(ruleIds.includes(result.ruleId));
  assert.equal(result.ruleId, 'op-unsupported');
  assert.equal(result.level, 'error');
  assert.match(result.message.text, /POW/);
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, path);
});

test('a truncated model exits 2 with a located error and no stack trace', () => {
  const bytes = readFileSync(sine);
  const path = tempFile('cut.tflite', bytes.subarray(0, Math.floor(bytes.length / 3)));
  const r = cli('analyze', path);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err, /offset \d+/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('usage errors exit 2: missing file, unknown runtime, unknown command', () => {
  const missing = cli('analyze', join(root, 'no-such-model.tflite'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no such file/);
  const runtime = cli('analyze', sine, '--runtime', 'tflm-nope');
  assert.equal(runtime.code, 2);
  assert.match(runtime.err, /unknown runtime 'tflm-nope'/);
  assert.equal(cli('frobnicate', sine).code, 2);
  assert.equal(cli().code, 2);
  assert.equal(cli('--help').code, 0);
});

test('the bundled dist/cli.js runs as a program', { skip: !existsSync(join(root, 'dist/cli.js')) && 'run npm run build first' }, () => {
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'analyze', sine, '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).layers.length, 3);
});

test('a reader that closes the pipe early ends the program quietly, not with an EPIPE stack trace', { skip: !existsSync(join(root, 'dist/cli.js')) && 'run npm run build first' }, async () => {
  // The read end is closed before the program writes anything, so its first write fails with EPIPE (like `| head`).
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'fit', sine], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|\n\s+at /);
  assert.equal(code, 0);
});

test('each JSON layer lists the arena buffers live while it runs, with offsets that do not overlap', () => {
  const doc = JSON.parse(cli('analyze', sine, '--runtime', 'tflm-reference', '--format', 'json').out);
  for (const layer of doc.layers as { arenaLiveBytes: number; live: { offset: number; bytes: number }[] }[]) {
    assert.equal(layer.live.reduce((n, b) => n + b.bytes, 0), layer.arenaLiveBytes);
    const sorted = [...layer.live].sort((a, b) => a.offset - b.offset);
    sorted.forEach((b, i) => { if (i > 0) assert.ok(sorted[i - 1]!.offset + sorted[i - 1]!.bytes <= b.offset); });
  }
  // The middle layer reads one 64-byte activation and writes the other.
  assert.equal(doc.layers[1].live.length, 2);
});
