'use strict';
// C → JS callbacks: same-thread calls (cold and hot callers; functions that take callbacks run
// on the slow path by design), argument/result conversion, errors, lifetime, sorting.
// Foreign threads and workers: callbacks-threads.test.js.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const { ffast, FfastError } = h;
const { callback, Callback } = ffast;

const lib = h.openFixture({
  cb_call_once: { parameters: ['function', 'i32'], result: 'i32' },
  cb_call_once_p: { name: 'cb_call_once', parameters: ['pointer', 'i32'], result: 'i32', callbacks: true },
  cb_call_n: { parameters: ['function', 'i32'], result: 'i64' },
  cb_call_dd: { parameters: ['function', 'f64', 'f64'], result: 'f64' },
  cb_call_ps: { parameters: ['function', 'pointer', 'string'], result: 'i32' },
  cb_call_mix: { parameters: ['function', 'i64'], result: 'i64' },
  cb_call_bool: { parameters: ['function', 'bool'], result: 'i32' },
  cb_call_u64: { parameters: ['function', 'u64'], result: 'u64' },
  cb_call_f32: { parameters: ['function', 'f32'], result: 'f64' },
  cb_call_i8: { parameters: ['function'], result: 'i32' },
  cb_call_ptr: { parameters: ['function', 'pointer'], result: 'pointer' },
  cb_echo_u32: { parameters: ['function', 'u32'], result: 'u32' },
  cb_echo_i64: { parameters: ['function', 'i64'], result: 'i64' },
  cb_echo_usize: { name: 'cb_call_u64', parameters: ['function', 'usize'], result: 'usize' },
  cb_echo_f64: { parameters: ['function', 'f64'], result: 'f64' },
  cb_register: { parameters: ['function'], result: 'void' },
  cb_trigger: { parameters: ['i32'], result: 'i32', callbacks: true },
  cb_trigger_untracked: { name: 'cb_trigger', parameters: ['i32'], result: 'i32' },
  cb_nest: { parameters: ['function', 'i32'], result: 'i32' },
  cb_sort_i32: { parameters: ['buffer', 'usize', 'function'], result: 'void' },
});
const S = lib.symbols;
const SLOW = { fast: 'slow' };

const until = (pred) => h.until(pred, 10000);

test('sync callback once: Callback object, pointer Number and BigInt, hot and cold', () => {
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (x) => x * 3);
  assert.ok(cb instanceof Callback);
  assert.equal(typeof cb.pointer, 'number');
  h.coldHot(S.cb_call_once, [cb, 5], 16, SLOW);
  h.coldHot(S.cb_call_once, [cb.pointer, -7], -20, SLOW);
  h.coldHot(S.cb_call_once, [BigInt(cb.pointer), 1], 4, SLOW);
  // a `pointer` parameter takes the Callback object too
  h.coldHot(S.cb_call_once_p, [cb, 2], 7, SLOW);
  cb.close();
});

test('sync callback N times: every call reaches JS, in order', () => {
  const seen = [];
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (i) => {
    seen.push(i);
    return i * i;
  });
  let want = 0;
  for (let i = 0; i < 1000; i++) want += i * i;
  assert.equal(h.cold(S.cb_call_n, [cb, 1000]), want);
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => i));
  assert.equal(h.hot(S.cb_call_n, [cb, 1000], SLOW), want);
  cb.close();
});

test('double arguments and result', () => {
  const cb = callback({ parameters: ['f64', 'f64'], result: 'f64' }, (a, b) => a / b);
  h.coldHot(S.cb_call_dd, [cb, 1, 3], (1 / 3) * 2, SLOW);
  h.coldHot(S.cb_call_dd, [cb, -0.5, 0], -Infinity, SLOW);
  cb.close();
  const f = callback({ parameters: ['f32'], result: 'f32' }, (x) => x * 2);
  // C passes the f32 0.1f: JS sees Math.fround(0.1); the result is rounded to f32 again.
  h.coldHot(S.cb_call_f32, [f, 0.1], Math.fround(Math.fround(0.1) * 2), SLOW);
  f.close();
});

test('pointer and string arguments: numbers, null for NULL, UTF-8 decoded', () => {
  const got = [];
  const cb = callback({ parameters: ['pointer', 'string'], result: 'i32' }, (p, s) => {
    got.push([p, s]);
    return s === null ? -1 : s.length;
  });
  assert.equal(h.cold(S.cb_call_ps, [cb, 0x1234, 'héllo ✓']), 7);
  assert.equal(h.cold(S.cb_call_ps, [cb, null, null]), -1);
  assert.equal(h.hot(S.cb_call_ps, [cb, 2 ** 40, 'abc'], SLOW), 3);
  assert.deepEqual(got.slice(0, 2), [
    [0x1234, 'héllo ✓'],
    [null, null],
  ]);
  assert.deepEqual(got[got.length - 1], [2 ** 40, 'abc']);
  cb.close();
});

