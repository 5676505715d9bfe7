'use strict';
// Many arguments: more than 6 integer / 8 float args force the stack (on the C side, and on the
// V8 side the receiver takes rdi so JS arg 6+ are already on the stack). Position-weighted sums:
// a swapped or shifted argument changes the result. Expected values recomputed in JS with the same
// evaluation order (BigInt where 64-bit exactness matters).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot, int64Result, uint64Result, to64, toI8, toU8, toI16, toU32 } = h;

const T = (parameters, result) => ({ parameters, result });
const rep = (t, n) => Array(n).fill(t);
const CYCLE = ['i32', 'f64', 'i64', 'f32', 'u8', 'i16', 'f64', 'u32'];
const MIXED32 = [...CYCLE, ...CYCLE, ...CYCLE, ...CYCLE];
const lib = h.openFixture({
  sum_i64_10: T(rep('i64', 10), 'i64'),
  sum_f64_10: T(rep('f64', 10), 'f64'),
  sum_f32_12: T(rep('f32', 12), 'f32'),
  sum_i32_6: T(rep('i32', 6), 'i32'),
  sum_i32_8: T(rep('i32', 8), 'i32'),
  sum_f64_16: T(rep('f64', 16), 'f64'),
  mixed_i32_f64_16: T(Array.from({ length: 16 }, (_, i) => (i % 2 ? 'f64' : 'i32')), 'f64'),
  sum_i32_32: T(rep('i32', 32), 'i64'),
  mixed_types_32: T(MIXED32, 'f64'),
  ints6_f64_ints3: T([...rep('i32', 6), 'f64', ...rep('i32', 3)], 'f64'),
  f64x9_ints3: T([...rep('f64', 9), 'i64', 'i32', 'i64'], 'f64'),
  i64x7_i8_f32x9: T([...rep('i64', 7), 'i8', ...rep('f32', 9)], 'i64'),
  u64_stack_poly: T(rep('u64', 9), 'u64'),
  pick_i64_12: T(['i32', ...rep('i64', 12)], 'i64'),
  mixed_ptr_str_buf: T(['pointer', 'string', 'buffer', 'usize', 'i32', 'f64', 'i32', 'i64'], 'i64'),
});
const S = lib.symbols;

// deterministic pseudo-random values
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const rint = (lo, hi) => Math.floor(lo + rnd() * (hi - lo + 1));

const wsumBig = (vals) => vals.reduce((s, v, i) => s + to64(v) * BigInt(i + 1), 0n);
const wsumF64 = (vals) => { let s = 0; vals.forEach((v, i) => { s += v * (i + 1); }); return s; };

test('sum_i64_10: 10 i64 (4 on the stack), Numbers and BigInts', () => {
  const vecs = [
    Array.from({ length: 10 }, (_, i) => i + 1),
    Array.from({ length: 10 }, (_, i) => (i % 2 ? -1 : 1) * (2 ** 40 + i)),
    Array.from({ length: 10 }, () => rint(-(2 ** 31), 2 ** 31)),
    [2 ** 53 - 1, -(2 ** 53), 2 ** 60, -(2 ** 62), 0, -1, 7, 2 ** 32, 3, 2 ** 62],
    [1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 5n, 6n, 7n, 8n, 0x7fffffffffffn, 10n],
  ];
  for (const v of vecs) coldHot(S.sum_i64_10, v, int64Result(wsumBig(v)));
});

test('sum_f64_10 / sum_f64_16: doubles beyond xmm7', () => {
  const v10 = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Array.from({ length: 10 }, () => rnd() * 1000 - 500),
    [0.5, -0.25, 1e10, -1e10, 3.75, 1 / 3, 2 / 3, -7, 1e-300, 42]];
  for (const v of v10) coldHot(S.sum_f64_10, v, wsumF64(v));
  const v16 = [Array.from({ length: 16 }, (_, i) => i + 0.5), Array.from({ length: 16 }, () => rnd() * 2 - 1)];
  for (const v of v16) coldHot(S.sum_f64_16, v, wsumF64(v));
  // a NaN / -0 in a stack slot
  const n = Array(16).fill(0); n[15] = NaN;
  coldHot(S.sum_f64_16, n, NaN);
  const z = Array(10).fill(-0);
  coldHot(S.sum_f64_10, z, wsumF64(z)); // C starts from s = +0, so +0 + -0 = +0
});

