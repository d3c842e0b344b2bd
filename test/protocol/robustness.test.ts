import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LspClient } from './helpers/lsp-client.ts';
import { type TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

serveWorkspace((w, c) => { ws = w; if (c) client = c; });

/** Seeded garbage: YAML punctuation, control characters, invalid surrogates, long runs. */
function garbage(seed: number, length: number): string {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s);
  const pieces = ['model:', 'budgets:', '{', '}', '[', ']', ',', ':', ' ', '\n', '  ', '&a', '*a', '!!binary', '\u0000', '\ud800', '"', "'", '#', '|', '>', '- ', '180KiB', '1e400', '%YAML 9', '---', '...'];
  let out = '';
  while (out.length < length) out += pieces[next() % pieces.length];
  return out;
}

test('garbage manifests get diagnostics (or none), never a dead server', async () => {
  for (let i = 0; i < 25; i++) {
    const uri = ws.uri(`garbage-${i}.tinyml.yaml`);
    const text = garbage(i + 1, 50 + i * 40);
    const ds = await client.open(uri, text);
    for (const d of ds) assert.equal(d.source, 'tinyml-lens');
    // Every feature at a spread of positions, including past the end of the text.
    const lines = text.split('\n').length;
    for (let line = 0; line <= lines + 1; line += Math.max(1, Math.floor(lines / 5))) {
      for (const character of [0, 3, 10, 500]) {
        const position = { line, character };
        await client.request('textDocument/hover', { textDocument: { uri }, position });
        await client.request('textDocument/completion', { textDocument: { uri }, position });
        await client.request('textDocument/definition', { textDocument: { uri }, position });
      }
    }
    await client.request('textDocument/codeLens', { textDocument: { uri } });
    await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } });
    await client.request('textDocument/documentLink', { textDocument: { uri } });
  }
  assert.ok(client.alive);
});

test('malformed requests and diagnostics data are answered or rejected, and the server keeps serving', async () => {
  const uri = ws.uri('ok.tinyml.yaml');
  await client.open(uri, 'model: sine.tflite\nbudgets: {ram: 1KiB}\n');
  await assert.rejects(client.request('tinymlLens/noSuchMethod', {}));
  await client.request('textDocument/hover', { textDocument: { uri } }).catch(() => undefined);
  const actions = await client.request<unknown[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } },
    context: { diagnostics: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, message: 'x', code: 'ram-over-budget', data: { kind: 'ram', need: 'lots' } }] },
  });
  assert.deepEqual(actions, []);
  const ds = await client.change(uri, 'model: sine.tflite\nbudgets: {ram: 2KiB}\n');
  assert.ok(Array.isArray(ds));
  assert.ok(client.alive);
});

test('a model file replaced by garbage becomes model-malformed, not a crash', async () => {
  const uri = ws.uri('garbage-model.tinyml.yaml');
  ws.write('junk.tflite', new Uint8Array(4096).map((_, i) => (i * 7919) & 0xff));
  const ds = await client.open(uri, 'model: junk.tflite\n');
  assert.deepEqual(ds.map((d) => d.code), ['model-malformed']);
  assert.ok(client.alive);
});
