'use strict';
// `string` members of structs (issue 14 scope 5, docs/struct-strings.md): a NUL-terminated UTF-8
// copy valid for the call when passed by value or by pointer (in, out, inout); decoded as a
// string on the way out (results, copy-back, T.decode, T.view); null ↔ NULL. Every value cold
// and hot, the fast call proven where the result is a Number (a struct by value never stops a
// call from being fast). C hashes what it received (FNV-1a of the bytes up to the NUL), and the
// JS model hashes Buffer.from(s, 'utf8') cut at U+0000.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const fx = require('./fixture/cbstruct_lib.js');
const { ffast } = h;
const { struct, union, array, pointer, out, inout, callback } = ffast;
const { fnv, text } = fx;

const ARM = process.arch === 'arm64';
const FAST = { fast: true };

// The types are made in each test (a build that refuses string members fails those tests).
const types = () => {
  const STR = struct({ name: 'string', n: 'i32' });
  const STR3 = struct({ a: 'string', b: 'string', n: 'i64' });
  const SARR = struct({ v: array('string', 3), n: 'i32' });
  const SNEST = struct({ tag: 'i32', inner: STR, note: 'const char*' });
  return { STR, STR3, SARR, SNEST };
};
let cache;
function open() {
  if (cache) return cache;
  const { STR, STR3, SARR, SNEST } = types();
  const lib = fx.open({
    ss_hash: { parameters: [STR], result: 'u32' },
    ss_len: { parameters: [STR], result: 'i64' },
    ss_hash3: { parameters: [STR3], result: 'u32' },
    ss_phash: { parameters: [pointer(STR)], result: 'u32' },
    ss_name: { parameters: [STR], result: 'string' },
    ss_pname: { parameters: [pointer(STR)], result: 'string' },
    ss_name3_b: { parameters: [STR3], result: 'string' },
    ss_fill: { parameters: [out(pointer(STR)), 'i32'], result: 'void' },
    ss_measure: { parameters: [inout(pointer(STR))], result: 'void' },
    ss_bump: { parameters: [inout(pointer(STR))], result: 'void' },
    ss_make: { parameters: ['i32'], result: STR },
    ss_make3: { parameters: ['i32'], result: STR3 },
    ss_arr_hash: { parameters: [SARR], result: 'u32' },
    ss_nest_hash: { parameters: [SNEST], result: 'u32' },
    ss_static: { parameters: [], result: pointer(STR) },
    ss_hash_after: { parameters: [STR, 'function'], result: 'u32' },
  });
  cache = { S: lib.symbols, STR, STR3, SARR, SNEST };
  return cache;
}

/** What C's ss_hash returns for { name, n }. */
const hashOf = (name, n) => (fnv(name) ^ n) >>> 0;
/** C's strlen of the copy, -1 for NULL. */
const lenOf = (s) => (s === null ? -1 : Buffer.byteLength(s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s, 'utf8'));
/** What C reads back from the copy (up to the NUL; lone surrogates became U+FFFD). */
const asC = (s) => (s === null ? null : Buffer.from(s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s, 'utf8').toString('utf8'));

const BIG = ARM ? 1 << 20 : 10 * 1024 * 1024;
const VALUES = [
  ['empty', ''],
  ['ascii', 'hello'],
  ['latin-1', 'h\u00e9llo w\u00f6rld'],
  ['cjk', '\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8'],
  ['emoji', 'emoji \u{1f600}\u{1f680}!'],
  ['lone surrogates', 'a\ud800b\udc00c'],
  ['U+0000 inside', 'before\0after'],
  ['300 bytes', 'x'.repeat(300)],
  ['70 KB', 'abcdefg'.repeat(10000)],
  ['10 MB ascii', 'q'.repeat(BIG)],
  ['10 MB two-byte', '\u00e9'.repeat(BIG / 2)],
  ['NULL', null],
];

test('by value: every string arrives as its UTF-8 bytes (cold and hot, fast call)', () => {
  const { S } = open();
  for (const [what, s] of VALUES) {
    h.coldHot(S.ss_hash, [{ name: s, n: 7 }], hashOf(s, 7), { ...FAST, label: `ss_hash ${what}` });
    h.coldHot(S.ss_len, [{ name: s, n: 0 }], lenOf(s), { ...FAST, label: `ss_len ${what}` });
  }
  // two strings in a MEMORY-class / by-reference struct
  for (const [a, b] of [['x', null], [null, null], ['\u00e9', 'q'.repeat(100000)]]) {
    const want = (Math.imul(fnv(a), 31) + fnv(b) + 5) >>> 0;
    h.coldHot(S.ss_hash3, [{ a, b, n: 5 }], want, FAST);
  }
});

