'use strict';
// Strings: JS -> NUL-terminated UTF-8 (exact bytes checked by C copying them out), C const char*
// -> JS string, NULL both ways, one-byte (Latin-1) V8 strings that must be re-encoded ("é" ->
// C3 A9), long strings, two-byte strings and cons strings (slow path, still correct), U+0000 cuts.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot } = h;

const T = (parameters, result) => ({ parameters, result });
const S = h.openFixture({
  c_strlen: T(['string'], 'usize'),
  copy_str: T(['string', 'buffer', 'usize'], 'usize'),
  str_fnv1a: T(['string'], 'u32'),
  str_byte_at: T(['string', 'usize'], 'i32'),
  str_is_null: T(['string'], 'i32'),
  str_cmp: T(['string', 'string'], 'i32'),
  strlen_sum3: T(['string', 'i32', 'string', 'f64', 'string'], 'usize'),
  static_utf8: T([], 'string'),
  static_ascii: T([], 'string'),
  static_empty: T([], 'string'),
  null_str: T([], 'string'),
  static_long: T([], 'string'),
  c_strlen_alias: { name: 'c_strlen', parameters: ['const char*'], result: 'size_t' },
  static_utf8_alias: { name: 'static_utf8', parameters: [], result: 'char*' },
}).symbols;

// UTF-8 bytes C must see: everything before the first U+0000
const cBytes = (s) => Buffer.from(s.split('\0')[0], 'utf8');
const fnv1a = (bytes) => {
  let x = 2166136261;
  for (const b of bytes) x = Math.imul(x ^ b, 16777619) >>> 0;
  return x;
};

const latin1Long = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(32 + (i % 224))).join('');
const ONE_BYTE = ['', 'a', 'hello', 'é', 'ÿ', '\x80', 'abcdefghij\xe9k', 'abcdefgh\xff', 'abcdefghijklmnopqrstuvw\x80', 'café crème brûlée', 'ab\0cd', '\0', latin1Long,
  Array(2048).fill('xy').join('')];
const TWO_BYTE = ['€', '😀', 'ĀāĂ', 'é\u0100', 'héllo wörld ✓ 😀', '日本語テキスト', Array(700).fill('ü€😀').join('')];
const cons = (s) => 'cons-string-prefix-'.repeat(2) + s + '-suffix'; // length >= 13: a V8 ConsString

function checkString(s, fast) {
  const bytes = cBytes(s);
  const opts = fast === false ? { fast: false } : {};
  coldHot(S.c_strlen, [s], bytes.length, opts);
  coldHot(S.c_strlen_alias, [s], bytes.length, opts);
  coldHot(S.str_fnv1a, [s], fnv1a(bytes), opts);
  coldHot(S.str_is_null, [s], 0, opts);
  coldHot(S.str_byte_at, [s, bytes.length], 0, opts); // the NUL terminator
  if (bytes.length) coldHot(S.str_byte_at, [s, bytes.length - 1], bytes[bytes.length - 1], opts);
}

test('one-byte (Latin-1) flat strings arrive as UTF-8, NUL-terminated, U+0000 cuts (fast path)', () => {
  for (const s of ONE_BYTE) checkString(s);
});

test('two-byte strings arrive as UTF-8 (slow path allowed)', () => {
  for (const s of TWO_BYTE) checkString(s, false);
});

test('cons strings arrive as UTF-8 (slow path allowed)', () => {
  for (const s of ['abc', 'é', '😀', latin1Long]) checkString(cons(s), false);
});

test('copy_str: exact UTF-8 bytes (é = C3 A9, emoji = 4 bytes)', () => {
  const cases = [['é', [0xc3, 0xa9]], ['ÿ', [0xc3, 0xbf]], ['\x80', [0xc2, 0x80]], ['€', [0xe2, 0x82, 0xac]],
    ['😀', [0xf0, 0x9f, 0x98, 0x80]], ['aé😀', [0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]], ['a\0b', [0x61]]];
  for (const [s, want] of cases) {
    const out = new Uint8Array(64);
    const opts = /^[\x00-\xff]*$/.test(s) ? {} : { fast: false };
    const r = h.cold(S.copy_str, [s, out, 64]);
    assert.equal(r, want.length, `cold copy_str(${JSON.stringify(s)}) length`);
    assert.deepEqual([...out.subarray(0, want.length)], want, `cold copy_str(${JSON.stringify(s)}) bytes`);
    assert.equal(out[want.length], 0);
    out.fill(0);
    const r2 = h.hot(S.copy_str, [s, out, 64], opts);
    assert.equal(r2, want.length, `hot copy_str(${JSON.stringify(s)}) length`);
    assert.deepEqual([...out.subarray(0, want.length)], want, `hot copy_str(${JSON.stringify(s)}) bytes`);
  }
});

test('long strings (> 1 KiB, 1 MiB): every byte reaches C', () => {
  const big = Array(1 << 18).fill('abcd').join(''); // 1 MiB one-byte flat
  checkString(big);
  const bigLatin1 = Array(1 << 16).fill('àéîõ').join(''); // 256 Ki chars -> 512 KiB UTF-8
  checkString(bigLatin1);
});

test('two strings in one call, and strings mixed with numbers', () => {
  for (const [a, b] of [['a', 'b'], ['b', 'a'], ['é', 'é'], ['e', 'é'], ['', 'x']]) {
    const ba = cBytes(a), bb = cBytes(b);
    const c = Buffer.compare(ba, bb);
    coldHot(S.str_cmp, [a, b], c);
  }
  coldHot(S.strlen_sum3, ['abc', 2, 'éé', 3.7, 'xyz!'], 3 + 2000 + 4 * 100 + 30000 + 40);
});

test('NULL string argument: null/undefined -> NULL', () => {
  coldHot(S.str_is_null, [null], 1);
  coldHot(S.str_is_null, [undefined], 1);
  coldHot(S.str_is_null, [''], 0);
});

test('const char* results decode as UTF-8; NULL -> null', () => {
  coldHot(S.static_utf8, [], 'héllo wörld ✓ 😀');
  coldHot(S.static_utf8_alias, [], 'héllo wörld ✓ 😀');
  coldHot(S.static_ascii, [], 'plain ascii');
  coldHot(S.static_empty, [], '');
  coldHot(S.null_str, [], null);
  const want = Array.from({ length: 4096 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  coldHot(S.static_long, [], want);
});

test('slow-path strings around the 1 KiB stack scratch: every length from 1012 to 1032 UTF-8 bytes', () => {
  // Two-byte strings take the slow path, which copies short strings into a 1 KiB stack buffer
  // and longer ones to the heap; a truncated copy must never be mistaken for a complete one.
  for (let n = 1012; n <= 1032; n++) {
    for (const tail of ['', 'é', '€', '😀']) {
      const body = '€' + 'x'.repeat(n - 3 - Buffer.byteLength(tail)); // '€' makes it two-byte
      const s = body + tail;
      const bytes = cBytes(s);
      coldHot(S.c_strlen, [s], bytes.length, { fast: false });
      coldHot(S.str_fnv1a, [s], fnv1a(bytes), { fast: false });
    }
  }
  // Several strings in one call share the scratch: the second overflows it.
  const a = '€' + 'a'.repeat(700), b = '€' + 'b'.repeat(700);
  coldHot(S.str_cmp, [a, b], Buffer.compare(cBytes(a), cBytes(b)), { fast: false });
});
