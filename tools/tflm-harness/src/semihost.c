#include "semihost.h"

#include <string.h>

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_FLEN = 0x0C,
  SYS_GET_CMDLINE = 0x15,
  SYS_EXIT_EXTENDED = 0x20,
};

#if defined(__riscv)
// RISC-V semihosting: operation in a0, parameter in a1, result in a0; the trap
// is the uncompressed sequence slli x0,x0,0x1f / ebreak / srai x0,x0,7, which
// must not straddle a page (hence the 16-byte alignment).
static long sh_call(long op, void* arg) {
  register long a0 __asm__("a0") = op;
  register void* a1 __asm__("a1") = arg;
  __asm__ volatile(
      ".option push\n.option norvc\n.balign 16\n"
      "slli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\n.option pop"
      : "+r"(a0)
      : "r"(a1)
      : "memory");
  return a0;
}
#else
static long sh_call(long op, void* arg) {
  register long r0 __asm__("r0") = op;
  register void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
#endif

// The console: ":tt" opened for writing is the host's stdout.
static long console = -1;

void sh_write(const char* s) {
  if (console < 0) {
    long open_block[3] = {(long)":tt", 4 /* "w" */, 3};
    console = sh_call(SYS_OPEN, open_block);
  }
  long block[3] = {console, (long)s, (long)strlen(s)};
  sh_call(SYS_WRITE, block);
}

long sh_open_read(const char* path) {
  long block[3] = {(long)path, 1 /* "rb" */, (long)strlen(path)};
  return sh_call(SYS_OPEN, block);
}

long sh_file_length(long handle) {
  long block[1] = {handle};
  return sh_call(SYS_FLEN, block);
}

long sh_read(long handle, void* buf, size_t n) {
  long block[3] = {handle, (long)buf, (long)n};
  return sh_call(SYS_READ, block);
}

void sh_close(long handle) {
  long block[1] = {handle};
  sh_call(SYS_CLOSE, block);
}

int sh_cmdline(char* buf, size_t size) {
  long block[2] = {(long)buf, (long)size};
  return (int)sh_call(SYS_GET_CMDLINE, block);
}

void sh_exit(int code) {
  // ADP_Stopped_ApplicationExit with an exit code: on AArch32 and RV32 only
  // SYS_EXIT_EXTENDED takes a parameter block (SYS_EXIT takes the reason).
  long block[2] = {0x20026, code};
  sh_call(SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}
