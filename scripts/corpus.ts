// The real-model corpus (issue 12): `npm run corpus -- fill|run`.
//   fill --from DIR            copy every manifest model found in DIR (any name, matched by sha256) into .corpus/
//   fill --from-mirrors DIR    read the rest from the fetched bare mirrors (DIR/OWNER+NAME/repo, git cat-file)
//   run [--jobs N] [--only RE] [--commands RE]
//                              run every command on every model in .corpus/ (the built dist/cli.js) and write
//                              test/corpus/golden.tsv; with --check, print what moved against it instead (exit 1)
// Models are never committed: .corpus/ is git-ignored. See test/corpus/README.md.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { COMMANDS, type CorpusCommand } from './corpus-commands.js';
import { type CorpusEntry, formatGolden, type GoldenRow, goldenDiff, mirrorDir, parseGolden, parseManifest } from './corpus-lib.js';

const ROOT = resolve(__dirname, '..');
const MANIFEST = join(ROOT, 'test', 'corpus', 'manifest.tsv');
const GOLDEN = join(ROOT, 'test', 'corpus', 'golden.tsv');
const CLI = join(ROOT, 'dist', 'cli.js');
/** A command still running after this long is stopped and recorded as `timeout` (exit -1): a finding to look at. */
const COMMAND_TIMEOUT_MS = 300_000;
/** quantize runs a float interpreter over random samples: skipped above this many MACs (recorded as skipped). */
const QUANTIZE_MAX_MACS = 60_000_000;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function option(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
  return v;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) walk(p, out);
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

function fill(args: string[], entries: CorpusEntry[], cache: string): number {
  mkdirSync(cache, { recursive: true });
  const have = (e: CorpusEntry): boolean => {
    const p = join(cache, `${e.name}.tflite`);
    return existsSync(p) && sha256(readFileSync(p)) === e.sha256;
  };
  const missing = new Map(entries.filter((e) => !have(e)).map((e) => [e.sha256, e]));
  let copied = 0;
  const from = option(args, '--from');
  if (from !== undefined) {
    const sizes = new Set([...missing.values()].map((e) => e.size));
    for (const file of walk(resolve(from))) {
      if (!sizes.has(statSync(file).size)) continue;
      const e = missing.get(sha256(readFileSync(file)));
      if (!e) continue;
      copyFileSync(file, join(cache, `${e.name}.tflite`));
      missing.delete(e.sha256);
      copied++;
    }
  }
  const mirrors = option(args, '--from-mirrors');
  if (mirrors !== undefined) {
    for (const e of [...missing.values()]) {
      const dir = mirrorDir(resolve(mirrors), e.repo);
      if (!existsSync(dir)) continue;
      let bytes: Buffer;
      try {
        bytes = execFileSync('git', ['-C', dir, 'cat-file', 'blob', `${e.commit}:${e.path}`], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        continue; // not in this snapshot
      }
      if (sha256(bytes) !== e.sha256) {
        console.error(`corpus fill: ${e.name}: ${e.repo}:${e.path} at ${e.commit.slice(0, 12)} has another sha256 (skipped)`);
        continue;
      }
      writeFileSync(join(cache, `${e.name}.tflite`), bytes);
      missing.delete(e.sha256);
      copied++;
    }
  }
  console.log(`corpus: ${copied} copied, ${entries.length - missing.size} of ${entries.length} in ${cache}`);
  for (const e of missing.values()) console.log(`  missing ${e.name} (${e.repo} ${e.path})`);
  return 0;
}

interface Job {
  readonly entry: CorpusEntry;
  readonly file: string;
}

function runOne(args: string[]): Promise<{ exit: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ exit: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: performance.now() - started });
    });
  });
}

/** Float inputs and MACs of subgraph 0, read in process (no CLI): which models quantize is given. */
function floatAndSmall(bytes: Uint8Array, macs: number | undefined): 'yes' | 'no' | 'slow' {
  try {
    const model = readTflite(bytes);
    const sg = model.subgraphs[0];
    if (!sg || sg.inputs.length === 0) return 'no';
    if (!sg.inputs.every((i) => sg.tensors[i]?.dtype === 'FLOAT32')) return 'no';
    return macs !== undefined && macs > QUANTIZE_MAX_MACS ? 'slow' : 'yes';
  } catch {
    return 'no';
  }
}

