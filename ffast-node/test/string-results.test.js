'use strict';
// `string` results that point into `string` arguments (docs/strings.md §2). C's strstr,
// strchr, strpbrk, basename, strtok… return pointers into their argument; the argument's C
// copy is ffast's for the call only (a stack scratch or a heap block on the fast path, the slow
// path's scratch, a nonblocking job's copies), so the text must be taken out before the copy
// ends. Every result is compared, cold, hot (fast path proven) and in hot loops of 10^5 calls,
// for copies of every size class (the trampoline's 256-byte scratch, the slow path's 1 KiB
// scratch, the heap) and for results into the 1st, 2nd or 3rd string argument.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, coldHot, coldHotAsync, N, slowCalls } = h;
const { struct, array, pointer, inout, callback } = ffast;

const T = (parameters, result, more) => ({ parameters, result, ...more });
const Off = struct({ skip: 'i32' });
const Named = struct({ len: 'i32', name: array('u8', 28) });
const I9 = Array(9).fill('i64');
const S = h.openFixture({
  str_echo: T(['string'], 'string'),
  str_from: T(['string', 'usize'], 'string'),
  str_pick3: T(['string', 'string', 'string', 'i32', 'usize'], 'string'),
  str_pick_stack: T([...I9, 'string', 'string', 'i32'], 'string'),
  str_split: T(['string', 'i32'], 'string'),
  str_echo_after: T(['string', 'function'], 'string'),
  str_skip_by: T([Off, 'string'], 'string'),
  named_text: T([inout(pointer(Named))], 'string'),
  named_wide: T([inout(pointer(Named))], 'i64'),
  str_echo_nb: T(['string'], 'string', { name: 'str_echo', nonblocking: true }),
  str_pick3_nb: T(['string', 'string', 'string', 'i32', 'usize'], 'string', { name: 'str_pick3', nonblocking: true }),
}).symbols;
const LIBC = {
  strstr: T(['string', 'string'], 'string'),
  strchr: T(['string', 'i32'], 'string'),
  strrchr: T(['string', 'i32'], 'string'),
  strpbrk: T(['string', 'string'], 'string'),
  basename: T(['string'], 'string'),
  strtok: T(['string', 'string'], 'string'),
};
const libc = h.register(ffast.dlopen(null, LIBC), LIBC).symbols;

/**
 * A flat, sequential string of `n` characters from `alphabet` (a join() result: what V8's fast
 * path takes when every character is Latin-1).
 */
function text(n, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 ', shift = 0) {
  const chars = [...alphabet];
  const block = Array.from({ length: Math.min(n, 4096) }, (_, i) => chars[(i + shift) % chars.length]).join('');
  if (n <= 4096) return block;
  const parts = Array(Math.floor(n / 4096)).fill(block);
  parts.push(block.slice(0, n % 4096));
  return parts.join('');
}

/** UTF-8 length as C sees it. */
const u8len = (s) => Buffer.byteLength(s, 'utf8');

// Lengths in UTF-8 bytes around each size class: the trampoline's 256-byte scratch (255 + NUL
// fits), the slow path's 1 KiB scratch, and the heap.
const LENGTHS = [0, 1, 254, 255, 256, 257, 411, 1023, 1024, 1025, 4096];
const LATIN1 = 'aéÿ\x80bçñ'; // one-byte in V8, 1–2 bytes each in UTF-8: re-encoded into the copy
const TWO_BYTE = 'a€bĀЖ✓'; // two-byte in V8 (the slow path); 1–3 bytes each in UTF-8
const ASTRAL = 'x😀y🎉'; // surrogate pairs: 4 bytes each in UTF-8

/** Strings whose UTF-8 form has about `n` bytes, of each kind (fast: a flat one-byte string). */
function samplesOf(n) {
  const ascii = text(n);
  const latin = text(Math.ceil(n / 1.5), LATIN1);
  const two = text(Math.ceil(n / 2.4), TWO_BYTE);
  return [
    { s: ascii, fast: true, kind: 'ascii' },
    { s: latin, fast: true, kind: 'latin1' },
    { s: two, fast: false, kind: 'two-byte' },
    // A cons string (concatenation): the slow path too.
    { s: n > 13 ? ascii.slice(0, 7) + ascii.slice(7) : ascii, fast: n <= 13, kind: 'cons' },
  ];
}

let loopId = 0;
/**
 * `n` calls of fn(...args) from one TurboFan-optimized loop, each result compared with
 * `want`; returns the number of wrong results. With `fast`, every call of the measured run
 * must take the fast path (slowCalls() unchanged, the loop still TurboFan afterwards).
 */