test('sum_f32_12: floats beyond xmm7, f32 accumulation', () => {
  const vecs = [Array.from({ length: 12 }, (_, i) => i * 1.5), Array.from({ length: 12 }, () => rnd() * 100 - 50),
    [0.1, 0.2, 0.3, 1e-8, 1e8, -1e8, 3.4e38, -3.4e38, 1, 2, 3, 16777217]];
  for (const v of vecs) {
    let s = 0;
    v.forEach((x, i) => { s = Math.fround(s + Math.fround(Math.fround(x) * (i + 1))); });
    coldHot(S.sum_f32_12, v, s);
  }
});

test('sum_i32_6 / sum_i32_8: 6 fill the C registers, 8 spill', () => {
  for (const v of [[1, 2, 3, 4, 5, 6], [-1, -2, -3, -4, -5, -6], Array.from({ length: 6 }, () => rint(-(2 ** 31), 2 ** 31 - 1))]) {
    coldHot(S.sum_i32_6, v, Number(BigInt.asIntN(32, wsumBig(v.map((x) => x | 0)))));
  }
  for (const v of [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1], Array.from({ length: 8 }, () => rint(-(2 ** 31), 2 ** 31 - 1))]) {
    coldHot(S.sum_i32_8, v, Number(BigInt.asIntN(32, wsumBig(v.map((x) => x | 0)))));
  }
});

test('mixed_i32_f64_16: 8 ints and 8 doubles interleaved', () => {
  const vecs = [
    Array.from({ length: 16 }, (_, i) => (i % 2 ? i + 0.25 : i * 3)),
    Array.from({ length: 16 }, (_, i) => (i % 2 ? rnd() * 1e6 : rint(-(2 ** 31), 2 ** 31 - 1))),
  ];
  for (const v of vecs) coldHot(S.mixed_i32_f64_16, v, wsumF64(v.map((x, i) => (i % 2 ? x : x | 0))));
});

test('sum_i32_32: 32 int32 parameters', () => {
  const vecs = [Array.from({ length: 32 }, (_, i) => i + 1), Array.from({ length: 32 }, (_, i) => (i % 3 ? -i : i * 1000)),
    Array.from({ length: 32 }, () => rint(-(2 ** 31), 2 ** 31 - 1))];
  for (const v of vecs) coldHot(S.sum_i32_32, v, int64Result(wsumBig(v)));
});

test('mixed_types_32: 32 parameters cycling i32 f64 i64 f32 u8 i16 f64 u32', () => {
  const conv = { i32: (x) => x | 0, f64: (x) => x, i64: (x) => Number(BigInt.asIntN(64, to64(x))), f32: Math.fround, u8: toU8, i16: toI16, u32: toU32 };
  const gen = {
    i32: () => rint(-(2 ** 31), 2 ** 31 - 1), f64: () => rnd() * 1e4 - 5e3, i64: () => rint(-(2 ** 40), 2 ** 40),
    f32: () => rnd() * 100, u8: () => rint(0, 300), i16: () => rint(-40000, 40000), u32: () => rint(-5, 2 ** 32 + 5),
  };
  const vecs = [MIXED32.map((_, i) => i + 1), MIXED32.map((t) => gen[t]()), MIXED32.map((t) => gen[t]())];
  for (const v of vecs) {
    let s = 0;
    v.forEach((x, i) => { s += conv[MIXED32[i]](x) * (i + 1); });
    coldHot(S.mixed_types_32, v, s);
  }
});

test('ints6_f64_ints3 and f64x9_ints3: register classes exhausted in different orders', () => {
  for (let k = 0; k < 3; k++) {
    const a = [...Array.from({ length: 6 }, () => rint(-1e6, 1e6)), rnd() * 1e3, rint(-1e6, 1e6), rint(-1e6, 1e6), rint(-1e6, 1e6)];
    coldHot(S.ints6_f64_ints3, a, wsumF64(a));
    const b = [...Array.from({ length: 9 }, () => rnd() * 100 - 50), rint(-(2 ** 40), 2 ** 40), rint(-1e9, 1e9), rint(-(2 ** 40), 2 ** 40)];
    coldHot(S.f64x9_ints3, b, wsumF64(b));
  }
  // BigInt in the stack-passed i64 slots (slow path, still exact)
  const c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10n, 11, -12n];
  coldHot(S.f64x9_ints3, c, wsumF64(c.map(Number)));
});

test('i64x7_i8_f32x9: an i8 and an f32 both on the stack', () => {
  for (const i8 of [-1, 127, 200, -128]) {
    const a = [1, -2, 3, -4, 5, 2 ** 40, -(2 ** 41), i8, 1.5, 2.5, 3.5, -4.5, 5, 6, 7, 8, -9.75];
    let s = 0n;
    for (let i = 0; i < 7; i++) s += BigInt(a[i]) * BigInt(i + 1);
    s += BigInt(toI8(i8)) * 8n;
    for (let i = 0; i < 9; i++) s += BigInt(Math.trunc(Math.fround(a[8 + i]))) * BigInt(i + 9);
    coldHot(S.i64x7_i8_f32x9, a, int64Result(s));
  }
});

