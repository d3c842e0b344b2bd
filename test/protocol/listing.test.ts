import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { listingUri, type ListingResult } from '../../server/src/lsp/protocol.ts';
import { LspClient, textAt } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

const grammar = JSON.parse(readFileSync(resolve(__dirname, '../../syntaxes/tinyml-listing.tmLanguage.json'), 'utf8')) as { repository: { row: { match: string }; summary: { match: string } } };
const rowPattern = new RegExp(grammar.repository.row.match);
const summaryPattern = new RegExp(grammar.repository.summary.match);

async function listing(params: { uri: string; runtime?: string; target?: string }): Promise<ListingResult> {
  return client.request<ListingResult>('tinymlLens/listing', params);
}

test('the listing of a .tflite: one grammar row per layer with MACs, weights, live arena and time; totals', async () => {
  const report = ws.analysis('kws.tflite');
  const result = await listing({ uri: ws.uri('kws.tflite'), runtime: 'tflm-cmsis-nn', target: 'stm32l4r5zi' });
  assert.equal(result.uri, listingUri(ws.path('kws.tflite'), { runtime: 'tflm-cmsis-nn', target: 'stm32l4r5zi' }));
  assert.equal(result.runtime, 'tflm-cmsis-nn');
  assert.equal(result.target, 'stm32l4r5zi');
  const lines = result.text.split('\n');
  const rows = lines.filter((l) => rowPattern.test(l));
  assert.equal(rows.length, report.layers.length, result.text);
  for (const [i, row] of rows.entries()) {
    const layer = report.layers[i]!;
    assert.match(row, new RegExp(`^\\s*${layer.index}\\s+${layer.op}\\s+\\[${layer.outputShape.join(',')}\\]`));
    assert.ok(row.includes(layer.arenaLiveBytes.toLocaleString('en-US')), row);
    assert.match(row, /\d+\.\d+ (ms|us)/);
  }
  assert.ok(lines.some((l) => summaryPattern.test(l) && l.startsWith('tensor arena') && l.includes(report.memory.minArenaBytes.toLocaleString('en-US'))));
  assert.ok(lines.some((l) => l.startsWith('time ')));
});

test('an open listing: hover on a row shows tensors, live arena offsets, persistent bytes; no diagnostics when all run', async () => {
  const result = await listing({ uri: ws.uri('kws.tflite'), target: 'stm32l4r5zi' });
  const ds = await client.open(result.uri, result.text, 'tinyml-listing');
  assert.deepEqual(ds, []);
  const report = ws.analysis('kws.tflite');
  const peak = report.layers.find((l) => l.peak)!;
  const line = result.text.split('\n').findIndex((l) => new RegExp(`^\\s*${peak.index}\\s+${peak.op}\\b`).test(l));
  assert.ok(line > 0);
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: result.uri }, position: { line, character: 4 } });
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, new RegExp(`\\*\\*${peak.index} ${peak.op}\\*\\*`));
  for (const b of peak.live) assert.ok(value.includes(`offset ${b.offset.toLocaleString('en-US')}:`), value);
  assert.match(value, /\| out \|/);
  assert.match(value, /persistent/);
  assert.match(value, /\*\*peak\*\*/);
  const off = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: result.uri }, position: { line: 0, character: 1 } });
  assert.equal(off, null);
});

test('rows the runtime cannot run get op-unsupported on the op; the runtime comes from the URI', async () => {
  const uri = listingUri(ws.path('custom.tflite'), { runtime: 'tflm-reference' });
  const result = await listing({ uri });
  const ds = await client.open(uri, result.text, 'tinyml-listing');
  assert.equal(ds.length, 1, JSON.stringify(ds));
  assert.equal(ds[0]!.code, 'op-unsupported');
  assert.equal(textAt(result.text, ds[0]!.range), 'CUSTOM:NoSuchKernel');
  assert.deepEqual(ds[0]!.data, { op: 'CUSTOM:NoSuchKernel', dtype: 'FLOAT32', subgraph: 0, layers: [0], runtime: 'tflm-reference' });
  assert.match(result.text, /UNSUPPORTED/);
});

test('VS Code style encoding of the query is understood; a missing model is a listing that says so', async () => {
  const encoded = listingUri(ws.path('sine.tflite')).replace('.listing', '.listing?runtime%3Dtflm-reference');
  const result = await listing({ uri: encoded });
  assert.equal(result.runtime, 'tflm-reference');
  const missing = listingUri(ws.path('nope.tflite'));
  const text = (await listing({ uri: missing })).text;
  assert.match(text, /not found/);
  const ds = await client.open(missing, text, 'tinyml-listing');
  assert.deepEqual(ds.map((d) => d.code), ['model-not-found']);
});

test('a URI that is neither a listing nor a file is an error response, and the server lives on', async () => {
  await assert.rejects(listing({ uri: 'untitled:foo' }));
  assert.ok(client.alive);
});
