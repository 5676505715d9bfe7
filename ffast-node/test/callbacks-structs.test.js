'use strict';
// Structs and unions by value as callback parameters and results (issue 14 scope 6,
// docs/callbacks.md): every ABI class (SysV INTEGER/SSE/mixed/MEMORY with the hidden result
// pointer, AArch64 HFAs and composites passed by reference, packed, over-aligned, nested, with
// string members), between scalars and after every argument register is taken, from the JS
// thread (cold and hot callers: functions that take callbacks always run on the slow path) and
// from foreign threads (`threads: 'block'` and `'queue'`); the default result (a zeroed aggregate)
// of a closed or throwing callback, hostile results, re-entrancy, definition errors.
//
// The model (test/fixture/cbstruct_lib.js) is written from the C source: mk(k) is what C's
// mk_T(k) makes, and C checks what a callback returns against its own mk_T (eq_T), so a result
// is right only when every member arrived bit for bit.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Worker } = require('node:worker_threads');
const { isDeepStrictEqual } = require('node:util');
const h = require('./_helpers');
const fx = require('./fixture/cbstruct_lib.js');
const { ffast } = h;
const { callback, pointer, struct, union, array } = ffast;
const { SHAPES } = fx;

const SLOW = { fast: 'slow' };
const until = (pred) => h.until(pred, 20000);
const ARM = process.arch === 'arm64';

const I64x8 = Array(8).fill('i64');
const F64x8 = Array(8).fill('f64');
const I64x7 = Array(7).fill('i64');

const defs = {};
for (const name of Object.keys(SHAPES)) {
  // (a build without string members in structs refuses STR/STR3 here: their tests then fail)
  const T = h.capture(() => SHAPES[name].T).value;
  if (T === undefined) continue;
  defs[`cbs_mk_${name}`] = { parameters: ['i32'], result: T };
  defs[`cbs_arg_${name}`] = { parameters: ['function', 'i32'], result: 'f64' };
  defs[`cbs_stack_${name}`] = { parameters: ['function', 'i32'], result: 'f64' };
  defs[`cbs_ret_${name}`] = { parameters: ['function', 'i32'], result: 'i32' };
  defs[`cbs_echo_${name}`] = { parameters: ['function', 'i32'], result: 'i32' };
  defs[`cbs_zero_${name}`] = { parameters: ['function'], result: 'i32' };
}
Object.assign(defs, {
  cbs_keep: { parameters: ['function'], result: 'void' },
  cbs_kept_zero: { parameters: [], result: 'i32', callbacks: true },
  cbs_kept_ret: { parameters: ['i32'], result: 'i32', callbacks: true },
  cbs_nest_LD: { parameters: ['function', 'i32'], result: 'i32' },
  cbs_runner_name: { parameters: ['i32'], result: 'string' },
  cbs_threads_start: { parameters: ['i32', 'function', 'i32', 'i32', 'i32'], result: 'pointer' },
  cbs_threads_join: { parameters: ['pointer'], result: 'f64' },
  cbs_queue_run: { parameters: ['function', 'i32', 'i32'], result: 'void' },
  // Nonblocking: C runs on the lane (or a pool thread), so its callbacks come from a foreign
  // thread while the JS thread is free.
  cbs_ret_DDDD_nb: { name: 'cbs_ret_DDDD', parameters: ['function', 'i32'], result: 'i32', nonblocking: true },
  cbs_arg_BIG_nb: { name: 'cbs_arg_BIG', parameters: ['function', 'i32'], result: 'f64', nonblocking: true },
});
// Strings in structs as C results are item 5's: the JS model of every shape is first checked
// against C through an ordinary by-value result, where that exists already.
const lib = fx.open(defs);
const S = lib.symbols;

const RUNNERS = [];
for (let i = 0; ; i++) {
  const n = S.cbs_runner_name(i);
  if (n === null) break;
  RUNNERS.push(n);
}
const runner = (name) => {
  const i = RUNNERS.indexOf(name);
  assert.ok(i >= 0, `no runner ${name} in ${RUNNERS}`);
  return i;
};

