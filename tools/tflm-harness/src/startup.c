// Minimal bare-metal start for the QEMU MPS2/MPS3 machines: a vector table,
// .bss cleared, FPU/MVE access enabled, C++ constructors, main(), and a fault
// handler that reports through semihosting and exits with status 3.
#include <stdint.h>

#include "semihost.h"

extern uint32_t __stack_top;
extern uint32_t __bss_start__, __bss_end__;
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];
extern int main(void);

void Reset_Handler(void) __attribute__((noreturn));
void Fault_Handler(void) __attribute__((noreturn));

__attribute__((section(".vectors"), used)) const void* const vector_table[16] = {
    &__stack_top,  (const void*)Reset_Handler, (const void*)Fault_Handler,  // SP, reset, NMI
    (const void*)Fault_Handler, (const void*)Fault_Handler,                 // HardFault, MemManage
    (const void*)Fault_Handler, (const void*)Fault_Handler,                 // BusFault, UsageFault
    (const void*)Fault_Handler, 0, 0, 0, 0, 0, 0, 0, 0,
};

void Fault_Handler(void) {
  volatile uint32_t* scb = (volatile uint32_t*)0xE000ED00;
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  sh_write("FAULT ");
  sh_write_hex("ipsr=", ipsr);
  sh_write_hex("cfsr=", scb[0x28 / 4]);
  sh_write_hex("hfsr=", scb[0x2C / 4]);
  sh_write_hex("bfar=", scb[0x38 / 4]);
  sh_write("\n");
  sh_exit(3);
}

void Reset_Handler(void) {
  for (uint32_t* p = &__bss_start__; p < &__bss_end__; ++p) *p = 0;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  // CPACR: full access to CP10/CP11 (FPU and, on v8.1-M, MVE).
  volatile uint32_t* cpacr = (volatile uint32_t*)0xE000ED88;
  *cpacr |= (0xFu << 20);
  __asm__ volatile("dsb\n isb" ::: "memory");
#endif
  // C++ constructors (no crti/_init: linked with -nostartfiles).
  for (init_fn* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (init_fn* f = __init_array_start; f < __init_array_end; ++f) (*f)();
  sh_exit(main());
}

// newlib's _sbrk (nosys.specs) needs `end`; the linker scripts define it. The
// harness itself never allocates.

// Static objects with destructors register them through __aeabi_atexit, which
// names the module by __dso_handle (normally from crtbegin, left out by
// -nostartfiles). The harness never returns through exit handlers.
void* __dso_handle = 0;
