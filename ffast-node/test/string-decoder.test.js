'use strict';
// How `string` results and cstring() become JS strings (docs/strings.md §4): a raw V8 function
// of ffast's own makes them with V8's constructors (one-byte for ASCII, V8's UTF-8 decoder for
// other valid UTF-8, Rust's U+FFFD substitution first for invalid UTF-8), not the N-API
// `cstring`. Checked here: the route taken on every line, the text for every kind of bytes
// (compared with what the N-API route gives in a process without fast calls, and with
// TextDecoder's WHATWG decoding, which substitutes the same maximal subparts), empty, NULL,
// 10 MB, cold and hot (the fast call proven), in a worker, and kept results (ffast_str_release)
// still decoded right.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const h = require('./_helpers.js');
const { ffast, coldHot, slowCalls } = h;

const T = (parameters, result, more) => ({ parameters, result, ...more });
// str_from(s, i) returns s + i: declared with a `buffer` first parameter, its result points
// into the caller's own bytes, which C (and the decoder) read as they are.
const S = h.openFixture({
  bytes_at: T(['buffer', 'usize'], 'string', { name: 'str_from' }),
  bytes_ptr: T(['buffer', 'usize'], 'pointer', { name: 'str_from' }),
  // For the hot loops only: a wrapper optimized by a loop calls the fast path from anywhere,
  // so cold checks use the functions above.
  bytes_loop: T(['buffer', 'usize'], 'string', { name: 'str_from' }),
  str_echo: T(['string'], 'string'),
  static_ascii: T([], 'string'),
  static_utf8: T([], 'string'),
  static_empty: T([], 'string'),
  null_str: T([], 'string'),
}).symbols;

const native = ffast.__internal.native;
const onV8 = ffast.__internal.stringRoute === 'v8';

/** Run `f` counting calls of the N-API decoder (index.js looks `native.cstring` up per call). */
function napiDecodes(f) {
  const orig = native.cstring;
  let n = 0;
  native.cstring = function (...a) {
    n++;
    return orig.apply(this, a);
  };
  try {
    f();
  } finally {
    native.cstring = orig;
  }
  return n;
}

/** NUL-terminated bytes in a Buffer of their own. */
const cbytes = (arr) => Buffer.from([...arr, 0]);
const dec = (arr) => new TextDecoder().decode(Uint8Array.from(arr));

