import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, CodeLens, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { CostProfileResult, TargetFit } from '../../server/src/lsp/protocol.ts';
import { ModelBuilder } from '../../server/src/model/builder/index.ts';
import { applyEdits, LspClient } from './helpers/lsp-client.ts';
import type { TestWorkspace } from './helpers/workspace.ts';
import { serveWorkspace } from './helpers/serve.ts';

let ws: TestWorkspace;
let client: LspClient;

/** A float ADD of two inputs of `n` floats: the arena holds three such tensors, about 12 x n bytes. */
function bigAdd(n: number): Uint8Array {
  const m = new ModelBuilder({ description: 'protocol test: a large arena' });
  const g = m.subgraph('main');
  const a = g.input({ name: 'a', shape: [1, n], dtype: 'FLOAT32' });
  const b = g.input({ name: 'b', shape: [1, n], dtype: 'FLOAT32' });
  g.output(g.op('ADD', { inputs: [a, b], output: { name: 'y', shape: [1, n], dtype: 'FLOAT32' } }));
  return m.finish();
}

serveWorkspace((w, c) => { ws = w; if (c) client = c; }, {
  prepare: async () => {
    ws.write('arena300.tflite', bigAdd(20_000));
    ws.write('arena700.tflite', bigAdd(60_000));
  },
});

async function actionsFor(uri: string, ds: Diagnostic[], code: string): Promise<CodeAction[]> {
  const d = ds.filter((x) => x.code === code);
  assert.ok(d.length > 0, `no ${code} in ${JSON.stringify(ds.map((x) => x.code))}`);
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0]!.range, context: { diagnostics: d } });
}

const textAt = (text: string, r: Diagnostic['range']): string => text.split('\n')[r.start.line]!.slice(r.start.character, r.end.character);
const hoverAt = async (uri: string, line: number, character: number): Promise<string> =>
  ((await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }))?.contents as MarkupContent | undefined)?.value ?? '';

