/**
 * Curated figures for each row of ../shared/data/mcus.tsv (read by convert-targets.ts, which checks every number
 * against the row's own text). Ids are stable slugs; aliases are board names users type. Blank source cells stay
 * null: a figure is only filled from a source.
 */
import type { Mcu } from '../server/src/targets/catalog.js';
/** The catalog fields curated by hand for one source row (`name` is the row's `name` cell), checked by the converter. */
export type McuCuration = { name: string; core: string } & Pick<Mcu,
  'id' | 'aliases' | 'clockMHz' | 'sramKiB' | 'largestSramKiB' | 'flashKiB' | 'fpu' | 'dsp' | 'helium' | 'npu' | 'activePowerMw'>;

const m = (c: Partial<McuCuration> & Pick<McuCuration, 'name' | 'id' | 'core'>): McuCuration => ({
  aliases: [], clockMHz: null, sramKiB: null, largestSramKiB: null, flashKiB: null, fpu: null, dsp: false,
  helium: false, npu: null, activePowerMw: null, ...c,
});

export const MCU_CURATION: McuCuration[] = [
  m({ name: 'STM32F446RE', id: 'stm32f446re', aliases: ['nucleo-f446re'], core: 'cortex-m4f', clockMHz: 180, sramKiB: 128, flashKiB: 512, fpu: 'sp', dsp: true }),
  m({ name: 'STM32F746NG', id: 'stm32f746', aliases: ['stm32f746ng', 'disco-f746ng', '32f746gdiscovery'], core: 'cortex-m7', clockMHz: 216, sramKiB: 320, flashKiB: 1024, fpu: 'sp', dsp: true }),
  m({ name: 'STM32F767ZI', id: 'stm32f767zi', aliases: ['nucleo-f767zi'], core: 'cortex-m7', clockMHz: 216, sramKiB: 512, largestSramKiB: 512, flashKiB: 2048, fpu: 'dp', dsp: true }),
  m({ name: 'STM32H743ZI', id: 'stm32h743zi', aliases: ['nucleo-h743zi'], core: 'cortex-m7', clockMHz: 480, sramKiB: 1024, largestSramKiB: 512, flashKiB: 2048, fpu: 'dp', dsp: true }),
  m({ name: 'STM32H7A3ZI-Q', id: 'stm32h7a3zi', aliases: ['nucleo-h7a3zi-q', 'stm32h7a3'], core: 'cortex-m7', clockMHz: 280, flashKiB: 2048, fpu: 'dp', dsp: true, activePowerMw: { typical: 121.8, low: 121.8, high: 166.4, atMHz: 280 } }),
  m({ name: 'STM32H747XI', id: 'stm32h747xi', aliases: ['arduino-portenta-h7', 'portenta-h7', 'nicla-vision', 'arduino-nicla-vision', 'arduino-giga-r1'], core: 'cortex-m7', clockMHz: 480, sramKiB: 511, largestSramKiB: 511, flashKiB: 2048, fpu: 'dp', dsp: true }),
  m({ name: 'STM32L4R5ZI', id: 'stm32l4r5zi', aliases: ['nucleo-l4r5zi', 'stm32l4r5'], core: 'cortex-m4f', clockMHz: 120, sramKiB: 640, flashKiB: 2048, fpu: 'sp', dsp: true, activePowerMw: { typical: 40, low: 32.9, high: 78.2, atMHz: 120 } }),
  m({ name: 'STM32U575ZI-Q', id: 'stm32u575zi', aliases: ['nucleo-u575zi-q', 'stm32u575'], core: 'cortex-m33', clockMHz: 160, sramKiB: 768, flashKiB: 2048, fpu: 'sp', dsp: true, activePowerMw: { typical: 22.7, low: 22.7, high: 27.2, atMHz: 160 } }),
  m({ name: 'STM32U585AI', id: 'stm32u585ai', aliases: ['b-u585i-iot02a', 'stm32u585'], core: 'cortex-m33', clockMHz: 160, sramKiB: 768, fpu: 'sp', dsp: true }),
  m({ name: 'STM32U385RG', id: 'stm32u385rg', aliases: ['nucleo-u385rg-q'], core: 'cortex-m33', clockMHz: 96, sramKiB: 256, dsp: true, activePowerMw: { typical: 5.1, low: 5.1, high: 5.9, atMHz: 96 } }),
  m({ name: 'STM32G0B1RE', id: 'stm32g0b1re', aliases: ['nucleo-g0b1re'], core: 'cortex-m0plus', clockMHz: 64, sramKiB: 144, flashKiB: 512, fpu: 'none' }),
  m({ name: 'nRF52840', id: 'nrf52840', aliases: ['arduino-nano-33-ble-sense', 'arduino-nano-33-ble', 'nrf52840-dk', 'adafruit-feather-nrf52840'], core: 'cortex-m4f', clockMHz: 64, sramKiB: 256, flashKiB: 1024, fpu: 'sp', dsp: true }),
  m({ name: 'nRF5340', id: 'nrf5340', aliases: ['nrf5340-dk'], core: 'cortex-m33', clockMHz: 128, sramKiB: 512, flashKiB: 1024, fpu: 'sp', dsp: true }),
  m({ name: 'nRF52832', id: 'nrf52832', aliases: ['arduino-nicla-sense-me'], core: 'cortex-m4f', clockMHz: 64, sramKiB: 62.8, largestSramKiB: 62.8, flashKiB: 515, fpu: 'sp', dsp: true }),
  m({ name: 'ESP32', id: 'esp32', aliases: ['esp32-devkitc', 'esp-eye', 'esp32-cam'], core: 'esp32', clockMHz: 240, sramKiB: 520, largestSramKiB: 320 }),
  m({ name: 'ESP32-S3', id: 'esp32s3', aliases: ['esp32-s3', 'esp32-s3-devkitc-1', 'xiao-esp32s3'], core: 'esp32s3', clockMHz: 240, sramKiB: 512, largestSramKiB: 320 }),
  m({ name: 'ESP32-C3', id: 'esp32c3', aliases: ['esp32-c3', 'esp32-c3-devkitm-1', 'xiao-esp32c3'], core: 'rv32imc', clockMHz: 160, sramKiB: 400, largestSramKiB: 320 }),
  m({ name: 'RP2040', id: 'rp2040', aliases: ['raspberry-pi-pico', 'pico', 'arduino-nano-rp2040-connect'], core: 'cortex-m0plus', clockMHz: 133, sramKiB: 264, fpu: 'none' }),
  m({ name: 'RP2350', id: 'rp2350', aliases: ['raspberry-pi-pico-2', 'pico2'], core: 'cortex-m33', clockMHz: 150, sramKiB: 520 }),
  m({ name: 'ATSAMD21G18', id: 'atsamd21g18', aliases: ['arduino-zero', 'arduino-mkr-zero', 'arduino-nano-33-iot', 'adafruit-feather-m0'], core: 'cortex-m0plus', clockMHz: 48, sramKiB: 32, flashKiB: 256, fpu: 'none' }),
  m({ name: 'ATSAMD51J19 / P19 / P20', id: 'atsamd51j19', aliases: ['atsamd51', 'adafruit-metro-m4', 'adafruit-feather-m4', 'wio-terminal'], core: 'cortex-m4f', clockMHz: 120, sramKiB: 192, flashKiB: 512, fpu: 'sp', dsp: true }),
  m({ name: 'i.MX RT1062', id: 'imxrt1062', aliases: ['teensy-4.0', 'teensy-4.1', 'teensy40', 'teensy41', 'mimxrt1060-evk'], core: 'cortex-m7', clockMHz: 600, sramKiB: 1024, largestSramKiB: 512, dsp: true }),
  m({ name: 'i.MX RT1176', id: 'imxrt1176', aliases: ['mimxrt1170-evk'], core: 'cortex-m7', clockMHz: 1000, sramKiB: 2048, largestSramKiB: 512, fpu: 'dp', dsp: true }),
  m({ name: 'Apollo3 Blue', id: 'apollo3', aliases: ['sparkfun-edge', 'sparkfun-artemis', 'apollo3-blue'], core: 'cortex-m4f', clockMHz: 96, sramKiB: 384, flashKiB: 1024, fpu: 'sp', dsp: true }),
  m({ name: 'Apollo4 Plus', id: 'apollo4p', aliases: ['apollo4-plus', 'apollo4p-evb'], core: 'cortex-m4f', clockMHz: 192, sramKiB: 2816, largestSramKiB: 384, flashKiB: 2048, fpu: 'sp', dsp: true }),
  m({ name: 'CXD5602', id: 'cxd5602', aliases: ['spresense'], core: 'cortex-m4f', sramKiB: 1536, fpu: 'sp', dsp: true }),
  m({ name: 'MAX78000', id: 'max78000', aliases: ['max78000fthr', 'max78000evkit'], core: 'cortex-m4f', clockMHz: 100, sramKiB: 128, flashKiB: 512, fpu: 'sp', dsp: true, npu: 'CNN accelerator (442k 8-bit weights); not modelled' }),
  m({ name: 'Alif Ensemble E7', id: 'alif-e7', aliases: ['alif-ensemble-e7', 'ensemble-e7'], core: 'cortex-m55', clockMHz: 400, sramKiB: 13824, largestSramKiB: 4096, flashKiB: 5632, fpu: 'dp', dsp: true, helium: true, npu: 'ethos-u55-256' }),
  m({ name: 'Himax WE-I Plus (HX6537-A)', id: 'himax-we-i-plus', aliases: ['hx6537', 'grove-vision-ai'], core: 'arc-em9d', clockMHz: 400 }),
  m({ name: 'EFR32MG24', id: 'efr32mg24', aliases: ['xg24-dk2601b', 'xiao-mg24', 'arduino-nano-matter'], core: 'cortex-m33', clockMHz: 78, sramKiB: 256, flashKiB: 1536, fpu: 'sp', dsp: true, npu: 'MVP (Matrix Vector Processor); not modelled', activePowerMw: { typical: 8.5, low: 8.5, high: 11.0, atMHz: 78 } }),
  m({ name: 'RA8D1', id: 'ra8d1', aliases: ['ek-ra8d1'], core: 'cortex-m85', clockMHz: 480, sramKiB: 1024, flashKiB: 2048, dsp: true, helium: true }),
  m({ name: 'RA6M4', id: 'ra6m4', aliases: ['ek-ra6m4'], core: 'cortex-m33', clockMHz: 200, sramKiB: 256, flashKiB: 1024, fpu: 'sp', dsp: true, activePowerMw: { typical: 71.2, low: 71.2, high: 74.7, atMHz: 200 } }),
  m({ name: 'PSoC 62 (CY8C62x)', id: 'psoc62', aliases: ['cy8cproto-062-4343w', 'psoc6'], core: 'cortex-m4f', clockMHz: 150, sramKiB: 1024, fpu: 'sp', dsp: true }),
  m({ name: 'M467HJ', id: 'm467hj', aliases: ['numaker-m467hj'], core: 'cortex-m4f', clockMHz: 200, sramKiB: 512, fpu: 'sp', dsp: true }),
];
