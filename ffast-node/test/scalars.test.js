'use strict';
// Every type at its limits, both directions (JS -> C via identities and bit probes, C -> JS via
// functions that return the C constants themselves). Every case runs cold and hot.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot, int64Result, uint64Result, to64, toI8, toU8, toI16, toU16, toI32, toU32 } = h;

const T = (parameters, result) => ({ parameters, result });
const lib = h.openFixture({
  id_bool: T(['bool'], 'bool'),
  id_i8: T(['i8'], 'i8'),
  id_u8: T(['u8'], 'u8'),
  id_i16: T(['i16'], 'i16'),
  id_u16: T(['u16'], 'u16'),
  id_i32: T(['i32'], 'i32'),
  id_u32: T(['u32'], 'u32'),
  id_i64: T(['i64'], 'i64'),
  id_u64: T(['u64'], 'u64'),
  id_isize: T(['isize'], 'isize'),
  id_usize: T(['usize'], 'usize'),
  id_f32: T(['f32'], 'f32'),
  id_f64: T(['f64'], 'f64'),
  add_i32: T(['i32', 'i32'], 'i32'),
  add_u32: T(['u32', 'u32'], 'u32'),
  add_i8: T(['i8', 'i8'], 'i8'),
  add_u8: T(['u8', 'u8'], 'u8'),
  add_i16: T(['i16', 'i16'], 'i16'),
  add_u16: T(['u16', 'u16'], 'u16'),
  add_i64: T(['i64', 'i64'], 'i64'),
  add_u64: T(['u64', 'u64'], 'u64'),
  mul_f64: T(['f64', 'f64'], 'f64'),
  add_f32: T(['f32', 'f32'], 'f32'),
  neg_f64: T(['f64'], 'f64'),
  neg_f32: T(['f32'], 'f32'),
  not_bool: T(['bool'], 'bool'),
  and_bool: T(['bool', 'bool'], 'bool'),
  bool_to_i32: T(['bool'], 'i32'),
  i32_is_odd: T(['i32'], 'bool'),
  f32_to_f64: T(['f32'], 'f64'),
  f64_to_f32: T(['f64'], 'f32'),
  sqrt_f64: T(['f64'], 'f64'),
  u64_hi: T(['u64'], 'u32'),
  u64_lo: T(['u64'], 'u32'),
  i64_hi: T(['i64'], 'u32'),
  i64_lo: T(['i64'], 'u32'),
  u64_from_parts: T(['u32', 'u32'], 'u64'),
  i64_from_parts: T(['u32', 'u32'], 'i64'),
  f32_bits: T(['f32'], 'u32'),
  f64_bits_hi: T(['f64'], 'u32'),
  f64_bits_lo: T(['f64'], 'u32'),
  f64_from_parts: T(['u32', 'u32'], 'f64'),
  f32_from_bits: T(['u32'], 'f32'),
  counter_inc: T([], 'void'),
  counter_reset: T([], 'void'),
  counter_get: T([], 'u64'),
  // C constants
  i8_min: T([], 'i8'), i8_max: T([], 'i8'), u8_max: T([], 'u8'),
  i16_min: T([], 'i16'), i16_max: T([], 'i16'), u16_max: T([], 'u16'),
  i32_min: T([], 'i32'), i32_max: T([], 'i32'), u32_max: T([], 'u32'),
  i64_min: T([], 'i64'), i64_max: T([], 'i64'), u64_max: T([], 'u64'), i64_minus_one: T([], 'i64'),
  two53: T([], 'u64'), two53_minus1: T([], 'u64'), two53_plus1: T([], 'u64'),
  neg_two53_minus1: T([], 'i64'), neg_two53_plus1: T([], 'i64'), two32: T([], 'u64'),
  isize_min: T([], 'isize'), usize_max: T([], 'usize'),
  neg_zero: T([], 'f64'), f64_nan: T([], 'f64'), f64_inf: T([], 'f64'), f64_neg_inf: T([], 'f64'),
  f64_max: T([], 'f64'), f64_min_normal: T([], 'f64'), f64_min_denorm: T([], 'f64'),
  f64_third: T([], 'f64'), f64_two53_plus1: T([], 'f64'),
  f32_third: T([], 'f32'), f32_max: T([], 'f32'), f32_min_denorm: T([], 'f32'),
  f32_neg_zero: T([], 'f32'), f32_nan: T([], 'f32'), f32_inf: T([], 'f32'), f32_tenth: T([], 'f32'),
  bool_true: T([], 'bool'), bool_false: T([], 'bool'),
});
const S = lib.symbols;

