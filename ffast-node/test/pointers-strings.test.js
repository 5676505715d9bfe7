'use strict';
// Strings as C APIs use them (docs/pointers.md §4, §7): `char**` lists in (NULL-terminated UTF-8
// copies, NULL entries, address entries) and out (C's char* as an address), cstrings() to decode
// a char** at a pointer, and UTF-16 / UTF-32 / wchar_t strings as parameters, results, readers,
// struct members and callback parameters, with lone surrogates and invalid units as U+FFFD.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const fx = require('./fixture/pointers_fixture.js');
const { ffast, coldHotThrows, WARMUP_CALLS } = h;
const { ptr, cstring, cstrings, u16string, u32string, wstring, pointer, out, inout, struct, callback, free, FfastError } = ffast;

const WIDE = process.platform === 'win32' ? 'u16string' : 'u32string';

const coldCall = new Function('f', 'args', 'return f(...args);');
h.N.neverOptimize(coldCall);
function coldAny(fn, args) {
  const s0 = h.slowCalls();
  const r = coldCall(fn, args);
  assert.ok(h.slowCalls() > s0, `cold ${fn.name}: the slow path did not run`);
  return r;
}
function coldHotP(fn, args, expect, opts = {}) {
  const c = coldAny(fn, args);
  h.check(c, expect, `cold ${fn.name}${h.fmt(args)}`);
  const r = h.hot(fn, args, { fast: true, ...opts });
  h.check(r, expect, `hot ${fn.name}${h.fmt(args)}`);
  h.assertSame(r, c, `${fn.name}: hot vs cold`);
  return c;
}

// ------------------------------------------------------------------ JS models of what C computes
const FNV0 = 14695981039346656037n;
const fnvStep = (hash, b) => BigInt.asUintN(64, (hash ^ BigInt(b)) * 1099511628211n);
const u64 = (b) => (b <= 2n ** 53n - 1n ? Number(b) : b);
/** Computed once per input (the long strings make the BigInt models slow). */
const memo = (f) => {
  const m = new Map();
  return (x) => {
    if (!m.has(x)) m.set(x, f(x));
    return m.get(x);
  };
};
/** fp_strs_hash: FNV-1a over each entry's UTF-8 bytes up to its NUL, 0xff after each, 0xfe for NULL. */
const strsHash = memo(function strsHash(entries) {
  let hash = FNV0;
  for (const e of entries) {
    if (e === null) {
      hash = fnvStep(hash, 0xfe);
      continue;
    }
    const bytes = typeof e === 'string' ? Buffer.from(e.toWellFormed().split('\0')[0], 'utf8') : e;
    for (const b of bytes) hash = fnvStep(hash, b);
    hash = fnvStep(hash, 0xff);
  }
  return u64(hash);
});
/** fp_u16_hash / fp_u32_hash: FNV-1a over the units up to the terminator, 4 LE bytes each. */
function unitsHash(units) {
  let hash = FNV0;
  for (const u of units) for (let k = 0; k < 4; k++) hash = fnvStep(hash, (u >>> (8 * k)) & 0xff);
  return u64(hash);
}
const hash16 = memo((s) => unitsHash(toU16(s)));
const hash32 = memo((s) => unitsHash(toU32(s)));
/** The UTF-16 units C receives for a JS string: lone surrogates as U+FFFD, cut at U+0000. */
function toU16(s) {
  const w = s.toWellFormed().split('\0')[0];
  const out = [];
  for (let i = 0; i < w.length; i++) out.push(w.charCodeAt(i));
  return out;
}
/** The UTF-32 units likewise. */
const toU32 = (s) => Array.from(s.toWellFormed().split('\0')[0], (c) => c.codePointAt(0));