test('the arena placed in a region too small for it: arena-region-too-small on arena_region, fixed by moving it', async () => {
  const arena = ws.analysis('arena300.tflite', 'tflm-cmsis-nn').memory.minArenaBytes;
  assert.ok(arena > 128 * 1024 && arena < 288 * 1024, `arena ${arena}`);
  const uri = ws.uri('dtcm.tinyml.yaml');
  const text = 'model: arena300.tflite\ntarget: stm32h743zi\narena_region: DTCM\n';
  const ds = await client.open(uri, text);
  assert.deepEqual(ds.map((d) => d.code), ['arena-region-too-small']);
  const d = ds[0]!;
  assert.equal(textAt(text, d.range), 'DTCM');
  assert.deepEqual((d.data as { alternatives: string[] }).alternatives, ['AXI-SRAM', 'SRAM1-3']);
  const actions = await actionsFor(uri, ds, 'arena-region-too-small');
  const move = actions.find((a) => /AXI-SRAM/.test(a.title));
  assert.ok(move, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(move.isPreferred, true);
  const fixed = applyEdits(text, move.edit!.changes![uri]!);
  assert.equal(fixed.split('\n')[2], 'arena_region: AXI-SRAM');
  assert.deepEqual((await client.change(uri, fixed)).map((x) => x.code), []);
});

test('an arena that fits the total SRAM but no single bank is its own diagnostic; the board fix moves to one that holds it', async () => {
  const arena = ws.analysis('arena700.tflite', 'tflm-cmsis-nn').memory.minArenaBytes;
  assert.ok(arena > 512 * 1024 && arena < 1000 * 1024, `arena ${arena}`);
  const uri = ws.uri('banks.tinyml.yaml');
  const text = 'model: arena700.tflite\ntarget: stm32h743zi\n';
  const ds = await client.open(uri, text);
  assert.deepEqual(ds.map((d) => d.code), ['arena-region-too-small']);
  assert.deepEqual((ds[0]!.data as { alternatives: string[] }).alternatives, []);
  assert.match(ds[0]!.message as string, /no single region/);
  assert.equal(textAt(text, ds[0]!.range), 'stm32h743zi');
  const actions = await actionsFor(uri, ds, 'arena-region-too-small');
  assert.equal(actions.length, 1, JSON.stringify(actions.map((a) => a.title)));
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.notEqual(fixed.split('\n')[1], 'target: stm32h743zi');
  assert.deepEqual((await client.change(uri, fixed)).map((x) => x.code), []);
});

test('arena_region naming no region of the target: unknown-arena-region with the names, and a fix to the close one', async () => {
  const uri = ws.uri('unknown-region.tinyml.yaml');
  const text = 'model: kws.tflite\ntarget: stm32h743zi\narena_region: SRAM5\n';
  const ds = await client.open(uri, text);
  const d = ds.find((x) => x.code === 'unknown-arena-region');
  assert.ok(d, JSON.stringify(ds));
  assert.equal(textAt(text, d.range), 'SRAM5');
  assert.ok((d.data as { regions: string[] }).regions.includes('AXI-SRAM'));
  const actions = await actionsFor(uri, ds, 'unknown-arena-region');
  assert.ok(actions.some((a) => /SRAM4/.test(a.title)), JSON.stringify(actions.map((a) => a.title)));
});

test('the arena in external RAM: information that it is slower, and the fit counts the SDRAM', async () => {
  const uri = ws.uri('sdram.tinyml.yaml');
  const text = 'model: arena700.tflite\ntarget: arduino-portenta-h7\narena_region: SDRAM\n';
  const ds = await client.open(uri, text);
  assert.deepEqual(ds.map((d) => d.code), ['arena-external']);
  assert.equal(ds[0]!.severity, 3);
  const hover = await hoverAt(uri, 2, 16);
  assert.match(hover, /\| \*\*SDRAM\*\* \|/);
  assert.match(hover, /Portenta H7 datasheet/);
});

test('flash over the board names every part with how it is known; hovers and the lens show the whole firmware', async () => {
  const uri = ws.uri('flash-parts.tinyml.yaml');
  const text = 'model: kws.tflite\ntarget: stm32f446re\nreserve: {flash: 500KiB, ram: 8KiB}\n';
  const ds = await client.open(uri, text);
  const d = ds.find((x) => x.code === 'flash-over-target');
  assert.ok(d, JSON.stringify(ds));
  const file = ws.analysis('kws.tflite', 'tflm-cmsis-nn').flash.modelBytes;
  const data = d.data as { need: number; available: number; parts: { part: string; basis: string; bytes: number }[] };
  assert.equal(data.available, 512 * 1024);
  // TFLM's runtime is a part when analysis/footprint predicts it for the Cortex-M4F (measured there), else not counted.
  const runtime = data.parts.find((p) => p.part === 'runtime');
  assert.equal(data.need, file + (runtime?.bytes ?? 0) + 500 * 1024);
  assert.deepEqual(data.parts.map((p) => `${p.part}:${p.basis}`), ['model:exact', ...(runtime ? [`runtime:${runtime.basis}`] : []), 'app:user-given']);
  assert.match(d.message as string, runtime
    ? /^Flash overflows by .* model .* \(exact\), TFLM runtime \+ kernels .* \((measured|estimated)\), app 500 KiB \(user-given\)\.$/
    : /^Flash overflows by .* model .* \(exact\), app 500 KiB \(user-given\)\. Not counted: the TFLM runtime/);
  // With measured footprints the reference kernels take less flash for this model: the kernel-set fix says how much.
  const actions = await actionsFor(uri, ds, 'flash-over-target');
  const kernels = actions.find((a) => /^Switch runtime to tflm-reference: its kernels take .* less flash$/.test(a.title));
  if (runtime?.basis === 'measured') {
    assert.ok(kernels, JSON.stringify(actions.map((a) => a.title)));
    const fixed = applyEdits(text, kernels.edit!.changes![uri]!);
    assert.equal(fixed.split('\n')[1], 'runtime: tflm-reference');
  }
  const target = await hoverAt(uri, 1, 10);
  assert.match(target, /Whole firmware, flash/);
  assert.match(target, /\| application \| 500 KiB \| user-given \| reserve\.flash \|/);
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.equal(lenses.length, 2);
  assert.match(lenses[1]!.command!.title, /^whole firmware: flash .* ✗ = model [\d.]+ (\+ TFLM [\d.]+ (measured|estimated) )?\+ app 500 user-given/);
});

test('targetFits and the cost profile carry the whole firmware: parts with their basis, the region, the verdict', async () => {
  const r = await client.request<{ targets: TargetFit[] }>('tinymlLens/targetFits', { modelUri: ws.uri('arena700.tflite') });
  const h7 = r.targets.find((t) => t.id === 'stm32h743zi');
  assert.ok(h7?.whole, JSON.stringify(h7));
  assert.equal(h7.fits, false);
  assert.deepEqual(h7.whole.problems, ['no-single-region']);
  assert.equal(h7.whole.arenaRegion, 'AXI-SRAM');
  assert.deepEqual(h7.whole.flash.parts.map((p) => p.part).filter((p) => p !== 'runtime'), ['model']);
  assert.ok(h7.whole.flash.notCounted.some((n) => /application/.test(n)));
  const uri = ws.uri('profile-parts.tinyml.yaml');
  await client.open(uri, 'model: kws.tflite\ntarget: stm32f446re\nreserve: {flash: 500KiB}\n');
  const p = await client.request<CostProfileResult>('tinymlLens/costProfile', { uri });
  assert.equal(p.kind, 'ok');
  if (p.kind !== 'ok') return;
  assert.equal(p.overBudget, true, 'the whole firmware overflows the flash though no budget is set');
  assert.deepEqual(p.whole?.problems, ['flash-overflow']);
  assert.deepEqual(p.whole?.flash.parts.map((x) => x.part).filter((x) => x !== 'runtime'), ['model', 'app']);
});
