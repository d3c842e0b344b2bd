/**
 * Every runtime issue 3 checks op support for, as the server's RuntimeRegistry: the two TFLM kernel sets (memory to
 * the byte) and ESP-NN, Ethos-U and the Edge TPU (memory from the closest modelled kernel set, labelled an estimate).
 */
import { memoryKernelsFor, SUPPORT_RUNTIMES, type Runtime } from '../analysis/support/index.js';
import type { RuntimeInfo, RuntimeRegistry } from './providers.js';

const DESCRIPTIONS: Readonly<Record<Runtime, string>> = {
  'tflm-reference': 'TensorFlow Lite Micro with its portable reference kernels: plain C++ loops, no SIMD. Runs anywhere; slowest.',
  'tflm-cmsis-nn': 'TensorFlow Lite Micro with Arm CMSIS-NN kernels for int8/int16 convolutions, depthwise, fully connected, pooling, softmax and SVDF (DSP/SIMD on Cortex-M4/M7/M33, Helium on M55/M85); other ops use the reference kernels.',
  'tflm-esp-nn': 'TensorFlow Lite Micro with Espressif ESP-NN kernels (ESP32, ESP32-S3 SIMD) for int8 convolutions, depthwise, fully connected, pooling, add/mul and softmax; other ops use the reference kernels. Memory figures are an estimate (reference kernel set).',
  'ethos-u': 'Arm Ethos-U NPU: operators Vela can place run on the NPU; the rest run on the Cortex-M with TFLM + CMSIS-NN. Memory figures are an estimate (CMSIS-NN kernel set).',
  edgetpu: 'Coral Edge TPU: the compiler maps operators up to the first it cannot map; that one and everything after it run on the CPU (TFLM + CMSIS-NN). Memory figures are an estimate (CMSIS-NN kernel set).',
};

function info(id: Runtime): RuntimeInfo {
  return { id, description: DESCRIPTIONS[id], kernels: memoryKernelsFor(id), support: id };
}

const ALL: readonly RuntimeInfo[] = SUPPORT_RUNTIMES.map(info);

/** The registry of every runtime with op-support data (server/src/analysis/support/). */
export const supportRuntimes: RuntimeRegistry = {
  get: (id) => ALL.find((r) => r.id === id) ?? null,
  all: () => ALL,
};
