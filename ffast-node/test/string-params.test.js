'use strict';
// Non-string values for `string` parameters (docs/strings.md §3). Before V8 14 the fast
// path's one-byte-string check reads only the representation and encoding bits of the instance
// type, so objects whose type shares them (a Date, the global proxy, iterators, Intl segments…)
// reached C as "strings" made of their own bytes; and on Node 20 the typed error from the slow
// callback that an optimized fast-call site fell back to skipped the caller's own try/catch.
// Every kind of value: the same FfastError (code and message, the slow path's own) cold, hot,
// and hot-optimized-then-given-it, each inside a local try/catch that must be reached; on every
// Node line. null and undefined stay NULL.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, FfastError, N, coldHot, coldHotThrows } = h;
const { struct, callback } = ffast;

const T = (parameters, result, more) => ({ parameters, result, ...more });
const Off = struct({ skip: 'i32' });
const DEFS = {
  c_strlen: T(['string'], 'usize'),
  str_is_null: T(['string'], 'i32'),
  str_cmp: T(['string', 'string'], 'i32'),
  strlen_sum3: T(['string', 'i32', 'string', 'f64', 'string'], 'usize'),
  str_echo: T(['string'], 'string'),
  str_skip_by: T([Off, 'string'], 'string'),
  c_strlen_nb: T(['string'], 'usize', { name: 'c_strlen', nonblocking: true }),
};
const S = h.openFixture(DEFS).symbols;
const libc = ffast.dlopen(null, { strlen: T(['string'], 'usize') }).symbols;

/** Every kind of JS value that is not a string (nor null/undefined). */
function hostile() {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const args = (function () {
    return arguments;
  })('a', 'b');
  const cb = callback({ parameters: [], result: 'void' }, () => {});
  cb.close();
  return [
    ['Date', new Date(0)],
    ['globalThis', globalThis],
    ['Proxy of an object', new Proxy({}, {})],
    ['Proxy of a function', new Proxy(function () {}, {})],
    ['Proxy trapping everything', new Proxy({}, { get: () => { throw new Error('trap'); }, has: () => { throw new Error('trap'); } })],
    ['revoked Proxy', revoked.proxy],
    ['String object', new String('abc')],
    ['Number object', new Number(1)],
    ['Boolean object', new Boolean(false)],
    ['BigInt object', Object(1n)],
    ['Symbol object', Object(Symbol('s'))],
    ['empty array', []],
    ['array of a string', ['abc']],
    ['array of numbers', [1, 2, 3]],
    ['holey array', [, 'x']], // eslint-disable-line no-sparse-arrays
    ['Array Iterator', [].values()],
    ['String Iterator', 'abc'[Symbol.iterator]()],
    ['Map Iterator', new Map([[1, 2]]).keys()],
    ['Set Iterator', new Set([1]).values()],
    ['RegExp String Iterator', 'ab'.matchAll(/a/g)],
    ['generator object', (function* () {})()],
    ['Map', new Map()],
    ['Set', new Set()],
    ['WeakMap', new WeakMap()],
    ['WeakSet', new WeakSet()],
    ['WeakRef', new WeakRef({})],
    ['FinalizationRegistry', new FinalizationRegistry(() => {})],
    ['Intl.Segmenter segments', new Intl.Segmenter().segment('ab')],
    ['Intl.Segmenter iterator', new Intl.Segmenter().segment('ab')[Symbol.iterator]()],
    ['Intl.Segmenter', new Intl.Segmenter()],
    ['Intl.NumberFormat', new Intl.NumberFormat()],
    ['Intl.DateTimeFormat', new Intl.DateTimeFormat()],
    ['Intl.Collator', new Intl.Collator()],
    ['Intl.Locale', new Intl.Locale('en')],
    ['RegExp', /re/g],
    ['Error', new Error('e')],
    ['Promise', Promise.resolve('abc')],
    ['ArrayBuffer', new ArrayBuffer(8)],
    ['SharedArrayBuffer', new SharedArrayBuffer(8)],
    ['Uint8Array', new Uint8Array([97, 98, 0])],
    ['Buffer', Buffer.from('abc\0')],
    ['Float64Array', new Float64Array(2)],
    ['DataView', new DataView(new ArrayBuffer(4))],
    ['null-prototype object', Object.create(null)],
    ['plain object', { a: 1 }],
    ['object with toString', { toString: () => 'abc' }],
    ['object whose conversions throw', { toString() { throw new Error('no'); }, valueOf() { throw new Error('no'); }, [Symbol.toPrimitive]() { throw new Error('no'); } }],
    ['arguments object', args],
    ['class instance', new (class Foo {})()],
    ['Math', Math],
    ['JSON', JSON],
    ['Atomics', Atomics],
    ['a closed Callback', cb],
    ['Symbol', Symbol('s')],
    ['well-known Symbol', Symbol.iterator],
    ['BigInt 1n', 1n],
    ['BigInt 2^70', 2n ** 70n],
    ['0', 0],
    ['-0', -0],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['1.5', 1.5],
    ['2^53', 2 ** 53],
    ['a heap-number address', 0x7f00_1234_5678],
    ['true', true],
    ['false', false],
    ['function', function named() {}],
    ['arrow function', () => 'abc'],
    ['async function', async () => {}],
    ['class', class {}],
    ['bound function', function () {}.bind(null)],
    ['String (the constructor)', String],
  ];
}

