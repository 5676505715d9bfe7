'use strict';
// dlopen(path, symbols, { bind: 'lazy' }) (docs/definitions-and-memory.md, "Lazy binding"):
// each function is made on the first read of its property, which then holds it as a read-only
// data property. Checked here: the property protocol, that a lazily made function is the same
// kind of wrapper with the fast target (cold and hot, fast path proven), that definition and
// symbol errors are eager's own errors thrown from the first read, close() before a first read,
// struct and nonblocking functions, bad `bind` values, and that unread symbols cost no code.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, coldHot, coldHotAsync } = h;

const T = (parameters, result, more) => ({ parameters, result, ...more });
const DEFS = {
  add_i32: T(['i32', 'i32'], 'i32'),
  id_f64: T(['f64'], 'f64'),
  id_u64: T(['u64'], 'u64'),
  c_strlen: T(['string'], 'usize'),
  static_ascii: T([], 'string'),
  plus: T(['i32', 'i32'], 'i32', { name: 'add_i32' }),
};

/** What a function throws (or a failure if it does not). */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

test("bind: 'lazy' — accessors until first read, then read-only data properties holding the function", () => {
  const lib = ffast.dlopen(h.FIXTURE, DEFS, { bind: 'lazy' });
  const s = lib.symbols;
  assert.deepEqual(Object.keys(s), Object.keys(DEFS));
  assert.equal(Object.isExtensible(s), false);
  assert.equal(Object.isFrozen(s), false);
  for (const k of Object.keys(DEFS)) {
    const d = Object.getOwnPropertyDescriptor(s, k);
    assert.equal(typeof d.get, 'function', `${k}: an accessor before the first read`);
    assert.equal(d.enumerable, true);
  }
  const f = s.add_i32;
  assert.equal(typeof f, 'function');
  assert.equal(f.name, 'add_i32');
  assert.equal(f.length, 2);
  h.assertReadOnlyNamespace(s, 'add_i32', f);
  assert.equal(s.add_i32, f, 'the same function on every read');
  assert.equal(f(2, 3), 5);
  assert.equal(typeof Object.getOwnPropertyDescriptor(s, 'id_f64').get, 'function', 'other symbols untouched');
  for (const k of Object.keys(DEFS)) void s[k];
  assert.equal(Object.isFrozen(s), true, 'frozen once every property was read');
  lib.close();
});

test('a lazily made function is eager’s: same results, same errors, the fast target reached hot', () => {
  const lazy = ffast.dlopen(h.FIXTURE, DEFS, { bind: 'lazy' }).symbols;
  const eager = ffast.dlopen(h.FIXTURE, DEFS).symbols;
  h.register(lazy.add_i32, DEFS.add_i32);
  coldHot(lazy.add_i32, [2, 40], 42);
  h.register(lazy.id_f64, DEFS.id_f64);
  coldHot(lazy.id_f64, [-0.5], -0.5);
  h.register(lazy.id_u64, DEFS.id_u64);
  coldHot(lazy.id_u64, [2n ** 64n - 1n], 2n ** 64n - 1n);
  h.register(lazy.c_strlen, DEFS.c_strlen);
  coldHot(lazy.c_strlen, ['h\u00e9llo'], 6);
  h.register(lazy.plus, DEFS.plus);
  coldHot(lazy.plus, [7, 8], 15);
  coldHot(lazy.static_ascii, [], 'plain ascii');
  // Same wrapper checks, same typed errors, same parameter count.
  for (const k of ['add_i32', 'c_strlen', 'id_u64']) {
    assert.equal(lazy[k].length, eager[k].length, `${k}.length`);
  }
  for (const [k, args] of [['add_i32', [1]], ['c_strlen', [{}]], ['id_u64', [2n ** 64n]], ['add_i32', [1, 2, 3]]]) {
    const a = thrown(() => lazy[k](...args));
    const b = thrown(() => eager[k](...args));
    assert.equal(a.code, b.code, `${k} code`);
    assert.equal(a.message, b.message, `${k} message`);
  }
});

