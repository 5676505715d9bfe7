'use strict';
// errno (issue 14 item 3; docs/errno.md).
//
// `errno: true` in a definition: right before the C function runs, C's errno is set to this JS
// thread's saved value; right after it returns — inside the trampoline, before anything else can
// run — errno is saved again. `errno()` returns the saved value, `errno(v)` sets it (so
// `errno(0); strtol(…)` works as `errno = 0; strtol(…)` does in C). The fast path, the slow path
// and the N-API fallback capture identically. A nonblocking `errno: true` call takes the saved
// value when it is called, runs with it on its own thread and resolves to `{ value, errno }`
// (errno as C left it there); it does not change errno() of the JS thread.
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const fs = require('node:fs');
const h = require('./_helpers');
const { ffast } = h;
const { buildVarErr } = require('./fixture/varerr.js');

const LIB = buildVarErr();
const FAST = ffast.__internal.fastEnabled;
const { errno } = ffast;
const E = os.constants.errno;

const Pair = ffast.struct({ a: 'i64', b: 'f64' });
const Big = ffast.struct({ v: ffast.array('i64', 5) });
const e2 = (name, parameters, result, extra = {}) => ({ name, parameters, result, errno: true, ...extra });
const DEFS = {
  fail: e2('ef_fail', ['i32', 'i32'], 'i32'),
  failPlain: { name: 'ef_fail', parameters: ['i32', 'i32'], result: 'i32' },
  get: e2('ef_get', [], 'i32'),
  keep: e2('ef_keep', ['i32'], 'i32'),
  set: e2('ef_set', ['i32'], 'void'),
  f64: e2('ef_fail_f64', ['i32', 'f64'], 'f64'),
  f32: e2('ef_fail_f32', ['i32', 'f32'], 'f32'),
  i64: e2('ef_fail_i64', ['i32', 'i64'], 'i64'),
  u64: e2('ef_fail_u64', ['i32', 'u64'], 'u64'),
  bool: e2('ef_fail_bool', ['i32', 'bool'], 'bool'),
  i8: e2('ef_fail_i8', ['i32', 'i8'], 'i8'),
  ptr: e2('ef_fail_ptr', ['i32', 'pointer'], 'pointer'),
  str: e2('ef_fail_str', ['i32', 'string'], 'string'),
  pair: e2('ef_fail_pair', ['i32', 'i64', 'f64'], Pair),
  big: e2('ef_fail_big', ['i32', 'i64'], Big),
  many: e2('ef_fail_many', ['i32', ...Array(8).fill('i64'), ...Array(10).fill('f64')], 'i64'),
  buf: e2('ef_fail_buf', ['i32', 'buffer', 'usize'], 'i32'),
  vfail: e2('ef_fail_variadic', ['i32', 'i32', '...'], 'i32'),
  callThen: e2('ef_call_then', ['function', 'i32', 'i32', 'buffer'], 'i32'),
  address: { name: 'ef_fail_address', parameters: [], result: 'usize' },
  nbFail: e2('ef_fail', ['i32', 'i32'], 'i32', { nonblocking: true }),
  nbGet: e2('ef_get', [], 'i32', { nonblocking: true }),
  nbSet: e2('ef_set', ['i32'], 'void', { nonblocking: true }),
  nbSlow: e2('ef_slow_fail', ['i32', 'i32'], 'i32', { nonblocking: true }),
  nbPlain: { name: 'ef_fail', parameters: ['i32', 'i32'], result: 'i32', nonblocking: true },
};
const lib = ffast.dlopen(LIB, DEFS);
h.register(lib, DEFS);
const S = lib.symbols;

const VALUES = [1, E.ENOENT, E.ERANGE, 4095, -1, 2147483647, -2147483648, 0];

// ------------------------------------------------------------------ callers that read errno()
let callerId = 0;
/** A fresh caller (unique text, its own feedback): `pre`; r = f(args); [r, errno()]. */
function errnoCaller(nargs, pre = '') {
  const k = ++callerId;
  const ps = Array.from({ length: nargs }, (_, i) => `a${i}`).join(', ');
  return new Function(
    `/* errno caller #${k} */\nreturn function errno_caller_${k}(f, E${nargs ? `, ${ps}` : ''}) { ${pre} const r = f(${ps}); return [r, E()]; };`,
  )();
}

/**
 * The call from a never-optimized caller (slow path, exactly one slow call) and from a freshly
 * optimized one (fast path when `fast` and fast calls are on), each followed by errno() in the
 * same function: the result must satisfy `want` and errno() must be `wantErrno`. The hot caller
 * is warmed up on `warmArgs`, which set other errno values, so the measured errno can only come
 * from the measured call.
 */