test('every scalar type arrives exactly; 64-bit values beyond 2^53 as BigInt', () => {
  let args;
  const cb = callback(
    { parameters: ['i8', 'u8', 'i16', 'u16', 'bool', 'i64', 'u64', 'f32', 'f64', 'i32', 'u32'], result: 'i64' },
    (...a) => {
      args = a;
      return -(2n ** 62n) - 5n;
    },
  );
  const want = (big) => [-100, 200, -30000, 60000, true, big, 0xfedcba9876543210n, Math.fround(0.1), -2.5, -(2 ** 31), 2 ** 32 - 1];
  assert.equal(h.cold(S.cb_call_mix, [cb, 2n ** 60n]), -(2n ** 62n) - 5n);
  assert.deepEqual(args, want(2n ** 60n));
  assert.equal(h.hot(S.cb_call_mix, [cb, -(2 ** 53) + 1], SLOW), -(2n ** 62n) - 5n);
  assert.deepEqual(args, want(-(2 ** 53) + 1));
  cb.close();

  const b = callback({ parameters: ['bool'], result: 'bool' }, (x) => !x);
  h.coldHot(S.cb_call_bool, [b, true], 3, SLOW);
  h.coldHot(S.cb_call_bool, [b, false], 7, SLOW);
  b.close();
  const u = callback({ parameters: ['u64'], result: 'u64' }, (x) => x + 1n);
  h.coldHot(S.cb_call_u64, [u, 2n ** 64n - 2n], 2n ** 64n - 1n, SLOW);
  u.close();
  const n = callback({ parameters: [], result: 'i8' }, () => 0x1ff); // C casts: (int8_t)0x1ff = -1
  h.coldHot(S.cb_call_i8, [n], -1, SLOW);
  n.close();
  const p = callback({ parameters: ['pointer'], result: 'pointer' }, (x) => (x === null ? 0x10 : null));
  h.coldHot(S.cb_call_ptr, [p, null], 0x10, SLOW);
  h.coldHot(S.cb_call_ptr, [p, 8], null, SLOW);
  p.close();
});

test('arguments that are not small integers (Numbers made per call, BigInts, null) arrive exactly at every bound and echo back, cold and hot', () => {
  // What JS must see for a C value: a Number when it is exact (|v| <= 2^53 - 1 for 64-bit
  // integers and pointers), a BigInt beyond, null for a NULL pointer; floats exactly (-0, NaN,
  // ±Infinity, subnormals). The callback returns what it got, so C gets the value back.
  const W = 2 ** 53 - 1;
  const cases = [
    ['u32', S.cb_echo_u32, [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1]],
    ['i64', S.cb_echo_i64, [0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, W, -W, 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)]],
    ['u64', S.cb_call_u64, [0, 2 ** 31, 2 ** 32 + 5, W, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]],
    ['usize', S.cb_echo_usize, [2 ** 31, W, 2n ** 53n, 2n ** 64n - 1n]],
    ['f64', S.cb_echo_f64, [1, -1, 0.5, -0, NaN, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1]],
    ['pointer', S.cb_call_ptr, [null, 1, 0x7fffffff, 2 ** 31, 2 ** 32 + 8, W, 2n ** 53n, 2n ** 64n - 8n]],
  ];
  for (const [t, fn, values] of cases) {
    const seen = [];
    const cb = callback({ parameters: [t], result: t }, (x) => (seen.push(x), x));
    for (const v of values) {
      const k = seen.length;
      h.coldHot(fn, [cb, v], v, SLOW);
      assert.ok(seen.length > k, `${t} ${String(v)}: the callback ran`);
      for (const x of seen.slice(k)) assert.ok(Object.is(x, v), `${t}: sent ${String(v)}, the callback got ${String(x)}`);
    }
    cb.close();
  }
  // f32 (C doubles the float's result): every float arrives as its exact double.
  const seen = [];
  const f = callback({ parameters: ['f32'], result: 'f32' }, (x) => (seen.push(x), x));
  for (const v of [-0, NaN, Infinity, -Infinity, Math.fround(0.1), 2 ** -149, Math.fround(3.4e38), 2 ** 31]) {
    seen.length = 0;
    h.coldHot(S.cb_call_f32, [f, v], v, SLOW);
    assert.ok(seen.length > 0 && seen.every((x) => Object.is(x, v)), `f32 ${v}: the callback got ${seen}`);
  }
  f.close();
});

