// C fixture for the Rust-side trampoline tests: functions named for the ABI rule they probe.
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
int64_t wsum_i64_8(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h) {
  return a * 1 + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8;
}
double wsum_f64_10(double a, double b, double c, double d, double e, double f, double g, double h, double i, double j) {
  return a * 1 + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10;
}
// 9 doubles then 7 ints of mixed widths: both classes spill, interleaved on the stack.
double mixed_16(double d0, double d1, double d2, double d3, double d4, double d5, double d6, double d7, double d8,
                int8_t i0, uint16_t i1, int32_t i2, int64_t i3, uint8_t i4, int16_t i5, int32_t i6) {
  return d0 + 2 * d1 + 3 * d2 + 4 * d3 + 5 * d4 + 6 * d5 + 7 * d6 + 8 * d7 + 9 * d8 +
         10.0 * i0 + 11.0 * i1 + 12.0 * i2 + 13.0 * (double)i3 + 14.0 * i4 + 15.0 * i5 + 16.0 * i6;
}

#if defined(__x86_64__)
// Return the first argument register exactly as the caller left it (no C-level extension).
__asm__(".globl raw_rdi\n.type raw_rdi,@function\nraw_rdi:\n mov %rdi, %rax\n ret\n");
// Return narrow values with garbage in the upper bits of eax (the ABI allows it).
__asm__(".globl dirty_i8\n.type dirty_i8,@function\ndirty_i8:\n mov $0x12345680, %eax\n ret\n");
__asm__(".globl dirty_u16\n.type dirty_u16,@function\ndirty_u16:\n mov $0xabcd8001, %eax\n ret\n");
__asm__(".globl dirty_bool\n.type dirty_bool,@function\ndirty_bool:\n mov $0xffffff01, %eax\n ret\n");
// Report rsp mod 16 at entry (must be 8: the call pushed the return address onto an aligned stack).
__asm__(".globl rsp_mod16\n.type rsp_mod16,@function\nrsp_mod16:\n mov %rsp, %rax\n and $15, %rax\n ret\n");
#endif
// Eight int32 -> int32: two C stack arguments, no result conversion: the sibling-call path.
int32_t wsum_i32_8(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g, int32_t h) {
  return a * 1 + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8;
}

// Aggregates by value (shared with the other ABI crates).
#include "../../ffast-testkit/testdata/structs.c"

#if defined(__x86_64__)
// Report rsp mod 64 at entry: 56 when the caller's rsp was 64-aligned at the call (a 64-aligned
// aggregate on the stack asks for that, psABI §3.2.2).
__asm__(".globl rsp_mod64\n.type rsp_mod64,@function\nrsp_mod64:\n mov %rsp, %rax\n and $63, %rax\n ret\n");
#endif
