'use strict';
// Typed function parameters and per-call callbacks (issue 14 scope 6, docs/callbacks.md):
// a parameter declared `{ function: { parameters, result } }` takes a plain JS function, which
// becomes a callback for that call only; a Callback of the same signature, an address or null as
// before. And the errors that teach: a buffer for a `pointer` parameter, a JS function for a
// `pointer` or an untyped `function` parameter. Every case cold and hot (functions that take a
// function parameter always run on the slow path; `pointer` functions are fast calls when hot).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const fx = require('./fixture/cbstruct_lib.js');
const { ffast } = h;
const { callback, read, FfastError } = ffast;

const SLOW = { fast: 'slow' };
// Calls whose callbacks make ffast calls of their own (counted as slow calls too).
const NESTED = { fast: 'slow', nested: true };
const ARM = process.arch === 'arm64';
const until = (pred) => h.until(pred, 20000);

const CMP = { function: { parameters: ['pointer', 'pointer'], result: 'i32' } };
const FN_II = { function: { parameters: ['i32'], result: 'i32' } };
const FN_DD = { function: { parameters: ['f64'], result: 'f64' } };
const DD = fx.DD;

const defs = {
  tf_sort_i32: { parameters: ['buffer', 'usize', CMP], result: 'i64' },
  tf_sum: { parameters: [FN_II, 'i32'], result: 'i64' },
  tf_keep: { parameters: [FN_II], result: 'void' },
  tf_call_kept: { parameters: ['i32'], result: 'i32', callbacks: true },
  tf_map_dd: { parameters: [{ function: { parameters: [DD, 'i32'], result: DD } }, 'i32'], result: 'i32' },
  tf_compose: { parameters: [FN_DD, FN_II, 'i32'], result: 'f64' },
  tf_get_twice: { parameters: [], result: FN_II },
  tf_apply: { parameters: [FN_II, 'i32'], result: 'i32' },
  tf_sum_thread_nb: { name: 'tf_sum_thread', parameters: [FN_II, 'i32'], result: 'i64', nonblocking: true },
  tf_pass_fn: { parameters: [{ function: { parameters: [FN_II, 'i32'], result: 'i32' } }, 'i32'], result: 'i32' },
  tf_call_got: { parameters: [{ function: { parameters: [], result: FN_II } }, 'i32'], result: 'i32' },
};
// Untyped pointer and function parameters (the errors that teach).
const E = fx.open({
  tf_addr: { parameters: ['pointer'], result: 'usize' },
  tf_sum_untyped: { name: 'tf_sum', parameters: ['function', 'i32'], result: 'i64' },
  tf_sum_ptr: { name: 'tf_sum', parameters: ['pointer', 'i32'], result: 'i64', callbacks: true },
}).symbols;
// Opened on first use: a build that refuses typed function parameters fails each test, not the
// file at load.
let opened;
const S = new Proxy(
  {},
  {
    get(_, k) {
      if (opened === undefined) opened = fx.open(defs).symbols;
      return opened[k];
    },
  },
);
let qsortFn;
const getQsort = () => {
  if (qsortFn === undefined) {
    const qdefs = { qsort: { parameters: ['buffer', 'usize', 'usize', CMP], result: 'void' } };
    qsortFn = h.register(ffast.dlopen(null, qdefs), qdefs).symbols.qsort;
  }
  return qsortFn;
};

const data = (n) => Int32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 100003) - 50000);
const sorted = (xs) => Array.from(xs).sort((a, b) => a - b);

test("qsort(xs, n, 4, (a, b) => read.i32(a) - read.i32(b)) just works, cold and hot", () => {
  const qsort = getQsort();
  const n = ARM ? 2000 : 10000;
  const xs = data(n);
  const want = sorted(xs);
  const c = xs.slice();
  // (the comparator's read.i32 calls are ffast calls too: nested)
  h.cold(qsort, [c, n, 4, (a, b) => read.i32(a) - read.i32(b)], 'qsort', true);
  assert.deepEqual(Array.from(c), want);
  // hot: a fresh optimized caller; sorting the sorted array again must keep it sorted
  const hx = xs.slice();
  h.hot(qsort, [hx, n, 4, (a, b) => read.i32(a) - read.i32(b)], { fast: 'slow', stable: false, nested: true });
  assert.deepEqual(Array.from(hx), want);
  // descending, with a new function on every call
  for (let i = 0; i < 3; i++) {
    const d = xs.slice();
    qsort(d, n, 4, (a, b) => read.i32(b) - read.i32(a));
    assert.deepEqual(Array.from(d), want.slice().reverse());
  }
});

