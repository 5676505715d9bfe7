'use strict';
// null/undefined for a pointer parameter is a V8 fast call, like 0 (docs/pointers.md §6.4).
// Before: the wrapper handed null to the fast-call target; V8's fast path takes only Numbers for
// a 64-bit parameter, so every such call took the slow path and the caller left TurboFan on
// every line (finding F1: strtol(s, NULL, 10) 10^6 of 10^6 calls slow, 181–1024 ns per call).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const fx = require('./fixture/pointers_fixture.js');
const { ffast, WARMUP_CALLS, N } = h;
const { struct, bind, dlopen } = ffast;

const Point = struct({ x: 'i32', y: 'i32' });
const lib = fx.open({
  ptr_bits: { name: 'fp_ptr_bits', parameters: ['pointer'], result: 'u64' },
  ptr_lo: { name: 'fp_ptr_lo', parameters: ['pointer'], result: 'u32' },
  voidp_bits: { name: 'fp_ptr_bits', parameters: ['void*'], result: 'u64' },
  point_ptr: { name: 'fp_point_ptr', parameters: [Point, 'pointer'], result: 'u64' },
});
const S = lib.symbols;
const libc = dlopen(null, { strtol: { parameters: ['string', 'pointer', 'int'], result: 'long' } });
h.register(libc, { strtol: { parameters: ['string', 'pointer', 'int'], result: 'long' } });

test('null and undefined for a pointer parameter: NULL, cold and hot on the fast path', () => {
  for (const v of [null, undefined, 0]) {
    h.coldHot(S.ptr_bits, [v], 0, { fast: true });
    h.coldHot(S.ptr_lo, [v], 0, { fast: true });
    h.coldHot(S.voidp_bits, [v], 0, { fast: true });
    h.coldHot(libc.symbols.strtol, ['1234', v, 10], 1234, { fast: true });
    // The struct wrapper maps it the same way.
    h.coldHot(S.point_ptr, [{ x: 7, y: 0 }, v], 7, { fast: true });
  }
  // bind()-made functions too.
  const b = bind(lib.address('fp_ptr_lo'), { parameters: ['pointer'], result: 'u32' });
  h.coldHot(b, [null], 0, { fast: true });
  h.coldHot(b, [undefined], 0, { fast: true });
});

test('a caller optimized on addresses stays optimized and fast when given null (and back)', () => {
  const caller = new Function('f', 'return function nullAfterNumbers(p) { return f(p); };')(S.ptr_lo);
  N.prepare(caller);
  for (let k = 0; k < WARMUP_CALLS; k++) assert.equal(caller(4096 + k), 4096 + k);
  N.optimizeNext(caller);
  assert.equal(caller(4096), 4096);
  assert.ok(N.isTurbofan(caller), 'caller not TurboFan after warm-up');
  const before = h.slowCalls();
  let acc = 0;
  for (let k = 0; k < 1000; k++) acc += caller(k % 2 === 0 ? null : 8192) + caller(undefined);
  assert.equal(acc, 500 * 8192);
  assert.equal(h.slowCalls() - before, 0, 'null/undefined calls took the slow path');
  assert.ok(N.isTurbofan(caller), 'caller deoptimized by a null pointer argument');
});

test('a hot loop passing NULL (F1 repro shape): 10^4 calls, none slow, caller stays TurboFan', () => {
  const withNull = new Function('f', 'return function withNull() { return f("12", null, 10); };')(libc.symbols.strtol);
  N.prepare(withNull);
  for (let k = 0; k < WARMUP_CALLS; k++) assert.equal(withNull(), 12);
  N.optimizeNext(withNull);
  assert.equal(withNull(), 12);
  // The loop runs in an optimized function too: a loop in the test's own (unoptimized) body
  // is compiled on-stack by Maglev on Node 24/26, which makes no fast calls at all.
  const run = new Function('f', 'return function runNull(n) { let s = 0; for (let k = 0; k < n; k++) s += f(); return s; };')(withNull);
  N.prepare(run);
  for (let k = 0; k < WARMUP_CALLS; k++) assert.equal(run(2), 24);
  N.optimizeNext(run);
  assert.equal(run(2), 24);
  const before = h.slowCalls();
  assert.equal(run(1e4), 12e4);
  assert.equal(h.slowCalls() - before, 0);
  assert.ok(N.isTurbofan(withNull));
  assert.ok(N.isTurbofan(run));
});

test('what is not NULL keeps its error, cold and hot', () => {
  for (const bad of [false, true, '0', Symbol('p'), {}, () => 0]) {
    h.coldHotThrows(S.ptr_bits, [null], [bad], 'ERR_FFAST_ARG_TYPE');
    h.coldHotThrows(S.point_ptr, [{ x: 1, y: 2 }, null], [{ x: 1, y: 2 }, bad], 'ERR_FFAST_ARG_TYPE');
  }
});
