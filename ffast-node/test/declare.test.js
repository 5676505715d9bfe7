'use strict';
// Declaring (issue 13 item 4): the faster ways dlopen reads and checks definitions and makes
// wrappers change nothing a program can see. A definition is read exactly as before: its own
// keys once, every key checked before any value is read, then each value once in key order
// (a Proxy's traps show the order); a definition with the shape of the one before it (the
// checked-shape memo) is read the same way; every hostile definition gets the same error. The
// wrappers made in one script run (one object literal per run) keep their own names and stay
// non-constructible, with any key, including the ones the unused slots of a short run use.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, FIXTURE } = h;
const { dlopen } = ffast;

/** A Proxy over `target` recording every trap it runs into `log` (`trap key`). */
function logged(target, log, tag) {
  return new Proxy(target, {
    ownKeys: (t) => (log.push(`${tag} ownKeys`), Reflect.ownKeys(t)),
    get: (t, k, r) => (log.push(`${tag} get ${String(k)}`), Reflect.get(t, k, r)),
    getOwnPropertyDescriptor: (t, k) => (log.push(`${tag} gopd ${String(k)}`), Reflect.getOwnPropertyDescriptor(t, k)),
    has: (t, k) => (log.push(`${tag} has ${String(k)}`), Reflect.has(t, k)),
    getPrototypeOf: (t) => (log.push(`${tag} proto`), Reflect.getPrototypeOf(t)),
  });
}

/** The trap log of `dlopen(FIXTURE, defs(log))` for each bind mode, first reads included. */
function traces(defs, read) {
  const out = {};
  for (const bind of ['eager', 'lazy']) {
    const log = [];
    const lib = dlopen(FIXTURE, defs(log), { bind });
    log.push('opened');
    for (const k of read) lib.symbols[k];
    lib.close();
    out[bind] = log;
  }
  return out;
}

// What reading one definition runs (readOwn's contract, user-objects.js): its keys, then each
// key's value in key order; a parameters Proxy: its length, then per element whether it is own
// and its value.
const defTrace = (tag, keys) => [`${tag} ownKeys`, ...keys.map((k) => `${tag} get ${k}`)];
const paramsTrace = (tag, n) => [`${tag} get length`, ...Array.from({ length: n }, (_, i) => [`${tag} gopd ${i}`, `${tag} get ${i}`]).flat()];

test('a definition is read the same way whether its shape is new, cached or the last one', () => {
  // Three definitions of one shape (the first checks it, the others hit the memo), one of
  // another shape, then the first shape again (the cache, not the memo).
  const shapes = [['i32', 'i32'], ['i32', 'i32'], ['i32', 'i32'], ['f64', 'f64'], ['i32', 'i32']];
  const names = ['add_i32', 'add_i32', 'add_i32', 'mul_f64', 'add_i32'];
  const defs = (log) => {
    const o = {};
    shapes.forEach((p, i) => {
      o[`k${i}`] = logged({ parameters: logged(p.slice(), log, `p${i}`), result: p[0], name: names[i] }, log, `d${i}`);
    });
    return o;
  };
  const one = (i) => [...defTrace(`d${i}`, ['parameters', 'result', 'name']), ...paramsTrace(`p${i}`, 2)];
  const t = traces(defs, ['k0', 'k1', 'k2', 'k3', 'k4']);
  // Eager: every definition when dlopen runs, in declaration order.
  assert.deepEqual(t.eager, [...[0, 1, 2, 3, 4].flatMap(one), 'opened']);
  // Lazy: nothing at dlopen; each definition checked once (a read makes a batch after it).
  assert.deepEqual(t.lazy.slice(0, 1), ['opened']);
  const lazyReads = t.lazy.slice(1);
  assert.deepEqual(lazyReads, [0, 1, 2, 3, 4].flatMap(one));
  // Two rounds: the shapes are in the cache (and the memo) now; still the same reads.
  assert.deepEqual(traces(defs, ['k0', 'k1', 'k2', 'k3', 'k4']), t);
});

