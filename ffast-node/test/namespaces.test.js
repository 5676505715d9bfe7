'use strict';
// lib.symbols (eager dlopen of up to 128 symbols), ffast.read and ffast.write are objects V8
// keeps in fast mode (index.js `namespace`): TurboFan folds `lib.symbols.f` / `read.i32` in a
// hot loop into the constant function and inlines its wrapper. In dictionary mode (what
// Object.create(null) gives) each call paid a generic load and a call that was not inlined,
// ~1.7x a call through a local on Node 20 and 26 (bench loops, not asserted here). Checked:
// fast mode, and that nothing visible changed (null prototype, frozen, key order, descriptors,
// keys such as __proto__), and hot loops through the namespace: fast path, right results,
// typed errors reached in a local catch.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast } = h;

const hasFast = new Function('o', 'return %HasFastProperties(o);');
const T = (parameters, result, more) => ({ parameters, result, ...more });

test('eager lib.symbols, ffast.read and ffast.write are fast-mode objects', () => {
  const lib = ffast.dlopen(h.FIXTURE, { add_i32: T(['i32', 'i32'], 'i32'), id_f64: T(['f64'], 'f64') });
  assert.equal(hasFast(lib.symbols), true, 'lib.symbols');
  assert.equal(hasFast(ffast.read), true, 'ffast.read');
  assert.equal(hasFast(ffast.write), true, 'ffast.write');
  const many = {};
  for (let i = 0; i < 128; i++) many[`f${i}`] = T(['i32', 'i32'], 'i32', { name: 'add_i32' });
  const big = ffast.dlopen(h.FIXTURE, many);
  assert.equal(hasFast(big.symbols), true, '128 symbols');
  assert.equal(big.symbols.f127(40, 2), 42);
  big.close();
  lib.close();
});

test('what a namespace looks like is unchanged: null prototype, frozen, declaration order, read-only descriptors, any key', () => {
  const defs = {
    add_i32: T(['i32', 'i32'], 'i32'),
    __proto__x: T(['i32', 'i32'], 'i32', { name: 'add_i32' }),
    ['__proto__']: T(['i32', 'i32'], 'i32', { name: 'add_i32' }),
    toString: T(['i32', 'i32'], 'i32', { name: 'add_i32' }),
    constructor: T(['i32', 'i32'], 'i32', { name: 'add_i32' }),
    missing: T([], 'i32', { name: 'no_such_symbol_anywhere', optional: true }),
  };
  // A computed '__proto__' key is an own property of the definitions object.
  assert.ok(Object.hasOwn(defs, '__proto__'));
  for (const n of [6, 300]) {
    const d = { ...defs };
    for (let i = 6; i < n; i++) d[`g${i}`] = T(['i32', 'i32'], 'i32', { name: 'add_i32' });
    const lib = ffast.dlopen(h.FIXTURE, d);
    const s = lib.symbols;
    assert.equal(Object.getPrototypeOf(s), null);
    assert.equal(Object.isFrozen(s), true);
    assert.deepEqual(Reflect.ownKeys(s), Reflect.ownKeys(d));
    for (const k of ['add_i32', '__proto__', 'toString', 'constructor']) {
      const desc = Object.getOwnPropertyDescriptor(s, k);
      assert.equal(typeof desc.value, 'function', k);
      h.assertReadOnlyNamespace(s, k);
      assert.equal(desc.value.name, k);
      assert.equal(s[k](2, 3), 5, k);
    }
    assert.deepEqual(Object.getOwnPropertyDescriptor(s, 'missing'), { value: null, writable: false, enumerable: true, configurable: false });
    lib.close();
  }
  for (const ns of [ffast.read, ffast.write]) {
    assert.equal(Object.getPrototypeOf(ns), null);
    assert.equal(Object.isFrozen(ns), true);
    assert.equal(typeof ns.i32, 'function');
    assert.equal(ns.usize, ns.u64, 'aliases are the same function');
  }
});

test('hot loops calling through lib.symbols.f and read.i32 take the fast path; a bad value reaches the local catch', () => {
  const lib = ffast.dlopen(h.FIXTURE, { add_i32: T(['i32', 'i32'], 'i32') });
  const buf = new Int32Array([7, 0]);
  const p = ffast.ptr(buf);
  const { read } = ffast;
  const loopSym = new Function('lib', `return function nsLoopSym(n, b) { let s = 0; for (let k = 0; k < n; k++) s = (s + lib.symbols.add_i32(k, b)) | 0; return s; };`)(lib);
  const loopRead = new Function('read', `return function nsLoopRead(n, p) { let s = 0; for (let k = 0; k < n; k++) s = (s + read.i32(p)) | 0; return s; };`)(read);
  const N = 20000;
  // Warm-up with short runs (no on-stack replacement in the background), then optimized.
  const W = 50;
  for (const [loop, arg, expect, warm] of [
    [loopSym, 1, ((N * (N - 1)) / 2 + N) | 0, ((W * (W - 1)) / 2 + W) | 0],
    [loopRead, p, (7 * N) | 0, 7 * W],
  ]) {
    h.N.prepare(loop);
    for (let i = 0; i < h.WARMUP_CALLS; i++) assert.equal(loop(W, arg), warm, `${loop.name} warm-up`);
    h.N.optimizeNext(loop);
    assert.equal(loop(W, arg), warm);
    assert.ok(h.N.isTurbofan(loop), `${loop.name}: TurboFan before`);
    const before = h.slowCalls();
    assert.equal(loop(N, arg), expect, `${loop.name} hot`);
    assert.equal(h.slowCalls() - before, 0, `${loop.name}: every call fast`);
    assert.ok(h.N.isTurbofan(loop), `${loop.name}: TurboFan after`);
  }
  // Hot, then a bad value: the same typed error as a cold call, caught locally.
  let caught = null;
  try {
    loopSym(3, 'x');
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ffast.FfastError, String(caught));
  const coldErr = (() => {
    try {
      lib.symbols.add_i32(0, 'x');
    } catch (e) {
      return e;
    }
  })();
  assert.equal(caught.code, coldErr.code);
  assert.equal(caught.message, coldErr.message);
  caught = null;
  try {
    loopRead(3, {});
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ffast.FfastError, String(caught));
  lib.close();
});
