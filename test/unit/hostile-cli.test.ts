/**
 * The CLI on hostile models (issue 14): a limit exceeded is exit 2 with a message naming the --max-* flag, never a
 * placeholder figure; raising the flag lets the model through; a verdict (a STRING tensor) still prints its report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './helpers/cli.js';
import { callOnceTower, stringReshape, wideMaximum } from './helpers/hostile-models.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyml-hostile-'));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('CLI limits', () => {
  const big = file('big.tflite', wideMaximum(400_000_000));

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
    const fan = cli('analyze', file('fan.tflite', callOnceTower(40, 2)));
    assert.equal(fan.code, 2);
    assert.match(fan.err, /subgraph \d+, operator \d+ \(CALL_ONCE\): the control-flow walk exceeds the maxWork limit.*--max-work/);
    const small = file('small.tflite', callOnceTower(6, 2));
    assert.equal(cli('analyze', small).code, 0);
    const capped = cli('analyze', small, '--max-work', '50');
    assert.equal(capped.code, 2);
    assert.match(capped.err, /limit 50 \(raise it with --max-work N\)/);
  });

  it('--max-depth raises the nesting limit for every command', () => {
    const deep = file('deep.tflite', callOnceTower(80, 1));
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
    const r = cli('analyze', file('string.tflite', stringReshape()), '--format', 'json');
    assert.equal(r.code, 1, r.err);
    const json = JSON.parse(r.out) as { unsupportedOps: { op: string; layers: number[]; reason: string }[] };
    assert.ok(json.unsupportedOps.some((u) => u.op === 'RESHAPE' && u.layers.includes(0) && /STRING, which TFLM cannot allocate/.test(u.reason)));
    const sarif = cli('analyze', join(dir, 'string.tflite'), '--format', 'sarif');
    assert.equal(sarif.code, 1);
    assert.match(sarif.out, /cannot allocate/);
  });
});