const lib = fx.open({
  strs_hash: { name: 'fp_strs_hash', parameters: ['const char * const *', 'size_t'], result: 'u64' },
  strs_hash_x: { name: 'fp_strs_hash', parameters: [pointer('string'), 'size_t'], result: 'u64' },
  argv_count: { name: 'fp_argv_count', parameters: ['char* const*'], result: 'size_t' },
  argv_total: { name: 'fp_argv_total', parameters: ['char**'], result: 'size_t' },
  argv_entry: { name: 'fp_argv_entry', parameters: ['char* const*', 'size_t'], result: 'usize' },
  argv_replace: { name: 'fp_argv_replace', parameters: ['const char **', 'size_t'], result: 'void' },
  dup_out: { name: 'fp_dup_out', parameters: ['const char*', out(pointer('string'))], result: 'int' },
  dup_inout: { name: 'fp_dup_out', parameters: ['const char*', 'char**'], result: 'int' },
  static_list: { name: 'fp_static_list', parameters: [], result: 'const char* const*' },
  holey_list: { name: 'fp_holey_list', parameters: [], result: 'pointer' },
  bad_utf8_list: { name: 'fp_bad_utf8_list', parameters: [], result: 'pointer' },
  make_list: { name: 'fp_make_list', parameters: ['size_t'], result: 'char**' },
  free_list: { name: 'fp_free_list', parameters: ['char**'], result: 'void' },
  argv_count_nb: { name: 'fp_argv_count', parameters: ['char* const*'], result: 'size_t', nonblocking: true },
  argv_total_after_nb: { name: 'fp_argv_total_after', parameters: ['int', 'char* const*'], result: 'size_t', nonblocking: true },
  sum_i32_after_nb: { name: 'fp_sum_i32_after', parameters: ['int', 'const int *', 'size_t'], result: 'i64', nonblocking: true },

  u16_hash: { name: 'fp_u16_hash', parameters: ['const char16_t*'], result: 'u64' },
  u16_hash_n: { name: 'fp_u16_hash', parameters: ['u16string'], result: 'u64' },
  u32_hash: { name: 'fp_u32_hash', parameters: ['char32_t*'], result: 'u64' },
  u32_hash_n: { name: 'fp_u32_hash', parameters: ['u32string'], result: 'u64' },
  wcs_hash: { name: 'fp_wcs_hash', parameters: ['const wchar_t *'], result: 'u64' },
  wcs_hash_n: { name: 'fp_wcs_hash', parameters: ['wstring'], result: 'u64' },
  u16_len: { name: 'fp_u16_len', parameters: ['u16string'], result: 'size_t' },
  u32_len: { name: 'fp_u32_len', parameters: ['u32string'], result: 'size_t' },
  u16_echo: { name: 'fp_u16_echo', parameters: ['u16string'], result: 'u16string' },
  u32_echo: { name: 'fp_u32_echo', parameters: ['u32string'], result: 'u32string' },
  wcs_echo: { name: 'fp_wcs_echo', parameters: ['const wchar_t*'], result: 'const wchar_t*' },
  u16_skip: { name: 'fp_u16_skip', parameters: ['u16string', 'size_t'], result: 'u16string' },
  u16_static: { name: 'fp_u16_static', parameters: ['int'], result: 'const char16_t*' },
  u32_static: { name: 'fp_u32_static', parameters: ['int'], result: 'char32_t*' },
  wcs_static: { name: 'fp_wcs_static', parameters: ['int'], result: 'wstring' },
  u16_static_p: { name: 'fp_u16_static', parameters: ['int'], result: 'pointer' },
  u32_static_p: { name: 'fp_u32_static', parameters: ['int'], result: 'pointer' },
  u16_with_nul: { name: 'fp_u16_with_nul', parameters: [], result: 'pointer' },
  u32_with_nul: { name: 'fp_u32_with_nul', parameters: [], result: 'pointer' },
  u16_hash_nb: { name: 'fp_u16_hash', parameters: ['u16string'], result: 'u64', nonblocking: true },
  u16_echo_nb: { name: 'fp_u16_echo', parameters: ['u16string'], result: 'u16string', nonblocking: true },
  call_wide: { name: 'fp_call_wide', parameters: ['function', 'int'], result: 'u64' },
});
const S = lib.symbols;

const LONG = 'ab€😀'.repeat(50000); // 200,000 characters, beyond every reused temporary
const STRINGS = ['', 'a', 'héllo', '日本語', '😀', 'a\ud800b', '\udc00', '\udc00\ud800', 'x\ud83d', 'a\0b', '\0', 'x'.repeat(300), LONG];

