// semihost.h over QEMU's Xtensa `simcall` semihosting (the Xtensa ISS calls QEMU implements in
// target/xtensa/xtensa-semi.c, enabled with -semihosting-config): call number in a2, arguments in a3..a5, result in
// a2 and errno in a3. Files are opened with the host's open() flags (O_RDONLY = 0); the arguments given with
// -semihosting-config arg=... come back through the argc / argv calls and are joined with spaces into the command
// line that main.cc parses, as SYS_GET_CMDLINE gives it on Arm and RISC-V.
#include <string.h>

#include "semihost.h"

enum {
  XT_SYS_EXIT = 1,
  XT_SYS_READ = 3,
  XT_SYS_WRITE = 4,
  XT_SYS_OPEN = 5,
  XT_SYS_CLOSE = 6,
  XT_SYS_LSEEK = 19,
  XT_SYS_ARGC = 1000,
  XT_SYS_ARGV_SZ = 1001,
  XT_SYS_ARGV = 1002,
};

static long simcall(long op, long x, long y, long z) {
  register long a2 __asm__("a2") = op;
  register long a3 __asm__("a3") = x;
  register long a4 __asm__("a4") = y;
  register long a5 __asm__("a5") = z;
  __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
  return a2;
}

void sh_write(const char* s) { simcall(XT_SYS_WRITE, 1, (long)s, (long)strlen(s)); }

long sh_open_read(const char* path) { return simcall(XT_SYS_OPEN, (long)path, 0 /* O_RDONLY */, 0); }

long sh_file_length(long handle) {
  long n = simcall(XT_SYS_LSEEK, handle, 0, 2 /* SEEK_END */);
  if (simcall(XT_SYS_LSEEK, handle, 0, 0 /* SEEK_SET */) != 0) return -1;
  return n;
}

long sh_read(long handle, void* buf, size_t n) {
  char* p = (char*)buf;
  size_t left = n;
  while (left > 0) {
    long got = simcall(XT_SYS_READ, handle, (long)p, (long)left);
    if (got <= 0) break;
    p += got;
    left -= (size_t)got;
  }
  return (long)left;
}

void sh_close(long handle) { simcall(XT_SYS_CLOSE, handle, 0, 0); }

// The whole argv block (pointers then strings) is written by QEMU into a buffer of argv_sz bytes.
int sh_cmdline(char* buf, size_t size) {
  static uint32_t block[512];
  long argc = simcall(XT_SYS_ARGC, 0, 0, 0);
  long need = simcall(XT_SYS_ARGV_SZ, 0, 0, 0);
  if (argc <= 0 || need <= 0 || (size_t)need > sizeof block) return -1;
  simcall(XT_SYS_ARGV, (long)block, 0, 0);
  size_t at = 0;
  for (long i = 0; i < argc; ++i) {
    const char* a = (const char*)block[i];
    size_t len = strlen(a);
    if (at + len + 2 > size) return -1;
    if (i > 0) buf[at++] = ' ';
    memcpy(buf + at, a, len);
    at += len;
  }
  buf[at] = 0;
  return 0;
}

void sh_exit(int code) {
  simcall(XT_SYS_EXIT, code, 0, 0);
  for (;;) {
  }
}
