/**
 * Developer tool: replay AllocateTensors() for a shared model and compare every allocation request with the log TFLM
 * itself recorded (../shared/models/tflm_detail/<kernels>/<model>.json), stopping at the first difference.
 *
 *   node --import tsx scripts/tflm-diff.ts tflm_hello_world_int8 [reference|cmsis-nn] [--all]
 *
 * With no model it prints one summary line per shared model and kernel set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulateAllocateTensors } from '../server/src/analysis/tflm/interpreter.js';
import { analyzeTflmMemory } from '../server/src/analysis/tflm/memory.js';
import type { KernelSet } from '../server/src/analysis/tflm/kernels/types.js';
import { readTflite } from '../server/src/model/tflite/reader.js';

const shared = resolve(__dirname, '../../shared/models');
type Event = [string, number, number, number, number, boolean, string];

function detail(model: string, dir: string): { alloc_log?: { events: Event[] }; arena_size: number; nodes: unknown[] } {
  return JSON.parse(readFileSync(join(shared, 'tflm_detail', dir, `${model}.json`), 'utf8'));
}

function compare(model: string, dir: string, showAll: boolean): void {
  const kernels: KernelSet = dir === 'reference' ? 'tflm-reference' : 'tflm-cmsis-nn';
  const d = detail(model, dir);
  const ir = readTflite(new Uint8Array(readFileSync(join(shared, `${model}.tflite`))));
  const sim = simulateAllocateTensors(ir, kernels, { arenaSize: d.arena_size, log: true, continueOnFailure: false });
  const truth = d.alloc_log?.events ?? [];
  const ours = sim.events;
  let i = 0;
  for (; i < Math.max(truth.length, ours.length); i++) {
    const t = truth[i];
    const o = ours[i];
    const same = t && o && t[0] === o.kind && t[1] === o.size && t[2] === o.align && t[3] === o.tailUsed && t[4] === o.headUsed;
    if (showAll || !same) {
      console.log(`${same ? ' ' : '!'} ${String(i).padStart(4)} truth ${t ? JSON.stringify(t) : '-'}\n         ours  ${o ? JSON.stringify([o.kind, o.size, o.align, o.tailUsed, o.headUsed, o.ok, o.phase]) : '-'}`);
      if (!same && !showAll) {
        for (let k = Math.max(0, i - 4); k < i; k++) console.log(`   ctx ${k} ${JSON.stringify(truth[k])}`);
        break;
      }
    }
  }
  if (i === Math.max(truth.length, ours.length)) console.log(`all ${truth.length} events match`);
  console.log('failures', JSON.stringify(sim.failures));
  console.log('nodes', JSON.stringify(d.nodes, null, 0));
}

function summary(): void {
  const rows = readFileSync(join(shared, 'tflm_ground_truth.tsv'), 'utf8').trim().split('\n');
  const header = rows.shift()!.split('\t');
  const col = (name: string): number => header.indexOf(name);
  for (const line of rows) {
    const f = line.split('\t');
    const model = f[col('model')]!.replace(/\.tflite$/, '');
    const kernels = f[col('runtime')] as KernelSet;
    const ir = readTflite(new Uint8Array(readFileSync(join(shared, `${model}.tflite`))));
    const r = analyzeTflmMemory(ir, kernels);
    const expected = [f[col('arena_used_bytes')], f[col('head_bytes')], f[col('tail_bytes')], f[col('min_arena_bytes')]].map((x) => (x ? Number(x) : null));
    const actual = [r.arenaUsedBytes, r.headBytes, r.tailBytes, r.minArenaBytes];
    const status = f[col('status')];
    const ok = status === r.status && (status !== 'ok' || expected.every((e, k) => e === actual[k]));
    console.log(`${ok ? 'OK  ' : 'DIFF'} ${model.padEnd(46)} ${kernels.padEnd(15)} ${status}/${r.status} exp ${expected.join(',')} got ${actual.join(',')} ${r.failures.map((x) => `${x.opName}@${x.node}:${x.reason}`).join(' | ')}`);
  }
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!existsSync(shared)) throw new Error(`no shared models at ${shared}`);
if (args.length === 0) summary();
else compare(args[0]!.replace(/\.tflite$/, ''), args[1] ?? 'reference', process.argv.includes('--all'));
