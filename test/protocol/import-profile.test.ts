import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { ImportProfileRequest, type ImportProfileResult, type ListingResult } from '../../server/src/lsp/protocol.ts';
import { readTflite } from '../../server/src/model/tflite/reader.ts';
import type { LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => { ws.write('tinyml-targets.json', '{\n  "mcus": [],\n  "x-mine": "kept"\n}\n'); },
});

const importProfile = (params: object): Promise<ImportProfileResult> => client.request<ImportProfileResult>(ImportProfileRequest.method, params);

/** A log of ours for the workspace's kws.tflite: every op 20,000 cycles (+ run), three runs, with serial noise. */
function log(): string {
  const ops = readTflite(readFileSync(ws.path('kws.tflite'))).subgraphs[0]!.operators;
  const lines = ['boot ok', 'tinyml-lens-profile v1 begin model=kws timer=dwt unit=cycles clock_hz=64000000 runs=3'];
  for (let r = 0; r < 3; r++) ops.forEach((op, i) => lines.push(`[12:00:0${r}] tinyml-lens-profile v1 run=${r} op=${i} tag=${op.opName} ticks=${20000 + r} unit=cycles`));
  return lines.join('\r\n');
}

test('a bad log, a log of another model, no board: coded errors, located in the log where they can be', async () => {
  const bad = await importProfile({ logText: 'x\ntinyml-lens-profile v1 run=0 op=0 tag=CONV_2D ticks=1 unit=parsecs\n', logName: 'b.log', modelUri: ws.uri('kws.tflite'), target: 'nrf52840' });
  assert.ok(bad.kind === 'error' && bad.code === 'bad-log' && bad.line === 2 && bad.column === 55, JSON.stringify(bad));
  const other = await importProfile({ logText: log().replace('op=1 tag=DEPTHWISE_CONV_2D', 'op=1 tag=ADD'), logName: 'o.log', modelUri: ws.uri('kws.tflite'), target: 'nrf52840' });
  assert.ok(other.kind === 'error' && other.code === 'mismatch' && /op index 1: the log has ADD/.test(other.message), JSON.stringify(other));
  const noBoard = await importProfile({ logText: log(), logName: 'l.log', modelUri: ws.uri('kws.tflite') });
  assert.ok(noBoard.kind === 'error' && noBoard.code === 'params', JSON.stringify(noBoard));
  const core = await importProfile({ logText: log(), logName: 'l.log', modelUri: ws.uri('kws.tflite'), target: 'cortex-m4f' });
  assert.ok(core.kind === 'error' && /not a catalog board/.test(core.message), JSON.stringify(core));
});

test('import: the comparison and the catalog text; once written, the listing and hovers show measured beside estimated for that board only', async () => {
  const r = await importProfile({ logText: log(), logName: 'board.log', modelUri: ws.uri('kws.tflite'), target: 'nrf52840', runtime: 'tflm-cmsis-nn' });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  if (r.kind !== 'ok') return;
  assert.equal(r.runs, 3);
  assert.equal(r.catalogPath, ws.path('tinyml-targets.json'));
  assert.match(r.text, /measured\/est/);
  assert.match(r.diff, /\+  "calibrations": \[/);
  assert.equal(JSON.parse(r.catalogText)['x-mine'], 'kept');
  // Nothing is written by the server: the client asks first.
  assert.doesNotMatch(readFileSync(ws.path('tinyml-targets.json'), 'utf8'), /calibrations/);
  assert.ok(!existsSync(ws.path('calibrations.json')));

  ws.write('tinyml-targets.json', r.catalogText);
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('tinyml-targets.json'), type: 2 }] });
  const mine = await client.request<ListingResult>('tinymlLens/listing', { uri: ws.uri('kws.tflite'), runtime: 'tflm-cmsis-nn', target: 'nrf52840' });
  const header = mine.text.split('\n').find((l) => /^\s*#\s/.test(l))!;
  assert.match(header, /time\s+measured/);
  assert.match(mine.text, /^time .*calibrated on your board, 3 runs/m);
  assert.match(mine.text, /^measured\s+\d/m);
  const row = mine.text.split('\n').findIndex((l) => /^\s*0\s+CONV_2D/.test(l));
  assert.match(mine.text.split('\n')[row]!, /312\.5 us/); // 20,001 cycles at 64 MHz
  await client.open(mine.uri, mine.text, 'tinyml-listing');
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: mine.uri }, position: { line: row, character: 4 } });
  assert.match((hover.contents as MarkupContent).value, /measured 312\.5 us on the board/);

  const neighbour = await client.request<ListingResult>('tinymlLens/listing', { uri: ws.uri('kws.tflite'), runtime: 'tflm-cmsis-nn', target: 'nrf52832' });
  assert.doesNotMatch(neighbour.text, /measured|calibrated on your board/);
  const reference = await client.request<ListingResult>('tinymlLens/listing', { uri: ws.uri('kws.tflite'), runtime: 'tflm-reference', target: 'nrf52840' });
  assert.doesNotMatch(reference.text, /calibrated on your board/);
});
