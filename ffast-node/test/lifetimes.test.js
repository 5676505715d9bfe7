'use strict';
// Lifetimes (docs/lifetimes.md):
// - a library closed while one of its calls is still running — from the callback the call runs,
//   a nested callback of another library, the onError reporter, a getter or Proxy trap that the
//   call's argument checks meet, an async hook of a nonblocking call — lets that call finish
//   (right results, no crash), makes every later call throw ERR_FFAST_CLOSED at once, and frees
//   the code once the call is done; cold and hot callers;
// - stack exhaustion inside re-entrant callbacks reaches onError once per failing call (or, with
//   no onError, ends the process as an uncaught exception), on both callback routes;
// - process.exit() while foreign threads are inside callbacks (and nonblocking calls are inside
//   C), and worker termination likewise: run many times in child processes, each must end with
//   its own exit code and output, never a signal; callback trampolines are reused across worker
//   lifetimes, and 10^4 callback create/close cycles keep memory bounded.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const h = require('./_helpers');
const { ffast } = h;
const { callback, struct } = ffast;

// Under qemu (scripts/arm64.sh) every child process costs seconds: fewer runs there.
const emulated = Boolean(process.env.QEMU_LD_PREFIX || process.env.NODE_EXEC_WRAPPER);
const RUNS = emulated ? 6 : 30;
const LIBC = 'libc.so.6';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const pages = () => ffast.__internal.jitPages();
const closedCall = (f, args, what) =>
  assert.throws(() => f(...args), (e) => e instanceof ffast.FfastError && e.code === 'ERR_FFAST_CLOSED', what);

const coldCaller = function coldCaller(f, args) {
  return f(...args);
};
h.N.neverOptimize(coldCaller);

/**
 * The call `fn(...args)` from a never-optimized caller (`cold`) or from a TurboFan-optimized one
 * (`hot`: warmed up and optimized on `warmArgs` with `arm(false)`, then called once with
 * `arm(true)`). (Not h.cold/h.hot: the callbacks here make ffast calls of their own, so the
 * slow-call counter cannot tell which path this call took.)
 */
function armedCall(mode, fn, args, arm, warmArgs = args) {
  if (mode === 'cold') {
    arm(true);
    return coldCaller(fn, args);
  }
  const caller = h.makeCaller(args.length, 'armed');
  h.N.prepare(caller);
  arm(false);
  for (let k = 0; k < h.WARMUP_CALLS; k++) caller(fn, ...warmArgs);
  h.N.optimizeNext(caller);
  caller(fn, ...warmArgs);
  assert.ok(h.N.isTurbofan(caller), 'the caller is not optimized');
  arm(true);
  return caller(fn, ...args);
}