test('a typed function parameter takes a plain function, a Callback of the same signature, an address, or null', () => {
  h.coldHot(S.tf_sum, [(i) => i * i, 10], 285, SLOW);
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (i) => i + 1);
  h.coldHot(S.tf_sum, [cb, 10], 55, SLOW);
  h.coldHot(S.tf_sum, [cb.pointer, 4], 10, SLOW);
  h.coldHot(S.tf_sum, [BigInt(cb.pointer), 4], 10, SLOW);
  // null and undefined are NULL (C never calls it for n = 0)
  h.coldHot(S.tf_sum, [null, 0], 0, SLOW);
  // its spelling is the canonical one: 'int' and 'i32' are one signature
  const cbInt = callback({ parameters: ['int'], result: 'int32_t' }, (i) => -i);
  h.coldHot(S.tf_sum, [cbInt, 4], -6, SLOW);
  cb.close();
  cbInt.close();
  // a function pointer C gives back (a typed function result is an address, as 'function' is)
  const twice = S.tf_get_twice();
  assert.equal(typeof twice, 'number');
  h.coldHot(S.tf_apply, [twice, 21], 42, SLOW);
  // a plain function of the sort comparator's signature through tf_sort_i32
  const xs = data(300);
  const calls = S.tf_sort_i32(xs, xs.length, (a, b) => read.i32(a) - read.i32(b));
  assert.ok(calls > 300);
  assert.deepEqual(Array.from(xs), sorted(data(300)));
});

test('a Callback of another signature, a closed Callback, and other objects are refused, the same cold and hot', () => {
  const wrong = callback({ parameters: ['f64'], result: 'f64' }, (x) => x);
  const e = h.coldHotThrows(S.tf_sum, [(i) => i, 3], [wrong, 3], 'ERR_FFAST_ARG_TYPE', { messageIncludes: ['signature', 'f64', 'i32', "'tf_sum'"] });
  assert.match(e.message, /argument 0/);
  // its pointer is an address: passed as is (the caller says it knows better)
  wrong.close();
  const closed = callback({ parameters: ['i32'], result: 'i32' }, (x) => x);
  closed.close();
  h.coldHotThrows(S.tf_sum, [(i) => i, 3], [closed, 3], 'ERR_FFAST_CLOSED');
  for (const bad of [{}, [], new Uint8Array(4), 'f', Symbol('s'), 1.5, -1, true]) {
    h.coldHotThrows(S.tf_sum, [(i) => i, 3], [bad, 3], typeof bad === 'number' ? 'ERR_FFAST_ARG_RANGE' : 'ERR_FFAST_ARG_TYPE');
  }
});

test('errors that teach: a buffer for a pointer parameter, a function for a pointer or untyped function parameter', () => {
  // tf_addr is a plain pointer function: a fast call when hot, and the bad value then meets the
  // optimized caller (coldHotThrows warms it on a good address first).
  for (const buf of [new Uint8Array(8), Buffer.from('abc'), new ArrayBuffer(8), new DataView(new ArrayBuffer(8)), new Float64Array(2)]) {
    h.coldHotThrows(E.tf_addr, [0x1000], [buf], 'ERR_FFAST_ARG_TYPE', { messageIncludes: ['ptr(', "'buffer'", "'tf_addr'"] });
  }
  const f = (i) => i;
  h.coldHotThrows(E.tf_addr, [0x1000], [f], 'ERR_FFAST_ARG_TYPE', { messageIncludes: ['callback(', "'tf_addr'"] });
  h.coldHotThrows(E.tf_sum_untyped, [null, 0], [f, 3], 'ERR_FFAST_ARG_TYPE', { messageIncludes: ['callback(', "'tf_sum_untyped'"] });
  h.coldHotThrows(E.tf_sum_ptr, [null, 0], [f, 3], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'callback(' });
  // the untyped 'function' message also names the typed form
  const r = h.capture(() => E.tf_sum_untyped(f, 3));
  assert.match(r.error.message, /\{ function: \{ parameters, result \} \}/);
  // what still works for a pointer parameter: an address, null, ptr(buf), a Callback
  const u8 = new Uint8Array(8);
  h.coldHot(E.tf_addr, [ffast.ptr(u8)], ffast.ptr(u8));
  h.coldHot(E.tf_addr, [null], 0);
  const cb = callback({ parameters: [], result: 'void' }, () => {});
  h.coldHot(E.tf_addr, [cb], cb.pointer);
  cb.close();
});

