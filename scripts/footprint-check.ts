/**
 * The footprint check (issue 10, "done when"): for every shared model TFLM runs (../shared/models,
 * tflm_ground_truth.tsv status ok) and every measured build, generate `compile`'s TFLM project, compile and link its
 * example with the footprint rig's flags against that build's library, subtract the model array and the tensor arena
 * (by symbol), and compare TFLM's runtime flash and static RAM with predictRuntimeFootprint. Writes
 * test/measured/footprint_check.tsv (test/unit/footprint-check.test.ts re-checks it without the toolchain).
 *
 *   node --import tsx scripts/footprint-check.ts [--models DIR] [--build CORE:KERNELS ...] [--out FILE]   # default: every measured build
 *   node --import tsx scripts/footprint-check.ts --repredict [--out FILE]   # new measured.json, same links
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledFootprintData, predictRuntimeFootprint } from '../server/src/analysis/footprint/index.js';
import { compileCxx, link, openBuild, RIG, sh, toolchainVersion, type Build } from '../tools/tflm-harness/footprint/rig.js';
import { COMPILE_EXTRA, LINK_FLAGS } from '../tools/tflm-harness/footprint/rig.js';

const ROOT = resolve(__dirname, '..');
/** Rig TARGET_ARCH -> the catalog core whose measured build it is. */
const CATALOG_CORE: Record<string, string> = {
  'cortex-m0plus': 'cortex-m0plus', 'cortex-m4+fp': 'cortex-m4f', 'cortex-m7+fp': 'cortex-m7', 'cortex-m33': 'cortex-m33', 'cortex-m55': 'cortex-m55',
};

const HEADER = ['model', 'build', 'core', 'ops', 'text', 'rodata', 'data', 'bss', 'model_array_bytes', 'arena_bytes',
  'runtime_flash', 'runtime_ram', 'predicted_flash', 'predicted_ram', 'flash_error_pct', 'ram_error_bytes'];

function args(argv: string[]): { models: string; builds: string[]; out: string } {
  let models = resolve(ROOT, '../shared/models');
  let out = join(ROOT, 'test/measured/footprint_check.tsv');
  const builds: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, v = argv[i + 1];
    if (a === '--models' && v) { models = v; i++; } else if (a === '--build' && v) { builds.push(v); i++; } else if (a === '--out' && v) { out = v; i++; } else throw new Error(`unknown argument ${a}`);
  }
  // Default: every build measured.json holds ("cortex-m7+fp cmsis_nn" -> cortex-m7+fp:cmsis_nn).
  if (!builds.length) builds.push(...[...bundledFootprintData().builds.keys()].map((id) => id.replace(' ', ':')));
  return { models, builds, out };
}

function modelsTflmRuns(dir: string): string[] {
  const rows = readFileSync(join(dir, 'tflm_ground_truth.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  return [...new Set(rows.filter((r) => r[2] === 'ok').map((r) => r[0]!))].sort();
}

/** Sizes of the symbols whose (mangled) name matches, summed. */
function symbolBytes(elf: string, re: RegExp): number {
  let n = 0;
  for (const line of sh(`arm-none-eabi-nm -S "${elf}"`).split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) \S (\S+)$/.exec(line);
    if (m && re.test(m[2]!)) n += parseInt(m[1]!, 16);
  }
  return n;
}

/** compile's project for one model and kernel set: the registered ops, or why compile refused (its first line). */
function compileProject(model: string, kernels: Build['kernels'], dir: string): { ops: string[] } | { refused: string } {
  const runtime = kernels === 'cmsis_nn' ? 'tflm-cmsis-nn' : 'tflm-reference';
  let out: string;
  try {
    out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli/bin.ts'), 'compile', model, '--runtime', runtime, '--out', dir, '--name', 'm', '--force'],
      { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = String((e as { stderr?: string }).stderr ?? e);
    return { refused: err.split('\n').slice(0, 2).join(' ').replace(/^tinyml-lens: [^:]*: /, '').replace(/\s+/g, ' ').trim() };
  }
  const m = /registered: (.*)$/m.exec(out);
  if (!m) throw new Error(`compile printed no kernel list for ${model}:\n${out}`);
  return { ops: m[1]!.split(', ') };
}

/** Compiles unless the object exists for the same source text and flags (model arrays take a while). */
function compileCached(b: Build, src: string, obj: string, defines: string): void {
  const key = createHash('sha256').update(readFileSync(src)).update(JSON.stringify(b.flags)).update(defines).digest('hex');
  if (existsSync(obj) && existsSync(`${obj}.key`) && readFileSync(`${obj}.key`, 'utf8') === key) return;
  compileCxx(b, src, obj, defines);
  writeFileSync(`${obj}.key`, key);
}

/** Writes the TSV: this run's rows, and the rows of builds this run did not check (kept from the file). */
function write(out: string, rows: string[][], refused: ReadonlyMap<string, string>): void {
  const header = HEADER;
  const comments = [
    `# TFLM runtime footprint: compile's example linked vs predictRuntimeFootprint (scripts/footprint-check.ts)`,
    `# TFLM 90b983c2 release_with_logs; ${toolchainVersion()}; compile: TFLM's CXXFLAGS + INCLUDES ${COMPILE_EXTRA}; link: TFLM's CXXFLAGS ${LINK_FLAGS} -lm`,
    ...[...refused].map(([k, why]) => `# not checked: ${k}: compile refuses: ${why}`),
    `# runtime_flash = text + rodata + data - model array (g_m_model_data); runtime_ram = data + bss - arena (g_tensor_arena)`,
  ];
  // Rows of builds not run this time are kept, so builds can be checked one at a time as they land.
  const ran = new Set(rows.map((r) => r[1]));
  const old = existsSync(out) ? readFileSync(out, 'utf8').split('\n') : [];
  for (const l of old.filter((x) => x.startsWith('# not checked: ')).reverse()) if (!comments.includes(l)) comments.splice(2, 0, l);
  const kept = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t')).filter((r) => !ran.has(r[1]!)) : [];
  const all = [...kept, ...rows].sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!));
  writeFileSync(out, `${[...comments, header.join('\t'), ...all.map((r) => r.join('\t'))].join('\n')}\n`);
}

