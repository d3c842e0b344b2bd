/** Entry point of the `tinyml-lens` command (bundled as dist/cli.js). */
import { main } from './main.js';

void Promise.resolve(main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))).then((code) => {
  process.exitCode = code;
});