function coldHotErrno(fn, args, want, wantErrno, opts = {}) {
  // calls: slow calls per call of the caller (more than 1 when JS inside the call makes
  // errno: true calls of its own, e.g. from a callback, which run unoptimized).
  const { warmArgs = args, fast = true, pre = '', label = fn.name, calls = 1 } = opts;
  const where = `${label}(${args.map(h.fmt).join(', ')}) [node ${process.versions.node}]`;
  const cc = errnoCaller(args.length, pre);
  h.N.neverOptimize(cc);
  let before = h.slowCalls();
  const [rc, ec] = cc(fn, errno, ...args);
  assert.equal(h.slowCalls() - before, calls, `cold ${where}: ${calls} slow call(s)`);
  h.check(rc, want, `cold ${where}: result`);
  assert.equal(ec, wantErrno, `cold ${where}: errno()`);

  const hc = errnoCaller(args.length, pre);
  h.N.prepare(hc);
  if (opts.optimizeCallee) h.N.prepare(fn);
  for (let k = 0; k < h.WARMUP_CALLS; k++) hc(fn, errno, ...warmArgs);
  if (opts.optimizeCallee) h.N.optimizeNext(fn);
  h.N.optimizeNext(hc);
  hc(fn, errno, ...warmArgs);
  const tier = h.N.isTurbofan(hc);
  before = h.slowCalls();
  const [rh, eh] = hc(fn, errno, ...args);
  const delta = h.slowCalls() - before;
  if (fast === true && FAST) {
    assert.ok(tier && h.N.isTurbofan(hc), `hot ${where}: caller is TurboFan`);
    assert.equal(delta, 0, `hot ${where}: expected the fast path, ${delta} slow calls`);
  } else if (fast === 'slow') {
    assert.equal(delta, calls, `hot ${where}: expected the slow path (${calls} slow call(s))`);
  }
  h.check(rh, want, `hot ${where}: result`);
  assert.equal(eh, wantErrno, `hot ${where}: errno()`);
}
const other = (e) => (e === 77 ? 78 : 77);

// ------------------------------------------------------------------ tests
test('errno is exported; before any errno: true call it returns 0', () => {
  assert.equal(typeof errno, 'function');
  assert.equal(errno(), 0);
  S.failPlain(5, 0); // not declared errno: true: nothing is saved
  assert.equal(errno(), 0);
});

test('definitions: errno must be a boolean; callbacks have no errno key', () => {
  for (const bad of [1, 'yes', null, {}]) {
    assert.throws(() => ffast.dlopen(LIB, { ef_fail: { parameters: ['i32', 'i32'], result: 'i32', errno: bad } }), (e) => {
      h.assertFfastError(e, 'ERR_FFAST_DEFINITION', `errno: ${h.fmt(bad)}`, 'errno');
      return true;
    });
  }
  const ok = ffast.dlopen(LIB, { ef_fail: { parameters: ['i32', 'i32'], result: 'i32', errno: false } });
  ok.close();
  assert.throws(() => ffast.callback({ parameters: [], result: 'void', errno: true }, () => {}), { code: 'ERR_FFAST_DEFINITION' });
  assert.throws(() => ffast.dlopen(LIB, { ef_fail: { parameters: ['i32', 'i32'], result: 'i32', erno: true } }), /did you mean 'errno'/);
});

test('errno: true saves what C set, cold and hot (fast path), for every value', () => {
  for (const e of VALUES) {
    coldHotErrno(S.fail, [e, -1], -1, e, { warmArgs: [other(e), 3], label: 'ef_fail' });
  }
});

test('10^5 optimized calls: errno() after each is what that call set (fast path proven)', () => {
  const loop = new Function(`return function errno_loop(f, E, n) {
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const e = (i * 7919) & 0xffff;
      const r = f(e, i);
      if (r !== i || E() !== e) bad++;
    }
    return bad;
  };`)();
  h.N.prepare(loop);
  loop(S.fail, errno, 50);
  h.N.optimizeNext(loop);
  loop(S.fail, errno, 1);
  const before = h.slowCalls();
  const bad = loop(S.fail, errno, 100000);
  const slow = h.slowCalls() - before;
  assert.equal(bad, 0, `${bad} of 10^5 calls gave a wrong result or errno`);
  if (FAST) {
    assert.ok(h.N.isTurbofan(loop), 'the loop stayed optimized');
    assert.equal(slow, 0, `${slow} of 10^5 calls took the slow path`);
  }
  const cold = new Function(`return function errno_cold(f, E) { let bad = 0; for (let i = 0; i < 1000; i++) { f(i, 0); if (E() !== i) bad++; } return bad; };`)();
  h.N.neverOptimize(cold);
  assert.equal(cold(S.fail, errno), 0);
});

