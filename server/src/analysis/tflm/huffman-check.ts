/**
 * TFLM_DECODE's Huffman decoder at Invoke (kernels/decode_state_huffman.cc and .h at the pinned commit): it walks the
 * ancillary tensor's lookup tables with indices taken from the codeword stream and never checks either against the
 * tensors' sizes (`table_value = huffman_tables[table_offset]`, .cc lines 97/106 for 16-bit tables and 141/150 for
 * 32-bit ones; `head_hold = *head_next++`, .h lines 90/110). Prepare checks only the header, so a table that does not
 * match its stream passes AllocateTensors and the first inference reads outside the model: under QEMU the reference
 * build faulted on such a model after ten billion instructions. This replays the decoder's reads, bit for bit, on
 * the model's own bytes.
 */

/** Where the decoder leaves its tensors, or null when every read stays inside them. */
export interface HuffmanOverrun {
  readonly kind: 'table' | 'stream';
  /** Which output value (0-based) was being decoded. */
  readonly value: number;
  /** table: the entry read and the table's entry count; stream: the 32-bit word read and the words the tensor holds. */
  readonly at: number;
  readonly size: number;
  readonly entryBits: 16 | 32;
}

/** Header bytes (DecodeState::kDcmSizeInBytes, DecodeStateHuffman::kDcmTableSizeOffset and its masks). */
const HEADER_BYTES = 16;
const TABLE_SIZE_OFFSET = 5;
/** The replay stops (and says nothing) past this many table reads: the check must stay bounded on any model. */
const MAX_TABLE_READS = 1 << 24;

/**
 * Replays DecompressToBufferWith16BitTable / 32BitTable for `count` output values over `encoded` (the input tensor's
 * bytes) and `ancillary` (header + tables). Returns the first read outside the table or past the stream's last whole
 * word, or null when none happens (or the replay was cut off by its bound). `sink` receives each decoded table value
 * (the output element is its low 8 or 16 bits), for tests that compare the replay with a known stream.
 */
export function huffmanOverrun(encoded: Uint8Array, ancillary: Uint8Array, count: number, sink?: (tableValue: number) => void): HuffmanOverrun | null {
  if (ancillary.length <= TABLE_SIZE_OFFSET || count <= 0) return null;
  const sizeByte = ancillary[TABLE_SIZE_OFFSET]!;
  const entryBits = (sizeByte & 0x01) !== 0 ? 32 : 16;
  const initialBits = ((sizeByte & 0xf0) >> 4) + 1;
  const entryBytes = entryBits / 8;
  const entries = Math.max(0, Math.floor((ancillary.length - HEADER_BYTES) / entryBytes));
  const tables = new DataView(ancillary.buffer, ancillary.byteOffset + HEADER_BYTES, entries * entryBytes);
  const found = entryBits === 16 ? 0x8000 : 0x80000000;
  const countShift = entryBits === 16 ? 11 : 27;
  const valueMask = entryBits === 16 ? 0x07ff : 0x07ffffff;
  const words = Math.floor(encoded.length / 4);
  const stream = new DataView(encoded.buffer, encoded.byteOffset, words * 4);

  let value = 0;
  let overrun: HuffmanOverrun | null = null;
  // The codeword words are read as uint32 and byte-swapped on a little-endian core: big-endian in the file.
  const word = (i: number): number => {
    if (i >= words) {
      overrun ??= { kind: 'stream', value, at: i, size: words, entryBits };
      return 0;
    }
    return stream.getUint32(i * 4, false);
  };
  const entry = (i: number): number | null => {
    if (i >= entries) {
      overrun = { kind: 'table', value, at: i, size: entries, entryBits };
      return null;
    }
    return entryBits === 16 ? tables.getUint16(i * 2, true) : tables.getUint32(i * 4, true);
  };

  // InitNextBits / GetNextBits / PutBackBits of decode_state_huffman.h, as unsigned 32-bit arithmetic.
  let headOffset = 32;
  let headNext = 1;
  let headHold = word(0);
  const nextBits = (n: number): number => {
    let output = 0;
    if (n > headOffset) {
      const mask = headOffset === 32 ? 0xffffffff : (2 ** headOffset) - 1;
      output = ((headHold & mask) * 2 ** (n - headOffset)) >>> 0;
      n -= headOffset;
      headHold = word(headNext++);
      headOffset = 32;
    }
    const shift = headOffset - n;
    output = (output | (Math.floor(headHold / 2 ** shift) & ((2 ** n) - 1))) >>> 0;
    headOffset -= n;
    return output;
  };
  const putBack = (n: number): void => {
    headOffset += n;
    if (headOffset > 32) {
      headOffset -= 32;
      headNext--;
      headHold = word(headNext - 1);
    }
  };

  let reads = 0;
  for (; value < count; value++) {
    let lastUsed = initialBits;
    let offset = nextBits(lastUsed);
    let v = entry(offset);
    while (v !== null && (v & found) === 0) {
      if (++reads > MAX_TABLE_READS) return null;
      lastUsed = Math.floor((v >>> 0) / 2 ** countShift) % 16 + 1;
      const index = nextBits(lastUsed);
      offset += (v & valueMask) + index;
      v = entry(offset);
    }
    if (v === null) return overrun;
    sink?.(v >>> 0);
    const residual = Math.floor((v >>> 0) / 2 ** countShift) % 16;
    if (lastUsed > residual) putBack(lastUsed - residual);
    // Net bits consumed past the stream: the values decoded from there on are not the model's.
    if (overrun !== null && (headNext - 1) * 32 + (32 - headOffset) > words * 32) return overrun;
    if (++reads > MAX_TABLE_READS) return null;
  }
  return null;
}
