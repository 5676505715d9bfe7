'use strict';
// Nonblocking calls ({ nonblocking: true }): the function returns a Promise, the C function runs
// on the libuv thread pool, and the Promise settles with the value the sync call returns.
// Every result case runs cold and from an optimized caller (coldHotAsync; nonblocking calls are
// never fast calls, so both must take the slow path), and is compared with the same C function
// bound synchronously and with what C computes.
// Rules under test (README "Async calls and workers"):
// - argument errors throw synchronously, the same FfastError as the sync function, hot and cold;
// - string arguments are copied for the call, buffer arguments are pinned until it settles;
// - close() while calls are pending: they complete normally, the library is unloaded after the
//   last one.
// - the lane (lane.rs): a call made while no other call of this thread is in flight runs on the
//   thread's dedicated lane thread; calls made while it is busy run on the libuv pool at once; an
//   idle process uses no CPU and exits; the lane thread has the pool's stack size.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const { ffast } = h;

require('v8').setFlagsFromString('--expose-gc');
const gc = require('vm').runInNewContext('gc');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const defs = {
  add: { name: 'sleep_ms_then_add', parameters: ['i32', 'i32', 'i32'], result: 'i32' },
  mulU64: { name: 'slow_mul_u64', parameters: ['u64', 'u64', 'i32'], result: 'u64' },
  negI64: { name: 'slow_neg_i64', parameters: ['i64', 'i32'], result: 'i64' },
  utf8: { name: 'slow_static_utf8', parameters: ['i32'], result: 'string' },
  nullStr: { name: 'null_str', parameters: [], result: 'string' },
  fnv: { name: 'slow_fnv1a', parameters: ['string', 'i32'], result: 'u32' },
  len2: { name: 'slow_len2', parameters: ['string', 'string', 'i32'], result: 'i64' },
  fill: { name: 'slow_fill', parameters: ['buffer', 'usize', 'u8', 'i32'], result: 'pointer' },
  idPtr: { name: 'id_ptr', parameters: ['pointer'], result: 'pointer' },
  div: { name: 'slow_div_f64', parameters: ['f64', 'f64', 'i32'], result: 'f64' },
  addF32: { name: 'add_f32', parameters: ['f32', 'f32'], result: 'f32' },
  odd: { name: 'slow_is_odd', parameters: ['i64', 'i32'], result: 'bool' },
  addI8: { name: 'add_i8', parameters: ['i8', 'i8'], result: 'i8' },
  addU16: { name: 'add_u16', parameters: ['u16', 'u16'], result: 'u16' },
  inc: { name: 'counter_inc', parameters: [], result: 'void' },
  counterGet: { name: 'counter_get', parameters: [], result: 'u64' },
  token: { name: 'thread_token', parameters: [], result: 'u64' },
  probe: { name: 'overlap_probe', parameters: ['i32'], result: 'i32' },
  probeMax: { name: 'overlap_max', parameters: [], result: 'i32' },
  fnptrAdd: { name: 'fnptr_add_i32', parameters: [], result: 'pointer' },
  stack: { name: 'stack_touch', parameters: ['i32'], result: 'u32' },
  callN: { name: 'cb_call_n', parameters: ['function', 'i32'], result: 'i64' },
};
const asyncDefs = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, { ...d, nonblocking: true }]));
// The same functions bound synchronously: the reference for every result and error.
const S = h.openFixture(defs).symbols;
const A = h.openFixture(asyncDefs).symbols;

/** FNV-1a over the UTF-8 bytes of s, as slow_fnv1a computes it. */
function fnv1a(s) {
  let x = 2166136261;
  for (const b of Buffer.from(s, 'utf8')) x = Math.imul(x ^ b, 16777619) >>> 0;
  return x;
}