test('definition errors and missing symbols: eager’s error, thrown by the first read (and every read until it succeeds)', () => {
  const bad = {
    ok: T(['i32', 'i32'], 'i32', { name: 'add_i32' }),
    badType: T(['nope'], 'i32', { name: 'add_i32' }),
    noResult: { parameters: ['i32'], name: 'add_i32' },
    unknownKey: { parameters: [], result: 'i32', name: 'add_i32', retrun: 'i32' },
    missing: T([], 'i32', { name: 'no_such_symbol_anywhere' }),
    optionalMissing: T([], 'i32', { name: 'no_such_symbol_anywhere', optional: true }),
  };
  const lib = ffast.dlopen(h.FIXTURE, bad, { bind: 'lazy' });
  assert.equal(lib.symbols.ok(1, 2), 3);
  assert.equal(lib.symbols.optionalMissing, null);
  assert.deepEqual(Object.getOwnPropertyDescriptor(lib.symbols, 'optionalMissing'), { value: null, writable: false, enumerable: true, configurable: false });
  for (const k of ['badType', 'noResult', 'unknownKey', 'missing']) {
    const lazyErr = thrown(() => lib.symbols[k]);
    const eagerErr = thrown(() => ffast.dlopen(h.FIXTURE, { [k]: bad[k] }));
    assert.ok(lazyErr instanceof ffast.FfastError, `${k}: ${lazyErr}`);
    assert.equal(lazyErr.code, eagerErr.code, `${k} code`);
    assert.equal(lazyErr.message, eagerErr.message, `${k} message`);
    const again = thrown(() => lib.symbols[k]);
    assert.equal(again.message, lazyErr.message, `${k}: the accessor stays`);
    assert.equal(typeof Object.getOwnPropertyDescriptor(lib.symbols, k).get, 'function');
  }
  lib.close();
});

test('what dlopen itself still checks with bind: lazy: the path, options, keys, the symbols object', () => {
  for (const v of ['Lazy', 'now', '', true, 1, null, {}]) {
    const e = thrown(() => ffast.dlopen(h.FIXTURE, DEFS, { bind: v }));
    assert.equal(e.code, 'ERR_FFAST_DEFINITION', String(v));
    assert.match(e.message, /option 'bind' must be/);
  }
  assert.equal(typeof ffast.dlopen(h.FIXTURE, DEFS, { bind: 'eager' }).symbols.add_i32, 'function');
  assert.equal(thrown(() => ffast.dlopen('/no/such/lib.so', DEFS, { bind: 'lazy' })).code, 'ERR_FFAST_LIBRARY_NOT_FOUND');
  assert.equal(thrown(() => ffast.dlopen(h.FIXTURE, { [Symbol('x')]: DEFS.add_i32 }, { bind: 'lazy' })).code, 'ERR_FFAST_DEFINITION');
  const getterThrows = {
    get add_i32() {
      throw new Error('boom');
    },
  };
  const e = thrown(() => ffast.dlopen(h.FIXTURE, getterThrows, { bind: 'lazy' }));
  assert.equal(e.code, 'ERR_FFAST_DEFINITION');
  assert.match(e.message, /boom/);
});

test('close() before a first read: the property holds a function throwing eager’s closed error', () => {
  const lazy = ffast.dlopen(h.FIXTURE, DEFS, { bind: 'lazy' });
  const eager = ffast.dlopen(h.FIXTURE, DEFS);
  const read = lazy.symbols.add_i32;
  lazy.close();
  eager.close();
  for (const f of [read, lazy.symbols.id_f64, lazy.symbols.badName]) {
    if (f === undefined) continue;
    const a = thrown(() => f(1, 2));
    assert.equal(a.code, 'ERR_FFAST_CLOSED');
  }
  const a = thrown(() => lazy.symbols.id_f64(1));
  const b = thrown(() => eager.symbols.id_f64(1));
  assert.equal(a.message, b.message);
  assert.equal(lazy.symbols.id_f64.name, 'id_f64');
});

test('struct and nonblocking functions made lazily', async () => {
  const DivT = ffast.struct({ quot: 'int', rem: 'int' });
  const libc = ffast.dlopen(null, { div: T(['int', 'int'], DivT) }, { bind: 'lazy' });
  h.register(libc.symbols.div, T(['int', 'int'], DivT));
  coldHot(libc.symbols.div, [17, 5], (r) => r.quot === 3 && r.rem === 2, { identical: false, stable: false });
  const lib = ffast.dlopen(h.FIXTURE, { add: T(['i32', 'i32', 'i32'], 'i32', { name: 'sleep_ms_then_add', nonblocking: true }) }, { bind: 'lazy' });
  await coldHotAsync(lib.symbols.add, [0, 20, 22], 42);
  libc.close();
  lib.close();
});

