/**
 * Reading the facts this project collected itself (scripts/facts/*.tsv: tab-separated, one header row, a source on
 * every row), for the converter, the latency fit and its benchmark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The rows of scripts/facts/<name> as objects keyed by the header's column names (missing cells are ''). */
export function factsTable(name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(__dirname, 'facts', name), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const cols = head!.split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(cols.map((c, i) => [c, (cells[i] ?? '').trim()]));
  });
}
