/**
 * Per-operator timing logs from a board, as pasted from a serial monitor: the lines `compile --profile` code prints
 * (`tinyml-lens-profile v1 ...`), or TFLM's own MicroProfiler output (`Log()`: "CONV_2D took 1234 ticks (0 ms).",
 * `LogCsv()`: a `"Event","Tag","Ticks"` header then `0,CONV_2D,1234` rows, `LogTicksPerTagCsv()`: per-tag totals).
 * Anything else on a line (timestamps, ANSI colours, CR) and interleaved lines of other output are skipped; a line
 * that is ours but broken is a ProfileLogError at its line and column. Pure.
 */

export type ProfileFormat = 'tinyml-lens' | 'tflm-log' | 'tflm-csv' | 'tflm-tag-csv';

/** One timed event: an operator's Invoke in one run (for per-tag totals, one tag's sum: `op` is -1). */
export interface ProfileEvent {
  run: number;
  op: number;
  tag: string;
  ticks: number;
  /** 1-based position of the record in the log. */
  line: number;
  column: number;
}

export interface ProfileLog {
  format: ProfileFormat;
  /** What a tick is: core cycles, microseconds, or unknown (TFLM's own `GetCurrentTimeTicks`). */
  unit: 'cycles' | 'us' | 'ticks';
  /** The timer the generated code used (`dwt`, `systick`, ...); null for TFLM's own output. */
  timer: string | null;
  /** The clock the board said it runs at (`clock_hz=` of the begin line); null when unknown. */
  clockHz: number | null;
  /**
   * The runs, each its events in execution order. TFLM's `Log()` has no run boundaries: its events come as one run,
   * split by the model's operator count when compared (`flat`).
   */
  runs: ProfileEvent[][];
  flat: boolean;
}

export type ProfileLogErrorCode = 'bad-log' | 'no-ops' | 'mismatch';

/** A log that cannot be used, and where: `line` and `column` are 1-based (0 when about the log as a whole). */
export class ProfileLogError extends Error {
  constructor(readonly code: ProfileLogErrorCode, readonly line: number, readonly column: number, problem: string) {
    super(line > 0 ? `${line}:${column}: ${problem}` : problem);
    this.name = 'ProfileLogError';
  }
}

const MARK = 'tinyml-lens-profile';
const MAX_EVENTS = 1_000_000;
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** A line without ANSI sequences, and where each of its characters was in the original (for columns). */
function clean(raw: string): { text: string; at: (i: number) => number } {
  const line = raw.replace(/\r$/, '');
  if (!line.includes('\x1b')) return { text: line, at: (i) => i + 1 };
  const map: number[] = [];
  let text = '';
  let last = 0;
  for (const m of line.matchAll(ANSI)) {
    for (let i = last; i < m.index; i++) { map.push(i); text += line[i]; }
    last = m.index + m[0].length;
  }
  for (let i = last; i < line.length; i++) { map.push(i); text += line[i]; }
  return { text, at: (i) => (map[i] ?? line.length) + 1 };
}

const uint = (s: string | undefined): number | null => (s !== undefined && /^\d{1,15}$/.test(s) ? Number(s) : null);

