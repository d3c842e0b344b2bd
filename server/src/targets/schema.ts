/**
 * A small load-time schema check for the bundled data files. The files are generated, but a hand edit or a converter
 * bug must fail in a test (every loader runs at import time) rather than surface as `undefined` in a user's report.
 */

/** A data file that does not match its schema; `path` says where (`mcus[3].clockMHz`). */
export class DataFileError extends Error {
  constructor(readonly file: string, readonly path: string, problem: string) {
    super(`${file}: ${path}: ${problem}`);
  }
}

/** Reads typed fields out of one object of a data file, naming the exact path of anything wrong. */
export class Fields {
  constructor(private readonly file: string, readonly path: string, private readonly obj: Record<string, unknown>) {}

  /** Wraps `value` (an element of a data file) after checking that it is a plain object. */
  static of(file: string, path: string, value: unknown): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DataFileError(file, path, 'expected an object');
    return new Fields(file, path, value as Record<string, unknown>);
  }

  fail(key: string, problem: string): never {
    throw new DataFileError(this.file, `${this.path}.${key}`, problem);
  }

  str(key: string, opts: { nonEmpty?: boolean } = {}): string {
    const v = this.obj[key];
    if (typeof v !== 'string') this.fail(key, 'expected a string');
    if (opts.nonEmpty && v.trim() === '') this.fail(key, 'must not be empty');
    return v;
  }

  num(key: string, opts: { min?: number; max?: number } = {}): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'expected a finite number');
    if (opts.min !== undefined && v < opts.min) this.fail(key, `must be >= ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) this.fail(key, `must be <= ${opts.max}`);
    return v;
  }

  numOrNull(key: string, opts: { min?: number; max?: number } = {}): number | null {
    return this.obj[key] === null ? null : this.num(key, opts);
  }

  strOrNull(key: string): string | null {
    return this.obj[key] === null ? null : this.str(key);
  }

  bool(key: string): boolean {
    const v = this.obj[key];
    if (typeof v !== 'boolean') this.fail(key, 'expected true or false');
    return v;
  }

  boolOrNull(key: string): boolean | null {
    return this.obj[key] === null ? null : this.bool(key);
  }

  /** Optional boolean: absent means false. */
  flag(key: string): boolean {
    return this.obj[key] === undefined ? false : this.bool(key);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.str(key);
    if (!(values as readonly string[]).includes(v)) this.fail(key, `'${v}' is not one of ${values.join(', ')}`);
    return v as T;
  }

  strings(key: string): string[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(key, 'expected an array of strings');
    return v as string[];
  }

  /** Each element of an array field, as Fields. */
  list(key: string): Fields[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.fail(key, 'expected an array');
    return v.map((x, i) => Fields.of(this.file, `${this.path}.${key}[${i}]`, x));
  }

  obj_(key: string): Fields {
    return Fields.of(this.file, `${this.path}.${key}`, this.obj[key]);
  }

  objOrNull(key: string): Fields | null {
    return this.obj[key] === null ? null : this.obj_(key);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }

  /** A `source` citation: every row of every data file carries one. */
  source(key = 'source'): string {
    return this.str(key, { nonEmpty: true });
  }
}