function hotLoop(fn, args, want, n, fast) {
  const params = args.map((_, i) => `a${i}`).join(', ');
  const loop = new Function(
    `return function str_loop_${++loopId}(f, want, n${params ? ', ' + params : ''}) {
      let bad = 0;
      for (let i = 0; i < n; i++) if (f(${params}) !== want) bad++;
      return bad;
    };`,
  )();
  N.prepare(loop);
  for (let k = 0; k < h.WARMUP_CALLS; k++) loop(fn, want, 2, ...args);
  N.optimizeNext(loop);
  loop(fn, want, 1, ...args);
  const before = slowCalls();
  const bad = loop(fn, want, n, ...args);
  const slow = slowCalls() - before;
  if (fast) {
    assert.ok(N.isTurbofan(loop), `${fn.name}: the loop left TurboFan`);
    assert.equal(slow, 0, `${fn.name}: ${slow} of ${n} calls took the slow path`);
  }
  return bad;
}

/** The text from UTF-8 byte `i` of `s` on, as C's pointer s + i decodes. */
const fromByte = (s, i) => Buffer.from(s, 'utf8').subarray(i).toString('utf8');

const fmt = (s) => `${s.length} chars (${u8len(s)} UTF-8 bytes)`;

test('a result pointing at the argument itself (echo): every size class and kind, cold and hot', () => {
  for (const n of LENGTHS) {
    for (const { s, fast, kind } of samplesOf(n)) {
      coldHot(S.str_echo, [s], s, { fast: fast ? true : undefined, label: `str_echo ${kind} ${fmt(s)}` });
    }
    const a = text(Math.ceil(n / 2.5), ASTRAL);
    coldHot(S.str_echo, [a], a, { label: `str_echo astral ${fmt(a)}` });
  }
});

test('a result pointing into the argument at every offset up to its NUL', () => {
  for (const n of [1, 255, 256, 257, 411, 4096]) {
    for (const { s, fast, kind } of samplesOf(n)) {
      const bytes = Buffer.from(s, 'utf8');
      for (const i of [0, 1, bytes.length >> 1, bytes.length - 1, bytes.length]) {
        if (i < 0 || i > bytes.length) continue;
        // Offsets that cut a UTF-8 sequence decode as U+FFFD, the same cold and hot.
        const want = bytes.subarray(i).toString('utf8');
        coldHot(S.str_from, [s, i], want, { fast: fast ? true : undefined, label: `str_from ${kind} ${fmt(s)} +${i}` });
      }
    }
  }
});

test('a result pointing into the 1st, 2nd or 3rd of several string arguments (scratch and heap copies, any order)', () => {
  const pool = [text(3, 'xyz'), text(300), text(255, LATIN1), text(4096, 'qrst'), text(40, TWO_BYTE)];
  for (const order of [[0, 1, 2], [1, 2, 3], [3, 0, 1], [2, 3, 0], [4, 1, 0], [0, 4, 3]]) {
    const args = order.map((k) => pool[k]);
    const fast = !order.includes(4);
    for (let which = 0; which < 3; which++) {
      const bytes = Buffer.from(args[which], 'utf8');
      for (const skip of [0, 1, bytes.length >> 1, bytes.length]) {
        const want = bytes.subarray(skip).toString('utf8');
        coldHot(S.str_pick3, [...args, which, skip], want, { fast: fast ? true : undefined, label: `str_pick3 ${order} #${which}+${skip}` });
      }
    }
    coldHot(S.str_pick3, [...args, 3, 0], null, { label: `str_pick3 ${order} NULL` });
  }
});

test('strings passed on the stack (after nine integers): results into either', () => {
  const ints = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (const [a, b] of [[text(5), text(6, 'XY')], [text(300), text(255, LATIN1)], [text(2000, LATIN1), text(9)]]) {
    coldHot(S.str_pick_stack, [...ints, a, b, 0], a, { fast: true });
    coldHot(S.str_pick_stack, [...ints, a, b, 1], b, { fast: true });
  }
});

test('a result beyond a NUL that C wrote into the copy (strsep-like): the whole copy counts', () => {
  for (const n of [0, 1, 200, 251, 252, 300, 1100, 5000]) {
    for (const v of [text(n), text(n, LATIN1), text(n, TWO_BYTE)]) {
      const s = ['key', '=', v].join('');
      const fast = !/[^\x00-\xff]/.test(s);
      coldHot(S.str_split, [s, 0x3d], v, { fast: fast ? true : undefined, label: `str_split ${fmt(s)}` });
      coldHot(S.str_split, [s, 0x23], null, { label: `str_split ${fmt(s)} no separator` });
    }
  }
});

