import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locateAssumption, manifestValue } from '../../client/src/cost-profile/assumption-text.js';
import { RestartPolicy } from '../../client/src/restart-policy.js';
import { targetEdit } from '../../client/src/target-edit.js';

test('the restart policy restarts a few crashes and gives up on repeated ones, with a message', () => {
  const p = new RestartPolicy(3, 60_000);
  for (let i = 0; i < 3; i++) assert.deepEqual(p.onCrash(i * 1000), { restart: true });
  const d = p.onCrash(4000);
  assert.equal(d.restart, false);
  assert.match(d.restart ? '' : d.message, /crashed 4 times/);
  // Crashes older than the window no longer count.
  const q = new RestartPolicy(1, 1000);
  assert.equal(q.onCrash(0).restart, true);
  assert.equal(q.onCrash(5000).restart, true);
  p.reset();
  assert.equal(p.onCrash(10_000).restart, true);
});

test('assumption values are written in manifest units', () => {
  assert.equal(manifestValue('time', 0.15), '150ms');
  assert.equal(manifestValue('energy', 2.8736e-5), '28.736uJ');
  assert.equal(manifestValue('energy', 0.5472), '547.2mJ');
  assert.equal(manifestValue('bytes', 2 ** 30), '1GiB');
  assert.equal(manifestValue('string', 'ble'), 'ble');
});

test('an assumption is selected where it is, added to a block or flow cloud: section, or a new section', () => {
  const block = 'model: a.tflite\ncloud:\n  link: ble\n  rtt: 80ms\nbudgets:\n  ram: 1KiB\n';
  const sel = locateAssumption(block, 'rtt', '150ms');
  assert.ok(!('insert' in sel) && block.slice(...sel.select) === '80ms');
  const add = locateAssumption(block, 'fleet_size', '1000');
  assert.ok('insertAt' in add);
  const edited = block.slice(0, add.insertAt) + add.insert + block.slice(add.insertAt);
  assert.match(edited, /rtt: 80ms\n {2}fleet_size: 1000\nbudgets:/);
  const flow = 'model: a.tflite\ncloud: {link: ble, inferences_per_day: 10}\n';
  const f = locateAssumption(flow, 'inferences_per_day', '1');
  assert.ok(!('insert' in f) && flow.slice(...f.select) === '10');
  const g = locateAssumption(flow, 'rtt', '150ms');
  assert.ok('insertAt' in g);
  assert.equal(flow.slice(0, g.insertAt) + g.insert + flow.slice(g.insertAt), 'model: a.tflite\ncloud: {link: ble, inferences_per_day: 10, rtt: 150ms}\n');
  const none = locateAssumption('model: a.tflite\n', 'rtt', '150ms');
  assert.ok('insertAt' in none && none.insert === 'cloud:\n  rtt: 150ms\n');
});

test('Select Target replaces a scalar, a flow or a block board, keeps comments, or adds target: after model:', () => {
  const apply = (text: string): string => {
    const e = targetEdit(text, 'nrf52840');
    return text.slice(0, e.start) + e.text + text.slice(e.end);
  };
  assert.equal(apply('model: a.tflite\ntarget: rp2040   # the Pico\nruntime: x\n'), 'model: a.tflite\ntarget: nrf52840   # the Pico\nruntime: x\n');
  assert.equal(apply('model: a.tflite\ntarget: {sram: 256KiB, flash: 1MiB} # inline\n'), 'model: a.tflite\ntarget: nrf52840 # inline\n');
  assert.equal(apply('model: a.tflite\ntarget:\n  sram: 256KiB\n\n  flash: 1MiB\nbudgets:\n  ram: 1KiB\n'), 'model: a.tflite\ntarget: nrf52840\nbudgets:\n  ram: 1KiB\n');
  assert.equal(apply('model: a.tflite\nruntime: x\n'), 'model: a.tflite\ntarget: nrf52840\nruntime: x\n');
  assert.equal(apply('runtime: x\n'), 'target: nrf52840\nruntime: x\n');
});

test('Select Target edits a JSON manifest as JSON', () => {
  const apply = (text: string): string => {
    const e = targetEdit(text, 'nrf52840');
    return text.slice(0, e.start) + e.text + text.slice(e.end);
  };
  assert.deepEqual(JSON.parse(apply('{"model": "a.tflite", "target": {"sram": "1KiB"}}')), { model: 'a.tflite', target: 'nrf52840' });
  assert.deepEqual(JSON.parse(apply('{"model": "a.tflite", "target": "rp2040"}')), { model: 'a.tflite', target: 'nrf52840' });
  assert.deepEqual(JSON.parse(apply('{\n  "model": "a.tflite"\n}')), { target: 'nrf52840', model: 'a.tflite' });
});

test('assumptions are placed in a JSON manifest as JSON, and the inserted value is what gets selected', () => {
  const apply = (text: string, key: string, value: string): { text: string; selected: string } => {
    const p = locateAssumption(text, key, value);
    const out = 'insert' in p ? text.slice(0, p.insertAt) + p.insert + text.slice(p.insertAt) : text;
    return { text: out, selected: out.slice(...p.select) };
  };
  const a = apply('{"model": "a.tflite", "cloud": {"link": "ble"}}', 'rtt', '150ms');
  assert.deepEqual(JSON.parse(a.text).cloud, { rtt: '150ms', link: 'ble' });
  assert.equal(a.selected, '"150ms"');
  const b = apply('{"model": "a.tflite"}', 'fleet_size', '1000');
  assert.deepEqual(JSON.parse(b.text).cloud, { fleet_size: 1000 });
  assert.equal(b.selected, '1000');
  assert.equal(apply('{"cloud": {"link": "wifi"}}', 'link', 'ble').selected, '"wifi"');
  const y = apply('model: a.tflite\ncloud:\n  link: ble\n', 'rtt', '150ms');
  assert.equal(y.selected, '150ms');
  assert.equal(apply('model: a.tflite\n', 'rtt', '150ms').selected, '150ms');
});