test('unread symbols cost no code: 200 lazy dlopen+close cycles of 50 symbols map no pages, reads map them and close returns them', () => {
  const many = {};
  for (let i = 0; i < 50; i++) many[`f${i}`] = T(['i32', 'i32'], 'i32', { name: 'add_i32' });
  const before = ffast.__internal.jitPages();
  for (let n = 0; n < 200; n++) ffast.dlopen(h.FIXTURE, many, { bind: 'lazy' }).close();
  assert.equal(ffast.__internal.jitPages(), before);
  const lib = ffast.dlopen(h.FIXTURE, many, { bind: 'lazy' });
  assert.equal(lib.symbols.f7(3, 4), 7);
  assert.ok(ffast.__internal.jitPages() > before, 'a read made code');
  lib.close();
  assert.equal(ffast.__internal.jitPages(), before);
});

test('batches: reading in order makes later functions ahead of their reads; bad definitions among them still throw their own error on their own read', () => {
  const defs = {};
  for (let i = 0; i < 150; i++) {
    if (i % 7 === 3) defs[`s${i}`] = T(['nope'], 'i32', { name: 'add_i32' });
    else if (i % 11 === 5) defs[`s${i}`] = T([], 'i32', { name: `missing_${i}` });
    else defs[`s${i}`] = T(['i32', 'i32'], 'i32', { name: 'add_i32' });
  }
  const lib = ffast.dlopen(h.FIXTURE, defs, { bind: 'lazy' });
  const eagerErr = (k) => thrown(() => ffast.dlopen(h.FIXTURE, { [k]: defs[k] }));
  for (let i = 0; i < 150; i++) {
    const k = `s${i}`;
    if (i % 7 === 3 || i % 11 === 5) {
      const a = thrown(() => lib.symbols[k]);
      const b = eagerErr(k);
      assert.equal(a.code, b.code, k);
      assert.equal(a.message, b.message, k);
      continue;
    }
    const f = lib.symbols[k];
    assert.equal(f.name, k);
    assert.equal(f(i, 1), i + 1, k);
  }
  // One made in a batch ahead of its read is hot like the others.
  h.register(lib.symbols.s149, defs.s149);
  coldHot(lib.symbols.s149, [40, 2], 42);
  lib.close();
});

test('close() with functions made ahead of their reads: reading them gives the closed error when called', () => {
  const defs = {};
  for (let i = 0; i < 40; i++) defs[`s${i}`] = T(['i32', 'i32'], 'i32', { name: 'add_i32' });
  const lib = ffast.dlopen(h.FIXTURE, defs, { bind: 'lazy' });
  for (let i = 0; i < 8; i++) assert.equal(lib.symbols[`s${i}`](i, 1), i + 1);
  lib.close();
  for (let i = 0; i < 40; i++) {
    const e = thrown(() => lib.symbols[`s${i}`](1, 2));
    assert.equal(e.code, 'ERR_FFAST_CLOSED', `s${i}`);
  }
});