test('by pointer: a plain object, an address of C memory, NULL', () => {
  const { S, STR } = open();
  for (const [what, s] of VALUES) h.coldHot(S.ss_phash, [{ name: s, n: 3 }], hashOf(s, 3), { ...FAST, label: `ss_phash ${what}` });
  // the address of a struct C owns: passed as is
  const p = S.ss_static();
  h.coldHot(S.ss_phash, [p], hashOf('static text \u2713', 42), FAST);
  // T.decode and T.view read string members of C's memory as strings
  assert.deepEqual(STR.decode(p), { name: 'static text \u2713', n: 42 });
  assert.equal(STR.view(p).name, 'static text \u2713');
  assert.equal(STR.view(p).n, 42);
  assert.deepEqual(STR.view(p).toJSON(), { name: 'static text \u2713', n: 42 });
});

test('a string result pointing into the struct member copy is decoded before the copy ends', () => {
  const { S } = open();
  for (const [what, s] of VALUES) {
    h.coldHot(S.ss_name, [{ name: s, n: 1 }], asC(s), { label: `ss_name ${what}` });
    h.coldHot(S.ss_pname, [{ name: s, n: 1 }], asC(s), { label: `ss_pname ${what}` });
  }
  h.coldHot(S.ss_name3_b, [{ a: 'zz', b: 'xyz', n: 0 }], 'yz');
  h.coldHot(S.ss_name3_b, [{ a: 'zz', b: null, n: 0 }], null);
  // a hot loop of alternating lengths: each result is its own argument's text
  const words = ['a', 'bb'.repeat(50), '', '\u00e9\u00e9', 'z'.repeat(70000), 'end'];
  const loop = new Function('f', 'words', 'for (let i = 0; i < 20000; i++) { const w = words[i % words.length]; if (f({ name: w, n: i }) !== w) return i; } return -1;');
  assert.equal(loop(S.ss_name, words), -1);
});

test('out: C fills string members with its own text (or NULL); inout: C reads ffast\'s copy and may replace it', () => {
  const { S } = open();
  for (const k of [0, 1, 2, 3, 6, -1]) {
    const o = { name: 'will be replaced', n: 99 };
    h.cold(S.ss_fill, [o, k]);
    assert.deepEqual(o, { name: text(k), n: k });
    const o2 = {};
    h.hot(S.ss_fill, [o2, k], { fast: true });
    assert.deepEqual(o2, { name: text(k), n: k });
  }
  // inout: C measures the string and keeps the pointer: the copy-back decodes ffast's own copy
  for (const [what, s] of VALUES) {
    const o = { name: s, n: 0 };
    h.cold(S.ss_measure, [o]);
    assert.deepEqual(o, s === null ? { name: 'was null', n: -1 } : { name: asC(s), n: lenOf(s) }, what);
    const b = { name: s, n: 41 };
    h.cold(S.ss_bump, [b]);
    assert.deepEqual(b, { name: asC(s), n: 42 }, what);
    const hb = { name: s, n: 41 };
    h.hot(S.ss_bump, [hb], { fast: true, stable: false });
    assert.equal(hb.name, asC(s), what);
  }
});

test('by-value results with string members are decoded; arrays of strings and nested structs with strings', () => {
  const { S } = open();
  for (const k of [0, 1, 2, 3, 9]) {
    h.coldHot(S.ss_make, [k], (v) => assert.deepEqual(v, { name: text(k), n: k }), { identical: false, stable: false });
    h.coldHot(S.ss_make3, [k], (v) => assert.deepEqual(v, { a: text(k), b: text(k + 1), n: 0 - 7 * k }), { identical: false, stable: false });
  }
  const arrHash = (v, n) => (Math.imul(fnv(v[0]), 7) + Math.imul(fnv(v[1]), 3) + fnv(v[2]) + n) >>> 0;
  for (const v of [['a', null, '\u00fc'], [null, null, null], ['', 'x'.repeat(100000), '\u{1f600}']]) {
    h.coldHot(S.ss_arr_hash, [{ v, n: 3 }], arrHash(v, 3), FAST);
  }
  const nestHash = (s) => (Math.imul(fnv(s.inner.name), 5) + fnv(s.note) + s.inner.n + s.tag) >>> 0;
  for (const s of [
    { tag: 1, inner: { name: 'inner', n: 2 }, note: 'note' },
    { tag: -1, inner: { name: null, n: 0 }, note: null },
  ]) {
    h.coldHot(S.ss_nest_hash, [s], nestHash(s), FAST);
  }
});

