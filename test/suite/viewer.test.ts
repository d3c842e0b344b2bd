/**
 * The model viewer in the extension host (desktop or code-server, trusted and in Restricted Mode): a .tflite opens in
 * the custom editor by default, its page renders the server's figures, compare mode matches the layers, an .onnx opens
 * as its converted model, and a truncated model renders its error. Read through the extension's API (what the page reported it drew).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, teardown, test } from 'mocha';
import type { TinymlLensApi } from '../../client/src/extension.js';
import { waitFor } from './wait.js';

suite('Model viewer', () => {
  let api: TinymlLensApi;
  const file = (name: string): vscode.Uri => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, name);

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<TinymlLensApi>('tinyml-lens.tinyml-lens');
    assert.ok(ext);
    api = await waitFor('activation', async () => (ext.isActive ? ext.exports : await ext.activate()));
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a .tflite opens in the viewer by default and renders layers, the arena plan and the pickers', async () => {
    await vscode.commands.executeCommand('vscode.open', file('kws.tflite'));
    const state = await waitFor('the viewer rendered', () => api.viewers().find((v) => v.uri.endsWith('/kws.tflite') && v.rendered?.kind === 'model'));
    assert.ok(state.rendered!.layers >= 10);
    assert.ok(state.rendered!.buffers >= state.rendered!.layers, 'every planned buffer is drawn');
    assert.equal(state.rendered!.status, 'ok');
    await vscode.commands.executeCommand('tinymlLens.viewerCompareRuntimes', 'tflm-reference', '');
    const compared = await waitFor('compare mode', () => api.viewers().find((v) => v.uri.endsWith('/kws.tflite') && (v.rendered?.compareRows ?? 0) > 0));
    assert.equal(compared.rendered!.compareRows, state.rendered!.layers, 'the same model matches layer for layer');
    assert.equal(compared.compareUri, compared.uri);
  });

  test('Open in Model Viewer on an .onnx shows the converted model (the harness wrote net.onnx)', async () => {
    await vscode.commands.executeCommand('tinymlLens.openModelViewer', file('net.onnx'));
    const state = await waitFor('the converted model rendered', () => api.viewers().find((v) => v.uri.endsWith('/net.onnx') && v.rendered?.kind === 'model'));
    assert.equal(state.rendered!.status, 'ok');
    assert.ok(state.rendered!.layers >= 4, 'Conv, Mean, Reshape, FullyConnected');
  });

  test('a truncated model renders its located error instead of a blank page', async () => {
    const bytes = await vscode.workspace.fs.readFile(file('kws.tflite'));
    const cut = file('viewer-cut.tflite');
    // Written through the API only to build the fixture; in Restricted Mode the suite still may write its own files.
    await vscode.workspace.fs.writeFile(cut, bytes.subarray(0, 200));
    try {
      await vscode.commands.executeCommand('vscode.openWith', cut, 'tinymlLens.modelViewer');
      const state = await waitFor('the error rendered', () => api.viewers().find((v) => v.uri.endsWith('/viewer-cut.tflite') && v.rendered?.kind === 'error'));
      assert.equal(state.rendered!.status, 'malformed');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(cut);
    }
  });
});
