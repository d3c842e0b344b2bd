import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetFit } from '../../server/src/lsp/protocol.ts';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

type Answer = { targets: TargetFit[]; error?: string };

test('targetFits from a manifest counts its reserves and latency budget, and says what is over', async () => {
  const plain = await client.request<Answer>('tinymlLens/targetFits', { modelUri: ws.uri('kws.tflite') });
  const uri = ws.uri('fits.tinyml.yaml');
  await client.open(uri, 'model: kws.tflite\nreserve:\n  ram: 200KiB\n  flash: 300KiB\nbudgets:\n  latency: 5ms\n');
  const withManifest = await client.request<Answer>('tinymlLens/targetFits', { modelUri: ws.uri('kws.tflite'), manifestUri: uri });
  assert.equal(withManifest.error, undefined);
  const before = new Map(plain.targets.map((t) => [t.id, t]));
  const arena = ws.analysis('kws.tflite').memory.minArenaBytes;
  let tooSmall = 0;
  let tooSlow = 0;
  for (const t of withManifest.targets) {
    const p = before.get(t.id)!;
    // The manifest only adds needs: nothing that did not fit fits now.
    if (p.fits !== true) assert.notEqual(t.fits, true, t.id);
    const ramShort = t.ramBytes !== null && arena + 200 * 1024 > t.ramBytes;
    const slow = t.latencyMs !== null && t.latencyMs > 5;
    if (ramShort) {
      tooSmall++;
      assert.equal(t.fits, false, `${t.id} cannot hold arena + reserve`);
      assert.ok(t.over?.some((o) => o.startsWith('RAM +')), `${t.id}: ${JSON.stringify(t.over)}`);
    }
    if (slow) {
      tooSlow++;
      assert.equal(t.fits, false, `${t.id} misses the latency budget`);
      assert.ok(t.over?.some((o) => /^latency .* > 5 ms$/.test(o)), `${t.id}: ${JSON.stringify(t.over)}`);
    }
    if (t.fits === true) assert.deepEqual(t.over, []);
  }
  assert.ok(tooSmall > 0 && tooSlow > 0, `the case exercises both (${tooSmall} too small, ${tooSlow} too slow)`);
  const firstMiss = withManifest.targets.findIndex((t) => t.fits !== true);
  assert.ok(withManifest.targets.slice(Math.max(firstMiss, 0)).every((t) => t.fits !== true), 'fitting boards still come first');
});
