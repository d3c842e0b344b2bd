# Sourced by build.sh and harness.sh: how TFLM's Makefile is run for the Xtensa lx106 build (Debian's
# xtensa-lx106-elf GCC 12.2, picolibc 1.8). TFLM's own xtensa target is Cadence's (xt-clang, HiFi kernels) and none
# fits a plain GCC, so the Makefile runs as for a target without a target file: TARGETS_WITHOUT_MAKEFILES names ours
# (it reads no targets/*_makefile.inc), TARGET_TOOLCHAIN_PREFIX names Debian's compiler, and the target's flags go in
# through ADDITIONAL_DEFINES, which TFLM puts in COMMON_FLAGS (CXXFLAGS and CCFLAGS) and which is empty for the
# reference kernels:
# - picolibc's C headers (its specs file, named by path: this GCC does not look where Debian installs it) and the GCC
#   12.2 libstdc++ headers of libstdc++-arm-none-eabi-newlib, as for rv32imc (Debian has no libstdc++ for this GCC;
#   TFLM needs only header-only parts of it; same ILP32 data model);
# - the global cmath / min / max and no printf builtin, as TFLM's riscv32_generic target sets them;
# - ESP-IDF's code model for Xtensa, -mlongcalls -mtext-section-literals: calls and l32r literals reach across a large
#   image (the linker relaxes a long call back to a direct call0 where it reaches).
# Output: XT_TARGET_ARGS (make arguments), XT_GEN_TARGET (the gen/ folder prefix), XT_SPECS.
XT_CXX_INCLUDE="${RV_CXX_INCLUDE:-/usr/include/newlib/c++/12.2.1}"
XT_SPECS="${XT_SPECS:-/usr/lib/xtensa-lx106-elf/picolibc.specs}"
[ -e "$XT_CXX_INCLUDE/cstdint" ] || { echo "no libstdc++ headers at $XT_CXX_INCLUDE (RV_CXX_INCLUDE)" >&2; exit 1; }
[ -e "$XT_SPECS" ] || { echo "no picolibc specs at $XT_SPECS (apt-get install picolibc-xtensa-lx106-elf, or XT_SPECS)" >&2; exit 1; }
XT_FLAGS="--specs=$XT_SPECS -isystem $XT_CXX_INCLUDE -isystem $XT_CXX_INCLUDE/arm-none-eabi"
XT_FLAGS+=" -mlongcalls -mtext-section-literals -fno-builtin-printf -DTF_LITE_USE_GLOBAL_CMATH_FUNCTIONS"
XT_FLAGS+=" -DTF_LITE_USE_GLOBAL_MIN -DTF_LITE_USE_GLOBAL_MAX"
XT_TARGET_ARGS=(TARGET=xtensa_lx106 TARGET_ARCH=lx106 TARGETS_WITHOUT_MAKEFILES=xtensa_lx106
  TARGET_TOOLCHAIN_PREFIX=xtensa-lx106-elf- ADDITIONAL_DEFINES="$XT_FLAGS")
XT_GEN_TARGET=xtensa_lx106_lx106