test('lazily read: an exported variable is its live accessor, a variadic function has .variadic, a { type, free } result is freed — as eager binding makes them', () => {
  const defs = () => ({
    strdup: { parameters: ['const char*'], result: { type: 'string', free: 'free' } },
    snprintf: { parameters: ['buffer', 'size_t', 'const char*', '...'], result: 'int' },
    environ: { variable: 'pointer' },
  });
  const eager = ffast.dlopen(null, defs()).symbols;
  const lib = ffast.dlopen(null, defs(), { bind: 'lazy' });
  const lazy = lib.symbols;
  assert.equal(typeof Object.getOwnPropertyDescriptor(lazy, 'environ').get, 'function');
  assert.equal(lazy.environ, eager.environ);
  assert.ok(typeof lazy.environ === 'number' && lazy.environ !== 0);
  const d = Object.getOwnPropertyDescriptor(lazy, 'environ');
  assert.equal(typeof d.get, 'function', 'still an accessor after the first read: the variable is live');
  assert.equal(d.configurable, false);
  assert.equal(lazy.strdup('lazy text'), 'lazy text');
  coldHot(lazy.strdup, ['abc'], 'abc', { fast: false });
  const buf = new Uint8Array(32);
  assert.equal(typeof lazy.snprintf.variadic, 'function');
  assert.equal(lazy.snprintf(buf, 32, '%d-%s', 'int', 7, 'string', 'x'), 3);
  assert.equal(Buffer.from(buf.subarray(0, 3)).toString(), '7-x');
  const shape = lazy.snprintf.variadic('double');
  assert.equal(shape(buf, 32, '%.1f', 2.5), 3);
  assert.equal(Buffer.from(buf.subarray(0, 3)).toString(), '2.5');
  lib.close();
});

test('first reads: each wrapper made on its own first read has feedback of its own (a dispatcher calling them from one call site stays fast)', () => {
  // The first function a lazily bound library makes comes from a single-use maker (wrapOne in
  // lib/wrappers.js): one script run makes several makers, each called once. Twenty libraries
  // of one shape, one first read each: the wrappers come from two runs' makers (the next test
  // takes one maker literal of different runs). The call site `fns[i & 15](…)` is megamorphic, so
  // TurboFan does not inline the wrappers: each is optimized on its own, and only a wrapper
  // with feedback of its own knows its single target (a maker called twice shares it).
  const names = ['abs', 'toupper', 'tolower', 'isdigit', 'isalpha', 'isspace', 'isupper', 'islower'];
  const libs = Array.from({ length: 20 }, (_, k) => ffast.dlopen(null, { [names[k & 7]]: T(['i32'], 'i32') }, { bind: 'lazy' }));
  const fns = libs.map((l, k) => l.symbols[names[k & 7]]).slice(4);
  h.assertDispatchFast(fns, fns.map((f) => f.name), 'lazy_dispatch');
  for (const l of libs) l.close();
});

test('first reads: wrappers from the same maker literal of different script runs have feedback of their own', () => {
  // One script run makes 16 single-use makers (wrapOne); each maker literal gets a fresh
  // feedback cell per run of the cached script. 256 first reads of one shape use 16 runs' worth
  // of makers, so reads 16 apart come from one literal position of 16 different runs (whatever
  // an earlier test left in the pool). A dispatcher over those 16 must stay fast: were the
  // literal's feedback shared across runs, each optimized wrapper would see 16 targets.
  const names = ['abs', 'toupper', 'tolower', 'isdigit', 'isalpha', 'isspace', 'isupper', 'islower'];
  const libs = Array.from({ length: 256 }, (_, k) => ffast.dlopen(null, { [names[(k >> 4) & 7]]: T(['i32'], 'i32') }, { bind: 'lazy' }));
  const all = libs.map((l, k) => l.symbols[names[(k >> 4) & 7]]);
  const fns = Array.from({ length: 16 }, (_, r) => all[16 * r + 5]);
  h.assertDispatchFast(fns, fns.map((f) => f.name), 'lazy_runs_dispatch');
  for (const l of libs) l.close();
});

test('wrappers made ahead in batches have feedback of their own too (a dispatcher over 16 symbols of one library stays fast)', () => {
  // Read in declaration order, one library's symbols are made 1, 2, 4, 8, … at a time
  // (makeBatch), every wrapper from a single-use maker as a first read's is.
  const names = ['abs', 'toupper', 'tolower', 'isdigit', 'isalpha', 'isspace', 'isupper', 'islower'];
  const defs = {};
  for (let k = 0; k < 16; k++) defs[`s${k}`] = T(['i32'], 'i32', { name: names[k & 7] });
  const lib = ffast.dlopen(null, defs, { bind: 'lazy' });
  const fns = Object.keys(defs).map((k) => lib.symbols[k]);
  h.assertDispatchFast(fns, Object.keys(defs).map((_, k) => names[k & 7]), 'lazy_batch_dispatch');
  lib.close();
});

