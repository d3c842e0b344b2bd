/**
 * The memory term of the latency model: how much slower the same instructions run because of where the weights and
 * the tensor arena live.
 *
 *   memory factor = 1 + weightLoads x stall(weights) + arenaAccesses x stall(arena)
 *   streaming     = weight bytes x cycles per streamed byte(weights)
 *
 * `weightLoads` / `arenaAccesses` are the loads of weights and the loads and stores of activations per executed
 * instruction in TFLM's kernels, and a stall is the average extra cycles one such access waits: 0 in SRAM or TCM;
 * the flash wait states at the part's clock in internal flash (mostly hidden when the part has a flash cache or
 * prefetch unit: ART, FCACHE, the Cortex-M7/M85 L1 caches); the external memory's access latency in SDRAM, PSRAM or
 * execute-in-place QSPI flash (mostly hidden only when that region is cached). The factor multiplies instructions x
 * CPI; streaming is added per operator: every weight byte is read at least once per inference and no cache keeps a
 * model's weights between inferences, so those reads wait whatever the caches (it is what makes fully connected
 * layers, which use each weight once, memory-bound on a fast core). Every figure here is a prior from the
 * parts' reference manuals and the cores' pipelines, not a fit: the measured rows behind the CPI are too few to fit
 * them, and each CPI is calibrated net of its board's own memory factor (cpi.ts), except a part's own CPI, which
 * includes its sibling's memory system (memoryBeyond counts only a departure from that placement). Pure.
 */
import type { Core, Mcu } from '../../targets/catalog.js';

/** Where the weights (the model's constant tensors) and the tensor arena live. */
export interface Placement {
  weights: 'flash' | 'sram' | 'external';
  arena: 'sram' | 'external';
}

/** What the memory term needs to know about a part. */
export interface MemorySystem {
  /** Internal flash wait states at the part's catalog clock. */
  flashWaitStates: number;
  /** The part caches or prefetches internal flash reads (ART accelerator, FCACHE, an L1 cache over flash). */
  flashCache: boolean;
  /**
   * External memory (SDRAM, PSRAM, QSPI flash) goes through a data cache by default. STM32F7/H7 map the FMC's SDRAM
   * at 0xC0000000, which the ARMv7-M default memory map makes Device memory, uncached, unless the MPU says otherwise.
   */
  externalCached: boolean;
  /** Where the weights live by default: internal flash, or execute-in-place external flash (RP2040, i.MX RT). */
  defaultWeights: Placement['weights'];
  basis: string;
}

/** Priors behind the term (see the module comment). */
export const MEMORY_PRIORS = {
  /** Weight loads per executed instruction (CMSIS-NN's GEMM loops: about one word load of weights in 8-10). */
  weightLoads: 0.1,
  /** Activation loads and stores per executed instruction. */
  arenaAccesses: 0.15,
  /** Share of flash wait states a flash cache or prefetch unit leaves visible. */
  cachedFlashShare: 0.15,
  /** Cycles one uncached external access waits (SDRAM at half the core clock, CAS 2-3; PSRAM; QSPI). */
  externalLatency: 10,
  /** Share of external accesses that miss a data cache (streaming tiles: one miss per 32-byte line, partly reused). */
  cachedExternalShare: 0.1,
  /** Bytes one internal flash read delivers (64-bit flash interfaces; wider ones are partly offset by more wait states). */
  flashReadBytes: 8,
  /** Bytes one external read delivers to the core (a 32-byte cache line, or a burst). */
  externalReadBytes: 32,
} as const;

const FLASH = (ws: number, cached: boolean, basis: string, extCached = true): MemorySystem =>
  ({ flashWaitStates: ws, flashCache: cached, externalCached: extCached, defaultWeights: 'flash', basis });
const XIP = (basis: string): MemorySystem => ({ flashWaitStates: 0, flashCache: true, externalCached: true, defaultWeights: 'external', basis });

/**
 * Per catalog part: flash wait states at the catalog clock (reference manuals' wait-state tables) and caches. Priors;
 * a part not listed uses its core's default below.
 */
