'use strict';
// Typed pointers (docs/pointers.md §2, §4, §5): pointer(T) / out(pointer(T)) / inout(pointer(T))
// for every scalar T and 'pointer', a one-element JS array receiving C's value (koffi's
// convention), N-element arrays as temporary C arrays with a zero terminator, typed arrays as
// memory, addresses, NULL, hostile values; cold and hot, the fast path proven.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const fx = require('./fixture/pointers_fixture.js');
const { ffast, coldHotThrows, WARMUP_CALLS } = h;
const { pointer, out, inout, ptr, FfastError } = ffast;
const { isProxy } = require('node:util').types;

// ------------------------------------------------------------------ the scalar types and their C models
const SAFE = 2n ** 53n - 1n;
const num64 = (b) => (b >= -SAFE && b <= SAFE ? Number(b) : b); // the result rule for 64-bit values
const ptrOut = (b) => (b === 0n ? null : num64(b));
const wrapI = (bits) => (x) => Number(BigInt.asIntN(bits, BigInt(x)));
const wrapU = (bits) => (x) => Number(BigInt.asUintN(bits, BigInt(x)));
const big = (x) => BigInt(x);

/**
 * name: fixture suffix; t: ffast type name; c: a C spelling of T; values: in/out samples (JS in →
 * what comes back); step: C's inout step on the JS value; fill(i): fp_fill_T's element i.
 */
const TYPES = [
  { name: 'i8', t: 'i8', c: 'int8_t', values: [[-128, -128], [127, 127], [0, 0], [-1.9, -1]], step: (x) => wrapI(8)(x * 2 + 1), fill: (i) => wrapI(8)(i * 3 - 100) },
  { name: 'u8', t: 'u8', c: 'unsigned char', values: [[255, 255], [0, 0], [7.9, 7]], step: (x) => wrapU(8)(x * 2 + 1), fill: (i) => wrapU(8)(i * 7 + 200) },
  { name: 'i16', t: 'i16', c: 'short', values: [[-32768, -32768], [32767, 32767]], step: (x) => wrapI(16)(x * 2 + 1), fill: (i) => wrapI(16)(i * 1000 - 30000) },
  { name: 'u16', t: 'u16', c: 'unsigned short', values: [[65535, 65535], [1, 1]], step: (x) => wrapU(16)(x * 2 + 1), fill: (i) => wrapU(16)(i * 1000 + 60000) },
  { name: 'i32', t: 'i32', c: 'int', values: [[-(2 ** 31), -(2 ** 31)], [2 ** 31 - 1, 2 ** 31 - 1], [-0, 0]], step: (x) => wrapI(32)(x * 2 + 1), fill: (i) => i * i - 3 },
  { name: 'u32', t: 'u32', c: 'uint32_t', values: [[2 ** 32 - 1, 2 ** 32 - 1], [0, 0]], step: (x) => wrapU(32)(x * 2 + 1), fill: (i) => Number(BigInt.asUintN(32, BigInt(i) * 0x10000001n)) },
  {
    name: 'i64', t: 'i64', c: 'long long',
    values: [[-(2n ** 63n), -(2n ** 63n)], [2n ** 63n - 1n, 2n ** 63n - 1n], [2 ** 53 - 1, 2 ** 53 - 1], [-5n, -5], [2n ** 53n, 2n ** 53n]],
    step: (x) => num64(BigInt.asIntN(64, big(x) * 2n + 1n)), fill: (i) => num64(BigInt.asIntN(64, BigInt(i) * -1000000007n * 1000003n)),
  },
  {
    name: 'u64', t: 'u64', c: 'uint64_t',
    values: [[2n ** 64n - 1n, 2n ** 64n - 1n], [0, 0], [2 ** 53 - 1, 2 ** 53 - 1], [2 ** 63, 2n ** 63n]],
    step: (x) => num64(BigInt.asUintN(64, big(x) * 2n + 1n)), fill: (i) => num64(BigInt.asUintN(64, BigInt(i) * 0x1000000000000001n)),
  },
  { name: 'size', t: 'usize', c: 'size_t', values: [[2n ** 64n - 1n, 2n ** 64n - 1n], [123, 123]], step: (x) => num64(BigInt.asUintN(64, big(x) * 2n + 1n)), fill: (i) => i + 1 },
  { name: 'f32', t: 'f32', c: 'float', values: [[0.1, Math.fround(0.1)], [-0, -0], [Infinity, Infinity], [NaN, NaN], [3.4e38, Math.fround(3.4e38)]], step: (x) => Math.fround(Math.fround(x) * 2 + 0.5), fill: (i) => Math.fround(Math.fround(i) / 3) },
  { name: 'f64', t: 'f64', c: 'double', values: [[0.1, 0.1], [-0, -0], [-Infinity, -Infinity], [Number.MAX_VALUE, Number.MAX_VALUE], [5e-324, 5e-324]], step: (x) => x * 2 + 0.5, fill: (i) => i / 3 },
  { name: 'bool', t: 'bool', c: 'bool', values: [[true, true], [false, false]], step: (x) => !x, fill: (i) => i % 3 === 0 },
  {
    name: 'ptr', t: 'pointer', c: 'void*',
    values: [[4096, 4096], [null, null], [0, null], [2n ** 60n, 2n ** 60n], [2 ** 53 - 1, 2 ** 53 - 1], [undefined, null]],
    step: (x) => ptrOut(BigInt.asUintN(64, (x === null || x === undefined ? 0n : big(x)) + 16n)), fill: (i) => ptrOut(BigInt(i * 4096)),
  },
];

