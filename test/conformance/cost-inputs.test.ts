/**
 * The cost profile's curated defaults against their source table, ../shared/data/cost_inputs.tsv: every value that
 * names a row (`tsv`) must find that row, and the figure it quotes (`text`) must appear in the row as written.
 * Skipped where ../shared is not checked out next to the repository.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import costJson from '../../server/src/analysis/cost/data/cost-inputs.json';

const TSV = path.resolve(__dirname, '../../../shared/data/cost_inputs.tsv');
type Entry = { value: unknown; source: string; tsv?: string; text?: string };

test('every sourced cost default quotes its row of cost_inputs.tsv', { skip: !existsSync(TSV) && 'no ../shared' }, () => {
  const rows = readFileSync(TSV, 'utf8').split('\n').slice(1).filter((l) => l.trim()).map((l) => l.split('\t'));
  const entries: [string, Entry][] = [
    ...Object.entries(costJson.values as Record<string, Entry>),
    ...Object.entries(costJson.links).flatMap(([link, l]) => Object.entries(l.values as Record<string, Entry>).map(([k, v]) => [`${link}.${k}`, v] as [string, Entry])),
  ];
  let quoted = 0;
  for (const [key, e] of entries) {
    if (!e.tsv) {
      assert.match(e.source, /^(assumption|derived|no |LoRaWAN class A)/i, `${key}: a value without a row must say it is an assumption`);
      continue;
    }
    const row = rows.find((r) => r[1] === e.tsv);
    assert.ok(row, `${key}: no row '${e.tsv}'`);
    assert.ok(e.text && row.join('\t').includes(e.text), `${key}: '${e.text}' not in row '${e.tsv}'`);
    quoted++;
  }
  assert.ok(quoted >= 15);
});
