// The harness's output helpers: text on semihosting stdout, no printf (no heap, no locale).
#ifndef TFLM_HARNESS_PRINT_H_
#define TFLM_HARNESS_PRINT_H_
#include "semihost.h"

namespace rig {

inline void Print(const char* s) { sh_write(s); }

inline void PrintUnsigned(unsigned long v) {
  char buf[24];
  int i = sizeof buf - 1;
  buf[i] = 0;
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  sh_write(buf + i);
}

inline void PrintKV(const char* key, unsigned long v) {
  Print(" ");
  Print(key);
  Print("=");
  PrintUnsigned(v);
}

inline void PrintKV(const char* key, const char* v) {
  Print(" ");
  Print(key);
  Print("=");
  Print(v);
}

}  // namespace rig
#endif