// Every fixture function of every type, declared through the ffast spellings and the C ones.
const defs = {};
for (const T of TYPES) {
  const ret = T.t;
  defs[`out_${T.name}`] = { name: `fp_out_${T.name}`, parameters: [out(pointer(T.t)), T.t], result: 'int' };
  defs[`inout_${T.name}`] = { name: `fp_inout_${T.name}`, parameters: [inout(pointer(T.t))], result: ret };
  defs[`in_${T.name}`] = { name: `fp_in_${T.name}`, parameters: [pointer(T.t)], result: ret };
  defs[`sum_${T.name}`] = { name: `fp_sum_${T.name}`, parameters: [pointer(T.t), 'size_t'], result: 'double' };
  defs[`fill_${T.name}`] = { name: `fp_fill_${T.name}`, parameters: [out(pointer(T.t)), 'size_t'], result: 'void' };
  defs[`addr_${T.name}`] = { name: `fp_addr_${T.name}`, parameters: [pointer(T.t)], result: 'usize' };
  // C spellings: `T*` is inout, `const T*` is in (docs/pointers.md §3).
  defs[`cinout_${T.name}`] = { name: `fp_inout_${T.name}`, parameters: [`${T.c}*`], result: ret };
  // (`const void **` would be inout: its pointee, a `const void*`, is writable; `void * const *` is in.)
  defs[`cin_${T.name}`] = { name: `fp_in_${T.name}`, parameters: [T.name === 'ptr' ? 'void * const *' : `const ${T.c} *`], result: ret };
  defs[`cout_${T.name}`] = { name: `fp_out_${T.name}`, parameters: [`${T.c} *`, T.c], result: 'int' };
}
Object.assign(defs, {
  count_i32: { name: 'fp_count_i32', parameters: [pointer('i32')], result: 'size_t' },
  count_ptr: { name: 'fp_count_ptr', parameters: [pointer('pointer')], result: 'size_t' },
  out_one_peek: { name: 'fp_out_one_peek', parameters: [out(pointer('i32'))], result: 'i32' },
  inout_one_peek: { name: 'fp_out_one_peek', parameters: ['int32_t*'], result: 'i32' },
  open_void: { name: 'fp_open', parameters: ['const char*', 'void**'], result: 'int' },
  open_opaque: { name: 'fp_open', parameters: ['const char*', 'sqlite3**'], result: 'int' },
  open_struct: { name: 'fp_open', parameters: ['const char *', 'struct sqlite3 **'], result: 'int' },
  open_out: { name: 'fp_open', parameters: ['string', out(pointer('pointer'))], result: 'int' },
  open_inout: { name: 'fp_open', parameters: ['string', inout(pointer('pointer'))], result: 'int' },
  two_outs: { name: 'fp_two_outs', parameters: ['int', 'int*', 'double*'], result: 'void' },
  two_outs_x: { name: 'fp_two_outs', parameters: ['int', out(pointer('i32')), out(pointer('f64'))], result: 'void' },
  untyped_in: { name: 'fp_in_i32', parameters: ['pointer'], result: 'i32' },
  untyped_voidp: { name: 'fp_in_i32', parameters: ['void*'], result: 'i32' },
  untyped_file: { name: 'fp_in_i32', parameters: ['FILE*'], result: 'i32' },
  out_i32_nb: { name: 'fp_out_i32', parameters: [out(pointer('i32')), 'i32'], result: 'int', nonblocking: true },
  inout_i32_nb: { name: 'fp_inout_i32', parameters: ['int*'], result: 'i32', nonblocking: true },
  sum_i32_nb: { name: 'fp_sum_i32', parameters: ['const int*', 'size_t'], result: 'double', nonblocking: true },
});
const lib = fx.open(defs);
const S = lib.symbols;

/** v's outcome for a message: a value, or an error's code. */
const outcome = (f) => {
  try {
    return { v: f() };
  } catch (e) {
    return { e };
  }
};