const PARTS: Readonly<Record<string, MemorySystem>> = {
  stm32l4r5zi: FLASH(5, true, 'RM0432: 5 wait states at 120 MHz (range 1 boost); ART accelerator (instruction + data cache)'),
  stm32f446re: FLASH(5, true, 'RM0390: 5 wait states at 180 MHz; ART accelerator'),
  stm32f746: FLASH(7, true, 'RM0385: 7 wait states at 216 MHz; Cortex-M7 4 KB L1 I/D caches; FMC SDRAM at 0xC0000000 uncached by default', false),
  stm32f767zi: FLASH(7, true, 'RM0410: 7 wait states at 216 MHz; Cortex-M7 16 KB L1 I/D caches; FMC SDRAM at 0xC0000000 uncached by default', false),
  stm32h743zi: FLASH(4, true, 'RM0433: 2 wait states at 240 MHz AXI (4 core cycles at 480 MHz); 16 KB L1 I/D caches; SDRAM uncached by default', false),
  stm32h747xi: FLASH(4, true, 'RM0399: as the H743; 16 KB L1 I/D caches; SDRAM uncached by default', false),
  stm32h7a3zi: FLASH(6, true, 'RM0455: flash wait states at 280 MHz; 16 KB L1 I/D caches; SDRAM uncached by default', false),
  stm32u575zi: FLASH(4, true, 'RM0456: 4 wait states at 160 MHz; 8 KB ICACHE on the code bus (instructions and constants)'),
  stm32u585ai: FLASH(4, true, 'RM0456: 4 wait states at 160 MHz; 8 KB ICACHE on the code bus'),
  stm32u385rg: FLASH(3, true, 'RM0487: flash wait states at 96 MHz; ICACHE'),
  stm32g0b1re: FLASH(2, true, 'RM0444: 2 wait states at 64 MHz; prefetch and instruction cache'),
  nrf52840: FLASH(2, true, 'nRF52840 PS: flash wait states at 64 MHz; instruction cache'),
  nrf52832: FLASH(2, true, 'nRF52832 PS: flash wait states at 64 MHz; instruction cache'),
  nrf5340: FLASH(3, true, 'nRF5340 PS: application core flash at 128 MHz; cache'),
  atsamd21g18: FLASH(1, false, 'SAM D21 datasheet: 1 wait state at 48 MHz; no cache'),
  atsamd51j19: FLASH(5, true, 'SAM D5x datasheet: wait states at 120 MHz; CMCC cache'),
  ra6m4: FLASH(3, true, 'RA6M4 user manual: code flash wait cycles at 200 MHz; flash cache and prefetch'),
  ra8d1: FLASH(5, true, 'RA8D1 user manual: code flash wait cycles at 480 MHz; Cortex-M85 32 KB L1 I/D caches'),
  psoc62: FLASH(4, true, 'PSoC 62 TRM: flash wait states at 150 MHz; 8 KB cache'),
  m467hj: FLASH(4, true, 'M460 TRM: flash wait states at 200 MHz; cache'),
  apollo3: FLASH(1, true, 'Apollo3 datasheet: flash at 96 MHz burst with cache'),
  apollo4p: FLASH(1, true, 'Apollo4 Plus datasheet: MRAM with cache'),
  max78000: FLASH(2, true, 'MAX78000 user guide: flash at 100 MHz; instruction cache'),
  efr32mg24: FLASH(2, true, 'EFR32MG24 reference manual: flash wait states at 78 MHz; instruction cache'),
  'alif-e7': FLASH(2, true, 'Alif Ensemble: MRAM; Cortex-M55 32 KB L1 I/D caches'),
  esp32c3: XIP('ESP32-C3 TRM: no internal flash; code and constants (the weights) execute in place from SPI flash through the 16 KB cache, the arena in internal SRAM'),
  rp2040: XIP('RP2040 datasheet: no internal flash; weights execute in place from QSPI flash through the 16 KB XIP cache'),
  rp2350: XIP('RP2350 datasheet: QSPI flash execute in place through the 16 KB XIP cache'),
  imxrt1062: XIP('i.MX RT1060 RM: no internal flash; FlexSPI QSPI flash execute in place, Cortex-M7 32 KB L1 caches'),
  imxrt1176: XIP('i.MX RT1170 RM: FlexSPI flash execute in place, Cortex-M7 32 KB L1 caches'),
};

