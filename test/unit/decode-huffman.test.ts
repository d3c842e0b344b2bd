import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { huffmanOverrun } from '../../server/src/analysis/tflm/huffman-check.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';
import { cli } from './helpers/cli.js';
import { ancillary, encode, huffmanModel as model, SEQUENCE, SYMBOLS } from './helpers/huffman-models.js';

// TFLM_DECODE's Huffman decoder reads its table and codeword stream without bounds checks (decode_state_huffman.cc):
// a table that does not decode its stream passes AllocateTensors and reads outside the model at the first Invoke.


test('the replay decodes a valid 16-bit and 32-bit table exactly as TFLM would, with no read outside', () => {
  for (const bits of [16, 32] as const) {
    const values: number[] = [];
    const overrun = huffmanOverrun(encode(SEQUENCE), ancillary(bits), SEQUENCE.length, (v) => values.push(v));
    assert.equal(overrun, null);
    const width = bits === 16 ? 8 : 16;
    const signed = values.map((v) => ((v & ((1 << width) - 1)) << (32 - width)) >> (32 - width));
    assert.deepEqual(signed, SEQUENCE.map((s) => SYMBOLS[s]));
  }
});

test('a valid Huffman-decoded int8 and int16 tensor: nothing is reported at Invoke', () => {
  for (const [bits, dtype] of [[16, 'INT8'], [32, 'INT16'], [32, 'INT8']] as const) {
    const report = analyzeModel(readTflite(model(encode(SEQUENCE), ancillary(bits), SEQUENCE.length, dtype)), 'tflm-reference');
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.unsupportedOps, [], `${bits}-bit table into ${dtype}`);
  }
});

test('a table entry that points past the table: fails at Invoke on that op, located, with the entry read', () => {
  for (const bits of [16, 32] as const) {
    const bytes = model(encode(SEQUENCE), ancillary(bits, 0x400), SEQUENCE.length, bits === 16 ? 'INT8' : 'INT16');
    const report = analyzeModel(readTflite(bytes), 'tflm-cmsis-nn');
    assert.equal(report.status, 'ok', 'AllocateTensors succeeds');
    const u = report.unsupportedOps.find((x) => x.op === 'CUSTOM:TFLM_DECODE');
    assert.ok(u, JSON.stringify(report.unsupportedOps));
    assert.equal(u.stage, 'invoke');
    // The first code starting with 11 is value 2 ('d', 110): entry 3 + its offset 0x400 + its third bit (0).
    assert.match(u.reason, new RegExp(`value 2 reads table entry ${3 + 0x400 + 0} of 6 \\(${bits}-bit entries`));
    assert.match(u.reason, /reads outside the model/);
  }
});

test('a stream shorter than its output: fails at Invoke, naming the value that runs past the encoded words', () => {
  const short = encode(SEQUENCE).subarray(0, 4); // 32 of the 56 bits the sequence needs
  const report = analyzeModel(readTflite(model(short, ancillary(16), SEQUENCE.length)), 'tflm-reference');
  const u = report.unsupportedOps.find((x) => x.op === 'CUSTOM:TFLM_DECODE');
  assert.ok(u);
  assert.match(u.reason, /consumes bits past the encoded tensor's 1 32-bit words/);
});

test('the CLI exits 1 with the decoder located in text, JSON and SARIF', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tinyml-huffman-')), 'bad.tflite');
  writeFileSync(path, model(encode(SEQUENCE), ancillary(16, 0x400), SEQUENCE.length));
  const text = cli('analyze', path);
  assert.equal(text.code, 1);
  assert.match(text.out, /fails at Invoke\s+CUSTOM:TFLM_DECODE .* at layer 0 of subgraph 0: .*Huffman decoder/);
  const sarif = JSON.parse(cli('analyze', path, '--format', 'sarif').out) as { runs: { results: { ruleId: string }[] }[] };
  assert.deepEqual(sarif.runs[0]!.results.map((r) => r.ruleId), ['op-unsupported']);
});