/**
 * Whether an argument value takes the fast path: BigInts do with BigInt twins (Node 22+ on x64: every value in range),
 * on Node 20 and arm64 (no BigInt twins) when exact as a double after the two's-complement mapping (docs/pointers.md §10).
 */
const fastArg = (v) => typeof v !== 'bigint' || h.ffast.__internal.bigintTwins || (BigInt.asIntN(64, v) >= -SAFE && BigInt.asIntN(64, v) <= SAFE);

/** Equal with -0 and NaN told apart (Object.is), BigInt vs Number told apart. */
const same = (a, b, msg) => h.assertSame(a, b, msg);

// A typed-pointer call may make more than one native call when cold (the address of a buffer
// comes from ptr(), itself a bound function): cold calls here assert that the slow path ran,
// not how many native calls it took. Hot calls assert the fast path as everywhere (h.hot).
const coldCall = new Function('f', 'args', 'return f(...args);');
h.N.neverOptimize(coldCall);
function coldAny(fn, args, label = fn.name) {
  const s0 = h.slowCalls();
  const r = coldCall(fn, args);
  assert.ok(h.slowCalls() > s0, `cold ${label}${h.fmt(args)}: the slow path did not run`);
  return r;
}
/** coldAny + h.hot (fast path asserted unless opts.fast says otherwise), identical results. */
function coldHotP(fn, args, expect, opts = {}) {
  const label = opts.label || fn.name;
  const c = coldAny(fn, args, label);
  h.check(c, expect, `cold ${label}`);
  const r = h.hot(fn, args, { fast: true, ...opts });
  h.check(r, expect, `hot ${label}`);
  if (opts.identical !== false) h.assertSame(r, c, `${label}: hot vs cold`);
  return c;
}
/** A caller optimized on goodArgs, then given badArgs inside its own try/catch: what it caught. */
function hotThenBad(fn, goodArgs, badArgs) {
  const caller = new Function(`/* pointers hotThenBad ${++hotThenBad.n} */ return function c(f, a) { try { return { r: f(...a) }; } catch (e) { return { e }; } };`)();
  h.N.prepare(caller);
  for (let k = 0; k < WARMUP_CALLS; k++) caller(fn, goodArgs);
  h.N.optimizeNext(caller);
  caller(fn, goodArgs);
  const out = caller(fn, badArgs);
  assert.ok('e' in out, 'hot call with the bad value did not throw');
  return out.e;
}
hotThenBad.n = 0;

// ------------------------------------------------------------------ out: one-element arrays
test('out(pointer(T)): [null] receives the value C writes, by the result rules, cold and hot', () => {
  for (const T of TYPES) {
    for (const [v, back] of T.values) {
      if (v === undefined && T.name === 'ptr') continue; // undefined as an argument is NULL; tested below
      // out(pointer(T)) does not read the array; the C spelling T* is inout and reads a valid T.
      for (const [fn, first] of [[S[`out_${T.name}`], 'anything'], [S[`cout_${T.name}`], T.values[0][0]]]) {
        const arr = [first];
        same(coldAny(fn, [arr, v]), 0, `cold out_${T.name}(${h.fmt(v)})`);
        same(arr[0], back, `cold out_${T.name}(${h.fmt(v)}): arr[0]`);
        assert.equal(arr.length, 1);
        const arr2 = [first];
        // Every warm-up and the measured call write the same value: stable, and a V8 fast call.
        same(h.hot(fn, [arr2, v], { fast: fastArg(v) }), 0, `hot out_${T.name}(${h.fmt(v)})`);
        same(arr2[0], back, `hot out_${T.name}(${h.fmt(v)}): arr[0]`);
      }
    }
  }
});

test('out: the array is not read (any elements, holes, a sparse array), only written', () => {
  for (const arr of [[undefined], ['x'], [{}], new Array(1), [Symbol('s')]]) {
    coldAny(S.out_i32, [arr, 9]);
    same(arr[0], 9, 'written');
  }
  const arr = [];
  arr.length = 1; // a hole
  coldAny(S.out_f64, [arr, 2.5]);
  same(arr[0], 2.5, 'hole filled');
  assert.ok(Object.hasOwn(arr, 0), 'an own element after the write-back');
});

