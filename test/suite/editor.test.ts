/**
 * The manifest as a first-class file in a real VS Code (issue 11): Outline symbols, path completion, each "did you
 * mean" quick fix, Quantize to int8 on a float model, and the status bar item in each of its states (every budget
 * over, an unsupported operator, warnings, a manifest that does not parse, no manifest). Assertions are on
 * symbol names, diagnostic codes, action titles and the item's state, not on prose.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import type { TinymlLensApi } from '../../client/src/extension.js';
import { ModelBuilder } from '../../server/src/model/builder/index.js';
import { codeOf, folder, open } from './helpers.js';
import { waitFor } from './wait.js';

let manifests = 0;

/** x -> CUSTOM:MyOp -> y: a model whose one operator no TFLM runtime has a kernel for. */
function customOpModel(): Uint8Array {
  const m = new ModelBuilder();
  const g = m.subgraph('main');
  const x = g.input({ name: 'x', shape: [1, 4], dtype: 'FLOAT32' });
  g.output(g.customOp('MyOp', { inputs: [x], output: { name: 'y', shape: [1, 4], dtype: 'FLOAT32' } }));
  return m.finish();
}

/**
 * A new manifest file in the workspace (its own name each time: a reused URI would race the close of the last one),
 * written by the test itself (also in Restricted Mode), shown in the editor.
 */
async function manifest(text: string): Promise<vscode.TextEditor> {
  const name = `editor-${++manifests}.tinyml.yaml`;
  fs.writeFileSync(path.join(folder().fsPath, name), text);
  return open(name);
}

async function closeManifest(): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  if (uri?.scheme === 'file') fs.rmSync(uri.fsPath, { force: true });
}

