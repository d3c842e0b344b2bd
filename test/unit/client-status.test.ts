import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CostProfileResult, TargetFit } from '../../server/src/lsp/protocol.js';
import { chooseBoard } from '../../client/src/commands/board-choice.js';
import { formatMilliseconds } from '../../client/src/format.js';
import { isTfjsModelText } from '../../client/src/model-kind.js';
import { statusState, type StatusDiagnostic } from '../../client/src/status-state.js';

const ok = (ramShare: number | null): CostProfileResult => ({
  kind: 'ok', uri: 'file:///w/m.tinyml.yaml', version: 1, modelPath: '/w/kws.tflite', runtime: 'tflm-cmsis-nn',
  target: { id: 'nrf52840', name: 'Nordic nRF52840' }, ramShare, overBudget: false, profile: {} as never,
});
const d = (code: string, severity: number, message: string, line = 3): StatusDiagnostic => ({ code, severity, message, line });

test('within every budget: the board and RAM share, no colour', () => {
  const s = statusState(ok(0.79), []);
  assert.equal(s.text, '$(circuit-board) nrf52840 · RAM 79%');
  assert.equal(s.background, null);
  assert.match(s.tooltip, /within every budget/);
});

test('the tooltip lists the whole firmware\'s parts with how each is known (issue 10)', () => {
  const side = (need: number, parts: [string, number, string][], notCounted: string[] = []) =>
    ({ needBytes: need, capacityBytes: 1024 * 1024, parts: parts.map(([part, b, basis]) => ({ part, bytes: b, basis })), notCounted });
  const whole = {
    flash: side(150 * 1024, [['model', 100 * 1024, 'exact'], ['runtime', 50 * 1024, 'measured']], ['the application (no firmware ELF and no reserve.flash given)']),
    ram: side(41 * 1024, [['arena', 40 * 1024, 'exact'], ['runtime', 1024, 'measured']]),
    arenaRegion: 'RAM', arenaRegionBytes: 256 * 1024, arenaExternal: false, problems: [],
  };
  const s = statusState({ ...ok(0.16), whole } as CostProfileResult, []);
  assert.match(s.tooltip, /Flash: 150 KiB of 1 MiB = model 100 KiB \\\(exact\\\) \\\+ TFLM 50 KiB \\\(measured\\\); not counted: the application/);
  assert.match(s.tooltip, /RAM: 41 KiB of 1 MiB = arena 40 KiB \\\(exact\\\) \\\+ TFLM 1 KiB \\\(measured\\\); arena in RAM/);
  assert.doesNotMatch(statusState(ok(0.16), []).tooltip, /Flash:/, 'no parts without a whole-firmware fit');
});

test('every broken budget is named in the text and listed with its figures in the tooltip', () => {
  const ds = [
    d('latency-over-budget', 0, 'Inference takes ~211 ms, budget 50 ms (+161 ms).', 7),
    d('ram-over-budget', 0, 'RAM needs 212 KiB, budget 180 KiB (+32 KiB).', 5),
    d('ram-over-target', 0, 'RAM needs 212 KiB, the board has 200 KiB (+12 KiB).', 2),
    d('energy-over-budget', 0, 'Inference takes ~2 mJ, budget 1 mJ (+1 mJ).', 8),
  ];
  const s = statusState(ok(1.18), ds);
  assert.equal(s.text, '$(error) nrf52840 · RAM 118% · RAM, latency, energy over');
  assert.equal(s.background, 'error');
  assert.match(s.tooltip, /over budget/);
  assert.match(s.tooltip, /line 8: Inference takes ~211 ms, budget 50 ms \\\(\\\+161 ms\\\)/);
  assert.match(s.tooltip, /line 6: RAM needs 212 KiB/);
  assert.doesNotMatch(s.tooltip, /within/);
});

test('flash over the board alone still turns the item red', () => {
  const s = statusState(ok(0.5), [d('flash-over-target', 0, 'Flash needs 2 MiB, the board has 1 MiB (+1 MiB).')]);
  assert.equal(s.text, '$(error) nrf52840 · RAM 50% · flash over');
  assert.equal(s.background, 'error');
});

