/**
 * The extension in a real VS Code (desktop through @vscode/test-electron, or code-server's extension host): the
 * language server's diagnostics and hovers reach the editor, every command works, the cost profile renders.
 * Assertions are on diagnostic codes and stable figure keys, not on prose.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import type { TinymlLensApi } from '../../client/src/extension.js';
import { codeOf, file, open } from './helpers.js';
import { waitFor } from './wait.js';

const EXTENSION_ID = 'tinyml-lens.tinyml-lens';

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

/** The position of the first occurrence of `needle` in a document (plus `offset` characters). */
function positionOf(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `'${needle}' in ${doc.uri.path}`);
  return doc.positionAt(at + offset);
}

suite('TinyML Lens in VS Code', () => {
  let api: TinymlLensApi;

  suiteSetup(async () => {
    await open('kws.tinyml.yaml');
    const ext = vscode.extensions.getExtension<TinymlLensApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await waitFor('activation', async () => (ext.isActive ? ext.exports : await ext.activate()));
  });

  test('an over-budget manifest gets ram-over-budget on its budget value', async () => {
    const editor = await open('over-budget.tinyml.yaml');
    const diags = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => codeOf(x) === 'ram-over-budget');
      return d.length ? d : undefined;
    });
    const d = diags[0]!;
    assert.equal(d.source, 'tinyml-lens');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(editor.document.getText(d.range), '32KiB');
  });

  test('the status bar shows the target and RAM share of the active manifest', async () => {
    await open('over-budget.tinyml.yaml');
    await api.refreshStatus();
    const text = await waitFor('status text', () => api.statusText()?.startsWith('nrf52840') && api.statusText());
    // Over its RAM budget: the share, what is over, and the error state.
    assert.match(text, /^nrf52840 · RAM \d+% · RAM over$/);
    assert.equal(api.statusState().kind, 'error');
  });

  test('hover on a budget shows need against budget', async () => {
    const editor = await open('kws.tinyml.yaml');
    const text = await waitFor('budget hover', () => hoverText(editor.document.uri, positionOf(editor.document, '64KiB', 1)));
    assert.match(text, /RAM/);
    assert.match(text, /KiB/);
  });

  test('Open Model Listing opens the layer table, and a row has a hover', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('tinymlLens.openListing', file('kws.tflite'));
    assert.ok(uri, 'the command returns the listing URI');
    const doc = await waitFor('listing text', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.getText().includes('CONV_2D')));
    assert.equal(doc.languageId, 'tinyml-listing');
    const text = await waitFor('listing row hover', () => hoverText(doc.uri, positionOf(doc, 'DEPTHWISE_CONV_2D', 2)));
    assert.match(text, /DEPTHWISE_CONV_2D|input|output/i);
  });

  test('the code lens command (Analyze Model) opens the listing of the given path', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('tinymlLens.analyzeModel', file('kws.tflite').fsPath);
    assert.ok(uri && uri.scheme === 'tinyml-listing');
  });

  test('Select Target lists catalog boards with a verdict and writes the choice into the manifest', async () => {
    const copy = file('select.tinyml.yaml');
    await vscode.workspace.fs.copy(file('kws.tinyml.yaml'), copy, { overwrite: true });
    await open('select.tinyml.yaml');
    const chosen = await vscode.commands.executeCommand<string>('tinymlLens.selectTarget', { pick: 'stm32f746' });
    assert.equal(chosen, 'stm32f746');
    const doc = vscode.window.activeTextEditor!.document;
    assert.match(doc.getText(), /^target: stm32f746$/m);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('in an untrusted workspace the analysis runs but Create Deployment Manifest writes nothing', async function () {
    if (vscode.workspace.isTrusted) return this.skip();
    await waitFor('diagnostics in Restricted Mode', () => vscode.languages.getDiagnostics(file('over-budget.tinyml.yaml')).some((d) => codeOf(d) === 'ram-over-budget'));
    const model = file('untrusted.tflite');
    await vscode.workspace.fs.copy(file('kws.tflite'), model, { overwrite: true });
    const created = await vscode.commands.executeCommand<vscode.Uri>('tinymlLens.createManifest', model);
    assert.equal(created?.scheme, 'untitled');
    assert.match(vscode.window.activeTextEditor!.document.getText(), /^model: untrusted\.tflite$/m);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(file('untrusted.tinyml.yaml'))));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Create Deployment Manifest writes one beside the model, and never overwrites an existing one', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const model = file('fresh.tflite');
    await vscode.workspace.fs.copy(file('kws.tflite'), model, { overwrite: true });
    const created = await vscode.commands.executeCommand<vscode.Uri>('tinymlLens.createManifest', model);
    assert.equal(created?.path, file('fresh.tinyml.yaml').path);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(created!));
    assert.match(text, /^model: fresh\.tflite$/m);
    assert.match(text, /^target: [a-z0-9.-]+$/m, 'the smallest board the model fits');
    // Once the lens is there the server has analysed it: a fresh manifest starts without errors.
    await waitFor('the summary lens', async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', created))?.length);
    assert.deepEqual(vscode.languages.getDiagnostics(created!).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map(codeOf), []);
    const before = new TextDecoder().decode(await vscode.workspace.fs.readFile(file('kws.tinyml.yaml')));
    await vscode.commands.executeCommand('tinymlLens.createManifest', file('kws.tflite'), { ifExists: 'keep' });
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file('kws.tinyml.yaml'))), before);
  });

  test('Generate TFLM C++ Code writes the sources beside the model for the manifest, and asks before overwriting', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const written = await vscode.commands.executeCommand<vscode.Uri[]>('tinymlLens.generateTflmCode', file('kws.tinyml.yaml'), { ifExists: 'cancel' });
    assert.ok(written, 'files were written');
    assert.deepEqual(written.map((u) => u.path.split('/').slice(-2).join('/')).sort(),
      ['kws_tflm/README.md', 'kws_tflm/kws_arena.h', 'kws_tflm/kws_example.cc', 'kws_tflm/kws_model_data.cc', 'kws_tflm/kws_model_data.h', 'kws_tflm/kws_ops.h']);
    const ops = new TextDecoder().decode(await vscode.workspace.fs.readFile(file('kws_tflm/kws_ops.h')));
    assert.match(ops, /resolver\.AddConv2D\(\)/);
    assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(file('kws_tflm/kws_arena.h'))), /constexpr size_t kKwsArenaSize = \d+;/);
    // A second run: the user's edit survives 'cancel', and 'overwrite' replaces it.
    await vscode.workspace.fs.writeFile(file('kws_tflm/kws_ops.h'), new TextEncoder().encode('// my edits'));
    assert.equal(await vscode.commands.executeCommand('tinymlLens.generateTflmCode', file('kws.tinyml.yaml'), { ifExists: 'cancel' }), undefined);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(file('kws_tflm/kws_ops.h'))), '// my edits');
    await vscode.commands.executeCommand('tinymlLens.generateTflmCode', file('kws.tflite'), { ifExists: 'overwrite' });
    assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(file('kws_tflm/kws_ops.h'))), /MicroMutableOpResolver/);
  });

  test('in an untrusted workspace Generate TFLM C++ Code writes nothing', async function () {
    if (vscode.workspace.isTrusted) return this.skip();
    assert.equal(await vscode.commands.executeCommand('tinymlLens.generateTflmCode', file('kws.tflite'), { ifExists: 'overwrite' }), undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(file('kws_tflm'))));
  });

  test('an unsaved manifest is checked, its model path resolved against the workspace folder', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'tinyml-manifest', content: 'model: kws.tflite\nbudgets:\n  ram: 1KiB\n' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    const d = await waitFor('diagnostics on the unsaved manifest', () => vscode.languages.getDiagnostics(doc.uri).find((x) => codeOf(x) === 'ram-over-budget'));
    assert.equal(doc.uri.scheme, 'untitled');
    assert.equal(doc.getText(d.range), '1KiB');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a folder setting reaches the checks of the manifests in that folder', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const editor = await open('over-budget.tinyml.yaml');
    const message = (): string | undefined => vscode.languages.getDiagnostics(editor.document.uri).find((x) => codeOf(x) === 'ram-over-budget')?.message;
    const before = await waitFor('ram-over-budget', message);
    const config = vscode.workspace.getConfiguration('tinymlLens', editor.document.uri);
    // Folder scope: only a setting declared with resource scope may be set per folder.
    await config.update('safetyMargin', 50, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await waitFor('a RAM need with the folder\'s margin', () => message() !== before);
    } finally {
      await config.update('safetyMargin', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    await waitFor('the RAM need without it', () => message() === before);
  });

  test('Quantize to int8 writes <name>_int8.tflite beside the float model, and keeps an existing one when told to', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const written = await vscode.commands.executeCommand<vscode.Uri>('tinymlLens.quantizeModel', file('sine.tflite'), { random: { count: 20, low: 0, high: 6.3 } });
    assert.equal(written?.path, file('sine_int8.tflite').path);
    const bytes = await vscode.workspace.fs.readFile(written!);
    assert.equal(new TextDecoder().decode(bytes.subarray(4, 8)), 'TFL3', 'a .tflite file');
    assert.equal(await vscode.commands.executeCommand('tinymlLens.quantizeModel', file('sine.tflite'), { random: { count: 5, low: 0, high: 1 }, ifExists: 'cancel' }), undefined);
    assert.deepEqual(await vscode.workspace.fs.readFile(written!), bytes);
  });

  test('in an untrusted workspace Quantize to int8 writes nothing', async function () {
    if (vscode.workspace.isTrusted) return this.skip();
    assert.equal(await vscode.commands.executeCommand('tinymlLens.quantizeModel', file('sine.tflite'), { random: { count: 5, low: 0, high: 1 } }), undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(file('sine_int8.tflite'))));
  });

  test('Show Cost Profile opens the webview, which renders the server figures and three charts', async () => {
    await open('kws.tinyml.yaml');
    await vscode.commands.executeCommand('tinymlLens.showCostProfile');
    const state = await waitFor('rendered profile', () => {
      const s = api.costProfileState();
      return s.renders > 0 && s.figures['cloud.latency'] ? s : undefined;
    });
    assert.equal(state.charts, 3);
    assert.match(state.figures['tinyml.latency']!, /(ms|us|s)$/);
    assert.match(state.figures['crossover']!, /TinyML|cloud/);
    assert.ok(vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Cost Profile'))));
  });

  test('the cost profile follows edits of the manifest', async () => {
    const editor = await open('kws.tinyml.yaml');
    const before = api.costProfileState();
    const at = positionOf(editor.document, '1440');
    await editor.edit((e) => e.replace(new vscode.Range(at, at.translate(0, 4)), '2880'));
    const after = await waitFor('a re-render', () => {
      const s = api.costProfileState();
      return s.renders > before.renders && s.figures['cloud.bytesPerDay'] !== before.figures['cloud.bytesPerDay'] ? s : undefined;
    });
    assert.notEqual(after.figures['cloud.bytesPerDay'], before.figures['cloud.bytesPerDay']);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('the cost profile follows its model when the file changes on disk', async () => {
    await vscode.workspace.fs.copy(file('kws.tflite'), file('swap.tflite'), { overwrite: true });
    const manifest = file('swap.tinyml.yaml');
    await vscode.workspace.fs.writeFile(manifest, new TextEncoder().encode('model: swap.tflite\ntarget: efr32mg24\nbudgets:\n  ram: 64KiB\n'));
    await vscode.commands.executeCommand('tinymlLens.showCostProfile', manifest);
    const before = await waitFor('the profile of swap.tinyml.yaml', () => {
      const s = api.costProfileState();
      return s.manifest === manifest.toString() && s.figures['tinyml.ram'] ? s : undefined;
    });
    await vscode.workspace.fs.copy(file('sine.tflite'), file('swap.tflite'), { overwrite: true });
    await waitFor('a profile of the new model', () => api.costProfileState().figures['tinyml.ram'] !== before.figures['tinyml.ram']);
    await vscode.commands.executeCommand('tinymlLens.showCostProfile', file('kws.tinyml.yaml'));
  });

  test('Export writes the profile as Markdown with every assumption and its source', async () => {
    const md = await vscode.commands.executeCommand<string>('tinymlLens.exportCostProfile', 'markdown');
    assert.match(md, /\| `rtt` \|/);
    assert.match(md, /Crossover/);
    const json = await vscode.commands.executeCommand<string>('tinymlLens.exportCostProfile', 'json');
    assert.equal(JSON.parse(json).kind, 'ok');
  });

  test('Show Output and Restart Language Server run', async () => {
    await vscode.commands.executeCommand('tinymlLens.showOutput');
    await vscode.commands.executeCommand('tinymlLens.restartServer');
    const editor = await open('over-budget.tinyml.yaml');
    await waitFor('diagnostics after restart', () => vscode.languages.getDiagnostics(editor.document.uri).some((d) => codeOf(d) === 'ram-over-budget'));
  });
});
