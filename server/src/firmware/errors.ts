/**
 * The one error type the firmware readers (ELF, linker map) throw for a file they cannot accept. Callers switch on
 * `code`, which is stable; the message is for people.
 */

export type FirmwareFormatErrorCode =
  /** Not an ELF file at all (no magic). */
  | 'not-elf'
  /** An ELF, but not one a microcontroller runs: 64-bit, big-endian, or another machine than ARM / Xtensa / RISC-V. */
  | 'foreign'
  /** A header field outside its domain (class, encoding, entry sizes, table indices). */
  | 'bad-header'
  /** An offset or size points past the end of the file (a truncated file, or a garbage offset). */
  | 'out-of-range'
  /** A name in a string table has no terminating NUL. */
  | 'bad-string'
  /** A linker map without a `Memory Configuration` table, or a row of it that cannot be read. */
  | 'bad-map';

/** A firmware file is truncated, corrupt or foreign: what is wrong, which field, and where (byte offset, or map line). */
export class FirmwareFormatError extends Error {
  override readonly name = 'FirmwareFormatError';
  constructor(
    readonly code: FirmwareFormatErrorCode,
    /** Byte offset in an ELF; 1-based line number in a map. */
    readonly offset: number,
    readonly field: string,
    detail: string,
  ) {
    super(detail);
  }
}