test('T.encode and T.view have no call to live for: a string member is refused (null is NULL)', () => {
  const { STR } = open();
  const r = h.capture(() => STR.encode({ name: 'x', n: 1 }));
  h.assertFfastError(r.error, 'ERR_FFAST_UNSUPPORTED', 'encode', ["'name'", 'call']);
  // into a caller's buffer and at an address alike
  const buf = new Uint8Array(STR.size);
  h.assertFfastError(h.capture(() => STR.encode({ name: '', n: 1 }, buf)).error, 'ERR_FFAST_UNSUPPORTED', 'encode into', "'name'");
  // null works everywhere, and reads back as null
  const bytes = STR.encode({ name: null, n: 5 });
  assert.equal(bytes.length, 16);
  assert.deepEqual(STR.decode(bytes), { name: null, n: 5 });
  const v = STR.view(new Uint8Array(STR.size));
  v.name = null;
  v.n = 3;
  assert.deepEqual(v.toJSON(), { name: null, n: 3 });
  h.assertFfastError(h.capture(() => (v.name = 'x')).error, 'ERR_FFAST_UNSUPPORTED', 'view set', "'name'");
  h.assertFfastError(h.capture(() => (v.name = 42)).error, 'ERR_FFAST_ARG_TYPE', 'view set number', "'name'");
  // An array of strings and a nested struct: the same rule, the path named.
  const { SARR, SNEST } = open();
  h.assertFfastError(h.capture(() => SARR.encode({ v: [null, 'x', null], n: 0 })).error, 'ERR_FFAST_UNSUPPORTED', 'array', "'v[1]'");
  h.assertFfastError(h.capture(() => SNEST.encode({ tag: 0, inner: { name: 'y', n: 0 }, note: null })).error, 'ERR_FFAST_UNSUPPORTED', 'nested', "'inner.name'");
});

test('hostile string members: a typed error naming the member, the same cold and hot; own errors pass through', () => {
  const { S } = open();
  const good = [{ name: 'ok', n: 1 }];
  const bad = [
    ['a number', 42],
    ['a bigint', 1n],
    ['an object', {}],
    ['an array', ['x']],
    ['a symbol', Symbol('s')],
    ['a boolean', true],
    ['a String object', new String('x')], // eslint-disable-line no-new-wrappers
    ['a function', () => 'x'],
    ['a Proxy', new Proxy({}, {})],
    ['a buffer', Buffer.from('abc')],
    ['undefined (a missing member)', undefined],
  ];
  for (const [what, v] of bad) {
    h.coldHotThrows(S.ss_hash, good, [{ name: v, n: 1 }], 'ERR_FFAST_ARG_TYPE', { label: `ss_hash ${what}`, messageIncludes: ["'name'", "argument 0 of 'ss_hash'"] });
    h.coldHotThrows(S.ss_phash, good, [{ name: v, n: 1 }], 'ERR_FFAST_ARG_TYPE', { label: `ss_phash ${what}`, messageIncludes: "'name'" });
  }
  // A getter's own exception passes through, cold and hot, and the next call is unharmed.
  const own = new Error('from the getter');
  const thrower = {
    n: 1,
    get name() {
      throw own;
    },
  };
  for (const f of [S.ss_hash, S.ss_phash]) {
    assert.equal(h.capture(() => f(thrower)).error, own);
    const caller = h.makeCaller(1, 'getter');
    h.N.prepare(caller);
    for (let k = 0; k < h.WARMUP_CALLS; k++) caller(f, { name: 'w', n: 1 });
    h.N.optimizeNext(caller);
    caller(f, { name: 'w', n: 1 });
    assert.equal(h.capture(() => caller(f, thrower)).error, own);
    assert.equal(f({ name: 'after', n: 2 }), hashOf('after', 2));
  }
  // Getters and Proxies that give strings are read as JS reads properties.
  const viaGetter = { n: 4, get name() { return 'g\u00e9t'; } };
  h.coldHot(S.ss_hash, [viaGetter], hashOf('g\u00e9t', 4), FAST);
  const px = new Proxy({}, { get: (_, k) => (k === 'name' ? 'proxied' : k === 'n' ? 9 : undefined) });
  h.coldHot(S.ss_hash, [px], hashOf('proxied', 9), FAST);
});