// ------------------------------------------------------------------ char** in
test('a JS array of strings for char**: NULL-terminated UTF-8 copies, valid for the call', () => {
  for (const key of ['strs_hash', 'strs_hash_x']) {
    for (const list of [['alpha', 'beta'], STRINGS, [], ['only'], [LONG, LONG]]) {
      coldHotP(S[key], [list, list.length], strsHash(list));
    }
  }
  coldHotP(S.argv_count, [['ls', '-l', '/tmp']], 3);
  coldHotP(S.argv_count, [[]], 0);
  coldHotP(S.argv_total, [['héllo', 'x']], 7);
  const many = Array.from({ length: 5000 }, (_, i) => `arg${i}`);
  coldHotP(S.argv_count, [many], 5000);
  coldHotP(S.strs_hash, [many, 5000], strsHash(many));
});

test('null/undefined entries are NULL (the list ends there for code that stops at NULL)', () => {
  const list = ['one', null, 'three', undefined];
  coldHotP(S.strs_hash, [list, 4], strsHash(['one', null, 'three', null]));
  coldHotP(S.argv_count, [list], 1);
  coldHotP(S.argv_entry, [[null], 0], 0);
});

test('an address entry (Number/BigInt) is passed as is: memory the caller keeps', () => {
  const keep = Buffer.from('kept\0');
  const p = ptr(keep);
  coldHotP(S.argv_entry, [['x', p], 1], p);
  coldHotP(S.argv_entry, [['x', BigInt(p)], 1], p);
  coldHotP(S.strs_hash, [[p, 'y'], 2], strsHash([Buffer.from('kept'), 'y']));
  // A string entry gets a fresh copy, not the caller's memory.
  const a = coldAny(S.argv_entry, [['copy me'], 0]);
  assert.ok(typeof a === 'number' && a !== 0);
});

test('entries C did not change keep their JS strings; a replaced entry comes back as C\'s address', () => {
  const argv = ['keep', 'old', 'x'];
  const keep = argv[0];
  coldAny(S.argv_replace, [argv, 1]);
  assert.equal(argv[0], keep);
  assert.equal(argv[2], 'x');
  assert.equal(typeof argv[1], 'number');
  assert.equal(cstring(argv[1]), 'replaced');
  // in (char* const*): nothing comes back even when C writes.
  const v = ['a', 'b'];
  fx.open({ r: { name: 'fp_argv_replace', parameters: ['char* const*', 'size_t'], result: 'void' } }).symbols.r(v, 0);
  assert.deepEqual(v, ['a', 'b']);
});

test('char* out: [null] receives C\'s char* as an address (to decode with cstring and free)', () => {
  for (const key of ['dup_out', 'dup_inout']) {
    for (const s of ['hello', 'héllo 日本', '']) {
      const o = [null];
      assert.equal(coldAny(S[key], [s, o]), 0);
      assert.equal(typeof o[0], 'number');
      assert.equal(cstring(o[0]), s);
      free(o[0]);
      const o2 = [null];
      // A two-byte JS string for a `string` parameter takes the slow path (V8's fast path takes
      // sequential one-byte strings only: docs/v8-fast-api.md §5.1), so only those are asserted fast.
      assert.equal(h.hot(S[key], [s, o2], { fast: /^[\x00-\xff]*$/.test(s) ? true : false, stable: false }), 0);
      assert.equal(cstring(o2[0]), s);
      free(o2[0]);
    }
    const n = [null];
    assert.equal(S[key](null, n), -1);
    assert.equal(n[0], null);
  }
});

