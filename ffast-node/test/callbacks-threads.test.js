'use strict';
// Callbacks called from foreign threads (pthreads started by C) and from workers.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Worker } = require('node:worker_threads');
const h = require('./_helpers');
const { ffast } = h;
const { callback } = ffast;

const defs = {
  cb_threads_start: { parameters: ['function', 'i32', 'i32'], result: 'pointer' },
  cb_threads_join: { parameters: ['pointer'], result: 'i64' },
  cb_threads_run: { parameters: ['function', 'i32', 'i32'], result: 'i64' },
  cb_threads_run_void: { parameters: ['function', 'i32', 'i32'], result: 'void' },
  cb_call_n: { parameters: ['function', 'i32'], result: 'i64' },
};
const S = h.openFixture(defs).symbols;

const until = (pred) => h.until(pred, 20000);

/** The arguments thread k of cb_threads_* passes: 1000k + i for i < per. */
const argsOf = (n, per) => Array.from({ length: n }, (_, k) => Array.from({ length: per }, (_, i) => 1000 * k + i)).flat();

for (const n of [1, 8]) {
  test(`blocking callback from ${n} concurrent thread(s): C gets each JS result`, async () => {
    const per = 50;
    const seen = [];
    // deadlockMs: cb_threads_start (a tracked call) may take long to start 8 threads under qemu;
    // the first calls must wait for it to return rather than hit the deadlock rule.
    const cb = callback({ parameters: ['i32'], result: 'i32', deadlockMs: 5000 }, (x) => {
      seen.push(x);
      return x * 2 + 1;
    });
    const handle = S.cb_threads_start(cb, n, per); // returns at once; the threads wait for JS
    await until(() => seen.length === n * per);
    const want = argsOf(n, per);
    const sum = S.cb_threads_join(handle);
    assert.equal(sum, want.reduce((s, x) => s + x * 2 + 1, 0));
    assert.deepEqual(seen.slice().sort((a, b) => a - b), want.slice().sort((a, b) => a - b));
    cb.close();
  });
}

test("threads: 'queue': void callbacks are queued, C does not wait", async () => {
  const seen = [];
  const cb = callback({ parameters: ['i32'], result: 'void', threads: 'queue' }, (x) => {
    seen.push(x);
  });
  S.cb_threads_run_void(cb, 8, 20); // starts and joins 8 threads inside this synchronous call
  await until(() => seen.length === 160);
  assert.deepEqual(seen.sort((a, b) => a - b), argsOf(8, 20).sort((a, b) => a - b));
  cb.close();
});

test('deadlock rule: a blocking callback from a thread joined inside a synchronous call returns the default and reports', async () => {
  // (the JS thread stays inside cb_threads_run, which joins the threads, past deadlockMs)
  const errors = [];
  let ran = 0;
  const cb = callback({ parameters: ['i32'], result: 'i32', deadlockMs: 10, onError: (e) => errors.push(e) }, (x) => {
    ran++;
    return x + 1;
  });
  // cold and hot (both slow path: the function takes a callback); every call gets 0
  h.coldHot(S.cb_threads_run, [cb, 4, 2], 0, { fast: 'slow' });
  assert.equal(ran, 0);
  await until(() => errors.length >= 2 * 8);
  for (const e of errors) h.assertFfastError(e, 'ERR_FFAST_CALLBACK_DEADLOCK', 'deadlock', 'nonblocking');
  cb.close();
  // the default grace period (100 ms) applies without deadlockMs
  const late = [];
  const d = callback({ parameters: ['i32'], result: 'i32', onError: (e) => late.push(e) }, (x) => x);
  const t0 = Date.now();
  assert.equal(S.cb_threads_run(d, 1, 1), 0);
  assert.ok(Date.now() - t0 >= 90, `gave up after ${Date.now() - t0} ms`);
  await until(() => late.length === 1);
  h.assertFfastError(late[0], 'ERR_FFAST_CALLBACK_DEADLOCK', 'default grace');
  d.close();
});

test('callbacks in a worker run in that worker (same thread and foreign threads)', async () => {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const S = ffast.dlopen(workerData.fixture, workerData.defs).symbols;
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 1);
    const sync = S.cb_call_n(cb, 100);
    let n = 0;
    const tcb = ffast.callback({ parameters: ['i32'], result: 'i32', deadlockMs: 5000 }, (x) => { n++; return x * 2; });
    const hd = S.cb_threads_start(tcb, 4, 25);
    const t = setInterval(() => {
      if (n === 100) {
        clearInterval(t);
        parentPort.postMessage({ sync, threads: S.cb_threads_join(hd) });
      }
    }, 1);
  `;
  const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, fixture: h.FIXTURE, defs } });
  const msg = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  assert.equal(msg.sync, 5050);
  assert.equal(msg.threads, argsOf(4, 25).reduce((s, x) => s + 2 * x, 0));
  await w.terminate();
});

test('terminating a worker while a foreign thread is blocked on its callback: the thread gets the default', async () => {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const S = ffast.dlopen(workerData.fixture, workerData.defs).symbols;
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32', deadlockMs: 5000 }, (x) => x + 7);
    const handle = S.cb_threads_start(cb, 2, 3);
    parentPort.postMessage(handle);
    for (;;) {} // never returns to the event loop: the threads stay blocked until terminate()
  `;
  const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, fixture: h.FIXTURE, defs } });
  const handle = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  await w.terminate();
  // every call the threads made got the default value 0 (none could run JS)
  assert.equal(S.cb_threads_join(handle), 0);
});