test('a plain function that throws: the call throws that error once C returns; C gets the default and JS is not called again', () => {
  const boom = new Error('boom');
  for (const mode of ['cold', 'hot']) {
    const seen = [];
    const fn = (i) => {
      seen.push(i);
      if (i === 3) throw boom;
      return i;
    };
    if (mode === 'hot') {
      // the optimized caller is warmed on a function that does not throw; then the thrower
      const warm = h.makeCaller(2, 'tf_sum_throw');
      h.N.prepare(warm);
      for (let k = 0; k < h.WARMUP_CALLS; k++) warm(S.tf_sum, (i) => i, 4);
      h.N.optimizeNext(warm);
      warm(S.tf_sum, (i) => i, 4);
      assert.ok(h.N.isTurbofan(warm), 'hot: the caller is optimized');
      const r = h.capture(() => warm(S.tf_sum, fn, 6));
      assert.ok(!r.ok, 'hot: the call threw');
      assert.equal(r.error, boom);
    } else {
      const r = h.capture(() => h.cold(S.tf_sum, [fn, 6]));
      assert.ok(!r.ok, 'cold: the call threw');
      assert.equal(r.error, boom);
    }
    // C went on with 0 for the failing call; JS was not called again for this call
    assert.deepEqual(seen, [0, 1, 2, 3], mode);
  }
  // the next call starts afresh
  assert.equal(S.tf_sum((i) => i, 4), 6);
  // a result that does not convert is the call's own error: an FfastError, the same cold and hot
  h.coldHotThrows(S.tf_sum, [(i) => i, 3], [() => 'nope', 3], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'invalid callback result' });
  h.coldHotThrows(S.tf_sum, [(i) => i, 3], [() => 2n ** 40n, 3], 'ERR_FFAST_ARG_TYPE', { messageIncludes: 'invalid callback result' });
  // odd functions: a class (calling it throws a TypeError), an async function (a Promise is not
  // an i32), a Proxy of a function (called through its trap), a bound function
  const cls = h.capture(() => S.tf_sum(class {}, 2));
  assert.ok(cls.error instanceof TypeError);
  h.assertFfastError(h.capture(() => S.tf_sum(async (i) => i, 2)).error, 'ERR_FFAST_ARG_TYPE', 'async', 'invalid callback result');
  let trapped = 0;
  const px = new Proxy((i) => i * 3, {
    apply(t, self, args) {
      trapped++;
      return Reflect.apply(t, self, args);
    },
  });
  assert.equal(S.tf_sum(px, 4), 18);
  assert.equal(trapped, 4);
  assert.equal(S.tf_sum(function (i) { return i * this.k; }.bind({ k: 5 }), 3), 15);
});

test('the closed-callback rule: C keeps the pointer of a per-call function and calls it after the call returned', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  let ran = 0;
  S.tf_keep((x) => {
    ran++;
    return x * 2;
  });
  // the function was released when tf_keep returned: C gets the default value, JS is not called
  h.coldHot(S.tf_call_kept, [21], 0, SLOW);
  assert.equal(ran, 0);
  await until(() => warnings.some((w) => w.code === 'ERR_FFAST_CLOSED'));
  const w = warnings.find((x) => x.code === 'ERR_FFAST_CLOSED');
  assert.ok(w instanceof FfastError);
  process.off('warning', onWarning);
  // A Callback kept the same way works for as long as it is open.
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 100);
  S.tf_keep(cb);
  assert.equal(S.tf_call_kept(1), 101);
  cb.close();
  S.tf_keep(null);
  assert.equal(S.tf_call_kept(1), -1);
});

test('re-entrancy: a per-call function calls the same C function with another one; two typed parameters', () => {
  const r = h.coldHot(S.tf_apply, [(x) => S.tf_apply((y) => y * 10, x) + 1, 4], 41, NESTED);
  assert.equal(r, 41);
  const deep = (d) => (x) => (d === 0 ? x : S.tf_apply(deep(d - 1), x + 1));
  assert.equal(S.tf_apply(deep(20), 0), 20);
  h.coldHot(S.tf_compose, [Math.sqrt, (x) => x * x, 3], 3, SLOW);
  // the same function for both parameters' types would be refused by neither; different types
  h.coldHot(S.tf_compose, [(d) => d / 2, (x) => x + 1, 5], 3, SLOW);
});

test('structs by value through a typed function parameter', () => {
  const seen = [];
  h.coldHot(
    S.tf_map_dd,
    [
      (v, k) => {
        seen.push([v, k]);
        return { a: v.a + 1, b: v.b - 1 };
      },
      6,
    ],
    1,
    SLOW,
  );
  assert.deepStrictEqual(seen[0], [fx.mkDD(6), 6]);
});

test('per-call trampolines are reused: 10,000 calls with fresh functions map no new callback trampolines', () => {
  const made0 = ffast.__internal.native.callbackSlotsMade();
  const [live0] = ffast.__internal.callbackCounts();
  let s = 0;
  for (let i = 0; i < 10000; i++) s += S.tf_apply((x) => x + i, 1);
  assert.equal(s, 10000 + (9999 * 10000) / 2);
  assert.ok(ffast.__internal.native.callbackSlotsMade() - made0 <= 2, 'a pool of one or two trampolines per signature');
  const [live1] = ffast.__internal.callbackCounts();
  assert.ok(live1 - live0 <= 2, `${live1 - live0} live callbacks for per-call functions`);
});

