// Aggregates by value: one typedef per shape of docs/structs.md §8 (and a few ABI corner cases),
// each with the same family of functions. Included by the fixture of every ABI crate; the
// Rust mirror of every shape is ffast-testkit/src/structs.rs.
//
// sum_T(s)   position-weighted sum of the scalar leaves: 1*leaf0 + 2*leaf1 + ...
// make_T(x)  leaf i = x + 0.25*i (floating) or (int64_t)x + i (integral)
// the others mix the aggregate with scalar arguments around it; every scalar is weighted
// by its position, so a dropped, swapped or shifted value changes the answer.
#include <stdint.h>
#include <string.h>

typedef struct { int32_t a; int32_t b; } I2;
double sum_I2(I2 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
I2 make_I2(double x) { I2 r; memset(&r, 0xee, sizeof r); r.a = (int32_t)((int64_t)x + 0); r.b = (int32_t)((int64_t)x + 1); return r; }
double mix_I2(int32_t a, I2 s, double b) { return a * 1000.0 + sum_I2(s) * 10.0 + b * 0.5; }
double two_I2(I2 s, I2 t) { return sum_I2(s) + 3.0 * sum_I2(t); }
double ints5_I2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, I2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_I2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_I2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, I2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_I2(s) + 7.0 * g;
}
double ints7_I2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, I2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_I2(s) + 8.0 * h;
}
double dbl7_I2(double a, double b, double c, double d, double e, double f, double g, I2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_I2(s) + 8 * h + 9.0 * i;
}
double dbl9_I2(double a, double b, double c, double d, double e, double f, double g, double h, double i, I2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_I2(s) + 10 * j;
}
I2 make8_I2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_I2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { float a; float b; } F2;
double sum_F2(F2 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
F2 make_F2(double x) { F2 r; memset(&r, 0xee, sizeof r); r.a = (float)(x + 0.25 * 0); r.b = (float)(x + 0.25 * 1); return r; }
double mix_F2(int32_t a, F2 s, double b) { return a * 1000.0 + sum_F2(s) * 10.0 + b * 0.5; }
double two_F2(F2 s, F2 t) { return sum_F2(s) + 3.0 * sum_F2(t); }
double ints5_F2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, F2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_F2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_F2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, F2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_F2(s) + 7.0 * g;
}
double ints7_F2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, F2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_F2(s) + 8.0 * h;
}
double dbl7_F2(double a, double b, double c, double d, double e, double f, double g, F2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_F2(s) + 8 * h + 9.0 * i;
}
double dbl9_F2(double a, double b, double c, double d, double e, double f, double g, double h, double i, F2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_F2(s) + 10 * j;
}
F2 make8_F2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_F2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { double a; double b; } D2;
double sum_D2(D2 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
D2 make_D2(double x) { D2 r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); r.b = (double)(x + 0.25 * 1); return r; }
double mix_D2(int32_t a, D2 s, double b) { return a * 1000.0 + sum_D2(s) * 10.0 + b * 0.5; }
double two_D2(D2 s, D2 t) { return sum_D2(s) + 3.0 * sum_D2(t); }
double ints5_D2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, D2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_D2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_D2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, D2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_D2(s) + 7.0 * g;
}
double ints7_D2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, D2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_D2(s) + 8.0 * h;
}
double dbl7_D2(double a, double b, double c, double d, double e, double f, double g, D2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_D2(s) + 8 * h + 9.0 * i;
}
double dbl9_D2(double a, double b, double c, double d, double e, double f, double g, double h, double i, D2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_D2(s) + 10 * j;
}
D2 make8_D2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_D2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { int64_t a; double b; } LD;
double sum_LD(LD s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
LD make_LD(double x) { LD r; memset(&r, 0xee, sizeof r); r.a = (int64_t)((int64_t)x + 0); r.b = (double)(x + 0.25 * 1); return r; }
double mix_LD(int32_t a, LD s, double b) { return a * 1000.0 + sum_LD(s) * 10.0 + b * 0.5; }
double two_LD(LD s, LD t) { return sum_LD(s) + 3.0 * sum_LD(t); }
double ints5_LD(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, LD s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_LD(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_LD(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, LD s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_LD(s) + 7.0 * g;
}
double ints7_LD(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, LD s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_LD(s) + 8.0 * h;
}
double dbl7_LD(double a, double b, double c, double d, double e, double f, double g, LD s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_LD(s) + 8 * h + 9.0 * i;
}
double dbl9_LD(double a, double b, double c, double d, double e, double f, double g, double h, double i, LD s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_LD(s) + 10 * j;
}
LD make8_LD(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_LD(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { double a; int64_t b; } DL;
double sum_DL(DL s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
DL make_DL(double x) { DL r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); r.b = (int64_t)((int64_t)x + 1); return r; }
double mix_DL(int32_t a, DL s, double b) { return a * 1000.0 + sum_DL(s) * 10.0 + b * 0.5; }
double two_DL(DL s, DL t) { return sum_DL(s) + 3.0 * sum_DL(t); }
double ints5_DL(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, DL s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_DL(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_DL(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, DL s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_DL(s) + 7.0 * g;
}
double ints7_DL(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, DL s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_DL(s) + 8.0 * h;
}
double dbl7_DL(double a, double b, double c, double d, double e, double f, double g, DL s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_DL(s) + 8 * h + 9.0 * i;
}
double dbl9_DL(double a, double b, double c, double d, double e, double f, double g, double h, double i, DL s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_DL(s) + 10 * j;
}
DL make8_DL(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_DL(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { int32_t a; float b; } IF;
double sum_IF(IF s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
IF make_IF(double x) { IF r; memset(&r, 0xee, sizeof r); r.a = (int32_t)((int64_t)x + 0); r.b = (float)(x + 0.25 * 1); return r; }
double mix_IF(int32_t a, IF s, double b) { return a * 1000.0 + sum_IF(s) * 10.0 + b * 0.5; }
double two_IF(IF s, IF t) { return sum_IF(s) + 3.0 * sum_IF(t); }
double ints5_IF(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, IF s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_IF(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_IF(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, IF s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_IF(s) + 7.0 * g;
}
double ints7_IF(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, IF s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_IF(s) + 8.0 * h;
}
double dbl7_IF(double a, double b, double c, double d, double e, double f, double g, IF s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_IF(s) + 8 * h + 9.0 * i;
}
double dbl9_IF(double a, double b, double c, double d, double e, double f, double g, double h, double i, IF s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_IF(s) + 10 * j;
}
IF make8_IF(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_IF(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t a; uint8_t b; uint8_t c; } B3;
double sum_B3(B3 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c; }
B3 make_B3(double x) { B3 r; memset(&r, 0xee, sizeof r); r.a = (uint8_t)((int64_t)x + 0); r.b = (uint8_t)((int64_t)x + 1); r.c = (uint8_t)((int64_t)x + 2); return r; }
double mix_B3(int32_t a, B3 s, double b) { return a * 1000.0 + sum_B3(s) * 10.0 + b * 0.5; }
double two_B3(B3 s, B3 t) { return sum_B3(s) + 3.0 * sum_B3(t); }
double ints5_B3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, B3 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_B3(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_B3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, B3 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_B3(s) + 7.0 * g;
}
double ints7_B3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, B3 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_B3(s) + 8.0 * h;
}
double dbl7_B3(double a, double b, double c, double d, double e, double f, double g, B3 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_B3(s) + 8 * h + 9.0 * i;
}
double dbl9_B3(double a, double b, double c, double d, double e, double f, double g, double h, double i, B3 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_B3(s) + 10 * j;
}
B3 make8_B3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_B3(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { float a; float b; float c; } F3;
double sum_F3(F3 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c; }
F3 make_F3(double x) { F3 r; memset(&r, 0xee, sizeof r); r.a = (float)(x + 0.25 * 0); r.b = (float)(x + 0.25 * 1); r.c = (float)(x + 0.25 * 2); return r; }
double mix_F3(int32_t a, F3 s, double b) { return a * 1000.0 + sum_F3(s) * 10.0 + b * 0.5; }
double two_F3(F3 s, F3 t) { return sum_F3(s) + 3.0 * sum_F3(t); }
double ints5_F3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, F3 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_F3(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_F3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, F3 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_F3(s) + 7.0 * g;
}
double ints7_F3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, F3 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_F3(s) + 8.0 * h;
}
double dbl7_F3(double a, double b, double c, double d, double e, double f, double g, F3 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_F3(s) + 8 * h + 9.0 * i;
}
double dbl9_F3(double a, double b, double c, double d, double e, double f, double g, double h, double i, F3 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_F3(s) + 10 * j;
}
F3 make8_F3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_F3(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { float a; float b; float c; float d; } F4;
double sum_F4(F4 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c + 4.0 * (double)s.d; }
F4 make_F4(double x) { F4 r; memset(&r, 0xee, sizeof r); r.a = (float)(x + 0.25 * 0); r.b = (float)(x + 0.25 * 1); r.c = (float)(x + 0.25 * 2); r.d = (float)(x + 0.25 * 3); return r; }
double mix_F4(int32_t a, F4 s, double b) { return a * 1000.0 + sum_F4(s) * 10.0 + b * 0.5; }
double two_F4(F4 s, F4 t) { return sum_F4(s) + 3.0 * sum_F4(t); }
double ints5_F4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, F4 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_F4(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_F4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, F4 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_F4(s) + 7.0 * g;
}
double ints7_F4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, F4 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_F4(s) + 8.0 * h;
}
double dbl7_F4(double a, double b, double c, double d, double e, double f, double g, F4 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_F4(s) + 8 * h + 9.0 * i;
}
double dbl9_F4(double a, double b, double c, double d, double e, double f, double g, double h, double i, F4 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_F4(s) + 10 * j;
}
F4 make8_F4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_F4(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { double a; double b; double c; } D3;
double sum_D3(D3 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c; }
D3 make_D3(double x) { D3 r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); r.b = (double)(x + 0.25 * 1); r.c = (double)(x + 0.25 * 2); return r; }
double mix_D3(int32_t a, D3 s, double b) { return a * 1000.0 + sum_D3(s) * 10.0 + b * 0.5; }
double two_D3(D3 s, D3 t) { return sum_D3(s) + 3.0 * sum_D3(t); }
double ints5_D3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, D3 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_D3(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_D3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, D3 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_D3(s) + 7.0 * g;
}
double ints7_D3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, D3 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_D3(s) + 8.0 * h;
}
double dbl7_D3(double a, double b, double c, double d, double e, double f, double g, D3 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_D3(s) + 8 * h + 9.0 * i;
}
double dbl9_D3(double a, double b, double c, double d, double e, double f, double g, double h, double i, D3 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_D3(s) + 10 * j;
}
D3 make8_D3(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_D3(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { double a; double b; double c; double d; } D4;
double sum_D4(D4 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c + 4.0 * (double)s.d; }
D4 make_D4(double x) { D4 r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); r.b = (double)(x + 0.25 * 1); r.c = (double)(x + 0.25 * 2); r.d = (double)(x + 0.25 * 3); return r; }
double mix_D4(int32_t a, D4 s, double b) { return a * 1000.0 + sum_D4(s) * 10.0 + b * 0.5; }
double two_D4(D4 s, D4 t) { return sum_D4(s) + 3.0 * sum_D4(t); }
double ints5_D4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, D4 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_D4(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_D4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, D4 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_D4(s) + 7.0 * g;
}
double ints7_D4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, D4 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_D4(s) + 8.0 * h;
}
double dbl7_D4(double a, double b, double c, double d, double e, double f, double g, D4 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_D4(s) + 8 * h + 9.0 * i;
}
double dbl9_D4(double a, double b, double c, double d, double e, double f, double g, double h, double i, D4 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_D4(s) + 10 * j;
}
D4 make8_D4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_D4(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { int64_t a; int64_t b; } L2;
double sum_L2(L2 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
L2 make_L2(double x) { L2 r; memset(&r, 0xee, sizeof r); r.a = (int64_t)((int64_t)x + 0); r.b = (int64_t)((int64_t)x + 1); return r; }
double mix_L2(int32_t a, L2 s, double b) { return a * 1000.0 + sum_L2(s) * 10.0 + b * 0.5; }
double two_L2(L2 s, L2 t) { return sum_L2(s) + 3.0 * sum_L2(t); }
double ints5_L2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, L2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_L2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_L2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, L2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_L2(s) + 7.0 * g;
}
double ints7_L2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, L2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_L2(s) + 8.0 * h;
}
double dbl7_L2(double a, double b, double c, double d, double e, double f, double g, L2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_L2(s) + 8 * h + 9.0 * i;
}
double dbl9_L2(double a, double b, double c, double d, double e, double f, double g, double h, double i, L2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_L2(s) + 10 * j;
}
L2 make8_L2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_L2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[1]; } A1;
double sum_A1(A1 s) { return 1.0 * (double)s.b[0]; }
A1 make_A1(double x) { A1 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); return r; }
double mix_A1(int32_t a, A1 s, double b) { return a * 1000.0 + sum_A1(s) * 10.0 + b * 0.5; }
double two_A1(A1 s, A1 t) { return sum_A1(s) + 3.0 * sum_A1(t); }
double ints5_A1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A1 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A1(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A1 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A1(s) + 7.0 * g;
}
double ints7_A1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A1 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A1(s) + 8.0 * h;
}
double dbl7_A1(double a, double b, double c, double d, double e, double f, double g, A1 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A1(s) + 8 * h + 9.0 * i;
}
double dbl9_A1(double a, double b, double c, double d, double e, double f, double g, double h, double i, A1 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A1(s) + 10 * j;
}
A1 make8_A1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A1(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[2]; } A2;
double sum_A2(A2 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1]; }
A2 make_A2(double x) { A2 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); return r; }
double mix_A2(int32_t a, A2 s, double b) { return a * 1000.0 + sum_A2(s) * 10.0 + b * 0.5; }
double two_A2(A2 s, A2 t) { return sum_A2(s) + 3.0 * sum_A2(t); }
double ints5_A2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A2(s) + 7.0 * g;
}
double ints7_A2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A2(s) + 8.0 * h;
}
double dbl7_A2(double a, double b, double c, double d, double e, double f, double g, A2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A2(s) + 8 * h + 9.0 * i;
}
double dbl9_A2(double a, double b, double c, double d, double e, double f, double g, double h, double i, A2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A2(s) + 10 * j;
}
A2 make8_A2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[4]; } A4;
double sum_A4(A4 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1] + 3.0 * (double)s.b[2] + 4.0 * (double)s.b[3]; }
A4 make_A4(double x) { A4 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); r.b[2] = (uint8_t)((int64_t)x + 2); r.b[3] = (uint8_t)((int64_t)x + 3); return r; }
double mix_A4(int32_t a, A4 s, double b) { return a * 1000.0 + sum_A4(s) * 10.0 + b * 0.5; }
double two_A4(A4 s, A4 t) { return sum_A4(s) + 3.0 * sum_A4(t); }
double ints5_A4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A4 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A4(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A4 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A4(s) + 7.0 * g;
}
double ints7_A4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A4 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A4(s) + 8.0 * h;
}
double dbl7_A4(double a, double b, double c, double d, double e, double f, double g, A4 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A4(s) + 8 * h + 9.0 * i;
}
double dbl9_A4(double a, double b, double c, double d, double e, double f, double g, double h, double i, A4 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A4(s) + 10 * j;
}
A4 make8_A4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A4(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[8]; } A8;
double sum_A8(A8 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1] + 3.0 * (double)s.b[2] + 4.0 * (double)s.b[3] + 5.0 * (double)s.b[4] + 6.0 * (double)s.b[5] + 7.0 * (double)s.b[6] + 8.0 * (double)s.b[7]; }
A8 make_A8(double x) { A8 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); r.b[2] = (uint8_t)((int64_t)x + 2); r.b[3] = (uint8_t)((int64_t)x + 3); r.b[4] = (uint8_t)((int64_t)x + 4); r.b[5] = (uint8_t)((int64_t)x + 5); r.b[6] = (uint8_t)((int64_t)x + 6); r.b[7] = (uint8_t)((int64_t)x + 7); return r; }
double mix_A8(int32_t a, A8 s, double b) { return a * 1000.0 + sum_A8(s) * 10.0 + b * 0.5; }
double two_A8(A8 s, A8 t) { return sum_A8(s) + 3.0 * sum_A8(t); }
double ints5_A8(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A8 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A8(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A8(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A8 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A8(s) + 7.0 * g;
}
double ints7_A8(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A8 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A8(s) + 8.0 * h;
}
double dbl7_A8(double a, double b, double c, double d, double e, double f, double g, A8 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A8(s) + 8 * h + 9.0 * i;
}
double dbl9_A8(double a, double b, double c, double d, double e, double f, double g, double h, double i, A8 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A8(s) + 10 * j;
}
A8 make8_A8(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A8(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[16]; } A16;
double sum_A16(A16 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1] + 3.0 * (double)s.b[2] + 4.0 * (double)s.b[3] + 5.0 * (double)s.b[4] + 6.0 * (double)s.b[5] + 7.0 * (double)s.b[6] + 8.0 * (double)s.b[7] + 9.0 * (double)s.b[8] + 10.0 * (double)s.b[9] + 11.0 * (double)s.b[10] + 12.0 * (double)s.b[11] + 13.0 * (double)s.b[12] + 14.0 * (double)s.b[13] + 15.0 * (double)s.b[14] + 16.0 * (double)s.b[15]; }
A16 make_A16(double x) { A16 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); r.b[2] = (uint8_t)((int64_t)x + 2); r.b[3] = (uint8_t)((int64_t)x + 3); r.b[4] = (uint8_t)((int64_t)x + 4); r.b[5] = (uint8_t)((int64_t)x + 5); r.b[6] = (uint8_t)((int64_t)x + 6); r.b[7] = (uint8_t)((int64_t)x + 7); r.b[8] = (uint8_t)((int64_t)x + 8); r.b[9] = (uint8_t)((int64_t)x + 9); r.b[10] = (uint8_t)((int64_t)x + 10); r.b[11] = (uint8_t)((int64_t)x + 11); r.b[12] = (uint8_t)((int64_t)x + 12); r.b[13] = (uint8_t)((int64_t)x + 13); r.b[14] = (uint8_t)((int64_t)x + 14); r.b[15] = (uint8_t)((int64_t)x + 15); return r; }
double mix_A16(int32_t a, A16 s, double b) { return a * 1000.0 + sum_A16(s) * 10.0 + b * 0.5; }
double two_A16(A16 s, A16 t) { return sum_A16(s) + 3.0 * sum_A16(t); }
double ints5_A16(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A16 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A16(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A16(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A16 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A16(s) + 7.0 * g;
}
double ints7_A16(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A16 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A16(s) + 8.0 * h;
}
double dbl7_A16(double a, double b, double c, double d, double e, double f, double g, A16 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A16(s) + 8 * h + 9.0 * i;
}
double dbl9_A16(double a, double b, double c, double d, double e, double f, double g, double h, double i, A16 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A16(s) + 10 * j;
}
A16 make8_A16(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A16(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[17]; } A17;
double sum_A17(A17 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1] + 3.0 * (double)s.b[2] + 4.0 * (double)s.b[3] + 5.0 * (double)s.b[4] + 6.0 * (double)s.b[5] + 7.0 * (double)s.b[6] + 8.0 * (double)s.b[7] + 9.0 * (double)s.b[8] + 10.0 * (double)s.b[9] + 11.0 * (double)s.b[10] + 12.0 * (double)s.b[11] + 13.0 * (double)s.b[12] + 14.0 * (double)s.b[13] + 15.0 * (double)s.b[14] + 16.0 * (double)s.b[15] + 17.0 * (double)s.b[16]; }
A17 make_A17(double x) { A17 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); r.b[2] = (uint8_t)((int64_t)x + 2); r.b[3] = (uint8_t)((int64_t)x + 3); r.b[4] = (uint8_t)((int64_t)x + 4); r.b[5] = (uint8_t)((int64_t)x + 5); r.b[6] = (uint8_t)((int64_t)x + 6); r.b[7] = (uint8_t)((int64_t)x + 7); r.b[8] = (uint8_t)((int64_t)x + 8); r.b[9] = (uint8_t)((int64_t)x + 9); r.b[10] = (uint8_t)((int64_t)x + 10); r.b[11] = (uint8_t)((int64_t)x + 11); r.b[12] = (uint8_t)((int64_t)x + 12); r.b[13] = (uint8_t)((int64_t)x + 13); r.b[14] = (uint8_t)((int64_t)x + 14); r.b[15] = (uint8_t)((int64_t)x + 15); r.b[16] = (uint8_t)((int64_t)x + 16); return r; }
double mix_A17(int32_t a, A17 s, double b) { return a * 1000.0 + sum_A17(s) * 10.0 + b * 0.5; }
double two_A17(A17 s, A17 t) { return sum_A17(s) + 3.0 * sum_A17(t); }
double ints5_A17(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A17 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A17(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A17(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A17 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A17(s) + 7.0 * g;
}
double ints7_A17(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A17 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A17(s) + 8.0 * h;
}
double dbl7_A17(double a, double b, double c, double d, double e, double f, double g, A17 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A17(s) + 8 * h + 9.0 * i;
}
double dbl9_A17(double a, double b, double c, double d, double e, double f, double g, double h, double i, A17 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A17(s) + 10 * j;
}
A17 make8_A17(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A17(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[32]; } A32;
double sum_A32(A32 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1] + 3.0 * (double)s.b[2] + 4.0 * (double)s.b[3] + 5.0 * (double)s.b[4] + 6.0 * (double)s.b[5] + 7.0 * (double)s.b[6] + 8.0 * (double)s.b[7] + 9.0 * (double)s.b[8] + 10.0 * (double)s.b[9] + 11.0 * (double)s.b[10] + 12.0 * (double)s.b[11] + 13.0 * (double)s.b[12] + 14.0 * (double)s.b[13] + 15.0 * (double)s.b[14] + 16.0 * (double)s.b[15] + 17.0 * (double)s.b[16] + 18.0 * (double)s.b[17] + 19.0 * (double)s.b[18] + 20.0 * (double)s.b[19] + 21.0 * (double)s.b[20] + 22.0 * (double)s.b[21] + 23.0 * (double)s.b[22] + 24.0 * (double)s.b[23] + 25.0 * (double)s.b[24] + 26.0 * (double)s.b[25] + 27.0 * (double)s.b[26] + 28.0 * (double)s.b[27] + 29.0 * (double)s.b[28] + 30.0 * (double)s.b[29] + 31.0 * (double)s.b[30] + 32.0 * (double)s.b[31]; }
A32 make_A32(double x) { A32 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); r.b[2] = (uint8_t)((int64_t)x + 2); r.b[3] = (uint8_t)((int64_t)x + 3); r.b[4] = (uint8_t)((int64_t)x + 4); r.b[5] = (uint8_t)((int64_t)x + 5); r.b[6] = (uint8_t)((int64_t)x + 6); r.b[7] = (uint8_t)((int64_t)x + 7); r.b[8] = (uint8_t)((int64_t)x + 8); r.b[9] = (uint8_t)((int64_t)x + 9); r.b[10] = (uint8_t)((int64_t)x + 10); r.b[11] = (uint8_t)((int64_t)x + 11); r.b[12] = (uint8_t)((int64_t)x + 12); r.b[13] = (uint8_t)((int64_t)x + 13); r.b[14] = (uint8_t)((int64_t)x + 14); r.b[15] = (uint8_t)((int64_t)x + 15); r.b[16] = (uint8_t)((int64_t)x + 16); r.b[17] = (uint8_t)((int64_t)x + 17); r.b[18] = (uint8_t)((int64_t)x + 18); r.b[19] = (uint8_t)((int64_t)x + 19); r.b[20] = (uint8_t)((int64_t)x + 20); r.b[21] = (uint8_t)((int64_t)x + 21); r.b[22] = (uint8_t)((int64_t)x + 22); r.b[23] = (uint8_t)((int64_t)x + 23); r.b[24] = (uint8_t)((int64_t)x + 24); r.b[25] = (uint8_t)((int64_t)x + 25); r.b[26] = (uint8_t)((int64_t)x + 26); r.b[27] = (uint8_t)((int64_t)x + 27); r.b[28] = (uint8_t)((int64_t)x + 28); r.b[29] = (uint8_t)((int64_t)x + 29); r.b[30] = (uint8_t)((int64_t)x + 30); r.b[31] = (uint8_t)((int64_t)x + 31); return r; }
double mix_A32(int32_t a, A32 s, double b) { return a * 1000.0 + sum_A32(s) * 10.0 + b * 0.5; }
double two_A32(A32 s, A32 t) { return sum_A32(s) + 3.0 * sum_A32(t); }
double ints5_A32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A32 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A32(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A32 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A32(s) + 7.0 * g;
}
double ints7_A32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A32 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A32(s) + 8.0 * h;
}
double dbl7_A32(double a, double b, double c, double d, double e, double f, double g, A32 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A32(s) + 8 * h + 9.0 * i;
}
double dbl9_A32(double a, double b, double c, double d, double e, double f, double g, double h, double i, A32 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A32(s) + 10 * j;
}
A32 make8_A32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A32(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { uint8_t b[64]; } A64;
double sum_A64(A64 s) { return 1.0 * (double)s.b[0] + 2.0 * (double)s.b[1] + 3.0 * (double)s.b[2] + 4.0 * (double)s.b[3] + 5.0 * (double)s.b[4] + 6.0 * (double)s.b[5] + 7.0 * (double)s.b[6] + 8.0 * (double)s.b[7] + 9.0 * (double)s.b[8] + 10.0 * (double)s.b[9] + 11.0 * (double)s.b[10] + 12.0 * (double)s.b[11] + 13.0 * (double)s.b[12] + 14.0 * (double)s.b[13] + 15.0 * (double)s.b[14] + 16.0 * (double)s.b[15] + 17.0 * (double)s.b[16] + 18.0 * (double)s.b[17] + 19.0 * (double)s.b[18] + 20.0 * (double)s.b[19] + 21.0 * (double)s.b[20] + 22.0 * (double)s.b[21] + 23.0 * (double)s.b[22] + 24.0 * (double)s.b[23] + 25.0 * (double)s.b[24] + 26.0 * (double)s.b[25] + 27.0 * (double)s.b[26] + 28.0 * (double)s.b[27] + 29.0 * (double)s.b[28] + 30.0 * (double)s.b[29] + 31.0 * (double)s.b[30] + 32.0 * (double)s.b[31] + 33.0 * (double)s.b[32] + 34.0 * (double)s.b[33] + 35.0 * (double)s.b[34] + 36.0 * (double)s.b[35] + 37.0 * (double)s.b[36] + 38.0 * (double)s.b[37] + 39.0 * (double)s.b[38] + 40.0 * (double)s.b[39] + 41.0 * (double)s.b[40] + 42.0 * (double)s.b[41] + 43.0 * (double)s.b[42] + 44.0 * (double)s.b[43] + 45.0 * (double)s.b[44] + 46.0 * (double)s.b[45] + 47.0 * (double)s.b[46] + 48.0 * (double)s.b[47] + 49.0 * (double)s.b[48] + 50.0 * (double)s.b[49] + 51.0 * (double)s.b[50] + 52.0 * (double)s.b[51] + 53.0 * (double)s.b[52] + 54.0 * (double)s.b[53] + 55.0 * (double)s.b[54] + 56.0 * (double)s.b[55] + 57.0 * (double)s.b[56] + 58.0 * (double)s.b[57] + 59.0 * (double)s.b[58] + 60.0 * (double)s.b[59] + 61.0 * (double)s.b[60] + 62.0 * (double)s.b[61] + 63.0 * (double)s.b[62] + 64.0 * (double)s.b[63]; }
A64 make_A64(double x) { A64 r; memset(&r, 0xee, sizeof r); r.b[0] = (uint8_t)((int64_t)x + 0); r.b[1] = (uint8_t)((int64_t)x + 1); r.b[2] = (uint8_t)((int64_t)x + 2); r.b[3] = (uint8_t)((int64_t)x + 3); r.b[4] = (uint8_t)((int64_t)x + 4); r.b[5] = (uint8_t)((int64_t)x + 5); r.b[6] = (uint8_t)((int64_t)x + 6); r.b[7] = (uint8_t)((int64_t)x + 7); r.b[8] = (uint8_t)((int64_t)x + 8); r.b[9] = (uint8_t)((int64_t)x + 9); r.b[10] = (uint8_t)((int64_t)x + 10); r.b[11] = (uint8_t)((int64_t)x + 11); r.b[12] = (uint8_t)((int64_t)x + 12); r.b[13] = (uint8_t)((int64_t)x + 13); r.b[14] = (uint8_t)((int64_t)x + 14); r.b[15] = (uint8_t)((int64_t)x + 15); r.b[16] = (uint8_t)((int64_t)x + 16); r.b[17] = (uint8_t)((int64_t)x + 17); r.b[18] = (uint8_t)((int64_t)x + 18); r.b[19] = (uint8_t)((int64_t)x + 19); r.b[20] = (uint8_t)((int64_t)x + 20); r.b[21] = (uint8_t)((int64_t)x + 21); r.b[22] = (uint8_t)((int64_t)x + 22); r.b[23] = (uint8_t)((int64_t)x + 23); r.b[24] = (uint8_t)((int64_t)x + 24); r.b[25] = (uint8_t)((int64_t)x + 25); r.b[26] = (uint8_t)((int64_t)x + 26); r.b[27] = (uint8_t)((int64_t)x + 27); r.b[28] = (uint8_t)((int64_t)x + 28); r.b[29] = (uint8_t)((int64_t)x + 29); r.b[30] = (uint8_t)((int64_t)x + 30); r.b[31] = (uint8_t)((int64_t)x + 31); r.b[32] = (uint8_t)((int64_t)x + 32); r.b[33] = (uint8_t)((int64_t)x + 33); r.b[34] = (uint8_t)((int64_t)x + 34); r.b[35] = (uint8_t)((int64_t)x + 35); r.b[36] = (uint8_t)((int64_t)x + 36); r.b[37] = (uint8_t)((int64_t)x + 37); r.b[38] = (uint8_t)((int64_t)x + 38); r.b[39] = (uint8_t)((int64_t)x + 39); r.b[40] = (uint8_t)((int64_t)x + 40); r.b[41] = (uint8_t)((int64_t)x + 41); r.b[42] = (uint8_t)((int64_t)x + 42); r.b[43] = (uint8_t)((int64_t)x + 43); r.b[44] = (uint8_t)((int64_t)x + 44); r.b[45] = (uint8_t)((int64_t)x + 45); r.b[46] = (uint8_t)((int64_t)x + 46); r.b[47] = (uint8_t)((int64_t)x + 47); r.b[48] = (uint8_t)((int64_t)x + 48); r.b[49] = (uint8_t)((int64_t)x + 49); r.b[50] = (uint8_t)((int64_t)x + 50); r.b[51] = (uint8_t)((int64_t)x + 51); r.b[52] = (uint8_t)((int64_t)x + 52); r.b[53] = (uint8_t)((int64_t)x + 53); r.b[54] = (uint8_t)((int64_t)x + 54); r.b[55] = (uint8_t)((int64_t)x + 55); r.b[56] = (uint8_t)((int64_t)x + 56); r.b[57] = (uint8_t)((int64_t)x + 57); r.b[58] = (uint8_t)((int64_t)x + 58); r.b[59] = (uint8_t)((int64_t)x + 59); r.b[60] = (uint8_t)((int64_t)x + 60); r.b[61] = (uint8_t)((int64_t)x + 61); r.b[62] = (uint8_t)((int64_t)x + 62); r.b[63] = (uint8_t)((int64_t)x + 63); return r; }
double mix_A64(int32_t a, A64 s, double b) { return a * 1000.0 + sum_A64(s) * 10.0 + b * 0.5; }
double two_A64(A64 s, A64 t) { return sum_A64(s) + 3.0 * sum_A64(t); }
double ints5_A64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, A64 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_A64(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_A64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, A64 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_A64(s) + 7.0 * g;
}
double ints7_A64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A64 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_A64(s) + 8.0 * h;
}
double dbl7_A64(double a, double b, double c, double d, double e, double f, double g, A64 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_A64(s) + 8 * h + 9.0 * i;
}
double dbl9_A64(double a, double b, double c, double d, double e, double f, double g, double h, double i, A64 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_A64(s) + 10 * j;
}
A64 make8_A64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_A64(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { struct { float x, y; } p; double z; } N1;
double sum_N1(N1 s) { return 1.0 * (double)s.p.x + 2.0 * (double)s.p.y + 3.0 * (double)s.z; }
N1 make_N1(double x) { N1 r; memset(&r, 0xee, sizeof r); r.p.x = (float)(x + 0.25 * 0); r.p.y = (float)(x + 0.25 * 1); r.z = (double)(x + 0.25 * 2); return r; }
double mix_N1(int32_t a, N1 s, double b) { return a * 1000.0 + sum_N1(s) * 10.0 + b * 0.5; }
double two_N1(N1 s, N1 t) { return sum_N1(s) + 3.0 * sum_N1(t); }
double ints5_N1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, N1 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_N1(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_N1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, N1 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_N1(s) + 7.0 * g;
}
double ints7_N1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, N1 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_N1(s) + 8.0 * h;
}
double dbl7_N1(double a, double b, double c, double d, double e, double f, double g, N1 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_N1(s) + 8 * h + 9.0 * i;
}
double dbl9_N1(double a, double b, double c, double d, double e, double f, double g, double h, double i, N1 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_N1(s) + 10 * j;
}
N1 make8_N1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_N1(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { struct { int8_t a; } h; float f; int64_t q; } N2;
double sum_N2(N2 s) { return 1.0 * (double)s.h.a + 2.0 * (double)s.f + 3.0 * (double)s.q; }
N2 make_N2(double x) { N2 r; memset(&r, 0xee, sizeof r); r.h.a = (int8_t)((int64_t)x + 0); r.f = (float)(x + 0.25 * 1); r.q = (int64_t)((int64_t)x + 2); return r; }
double mix_N2(int32_t a, N2 s, double b) { return a * 1000.0 + sum_N2(s) * 10.0 + b * 0.5; }
double two_N2(N2 s, N2 t) { return sum_N2(s) + 3.0 * sum_N2(t); }
double ints5_N2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, N2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_N2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_N2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, N2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_N2(s) + 7.0 * g;
}
double ints7_N2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, N2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_N2(s) + 8.0 * h;
}
double dbl7_N2(double a, double b, double c, double d, double e, double f, double g, N2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_N2(s) + 8 * h + 9.0 * i;
}
double dbl9_N2(double a, double b, double c, double d, double e, double f, double g, double h, double i, N2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_N2(s) + 10 * j;
}
N2 make8_N2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_N2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef union { float f[4]; double d[2]; } U1;
double sum_U1(U1 s) { return 1.0 * (double)s.d[0] + 2.0 * (double)s.d[1]; }
U1 make_U1(double x) { U1 r; memset(&r, 0xee, sizeof r); r.d[0] = (double)(x + 0.25 * 0); r.d[1] = (double)(x + 0.25 * 1); return r; }
double mix_U1(int32_t a, U1 s, double b) { return a * 1000.0 + sum_U1(s) * 10.0 + b * 0.5; }
double two_U1(U1 s, U1 t) { return sum_U1(s) + 3.0 * sum_U1(t); }
double ints5_U1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, U1 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_U1(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_U1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, U1 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_U1(s) + 7.0 * g;
}
double ints7_U1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, U1 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_U1(s) + 8.0 * h;
}
double dbl7_U1(double a, double b, double c, double d, double e, double f, double g, U1 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_U1(s) + 8 * h + 9.0 * i;
}
double dbl9_U1(double a, double b, double c, double d, double e, double f, double g, double h, double i, U1 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_U1(s) + 10 * j;
}
U1 make8_U1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_U1(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef union { int32_t i; float f; } U2;
double sum_U2(U2 s) { return 1.0 * (double)s.i; }
U2 make_U2(double x) { U2 r; memset(&r, 0xee, sizeof r); r.i = (int32_t)((int64_t)x + 0); return r; }
double mix_U2(int32_t a, U2 s, double b) { return a * 1000.0 + sum_U2(s) * 10.0 + b * 0.5; }
double two_U2(U2 s, U2 t) { return sum_U2(s) + 3.0 * sum_U2(t); }
double ints5_U2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, U2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_U2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_U2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, U2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_U2(s) + 7.0 * g;
}
double ints7_U2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, U2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_U2(s) + 8.0 * h;
}
double dbl7_U2(double a, double b, double c, double d, double e, double f, double g, U2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_U2(s) + 8 * h + 9.0 * i;
}
double dbl9_U2(double a, double b, double c, double d, double e, double f, double g, double h, double i, U2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_U2(s) + 10 * j;
}
U2 make8_U2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_U2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

