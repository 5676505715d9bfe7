'use strict';
// worker_threads: ffast loads in several workers at once (each isolate has its own thread-local
// state: libraries, counters, wide slot), sync calls run cold and hot inside workers (fast path
// asserted there), nonblocking calls work inside workers, closing a library in one worker leaves
// the others alone, and a worker that is terminated (or exits) while its nonblocking calls sleep
// in C neither crashes the process nor leaves a job running into its dead env.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const h = require('./_helpers');
const { ffast } = h;

const CHILD = path.join(__dirname, 'fixture', 'worker_child.js');
const main = h.openFixture({
  add: { name: 'add_i32', parameters: ['i32', 'i32'], result: 'i32' },
  fnv: { name: 'str_fnv1a', parameters: ['string'], result: 'u32' },
  token: { name: 'thread_token', parameters: [], result: 'u64' },
  sleepsDone: { name: 'sleeps_done', parameters: [], result: 'u64' },
  sleepAdd: { name: 'sleep_ms_then_add', parameters: ['i32', 'i32', 'i32'], result: 'i32', nonblocking: true },
}).symbols;

/** A worker running worker_child.js, with `call(op, args)` → Promise of its answer. */
function spawn() {
  const w = new Worker(CHILD);
  const waiting = new Map();
  let next = 0;
  let exited = null;
  const failAll = (e) => {
    for (const { reject } of waiting.values()) reject(e);
    waiting.clear();
  };
  w.on('message', (m) => {
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
  });
  w.on('error', failAll);
  const exit = new Promise((resolve) => w.on('exit', (code) => { exited = code; failAll(new Error(`worker exited with ${code}`)); resolve(code); }));
  return {
    worker: w,
    exit,
    get exited() { return exited; },
    call(op, args = {}) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, op, ...args });
      });
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Live lane threads of this process (threads named ffast-lane, lane.rs), from /proc. */
function laneThreads() {
  const fs = require('node:fs');
  const dir = '/proc/self/task';
  return fs.readdirSync(dir).filter((t) => {
    try {
      return fs.readFileSync(`${dir}/${t}/comm`, 'utf8').trim() === 'ffast-lane';
    } catch {
      return false; // the thread ended while we looked
    }
  }).length;
}

test('three workers at once: sync calls cold and hot, nonblocking calls, state per isolate', async () => {
  const mainToken = main.token();
  const mainSlow = h.slowCalls();
  const ws = [spawn(), spawn(), spawn()];
  try {
    const opened = await Promise.all(ws.map((w) => w.call('open')));
    for (const o of opened) assert.equal(o.fast, ffast.__internal.fastEnabled, 'workers and main agree on fast calls');
    const results = await Promise.all(ws.map((w, i) => w.call('selftest', { k: i + 1 })));
    assert.equal(h.slowCalls(), mainSlow, 'worker calls moved the main thread\'s slow-call counter');
    const tokens = new Set([mainToken]);
    results.forEach((r, i) => {
      const k = i + 1;
      // compared with C as called from the main thread
      assert.equal(r.add, main.add(k, 1000));
      assert.equal(r.addU64, h.uint64Result(2n ** 60n + BigInt(k)));
      assert.equal(r.fnv, main.fnv(`worker ${k}`));
      assert.equal(r.slowFnv, main.fnv(`worker ${k}`));
      assert.equal(r.sumU8, k + 5);
      assert.equal(r.sleepAdd, k + 7);
      assert.equal(r.mulU64, h.uint64Result(2n ** 40n * (2n ** 20n + BigInt(k))));
      assert.equal(r.pending, 0);
      assert.ok(r.slowCalls > 0, 'the worker counts its own slow calls');
      assert.notEqual(r.asyncToken, r.syncToken, 'a worker\'s nonblocking call ran on its JS thread');
      assert.ok(!tokens.has(r.syncToken), 'two workers (or a worker and main) share a JS thread');
      tokens.add(r.syncToken);
    });
  } finally {
    await Promise.all(ws.map((w) => w.worker.terminate()));
  }
});