test('64-bit elements follow the member rules (strict), 64-bit parameters the parameter rules', () => {
  // A u64 parameter takes -1 (two's complement, README "Types"); a u64 element does not.
  const arr = [0];
  coldHotP(S.out_u64, [arr, -1], 0);
  same(arr[0], 2n ** 64n - 1n);
  coldHotThrows(S.inout_u64, [[1]], [[-1]], 'ERR_FFAST_ARG_RANGE', { messageIncludes: '[0]' });
  coldHotThrows(S.inout_u64, [[1]], [[-1n]], 'ERR_FFAST_ARG_RANGE', { messageIncludes: '[0]' });
  coldHotThrows(S.inout_i64, [[1]], [[2n ** 63n]], 'ERR_FFAST_ARG_RANGE', { messageIncludes: '[0]' });
  coldHotThrows(S.inout_i64, [[1]], [[2 ** 63]], 'ERR_FFAST_ARG_RANGE', { messageIncludes: '[0]' });
  coldHotP(S.in_i64, [[-(2 ** 63)]], -(2n ** 63n));
  coldHotP(S.in_i32, [[-1.9]], -1);
});

test('NULL for an out pointer: C gets NULL (null, undefined, 0, 0n)', () => {
  for (const v of [null, undefined, 0, 0n]) {
    coldHotP(S.out_i32, [v, 5], -1);
    coldHotP(S.out_ptr, [v, 4096], -1);
  }
});

// ------------------------------------------------------------------ inout and in
test('inout(pointer(T)) and the C spelling T*: the element goes in, C\'s value comes back', () => {
  for (const T of TYPES) {
    for (const [v] of T.values) {
      if (T.name === 'ptr' && v === undefined) continue;
      if (T.name === 'f32' && Math.abs(v) > 1e38) continue; // *2 overflows to Infinity: still exact, but skip the noise
      for (const key of [`inout_${T.name}`, `cinout_${T.name}`]) {
        const fn = S[key];
        const inVal = T.name === 'ptr' ? (v === null ? null : v) : v;
        // The value C read, as C returns it (the result rule applied to the element's C value).
        const seen = outcome(() => {
          const a = [inVal];
          const r = coldAny(fn, [a]);
          return { r, after: a[0] };
        });
        assert.ok(!seen.e, `${key}(${h.fmt(v)}) threw ${seen.e && seen.e.message}`);
        const cval = T.values.find(([x]) => Object.is(x, v))[1];
        same(seen.v.r, cval, `cold ${key}([${h.fmt(v)}]): what C read`);
        same(seen.v.after, T.step(cval === null ? 0 : cval), `cold ${key}([${h.fmt(v)}]): written back`);
      }
    }
  }
});

test('inout, hot: each call feeds C\'s last value back in (a V8 fast call every time)', () => {
  for (const T of TYPES) {
    for (const key of [`inout_${T.name}`, `cinout_${T.name}`]) {
      const start = T.name === 'bool' ? true : T.name === 'ptr' ? 4096 : 1;
      const arr = [start];
      // hot(): WARMUP_CALLS calls, one to optimize, one measured (the fast path is asserted).
      const r = h.hot(S[key], [arr], { fast: true, stable: false });
      let x = start;
      for (let k = 0; k < WARMUP_CALLS + 1; k++) x = T.step(x);
      same(r, x, `hot ${key}: what C read on the measured call`);
      same(arr[0], T.step(x), `hot ${key}: written back after the measured call`);
    }
  }
});

test('pointer(T) and const T*: the element goes in, nothing comes back', () => {
  for (const T of TYPES) {
    for (const [v, cval] of T.values) {
      if (T.name === 'ptr' && v === undefined) continue;
      for (const key of [`in_${T.name}`, `cin_${T.name}`]) {
        const arr = [v];
        coldHotP(S[key], [arr], cval, { fast: true });
        same(arr[0], v, `${key}: the array is unchanged`);
      }
    }
  }
});

test('const T* is in even when C writes through it: the write lands in the temporary only', () => {
  // fp_inout_i32 writes *p; declared const int*, the array must not change.
  const lied = fx.open({ w: { name: 'fp_inout_i32', parameters: ['const int *'], result: 'i32' } }).symbols.w;
  const arr = [5];
  coldHotP(lied, [arr], 5, { fast: true });
  same(arr[0], 5, 'not written back');
});

// ------------------------------------------------------------------ N elements, the terminator
test('an N-element array is a temporary C array of N elements (in: summed, out: filled)', () => {
  for (const T of TYPES) {
    if (T.name === 'ptr' || T.name === 'bool') continue;
    const xs = T.values.map(([, c]) => c).filter((c) => typeof c === 'number' && Number.isFinite(c) && Math.abs(c) < 2 ** 40);
    const want = xs.reduce((s, x) => s + x, 0);
    coldHotP(S[`sum_${T.name}`], [xs, xs.length], want + 0, { fast: true });
  }
  coldHotP(S.sum_bool, [[true, false, true, true], 4], 3, { fast: true });
  coldHotP(S.sum_ptr, [[4096, null, 8192], 3], 12288, { fast: true });
  for (const T of TYPES) {
    for (const n of [1, 3, 17]) {
      const arr = new Array(n).fill(null);
      coldHotP(S[`fill_${T.name}`], [arr, n], undefined, { fast: true });
      for (let i = 0; i < n; i++) same(arr[i], T.fill(i), `fill_${T.name}[${i}] of ${n}`);
      assert.equal(arr.length, n);
    }
  }
});

