/**
 * The CLI's heavier command modules, required on first use. `--version`, `--help` and `analyze` of a .tflite never
 * evaluate the converters (protobufjs, jsfive), the quantizer, the code generator, the firmware reader, the board
 * catalog or the latency model: esbuild keeps each in dist/cli.js, wrapped so that its top level (tables, JSON data,
 * library set-up) runs at the first require only, and V8 only pre-parses the code never called (issue 15: start-up).
 */

type CalibrateModule = typeof import('./calibrate.js');
type CompileModule = typeof import('./compile.js');
type ConvertModule = typeof import('./convert.js');
type ConvertedModule = typeof import('./converted.js');
type QuantizeModule = typeof import('./quantize.js');
type FitModule = typeof import('./fit.js');
type FitPartsModule = typeof import('../analysis/fit-parts.js');
type TfjsModule = typeof import('./tfjs.js');
type FirmwareModule = typeof import('./firmware.js');

export const calibrateCommand = (): CalibrateModule => require('./calibrate.js') as CalibrateModule;
export const compileCommand = (): CompileModule => require('./compile.js') as CompileModule;
export const convertCommand = (): ConvertModule => require('./convert.js') as ConvertModule;
/** A source model (.onnx, .keras, .h5, model.json) converted in memory for any command (model-file.ts). */
export const convertedCommand = (): ConvertedModule => require('./converted.js') as ConvertedModule;
export const quantizeCommand = (): QuantizeModule => require('./quantize.js') as QuantizeModule;
/** fit, analyze --target, the --catalog option and --input-shape. */
export const fitCommand = (): FitModule => require('./fit.js') as FitModule;
export const fitParts = (): FitPartsModule => require('../analysis/fit-parts.js') as FitPartsModule;
export const tfjsCommand = (): TfjsModule => require('./tfjs.js') as TfjsModule;
export const firmwareCommand = (): FirmwareModule => require('./firmware.js') as FirmwareModule;

/** True for a model file the CLI reads as TF.js (`model.json`, or any `.json`), analysed by tfjsCommand(). */
export function isTfjsModelPath(path: string): boolean {
  return /\.json$/i.test(path);
}