test('first reads of every scalar kind (one native call each): BigInt twins, errno, callbacks, pointers and strings — eager’s results and errors, cold and hot', () => {
  const defs = {
    id_u64: T(['u64'], 'u64'),
    id_i64: T(['i64'], 'i64'),
    c_strlen: T(['string'], 'usize'),
    static_ascii: T([], 'string'),
    add_errno: T(['i32', 'i32'], 'i32', { name: 'add_i32', errno: true }),
    add_cb: T(['i32', 'i32'], 'i32', { name: 'add_i32', callbacks: true }),
  };
  const eager = ffast.dlopen(h.FIXTURE, defs).symbols;
  for (const k of Object.keys(defs)) {
    // Each the first read of its own library (the single-read path).
    const lib = ffast.dlopen(h.FIXTURE, defs, { bind: 'lazy' });
    const f = lib.symbols[k];
    assert.equal(f.name, k);
    assert.equal(f.length, eager[k].length, `${k}.length`);
    h.register(f, defs[k]);
    switch (k) {
      case 'id_u64':
        coldHot(f, [2n ** 64n - 1n], 2n ** 64n - 1n);
        coldHot(f, [7], 7);
        break;
      case 'id_i64':
        coldHot(f, [-(2n ** 63n)], -(2n ** 63n));
        break;
      case 'c_strlen':
        coldHot(f, ['h\u00e9llo'], 6);
        break;
      case 'static_ascii':
        coldHot(f, [], 'plain ascii');
        break;
      case 'add_errno':
        coldHot(f, [2, 40], 42);
        break;
      case 'add_cb':
        coldHot(f, [2, 40], 42, { fast: false });
        break;
    }
    // Wrong counts, an object, a BigInt past every bound (for static_ascii, whose arity is 0:
    // each is a surplus argument).
    for (const args of [...(f.length > 0 ? [[]] : []), [1, 2, 3, 4], [{}], [2n ** 64n]]) {
      const a = thrown(() => f(...args));
      const b = thrown(() => eager[k](...args));
      assert.equal(a.code, b.code, `${k}(${args.length} args) code`);
      assert.equal(a.message, b.message, `${k} message`);
    }
    lib.close();
    assert.equal(thrown(() => f(1)).code, 'ERR_FFAST_CLOSED');
  }
});

test('close() from inside a first read (a definition getter closes the library): the closed error, no function made, later reads get the closed function', () => {
  for (const which of ['first', 'batch']) {
    let lib;
    const closing = { parameters: ['i32', 'i32'], get result() { lib.close(); return 'i32'; }, name: 'add_i32' };
    const defs = which === 'first'
      ? { a: closing, b: T(['i32', 'i32'], 'i32', { name: 'add_i32' }) }
      // The closing definition is checked ahead of its read, in the batch of the second read.
      : { a: T(['i32', 'i32'], 'i32', { name: 'add_i32' }), b: T(['i32', 'i32'], 'i32', { name: 'add_i32' }), c: closing };
    lib = ffast.dlopen(h.FIXTURE, defs, { bind: 'lazy' });
    const pagesOpen = ffast.__internal.jitPages();
    if (which === 'batch') assert.equal(lib.symbols.a(1, 2), 3);
    const e = thrown(() => (which === 'first' ? lib.symbols.a : lib.symbols.b));
    assert.ok(e instanceof ffast.FfastError, `${which}: ${e}`);
    assert.equal(e.code, 'ERR_FFAST_CLOSED', which);
    // Nothing was made for the closed library, and what it had was freed with it.
    assert.ok(ffast.__internal.jitPages() <= pagesOpen, which);
    for (const k of Object.keys(defs)) {
      const f = lib.symbols[k];
      if (which === 'batch' && k === 'a') continue; // read before the close: eager's function
      assert.equal(typeof f, 'function', `${which} ${k}`);
      assert.equal(thrown(() => f(1, 2)).code, 'ERR_FFAST_CLOSED', `${which} ${k}`);
    }
    assert.equal(thrown(() => lib.symbols.a(1, 2)).code, 'ERR_FFAST_CLOSED');
  }
  // Struct signatures and variables look their symbol up on their own (native.symbols): the
  // same closed error, no crash (it aborted the process before: the error was thrown while the
  // native side held its thread state).
  const DivT = ffast.struct({ quot: 'int', rem: 'int' });
  for (const def of [
    (close) => ({ parameters: ['int', 'int'], get result() { close(); return DivT; }, name: 'div' }),
    (close) => ({ get variable() { close(); return 'pointer'; }, name: 'environ' }),
  ]) {
    let lib;
    lib = ffast.dlopen(null, { x: def(() => lib.close()) }, { bind: 'lazy' });
    const e = thrown(() => lib.symbols.x);
    assert.ok(e instanceof ffast.FfastError, String(e));
    assert.equal(e.code, 'ERR_FFAST_CLOSED');
  }
});

