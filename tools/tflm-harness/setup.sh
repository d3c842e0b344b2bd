#!/usr/bin/env bash
# Lay out a TensorFlow Lite Micro tree at a pinned commit, with the third-party
# trees its Makefile expects under tensorflow/lite/micro/tools/make/downloads/,
# from local git clones (no network access needed).
#
# Usage: setup.sh [RIG_DIR]            (default: $TFLM_RIG or /work/tflm-rig)
#
# Each source is a git repository (a bare mirror or an ordinary clone) named by
# an environment variable; the defaults are this project's build machine. To
# rebuild elsewhere, clone the upstream repositories listed below and point the
# variables at them. The commits are those TFLM names at the pinned commit
# (tools/make/third_party_downloads.inc and ext_libs/*_download.sh).
#
#   TFLM_GIT        https://github.com/tensorflow/tflite-micro   90b983c2b3f1480642e040bbd2ddb37b998f3424
#   CMSIS_NN_GIT    https://github.com/ARM-software/CMSIS-NN     4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae
#   CMSIS6_GIT      https://github.com/ARM-software/CMSIS_6      5782d6f8057906d360f4b95ec08a2354afe5c9b9
#   CORTEX_DFP_GIT  https://github.com/ARM-software/Cortex_DFP   c2c70a97a20fb355815e2ead3d4a40e35a4a3cdf
#   GEMMLOWP_GIT    https://github.com/google/gemmlowp           719139ce755a0f31cbf1c37f7f98adcc7fc9f425
#   RUY_GIT         https://github.com/google/ruy                d37128311b445e758136b8602d1bbd2a755e115d
#   FLATBUFFERS_GIT https://github.com/google/flatbuffers        tag v25.9.23 (+ TFLM's flatbuffers.patch)
#   KISSFFT_GIT     https://github.com/mborgerding/kissfft       tag v130     (+ TFLM's kissfft.patch)
#   PRINTF_GIT      https://github.com/eyalroz/printf            f8ed5a9bd9fa8384430973465e94aa14c925872d (RISC-V only)
#
# Pigweed (pigweed_download.sh) is only used by TFLM's tests; an empty
# downloads/pigweed folder makes the Makefile skip it. The arm-none-eabi
# toolchain is the system one (build.sh passes TARGET_TOOLCHAIN_ROOT), so
# arm_gcc_download.sh is never run.
set -euo pipefail

RIG_DIR="${1:-${TFLM_RIG:-/work/tflm-rig}}"
MIRRORS="${MIRRORS:-/work/.mirror}"
TFLM_GIT="${TFLM_GIT:-$MIRRORS/tensorflow+tflite-micro/repo}"
CMSIS_NN_GIT="${CMSIS_NN_GIT:-$MIRRORS/ARM-software+CMSIS-NN/repo}"
CMSIS6_GIT="${CMSIS6_GIT:-$MIRRORS/ARM-software+CMSIS_6/repo}"
CORTEX_DFP_GIT="${CORTEX_DFP_GIT:-$MIRRORS/ARM-software+Cortex_DFP/repo}"
GEMMLOWP_GIT="${GEMMLOWP_GIT:-$MIRRORS/google+gemmlowp/repo}"
RUY_GIT="${RUY_GIT:-$MIRRORS/google+ruy/repo}"
FLATBUFFERS_GIT="${FLATBUFFERS_GIT:-$MIRRORS/google+flatbuffers/repo}"
KISSFFT_GIT="${KISSFFT_GIT:-$MIRRORS/mborgerding+kissfft/repo}"
PRINTF_GIT="${PRINTF_GIT:-$MIRRORS/eyalroz+printf/repo}"

TFLM_COMMIT=90b983c2b3f1480642e040bbd2ddb37b998f3424
CMSIS_NN_COMMIT=4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae
CMSIS6_COMMIT=5782d6f8057906d360f4b95ec08a2354afe5c9b9
CORTEX_DFP_COMMIT=c2c70a97a20fb355815e2ead3d4a40e35a4a3cdf
GEMMLOWP_COMMIT=719139ce755a0f31cbf1c37f7f98adcc7fc9f425
RUY_COMMIT=d37128311b445e758136b8602d1bbd2a755e115d
FLATBUFFERS_REF=v25.9.23
KISSFFT_REF=v130
PRINTF_COMMIT=f8ed5a9bd9fa8384430973465e94aa14c925872d

TFLM="$RIG_DIR/tflite-micro"
DL="$TFLM/tensorflow/lite/micro/tools/make/downloads"

