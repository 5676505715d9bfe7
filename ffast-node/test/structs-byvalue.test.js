'use strict';
// Structs and unions by value through the public API (docs/structs.md §4 the area contract, §5
// results, §6 where they travel): every shape of §8 as an argument (checksum computed by C) and as a result
// (built by C from scalars, and echoed), registers exhausted before the struct, several
// aggregates mixed with scalars, libc div()/ldiv(), results into a caller's buffer or object,
// buffers and views as arguments, and errors identical hot and cold.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, coldHot, coldHotThrows, capture, assertFfastError } = h;
const { struct } = ffast;
const shared = require('./fixture/struct_types.js');
const { T, flat, wsum } = shared;

const D = (parameters, result) => ({ parameters, result });
const shapes = Object.keys(T).filter((n) => n !== 'S_all');
const short = (n) => (n === 'U_if' ? 'uif' : n.slice(2));
const defs = {};
for (const n of shapes) {
  defs[`sum_${short(n)}`] = D([T[n]], 'f64');
  defs[`echo_${short(n)}`] = D([T[n]], T[n]);
}
Object.assign(defs, {
  make_ii: D(['i32', 'i32'], T.S_ii),
  make_ff: D(['f32', 'f32'], T.S_ff),
  make_dd: D(['f64', 'f64'], T.S_dd),
  make_ld: D(['i64', 'f64'], T.S_ld),
  make_if: D(['i32', 'f32'], T.S_if),
  make_bbb: D(['u8', 'u8', 'u8'], T.S_bbb),
  make_fff: D(['f32', 'f32', 'f32'], T.S_fff),
  make_ddd: D(['f64', 'f64', 'f64'], T.S_ddd),
  make_s1: D(['u8'], T.S_s1),
  make_s2: D(['i8', 'u8'], T.S_s2),
  make_s4: D(['i16', 'u16'], T.S_s4),
  make_s8: D(['i32', 'i16', 'u8'], T.S_s8),
  make_s16: D(['i64', 'u32', 'i16'], T.S_s16),
  make_s17: D(['u8', 'u8'], T.S_s17),
  make_s32: D(['i64', 'f64', 'i32', 'f32', 'u64'], T.S_s32),
  make_s64: D(['f64', 'i32', 'i64'], T.S_s64),
  make_arr: D(['i32', 'f32', 'f32', 'f32', 'u8'], T.S_arr),
  make_nest: D(['i32', 'i32', 'f64', 'f64', 'u8'], T.S_nest),
  make_uif_f: D(['f32'], T.U_if),
  make_tagged_d: D(['f64'], T.S_tagged),
  make_packed: D(['u8', 'i32', 'u16', 'f64'], T.S_packed),
  after6_ii: D(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', T.S_ii], 'f64'),
  after9d_dd: D([...Array(9).fill('f64'), T.S_dd], 'f64'),
  mix_ld_i_fff: D([T.S_ld, 'i32', T.S_fff], T.S_dd),
  mix_s64_twice: D([T.S_s64, 'i32', T.S_s64], T.S_s64),
});
const S = h.openFixture(defs).symbols;

/**
 * cold + hot for object arguments/results: deep equality instead of identity, and the fast
 * path asserted (aggregates never reach V8: the wrapper moves them through the area).
 */
function call(fn, args, want, label = fn.name) {
  const deep = (v, msg) => assert.deepStrictEqual(v, want, msg);
  const simple = h.isSimpleResult(want);
  // BigInt scalar arguments take the slow path by design (not asserted either way).
  const fast = args.some((a) => typeof a === 'bigint') ? false : true;
  return coldHot(fn, args, simple ? want : deep, { fast, identical: simple, stable: simple, label });
}

// The shared samples, plus a union (whose decode reads every member, so it has no round trip
// in structs.test.js).
const samples = { ...shared.samples, U_if: { i: -559038737 } };
const checksum = (n, v) => (n === 'S_tagged' ? wsum([v.tag, v.v.d]) : n === 'U_if' ? wsum([v.i]) : wsum(flat(v)));
// What C hands back for a union given one member: every member read from the same bytes.
const asC = (n, v) => T[n].decode(T[n].encode(v));

test('by value in: every shape of docs/structs.md §8, checksum computed by C (cold and hot, fast path)', () => {
  for (const n of shapes) call(S[`sum_${short(n)}`], [samples[n]], checksum(n, samples[n]));
});

test('by value in and out: echo of every shape', () => {
  for (const n of shapes) {
    const want = n === 'U_if' || n === 'S_tagged' ? asC(n, samples[n]) : samples[n];
    call(S[`echo_${short(n)}`], [samples[n]], want);
  }
});

test('by value out: every shape built by C from scalars', () => {
  const f = Math.fround;
  call(S.make_ii, [-1, 2 ** 31 - 1], { a: -1, b: 2 ** 31 - 1 });
  call(S.make_ff, [0.1, -3], { a: f(0.1), b: -3 });
  call(S.make_dd, [0.1, -0], { a: 0.1, b: -0 });
  call(S.make_ld, [-(2 ** 53) + 1, 1e-300], { a: -(2 ** 53) + 1, b: 1e-300 });
  call(S.make_ld, [2n ** 63n - 1n, 2], { a: 2n ** 63n - 1n, b: 2 });
  call(S.make_if, [7, 0.2], { a: 7, b: f(0.2) });
  call(S.make_bbb, [1, 2, 255], { a: 1, b: 2, c: 255 });
  call(S.make_fff, [1.1, 2.2, -3.3], { a: f(1.1), b: f(2.2), c: f(-3.3) });
  call(S.make_ddd, [1.1, 2.2, -3.3], { a: 1.1, b: 2.2, c: -3.3 });
  call(S.make_s1, [200], { a: 200 });
  call(S.make_s2, [-5, 250], { a: -5, b: 250 });
  call(S.make_s4, [-30000, 60000], { a: -30000, b: 60000 });
  call(S.make_s8, [-100000, -2, 255], { a: -100000, b: -2, c: 255 });
  call(S.make_s16, [-(2 ** 40), 4000000000, 12345], { a: -(2 ** 40), b: 4000000000, c: 12345 });
  // C's rule: b[i] = first + i * step (mod 256)
  call(S.make_s17, [250, 3], { b: Array.from({ length: 17 }, (_, i) => (250 + i * 3) & 255) });
  call(S.make_s32, [-1, 0.5, 3, 0.25, 2n ** 64n - 1n], { a: -1, b: 0.5, c: 3, d: 0.25, e: 2n ** 64n - 1n });
  // C's rule: d[i] = x * (i + 1), i[j] = n - j, e = big
  call(S.make_s64, [1.5, 10, 2n ** 60n], { d: [1.5, 3, 4.5, 6], i: [10, 9, 8, 7, 6, 5], e: 2n ** 60n });
  call(S.make_arr, [-4, 0.5, 0.1, 8, 254], { n: -4, v: [0.5, f(0.1), 8], tag: [254, 255, 0, 1, 2] });
  call(S.make_nest, [1, -2, 0.5, -0.25, 9], { p: { a: 1, b: -2 }, q: { a: 0.5, b: -0.25 }, flag: 9 });
  call(S.make_uif_f, [1.5], asC('U_if', { f: 1.5 }));
  call(S.make_tagged_d, [-7.5], asC('S_tagged', { tag: 1, v: { d: -7.5 } }));
  call(S.make_packed, [1, -2, 3, 4.5], { a: 1, b: -2, c: 3, d: 4.5 });
});

test('registers exhausted: a struct after six ints, after nine doubles', () => {
  const ints = [1, -2, 3, -4, 5, -6];
  call(S.after6_ii, [...ints, { a: 70000, b: -80000 }], wsum([...ints, 70000, -80000]));
  const ds = [0.5, 1.5, -2.5, 3.25, 1e10, -1e-10, 7, 8, 9.125];
  call(S.after9d_dd, [...ds, { a: Math.E, b: -Math.PI }], wsum([...ds, Math.E, -Math.PI]));
});

test('several aggregates mixed with scalars; a MEMORY-class result from two MEMORY-class arguments', () => {
  const ld = { a: -3, b: 0.25 };
  const fff = { a: 1.5, b: 2.5, c: -0.5 };
  call(S.mix_ld_i_fff, [ld, 7, fff], { a: -3 * 7 + 0.25, b: 1.5 + 2 * 2.5 + 3 * -0.5 });
  const a = samples.S_s64;
  // e = a.e + b.e stays a HeapNumber like the other decodes of S_s64.e in this file: a field
  // that switches between Smi, HeapNumber and BigInt generalizes the decoded objects' map once,
  // a (correct) one-time deopt that hot()'s strict tier check would report.
  const b = { d: [1, 2, 3, 4], i: [6, 5, 4, 3, 2, 1], e: 2 ** 42 };
  call(S.mix_s64_twice, [a, -2, b], {
    d: a.d.map((x, i) => x + -2 * b.d[i]),
    i: a.i.map((x, i) => (x - b.i[i]) | 0),
    e: a.e + b.e,
  });
});

test('libc div() and ldiv() by value', () => {
  const DivT = struct({ quot: 'int', rem: 'int' });
  const LdivT = struct({ quot: 'long', rem: 'long' });
  const libc = h.register(
    ffast.dlopen(null, { div: D(['int', 'int'], DivT), ldiv: D(['long', 'long'], LdivT) }),
    { div: D(['int', 'int'], DivT), ldiv: D(['long', 'long'], LdivT) },
  );
  // C99 §6.5.5: truncation toward zero, quot * d + rem == n
  for (const [n, d] of [[17, 5], [-17, 5], [17, -5], [2 ** 31 - 1, 2], [-(2 ** 31), 7]]) {
    call(libc.symbols.div, [n, d], { quot: Math.trunc(n / d), rem: n % d }, 'div');
  }
  for (const [n, d] of [[2n ** 62n + 3n, 10n], [-(2n ** 62n) - 3n, 10n], [1000, -7]]) {
    const q = BigInt(n) / BigInt(d);
    const r = BigInt(n) % BigInt(d);
    const num = (x) => (x >= -(2n ** 53n) + 1n && x <= 2n ** 53n - 1n ? Number(x) : x);
    call(libc.symbols.ldiv, [n, d], { quot: num(q), rem: num(r) }, 'ldiv');
  }
  libc.close();
});

test('results into a caller-supplied buffer or object (no allocation), returned as given', () => {
  const buf = new Uint8Array(T.S_nest.size + 4);
  const out = buf.subarray(4);
  const r = h.hot(S.make_nest, [1, 2, 3, 4, 5, out], { fast: true, stable: false });
  assert.equal(r, out);
  assert.deepEqual(T.S_nest.decode(out), { p: { a: 1, b: 2 }, q: { a: 3, b: 4 }, flag: 5 });
  assert.equal(h.cold(S.make_nest, [6, 7, 8, 9, 10, out.buffer]), out.buffer);
  assert.deepEqual(T.S_nest.decode(out.buffer), { p: { a: 6, b: 7 }, q: { a: 8, b: 9 }, flag: 10 });
  const o = { keep: true };
  assert.equal(h.cold(S.make_dd, [0.5, 1.5, o]), o);
  assert.deepEqual(o, { keep: true, a: 0.5, b: 1.5 });
  const view = T.S_ii.view(new ArrayBuffer(8));
  h.hot(S.make_ii, [-3, 4, view], { fast: true, stable: false });
  assert.deepEqual([view.a, view.b], [-3, 4]);
  // the result buffer of a MEMORY-class result
  const big = new Float64Array(8);
  S.make_s64(2, 1, 3, big);
  assert.deepEqual(T.S_s64.decode(big), { d: [2, 4, 6, 8], i: [1, 0, -1, -2, -3, -4], e: 3 });
});

test('aggregate arguments given as bytes: buffers, typed arrays, views (first size bytes)', () => {
  const v = samples.S_nest;
  const want = checksum('S_nest', v);
  const bytes = T.S_nest.encode(v);
  call(S.sum_nest, [bytes], want);
  call(S.sum_nest, [bytes.buffer], want);
  const longer = new Uint8Array(T.S_nest.size + 16);
  longer.set(bytes);
  call(S.sum_nest, [longer], want);
  call(S.sum_nest, [T.S_nest.view(longer)], want);
  const p = samples.S_packed;
  call(S.sum_packed, [T.S_packed.encode(p)], checksum('S_packed', p));
});

test('by-value errors: identical hot and cold, with the field path and argument index', () => {
  const good = [samples.S_nest];
  const cases = [
    [{ p: { a: 1, b: 2 }, q: { a: 1 }, flag: 1 }, 'ERR_FFAST_ARG_TYPE', "argument 0 of 'sum_nest': field 'q.b': missing"],
    [{ p: { a: 1, b: 2 }, q: { a: 1, b: 2 }, flag: -1 }, 'ERR_FFAST_ARG_RANGE', "field 'flag': -1 is out of range for u8"],
    [null, 'ERR_FFAST_ARG_TYPE', "argument 0 of 'sum_nest'"],
    [undefined, 'ERR_FFAST_ARG_TYPE', "argument 0 of 'sum_nest'"],
    [42, 'ERR_FFAST_ARG_TYPE', "argument 0 of 'sum_nest'"],
    [new Uint8Array(T.S_nest.size - 1), 'ERR_FFAST_ARG_RANGE', `${T.S_nest.size - 1} bytes given`],
  ];
  for (const [bad, code, msg] of cases) coldHotThrows(S.sum_nest, good, [bad], code, { messageIncludes: msg });
  coldHotThrows(S.after6_ii, [1, 2, 3, 4, 5, 6, { a: 1, b: 2 }], [1, 2, 3, 4, 5, 6, { a: 1, b: 2.5e10 }], 'ERR_FFAST_ARG_RANGE', {
    messageIncludes: "argument 6 of 'after6_ii': field 'b'",
  });
  // a bad scalar after an aggregate is named by its declared position
  const ld = { a: 1, b: 2 };
  const fff = { a: 1, b: 2, c: 3 };
  coldHotThrows(S.mix_ld_i_fff, [ld, 7, fff], [ld, 'x', fff], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'invalid argument 1: expected i32' });
  // count: the result buffer is one optional extra argument
  coldHotThrows(S.sum_nest, good, [], 'ERR_FFAST_ARG_COUNT');
  coldHotThrows(S.sum_nest, good, [good[0], new Uint8Array(64)], 'ERR_FFAST_ARG_COUNT');
  coldHotThrows(S.make_ii, [1, 2], [1], 'ERR_FFAST_ARG_COUNT', { messageIncludes: 'expected 2 arguments (+1 optional result buffer), got 1' });
  coldHotThrows(S.make_ii, [1, 2], [1, 2, new Uint8Array(8), 4], 'ERR_FFAST_ARG_COUNT');
  coldHotThrows(S.make_ii, [1, 2, new Uint8Array(8)], [1, 2, new Uint8Array(7)], 'ERR_FFAST_ARG_RANGE', { messageIncludes: "result buffer of 'make_ii'" });
  coldHotThrows(S.make_ii, [1, 2, new Uint8Array(8)], [1, 2, 'x'], 'ERR_FFAST_ARG_TYPE', { messageIncludes: "result buffer of 'make_ii'" });
  const r = capture(() => S.make_ii(1, 2, 5));
  assertFfastError(r.error, 'ERR_FFAST_ARG_TYPE', 'number as result buffer');
});