#pragma pack(push, 1)
typedef struct { uint8_t a; int32_t b; uint16_t c; } P1;
#pragma pack(pop)
double sum_P1(P1 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c; }
P1 make_P1(double x) { P1 r; memset(&r, 0xee, sizeof r); r.a = (uint8_t)((int64_t)x + 0); r.b = (int32_t)((int64_t)x + 1); r.c = (uint16_t)((int64_t)x + 2); return r; }
double mix_P1(int32_t a, P1 s, double b) { return a * 1000.0 + sum_P1(s) * 10.0 + b * 0.5; }
double two_P1(P1 s, P1 t) { return sum_P1(s) + 3.0 * sum_P1(t); }
double ints5_P1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, P1 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_P1(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_P1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, P1 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_P1(s) + 7.0 * g;
}
double ints7_P1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, P1 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_P1(s) + 8.0 * h;
}
double dbl7_P1(double a, double b, double c, double d, double e, double f, double g, P1 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_P1(s) + 8 * h + 9.0 * i;
}
double dbl9_P1(double a, double b, double c, double d, double e, double f, double g, double h, double i, P1 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_P1(s) + 10 * j;
}
P1 make8_P1(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_P1(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { int64_t a __attribute__((aligned(16))); int64_t b; } Q2;
double sum_Q2(Q2 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b; }
Q2 make_Q2(double x) { Q2 r; memset(&r, 0xee, sizeof r); r.a = (int64_t)((int64_t)x + 0); r.b = (int64_t)((int64_t)x + 1); return r; }
double mix_Q2(int32_t a, Q2 s, double b) { return a * 1000.0 + sum_Q2(s) * 10.0 + b * 0.5; }
double two_Q2(Q2 s, Q2 t) { return sum_Q2(s) + 3.0 * sum_Q2(t); }
double ints5_Q2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, Q2 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_Q2(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_Q2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, Q2 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_Q2(s) + 7.0 * g;
}
double ints7_Q2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, Q2 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_Q2(s) + 8.0 * h;
}
double dbl7_Q2(double a, double b, double c, double d, double e, double f, double g, Q2 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_Q2(s) + 8 * h + 9.0 * i;
}
double dbl9_Q2(double a, double b, double c, double d, double e, double f, double g, double h, double i, Q2 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_Q2(s) + 10 * j;
}
Q2 make8_Q2(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_Q2(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

typedef struct { double a __attribute__((aligned(16))); double b, c; } Q4;
double sum_Q4(Q4 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c; }
Q4 make_Q4(double x) { Q4 r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); r.b = (double)(x + 0.25 * 1); r.c = (double)(x + 0.25 * 2); return r; }
double mix_Q4(int32_t a, Q4 s, double b) { return a * 1000.0 + sum_Q4(s) * 10.0 + b * 0.5; }
double two_Q4(Q4 s, Q4 t) { return sum_Q4(s) + 3.0 * sum_Q4(t); }
double ints5_Q4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, Q4 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_Q4(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_Q4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, Q4 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_Q4(s) + 7.0 * g;
}
double ints7_Q4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, Q4 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_Q4(s) + 8.0 * h;
}
double dbl7_Q4(double a, double b, double c, double d, double e, double f, double g, Q4 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_Q4(s) + 8 * h + 9.0 * i;
}
double dbl9_Q4(double a, double b, double c, double d, double e, double f, double g, double h, double i, Q4 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_Q4(s) + 10 * j;
}
Q4 make8_Q4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_Q4(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

// Over-aligned (docs/abi-stack-alignment.md): on x86-64 such a struct travels on the stack at an offset that
// is a multiple of its own alignment (32, 64), not of 16; on AArch64 it is passed by reference.
typedef struct { double a __attribute__((aligned(32))); } O32;
double sum_O32(O32 s) { return 1.0 * (double)s.a; }
O32 make_O32(double x) { O32 r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); return r; }
double mix_O32(int32_t a, O32 s, double b) { return a * 1000.0 + sum_O32(s) * 10.0 + b * 0.5; }
double two_O32(O32 s, O32 t) { return sum_O32(s) + 3.0 * sum_O32(t); }
double ints5_O32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, O32 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_O32(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_O32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, O32 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_O32(s) + 7.0 * g;
}
double ints7_O32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, O32 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_O32(s) + 8.0 * h;
}
double dbl7_O32(double a, double b, double c, double d, double e, double f, double g, O32 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_O32(s) + 8 * h + 9.0 * i;
}
double dbl9_O32(double a, double b, double c, double d, double e, double f, double g, double h, double i, O32 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_O32(s) + 10 * j;
}
O32 make8_O32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_O32(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}


