/**
 * Writes server/src/codegen/tflm-resolver.json: which MicroMutableOpResolver method registers each operator, read
 * from TFLM's micro_mutable_op_resolver.h at the commit the memory model was measured on. Run by hand when that commit
 * changes (needs the TFLM mirror; `fetch github:tensorflow/tflite-micro` brings it):
 *
 *   node --import tsx scripts/convert-resolver.ts [/work/.mirror/tensorflow+tflite-micro/repo]
 *
 * Only names are taken (facts of TFLM's API): method name, builtin operator or custom op name.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const COMMIT = '90b983c2b3f1480642e040bbd2ddb37b998f3424';
const PATH = 'tensorflow/lite/micro/micro_mutable_op_resolver.h';
const repo = resolve(process.argv[2] ?? '/work/.mirror/tensorflow+tflite-micro/repo');
const header = execFileSync('git', ['-C', repo, 'show', `${COMMIT}:${PATH}`], { encoding: 'utf8', maxBuffer: 8 << 20 });

const builtins: Record<string, string> = {};
const customs: Record<string, string> = {};
const starts = [...header.matchAll(/TfLiteStatus (Add\w+)\(/g)];
for (const [i, m] of starts.entries()) {
  const body = header.slice(m.index, starts[i + 1]?.index ?? header.length);
  const method = m[1]!;
  if (method === 'AddBuiltin' || method === 'AddCustom') continue;
  const builtin = /AddBuiltin\(\s*BuiltinOperator_(\w+)/.exec(body)?.[1];
  const custom = /AddCustom\(\s*"([^"]+)"/.exec(body)?.[1] ?? (method === 'AddEthosU' ? 'ethos-u' : undefined);
  if (builtin) builtins[builtin] = method;
  else if (custom) customs[custom] = method;
  else throw new Error(`${method}: registers neither a builtin nor a named custom op`);
}
const out = resolve(__dirname, '../server/src/codegen/tflm-resolver.json');
writeFileSync(out, `${JSON.stringify({
  source: `tensorflow/tflite-micro@${COMMIT}:${PATH}`,
  note: 'ethos-u: AddEthosU registers the custom op named by GetString_ETHOSU() (kernels/ethos_u/ethosu.cc: "ethos-u")',
  builtins,
  customs,
}, null, 1)}\n`);
console.log(`wrote ${out}: ${Object.keys(builtins).length} builtins, ${Object.keys(customs).length} custom ops`);