test('register, then trigger later from a function declared callbacks: true', () => {
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (x) => x - 1);
  h.cold(S.cb_register, [cb]);
  h.coldHot(S.cb_trigger, [10], 9, SLOW);
  S.cb_register(null);
  h.coldHot(S.cb_trigger, [10], -1, SLOW);
  cb.close();
});

test('a callback reached from an untracked call returns the default and reports ERR_FFAST_CALLBACK_CONTEXT', async () => {
  const errors = [];
  let ran = 0;
  const cb = callback({ parameters: ['i32'], result: 'i32', onError: (e) => errors.push(e) }, (x) => {
    ran++;
    return x;
  });
  S.cb_register(cb);
  // the same on the fast path (V8 forbids JS inside a fast call) and the slow path
  h.coldHot(S.cb_trigger_untracked, [5], 0);
  assert.equal(ran, 0);
  await until(() => errors.length >= 2);
  for (const e of errors) h.assertFfastError(e, 'ERR_FFAST_CALLBACK_CONTEXT', 'untracked', 'default value');
  S.cb_register(null);
  cb.close();
});

test('re-entrancy: JS → C → JS → C → JS', () => {
  const trail = [];
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (d) => {
    trail.push(d);
    return d > 0 ? S.cb_nest(cb, d - 1) : 1;
  });
  // cb_nest(f, d) = f(d) * 10 + d
  const model = (d) => (d > 0 ? model(d - 1) : 1) * 10 + d;
  assert.equal(S.cb_nest(cb, 4), model(4));
  assert.deepEqual(trail, [4, 3, 2, 1, 0]);
  trail.length = 0;
  assert.equal(h.hot(S.cb_nest, [cb, 3], { fast: false }), model(3));
  cb.close();
});

test('own sort with a JS comparator matches Array.prototype.sort', () => {
  const n = 2000;
  const data = Int32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 100003) - 50000);
  const cmp = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => ffast.read.i32(a) - ffast.read.i32(b));
  const mine = data.slice();
  S.cb_sort_i32(mine, n, cmp);
  assert.deepEqual(Array.from(mine), Array.from(data).sort((a, b) => a - b));
  const desc = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => ffast.read.i32(b) - ffast.read.i32(a));
  const d2 = data.slice();
  h.hot(S.cb_sort_i32, [d2, n, desc], { fast: 'slow', stable: false });
  assert.deepEqual(Array.from(d2), Array.from(data).sort((a, b) => b - a));
  cmp.close();
  desc.close();
});

test("libc qsort through dlopen(null) with a JS comparator", () => {
  const libc = ffast.dlopen(null, { qsort: { parameters: ['buffer', 'usize', 'usize', 'function'], result: 'void' } });
  const data = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) * 1000);
  const cmp = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => Math.sign(ffast.read.f64(a) - ffast.read.f64(b)));
  const sorted = data.slice();
  libc.symbols.qsort(sorted, sorted.length, 8, cmp);
  assert.deepEqual(Array.from(sorted), Array.from(data).sort((a, b) => a - b));
  cmp.close();
  libc.close();
});

test('a throwing callback: C gets the default value, onError gets the error', () => {
  const errors = [];
  const boom = new Error('boom');
  const cb = callback({ parameters: ['i32'], result: 'i32', onError: (e) => errors.push(e) }, () => {
    throw boom;
  });
  h.coldHot(S.cb_call_once, [cb, 1], 1, SLOW); // f() + 1 with f() = 0
  assert.ok(errors.length >= 2);
  assert.ok(errors.every((e) => e === boom));
  // a result that does not convert is reported the same way
  const bad = [];
  const wrong = callback({ parameters: ['i32'], result: 'i32', onError: (e) => bad.push(e) }, () => 'nope');
  assert.equal(S.cb_call_once(wrong, 0), 1);
  h.assertFfastError(bad[0], 'ERR_FFAST_ARG_TYPE', 'result', 'invalid callback result');
  const p = callback({ parameters: ['double', 'double'], result: 'double', onError: (e) => bad.push(e) }, () => {
    throw new TypeError('x');
  });
  assert.equal(S.cb_call_dd(p, 1, 2), 0);
  cb.close();
  wrong.close();
  p.close();
});

test('a throwing callback without onError: an uncaught exception after C returned', () => {
  const { spawnSync } = require('node:child_process');
  const src = `
    const h = require(${JSON.stringify(require.resolve('./_helpers'))});
    const lib = h.ffast.dlopen(h.FIXTURE, { cb_call_once: { parameters: ['function', 'i32'], result: 'i32' } });
    const cb = h.ffast.callback({ parameters: ['i32'], result: 'i32' }, () => { throw new Error('from the callback'); });
    console.log('C got ' + lib.symbols.cb_call_once(cb, 1));
  `;
  // Under qemu without binfmt_misc the child must be started through the emulator.
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const r = spawnSync(wrapper || process.execPath, [...(wrapper ? [process.execPath] : []), '-e', src], { encoding: 'utf8' });
  assert.match(r.stdout, /C got 1/);
  assert.match(r.stderr, /Error: from the callback/);
  assert.equal(r.status, 1);
});

