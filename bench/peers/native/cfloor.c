/* The C floor: the same C functions called from C through a function pointer in a loop.
 * The pointer is read through a volatile each iteration (no inlining, no hoisting); results are
 * accumulated and checked. Prints one JSON line like the JS drivers.
 *   cfloor <libpeerbench.so> <libdecl1000.so> <row> <n> <samples> */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { double x, y; } Pt;
static int32_t cb_plus1(int32_t x) { return x + 1; }

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static void *lib;
static void *sym(const char *n) {
  void *p = dlsym(lib, n);
  if (!p) { printf("{\"ok\":false,\"error\":\"dlsym %s\"}\n", n); exit(1); }
  return p;
}

static const char *row;
static const char *declpath;
static uint8_t buf[64];
static const char *volatile str = "abcdefghijklmnop";

/* One run of n calls; returns the int32 accumulator (wrapping, as in JS `(acc + r) | 0`). */
#define LOOP(T, expr) do { T; for (int64_t i = 0; i < n; i++) { acc = (int32_t)((uint32_t)acc + (uint32_t)(int32_t)(expr)); } } while (0)
static int32_t run(int64_t n) {
  int32_t acc = 0;
  double d1 = 1.5, d2 = 2.25, d3 = 0.25;
  if (!strcmp(row, "noop")) { void (*volatile f)(void) = sym("noop"); for (int64_t i = 0; i < n; i++) { f(); acc++; } }
  else if (!strcmp(row, "i32_0")) LOOP(int32_t (*volatile f)(void) = sym("i32_0"), f());
  else if (!strcmp(row, "i32_1")) LOOP(int32_t (*volatile f)(int32_t) = sym("i32_1"), f((int32_t)i));
  else if (!strcmp(row, "i32_2")) LOOP(int32_t (*volatile f)(int32_t, int32_t) = sym("i32_2"), f((int32_t)i, 3));
  else if (!strcmp(row, "i32_3")) LOOP(int32_t (*volatile f)(int32_t, int32_t, int32_t) = sym("i32_3"), f((int32_t)i, 2, 3));
  else if (!strcmp(row, "i32_6")) LOOP(int32_t (*volatile f)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t) = sym("i32_6"), f((int32_t)i, 1, 2, 3, 4, 5));
  else if (!strcmp(row, "i32_8")) LOOP(int32_t (*volatile f)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t) = sym("i32_8"), f((int32_t)i, 1, 2, 3, 4, 5, 6, 7));
  else if (!strcmp(row, "f64_2")) LOOP(double (*volatile f)(double, double) = sym("f64_2"), f(d1, d2));
  else if (!strcmp(row, "f32_2")) LOOP(float (*volatile f)(float, float) = sym("f32_2"), f((float)d1, (float)d2));
  else if (!strcmp(row, "mixed")) LOOP(double (*volatile f)(int32_t, double, int32_t, double) = sym("mixed"), f((int32_t)i, d1, 3, d3));
  else if (!strcmp(row, "ptr_arg")) LOOP(uint32_t (*volatile f)(const void *) = sym("ptr_arg"), f(buf));
  else if (!strcmp(row, "ptr_ret")) LOOP(void *(*volatile f)(void) = sym("ptr_ret"), f() != NULL);
  else if (!strcmp(row, "u64_ret")) LOOP(uint64_t (*volatile f)(void) = sym("u64_ret"), (int32_t)f());
  else if (!strcmp(row, "strlen")) LOOP(size_t (*volatile f)(const char *) = sym("c_strlen"), f(str));
  else if (!strcmp(row, "sum64")) LOOP(uint32_t (*volatile f)(const uint8_t *) = sym("sum64"), f(buf));
  else if (!strcmp(row, "callback")) LOOP(int32_t (*volatile f)(int32_t (*)(int32_t), int32_t) = sym("call_cb"), f(cb_plus1, (int32_t)i));
  else if (!strcmp(row, "struct_in")) { double (*volatile f)(Pt) = sym("pt_sum"); Pt pt; pt.x = d1; pt.y = d2;
    for (int64_t i = 0; i < n; i++) acc = (int32_t)((uint32_t)acc + (uint32_t)(int32_t)f(pt)); }
  else if (!strcmp(row, "struct_out")) { Pt (*volatile f)(double, double) = sym("pt_make");
    for (int64_t i = 0; i < n; i++) acc = (int32_t)((uint32_t)acc + (uint32_t)(int32_t)f(d1, (double)i).y); }
  else { printf("{\"ok\":false,\"error\":\"unknown row %s\"}\n", row); exit(1); }
  return acc;
}

/* declare: dlopen + dlsym of 1,000 symbols + dlclose; n rounds; returns the number of symbols found. */
static int32_t declare(int64_t n) {
  int32_t found = 0;
  char name[16];
  for (int64_t r = 0; r < n; r++) {
    void *h = dlopen(declpath, RTLD_NOW | RTLD_LOCAL);
    if (!h) { printf("{\"ok\":false,\"error\":\"dlopen %s\"}\n", declpath); exit(1); }
    for (int k = 0; k < 1000; k++) {
      snprintf(name, sizeof name, "d%04d", k);
      void *volatile p = dlsym(h, name);
      found += p != NULL;
    }
    dlclose(h);
  }
  return found;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: cfloor lib decllib row n samples\n"); return 2; }
  lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) { printf("{\"ok\":false,\"error\":\"dlopen %s\"}\n", argv[1]); return 1; }
  declpath = argv[2];
  row = argv[3];
  int64_t n = atoll(argv[4]);
  int samples = atoi(argv[5]);
  for (int k = 0; k < 64; k++) buf[k] = (uint8_t)((k * 7 + 3) & 255);
  int isdecl = !strcmp(row, "declare");
  if (isdecl) n = n < 20 ? n : 20;
  /* warm-up: caches, branch predictors, lazy binding */
  int32_t exp = isdecl ? declare(2) / 2 * (int32_t)n : run(n / 10 + 1) * 0;
  if (!isdecl) exp = run(n);
  double *s = calloc(samples, sizeof(double));
  printf("{\"ok\":true,\"samples\":[");
  for (int k = 0; k < samples; k++) {
    double t0 = now_ns();
    int32_t a = isdecl ? declare(n) : run(n);
    double t1 = now_ns();
    if (a != exp) { printf("],\"ok\":false,\"error\":\"wrong result %d != %d\"}\n", a, exp); return 1; }
    s[k] = (t1 - t0) / (double)(isdecl ? n * 1000 : n);
    printf("%s%.3f", k ? "," : "", s[k]);
  }
  qsort(s, samples, sizeof(double), cmp);
  printf("],\"median\":%.3f,\"min\":%.3f,\"acc\":%d}\n", s[samples / 2], s[0], exp);
  return 0;
}
