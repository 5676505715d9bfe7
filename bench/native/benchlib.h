/* The benchmark's C functions: one declaration for benchlib.c and every baseline that calls it. */
#ifndef FFAST_BENCHLIB_H
#define FFAST_BENCHLIB_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
void noop(void);
int32_t i32_0(void);
int32_t i32_1(int32_t);
int32_t i32_2(int32_t, int32_t);
int32_t i32_3(int32_t, int32_t, int32_t);
int32_t i32_6(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
int32_t i32_8(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
double f64_2(double, double);
typedef struct { double x, y; } Pt2;
Pt2 pt_step(Pt2);
float f32_2(float, float);
double mixed(int32_t, double, int32_t, double);
uint32_t ptr_arg(const void *);
void *ptr_ret(void);
uint64_t u64_ret(void);
size_t c_strlen(const char *);
uint32_t sum64(const uint8_t *);
/* Callback rows: C calls back into JS. */
int32_t cb_sum(int32_t (*f)(int32_t), int32_t n);
void qsort_i32(int32_t *a, size_t n, int (*cmp)(const void *, const void *));
/* Rows of the "slow corners" (issue 13 scope 6). */
const char *str_ret(int32_t k);
int32_t ptr_null(const void *p, int32_t v);
int32_t open_thing(const char *name, void **out);
uint64_t thing_handle(size_t name_len);
int32_t maybe_fail(int32_t v);
int32_t bl_snprintf(char *buf, size_t n, const char *fmt, ...);
#ifdef __cplusplus
}
#endif
#endif
