/**
 * Convert to .tflite in a real VS Code's extension host, on the ONNX models test/e2e/convert-models.ts wrote into the
 * workspace: the .tflite written beside the source is byte-equal to what the CLI (`dist/cli.js convert`) writes, float
 * and int8; Quantize to int8 on the .onnx writes what `dist/cli.js quantize` writes; declining to overwrite keeps the old file untouched; a model that does not convert writes nothing; in an
 * untrusted workspace (the harness's second run) nothing is written. The Replace dialog itself is clicked in the UI
 * test (test/e2e/convert.test.mjs).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import { file } from './helpers.js';

const EXTENSION_ID = 'tinyml-lens.tinyml-lens';
const COMMAND = 'tinymlLens.convertToTflite';

suite('Convert to .tflite', () => {
  let cliPath = '';
  let scratch = '';

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    if (!ext.isActive) await ext.activate();
    cliPath = path.join(ext.extensionPath, 'dist', 'cli.js');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-convert-e2e-'));
    assert.ok(fs.existsSync(file('net.onnx').fsPath), 'the harness wrote net.onnx (test/e2e/convert-models.ts)');
  });

  suiteTeardown(() => {
    // Later suites pick among the workspace's models: leave none of ours behind.
    for (const name of ['net.tflite', 'net_int8.tflite', 'bad.tflite']) fs.rmSync(file(name).fsPath, { force: true });
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** What the CLI writes for the same source and options (run as plain Node, as a user runs it). */
  function cliConvert(source: vscode.Uri, ...extra: string[]): Buffer {
    const out = path.join(scratch, `cli-${fs.readdirSync(scratch).length}.tflite`);
    execFileSync(process.execPath, [cliPath, 'convert', source.fsPath, '--out', out, ...extra], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    return fs.readFileSync(out);
  }

  test('an ONNX model converts beside itself, byte-equal to the CLI; a declined overwrite keeps the old file', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const target = file('net.tflite');
    const written = await vscode.commands.executeCommand<vscode.Uri>(COMMAND, file('net.onnx'), { int8: false, out: target.fsPath });
    assert.equal(written?.fsPath, target.fsPath);
    const bytes = fs.readFileSync(target.fsPath);
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'TFL3', 'a .tflite file');
    assert.deepEqual(bytes, cliConvert(file('net.onnx')), 'the bytes tinyml-lens convert writes');
    const stamp = fs.statSync(target.fsPath).mtimeMs;
    assert.equal(await vscode.commands.executeCommand(COMMAND, file('net.onnx'), { int8: { random: { count: 4, low: -1, high: 1 } }, out: target.fsPath, ifExists: 'cancel' }), undefined);
    assert.deepEqual(fs.readFileSync(target.fsPath), bytes, 'the old file is untouched');
    assert.equal(fs.statSync(target.fsPath).mtimeMs, stamp);
  });

  test('int8 on random data, over an existing file when told to: the bytes of convert --int8 --random', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const target = file('net_int8.tflite');
    fs.writeFileSync(target.fsPath, 'an older model');
    const written = await vscode.commands.executeCommand<vscode.Uri>(COMMAND, file('net.onnx'), { int8: { random: { count: 8, low: -1, high: 1 } }, out: target.fsPath, ifExists: 'overwrite' });
    assert.equal(written?.fsPath, target.fsPath);
    assert.deepEqual(fs.readFileSync(target.fsPath), cliConvert(file('net.onnx'), '--int8', '--random', '8', '--range=-1,1'));
  });

  test('Quantize to int8 on an ONNX model converts, then quantizes, beside it: the bytes of dist/cli.js quantize on the .onnx', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    const written = await vscode.commands.executeCommand<vscode.Uri>('tinymlLens.quantizeModel', file('net.onnx'), { random: { count: 8, low: -1, high: 1 }, ifExists: 'overwrite' });
    assert.equal(written?.fsPath, file('net_int8.tflite').fsPath);
    const out = path.join(scratch, 'cli-quantize.tflite');
    execFileSync(process.execPath, [cliPath, 'quantize', file('net.onnx').fsPath, '--out', out, '--random', '8', '--range=-1,1', '--quiet'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.deepEqual(fs.readFileSync(written!.fsPath), fs.readFileSync(out));
  });

  test('a symbolic link at the destination is refused: nothing is written through it', async function () {
    if (!vscode.workspace.isTrusted || process.platform === 'win32') return this.skip();
    const outside = path.join(scratch, 'outside.tflite');
    fs.writeFileSync(outside, 'not to be touched');
    const link = file('link.tflite').fsPath;
    fs.symlinkSync(outside, link);
    try {
      assert.equal(await vscode.commands.executeCommand(COMMAND, file('net.onnx'), { int8: false, out: link, ifExists: 'overwrite' }), undefined);
      assert.equal(fs.readFileSync(outside, 'utf8'), 'not to be touched');
      assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link itself is left as it was');
    } finally {
      fs.rmSync(link, { force: true });
    }
  });

  test('a model that does not convert writes nothing', async function () {
    if (!vscode.workspace.isTrusted) return this.skip();
    assert.equal(await vscode.commands.executeCommand(COMMAND, file('bad.onnx'), { int8: false, out: file('bad.tflite').fsPath }), undefined);
    assert.equal(fs.existsSync(file('bad.tflite').fsPath), false);
  });

  test('in an untrusted workspace Convert to .tflite and Quantize to int8 on an ONNX model write nothing', async function () {
    if (vscode.workspace.isTrusted) return this.skip();
    assert.equal(await vscode.commands.executeCommand(COMMAND, file('net.onnx'), { int8: false, out: file('net.tflite').fsPath }), undefined);
    assert.equal(await vscode.commands.executeCommand('tinymlLens.quantizeModel', file('net.onnx'), { random: { count: 4, low: 0, high: 1 } }), undefined);
    assert.equal(fs.existsSync(file('net.tflite').fsPath), false);
    assert.equal(fs.readdirSync(path.dirname(file('net.onnx').fsPath)).filter((n) => n.endsWith('.tflite') && n.startsWith('net')).length, 0);
  });
});