test('results: every result kind settles to what the sync call returns, cold and hot', async () => {
  const cases = [
    ['add', [0, 2, 40], 42],
    ['add', [0, 0x7fffffff, 1], -0x80000000],
    ['mulU64', [3, 5, 0], 15],
    ['mulU64', [2n ** 40n, 2n ** 20n + 1n, 0], h.uint64Result(2n ** 60n + 2n ** 40n)],
    ['mulU64', [2n ** 63n, 3, 0], h.uint64Result((2n ** 63n * 3n) % 2n ** 64n)],
    ['negI64', [5, 0], -5],
    ['negI64', [2n ** 60n, 0], h.int64Result(-(2n ** 60n))],
    ['negI64', [-(2n ** 63n), 0], h.int64Result(-(2n ** 63n))],
    ['utf8', [0], 'h\u00e9llo w\u00f6rld \u2713 \u{1f600}'],
    ['nullStr', [], null],
    ['idPtr', [0x1234], 0x1234],
    ['idPtr', [null], null],
    ['idPtr', [2n ** 63n + 8n], h.ptrResult(2n ** 63n + 8n)],
    ['div', [1, 3, 0], 1 / 3],
    ['div', [-1, 0, 0], -Infinity],
    ['addF32', [1.5, 0.25], 1.75],
    ['odd', [7, 0], true],
    ['odd', [2n ** 62n, 0], false],
    ['addI8', [127, 1], -128],
    ['addU16', [0xffff, 2], 1],
  ];
  for (const [k, args, want] of cases) {
    const sync = S[k](...args);
    h.assertSame(sync, want, `sync ${k}${h.fmt(args)}`);
    await h.coldHotAsync(A[k], args, want, { label: `async_${k}` });
  }
});

test('void result settles to undefined after C ran', async () => {
  S.counterGet();
  const before = BigInt(S.counterGet());
  const v = await h.coldHotAsync(A.inc, [], undefined, { label: 'async_inc' });
  assert.equal(v, undefined);
  // one cold call + WARMUP_CALLS + 2 hot calls, all completed before coldHotAsync returned
  assert.equal(BigInt(S.counterGet()) - before, BigInt(1 + h.WARMUP_CALLS + 2));
});

test('the C function runs on another thread, and only while JS goes on', async () => {
  const mine = S.token();
  const other = await A.token();
  assert.notEqual(other, mine, 'nonblocking call ran on the JS thread');
  // A call returns before C runs: its result is not there yet, and the event loop keeps going.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const t0 = Date.now();
  const p = A.add(200, 20, 22);
  assert.ok(p instanceof Promise);
  assert.equal(await p, 42);
  clearInterval(timer);
  const took = Date.now() - t0;
  assert.ok(took >= 190, `sleep_ms_then_add(200) settled after ${took} ms`);
  assert.ok(ticks >= 4, `setInterval(20) ticked ${ticks} times during a 200 ms C call`);
});

test('calls overlap on the pool and 200 in flight all settle correctly', async () => {
  await A.probeMax(); // reset, finished before any probe starts (it is a nonblocking call too)
  const probes = await Promise.all(Array.from({ length: 4 }, () => A.probe(3000)));
  assert.equal(probes.length, 4);
  assert.ok((await A.probeMax()) >= 2, 'no two nonblocking calls were inside C at once');

  const calls = [];
  for (let i = 0; i < 200; i++) {
    const a = i * 7919 - 100000;
    const b = i ^ 0x5a5a;
    calls.push(A.add(i % 3, a, b).then((r) => [r, h.toI32(a + b)]));
    if (i % 4 === 0) calls.push(A.mulU64(BigInt(i) << 40n, 12345, 0).then((r) => [r, h.uint64Result((BigInt(i) << 40n) * 12345n)]));
  }
  assert.equal(ffast.__internal.pendingCalls(), calls.length);
  for (const [got, want] of await Promise.all(calls)) h.assertSame(got, want, 'concurrent call');
  assert.equal(ffast.__internal.pendingCalls(), 0);
});

test('the lane: sequential calls run on one dedicated thread; calls made while it is busy go to the pool', async () => {
  const mine = S.token();
  const lane0 = ffast.__internal.laneCalls();
  const tokens = new Set();
  for (let i = 0; i < 50; i++) {
    tokens.add(await A.token());
    assert.equal(await A.add(0, i, 1000), i + 1000);
  }
  assert.equal(ffast.__internal.laneCalls() - lane0, 100, 'sequential calls did not all run on the lane');
  assert.equal(tokens.size, 1, 'sequential calls ran on more than one thread');
  const [laneToken] = tokens;
  assert.notEqual(laneToken, mine, 'a lane call ran on the JS thread');

  // A long call occupies the lane: the calls made meanwhile run on the pool, without waiting.
  const lane1 = ffast.__internal.laneCalls();
  const long = A.add(300, 20, 22);
  const t0 = Date.now();
  const [token, sum] = await Promise.all([A.token(), A.add(0, 3, 4)]);
  const took = Date.now() - t0;
  assert.ok(took < 250, `calls made while the lane ran a 300 ms call took ${took} ms`);
  assert.equal(sum, 7);
  assert.notEqual(token, laneToken, 'a call made while the lane was busy ran on the lane');
  assert.notEqual(token, mine);
  assert.equal(ffast.__internal.laneCalls() - lane1, 1, 'only the first of three calls in flight ran on the lane');
  assert.equal(await long, 42);
  // Free again: the next call takes the lane.
  assert.equal(await A.token(), laneToken);
  assert.equal(ffast.__internal.laneCalls() - lane1, 2);
});

