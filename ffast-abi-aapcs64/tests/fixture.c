// C fixture for the arm64 trampoline tests (run under qemu-user): functions named for the rule
// they probe. Built with FFAST_TEST_CC (aarch64-linux-gnu-gcc when cross-testing).
#include <stdint.h>
#include <string.h>

int32_t add_i32(int32_t a, int32_t b) { return a + b; }
double fma_f64(double a, int32_t b, double c) { return a + b * c; }
float add_f32(float a, float b) { return a + b; }
uint64_t u64_max(void) { return UINT64_MAX; }
int64_t i64_min(void) { return INT64_MIN; }
int64_t neg_two53(void) { return -(((int64_t)1 << 53) - 1); }
uint64_t two53(void) { return (uint64_t)1 << 53; }
void *ptr_id(void *p) { return p; }
size_t c_strlen(const char *s) { return strlen(s); }
uint32_t sum_bytes(const uint8_t *p, size_t n) { uint32_t s = 0; for (size_t i = 0; i < n; i++) s += p[i]; return s; }

// Buffer functions for the fallback tests (shared by the ABI crates).
#include "../../ffast-testkit/testdata/fallback.c"

// Position-weighted sums: a swapped, dropped or shifted argument changes the result.
int64_t wsum_i64_10(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h,
                    int64_t i, int64_t j) {
  return a * 1 + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10;
}
double wsum_f64_10(double a, double b, double c, double d, double e, double f, double g, double h, double i, double j) {
  return a * 1 + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10;
}
// 9 doubles then 9 ints of mixed widths: both classes spill, interleaved on the stack.
double mixed_18(double d0, double d1, double d2, double d3, double d4, double d5, double d6, double d7, double d8,
                int8_t i0, uint16_t i1, int32_t i2, int64_t i3, uint8_t i4, int16_t i5, int32_t i6, int8_t i7,
                uint16_t i8) {
  return d0 + 2 * d1 + 3 * d2 + 4 * d3 + 5 * d4 + 6 * d5 + 7 * d6 + 8 * d7 + 9 * d8 + 10.0 * i0 + 11.0 * i1 +
         12.0 * i2 + 13.0 * (double)i3 + 14.0 * i4 + 15.0 * i5 + 16.0 * i6 + 17.0 * i7 + 18.0 * i8;
}

#if defined(__aarch64__)
// Return the first argument register exactly as the caller left it.
__asm__(".globl raw_x0\n.type raw_x0,%function\nraw_x0:\n ret\n");
// Narrow results with garbage above their width (AAPCS64 leaves those bits unspecified).
__asm__(".globl dirty_i8\n.type dirty_i8,%function\ndirty_i8:\n movz x0, #0x5680\n movk x0, #0x1234, lsl #16\n ret\n");
__asm__(".globl dirty_u16\n.type dirty_u16,%function\ndirty_u16:\n movz x0, #0x8001\n movk x0, #0xabcd, lsl #16\n ret\n");
__asm__(".globl dirty_bool\n.type dirty_bool,%function\ndirty_bool:\n movz x0, #0xff01\n movk x0, #0xffff, lsl #16\n ret\n");
// SP mod 16 at entry: must be 0 (AAPCS64 §6.4.5.1; hardware faults otherwise, qemu does not).
__asm__(".globl sp_mod16\n.type sp_mod16,%function\nsp_mod16:\n mov x0, sp\n and x0, x0, #15\n ret\n");
#endif

// Aggregates by value (shared with the other ABI crates).
#include "../../ffast-testkit/testdata/structs.c"
