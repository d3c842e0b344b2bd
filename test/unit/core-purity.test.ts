import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(__dirname, '../..');
const CORE = ['server/src/model', 'server/src/analysis', 'server/src/codegen', 'server/src/quantize', 'server/src/firmware'];
/** An import of an editor, LSP, file-system or Node module, in any import form. */
const forbidden = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](vscode[^'"]*|node:[^'"]+|fs|fs\/promises|path|os|child_process|process)['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('the core imports no editor, LSP, file-system or Node modules', () => {
  const offenders: string[] = [];
  for (const dir of CORE) {
    for (const file of sources(join(root, dir))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (forbidden.test(line)) offenders.push(`${file.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(offenders, []);
});

test('the purity check itself catches a forbidden import', () => {
  assert.ok(forbidden.test("import { readFileSync } from 'node:fs';"));
  assert.ok(forbidden.test("import * as vscode from 'vscode';"));
  assert.ok(forbidden.test("import { x } from 'vscode-languageserver/node';"));
  assert.ok(!forbidden.test("import type { Model } from '../model/ir.js';"));
});
