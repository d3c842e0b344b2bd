/**
 * Mocha entry point in the shape `extensionTestsPath` expects (a module exporting `run()`), shared by
 * @vscode/test-electron (test/electron/run.mjs) and the code-server harness (test/e2e/run-exthost.mjs). The test
 * file is bundled in, so nothing is globbed or resolved from node_modules at run time.
 */
import * as fs from 'node:fs';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  // Emit pre-require ourselves so suite()/test() exist as globals before the bundled file registers its tests.
  mocha.suite.emit('pre-require', globalThis, 'extension.test.js', mocha);
  require('./extension.test.js');
  require('./editor.test.js');
  require('./viewer.test.js');
  require('./convert.test.js');
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = `${runner.stats?.passes ?? 0} passed, ${failures} failed`;
      console.log(summary);
      // The code-server harness reads the result from here (the extension host's exit code is not visible to it).
      const resultFile = process.env.TINYML_LENS_TEST_RESULT;
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ passes: runner.stats?.passes ?? 0, failures }));
      if (failures > 0) reject(new Error(summary));
      else resolve();
    });
  });
}