test('the JS model of every shape is what C makes (by-value results, no callback involved)', () => {
  for (const [name, { mk }] of Object.entries(SHAPES)) {
    for (const k of [0, 3, -2, 7]) assert.deepStrictEqual(S[`cbs_mk_${name}`](k), mk(k), `${name} mk(${k})`);
  }
});

for (const [name, shape] of Object.entries(SHAPES)) {
  const back = shape.back || ((v) => v);

  test(`${name} (${shape.probes}): a by-value callback parameter between scalars, cold and hot`, () => {
    const { T, mk } = shape;
    const seen = [];
    const cb = callback({ parameters: ['i32', T, 'i32'], result: 'f64' }, (k, v, k2) => {
      seen.push([k, v, k2]);
      return k * 2 + 0.5;
    });
    for (const k of [5, -3]) {
      seen.length = 0;
      h.coldHot(S[`cbs_arg_${name}`], [cb, k], k * 2 + 0.5, SLOW);
      assert.ok(seen.length >= 2);
      // A fresh plain object per call, decoded from what C passed.
      for (const s of seen) assert.deepStrictEqual(s, [k, mk(k), -k], `${name} k=${k}`);
      assert.notStrictEqual(seen[0][1], seen[1][1]);
    }
    cb.close();
  });

  test(`${name}: a by-value callback parameter after every argument register (on the stack)`, () => {
    const { T, mk } = shape;
    let got;
    const cb = callback({ parameters: [...I64x8, ...F64x8, T, 'i32'], result: 'f64' }, (...a) => {
      got = a;
      return a[17] - 0.5;
    });
    for (const k of [2, 9]) {
      h.coldHot(S[`cbs_stack_${name}`], [cb, k], k - 0.5, SLOW);
      assert.deepStrictEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, mk(k), k], `${name} k=${k}`);
    }
    cb.close();
  });

  if (shape.strings) {
    test(`${name}: a struct with a string member cannot be a callback result (its C copy could not outlive the return)`, () => {
    const { T, mk } = shape;
      for (const def of [
        { parameters: ['i32', 'f64'], result: T },
        { parameters: [], result: struct({ inner: T }) },
        { parameters: [], result: struct({ v: array(T, 2) }) },
      ]) {
        const r = h.capture(() => callback(def, () => mk(1)));
        assert.ok(!r.ok, 'made');
        h.assertFfastError(r.error, 'ERR_FFAST_TYPE', `${name} result`, 'string');
      }
    });
    continue;
  }

  test(`${name}: a by-value callback result, from an object, from bytes, from a view`, () => {
    // (A union result is given one member: back(); the model has all of them, §2.)
    const { T } = shape;
    const mk = (k) => back(shape.mk(k));
    const cb = callback({ parameters: ['i32', 'f64'], result: T }, (k, d) => {
      assert.equal(d, 0.25);
      return mk(k);
    });
    for (const k of [1, -4, 6]) h.coldHot(S[`cbs_ret_${name}`], [cb, k], 1, SLOW);
    cb.close();
    // The result may be given as bytes: the first T.size bytes of a buffer, typed array,
    // DataView or type view (as by-value arguments take them).
    const forms = [
      (k) => T.encode(mk(k)),
      (k) => T.encode(mk(k)).buffer,
      (k) => new DataView(T.encode(mk(k), new Uint8Array(T.size + 8), 0).buffer),
      (k) => T.view(T.encode(mk(k))),
    ];
    for (const form of forms) {
      const b = callback({ parameters: ['i32', 'f64'], result: T }, (k) => form(k));
      h.coldHot(S[`cbs_ret_${name}`], [b, 3], 1, SLOW);
      b.close();
    }
  });

  test(`${name}: a callback returns its by-value parameter (after seven integers)`, () => {
    const { T, mk } = shape;
    let got;
    const cb = callback({ parameters: [...I64x7, T], result: T }, (...a) => {
      got = a;
      return back(a[7]);
    });
    for (const k of [4, -1]) {
      h.coldHot(S[`cbs_echo_${name}`], [cb, k], 1, SLOW);
      assert.deepStrictEqual(got, [1, 2, 3, 4, 5, 6, 7, mk(k)]);
    }
    cb.close();
  });

  test(`${name}: a throwing callback or a result that does not encode gives C a zeroed ${name === 'UID' ? 'union' : 'struct'}`, async () => {
    const { T, mk } = shape;
    const errors = [];
    const boom = new Error('boom');
    const thrower = callback({ parameters: ['i32', 'f64'], result: T, onError: (e) => errors.push(e) }, () => {
      throw boom;
    });
    h.coldHot(S[`cbs_zero_${name}`], [thrower], 1, SLOW);
    assert.ok(errors.length >= 2 && errors.every((e) => e === boom));
    thrower.close();
    const bad = [];
    const wrong = [
      ['not an object', () => 42, 'ERR_FFAST_ARG_TYPE'],
      ['undefined', () => undefined, 'ERR_FFAST_ARG_TYPE'],
      ['null', () => null, 'ERR_FFAST_ARG_TYPE'],
      ['too few bytes', () => new Uint8Array(T.size - 1), 'ERR_FFAST_ARG_RANGE'],
    ];
    for (const [what, f, code] of wrong) {
      bad.length = 0;
      const w = callback({ parameters: ['i32', 'f64'], result: T, onError: (e) => bad.push(e) }, f);
      assert.equal(S[`cbs_zero_${name}`](w), 1, `${name}: ${what}`);
      assert.equal(bad.length, 1, `${name}: ${what}: one error per failing call`);
      h.assertFfastError(bad[0], code, `${name}: ${what}`, 'invalid callback result');
      w.close();
    }
  });
}

