/* The lx106 core's configuration for assembling libgcc's Xtensa helpers (lib1funcs.S and the ieee754 files it
 * includes) from Debian's gcc-12-source: the options those files test, with the values of the core that Debian's
 * xtensa-lx106-elf GCC generates code for and that QEMU's -cpu lx106 models (QEMU target/xtensa/core-lx106
 * core-isa.h; the compiler agrees: it emits MULL, MUL16U and NSAU, and calls helpers for 64-bit multiplies,
 * divisions and all floating point). Our own header; the one in GCC's source describes another core. */
#ifndef XTENSA_CONFIG_H
#define XTENSA_CONFIG_H
#define XCHAL_HAVE_BE 0
#define XCHAL_HAVE_DENSITY 1
#define XCHAL_HAVE_CONST16 0
#define XCHAL_HAVE_ABS 1
#define XCHAL_HAVE_ADDX 1
#define XCHAL_HAVE_L32R 1
#define XSHAL_USE_ABSOLUTE_LITERALS 0
#define XSHAL_HAVE_TEXT_SECTION_LITERALS 1
#define XCHAL_HAVE_MAC16 0
#define XCHAL_HAVE_MUL16 1
#define XCHAL_HAVE_MUL32 1
#define XCHAL_HAVE_MUL32_HIGH 0
#define XCHAL_HAVE_DIV32 0
#define XCHAL_HAVE_NSA 1
#define XCHAL_HAVE_MINMAX 0
#define XCHAL_HAVE_SEXT 0
#define XCHAL_HAVE_LOOPS 0
#define XCHAL_HAVE_THREADPTR 0
#define XCHAL_HAVE_RELEASE_SYNC 0
#define XCHAL_HAVE_S32C1I 0
#define XCHAL_HAVE_BOOLEANS 0
#define XCHAL_HAVE_FP 0
#define XCHAL_HAVE_FP_DIV 0
#define XCHAL_HAVE_FP_RECIP 0
#define XCHAL_HAVE_FP_SQRT 0
#define XCHAL_HAVE_FP_RSQRT 0
#define XCHAL_HAVE_DFP 0
#define XCHAL_HAVE_DFP_DIV 0
#define XCHAL_HAVE_DFP_RECIP 0
#define XCHAL_HAVE_DFP_SQRT 0
#define XCHAL_HAVE_DFP_RSQRT 0
#define XCHAL_HAVE_DFP_accel 0
#define XCHAL_HAVE_WINDOWED 0
#define XCHAL_NUM_AREGS 16
#define XCHAL_HAVE_WIDE_BRANCHES 0
#define XCHAL_HAVE_PREDICTED_BRANCHES 0
#endif