test('u64_stack_poly: exact 64-bit stack slots (Horner, mod 2^64)', () => {
  const vecs = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 0, 0, 0, 0, 2 ** 53 - 1],
    [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 2n ** 64n - 1n], [-1, 1, -1, 1, -1, 1, -1, 1, -1],
    [2 ** 60, 3, 2 ** 61, 5, 2 ** 62, 7, 2 ** 33, 11, 2 ** 52]];
  for (const v of vecs) {
    let s = 0n;
    for (const x of v) s = BigInt.asUintN(64, s * 31n + to64(x));
    coldHot(S.u64_stack_poly, v, uint64Result(s));
  }
});

test('pick_i64_12: each of 12 i64 slots arrives in its own position', () => {
  const vals = Array.from({ length: 12 }, (_, i) => (i + 1) * 1000003 * (i % 2 ? -1 : 1));
  for (let k = 0; k < 12; k++) coldHot(S.pick_i64_12, [k, ...vals], vals[k], { label: `pick_i64_12_k${k}` });
  coldHot(S.pick_i64_12, [12, ...vals], -1);
});

test('mixed_ptr_str_buf: pointer, string, buffer, ints, double, i64 (stack)', () => {
  const buf = new Uint8Array([1, 2, 3, 4, 250]);
  const args = [0x1000, 'hello', buf, 5, -3, 2.9, 77, 2 ** 40];
  const want = 0x1000 + 5 * 2 + (1 + 2 + 3 + 4 + 250) * 3 + -3 * 5 + 2 * 7 + 77 * 11 + 2 ** 40 * 13;
  coldHot(S.mixed_ptr_str_buf, args, want);
  assert.ok(Number.isSafeInteger(want));
});

// Stack parity (docs/v8-fast-api.md §6.1): on arm64, V8 restores its stack pointer 16 bytes too
// high after a fast call that passed an odd number of integer-class AND an odd number of
// floating-point stack arguments; the optimized caller then works on a shifted frame (V8's
// deoptimizer aborts the process, or the caller passes wrong values on). Such signatures get no
// fast target there (ffast-core `v8_stack_drop_hazard`). Each shape: n int32 then m doubles; with
// the receiver in x0, n - 7 integer and m - 8 double stack arguments on arm64.
const PARITY = [[8, 9, true], [10, 9, true], [8, 11, true], [12, 13, true], [9, 10, false], [7, 9, false]];
const P = h.openFixture(Object.fromEntries(PARITY.map(([n, m]) => [`par_${n}i_${m}d`, T([...rep('i32', n), ...rep('f64', m)], 'f64')]))).symbols;
const ARM64 = process.arch === 'arm64';

test('stack parity: odd integer and odd float stack counts, cold, hot, and a caller deoptimized right after the call', () => {
  for (const [n, m, hazard] of PARITY) {
    const name = `par_${n}i_${m}d`;
    const f = P[name];
    const args = [...Array.from({ length: n }, (_, k) => (k % 3 === 1 ? -(k + 1) : k + 1)), ...Array.from({ length: m }, (_, k) => k + 0.5)];
    let want = 0;
    args.forEach((v, k) => { want += v * (k + 1); });
    assert.equal(h.cold(f, args, name), want, `${name} cold`);
    // On arm64 the hazardous shapes take the slow path (one slow call), everything else is fast.
    assert.equal(h.hot(f, args, { label: name, fast: ARM64 && hazard ? 'slow' : true }), want, `${name} hot`);
    // An optimized caller that deoptimizes right after the call (a new map for `o`): V8's
    // deoptimizer checks the frame size against the stack pointer, which must be exact.
    const caller = new Function('f', 'a', `return function parity_${name}(o) { const k = o.x * 3; const r = f(${args.map((_, k) => `a[${k}]`).join(',')}); return [r, k, o.x]; }`)(f, args);
    h.N.prepare(caller);
    for (let k = 0; k < 30; k++) caller({ x: 1 });
    h.N.optimizeNext(caller);
    assert.deepEqual(caller({ x: 1 }), [want, 3, 1], `${name}: optimized caller`);
    assert.deepEqual(caller({ y: 0, x: 2.5 }), [want, 7.5, 2.5], `${name}: caller deoptimized after the call`);
  }
});
