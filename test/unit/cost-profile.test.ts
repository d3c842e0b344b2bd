import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASSUMPTIONS, checkCostData, costProfile, LINKS, resolveAssumptions, transfer, type CostProfileInput } from '../../server/src/analysis/cost/index.js';
import { analyzeModel } from '../../server/src/analysis/report.js';
import { buildKwsDsCnnInt8 } from '../../server/src/model/builder/examples.js';
import { readTflite } from '../../server/src/model/tflite/reader.js';

const report = analyzeModel(readTflite(buildKwsDsCnnInt8()), 'tflm-cmsis-nn');

function input(overrides: CostProfileInput['overrides'] = {}, joules: number | null = 1e-3): CostProfileInput {
  return {
    report,
    modelInputBytes: 490,
    modelOutputBytes: 12,
    inference: { seconds: 0.02, lowSeconds: 0.015, highSeconds: 0.03, joules },
    ram: { needBytes: 50_000, budgetBytes: 64_000, targetBytes: 256 * 1024 },
    flash: { needBytes: 40_000, budgetBytes: null, targetBytes: 1024 * 1024 },
    overrides,
  };
}

test('the bundled cost data has a sourced default for every assumption and every link', () => {
  checkCostData();
  assert.deepEqual(LINKS, ['ble', 'wifi', 'lte-m', 'nb-iot', 'lorawan']);
  for (const link of LINKS) {
    for (const a of resolveAssumptions({ link }, { input_bytes: { value: 1, source: 'model' }, output_bytes: { value: 1, source: 'model' } })) {
      assert.ok(a.source.length > 0, `${link} ${a.key} has a source`);
    }
  }
});

test('a manifest value overrides the default and says so; per-link defaults follow the link', () => {
  const ble = resolveAssumptions({ link: 'ble', rtt: 0.05 }, {});
  const wifi = resolveAssumptions({ link: 'wifi' }, {});
  const rtt = ble.find((a) => a.key === 'rtt')!;
  assert.equal(rtt.value, 0.05);
  assert.equal(rtt.fromManifest, true);
  assert.notEqual(ble.find((a) => a.key === 'message_energy')!.value, wifi.find((a) => a.key === 'message_energy')!.value);
  assert.equal(ASSUMPTIONS.length, new Set(ASSUMPTIONS.map((a) => a.key)).size);
});

test('a transfer costs the message energy plus airtime for payload beyond what the message covers', () => {
  const link = { uplinkBps: 8000, messageJ: 0.5, messageBytes: 100, txPowerW: 0.1, connectS: 0.2, maxPayload: null };
  const t = transfer(1100, link);
  assert.equal(t.messages, 1);
  assert.equal(t.airtimeS, 1.1);
  assert.ok(Math.abs(t.joules - (0.5 + 1 * 0.1)) < 1e-12);
  assert.ok(Math.abs(t.seconds - 1.3) < 1e-12);
  assert.equal(transfer(0, link).joules, 0);
  assert.equal(transfer(250, { ...link, maxPayload: 100 }).messages, 3);
});

test('cloud latency is connect + upload + round trip + server + download; TinyML sends results only', () => {
  const p = costProfile(input({ link: 'wifi', input_bytes: 16000, rtt: 0.1, server_inference: 0.02 }));
  const parts = p.cloud.latencyParts;
  const total = Object.values(parts).reduce<number>((n, v) => n + (v ?? 0), 0);
  assert.ok(Math.abs((p.cloud.latencyS ?? 0) - total) < 1e-12);
  assert.equal(parts['rtt'], 0.1);
  assert.equal(p.cloud.bytesPerDay, 1440 * (16000 + 12));
  assert.equal(p.tinyml.bytesPerDay, 1440 * 12);
  assert.equal(p.tinyml.latencyS, 0.02);
  assert.ok(p.tinyml.computeJ === 1e-3 && (p.tinyml.energyJ ?? 0) > 1e-3, 'the radio share is added to the compute energy');
});

test('the crossover is the fleet size where the one-time TinyML cost is paid back by cheaper months', () => {
  const p = costProfile(input({ link: 'lte-m', input_bytes: 16000, tinyml_nre: 12000, amortization_months: 12 }));
  const slope = p.cloud.perDeviceMonthly.total - p.tinyml.perDeviceMonthly.total;
  assert.ok(slope > 0);
  assert.equal(p.fleet.crossover, Math.ceil(1000 / slope));
  const at = p.fleet.points.find((x) => x.devices === p.fleet.crossover)!;
  assert.ok(at.tinyml <= at.cloud);
  const before = p.fleet.points.filter((x) => x.devices < p.fleet.crossover!).at(-1);
  if (before) assert.ok(before.tinyml > before.cloud);
  assert.ok(p.fleet.points.every((x, i, all) => i === 0 || all[i - 1]!.devices < x.devices), 'fleet sizes ascend');
});

test('unknown energy leaves TinyML battery life unknown and explains it; an unknown link is reported', () => {
  const p = costProfile(input({ link: 'zigbee' }, null));
  assert.equal(p.tinyml.batteryDays, null);
  assert.equal(p.link.known, false);
  assert.ok(p.notes.some((n) => n.includes('energy unknown')));
  assert.ok(p.notes.some((n) => n.includes("'zigbee'")));
});

test('LoRaWAN uploads of raw input beyond the duty cycle are flagged', () => {
  const p = costProfile(input({ link: 'lorawan', input_bytes: 16000 }));
  assert.ok(p.notes.some((n) => n.includes('duty cycle')));
  assert.equal(p.layers.length, report.layers.length);
});
