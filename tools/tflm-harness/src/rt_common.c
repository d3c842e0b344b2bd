// What every harness build shares below main(): the fault report's hex output (over the build's sh_write) and the C
// run-time start (.bss cleared, C++ constructors) that the RISC-V and Xtensa start-ups call (the Arm start-up has its
// own, with the vector table).
#include "semihost.h"

void sh_write_hex(const char* label, uint32_t v) {
  char buf[32];
  int i = 0;
  while (*label && i < 20) buf[i++] = *label++;
  for (int s = 28; s >= 0; s -= 4) buf[i++] = "0123456789abcdef"[(v >> s) & 0xF];
  buf[i++] = ' ';
  buf[i] = 0;
  sh_write(buf);
}

extern uint32_t __bss_start__, __bss_end__;
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];

void rt_init(void) {
  for (uint32_t* p = &__bss_start__; p < &__bss_end__; ++p) *p = 0;
  for (init_fn* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (init_fn* f = __init_array_start; f < __init_array_end; ++f) (*f)();
}
