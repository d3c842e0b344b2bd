/**
 * The footprint rig's shared pieces: a TFLM build's own compiler flags (read from its Makefile as harness.sh does),
 * the exact compile and link commands, and the toolchain's version. Used by measure.ts and scripts/footprint-check.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSizeA, type Sections } from './map.js';

export const RIG = process.env.TFLM_RIG ?? '/work/tflm-rig';
export const TFLM = join(RIG, 'tflite-micro');
export const BUILD_TYPE = 'release_with_logs';

/** The flags every footprint object is compiled with, after TFLM's own CXXFLAGS / CCFLAGS for the build. */
export const COMPILE_EXTRA = '-Os';
/** The link: TFLM's CXXFLAGS (for the multilib: -mcpu, -mfloat-abi) then these, then the objects, the library, -lm. */
export const LINK_FLAGS = '-Os -ffunction-sections -fdata-sections -Wl,--gc-sections --specs=nano.specs --specs=nosys.specs';

export interface Build {
  /** "cortex-m4+fp cmsis_nn": TARGET_ARCH and kernel set, as the rig's folders name them. */
  id: string;
  core: string;
  kernels: 'reference' | 'cmsis_nn';
  lib: string;
  flags: { cxx: string; cc: string; includes: string };
}

/** Bash, in TFLM's folder: TFLM's flags carry shell quoting (-D...=\""ARMCM4".h\"), as in its make recipes. */
export function sh(cmd: string): string {
  return execFileSync('bash', ['-c', cmd], { cwd: TFLM, encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function openBuild(spec: string): Build {
  const [core, kernels] = spec.split(':') as [string, string];
  if (kernels !== 'reference' && kernels !== 'cmsis_nn') throw new Error(`build ${spec}: CORE:reference or CORE:cmsis_nn`);
  const suffix = kernels === 'cmsis_nn' ? '_cmsis_nn' : '';
  const lib = join(TFLM, 'gen', `cortex_m_generic_${core}_${BUILD_TYPE}${suffix}_gcc`, 'lib', 'libtensorflow-microlite.a');
  if (!existsSync(lib)) throw new Error(`${lib} missing: build it with tools/tflm-harness/build.sh ${core} ${kernels}`);
  const text = readFlags(core, kernels);
  const get = (k: string): string => {
    const m = new RegExp(`^${k}=(.*)$`, 'm').exec(text);
    if (!m?.[1]) throw new Error(`no ${k} in the flags of ${spec}`);
    return m[1];
  };
  return { id: `${core} ${kernels}`, core, kernels, lib, flags: { cxx: get('CXXFLAGS'), cc: get('CCFLAGS'), includes: get('INCLUDES') } };
}

function readFlags(core: string, kernels: string): string {
  for (const dir of [join(RIG, 'harness', `${core}_${kernels}`), join(RIG, 'footprint', `${core}_${kernels}`)]) {
    const f = join(dir, 'flags.txt');
    if (existsSync(f) && readFileSync(f, 'utf8').includes('CXXFLAGS=')) return readFileSync(f, 'utf8');
  }
  const dir = join(RIG, 'footprint', `${core}_${kernels}`);
  mkdirSync(dir, { recursive: true });
  const opt = kernels === 'cmsis_nn' ? 'OPTIMIZED_KERNEL_DIR=cmsis_nn' : '';
  const gcc = execFileSync('bash', ['-c', 'command -v arm-none-eabi-gcc'], { encoding: 'utf8' }).trim().replace(/arm-none-eabi-gcc$/, '');
  const out = sh(`PATH="/usr/bin:$PATH" make -s -f tensorflow/lite/micro/tools/make/Makefile TARGET=cortex_m_generic TARGET_ARCH=${core} ${opt} BUILD_TYPE=${BUILD_TYPE} TARGET_TOOLCHAIN_ROOT=${gcc} print-CXXFLAGS print-CCFLAGS print-INCLUDES 2>/dev/null`);
  const text = out.split('\n').filter((l) => /^(CXXFLAGS|CCFLAGS|INCLUDES)=/.test(l)).join('\n') + '\n';
  writeFileSync(join(dir, 'flags.txt'), text);
  return text;
}

export function compileCxx(b: Build, src: string, obj: string, defines = ''): void {
  sh(`arm-none-eabi-g++ ${b.flags.cxx} ${b.flags.includes} ${COMPILE_EXTRA} ${defines} -c "${src}" -o "${obj}"`);
}

export function compileC(b: Build, src: string, obj: string): void {
  sh(`arm-none-eabi-gcc ${b.flags.cc} ${COMPILE_EXTRA} -c "${src}" -o "${obj}"`);
}

/** Links the objects with the build's library; returns the ELF's section figures. Writes ELF and map. */
export function link(b: Build, objs: readonly string[], elf: string, map: string): Sections {
  sh(`arm-none-eabi-g++ ${b.flags.cxx} ${LINK_FLAGS} -Wl,-Map="${map}" ${objs.map((o) => `"${o}"`).join(' ')} "${b.lib}" -lm -o "${elf}" 2>/dev/null`);
  return parseSizeA(sh(`arm-none-eabi-size -A "${elf}"`));
}

/** Sizes of the named symbols in an ELF (`nm -S`), 0 when absent. */
export function symbolSizes(elf: string, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const line of sh(`arm-none-eabi-nm -S "${elf}"`).split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) \S (\S+)$/.exec(line);
    if (m && m[2]! in out) out[m[2]!] = parseInt(m[1]!, 16);
  }
  return out;
}

export function toolchainVersion(): string {
  return sh('arm-none-eabi-g++ --version').split('\n')[0]!.trim();
}