test('a nonblocking C function calling a JS callback: the lane (and a pool thread) wait for JS', async () => {
  const seen = [];
  const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => {
    seen.push(x);
    return x * 3 + 1;
  });
  // what cb_call_n computes: the sum of cb(i) for i < n
  const want = (n) => Array.from({ length: n }, (_, i) => i * 3 + 1).reduce((a, b) => a + b, 0);
  assert.equal(S.callN(cb, 10), want(10), 'sync reference');
  seen.length = 0;
  const lane0 = ffast.__internal.laneCalls();
  // the first on the lane, the second on the pool: both C callers block on JS meanwhile
  const got = await Promise.all([A.callN(cb, 200), A.callN(cb, 50)]);
  assert.deepEqual(got, [want(200), want(50)]);
  assert.equal(ffast.__internal.laneCalls() - lane0, 1);
  assert.equal(seen.length, 250);
  cb.close();
});

test('the lane stops spinning: an idle process uses (almost) no CPU', async () => {
  for (let i = 0; i < 500; i++) assert.equal(await A.add(0, i, 1), i + 1);
  await sleep(20);
  const before = process.cpuUsage();
  await sleep(300);
  const used = process.cpuUsage(before);
  const ms = (used.user + used.system) / 1000;
  // A thread still spinning would burn the whole 300 ms (two of them: 600 ms).
  assert.ok(ms < 150, `the idle process used ${ms} ms of CPU in 300 ms`);
});