test('bind() a raw function pointer with a struct result (libc div through dlsym)', () => {
  const q = ffast.dlopen(null, { dlsym: D(['pointer', 'string'], 'pointer') });
  const divAddr = q.symbols.dlsym(null, 'div'); // RTLD_DEFAULT
  assert.ok(divAddr);
  const def = D(['int', 'int'], struct({ q: 'int', r: 'int' }));
  const div = h.register(ffast.bind(divAddr, def), def);
  call(div, [-7, 2], { q: -3, r: -1 }, 'bound_div');
  q.close();
});

test('nonblocking functions refuse structs (by value and pointer(T)): the area and temporaries are per function', () => {
  const P = ffast.struct({ x: 'f64', y: 'f64' });
  for (const def of [
    { parameters: [P], result: 'f64', nonblocking: true },
    { parameters: ['f64'], result: P, nonblocking: true },
    { parameters: [ffast.pointer(P)], result: 'void', nonblocking: true },
  ]) {
    assert.throws(() => ffast.dlopen(null, { abs: { ...def, name: 'abs' } }), (e) => e.code === 'ERR_FFAST_UNSUPPORTED' && /nonblocking/.test(e.message));
  }
  // The native side refuses too, whatever the caller.
  const native = ffast.__internal.native;
  assert.throws(
    () => native.makeFunctions(null, ['f'], [native.symbols(native.open(null, false, false), ['abs'])[0]], [{ parameters: ['struct{x:f64}'], result: 'void', nonblocking: true }], [0]),
    (e) => e.code === 'ERR_FFAST_UNSUPPORTED',
  );
});