typedef struct { int64_t a __attribute__((aligned(64))); double b; int32_t c; } O64;
double sum_O64(O64 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c; }
O64 make_O64(double x) { O64 r; memset(&r, 0xee, sizeof r); r.a = (int64_t)((int64_t)x + 0); r.b = (double)(x + 0.25 * 1); r.c = (int32_t)((int64_t)x + 2); return r; }
double mix_O64(int32_t a, O64 s, double b) { return a * 1000.0 + sum_O64(s) * 10.0 + b * 0.5; }
double two_O64(O64 s, O64 t) { return sum_O64(s) + 3.0 * sum_O64(t); }
double ints5_O64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, O64 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_O64(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_O64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, O64 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_O64(s) + 7.0 * g;
}
double ints7_O64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, O64 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_O64(s) + 8.0 * h;
}
double dbl7_O64(double a, double b, double c, double d, double e, double f, double g, O64 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_O64(s) + 8 * h + 9.0 * i;
}
double dbl9_O64(double a, double b, double c, double d, double e, double f, double g, double h, double i, O64 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_O64(s) + 10 * j;
}
O64 make8_O64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_O64(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

// An HFA of four doubles aligned to 32: v registers or, on the stack, 16-aligned on AArch64 (gcc caps
// the argument alignment at 16); MEMORY at a 32-multiple on x86-64.
typedef struct { double a __attribute__((aligned(32))); double b, c, d; } H32;
double sum_H32(H32 s) { return 1.0 * (double)s.a + 2.0 * (double)s.b + 3.0 * (double)s.c + 4.0 * (double)s.d; }
H32 make_H32(double x) { H32 r; memset(&r, 0xee, sizeof r); r.a = (double)(x + 0.25 * 0); r.b = (double)(x + 0.25 * 1); r.c = (double)(x + 0.25 * 2); r.d = (double)(x + 0.25 * 3); return r; }
double mix_H32(int32_t a, H32 s, double b) { return a * 1000.0 + sum_H32(s) * 10.0 + b * 0.5; }
double two_H32(H32 s, H32 t) { return sum_H32(s) + 3.0 * sum_H32(t); }
double ints5_H32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, H32 s, int64_t f, int64_t g, double h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 100.0 * sum_H32(s) + 6.0 * f + 7.0 * g + 8.0 * h;
}
double ints6_H32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, H32 s, int64_t g) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 100.0 * sum_H32(s) + 7.0 * g;
}
double ints7_H32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, H32 s, int64_t h) {
  return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 100.0 * sum_H32(s) + 8.0 * h;
}
double dbl7_H32(double a, double b, double c, double d, double e, double f, double g, H32 s, double h, int64_t i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 100.0 * sum_H32(s) + 8 * h + 9.0 * i;
}
double dbl9_H32(double a, double b, double c, double d, double e, double f, double g, double h, double i, H32 s, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 100.0 * sum_H32(s) + 10 * j;
}
H32 make8_H32(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, double x, int64_t g, int64_t h) {
  return make_H32(x + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h);
}