test('a member that does not encode: the error names it; C gets zeros; a throwing getter passes its own error', () => {
  const { T } = SHAPES.NEST;
  const bad = [];
  const cases = [
    [{ p: { a: 1, b: 2 }, q: { a: 1, b: 'x' }, flag: 0 }, 'ERR_FFAST_ARG_TYPE', "'q.b'"],
    [{ p: { a: 1 }, q: { a: 1, b: 2 }, flag: 0 }, 'ERR_FFAST_ARG_TYPE', "'p.b'"],
    [{ p: { a: 2 ** 31, b: 0 }, q: { a: 1, b: 2 }, flag: 0 }, 'ERR_FFAST_ARG_RANGE', "'p.a'"],
    [{ p: { a: 1, b: 2 }, q: { a: 1, b: 2 }, flag: 256 }, 'ERR_FFAST_ARG_RANGE', "'flag'"],
  ];
  for (const [value, code, field] of cases) {
    bad.length = 0;
    const w = callback({ parameters: ['i32', 'f64'], result: T, onError: (e) => bad.push(e) }, () => value);
    assert.equal(S.cbs_zero_NEST(w), 1);
    assert.equal(bad.length, 1);
    h.assertFfastError(bad[0], code, field, ['invalid callback result', field]);
    w.close();
  }
  const own = new RangeError('from the getter');
  const g = callback({ parameters: ['i32', 'f64'], result: SHAPES.DD.T, onError: (e) => bad.push(e) }, () => ({
    a: 1,
    get b() {
      throw own;
    },
  }));
  bad.length = 0;
  assert.equal(S.cbs_zero_DD(g), 1);
  assert.deepEqual(bad, [own]);
  g.close();
  // A Proxy result is read as JS reads properties.
  const p = callback({ parameters: ['i32', 'f64'], result: SHAPES.DD.T }, (k) => new Proxy({}, { get: (_, key) => SHAPES.DD.mk(k)[key] }));
  assert.equal(S.cbs_ret_DD(p, 8), 1);
  p.close();
  // BigInt members beyond their range, and a union given two members.
  for (const [T, name, v] of [
    [SHAPES.LL.T, 'LL', { a: 2n ** 63n, b: 0 }],
    [SHAPES.UID.T, 'UID', { i: 1, d: 2 }],
  ]) {
    bad.length = 0;
    const w = callback({ parameters: ['i32', 'f64'], result: T, onError: (e) => bad.push(e) }, () => v);
    assert.equal(S[`cbs_zero_${name}`](w), 1, name);
    assert.equal(bad.length, 1, name);
    assert.ok(bad[0] instanceof ffast.FfastError && /invalid callback result/.test(bad[0].message), `${name}: ${bad[0]}`);
    w.close();
  }
});

