/**
 * Checks the ONNX converter on real models: `node --import tsx scripts/onnx-check.ts FILE_OR_FOLDER... [--int8]
 * [--shape INPUT=1,3,48,192] [--value INPUT=16000]` (--shape fixes an input's open dimensions, as `convert
 * --input-shape` does; --value fixes an input to constant values, the converter's inputValues: Silero VAD's sr).
 * Each .onnx is converted, run in onnxruntime-web (WASM) and, converted, in our float interpreter on the same random
 * inputs (2 runs), and the table says: the model, where it came from (a SOURCES.txt beside the files: "file.onnx
 * owner/repo/path" per line), its ONNX ops, whether it converted (or why not), the max relative error (|ours - ort| /
 * the output's largest |ort|), the TFLM arena (CMSIS-NN), TRANSPOSE ops written, and whether it quantizes to int8.
 * Models with an LSTM are compared at their whole outputs like any other (the float interpreter runs
 * UNIDIRECTIONAL_SEQUENCE_LSTM); with --int8 the int8 column gives the simulated int8 model's largest error against
 * the float model, relative to the float output's largest magnitude.
 * A model's external data files (model.onnx.data) are read beside it and given to both runtimes.
 * The models are not part of this repository (licences, size): fetch them, point this script at them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { analyzeModel } from '../server/src/analysis/report.js';
import { ConvertError } from '../server/src/convert/types.js';
import { convertOnnx, readOnnx } from '../server/src/convert/onnx/index.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { readExternalData } from '../server/src/files/onnx-external.js';
import { quantizeModel, randomSamples } from '../server/src/quantize/index.js';
import { randomValues, runConverted, runOrt } from '../test/unit/helpers/onnx-models.js';

const SHAPES = new Map<string, number[]>();
const VALUES = new Map<string, number[]>();

function files(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory() ? files(readdirSync(p).sort().map((f) => join(p, f))) : p.endsWith('.onnx') ? [p] : []));
}

const sources = new Map<string, string>();
function sourceOf(file: string): string {
  const list = join(dirname(file), 'SOURCES.txt');
  if (!sources.has(list)) sources.set(list, existsSync(list) ? readFileSync(list, 'utf8') : '');
  const line = sources.get(list)!.split('\n').find((l) => l.split(/\s+/)[0] === basename(file));
  return line?.split(/\s+/)[1] ?? '?';
}

interface Row { model: string; source: string; ops: string; converted: string; error: string; arena: string; transposes: string; int8: string }

async function check(file: string, int8: boolean): Promise<Row> {
  const bytes = readFileSync(file);
  // External data files (PyTorch's model.onnx.data) beside the model, read as the CLI reads them (confined, capped).
  const external = readExternalData(file, bytes).files;
  const row: Row = { model: basename(file, '.onnx'), source: sourceOf(file), ops: '', converted: 'no', error: '', arena: '', transposes: '', int8: '' };
  try {
    const m = readOnnx(bytes, external);
    row.ops = [...new Set(m.nodes.map((n) => n.opType))].join(' ');
    const c = convertOnnx({ format: 'onnx', name: basename(file), bytes, shards: external }, { inputShapes: SHAPES, inputValues: VALUES });
    row.converted = 'yes';
    const model = readTflite(c.tflite);
    row.transposes = String(c.ops.get('TRANSPOSE') ?? 0);
    const report = analyzeModel(model, 'tflm-cmsis-nn');
    row.arena = report.status === 'ok' ? String(report.memory.minArenaBytes) : report.status;
    let worst = 0;
    for (let r = 0; r < 2; r++) {
      const feeds = new Map(c.inputs.map((io, k) => [io.name, { data: randomValues(io.onnxShape.reduce((a, b) => a * b, 1), 100 + 10 * r + k), dims: io.onnxShape, double: io.onnxType === 'DOUBLE' }]));
      const fixed = [...VALUES].filter(([name]) => m.inputs.some((i) => i.name === name)).map(([name, v]) => {
        const info = m.inputs.find((i) => i.name === name)!;
        return [name, { data: Float32Array.from(v), dims: info.shape?.length ? [v.length] : [], int64: info.elemType === 'INT64' }] as const;
      });
      const ref = await runOrt(bytes, new Map<string, Parameters<typeof runOrt>[1] extends ReadonlyMap<string, infer F> ? F : never>([...feeds, ...fixed]), c.outputs.map((o) => o.name), external);
      runConverted(c, feeds).forEach((o, k) => {
        const scale = Math.max(1e-6, ...Array.from(ref[k]!, Math.abs));
        for (let i = 0; i < o.length; i++) worst = Math.max(worst, Math.abs(o[i]! - ref[k]![i]!) / scale);
      });
    }
    row.error ||= worst.toExponential(1);
    if (int8) {
      const shapes = model.subgraphs[0]!.inputs.map((i) => model.subgraphs[0]!.tensors[i]!.shape);
      const q = quantizeModel(model, randomSamples(shapes, 8, -1, 1), 'int8');
      const rel = Math.max(...q.int8Error.map((e) => e.maxAbs / Math.max(1e-6, Math.abs(e.floatMin), Math.abs(e.floatMax))));
      row.int8 = `${analyzeModel(q.model, 'tflm-cmsis-nn').status === 'ok' ? 'ok' : 'runs not'} (int8 vs float ${rel.toExponential(1)})`;
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (row.converted === 'yes') row.error = row.error || `run: ${message.slice(0, 90)}`;
    else row.converted = `no: ${e instanceof ConvertError ? e.code : 'error'}: ${message.slice(0, 110)}`;
    if (int8 && row.converted === 'yes' && row.error && !row.int8) row.int8 = `no: ${message.slice(0, 60)}`;
  }
  return row;
}

async function main(): Promise<void> {
  const raw = process.argv.slice(2);
  const args: string[] = [];
  for (let k = 0; k < raw.length; k++) {
    if (raw[k] !== '--shape' && raw[k] !== '--value') args.push(raw[k]!);
    else {
      const map = raw[k] === '--shape' ? SHAPES : VALUES;
      const [name, dims] = (raw[++k] ?? '').split('=');
      map.set(name!, (dims ?? '').split(',').map(Number));
    }
  }
  const int8 = args.includes('--int8');
  const list = files(args.filter((a) => a !== '--int8'));
  const rows: Row[] = [];
  console.log('| model | source | ONNX ops | converted | max rel error | arena (CMSIS-NN) | TRANSPOSE | int8 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const f of list) {
    const r = await check(f, int8);
    rows.push(r);
    console.log(`| ${r.model} | ${r.source} | ${r.ops} | ${r.converted} | ${r.error} | ${r.arena} | ${r.transposes} | ${r.int8} |`);
  }
  const ok = rows.filter((r) => r.converted === 'yes' && Number.parseFloat(r.error) <= 1e-4).length;
  console.log(`\n${ok} of ${rows.length} converted and within 1e-4 of onnxruntime`);
}

void main();