/** The slow path's wording (convert.rs type_err with napi_typeof's name). */
const message = (i, v, name) => `invalid argument ${i}: expected string (or null), got ${v === null ? 'null' : typeof v} for '${name}'`;

let probeId = 0;
/**
 * A caller with a local try/catch around `fn(...args)`; the catch returns { caught }. Fresh
 * source text each time (feedback of its own).
 */
function probe(fn, nargs) {
  const ps = Array.from({ length: nargs }, (_, i) => `a${i}`).join(', ');
  return new Function(
    'f',
    `return function str_probe_${++probeId}(${ps}) {
      try {
        return f(${ps});
      } catch (e) {
        return { caught: e };
      }
    };`,
  )(fn);
}

/** Run p(...args) outside it: an exception here escaped p's own catch. */
function reach(p, args, where) {
  let r;
  try {
    r = p(...args);
  } catch (e) {
    assert.fail(`${where}: the exception (${e && e.code}: ${e && e.message}) skipped the caller's own catch`);
  }
  return r;
}

function assertCaught(r, i, v, name, where) {
  assert.ok(r && typeof r === 'object' && 'caught' in r, `${where}: expected ERR_FFAST_ARG_TYPE, the call returned ${h.fmt(r)}`);
  const e = r.caught;
  assert.ok(e instanceof FfastError, `${where}: not an FfastError: ${e}`);
  assert.equal(e.code, 'ERR_FFAST_ARG_TYPE', where);
  assert.equal(e.message, message(i, v, name), where);
}

/**
 * fn(...good) with `bad` at index `at`: cold, hot (optimized on good arguments, then `bad`),
 * and hot-optimized-on-`bad`, each inside a local try/catch.
 */
function checkValue(fn, name, good, at, declared, label, v) {
  const args = good.slice();
  args[at] = v;
  const where = (how) => `${how} ${name}(${label} as argument ${declared}) [node ${process.versions.node}]`;
  // Cold: the interpreter.
  const c = probe(fn, good.length);
  N.neverOptimize(c);
  assertCaught(reach(c, args, where('cold')), declared, v, name, where('cold'));
  // Optimized on good arguments, then given the value.
  const g = probe(fn, good.length);
  N.prepare(g);
  for (let k = 0; k < h.WARMUP_CALLS; k++) reach(g, good, where('warm-up'));
  N.optimizeNext(g);
  reach(g, good, where('warm-up'));
  assert.ok(N.isTurbofan(g), `${where('hot')}: caller is not TurboFan`);
  assertCaught(reach(g, args, where('hot')), declared, v, name, where('hot'));
  // Optimized while seeing the value (and still given it).
  const b = probe(fn, good.length);
  N.prepare(b);
  for (let k = 0; k < h.WARMUP_CALLS; k++) assertCaught(reach(b, args, where('warm-up on it')), declared, v, name, where('warm-up on it'));
  N.optimizeNext(b);
  assertCaught(reach(b, args, where('optimized on it')), declared, v, name, where('optimized on it'));
  assertCaught(reach(b, args, where('optimized on it')), declared, v, name, where('optimized on it'));
}

test('every kind of non-string value: the same typed error cold, hot and optimized-on-it, local catch reached', () => {
  const values = hostile();
  assert.ok(values.length >= 70);
  for (const [label, v] of values) checkValue(S.c_strlen, 'c_strlen', ['abc'], 0, 0, label, v);
  // libc's own strlen: C would read the object's bytes (or fault) if it got through.
  for (const [label, v] of values) checkValue(libc.strlen, 'strlen', ['abc'], 0, 0, label, v);
});