test('re-entrancy: the callback calls C, which calls it again; a result getter re-enters too', () => {
  const { T, mk } = SHAPES.LD;
  const trail = [];
  // cbs_nest_LD(f, d) = eq_LD(f(d, mk_LD(d)), d): each level checks its own argument and result.
  const cb = callback({ parameters: ['i32', T], result: T }, (d, v) => {
    trail.push(d);
    assert.deepStrictEqual(v, mk(d));
    if (d > 0) assert.equal(S.cbs_nest_LD(cb, d - 1), 1);
    assert.deepStrictEqual(v, mk(d), 'the decoded argument is not a view of memory a nested call reuses');
    return mk(d);
  });
  assert.equal(S.cbs_nest_LD(cb, 5), 1);
  assert.deepEqual(trail, [5, 4, 3, 2, 1, 0]);
  trail.length = 0;
  assert.equal(h.hot(S.cbs_nest_LD, [cb, 3], { fast: false }), 1);
  cb.close();

  // While the outer result is being encoded, a member getter makes the same callback run again
  // (C → JS → C → JS inside the encoder): the outer result must still reach C whole.
  let depth = 0;
  const g = callback({ parameters: ['i32', T], result: T }, (d) => {
    const want = mk(d);
    return {
      get a() {
        if (d > 0 && depth++ < 3) assert.equal(S.cbs_nest_LD(g, d - 1), 1);
        return want.a;
      },
      b: want.b,
    };
  });
  assert.equal(S.cbs_nest_LD(g, 4), 1);
  g.close();
});

test('a closed callback kept by C returns a zeroed struct (hidden result pointer / HFA) and warns', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  process.on('warning', onWarning);
  const { T, mk } = SHAPES.DDDD;
  let ran = 0;
  const cb = callback({ parameters: ['i32', 'f64'], result: T }, (k) => {
    ran++;
    return mk(k);
  });
  S.cbs_keep(cb);
  assert.equal(h.cold(S.cbs_kept_ret, [7]), 1);
  assert.equal(ran, 1);
  cb.close();
  h.coldHot(S.cbs_kept_zero, [], 1, SLOW);
  assert.equal(ran, 1);
  await until(() => warnings.filter((w) => w.code === 'ERR_FFAST_CLOSED').length >= 2);
  process.off('warning', onWarning);
  S.cbs_keep(null);
});

test('a callback reached outside a call that may run callbacks gives a zeroed struct (ERR_FFAST_CALLBACK_CONTEXT)', async () => {
  const errors = [];
  const { T, mk } = SHAPES.DDDD;
  const untracked = fx.open({ cbs_kept_zero: { parameters: [], result: 'i32' } }).symbols.cbs_kept_zero;
  const cb = callback({ parameters: ['i32', 'f64'], result: T, onError: (e) => errors.push(e) }, (k) => mk(k));
  S.cbs_keep(cb);
  h.coldHot(untracked, [], 1); // fast path when hot: V8 forbids JS there
  await until(() => errors.length >= 2);
  for (const e of errors) h.assertFfastError(e, 'ERR_FFAST_CALLBACK_CONTEXT', 'untracked');
  S.cbs_keep(null);
  cb.close();
});

// ------------------------------------------------------------------ foreign threads
/**
 * cbs_threads_join blocks until the threads are done, and they wait for the JS thread to answer
 * their callbacks: a nonblocking twin joins off the JS thread, which stays free to answer.
 */
const joinLib = fx.open({ cbs_threads_join_nb: { name: 'cbs_threads_join', parameters: ['pointer'], result: 'f64', nonblocking: true } });
const joinWhenDone = (handle) => joinLib.symbols.cbs_threads_join_nb(handle);