// bit patterns computed in JS, independently of ffast
const f32Bits = (x) => { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, x, true); return d.getUint32(0, true); };
const f64Parts = (x) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x, true); return [d.getUint32(4, true), d.getUint32(0, true)]; };

const NUM_EDGE = [0, -0, 1, -1, 1.9, -1.9, 0.5, -0.5, NaN, Infinity, -Infinity,
  127, 128, -128, -129, 255, 256, 300, -300, 32767, 32768, -32768, -32769, 65535, 65536,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, -(2 ** 32) - 5,
  2 ** 53, 2 ** 53 + 2, 1e20, -1e20, 2 ** 31 + 0.5, Number.MAX_VALUE, Number.MIN_VALUE];

test('bool identity, not, and, widen, odd', () => {
  for (const b of [true, false]) {
    coldHot(S.id_bool, [b], b);
    coldHot(S.not_bool, [b], !b);
    coldHot(S.bool_to_i32, [b], b ? 1 : 0);
    for (const c of [true, false]) coldHot(S.and_bool, [b, c], b && c);
  }
  for (const x of [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 7.9]) coldHot(S.i32_is_odd, [x], ((x | 0) & 1) === 1);
  coldHot(S.bool_true, [], true);
  coldHot(S.bool_false, [], false);
});

for (const [name, conv] of [['i8', toI8], ['u8', toU8], ['i16', toI16], ['u16', toU16], ['i32', toI32], ['u32', toU32]]) {
  test(`${name} identity: ToInt32 then C-cast truncation for every edge Number`, () => {
    for (const x of NUM_EDGE) coldHot(S['id_' + name], [x], conv(x));
  });
}

test('narrow adds wrap like C', () => {
  const pairs = [[100, 100], [127, 1], [-128, -1], [255, 1], [200, 100], [32767, 1], [-32768, -1],
    [65535, 1], [2 ** 31 - 1, 1], [-(2 ** 31), -1], [2 ** 32 - 1, 1], [0, 0], [-5, 3]];
  for (const [a, b] of pairs) {
    coldHot(S.add_i8, [a, b], toI8(toI8(a) + toI8(b)));
    coldHot(S.add_u8, [a, b], toU8(toU8(a) + toU8(b)));
    coldHot(S.add_i16, [a, b], toI16(toI16(a) + toI16(b)));
    coldHot(S.add_u16, [a, b], toU16(toU16(a) + toU16(b)));
    coldHot(S.add_i32, [a, b], toI32(toI32(a) + toI32(b)));
    coldHot(S.add_u32, [a, b], toU32(toU32(a) + toU32(b)));
  }
});

test('narrow results vs C constants', () => {
  coldHot(S.i8_min, [], -128);
  coldHot(S.i8_max, [], 127);
  coldHot(S.u8_max, [], 255);
  coldHot(S.i16_min, [], -32768);
  coldHot(S.i16_max, [], 32767);
  coldHot(S.u16_max, [], 65535);
  coldHot(S.i32_min, [], -(2 ** 31));
  coldHot(S.i32_max, [], 2 ** 31 - 1);
  coldHot(S.u32_max, [], 2 ** 32 - 1);
});