// Byte strings of every kind the decoder tells apart.
const CASES = [
  ['ascii', [...Buffer.from('plain ascii, 20 byte')]],
  ['ascii 0x7f', [0x41, 0x7f, 0x01, 0x42]],
  ['utf-8 é', [...Buffer.from('café')]],
  ['utf-8 ✓ and astral', [...Buffer.from('h\u00e9llo \u2713 \u{1f600}')]],
  ['latin-1 byte 0xe9 alone (not UTF-8)', [0x63, 0x61, 0x66, 0xe9]],
  ['latin-1 bytes 0x80..0xff', Array.from({ length: 128 }, (_, i) => 0x80 + i)],
  ['0xff 0xfe', [0xff, 0xfe, 0x41]],
  ['truncated 3-byte sequence', [0x61, 0xe2, 0x9c, 0x62]],
  ['truncated at the end', [0x61, 0xf0, 0x9f, 0x98]],
  ['surrogate encoded (ED A0 80)', [0x61, 0xed, 0xa0, 0x80, 0x62]],
  ['overlong NUL (C0 80)', [0xc0, 0x80, 0x41]],
  ['overlong slash (E0 80 AF)', [0xe0, 0x80, 0xaf]],
  ['above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['lone continuation bytes', [0x80, 0xbf, 0x41, 0x80]],
  ['5-byte form (F8 88 80 80 80)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
];

test('strings are made by ffast’s own V8 function where fast calls are on, not the N-API cstring', () => {
  assert.equal(ffast.__internal.stringRoute, 'v8', `node ${process.versions.node}`);
  const b = cbytes(Buffer.from('plain ascii'));
  const p = ffast.ptr(b);
  const n = napiDecodes(() => {
    assert.equal(S.bytes_at(b, 0), 'plain ascii');
    assert.equal(ffast.cstring(p), 'plain ascii');
    assert.equal(ffast.cstring(p, 5), 'plain');
    assert.equal(ffast.cstring(BigInt(p), 5), 'plain'); // a BigInt up to 2^53 is a Number address
    assert.equal(S.static_utf8(), 'h\u00e9llo w\u00f6rld \u2713 \u{1f600}');
  });
  assert.equal(n, 0, 'N-API cstring calls');
});

test('every kind of bytes: ASCII one-byte, UTF-8 decoded, invalid UTF-8 as U+FFFD (TextDecoder’s maximal subparts), cold and hot', () => {
  for (const [kind, arr] of CASES) {
    const want = dec(arr);
    const b = cbytes(arr);
    coldHot(S.bytes_at, [b, 0], want, { label: `bytes_at ${kind}` });
    assert.equal(ffast.cstring(ffast.ptr(b)), want, `cstring ${kind}`);
    assert.equal(ffast.cstring(ffast.ptr(b), arr.length), want, `cstring(p, len) ${kind}`);
  }
  // A byte >= 0x80 is never read as Latin-1 (the one-byte constructor takes ASCII only).
  assert.equal(S.bytes_at(cbytes([0xe9]), 0), '\ufffd');
  assert.equal(S.bytes_at(cbytes([0xc3, 0xa9]), 0), '\u00e9');
});

test('the same text as the N-API route (a process without fast calls) for every case', () => {
  const script = `
    const ffast = require(${JSON.stringify(h.PKG)});
    const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, { f: { parameters: ['buffer', 'usize'], result: 'string', name: 'str_from' } });
    const cases = ${JSON.stringify(CASES.map((c) => c[1]))};
    const out = cases.map((a) => { const b = Buffer.from([...a, 0]); return [lib.symbols.f(b, 0), ffast.cstring(ffast.ptr(b), a.length)]; });
    console.log(JSON.stringify({ route: ffast.__internal.stringRoute, out }));`;
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', script];
  const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, {
    encoding: 'utf8',
    env: { ...process.env, FFAST_NO_FAST: '1' },
    timeout: 120000,
  });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.equal(got.route, 'napi');
  CASES.forEach(([kind, arr], i) => {
    const b = cbytes(arr);
    assert.equal(S.bytes_at(b, 0), got.out[i][0], `${kind}: result`);
    assert.equal(ffast.cstring(ffast.ptr(b), arr.length), got.out[i][1], `${kind}: cstring(p, len)`);
  });
});

test('empty, NULL, embedded NUL with a length, static results, cold and hot', () => {
  coldHot(S.static_empty, [], '');
  coldHot(S.null_str, [], null);
  coldHot(S.static_ascii, [], 'plain ascii');
  coldHot(S.static_utf8, [], 'h\u00e9llo w\u00f6rld \u2713 \u{1f600}');
  const b = cbytes([0x61, 0, 0x62, 0xc3, 0xa9]);
  const p = ffast.ptr(b);
  assert.equal(ffast.cstring(p), 'a');
  assert.equal(ffast.cstring(p, 5), 'a\0b\u00e9');
  assert.equal(ffast.cstring(p, 0), '');
  assert.equal(ffast.cstring(p, -0), '');
  assert.equal(ffast.cstring(null), null);
  assert.equal(ffast.cstring(0, 3), null);
  coldHot(S.bytes_at, [b, 1], '');
});

test('hot loops: 10^5 decodes of changing bytes, every result right (fast call proven before)', () => {
  const b = Buffer.alloc(64);
  const want = [];
  for (let k = 0; k < 8; k++) want.push(k % 2 ? `m\u00e9ssage number ${k}` : `message number ${k}`);
  const loop = new Function('f', 'b', 'want', 'Buffer', `
    let bad = 0;
    for (let i = 0; i < 100000; i++) {
      const k = i & 7;
      b.fill(0); b.write(want[k]);
      if (f(b, 0) !== want[k]) bad++;
    }
    return bad;`);
  coldHot(S.bytes_loop, [cbytes(Buffer.from(want[1])), 0], want[1]);
  assert.equal(loop(S.bytes_loop, b, want, Buffer), 0);
  const before = slowCalls();
  assert.equal(loop(S.bytes_loop, b, want, Buffer), 0);
  assert.ok(slowCalls() - before < 100, `slow calls in the second hot loop: ${slowCalls() - before}`);
});

test('10 MB: ASCII, UTF-8 and invalid bytes, through results and cstring, cold and hot', () => {
  const ascii = Buffer.alloc(10 << 20, 'abcdefghij');
  const utf8 = Buffer.alloc(10 << 20, '\u00e9t\u00e9 ');
  const invalid = Buffer.alloc(10 << 20, Buffer.from([0x61, 0x62, 0xe9]));
  for (const [kind, big] of [['ascii', ascii], ['utf-8', utf8], ['invalid', invalid]]) {
    const b = Buffer.concat([big, Buffer.from([0])]);
    const want = big.toString('utf8');
    coldHot(S.bytes_at, [b, 0], want, { stable: false, identical: false, label: `bytes_at 10 MB ${kind}` });
    assert.equal(ffast.cstring(ffast.ptr(b)), want, `cstring 10 MB ${kind}`);
    assert.equal(ffast.cstring(ffast.ptr(b), 1 << 20), big.subarray(0, 1 << 20).toString('utf8'), `cstring 1 MB of 10 ${kind}`);
  }
  // A result pointing into the argument's copy (the per-thread kept result, 10 MB: released
  // once decoded) decodes through the same function.
  const s = 'x'.repeat(10 << 20);
  coldHot(S.str_echo, [s], s, { stable: false, label: 'str_echo 10 MB' });
});

test('kept results (pointing into argument copies) decode right through the V8 route', () => {
  for (const s of ['', 'a', 'abc\u00e9', 'z'.repeat(300), '\u2713'.repeat(500)]) {
    coldHot(S.str_echo, [s], s, { label: `str_echo ${s.length}` });
  }
});

test('a worker thread gets a decoder of its own isolate', async () => {
  const { Worker } = require('node:worker_threads');
  const w = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const ffast = require(${JSON.stringify(h.PKG)});
     const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, { f: { parameters: ['buffer', 'usize'], result: 'string', name: 'str_from' } });
     const out = [];
     for (let i = 0; i < 20000; i++) out.push(lib.symbols.f(Buffer.from('w\\u00f6rker ' + (i % 10) + '\\0'), 0));
     parentPort.postMessage({ route: ffast.__internal.stringRoute, ok: out.every((s, i) => s === 'w\\u00f6rker ' + (i % 10)), last: out.at(-1) });`,
    { eval: true },
  );
  const msg = await new Promise((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  await w.terminate();
  assert.deepEqual(msg, { route: 'v8', ok: true, last: 'w\u00f6rker 9' });
  assert.equal(S.bytes_at(cbytes(Buffer.from('main')), 0), 'main');
});

test('pointer results decoded by cstring: the same text as string results, hot', () => {
  const b = cbytes(Buffer.from('via cstring \u00e9'));
  const f = new Function('f', 'cs', 'b', 'return cs(f(b, 0))');
  let r;
  for (let i = 0; i < 2e4; i++) r = f(S.bytes_ptr, ffast.cstring, b);
  assert.equal(r, 'via cstring \u00e9');
  assert.equal(napiDecodes(() => f(S.bytes_ptr, ffast.cstring, b)), onV8 ? 0 : 1);
});
