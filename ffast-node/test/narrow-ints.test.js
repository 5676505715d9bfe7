'use strict';
// Narrow-integer extension, both directions, probed in x86-64 asm so that no C compiler can hide
// a missing extension:
//  - arguments: the caller (ffast) must sign/zero-extend i8/u8/i16/u16/bool arguments to 32 bits
//    (clang's de-facto rule, relied upon by clang-compiled callees). raw_arg_* returns the whole
//    register as ffast left it; we assert its low 32 bits. Register #1, register #2 and a stack slot.
//  - results: ret_dirty_* return the narrow value with garbage above the C width; ffast must extend
//    from the C width itself.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot, toI8, toU8, toI16, toU16 } = h;

const T = (parameters, result) => ({ parameters, result });
const NARROW = { bool: null, i8: toI8, u8: toU8, i16: toI16, u16: toU16 };
const syms = {};
for (const t of Object.keys(NARROW)) {
  syms['raw_arg_' + t] = T([t], 'u64');
  syms['raw_arg2_' + t] = T(['i32', t], 'u64');
  syms['raw_stack_' + t] = T(['i64', 'i64', 'i64', 'i64', 'i64', 'i64', t], 'u64');
  syms['raw32_arg_' + t] = T([t], 'u32');
}
Object.assign(syms, {
  ret_dirty_i8: T([], 'i8'), ret_dirty_i8_pos: T([], 'i8'),
  ret_dirty_u8: T([], 'u8'), ret_dirty_u8_ff: T([], 'u8'),
  ret_dirty_i16: T([], 'i16'), ret_dirty_u16: T([], 'u16'),
  ret_dirty_i32: T([], 'i32'), ret_dirty_u32: T([], 'u32'),
  ret_dirty_bool: T([], 'bool'), ret_dirty_bool_false: T([], 'bool'),
  widen_i8: T(['i8'], 'i32'), widen_u8: T(['u8'], 'u32'),
  widen_i16: T(['i16'], 'i32'), widen_u16: T(['u16'], 'u32'),
  widen_i32_to_i64: T(['i32'], 'i64'), widen_u32_to_u64: T(['u32'], 'u64'),
});
const S = h.openFixture(syms).symbols;

const INPUTS = [0, 1, -1, 127, 128, -128, -129, 200, 255, 256, 300, 32767, 32768, -32768, 65535, 65536, -2, 2 ** 31, 0x12345680];
const low32 = (v) => Number(BigInt(v) & 0xffffffffn);
// the low 32 bits the register must hold: the C value extended per its signedness
const ext32 = (t, x) => (t === 'bool' ? (x ? 1 : 0) : NARROW[t](x) >>> 0);

const lowCheck = (want) => (v, msg) =>
  assert.equal(low32(v), want, `${msg}: low 32 bits 0x${low32(v).toString(16)} != 0x${want.toString(16)} (register was ${typeof v === 'bigint' ? '0x' + v.toString(16) : v})`);

for (const t of Object.keys(NARROW)) {
  test(`${t} argument is extended to 32 bits (register 1, register 2, stack slot)`, () => {
    const values = t === 'bool' ? [true, false] : INPUTS;
    for (const x of values) {
      const want = ext32(t, x);
      // the upper 32 bits are unspecified (so hot and cold may differ there, and the u64 result may
      // be a BigInt): only the low 32 bits are asserted, the fast path is not
      h.coldHot(S['raw_arg_' + t], [x], lowCheck(want), { fast: false, stable: false, identical: false });
      h.coldHot(S['raw_arg2_' + t], [0x7fffffff, x], lowCheck(want), { fast: false, stable: false, identical: false });
      h.coldHot(S['raw_stack_' + t], [-1, -1, -1, -1, -1, -1, x], lowCheck(want), { fast: false, stable: false, identical: false });
      // same probe returning only edi as u32: a Number result, so the fast path is asserted
      coldHot(S['raw32_arg_' + t], [x], want);
    }
  });
}

test('narrow results with garbage upper bits are extended from the C width', () => {
  coldHot(S.ret_dirty_i8, [], -128);
  coldHot(S.ret_dirty_i8_pos, [], 127);
  coldHot(S.ret_dirty_u8, [], 0x80);
  coldHot(S.ret_dirty_u8_ff, [], 255);
  coldHot(S.ret_dirty_i16, [], -32768);
  coldHot(S.ret_dirty_u16, [], 0x8000);
  coldHot(S.ret_dirty_i32, [], -2147483648);
  coldHot(S.ret_dirty_u32, [], 2147483648);
  coldHot(S.ret_dirty_bool, [], true);
  coldHot(S.ret_dirty_bool_false, [], false);
});

test('C-compiled widening of narrow args', () => {
  for (const x of INPUTS) {
    coldHot(S.widen_i8, [x], toI8(x));
    coldHot(S.widen_u8, [x], toU8(x));
    coldHot(S.widen_i16, [x], toI16(x));
    coldHot(S.widen_u16, [x], toU16(x));
    coldHot(S.widen_i32_to_i64, [x], x | 0);
    coldHot(S.widen_u32_to_u64, [x], x >>> 0);
  }
});
