#!/usr/bin/env bash
# Compile and link our harness (src/) against one TFLM build made by build.sh,
# and the QEMU plugin (plugin/) with the host compiler.
#
# Usage: harness.sh CORE KERNELS
# Writes $TFLM_RIG/harness/CORE_KERNELS/{harness.elf,machine,marker,flags.txt}
# and $TFLM_RIG/harness/opcount.so. Compiler flags are TFLM's own for that
# build (read from its Makefile with print-CXXFLAGS etc.), so the harness has
# the ABI and struct layout of the library.
set -euo pipefail

CORE="${1:?usage: harness.sh CORE reference|cmsis_nn}"
KERNELS="${2:?usage: harness.sh CORE reference|cmsis_nn}"
RIG_DIR="${TFLM_RIG:-/work/tflm-rig}"
BUILD_TYPE="${BUILD_TYPE:-release_with_logs}"
PYTHON_BIN="${PYTHON_BIN:-/usr/bin}"
TFLM="$RIG_DIR/tflite-micro"
HERE="$(cd "$(dirname "$0")" && pwd)"

case "$KERNELS" in
  reference) OPT=() ; SUFFIX="" ;;
  cmsis_nn)  OPT=(OPTIMIZED_KERNEL_DIR=cmsis_nn) ; SUFFIX="_cmsis_nn" ;;
  *) echo "harness.sh: KERNELS must be reference or cmsis_nn" >&2; exit 1 ;;
esac
case "$CORE" in
  # QEMU's riscv32 `virt` machine, machine mode, -bios none, semihosting (see README).
  rv32imc) MACHINE=virt ;;
  # QEMU's Xtensa `sim` machine with -cpu lx106, simcall semihosting (see README).
  xtensa-lx106) MACHINE=sim ;;
  cortex-m0plus|cortex-m3|cortex-m4|cortex-m4+fp|cortex-m7) MACHINE=mps2-an386 ;;
  # -mcpu=cortex-m7 with FPU emits double-precision VFP instructions, which the an386's Cortex-M4 lacks.
  cortex-m7+fp) MACHINE=mps2-an500 ;;
  cortex-m33|cortex-m33+nodsp) MACHINE=mps2-an505 ;;
  cortex-m55|cortex-m55+nofp|cortex-m85) MACHINE=mps3-an547 ;;
  *) echo "harness.sh: no QEMU machine known for $CORE" >&2; exit 1 ;;
esac

POST_LIBS=""
if [ "$MACHINE" = virt ]; then
  GCC="$(command -v riscv64-unknown-elf-gcc)"
  GCC_BIN="${RISCV_GCC_BIN:-${GCC%riscv64-unknown-elf-gcc}}"
  PREFIX=riscv64-unknown-elf-
  GEN_TARGET=riscv32_generic_riscv32
  TARGET_ARGS=(TARGET=riscv32_generic TARGET_ARCH=riscv32)
  # As build.sh: libstdc++ headers from the Arm newlib package, picolibc's C library (rv32im multilib: GCC has no
  # rv32imc one, and the C extension changes encodings, not instruction counts).
  RV_CXX_INCLUDE="${RV_CXX_INCLUDE:-/usr/include/newlib/c++/12.2.1}"
  EXTRA="--specs=picolibc.specs -isystem $RV_CXX_INCLUDE -isystem $RV_CXX_INCLUDE/arm-none-eabi"
  C_SRCS="semihost rt_common startup_riscv debug_log_riscv"
  CXX_SRCS="main resolver prepare_log cxx_riscv"
  # Linked by the C driver: there is no libstdc++ to link (nothing of it is needed, see build.sh).
  LINKER=gcc
  LINK="--specs=picolibc.specs -nostartfiles -T \"$HERE/src/riscv-virt.ld\" -Wl,--no-relax"
elif [ "$MACHINE" = sim ]; then
  GCC="$(command -v xtensa-lx106-elf-gcc)"
  GCC_BIN="${XTENSA_GCC_BIN:-${GCC%xtensa-lx106-elf-gcc}}"
  PREFIX=xtensa-lx106-elf-
  # TFLM's flags for this build carry the target's (ADDITIONAL_DEFINES, see xtensa.sh), so EXTRA is empty.
  source "$HERE/xtensa.sh"
  GEN_TARGET="$XT_GEN_TARGET"
  TARGET_ARGS=("${XT_TARGET_ARGS[@]}")
  EXTRA=""
  # picolibc's stdio streams and the C++ runtime stubs are the RISC-V build's (the same picolibc, no libstdc++).
  C_SRCS="semihost_xtensa rt_common startup_xtensa debug_log_riscv"
  CXX_SRCS="main resolver prepare_log cxx_riscv"
  LINKER=gcc
  # picolibc's specs come with TFLM's flags (CXXFLAGS, which the link line carries): not named twice.
  LINK="-nostartfiles -T \"$HERE/src/xtensa-sim.ld\""
  # libgcc's Xtensa helpers that Debian's libgcc.a lacks (64-bit multiply, division, soft float): libgcc-xtensa.sh.
  HELPERS="$RIG_DIR/xtensa-libgcc/libgcc-lx106.a"
  [ -f "$HELPERS" ] || { echo "harness.sh: $HELPERS missing; run libgcc-xtensa.sh" >&2; exit 1; }
  # In one group with picolibc's libc and libm, which call them too.
  POST_LIBS="-Wl,--start-group -lc -lm \"$HELPERS\" -Wl,--end-group"
