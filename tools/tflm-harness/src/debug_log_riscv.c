// TFLM's riscv32_generic DebugLog formats a line and writes it with fputs to
// picolibc's stdout. The harness's main.cc registers its log callback with
// RegisterDebugLogCallback (the cortex_m_generic interface); here stdout is a
// picolibc stream whose characters are collected into lines and handed to that
// callback, so the output is the same `LOG ...` lines as on the Arm builds.
#include <stdio.h>

typedef void (*DebugLogCallback)(const char* s);
static DebugLogCallback log_callback;
static char line[300];
static unsigned line_len;

void RegisterDebugLogCallback(DebugLogCallback cb) { log_callback = cb; }

static int rig_putc(char c, FILE* f) {
  (void)f;
  if (c == '\n' || line_len == sizeof line - 1) {
    line[line_len] = 0;
    if (log_callback && line_len) log_callback(line);
    line_len = 0;
    if (c == '\n') return (unsigned char)c;
  }
  if (c != '\r') line[line_len++] = c;
  return (unsigned char)c;
}

static FILE rig_stdio = FDEV_SETUP_STREAM(rig_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE* const stdin = &rig_stdio;
FILE* const stdout = &rig_stdio;
FILE* const stderr = &rig_stdio;
