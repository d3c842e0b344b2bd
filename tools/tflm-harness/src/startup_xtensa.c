// Minimal bare-metal start for QEMU's Xtensa `sim` machine with the lx106 core (call0 ABI, no windowed registers):
// QEMU loads the ELF but starts at the core's reset vector (0x50000000, the sysrom), with PS.EXCM set; a jump placed
// there by the linker script (.reset) goes to xt_entry. The entry sets the stack, points
// VECBASE at our vectors and sets PS to user mode with every interrupt masked (the harness takes none), so any
// exception goes to the user vector, which reports EXCCAUSE / EPC1 / EXCVADDR through semihosting and exits with
// status 3 (a fault inside the handler lands on the double-exception vector, which exits at once). Then .bss is
// cleared, the C++ constructors run, and main()'s status is the exit status.
#include <stdint.h>

#include "semihost.h"

extern int main(void);

void xt_start(void) __attribute__((noreturn, used));
void xt_fault(void) __attribute__((noreturn, used));
void xt_double_fault(void) __attribute__((noreturn, used));

// PS = 0x2F: INTLEVEL 15 (every interrupt masked), EXCM 0, UM 1 (exceptions take the user vector at VECBASE+0x50).
// The vector offsets are lx106's (QEMU target/xtensa/core-lx106: kernel 0x30, user 0x50, double 0x70); the linker
// script aligns .text.vectors to 4 KiB. `movi` of a symbol becomes an l32r whose literal GAS places at
// .literal_position (the code is built with -mtext-section-literals).
__asm__(
    ".section .reset, \"ax\"\n"
    ".begin no-transform\n"
    "  j 1f\n"
    ".align 4\n"
    "2: .word xt_entry\n"
    "1: l32r a0, 2b\n"
    "  jx a0\n"
    ".end no-transform\n"
    ".section .text.entry, \"ax\"\n"
    ".literal_position\n"
    ".align 4\n"
    ".global xt_entry\n"
    "xt_entry:\n"
    "  movi a1, __stack_top\n"
    "  movi a2, xt_vectors\n"
    "  wsr.vecbase a2\n"
    "  movi a2, 0x2f\n"
    "  wsr.ps a2\n"
    "  rsync\n"
    "  movi a0, 0\n"
    "  call0 xt_start\n"
    ".section .text.vectors, \"ax\"\n"
    ".align 4\n"
    ".global xt_vectors\n"
    "xt_vectors:\n"
    ".org 0x30\n"
    "  j xt_vector_fault\n"
    ".org 0x50\n"
    "  j xt_vector_fault\n"
    ".org 0x70\n"
    "  j xt_vector_double\n"
    ".org 0x80\n"
    ".literal_position\n"
    ".align 4\n"
    "xt_vector_fault:\n"
    "  movi a1, __fault_stack_top\n"
    "  call0 xt_fault\n"
    "xt_vector_double:\n"
    "  movi a1, __fault_stack_top\n"
    "  call0 xt_double_fault\n");

void xt_fault(void) {
  uint32_t cause, epc, vaddr;
  __asm__ volatile("rsr.exccause %0" : "=r"(cause));
  __asm__ volatile("rsr.epc1 %0" : "=r"(epc));
  __asm__ volatile("rsr.excvaddr %0" : "=r"(vaddr));
  sh_write("FAULT ");
  sh_write_hex("exccause=", cause);
  sh_write_hex("epc1=", epc);
  sh_write_hex("excvaddr=", vaddr);
  sh_write("\n");
  sh_exit(3);
}

void xt_double_fault(void) { sh_exit(3); }

void xt_start(void) {
  rt_init();
  sh_exit(main());
}

void* __dso_handle = 0;

// picolibc's abort() raises SIGABRT through kill(getpid(), ...), and exit() ends in _exit(): the harness has no OS.
void _exit(int code) { sh_exit(code); }
int getpid(void) { return 1; }
int kill(int pid, int sig) {
  (void)pid;
  sh_write_hex("FAULT abort signal=", (uint32_t)sig);
  sh_write("\n");
  sh_exit(3);
}