/** Re-computes the prediction columns of an existing TSV from the bundled data (the links' columns are kept). */
function repredict(out: string): void {
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  const col = (name: string): number => HEADER.indexOf(name);
  const next = lines.map((l) => {
    if (l.startsWith('#') || l.startsWith('model\t')) return l;
    const r = l.split('\t');
    const p = predictRuntimeFootprint(r[col('ops')]!.split(','), r[col('core')]!, r[col('build')]!.endsWith('cmsis_nn') ? 'cmsis-nn' : 'reference');
    if (!p || p.build !== r[col('build')]) throw new Error(`${r[0]} ${r[1]}: no measured prediction`);
    const flash = Number(r[col('runtime_flash')]), ram = Number(r[col('runtime_ram')]);
    r[col('predicted_flash')] = String(p.flash);
    r[col('predicted_ram')] = String(p.ram);
    r[col('flash_error_pct')] = (((p.flash - flash) / flash) * 100).toFixed(3);
    r[col('ram_error_bytes')] = String(p.ram - ram);
    return r.join('\t');
  });
  writeFileSync(out, `${next.join('\n')}\n`);
}

function main(): void {
  if (process.argv.includes('--repredict')) {
    const argv = process.argv.slice(2).filter((a) => a !== '--repredict');
    repredict(args(argv).out);
    return;
  }
  const { models, builds, out } = args(process.argv.slice(2));
  const rows: string[][] = [];
  const refused = new Map<string, string>();
  const projects = new Map<string, ReturnType<typeof compileProject>>();
  const work = join(RIG, 'footprint', 'check');
  for (const spec of builds) {
    const b = openBuild(spec);
    const core = CATALOG_CORE[b.core];
    if (!core) throw new Error(`no catalog core for ${b.core}`);
    for (const file of modelsTflmRuns(models)) {
      const dir = join(work, `${file.replace(/\.tflite$/, '')}_${b.kernels}`);
      mkdirSync(dir, { recursive: true });
      const key = `${file} ${b.kernels}`;
      if (!projects.has(key)) projects.set(key, compileProject(join(models, file), b.kernels, dir));
      const project = projects.get(key)!;
      if ('refused' in project) {
        refused.set(key, project.refused);
        console.error(`${b.id} ${file}: compile refuses: ${project.refused}`);
        continue;
      }
      const ops = project.ops;
      const objDir = join(dir, b.core);
      mkdirSync(objDir, { recursive: true });
      compileCached(b, join(dir, 'm_model_data.cc'), join(objDir, 'm_model_data.o'), `-I"${dir}"`);
      compileCached(b, join(dir, 'm_example.cc'), join(objDir, 'm_example.o'), `-I"${dir}"`);
      const elf = join(objDir, 'example.elf');
      const s = link(b, [join(objDir, 'm_model_data.o'), join(objDir, 'm_example.o')], elf, join(objDir, 'example.map'));
      const modelBytes = symbolBytes(elf, /^g_m_model_data$/);
      const arenaBytes = symbolBytes(elf, /g_tensor_arena/);
      const flash = s.text + s.rodata + s.data - modelBytes;
      const ram = s.data + s.bss - arenaBytes;
      const p = predictRuntimeFootprint(ops, core, b.kernels === 'cmsis_nn' ? 'cmsis-nn' : 'reference');
      if (!p || p.build !== b.id || p.basis !== 'measured') throw new Error(`${spec}: no measured prediction (${p?.build ?? 'none'})`);
      const err = ((p.flash - flash) / flash) * 100;
      rows.push([file, b.id, core, ops.join(','), ...[s.text, s.rodata, s.data, s.bss, modelBytes, arenaBytes, flash, ram, p.flash, p.ram].map(String),
        err.toFixed(3), String(p.ram - ram)]);
      write(out, rows, refused);
      console.error(`${b.id} ${file}: flash ${flash} predicted ${p.flash} (${err.toFixed(2)}%), ram ${ram} predicted ${p.ram} (${p.ram - ram} B)`);
    }
  }
  write(out, rows, refused);
  console.error(`wrote ${rows.length} rows to ${out}`);
}

main();
