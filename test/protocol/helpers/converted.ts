/** Shared by the protocol tests of manifests naming a source model (.onnx, .keras, model.json) and its converted .tflite. */
import assert from 'node:assert/strict';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { textAt, type LspClient } from './lsp-client.ts';
import type { TestWorkspace } from './workspace.ts';

/** A manifest on `model` whose 1 KiB budgets every model exceeds (so the figures show in the diagnostics). */
export const tightManifest = (model: string): string => `model: ${model}\nruntime: tflm-cmsis-nn\ntarget: nrf52840\nbudgets: {ram: 1KiB, flash: 1KiB}\n`;

/** How many models the server has parsed (its `tinymlLens/stats`): a re-conversion adds one. */
export const parseCount = async (client: LspClient): Promise<number> => (await client.request<{ parses: number }>('tinymlLens/stats', null)).parses;

export const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';

/** What diagnostics say apart from the model's own name and path, in a stable order: equal for a source and its .tflite. */
export const essence = (ds: Diagnostic[]): object[] => ds.map((d) => {
  const data = { ...(d.data as Record<string, unknown> | undefined) };
  delete data.path;
  return { code: d.code, severity: d.severity, range: d.range.start.line, data };
}).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * Opens a manifest on `source` and one on `tflite` (what `convert` writes for it) and asserts they get the same
 * diagnostics, over-budget ones included, with the converted model's arena in the RAM need; returns the source's.
 */
export async function assertSameAsConverted(client: LspClient, ws: TestWorkspace, source: string, tflite: string): Promise<Diagnostic[]> {
  const tag = source.replace(/\W+/g, '-');
  const fromSource = await client.open(ws.uri(`${tag}.tinyml.yaml`), tightManifest(source));
  const fromTflite = await client.open(ws.uri(`${tag}-tflite.tinyml.yaml`), tightManifest(tflite));
  for (const code of ['ram-over-budget', 'flash-over-budget']) assert.ok(fromSource.some((d) => d.code === code), JSON.stringify(fromSource));
  assert.deepEqual(essence(fromSource), essence(fromTflite));
  const ram = fromSource.find((d) => d.code === 'ram-over-budget')!.data as { need: number };
  assert.ok(ram.need >= ws.analysis(tflite, 'tflm-cmsis-nn').memory.minArenaBytes, 'the arena of the converted model is in the need');
  return fromSource;
}

/** The hover on the `model:` value of a manifest on `model`: its text and the text of the range it covers. */
export async function modelValueHover(client: LspClient, ws: TestWorkspace, model: string): Promise<{ value: string; covers: string; uri: string }> {
  const text = tightManifest(model);
  const uri = ws.uri(`hover-${model.replace(/\W+/g, '-')}.tinyml.yaml`);
  await client.open(uri, text);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
  return { value: hoverText(hover), covers: hover?.range ? textAt(text, hover.range) : '', uri };
}
