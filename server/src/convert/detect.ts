/**
 * Which converter reads a file, from its name and first bytes. Apart from the converters (index.ts re-exports it), so
 * that the language server's thread can sniff a model file without loading them.
 */
import type { SourceFormat } from './types.js';

/**
 * The source format of a file, from its content first (an HDF5 or zip signature, a model.json, a protobuf whose first
 * field is ModelProto's ir_version) and its extension second; null when it is none of them (a .tflite, say).
 */
export function detectFormat(name: string, head: Uint8Array): SourceFormat | null {
  const lower = name.toLowerCase();
  const starts = (sig: readonly number[]): boolean => sig.every((b, k) => head[k] === b);
  if (starts([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'keras-h5';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return lower.endsWith('.keras') || !lower.endsWith('.onnx') ? 'keras' : null;
  if (head.length >= 8 && head[4] === 0x54 && head[5] === 0x46 && head[6] === 0x4c) return null; // "TFL3": already a .tflite
  if (lower.endsWith('.json')) {
    const text = String.fromCharCode(...head.subarray(0, 4096));
    if (/"modelTopology"/.test(text)) return /"node"\s*:/.test(text) && !/"class_name"/.test(text) ? 'tfjs-graph' : 'tfjs-layers';
    return null;
  }
  // ModelProto starts with ir_version (field 1, varint: 0x08) in every exporter we know of.
  if (head[0] === 0x08 || lower.endsWith('.onnx')) return 'onnx';
  return null;
}
