// __muldi3 for the lx106 build: Debian's libgcc for xtensa-lx106-elf lists it as undefined (it is built neither from
// lib1funcs.S nor from libgcc2.c there). The low 64 bits of a 64 x 64 product, from the 32 x 32 -> 64 unsigned
// product (__umulsidi3, libgcc's lib1funcs.S, see libgcc-xtensa.sh) plus the two cross terms, which only reach the
// high word. TFLM's reference kernels call it for every requantization (int64 products); an LX6/LX7 core with
// MUL32_HIGH does the same inline, see the README.
typedef unsigned long long u64;
typedef long long s64;
extern u64 __umulsidi3(unsigned a, unsigned b);

s64 __muldi3(s64 a, s64 b) {
  unsigned al = (unsigned)a, ah = (unsigned)((u64)a >> 32);
  unsigned bl = (unsigned)b, bh = (unsigned)((u64)b >> 32);
  u64 r = __umulsidi3(al, bl);
  r += (u64)(al * bh + ah * bl) << 32;
  return (s64)r;
}
