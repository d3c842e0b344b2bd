// The corpus tables: test/corpus/manifest.tsv (which real models, from where) and test/corpus/golden.tsv (what every
// command said about each). Pure (no I/O) so the unit test that checks both tables needs no models.

/** One real model: where it was published and how to recognise its bytes. */
export interface CorpusEntry {
  readonly name: string;
  readonly repo: string;
  readonly path: string;
  readonly commit: string;
  readonly licence: string;
  readonly sha256: string;
  readonly size: number;
  readonly category: string;
}

export const MANIFEST_COLUMNS = ['name', 'repo', 'path', 'commit', 'licence', 'sha256', 'size', 'category'] as const;

/** One command run on one model. `ms` is recorded but never compared. */
export interface GoldenRow {
  readonly model: string;
  readonly command: string;
  readonly exit: number;
  readonly status: string;
  /** `key=value` figures separated by spaces (arena used, minimum, flash, MACs, latency ...), or `-`. */
  readonly figures: string;
  readonly ms: number;
}

export const GOLDEN_COLUMNS = ['model', 'command', 'exit', 'status', 'figures', 'ms'] as const;

export class CorpusTableError extends Error {
  constructor(readonly file: string, readonly line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'CorpusTableError';
  }
}

function rows(text: string, file: string, columns: readonly string[]): string[][] {
  const lines = text.split('\n');
  if (lines[0] !== columns.join('\t')) throw new CorpusTableError(file, 1, `header must be: ${columns.join(' ')}`);
  const out: string[][] = [];
  lines.slice(1).forEach((line, i) => {
    if (line === '') return;
    const cells = line.split('\t');
    if (cells.length !== columns.length) {
      throw new CorpusTableError(file, i + 2, `${cells.length} cells, expected ${columns.length}`);
    }
    out.push(cells);
  });
  return out;
}

export function parseManifest(text: string, file = 'manifest.tsv'): CorpusEntry[] {
  const names = new Set<string>();
  return rows(text, file, MANIFEST_COLUMNS).map((c, i) => {
    const [name, repo, path, commit, licence, sha256, size, category] = c as [string, string, string, string, string, string, string, string];
    const line = i + 2;
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || names.has(name)) throw new CorpusTableError(file, line, `bad or repeated name ${name}`);
    names.add(name);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new CorpusTableError(file, line, 'sha256 is not 64 hex digits');
    if (!/^[0-9a-f]{40}$/.test(commit)) throw new CorpusTableError(file, line, 'commit is not 40 hex digits');
    if (!/^\d+$/.test(size)) throw new CorpusTableError(file, line, 'size is not a byte count');
    if (licence === '') throw new CorpusTableError(file, line, 'no licence');
    return { name, repo, path, commit, licence, sha256, size: Number(size), category };
  });
}

export function formatManifest(entries: readonly CorpusEntry[]): string {
  const lines = entries.map((e) => MANIFEST_COLUMNS.map((k) => String(e[k])).join('\t'));
  return `${[MANIFEST_COLUMNS.join('\t'), ...lines].join('\n')}\n`;
}

export function parseGolden(text: string, file = 'golden.tsv'): GoldenRow[] {
  return rows(text, file, GOLDEN_COLUMNS).map((c, i) => {
    const [model, command, exit, status, figures, ms] = c as [string, string, string, string, string, string];
    if (!/^-?\d+$/.test(exit)) throw new CorpusTableError(file, i + 2, `exit code ${exit} is not a number`);
    if (!/^\d+$/.test(ms)) throw new CorpusTableError(file, i + 2, `time ${ms} is not whole milliseconds`);
    return { model, command, exit: Number(exit), status, figures, ms: Number(ms) };
  });
}

export function formatGolden(golden: readonly GoldenRow[]): string {
  const sorted = [...golden].sort((a, b) => a.model.localeCompare(b.model) || a.command.localeCompare(b.command));
  const lines = sorted.map((r) => GOLDEN_COLUMNS.map((k) => String(r[k])).join('\t'));
  return `${[GOLDEN_COLUMNS.join('\t'), ...lines].join('\n')}\n`;
}

/** What `run --check` compares: everything but the time. */
export function goldenDiff(expected: readonly GoldenRow[], actual: readonly GoldenRow[]): string[] {
  const key = (r: GoldenRow): string => `${r.model}\t${r.command}`;
  const want = new Map(expected.map((r) => [key(r), r]));
  const got = new Map(actual.map((r) => [key(r), r]));
  const diffs: string[] = [];
  for (const [k, a] of got) {
    const e = want.get(k);
    const show = (r: GoldenRow): string => `exit ${r.exit} ${r.status} ${r.figures}`;
    if (!e) diffs.push(`+ ${k.replace('\t', ' ')}: ${show(a)}`);
    else if (e.exit !== a.exit || e.status !== a.status || e.figures !== a.figures) {
      diffs.push(`~ ${k.replace('\t', ' ')}:\n    was ${show(e)}\n    now ${show(a)}`);
    }
  }
  for (const k of want.keys()) if (!got.has(k)) diffs.push(`- ${k.replace('\t', ' ')}: no longer run`);
  return diffs;
}

/** The bare mirror of `owner/name` as `fetch` leaves it: `MIRRORS/OWNER+NAME/repo`. */
export function mirrorDir(mirrors: string, repo: string): string {
  return `${mirrors}/${repo.replace('/', '+')}/repo`;
}
