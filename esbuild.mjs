// One build for every bundle: the extension client, the language server and the CLI (all Node, CommonJS).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  // The client imports the shared protocol module; alias the server library to the protocol package the client
  // already bundles, so the server's Node connection code does not ride along into the extension host.
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], alias: { 'vscode-languageserver': 'vscode-languageserver-protocol' } },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  // The analysis worker the server starts with worker_threads; it must sit beside dist/server.js.
  { ...common, entryPoints: ['server/src/lsp/worker/analysis-worker.ts'], outfile: 'dist/analysis-worker.js' },
  { ...common, entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The cost-profile webview: browser code with chart.js bundled in (webviews load nothing from the network).
  {
    ...common, platform: 'browser', format: 'iife', target: 'es2022',
    entryPoints: ['client/src/cost-profile/webview/main.ts'], outfile: 'dist/webview/cost-profile.js',
  },
  // The VS Code test suite (mocha bundled in: the extension host loads it with no node_modules lookup), run by
  // @vscode/test-electron and by the code-server e2e harness alike.
  {
    ...common, entryPoints: { 'suite/index': 'test/suite/index.ts' }, outdir: 'dist/test',
    // mocha's parallel mode resolves these files at run time; the suite runs serially and never loads them.
    external: ['vscode', './reporters/parallel-buffered.cjs', './worker.cjs'],
    alias: { 'vscode-languageserver': 'vscode-languageserver-protocol' },
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
