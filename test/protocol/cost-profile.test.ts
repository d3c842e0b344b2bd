import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CostProfileResult, TargetFit } from '../../server/src/lsp/protocol.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const MANIFEST = 'model: kws.tflite\ntarget: efr32mg24\nbudgets:\n  ram: 32KiB\nreserve:\n  ram: 24KiB\ncloud:\n  link: lte-m\n  input_bytes: 16000\n  rtt: 80ms\n  fleet_size: 5000\n';

async function profile(name: string): Promise<CostProfileResult> {
  return client.request<CostProfileResult>('tinymlLens/costProfile', { uri: ws.uri(name) });
}

test('tinymlLens/costProfile: both sides, the status bar figures, and cloud: values (typed or read from text) applied', async () => {
  await client.open(ws.uri('cost.tinyml.yaml'), MANIFEST);
  const r = await profile('cost.tinyml.yaml');
  assert.equal(r.kind, 'ok');
  if (r.kind !== 'ok') return;
  const report = ws.analysis('kws.tflite');
  assert.equal(r.target?.id, 'efr32mg24');
  assert.equal(r.overBudget, true, 'arena + reserve is over the 32 KiB budget');
  assert.ok(r.ramShare !== null && r.ramShare > 1);
  const p = r.profile;
  assert.equal(p.link.id, 'lte-m');
  const value = (key: string): unknown => p.assumptions.find((a) => a.key === key)?.value;
  assert.equal(value('rtt'), 0.08);
  assert.equal(value('fleet_size'), 5000);
  assert.equal(value('input_bytes'), 16000);
  assert.equal(p.assumptions.find((a) => a.key === 'rtt')?.fromManifest, true);
  assert.equal(p.fleet.atFleetSize.devices, 5000);
  assert.ok(p.tinyml.latencyS !== null && p.tinyml.computeJ !== null, 'the board has a clock and measured power');
  assert.equal(p.layers.length, report.layers.length);
  assert.equal(p.arena.minArenaBytes, report.memory.minArenaBytes);
});

test('tinymlLens/costProfile says why when there is no profile', async () => {
  await client.open(ws.uri('nomodel.tinyml.yaml'), 'target: efr32mg24\n');
  const none = await profile('nomodel.tinyml.yaml');
  assert.equal(none.kind, 'unavailable');
  const closed = await profile('never-opened.tinyml.yaml');
  assert.equal(closed.kind, 'unavailable');
});

test('tinymlLens/targetFits: every catalog board with a verdict, fitting boards first', async () => {
  const r = await client.request<{ targets: TargetFit[]; error?: string }>('tinymlLens/targetFits', { modelUri: ws.uri('kws.tflite') });
  assert.equal(r.error, undefined);
  assert.ok(r.targets.length >= 20);
  const firstMiss = r.targets.findIndex((t) => t.fits !== true);
  assert.ok(firstMiss > 0 && r.targets.slice(firstMiss).every((t) => t.fits !== true), 'fitting boards come first');
  assert.ok(r.targets.every((t) => t.detail.length > 0 && t.arenaBytes > 0));
  const missing = await client.request<{ targets: TargetFit[]; error?: string }>('tinymlLens/targetFits', { modelUri: ws.uri('nope.tflite') });
  assert.equal(missing.targets.length, 0);
  assert.match(missing.error ?? '', /no such file/);
});