test('a read nested in a first read (a definition getter reading lib.symbols) makes the function once: both reads get it, no TypeError', () => {
  const inner = {};
  const once = (k, read) => {
    if (!(k in inner)) {
      inner[k] = undefined;
      inner[k] = read();
    }
  };
  // The definition of `a` reads `a` itself (once), in the library's first read.
  let lib = null;
  lib = ffast.dlopen(h.FIXTURE, { a: { parameters: ['i32', 'i32'], name: 'add_i32', get result() { once('a', () => lib.symbols.a); return 'i32'; } } }, { bind: 'lazy' });
  const a = lib.symbols.a;
  assert.equal(typeof inner.a, 'function');
  assert.equal(a, inner.a, 'the outer read returns what the nested read made');
  assert.equal(lib.symbols.a, a);
  assert.equal(a(2, 3), 5);
  lib.close();
  // The definition of `c`, checked ahead in the batch that `x`'s read makes (after `p`'s read,
  // a batch of two: x and c), reads `x`.
  lib = ffast.dlopen(h.FIXTURE, {
    p: { parameters: ['i32', 'i32'], name: 'add_i32', result: 'i32' },
    x: { parameters: ['i32', 'i32'], name: 'add_i32', result: 'i32' },
    c: { parameters: ['i32', 'i32'], name: 'add_i32', get result() { once('x', () => lib.symbols.x); return 'i32'; } },
  }, { bind: 'lazy' });
  assert.equal(lib.symbols.p(1, 1), 2);
  const x = lib.symbols.x;
  assert.equal(typeof inner.x, 'function');
  assert.equal(x, inner.x);
  assert.equal(lib.symbols.x, x);
  assert.equal(x(4, 5), 9);
  assert.equal(lib.symbols.c(6, 7), 13);
  h.assertReadOnlyNamespace(lib.symbols, 'x', x);
  assert.equal(Object.isFrozen(lib.symbols), true);
  lib.close();
  // A variable whose definition reads itself.
  lib = ffast.dlopen(null, { v: { get variable() { once('v', () => lib.symbols.v); return 'pointer'; }, name: 'environ' } }, { bind: 'lazy' });
  const env = lib.symbols.v;
  assert.ok(typeof env === 'number' && env !== 0);
  assert.equal(inner.v, env);
  assert.equal(lib.symbols.v, env);
  lib.close();
});

test('worker termination while the worker makes lazily bound functions (first reads and batches in a loop): no crash, the main thread goes on', async () => {
  const { Worker } = require('node:worker_threads');
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const defs = {};
    for (let i = 0; i < 40; i++) defs['s' + i] = { parameters: ['i32', 'i64'], result: 'i64', name: 'add_i64' };
    for (let k = 0; ; k++) {
      const lib = ffast.dlopen(workerData.lib, defs, { bind: 'lazy' });
      for (let i = 0; i <= (k % 40); i++) if (lib.symbols['s' + i](i, 1n) !== i + 1) throw new Error('wrong');
      if (k % 3) lib.close(); // the others are left open for the termination to free
      if (k === 20) parentPort.postMessage('running');
    }`;
  for (let n = 0; n < 4; n++) {
    const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, lib: h.FIXTURE } });
    const exited = new Promise((resolve) => w.once('exit', resolve));
    await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    assert.equal(await exited, 1);
  }
  const lib = ffast.dlopen(h.FIXTURE, { add_i64: T(['i64', 'i64'], 'i64') }, { bind: 'lazy' });
  assert.equal(lib.symbols.add_i64(2n ** 60n, 1), 2n ** 60n + 1n);
  lib.close();
});
