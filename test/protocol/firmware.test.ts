/**
 * The firmware features over the protocol: the lint on C/C++ documents (linked to the model through a manifest or the
 * model array's name; quick fixes that clear their diagnostic), and the manifest's `firmware:` (overflow beside the
 * application, an ELF found by itself, a rebuilt ELF re-checked through didChangeWatchedFiles).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { applyEdits, LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;
const fixtures = path.join(__dirname, '..', 'fixtures', 'firmware');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: () => {
    mkdirSync(path.join(ws.dir, 'sketch'));
    ws.write('sketch/app.tinyml.yaml', 'model: ../kws.tflite\nruntime: tflm-cmsis-nn\n');
    mkdirSync(path.join(ws.dir, 'pio', '.pio', 'build', 'nano'), { recursive: true });
    cpSync(path.join(fixtures, 'app-m0plus-nomodel.elf'), path.join(ws.dir, 'pio', '.pio', 'build', 'nano', 'firmware.elf'));
    cpSync(path.join(fixtures, 'app-cm4.elf'), path.join(ws.dir, 'app.elf'));
  },
});

const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();
const lineWith = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

async function fixesFor(uri: string, d: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
}

test('a sketch beside its manifest: the four mistakes at their lines, each quick fix clears its diagnostic', async () => {
  const uri = ws.uri('sketch/sketch.ino');
  const text = fixture('src/arduino_kws.ino');
  const ds = await client.open(uri, text, 'cpp');
  assert.deepEqual(codes(ds), ['firmware-arena-too-small', 'firmware-missing-op', 'firmware-resolver-too-small', 'firmware-unused-op']);
  const at = (code: string): Diagnostic => ds.find((d) => d.code === code)!;
  assert.equal(at('firmware-resolver-too-small').range.start.line, lineWith(text, 'MicroMutableOpResolver<4>'));
  assert.equal(at('firmware-unused-op').range.start.line, lineWith(text, 'AddMaxPool2D'));
  assert.equal(at('firmware-arena-too-small').range.start.line, lineWith(text, 'kTensorArenaSize = 10 * 1024'));
  let current = text;
  for (const code of ['firmware-missing-op', 'firmware-unused-op', 'firmware-arena-too-small']) {
    const now = await client.change(uri, current);
    const d = now.find((x) => x.code === code);
    assert.ok(d, `${code} still there before its fix`);
    const actions = await fixesFor(uri, d);
    assert.ok(actions.length > 0, `a fix for ${code}`);
    current = applyEdits(current, actions[0]!.edit!.changes![uri]!);
    assert.ok(!(await client.change(uri, current)).some((x) => x.code === code), `${code} fixed by "${actions[0]!.title}"`);
  }
  assert.deepEqual(await client.change(uri, current), [], 'the resolver grew with the added op');
});

test('a correct TFLM-example source linked by its model array name is silent; a source without TFLM too', async () => {
  assert.deepEqual(await client.open(ws.uri('kws_main.cc'), fixture('src/tflm_example.cc'), 'cpp'), []);
  assert.deepEqual(await client.open(ws.uri('util.c'), 'int add(int a, int b) { return a + b; }\n', 'c'), []);
});

test('firmware: an application that leaves too little flash for the model is an error on firmware.elf', async () => {
  const map = fixture('app-cm4.map').replace(/^FLASH(\s+)0x08000000(\s+)0x00040000/m, 'FLASH$10x08000000$20x00008000');
  ws.write('small.map', map);
  const uri = ws.uri('fw.tinyml.yaml');
  const text = 'model: kws.tflite\nfirmware:\n  elf: app.elf\n  map: small.map\n';
  const ds = await client.open(uri, text);
  const flash = ds.find((d) => d.code === 'firmware-flash-overflow');
  assert.ok(flash, JSON.stringify(ds.map((d) => d.code)));
  assert.equal(flash.range.start.line, 2);
  assert.match(String(flash.message), /region FLASH/);
  assert.ok(!ds.some((d) => d.code === 'firmware-ram-overflow'));

  // A rebuilt ELF that is damaged: re-checked through the watcher, a located error.
  const published = client.nextDiagnostics(uri);
  writeFileSync(path.join(ws.dir, 'app.elf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]));
  client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(ws.dir, 'app.elf')).href, type: 2 }] });
  const after = await published;
  const bad = after.find((d) => d.code === 'firmware-unreadable');
  assert.ok(bad, JSON.stringify(after.map((d) => d.code)));
  assert.match(String(bad.message), /64-bit/);
});

test('a manifest without firmware: finds the PlatformIO build beside it and says which it used', async () => {
  ws.write('pio/kws.tinyml.yaml', 'model: ../kws.tflite\n');
  const ds = await client.open(ws.uri('pio/kws.tinyml.yaml'), 'model: ../kws.tflite\n');
  const used = ds.find((d) => d.code === 'firmware-used');
  assert.ok(used, JSON.stringify(ds.map((d) => d.code)));
  assert.match(String(used.message), /firmware\.elf \(PlatformIO layout\)/);
});

test('the whole-firmware fit in hovers counts the ELF\'s application as measured (reserve: only without an ELF)', async () => {
  const hoverAt = async (uri: string, text: string, needle: string): Promise<string> => {
    const line = lineWith(text, needle);
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: text.split('\n')[line]!.indexOf(needle) + 1 } });
    return (h?.contents as MarkupContent | undefined)?.value ?? '';
  };
  // Its own copy: the test above damages app.elf.
  cpSync(path.join(fixtures, 'app-cm4.elf'), path.join(ws.dir, 'whole.elf'));
  const withElf = 'model: kws.tflite\ntarget: stm32f746\nfirmware:\n  elf: whole.elf\nreserve: {flash: 300KiB}\nbudgets:\n  flash: 2MiB\n';
  const uri = ws.uri('whole-elf.tinyml.yaml');
  await client.open(uri, withElf);
  const hover = await hoverAt(uri, withElf, 'flash: 2MiB');
  assert.match(hover, /\| application \| [^|]+ \| measured \| [^|]*whole\.elf/, hover);
  assert.doesNotMatch(hover, /\| application \| [^|]+ \| user-given/);

  const withReserve = 'model: kws.tflite\ntarget: stm32f746\nreserve: {flash: 300KiB}\nbudgets:\n  flash: 2MiB\n';
  const uri2 = ws.uri('whole-reserve.tinyml.yaml');
  await client.open(uri2, withReserve);
  assert.match(await hoverAt(uri2, withReserve, 'flash: 2MiB'), /\| application \| 300 KiB \| user-given/);
});