/** Runner name → the callback it needs (each right call makes the runner give 1). */
const blocking = {
  arg_DDDD: ({ T, mk }) => callback({ parameters: ['i32', T, 'i32'], result: 'f64', deadlockMs: 5000 }, (k, v, k2) => (isDeepStrictEqual(v, mk(k)) ? k + k2 + 1 : 0)),
  ret_DDDD: ({ T, mk }) => callback({ parameters: ['i32', 'f64'], result: T, deadlockMs: 5000 }, (k) => mk(k)),
  echo_DDDD: ({ T }) => callback({ parameters: [...I64x7, T], result: T, deadlockMs: 5000 }, (...a) => a[7]),
  ret_LD: ({ T, mk }) => callback({ parameters: ['i32', 'f64'], result: T, deadlockMs: 5000 }, (k) => mk(k)),
  echo_LD: ({ T }) => callback({ parameters: [...I64x7, T], result: T, deadlockMs: 5000 }, (...a) => a[7]),
  echo_BIG: ({ T }) => callback({ parameters: [...I64x7, T], result: T, deadlockMs: 5000 }, (...a) => a[7]),
  ret_FFF: ({ T, mk }) => callback({ parameters: ['i32', 'f64'], result: T, deadlockMs: 5000 }, (k) => mk(k)),
  echo_FFF: ({ T }) => callback({ parameters: [...I64x7, T], result: T, deadlockMs: 5000 }, (...a) => a[7]),
  arg_STR: ({ T, mk }) => callback({ parameters: ['i32', T, 'i32'], result: 'f64', deadlockMs: 5000 }, (k, v, k2) => (isDeepStrictEqual(v, mk(k)) ? k + k2 + 1 : 0)),
  arg_BIG: ({ T, mk }) => callback({ parameters: ['i32', T, 'i32'], result: 'f64', deadlockMs: 5000 }, (k, v, k2) => (isDeepStrictEqual(v, mk(k)) ? k + k2 + 1 : 0)),
};
for (const [which, make] of Object.entries(blocking)) {
  test(`threads: 'block': ${which} from 4 foreign threads, C waits for each JS result`, async () => {
    const cb = make(SHAPES[which.split('_')[1]]);
    const n = 4;
    const per = ARM ? 5 : 25;
    const handle = S.cbs_threads_start(runner(which), cb, n, per, 10);
    assert.notEqual(handle, null);
    assert.equal(await joinWhenDone(handle), n * per, `${which}: every call right`);
    cb.close();
  });
}

test("threads: 'block' through a nonblocking call: the callback comes from the lane thread, the JS thread is free", async () => {
  const { T, mk } = SHAPES.DDDD;
  let ran = 0;
  const cb = callback({ parameters: ['i32', 'f64'], result: T }, (k) => {
    ran++;
    return mk(k);
  });
  assert.equal(await S.cbs_ret_DDDD_nb(cb, 12), 1);
  assert.equal(await h.hot(S.cbs_ret_DDDD_nb, [cb, 13], { fast: 'slow' }), 1);
  assert.ok(ran >= 2);
  cb.close();
  const B = SHAPES.BIG;
  const seen = [];
  const b = callback({ parameters: ['i32', B.T, 'i32'], result: 'f64' }, (k, v, k2) => {
    seen.push(v);
    return k * 10 + k2;
  });
  assert.equal(await S.cbs_arg_BIG_nb(b, 7), 63);
  assert.deepStrictEqual(seen, [B.mk(7)]);
  b.close();
});

test("threads: 'queue': aggregate parameters (strings inside, by reference on arm64) are copied; C goes on and frees them", async () => {
  const STR3 = SHAPES.STR3;
  const BIG = SHAPES.BIG;
  const seen = [];
  const cb = callback({ parameters: ['i32', STR3.T, BIG.T], result: 'void', threads: 'queue' }, (k, s, b) => {
    seen.push([k, s, b]);
  });
  const n = 4;
  const per = ARM ? 5 : 30;
  // Starts and joins n threads inside this call; every callback is queued, C scribbles over
  // and frees what it passed as soon as f returns.
  S.cbs_queue_run(cb, n, per);
  await until(() => seen.length === n * per);
  seen.sort((x, y) => x[0] - y[0]);
  const ks = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < per; i++) ks.push(1000 * j + i);
  assert.deepStrictEqual(
    seen,
    ks.map((k) => [k, STR3.mk(k), BIG.mk(k)]),
  );
  cb.close();
  // A queued callback cannot return a value: an aggregate result is refused like any other.
  const r = h.capture(() => callback({ parameters: [], result: SHAPES.DD.T, threads: 'queue' }, () => ({ a: 1, b: 2 })));
  h.assertFfastError(r.error, 'ERR_FFAST_DEFINITION', 'queue with a struct result', 'void');
});