else
  GCC="$(command -v arm-none-eabi-gcc)"
  GCC_BIN="${ARM_GCC_BIN:-${GCC%arm-none-eabi-gcc}}"
  PREFIX=arm-none-eabi-
  GEN_TARGET="cortex_m_generic_${CORE}"
  TARGET_ARGS=(TARGET=cortex_m_generic TARGET_ARCH="$CORE")
  EXTRA=""
  C_SRCS="semihost rt_common startup"
  CXX_SRCS="main resolver prepare_log"
  LINKER=g++
  LINK="-nostartfiles --specs=nosys.specs -L\"$HERE/src\" -T \"$HERE/src/$MACHINE.ld\""
fi
LIB="$TFLM/gen/${GEN_TARGET}_${BUILD_TYPE}${SUFFIX}_gcc/lib/libtensorflow-microlite.a"
[ -f "$LIB" ] || { echo "harness.sh: $LIB missing; run build.sh $CORE $KERNELS" >&2; exit 1; }
OUT="$RIG_DIR/harness/${CORE}_${KERNELS}"
mkdir -p "$OUT/obj"

# TFLM's flags for this build (the Makefile is read, nothing is rebuilt).
if [ ! -s "$OUT/flags.txt" ]; then
  ( cd "$TFLM" && PATH="$PYTHON_BIN:$PATH" make -s -f tensorflow/lite/micro/tools/make/Makefile \
      "${TARGET_ARGS[@]}" "${OPT[@]}" BUILD_TYPE="$BUILD_TYPE" \
      TARGET_TOOLCHAIN_ROOT="$GCC_BIN" print-CXXFLAGS print-CCFLAGS print-INCLUDES 2>/dev/null ) \
    | grep -E '^(CXXFLAGS|CCFLAGS|INCLUDES)=' > "$OUT/flags.txt.tmp"
  mv "$OUT/flags.txt.tmp" "$OUT/flags.txt"
fi
CXXFLAGS="$(sed -n 's/^CXXFLAGS=//p' "$OUT/flags.txt")"
CCFLAGS="$(sed -n 's/^CCFLAGS=//p' "$OUT/flags.txt")"
INCLUDES="$(sed -n 's/^INCLUDES=//p' "$OUT/flags.txt")"
[ -n "$CXXFLAGS" ] || { echo "harness.sh: could not read TFLM's flags" >&2; exit 1; }

cd "$TFLM"
# TFLM's flags carry shell quoting (-D...=\""ARMCM4".h\"), as in its make
# recipes, so the commands go through eval.
CXX="${GCC_BIN}${PREFIX}g++"
CC="${GCC_BIN}${PREFIX}gcc"
OBJS=""
for c in $CXX_SRCS; do
  eval "\"$CXX\" $CXXFLAGS $EXTRA $INCLUDES -O2 -I\"$HERE/src\" -c \"$HERE/src/$c.cc\" -o \"$OUT/obj/$c.o\""
  OBJS="$OBJS \"$OUT/obj/$c.o\""
done
for c in $C_SRCS; do
  eval "\"$CC\" $CCFLAGS $EXTRA -O2 -I\"$HERE/src\" -c \"$HERE/src/$c.c\" -o \"$OUT/obj/$c.o\""
  OBJS="$OBJS \"$OUT/obj/$c.o\""
done
# prepare_log.cc wraps three TFLM methods (called across objects of the library) to log each node's Prepare.
WRAP=""
for sym in _ZN6tflite21MicroInterpreterGraph16PrepareSubgraphsEv \
  _ZN6tflite14MicroAllocator27RequestScratchBufferInArenaEjiPi \
  _ZN6tflite14MicroAllocator28FinishPrepareNodeAllocationsEi; do
  WRAP="$WRAP -Wl,--wrap=$sym"
done
# Linked to a temporary name and renamed: a measure.ts run that is using the previous ELF keeps reading it.
eval "\"${GCC_BIN}${PREFIX}${LINKER}\" $CXXFLAGS $LINK \
  -Wl,--gc-sections $WRAP -Wl,-Map=\"$OUT/harness.map\" $OBJS \"$LIB\" -lm $POST_LIBS -o \"$OUT/harness.elf.tmp\""

SYMS="$("${GCC_BIN}${PREFIX}nm" "$OUT/harness.elf.tmp")"
for sym in PrepareSubgraphs RequestScratchBufferInArena FinishPrepareNodeAllocations; do
  grep -q "__wrap_.*$sym" <<< "$SYMS" || { echo "harness.sh: the wrapper of $sym is not linked" >&2; exit 1; }
done
echo "$MACHINE" > "$OUT/machine"
"${GCC_BIN}${PREFIX}nm" "$OUT/harness.elf.tmp" | awk '$3 == "rig_mark" { print "0x" $1 }' > "$OUT/marker.tmp"
[ -s "$OUT/marker.tmp" ] || { echo "harness.sh: rig_mark not found in the ELF" >&2; exit 1; }
if [ "$MACHINE" = sim ]; then
  # The address range of libgcc's helpers (xtensa-sim.ld), for the plugin's separate count (measure.ts).
  "${GCC_BIN}${PREFIX}nm" "$OUT/harness.elf.tmp" | awk '$3 == "__xt_helpers_start" { s = $1 } $3 == "__xt_helpers_end" { e = $1 }
    END { if (s != "" && e != "") print "0x" s "-0x" e }' > "$OUT/helpers"
  [ -s "$OUT/helpers" ] || { echo "harness.sh: the helpers' range is not in the ELF" >&2; exit 1; }
fi
mv "$OUT/harness.elf.tmp" "$OUT/harness.elf"
mv "$OUT/marker.tmp" "$OUT/marker"

mkdir -p "$RIG_DIR/harness"
gcc -O2 -shared -fPIC -fvisibility=hidden -Wall -Wextra \
  -o "$RIG_DIR/harness/opcount.so" "$HERE/plugin/opcount.c"
echo "harness.sh: $OUT/harness.elf ($MACHINE, marker $(cat "$OUT/marker"))"
