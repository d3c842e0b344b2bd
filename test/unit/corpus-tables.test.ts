import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CorpusTableError, formatGolden, type GoldenRow, goldenDiff, parseGolden, parseManifest } from '../../scripts/corpus-lib.js';

// The real-model corpus (test/corpus, `npm run corpus`): the models are not in the repository, but its two tables
// are, and they must say that every command ended in a verdict on every model.
const dir = join(__dirname, '..', 'corpus');
const manifest = parseManifest(readFileSync(join(dir, 'manifest.tsv'), 'utf8'));
const golden = parseGolden(readFileSync(join(dir, 'golden.tsv'), 'utf8'));

test('the manifest lists at least 100 real models, each with a sha256, a licence and a source commit', () => {
  assert.ok(manifest.length >= 100, `${manifest.length} models`);
  assert.equal(new Set(manifest.map((e) => e.sha256)).size, manifest.length, 'one row per distinct file');
  for (const e of manifest) {
    assert.match(e.sha256, /^[0-9a-f]{64}$/);
    assert.match(e.repo, /^[\w.-]+\/[\w.-]+$/);
    assert.ok(e.licence.length > 0 && e.path.endsWith('.tflite') && e.size > 0, e.name);
  }
  const categories = new Set(manifest.flatMap((e) => e.category.split('+')));
  for (const c of ['cnn', 'rnn', 'transformer', 'detection', 'audio-frontend', 'int16x8', 'npu-vela', 'npu-edgetpu', 'text']) {
    assert.ok(categories.has(c), `no ${c} model`);
  }
});

test('the golden table covers every model, and every command ended in exit 0, 1 or 2 without an internal error', () => {
  const names = new Set(manifest.map((e) => e.name));
  const run = new Set(golden.map((r) => r.model));
  assert.deepEqual([...names].filter((n) => !run.has(n)), [], 'models never run');
  assert.deepEqual([...run].filter((n) => !names.has(n)), [], 'rows for models not in the manifest');
  for (const r of golden) {
    assert.ok([0, 1, 2].includes(r.exit), `${r.model} ${r.command}: exit ${r.exit}`);
    assert.doesNotMatch(`${r.status} ${r.figures}`, /internal error|UNREADABLE|timeout/i, `${r.model} ${r.command}`);
  }
});

test('the golden check compares figures and exit codes, never the time', () => {
  const row: GoldenRow = { model: 'm', command: 'analyze-ref', exit: 0, status: 'ok', figures: 'used=100', ms: 5 };
  assert.deepEqual(goldenDiff([row], [{ ...row, ms: 900 }]), []);
  assert.equal(goldenDiff([row], [{ ...row, figures: 'used=104' }]).length, 1);
  assert.equal(goldenDiff([row], [{ ...row, exit: 1 }]).length, 1);
  assert.equal(goldenDiff([row], []).length, 1, 'a row no longer produced');
  assert.deepEqual(parseGolden(formatGolden([row])), [row]);
  assert.throws(() => parseGolden('model\tcommand\texit\tstatus\tfigures\tms\nm\tc\tx\tok\t-\t1\n'), CorpusTableError);
});