/** A core's typical part, for a bare core or a part the table does not list. */
const CORE_DEFAULT: Readonly<Partial<Record<Core, MemorySystem>>> = {
  'cortex-m0plus': FLASH(1, false, 'prior: a Cortex-M0+ part with 1 flash wait state and no cache'),
  'cortex-m3': FLASH(2, true, 'prior: a Cortex-M3 part with 2 wait states and a prefetch buffer'),
  'cortex-m4': FLASH(4, true, 'prior: a Cortex-M4 part with 4 wait states and a flash accelerator'),
  'cortex-m4f': FLASH(4, true, 'prior: a Cortex-M4 part with 4 wait states and a flash accelerator'),
  'cortex-m7': FLASH(6, true, 'prior: a Cortex-M7 part with 6 wait states and L1 caches'),
  'cortex-m33': FLASH(3, true, 'prior: a Cortex-M33 part with 3 wait states and a cache'),
  'cortex-m55': FLASH(3, true, 'prior: a Cortex-M55 part with L1 caches'),
  'cortex-m85': FLASH(5, true, 'prior: a Cortex-M85 part with L1 caches'),
};

const NEUTRAL: MemorySystem = { flashWaitStates: 0, flashCache: true, externalCached: true, defaultWeights: 'flash', basis: 'no memory term for this core' };

/** The memory system of a part (or of a core's typical part). */
export function memorySystem(core: Core, mcu: Mcu | null): MemorySystem {
  return (mcu ? PARTS[mcu.id] : undefined) ?? CORE_DEFAULT[core] ?? NEUTRAL;
}

/** Where things live unless the caller says otherwise: weights where the part keeps constants, the arena in SRAM. */
export function defaultPlacement(mem: MemorySystem): Placement {
  return { weights: mem.defaultWeights, arena: 'sram' };
}

/** Extra cycles per access of one region, from the priors. */
function stall(where: 'flash' | 'sram' | 'external', mem: MemorySystem): number {
  const p = MEMORY_PRIORS;
  if (where === 'sram') return 0;
  if (where === 'flash') return mem.flashWaitStates * (mem.flashCache ? p.cachedFlashShare : 1);
  return p.externalLatency * (mem.externalCached ? p.cachedExternalShare : 1);
}

/** The factor the instructions x CPI cycles are multiplied by for a placement on a memory system (>= 1). */
export function memoryFactor(placement: Placement, mem: MemorySystem): number {
  const p = MEMORY_PRIORS;
  return 1 + p.weightLoads * stall(placement.weights, mem) + p.arenaAccesses * stall(placement.arena, mem);
}

/** Cycles each weight byte costs when read once per inference from where the weights live (0 from SRAM or TCM). */
export function streamCyclesPerByte(placement: Placement, mem: MemorySystem): number {
  const p = MEMORY_PRIORS;
  if (placement.weights === 'sram') return 0;
  if (placement.weights === 'flash') return mem.flashWaitStates / p.flashReadBytes;
  return p.externalLatency / p.externalReadBytes;
}

/**
 * The memory term for a CPI that already includes a placement (a part's CPI measured on a sibling with that memory,
 * cpi.ts PartCpi): only the departure from it counts. The included placement gives factor 1 and no streaming.
 */
export function memoryBeyond(placement: Placement, included: Placement, mem: MemorySystem): { factor: number; perByte: number } {
  return {
    factor: memoryFactor(placement, mem) / memoryFactor(included, mem),
    perByte: Math.max(0, streamCyclesPerByte(placement, mem) - streamCyclesPerByte(included, mem)),
  };
}
