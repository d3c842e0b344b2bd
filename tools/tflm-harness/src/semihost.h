// Arm semihosting (BKPT 0xAB on M-profile; the ebreak sequence on RISC-V): the harness's only I/O.
#ifndef TFLM_HARNESS_SEMIHOST_H_
#define TFLM_HARNESS_SEMIHOST_H_
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void sh_write(const char* s);                  // to QEMU's stdout (fd 1 via SYS_WRITE)
void sh_write_hex(const char* label, uint32_t v);  // "LABEL0000abcd " (fault reports)
long sh_open_read(const char* path);           // handle, or -1
long sh_file_length(long handle);              // bytes, or -1
long sh_read(long handle, void* buf, size_t n);  // bytes NOT read (0 = all)
void sh_close(long handle);
int sh_cmdline(char* buf, size_t size);        // 0 on success
void sh_exit(int code) __attribute__((noreturn));
void rt_init(void);                            // .bss cleared, C++ constructors (rt_common.c; RISC-V and Xtensa)

#ifdef __cplusplus
}
#endif
#endif