test('char** elements that are not strings, NULL or addresses: typed errors naming the element', () => {
  const cases = [
    [[{}], 'ERR_FFAST_ARG_TYPE'], [[true], 'ERR_FFAST_ARG_TYPE'], [[Symbol('s')], 'ERR_FFAST_ARG_TYPE'],
    [[['nested']], 'ERR_FFAST_ARG_TYPE'], [[new String('boxed')], 'ERR_FFAST_ARG_TYPE'], [[() => 'f'], 'ERR_FFAST_ARG_TYPE'],
    [['ok', 2n ** 64n], 'ERR_FFAST_ARG_RANGE'], [['ok', -1], 'ERR_FFAST_ARG_RANGE'], [['ok', -1n], 'ERR_FFAST_ARG_RANGE'],
    [['ok', NaN], 'ERR_FFAST_ARG_RANGE'],
  ];
  for (const [list, code] of cases) {
    coldHotThrows(S.argv_count, [['a']], [list], code, { messageIncludes: `[${list.length - 1}]` });
  }
  // A single string is not a list.
  coldHotThrows(S.argv_count, [['a']], ['a'], 'ERR_FFAST_ARG_TYPE');
  coldHotThrows(S.argv_count, [['a']], [{ 0: 'a', length: 1 }], 'ERR_FFAST_ARG_TYPE');
});

test('nonblocking: the copies live until the Promise settles', async () => {
  const list = Array.from({ length: 100 }, (_, i) => `entry ${i}`);
  const ps = [];
  for (let k = 0; k < 50; k++) ps.push(S.argv_count_nb(list));
  assert.deepEqual(await Promise.all(ps), ps.map(() => 100));
});

test('nonblocking: an in array\'s C copy outlives garbage collection and memory reuse while C runs', async () => {
  // Regression: the wrapper kept the JS arguments but not the temporary block holding their C
  // copies (char** entries, int elements), so a collection while C slept freed it and C read
  // whatever reused the memory.
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc');
  const list = Array.from({ length: 200 }, (_, i) => `entry number ${i}`);
  const total = list.reduce((t, s) => t + s.length, 0);
  const ints = Array.from({ length: 2000 }, (_, i) => i - 700);
  const sum = ints.reduce((t, v) => t + v, 0);
  for (let round = 0; round < 3; round++) {
    const ps = [];
    for (let k = 0; k < 8; k++) {
      ps.push(S.argv_total_after_nb(60, list.slice()));
      ps.push(S.sum_i32_after_nb(60, ints.slice(), ints.length));
    }
    // While C sleeps: collect, then fill fresh memory of the same sizes with junk.
    gc();
    const junk = [];
    for (let k = 0; k < 64; k++) junk.push(new Uint8Array(new ArrayBuffer(8192)).fill(0xa5));
    gc();
    for (let k = 0; k < 64; k++) junk.push(new Uint8Array(new ArrayBuffer(8192)).fill(0x5a));
    const got = await Promise.all(ps);
    assert.deepEqual(got, ps.map((_, j) => (j % 2 === 0 ? total : sum)), `round ${round}`);
    assert.ok(junk.length === 128);
  }
});

// ------------------------------------------------------------------ cstrings
test('cstrings(p): the entries of a NULL-terminated char**; cstrings(p, n): n entries', () => {
  const p = S.static_list();
  assert.equal(typeof p, 'number');
  assert.deepEqual(cstrings(p), ['alpha', '', 'gämma', '日本']);
  assert.deepEqual(cstrings(BigInt(p)), ['alpha', '', 'gämma', '日本']);
  assert.deepEqual(cstrings(p, 2), ['alpha', '']);
  assert.deepEqual(cstrings(p, 0), []);
  const holey = S.holey_list();
  assert.deepEqual(cstrings(holey), ['one']);
  assert.deepEqual(cstrings(holey, 3), ['one', null, 'three']);
  assert.deepEqual(cstrings(S.bad_utf8_list()), ['a\ufffdb', '\ufffd'], 'invalid UTF-8 as cstring decodes it');
  for (const n of [null, undefined, 0, 0n, -0]) assert.equal(cstrings(n), null);
  const made = S.make_list(1000);
  const items = cstrings(made);
  assert.equal(items.length, 1000);
  assert.equal(items[999], 'item999');
  assert.deepEqual(cstrings(made, 3), ['item0', 'item1', 'item2']);
  S.free_list(made);
});