test('the lane keeps the process alive while a call is in flight, and not after', () => {
  const { spawnSync } = require('node:child_process');
  const script = `
    const ffast = require(${JSON.stringify(h.PKG)});
    const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, ${JSON.stringify({ add: asyncDefs.add })});
    (async () => {
      let s = 0;
      for (let i = 0; i < 200; i++) s += await lib.symbols.add(0, i, 1);
      // The only thing left to wait for: a call sleeping on the lane.
      lib.symbols.add(150, s, 1).then((r) => console.log('settled ' + r + ' lane ' + ffast.__internal.laneCalls()));
    })();`;
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', script];
  const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.signal, null, `killed by ${r.signal} (hung?)\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  // sum of (i + 1) for i < 200 is 20100; the last call adds 1
  assert.equal(r.stdout.trim(), 'settled 20101 lane 201');
});

test('a nonblocking call has 8 MiB of stack (libuv pool threads have it), on the lane and on the pool', () => {
  // In a child: a thread with less stack dies on its guard page.
  const { spawnSync } = require('node:child_process');
  const kb = 6 * 1024;
  const script = `
    const ffast = require(${JSON.stringify(h.PKG)});
    const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, ${JSON.stringify({ stack: asyncDefs.stack })});
    Promise.all([lib.symbols.stack(${kb}), lib.symbols.stack(${kb})])
      .then((r) => console.log(JSON.stringify({ r, lane: ffast.__internal.laneCalls() })));`;
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', script];
  const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  // what stack_touch computes: the bytes (k & 0xff) for k < kb * 1024 / 512
  let want = 0;
  for (let k = 0; k < (kb * 1024) / 512; k++) want += k & 0xff;
  assert.deepEqual(JSON.parse(r.stdout), { r: [want, want], lane: 1 });
});

test('argument errors throw synchronously: the sync function\'s FfastError, cold and hot', () => {
  const cases = [
    ['add', [0, 1, 2], [0, 1], 'ERR_FFAST_ARG_COUNT'],
    ['add', [0, 1, 2], [0, 1, 2, 3], 'ERR_FFAST_ARG_COUNT'],
    ['add', [0, 1, 2], [0, 'x', 2], 'ERR_FFAST_ARG_TYPE'],
    ['mulU64', [1, 2, 0], [2n ** 64n, 2, 0], 'ERR_FFAST_ARG_RANGE'],
    ['mulU64', [1, 2, 0], [Infinity, 2, 0], 'ERR_FFAST_ARG_RANGE'],
    ['fnv', ['a', 0], [42, 0], 'ERR_FFAST_ARG_TYPE'],
    ['fill', [new Uint8Array(4), 4, 0, 0], [[1, 2], 4, 0, 0], 'ERR_FFAST_ARG_TYPE'],
    ['idPtr', [1], ['1'], 'ERR_FFAST_ARG_TYPE'],
  ];
  for (const [k, good, bad, code] of cases) {
    const se = h.capture(() => S[k](...bad));
    assert.ok(!se.ok, `sync ${k}${h.fmt(bad)} should throw`);
    const ae = h.coldHotThrows(A[k], good, bad, code, { label: `async_${k}` });
    assert.equal(ae.message, se.error.message, `${k}${h.fmt(bad)}: async vs sync message`);
    assert.equal(ae.constructor, se.error.constructor);
  }
});

test('a failed call queues no work', async () => {
  await sleep(0);
  while (ffast.__internal.pendingCalls() > 0) await sleep(5);
  assert.throws(() => A.add(0, 'x', 1), { code: 'ERR_FFAST_ARG_TYPE' });
  assert.throws(() => A.fnv(null, 'no'), { code: 'ERR_FFAST_ARG_TYPE' });
  assert.equal(ffast.__internal.pendingCalls(), 0);
});

test('strings: copies owned by the call, valid while C sleeps (long, non-ASCII, cons, NULL)', async () => {
  const long = ['ab', 'c\u00e9', '\u2713'].join('').repeat(20000) + 'end';
  const cons = 'x'.repeat(3000) + '\u00ff' + String(Math.random());
  const ps = [A.fnv(long, 40), A.fnv(cons, 30), A.fnv('', 10), A.fnv('short', 0)];
  // churn the heap while C holds the pointers
  for (let i = 0; i < 20; i++) new Array(10000).fill('garbage' + i).join('');
  gc();
  const got = await Promise.all(ps);
  assert.deepEqual(got, [fnv1a(long), fnv1a(cons), fnv1a(''), fnv1a('short')]);
  assert.equal(got[0], S.fnv(long, 0));
  await h.coldHotAsync(A.len2, ['abc', 'de\u00e9', 0], 3 * 1000 + 4, { label: 'async_len2' });
  await h.coldHotAsync(A.len2, [null, 'x', 0], -1, { label: 'async_len2_null' });
  await h.coldHotAsync(A.fnv, ['h\u00e9llo', 0], fnv1a('h\u00e9llo'), { label: 'async_fnv' });
});

test('buffers: C writes at the address ptr() gives, and the buffer stays alive until settled', async () => {
  const ab = new ArrayBuffer(96);
  const view = new Uint8Array(ab, 16, 64);
  const addr = ffast.ptr(view);
  const r = await A.fill(view, 64, 3, 20);
  assert.equal(r, addr);
  assert.deepEqual([...view], Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff));
  assert.deepEqual([...new Uint8Array(ab, 0, 16)], new Array(16).fill(0), 'bytes before the view untouched');
  // the same through the hot path, a small (on-heap) typed array
  const small = new Uint8Array(8);
  const got = await h.coldHotAsync(A.fill, [small, 8, 1, 0], (v) => assert.equal(typeof v, 'number'), {
    label: 'async_fill',
    identical: true,
  });
  assert.equal(got, ffast.ptr(small));
  assert.deepEqual([...small], [1, 8, 15, 22, 29, 36, 43, 50]);

  // Pinned: the only reference to the buffer is the pending call. A WeakRef shows that a full GC
  // while C sleeps does not collect it; C's writes land in it.
  let weak;
  const p = (() => {
    const b = new Uint8Array(new ArrayBuffer(4096));
    weak = new WeakRef(b);
    return A.fill(b, 4096, 9, 150);
  })();
  await sleep(20); // a new task: WeakRef targets are only kept alive for the creating job
  gc();
  const alive = weak.deref();
  assert.ok(alive, 'a buffer passed to a pending nonblocking call was garbage collected');
  const out = await p;
  assert.equal(out, ffast.ptr(alive));
  assert.equal(alive[4095], (4095 * 7 + 9) & 0xff);
});

test('close() while calls are pending: they settle normally, the library is unloaded after the last', async () => {
  const pagesBefore = ffast.__internal.jitPages();
  const lib = h.openFixture({ add: asyncDefs.add, mul: asyncDefs.mulU64 });
  const pagesOpen = ffast.__internal.jitPages();
  assert.ok(pagesOpen > pagesBefore, 'the library holds trampoline pages');
  const { add, mul } = lib.symbols;
  const ps = [add(100, 1, 2), add(60, 3, 4), mul(2n ** 33n, 2n ** 33n, 80)];
  lib.close();
  assert.throws(() => add(0, 1, 2), { code: 'ERR_FFAST_CLOSED' });
  assert.equal(ffast.__internal.pendingCalls(), 3);
  assert.equal(ffast.__internal.jitPages(), pagesOpen, 'closed library freed its code under pending calls');
  assert.deepEqual(await Promise.all(ps), [3, 7, h.uint64Result(2n ** 66n)]);
  assert.equal(ffast.__internal.pendingCalls(), 0);
  assert.equal(ffast.__internal.jitPages(), pagesBefore, 'library code not freed after its last call');
  lib.close(); // idempotent
});

test('close() while only a lane call is in flight: unloaded after it settles', async () => {
  await sleep(0);
  while (ffast.__internal.pendingCalls() > 0) await sleep(5);
  const pagesBefore = ffast.__internal.jitPages();
  const lib = h.openFixture({ add: asyncDefs.add });
  const lane0 = ffast.__internal.laneCalls();
  const p = lib.symbols.add(80, 2, 3);
  assert.equal(ffast.__internal.laneCalls() - lane0, 1, 'the call did not run on the lane');
  lib.close();
  assert.equal(ffast.__internal.pendingCalls(), 1);
  assert.ok(ffast.__internal.jitPages() > pagesBefore, 'closed library freed its code under a lane call');
  assert.equal(await p, 5);
  assert.equal(ffast.__internal.pendingCalls(), 0);
  assert.equal(ffast.__internal.jitPages(), pagesBefore, 'library code not freed after its lane call');
});

test('close() with nothing pending frees at once; a settled library can be reopened', async () => {
  const before = ffast.__internal.jitPages();
  const lib = h.openFixture({ add: asyncDefs.add });
  assert.equal(await lib.symbols.add(0, 5, 6), 11);
  lib.close();
  assert.equal(ffast.__internal.jitPages(), before);
  const again = h.openFixture({ add: asyncDefs.add });
  assert.equal(await again.symbols.add(1, 1, 1), 2);
  again.close();
});

test('bind(address, { nonblocking: true })', async () => {
  const def = { parameters: ['i32', 'i32'], result: 'i32', nonblocking: true };
  const add = h.register(ffast.bind(S.fnptrAdd(), def), def);
  await h.coldHotAsync(add, [20, 22], 42, { label: 'bound_async_add' });
  assert.throws(() => add(1), { code: 'ERR_FFAST_ARG_COUNT' });
});

test('definition checks: nonblocking must be a boolean', () => {
  assert.throws(() => ffast.dlopen(h.FIXTURE, { add: { ...defs.add, nonblocking: 1 } }), { code: 'ERR_FFAST_DEFINITION' });
  assert.throws(() => ffast.bind(1, { parameters: [], result: 'void', nonblocking: 'yes' }), { code: 'ERR_FFAST_DEFINITION' });
  const lib = ffast.dlopen(h.FIXTURE, { add: { ...defs.add, nonblocking: false } });
  assert.equal(lib.symbols.add(0, 1, 2), 3, 'nonblocking: false is a sync function');
  lib.close();
});

test('process.exit() while calls sleep in C exits with its code (no crash at teardown)', () => {
  // The exiting thread frees its state while a pool thread is still inside C: the code the
  // pool thread returns into must stay mapped (a library with calls in flight is leaked, not
  // unloaded). Several timings, so the exit lands before, during and after C returns.
  const { spawnSync } = require('node:child_process');
  for (const delay of [0, 20, 45, 50, 55, 80]) {
    const script = `
      const ffast = require(${JSON.stringify(h.PKG)});
      const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, ${JSON.stringify({ add: asyncDefs.add })});
      for (let i = 0; i < 6; i++) lib.symbols.add(50, i, 1);
      setTimeout(() => process.exit(3), ${delay});`;
    const wrapper = process.env.NODE_EXEC_WRAPPER;
    const argv = ['-e', script];
    const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { encoding: 'utf8' });
    assert.equal(r.signal, null, `exit after ${delay} ms: killed by ${r.signal}\n${r.stderr}`);
    assert.equal(r.status, 3, `exit after ${delay} ms: status ${r.status}\n${r.stderr}`);
  }
});