test('deadlock rule: a blocked foreign caller of an aggregate-result callback gets a zeroed struct', async () => {
  const { T, mk } = SHAPES.DDDD;
  const errors = [];
  let ran = 0;
  const cb = callback({ parameters: ['i32', 'f64'], result: T, deadlockMs: 10, onError: (e) => errors.push(e) }, (k) => {
    ran++;
    return mk(k);
  });
  // cbs_threads_start is a tracked call, and the join below is made while the JS thread stays
  // inside one (a sync function declared callbacks: true): the threads give up after 10 ms.
  const joinTracked = fx.open({ j: { name: 'cbs_threads_join', parameters: ['pointer'], result: 'f64', callbacks: true } }).symbols.j;
  const handle = S.cbs_threads_start(runner('zero_DDDD'), cb, 2, 2, 0);
  assert.equal(joinTracked(handle), 4, 'every call got an all-zero DDDD');
  assert.equal(ran, 0);
  await until(() => errors.length >= 4);
  for (const e of errors) h.assertFfastError(e, 'ERR_FFAST_CALLBACK_DEADLOCK', 'deadlock');
  cb.close();
});

test('aggregate callbacks in a worker, and a worker terminated while foreign threads wait on one', async () => {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const S = ffast.dlopen(workerData.lib, {
      cbs_arg_DD: { parameters: ['function', 'i32'], result: 'f64' },
      cbs_ret_DDDD: { parameters: ['function', 'i32'], result: 'i32' },
      cbs_threads_start: { parameters: ['i32', 'function', 'i32', 'i32', 'i32'], result: 'pointer' },
    }).symbols;
    const DD = ffast.struct({ a: 'f64', b: 'f64' });
    const DDDD = ffast.struct({ a: 'f64', b: 'f64', c: 'f64', d: 'f64' });
    const fk = (k, j) => k + 0.5 * j + 0.25;
    const a = ffast.callback({ parameters: ['i32', DD, 'i32'], result: 'f64' }, (k, v) => v.a - v.b);
    const r = ffast.callback({ parameters: ['i32', 'f64'], result: DDDD }, (k) => ({ a: fk(k, 1), b: fk(k, 2), c: -fk(k, 3), d: fk(k, 4) }));
    const sync = [S.cbs_arg_DD(a, 2), S.cbs_ret_DDDD(r, 5)];
    const z = ffast.callback({ parameters: ['i32', 'f64'], result: DDDD, deadlockMs: 60000 }, () => ({ a: 1, b: 1, c: 1, d: 1 }));
    const handle = S.cbs_threads_start(workerData.zero, z, 2, 3, 0);
    parentPort.postMessage({ sync, handle });
    for (;;) {} // never returns to the event loop: the threads stay blocked until terminate()
  `;
  const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, lib: fx.LIB, zero: runner('zero_DDDD') } });
  const msg = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  // DD(2): a = fk(2, 1) = 2.75, b = -fk(2, 2) = -3.25
  assert.deepEqual(msg.sync, [6, 1]);
  await new Promise((r) => setTimeout(r, 100));
  await w.terminate();
  // Every call the threads made got the default, a zeroed struct: zero_DDDD gives 1 each.
  assert.equal(await joinWhenDone(msg.handle), 6);
});

test('definition errors: aggregates in callbacks are type objects; what cannot be passed by value is typed', () => {
  const f = () => 0;
  const { T } = SHAPES.DD;
  const cases = [
    [{ parameters: ['struct{a:f64,b:f64}'], result: 'void' }, 'ERR_FFAST_TYPE', 'type object'],
    [{ parameters: [], result: 'struct{a:f64}' }, 'ERR_FFAST_TYPE', 'type object'],
    [{ parameters: [pointer(T)], result: 'void' }, 'ERR_FFAST_TYPE', 'pointer'],
    [{ parameters: [array('f64', 2)], result: 'void' }, 'ERR_FFAST_TYPE', 'array'],
    [{ parameters: [], result: array('f64', 2) }, 'ERR_FFAST_TYPE', 'array'],
    [{ parameters: [struct({ b: array('u8', 5000) })], result: 'void' }, 'ERR_FFAST_UNSUPPORTED', '4096'],
    [{ parameters: [{ type: T }], result: 'void' }, 'ERR_FFAST_TYPE', 'parameter 0'],
    [{ parameters: [], result: T, threads: 'queue' }, 'ERR_FFAST_DEFINITION', 'void'],
  ];
  for (const [def, code, text] of cases) {
    const r = h.capture(() => callback(def, f));
    assert.ok(!r.ok, `made: ${h.fmt(def)}`);
    h.assertFfastError(r.error, code, JSON.stringify(Object.keys(def)), text);
  }
  // A union cannot hold a string member anywhere below it: decoding reads every member, and a
  // string read from another member's bytes would follow them as a pointer.
  for (const make of [
    () => union({ s: 'string', i: 'i64' }),
    () => union({ inner: fx.STR }),
    () => union({ v: array('string', 2), d: 'f64' }),
    () => struct({ u: union({ x: struct({ s: 'const char*' }), y: 'i64' }) }),
  ]) {
    const r = h.capture(make);
    assert.ok(!r.ok, 'made');
    h.assertFfastError(r.error, 'ERR_FFAST_TYPE', 'union with a string', 'string');
  }
});

test('aggregate callbacks recycle their trampolines like scalar ones (1,000 created and closed)', () => {
  const { T } = SHAPES.DDDD;
  const made0 = ffast.__internal.native.callbackSlotsMade();
  for (let i = 0; i < 1000; i++) {
    const cb = callback({ parameters: ['i32', T, 'i32'], result: T }, (k, v) => v);
    cb.close();
  }
  assert.ok(ffast.__internal.native.callbackSlotsMade() - made0 <= 1, 'one trampoline reused');
});

test('close() of an aggregate callback inside its own call: that call still gives C its result; later ones get zeros', () => {
  const { T, mk } = SHAPES.DDDD;
  let ran = 0;
  const cb = callback({ parameters: ['i32', 'f64'], result: T }, (k) => {
    ran++;
    cb.close();
    return mk(k);
  });
  // C keeps the pointer (hidden result pointer on SysV, HFA on arm64).
  S.cbs_keep(cb);
  assert.equal(S.cbs_kept_ret(4), 1, 'the running call encodes its result');
  assert.ok(cb.closed);
  // The closed callback gives a zeroed struct without running JS (and warns).
  assert.equal(S.cbs_kept_zero(), 1);
  assert.equal(ran, 1);
  S.cbs_keep(null);
});

test('10^4 aggregate callback calls (a parameter and a result on the hidden pointer): no trampoline, no growth', () => {
  const { T, mk } = SHAPES.BIG;
  const D4 = SHAPES.DDDD;
  const a = callback({ parameters: ['i32', T, 'i32'], result: 'f64' }, (k, v) => v.n + k);
  const r = callback({ parameters: ['i32', 'f64'], result: D4.T }, (k) => D4.mk(k));
  const made0 = ffast.__internal.native.callbackSlotsMade();
  const round = () => {
    for (let i = 0; i < 2000; i++) {
      assert.equal(S.cbs_arg_BIG(a, i & 63), 0);
      assert.equal(S.cbs_ret_DDDD(r, i & 63), 1);
    }
  };
  round();
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  for (let j = 0; j < 5; j++) round();
  globalThis.gc?.();
  const grown = process.memoryUsage().rss - rss0;
  assert.equal(ffast.__internal.native.callbackSlotsMade(), made0);
  // 10^4 calls each way: a leak of even 1 KiB per call would be 20 MB.
  assert.ok(grown < 16 * 2 ** 20, `rss grew by ${grown} bytes`);
  assert.deepStrictEqual(mk(1).n, -1);
  a.close();
  r.close();
});