# export GIT REF DEST: the tree of REF in repository GIT, written to DEST.
export_tree() {
  local git="$1" ref="$2" dest="$3"
  git -C "$git" rev-parse --verify -q "$ref^{commit}" >/dev/null \
    || { echo "setup.sh: $git has no commit $ref" >&2; exit 1; }
  mkdir -p "$dest"
  git -C "$git" archive --format=tar "$ref" | tar -x -C "$dest"
}

# The RISC-V build (targets/riscv32_generic_makefile.inc) also needs eyalroz/printf
# (ext_libs/eyalroz_printf.inc, EYALROZ_PRINTF_URL in third_party_downloads.inc)
# and names a downloads/riscv_toolchain folder as a prerequisite of every object;
# build.sh passes the system riscv64-unknown-elf toolchain, so an empty folder
# stands for it. Added to an existing tree too (the Arm builds are untouched).
riscv_extras() {
  if [ ! -e "$DL/eyalroz_printf/src/printf/printf.c" ]; then
    if git -C "$PRINTF_GIT" rev-parse --verify -q "$PRINTF_COMMIT^{commit}" >/dev/null 2>&1; then
      echo "eyalroz_printf $PRINTF_COMMIT (RISC-V builds)"
      export_tree "$PRINTF_GIT" "$PRINTF_COMMIT" "$DL/eyalroz_printf"
      find "$DL/eyalroz_printf" -type f -name '*BUILD' -delete
    else
      echo "setup.sh: no eyalroz/printf at $PRINTF_GIT: the RISC-V build will not work (Arm builds will)" >&2
    fi
  fi
  mkdir -p "$DL/riscv_toolchain"
}

if [ -e "$TFLM/.rig-complete" ]; then
  riscv_extras
  echo "setup.sh: $TFLM is already laid out (remove it to start again)"
  exit 0
fi
if [ -e "$TFLM" ]; then
  echo "setup.sh: $TFLM exists but is incomplete; remove it first" >&2
  exit 1
fi

echo "TFLM $TFLM_COMMIT -> $TFLM"
export_tree "$TFLM_GIT" "$TFLM_COMMIT" "$TFLM"
mkdir -p "$DL"

# As download_and_extract.sh does: contents of the archive's top folder, files
# named *BUILD deleted, then the optional patch applied with patch -p1.
echo "gemmlowp, ruy"
export_tree "$GEMMLOWP_GIT" "$GEMMLOWP_COMMIT" "$DL/gemmlowp"
export_tree "$RUY_GIT" "$RUY_COMMIT" "$DL/ruy"
echo "flatbuffers $FLATBUFFERS_REF + flatbuffers.patch"
export_tree "$FLATBUFFERS_GIT" "$FLATBUFFERS_REF" "$DL/flatbuffers"
echo "kissfft $KISSFFT_REF + kissfft.patch"
export_tree "$KISSFFT_GIT" "$KISSFFT_REF" "$DL/kissfft"
for d in gemmlowp ruy flatbuffers kissfft; do
  find "$DL/$d" -type f -name '*BUILD' -delete
done
patch -s -p1 -d "$DL/flatbuffers" < "$TFLM/tensorflow/lite/micro/tools/make/flatbuffers.patch"
patch -s -p1 -d "$DL/kissfft" < "$TFLM/third_party/kissfft/kissfft.patch"

# As ext_libs/cmsis_download.sh and cmsis_nn_download.sh: CMSIS_6 in cmsis/,
# Cortex_DFP in cmsis/Cortex_DFP/, CMSIS-NN in cmsis_nn/ (no patches).
echo "CMSIS_6, Cortex_DFP, CMSIS-NN"
export_tree "$CMSIS6_GIT" "$CMSIS6_COMMIT" "$DL/cmsis"
export_tree "$CORTEX_DFP_GIT" "$CORTEX_DFP_COMMIT" "$DL/cmsis/Cortex_DFP"
export_tree "$CMSIS_NN_GIT" "$CMSIS_NN_COMMIT" "$DL/cmsis_nn"

mkdir -p "$DL/pigweed"
riscv_extras

{
  echo "tflite-micro $TFLM_COMMIT"
  echo "cmsis_nn $CMSIS_NN_COMMIT"
  echo "cmsis $CMSIS6_COMMIT"
  echo "cortex_dfp $CORTEX_DFP_COMMIT"
  echo "gemmlowp $GEMMLOWP_COMMIT"
  echo "ruy $RUY_COMMIT"
  echo "flatbuffers $FLATBUFFERS_REF $(git -C "$FLATBUFFERS_GIT" rev-parse "$FLATBUFFERS_REF^{commit}")"
  echo "kissfft $KISSFFT_REF $(git -C "$KISSFFT_GIT" rev-parse "$KISSFFT_REF^{commit}")"
} > "$TFLM/.rig-complete"
echo "setup.sh: done ($TFLM)"