test('close() from inside a callback while the library\'s function is on the stack: the call completes, later calls throw, the code is freed after the call (cold and hot)', async () => {
  const before = pages();
  const D = struct({ a: 'f64', b: 'f64' });
  for (const mode of ['cold', 'hot']) {
    // libc's own qsort: its comparator closes libc (the reproducer of the finding).
    const libc = ffast.dlopen(LIBC, { qsort: { parameters: ['buffer', 'usize', 'usize', 'function'], result: 'void' } });
    let armed = false;
    let inside = null;
    const unsorted = Int32Array.from({ length: 64 }, (_, i) => (i * 37) % 64);
    const xs = unsorted.slice();
    const cmp = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => {
      if (armed) {
        armed = false;
        libc.close();
        // At once, even while qsort is still running.
        inside = h.capture(() => libc.symbols.qsort(new Int32Array(2), 2, 4, cmp));
      }
      return ffast.read.i32(a) - ffast.read.i32(b);
    });
    armedCall(mode, libc.symbols.qsort, [xs, xs.length, 4, cmp], (on) => {
      armed = on;
      if (on) xs.set(unsorted);
    });
    assert.deepEqual([...xs], Array.from({ length: 64 }, (_, i) => i), `${mode}: qsort finished its work`);
    assert.equal(inside && inside.ok, false, `${mode}: a call inside the callback after close() went through`);
    h.assertFfastError(inside.error, 'ERR_FFAST_CLOSED', `${mode}: call after close() inside the callback`);
    closedCall(libc.symbols.qsort, [xs, xs.length, 4, cmp], `${mode}: call after close()`);
    cmp.close();

    // The fixture: a struct result (read from the function's area after C returned) and a
    // string result in the library's own memory (decoded after C returned).
    const lib = ffast.dlopen(h.FIXTURE, {
      dd: { name: 'lt_cb_then_dd', parameters: ['function', 'i32', 'f64', 'f64'], result: D },
      str: { name: 'lt_cb_then_str', parameters: ['function', 'i32'], result: 'string' },
      sort: { name: 'cb_sort_i32', parameters: ['buffer', 'usize', 'function'], result: 'void' },
    });
    let closeNow = false;
    const cb = callback({ parameters: ['i32'], result: 'i32' }, (x) => {
      if (closeNow) {
        closeNow = false;
        lib.close();
      }
      return x * 2;
    });
    const dd = armedCall(mode, lib.symbols.dd, [cb, 5, 1.5, -2.25], (on) => (closeNow = on));
    assert.deepEqual({ a: dd.a, b: dd.b }, { a: 11.5, b: -2.25 }, `${mode}: struct result after close() in the callback`);
    closedCall(lib.symbols.dd, [cb, 5, 1.5, -2.25], `${mode}: dd after close()`);
    cb.close();

    const lib2 = ffast.dlopen(h.FIXTURE, { str: { name: 'lt_cb_then_str', parameters: ['function', 'i32'], result: 'string' } });
    let close2 = false;
    const cb2 = callback({ parameters: ['i32'], result: 'i32' }, (x) => {
      if (close2) {
        close2 = false;
        lib2.close();
      }
      return x;
    });
    const s = armedCall(mode, lib2.symbols.str, [cb2, 1], (on) => (close2 = on));
    assert.equal(s, 'lifetimes: text of a library closed during the call', `${mode}: string result after close() in the callback`);
    closedCall(lib2.symbols.str, [cb2, 1], `${mode}: str after close()`);
    cb2.close();
  }
  await nextTurn();
  assert.equal(pages(), before, 'the closed libraries\' code was not freed after their calls returned');
});