/** Parses a log; throws ProfileLogError for a broken record or a log with no timings at all. */
export function parseProfileLog(text: string): ProfileLog {
  const lines = text.split('\n');
  const ours = new Map<number, ProfileEvent[]>();
  let unit: ProfileLog['unit'] | null = null;
  let timer: string | null = null;
  let clockHz: number | null = null;
  const flatEvents: ProfileEvent[] = [];
  const csvRuns: ProfileEvent[][] = [];
  const tagRuns: ProfileEvent[][] = [];
  let csv: 'events' | 'tags' | null = null;
  let count = 0;
  const add = (list: ProfileEvent[], e: ProfileEvent): void => {
    if (++count > MAX_EVENTS) throw new ProfileLogError('bad-log', e.line, e.column, `more than ${MAX_EVENTS} timed events: not a profile log of one model`);
    list.push(e);
  };
  lines.forEach((raw, i) => {
    const n = i + 1;
    const { text: line, at } = clean(raw);
    const mark = line.indexOf(MARK);
    if (mark >= 0) {
      const rec = ourRecord(line, mark, n, at);
      if (rec.kind === 'begin') {
        unit = rec.unit;
        timer = rec.timer;
        clockHz = rec.clockHz;
      } else if (rec.kind === 'op') {
        if (unit !== null && rec.unit !== unit) throw new ProfileLogError('bad-log', n, at(mark), `unit=${rec.unit} after unit=${unit}: one log, one timer`);
        unit = rec.unit;
        const run = ours.get(rec.event.run) ?? [];
        const expected = run.length;
        if (rec.event.op !== expected) {
          throw new ProfileLogError('bad-log', n, at(mark), `run ${rec.event.run} has op=${rec.event.op} where op=${expected} was due (a line lost or repeated?)`);
        }
        add(run, rec.event);
        ours.set(rec.event.run, run);
      }
      return;
    }
    if (line.includes('"Event","Tag","Ticks"')) { csv = 'events'; return; }
    if (line.includes('"Unique Tag"')) { csv = 'tags'; tagRuns.push([]); return; }
    const took = /([A-Za-z_][A-Za-z0-9_:.-]*) took (-?\d+) ticks \(-?\d+ ms\)\./.exec(line);
    if (took) {
      const ticks = Number(took[2]);
      if (ticks < 0) throw new ProfileLogError('bad-log', n, at(took.index + took[1]!.length + 6), `negative ticks ${ticks}`);
      add(flatEvents, { run: 0, op: flatEvents.length, tag: took[1]!, ticks, line: n, column: at(took.index) });
      return;
    }
    if (csv === 'events') {
      const row = /(?:^|[\s>\]|:])(\d+),([^,]*),(.*)$/.exec(line);
      if (!row) return;
      const start = row.index + row[0].indexOf(`${row[1]!},`);
      const event = Number(row[1]);
      const tag = row[2]!.trim();
      const ticks = row[3]!.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_:.-]*$/.test(tag)) throw new ProfileLogError('bad-log', n, at(start + row[1]!.length + 1), `'${tag}' is not an operator tag`);
      if (!/^-?\d{1,15}$/.test(ticks)) throw new ProfileLogError('bad-log', n, at(start + row[1]!.length + row[2]!.length + 2), `'${ticks}' is not a tick count`);
      if (Number(ticks) < 0) throw new ProfileLogError('bad-log', n, at(start + row[1]!.length + row[2]!.length + 2), `negative ticks ${ticks} (the timer wrapped?)`);
      if (event === 0) csvRuns.push([]);
      const run = csvRuns[csvRuns.length - 1];
      if (!run || event !== run.length) throw new ProfileLogError('bad-log', n, at(start), `event ${event} where ${run ? run.length : 0} was due (a line lost?)`);
      add(run, { run: csvRuns.length - 1, op: event, tag, ticks: Number(ticks), line: n, column: at(start) });
      return;
    }
    if (csv === 'tags') {
      const total = /"total number of ticks",\s*(-?\d+)/.exec(line);
      if (total) { csv = null; return; }
      const row = /(?:^|[\s>\]|:])([A-Za-z_][A-Za-z0-9_:.-]*), (-?\d+)\s*$/.exec(line);
      if (!row) return;
      const ticks = Number(row[2]);
      const start = row.index + row[0].indexOf(row[1]!);
      if (ticks < 0) throw new ProfileLogError('bad-log', n, at(start), `negative ticks ${ticks} (the timer wrapped?)`);
      const run = tagRuns[tagRuns.length - 1]!;
      add(run, { run: tagRuns.length - 1, op: -1, tag: row[1]!, ticks, line: n, column: at(start) });
    }
  });
  const found: ProfileLog[] = [];
  if (ours.size) found.push({ format: 'tinyml-lens', unit: unit ?? 'cycles', timer, clockHz, runs: [...ours.keys()].sort((a, b) => a - b).map((r) => ours.get(r)!), flat: false });
  if (csvRuns.length) found.push({ format: 'tflm-csv', unit: 'ticks', timer: null, clockHz: null, runs: csvRuns, flat: false });
  if (flatEvents.length) found.push({ format: 'tflm-log', unit: 'ticks', timer: null, clockHz: null, runs: [flatEvents], flat: true });
  const tags = tagRuns.filter((r) => r.length);
  if (tags.length) found.push({ format: 'tflm-tag-csv', unit: 'ticks', timer: null, clockHz: null, runs: tags, flat: false });
  if (found.length === 0) {
    throw new ProfileLogError('no-ops', 0, 0, `no operator timings found: expected '${MARK} v1 ...' lines (compile --profile) or TFLM MicroProfiler output (Log, LogCsv or LogTicksPerTagCsv)`);
  }
  if (found.length > 1) {
    const first = found[1]!.runs[0]![0]!;
    throw new ProfileLogError('bad-log', first.line, first.column, `the log mixes ${found[0]!.format} and ${found[1]!.format} timings: keep one profile per log`);
  }
  return found[0]!;
}

