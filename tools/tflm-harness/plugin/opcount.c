/* opcount: a QEMU TCG plugin that counts guest instructions and records the
 * running count each time one marker address is executed.
 *
 * Arguments (-plugin opcount.so,arg=...,arg=...):
 *   marker=0xADDR  address of the harness's marker function (arm-none-eabi-nm);
 *                  for Thumb code the low bit is ignored
 *   mode=insn      one inline add per executed instruction (exact; default)
 *   mode=tb        one inline add of the block's length per executed
 *                  translation block (exact only if no block is left early)
 *   out=PATH       where to write the marks (default: QEMU's log, stderr)
 *   helpers=0xLO-0xHI  also count, separately, the instructions executed at
 *                  addresses in [LO, HI) (the Xtensa build's libgcc helpers:
 *                  64-bit multiply, division, soft float); insn mode only
 * Output: "opcount total N" then one line "mark I COUNT" per marker execution,
 * COUNT being the instructions executed before the marker's first one; with
 * helpers=, also "helpers total N" and one "hmark I COUNT" per mark.
 * Single vCPU only (the M-profile machines have one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_api.h"

PLUGIN_EXPORT int qemu_plugin_version = 1;

static uint64_t insn_count;
static uint64_t marker_addr;
static int have_marker;
static int tb_mode;
static const char *out_path;
static uint64_t *marks;
static size_t n_marks, cap_marks;
static uint64_t helper_count, helper_lo, helper_hi;
static int have_helpers;
static uint64_t *hmarks;

/* userdata: in tb mode, how many of the block's instructions (already added
 * at the block's start) are not yet executed when the marker runs. */
static void on_marker(unsigned int vcpu_index, void *userdata) {
  (void)vcpu_index;
  if (n_marks == cap_marks) {
    cap_marks = cap_marks ? cap_marks * 2 : 4096;
    marks = realloc(marks, cap_marks * sizeof *marks);
    hmarks = realloc(hmarks, cap_marks * sizeof *hmarks);
    if (!marks || !hmarks) abort();
  }
  hmarks[n_marks] = helper_count;
  marks[n_marks++] = insn_count - (uint64_t)(uintptr_t)userdata;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  if (tb_mode) qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insn_count, n);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    /* A mark is the count of instructions executed before the marker's first
     * one. In insn mode the callback is registered before the instruction's own
     * add; in tb mode the whole block was added at its start, so the n - i
     * instructions from the marker on are subtracted. */
    if (have_marker && qemu_plugin_insn_vaddr(insn) == marker_addr) {
      void *pending = tb_mode ? (void *)(uintptr_t)(n - i) : NULL;
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, pending);
    }
    if (!tb_mode) qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insn_count, 1);
    uint64_t va = qemu_plugin_insn_vaddr(insn);
    if (have_helpers && va >= helper_lo && va < helper_hi) {
      qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &helper_count, 1);
    }
  }
}

static void on_qemu_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  FILE *f = out_path ? fopen(out_path, "w") : NULL;
  char line[96];
  snprintf(line, sizeof line, "opcount total %llu\n", (unsigned long long)insn_count);
  if (f) fputs(line, f); else qemu_plugin_outs(line);
  for (size_t i = 0; i < n_marks; i++) {
    snprintf(line, sizeof line, "mark %zu %llu\n", i, (unsigned long long)marks[i]);
    if (f) fputs(line, f); else qemu_plugin_outs(line);
  }
  if (have_helpers) {
    snprintf(line, sizeof line, "helpers total %llu\n", (unsigned long long)helper_count);
    if (f) fputs(line, f); else qemu_plugin_outs(line);
    for (size_t i = 0; i < n_marks; i++) {
      snprintf(line, sizeof line, "hmark %zu %llu\n", i, (unsigned long long)hmarks[i]);
      if (f) fputs(line, f); else qemu_plugin_outs(line);
    }
  }
  if (f) fclose(f);
}

PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "marker=", 7) == 0) {
      char *end;
      marker_addr = strtoull(a + 7, &end, 0) & ~1ull;
      if (*end) {
        fprintf(stderr, "opcount: bad marker address '%s'\n", a + 7);
        return -1;
      }
      have_marker = 1;
    } else if (strcmp(a, "mode=tb") == 0) {
      tb_mode = 1;
    } else if (strcmp(a, "mode=insn") == 0) {
      tb_mode = 0;
    } else if (strncmp(a, "helpers=", 8) == 0) {
      char *end;
      helper_lo = strtoull(a + 8, &end, 0);
      if (*end != '-') {
        fprintf(stderr, "opcount: bad helpers range '%s'\n", a + 8);
        return -1;
      }
      helper_hi = strtoull(end + 1, &end, 0);
      if (*end || helper_hi <= helper_lo) {
        fprintf(stderr, "opcount: bad helpers range '%s'\n", a + 8);
        return -1;
      }
      have_helpers = 1;
    } else if (strncmp(a, "out=", 4) == 0) {
      out_path = a + 4;
    } else {
      fprintf(stderr, "opcount: unknown argument '%s'\n", a);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
  return 0;
}
