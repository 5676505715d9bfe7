// Included by each ABI crate's tests/fixture.c (after <stdint.h> and <string.h>).
// Buffer functions for the fallback tests: each counts its calls (per thread: tests run in
// parallel), so a test sees whether a trampoline that gave up reached C.
static _Thread_local int buf_calls;
int buf_calls_taken(void) { int n = buf_calls; buf_calls = 0; return n; }
uint32_t str_buf_sum(const char *s, const uint8_t *b, size_t n) {
  buf_calls++;
  uint32_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += b[i];
  return (uint32_t)strlen(s) * 1000 + sum;
}
int64_t ints_buf(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h,
                 const uint8_t *p) {
  buf_calls++;
  return a * 1 + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + p[0] * p[1] * 9;
}
int64_t buf_diff(const uint8_t *a, const uint8_t *b) { buf_calls++; return a - b; }