test('a struct result keeps every bit of its doubles, NaN payloads included, in a caller buffer', () => {
  const lib = h.openFixture({ dd_from_bits: { parameters: ['buffer'], result: T.S_dd } });
  const f = lib.symbols.dd_from_bits;
  // A signalling NaN, a quiet NaN with payload, V8's hole NaN pattern, −0 and an ordinary value.
  const patterns = [0x7ff0000000000001n, 0xfff8dead0000beefn, 0xfff7fffffff7ffffn, 0x8000000000000000n, 0x3ff8000000000000n];
  const bitsOf = (buf) => Array.from(new BigUint64Array(buf.buffer, buf.byteOffset, 2));
  for (const a of patterns) {
    for (const b of [patterns[0], patterns[2]]) {
      const input = new BigUint64Array([a, b]);
      // The bytes in the caller's buffer must be C's, cold and hot.
      const outCold = new Float64Array(2);
      assert.deepEqual(bitsOf(h.cold(f, [input, outCold], 'dd_from_bits_buf')), [a, b], `cold ${a} ${b}`);
      const outHot = new Float64Array(2);
      assert.deepEqual(bitsOf(h.hot(f, [input, outHot], { label: 'dd_from_bits_buf' })), [a, b], `hot ${a} ${b}`);
    }
  }
});
