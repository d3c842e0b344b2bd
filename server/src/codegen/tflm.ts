/**
 * Deployable C++ for TensorFlow Lite Micro: the model as an aligned byte array, an op resolver that registers exactly
 * the kernels the model uses, the tensor arena sized from the memory model's own figures, and an example that sets up
 * the interpreter, allocates and runs one inference. Pure: takes the model bytes and its analysis, returns file texts.
 *
 * The arena size is the minimum AllocateTensors needs for the kernel set analysed (to the byte for the reference and
 * CMSIS-NN kernels at the TFLM commit the memory model was measured on), plus an optional margin.
 */
import type { AnalysisReport } from '../analysis/report.js';
import { markdownCode, visible } from '../analysis/text.js';
import type { KernelSet } from '../analysis/tflm/kernels/types.js';
import type { Model } from '../model/ir.js';
import { cComment, cString, identifierFor, isIdentifierName, MAX_IDENTIFIER } from './cpp.js';
import { profileHooks, profilerFiles, type ProfileHooks } from './profile.js';
import resolverJson from './tflm-resolver.json';

export { identifierFor, isIdentifierName };

/** The TFLM version the generated code and its arena figure are for (the memory model's measured commit). */
export const TFLM_COMMIT = '90b983c2b3f1480642e040bbd2ddb37b998f3424';

export interface CodegenOptions {
  /** Base of every generated name: a C identifier in snake_case (see `isIdentifierName`, `identifierFor`). */
  name: string;
  /** The model file's name, for comments and the example's log (untrusted: escaped wherever it is written). */
  modelFile: string;
  /** The runtime the user chose (tflm-cmsis-nn, tflm-esp-nn, ...), for comments and build notes. */
  runtime: string;
  /** The kernel set whose memory model sized the arena. */
  kernels: KernelSet;
  /** Percent added to the minimum arena, 0 to 100. */
  marginPercent: number;
  /** The tool's version, for the generated header comments. */
  toolVersion: string;
  /** Adds a per-operator profiler (codegen/profile.ts) whose lines `tinyml-lens calibrate` reads. */
  profile?: boolean;
}

export interface GeneratedFile {
  /** File name relative to the output folder. */
  path: string;
  text: string;
}

export interface CodegenResult {
  files: GeneratedFile[];
  /** kTensorArenaSize of the generated code. */
  arenaBytes: number;
  /** Registered operators in registration order: the op's name and the MicroMutableOpResolver method. */
  ops: { op: string; method: string }[];
  /** Caveats for the user (an estimated arena, a Vela-less model for ethos-u, ...). */
  notes: string[];
}

export type CodegenErrorCode = 'unsupported-op' | 'no-kernel' | 'bad-name' | 'bad-margin';

/** Why code cannot be generated; `code` is stable for callers, the message says what to do. */
export class CodegenError extends Error {
  constructor(readonly code: CodegenErrorCode, message: string) {
    super(message);
    this.name = 'CodegenError';
  }
}

const RESOLVER: { builtins: Record<string, string>; customs: Record<string, string> } = resolverJson;

const camel = (id: string): string => id.split('_').filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');

/** The resolver method that registers each operator the model uses, in first-use order; throws CodegenError. */
export function resolverMethods(model: Model): { op: string; method: string }[] {
  const seen = new Map<string, string>();
  const missing: string[] = [];
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const code = model.operatorCodes[op.opcodeIndex];
      const custom = code?.builtinName === 'CUSTOM' ? code.customCode ?? '' : null;
      const key = custom ?? op.opName;
      if (seen.has(key) || missing.includes(key)) continue;
      const method = custom !== null ? RESOLVER.customs[custom] : RESOLVER.builtins[op.opName];
      if (method) seen.set(key, method);
      else missing.push(key);
    }
  }
  if (missing.length) {
    throw new CodegenError('no-kernel', `TFLM registers no kernel for ${missing.map((m) => `'${visible(m)}'`).join(', ')}: register your own implementation, or convert the model without ${missing.length > 1 ? 'these ops' : 'this op'}`);
  }
  return [...seen].map(([op, method]) => ({ op, method }));
}