test('closing the library in one worker affects neither the other worker nor the main thread', async () => {
  const [a, b] = [spawn(), spawn()];
  try {
    await Promise.all([a.call('open'), b.call('open')]);
    const inflight = b.call('call', { k: 5 });
    await a.call('close');
    await assert.rejects(a.call('call', { k: 1 }), { code: 'ERR_FFAST_CLOSED' });
    for (let k = 0; k < 3; k++) {
      assert.deepEqual(await b.call('call', { k }), [k + 1, k + 2, main.fnv(`worker ${k}`)]);
    }
    assert.deepEqual(await inflight, [6, 7, main.fnv('worker 5')]);
    assert.equal(main.add(2, 3), 5);
    assert.equal(await main.sleepAdd(1, 2, 3), 5);
    await b.call('close');
    assert.equal(main.add(4, 5), 9, 'main\'s library still open after both workers closed theirs');
  } finally {
    await Promise.all([a.worker.terminate(), b.worker.terminate()]);
  }
});

test('terminate() while nonblocking calls sleep in C: no crash; running calls finish before the worker is gone, queued ones are cancelled', async () => {
  const w = spawn();
  await w.call('open');
  const n = 24;
  const ms = 150;
  const before = main.sleepsDone();
  assert.equal(await w.call('flood', { n, ms }), n);
  await sleep(30); // some calls are inside C now, the rest wait for a pool thread
  const code = await w.worker.terminate();
  assert.equal(code, 1, 'terminate() exit code');
  const doneAtExit = main.sleepsDone() - before;
  // Node keeps the worker's env until its started pool work completed: nothing of it still runs.
  await sleep(ms + 50);
  assert.equal(main.sleepsDone() - before, doneAtExit, 'a call of the terminated worker was still running after terminate() resolved');
  assert.ok(doneAtExit >= 1, 'the calls inside C when terminate() began were not waited for');
  assert.ok(doneAtExit < n, `all ${n} queued calls ran although the worker was terminated`);
  // the process (and the pool) still work
  assert.equal(await main.sleepAdd(1, 20, 22), 42);
  assert.equal(main.add(1, 2), 3);
});

test('a worker\'s lane: its own thread, waited for (call inside C) and joined by terminate()', { skip: process.platform !== 'linux' && 'lane threads are counted through /proc' }, async () => {
  // A new thread names itself once it runs, and a joined one leaves /proc a moment after the
  // join: counts are awaited (a thread that is never joined keeps the count up and fails).
  const lanes = (n, why) => h.until(() => laneThreads() === n, 5000).catch(() => assert.equal(laneThreads(), n, why));
  assert.equal(await main.sleepAdd(0, 1, 1), 2); // the main thread's lane exists
  await lanes(1, 'lane threads of the main thread');
  const w = spawn();
  const ws = [];
  try {
    await w.call('open');
    const before = main.sleepsDone();
    assert.deepEqual(await w.call('laneOne', { ms: 150 }), { lane: 1, pending: 1 });
    await lanes(2, 'the worker has its own lane thread');
    await sleep(30); // the call is inside C now
    assert.equal(await w.worker.terminate(), 1);
    assert.equal(main.sleepsDone() - before, 1, 'terminate() resolved before the lane call inside C returned');
    await lanes(1, 'the terminated worker\'s lane thread is still alive');

    // idle lanes (calls done) are joined too, for workers terminated and workers that exit
    ws.push(spawn(), spawn());
    await Promise.all(ws.map((x) => x.call('open')));
    await Promise.all(ws.map((x) => x.call('call', { k: 3 })));
    await lanes(3, 'each worker has its own lane thread');
    ws[1].call('exitWithPending', { n: 1, ms: 20 }).catch(() => {});
    await Promise.all([ws[0].worker.terminate(), ws[1].exit]);
    await lanes(1, 'lane threads outlived their workers');
  } finally {
    await Promise.all([w, ...ws].map((x) => x.worker.terminate()));
  }
});

test('a worker that exits with calls in flight, and terminating workers in a loop', async () => {
  const w = spawn();
  await w.call('open');
  const before = main.sleepsDone();
  w.call('exitWithPending', { n: 8, ms: 40 }).catch(() => {});
  assert.equal(await w.exit, 7);
  const doneAtExit = main.sleepsDone() - before;
  await sleep(100);
  assert.equal(main.sleepsDone() - before, doneAtExit, 'a call of the exited worker ran after it was gone');

  for (let round = 0; round < 4; round++) {
    const ws = [spawn(), spawn()];
    await Promise.all(ws.map((x) => x.call('open')));
    await Promise.all(ws.map((x, i) => x.call('flood', { n: 6, ms: 10 + 10 * i })));
    await Promise.all(ws.map((x) => x.worker.terminate()));
  }
  assert.equal(await main.sleepAdd(0, 1, 1), 2);
});