test('unsupported operators are counted, and a runtime that cannot run the model is an error', () => {
  const s = statusState(ok(0.3), [d('op-unsupported', 0, 'tflm-cmsis-nn cannot run POW'), d('op-unsupported', 0, 'tflm-cmsis-nn cannot run SIN')]);
  assert.equal(s.text, '$(error) nrf52840 · RAM 30% · 2 unsupported ops');
  assert.match(s.tooltip, /cannot run this model/);
});

test('warnings colour the item yellow', () => {
  const s = statusState(ok(0.3), [d('unknown-key', 1, "Unknown key 'rma'. Did you mean 'ram'?")]);
  assert.equal(s.background, 'warning');
  assert.match(s.text, /^\$\(warning\) nrf52840/);
});

test('a manifest the server cannot profile keeps the item and shows its errors', () => {
  const unavailable: CostProfileResult = { kind: 'unavailable', uri: 'file:///w/m.tinyml.yaml', reason: 'the manifest names no model' };
  const s = statusState(unavailable, [d('yaml-syntax', 0, 'Invalid YAML: bad indentation', 1), d('missing-key', 0, "The manifest needs a 'model:'", 0)]);
  assert.equal(s.text, '$(error) TinyML · 2 manifest errors');
  assert.equal(s.background, 'error');
  assert.match(s.tooltip, /line 2: Invalid YAML/);
  // No answer yet and nothing wrong: the item says it is working rather than vanishing.
  assert.equal(statusState(null, []).text, '$(circuit-board) TinyML · analysing…');
});

test('names from diagnostics cannot inject Markdown into the tooltip', () => {
  const s = statusState(ok(0.3), [d('op-unsupported', 0, 'cannot run [click](command:evil)')]);
  assert.doesNotMatch(s.tooltip, /\[click\]\(command/);
});

test('durations are written in human units, never in scientific notation', () => {
  assert.equal(formatMilliseconds(150), '150 ms');
  assert.equal(formatMilliseconds(123.456), '123 ms');
  assert.equal(formatMilliseconds(0.85), '850 us');
  assert.equal(formatMilliseconds(1250), '1.25 s');
  assert.equal(formatMilliseconds(123456), '123 s');
  for (const ms of [1e-3, 0.0123, 7, 99.95, 5e4, 9.99e6]) assert.doesNotMatch(formatMilliseconds(ms), /e[+-]?\d/);
});

const row = (id: string, o: Partial<TargetFit> = {}): TargetFit => ({
  id, name: id, detail: '', runtime: 'tflm-cmsis-nn', fits: true, arenaBytes: 10_000, ramBytes: 256 * 1024, flashBytes: 1024 * 1024,
  modelBytes: 50_000, latencyMs: 10, unsupportedOps: 0, over: [], npu: null, ...o,
});

test('a new manifest names the smallest board whose CPU runtime runs the model with room for the reserve, not an NPU part', () => {
  const targets = [
    row('tight', { ramBytes: 12_000 }),
    row('npu-part', { npu: 'ethos-u55' }),
    row('cpu-part'),
    row('nrf52840'),
  ];
  assert.equal(chooseBoard(targets, undefined)?.id, 'cpu-part');
  // Unsupported operators on every CPU part: the fallback board's own row (its figures become the budgets).
  const none = targets.map((t) => ({ ...t, fits: false, unsupportedOps: 1 }));
  assert.equal(chooseBoard(none, undefined)?.id, 'nrf52840');
  // The setting wins, even over a better board.
  assert.equal(chooseBoard(targets, 'npu-part')?.id, 'npu-part');
  assert.equal(chooseBoard(targets, 'not-listed'), undefined);
  // Only NPU parts fit: one of them, rather than a board that cannot hold the model.
  assert.equal(chooseBoard([row('small', { fits: false }), row('npu-only', { npu: 'ethos-u65' })], undefined)?.id, 'npu-only');
});

test('a model.json is a TF.js model only with modelTopology or weightsManifest', () => {
  assert.equal(isTfjsModelText('{"format": "layers-model", "modelTopology": {}, "weightsManifest": []}'), true);
  assert.equal(isTfjsModelText('{"weightsManifest": [{"paths": ["g.bin"]}]}'), true);
  assert.equal(isTfjsModelText('{"name": "user", "fields": {"id": "number"}}'), false);
  assert.equal(isTfjsModelText('[{"modelTopology": 1}]'), false);
  assert.equal(isTfjsModelText('not json'), false);
});
