#!/usr/bin/env bash
# Build TFLM's library (libtensorflow-microlite.a) for one core and kernel set
# with TFLM's own Makefile, in the tree laid out by setup.sh.
#
# Usage: build.sh CORE KERNELS
#   CORE:    cortex-m0plus | cortex-m4+fp | cortex-m33 | cortex-m55 | any TARGET_ARCH
#            that targets/cortex_m_generic_makefile.inc accepts
#            | rv32imc (TARGET=riscv32_generic: -march=rv32imc -mabi=ilp32, its default)
#            | xtensa-lx106 (Debian's xtensa-lx106-elf GCC: the ESP8266 core, call0 ABI; TFLM's Makefile
#              without a target file, see xtensa.sh)
#   KERNELS: reference | cmsis_nn
# Environment: TFLM_RIG (default /work/tflm-rig), JOBS (default 2),
#   BUILD_TYPE (default release_with_logs, see README), ARM_GCC_BIN (default:
#   the folder of the arm-none-eabi-gcc on PATH, with a trailing slash),
#   RISCV_GCC_BIN (the same for riscv64-unknown-elf-gcc, for rv32imc), XTENSA_GCC_BIN (xtensa-lx106-elf-gcc).
# Prints the library path on its last line. A log is kept in
# $TFLM_RIG/logs/CORE_KERNELS.log with the wall time.
set -euo pipefail

CORE="${1:?usage: build.sh CORE reference|cmsis_nn}"
KERNELS="${2:?usage: build.sh CORE reference|cmsis_nn}"
RIG_DIR="${TFLM_RIG:-/work/tflm-rig}"
JOBS="${JOBS:-2}"
BUILD_TYPE="${BUILD_TYPE:-release_with_logs}"
TFLM="$RIG_DIR/tflite-micro"
case "$CORE" in
  rv32imc)
    GCC="$(command -v riscv64-unknown-elf-gcc || true)"
    TOOLCHAIN_BIN="${RISCV_GCC_BIN:-${GCC%riscv64-unknown-elf-gcc}}"
    TARGET=riscv32_generic; GEN_TARGET=riscv32_generic_riscv32
    # TFLM sets RISCV_ARCH=rv32imc in riscv32_generic_makefile.inc; TARGET_ARCH=riscv32 is given here too because
    # the Makefile names GENDIR before it reads the target file (else gen/riscv32_generic_x86_64_...).
    # Debian 12 ships no C++ library for riscv64-unknown-elf. TFLM needs only header-only parts of it (built with
    # -fno-rtti -fno-exceptions); they come from the GCC 12.2 libstdc++ headers of libstdc++-arm-none-eabi-newlib
    # (target-independent headers + the bare-metal newlib c++config; same ILP32 data model), the C headers from
    # picolibc (picolibc.specs). RV_CXX_INCLUDE changes the folder.
    RV_CXX_INCLUDE="${RV_CXX_INCLUDE:-/usr/include/newlib/c++/12.2.1}"
    [ -e "$RV_CXX_INCLUDE/cstdint" ] || { echo "build.sh: no libstdc++ headers at $RV_CXX_INCLUDE (RV_CXX_INCLUDE)" >&2; exit 1; }
    RV_EXTRA="--specs=picolibc.specs -isystem $RV_CXX_INCLUDE -isystem $RV_CXX_INCLUDE/arm-none-eabi"
    TARGET_ARGS=(TARGET=riscv32_generic TARGET_ARCH=riscv32 RISCV_EXTRA_CFLAGS="$RV_EXTRA") ;;
  xtensa-lx106)
    GCC="$(command -v xtensa-lx106-elf-gcc || true)"
    TOOLCHAIN_BIN="${XTENSA_GCC_BIN:-${GCC%xtensa-lx106-elf-gcc}}"
    # TFLM's Makefile without a target file, Debian's compiler and picolibc: see xtensa.sh.
    source "$(dirname "$0")/xtensa.sh"
    TARGET=xtensa_lx106; GEN_TARGET="$XT_GEN_TARGET"
    TARGET_ARGS=("${XT_TARGET_ARGS[@]}") ;;
  *)
    GCC="$(command -v arm-none-eabi-gcc || true)"
    TOOLCHAIN_BIN="${ARM_GCC_BIN:-${GCC%arm-none-eabi-gcc}}"
    TARGET=cortex_m_generic; GEN_TARGET="cortex_m_generic_${CORE}"
    TARGET_ARGS=(TARGET=cortex_m_generic TARGET_ARCH="$CORE") ;;
