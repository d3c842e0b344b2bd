// The VS Code test suite under @vscode/test-electron: downloads VS Code (or uses VSCODE_EXECUTABLE) and runs
// dist/test/suite/index.js in its extension host on the fixture workspace. Needs internet unless VSCODE_EXECUTABLE is
// set; on the offline CI machine the same suite runs in code-server instead (npm run test:e2e).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The suite writes into its workspace (new manifests, copies): give it a fresh copy of the fixture.
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-lens-electron-'));
fs.cpSync(path.join(root, 'test', 'suite', 'workspace'), workspace, { recursive: true });
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'e2e', 'convert-models.ts'), workspace], { cwd: root });
try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist', 'test', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
  });
} catch (err) {
  console.error('VS Code tests failed:', err);
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