test('a closed callback called from C returns the default value and warns', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  let ran = 0;
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (x) => {
    ran++;
    return x;
  });
  const p = cb.pointer;
  S.cb_register(cb);
  assert.equal(S.cb_trigger(3), 3);
  cb.close();
  cb.close(); // idempotent
  assert.equal(cb.closed, true);
  assert.equal(S.cb_trigger(3), 0);
  assert.equal(S.cb_call_once(p, 3), 1);
  assert.equal(ran, 1);
  h.coldHotThrows(S.cb_call_once, null, [cb, 1], 'ERR_FFAST_CLOSED');
  await until(() => warnings.filter((w) => w.code === 'ERR_FFAST_CLOSED').length >= 2);
  assert.ok(warnings[0] instanceof FfastError);
  process.off('warning', onWarning);
  S.cb_register(null);
});

test('5,000 live callbacks; close() recycles their trampolines', () => {
  const [live0] = ffast.__internal.callbackCounts();
  const cbs = Array.from({ length: 5000 }, (_, k) => callback({ parameters: ['i32'], result: 'i32' }, (x) => x + k));
  assert.equal(new Set(cbs.map((c) => c.pointer)).size, 5000);
  const [live1, free1] = ffast.__internal.callbackCounts();
  assert.equal(live1, live0 + 5000);
  for (let k = 0; k < 5000; k += 7) assert.equal(S.cb_call_once(cbs[k], 1), k + 2);
  for (const c of cbs) c.close();
  assert.deepEqual(ffast.__internal.callbackCounts(), [live0, free1 + 5000]);
  // a new callback of the same signature reuses a closed trampoline
  const again = callback({ parameters: ['i32'], result: 'i32' }, (x) => -x);
  assert.deepEqual(ffast.__internal.callbackCounts(), [live0 + 1, free1 + 4999]);
  assert.ok(cbs.some((c) => c.pointer === again.pointer));
  assert.equal(S.cb_call_once(again, 5), -4);
  again.close();
});

test('definition errors are typed', () => {
  const f = () => 0;
  const cases = [
    [{ parameters: ['i32'], result: 'string' }, 'ERR_FFAST_TYPE', 'string'],
    [{ parameters: ['buffer'], result: 'void' }, 'ERR_FFAST_TYPE', 'buffer'],
    [{ parameters: ['i33'], result: 'void' }, 'ERR_FFAST_TYPE', 'i33'],
    [{ parameters: [], result: 'i32', threads: 'queue' }, 'ERR_FFAST_DEFINITION', 'void'],
    [{ parameters: [], result: 'void', threads: 'sometimes' }, 'ERR_FFAST_DEFINITION', 'threads'],
    [{ parameters: [], result: 'void', bogus: 1 }, 'ERR_FFAST_DEFINITION', 'bogus'],
    [{ parameters: [], result: 'void', onError: 5 }, 'ERR_FFAST_DEFINITION', 'onError'],
    [null, 'ERR_FFAST_DEFINITION', 'object'],
  ];
  for (const [def, code, text] of cases) {
    const r = h.capture(() => callback(def, f));
    assert.ok(!r.ok, JSON.stringify(def));
    h.assertFfastError(r.error, code, JSON.stringify(def), text);
  }
  const r = h.capture(() => callback({ parameters: [], result: 'void' }, 42));
  h.assertFfastError(r.error, 'ERR_FFAST_ARG_TYPE', 'not a function');
  // a non-Callback object for a function parameter: the usual pointer type error, hot and cold
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (x) => x);
  h.coldHotThrows(S.cb_call_once, [cb, 1], [{}, 1], 'ERR_FFAST_ARG_TYPE');
  cb.close();
});

test('Symbol.dispose closes', { skip: typeof Symbol.dispose !== 'symbol' }, () => {
  const cb = callback({ parameters: [], result: 'void' }, () => {});
  cb[Symbol.dispose]();
  assert.equal(cb.closed, true);
});

test('a callback may close itself while it runs; later calls get the default', () => {
  const errors = [];
  let calls = 0;
  const cb = callback({ parameters: ['i32'], result: 'i32', onError: (e) => errors.push(e) }, (x) => {
    calls++;
    cb.close();
    throw new Error(`closed itself at ${x}`); // reported through the (still valid) onError
  });
  assert.equal(S.cb_call_n(cb.pointer, 3), 0); // the 2nd and 3rd calls reach a closed callback
  assert.equal(calls, 1);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /closed itself at 0/);
});
