import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(__dirname, '../..');
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8');

test('the analysis worker is its own bundle beside the server, found by name, and shipped in the .vsix', () => {
  assert.match(read('esbuild.mjs'), /entryPoints: \['server\/src\/lsp\/worker\/analysis-worker\.ts'\], outfile: 'dist\/analysis-worker\.js'/);
  assert.match(read('server/src/server.ts'), /join\(__dirname, 'analysis-worker\.js'\)/, 'the server starts it from its own folder');
  const shipped = read('.vscodeignore').split('\n').map((l) => l.trim());
  assert.ok(shipped.includes('!dist/analysis-worker.js'), '.vscodeignore keeps it in the package');
  assert.ok(shipped.includes('!dist/server.js'));
});