test('64-bit results vs C constants: Number when safe, BigInt otherwise', () => {
  coldHot(S.i64_min, [], -(2n ** 63n));
  coldHot(S.i64_max, [], 2n ** 63n - 1n);
  coldHot(S.u64_max, [], 2n ** 64n - 1n);
  coldHot(S.i64_minus_one, [], -1);
  coldHot(S.two53, [], 2n ** 53n);
  coldHot(S.two53_minus1, [], 2 ** 53 - 1);
  coldHot(S.two53_plus1, [], 2n ** 53n + 1n);
  coldHot(S.neg_two53_minus1, [], -(2 ** 53 - 1));
  coldHot(S.neg_two53_plus1, [], -(2n ** 53n) - 1n);
  coldHot(S.two32, [], 2 ** 32);
  coldHot(S.isize_min, [], -(2n ** 63n));
  coldHot(S.usize_max, [], 2n ** 64n - 1n);
});

const I64_NUMS = [0, -0, 1, -1, 0.5, -0.5, 1.9, -1.9, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1,
  -(2 ** 53 - 1), 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 2 ** 60, -(2 ** 60), -(2 ** 63), 2 ** 63,
  2 ** 64 - 2048, 1e18, -1e18];
const I64_BIGS = [0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n,
  2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n - 1n, 0x123456789abcdef0n, 0xfedcba9876543210n];

for (const name of ['i64', 'isize']) {
  test(`${name} identity from Numbers and BigInts, both result representations`, () => {
    for (const x of [...I64_NUMS, ...I64_BIGS]) coldHot(S['id_' + name], [x], int64Result(to64(x)));
  });
}
for (const name of ['u64', 'usize']) {
  test(`${name} identity from Numbers and BigInts (negatives wrap to two's complement)`, () => {
    for (const x of [...I64_NUMS, ...I64_BIGS]) coldHot(S['id_' + name], [x], uint64Result(to64(x)));
  });
}

test('64-bit args arrive exactly (hi/lo halves computed by C)', () => {
  for (const x of [...I64_NUMS, ...I64_BIGS]) {
    const u = to64(x);
    coldHot(S.u64_hi, [x], Number(u >> 32n));
    coldHot(S.u64_lo, [x], Number(u & 0xffffffffn));
    coldHot(S.i64_hi, [x], Number(u >> 32n));
    coldHot(S.i64_lo, [x], Number(u & 0xffffffffn));
  }
});

test('64-bit results assembled by C from halves', () => {
  const parts = [[0, 0], [0, 1], [0xffffffff, 0xffffffff], [0x80000000, 0], [0x7fffffff, 0xffffffff],
    [0x001fffff, 0xffffffff], [0x00200000, 0], [0x00200000, 1], [0xffe00000, 1], [0xffe00000, 0],
    [0xffdfffff, 0xffffffff], [0x12345678, 0x9abcdef0]];
  for (const [hi, lo] of parts) {
    const u = (BigInt(hi) << 32n) | BigInt(lo);
    coldHot(S.u64_from_parts, [hi, lo], uint64Result(u));
    coldHot(S.i64_from_parts, [hi, lo], int64Result(u));
  }
});

test('i64/u64 arithmetic in C', () => {
  const cases = [[1, 2], [2 ** 53 - 1, 1], [-1, -1], [2n ** 63n - 1n, 1n], [2n ** 64n - 1n, 1n], [-(2 ** 53), -1]];
  for (const [a, b] of cases) {
    coldHot(S.add_i64, [a, b], int64Result(to64(a) + to64(b)));
    coldHot(S.add_u64, [a, b], uint64Result(to64(a) + to64(b)));
  }
});

const F64_EDGE = [0, -0, 1, -1, 0.1, 1 / 3, NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 2 ** 53 + 1, 2 ** 53 - 1, -(2 ** 63), 1e300, 123456.789];

test('f64 identity, negation, multiply, sqrt (NaN, ±Inf, -0, denormals preserved)', () => {
  for (const x of F64_EDGE) {
    coldHot(S.id_f64, [x], x);
    coldHot(S.neg_f64, [x], -x);
    const [hi, lo] = f64Parts(x);
    coldHot(S.f64_bits_hi, [x], hi);
    if (!Number.isNaN(x)) coldHot(S.f64_bits_lo, [x], lo);
  }
  for (const [a, b] of [[3, 7], [-0, 1], [0, -1], [1e308, 10], [0.1, 3], [NaN, 1], [Infinity, 0], [-2.5, 4]]) {
    coldHot(S.mul_f64, [a, b], a * b);
  }
  for (const x of [4, 2, 0, -0, -1, Infinity]) coldHot(S.sqrt_f64, [x], Math.sqrt(x));
});