test('a union cannot hold a string member (decoding reads every member)', () => {
  const { STR } = open();
  for (const make of [
    () => union({ s: 'string', i: 'i64' }),
    () => union({ s: 'char*', d: 'f64' }),
    () => union({ inner: STR, d: 'f64' }),
    () => union({ v: array('string', 2) }),
  ]) {
    const r = h.capture(make);
    assert.ok(!r.ok, 'made');
    h.assertFfastError(r.error, 'ERR_FFAST_TYPE', 'union', 'string');
  }
});

test('strings of an outer call survive the calls made while C runs (nested calls reuse the arena above them)', () => {
  const { S } = open();
  const outer = 'outer \u00e9 '.repeat(2000);
  const big = 'B'.repeat(200000);
  let inner = 0;
  const cb = callback({ parameters: [], result: 'void' }, () => {
    for (let i = 0; i < 50; i++) {
      const s = i % 2 ? big + i : `inner ${i}`;
      if (S.ss_hash({ name: s, n: i }) !== hashOf(s, i)) throw new Error(`inner call ${i} wrong`);
      inner++;
    }
  });
  // (the callback's own ss_hash calls count as slow calls too: nested)
  h.coldHot(S.ss_hash_after, [{ name: outer, n: 5 }, cb], hashOf(outer, 5), { fast: 'slow', nested: true });
  assert.ok(inner >= 100);
  cb.close();
  // a member getter that makes another call while the outer arguments are being encoded
  const o = {
    a: 'first \u00e9',
    get b() {
      assert.equal(S.ss_hash({ name: 'in a getter '.repeat(1000), n: 0 }), hashOf('in a getter '.repeat(1000), 0));
      return 'second';
    },
    n: 1,
  };
  assert.equal(S.ss_hash3(o), (Math.imul(fnv('first \u00e9'), 31) + fnv('second') + 1) >>> 0);
});

test('memory: 20,000 calls with large strings and 20,000 that throw half-way keep nothing', () => {
  const { S } = open();
  const n = ARM ? 2000 : 20000;
  const s = 'm'.repeat(100000); // larger than the arena: its own block per call
  const base = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < n; i++) if (S.ss_hash({ name: s, n: i }) !== hashOf(s, i)) assert.fail(`call ${i}`);
  const own = new Error('half-way');
  const half = { a: s, get b() { throw own; }, n: 0 };
  for (let i = 0; i < n; i++) assert.equal(h.capture(() => S.ss_hash3(half)).error, own);
  // 2 × 20,000 × 100 KB = 4 GB went through; what is left must be far below that
  const grown = process.memoryUsage().arrayBuffers - base;
  assert.ok(grown < 256 * 1024 * 1024, `array buffers grew by ${(grown / 1e6).toFixed(0)} MB`);
  // and the arena is back where it was: a call still works, with the right text
  assert.equal(S.ss_name({ name: 'after', n: 0 }), 'after');
});

test('a string member on the fast path: the wrapper copies, V8 calls the trampoline', () => {
  const { S } = open();
  // every parameter V8 sees is scalar: hot calls are proven fast with any string, even 10 MB
  h.hot(S.ss_hash, [{ name: 'q'.repeat(BIG), n: 1 }], FAST);
  h.hot(S.ss_phash, [{ name: '\u00e9', n: 1 }], FAST);
});

test('a call that throws after its strings were copied (a bad scalar argument found by the native side) keeps nothing either', () => {
  const { S } = open();
  const n = ARM ? 2000 : 20000;
  const s = 'k'.repeat(100000); // a block of its own per call
  const base = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < n; i++) {
    // the struct is encoded (its string copied), then the native conversion refuses 'nope'
    const r = h.capture(() => S.ss_hash_after({ name: s, n: i }, 'nope'));
    if (r.ok || r.error.code !== 'ERR_FFAST_ARG_TYPE') assert.fail(`call ${i}: ${r.ok ? 'returned' : r.error.message}`);
  }
  const grown = process.memoryUsage().arrayBuffers - base;
  assert.ok(grown < 256 * 1024 * 1024, `array buffers grew by ${(grown / 1e6).toFixed(0)} MB`);
  // later calls, cold and hot, still get their own text
  h.coldHot(S.ss_name, [{ name: 'after a throw', n: 0 }], 'after a throw');
  // (ss_hash's wrapper is optimized by the loops of earlier tests: no cold call is left for it)
  assert.equal(S.ss_hash({ name: 'x'.repeat(70000), n: 1 }), hashOf('x'.repeat(70000), 1));
  assert.equal(h.hot(S.ss_hash, [{ name: 'y'.repeat(70000), n: 2 }], FAST), hashOf('y'.repeat(70000), 2));
});
