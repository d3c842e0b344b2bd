#!/usr/bin/env bash
# Debian 12's libgcc for xtensa-lx106-elf lacks the helpers GCC's Xtensa port writes in assembly (lib1funcs.S:
# __umulsidi3, __divsi3, __udivsi3, __umodsi3, the soft-float __addsf3, __mulsf3, __adddf3, __muldf3, ...; `nm` lists
# them as undefined in libgcc.a) and the 64-bit __muldi3, __divdi3, __udivdi3, __umoddi3. This assembles them from the GCC source Debian built that compiler from
# (package gcc-12-source, GCC 12.2.0, the same version), one object per function as libgcc's Makefile does
# (-DL_<name> over lib1funcs.S, t-xtensa's LIB1ASMFUNCS), with our lx106 xtensa-config.h (src/xtensa-lx106/), plus
# our 64-bit helpers (src/libgcc2_xtensa.c), into $TFLM_RIG/xtensa-libgcc/libgcc-lx106.a. Nothing is vendored here.
# Usage: libgcc-xtensa.sh   (GCC_SOURCE_TARBALL names another tarball)
set -euo pipefail
RIG_DIR="${TFLM_RIG:-/work/tflm-rig}"
HERE="$(cd "$(dirname "$0")" && pwd)"
TARBALL="${GCC_SOURCE_TARBALL:-/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz}"
OUT="$RIG_DIR/xtensa-libgcc"
[ -f "$TARBALL" ] || { echo "libgcc-xtensa.sh: $TARBALL missing (apt-get install gcc-12-source)" >&2; exit 1; }
mkdir -p "$OUT/obj"
SRC="$OUT/gcc-12.2.0/libgcc/config/xtensa"
[ -f "$SRC/lib1funcs.S" ] || tar -xJf "$TARBALL" -C "$OUT" --wildcards 'gcc-12.2.0/libgcc/config/xtensa/*'
FUNCS=$(sed -n '/^LIB1ASMFUNCS/,/^$/p' "$SRC/t-xtensa" | sed 's/LIB1ASMFUNCS *=//; s/\\//g')
CC=xtensa-lx106-elf-gcc
rm -f "$OUT/obj/"*.o
for f in $FUNCS; do
  "$CC" -O2 -mtext-section-literals -I"$HERE/src/xtensa-lx106" -DL$f -xassembler-with-cpp -c "$SRC/lib1funcs.S" -o "$OUT/obj/$f.o"
done
"$CC" -O2 -mlongcalls -mtext-section-literals -c "$HERE/src/libgcc2_xtensa.c" -o "$OUT/obj/_libgcc2.o"
rm -f "$OUT/libgcc-lx106.a"
xtensa-lx106-elf-ar rcs "$OUT/libgcc-lx106.a" "$OUT/obj/"*.o
echo "libgcc-xtensa.sh: $OUT/libgcc-lx106.a ($(ls "$OUT/obj" | wc -l) objects)"