test('close() from other JS that runs inside a call: a nested callback, the onError reporter, a getter of a struct argument, an async hook (cold and hot); a Proxy argument runs no trap', async () => {
  const before = pages();
  const D = struct({ a: 'f64', b: 'f64' });
  const once = { name: 'cb_call_once', parameters: ['function', 'i32'], result: 'i32' };

  // A callback of library A calls library B, whose callback closes both.
  for (const mode of ['cold', 'hot']) {
    const A = ffast.dlopen(h.FIXTURE, { once });
    const B = ffast.dlopen(h.FIXTURE, { once });
    let armed = false;
    const inner = callback({ parameters: ['i32'], result: 'i32' }, (x) => {
      if (armed) {
        armed = false;
        A.close();
        B.close();
      }
      return x * 2;
    });
    const outer = callback({ parameters: ['i32'], result: 'i32' }, (x) => B.symbols.once(inner, x));
    // once(f, x) = f(x) + 1: A's C gets (2x + 1) from B and returns 2x + 2.
    assert.equal(armedCall(mode, A.symbols.once, [outer, 20], (on) => (armed = on)), 42, `${mode}: nested`);
    closedCall(A.symbols.once, [outer, 1], `${mode}: A after close()`);
    closedCall(B.symbols.once, [inner, 1], `${mode}: B after close()`);
    inner.close();
    outer.close();
  }

  // The onError reporter closes the library whose call is running the callback.
  {
    const L = ffast.dlopen(h.FIXTURE, { once });
    const reported = [];
    const cb = callback({ parameters: ['i32'], result: 'i32', onError: (e) => { reported.push(e); L.close(); } }, () => {
      throw new Error('from the callback');
    });
    assert.equal(coldCaller(L.symbols.once, [cb, 3]), 1, 'C got the default value 0');
    assert.equal(reported.length, 1);
    assert.equal(reported[0].message, 'from the callback');
    closedCall(L.symbols.once, [cb, 3], 'after close() in onError');
    cb.close();
  }

  // A getter of a struct argument closes the library while the wrapper writes the argument.
  for (const mode of ['cold', 'hot']) {
    const L = ffast.dlopen(h.FIXTURE, { sum_dd: { parameters: [D], result: 'f64' } });
    let armed = false;
    const arg = {
      a: 1.5,
      get b() {
        if (armed) {
          armed = false;
          L.close();
        }
        return 4;
      },
    };
    assert.equal(armedCall(mode, L.symbols.sum_dd, [arg], (on) => (armed = on)), 1.5 + 2 * 4, `${mode}: getter`);
    closedCall(L.symbols.sum_dd, [{ a: 1, b: 2 }], `${mode}: sum_dd after close()`);
  }

  // A Proxy given as a pointer argument: the wrapper's check (is it a Callback?) is a WeakSet
  // brand test that runs none of the value's code (no trap can close the library from there),
  // and the native checks reject the Proxy. The library stays open until closed here.
  for (const mode of ['cold', 'hot']) {
    const L = ffast.dlopen(h.FIXTURE, { once, sum_u8: { parameters: ['buffer', 'usize'], result: 'u32' } });
    let armed = false;
    let trapped = 0;
    const trap = (proto) =>
      new Proxy({}, {
        getPrototypeOf() {
          trapped++;
          if (armed) {
            armed = false;
            L.close();
          }
          return proto;
        },
      });
    const p = trap(Object.prototype);
    const good = callback({ parameters: ['i32'], result: 'i32' }, (x) => x);
    const r = h.capture(() => armedCall(mode, L.symbols.once, [p, 1], (on) => (armed = on), [good, 1]));
    assert.equal(r.ok, false, `${mode}: a Proxy passed as a pointer`);
    h.assertFfastError(r.error, 'ERR_FFAST_ARG_TYPE', `${mode}: Proxy as pointer`);
    assert.equal(trapped, 0, `${mode}: the argument check ran a trap of the Proxy`);
    assert.equal(L.symbols.once(good, 2), 3, `${mode}: the library is still open`);
    good.close();
    L.close();
    closedCall(L.symbols.once, [0, 1], `${mode}: once after close()`);
    closedCall(L.symbols.sum_u8, [new Uint8Array(1), 1], `${mode}: sum_u8 after close()`);
  }
  // An async hook closes the library while a nonblocking call is being started: on the lane
  // (its promise's init) and on the libuv pool (the async work's init).
  {
    const { createHook } = require('node:async_hooks');
    const L = ffast.dlopen(h.FIXTURE, {
      add: { name: 'sleep_ms_then_add', parameters: ['i32', 'i32', 'i32'], result: 'i32', nonblocking: true },
    });
    let when = null;
    const hook = createHook({
      init(_id, type) {
        if (when !== null && when(type)) {
          when = null;
          L.close();
        }
      },
    }).enable();
    let lane;
    let pool;
    try {
      when = (type) => type === 'PROMISE';
      lane = L.symbols.add(5, 1, 2);
    } finally {
      when = null;
    }
    closedCall(L.symbols.add, [0, 1, 2], 'nonblocking call after close() in an async hook');
    const M = ffast.dlopen(h.FIXTURE, {
      add: { name: 'sleep_ms_then_add', parameters: ['i32', 'i32', 'i32'], result: 'i32', nonblocking: true },
    });
    try {
      const first = M.symbols.add(5, 10, 20); // takes the lane: the next call goes to the pool
      when = (type) => type !== 'PROMISE';
      pool = M.symbols.add(5, 3, 4);
      M.close(); // (a second close() is a no-op whether the hook ran or not)
      assert.equal(await first, 30);
    } finally {
      when = null;
      hook.disable();
    }
    assert.equal(await lane, 3);
    assert.equal(await pool, 7);
  }
  while (ffast.__internal.pendingCalls() > 0) await new Promise((r) => setTimeout(r, 5));
  await nextTurn();
  assert.equal(pages(), before, 'the closed libraries\' code was not freed after their calls returned');
});