test('a nonblocking function with a plain function: it runs on a foreign thread; valid until the Promise settles', async () => {
  assert.equal(await S.tf_sum_thread_nb((i) => i * 2, 10), 90);
  assert.equal(await h.hot(S.tf_sum_thread_nb, [(i) => i + 1, 4], { fast: 'slow' }), 10);
  const boom = new Error('from a foreign thread');
  await assert.rejects(
    S.tf_sum_thread_nb((i) => {
      if (i === 2) throw boom;
      return i;
    }, 5),
    (e) => e === boom,
  );
  // two in flight at once, each with its own function
  const [a, b] = await Promise.all([S.tf_sum_thread_nb((i) => i, 100), S.tf_sum_thread_nb((i) => -i, 100)]);
  assert.deepEqual([a, b], [4950, -4950]);
});

test('typed function definitions: read like callback definitions, typed errors', () => {
  const bad = [
    [{ function: {} }, 'ERR_FFAST_DEFINITION', 'result'],
    [{ function: { parameters: ['i32'], result: 'i32', extra: 1 } }, 'ERR_FFAST_DEFINITION', 'extra'],
    [{ function: 'i32' }, 'ERR_FFAST_DEFINITION', 'function'],
    [{ function: null }, 'ERR_FFAST_DEFINITION', 'function'],
    [{ func: { parameters: [], result: 'void' } }, 'ERR_FFAST_TYPE', 'function'],
    [{ function: { parameters: ['buffer'], result: 'void' } }, 'ERR_FFAST_TYPE', 'buffer'],
    [{ function: { parameters: [], result: 'string' } }, 'ERR_FFAST_TYPE', 'string'],
    [{ function: { parameters: 'i32', result: 'void' } }, 'ERR_FFAST_DEFINITION', 'parameters'],
    [{ function: { parameters: ['i33'], result: 'void' } }, 'ERR_FFAST_TYPE', 'i33'],
    [{ function: { parameters: [], result: 'void', threads: 'queue' } }, 'ERR_FFAST_DEFINITION', 'threads'],
    [Object.create({ function: { parameters: [], result: 'void' } }), 'ERR_FFAST_TYPE', 'parameter 0'],
  ];
  for (const [p, code, text] of bad) {
    const r = h.capture(() => ffast.dlopen(fx.LIB, { tf_apply: { parameters: [p, 'i32'], result: 'i32' } }));
    assert.ok(!r.ok, `made: ${h.fmt(p)}`);
    h.assertFfastError(r.error, code, h.fmt(p), text);
  }
  // a throwing getter in the typed definition is ERR_FFAST_DEFINITION with the cause
  const own = new Error('getter');
  const r = h.capture(() =>
    ffast.dlopen(fx.LIB, {
      tf_apply: {
        parameters: [
          {
            get function() {
              throw own;
            },
          },
          'i32',
        ],
        result: 'i32',
      },
    }),
  );
  h.assertFfastError(r.error, 'ERR_FFAST_DEFINITION', 'getter');
  assert.equal(r.error.cause, own);
});

test('a typed function as a callback parameter or result is an address (a Number), as an untyped function is', async () => {
  // tf_pass_fn(cb, x) = cb(tf_twice, x): the callback receives C's function pointer.
  const twiceOf = (f) => ffast.bind(f, { parameters: ['i32'], result: 'i32' });
  const cb = callback({ parameters: [FN_II, 'i32'], result: 'i32' }, (f, x) => {
    assert.equal(typeof f, 'number');
    return twiceOf(f)(x) + 1;
  });
  h.coldHot(S.tf_pass_fn, [cb, 5], 11, NESTED);
  cb.close();
  // tf_call_got(g, x) = g()(x): the callback returns a function pointer.
  const g = callback({ parameters: [], result: FN_II }, () => S.tf_get_twice());
  h.coldHot(S.tf_call_got, [g, 4], 8, NESTED);
  g.close();
  // A plain JS function cannot be a callback's result (it would have to outlive the return):
  // C gets NULL, and the error says to make a Callback.
  const errors = [];
  const p = callback({ parameters: [], result: FN_II, onError: (e) => errors.push(e) }, () => (x) => x);
  assert.equal(S.tf_call_got(p, 4), -1);
  assert.equal(errors.length, 1);
  h.assertFfastError(errors[0], 'ERR_FFAST_ARG_TYPE', 'function result', ['invalid callback result', 'callback(']);
  p.close();
});