test('a zeroed element follows the last one (a NULL-terminated list), also after []', () => {
  coldHotP(S.count_i32, [[5, 6, 7]], 3, { fast: true });
  coldHotP(S.count_i32, [[1]], 1, { fast: true });
  coldHotP(S.count_i32, [[]], 0, { fast: true });
  coldHotP(S.count_ptr, [[4096, 8192, 2n ** 60n]], 3, { fast: true });
  coldHotP(S.count_ptr, [[]], 0, { fast: true });
  // A one-element out array: element [1] is the terminator, 0.
  const arr = [0];
  coldHotP(S.out_one_peek, [arr], 0, { fast: true });
  same(arr[0], 77, 'written');
});

test('an empty array for out/inout is ERR_FFAST_ARG_RANGE before C runs; for in it is valid', () => {
  for (const fn of [S.out_i32, S.cout_i32]) coldHotThrows(fn, [[0], 1], [[], 1], 'ERR_FFAST_ARG_RANGE', { messageIncludes: '[null]' });
  coldHotThrows(S.inout_i32, [[0]], [[]], 'ERR_FFAST_ARG_RANGE');
  coldHotThrows(S.cinout_i32, [[0]], [[]], 'ERR_FFAST_ARG_RANGE');
  coldHotThrows(S.open_void, ['x', [null]], ['x', []], 'ERR_FFAST_ARG_RANGE');
  coldHotP(S.sum_i32, [[], 0], 0, { fast: true });
});

test('the array length is read once; elements read in order, once each', () => {
  const reads = [];
  const arr = [1, 2, 3];
  Object.defineProperty(arr, 1, {
    get() {
      reads.push(1);
      arr.push(100); // grows while being read: C still sees 3 elements + the terminator
      return 2;
    },
    enumerable: true,
    configurable: true,
  });
  assert.equal(coldAny(S.count_i32, [arr]), 3);
  assert.deepEqual(reads, [1]);
});

// ------------------------------------------------------------------ handles: the sqlite3_open shape
test("T** out-pointers: 'void**', 'sqlite3**', 'struct sqlite3 **', out/inout(pointer('pointer')) with [null]", () => {
  const H = 0x7f0000000000 + 'thing.db'.length * 16;
  for (const key of ['open_void', 'open_opaque', 'open_struct', 'open_out', 'open_inout']) {
    const db = [null];
    same(coldAny(S[key], ['thing.db', db]), 0, `cold ${key}`);
    same(db[0], H, `cold ${key}: db[0]`);
    const db2 = [null];
    same(h.hot(S[key], ['thing.db', db2], { fast: true }), 0, `hot ${key}`);
    same(db2[0], H, `hot ${key}: db[0]`);
    const bad = [12345];
    same(coldAny(S[key], ['fail', bad]), 1, `${key}: failure`);
    same(bad[0], null, `${key}: C wrote NULL`);
  }
});

test('several out pointers in one call', () => {
  for (const key of ['two_outs', 'two_outs_x']) {
    const a = [0];
    const b = [0];
    coldHotP(S[key], [7, a, b], undefined, { fast: true });
    same(a[0], 8);
    same(b[0], 3.5);
  }
});

// ------------------------------------------------------------------ memory and addresses
test('a typed array, DataView or ArrayBuffer is passed as memory (its address, no copy)', () => {
  const ta = new Int32Array(6);
  coldHotP(S.fill_i32, [ta, 6], undefined, { fast: true });
  assert.deepEqual(Array.from(ta), [0, 1, 2, 3, 4, 5].map((i) => i * i - 3));
  const big = new Int32Array(16);
  const sub = big.subarray(3, 8);
  coldHotP(S.fill_i32, [sub, 5], undefined, { fast: true });
  assert.deepEqual(Array.from(big.subarray(0, 9)), [0, 0, 0, -3, -2, 1, 6, 13, 0], 'byteOffset applied');
  coldHotP(S.addr_i32, [sub], ptr(sub), { fast: true });
  const dv = new DataView(new ArrayBuffer(16), 4, 8);
  coldHotP(S.addr_i32, [dv], ptr(dv), { fast: true });
  const ab = new ArrayBuffer(8);
  coldHotP(S.addr_i32, [ab], ptr(ab), { fast: true });
  coldHotP(S.in_f64, [new Float64Array([2.25])], 2.25, { fast: true });
  // The old workaround for T**: a BigUint64Array(1); C writes the handle into it.
  const slot = new BigUint64Array(1);
  coldHotP(S.open_void, ['thing.db', slot], 0, { fast: true });
  same(slot[0], BigInt(0x7f0000000000 + 8 * 16));
  // An empty view is a valid non-NULL address (README "Buffers").
  const e = coldAny(S.addr_u8, [new Uint8Array(0)]);
  assert.ok(typeof e === 'number' && e !== 0, 'non-NULL');
  if (typeof SharedArrayBuffer === 'function') {
    const sab = new Int32Array(new SharedArrayBuffer(8));
    coldHotP(S.fill_i32, [sab, 2], undefined, { fast: true });
    assert.deepEqual(Array.from(sab), [-3, -2]);
  }
});

