import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { parseProfileLog } from '../../server/src/calibrate/log.js';
import { generateTflmProject, type CodegenOptions } from '../../server/src/codegen/tflm.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { writeFileSync } from 'node:fs';

const bytes = buildKwsDsCnnInt8();
const model = readTflite(bytes);
const report = analyzeModel(model, 'tflm-cmsis-nn');
const base: CodegenOptions = { name: 'kws', modelFile: 'kws.tflite', runtime: 'tflm-cmsis-nn', kernels: 'tflm-cmsis-nn', marginPercent: 0, toolVersion: 't' };

test('without --profile the example has no profiler; with it, the profiler files and three hooks', () => {
  const plain = generateTflmProject(bytes, model, report, base);
  assert.deepEqual(plain.files.map((f) => f.path).filter((p) => p.includes('profiler')), []);
  const example = plain.files.find((f) => f.path === 'kws_example.cc')!.text;
  assert.doesNotMatch(example, /profil/i);
  const prof = generateTflmProject(bytes, model, report, { ...base, profile: true });
  assert.deepEqual(prof.files.map((f) => f.path).filter((p) => p.includes('profiler')), ['kws_profiler.h', 'kws_profiler.cc']);
  const ex = prof.files.find((f) => f.path === 'kws_example.cc')!.text;
  assert.match(ex, /#include "kws_profiler.h"/);
  assert.match(ex, /MicroInterpreter interpreter\(model, resolver, g_tensor_arena, kKwsArenaSize, nullptr, &g_kws_profiler\)/);
  assert.match(ex, /return ProfileKwsRuns\(interpreter\);/);
  const h = prof.files.find((f) => f.path === 'kws_profiler.h')!.text;
  assert.match(h, /class KwsProfiler : public tflite::MicroProfilerInterface/);
  assert.match(h, new RegExp(`kMaxEvents = ${model.subgraphs[0]!.operators.length};`));
  assert.match(prof.files.find((f) => f.path === 'README.md')!.text, /kws_profiler\.h\/\.cc/);
});

test("the generated code's print formats are lines calibrate reads", () => {
  const cc = generateTflmProject(bytes, model, report, { ...base, profile: true }).files.find((f) => f.path === 'kws_profiler.cc')!.text;
  const formats = [...cc.matchAll(/MicroPrintf\("(tinyml-lens-profile v1 [^"]*)"/g)].map((m) => m[1]!);
  const begin = formats.find((f) => f.includes(' begin '))!;
  const op = formats.find((f) => f.includes(' op=%d tag=%s ticks=%u '))!;
  const total = formats.find((f) => f.includes(' total '))!;
  const end = formats.find((f) => f.includes(' end '))!;
  assert.ok(begin && op && total && end, formats.join('\n'));
  // printf, as MicroPrintf would: the values in order.
  const printf = (fmt: string, ...args: (string | number)[]): string => fmt.replace(/%[dus]/g, () => String(args.shift()));
  const lines = [printf(begin, 'systick', 'cycles', 25000000, 2)];
  for (let r = 0; r < 2; r++) {
    model.subgraphs[0]!.operators.forEach((o, i) => lines.push(printf(op, r, i, o.opName, 1000 + i, 'cycles')));
    lines.push(printf(total, r, 13, 99, 'cycles'));
  }
  lines.push(printf(end, 2));
  const log = parseProfileLog(lines.join('\n'));
  assert.equal(log.timer, 'systick');
  assert.equal(log.clockHz, 25_000_000);
  assert.equal(log.runs.length, 2);
  assert.equal(log.runs[1]!.length, model.subgraphs[0]!.operators.length);
});

test('CLI: compile --profile writes the profiler; --profile elsewhere is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-prof-'));
  const file = join(dir, 'kws.tflite');
  writeFileSync(file, bytes);
  const r = cli('compile', file, '--profile', '--out', join(dir, 'out'));
  assert.equal(r.code, 0, r.err);
  assert.ok(readdirSync(join(dir, 'out')).includes('kws_profiler.cc'));
  assert.match(readFileSync(join(dir, 'out', 'kws_example.cc'), 'utf8'), /g_kws_profiler/);
  const bad = cli('analyze', file, '--profile');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--profile is an option of compile/);
});
