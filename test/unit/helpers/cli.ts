import { run } from '../../../server/src/cli/main.js';

/** Runs the CLI in-process and captures what it prints and its exit code. */
export function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(args, (s) => { out += `${s}\n`; }, (s) => { err += `${s}\n`; });
  return { code, out, err };
}