/** `cb_nest(f, d)` calls f(d) and returns f(d) * 10 + d; the callback recurses through it. */
function recursionScenario(lib, onError) {
  let failures = 0;
  const cb = callback({ parameters: ['i32'], result: 'i32', ...(onError ? { onError } : {}) }, (d) => {
    // Each nested call whose callback fails (C gets the default value 0, so cb_nest returns
    // exactly d + 1) is counted and tried again, twice: it fails the same way at that depth.
    for (let k = 0; k < 3; k++) {
      if (lib.symbols.cb_nest(cb, d + 1) !== d + 1) return 1;
      failures++;
    }
    return 1;
  });
  const r = lib.symbols.cb_nest(cb, 0);
  return { r, failures: () => failures, cb };
}

test('stack exhaustion inside re-entrant callbacks: each failing call reaches onError once (C got the default value)', async () => {
  const lib = ffast.dlopen(h.FIXTURE, { cb_nest: { parameters: ['function', 'i32'], result: 'i32' } });
  const errors = [];
  const { r, failures, cb } = recursionScenario(lib, (e) => errors.push(e));
  assert.equal(r, 10, 'the outermost callback returned normally');
  assert.ok(failures() >= 1, 'the recursion never hit the stack limit');
  await h.until(() => errors.length >= failures(), 10000).catch(() => {});
  await nextTurn();
  await nextTurn();
  assert.equal(errors.length, failures(), `${failures()} failing calls, ${errors.length} reports`);
  for (const e of errors) assert.ok(e instanceof RangeError, `reported ${e}`);
  cb.close();
  lib.close();
});