test('cstrings: bad addresses and counts are typed errors', () => {
  const p = S.static_list();
  const bad = [
    [['x'], 'ERR_FFAST_ARG_TYPE'], [[{}], 'ERR_FFAST_ARG_TYPE'], [[-1], 'ERR_FFAST_ARG_RANGE'], [[1.5], 'ERR_FFAST_ARG_RANGE'],
    [[2n ** 64n], 'ERR_FFAST_ARG_RANGE'], [[p, -1], 'ERR_FFAST_ARG_RANGE'], [[p, 1.5], 'ERR_FFAST_ARG_RANGE'],
    [[p, '2'], 'ERR_FFAST_ARG_TYPE'], [[p, NaN], 'ERR_FFAST_ARG_RANGE'], [[p, 2 ** 53], 'ERR_FFAST_ARG_RANGE'], [[p, 2n], 'ERR_FFAST_ARG_TYPE'],
  ];
  for (const [args, code] of bad) {
    assert.throws(() => cstrings(...args), (e) => e instanceof FfastError && e.code === code, h.fmt(args));
  }
});

// ------------------------------------------------------------------ wide strings in
test('u16string / char16_t*: a NUL-terminated UTF-16 copy; lone surrogates as U+FFFD; cut at U+0000', () => {
  for (const key of ['u16_hash', 'u16_hash_n']) {
    for (const s of STRINGS) coldHotP(S[key], [s], hash16(s));
    coldHotP(S[key], [null], 0);
    coldHotP(S[key], [undefined], 0);
  }
  coldHotP(S.u16_len, ['hé😀'], 4);
  coldHotP(S.u16_len, ['\ud800\udc00'], 2);
  coldHotP(S.u16_len, [''], 0);
  coldHotP(S.u16_len, [LONG], LONG.length);
});

test('u32string / char32_t* and wstring / wchar_t*: UTF-32 (wchar_t is 4 bytes here)', () => {
  assert.equal(WIDE, 'u32string');
  for (const key of ['u32_hash', 'u32_hash_n', 'wcs_hash', 'wcs_hash_n']) {
    for (const s of STRINGS) coldHotP(S[key], [s], hash32(s));
    coldHotP(S[key], [null], 0);
  }
  coldHotP(S.u32_len, ['hé😀'], 3);
  coldHotP(S.u32_len, ['\ud800'], 1);
  coldHotP(S.u32_len, [LONG], [...LONG].length);
});

test('non-strings for a wide string parameter: ERR_FFAST_ARG_TYPE with the string wording', () => {
  for (const key of ['u16_hash', 'u32_hash', 'wcs_hash']) {
    for (const v of [1, 0, 1n, true, {}, [], ['a'], Symbol('s'), new String('x'), () => 'x', new Uint16Array([0x61, 0])]) {
      coldHotThrows(S[key], ['ok'], [v], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'expected string (or null)' });
    }
  }
});

// ------------------------------------------------------------------ wide strings out
const U16_STATIC = ['hé', 'a😀b', 'x\ufffdy', '\ufffd', '\ufffd\ufffd', '', null, 'z\ufffd'];
const U32_STATIC = ['hé', 'a😀b', 'x\ufffdy', '\ufffdA', '\ufffdB', '', null, '\u{10ffff}'];

test('wide string results: decoded to the terminator, invalid units as U+FFFD, NULL as null', () => {
  U16_STATIC.forEach((want, i) => h.coldHot(S.u16_static, [i], want));
  U32_STATIC.forEach((want, i) => {
    h.coldHot(S.u32_static, [i], want);
    h.coldHot(S.wcs_static, [i], want);
  });
});

test('a wide result pointing into the wide argument\'s copy is decoded before the copy is reused', () => {
  for (const s of ['héllo😀', '', 'a\ud800', LONG]) {
    const w = s.toWellFormed();
    coldHotP(S.u16_echo, [s], w);
    coldHotP(S.u32_echo, [s], w);
    coldHotP(S.wcs_echo, [s], w);
  }
  coldHotP(S.u16_skip, ['héllo', 2], 'llo');
  coldHotP(S.u16_echo, [null], null);
  // Many hot calls in a row: each decodes its own copy.
  const words = Array.from({ length: 2000 }, (_, i) => `w${i}é`);
  for (const w of words) assert.equal(S.u16_echo(w), w);
});

