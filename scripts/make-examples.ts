/**
 * Writes the bundled example models to examples/ from the seeded builders in server/src/model/builder/examples.ts.
 * Deterministic: rerunning it rewrites identical bytes (a unit test checks the committed files are up to date).
 *
 *   npm run examples
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildIfModel, buildKwsDsCnnInt8, buildSineFloat } from '../server/src/model/builder/examples.js';

/** File name -> builder. The test that keeps examples/ fresh imports this list, so add new examples here. */
export const EXAMPLES: Readonly<Record<string, () => Uint8Array>> = {
  'kws_dscnn_int8.tflite': () => buildKwsDsCnnInt8(1),
  'sine_float.tflite': () => buildSineFloat(1),
  'if_less_add_mul.tflite': () => buildIfModel(),
};

function main(): void {
  const dir = resolve(__dirname, '..', 'examples');
  mkdirSync(dir, { recursive: true });
  for (const [name, build] of Object.entries(EXAMPLES)) {
    const bytes = build();
    writeFileSync(join(dir, name), bytes);
    console.log(`${join('examples', name)}: ${bytes.length} bytes`);
  }
}

if (require.main === module) main();
