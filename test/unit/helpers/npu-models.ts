/**
 * NPU-compiled models of our own for tests: an Edge TPU model (uint8 input -> edgetpu-custom-op -> uint8 output, the
 * options a FlexBuffers map holding a DarwiNN package built here with the flatbuffers builder, laid out as libedgetpu's
 * executable.fbs says) and a Vela model (ethos-u op with command stream, weights, scratch and fast scratch).
 */
import { Builder } from 'flatbuffers';
import { builder as flexBuilder } from 'flatbuffers/js/flexbuffers.js';
import { ModelBuilder } from '../../../server/src/model/builder/index.ts';

export interface ExecutableSpec {
  readonly type: 0 | 1 | 2;
  readonly parameterBytes: number;
  readonly scratchBytes: number;
  readonly cycles: number;
  readonly chip?: string;
}

/** One Executable flatbuffer (fields by their ids in executable.fbs). */
function executable(spec: ExecutableSpec): Uint8Array {
  const b = new Builder(256);
  const params = b.createByteVector(new Uint8Array(spec.parameterBytes).fill(7));
  const chip = b.createString(spec.chip ?? 'beagle');
  b.startObject(17);
  b.addFieldInt32(4, spec.scratchBytes, 0);
  b.addFieldOffset(6, params, 0);
  b.addFieldOffset(10, chip, 0);
  b.addFieldInt16(13, spec.type, 0);
  b.addFieldInt64(16, BigInt(spec.cycles), BigInt(0));
  b.finish(b.endObject());
  return b.asUint8Array().slice();
}

/** A DarwiNN package ("DWN1") holding `executables` in its MultiExecutable. */
export function darwinnPackage(executables: readonly ExecutableSpec[], compilerVersion = 'test-compiler'): Uint8Array {
  const mb = new Builder(256);
  const strings = executables.map((e) => mb.createString(executable(e)));
  mb.startVector(4, strings.length, 4);
  for (let i = strings.length - 1; i >= 0; i--) mb.addOffset(strings[i]!);
  const vec = mb.endVector();
  mb.startObject(1);
  mb.addFieldOffset(0, vec, 0);
  mb.finish(mb.endObject());
  const multi = mb.asUint8Array().slice();

  const b = new Builder(256);
  const multiVec = b.createByteVector(multi);
  const version = b.createString(compilerVersion);
  b.startObject(8);
  b.addFieldOffset(1, multiVec, 0);
  b.addFieldOffset(4, version, 0);
  b.finish(b.endObject(), 'DWN1');
  return b.asUint8Array().slice();
}

/** edgetpu-custom-op options: {"1": version, "4": package, "5": 0}, the package as a FlexBuffers blob. */
export function edgeTpuOptions(pkg: Uint8Array): Uint8Array {
  const fb = flexBuilder();
  fb.startMap();
  fb.addKey('1');
  fb.addInt(1);
  fb.addKey('4');
  fb.add(pkg);
  fb.addKey('5');
  fb.addInt(0);
  fb.end();
  return fb.finish();
}

/** uint8 [1,8,8,3] -> edgetpu-custom-op -> int8 [1,10] -> SOFTMAX (int8) left on the CPU when `cpuTail`. */
export function edgeTpuModel(options: Uint8Array, cpuTail = false): Uint8Array {
  const m = new ModelBuilder({ description: 'test: an Edge TPU-compiled model' });
  const g = m.subgraph('main');
  const q = { scale: [1 / 255], zeroPoint: [0] };
  const x = g.input({ name: 'image', shape: [1, 8, 8, 3], dtype: 'UINT8', quant: q });
  const y = g.customOp('edgetpu-custom-op', { inputs: [x], output: { name: 'logits', shape: [1, 10], dtype: 'INT8', quant: { scale: [0.1], zeroPoint: [0] } }, customOptions: options });
  g.output(cpuTail ? g.op('SOFTMAX', { inputs: [y], output: { name: 'probs', shape: [1, 10], dtype: 'INT8', quant: { scale: [1 / 256], zeroPoint: [-128] } }, options: { beta: 1 } }) : y);
  return m.finish();
}

/** int8 [1,8,8,3] -> ethos-u (command stream 1,200 B, weights 4,000 B, scratch 2,048 B, fast scratch 512 B) -> int8 [1,10]. */
export function velaModel(): Uint8Array {
  const m = new ModelBuilder({ description: 'test: a Vela-compiled model' });
  const g = m.subgraph('main');
  const q = { scale: [0.05], zeroPoint: [0] };
  const x = g.input({ name: 'ifm', shape: [1, 8, 8, 3], dtype: 'INT8', quant: q });
  const cms = g.constant({ name: 'command_stream', shape: [1200], dtype: 'UINT8', data: new Array(1200).fill(1) });
  const weights = g.constant({ name: 'weights', shape: [4000], dtype: 'UINT8', data: new Array(4000).fill(2) });
  const scratch = g.tensor({ name: 'scratch', shape: [2048], dtype: 'UINT8' });
  const fast = g.tensor({ name: 'scratch_fast', shape: [512], dtype: 'UINT8' });
  const fb = flexBuilder();
  fb.addInt(0); // CO_TYPE_ETHOSU
  const y = g.customOp('ethos-u', { inputs: [cms, weights, scratch, fast, x], output: { name: 'ofm', shape: [1, 10], dtype: 'INT8', quant: q }, customOptions: fb.finish() });
  g.output(y);
  return m.finish();
}