test('hostile definitions through the memo: the same error, the same reads, whatever the shape before', () => {
  const boom = new Error('boom');
  const base = { parameters: ['i32', 'i32'], result: 'i32', name: 'add_i32' };
  // [label, definition factory(log), code, message part, expected trap log]
  const cases = [
    ['an unknown key is refused before any value is read', (log) => logged({ ...base, results: 'i32' }, log, 'd'),
      'ERR_FFAST_DEFINITION', "unknown key 'results' (did you mean 'result'?)", ['d ownKeys']],
    ['a symbol key likewise', (log) => logged({ ...base, [Symbol('s')]: 1 }, log, 'd'),
      'ERR_FFAST_DEFINITION', 'unknown key', ['d ownKeys']],
    ['a throwing getter stops the reading there', (log) => {
      const o = { parameters: ['i32', 'i32'] };
      Object.defineProperty(o, 'result', { enumerable: true, get: () => (log.push('result getter'), (() => { throw boom; })()) });
      o.name = 'add_i32';
      return logged(o, log, 'd');
    }, 'ERR_FFAST_DEFINITION', "reading 'result' threw: boom", ['d ownKeys', 'd get parameters', 'd get result', 'result getter']],
    ['a throwing ownKeys trap', (log) => new Proxy({}, { ownKeys: () => (log.push('ownKeys'), (() => { throw boom; })()) }),
      'ERR_FFAST_DEFINITION', 'reading its keys threw: boom', ['ownKeys']],
    ['a result that is a String object, not a string', (log) => logged({ ...base, result: Object('i32') }, log, 'd'),
      'ERR_FFAST_DEFINITION', "result: unknown key '0'", defTrace('d', ['parameters', 'result', 'name'])],
    ['an equal shape but a parameter that is an object', (log) => logged({ ...base, parameters: ['i32', { toString: () => 'i32' }] }, log, 'd'),
      'ERR_FFAST_TYPE', 'parameter 1', defTrace('d', ['parameters', 'result', 'name'])],
    ['a hole in the parameters', (log) => logged({ ...base, parameters: logged([, 'i32'], log, 'p') }, log, 'd'), // eslint-disable-line no-sparse-arrays
      'ERR_FFAST_DEFINITION', 'entry 0 is missing', [...defTrace('d', ['parameters', 'result', 'name']), 'p get length', 'p gopd 0']],
    ['no own result (an inherited one is not read)', (log) => logged(Object.assign(Object.create({ result: 'i32' }), { parameters: ['i32', 'i32'], name: 'add_i32' }), log, 'd'),
      'ERR_FFAST_DEFINITION', "has no 'result'", defTrace('d', ['parameters', 'name'])],
    ['a frozen definition whose name is no string', (log) => logged(Object.freeze({ ...base, name: 7 }), log, 'd'),
      'ERR_FFAST_DEFINITION', 'name must be a non-empty string, got 7', defTrace('d', ['parameters', 'result', 'name'])],
    ['a sealed definition with a non-boolean flag', (log) => logged(Object.seal({ ...base, optional: 'yes' }), log, 'd'),
      'ERR_FFAST_DEFINITION', 'optional must be a boolean, got "yes"', defTrace('d', ['parameters', 'result', 'name', 'optional'])],
    ['an array as the definition', (log) => logged([], log, 'd'),
      'ERR_FFAST_DEFINITION', "unknown key 'length'", ['d ownKeys']],
  ];
  for (const before of [null, base, { parameters: ['f64', 'f64'], result: 'f64', name: 'mul_f64' }]) {
    for (const [label, make, code, part, expected] of cases) {
      for (const bind of ['eager', 'lazy']) {
        const log = [];
        const defs = before === null ? {} : { ok: { ...before } };
        defs.bad = make(log);
        // (Eager checks `ok` first, so the memo holds its shape; lazy reads it first.)
        const lib = h.capture(() => dlopen(FIXTURE, defs, { bind }));
        let r = lib;
        if (bind === 'lazy') {
          assert.ok(lib.ok, `${label}: lazy dlopen`);
          if (before !== null) assert.equal(typeof lib.value.symbols.ok, 'function');
          r = h.capture(() => lib.value.symbols.bad);
          lib.value.close();
        }
        const where = `${label} (${bind}, after ${before === null ? 'nothing' : before.result})`;
        assert.ok(!r.ok, `${where}: accepted`);
        h.assertFfastError(r.error, code, where, [part]);
        if (code === 'ERR_FFAST_DEFINITION' && /threw/.test(part)) assert.equal(r.error.cause, boom, where);
        assert.deepEqual(log, expected, where);
      }
    }
  }
});