test('every result kind keeps its value while errno is saved (rax/xmm0, x0/d0, the wide slot, strings, structs)', () => {
  const wide = 2n ** 62n + 3n;
  const cases = [
    ['f64', [1.5], 1.5],
    ['f64', [NaN], NaN],
    ['f64', [-0], -0],
    ['f32', [1.1], Math.fround(1.1)],
    ['i64', [2 ** 53 - 1], 2 ** 53 - 1],
    ['i64', [wide], wide],
    ['i64', [-(2n ** 63n)], -(2n ** 63n)],
    ['u64', [2n ** 64n - 1n], 2n ** 64n - 1n],
    ['bool', [true], true],
    ['i8', [300], 44],
    ['ptr', [0x1234], 0x1234],
    ['ptr', [null], null],
    ['str', ['hello'], 'ello'],
    // 301 UTF-8 bytes: the copy is on the heap, and the result points into it (copied out after
    // the call, which must not disturb the saved errno).
    ['str', [`x${'\u00e9'.repeat(150)}`], '\u00e9'.repeat(150)],
    ['str', [null], null],
  ];
  for (const [k, rest, want] of cases) {
    for (const e of [E.EINVAL, -3]) {
      coldHotErrno(S[k], [e, ...rest], want, e, { warmArgs: [other(e), ...rest], label: `ef_fail_${k}`, fast: typeof want === 'bigint' || typeof want === 'string' || want === null ? false : true });
    }
  }
  coldHotErrno(S.set, [E.EBADF], undefined, E.EBADF, { warmArgs: [1], label: 'ef_set' });
  const pairWant = (r, msg) => assert.deepEqual({ ...r }, { a: 10, b: 0.5 }, msg);
  coldHotErrno(S.pair, [E.EAGAIN, 5, 0.25], pairWant, E.EAGAIN, { warmArgs: [1, 5, 0.25], label: 'ef_fail_pair', fast: false, optimizeCallee: true });
  const bigWant = (r, msg) => assert.deepEqual(r.v, [7, 8, 9, 10, 11], msg);
  coldHotErrno(S.big, [E.EIO, 7], bigWant, E.EIO, { warmArgs: [1, 7], label: 'ef_fail_big', fast: false, optimizeCallee: true });
});

test('stack arguments and buffer arguments with errno: true, cold and hot', () => {
  const ints = [1, 2, 3, 4, 5, 6, 7, 8];
  const dbls = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];
  const want = ints.reduce((s, v, i) => s + (i + 1) * v, 0) + Math.trunc(dbls.reduce((s, v, i) => s + (i + 1) * v, 0));
  coldHotErrno(S.many, [E.E2BIG, ...ints, ...dbls], want, E.E2BIG, { warmArgs: [1, ...ints, ...dbls], label: 'ef_fail_many' });
  const b = new Uint8Array(16);
  coldHotErrno(S.buf, [E.ENOSPC, b, 16], 16, E.ENOSPC, { warmArgs: [1, b, 16], label: 'ef_fail_buf' });
  assert.equal(b[15], 0x5a);
  // A call refused before C runs (a detached buffer) saves nothing.
  errno(123);
  const d = new Uint8Array(4);
  structuredClone(d.buffer, { transfer: [d.buffer] });
  assert.throws(() => S.buf(5, d, 4), { code: 'ERR_FFAST_ARG_TYPE' });
  assert.equal(errno(), 123);
});

test('errno(v) sets the saved value, and C starts with it: errno(0) before strtol works as in C', () => {
  for (const e of VALUES) {
    coldHotErrno(S.get, [], e, e, { pre: `E(${e});`, label: 'ef_get' });
    coldHotErrno(S.keep, [9], 9, e, { pre: `E(${e});`, label: 'ef_keep' });
  }
  errno(41);
  assert.equal(errno(), 41);
  assert.equal(errno(-0), undefined);
  assert.equal(errno(), 0);
  // A function not declared errno: true neither reads nor changes the saved value.
  errno(17);
  S.failPlain(3, 0);
  assert.equal(errno(), 17);
});