test('every position of a multi-string signature, a string result, and the struct wrapper', () => {
  const values = hostile().filter((_, i) => i % 3 === 0); // a third of the kinds, every position
  for (const [label, v] of values) {
    checkValue(S.str_cmp, 'str_cmp', ['a', 'b'], 0, 0, label, v);
    checkValue(S.str_cmp, 'str_cmp', ['a', 'b'], 1, 1, label, v);
    for (const at of [0, 2, 4]) checkValue(S.strlen_sum3, 'strlen_sum3', ['abc', 2, 'éé', 3.7, 'xyz!'], at, at, label, v);
    checkValue(S.str_echo, 'str_echo', ['abc'], 0, 0, label, v);
    // The struct is argument 0 of the declaration, the string argument 1.
    checkValue(S.str_skip_by, 'str_skip_by', [{ skip: 1 }, 'abc'], 1, 1, label, v);
  }
});

/** The values the shared helpers can print (a revoked Proxy throws on `instanceof`): tested above either way. */
const printable = () =>
  hostile().filter(([, v]) => {
    try {
      h.fmt(v);
      return true;
    } catch {
      return false;
    }
  });

test('outside a try: hot and cold throw the same error (nothing reaches C)', () => {
  for (const [label, v] of printable()) {
    coldHotThrows(S.c_strlen, ['abc'], [v], 'ERR_FFAST_ARG_TYPE', { label: `c_strlen(${label})`, messageIncludes: message(0, v, 'c_strlen') });
    coldHotThrows(S.str_echo, ['abc'], [v], 'ERR_FFAST_ARG_TYPE', { label: `str_echo(${label})`, messageIncludes: message(0, v, 'str_echo') });
  }
});

test("the wrapper's error is exactly the slow path's (the raw native function, called cold)", () => {
  const native = ffast.__internal.native;
  const [address] = native.symbols(native.open(null, false, false), ['strlen']);
  const [raw] = native.makeFunctions(null, ['strlen'], [address], [{ parameters: ['string'], result: 'usize', nonblocking: false, callbacks: false }], [0]);
  const call = (f, v) => {
    try {
      f(v);
    } catch (e) {
      return e;
    }
    return null;
  };
  N.neverOptimize(call);
  for (const [label, v] of hostile()) {
    const want = call(raw, v);
    assert.ok(want instanceof FfastError, `${label}: the raw native function did not throw`);
    const got = call(libc.strlen, v);
    assert.ok(got instanceof FfastError, label);
    assert.equal(got.code, want.code, label);
    assert.equal(got.message, want.message, label);
  }
});

test('nonblocking: the same error, thrown synchronously, nothing queued', async () => {
  for (const [label, v] of printable()) {
    coldHotThrows(S.c_strlen_nb, ['abc'], [v], 'ERR_FFAST_ARG_TYPE', { label: `c_strlen_nb(${label})`, messageIncludes: message(0, v, 'c_strlen_nb') });
    const before = ffast.__internal.pendingCalls();
    assert.ok(!h.capture(() => S.c_strlen_nb(v)).ok);
    assert.equal(ffast.__internal.pendingCalls(), before, `${label}: a call was queued`);
  }
  // The warm-up calls (good arguments) were queued: let them finish.
  await h.until(() => ffast.__internal.pendingCalls() === 0, 30000);
});

test('null and undefined stay NULL: cold, hot, and optimized on strings then given them (inside try too)', () => {
  for (const v of [null, undefined]) {
    coldHot(S.str_is_null, [v], 1);
    coldHot(S.str_echo, [v], null);
    for (const make of [() => h.makeCaller(1, 'null_plain'), () => probe(S.str_is_null, 1)]) {
      const g = make();
      const call = g.length === 2 ? (x) => g(S.str_is_null, x) : (x) => g(x);
      N.prepare(g);
      for (let k = 0; k < h.WARMUP_CALLS; k++) assert.equal(call('abc'), 0);
      N.optimizeNext(g);
      assert.equal(call('abc'), 0);
      assert.ok(N.isTurbofan(g));
      assert.equal(call(v), 1);
    }
  }
});

test('strings of every representation still pass (flat, cons, sliced, two-byte, internalized, external)', () => {
  const flat = ['abc', 'd'].join('');
  const cons = 'cons-string-prefix-'.repeat(2) + flat;
  const sliced = 'x'.repeat(40).concat('yyyy').slice(3, 30);
  const two = 'héllo €';
  const big = Buffer.alloc(2 << 20, 'q').toString('latin1'); // Node makes large ones external
  // A binding of its own: the wrappers above are hot by now (TurboFan-compiled themselves), so
  // their calls are never cold.
  const { c_strlen } = h.openFixture({ c_strlen: DEFS.c_strlen }).symbols;
  for (const s of [flat, cons, sliced, two, 'literal', big, String(12345), Symbol('desc').description]) {
    const want = Buffer.byteLength(s);
    coldHot(c_strlen, [s], want, { fast: false });
  }
});
