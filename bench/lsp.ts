/**
 * The language server's figures for `npm run bench`, measured on the real bundle over stdio (dist/server.js, built
 * first when missing): manifest-edit-to-diagnostics latency over 1,000 edits with the model cached (p50/p95 and the
 * server's CPU per edit; the aim is p95 within 2 ms), for edits that leave the diagnostics as they are and for edits
 * that change them, and the server's memory after opening one manifest per model. Prints figures; asserts nothing.
 * Run alone: `node --import tsx bench/lsp.ts` (the edit figures on the KWS example only).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../test/protocol/helpers/lsp-client.js';

const root = resolve(__dirname, '..');

interface Stats {
  reads: number;
  parses: number;
  analyses: number;
  heapUsedBytes: number;
  rssBytes: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux; null elsewhere): the server's own cost per edit,
 * steadier than the edit latency on a loaded machine, where waiting for a core dominates the tail.
 */
export function processCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Runs the server benchmarks on `models` (absolute .tflite paths); `editModel` is the model the edit loop uses. */
export async function benchLsp(models: readonly string[], editModel: string, edits = 1000): Promise<void> {
  if (!existsSync(join(root, 'dist/server.js'))) spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-lens-bench-'));
  const client = await LspClient.start(dir);
  try {
    copyFileSync(editModel, join(dir, 'model.tflite'));
    const uri = pathToFileURL(join(dir, 'edit.tinyml.yaml')).href;
    // Two edit loops: budgets the model meets (the diagnostics stay an empty list: nothing is sent, the client's
    // change() waits for tinymlLens/diagnosticsSettled, one extra round trip), and budgets it exceeds by a different
    // amount each time (a new ram-over-budget message: every edit is published).
    const text = (i: number): string => `model: model.tflite\ntarget: nrf52840\nruntime: tflm-cmsis-nn\nbudgets: {ram: ${100 + (i % 50)}KiB, flash: 1MiB, latency: 50ms}\nreserve: {ram: 8KiB}\n`;
    const over = (i: number): string => `model: model.tflite\ntarget: nrf52840\nruntime: tflm-cmsis-nn\nbudgets: {ram: ${1 + (i % 20)}KiB, flash: 1MiB, latency: 50ms}\nreserve: {ram: 8KiB}\n`;
    await client.open(uri, text(0));
    const before = await client.request<Stats>('tinymlLens/stats', null);
    const loop = async (name: string, edit: (i: number) => Promise<unknown>): Promise<void> => {
      const times: number[] = [];
      const cpuBefore = processCpuMs(client.process.pid);
      for (let i = 1; i <= edits; i++) {
        const start = performance.now();
        await edit(i);
        times.push(performance.now() - start);
      }
      const cpuAfter = processCpuMs(client.process.pid);
      times.sort((a, b) => a - b);
      const cpu = cpuBefore !== null && cpuAfter !== null ? `; server CPU per edit (all its threads, from /proc) ${((cpuAfter - cpuBefore) / edits).toFixed(3)} ms` : '';
      console.log(`${name}, ${edits} edits: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${(times[times.length - 1] ?? 0).toFixed(2)} ms${cpu}`);
    };
    console.log(`\nlanguage server (dist/server.js over stdio), ${basename(editModel)}: edit -> diagnostics (aim: p95 <= 2 ms)`);
    await loop('  unchanged diagnostics (none sent; to the settled answer)', (i) => client.change(uri, text(i)));
    await loop('  changed diagnostics (each published)', (i) => client.changePublished(uri, over(i)));
    // Typing ahead: the edits sent back to back, the last one waited for; what the server spends per edit.
    const cpuBurst = processCpuMs(client.process.pid);
    for (let i = 1; i < edits; i++) client.sendChange(uri, text(i));
    await client.change(uri, text(edits));
    const cpuBurstEnd = processCpuMs(client.process.pid);
    if (cpuBurst !== null && cpuBurstEnd !== null) console.log(`  unchanged diagnostics, ${edits} edits sent back to back: server CPU per edit ${((cpuBurstEnd - cpuBurst) / edits).toFixed(3)} ms`);
    const after = await client.request<Stats>('tinymlLens/stats', null);
    console.log(`model re-reads during the edits: ${after.reads - before.reads}, re-analyses: ${after.analyses - before.analyses}`);

    for (const [i, model] of models.entries()) {
      const manifest = pathToFileURL(join(dir, `m${i}.tinyml.yaml`)).href;
      writeFileSync(join(dir, `m${i}.tinyml.yaml`), '');
      await client.open(manifest, `model: ${JSON.stringify(model)}\ntarget: stm32h743zi\n`);
    }
    const loaded = await client.request<Stats>('tinymlLens/stats', null);
    console.log(`server memory after opening ${models.length} models: heap ${mib(loaded.heapUsedBytes)}, rss ${mib(loaded.rssBytes)} (${loaded.analyses} analyses run)`);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchLsp([], resolve(root, 'examples/kws_dscnn_int8.tflite'), Number(process.env.TINYML_BENCH_EDITS ?? 1000)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