test('errno(v) takes an int: anything else is a typed error and changes nothing', () => {
  errno(5);
  for (const [v, code] of [[2 ** 31, 'ERR_FFAST_ARG_RANGE'], [-(2 ** 31) - 1, 'ERR_FFAST_ARG_RANGE'], [1.5, 'ERR_FFAST_ARG_RANGE'], [NaN, 'ERR_FFAST_ARG_RANGE'],
    [Infinity, 'ERR_FFAST_ARG_RANGE'], ['1', 'ERR_FFAST_ARG_TYPE'], [1n, 'ERR_FFAST_ARG_TYPE'], [null, 'ERR_FFAST_ARG_TYPE'], [{ valueOf: () => 1 }, 'ERR_FFAST_ARG_TYPE']]) {
    assert.throws(() => errno(v), { code }, h.fmt(v));
    assert.equal(errno(), 5);
  }
});

test('libc through dlopen(null): strtol ERANGE, open ENOENT/EEXIST (open is variadic: both declarations)', () => {
  const libc = ffast.dlopen(null, {
    strtol: { parameters: ['string', 'pointer', 'int'], result: 'long', errno: true },
    open: { parameters: ['string', 'int', '...'], result: 'int', errno: true },
    openFixed: { name: 'open', parameters: ['string', 'int'], result: 'int', errno: true },
    close: { parameters: ['int'], result: 'int' },
  });
  const { strtol, open, openFixed } = libc.symbols;
  coldHotErrno(strtol, ['99999999999999999999', 0, 10], 2n ** 63n - 1n, E.ERANGE, { pre: 'E(0);', fast: false, label: 'strtol_max' });
  coldHotErrno(strtol, ['-99999999999999999999', 0, 10], -(2n ** 63n), E.ERANGE, { pre: 'E(0);', fast: false, label: 'strtol_min' });
  coldHotErrno(strtol, ['42', 0, 10], 42, 0, { pre: 'E(0);', warmArgs: ['99999999999999999999', 0, 10], label: 'strtol_ok' });
  const missing = '/nonexistent-ffast-errno-test/x';
  const { O_RDONLY, O_CREAT, O_EXCL, O_WRONLY } = fs.constants;
  coldHotErrno(open, [missing, O_RDONLY], -1, E.ENOENT, { fast: false, label: 'open_pairs' });
  coldHotErrno(openFixed, [missing, O_RDONLY], -1, E.ENOENT, { label: 'open_fixed' });
  const withMode = open.variadic('unsigned int');
  h.register(withMode, { parameters: ['string', 'i32', 'u32'], result: 'i32' });
  // O_CREAT | O_EXCL on a file that exists: EEXIST, nothing is created.
  coldHotErrno(withMode, [__filename, O_WRONLY | O_CREAT | O_EXCL, 0o600], -1, E.EEXIST, { label: 'open_shape' });
  coldHotErrno(open, [__filename, O_WRONLY | O_CREAT | O_EXCL, 'unsigned int', 0o600], -1, E.EEXIST, { fast: false, label: 'open_pairs_mode' });
  libc.close();
});

test('variadic and errno together: both forms', () => {
  coldHotErrno(S.vfail, [E.EDOM, 2, 'int', 1, 'int', 2], 3, E.EDOM, { fast: false, warmArgs: [1, 2, 'int', 1, 'int', 2], label: 'vfail_pairs' });
  const g = S.vfail.variadic('int', 'int');
  h.register(g, { parameters: ['i32', 'i32', 'i32', 'i32'], result: 'i32' });
  coldHotErrno(g, [E.EDOM, 2, 5, 6], 11, E.EDOM, { warmArgs: [1, 2, 5, 6], label: 'vfail_shape' });
});

test('bind(): errno: true on a raw address', () => {
  const f = ffast.bind(S.address(), { parameters: ['i32', 'i32'], result: 'i32', errno: true });
  h.register(f, { parameters: ['i32', 'i32'], result: 'i32' });
  coldHotErrno(f, [E.ENOTDIR, 4], 4, E.ENOTDIR, { warmArgs: [1, 4], label: 'bound' });
});

test('a callback inside the call: the value saved is errno as the C function left it on return', () => {
  let inside = null;
  const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (k) => {
    // A nested errno: true call saves its own value meanwhile.
    S.fail(k, 0);
    inside = errno();
    return k * 2;
  });
  try {
    const seen = new Int32Array(1);
    for (const after of [9, E.EPIPE]) {
      // Two slow calls per call: call_then itself and the callback's nested S.fail.
      coldHotErrno(S.callThen, [cb, 7, after, seen], 14, after, { fast: 'slow', calls: 2, warmArgs: [cb, 8, 1, seen], label: 'call_then' });
      assert.equal(inside, 7, 'the nested call saved its errno');
      assert.equal(seen[0], after);
    }
    // The C function does not touch errno after the callback: what it leaves is what is saved.
    const check = (r) => assert.equal(r, 22);
    const cc = errnoCaller(4);
    const [r, e] = cc(S.callThen, errno, cb, 11, -1, seen);
    check(r);
    assert.equal(inside, 11);
    assert.equal(e, seen[0], 'errno() is what C left on return');
  } finally {
    cb.close();
  }
});