test('u16string(p, length?), u32string, wstring: readers (length in code units)', () => {
  const p16 = S.u16_with_nul();
  const p32 = S.u32_with_nul();
  assert.equal(u16string(p16), 'ab');
  assert.equal(u16string(p16, 5), 'ab\0cd');
  assert.equal(u16string(p16, 0), '');
  assert.equal(u16string(BigInt(p16), 1), 'a');
  assert.equal(u32string(p32), 'ab');
  assert.equal(u32string(p32, 5), 'ab\0cd');
  assert.equal(wstring(p32, 4), 'ab\0c');
  U16_STATIC.forEach((want, i) => assert.equal(u16string(S.u16_static_p(i)), want, `u16 #${i}`));
  U32_STATIC.forEach((want, i) => {
    assert.equal(u32string(S.u32_static_p(i)), want, `u32 #${i}`);
    assert.equal(wstring(S.u32_static_p(i)), want, `wstring #${i}`);
  });
  // A length cutting a surrogate pair leaves a lone surrogate: U+FFFD.
  assert.equal(u16string(S.u16_static_p(1), 2), 'a\ufffd');
  for (const reader of [u16string, u32string, wstring]) {
    for (const n of [null, undefined, 0, 0n]) assert.equal(reader(n), null);
    for (const [args, code] of [
      [['x'], 'ERR_FFAST_ARG_TYPE'], [[-1], 'ERR_FFAST_ARG_RANGE'], [[1.5], 'ERR_FFAST_ARG_RANGE'], [[p16, -1], 'ERR_FFAST_ARG_RANGE'],
      [[p16, 1.5], 'ERR_FFAST_ARG_RANGE'], [[p16, '3'], 'ERR_FFAST_ARG_TYPE'], [[p16, NaN], 'ERR_FFAST_ARG_RANGE'],
    ]) {
      assert.throws(() => reader(...args), (e) => e instanceof FfastError && e.code === code, `${reader.name}${h.fmt(args)}`);
    }
  }
});

test('nonblocking wide strings: the copy lives until the call settles; results decoded', async () => {
  const ps = [];
  for (const s of STRINGS) ps.push(S.u16_hash_nb(s).then((r) => assert.equal(r, hash16(s), JSON.stringify(s.slice(0, 20)))));
  await Promise.all(ps);
  assert.equal(await S.u16_echo_nb('héllo😀'), 'héllo😀');
  assert.equal(await S.u16_echo_nb(null), null);
  assert.throws(() => S.u16_hash_nb(1), (e) => e.code === 'ERR_FFAST_ARG_TYPE');
});