test('wrappers made in one run keep their names, any key, and are not constructors', () => {
  // 16 per run: 37 symbols fill two runs and leave a short third one, whose unused slots get
  // names starting with U+0000: keys made of U+0000 and digits must not collide with them.
  const keys = Array.from({ length: 32 }, (_, i) => `k${i}`);
  keys[3] = '';
  keys[8] = '__proto__';
  keys[11] = 'constructor';
  keys[20] = '\u0000';
  keys.push('\u00005', '\u000015', '\u0000\u00006', '\u0000\u0000\u0000', 'last');
  const uniq = [...new Set(keys)];
  const defs = {};
  for (const k of uniq) Object.defineProperty(defs, k, { value: { name: 'add_i32', parameters: ['i32', 'i32'], result: 'i32' }, enumerable: true });
  for (const bind of ['eager', 'lazy']) {
    const lib = dlopen(FIXTURE, defs, { bind });
    const fns = uniq.map((k) => lib.symbols[k]);
    assert.equal(new Set(fns).size, uniq.length, `${bind}: a function per key`);
    uniq.forEach((k, i) => {
      const f = fns[i];
      assert.equal(f.name, k, `${bind}: name of ${JSON.stringify(k)}`);
      assert.equal(f.length, 2);
      assert.equal(f(i, 1), i + 1);
      assert.throws(() => new f(1, 2), TypeError);
    });
    // the names appear in errors from each wrapper
    const e = h.capture(() => fns[3](1)).error;
    h.assertFfastError(e, 'ERR_FFAST_ARG_COUNT', 'count', [`for '${uniq[3]}'`]);
    lib.close();
  }
});

/** The process's mappings: [start, end, perms] (BigInt addresses). */
function mappings() {
  const fs = require('node:fs');
  return fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter(Boolean).map((l) => {
    const [range, perms] = l.split(' ');
    const [s, e] = range.split('-').map((x) => BigInt(`0x${x}`));
    return [s, e, perms];
  });
}

test('first reads take pre-faulted pages from the pool: their code is never writable and executable, and close unmaps it', { skip: process.platform !== 'linux' && 'reads /proc/self/maps' }, () => {
  const pages0 = ffast.__internal.jitPages();
  const libs = [];
  // More first reads than the pool holds (16 pages): it is refilled along the way.
  for (let k = 0; k < 40; k++) {
    const lib = dlopen(FIXTURE, { add_i32: { parameters: ['i32', 'i32'], result: 'i32' }, mul_f64: { parameters: ['f64', 'f64'], result: 'f64' } }, { bind: 'lazy' });
    assert.equal(lib.symbols.add_i32(k, 1), k + 1);
    libs.push(lib);
  }
  // Each library's first read made its code in a page of its own.
  assert.equal(ffast.__internal.jitPages() - pages0, 40);
  const live = mappings();
  for (const lib of libs) lib.close();
  assert.equal(ffast.__internal.jitPages(), pages0);
  // What close() unmapped is the libraries' code (V8 could free something meanwhile too, but
  // not writable and executable memory on x64; on arm64 V8's own code space may be, so the
  // libraries' pages are found as what vanished rather than by looking for such mappings).
  const after = mappings();
  const gone = live.filter(([s]) => !after.some(([as, ae]) => s >= as && s < ae));
  const bytes = gone.reduce((n, [s, e]) => n + Number(e - s), 0);
  assert.ok(bytes >= 40 * 4096, `close() unmapped ${bytes} bytes`);
  for (const [s, e, perms] of gone) {
    assert.doesNotMatch(perms, /^.wx/, `${s.toString(16)}-${e.toString(16)} was writable and executable`);
  }
  assert.ok(gone.some(([, , perms]) => perms.startsWith('r-x')), 'the unmapped code was read-execute');
});

test('workers make functions at once (the page pool is shared between threads): right results, pages returned', async () => {
  const { Worker } = require('node:worker_threads');
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const pages0 = ffast.__internal.jitPages(); // (ffast's own helpers: memory.js binds some)
    let sum = 0;
    for (let k = 0; k < 300; k++) {
      const defs = { add_i32: { parameters: ['i32', 'i32'], result: 'i32' }, mul_f64: { parameters: ['f64', 'f64'], result: 'f64' } };
      const lib = ffast.dlopen(workerData.lib, defs, k % 2 ? { bind: 'lazy' } : undefined);
      sum += lib.symbols.add_i32(k, 1) + lib.symbols.mul_f64(k, 2);
      lib.close();
    }
    parentPort.postMessage({ sum, pages: ffast.__internal.jitPages() - pages0 });`;
  const want = Array.from({ length: 300 }, (_, k) => k + 1 + 2 * k).reduce((a, b) => a + b, 0);
  const runs = Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, lib: FIXTURE } });
    w.once('message', resolve);
    w.once('error', reject);
  }));
  // The main thread makes functions meanwhile too.
  for (let k = 0; k < 100; k++) {
    const lib = dlopen(FIXTURE, { add_i32: { parameters: ['i32', 'i32'], result: 'i32' } }, { bind: 'lazy' });
    assert.equal(lib.symbols.add_i32(k, 2), k + 2);
    lib.close();
  }
  for (const r of await Promise.all(runs)) assert.deepEqual(r, { sum: want, pages: 0 });
});
