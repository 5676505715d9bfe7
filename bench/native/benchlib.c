/* benchlib: the C functions every benchmark implementation calls.
 * Build: gcc -O2 -fPIC -shared -o target/bench/libbenchlib.so bench/native/benchlib.c
 * All functions are cheap and deterministic so that the call overhead dominates. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchlib.h"

#define EXPORT __attribute__((visibility("default"), noinline))

EXPORT void noop(void) {}
EXPORT int32_t i32_0(void) { return 7; }
EXPORT int32_t i32_1(int32_t a) { return a + 1; }
EXPORT int32_t i32_2(int32_t a, int32_t b) { return a + b; }
EXPORT int32_t i32_3(int32_t a, int32_t b, int32_t c) { return a + b + c; }
EXPORT int32_t i32_6(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f) {
  return a + b + c + d + e + f;
}
EXPORT int32_t i32_8(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f,
                     int32_t g, int32_t h) {
  return a + b + c + d + e + f + g + h;
}
EXPORT double f64_2(double a, double b) { return a * b + 1.0; }
/* struct rows: {f64,f64} in and out by value (SysV: xmm0/xmm1 both ways; AAPCS64: an HFA in
 * d0/d1), the same arithmetic as f64_2 plus the second member. */
EXPORT Pt2 pt_step(Pt2 p) { Pt2 r = { p.x * p.y + 1.0, p.x - p.y }; return r; }
EXPORT float f32_2(float a, float b) { return a * b + 1.0f; }
EXPORT double mixed(int32_t a, double b, int32_t c, double d) { return a * b + c * d; }
EXPORT uint32_t ptr_arg(const void *p) { return ((const uint8_t *)p)[0]; }
static uint8_t ptr_ret_target[16] = {1, 2, 3, 4};
EXPORT void *ptr_ret(void) { return ptr_ret_target; }
EXPORT uint64_t u64_ret(void) { return 0x001F000000000001ull; } /* < 2^53, exact as Number */
EXPORT size_t c_strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}
EXPORT uint32_t sum64(const uint8_t *p) {
  uint32_t s = 0;
  for (int i = 0; i < 64; i++) s += p[i];
  return s;
}
/* Callback rows: sum of f(i) for i < n (wrapping, as the JS reference does), and libc qsort. */
EXPORT int32_t cb_sum(int32_t (*f)(int32_t), int32_t n) {
  uint32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += (uint32_t)f(i);
  return (int32_t)s;
}
EXPORT void qsort_i32(int32_t *a, size_t n, int (*cmp)(const void *, const void *)) { qsort(a, n, sizeof *a, cmp); }

/* ---- Rows of the "slow corners" (issue 13 scope 6) ---------------------------------------------- */
/* str_ret: strerror-like, `const char *f(int)`: one of 8 static ASCII messages of 16-23 bytes
 * (distinct lengths, so a wrong message changes the checked sum). The JS reference holds the same
 * table (bench/node/rows.js and bench/peers/rows.mjs: STR_RET_MSGS). */
static const char *const str_ret_msgs[8] = {
    "Operation not allowed",   /* 21 */
    "No such file here",       /* 17 */
    "Interrupted system call", /* 23 */
    "Input/output failure",    /* 20 */
    "Bad file descriptor",     /* 19 */
    "Resource not available",  /* 22 */
    "Invalid argument",        /* 16 */
    "Broken pipe closed",      /* 18 */
};
EXPORT const char *str_ret(int32_t k) { return str_ret_msgs[k & 7]; }
/* ptr_null: a pointer parameter given NULL (C APIs take NULL for "none" everywhere:
 * EVP_DigestInit_ex's engine, sqlite3_exec's callback, prepare_v2's tail). */
EXPORT int32_t ptr_null(const void *p, int32_t v) { return p ? v : v + 1; }
/* out_ptr: an sqlite3_open-style `T **` out-parameter. *out gets a fake handle derived from the
 * name's length (never dereferenced; the JS side knows the formula: thing_handle), result 0 like
 * SQLITE_OK, 21 (SQLITE_MISUSE) for a NULL out. */
EXPORT uint64_t thing_handle(size_t name_len) { return 0x7f0000000000ull + (uint64_t)name_len * 16; }
EXPORT int32_t open_thing(const char *name, void **out) {
  if (!out) return 21;
  *out = (void *)(uintptr_t)thing_handle(c_strlen(name));
  return 0;
}
/* errno: fails (-1, errno = ((v >> 4) & 63) + 1) when v % 16 == 0, else returns v & 255 without
 * touching errno, so the caller reads errno only on failure, as C callers do. */
EXPORT int32_t maybe_fail(int32_t v) {
  if ((v & 15) == 0) {
    errno = ((v >> 4) & 63) + 1;
    return -1;
  }
  return v & 255;
}
/* variadic: snprintf through a variadic function of the library's own (a SysV variadic callee reads
 * %al, the number of vector registers used, to decide whether to spill xmm0-7). */
EXPORT int32_t bl_snprintf(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}
