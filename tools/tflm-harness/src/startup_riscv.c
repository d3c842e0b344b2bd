// Minimal bare-metal start for QEMU's riscv32 `virt` machine in machine mode
// (-bios none: the reset code jumps to 0x80000000, where rv_entry is): stack
// and global pointer, a trap vector, .bss cleared, C++ constructors, main(),
// and a trap handler that reports through semihosting and exits with status 3.
// The harness takes no interrupts; any trap inside Invoke is a fault.
#include <stdint.h>

#include "semihost.h"

extern int main(void);

void rv_start(void) __attribute__((noreturn, used));
void rv_trap(void) __attribute__((noreturn, used, aligned(4)));

__attribute__((naked, section(".text.entry"), used)) void rv_entry(void) {
  __asm__ volatile(
      ".option push\n.option norelax\n"
      "la gp, __global_pointer$\n"
      ".option pop\n"
      "la sp, __stack_top\n"
      "la t0, rv_trap\n"
      ".option push\n.option arch, +zicsr\n"
      "csrw mtvec, t0\n"
      ".option pop\n"
      "j rv_start\n");
}

void rv_trap(void) {
  uint32_t mcause, mepc, mtval;
  // The CSR instructions (Zicsr) are not in -march=rv32imc for binutils 2.40; every RISC-V core has them.
  __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, mcause\n.option pop" : "=r"(mcause));
  __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, mepc\n.option pop" : "=r"(mepc));
  __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, mtval\n.option pop" : "=r"(mtval));
  sh_write("FAULT ");
  sh_write_hex("mcause=", mcause);
  sh_write_hex("mepc=", mepc);
  sh_write_hex("mtval=", mtval);
  sh_write("\n");
  sh_exit(3);
}

void rv_start(void) {
  rt_init();
  sh_exit(main());
}

void* __dso_handle = 0;
