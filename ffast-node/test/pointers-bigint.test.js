'use strict';
// BigInt arguments on the fast path (issue 13 scope 2, docs/pointers.md §10): a BigInt for a
// `pointer` or 64-bit parameter is a V8 fast call (Node 22+: every value in [-2^63, 2^64); Node 20:
// every value exact as a double after the two's-complement mapping), exact for every value, and
// out-of-range BigInts keep their ERR_FFAST_ARG_RANGE, the same hot and cold.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const fx = require('./fixture/pointers_fixture.js');
const { ffast, major, coldHotThrows, WARMUP_CALLS } = h;
const { ptr, pointer, struct, read, bind, FfastError } = ffast;

const Point = struct({ x: 'i32', y: 'i32' });
const lib = fx.open({
  u64_id: { name: 'fp_u64_id', parameters: ['u64'], result: 'u64' },
  i64_id: { name: 'fp_i64_id', parameters: ['i64'], result: 'i64' },
  usize_bits: { name: 'fp_usize_bits', parameters: ['size_t'], result: 'u64' },
  isize_id: { name: 'fp_i64_id', parameters: ['isize'], result: 'isize' },
  ptr_bits: { name: 'fp_ptr_bits', parameters: ['pointer'], result: 'u64' },
  voidp_bits: { name: 'fp_ptr_bits', parameters: ['const void*'], result: 'u64' },
  ptr_lo: { name: 'fp_ptr_lo', parameters: ['pointer'], result: 'u32' },
  read_u32: { name: 'fp_read_u32', parameters: ['pointer'], result: 'u32' },
  mix: { name: 'fp_mix', parameters: ['pointer', 'i32', 'u64', 'i64'], result: 'u64' },
  in_i32: { name: 'fp_in_i32', parameters: [pointer('i32')], result: 'i32' },
  point_ptr: { name: 'fp_point_ptr', parameters: [Point, 'pointer'], result: 'u64' },
  ptr_bits_nb: { name: 'fp_ptr_bits', parameters: ['pointer'], result: 'u64', nonblocking: true },
});
const S = lib.symbols;

const SAFE = 2n ** 53n - 1n;
const num = (b) => (b >= -SAFE && b <= SAFE ? Number(b) : b);
const asU = (b) => num(BigInt.asUintN(64, b));
const asI = (b) => num(BigInt.asIntN(64, b));
/** Whether a BigInt argument takes the fast path on this line (docs/pointers.md §10). */
function fastFor(b) {
  if (ffast.__internal.bigintTwins) return true; // Node 22+ (lib/bigint-args.js BIGINT_TWINS)
  assert.ok(major < 22, 'BigInt twins are off only on Node 20');
  const s = BigInt.asIntN(64, b);
  return s >= -SAFE && s <= SAFE;
}

// Every boundary, and 200 values from a fixed seed over the whole range.
const EDGES = [
  0n, 1n, 4096n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 47n, 2n ** 52n + 1n, SAFE - 1n, SAFE, SAFE + 1n, SAFE + 2n, 2n ** 60n, 2n ** 60n + 1n,
  2n ** 63n - 1n, 2n ** 63n, 2n ** 63n + 1n, 2n ** 64n - 2n ** 53n, 2n ** 64n - SAFE, 2n ** 64n - 2n, 2n ** 64n - 1n,
  -1n, -2n, -SAFE, -SAFE - 1n, -(2n ** 53n) - 1n, -(2n ** 62n), -(2n ** 63n) + 1n, -(2n ** 63n),
];
let seed = 0x2545f4914f6cdd1dn;
const rnd = () => {
  seed = BigInt.asUintN(64, seed * 6364136223846793005n + 1442695040888963407n);
  return seed;
};
const RANDOM = Array.from({ length: 200 }, (_, i) => {
  const r = rnd();
  return i % 4 === 0 ? r >> BigInt(i % 64) : i % 4 === 1 ? -(r >> 1n) : r; // small, negative, full range
});
const VALUES = [...EDGES, ...RANDOM];
// One TurboFan compile per hot case: under emulation (~0.1 s each) a sample of the edges only.
const EMULATED = Boolean(process.env.QEMU_LD_PREFIX || process.env.NODE_EXEC_WRAPPER);
const HOT = new Set(EMULATED ? EDGES.filter((_, i) => i % 3 === 0) : [...EDGES, ...RANDOM.filter((_, i) => i % 10 === 0)]);

test('BigInt arguments are exact over the whole range, cold and hot, and fast where the line allows', () => {
  for (const v of VALUES) {
    for (const [key, want] of [['u64_id', asU(v)], ['usize_bits', asU(v)], ['ptr_bits', asU(v)], ['voidp_bits', asU(v)], ['i64_id', asI(v)], ['isize_id', asI(v)]]) {
      const c = h.cold(S[key], [v]);
      h.assertSame(c, want, `cold ${key}(${v}n)`);
      if (!HOT.has(v)) continue;
      const r = h.hot(S[key], [v], { fast: fastFor(v) });
      h.assertSame(r, want, `hot ${key}(${v}n)`);
    }
  }
});

