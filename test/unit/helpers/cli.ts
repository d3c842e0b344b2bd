import { main, run } from '../../../server/src/cli/main.js';

/** Runs the CLI in-process and captures what it prints and its exit code (the synchronous, .tflite commands). */
export function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(args, (s) => { out += `${s}\n`; }, (s) => { err += `${s}\n`; });
  return { code, out, err };
}

/** Like `cli`, for any command, the asynchronous model.json analysis included. */
export async function cliAsync(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => { out += `${s}\n`; }, (s) => { err += `${s}\n`; });
  return { code, out, err };
}
