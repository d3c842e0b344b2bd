/**
 * The one error type the model readers throw for a file they cannot accept. Callers (LSP diagnostics, CLI) switch on
 * `code`, which is stable; the message is for people and may change.
 */

/** Why a file was rejected. */
export type ModelFormatErrorCode =
  /** A read runs past the end of the file (the file was cut short, or an offset/length is garbage). */
  | 'truncated'
  /** An offset points somewhere no valid file can point (before the start of the file, at itself, ...). */
  | 'bad-offset'
  /** A table's vtable is malformed: odd or too small size, or a field lying outside the table. */
  | 'bad-vtable'
  /** The file identifier (bytes 4..8) names another format than 'TFL3'. */
  | 'bad-identifier'
  /** A count exceeds what the reader accepts (limits on tensors, operators, decoded elements). */
  | 'count-too-large'
  /** A string is not valid UTF-8. */
  | 'bad-utf8'
  /** A field holds a value outside its domain: unknown enum, negative dimension, 64-bit value beyond 2^53, ... */
  | 'bad-value'
  /** An index (tensor, buffer, operator code, subgraph) is outside the list it indexes. */
  | 'bad-index'
  /** The bytes are not a TFLite model at all. */
  | 'not-a-model';

/** A model file is truncated, corrupt or not a model; says what is wrong, where in the model, and at which byte. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';

  /**
   * @param code stable reason code
   * @param offset byte offset in the file where the problem was found
   * @param where path of the offending field in the model, e.g. `subgraphs[0].tensors[12].shape` ('' for the file)
   * @param detail what is wrong, without the location (the message adds it)
   * @param fileBytes size of the file, quoted in the message so an offset can be judged against it
   */
  constructor(
    readonly code: ModelFormatErrorCode,
    readonly offset: number,
    readonly where: string,
    readonly detail: string,
    fileBytes: number,
  ) {
    super(`${describeWhere(where)} ${detail} (offset ${offset}, file ${fileBytes} bytes)`);
  }
}

const ENTITY_NAMES: Readonly<Record<string, string>> = {
  subgraphs: 'subgraph',
  tensors: 'tensor',
  operators: 'operator',
  operatorCodes: 'operator code',
  buffers: 'buffer',
  metadata: 'metadata entry',
  signatureDefs: 'signature',
  dimMetadata: 'dimension metadata',
};

/**
 * Turns a field path into words: `subgraphs[0].tensors[12].shape` -> "tensor 12 of subgraph 0: shape". Indexed
 * segments read as entities (innermost first, the way people say it); the plain fields after the last one follow, so
 * that a detail such as "runs past the end of the file" can be appended directly.
 */
export function describeWhere(where: string): string {
  if (where === '') return 'file:';
  const entities: string[] = [];
  let tail: string[] = [];
  for (const segment of where.split('.')) {
    const match = /^([A-Za-z0-9_]+)((?:\[\d+\])+)$/.exec(segment);
    if (match && ENTITY_NAMES[match[1] ?? ''] !== undefined) {
      const indices = (match[2] ?? '').slice(1, -1).split('][').join(', ');
      entities.unshift(`${ENTITY_NAMES[match[1] ?? '']} ${indices}`);
      tail = [];
    } else {
      tail.push(segment);
    }
  }
  const head = entities.length > 0 ? entities.join(' of ') : 'model';
  return tail.length > 0 ? `${head}: ${tail.join('.')}` : `${head}:`;
}
