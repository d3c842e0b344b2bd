/**
 * The CLI on hostile models (issue 14): a limit exceeded is exit 2 with a message naming the --max-* flag, never a
 * placeholder figure; raising the flag lets the model through; a verdict (a STRING tensor) still prints its report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-hostile-'));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** MAXIMUM of two int8 inputs of `elements` each: an arena of about three times that. */
function wide(elements: number): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.input({ name: 'a', shape: [1, elements], dtype: 'INT8' });
  const b = g.input({ name: 'b', shape: [1, elements], dtype: 'INT8' });
  g.output(g.op('MAXIMUM', { inputs: [a, b], output: { name: 'y', shape: [1, elements], dtype: 'INT8' } }));
  return m.finish();
}

/** Subgraph i calls subgraph i + 1 through `calls` CALL_ONCE operators, `levels` deep. */
function tower(levels: number, calls: number): Uint8Array {
  const m = new ModelBuilder();
  const graphs = Array.from({ length: levels + 1 }, (_, i) => m.subgraph(`sg${i}`));
  const x = graphs[0]!.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  graphs[0]!.output(graphs[0]!.op('RELU', { inputs: [x], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' } }));
  for (let i = 0; i < levels; i++) {
    for (let c = 0; c < calls; c++) graphs[i]!.op('CALL_ONCE', { inputs: [], outputs: [], options: { initSubgraphIndex: i + 1 } });
  }
  return m.finish();
}

describe('CLI limits', () => {
  const big = file('big.tflite', wide(400_000_000));

  it('analyze of a model whose arena exceeds 1 GiB exits 2 naming --max-arena, and prints no arena figure', () => {
    const r = cli('analyze', big);
    assert.equal(r.code, 2);
    assert.match(r.err, /the tensor arena exceeds the maxArena limit.*--max-arena/);
    assert.doesNotMatch(r.out + r.err, /-1 B|tensor arena\s+0/);
    assert.equal(r.out, '');
  });

  it('--max-arena 2GiB lets the same model through with its figure', () => {
    const r = cli('analyze', big, '--max-arena', '2GiB', '--runtime', 'tflm-reference');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /tensor arena\s+1[.,]\d+ GiB|tensor arena\s+1\d{3}[.,]\d+ MiB|tensor arena\s+[\d,.]+/);
  });

  it('compile refuses the model beyond the arena limit and writes nothing', () => {
    const out = join(dir, 'big_tflm');
    const r = cli('compile', big, '--out', out);
    assert.equal(r.code, 2);
    assert.match(r.err, /--max-arena/);
    assert.ok(!existsSync(out) || readdirSync(out).length === 0);
  });

  it('a fan-out of control flow exits 2 naming --max-work; a small --max-work stops an ordinary model too', () => {
    const fan = cli('analyze', file('fan.tflite', tower(40, 2)));
    assert.equal(fan.code, 2);
    assert.match(fan.err, /subgraph \d+, operator \d+ \(CALL_ONCE\): the control-flow walk exceeds the maxWork limit.*--max-work/);
    const small = file('small.tflite', tower(6, 2));
    assert.equal(cli('analyze', small).code, 0);
    const capped = cli('analyze', small, '--max-work', '50');
    assert.equal(capped.code, 2);
    assert.match(capped.err, /limit 50 \(raise it with --max-work N\)/);
  });

  it('--max-depth raises the nesting limit for every command', () => {
    const deep = file('deep.tflite', tower(80, 1));
    assert.match(cli('analyze', deep).err, /control-flow nesting exceeds the maxDepth limit.*--max-depth/);
    assert.equal(cli('analyze', deep, '--max-depth', '100').code, 0);
    assert.equal(cli('fit', deep).code, 2);
    assert.notEqual(cli('fit', deep, '--max-depth', '100').code, 2);
  });

  it('a limit flag that is not a number in range is a usage error', () => {
    for (const args of [['--max-work', 'lots'], ['--max-depth', '0'], ['--max-arena', '5GiB'], ['--max-depth', '2k']]) {
      const r = cli('analyze', big, ...args);
      assert.equal(r.code, 2);
      assert.match(r.err, new RegExp(`${args[0]} needs`));
    }
  });
});

describe('CLI verdicts on models TFLM cannot allocate', () => {
  it('an op taking STRING tensors is exit 1 with the JSON report naming the node, not an internal error', () => {
    const m = new ModelBuilder();
    const g = m.subgraph('main');
    const s = g.input({ name: 's', shape: [2], dtype: 'STRING' });
    g.output(g.op('RESHAPE', { inputs: [s], output: { name: 'r', shape: [2], dtype: 'STRING' } }));
    const r = cli('analyze', file('string.tflite', m.finish()), '--format', 'json');
    assert.equal(r.code, 1, r.err);
    const json = JSON.parse(r.out) as { unsupportedOps: { op: string; layers: number[]; reason: string }[] };
    assert.ok(json.unsupportedOps.some((u) => u.op === 'RESHAPE' && u.layers.includes(0) && /STRING, which TFLM cannot allocate/.test(u.reason)));
    const sarif = cli('analyze', join(dir, 'string.tflite'), '--format', 'sarif');
    assert.equal(sarif.code, 1);
    assert.match(sarif.out, /cannot allocate/);
  });
});