/** A typed, located error's first line, without this machine's path or the list of what is supported. */
function reasonOf(stderr: string, file: string): string {
  const line = (stderr.split('\n')[0] ?? '').replaceAll(file, 'MODEL').replace(/^tinyml-lens: /, '').replace(/ \(supported: .*$/, '');
  return line.replace(/\t/g, ' ').slice(0, 200) || '-';
}

async function runModel(job: Job, commands: readonly CorpusCommand[]): Promise<GoldenRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'corpus-'));
  const rows: GoldenRow[] = [];
  let macs: number | undefined;
  try {
    for (const cmd of commands) {
      if (cmd.floatOnly) {
        if (macs === undefined) {
          // run alone (--commands): the MACs decide whether quantize is worth its time
          const r = await runOne(['analyze', job.file, '--runtime', 'tflm-reference', '--format', 'json']);
          try {
            macs = Number((JSON.parse(r.stdout) as { macs?: unknown }).macs) || 0;
          } catch {
            macs = 0;
          }
        }
        const kind = floatAndSmall(readFileSync(job.file), macs);
        if (kind === 'no') continue;
        if (kind === 'slow') {
          rows.push({ model: job.entry.name, command: cmd.id, exit: 0, status: 'skipped', figures: `macs>${QUANTIZE_MAX_MACS}`, ms: 0 });
          continue;
        }
      }
      const r = await runOne(cmd.args(job.file, tmp));
      let status = r.exit === -1 ? 'timeout' : 'error';
      let figures = '-';
      const internal = /internal error/i.test(r.stderr + r.stdout);
      if (internal) {
        status = 'INTERNAL ERROR';
        figures = (r.stderr.split('\n').find((l) => /internal error/i.test(l)) ?? '').replace(/[\t\n]/g, ' ').slice(0, 200);
      } else if (r.exit === 1 && r.stdout.trim() === '') {
        // refused with a reason (quantize on an op it does not support): the reason's first clause
        status = 'refused';
        figures = reasonOf(r.stderr, job.file);
      } else if (r.exit === 0 || r.exit === 1) {
        try {
          ({ status, figures } = cmd.read(r.stdout));
        } catch (e) {
          status = 'UNREADABLE OUTPUT';
          figures = (e as Error).message.slice(0, 120);
        }
        const m = /(?:^|\s)macs=(\d+)/.exec(figures);
        if (m && macs === undefined) macs = Number(m[1]);
      } else if (r.exit === 2) {
        figures = reasonOf(r.stderr, job.file);
      }
      rows.push({ model: job.entry.name, command: cmd.id, exit: r.exit, status, figures, ms: Math.round(r.ms) });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

async function run(args: string[], entries: CorpusEntry[], cache: string): Promise<number> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
  const jobs = Number(option(args, '--jobs') ?? '2');
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error('--jobs takes a whole number >= 1');
  const only = option(args, '--only');
  const re = only === undefined ? undefined : new RegExp(only);
  const selected = entries.filter((e) => re === undefined || re.test(e.name));
  const onlyCommands = option(args, '--commands');
  const commands = COMMANDS.filter((c) => onlyCommands === undefined || new RegExp(onlyCommands).test(c.id));
  const queue: Job[] = [];
  const absent: string[] = [];
  for (const entry of selected) {
    const file = join(cache, `${entry.name}.tflite`);
    if (existsSync(file)) queue.push({ entry, file });
    else absent.push(entry.name);
  }
  console.error(`corpus run: ${queue.length} models, ${commands.length} commands each, ${jobs} jobs${absent.length ? `; ${absent.length} not in ${cache} (fill first)` : ''}`);
  const ran = new Set(queue.map((j) => j.entry.name));
  const ranRow = (r: GoldenRow): boolean => ran.has(r.model) && commands.some((c) => c.id === r.command);
  const rows: GoldenRow[] = [];
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      rows.push(...(await runModel(job, commands)));
      done++;
      if (process.stderr.isTTY || done % 10 === 0) console.error(`  ${done} models done (${job.entry.name})`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const bad = rows.filter((r) => r.status === 'INTERNAL ERROR' || r.status === 'UNREADABLE OUTPUT' || ![0, 1, 2].includes(r.exit));
  for (const r of bad) console.error(`PROBLEM ${r.model} ${r.command}: exit ${r.exit} ${r.status} ${r.figures}`);
  const previous = existsSync(GOLDEN) ? parseGolden(readFileSync(GOLDEN, 'utf8'), GOLDEN) : [];
  if (args.includes('--check')) {
    const diffs = goldenDiff(previous.filter(ranRow), rows);
    for (const d of diffs) console.log(d);
    console.log(`corpus check: ${rows.length} rows, ${diffs.length} differences, ${bad.length} problems`);
    return diffs.length > 0 || bad.length > 0 ? 1 : 0;
  }
  // a partial run (--only, --commands, or models absent) keeps the other rows
  const kept = previous.filter((r) => !ranRow(r));
  writeFileSync(GOLDEN, formatGolden([...kept, ...rows]));
  console.log(`corpus: ${rows.length} rows for ${ran.size} models -> ${GOLDEN} (${bad.length} problems)`);
  return bad.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const entries = parseManifest(readFileSync(MANIFEST, 'utf8'), MANIFEST);
  const cache = resolve(option(args, '--cache') ?? join(ROOT, '.corpus'));
  if (command === 'fill') return fill(args, entries, cache);
  if (command === 'run') return run(args, entries, cache);
  console.error('usage: npm run corpus -- fill (--from DIR | --from-mirrors DIR) | run [--jobs N] [--only REGEX] [--commands REGEX] [--check]');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { console.error(`corpus: ${(e as Error).message}`); process.exitCode = 2; },
);