test('a Number or BigInt is an address, passed as is; NULL spellings are NULL', () => {
  const mem = new Float64Array([1.25, 2.5]);
  const p = ptr(mem);
  coldHotP(S.in_f64, [p], 1.25, { fast: true });
  coldHotP(S.in_f64, [p + 8], 2.5, { fast: true });
  coldHotP(S.in_f64, [BigInt(p) + 8n], 2.5);
  for (const n of [null, undefined, 0, 0n, -0]) coldHotP(S.addr_i32, [n], 0, { fast: true }); // (NULL is a Number 0 for V8)
  coldHotP(S.addr_i32, [2n ** 64n - 1n], 2n ** 64n - 1n);
  coldHotP(S.addr_i32, [-1], 2n ** 64n - 1n); // as for 'pointer': two's complement
});

test('a Callback is its pointer for a typed pointer too', () => {
  const cb = ffast.callback({ parameters: [], result: 'void' }, () => {});
  coldHotP(S.addr_i32, [cb], cb.pointer);
  cb.close();
  coldHotThrows(S.addr_i32, [[1]], [cb], 'ERR_FFAST_CLOSED');
});

// ------------------------------------------------------------------ errors
test('elements of the wrong kind or out of range: typed errors naming the element, C not called', () => {
  const cases = [
    ['inout_i32', ['x'], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_i32', [1n], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_i32', [null], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_i32', [undefined], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_i32', [2 ** 31], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['inout_i32', [NaN], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['inout_u8', [-1], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['inout_u8', [256], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['inout_u64', [2n ** 64n], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['inout_i64', [2 ** 64], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['inout_bool', [1], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_f64', ['1.5'], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_ptr', ['0x10'], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_ptr', [{}], 'ERR_FFAST_ARG_TYPE', '[0]'],
    ['inout_ptr', [2n ** 64n], 'ERR_FFAST_ARG_RANGE', '[0]'],
    ['in_i32', [Symbol('s')], 'ERR_FFAST_ARG_TYPE', '[0]'],
  ];
  for (const [key, arr, code, text] of cases) {
    const good = [key.endsWith('bool') ? true : key.endsWith('ptr') ? 4096 : 1];
    coldHotThrows(S[key], [good], [arr], code, { messageIncludes: [text, `'${key}'`] });
  }
  // The second element is named when it is the bad one.
  coldHotThrows(S.sum_i32, [[1, 2], 2], [[1, 'two'], 2], 'ERR_FFAST_ARG_TYPE', { messageIncludes: '[1]' });
});

test('values that are not arrays, memory or addresses: ERR_FFAST_ARG_TYPE, no user code run', () => {
  let touched = 0;
  const trap = {
    get() { touched++; return 1; }, has() { touched++; return true; }, ownKeys() { touched++; return []; },
    getPrototypeOf() { touched++; return Array.prototype; }, getOwnPropertyDescriptor() { touched++; return undefined; },
  };
  const bad = [
    'abc', true, Symbol('s'), () => 1, {}, { length: 1, 0: 5 }, new Date(0), new Map(), /x/,
    Object.create(Array.prototype), Object.create(Int32Array.prototype), new Proxy({}, trap), Object(1n), new Number(4096),
  ];
  const isArgType = (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_TYPE';
  for (const v of bad) {
    // The harness's own messages inspect the value (fmt: instanceof), which runs a Proxy's
    // getPrototypeOf trap: the Proxy is called directly, cold and hot, with nothing else around.
    const proxy = isProxy(v);
    for (const [fn, good, badArgs] of [[S.in_i32, [[1]], [v]], [S.out_i32, [[1], 2], [v, 2]], [S.cinout_ptr, [[1]], [v]]]) {
      if (!proxy) {
        coldHotThrows(fn, good, badArgs, 'ERR_FFAST_ARG_TYPE');
        continue;
      }
      const before = touched;
      assert.throws(() => coldCall(fn, badArgs), isArgType);
      assert.ok(isArgType(hotThenBad(fn, good, badArgs)), 'hot: ERR_FFAST_ARG_TYPE');
      assert.equal(touched, before, 'a trap ran');
    }
  }
  assert.equal(touched, 0, 'a trap ran');
});

test('a detached or out-of-bounds buffer for a typed pointer is ERR_FFAST_ARG_TYPE (as for buffer)', () => {
  const ab = new ArrayBuffer(8);
  const view = new Int32Array(ab);
  structuredClone(ab, { transfer: [ab] });
  coldHotThrows(S.fill_i32, [new Int32Array(2), 2], [view, 2], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'detached' });
  coldHotThrows(S.fill_i32, [new Int32Array(2), 2], [ab, 2], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'detached' });
  if (typeof ArrayBuffer.prototype.resize === 'function') {
    const rab = new ArrayBuffer(16, { maxByteLength: 32 });
    const oob = new Int32Array(rab, 8, 2);
    rab.resize(4);
    coldHotThrows(S.fill_i32, [new Int32Array(2), 2], [oob, 2], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'out of bounds' });
  }
});

test('an array for an untyped pointer (pointer, void*, FILE*) is ERR_FFAST_ARG_TYPE naming typed pointers', () => {
  for (const key of ['untyped_in', 'untyped_voidp', 'untyped_file']) {
    const mem = new Int32Array([42]);
    coldHotP(S[key], [ptr(mem)], 42, { fast: true });
    coldHotThrows(S[key], [ptr(mem)], [[42]], 'ERR_FFAST_ARG_TYPE', { messageIncludes: "pointer('i32')" });
  }
});

test('a frozen array for out/inout: C runs, then ERR_FFAST_ARG_TYPE (R3); the array is unchanged', () => {
  const arr = Object.freeze([1]);
  coldHotThrows(S.out_i32, [[0], 5], [arr, 5], 'ERR_FFAST_ARG_TYPE');
  same(arr[0], 1);
  coldHotThrows(S.cinout_i32, [[0]], [arr], 'ERR_FFAST_ARG_TYPE');
  // in: a frozen array is fine (nothing is stored).
  coldHotP(S.in_i32, [arr], 1, { fast: true });
  const ro = [0];
  Object.defineProperty(ro, 0, { value: 0, writable: false });
  coldHotThrows(S.out_i32, [[0], 5], [ro, 5], 'ERR_FFAST_ARG_TYPE');
  const getterOnly = [0];
  Object.defineProperty(getterOnly, 0, { get: () => 3 });
  coldHotThrows(S.out_i32, [[0], 5], [getterOnly, 5], 'ERR_FFAST_ARG_TYPE');
});

test('arrays run their own code as JS reads them (R2): getters, Proxies, subclasses; their errors propagate', () => {
  // A Proxy of an array is an array (Array.isArray): its traps run, what they throw propagates.
  const log = [];
  const p = new Proxy([3, 4], {
    get(t, k) {
      log.push(String(k));
      return Reflect.get(t, k);
    },
    set(t, k, v) {
      log.push(`set ${String(k)}=${v}`);
      return Reflect.set(t, k, v);
    },
  });
  assert.equal(coldAny(S.sum_i32, [p, 2]), 7);
  assert.ok(log.includes('length') && log.includes('0') && log.includes('1'), log.join());
  log.length = 0;
  const q = new Proxy([0], { set(t, k, v) { log.push(`set ${String(k)}=${v}`); return Reflect.set(t, k, v); } });
  coldAny(S.out_i32, [q, 9]);
  assert.deepEqual(log, ['set 0=9']);
  // A throwing getter or trap: its own error, not an FfastError.
  const own = new Error('own');
  const getterThrows = [1];
  Object.defineProperty(getterThrows, 0, { get() { throw own; } });
  assert.throws(() => coldAny(S.in_i32, [getterThrows]), (e) => e === own, 'cold');
  assert.equal(hotThenBad(S.in_i32, [[1]], [getterThrows]), own, 'hot: the local catch gets the getter\'s own error');
  const trapThrows = new Proxy([1], { get() { throw own; } });
  assert.throws(() => S.in_i32(trapThrows), (e) => e === own);
  assert.equal(hotThenBad(S.in_i32, [[1]], [trapThrows]), own);
  // A revoked Proxy of an array: Array.isArray throws V8's TypeError, which propagates (R2).
  const r = Proxy.revocable([1], {});
  r.revoke();
  assert.throws(() => S.in_i32(r.proxy), (e) => e instanceof TypeError && !(e instanceof FfastError));
  const he = hotThenBad(S.in_i32, [[1]], [r.proxy]);
  assert.ok(he instanceof TypeError && !(he instanceof FfastError), 'hot: the same TypeError');
  // A setter that throws on write-back: its own error, after C ran.
  const setterThrows = [0];
  Object.defineProperty(setterThrows, 0, { get: () => 0, set() { throw own; } });
  assert.throws(() => S.out_i32(setterThrows, 1), (e) => e === own);
  assert.equal(hotThenBad(S.out_i32, [[0], 1], [setterThrows, 1]), own);
  // Array subclasses are arrays.
  class Ints extends Array {}
  const sub = Ints.from([1, 2, 3]);
  coldHotP(S.sum_i32, [sub, 3], 6, { fast: true });
  const o = new Ints(1);
  coldAny(S.out_i32, [o, 4]);
  same(o[0], 4);
});

test('all elements are decoded before the first store: a setter re-entering the same function', () => {
  const inner = [0];
  const seen = [];
  const arr = [0, 0];
  let depth = 0;
  Object.defineProperty(arr, 0, {
    get: () => 0,
    set(v) {
      seen.push(v);
      if (depth++ === 0) S.fill_i32(inner, 1); // reuses the function while the outer call writes back
    },
  });
  S.fill_i32(arr, 2);
  assert.deepEqual(seen, [-3]);
  same(arr[1], -2, 'element 1 still C\'s value from the outer call');
  same(inner[0], -3);
});

test('a getter re-entering the same function while its temporary is being filled', () => {
  let innerSum;
  const arr = [1, 0, 3];
  Object.defineProperty(arr, 1, {
    get() {
      innerSum = S.sum_i32([100, 200], 2);
      return 2;
    },
  });
  assert.equal(S.sum_i32(arr, 3), 6, 'outer sum: its temporary was not overwritten');
  assert.equal(innerSum, 300);
});

test('large arrays: beyond the reused temporary, one block per call', () => {
  const n = 100000;
  const xs = Array.from({ length: n }, (_, i) => i % 1000);
  const want = xs.reduce((s, x) => s + x, 0);
  coldHotP(S.sum_i32, [xs, n], want, { fast: true });
  const arr = new Array(n).fill(0);
  coldAny(S.fill_u32, [arr, n]);
  same(arr[n - 1], Number(BigInt.asUintN(32, BigInt(n - 1) * 0x10000001n)));
});

test('pointer(T) type objects: the scalar names, refusals', () => {
  for (const t of ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64', 'bool', 'pointer', 'string', 'int', 'size_t', 'double']) {
    const P = pointer(t);
    assert.equal(P.kind, 'pointer');
    assert.equal(P.direction, 'in');
    assert.equal(out(P).direction, 'out');
    assert.equal(inout(P).direction, 'inout');
    assert.ok(Object.isFrozen(P));
  }
  for (const bad of ['void', 'buffer', 'i33', '', 'struct{x:i32}', 42, null, undefined, {}]) {
    assert.throws(() => pointer(bad), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE', String(bad));
  }
  // A pointer to a pointer is pointer('pointer'), not pointer(pointer(T)).
  assert.throws(() => pointer(pointer('i32')), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE' && /pointer\('pointer'\)/.test(e.message));
  // As a result, a typed pointer is an address.
  const r = fx.open({ p: { name: 'fp_ptr_bits', parameters: ['pointer'], result: 'int*' } }).symbols.p;
  coldHotP(r, [4096], 4096);
  coldHotP(r, [0], null);
});

// ------------------------------------------------------------------ nonblocking
test('nonblocking: out/inout arrays are written back when the Promise settles, per-call temporaries', async () => {
  const arr = [0];
  const p = S.out_i32_nb(arr, 31);
  assert.ok(p instanceof Promise);
  same(arr[0], 0, 'not written before the call settled');
  assert.equal(await p, 0);
  same(arr[0], 31);
  assert.equal(await coldAny(S.sum_i32_nb, [[1, 2, 3], 3]), 6);
  assert.equal(await h.hot(S.sum_i32_nb, [[1, 2, 3], 3], { fast: false }), 6);
  // The array may change, or be collected, while C runs: C reads the copy made at the call.
  const xs = [5, 6];
  const q = S.sum_i32_nb(xs, 2);
  xs[0] = 1000;
  assert.equal(await q, 11);
  // Concurrent calls each get their own temporary.
  const arrays = Array.from({ length: 16 }, (_, i) => [i]);
  const olds = await Promise.all(arrays.map((a) => S.inout_i32_nb(a)));
  assert.deepEqual(olds, arrays.map((_, i) => i));
  assert.deepEqual(arrays.map((a) => a[0]), arrays.map((_, i) => i * 2 + 1));
  // Errors are synchronous, as for every nonblocking argument error.
  assert.throws(() => S.out_i32_nb([], 1), (e) => e.code === 'ERR_FFAST_ARG_RANGE');
  assert.throws(() => S.sum_i32_nb(['x'], 1), (e) => e.code === 'ERR_FFAST_ARG_TYPE');
});
