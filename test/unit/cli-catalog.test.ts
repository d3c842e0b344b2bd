import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { cli } from './helpers/cli.js';
import { WorkspaceTargets, WORKSPACE_CATALOG } from '../../server/src/lsp/catalog-targets.js';
import { CATALOG } from '../../server/src/targets/catalog.js';

const root = resolve(__dirname, '../..');
const kws = join(root, 'examples/kws_dscnn_int8.tflite');

const BOARD = {
  id: 'my-board', aliases: ['my-board-rev-b'], displayName: 'My board', vendor: 'Me', boards: 'rev B', core: 'cortex-m33',
  clockMHz: 100, sramKiB: 512, largestSramKiB: null, flashKiB: 2048, fpu: 'sp', dsp: true, helium: false, npu: null,
  activePowerMw: { typical: 20, low: 18, high: 24, atMHz: 100 }, notes: '', source: 'datasheet rev 3, table 5',
};

function catalogFile(content: string, dir = mkdtempSync(join(tmpdir(), 'tinyml-catalog-'))): string {
  const path = join(dir, WORKSPACE_CATALOG);
  writeFileSync(path, content);
  return path;
}

test('analyze --catalog resolves a user board by id and alias', () => {
  const file = catalogFile(JSON.stringify({ mcus: [BOARD] }));
  const r = cli('analyze', kws, '--catalog', file, '--target', 'my-board-rev-b', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.target.id, 'my-board');
  assert.equal(doc.target.clockMHz, 100);
  assert.equal(doc.target.source, 'datasheet rev 3, table 5');
  assert.ok(doc.energy.uJ > 0);
  // Without the catalog the board is unknown.
  assert.equal(cli('analyze', kws, '--target', 'my-board').code, 2);
});

test('fit --catalog lists the user board among the bundled ones', () => {
  const file = catalogFile(JSON.stringify({ mcus: [BOARD] }));
  const r = cli('fit', kws, '--catalog', file, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const ids = JSON.parse(r.out).targets.map((t: { id: string }) => t.id);
  assert.ok(ids.includes('my-board'));
  assert.ok(ids.includes('nrf52840'));
  assert.ok(!JSON.parse(cli('fit', kws, '--format', 'json').out).targets.some((t: { id: string }) => t.id === 'my-board'));
});

test('a broken --catalog file is exit 2 with the located reason and no stack trace', () => {
  const cases: [string, RegExp][] = [
    [JSON.stringify({ mcus: [{ ...BOARD, clockMHz: 'fast' }] }), /bad catalog: .*tinyml-targets\.json: \$\.mcus\[0\]\.clockMHz/],
    [JSON.stringify({ mcus: [{ ...BOARD, aliases: ['nucleo-l4r5zi'] }] }), /already the bundled target stm32l4r5zi/],
    ['{ "mcus": [', /tinyml-targets\.json: \$: not valid JSON/],
  ];
  for (const [content, reason] of cases) {
    const file = catalogFile(content);
    for (const args of [['analyze', kws, '--target', 'nrf52840'], ['fit', kws], ['analyze', kws]]) {
      const r = cli(...args, '--catalog', file);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, reason);
      assert.doesNotMatch(r.err, /\n\s+at /);
      assert.equal(r.out, '');
    }
  }
  const missing = cli('fit', kws, '--catalog', '/nonexistent/tinyml-targets.json');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read catalog .*: no such file/);
});

test('the language server resolver reads tinyml-targets.json at the roots, falls back on a broken file, and reloads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-ws-'));
  const empty = mkdtempSync(join(tmpdir(), 'tinyml-ws-'));
  const logs: string[] = [];
  const targets = new WorkspaceTargets((m) => logs.push(m));
  const resolve = (id: string) => targets.resolve({ kind: 'id', id });

  targets.load([empty]);
  assert.equal(resolve('my-board').kind, 'unknown');
  assert.deepEqual(logs, []);

  catalogFile(JSON.stringify({ mcus: [BOARD] }), dir);
  targets.load([empty, dir]);
  const found = resolve('my-board-rev-b');
  assert.equal(found.kind, 'found');
  assert.equal(found.kind === 'found' && found.spec.sramBytes, 512 * 1024);
  assert.ok(targets.entries().some((e) => e.id === 'my-board'));
  assert.equal(targets.entries().length, CATALOG.length + 1);

  catalogFile('{ "mcus": [ { "id": 1 } ] }', dir);
  targets.load([dir]);
  assert.equal(resolve('my-board').kind, 'unknown');
  assert.equal(resolve('nrf52840').kind, 'found');
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /tinyml-targets\.json ignored, using the bundled catalog: .*\$\.mcus\[0\]/);
});
