// The few C++ runtime symbols the RISC-V harness needs, there being no libstdc++ for riscv64-unknown-elf on Debian 12
// (see build.sh). Classes with virtual destructors (TFLM's interfaces, the harness's profiler) emit deleting
// destructors that name operator delete; nothing in the harness or in TFLM allocates on the heap, so it is never
// called. A pure virtual call would be a bug: it reports like a fault.
#include <stddef.h>

#include "semihost.h"

void operator delete(void*) noexcept {}
void operator delete(void*, size_t) noexcept {}

extern "C" void __cxa_pure_virtual() {
  sh_write("FAULT pure virtual call\n");
  sh_exit(3);
}