// ------------------------------------------------------------------ wide string members
// (These ride on issue 14 scope 5's `string` members, another feature's work: a member's copy is
// valid for the call, decoded on the way out, null <-> NULL. Wide members add the encodings.)
test('wide string struct members: copies for the call in, decoded out, null as NULL', () => {
  const WNamed = struct({ name: 'wstring', id: 'i32', label: 'u16string' });
  assert.equal(WNamed.size, 24);
  assert.deepEqual(WNamed.fields.map((f) => f.offset), [0, 8, 16]);
  const W = fx.open({
    hash: { name: 'fp_wnamed_hash', parameters: [pointer(WNamed)], result: 'u64' },
    hashV: { name: 'fp_wnamed_hash_v', parameters: [WNamed], result: 'u64' },
    fill: { name: 'fp_wnamed_fill', parameters: [inout(pointer(WNamed))], result: 'void' },
    make: { name: 'fp_wnamed_make', parameters: ['int'], result: WNamed },
  }).symbols;
  const model = (v) => {
    const a = v.name === null ? 0n : BigInt(hash32(v.name));
    const b = v.label === null ? 0n : BigInt(hash16(v.label));
    return u64(a ^ BigInt.asUintN(64, b * 31n) ^ BigInt(v.id >>> 0));
  };
  for (const v of [{ name: 'hé', id: 3, label: 'x\ud800' }, { name: null, id: -1, label: '😀' }, { name: LONG, id: 0, label: null }]) {
    coldHotP(W.hash, [v], model(v), { fast: false });
    coldHotP(W.hashV, [v], model(v), { fast: false });
  }
  const o = { name: 'a', id: 1, label: 'b' };
  W.fill(o);
  assert.deepEqual(o, { name: 'a😀b', id: 2, label: 'x\ufffdy' });
  assert.deepEqual(W.make(0), { name: 'hé', id: 0, label: 'hé' });
  assert.deepEqual(W.make(6), { name: null, id: 6, label: null });
  assert.throws(() => W.hash({ name: 1, id: 0, label: null }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_TYPE' && /name/.test(e.message));
});

test('wide string members, hostile values: lone surrogates, NUL, huge, Proxies, getters; errors typed, hot = cold', () => {
  const WN = struct({ name: 'const wchar_t *', id: 'i32', label: 'char16_t*' });
  const W = fx.open({
    hash: { name: 'fp_wnamed_hash', parameters: [pointer(WN)], result: 'u64' },
    hashV: { name: 'fp_wnamed_hash_v', parameters: [WN], result: 'u64' },
  }).symbols;
  const model = (v) => {
    const a = v.name === null ? 0n : BigInt(hash32(v.name));
    const b = v.label === null ? 0n : BigInt(hash16(v.label));
    return u64(a ^ BigInt.asUintN(64, b * 31n) ^ BigInt(v.id >>> 0));
  };
  let getterRuns = 0;
  const withGetter = {
    get name() {
      getterRuns++;
      return '\udc00g\ud800';
    },
    id: 7,
    label: 'x',
  };
  const cases = [
    { name: '\udc00x\ud800', id: 1, label: '\ud83d' }, // lone surrogates: U+FFFD in both encodings
    { name: 'a\0b', id: 2, label: 'c\0d' }, // C sees each string end at U+0000
    { name: LONG, id: 3, label: LONG }, // beyond the arena: blocks of their own
    { name: '', id: 4, label: '' },
    new Proxy({ name: 'prox😀', id: 5, label: 'y' }, {}),
    Object.assign(Object.create({ name: 'inherited' }), { id: 6, label: null }),
    withGetter,
  ];
  for (const v of cases) {
    coldHotP(W.hash, [v], model(v), { fast: false });
    coldHotP(W.hashV, [v], model(v), { fast: false });
  }
  assert.ok(getterRuns > 0, 'the getter ran');
  const good = [{ name: 'ok', id: 0, label: 'ok' }];
  const boom = {
    get name() {
      throw new RangeError('boom');
    },
    id: 0,
    label: null,
  };
  for (const f of [W.hash, W.hashV]) {
    for (const bad of [{ name: 1, id: 0, label: null }, { name: null, id: 0, label: {} }, { name: 1n, id: 0, label: null }, { name: Symbol('s'), id: 0, label: null }]) {
      coldHotThrows(f, good, [bad], 'ERR_FFAST_ARG_TYPE');
    }
    // hot, then given the bad value, inside a local try/catch: the catch is reached.
    const hotCaller = new Function('f', 'v', `/* wide member ${f.name} */ try { return f(v); } catch (e) { return e; }`);
    h.N.prepare(hotCaller);
    for (let k = 0; k < WARMUP_CALLS; k++) hotCaller(f, good[0]);
    h.N.optimizeNext(hotCaller);
    hotCaller(f, good[0]);
    assert.ok(h.N.isTurbofan(hotCaller), 'the caller is optimized before the bad values');
    const e = hotCaller(f, { name: 1, id: 0, label: null });
    assert.ok(e instanceof FfastError && e.code === 'ERR_FFAST_ARG_TYPE' && /name/.test(e.message), h.fmt(e));
    const g = hotCaller(f, boom);
    assert.ok(g instanceof RangeError && g.message === 'boom', `a throwing getter's error goes through: ${h.fmt(g)}`);
    const r = hotCaller(f, good[0]);
    assert.equal(r, model(good[0]), 'after the errors the arena serves the next call');
  }
  // No call: T.encode and view setters take only null for a wide member (no copy could live).
  assert.throws(() => WN.encode({ name: 'x', id: 0, label: null }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_UNSUPPORTED');
  const view = WN.view(new Uint8Array(WN.size));
  view.name = null;
  assert.equal(view.name, null);
  assert.throws(() => {
    view.label = 'x';
  }, (e) => e instanceof FfastError && e.code === 'ERR_FFAST_UNSUPPORTED');
  // A union cannot hold one (decoding reads every member).
  assert.throws(() => ffast.union({ w: 'wstring', p: 'pointer' }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE');
});

test('wide string members: 10^4 calls with copies in the arena and beyond it hold no memory', () => {
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc');
  const WN = struct({ name: 'wstring', id: 'i32', label: 'u16string' });
  const hash = fx.open({ f: { name: 'fp_wnamed_hash', parameters: [pointer(WN)], result: 'u64' } }).symbols.f;
  const big = 'w😀'.repeat(12000); // 24,000 units: 96 KB as UTF-32, beyond the 64 KiB arena
  const small = { name: 'hé', id: 1, label: 'x' };
  const large = { name: big, id: 2, label: big };
  const cycle = (n) => {
    for (let k = 0; k < n; k++) hash(k % 2 ? large : small);
  };
  cycle(200);
  gc();
  gc();
  const before = process.memoryUsage();
  cycle(10000);
  gc();
  gc();
  const after = process.memoryUsage();
  assert.ok(after.arrayBuffers - before.arrayBuffers < 4 << 20, `ArrayBuffer memory grew by ${after.arrayBuffers - before.arrayBuffers} bytes`);
  assert.ok(after.rss - before.rss < 64 << 20, `RSS grew by ${after.rss - before.rss} bytes`);
  assert.equal(hash(large), u64(BigInt(hash32(big)) ^ BigInt.asUintN(64, BigInt(hash16(big)) * 31n) ^ 2n));
});

// ------------------------------------------------------------------ callbacks
test('wide string callback parameters are decoded; a wide string callback result is refused', () => {
  const seen = [];
  const cb = callback({ parameters: ['const wchar_t*', 'char16_t*'], result: 'u64' }, (w, u) => {
    seen.push([w, u]);
    return 7;
  });
  for (const which of [0, 1, 2, 3, 6]) {
    seen.length = 0;
    assert.equal(S.call_wide(cb, which), 7);
    assert.deepEqual(seen, [[U32_STATIC[which], U16_STATIC[which]]]);
  }
  cb.close();
  for (const t of ['wstring', 'u16string', 'char32_t*']) {
    assert.throws(() => callback({ parameters: [], result: t }, () => 'x'), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE');
  }
});

test('a plain JS function for a typed function parameter with wide string parameters gets them decoded', () => {
  const WCB = { function: { parameters: ['const wchar_t*', 'char16_t*'], result: 'u64' } };
  const PCB = { function: { parameters: ['pointer', 'pointer'], result: 'u64' } };
  const W = fx.open({
    wide: { name: 'fp_call_wide', parameters: [WCB, 'int'], result: 'u64' },
    raw: { name: 'fp_call_wide', parameters: [PCB, 'int'], result: 'u64' },
  }).symbols;
  for (const which of [0, 1, 2, 3, 6]) {
    let got;
    assert.equal(W.wide((w, u) => { got = [w, u]; return 5; }, which), 5);
    assert.deepEqual(got, [U32_STATIC[which], U16_STATIC[which]]);
    // The same C signature without wide spellings: addresses (its own pool of entries).
    assert.equal(W.raw((w, u) => { got = [w, u]; return 6; }, which), 6);
    assert.deepEqual(got.map((x) => (x === null ? null : typeof x)), which === 6 ? [null, null] : ['number', 'number']);
  }
  // What the function throws is the call's error, after the strings were decoded.
  assert.throws(() => W.wide((w) => { throw new TypeError(`saw ${w}`); }, 0), (e) => e instanceof TypeError && e.message === `saw ${U32_STATIC[0]}`);
});

void WARMUP_CALLS;
