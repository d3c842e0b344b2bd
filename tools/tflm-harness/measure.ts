/**
 * Runs .tflite models through the TFLM harness under QEMU with the opcount plugin and writes two TSV files: one row
 * per model x build (allocation figures, status, instructions of the whole Invoke) and one row per executed operator
 * (instructions of that operator's Invoke).
 *
 *   node --import tsx tools/tflm-harness/measure.ts --build cortex-m4+fp:cmsis_nn [--build CORE:KERNELS ...]
 *     --out-models FILE --out-ops FILE [--out-prep FILE] [--min] [--mode insn|tb] [--jobs N] [--timeout SECONDS]
 *     MODEL.tflite|DIR ...
 *
 * --out-prep adds a third file: one row per node whose Prepare completed (the scratch buffers it requested and the
 * persistent bytes its Prepare allocated), from the harness's PREP lines.
 *
 * Each build must have been made by build.sh and harness.sh (in $TFLM_RIG, default /work/tflm-rig). Rows are
 * appended in model order (also with --jobs N); the header (comment lines with the versions, then the column names)
 * is written when the file is new. Not part of `npm test`.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

import { allocatedCleanly, failingNode, kv, prepRows } from './parse.js';

const RIG = process.env.TFLM_RIG ?? '/work/tflm-rig';

interface Options {
  builds: { core: string; kernels: string }[];
  models: string[];
  outModels: string;
  outOps: string;
  outPrep: string;
  /** Per op, the instructions spent in the build's libgcc helpers (builds with a `helpers` range: Xtensa). */
  outHelpers: string;
  min: boolean;
  mode: 'insn' | 'tb';
  jobs: number;
  timeout: number;
}