test("libc's strstr, strchr, strrchr, strpbrk, basename, strtok through dlopen(null)", () => {
  for (const n of [1, 255, 256, 257, 411, 4096]) {
    for (const { s, fast } of samplesOf(n)) {
      if (s.length < 1) continue;
      const opts = { fast: fast ? true : undefined };
      const needle = s.slice(-Math.min(4, s.length));
      coldHot(libc.strstr, [s, needle], s.slice(s.indexOf(needle)), opts);
      const c = s.charCodeAt(s.length >> 1);
      if (c < 0x80) {
        const ch = String.fromCharCode(c);
        coldHot(libc.strchr, [s, c], s.slice(s.indexOf(ch)), opts);
        coldHot(libc.strrchr, [s, c], s.slice(s.lastIndexOf(ch)), opts);
        coldHot(libc.strpbrk, [s, ch + '\x01'], s.slice(s.indexOf(ch)), opts);
      }
      coldHot(libc.strchr, [s, 0x7e], null, opts);
    }
  }
  for (const p of ['/usr/lib/libc.so.6', 'file.txt', '/a/b/', '/', ['/', 'x'.repeat(300), '/tail-é'].join('')]) {
    const want = p.endsWith('/') ? '' : p.slice(p.lastIndexOf('/') + 1);
    coldHot(libc.basename, [p], want, { fast: true, label: `basename ${p.length}` });
  }
  // strtok's first token lies in the copy of its first argument (later calls with NULL would
  // read a copy that is gone: C may not keep a string argument past the call).
  for (const s of ['  alpha beta', ['  ', 'x'.repeat(400), ' y'].join('')]) {
    coldHot(libc.strtok, [s, ' '], s.trim().split(' ')[0], { fast: true });
  }
});

test('hot loops of 10^5 calls: every result right (fast path, every call)', () => {
  const N5 = 100000;
  for (const n of [1, 255, 256, 257, 411, 4096]) {
    const s = text(n);
    const needle = s.slice(-Math.min(4, n));
    const found = s.slice(s.indexOf(needle));
    assert.equal(hotLoop(libc.strstr, [s, needle], found, N5, true), 0, `strstr, ${n} bytes`);
    assert.equal(hotLoop(S.str_echo, [s], s, N5, true), 0, `str_echo, ${n} bytes`);
    const l = text(Math.ceil(n / 1.5), LATIN1);
    assert.equal(hotLoop(S.str_echo, [l], l, N5, true), 0, `str_echo, Latin-1 ${fmt(l)}`);
  }
  const hay = 'hello world, this is a test string';
  assert.equal(hotLoop(libc.strstr, [hay, 'test'], 'test string', N5, true), 0);
  assert.equal(hotLoop(libc.strchr, [hay, 0x77], 'world, this is a test string', N5, true), 0);
  const args = [text(3, 'xyz'), text(300), text(255, LATIN1)];
  for (let which = 0; which < 3; which++) {
    assert.equal(hotLoop(S.str_pick3, [...args, which, 1], fromByte(args[which], 1), N5, true), 0, `str_pick3 #${which}`);
  }
});

test('hot loops on the slow path (two-byte and cons strings): every result right', () => {
  const N5 = 100000;
  for (const n of [1, 255, 411, 1024, 4096]) {
    const s = text(Math.ceil(n / 2.4), TWO_BYTE);
    assert.equal(hotLoop(S.str_echo, [s], s, N5, false), 0, `str_echo two-byte ${fmt(s)}`);
    const c = text(n) + 'é!';
    assert.equal(hotLoop(S.str_echo, [c], c, N5, false), 0, `str_echo cons ${fmt(c)}`);
  }
  const args = [text(30, TWO_BYTE), text(600, TWO_BYTE), text(3, 'xyz') + 'cons-tail-string'];
  for (let which = 0; which < 3; which++) {
    assert.equal(hotLoop(S.str_pick3, [...args, which, 2], fromByte(args[which], 2), N5, false), 0, `str_pick3 #${which}`);
  }
});

test('10 MB strings: echo and strstr, cold and hot', () => {
  const big = text(10 << 20);
  coldHot(S.str_echo, [big], big, { fast: true, stable: false, label: 'str_echo 10 MB' });
  const needle = big.slice(-9);
  coldHot(libc.strstr, [big, needle], big.slice(big.indexOf(needle)), { fast: true, stable: false, label: 'strstr 10 MB' });
  const latin = text(3 << 20, LATIN1); // 3 Mi one-byte chars, ~5 MB of UTF-8
  coldHot(S.str_echo, [latin], latin, { fast: true, stable: false, label: 'str_echo Latin-1 5 MB' });
  const two = text(2 << 20, TWO_BYTE);
  coldHot(S.str_echo, [two], two, { stable: false, label: 'str_echo two-byte' });
});

