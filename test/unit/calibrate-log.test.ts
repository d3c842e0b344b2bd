import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfileLog, ProfileLogError } from '../../server/src/calibrate/log.js';

const ours = (run: number, op: number, tag: string, ticks: number | string, unit = 'cycles'): string =>
  `tinyml-lens-profile v1 run=${run} op=${op} tag=${tag} ticks=${ticks} unit=${unit}`;

/** Asserts a ProfileLogError with this code at this line and column. */
function rejects(text: string, code: string, line: number, column: number, message?: RegExp): void {
  assert.throws(() => parseProfileLog(text), (e: unknown) => {
    assert.ok(e instanceof ProfileLogError, String(e));
    assert.equal(e.code, code);
    assert.deepEqual([e.line, e.column], [line, column], e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('our lines are read through serial-monitor noise: timestamps, ANSI colours, CRLF, interleaved output', () => {
  const log = [
    '\x1b[0;32mI (312) app: tinyml-lens-profile v1 begin model=kws timer=dwt unit=cycles clock_hz=64000000 runs=2\x1b[0m\r',
    `12:00:01.120 -> ${ours(0, 0, 'CONV_2D', 1200)}\r`,
    'some other task printed this',
    `[00:00:01.121] \x1b[1m${ours(0, 1, 'SOFTMAX', 30)}\x1b[0m\r`,
    'tinyml-lens-profile v1 run=0 total ops=2 ticks=1230 unit=cycles',
    ours(1, 0, 'CONV_2D', 1180),
    ours(1, 1, 'SOFTMAX', 31),
    'tinyml-lens-profile v1 end runs=2',
  ].join('\n');
  const p = parseProfileLog(log);
  assert.equal(p.format, 'tinyml-lens');
  assert.equal(p.unit, 'cycles');
  assert.equal(p.timer, 'dwt');
  assert.equal(p.clockHz, 64_000_000);
  assert.deepEqual(p.runs.map((r) => r.map((e) => [e.tag, e.ticks])), [[['CONV_2D', 1200], ['SOFTMAX', 30]], [['CONV_2D', 1180], ['SOFTMAX', 31]]]);
  // The column is the record's in the raw line, ANSI sequences counted.
  const e = p.runs[0]![1]!;
  assert.equal(e.line, 4);
  assert.equal(e.column, '[00:00:01.121] \x1b[1m'.length + 1);
});

test("TFLM's MicroProfiler::Log() output is one flat sequence of events", () => {
  const p = parseProfileLog('boot\r\nCONV_2D took 1234 ticks (0 ms).\r\nI (5) x: SOFTMAX took 12 ticks (0 ms).\r\nCONV_2D took 1200 ticks (0 ms).\n');
  assert.equal(p.format, 'tflm-log');
  assert.equal(p.unit, 'ticks');
  assert.ok(p.flat);
  assert.deepEqual(p.runs[0]!.map((e) => [e.tag, e.ticks, e.line]), [['CONV_2D', 1234, 2], ['SOFTMAX', 12, 3], ['CONV_2D', 1200, 4]]);
});

test("TFLM's LogCsv() output: a header, then rows; event 0 starts a run", () => {
  const p = parseProfileLog(['"Event","Tag","Ticks"', '0,CONV_2D,100', '1,SOFTMAX,5', 'noise', '"Event","Tag","Ticks"', '12:00:00.000 -> 0,CONV_2D,98', '1,SOFTMAX,6'].join('\r\n'));
  assert.equal(p.format, 'tflm-csv');
  assert.deepEqual(p.runs.map((r) => r.map((e) => e.ticks)), [[100, 5], [98, 6]]);
  assert.equal(p.runs[1]![0]!.column, '12:00:00.000 -> '.length + 1);
});

test("TFLM's LogTicksPerTagCsv() output gives per-tag totals", () => {
  const p = parseProfileLog(['"Unique Tag","Total ticks across all events with that tag."', 'CONV_2D, 500', 'SOFTMAX, 7', '"total number of ticks", 507'].join('\n'));
  assert.equal(p.format, 'tflm-tag-csv');
  assert.deepEqual(p.runs[0]!.map((e) => [e.tag, e.ticks, e.op]), [['CONV_2D', 500, -1], ['SOFTMAX', 7, -1]]);
});

test('a broken line of ours is a located error', () => {
  rejects(`x\n${ours(0, 0, 'CONV_2D', '12a')}`, 'bad-log', 2, 'tinyml-lens-profile v1 run=0 op=0 tag=CONV_2D '.length + 1, /ticks=12a is not a count/);
  rejects(`ab ${ours(0, 0, 'CONV_2D', 5).replace(' v1 ', ' v2 ')}`, 'bad-log', 1, 'ab tinyml-lens-profile '.length + 1, /version 'v2'/);
  rejects(`${ours(0, 0, 'CONV_2D', 5, 'ms')}`, 'bad-log', 1, ours(0, 0, 'CONV_2D', 5, 'ms').indexOf('unit=') + 1, /unit=ms/);
  // A lost line: op 2 follows op 0.
  rejects([ours(0, 0, 'CONV_2D', 5), ours(0, 2, 'SOFTMAX', 5)].join('\n'), 'bad-log', 2, 1, /op=2 where op=1 was due/);
  rejects('tinyml-lens-profile v1 run=0 op=0 tag=CONV_2D ticks=overflow', 'bad-log', 1, 'tinyml-lens-profile v1 run=0 op=0 tag=CONV_2D '.length + 1, /not a count/);
  rejects('tinyml-lens-profile v1 run=0 events-dropped max=4', 'bad-log', 1, 30, /dropped events/);
  rejects('tinyml-lens-profile v1 run=0 op=0 ticks=4 unit=cycles', 'bad-log', 1, 1, /no tag=/);
});

test("a broken row of TFLM's CSV is a located error; so is a negative (wrapped) tick count", () => {
  rejects('"Event","Tag","Ticks"\n0,CONV_2D,1x', 'bad-log', 2, 11, /'1x' is not a tick count/);
  rejects('"Event","Tag","Ticks"\n0,CONV_2D,-5', 'bad-log', 2, 11, /negative ticks/);
  rejects('"Event","Tag","Ticks"\n0,CONV_2D,5\n2,SOFTMAX,5', 'bad-log', 3, 1, /event 2 where 1 was due/);
});

test('a log without timings, or mixing two kinds, is refused', () => {
  rejects('hello\nworld\n', 'no-ops', 0, 0, /no operator timings/);
  rejects('', 'no-ops', 0, 0);
  rejects([ours(0, 0, 'CONV_2D', 5), 'CONV_2D took 5 ticks (0 ms).'].join('\n'), 'bad-log', 2, 1, /mixes/);
});
