/* C callers of callback entry trampolines (ffast-testkit callbacks). Each cbt_* calls the
 * function pointer it is given with fixed arguments and returns what it returned, so the Rust
 * side checks both directions: the slots the trampoline stored and the result C received. */
#include <stdbool.h>
#include <stdint.h>

typedef int32_t (*cb_ii)(int32_t, int32_t);
int32_t cbt_ii(cb_ii f, int32_t a, int32_t b) { return f(a, b); }

typedef int64_t (*cb_narrow)(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, bool);
int64_t cbt_narrow(cb_narrow f) { return f(-1, 255, -2, 65535, -3, 0xffffffffu, true); }

/* 10 integer and 10 floating-point arguments: the last 4 integers spill to the stack on x64
 * (6 GPRs), the last 2 on arm64 (8 GPRs); the last 2 floats spill on both (8 vector regs).
 * Narrow types among the spilled ones check extension from stack slots. */
typedef double (*cb_many)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int8_t, uint16_t,
                          int32_t, uint8_t, double, double, double, double, double, double, double,
                          double, float, double);
double cbt_many(cb_many f) {
    return f(1, 2, 3, 4, 5, 6, -7, 65000, -9, 200, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.25f, 9.5);
}

/* A narrow result is widened by this C caller, from the callee's low bits only. */
typedef int8_t (*cb_i8)(void);
int32_t cbt_i8(cb_i8 f) { return f(); }
typedef uint16_t (*cb_u16)(void);
uint32_t cbt_u16(cb_u16 f) { return f(); }
typedef bool (*cb_bool)(void);
int32_t cbt_bool(cb_bool f) { return f() ? 1 : 0; }

typedef float (*cb_f32)(float, double);
double cbt_f32(cb_f32 f) { return (double)f(1.25f, 2.5); }

typedef uint64_t (*cb_u64)(uint64_t, int64_t);
uint64_t cbt_u64(cb_u64 f) { return f(0xfedcba9876543210ull, INT64_MIN); }

typedef void (*cb_void)(int32_t);
void cbt_void(cb_void f, int32_t n) {
    for (int32_t i = 0; i < n; i++) f(i);
}