test('a function that calls back into JS (slow path): the result survives other string calls the callback made', () => {
  let inner = 0;
  const cb = callback({ parameters: [], result: 'void' }, () => {
    // Other calls that keep results on this thread, while the outer call's C is running.
    assert.equal(S.str_echo('inner echo ' + inner), 'inner echo ' + inner);
    assert.equal(libc.strstr('hello inner world', 'inner'), 'inner world');
    inner++;
  });
  try {
    for (const n of [1, 300, 2000]) {
      for (const s of [text(n), text(n, LATIN1), text(n, TWO_BYTE)]) {
        for (let k = 0; k < 2000; k++) {
          const r = S.str_echo_after(s, cb);
          if (r !== s) assert.fail(`str_echo_after(${fmt(s)}) gave ${fmt(r)} at call ${k}`);
        }
      }
    }
    assert.equal(inner, 9 * 2000);
  } finally {
    cb.close();
  }
});

test('nonblocking calls settle with the text their argument copies held', async () => {
  for (const n of [1, 255, 256, 1025, 5000]) {
    for (const { s, kind } of samplesOf(n)) {
      await coldHotAsync(S.str_echo_nb, [s], s, { label: `str_echo_nb ${kind} ${fmt(s)}` });
    }
  }
  const args = [text(3, 'xyz'), text(3000, LATIN1), text(40, TWO_BYTE)];
  for (let which = 0; which < 3; which++) {
    await coldHotAsync(S.str_pick3_nb, [...args, which, 1], fromByte(args[which], 1));
  }
  // Many in flight at once (lane and pool), each with its own copies.
  const many = Array.from({ length: 64 }, (_, i) => text(100 + i * 37, i % 2 ? LATIN1 : 'abc', i));
  assert.deepEqual(await Promise.all(many.map((s) => S.str_echo_nb(s))), many);
});

test('struct wrappers: a struct by value then the string; pointer(T) results read before the copy-back', () => {
  for (const s of [text(5), text(300), text(300, LATIN1), text(20, TWO_BYTE)]) {
    for (const skip of [0, 3]) {
      coldHot(S.str_skip_by, [{ skip }, s], Buffer.from(s).subarray(skip).toString(), { label: `str_skip_by ${fmt(s)} +${skip}` });
    }
  }
  const named = (name) => ({ len: 0, name: [...Buffer.from(name), ...Array(28 - Buffer.byteLength(name)).fill(0)] });
  coldHot(S.named_text, [named('first name')], 'first name');
  // The copy-back into the caller's object runs its setter, which calls the same function
  // again (reusing the wrapper's pointer(T) temporary) and others that keep results on this
  // thread (the wide slot, the kept string): the outer result was taken before.
  const sets = { n: 0 };
  const reentrant = (name) => {
    const o = named(name);
    Object.defineProperty(o, 'len', {
      get: () => 0,
      set: () => {
        sets.n++;
        assert.equal(S.named_text(named('inner!')), 'inner!');
        assert.equal(S.named_wide({ ...named('x'), len: 41 }), 2n ** 60n + 42n);
        assert.equal(S.str_echo('another kept result'), 'another kept result');
      },
    });
    return o;
  };
  assert.equal(S.named_text(reentrant('outer text')), 'outer text');
  assert.equal(S.named_wide(reentrant('outer')), 2n ** 60n + 1n);
  assert.equal(h.hot(S.named_text, [reentrant('outer, hot')]), 'outer, hot');
  assert.equal(h.hot(S.named_wide, [reentrant('outer, hot')]), 2n ** 60n + 1n);
  assert.equal(sets.n, 2 + 2 * (h.WARMUP_CALLS + 2));
});

test('heap copies are freed: 2 x 10^4 calls per path with 3-8 KB strings after a warm-up, RSS flat', () => {
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc');
  const s = text(8000);
  const l = text(3000, LATIN1);
  const two = text(3000, TWO_BYTE);
  // Two-byte strings always take the slow path (its heap copies); one-byte ones the fast path
  // once the loop and the wrapper are optimized. Every copy here is beyond both scratches.
  const churn = new Function(
    'S',
    'assert',
    's',
    'l',
    'two',
    `return function str_churn(n) {
      for (let k = 0; k < n; k++) {
        if (S.str_echo(two) !== two) assert.fail('slow-path echo');
        if (S.str_echo(s) !== s) assert.fail('echo');
        if (S.str_pick3(s, l, two, 1, 0) !== l) assert.fail('pick3');
      }
    };`,
  )(S, assert, s, l, two);
  churn(5000);
  gc();
  const before = process.memoryUsage.rss();
  churn(20000);
  gc();
  const grew = (process.memoryUsage.rss() - before) / 2 ** 20;
  // Leaking the copies would be ~20,000 x 20 KB = 400 MB; the JS strings made are garbage.
  assert.ok(grew < 40, `RSS grew by ${grew.toFixed(1)} MB`);
});