function usage(msg: string): never {
  process.stderr.write(`measure.ts: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { builds: [], models: [], outModels: '', outOps: '', outPrep: '', outHelpers: '', min: false, mode: 'insn', jobs: 1, timeout: 600 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--build') {
      const [core, kernels] = next().split(':');
      if (!core || (kernels !== 'reference' && kernels !== 'cmsis_nn')) usage('--build is CORE:reference|cmsis_nn');
      o.builds.push({ core, kernels });
    } else if (a === '--out-models') o.outModels = next();
    else if (a === '--out-ops') o.outOps = next();
    else if (a === '--out-prep') o.outPrep = next();
    else if (a === '--out-helpers') o.outHelpers = next();
    else if (a === '--min') o.min = true;
    else if (a === '--mode') {
      const m = next();
      if (m !== 'insn' && m !== 'tb') usage('--mode is insn or tb');
      o.mode = m;
    } else if (a === '--jobs') o.jobs = Math.max(1, Number(next()) | 0);
    else if (a === '--timeout') o.timeout = Number(next());
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (existsSync(a) && statSync(a).isDirectory()) {
      for (const f of readdirSync(a).sort()) if (f.endsWith('.tflite')) o.models.push(join(a, f));
    } else if (existsSync(a)) o.models.push(a);
    else usage(`no such model: ${a}`);
  }
  if (o.builds.length === 0 || o.models.length === 0 || !o.outModels || !o.outOps) {
    usage('give --build, --out-models, --out-ops and at least one model');
  }
  return o;
}

interface Build {
  core: string;
  kernels: string;
  elf: string;
  machine: string;
  marker: string;
  /** `0xLO-0xHI`: the libgcc helpers' addresses, counted apart by the plugin (harness.sh writes it for Xtensa). */
  helpers: string | null;
}

function loadBuild(core: string, kernels: string): Build {
  const dir = join(RIG, 'harness', `${core}_${kernels}`);
  const elf = join(dir, 'harness.elf');
  if (!existsSync(elf)) usage(`${elf} missing: run build.sh and harness.sh ${core} ${kernels}`);
  return {
    core,
    kernels,
    elf,
    machine: readFileSync(join(dir, 'machine'), 'utf8').trim(),
    marker: readFileSync(join(dir, 'marker'), 'utf8').trim(),
    helpers: existsSync(join(dir, 'helpers')) ? readFileSync(join(dir, 'helpers'), 'utf8').trim() : null,
  };
}

interface RunResult {
  lines: string[];
  marks: number[];
  /** Helper instructions executed before each mark (builds with a helpers range). */
  hmarks: number[];
  total: number;
  exit: number | null;
  timedOut: boolean;
}

const QEMU_OF: Readonly<Record<string, string>> = { virt: 'qemu-system-riscv32', sim: 'qemu-system-xtensa' };
const qemuBinary = (machine: string): string => QEMU_OF[machine] ?? 'qemu-system-arm';

/** One QEMU run of the harness on one model. */
function runQemu(b: Build, model: string, extra: string[], mode: string, timeoutS: number, plugin: boolean): Promise<RunResult> {
  const work = mkdtempSync(join(tmpdir(), 'tflm-rig-'));
  const marksFile = join(work, 'marks');
  const semi = ['enable=on', 'target=native', 'arg=harness', `arg=${resolve(model)}`, ...extra.map((e) => `arg=${e}`)];
  if (semi.some((s) => s.includes(',') || s.includes(' '))) usage(`model paths may not contain ',' or ' ': ${model}`);
  // RISC-V (riscv32 `virt`): no firmware, so QEMU's reset code jumps to the start of RAM where the harness's entry is.
  // Xtensa (`sim`, lx106): QEMU starts at the reset vector in the sysrom, where the harness's .reset jumps to its entry.
  const machineArgs = b.machine === 'virt' ? ['-M', 'virt', '-bios', 'none', '-m', '64M']
    : b.machine === 'sim' ? ['-M', 'sim', '-cpu', 'lx106', '-m', '128M'] : ['-M', b.machine];
  const args = [...machineArgs, '-nographic', '-monitor', 'none', '-serial', 'none', '-semihosting-config', semi.join(','), '-kernel', b.elf];
  const helpers = b.helpers && mode === 'insn' ? `,helpers=${b.helpers}` : '';
  if (plugin) args.push('-plugin', `${join(RIG, 'harness', 'opcount.so')},marker=${b.marker},mode=${mode}${helpers},out=${marksFile}`);
  return new Promise((done) => {
    const child = spawn(qemuBinary(b.machine), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const marks: number[] = [];
      const hmarks: number[] = [];
      let total = 0;
      if (existsSync(marksFile)) {
        for (const l of readFileSync(marksFile, 'utf8').split('\n')) {
          const m = /^mark (\d+) (\d+)$/.exec(l);
          if (m) marks[Number(m[1])] = Number(m[2]);
          const h = /^hmark (\d+) (\d+)$/.exec(l);
          if (h) hmarks[Number(h[1])] = Number(h[2]);
          const t = /^opcount total (\d+)$/.exec(l);
          if (t) total = Number(t[1]);
        }
      }
      rmSync(work, { recursive: true, force: true });
      done({ lines: out.split(/\r?\n/), marks, hmarks, total, exit: code, timedOut });
    });
  });
}

interface ModelRow {
  cells: string[];
  ops: string[][];
  prep: string[][];
  helpers: string[][];
}

async function probeOk(b: Build, model: string, arena: number, timeoutS: number): Promise<boolean> {
  const r = await runQemu(b, model, [`arena=${arena}`, 'invoke=0'], 'insn', Math.min(timeoutS, 60), false);
  return allocatedCleanly(r.lines);
}

/** Smallest arena for which AllocateTensors() succeeds; each probe is its own QEMU run (some probes fault). */
async function minArena(b: Build, model: string, used: number, timeoutS: number): Promise<number> {
  let hi = used;
  while (!(await probeOk(b, model, hi, timeoutS))) hi += Math.max(256, Math.ceil(used / 16));
  let lo = Math.floor(used / 2);
  if (await probeOk(b, model, lo, timeoutS)) lo = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await probeOk(b, model, mid, timeoutS)) hi = mid;
    else lo = mid;
  }
  return hi;
}

async function measure(b: Build, model: string, sha: string, o: Options): Promise<ModelRow> {
  const name = basename(model, '.tflite');
  const r = await runQemu(b, model, [], o.mode, o.timeout, true);
  const alloc = r.lines.find((l) => l.startsWith('ALLOC'));
  const fault = r.lines.find((l) => l.startsWith('FAULT'));
  const a = alloc ? kv(alloc) : {};
  const inv = r.lines.find((l) => l.startsWith('INVOKE'));
  const marksLine = r.lines.find((l) => l.startsWith('MARKS'));
  // The harness exits with 3 from its fault handler; the FAULT line is missing when the fault corrupted its state.
  const faulted = fault !== undefined || r.exit === 3;
  let status: string;
  if (r.timedOut) status = 'timeout';
  else if (!alloc) status = faulted ? 'fault' : 'error';
  else if (a.status !== 'ok') status = 'unsupported';
  else if (!inv) status = faulted ? 'invoke_fault' : 'invoke_error';
  else status = kv(inv).status === 'ok' ? 'ok' : 'invoke_error';
  const ok = a.status === 'ok';
  let minBytes = '';
  if (ok && o.min) minBytes = String(await minArena(b, model, Number(a.used), o.timeout));

  const ops: string[][] = [];
  const helpers: string[][] = [];
  let invokeInstr = '';
  let overhead = '';
  let opsSum = 0;
  if (marksLine && r.marks.length > 1) {
    const m = r.marks;
    const over = m[1]! - m[0]!;
    overhead = String(over);
    const [ia, ib] = kv(marksLine).invoke!.split(',').map(Number) as [number, number];
    invokeInstr = String(m[ib]! - m[ia]!);
    for (const l of r.lines) {
      if (!l.startsWith('OP ')) continue;
      const e = kv(l);
      const n = m[Number(e.end)]! - m[Number(e.begin)]! - over;
      if (e.depth === '0') opsSum += n;
      ops.push([name, b.core, b.kernels, e.i!, e.sg!, e.node!, e.depth!, e.op!, String(n)]);
      const h = r.hmarks;
      if (h.length === m.length) helpers.push([name, b.core, b.kernels, e.i!, e.op!, String(n), String(h[Number(e.end)]! - h[Number(e.begin)]!)]);
    }
  }
  let note = fault ?? '';
  if (r.timedOut) note = `no result in ${o.timeout} s`;
  else if (faulted && !fault) note = 'FAULT (exit 3; the fault report itself was lost)';
  else if (!fault && !r.lines.includes('DONE')) note = `no DONE line (exit ${r.exit})`;
  const cells = [
    name, sha, b.core, b.kernels, status,
    ok ? a.used! : '', alloc ? a.head! : '', alloc ? a.tail! : '', minBytes,
    status === 'ok' ? '' : failingNode(r.lines),
    String(ops.length), invokeInstr, ops.length ? String(opsSum) : '', overhead, String(r.total), note,
  ];
  return { cells, ops, prep: prepRows(name, b, r.lines), helpers };
}

const MODEL_COLUMNS = [
  'model', 'sha256', 'core', 'kernels', 'status', 'arena_used_bytes', 'head_bytes', 'tail_bytes', 'min_arena_bytes',
  'failing_node', 'ops_executed', 'invoke_instructions', 'ops_instructions', 'profiler_overhead', 'run_instructions', 'note',
];
const OP_COLUMNS = ['model', 'core', 'kernels', 'index', 'subgraph', 'node', 'depth', 'op', 'instructions'];
const HELPER_COLUMNS = ['model', 'core', 'kernels', 'index', 'op', 'instructions', 'helper_instructions'];
const PREP_COLUMNS = ['model', 'core', 'kernels', 'subgraph', 'node', 'op', 'scratch_buffers', 'scratch_bytes', 'scratch_list', 'prepare_tail_bytes'];

function header(columns: string[], o: Options): string {
  const tflm = existsSync(join(RIG, 'tflite-micro', '.rig-complete'))
    ? readFileSync(join(RIG, 'tflite-micro', '.rig-complete'), 'utf8').trim().split('\n')
    : [];
  const riscv = o.builds.some((b) => b.core.startsWith('rv32'));
  const xtensa = o.builds.some((b) => b.core.startsWith('xtensa'));
  const [cc, emu] = xtensa ? ['xtensa-lx106-elf-gcc', 'qemu-system-xtensa'] : riscv ? ['riscv64-unknown-elf-gcc', 'qemu-system-riscv32'] : ['arm-none-eabi-gcc', 'qemu-system-arm'];
  const gcc = execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const qemu = execFileSync(emu, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const lines = [
    '# Measured by tools/tflm-harness (see its README): TFLM under QEMU, instructions counted by the opcount plugin.',
    ...tflm.map((l) => `# source: ${l}`),
    `# compiler: ${gcc}; TFLM Makefile BUILD_TYPE=${process.env.BUILD_TYPE ?? 'release_with_logs'} (-Os core, -O2 kernels)`,
    `# emulator: ${qemu}; machines: mps2-an386 (M0+/M4), mps2-an500 (M7), mps2-an505 (M33), mps3-an547 (M55), riscv32 virt (rv32imc), xtensa sim -cpu lx106 (xtensa-lx106); plugin mode=${o.mode}`,
    '# instructions: executed guest instructions; per op = its Invoke between the profiler marks minus the profiler overhead',
    columns.join('\t'),
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const builds = o.builds.map((b) => loadBuild(b.core, b.kernels));
  if (!existsSync(o.outModels)) writeFileSync(o.outModels, header(MODEL_COLUMNS, o));
  if (!existsSync(o.outOps)) writeFileSync(o.outOps, header(OP_COLUMNS, o));
  if (o.outPrep && !existsSync(o.outPrep)) writeFileSync(o.outPrep, header(PREP_COLUMNS, o));
  if (o.outHelpers && !existsSync(o.outHelpers)) writeFileSync(o.outHelpers, header(HELPER_COLUMNS, o));
  const jobs: (() => Promise<void>)[] = [];
  // With --jobs > 1 runs finish out of order; each result waits here until every earlier job's is written, so the
  // files are in model order whatever the job count.
  const done: (ModelRow | undefined)[] = [];
  let written = 0;
  const flush = (): void => {
    for (let row = done[written]; row !== undefined; row = done[++written]) {
      appendFileSync(o.outModels, row.cells.join('\t') + '\n');
      if (row.ops.length) appendFileSync(o.outOps, row.ops.map((r) => r.join('\t')).join('\n') + '\n');
      if (o.outPrep && row.prep.length) appendFileSync(o.outPrep, row.prep.map((r) => r.join('\t')).join('\n') + '\n');
      if (o.outHelpers && row.helpers.length) appendFileSync(o.outHelpers, row.helpers.map((r) => r.join('\t')).join('\n') + '\n');
      done[written] = undefined;
    }
  };
  for (const model of o.models) {
    const sha = createHash('sha256').update(readFileSync(model)).digest('hex');
    for (const b of builds) {
      const slot = jobs.length;
      jobs.push(async () => {
        const t0 = Date.now();
        const row = await measure(b, model, sha, o);
        done[slot] = row;
        flush();
        process.stderr.write(`${basename(model)} ${b.core} ${b.kernels}: ${row.cells[4]} ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      });
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: o.jobs }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`measure.ts: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
