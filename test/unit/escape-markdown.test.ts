/**
 * Hovers over a model with hostile names (issue 14): a backtick, a link, an image, HTML, a table pipe or a newline in
 * a tensor name, an op name or the model's file name must show as text: no link, image or HTML, no extra table cell,
 * no code span broken open. The hovers are the server's own (manifest `model:` hover, listing row hover), computed
 * in-process; rendered with markdown-it where it is installed, checked structurally either way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { visible } from '../../server/src/analysis/text.js';
import { hover } from '../../server/src/lsp/hover.js';
import { listingHover } from '../../server/src/lsp/listing-hover.js';
import { checkListing, renderListing, rowKey } from '../../server/src/lsp/listing.js';
import { ModelCache } from '../../server/src/lsp/models.js';
import { AnalysisPool } from '../../server/src/lsp/worker/pool.js';
import { Worker } from 'node:worker_threads';
import { listingUri } from '../../server/src/lsp/protocol.js';
import { builtinProviders } from '../../server/src/lsp/providers.js';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings.js';
import { Workspace } from '../../server/src/lsp/workspace.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';

type Renderer = { render(s: string): string };
let md: Renderer | null = null;
try {
  md = new (require('markdown-it') as new (o: object) => Renderer)({ html: true });
} catch {
  md = null;
}

const NAME = '``x` ](javascript:alert(1)) ![i](http://e/i.png) <img src=x onerror=alert(1)> | cell\n# heading\u202e&amp;';
const OP = `Op\`](http://e)<b>|\n- item`;
const FILE = 'm` [l](javascript:x) <img src=x onerror=1> ``.tflite'; // no slash: a file name

const dir = mkdtempSync(join(tmpdir(), 'tinyml-escape-markdown-'));
// The server analyses in worker threads (dist/analysis-worker.js, built by `npm test`'s pretest); the checks below wait for them.
const pool = new AnalysisPool({ size: 1, memoryMb: 1024, spawn: (mb) => new Worker(join(__dirname, '../../dist/analysis-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: mb } }) });
after(() => {
  pool.dispose();
  rmSync(dir, { recursive: true, force: true });
});
const cache = (): ModelCache => new ModelCache(pool, 60);

/** Checks again until nothing is pending (each round waits for the job it was waiting on). */
async function settled<T extends { pending: Promise<void> | null }>(check: () => T | null): Promise<T | null> {
  let c = check();
  for (let i = 0; i < 8 && c?.pending; i++) {
    await c.pending;
    c = check();
  }
  return c;
}

function hostileModel(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const a = g.input({ name: `${NAME} a`, shape: [1, 4], dtype: 'FLOAT32' });
  const b = g.input({ name: `${NAME} b`, shape: [1, 4], dtype: 'FLOAT32' });
  const y = g.op('ADD', { inputs: [a, b], output: { name: `${NAME} y`, shape: [1, 4], dtype: 'FLOAT32' }, options: { fusedActivationFunction: 'NONE' } });
  g.output(g.customOp(OP, { inputs: [y], output: { name: `${NAME} z`, shape: [1, 4], dtype: 'FLOAT32' } }));
  return m.finish();
}
const modelPath = join(dir, FILE);
writeFileSync(modelPath, hostileModel());

/** Checks that hold for any hover text, rendered or not. */
function structural(value: string, what: string): void {
  for (const line of value.split('\n')) {
    assert.ok(!line.startsWith('#') && !line.startsWith('- item'), `${what}: a name started a line: ${line}`);
    // A table row has its cells' pipes only: none from a name (escaped as \|).
    if (line.startsWith('|')) assert.ok(!/[^\\]\| cell/.test(line), `${what}: a name split a table cell: ${line}`);
  }
  assert.ok(!value.includes(NAME) && !value.includes(OP), `${what}: a raw name`);
  assert.ok(!/[^\\]\]\(/.test(value.replace(/`+[^`]*`+/g, '')), `${what}: an unescaped ]( outside code spans`);
}

/** With markdown-it: no link, image, heading, list or HTML from a name; the names show as text. */
function rendered(value: string, what: string, expect: string[]): void {
  if (!md) return;
  const out = md.render(value);
  assert.doesNotMatch(out, /<a |<img|<h1|<li>item|<b>|<i>/, `${what}: ${out}`);
  for (const e of expect) assert.ok(out.includes(e), `${what}: ${JSON.stringify(e)} not shown in ${out}`);
}
const htmlText = (s: string): string => visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

test('the model hover shows a hostile file name and op names as text', async () => {
  const providers = builtinProviders();
  const ws = new Workspace(cache(), providers);
  const doc = TextDocument.create(pathToFileURL(join(dir, 'm.tinyml.yaml')).href, 'tinyml-manifest', 1, `model: ${JSON.stringify(FILE)}\nruntime: tflm-reference\n`);
  const check = await settled(() => ws.check(doc));
  assert.ok(check);
  assert.equal(check.load?.kind, 'ok');
  const h = hover(check, { line: 0, character: 1 }, providers);
  const value = (h?.contents as { value: string }).value;
  structural(value, 'model hover');
  assert.ok(!value.includes(FILE));
  rendered(value, 'model hover', [htmlText(FILE), htmlText(`CUSTOM:${OP}`)]);
});

test('the listing row hover shows hostile tensor names in intact code spans and table cells', async () => {
  const providers = builtinProviders();
  const models = cache();
  const check = await settled(() => checkListing(listingUri(modelPath, { runtime: 'tflm-reference', target: null }), models, providers, DEFAULT_SETTINGS));
  assert.ok(check);
  const text = renderListing(check);
  // The listing is plain text: names spelled out, no line from a name.
  assert.ok(!text.split('\n').some((l) => l.startsWith('- item') || l.startsWith('# heading')), text);
  const lines = text.split('\n');
  const row = lines.findIndex((l) => rowKey(l)?.index === 0);
  assert.ok(row >= 0, text);
  const doc = TextDocument.create(check.uri, 'tinyml-listing', 1, text);
  const h = listingHover(check, doc, { line: row, character: 0 });
  const value = (h?.contents as { value: string }).value;
  structural(value, 'listing hover');
  // Each tensor row of the table still has exactly 7 cells (role, index, shape, dtype, quantization, bytes, name).
  for (const line of value.split('\n').filter((l) => /^\| (in|out|const) /.test(l))) {
    assert.equal(line.replace(/\\\|/g, '').split('|').length - 2, 7, line);
  }
  rendered(value, 'listing hover', [`<code>${htmlText(`${NAME} a`)}</code>`, `<code>${htmlText(`${NAME} y`)}</code>`]);
});
