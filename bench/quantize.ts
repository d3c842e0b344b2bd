/**
 * The quantize figure for `npm run bench`: `tinyml-lens quantize` of a float MobileNetV2 224 on 20 random samples,
 * whole process (dist/cli.js), median wall and CPU time over a few runs, beside `node -e 0`. The float model is
 * TINYML_BENCH_QUANTIZE_MODEL when set, else a float copy of ../shared's int8 MobileNetV2 (its weights and biases
 * dequantized, activations float32: the same graph and real weights), written to a temporary folder. Then, in this
 * process, one float run of that model by operator type and with calibration's observation. Prints figures; asserts
 * nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ModelBuilder, OPTION_TABLES, optionTableOf, type TensorRef } from '../server/src/model/builder/index.js';
import type { Model } from '../server/src/model/ir.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { calibrate, prepareFloatModel, randomSamples } from '../server/src/quantize/index.js';
import { constantValues } from '../server/src/quantize/tensors.js';
import { median, medianMs } from './process.js';

const root = resolve(__dirname, '..');
const cpuTime = resolve(__dirname, 'cputime.cjs');
const SAMPLES = 20;

/** A float32 copy of an int8 model: quantized constants dequantized, every activation float32, options kept. */
export function floatCopy(model: Model): Uint8Array {
  const g = model.subgraphs[0]!;
  const b = new ModelBuilder({ description: 'float copy for npm run bench' });
  const sg = b.subgraph('main');
  const refs = new Map<number, TensorRef>();
  const ref = (i: number): TensorRef | null => {
    if (i < 0) return null;
    const known = refs.get(i);
    if (known) return known;
    const t = g.tensors[i]!;
    const values = Array.from(constantValues(model, t));
    const made = sg.constant({ name: t.name, shape: t.shape, dtype: t.quantization?.scale.length ? 'FLOAT32' : 'INT32', data: values });
    refs.set(i, made);
    return made;
  };
  for (const i of g.inputs) refs.set(i, sg.input({ name: g.tensors[i]!.name, shape: g.tensors[i]!.shape, dtype: 'FLOAT32' }));
  for (const op of g.operators) {
    const table = optionTableOf(op.opName);
    const fields: readonly { readonly name: string }[] = table ? OPTION_TABLES[table].fields : [];
    const options = table && op.optionsType !== null ? Object.fromEntries(Object.entries(op.options).filter(([k]) => fields.some((f) => f.name === k))) : undefined;
    const t = g.tensors[op.outputs[0]!]!;
    refs.set(op.outputs[0]!, sg.op(op.opName, { inputs: op.inputs.map(ref), output: { name: t.name, shape: t.shape, dtype: 'FLOAT32' }, options: options as never }));
  }
  for (const o of g.outputs) sg.output(refs.get(o)!);
  return b.finish();
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Where one float run of the model goes, in this process: CPU per run by operator type (the time between the
 * interpreter's observations of consecutive outputs), and what calibration's min/max observation adds to a run.
 */
function benchInterpreter(model: Model, runs = 3): void {
  const interp = prepareFloatModel(model);
  const ops = interp.graph.operators;
  const byTensor = new Map(ops.map((op) => [op.outputs[0]!, op.opName]));
  const sample = randomSamples(interp.inputs.map((t) => t.shape), 1, -1, 1)[0]!;
  interp.run(sample, { simulateQuantization: false });
  const per = new Map<string, number>();
  let start = cpuMs();
  for (let r = 0; r < runs; r++) {
    let last = cpuMs();
    interp.run(sample, {
      simulateQuantization: false,
      observe: (tensor) => {
        const now = cpuMs();
        const op = byTensor.get(tensor);
        if (op) per.set(op, (per.get(op) ?? 0) + now - last);
        last = now;
      },
    });
  }
  const run = (cpuMs() - start) / runs;
  start = cpuMs();
  calibrate(interp, Array.from({ length: runs }, () => sample));
  const calibrated = (cpuMs() - start) / runs;
  const top = [...per].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([op, ms]) => `${op} ${(ms / runs).toFixed(0)}`).join(', ');
  console.log(`  float interpreter, one run in this process: ${run.toFixed(0)} ms CPU (${top} ms); with calibration's min/max: ${calibrated.toFixed(0)} ms`);
}

/** Runs the quantize figure: `runs` whole-process runs, interleaved with the baseline. */
export function benchQuantize(runs = Number(process.env.TINYML_BENCH_QUANTIZE_RUNS ?? 3)): void {
  const given = process.env.TINYML_BENCH_QUANTIZE_MODEL;
  const int8 = resolve(root, '../shared/models/tflm_mobilenet_v2_quantized_1x3x224x224.tflite');
  if (!given && !existsSync(int8)) {
    console.log('\nquantize: no float MobileNetV2 (set TINYML_BENCH_QUANTIZE_MODEL or provide ../shared/models)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-bench-quantize-'));
  try {
    const model = given ?? join(dir, 'mobilenet_v2_float_224.tflite');
    if (!given) writeFileSync(model, floatCopy(readTflite(new Uint8Array(readFileSync(int8)))));
    const args = ['--require', cpuTime, 'dist/cli.js', 'quantize', model, '--out', join(dir, 'int8.tflite'), '--random', String(SAMPLES), '--range=-1,1', '--force', '--quiet'];
    const wall: number[] = [];
    const cpu: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < runs; i++) {
      base.push(medianMs(['-e', '0'], 1));
      const start = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      wall.push(performance.now() - start);
      if (r.status !== 0) throw new Error(`quantize exited ${r.status}: ${r.stderr.slice(0, 400)}`);
      cpu.push(Number(/tinyml-bench-cpu (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1000);
    }
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    console.log(`\nquantize, whole process, median of ${runs}: ${model === given ? given : 'float MobileNetV2 224 (float copy of the shared int8 model)'}, ${SAMPLES} random samples`);
    console.log(`  wall ${s(median(wall))} (runs ${wall.map(s).join(', ')}), CPU ${s(median(cpu))}; node -e 0: ${median(base).toFixed(0)} ms`);
    benchInterpreter(readTflite(new Uint8Array(readFileSync(model))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) benchQuantize();
