/** The CLI's usage text and its option table (parsed with node:util's parseArgs in main.ts). */
import type { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../model/limits.js';
import { RUNTIMES } from '../analysis/report.js';

export const USAGE = `Usage: tinyml-lens analyze MODEL [--runtime RUNTIME] [--target TARGET [--clock 120MHz]] [--catalog FILE]
                     [--battery-mah N --inferences-per-day N [--battery-volts V] [--sleep-uw P]] [--format text|json|sarif]
       tinyml-lens fit MODEL [--runtime RUNTIME] [--catalog FILE] [--format text|json]
       tinyml-lens compile MODEL [--runtime RUNTIME] [--target T] [--out DIR] [--name NAME] [--arena-margin PCT] [--profile] [--force]
       tinyml-lens calibrate LOG --model MODEL.tflite --target BOARD [--runtime RUNTIME] [--clock C] [--tick-hz HZ]
                     [--catalog FILE] [--write] [--format text|json]
       tinyml-lens analyze MODEL.tflite --firmware ELF|DIR [--map MAP] [--target TARGET] [--format text|json]
       tinyml-lens lint-firmware SRC.cc... --model MODEL.tflite [--runtime RUNTIME] [--format text|json]
       tinyml-lens quantize MODEL --out OUT.tflite (--data DIR | --random N [--range A,B]) [--io int8|uint8|float32] [--quiet] [--force]
       tinyml-lens convert MODEL.onnx --out OUT.tflite [--int8 (--data DIR | --random N [--range A,B]) [--io T]] [--force] [--format text|json]
                     [--input-shape NAME=D,D,...] [--input-value NAME=V[,V...]]

Reports the tensor arena TensorFlow Lite Micro needs for MODEL (to the byte, for a 32-bit Cortex-M build),
operator support, flash and MACs per layer. compile writes C++ for TFLM: the model array, an op resolver with the
kernels it uses, the arena size from the same figures, and an example that allocates and runs one inference.
compile --profile adds per-operator timing that prints one line per op; calibrate reads such a log (or TFLM's
MicroProfiler output), shows measured vs estimated per layer and the board calibration it would add to the workspace
catalog (tinyml-targets.json): written only with --write, then later estimates for that board and runtime use it.
quantize writes an int8 model (post-training full-integer quantization) of a float32 model, calibrated on samples.
convert writes a float32 .tflite (NHWC) of an ONNX model (PyTorch, scikit-learn); with --int8, quantized as quantize does.
MODEL is a .tflite, or an ONNX (.onnx), Keras (.keras, .h5) or TF.js layers model (model.json and its shards):
every command converts those in memory as convert does and reports the figures of the .tflite convert writes,
labelled "as converted by TinyML Lens"; a model that does not convert exits 1 (2 if unreadable), naming the layer.
analyze model.json alone reports the TF.js model per layer (which layers TFLM cannot run once converted, int8 RAM
and flash estimates) with the exact figures as converted; with --target, --clock or --input-shape it is converted.

Options:
  --runtime   ${RUNTIMES.join(' | ')} (memory to the byte)
              | tflm-esp-nn | ethos-u | edgetpu (op support; memory estimated)
              default: with --target, the target's runtime (as fit picks it); else tflm-cmsis-nn
  --target    a catalog id or alias (nrf52840, arduino-nano-33-ble-sense, ...) or a core (cortex-m4f, esp32s3, ...):
              adds op support per layer, latency, energy and whether it fits
  --clock     core clock (e.g. 120MHz; default: the target's)
  --catalog   a JSON file of your own boards ({"mcus": [...]}, the bundled catalog's schema) added to the catalog
  --battery-mah N        battery capacity (mAh): with --inferences-per-day and a --target with measured active
                         power, adds the battery life in days
  --inferences-per-day N inferences a day for the battery life
  --battery-volts V      the battery's nominal voltage (default 3.0, a CR2032-class cell)
  --sleep-uw P           sleep power between inferences in uW (default 0: inference energy only, an upper bound)
  --format    text (default) | json | sarif
  --input-shape NAME_OR_INDEX=D,D,...  analyze, fit: the shape of an input with a dynamic dimension (repeatable),
              e.g. --input-shape 0=1,96,96,3; the analysis uses it (propagated through the ops whose output shape
              follows from it); without one a dynamic input is analysed at its stored shape, with a warning
              (an ONNX or Keras model takes NAME=... in the converter, in its own layout: NCHW for ONNX;
              convert, compile, quantize and the others take NAME=... for a source model)
  --input-value NAME=V[,V...]  a source model: fix an ONNX input to constants before converting (repeatable), e.g.
              --input-value sr=16000 (Silero VAD); it is not an input of the .tflite, and what depends on it
              folds (an If on it keeps one branch)
  --out DIR          compile: the output folder (default: NAME_tflm beside the model)
  --name NAME        compile: snake_case base of the generated names (default: from the file name)
  --arena-margin PCT compile: percent added to the minimum arena (default 0)
  --profile          compile: add a per-operator profiler (DWT/SysTick/ESP32 cycle timer) for calibrate
  --int8             convert: quantize the converted model (takes quantize's --data/--random/--range/--io/--quiet)
  --force            compile, quantize, convert: replace files that already exist (regular files only, never a link)
  --max-file-size N  the largest file read (e.g. 64MiB, 4GiB; defaults: 2 GiB for a model, 256 MiB for compile,
                     64 MiB for a model.json, 4 MiB for a catalog)
  --model M          calibrate: the model the log was measured with; lint-firmware: the model the sources run
  --firmware ELF     analyze: the application's ELF (or a folder: its PlatformIO, Zephyr, Arduino CLI or ESP-IDF build
                     is found), to report what the application uses and whether the model and arena fit beside it
  --map MAP          analyze --firmware: the GNU ld map of that build (default: the .map beside the ELF)
  --reserve-flash N  analyze --target, fit: flash the application needs besides the model and TFLM (e.g. 40KiB),
  --reserve-ram N    and RAM besides the arena and TFLM's static RAM; counted as user-given (without them, and
                     without --firmware, the application is not counted and the output says so)
  --arena-region R   analyze --target: the RAM region that holds the arena (e.g. DTCM, SDRAM; default: the largest
                     on-chip one); fit lists each target's regions that hold it
  --tick-hz HZ       calibrate: what one tick of TFLM's own MicroProfiler output is (default: a core cycle)
  --write            calibrate: write the calibration into --catalog FILE (default ./tinyml-targets.json)
  --data DIR         quantize: calibration samples, .npy (float32/float64) or raw little-endian float32 .bin files,
                     each one sample of the model input
  --random N         quantize: calibrate on N uniform random samples instead (lower quality)
  --range A,B        quantize: the range of --random (default 0,1; write --range=-1,1 when A is negative)
  --io T             quantize: int8 (default), uint8 (as the converter's inference_input_type=uint8: same scale,
                     zero point + 128) or float32 model inputs and outputs
  --quiet            quantize: no progress bar (it is drawn on standard error only when that is a terminal)
  --max-work N       bounds every analysis: operator visits in the control-flow walk (default ${DEFAULT_LIMITS.maxWork})
  --max-depth N      nesting of control-flow subgraphs (default ${DEFAULT_LIMITS.maxDepth})
  --max-memory SIZE  tensor data the quantizer and the TF.js reader may allocate (default ${DEFAULT_LIMITS.maxMemory / 2 ** 20}MiB)
  --max-arena SIZE   the largest tensor arena modelled (default ${DEFAULT_LIMITS.maxArena / 2 ** 30}GiB); SIZE in bytes or KiB/MiB/GiB
                     A model that exceeds one ends in exit 2, naming the limit and the operator where it was reached.
  -h, --help  this text
  --version   the version

Exit codes: 0 fine, 1 problems found (unsupported operator), 2 unusable input or an analysis limit exceeded.`;

export const OPTIONS = {
  runtime: { type: 'string', default: 'tflm-cmsis-nn' },
  target: { type: 'string' },
  clock: { type: 'string' },
  catalog: { type: 'string' },
  'battery-mah': { type: 'string' },
  'battery-volts': { type: 'string' },
  'inferences-per-day': { type: 'string' },
  'sleep-uw': { type: 'string' },
  format: { type: 'string', default: 'text' },
  out: { type: 'string' },
  name: { type: 'string' },
  'arena-margin': { type: 'string' },
  force: { type: 'boolean' },
  int8: { type: 'boolean' },
  profile: { type: 'boolean' },
  model: { type: 'string' },
  firmware: { type: 'string' },
  map: { type: 'string' },
  'arena-region': { type: 'string' },
  'reserve-flash': { type: 'string' },
  'reserve-ram': { type: 'string' },
  'tick-hz': { type: 'string' },
  write: { type: 'boolean' },
  data: { type: 'string' },
  random: { type: 'string' },
  range: { type: 'string' },
  io: { type: 'string' },
  quiet: { type: 'boolean' },
  'max-work': { type: 'string' },
  'max-depth': { type: 'string' },
  'max-memory': { type: 'string' },
  'max-arena': { type: 'string' },
  'max-file-size': { type: 'string' },
  'input-shape': { type: 'string', multiple: true },
  'input-value': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export type ParsedValues = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];
