/**
 * What TFLM computes for int8 models, against our int8 reference (the interpreter's simulation of the quantized
 * model): `node --import tsx scripts/int8-rig-outputs.ts [INT8.tflite[=FLOAT.tflite] ...] > test/measured/int8_rig_outputs.tsv`.
 *
 * The builder-made LSTM and LOG_SOFTMAX models of test/unit/helpers/lstm-models.ts, and the files given, are run on
 * the rig (tools/tflm-harness, Cortex-M4F, reference and CMSIS-NN kernels, `outputs=1`: the harness prints each output's
 * bytes after one Invoke on its fixed input pattern). Each row: the model, its sha256, the kernels, the output's int8
 * bytes as TFLM computed them, how many differ from ours and by at most how many steps, and, with a float model
 * given, TFLM's int8 output against the float model on the same input (largest |difference|, and the output step).
 * test/unit/int8-rig-outputs.test.ts rebuilds the builder-made models and checks our simulation against these bytes.
 * The harness must have been built from this repository's tools/tflm-harness/src (harness.sh) for `outputs=1`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Model } from '../server/src/model/ir.js';
import { readTflite } from '../server/src/model/tflite/reader.js';
import { Interpreter } from '../server/src/quantize/index.js';
import { asInt8, harnessInput, rigInt8Models } from '../test/unit/helpers/lstm-models.js';

const RIG = process.env.TFLM_RIG ?? '/work/tflm-rig';
const KERNELS = ['reference', 'cmsis_nn'] as const;
export const COLUMNS = ['model', 'tflite_sha256', 'kernels', 'output', 'tflm_status', 'tflm_hex', 'differ', 'max_steps', 'vs_float_max_abs', 'step'];

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const hex = (b: Int8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** TFLM's int8 outputs for the file, and the Invoke status. */
function runRig(file: string, kernels: string): { status: string; outputs: Int8Array[] } {
  const elf = join(RIG, 'harness', `cortex-m4+fp_${kernels}`, 'harness.elf');
  const out = execFileSync('qemu-system-arm', ['-M', 'mps2-an386', '-nographic', '-monitor', 'none', '-serial', 'none',
    '-semihosting-config', `enable=on,target=native,arg=harness,arg=${file},arg=outputs=1`, '-kernel', elf], { encoding: 'latin1', timeout: 1_800_000, maxBuffer: 1 << 26 });
  const status = /INVOKE status=(\w+)/.exec(out)?.[1] ?? 'no-invoke';
  const outputs = [...out.matchAll(/^OUTPUT i=\d+ bytes=\d+ hex=([0-9a-f]*)$/gm)].map((m) => new Int8Array(Buffer.from(m[1]!, 'hex')));
  return { status, outputs };
}

function rows(name: string, bytes: Uint8Array, float: Model | null, work: string): string[] {
  const file = join(work, `${name}.tflite`);
  writeFileSync(file, bytes);
  const model = readTflite(bytes);
  const g = model.subgraphs[0]!;
  const inputs = g.inputs.map((i) => harnessInput(g.tensors[i]!));
  const ours = new Interpreter(model).run(inputs);
  const reference = float ? new Interpreter(float).run(inputs, { simulateQuantization: false }) : null;
  return KERNELS.flatMap((kernels) => {
    const rig = runRig(file, kernels);
    return g.outputs.map((o, k) => {
      const t = g.tensors[o]!;
      const tflm = rig.outputs[k] ?? new Int8Array(0);
      const mine = asInt8(ours[k]!, t);
      let [differ, maxSteps, vsFloat] = [0, 0, 0];
      tflm.forEach((v, i) => {
        const d = Math.abs(v - mine[i]!);
        if (d > 0) differ++;
        maxSteps = Math.max(maxSteps, d);
        if (reference) vsFloat = Math.max(vsFloat, Math.abs((v - t.quantization!.zeroPoint[0]!) * t.quantization!.scale[0]! - reference[k]![i]!));
      });
      return [name, sha256(bytes), kernels, String(k), rig.status, hex(tflm), String(differ), String(maxSteps),
        reference ? vsFloat.toExponential(3) : '', t.quantization!.scale[0]!.toExponential(3)].join('\t');
    });
  });
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'int8-rig-'));
  const lines = [
    '# TFLM 90b983c2 (tools/tflm-harness, Cortex-M4F under QEMU, one Invoke on the harness\'s input pattern) on int8',
    '# models; tflm_hex is each output\'s int8 bytes; differ / max_steps against our int8 simulation of the same file;',
    '# vs_float_max_abs: TFLM\'s int8 output against the float model on the same input. scripts/int8-rig-outputs.ts.',
    COLUMNS.join('\t'),
  ];
  for (const m of rigInt8Models()) lines.push(...rows(m.name, m.int8, m.float, work));
  for (const arg of process.argv.slice(2)) {
    const [int8, float] = arg.split('=');
    lines.push(...rows(basename(int8!, '.tflite'), new Uint8Array(readFileSync(int8!)), float ? readTflite(new Uint8Array(readFileSync(float))) : null, work));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