test('f64 results vs C constants', () => {
  coldHot(S.neg_zero, [], -0);
  coldHot(S.f64_nan, [], NaN);
  coldHot(S.f64_inf, [], Infinity);
  coldHot(S.f64_neg_inf, [], -Infinity);
  coldHot(S.f64_max, [], Number.MAX_VALUE);
  coldHot(S.f64_min_normal, [], 2.2250738585072014e-308);
  coldHot(S.f64_min_denorm, [], Number.MIN_VALUE);
  coldHot(S.f64_third, [], 1 / 3);
  coldHot(S.f64_two53_plus1, [], 2 ** 53);
  const parts = [[0x80000000, 0], [0x7ff00000, 0], [0x00000000, 1], [0x3ff00000, 0], [0x400921fb, 0x54442d18]];
  for (const [hi, lo] of parts) {
    const d = new DataView(new ArrayBuffer(8));
    d.setUint32(4, hi, true); d.setUint32(0, lo, true);
    coldHot(S.f64_from_parts, [hi, lo], d.getFloat64(0, true));
  }
});

const F32_EDGE = [0, -0, 1, -1, 0.1, 1 / 3, NaN, Infinity, -Infinity, 3.4028234663852886e38, 3.5e38, -3.5e38,
  1e40, 2 ** -149, 2 ** -150, 2 ** -150 * 1.5, 1.17549435e-38, 16777217, 16777219, 2 ** 24 + 1, 1e-46, 123456.789];

test('f32 arguments round to nearest float, results are the exact float value', () => {
  for (const x of F32_EDGE) {
    coldHot(S.id_f32, [x], Math.fround(x));
    coldHot(S.f32_to_f64, [x], Math.fround(x));
    coldHot(S.neg_f32, [x], -Math.fround(x));
    if (!Number.isNaN(x)) coldHot(S.f32_bits, [x], f32Bits(x));
    coldHot(S.f64_to_f32, [x], Math.fround(x));
  }
  for (const [a, b] of [[0.1, 0.2], [1, 2 ** -24], [3.4e38, 3.4e38], [-0, -0], [1e-45, 1e-45]]) {
    coldHot(S.add_f32, [a, b], Math.fround(Math.fround(a) + Math.fround(b)));
  }
  for (const bits of [0x7f7fffff, 0x00000001, 0x80000000, 0x3eaaaaab, 0x7f800000, 0xff800000]) {
    const d = new DataView(new ArrayBuffer(4));
    d.setUint32(0, bits, true);
    coldHot(S.f32_from_bits, [bits], d.getFloat32(0, true));
  }
});

test('f32 results vs C constants', () => {
  coldHot(S.f32_third, [], Math.fround(1 / 3));
  coldHot(S.f32_max, [], 3.4028234663852886e38);
  coldHot(S.f32_min_denorm, [], 2 ** -149);
  coldHot(S.f32_neg_zero, [], -0);
  coldHot(S.f32_nan, [], NaN);
  coldHot(S.f32_inf, [], Infinity);
  coldHot(S.f32_tenth, [], Math.fround(0.1));
  assert.notEqual(Math.fround(0.1), 0.1); // the f32 value is not the f64 literal
});

test('void results are undefined and the C side effect happens (cold and hot)', () => {
  const cold = h.cold(S.counter_reset, []);
  assert.equal(cold, undefined);
  h.cold(S.counter_inc, []);
  h.cold(S.counter_inc, []);
  assert.equal(h.cold(S.counter_get, []), 2);
  // hot(): WARMUP_CALLS warm-up calls + optimizing call + measured call
  assert.equal(h.hot(S.counter_inc, []), undefined);
  assert.equal(h.cold(S.counter_get, []), 2 + h.WARMUP_CALLS + 2);
});