test('a BigInt pointer reaches C as the address (read through it), fast', () => {
  const mem = new Uint32Array([0xc0ffee11, 0x12345678]);
  const p = ptr(mem);
  h.coldHot(S.read_u32, [BigInt(p)], 0xc0ffee11, { fast: true });
  h.coldHot(S.read_u32, [BigInt(p) + 4n], 0x12345678, { fast: true });
  h.coldHot(S.ptr_lo, [BigInt(p)], p % 2 ** 32, { fast: true });
  h.coldHot(S.in_i32, [BigInt(p) + 4n], 0x12345678, { fast: true });
  // The struct wrapper dispatches the same way.
  h.coldHot(S.point_ptr, [{ x: 5, y: 0 }, BigInt(p)], p + 5, { fast: true });
  // read.* helpers and bind()-made functions too.
  h.coldHot(read.u32, [BigInt(p)], 0xc0ffee11, { fast: true });
  const b = bind(lib.address('fp_read_u32'), { parameters: ['pointer'], result: 'u32' });
  h.coldHot(b, [BigInt(p)], 0xc0ffee11, { fast: true });
});

test('out-of-range BigInts: ERR_FFAST_ARG_RANGE, the same hot (optimized on BigInts or Numbers) and cold', () => {
  const BAD = [2n ** 64n, 2n ** 64n + 4096n, -(2n ** 63n) - 1n, 2n ** 100n, -(2n ** 64n), -(2n ** 200n)];
  const mem0 = new Uint32Array([1]);
  for (const key of ['u64_id', 'i64_id', 'usize_bits', 'ptr_bits', 'voidp_bits', 'read_u32']) {
    const good = key === 'read_u32' ? ptr(mem0) : 4096; // (read_u32 reads through its argument)
    for (const bad of BAD) {
      const e1 = coldHotThrows(S[key], [BigInt(good)], [bad], 'ERR_FFAST_ARG_RANGE');
      const e2 = coldHotThrows(S[key], [good], [bad], 'ERR_FFAST_ARG_RANGE');
      assert.equal(e1.message, e2.message);
    }
  }
  // The twin must never see an out-of-range BigInt: V8's BigInt representation would truncate it
  // (2^64 + 4096 read as 4096) without an error.
  const mem = new Uint32Array([7]);
  coldHotThrows(S.read_u32, [BigInt(ptr(mem))], [2n ** 64n + BigInt(ptr(mem))], 'ERR_FFAST_ARG_RANGE');
});

test('wrong kinds stay wrong: a BigInt for a 32-bit parameter, strings, objects', () => {
  coldHotThrows(S.mix, [0n, 1, 0n, 0n], [0n, 1n, 0n, 0n], 'ERR_FFAST_ARG_TYPE');
  for (const key of ['u64_id', 'ptr_bits']) {
    for (const bad of ['1', {}, Symbol('s'), Object(1n)]) coldHotThrows(S[key], [1n], [bad], 'ERR_FFAST_ARG_TYPE');
  }
});

// FNV-1a of fp_mix's four parts, 8 little-endian bytes each.
function mixModel(p, a, b, c) {
  let hash = 14695981039346656037n;
  const parts = [BigInt.asUintN(64, BigInt(p ?? 0)), BigInt.asUintN(32, BigInt(a)), BigInt.asUintN(64, BigInt(b)), BigInt.asUintN(64, BigInt(c))];
  for (const x of parts) for (let k = 0n; k < 64n; k += 8n) hash = BigInt.asUintN(64, (hash ^ ((x >> k) & 0xffn)) * 1099511628211n);
  return num(hash);
}

test('several 64-bit parameters, BigInts and Numbers mixed: exact (hot, whichever path)', () => {
  const combos = [
    [4096n, 1, 2n ** 63n, -5n], [4096, 1, 2n ** 63n, -5n], [4096n, 1, 7, -5n], [4096n, 1, 2n ** 63n, -5],
    [null, -1, 2n ** 64n - 1n, -(2n ** 63n)], [2n ** 60n, 2 ** 31 - 1, 0, 0n], [0, 0, 0, 0], [1n, 2, 3n, 4n],
  ];
  for (const args of combos) {
    const want = mixModel(...args);
    h.assertSame(h.cold(S.mix, args), want, `cold mix${h.fmt(args)}`);
    const allBig = [args[0], args[2], args[3]].every((x) => typeof x === 'bigint');
    const allNum = [args[0], args[2], args[3]].every((x) => typeof x === 'number' || x === null);
    const r = h.hot(S.mix, args, { fast: (allBig && args.every((x) => typeof x !== 'bigint' || fastFor(x))) || (allNum && args[0] !== null) ? true : false });
    h.assertSame(r, want, `hot mix${h.fmt(args)}`);
  }
});

test('a hot caller alternating Numbers and BigInts gets exact results every call', () => {
  const caller = new Function('f', 'xs', 'return function alternate() { let acc = 0n; for (const x of xs) acc = (acc * 31n + BigInt(f(x))) & 0xffffffffffffffffn; return acc; };')(S.ptr_bits, [4096, 4096n, 2n ** 60n, 2 ** 52, 2n ** 64n - 1n, 0, 0n]);
  const want = [4096n, 4096n, 2n ** 60n, 2n ** 52n, 2n ** 64n - 1n, 0n, 0n].reduce((acc, x) => (acc * 31n + x) & 0xffffffffffffffffn, 0n);
  h.N.prepare(caller);
  for (let k = 0; k < WARMUP_CALLS; k++) assert.equal(caller(), want);
  h.N.optimizeNext(caller);
  for (let k = 0; k < 50; k++) assert.equal(caller(), want);
});

test('nonblocking functions take BigInts as before (never fast, exact)', async () => {
  for (const v of EDGES) assert.equal(await S.ptr_bits_nb(v), asU(v));
  assert.throws(() => S.ptr_bits_nb(2n ** 64n), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_RANGE');
});