/** Run `node -e script` (through NODE_EXEC_WRAPPER under qemu without binfmt_misc). */
function runChild(script, env = {}) {
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', script];
  return new Promise((resolve) => {
    const child = spawn(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** `runs` runs of `script(i)`, several at a time; each result goes to `check(r, i)`. */
async function runMany(runs, script, check, env) {
  const batch = emulated ? 2 : 10;
  for (let i = 0; i < runs; i += batch) {
    const n = Math.min(batch, runs - i);
    const rs = await Promise.all(Array.from({ length: n }, (_, k) => runChild(script(i + k), env)));
    rs.forEach((r, k) => check(r, i + k));
  }
}

const prelude = `
  const ffast = require(${JSON.stringify(h.PKG)});
  const { callback } = ffast;
  const FIXTURE = ${JSON.stringify(h.FIXTURE)};`;

test('stack exhaustion: without onError an uncaught exception ends the process; the N-API route reports like the V8 route', async () => {
  const noOnError = `${prelude}
    const lib = ffast.dlopen(FIXTURE, { cb_nest: { parameters: ['function', 'i32'], result: 'i32' } });
    const recursionScenario = ${recursionScenario.toString()};
    const { r } = recursionScenario(lib, null);
    console.log('C returned ' + r);`;
  const a = await runChild(noOnError);
  assert.equal(a.signal, null, a.stderr);
  assert.match(a.stdout, /C returned 10/);
  assert.match(a.stderr, /RangeError: Maximum call stack size exceeded/);
  assert.equal(a.status, 1, a.stderr);

  const napi = `${prelude}
    const lib = ffast.dlopen(FIXTURE, { cb_nest: { parameters: ['function', 'i32'], result: 'i32' } });
    const recursionScenario = ${recursionScenario.toString()};
    const errors = [];
    const { r, failures } = recursionScenario(lib, (e) => errors.push(e));
    setTimeout(() => console.log(JSON.stringify({ r, failures: failures(), errors: errors.length,
      ranges: errors.every((e) => e instanceof RangeError), route: ffast.__internal.callbackRoute })), 100);`;
  for (const env of [{}, { FFAST_NO_FAST: '1', FFAST_QUIET: '1' }]) {
    const b = await runChild(napi, env);
    assert.equal(b.status, 0, b.stderr);
    const o = JSON.parse(b.stdout);
    assert.equal(o.r, 10);
    assert.ok(o.failures >= 1, b.stdout);
    assert.equal(o.errors, o.failures, `${JSON.stringify(env)}: ${b.stdout}`);
    assert.ok(o.ranges, b.stdout);
    if (env.FFAST_NO_FAST) assert.equal(o.route, 'napi');
  }
});

// Foreign threads calling callbacks in a loop, never joined (lt_threads_start): two call a
// blocking callback and a threads: 'queue' one, two call the 'queue' one without pause. At any
// moment some are inside the callbacks' trampolines.
const threadsChild = (variant) => `${prelude}
  const lib = ffast.dlopen(FIXTURE, {
    start: { name: 'lt_threads_start', parameters: ['function', 'function', 'i32'], result: 'void' },
    made: { name: 'lt_calls_made', parameters: [], result: 'i64' },
    write: { name: 'lt_sleep_then_write', parameters: ['i32', 'i32', 'string'], result: 'i32', nonblocking: true },
  });
  let n = 0;
  const exit = () => { console.log('exiting'); process.exit(7); };
  setTimeout(() => {}, 60000); // (pending callbacks do not keep a process alive)
  const block = ffast.callback({ parameters: ['i32'], result: 'i32', deadlockMs: 60000 }, (x) => x | 1);
  const queue = ffast.callback({ parameters: ['i32'], result: 'void', threads: 'queue' }, () => {
    if (${variant === 'inside'} && ++n === 300) exit();
  });
  lib.symbols.start(block, queue, 2);
  lib.symbols.start(null, queue, 2);
  if (${variant === 'nonblocking'}) {
    lib.symbols.write(5000, 1, 'lane-done'); // on the lane: abandoned by the exit
    lib.symbols.write(150, 1, 'pool-done'); // on the libuv pool: libuv joins it at exit
  }
  if (${variant !== 'inside'}) {
    const poll = setInterval(() => { if (lib.symbols.made() >= 300) { clearInterval(poll); exit(); } }, 1);
  }`;

test(`process.exit() while foreign threads are inside callbacks, from a timer or from inside one of them (${RUNS} runs): its exit code, no crash`, async () => {
  const variants = ['timer', 'inside'];
  await runMany(RUNS, (i) => threadsChild(variants[i % 2]), (r, i) => {
    const where = `${variants[i % 2]} run ${i}: status ${r.status} signal ${r.signal}\n${r.stderr}`;
    assert.equal(r.signal, null, where);
    assert.equal(r.status, 7, where);
    assert.equal(r.stdout, 'exiting\n', where);
  });
});

test(`process.exit() while nonblocking calls are inside C and foreign threads inside callbacks (${RUNS} runs): a pool call finishes first, a lane call is abandoned`, async () => {
  await runMany(RUNS, () => threadsChild('nonblocking'), (r, i) => {
    const where = `run ${i}: status ${r.status} signal ${r.signal}\n${r.stdout}\n${r.stderr}`;
    assert.equal(r.signal, null, where);
    assert.equal(r.status, 7, where);
    // libuv joins its pool threads on the way out (uv_library_shutdown); the lane is a thread
    // of ffast's own that nobody joins.
    assert.deepEqual(r.stdout.split('\n').filter(Boolean).sort(), ['exiting', 'pool-done'], where);
  });
});

test(`worker termination and process.exit() in a worker while foreign threads are inside its callbacks and its nonblocking calls inside C (${RUNS} workers): no crash; trampolines are reused, not made per worker`, async () => {
  // Only the workers load the fixture: unloading it under the threads would crash.
  const worker = `
    const { parentPort } = require('node:worker_threads');
    const ffast = require(${JSON.stringify(h.PKG)});
    const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, {
      start: { name: 'lt_threads_start', parameters: ['function', 'function', 'i32'], result: 'void' },
      made: { name: 'lt_calls_made', parameters: [], result: 'i64' },
      sleep: { name: 'sleep_ms_then_add', parameters: ['i32', 'i32', 'i32'], result: 'i32', nonblocking: true },
    });
    const block = ffast.callback({ parameters: ['i32'], result: 'i32', deadlockMs: 60000 }, (x) => x | 1);
    const queue = ffast.callback({ parameters: ['i32'], result: 'void', threads: 'queue' }, () => {});
    const base = lib.symbols.made();
    lib.symbols.start(block, queue, 3);
    lib.symbols.sleep(20, 1, 2); // the lane
    lib.symbols.sleep(20, 3, 4); // the pool
    parentPort.on('message', () => process.exit(0));
    const poll = setInterval(() => { if (lib.symbols.made() - base >= 100) { clearInterval(poll); parentPort.postMessage('ready'); } }, 1);`;
  const script = `${prelude}
    const { Worker } = require('node:worker_threads');
    (async () => {
      for (let i = 0; i < ${RUNS}; i++) {
        const w = new Worker(${JSON.stringify(worker)}, { eval: true });
        const exited = new Promise((resolve) => w.on('exit', resolve));
        await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
        if (i % 2) await w.terminate(); else w.postMessage('exit');
        await exited;
      }
      console.log(JSON.stringify({ slots: ffast.__internal.native.callbackSlotsMade() }));
    })();`;
  const r = await runChild(script);
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.status, 0, r.stderr);
  // Two signatures, one trampoline each: every later worker reuses those of ended workers.
  assert.deepEqual(JSON.parse(r.stdout), { slots: 2 }, r.stdout);
});

test('10^4 callback create/close cycles (4 signatures, each called from C): trampolines are reused and memory stays bounded', () => {
  const lib = ffast.dlopen(h.FIXTURE, {
    once: { name: 'cb_call_once', parameters: ['function', 'i32'], result: 'i32' },
    dd: { name: 'cb_call_dd', parameters: ['function', 'f64', 'f64'], result: 'f64' },
  });
  const sigs = [
    [{ parameters: ['i32'], result: 'i32' }, (x) => x + 1, (cb) => lib.symbols.once(cb, 1), 3],
    [{ parameters: ['f64', 'f64'], result: 'f64' }, (a, b) => a + b, (cb) => lib.symbols.dd(cb, 1, 2), 6],
    [{ parameters: ['i32'], result: 'i32', onError: () => {} }, (x) => x * 2, (cb) => lib.symbols.once(cb, 4), 9],
    [{ parameters: ['f64', 'f64'], result: 'f64', threads: 'block', deadlockMs: 5 }, (a) => a, (cb) => lib.symbols.dd(cb, 2, 0), 4],
  ];
  const cycle = (n) => {
    for (let i = 0; i < n; i++) {
      const [def, fn, call, want] = sigs[i % sigs.length];
      const cb = callback(def, fn);
      assert.equal(call(cb), want);
      cb.close();
    }
  };
  cycle(2000); // warm up (allocator, JIT)
  const slots0 = ffast.__internal.native.callbackSlotsMade();
  const rss0 = process.memoryUsage().rss;
  cycle(10000);
  const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
  assert.equal(ffast.__internal.native.callbackSlotsMade(), slots0, 'trampolines were made instead of reused');
  assert.ok(grown < 16, `RSS grew by ${grown.toFixed(1)} MiB over 10^4 cycles`);
  lib.close();
});