/** Waits for a diagnostic with `code`, then applies the code action titled like `title` on its range. */
async function applyFix(editor: vscode.TextEditor, code: string, title: RegExp): Promise<void> {
  const uri = editor.document.uri;
  const d = await waitFor(`a ${code} diagnostic`, () => vscode.languages.getDiagnostics(uri).find((x) => codeOf(x) === code));
  const actions = await waitFor(`the fix of ${code}`, async () => {
    const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    return all?.some((a) => title.test(a.title)) ? all : undefined;
  });
  const fix = actions.find((a) => title.test(a.title))!;
  assert.ok(fix.edit, `${fix.title} edits the manifest`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  await waitFor(`${code} to go`, () => !vscode.languages.getDiagnostics(uri).some((x) => codeOf(x) === code));
}

suite('Manifests as first-class files', () => {
  let api: TinymlLensApi;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<TinymlLensApi>('tinyml-lens.tinyml-lens');
    assert.ok(ext);
    api = await waitFor('activation', async () => (ext.isActive ? ext.exports : await ext.activate()));
  });

  test('the Outline lists every key, sections with their keys', async () => {
    const editor = await open('kws.tinyml.yaml');
    const symbols = await waitFor('document symbols', async () => {
      const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      return s?.length ? s : undefined;
    });
    assert.deepEqual(symbols.map((s) => s.name), ['model', 'target', 'runtime', 'budgets', 'reserve', 'cloud']);
    assert.deepEqual(symbols.find((s) => s.name === 'budgets')!.children.map((c) => c.name), ['ram', 'flash']);
    assert.equal(symbols[0]!.detail, 'kws.tflite');
  });

  test('model: completes the workspace models and folders, not other files', async () => {
    const editor = await manifest('model: \ntarget: efr32mg24\n');
    const list = await waitFor('path completion', async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 7));
      return l?.items.some((i) => i.label === 'kws.tflite') ? l : undefined;
    });
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('sine.tflite'));
    assert.ok(!labels.some((l) => l.endsWith('.yaml')), 'manifests are not models');
    await closeManifest();
  });

  test('target: completes catalog boards ranked by fit, the verdict beside each', async () => {
    const editor = await manifest('model: kws.tflite\ntarget: \n');
    const list = await waitFor('target completion with verdicts', async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(1, 8));
      return l?.items.some((i) => typeof i.label === 'object' && /^fits/.test(i.label.description ?? '')) ? l : undefined;
    });
    const verdicts = list.items.filter((i) => typeof i.label === 'object' && i.label.description).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
      .map((i) => (i.label as vscode.CompletionItemLabel).description!);
    assert.match(verdicts[0]!, /^fits/);
    const firstMiss = verdicts.findIndex((v) => !v.startsWith('fits'));
    assert.ok(firstMiss < 0 || verdicts.slice(firstMiss).every((v) => !v.startsWith('fits')));
    await closeManifest();
  });

  test('every "did you mean" has a quick fix: key, runtime, target, unit', async () => {
    const editor = await manifest('model: kws.tflite\ntarget: efr32mg2\nruntime: tflm-cmsisnn\nbudgets:\n  rma: 64KiB\n  flash: 256kib\n');
    await applyFix(editor, 'unknown-key', /'ram'/);
    await applyFix(editor, 'unknown-runtime', /tflm-cmsis-nn/);
    await applyFix(editor, 'unknown-target', /efr32mg2\d/);
    await applyFix(editor, 'bad-unit', /'KiB'/);
    const text = editor.document.getText();
    assert.match(text, /^ {2}ram: 64KiB$/m);
    assert.match(text, /^runtime: tflm-cmsis-nn$/m);
    assert.match(text, /^ {2}flash: 256KiB$/m);
    await closeManifest();
  });

  test('the model: line of a float model offers Quantize to int8', async () => {
    const editor = await manifest('model: sine.tflite\n');
    const quantize = await waitFor('Quantize to int8', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 2, 0, 2));
      return all?.find((a) => a.title === 'Quantize to int8');
    });
    assert.equal(quantize.command?.command, 'tinymlLens.quantizeModel');
    assert.match(String(quantize.command?.arguments?.[0]), /sine\.tflite$/);
    await closeManifest();
    const int8 = await manifest('model: kws.tflite\n');
    await waitFor('the kws analysis', async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', int8.document.uri))?.length);
    const none = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', int8.document.uri, new vscode.Range(0, 2, 0, 2));
    assert.ok(!none?.some((a) => a.title === 'Quantize to int8'), 'an int8 model is not offered quantization');
    await closeManifest();
  });

  test('the status bar: within budget, each budget over, an unsupported operator, warnings, a manifest that does not parse', async () => {
    const states: Record<string, { kind: string | null; text: string | null }> = {};
    const settle = async (name: string, expected: string): Promise<void> => {
      await api.refreshStatus();
      await waitFor(`status ${expected} for ${name}`, async () => {
        await api.refreshStatus();
        return api.statusState().kind === expected;
      });
      states[name] = { kind: api.statusState().kind, text: api.statusText() };
    };
    await open('kws.tinyml.yaml');
    await settle('fits', 'ok');
    assert.match(states.fits!.text!, /^efr32mg24 · RAM \d+%$/);

    await open('over-budget.tinyml.yaml');
    await settle('over', 'error');
    assert.match(states.over!.text!, /RAM over$/);
    assert.match(api.statusState().tooltip!, /ram|RAM/);

    await manifest('model: kws.tflite\ntarget: efr32mg24\nbudgets:\n  rma: 64KiB\n');
    await settle('warning', 'warning');
    await closeManifest();

    await manifest('model: kws.tflite\nbudgets: {ram: [\n');
    await settle('broken', 'error');
    assert.match(states.broken!.text!, /manifest error/);
    assert.match(api.statusState().tooltip!, /line \d+/);
    await closeManifest();

    await manifest('model: kws.tflite\ntarget: efr32mg24\nbudgets:\n  latency: 1us\n');
    await settle('latency', 'error');
    assert.match(states.latency!.text!, /latency over/);
    await closeManifest();

    await manifest('model: kws.tflite\ntarget: efr32mg24\nbudgets:\n  flash: 1KiB\n');
    await settle('flash', 'error');
    assert.match(states.flash!.text!, /flash over/);
    await closeManifest();

    // The board has measured active power, so an inference has an energy to compare with the budget.
    await manifest('model: kws.tflite\ntarget: efr32mg24\nbudgets:\n  energy: 1uJ\n');
    await settle('energy', 'error');
    assert.match(states.energy!.text!, /energy over/);
    await closeManifest();

    // A model with an operator TFLM registers no kernel for (built here, written into the run's workspace).
    fs.writeFileSync(path.join(folder().fsPath, 'custom-op.tflite'), customOpModel());
    await manifest('model: custom-op.tflite\ntarget: efr32mg24\n');
    await settle('unsupported', 'error');
    assert.match(states.unsupported!.text!, /1 unsupported op/);
    assert.match(api.statusState().tooltip!, /cannot run/);
    await closeManifest();
  });

  test('with models and no manifest, the status bar offers Create Deployment Manifest', async () => {
    // Move every manifest out of the workspace (the run's own copy of the fixture), look at a plain file, put them back.
    const root = folder().fsPath;
    const manifests = fs.readdirSync(root).filter((n) => /\.tinyml\.(yaml|json)$|^tinyml\.yaml$/.test(n));
    const aside = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-aside-'));
    for (const n of manifests) {
      fs.copyFileSync(path.join(root, n), path.join(aside, n));
      fs.rmSync(path.join(root, n));
    }
    try {
      fs.writeFileSync(path.join(root, 'notes.txt'), 'notes\n');
      await open('notes.txt');
      await waitFor('the Create Deployment Manifest offer', async () => {
        await api.refreshStatus();
        return api.statusState().kind === 'create';
      });
      assert.equal(api.statusText(), 'Create Deployment Manifest');
    } finally {
      for (const n of manifests) fs.copyFileSync(path.join(aside, n), path.join(root, n));
      fs.rmSync(aside, { recursive: true, force: true });
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    await open('kws.tinyml.yaml');
    await waitFor('the manifest state again', async () => {
      await api.refreshStatus();
      return api.statusState().kind !== 'create' && api.statusState().kind !== null;
    });
  });
});