test('nonblocking: resolves to { value, errno } captured on the thread that ran it; errno() of the JS thread is untouched', async () => {
  errno(55);
  const pair = (value, e) => (r, msg) => assert.deepEqual(r, { value, errno: e }, msg);
  // Each call resolves to a new object: compared by value (pair), not by identity (stable).
  await h.coldHotAsync(S.nbFail, [E.ENOENT, 7], pair(7, E.ENOENT), { label: 'nb_fail', identical: false, stable: false });
  await h.coldHotAsync(S.nbSet, [E.EACCES], pair(undefined, E.EACCES), { label: 'nb_set', identical: false, stable: false });
  assert.equal(errno(), 55, "nonblocking calls do not change the JS thread's errno()");
  // The call takes the saved value when it is made, and C starts with it on its thread.
  errno(33);
  const p = S.nbGet();
  errno(5);
  assert.deepEqual(await p, { value: 33, errno: 33 });
  errno(0);
  assert.deepEqual(await S.nbGet(), { value: 0, errno: 0 });
  // Without errno: true a nonblocking call resolves to the plain value.
  assert.equal(await S.nbPlain(1, 99), 99);
  // Many at once (the lane and the pool threads): each its own.
  const all = await Promise.all(Array.from({ length: 48 }, (_, i) => S.nbSlow(i + 1, i % 5)));
  all.forEach((r, i) => assert.deepEqual(r, { value: i + 1001, errno: i + 1 }, `call ${i}`));
  assert.equal(errno(), 0);
});

test('per thread: workers and the main thread each have their own errno(), hot loops at once', async () => {
  const { Worker } = require('node:worker_threads');
  S.fail(11, 0);
  assert.equal(errno(), 11);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const lib = ffast.dlopen(workerData.lib, { fail: { name: 'ef_fail', parameters: ['i32', 'i32'], result: 'i32', errno: true } });
    const first = ffast.errno();
    lib.symbols.fail(22, 0);
    const after = ffast.errno();
    let bad = 0;
    for (let i = 0; i < 50000; i++) { lib.symbols.fail(1000 + (i & 255), i); if (ffast.errno() !== 1000 + (i & 255)) bad++; }
    parentPort.postMessage({ first, after, bad, last: ffast.errno() });`;
  const workers = Array.from({ length: 2 }, () => new Worker(code, { eval: true, workerData: { pkg: h.PKG, lib: LIB } }));
  const results = workers.map((w) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  }));
  let bad = 0;
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 5000; i++) {
      S.fail(i & 127, 0);
      if (errno() !== (i & 127)) bad++;
    }
    await new Promise((r) => setImmediate(r));
  }
  for (const r of await Promise.all(results)) {
    assert.equal(r.first, 0, "a new thread's errno() starts at 0");
    assert.equal(r.after, 22);
    assert.equal(r.bad, 0);
    assert.equal(r.last, 1000 + (49999 & 255));
  }
  assert.equal(bad, 0);
  S.fail(12, 0);
  assert.equal(errno(), 12);
  await Promise.all(workers.map((w) => w.terminate()));
});

test('the N-API path (FFAST_NO_FAST=1) captures the same', () => {
  const { spawnSync } = require('node:child_process');
  const src = `const ffast = require(${JSON.stringify(h.PKG)});
    const f = ffast.dlopen(${JSON.stringify(LIB)}, {
      fail: { name: 'ef_fail', parameters: ['i32', 'i32'], result: 'i32', errno: true },
      get: { name: 'ef_get', parameters: [], result: 'i32', errno: true },
    }).symbols;
    const out = [];
    for (let i = 0; i < 2000; i++) { f.fail(i, 0); if (ffast.errno() !== i) out.push(i); }
    ffast.errno(31);
    out.push(f.get(), ffast.errno());
    process.stdout.write(JSON.stringify({ fast: ffast.__internal.fastEnabled, out }));`;
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', src];
  const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, {
    encoding: 'utf8', timeout: 120000, env: { ...process.env, FFAST_NO_FAST: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { fast: false, out: [31, 31] });
});
