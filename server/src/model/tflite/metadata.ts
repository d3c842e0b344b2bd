/**
 * The metadata entries whose contents matter to the analyses: `OfflineMemoryAllocation` (arena offsets planned ahead
 * of time, e.g. by Vela) and `min_runtime_version`. Each is a named pointer to a buffer; these functions read the
 * buffer's bytes.
 */
import type { OfflineMemoryAllocation } from '../ir';
import type { FbFile } from './bounds';

/** Metadata names with a meaning to this reader. */
export const OFFLINE_MEMORY_ALLOCATION = 'OfflineMemoryAllocation';
export const MIN_RUNTIME_VERSION = 'min_runtime_version';

const HEADER_WORDS = 3;

/**
 * Parses an `OfflineMemoryAllocation` buffer: int32 little-endian words `version, subgraphs, nbr_tensors`, then
 * `nbr_tensors` offsets (-1 = plan online). Throws 'bad-value' when the buffer is too short for what it declares.
 */
export function parseOfflineMemoryAllocation(
  file: FbFile,
  byteOffset: number,
  byteLength: number,
  where: string,
): OfflineMemoryAllocation {
  if (byteLength < 4 * HEADER_WORDS) {
    file.fail('bad-value', byteOffset, where,
      `buffer holds ${byteLength} bytes, less than the ${4 * HEADER_WORDS}-byte OfflineMemoryAllocation header`);
  }
  const version = file.i32(byteOffset);
  const subgraphs = file.i32(byteOffset + 4);
  const count = file.i32(byteOffset + 8);
  const available = Math.floor((byteLength - 4 * HEADER_WORDS) / 4);
  if (count < 0 || count > available) {
    file.fail('bad-value', byteOffset + 8, where,
      `declares ${count} tensor offsets but its buffer holds room for ${available}`);
  }
  file.charge(count, byteOffset, where);
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) offsets[i] = file.i32(byteOffset + 4 * (HEADER_WORDS + i));
  return { version, subgraphs, offsets };
}

/**
 * Reads `min_runtime_version`: a string such as "1.14.0", NUL-padded to a fixed size by the converter, so it ends at
 * the first NUL.
 */
export function parseMinRuntimeVersion(file: FbFile, byteOffset: number, byteLength: number, where: string): string {
  let end = byteOffset;
  const limit = byteOffset + byteLength;
  while (end < limit && file.u8(end) !== 0) end++;
  return file.utf8(byteOffset, end - byteOffset, where);
}
