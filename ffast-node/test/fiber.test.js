'use strict';
// The fiber mode (docs/callbacks.md §11): tracked calls run their C code on a side stack, and
// each callback C calls on the JS thread parks there and runs on the JS stack — through the JS
// loop (the fast park) or the default route. By default only a function declared `fiber: true`
// goes there, once its calls make many callbacks each. This file checks that choice, then runs
// the callback suite and itself once more in a child with every tracked call on a fiber
// (FFAST_FIBER=1), where it checks what only the fiber has: the parks themselves, the stacks'
// reuse and teardown, nesting past the cap, a worker terminated while C is parked, the fast
// park's equivalence with the mode off.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const h = require('./_helpers');
const { ffast } = h;

// Three modes (config.rs FiberMode). By default only functions declared `fiber: true` may run
// on a fiber, each once its calls make many callbacks (fiber::Choice); FFAST_NO_FIBER (which
// wins) keeps every tracked call on the JS stack; FFAST_FIBER puts every one on a fiber. Without
// FFAST_FIBER this file checks the default (and, in a child, the mode off), then runs itself and
// the callback suite in a child with FFAST_FIBER, where the rest of the file checks what only a
// fiber has.
const fiberTarget = ['x64', 'arm64'].includes(process.arch) && process.platform === 'linux';
const fc = () => ffast.__internal.native.fiberCounts();
const parked = () => fc()[1];
if (process.env.FFAST_FIBER === undefined || process.env.FFAST_NO_FIBER !== undefined) {
  const off = process.env.FFAST_NO_FIBER !== undefined;
  const SLOW = { fast: 'slow' };
  const defs = (fiber) => ({
    cb_call_n: { parameters: ['function', 'i32'], result: 'i64', fiber },
    cb_call_once: { parameters: ['function', 'i32'], result: 'i32', fiber },
    cb_sort_i32: { parameters: ['buffer', 'usize', 'function'], result: 'void', fiber },
  });
  // a fresh binding per test: the choice is per function and starts on the JS stack
  const open = (fiber = true) => h.openFixture(defs(fiber)).symbols;
  if (off) {
    test('fiber mode off (FFAST_NO_FIBER): even a fiber: true function parks nothing', () => {
      const S = open();
      const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 1);
      for (let i = 0; i < 5; i++) assert.equal(S.cb_call_n(cb, 100), 5050);
      cb.close();
      assert.deepEqual(fc(), [0, 0, 0, 0, 0, 0]);
    });
    return;
  }
  test('default mode: per function, where the target has fibers', () => {
    const [on, , , , , mode] = fc();
    assert.equal(mode, 1);
    assert.equal(on, fiberTarget ? 1 : 0);
  });
  test('fiber: true is a boolean, for a synchronous function that calls back; a variable has none', () => {
    const L = (d) => h.openFixture({ cb_call_n: d });
    for (const v of ['yes', 1, null, {}]) {
      assert.throws(() => L({ parameters: ['function', 'i32'], result: 'i64', fiber: v }), (e) => e.code === 'ERR_FFAST_DEFINITION' && /fiber/.test(e.message));
    }
    assert.throws(() => L({ parameters: ['i32', 'i32'], result: 'i64', fiber: true }), (e) => e.code === 'ERR_FFAST_DEFINITION' && /calls back/.test(e.message));
    assert.throws(() => L({ parameters: ['function', 'i32'], result: 'i64', nonblocking: true, fiber: true }), (e) => e.code === 'ERR_FFAST_DEFINITION' && /synchronous/.test(e.message));
    assert.throws(() => ffast.dlopen(null, { g: { name: 'environ', variable: 'pointer', fiber: true } }), (e) => e.code === 'ERR_FFAST_DEFINITION' && /fiber/.test(e.message));
    // fiber: false, and callbacks: true instead of a function parameter
    const S = h.openFixture({ cb_call_n: { parameters: ['pointer', 'i32'], result: 'i64', callbacks: true, fiber: true }, cb_call_once: { parameters: ['function', 'i32'], result: 'i32', fiber: false } }).symbols;
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 1);
    assert.equal(S.cb_call_n(cb.pointer, 100), 5050);
    assert.equal(S.cb_call_once(cb, 1), 3);
    cb.close();
  });
  test('default mode: a function not declared fiber: true never parks, however many callbacks its calls make', () => {
    const S = open(false);
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 1);
    const p0 = parked();
    for (let i = 0; i < 5; i++) assert.equal(S.cb_call_n(cb, 1000), 500500);
    assert.equal(parked() - p0, 0);
    cb.close();
  });
  test('fiber: true, one callback per call: never parks, cold and hot', () => {
    const S = open();
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x * 2);
    const p0 = parked();
    h.coldHot(S.cb_call_once, [cb, 21], 43, SLOW);
    for (let i = 0; i < 2000; i++) assert.equal(S.cb_call_once(cb, i), 2 * i + 1);
    assert.equal(parked() - p0, 0);
    cb.close();
  });
  test('fiber: true, many callbacks per call: on a fiber from the second call; light calls bring it back; a heavy call sends it again', { skip: !fiberTarget && 'no fibers on this target' }, () => {
    const S = open();
    const seen = [];
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => (seen.push(x), x + 1));
    let p = parked();
    assert.equal(S.cb_call_n(cb, 100), 5050);
    assert.equal(parked() - p, 0, 'the first call runs on the JS stack');
    assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
    for (let k = 0; k < 3; k++) {
      p = parked();
      assert.equal(S.cb_call_n(cb, 100), 5050);
      assert.equal(parked() - p, 100, `heavy call ${k + 2}: every callback parked`);
    }
    // light calls: on the fiber while the average stays at 16 callbacks per call or more (68
    // after these four heavy calls), then on the JS stack (after 6)
    for (let k = 0; k < 6; k++) assert.equal(S.cb_call_n(cb, 1), 1);
    p = parked();
    for (let k = 0; k < 50; k++) assert.equal(S.cb_call_n(cb, 1), 1);
    assert.equal(parked() - p, 0, 'light calls are back on the JS stack');
    // one huge call counts for at most 1,024 callbacks: light calls bring it back as fast
    assert.equal(S.cb_call_n(cb, 100000), 5000050000);
    p = parked();
    assert.equal(S.cb_call_n(cb, 1000), 500500);
    assert.equal(parked() - p, 1000, 'on the fiber after a heavy call');
    for (let k = 0; k < 15; k++) assert.equal(S.cb_call_n(cb, 1), 1);
    p = parked();
    for (let k = 0; k < 20; k++) assert.equal(S.cb_call_n(cb, 1), 1);
    assert.equal(parked() - p, 0, 'back on the JS stack 15 light calls after a 10^5-callback call');
    cb.close();
  });
  test('fiber: true on a lazily bound function (bind: \'lazy\'): the same choice as eager', { skip: !fiberTarget && 'no fibers on this target' }, () => {
    const lib = ffast.dlopen(h.FIXTURE, defs(true), { bind: 'lazy' });
    const S = lib.symbols;
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 1);
    let p = parked();
    assert.equal(S.cb_call_n(cb, 100), 5050);
    assert.equal(parked() - p, 0, 'the first call runs on the JS stack');
    p = parked();
    assert.equal(S.cb_call_n(cb, 100), 5050);
    assert.equal(parked() - p, 100, 'the second on a fiber');
    // the batch made with it: one callback per call stays on the JS stack
    p = parked();
    for (let k = 0; k < 50; k++) assert.equal(S.cb_call_once(cb, k), k + 2);
    assert.equal(parked() - p, 0);
    cb.close();
    lib.close();
  });
  test('fiber: true, callbacks the fast park does not take (a u32 result): the calls stay on the JS stack', () => {
    const S = open();
    const u = ffast.callback({ parameters: ['i32'], result: 'u32' }, (x) => x + 1);
    const p0 = parked();
    for (let k = 0; k < 20; k++) assert.equal(S.cb_call_n(u, 200), 20100);
    assert.equal(parked() - p0, 0);
    u.close();
  });
  test('fiber: true, nested calls: at most the pool\'s idle stacks in use, none mapped per call', { skip: !fiberTarget && 'no fibers on this target' }, () => {
    const S = open();
    const depth = 10;
    const n = 20;
    const cbs = [];
    const rec = (level) => S.cb_call_n(cbs[level], n);
    for (let level = 0; level < depth; level++) {
      cbs.push(ffast.callback({ parameters: ['i32'], result: 'i32' }, (i) => (level + 1 < depth && i === 0 ? Number(rec(level + 1)) % 1000 : i)));
    }
    // the same recursion in JS
    const model = (level) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += level + 1 < depth && i === 0 ? model(level + 1) % 1000 : i;
      return s;
    };
    const want = model(0);
    assert.equal(Number(rec(0)), want);
    assert.equal(Number(rec(0)), want);
    const [, p0, m0, u0] = fc();
    for (let k = 0; k < 20; k++) assert.equal(Number(rec(0)), want);
    const [, p1, m1, u1] = fc();
    assert.ok(p1 - p0 > 0, 'the nested calls ran on fibers');
    assert.equal(m1 - m0, 0, 'no stack mapped per call');
    assert.equal(u1 - u0, 0, 'no stack unmapped per call');
    for (const c of cbs) c.close();
  });
  test('fiber: true, a sort with a JS comparator: the same order as on the JS stack, its own reads fast (hot, every line), and a throwing comparator reported once', { skip: !fiberTarget && 'no fibers on this target' }, () => {
    const S = open();
    const n = 2000;
    const data = Int32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 100003) - 50000);
    const desc = ffast.callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => ffast.read.i32(b) - ffast.read.i32(a));
    const d2 = data.slice();
    const f0 = fc()[4];
    // hot: the one slow call is the sort itself; the comparator's read.i32 calls are fast
    // calls, also once the JS loop inlines the comparator (Node 22 made none inside a `try`)
    h.hot(S.cb_sort_i32, [d2, n, desc], { fast: 'slow', stable: false });
    assert.ok(fc()[4] - f0 > 0, 'the sorts ran on a fiber');
    assert.deepEqual(Array.from(d2), Array.from(data).sort((a, b) => b - a));
    desc.close();
    const errs = [];
    let boom = -1;
    let calls = 0;
    const cmp = ffast.callback({ parameters: ['pointer', 'pointer'], result: 'i32', onError: (e) => errs.push(e.message) }, (a, b) => {
      if (++calls === boom) throw new Error('boom');
      return ffast.read.i32(a) - ffast.read.i32(b);
    });
    const want = [...data].sort((x, y) => x - y);
    for (let k = 0; k < 3; k++) {
      const a = data.slice();
      S.cb_sort_i32(a, n, cmp);
      assert.deepEqual([...a], want);
    }
    // a throw inside a sort on the fiber: reported through onError once, C gets 0 and goes on
    calls = 0;
    boom = 10;
    const p0 = parked();
    const a = data.slice();
    S.cb_sort_i32(a, n, cmp);
    assert.ok(parked() - p0 > 0, 'the throwing sort ran on a fiber');
    assert.deepEqual(errs, ['boom']);
    assert.equal(calls > 10, true, 'C went on after the throw');
    cmp.close();
  });
  test('fiber mode off (FFAST_NO_FIBER, in a child): nothing parks', () => {
    const env = { ...process.env, FFAST_NO_FIBER: '1' };
    delete env.NODE_TEST_CONTEXT;
    const wrapper = process.env.NODE_EXEC_WRAPPER;
    const argv = [__filename]; // run as a script: its tests run in this one child process
    const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { env, encoding: 'utf8', timeout: 600000 });
    assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^(#|ℹ) fail 0$/m);
    assert.match(r.stdout, /^(#|ℹ) pass 1$/m);
  });
  if (!off) {
    test('the callback suite with every tracked call on a fiber (FFAST_FIBER=1, in a child): the callback, lifetime, worker and errno files and this one pass', () => {
      const env = { ...process.env, FFAST_FIBER: '1' };
      delete env.NODE_TEST_CONTEXT; // the child runs its own tests and reports on stdout
      const wrapper = process.env.NODE_EXEC_WRAPPER;
      // Under qemu (a wrapper) the three files that matter most; natively also the files whose
      // tracked calls meet lifetimes, threads, workers, errno and aggregates.
      const names = ['callbacks.test.js', 'callbacks-typed.test.js', 'fiber.test.js'];
      if (!process.env.NODE_EXEC_WRAPPER) names.push('callbacks-structs.test.js', 'callbacks-threads.test.js', 'callbacks-route.test.js', 'lifetimes.test.js', 'workers.test.js', 'errno.test.js');
      const files = names.map((f) => path.join(__dirname, f));
      const extra = process.env.FFAST_TEST_ARGS ? process.env.FFAST_TEST_ARGS.split(' ').filter(Boolean) : [];
      // Under qemu the child runner must not spawn its own children (they would start without the
      // emulator): it runs the files in-process, as benchknob.test.js's child does.
      if (wrapper && !extra.some((a) => a.startsWith('--experimental-test-isolation'))) extra.push('--experimental-test-isolation=none');
      const argv = ['--test', ...extra, ...files];
      const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { env, encoding: 'utf8', timeout: 600000 });
      assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      // the summary: '# fail 0' (TAP, Node 20) or 'ℹ fail 0' (spec, later lines)
      assert.match(r.stdout, /^(#|ℹ) fail 0$/m);
      assert.match(r.stdout, /^(#|ℹ) pass [1-9]\d*$/m);
    });
  }
  return;
}

const counts = () => {
  const [on, parks, mapped, unmapped] = ffast.__internal.native.fiberCounts();
  return { on, parks, mapped, unmapped };
};
const lib = h.openFixture({
  cb_call_once: { parameters: ['function', 'i32'], result: 'i32' },
  cb_call_n: { parameters: ['function', 'i32'], result: 'i64' },
  cb_call_mix: { parameters: ['function', 'i64'], result: 'i64' },
  cb_call_u64: { parameters: ['function', 'u64'], result: 'u64' },
  cb_call_f32: { parameters: ['function', 'f32'], result: 'f64' },
  cb_call_ps: { parameters: ['function', 'pointer', 'string'], result: 'i32' },
  cb_call_ptr: { parameters: ['function', 'pointer'], result: 'pointer' },
  cb_nest: { parameters: ['function', 'i32'], result: 'i32' },
  cb_loop_logged: { parameters: ['function', 'i32'], result: 'i64' },
  cb_loop_state: { parameters: ['i32'], result: 'i64' },
  cb_call_dd: { parameters: ['function', 'f64', 'f64'], result: 'f64' },
  cb_echo_i64: { parameters: ['function', 'i64'], result: 'i64' },
  cb_sort_i32: { parameters: ['buffer', 'usize', 'function'], result: 'void' },
});
const S = lib.symbols;
const SLOW = { fast: 'slow' };
const { callback } = ffast;

test('the mode is on where the target has fibers, and each callback parks once', () => {
  assert.equal(counts().on, ['x64', 'arm64'].includes(process.arch) && process.platform === 'linux' ? 1 : 0);
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (i) => i * 3);
  const p0 = counts().parks;
  assert.equal(h.cold(S.cb_call_n, [cb, 1000]), 3 * 499500);
  assert.equal(counts().parks - p0, 1000);
  const p1 = counts().parks;
  assert.equal(h.hot(S.cb_call_n, [cb, 10], SLOW), 135);
  // the hot helper warms up with the same call: every one of its callbacks parked too
  assert.equal((counts().parks - p1) % 10, 0);
  assert.ok(counts().parks - p1 >= 10);
  cb.close();
});

test('values at their bounds cross a park in both directions, cold and hot', () => {
  const args = [];
  const mix = callback(
    { parameters: ['i8', 'u8', 'i16', 'u16', 'bool', 'i64', 'u64', 'f32', 'f64', 'i32', 'u32'], result: 'i64' },
    (...a) => {
      args.splice(0, args.length, ...a);
      return -(2n ** 62n) - 5n;
    },
  );
  const want = (big) => [-100, 200, -30000, 60000, true, BigInt(big), 0xfedcba9876543210n, Math.fround(0.1), -2.5, -(2 ** 31), 2 ** 32 - 1];
  h.coldHot(S.cb_call_mix, [mix, 2n ** 63n - 1n], -(2n ** 62n) - 5n, SLOW);
  assert.deepEqual(args, want(2n ** 63n - 1n));
  h.coldHot(S.cb_call_mix, [mix, -(2n ** 63n)], -(2n ** 62n) - 5n, SLOW);
  assert.deepEqual(args, want(-(2n ** 63n)));
  mix.close();
  const u = callback({ parameters: ['u64'], result: 'u64' }, (x) => x);
  h.coldHot(S.cb_call_u64, [u, 2n ** 64n - 1n], 2n ** 64n - 1n, SLOW);
  h.coldHot(S.cb_call_u64, [u, 0n], 0, SLOW); // 64-bit values within 2^53 are Numbers
  u.close();
  const f = callback({ parameters: ['f32'], result: 'f32' }, (x) => x);
  h.coldHot(S.cb_call_f32, [f, -0], -0, SLOW);
  h.coldHot(S.cb_call_f32, [f, NaN], NaN, SLOW);
  h.coldHot(S.cb_call_f32, [f, 3.4028234663852886e38], 3.4028234663852886e38, SLOW);
  f.close();
  // a string argument is decoded while C is parked (its bytes are on C's side)
  const seen = [];
  const ps = callback({ parameters: ['pointer', 'string'], result: 'i32' }, (p, s) => {
    seen.push([p, s]);
    return s === null ? -1 : s.length;
  });
  h.coldHot(S.cb_call_ps, [ps, 2 ** 52, 'héllo ✓ \u{1f600}'], 10, SLOW);
  assert.deepEqual(seen[0], [2 ** 52, 'héllo ✓ \u{1f600}']);
  h.coldHot(S.cb_call_ps, [ps, null, null], -1, SLOW);
  ps.close();
  const p = callback({ parameters: ['pointer'], result: 'pointer' }, (x) => x);
  h.coldHot(S.cb_call_ptr, [p, 2 ** 53 - 1], 2 ** 53 - 1, SLOW);
  h.coldHot(S.cb_call_ptr, [p, null], null, SLOW);
  p.close();
});

// What cb_nest(cb, d) returns with the callback below (cb_nest is f(d) * 10 + d, in i32).
const nestModel = (d) => (Math.imul(d > 0 ? ((nestModel(d - 1) % 1000) + 1000) % 1000 : 7, 10) + d) | 0;

test('nested tracked calls: 4 fibers at once (each level parked), and past the cap of 16 on the JS stack', () => {
  for (const depth of [3, 40]) {
    let inside = 0;
    let most = 0;
    const cb = callback({ parameters: ['i32'], result: 'i32' }, (d) => {
      inside++;
      most = Math.max(most, inside);
      const r = d > 0 ? ((S.cb_nest(cb, d - 1) % 1000) + 1000) % 1000 : 7;
      inside--;
      return r;
    });
    const p0 = counts().parks;
    assert.equal(h.cold(S.cb_nest, [cb, depth], 'cb_nest', true), nestModel(depth));
    assert.equal(most, depth + 1);
    const parks = counts().parks - p0;
    // every level parks up to the cap; the calls nested deeper run on the JS stack
    assert.equal(parks, Math.min(depth + 1, 16));
    cb.close();
  }
});

test('a throw and an invalid result while parked: onError gets them, C gets the default, cold and hot', () => {
  const errors = [];
  const boom = new Error('boom');
  const cb = callback({ parameters: ['i32'], result: 'i32', onError: (e) => errors.push(e) }, (i) => {
    if (i === 3) throw boom;
    if (i === 5) return 'five';
    if (i === 7) return 2 ** 32 + 7; // wraps to 7, as i32 results do everywhere
    return i;
  });
  const want = 45 - 3 - 5;
  assert.equal(h.cold(S.cb_call_n, [cb, 10]), want);
  assert.equal(errors.length, 2);
  assert.equal(errors[0], boom);
  h.assertFfastError(errors[1], 'ERR_FFAST_ARG_TYPE', 'result', 'invalid callback result');
  assert.match(errors[1].message, /C got the default value/);
  errors.length = 0;
  assert.equal(h.hot(S.cb_call_n, [cb, 10], SLOW), want);
  assert.equal(errors.length % 2, 0);
  assert.ok(errors.length >= 2);
  assert.ok(errors.every((e, k) => (k % 2 === 0 ? e === boom : e.code === 'ERR_FFAST_ARG_TYPE')));
  cb.close();
});

test('close() of the callback inside it while C is parked: later calls get the default', () => {
  const errors = [];
  let calls = 0;
  const cb = callback({ parameters: ['i32'], result: 'i32', onError: (e) => errors.push(e) }, (x) => {
    calls++;
    if (x === 2) cb.close();
    return 10;
  });
  const p0 = counts().parks;
  assert.equal(S.cb_call_n(cb.pointer, 6), 30); // calls 0, 1, 2 ran; 3..5 reached a closed callback
  assert.equal(calls, 3);
  assert.equal(counts().parks - p0, 6);
  assert.equal(errors.length, 0);
});

test('10^4 tracked calls reuse their fibers: no new stacks, RSS bounded', () => {
  const cb = callback({ parameters: ['i32'], result: 'i32' }, (i) => i + 1);
  for (let i = 0; i < 100; i++) S.cb_call_once(cb, i);
  const m0 = counts().mapped;
  const rss0 = process.memoryUsage.rss();
  let s = 0;
  for (let i = 0; i < 10000; i++) s += S.cb_call_once(cb, i);
  assert.equal(s, (10000 * 9999) / 2 + 2 * 10000); // cb_call_once is f(x) + 1
  assert.equal(counts().mapped, m0);
  // one fiber stack is 8 MiB reserved; growing by a stack per call would be 80 GB
  assert.ok(process.memoryUsage.rss() - rss0 < 32 * 2 ** 20, `RSS grew by ${process.memoryUsage.rss() - rss0}`);
  cb.close();
});

test('qsort (libc) with a JS comparator sorts correctly through the parks, cold and hot', () => {
  const CMP = { function: { parameters: ['pointer', 'pointer'], result: 'i32' } };
  const qdefs = { qsort: { parameters: ['buffer', 'usize', 'usize', CMP], result: 'void' } };
  const qsort = h.register(ffast.dlopen(null, qdefs), qdefs).symbols.qsort;
  const n = process.env.NODE_EXEC_WRAPPER ? 2000 : 20000;
  const xs = Int32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 100003) - 50000);
  const want = Array.from(xs).sort((a, b) => a - b);
  const c = xs.slice();
  const p0 = counts().parks;
  h.cold(qsort, [c, n, 4, (a, b) => ffast.read.i32(a) - ffast.read.i32(b)], 'qsort', true);
  assert.deepEqual(Array.from(c), want);
  assert.ok(counts().parks - p0 >= n - 1);
  const hx = xs.slice();
  h.hot(qsort, [hx, n, 4, (a, b) => ffast.read.i32(a) - ffast.read.i32(b)], { fast: 'slow', stable: false, nested: true });
  assert.deepEqual(Array.from(hx), want);
});

test('worker.terminate() while C is parked: C runs to its end with default results; the worker\'s stacks are unmapped', async () => {
  const { Worker } = require('node:worker_threads');
  const before = counts();
  const w = new Worker(
    `
    const { parentPort } = require('node:worker_threads');
    const ffast = require(${JSON.stringify(h.PKG)});
    const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, { cb_loop_logged: { parameters: ['function', 'i32'], result: 'i64' } });
    let calls = 0;
    const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, () => {
      if (++calls === 100) parentPort.postMessage('busy');
      const t = Date.now(); while (Date.now() - t < 1); // ~1 ms per call
      return 1;
    });
    const r = lib.symbols.cb_loop_logged(cb, 3000);
    parentPort.postMessage('returned ' + r);
  `,
    { eval: true },
  );
  const msgs = [];
  w.on('message', (m) => {
    msgs.push(m);
    if (m === 'busy') w.terminate();
  });
  const code = await new Promise((resolve) => w.on('exit', resolve));
  assert.equal(code, 1);
  assert.deepEqual(msgs, ['busy']);
  // C's own account: every one of its 3000 calls returned to it and it finished; only the
  // callbacks before the termination ran JS to its end (result 1: the first 99 at least, the
  // 100th may be cut inside its busy loop), the rest got the default 0.
  assert.equal(S.cb_loop_state(0), 3000);
  assert.equal(S.cb_loop_state(2), 1);
  const sum = S.cb_loop_state(1);
  assert.ok(sum >= 99 && sum < 3000, `sum ${sum}`);
  const after = counts();
  assert.ok(after.parks - before.parks === 3000, `parks ${after.parks - before.parks}`);
  // the worker mapped its own stack(s) and its env teardown unmapped them
  assert.ok(after.mapped - before.mapped >= 1);
  assert.equal(after.unmapped - before.unmapped, after.mapped - before.mapped);
});

// ---- the fast park (docs/callbacks.md §11.3): the JS loop calls the function, a fast call resumes C
const fastParks = () => ffast.__internal.native.fiberCounts()[4];

/** Run `script` in a child Node (wrapped as this one is, e.g. by qemu) that compiles on the main thread; its stdout. */
function runChild(script, env = process.env) {
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['--no-concurrent-recompilation', '--no-concurrent-osr', '-e', script];
  const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { env, encoding: 'utf8', timeout: 300000 });
  assert.equal(r.signal, null, `killed by ${r.signal}\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('fast park: scalar callbacks (≤ 32-bit integers, floats, Number pointers; i32/f64/void results) take the JS loop; others park for the JS stack', () => {
  const i32 = callback({ parameters: ['i32'], result: 'i32' }, (i) => i * 3);
  let f0 = fastParks();
  let p0 = counts().parks;
  assert.equal(h.cold(S.cb_call_n, [i32, 1000]), 3 * 499500);
  assert.equal(fastParks() - f0, 1000);
  assert.equal(counts().parks - p0, 1000);
  const dd = callback({ parameters: ['f64', 'f64'], result: 'f64' }, (a, b) => a - b);
  f0 = fastParks();
  assert.equal(S.cb_call_dd(dd, 7.5, 0.25), 14.5);
  assert.equal(fastParks() - f0, 1);
  // an i64 result, a string parameter: the general park (dispatch on the JS stack)
  const big = callback({ parameters: ['i64'], result: 'i64' }, (x) => BigInt(x) + 1n);
  const ps = callback({ parameters: ['pointer', 'string'], result: 'i32' }, (p, s) => s.length);
  f0 = fastParks();
  p0 = counts().parks;
  assert.equal(S.cb_echo_i64(big, 41n), 42);
  assert.equal(S.cb_call_ps(ps, 16, 'four'), 4);
  assert.equal(fastParks() - f0, 0);
  assert.equal(counts().parks - p0, 2);
  // pointer arguments (cb_call_ps's string passed as its address): Numbers take the loop; NULL
  // (null) and addresses past 2^53 − 1 (BigInts) park for the JS stack, which makes those values
  const seen = [];
  const pp = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (p, q) => (seen.push(p, typeof q), 1));
  f0 = fastParks();
  p0 = counts().parks;
  assert.equal(S.cb_call_ps(pp, 16, 's'), 1);
  assert.equal(fastParks() - f0, 1);
  assert.equal(S.cb_call_ps(pp, null, 's'), 1);
  assert.equal(S.cb_call_ps(pp, 2n ** 53n + 8n, 's'), 1);
  assert.equal(fastParks() - f0, 1);
  assert.equal(counts().parks - p0, 3);
  assert.deepEqual(seen, [16, 'number', null, 'number', 2n ** 53n + 8n, 'number']);
  const cmp = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => ffast.read.i32(a) - ffast.read.i32(b));
  const arr = new Int32Array([5, -2, 9, 0]);
  f0 = fastParks();
  S.cb_sort_i32(arr, arr.length, cmp);
  assert.deepEqual([...arr], [-2, 0, 5, 9]);
  assert.ok(fastParks() - f0 >= 3);
  for (const c of [i32, dd, big, ps, pp, cmp]) c.close();
});

// The same program with the mode off (a child) and on (here): every result, every argument
// the functions saw and every error reported must be the same — the loop's conversions and
// reports are the default route's. Cold (first calls) and hot (a loop TurboFan optimizes, then
// handed values its feedback never saw).
const EQUIV = `
  const ffast = require(${JSON.stringify(h.PKG)});
  const S = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, {
    cb_call_once: { parameters: ['function', 'i32'], result: 'i32' },
    cb_call_n: { parameters: ['function', 'i32'], result: 'i64' },
    cb_echo_f64: { parameters: ['function', 'f64'], result: 'f64' },
    cb_echo_u32: { parameters: ['function', 'u32'], result: 'u32' },
    cb_call_dd: { parameters: ['function', 'f64', 'f64'], result: 'f64' },
    cb_nest: { parameters: ['function', 'i32'], result: 'i32' },
    cb_typed: { name: 'cb_call_once', parameters: [{ function: { parameters: ['i32'], result: 'i32' } }, 'i32'], result: 'i32' },
  }).symbols;
  const log = [];
  const show = (v) => (Object.is(v, -0) ? '-0' : typeof v === 'bigint' ? v + 'n' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
  const onError = (e) => log.push(['error', e.code, e.message]);
  const results = [2 ** 31, 2 ** 32 + 7, 1.5, -1.5, -0, NaN, Infinity, -(2 ** 53), '7', 5n, undefined, null, true,
    { valueOf() { log.push(['valueOf']); return 3; } }, Symbol('s')];
  let k = 0;
  const i32 = ffast.callback({ parameters: ['i32'], result: 'i32', onError }, (x) => {
    log.push(['i32', show(x)]);
    if (k === -1) return x;
    const r = results[k++ % results.length];
    if (r === 'throw') throw new Error('thrown');
    return r;
  });
  for (const x of [-(2 ** 31), 2 ** 31 - 1, 0, -1, 7]) for (let j = 0; j < results.length; j++) log.push(['=', show(S.cb_call_once(i32, x))]);
  const thrower = ffast.callback({ parameters: ['i32'], result: 'i32', onError }, (x) => { if (x % 2) throw new RangeError('odd ' + x); if (x === 4) throw 42; return x; });
  log.push(['=', show(S.cb_call_n(thrower, 7))]);
  const f64s = [-0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1];
  const f64 = ffast.callback({ parameters: ['f64'], result: 'f64', onError }, (x) => {
    log.push(['f64', show(x)]);
    return Object.is(x, 0.1) ? '0.1' : Object.is(x, 5e-324) ? 1n : x;
  });
  for (const x of f64s) log.push(['=', show(S.cb_echo_f64(f64, x))]);
  const u32 = ffast.callback({ parameters: ['u32'], result: 'u32', onError }, (x) => (log.push(['u32', show(x)]), x));
  for (const x of [0, 2 ** 31, 2 ** 32 - 1]) log.push(['=', show(S.cb_echo_u32(u32, x))]);
  log.push(['=', show(S.cb_call_dd(ffast.callback({ parameters: ['f64', 'f64'], result: 'f64' }, (a, b) => a / b), 1, -0))]);
  // per-call functions (a typed function parameter), nested tracked calls
  log.push(['=', show(S.cb_typed((x) => x * 2, 21))]);
  const nest = ffast.callback({ parameters: ['i32'], result: 'i32', onError }, (d) => (d > 0 ? S.cb_nest(nest, d - 1) : 100));
  log.push(['=', show(S.cb_nest(nest, 5))]);
  // closed inside its own call: later calls of C get the default
  let closer;
  closer = ffast.callback({ parameters: ['i32'], result: 'i32', onError }, (x) => { if (x === 2) closer.close(); return 10; });
  log.push(['=', show(S.cb_call_n(closer.pointer, 6))]);
  // hot: a loop TurboFan optimizes, then values it never saw
  k = -1;
  function loop(n) { let acc = 0; for (let i = 0; i < n; i++) acc = (acc + S.cb_call_once(i32, i)) | 0; return acc; }
  const cut = log.length;
  for (let r = 0; r < 30; r++) loop(1000);
  log.length = cut;
  k = 0;
  for (let j = 0; j < results.length; j++) log.push(['hot', show(loop(1))]);
  const hotF = ffast.callback({ parameters: ['f64'], result: 'f64', onError }, (x) => (x > 1e6 ? 'big' : x * 2));
  function loopF(n, x) { let acc = 0; for (let i = 0; i < n; i++) acc += S.cb_echo_f64(hotF, x); return acc; }
  for (let r = 0; r < 30; r++) loopF(1000, 1.25);
  log.push(['hot', show(loopF(3, 2e6))]);
  const [on, , , , fast] = ffast.__internal.native.fiberCounts();
  console.log(JSON.stringify({ on, fast, log }));
`;

test('fast park: results, arguments and errors exactly as without the mode, cold and hot (bounds, non-Numbers, throws, nesting, close inside)', () => {
  const run = (env) => JSON.parse(runChild(EQUIV, env));
  const offEnv = { ...process.env, FFAST_NO_FIBER: '1' };
  const off = run(offEnv);
  const on = run(process.env);
  assert.equal(off.on, 0);
  assert.equal(on.on, 1);
  assert.ok(on.fast > 30000, `${on.fast} fast parks`);
  assert.ok(off.log.length > 150);
  assert.deepEqual(on.log, off.log);
});

test('fast park, hot: once the JS loop is optimized its resumes are V8 fast calls (no slow call of them over 10^4 callbacks)', () => {
  // In a child that compiles on the main thread, so the loop is optimized after the same number
  // of calls on every machine (a wall-clock race otherwise: callbacks-route.test.js says why).
  const out = runChild(`
    const ffast = require(${JSON.stringify(h.PKG)});
    const S = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, { cb_call_n: { parameters: ['function', 'i32'], result: 'i64' } }).symbols;
    const n = ffast.__internal.native;
    const i32 = ffast.callback({ parameters: ['i32'], result: 'i32' }, (x) => x + 1);
    const f64 = ffast.callback({ parameters: ['i32'], result: 'f64' }, (x) => x / 2);
    for (let r = 0; r < 40; r++) { S.cb_call_n(i32, 1000); S.cb_call_n(f64, 1000); }
    const s0 = n.internalSlowCalls();
    const f0 = n.fiberCounts()[4];
    const a = S.cb_call_n(i32, 10000);
    const b = S.cb_call_n(f64, 10000);
    console.log(JSON.stringify({ a, b, slow: n.internalSlowCalls() - s0, fast: n.fiberCounts()[4] - f0, warm: s0 }));
  `);
  const { a, b, slow, fast, warm } = JSON.parse(out);
  assert.equal(a, 50005000);
  assert.ok(fast === 20000, `${fast} fast parks`);
  assert.ok(warm > 0, 'the resumes ran cold first (the counter counts them)');
  assert.equal(slow, 0, `${slow} slow calls of the resumes`);
  assert.ok(typeof b === 'number');
});