/** Generates the C++ sources for one model. Throws CodegenError when TFLM could not run the model as analysed. */
export function generateTflmProject(bytes: Uint8Array, model: Model, report: AnalysisReport, opts: CodegenOptions): CodegenResult {
  if (!isIdentifierName(opts.name)) {
    throw new CodegenError('bad-name', `'${visible(opts.name)}' is not a snake_case C identifier (a-z, 0-9 and single inner underscores, starting with a letter, at most ${MAX_IDENTIFIER} characters, not a keyword)`);
  }
  if (!(opts.marginPercent >= 0 && opts.marginPercent <= 100)) throw new CodegenError('bad-margin', `the arena margin must be 0 to 100 percent, not ${opts.marginPercent}`);
  // The memory model has no Ethos-U kernel (the TFLM build it replays has none); for the ethos-u runtime that op is
  // the NPU's, registered with AddEthosU.
  const blocking = report.unsupportedOps.filter((u) => !(opts.runtime === 'ethos-u' && u.op === 'CUSTOM:ethos-u'));
  if (blocking.length) {
    const ops = blocking.map((u) => `${visible(u.op)}${u.dtype ? ` (${u.dtype})` : ''} at subgraph ${u.subgraph} layer${u.layers.length > 1 ? 's' : ''} ${u.layers.join(', ')}: ${visible(u.reason)}`);
    throw new CodegenError('unsupported-op', `TFLM (${opts.kernels}) cannot run this model, so generated code would fail in AllocateTensors or at the first Invoke:\n  ${ops.join('\n  ')}`);
  }
  const ops = resolverMethods(model);
  const notes: string[] = [];
  const exact = report.memory.exact && report.status === 'ok' && (opts.runtime === 'tflm-reference' || opts.runtime === 'tflm-cmsis-nn');
  if (!exact) notes.push(`The arena size is an estimate for ${opts.runtime} (the ${opts.kernels} kernels' figure); consider a margin.`);
  if (opts.runtime === 'ethos-u' && !ops.some((o) => o.op === 'ethos-u')) notes.push('The model has no ethos-u operator: compile it with Vela first, or everything runs on the CPU.');
  if (opts.runtime === 'ethos-u' && ops.some((o) => o.op === 'ethos-u')) notes.push("The arena figure leaves out the Ethos-U kernel's own allocations (its driver data); add a margin.");
  const min = report.memory.minArenaBytes;
  // A multiple of 16: with the start 16-byte aligned, the end is too, as in the measurements behind the figures (the
  // tail is allocated down from the end, so an unaligned end shifts its padding and arena_used_bytes).
  const arenaBytes = Math.ceil((min * (1 + opts.marginPercent / 100)) / 16) * 16;
  const n = opts.name;
  const N = camel(n);
  const header = (what: string): string => [
    `// ${what}`,
    `// Generated by TinyML Lens ${cComment(opts.toolVersion)} from ${cComment(opts.modelFile)} for TensorFlow Lite Micro ${TFLM_COMMIT.slice(0, 12)}`,
    `// (${cComment(opts.runtime)}). Regenerate rather than edit.`,
  ].join('\n');

  const files: GeneratedFile[] = [];
  files.push({
    path: `${n}_model_data.h`,
    text: `${header('The model flatbuffer, linked into flash.')}
#ifndef ${n.toUpperCase()}_MODEL_DATA_H_
#define ${n.toUpperCase()}_MODEL_DATA_H_

extern const unsigned char g_${n}_model_data[];
extern const unsigned int g_${n}_model_data_len;

#endif  // ${n.toUpperCase()}_MODEL_DATA_H_
`,
  });
  files.push({
    path: `${n}_model_data.cc`,
    text: `${header(`The model flatbuffer (${bytes.length} bytes), 16-byte aligned as TFLM expects.`)}
#include "${n}_model_data.h"

alignas(16) const unsigned char g_${n}_model_data[] = {
${byteArray(bytes)}
};
const unsigned int g_${n}_model_data_len = ${bytes.length};
`,
  });
  files.push({
    path: `${n}_ops.h`,
    text: `${header(`An op resolver with exactly the ${ops.length} kernel${ops.length === 1 ? '' : 's'} the model uses.`)}
#ifndef ${n.toUpperCase()}_OPS_H_
#define ${n.toUpperCase()}_OPS_H_

#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"

using ${N}OpResolver = tflite::MicroMutableOpResolver<${ops.length}>;

// Registers every kernel the model needs; returns the first failure.
inline TfLiteStatus Register${N}Ops(${N}OpResolver& resolver) {
${ops.map((o) => `  TF_LITE_ENSURE_STATUS(resolver.${o.method}());  // ${cComment(o.op)}`).join('\n')}
  return kTfLiteOk;
}

#endif  // ${n.toUpperCase()}_OPS_H_
`,
  });
  const marginText = `${opts.marginPercent === 0 ? '' : `+${opts.marginPercent}% margin, `}rounded up to a multiple of 16 bytes so the arena's end is
// aligned like its start (arena_used_bytes below assumes it)`;
  files.push({
    path: `${n}_arena.h`,
    text: `${header('The tensor arena size.')}
#ifndef ${n.toUpperCase()}_ARENA_H_
#define ${n.toUpperCase()}_ARENA_H_

#include <cstddef>

// The smallest arena AllocateTensors() accepts for this model with the ${cComment(opts.kernels)} kernels is ${min} bytes
// (${exact ? 'TinyML Lens replays AllocateTensors to the byte for this kernel set' : 'an estimate for this runtime'}); ${marginText}.
// Place the arena 16-byte aligned. Below the minimum, TFLM does not always fail cleanly: for some models it faults.
constexpr size_t k${N}ArenaSize = ${arenaBytes};

// What interpreter.arena_used_bytes() reports after AllocateTensors(): head ${report.memory.headBytes} + tail ${report.memory.tailBytes} bytes.
constexpr size_t k${N}ArenaUsedBytes = ${report.memory.arenaUsedBytes};

#endif  // ${n.toUpperCase()}_ARENA_H_
`,
  });
  const profile = opts.profile ? profileHooks(n, N) : null;
  files.push({ path: `${n}_example.cc`, text: exampleSource(n, N, opts.modelFile, header, profile) });
  if (profile) files.push(...profilerFiles(n, N, model.subgraphs.reduce((k, sg) => k + sg.operators.length, 0), header));
  files.push({ path: 'README.md', text: readme(n, N, opts, ops, min, arenaBytes, report, exact, notes) });
  return { files, arenaBytes, ops, notes };
}

function byteArray(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 12) {
    lines.push(`  ${Array.from(bytes.subarray(i, i + 12), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
  }
  return lines.join('\n');
}

function exampleSource(n: string, N: string, modelFile: string, header: (what: string) => string, profile: ProfileHooks | null): string {
  return `${header('Sets up the interpreter, allocates the tensors and runs one inference on zero-point inputs.')}
#include <cstring>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_log.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include "${n}_arena.h"
#include "${n}_model_data.h"
#include "${n}_ops.h"
${profile?.include ?? ''}
namespace {
alignas(16) uint8_t g_tensor_arena[k${N}ArenaSize];
// The model file's name, for the log.
constexpr char kModelFile[] = "${cString(modelFile)}";
}  // namespace

// Returns 0 when the model allocates and runs; a non-zero step number otherwise (the log says why).
int Run${N}Example() {
  const tflite::Model* model = tflite::GetModel(g_${n}_model_data);
  if (model->version() != TFLITE_SCHEMA_VERSION) {
    MicroPrintf("%s: model schema %d, TFLM expects %d", kModelFile, static_cast<int>(model->version()), TFLITE_SCHEMA_VERSION);
    return 1;
  }
  static ${N}OpResolver resolver;
  if (Register${N}Ops(resolver) != kTfLiteOk) return 2;
  static tflite::MicroInterpreter interpreter(model, resolver, g_tensor_arena, k${N}ArenaSize${profile?.interpreterArgs ?? ''});
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    MicroPrintf("%s: AllocateTensors() failed with a %d-byte arena", kModelFile, static_cast<int>(k${N}ArenaSize));
    return 3;
  }
  MicroPrintf("%s: arena_used_bytes %d (TinyML Lens: %d)", kModelFile, static_cast<int>(interpreter.arena_used_bytes()),
              static_cast<int>(k${N}ArenaUsedBytes));
  for (size_t i = 0; i < interpreter.inputs_size(); ++i) {
    TfLiteTensor* input = interpreter.input(i);
    // The zero point is the quantized zero; float and wider integer inputs are zeroed.
    const bool byte_quantized = input->type == kTfLiteInt8 || input->type == kTfLiteUInt8;
    std::memset(input->data.raw, byte_quantized ? input->params.zero_point : 0, input->bytes);
  }
  if (interpreter.Invoke() != kTfLiteOk) {
    MicroPrintf("%s: Invoke() failed", kModelFile);
    return 4;
  }
  MicroPrintf("%s: invoke ok", kModelFile);
${profile?.afterInvoke ?? '  return 0;\n'}}

#ifndef TINYML_LENS_NO_MAIN
int main() { return Run${N}Example(); }
#endif
`;
}

function readme(n: string, N: string, opts: CodegenOptions, ops: { op: string; method: string }[], min: number, arena: number,
  report: AnalysisReport, exact: boolean, notes: string[]): string {
  const kernelDir = opts.runtime === 'tflm-cmsis-nn' || opts.runtime === 'ethos-u' ? 'OPTIMIZED_KERNEL_DIR=cmsis_nn' : opts.runtime === 'tflm-esp-nn' ? 'esp-tflite-micro (ESP-NN)' : 'the reference kernels (no OPTIMIZED_KERNEL_DIR)';
  return `# ${markdownCode(opts.modelFile)} for TensorFlow Lite Micro

Generated by TinyML Lens ${opts.toolVersion} for ${opts.runtime}. Regenerate rather than edit.

| file | what |
| --- | --- |
| \`${n}_model_data.h/.cc\` | the model, ${report.flash.modelBytes} bytes, as a 16-byte aligned array (\`g_${n}_model_data\`) |
| \`${n}_ops.h\` | \`${N}OpResolver\` and \`Register${N}Ops()\`: ${ops.length} kernel${ops.length === 1 ? '' : 's'} |
| \`${n}_arena.h\` | \`k${N}ArenaSize\` = ${arena} bytes (minimum ${min}; arena_used_bytes ${report.memory.arenaUsedBytes}) |
| \`${n}_example.cc\` | \`Run${N}Example()\`: interpreter, AllocateTensors, one inference (define \`TINYML_LENS_NO_MAIN\` to drop its \`main\`) |
${opts.profile ? `| \`${n}_profiler.h/.cc\` | per-operator timing: prints \`tinyml-lens-profile v1\` lines for \`tinyml-lens calibrate\` (timer by core: DWT, SysTick, ESP32 cycles; see the header) |\n` : ''}
Build: add the \`.cc\` files to a TensorFlow Lite Micro application built with ${kernelDir}. The arena figure is for
TFLM ${TFLM_COMMIT.slice(0, 12)} and the ${opts.kernels} kernels on a 32-bit Arm target${exact ? ', to the byte' : ' (an estimate for this runtime)'};
other TFLM versions can allocate differently, so keep the version or re-check with \`tinyml-lens analyze\`.

Kernels: ${ops.map((o) => `${markdownCode(o.op)} (\`${o.method}\`)`).join(', ')}.
${notes.length ? `\nNotes:\n${notes.map((t) => `- ${t}`).join('\n')}\n` : ''}`;
}
