// The 64-bit integer helpers Debian's libgcc for xtensa-lx106-elf lists as undefined (built neither from lib1funcs.S
// nor from libgcc2.c there): __muldi3, __divdi3, __udivdi3, __umoddi3. The product is the low 64 bits of a 64 x 64
// product from the 32 x 32 -> 64 unsigned product (__umulsidi3, libgcc's lib1funcs.S, see libgcc-xtensa.sh) plus the
// two cross terms, which only reach the high word; the divisions go through __divmoddi4 / __udivmoddi4, which that
// libgcc.a does define. TFLM's reference kernels call __muldi3 for every requantization (int64 products); an LX6/LX7
// core with MUL32_HIGH does it inline, see the README.
typedef unsigned long long u64;
typedef long long s64;
extern u64 __umulsidi3(unsigned a, unsigned b);
extern s64 __divmoddi4(s64 a, s64 b, s64* rem);
extern u64 __udivmoddi4(u64 a, u64 b, u64* rem);

s64 __muldi3(s64 a, s64 b) {
  unsigned al = (unsigned)a, ah = (unsigned)((u64)a >> 32);
  unsigned bl = (unsigned)b, bh = (unsigned)((u64)b >> 32);
  u64 r = __umulsidi3(al, bl);
  r += (u64)(al * bh + ah * bl) << 32;
  return (s64)r;
}

// Both store the remainder through their pointer unconditionally: it must not be null.
s64 __divdi3(s64 a, s64 b) {
  s64 r;
  return __divmoddi4(a, b, &r);
}

u64 __udivdi3(u64 a, u64 b) {
  u64 r;
  return __udivmoddi4(a, b, &r);
}

u64 __umoddi3(u64 a, u64 b) {
  u64 r;
  __udivmoddi4(a, b, &r);
  return r;
}