type OurRecord =
  | { kind: 'begin'; unit: 'cycles' | 'us'; timer: string; clockHz: number | null }
  | { kind: 'op'; unit: 'cycles' | 'us'; event: ProfileEvent }
  | { kind: 'total' };

/** One `tinyml-lens-profile v1 ...` record: `key=value` fields after the version, checked field by field. */
function ourRecord(line: string, mark: number, n: number, at: (i: number) => number): OurRecord {
  const fields = new Map<string, { value: string; column: number }>();
  const words: { word: string; column: number }[] = [];
  const re = /\S+/g;
  re.lastIndex = mark + MARK.length;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push({ word: m[0], column: at(m.index) });
  const version = words.shift();
  if (!version || version.word !== 'v1') {
    throw new ProfileLogError('bad-log', n, version?.column ?? at(mark), `${version ? `version '${version.word}'` : 'no version'}: this TinyML Lens reads ${MARK} v1`);
  }
  let kind: 'op' | 'begin' | 'total' = 'op';
  for (const w of words) {
    const eq = w.word.indexOf('=');
    if (eq < 0) {
      if (w.word === 'begin' || w.word === 'total' || w.word === 'end') kind = w.word === 'end' ? 'total' : w.word;
      else if (w.word === 'events-dropped') throw new ProfileLogError('bad-log', n, w.column, 'the profiler dropped events in this run (more operators ran than its buffer holds): its timings are incomplete');
      else throw new ProfileLogError('bad-log', n, w.column, `unexpected '${w.word}' (a damaged line?)`);
      continue;
    }
    fields.set(w.word.slice(0, eq), { value: w.word.slice(eq + 1), column: w.column });
  }
  const need = (key: string): { value: string; column: number } => {
    const f = fields.get(key);
    if (!f) throw new ProfileLogError('bad-log', n, at(mark), `no ${key}= on this ${MARK} line (a damaged line?)`);
    return f;
  };
  const count = (key: string): number => {
    const f = need(key);
    const v = uint(f.value);
    if (v === null) throw new ProfileLogError('bad-log', n, f.column, `${key}=${f.value} is not a count`);
    return v;
  };
  const unitOf = (): 'cycles' | 'us' => {
    const f = need('unit');
    if (f.value !== 'cycles' && f.value !== 'us') throw new ProfileLogError('bad-log', n, f.column, `unit=${f.value}: expected cycles or us`);
    return f.value;
  };
  if (kind === 'total') return { kind };
  if (kind === 'begin') {
    const clock = fields.get('clock_hz');
    const hz = clock ? uint(clock.value) : null;
    if (clock && hz === null) throw new ProfileLogError('bad-log', n, clock.column, `clock_hz=${clock.value} is not a number`);
    return { kind, unit: unitOf(), timer: fields.get('timer')?.value ?? 'unknown', clockHz: hz ? hz : null };
  }
  const tag = need('tag');
  if (!/^[A-Za-z_][A-Za-z0-9_:.-]*$/.test(tag.value)) throw new ProfileLogError('bad-log', n, tag.column, `tag=${tag.value} is not an operator name`);
  const run = count('run');
  const op = count('op');
  const ticks = count('ticks');
  return { kind, unit: unitOf(), event: { run, op, tag: tag.value, ticks, line: n, column: at(mark) } };
}