esac

[ -e "$TFLM/.rig-complete" ] || { echo "build.sh: run setup.sh first ($TFLM)" >&2; exit 1; }
[ -n "$TOOLCHAIN_BIN" ] || { echo "build.sh: no cross gcc for $CORE on PATH (set ARM_GCC_BIN, RISCV_GCC_BIN or XTENSA_GCC_BIN)" >&2; exit 1; }

case "$KERNELS" in
  reference) OPT=() ; SUFFIX="" ;;
  cmsis_nn)  OPT=(OPTIMIZED_KERNEL_DIR=cmsis_nn) ; SUFFIX="_cmsis_nn" ;;
  *) echo "build.sh: KERNELS must be reference or cmsis_nn, not '$KERNELS'" >&2; exit 1 ;;
esac

mkdir -p "$RIG_DIR/logs"
LOG="$RIG_DIR/logs/${CORE}_${KERNELS}.log"
LIB="$TFLM/gen/${GEN_TARGET}_${BUILD_TYPE}${SUFFIX}_gcc/lib/libtensorflow-microlite.a"

start=$(date +%s)
echo "build.sh: $CORE $KERNELS BUILD_TYPE=$BUILD_TYPE -j$JOBS (log: $LOG)"
# TFLM's Makefile runs tensorflow/lite/micro/tools/generate_cc_arrays.py (numpy
# and PIL) while it reads the test and example makefiles, even for the library
# alone. PYTHON_BIN is put first on PATH (default /usr/bin, Debian's
# python3-numpy and python3-pil).
PYTHON_BIN="${PYTHON_BIN:-/usr/bin}"
MAKE_ARGS=(-f tensorflow/lite/micro/tools/make/Makefile "${TARGET_ARGS[@]}" "${OPT[@]}"
  BUILD_TYPE="$BUILD_TYPE" TARGET_TOOLCHAIN_ROOT="$TOOLCHAIN_BIN")
(
  cd "$TFLM"
  export PATH="$PYTHON_BIN:$PATH"
  case "$CORE" in
    cortex-m55*|cortex-m85*)
      # GCC 12.2 if-converts a float conversion in resize_nearest_neighbor.cc into `vcvtne.f32.s32`, which the
      # assembler rejects for MVE. Compile that one object first, with TFLM's own command plus
      # -fno-if-conversion -fno-if-conversion2; make then finds it up to date. Every other object is TFLM's as is.
      obj="gen/${GEN_TARGET}_${BUILD_TYPE}${SUFFIX}_gcc/obj/kernels/tensorflow/lite/micro/kernels/resize_nearest_neighbor.o"
      if [ ! -f "$obj" ]; then
        cmd=$(make -n "${MAKE_ARGS[@]}" "$obj" | grep -E 'arm-none-eabi-g\+\+ .* -c ' | tail -1)
        [ -n "$cmd" ] || { echo "build.sh: no compile command for $obj" >&2; exit 1; }
        mkdir -p "$(dirname "$obj")"
        eval "$cmd -fno-if-conversion -fno-if-conversion2"
      fi
      ;;
  esac
  make -j"$JOBS" "${MAKE_ARGS[@]}" microlite
) > "$LOG" 2>&1 || { echo "build.sh: make failed, see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
end=$(date +%s)
echo "wall_seconds $((end - start))" >> "$LOG"
[ -f "$LIB" ] || { echo "build.sh: make succeeded but $LIB is missing" >&2; exit 1; }
echo "build.sh: $CORE $KERNELS done in $((end - start)) s"
echo "$LIB"
