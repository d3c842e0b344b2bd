// The commands the corpus runner gives every model, and the key figures each row keeps from its output. A figure that
// moves shows up in `npm run corpus -- run --check`; wording does not (text output is kept as an exit code only).

/** One command on one model: its CLI arguments and how to read its figures. */
export interface CorpusCommand {
  readonly id: string;
  readonly args: (model: string, tmp: string) => string[];
  /** status and `key=value` figures from standard output (exit code 0/1 only). */
  readonly read: (stdout: string) => { status: string; figures: string };
  /** Run only on float models (quantize). */
  readonly floatOnly?: boolean;
}

type Json = Record<string, unknown>;

function num(v: unknown, digits = 0): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '-';
  return digits === 0 ? String(Math.round(v)) : v.toPrecision(digits);
}

function get(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Json)[k] : undefined;
  return v;
}

function fig(pairs: Record<string, string | number | undefined>): string {
  const parts = Object.entries(pairs).filter(([, v]) => v !== undefined && v !== '-').map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** Figures of an `analyze --format json` report: memory, flash, MACs, unsupported ops, latency, NPU part. */
function readAnalyze(stdout: string): { status: string; figures: string } {
  const j = JSON.parse(stdout) as Json;
  const unsupported = get(j, 'unsupportedOps');
  const latency = get(j, 'latency', 'ms');
  const custom = get(j, 'customOps');
  const notes = get(j, 'notes');
  const notCosted = Array.isArray(notes) ? notes.filter((n) => /not costed/.test(String(n))).length : 0;
  return {
    status: String(get(j, 'status') ?? '-'),
    figures: fig({
      runtime: String(get(j, 'runtime') ?? '-'),
      path: (get(j, 'codePath') as string | undefined) ?? undefined,
      used: num(get(j, 'memory', 'arenaUsedBytes')),
      head: num(get(j, 'memory', 'headBytes')),
      tail: num(get(j, 'memory', 'tailBytes')),
      min: num(get(j, 'memory', 'minArenaBytes')),
      exact: get(j, 'memory', 'exact') === undefined ? undefined : String(get(j, 'memory', 'exact')),
      flash: num(get(j, 'flash', 'modelBytes')),
      weights: num(get(j, 'flash', 'weightBytes')),
      macs: num(get(j, 'macs')),
      unsupported: Array.isArray(unsupported) ? unsupported.length : undefined,
      ms: latency === null ? 'unknown' : num(latency, 4),
      fits: get(j, 'fit', 'fits') === undefined ? undefined : String(get(j, 'fit', 'fits')),
      custom: Array.isArray(custom) && custom.length > 0 ? custom.length : undefined,
      notcosted: notCosted > 0 ? notCosted : undefined,
    }),
  };
}

function readSarif(stdout: string): { status: string; figures: string } {
  const results = get(JSON.parse(stdout), 'runs', '0', 'results');
  const list = Array.isArray(results) ? (results as Json[]) : [];
  const by = new Map<string, number>();
  for (const r of list) by.set(String(r['ruleId']), (by.get(String(r['ruleId'])) ?? 0) + 1);
  return { status: `${list.length} results`, figures: fig(Object.fromEntries([...by].sort())) };
}

function readFit(stdout: string): { status: string; figures: string } {
  const targets = get(JSON.parse(stdout), 'targets');
  const list = Array.isArray(targets) ? (targets as Json[]) : [];
  const fits = list.filter((t) => get(t, 'fit', 'fits') === true).length;
  return { status: `${fits}/${list.length} fit`, figures: fig({ fits, targets: list.length }) };
}

function readCompile(stdout: string): { status: string; figures: string } {
  const files = /wrote (\d+) files/.exec(stdout)?.[1];
  const arena = /tensor arena [^(]*\(([\d,]+) B\)/.exec(stdout)?.[1]?.replace(/,/g, '');
  return { status: files === undefined ? 'not written' : 'written', figures: fig({ files, arena }) };
}

/** A byte figure as the CLI prints it: `1.1 KiB (1,156 B)` or `604 B`. */
function bytesIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /\(([\d,]+) B\)/.exec(text) ?? /^([\d,]+) B\b/.exec(text.trim());
  return m?.[1]?.replace(/,/g, '');
}

function readQuantize(stdout: string): { status: string; figures: string } {
  const size = /^model size\s+.* -> (.*)$/m.exec(stdout)?.[1];
  const errMax = /int8 max ([\d.e+-]+)/.exec(stdout)?.[1];
  const pairs: Record<string, string | undefined> = { size: bytesIn(size), errmax: errMax };
  for (const m of stdout.matchAll(/^tensor arena\s+.* -> (.*) \([^,]*, ([\w-]+)\)$/gm)) pairs[`arena_${m[2]}`] = bytesIn(m[1]);
  return { status: 'quantized', figures: fig(pairs) };
}

const json = (model: string, ...rest: string[]): string[] => ['analyze', model, ...rest, '--format', 'json'];

/** Every command of the corpus run, in the order it runs. */
export const COMMANDS: readonly CorpusCommand[] = [
  { id: 'analyze-text', args: (m) => ['analyze', m], read: () => ({ status: '-', figures: '-' }) },
  { id: 'analyze-ref', args: (m) => json(m, '--runtime', 'tflm-reference'), read: readAnalyze },
  { id: 'analyze-cmsis', args: (m) => json(m, '--runtime', 'tflm-cmsis-nn'), read: readAnalyze },
  { id: 'analyze-sarif', args: (m) => ['analyze', m, '--format', 'sarif'], read: readSarif },
  { id: 'analyze-nrf52840', args: (m) => json(m, '--target', 'nrf52840'), read: readAnalyze },
  { id: 'analyze-m55', args: (m) => json(m, '--target', 'cortex-m55'), read: readAnalyze },
  { id: 'analyze-esp32s3', args: (m) => json(m, '--target', 'esp32s3'), read: readAnalyze },
  { id: 'analyze-alif-e7-ethos-u', args: (m) => json(m, '--target', 'alif-e7', '--runtime', 'ethos-u'), read: readAnalyze },
  { id: 'analyze-edgetpu', args: (m) => json(m, '--runtime', 'edgetpu'), read: readAnalyze },
  { id: 'fit', args: (m) => ['fit', m, '--format', 'json'], read: readFit },
  { id: 'compile', args: (m, tmp) => ['compile', m, '--out', `${tmp}/compile`, '--name', 'corpus_model', '--force'], read: readCompile },
  {
    id: 'quantize',
    args: (m, tmp) => ['quantize', m, '--out', `${tmp}/quantized.tflite`, '--random', '2', '--quiet', '--force'],
    read: readQuantize,
    floatOnly: true,
  },
];
