'use strict';
// What ffast reads from user objects — dlopen's symbols map and each definition, dlopen's
// options, callback definitions, struct/union field maps, field specs { type, align } and
// struct options { pack } — is read through OWN properties only, each key at most once: an
// inherited `name` or `nonblocking`, or a polluted Object.prototype / Array.prototype, changes
// nothing. Unknown keys are ERR_FFAST_DEFINITION naming the key and the nearest valid one; a
// throwing getter or Proxy trap is ERR_FFAST_DEFINITION with what it threw as `cause`; a
// definition must say its `result`. And every mistake at any API entry point is an FfastError.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { types } = require('node:util');
const h = require('./_helpers.js');
const { ffast, FfastError, FIXTURE } = h;
const { dlopen, callback, struct, union, array, pointer, out, inout } = ffast;

const throwsDef = (thunk, where, ...includes) => {
  const r = h.capture(thunk);
  assert.ok(!r.ok, `${where}: accepted`);
  h.assertFfastError(r.error, 'ERR_FFAST_DEFINITION', where, includes);
  return r.error;
};
const ok = (def) => ({ parameters: ['i64'], result: 'i64', ...def });

test('inherited properties are not read: Object.create({ name, nonblocking }) binds the key, blocking', () => {
  // no own result: an error, not the inherited one
  throwsDef(() => dlopen(null, { labs: Object.create({ name: 'labs', nonblocking: true, parameters: ['i64'], result: 'i64' }) }),
    'all inherited', "no 'result'");
  const def = Object.assign(Object.create({ name: 'getpid', nonblocking: true, optional: 'yes', callbacks: 7 }), ok());
  const lib = dlopen(null, { labs: def });
  const r = lib.symbols.labs(-3);
  assert.equal(r, 3, 'labs ran synchronously (not getpid, not a Promise)');
  lib.close();
  // a class instance: its prototype's getters are not own properties either
  class Def {
    get result() {
      return 'i64';
    }
  }
  throwsDef(() => dlopen(null, { labs: new Def() }), 'class instance', "no 'result'");
});

test('a polluted Object.prototype get/set/value/writable (property-descriptor keys) changes nothing: eager and lazy binding, variables, structs, variadic functions, cold and hot', () => {
  const pollution = { get: function () { return 5; }, set: function () {}, value: 7, writable: true, enumerable: false, configurable: true };
  const saved = [];
  for (const [k, v] of Object.entries(pollution)) {
    saved.push([k, Object.getOwnPropertyDescriptor(Object.prototype, k)]);
    Object.prototype[k] = v; // eslint-disable-line no-extend-native
  }
  try {
    const II = struct({ a: 'i32', b: 'i32' });
    const defs = () => ({
      id: { name: 'id_i32', parameters: ['i32'], result: 'i32' },
      make_ii: { parameters: ['i32', 'i32'], result: II },
    });
    for (const bind of ['eager', 'lazy']) {
      const lib = dlopen(FIXTURE, defs(), { bind });
      const S = lib.symbols;
      h.coldHot(S.id, [41], 41, { label: `${bind} id_i32` });
      assert.deepEqual(S.make_ii(3, 4), { a: 3, b: 4 });
      assert.equal(S.id.length, 1);
      assert.deepEqual(Object.keys(S).sort(), ['id', 'make_ii']);
      lib.close();
      const libc = dlopen(null, { snprintf: { parameters: ['buffer', 'usize', 'string', '...'], result: 'i32' }, environ: { variable: 'pointer' } }, { bind });
      assert.equal(typeof libc.symbols.environ, 'number');
      const buf = new Uint8Array(16);
      assert.equal(libc.symbols.snprintf(buf, 16, '%d-%d', 'i32', 3, 'i32', 4), 3);
      assert.equal(new TextDecoder().decode(buf.subarray(0, 3)), '3-4');
      assert.equal(typeof libc.symbols.snprintf.variadic, 'function');
      libc.close();
    }
    const v = II.view(new ArrayBuffer(8));
    v.a = 9;
    assert.equal(v.a, 9);
    assert.equal(II.kind, 'struct');
  } finally {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(Object.prototype, k, d);
      else delete Object.prototype[k];
    }
  }
});

test('a polluted Object.prototype / Array.prototype changes nothing ffast reads', () => {
  const pollution = {
    name: 'getpid', nonblocking: true, optional: true, callbacks: true, parameters: ['i32', 'i32'], result: 'void',
    lazy: 'not a boolean', global: 1, pack: 3, align: 3, type: 'f64', threads: 'sometimes', onError: 5, deadlockMs: -1,
    x: 'i32', labs: { parameters: [], result: 'void' },
    // names ffast uses inside (option bags, native replies, type internals)
    element: 'u8', length: 3, kind: 'array', handle: 1, text: 'struct{}', size: 99, offsets: [7], fields: [], code: 'X', depth: 999,
    weight: 999, by: 'value', T: 1, spec: 1, direction: 'out', to: 1, queue: true, fn: 1, area: 1, argOffsets: [5], retOffset: 5,
    specs: [1], resultSpec: 1, aggregates: true, sigKey: 'k', closed: true, cause: 1, offset: 3,
  };
  const saved = [];
  for (const [k, v] of Object.entries(pollution)) {
    saved.push([k, Object.getOwnPropertyDescriptor(Object.prototype, k)]);
    Object.prototype[k] = v; // eslint-disable-line no-extend-native
  }
  Array.prototype[0] = 'i32'; // eslint-disable-line no-extend-native
  Array.prototype[1] = 'f64'; // eslint-disable-line no-extend-native
  try {
    const lib = dlopen(null, { labs: { parameters: ['i64'], result: 'i64' } }, {});
    assert.equal(lib.symbols.labs(-5), 5);
    assert.deepEqual(Object.keys(lib.symbols), ['labs']);
    lib.close();
    // a hole is a hole, whatever Array.prototype[0] says
    throwsDef(() => dlopen(null, { labs: { parameters: [, 'i64'], result: 'i64' } }), 'hole', 'entry 0 is missing'); // eslint-disable-line no-sparse-arrays
    const S = struct({ a: 'u8', b: { type: 'u32' } }, {});
    assert.deepEqual([S.size, S.align, S.fields[1].offset, Object.hasOwn(S.fields[1], 'align')], [8, 4, 4, false]);
    const cb = callback({ parameters: [], result: 'i32' }, () => 1);
    assert.deepEqual(cb.definition, { parameters: [], result: 'i32', threads: 'block' });
    cb.close();
    assert.deepEqual(union({ u: 'u16' }).fields.map((f) => f.name), ['u']);
    const A = array('u16', 2);
    assert.deepEqual([A.size, Object.hasOwn(A, 'pack'), A.decode(new Uint16Array([1, 2]))], [4, false, [1, 2]]);
    assert.deepEqual(S.decode(S.encode({ a: 1, b: 2 })), { a: 1, b: 2 });
    const II = struct({ a: 'i32', b: 'i32' });
    const f = dlopen(FIXTURE, { pt: { name: 'id_i32', parameters: ['i32'], result: 'i32' }, make_ii: { parameters: ['i32', 'i32'], result: II } });
    assert.equal(f.symbols.pt(41), 41);
    assert.deepEqual(f.symbols.make_ii(3, 4), { a: 3, b: 4 });
    f.close();
    const buf = new Uint8Array(8);
    ffast.write.u32(ffast.ptr(buf), 4, 77);
    assert.equal(ffast.read.u32(ffast.ptr(buf), 4), 77);
  } finally {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(Object.prototype, k, d);
      else delete Object.prototype[k];
    }
    delete Array.prototype[0];
    delete Array.prototype[1];
  }
});

/** An object whose every listed key is an own getter counting its reads. */
function counting(values) {
  const reads = {};
  const o = {};
  for (const [k, v] of Object.entries(values)) {
    reads[k] = 0;
    Object.defineProperty(o, k, { enumerable: true, get: () => (reads[k]++, v) });
  }
  return { o, reads };
}

test('every key is read at most once (a getter runs once), on the first and on a cached definition', () => {
  for (let round = 0; round < 2; round++) {
    const params = ['i64'];
    const { o, reads } = counting({ parameters: params, result: 'i64', name: 'labs', optional: false, nonblocking: false, callbacks: false });
    const arr = new Proxy(params, {});
    const lib = dlopen(null, { f: o });
    assert.equal(lib.symbols.f(-2), 2);
    lib.close();
    assert.deepEqual(Object.values(reads), [1, 1, 1, 1, 1, 1], `round ${round}: ${JSON.stringify(reads)}`);
    void arr;
  }
  // the symbols map's own getters, the options' getters
  const m = counting({ a: { parameters: ['i64'], result: 'i64', name: 'labs' } });
  const opts = counting({ lazy: true, global: false });
  dlopen(null, m.o, opts.o).close();
  assert.deepEqual([m.reads.a, opts.reads.lazy, opts.reads.global], [1, 1, 1]);
  // callback definitions, struct fields, field specs and options
  const c = counting({ parameters: ['i32'], result: 'i32', threads: 'block', onError: () => {}, deadlockMs: 50 });
  callback(c.o, (x) => x).close();
  assert.deepEqual(Object.values(c.reads), [1, 1, 1, 1, 1]);
  const spec = counting({ type: 'u32', align: 8 });
  const fields = counting({ a: 'u8', b: spec.o });
  const so = counting({ pack: 4 });
  const S = struct(fields.o, so.o);
  assert.deepEqual([fields.reads.a, fields.reads.b, spec.reads.type, spec.reads.align, so.reads.pack], [1, 1, 1, 1, 1]);
  assert.equal(S.fields[1].offset, 4, 'pack(4) caps aligned(8)');
  // parameter arrays: each element once
  let elemReads = 0;
  const ps = [];
  Object.defineProperty(ps, 0, { enumerable: true, get: () => (elemReads++, 'i64') });
  dlopen(null, { labs: { parameters: ps, result: 'i64' } }).close();
  assert.equal(elemReads, 1);
});

test('a throwing getter or Proxy trap: ERR_FFAST_DEFINITION with the thrown value as cause', () => {
  const boom = new Error('boom');
  const getterThrows = (key) => Object.defineProperty({ parameters: [], result: 'void' }, key, { enumerable: true, get: () => { throw boom; } });
  const trapAll = new Proxy({}, { ownKeys: () => { throw boom; } });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cases = [
    ['definition getter', () => dlopen(null, { getpid: getterThrows('result') })],
    ['definition name getter', () => dlopen(null, { getpid: getterThrows('name') })],
    ['definition ownKeys trap', () => dlopen(null, { getpid: trapAll })],
    ['symbols ownKeys trap', () => dlopen(null, trapAll)],
    ['symbols getter', () => dlopen(null, Object.defineProperty({}, 'getpid', { enumerable: true, get: () => { throw boom; } }))],
    ['options getter', () => dlopen(null, {}, Object.defineProperty({}, 'lazy', { enumerable: true, get: () => { throw boom; } }))],
    ['parameters element getter', () => dlopen(null, { getpid: { parameters: Object.defineProperty([], 0, { enumerable: true, get: () => { throw boom; } }), result: 'i32' } })],
    ['parameters Proxy', () => dlopen(null, { getpid: { parameters: new Proxy([], { get: () => { throw boom; } }), result: 'i32' } })],
    ['callback definition getter', () => callback(getterThrows('parameters'), () => {})],
    ['struct fields getter', () => struct(Object.defineProperty({}, 'a', { enumerable: true, get: () => { throw boom; } }))],
    ['struct fields trap', () => struct(trapAll)],
    ['field spec getter', () => struct({ a: Object.defineProperty({}, 'type', { enumerable: true, get: () => { throw boom; } }) })],
    ['struct options getter', () => struct({ a: 'u8' }, Object.defineProperty({}, 'pack', { enumerable: true, get: () => { throw boom; } }))],
  ];
  for (const [what, thunk] of cases) {
    const e = throwsDef(thunk, what, 'threw', 'boom');
    assert.equal(e.cause, boom, `${what}: cause`);
  }
  // a revoked Proxy anywhere a definition object goes
  for (const [what, thunk] of [
    ['definition', () => dlopen(null, { getpid: revoked.proxy })],
    ['symbols', () => dlopen(null, revoked.proxy)],
    ['options', () => dlopen(null, {}, revoked.proxy)],
    ['parameters', () => dlopen(null, { getpid: { parameters: revoked.proxy, result: 'i32' } })],
    ['callback', () => callback(revoked.proxy, () => {})],
    ['struct fields', () => struct(revoked.proxy)],
    ['field spec', () => struct({ a: revoked.proxy })],
    ['struct options', () => struct({ a: 'u8' }, revoked.proxy)],
  ]) {
    const e = throwsDef(thunk, `revoked ${what}`, 'threw');
    assert.ok(e.cause instanceof TypeError, `revoked ${what}: cause is V8's TypeError`);
  }
});

test('hostile keys: in a definition each is an unknown key named in the message; as symbol names they bind', () => {
  const long = 'k'.repeat(100000);
  const defKeys = ['__proto__', 'constructor', 'toString', 'valueOf', '0', '', long, 'parameters ', 'Result', Symbol('tag'), Symbol.iterator];
  for (const k of defKeys) {
    const def = { parameters: [], result: 'void' };
    Object.defineProperty(def, k, { value: 1, enumerable: true });
    const e = throwsDef(() => dlopen(null, { getpid: def }), `key ${String(k).slice(0, 20)}`, 'unknown key');
    assert.ok(e.message.length < 400, `message length ${e.message.length}`);
    if (typeof k === 'symbol') assert.ok(e.message.includes(String(k)));
    else if (k.length < 60) assert.ok(e.message.includes(JSON.stringify(k).slice(1, -1)) || e.message.includes(k), e.message);
  }
  // non-enumerable own keys are own keys too
  throwsDef(() => dlopen(null, { getpid: Object.defineProperty({ parameters: [], result: 'i32' }, 'nonblock', { value: true }) }),
    'non-enumerable', "unknown key 'nonblock'", "did you mean 'nonblocking'");
  // As keys of the symbols map, any string names a function (with `name` saying which C symbol).
  const symbols = {};
  for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', 'then', long, 'a b\n"c"']) {
    Object.defineProperty(symbols, k, { value: { name: 'labs', parameters: ['i64'], result: 'i64' }, enumerable: true });
  }
  const lib = dlopen(null, symbols);
  for (const k of Object.keys(symbols)) assert.equal(lib.symbols[k](-9), 9, `symbols[${JSON.stringify(k.slice(0, 20))}]`);
  assert.equal(Object.getPrototypeOf(lib.symbols), null);
  lib.close();
  throwsDef(() => dlopen(null, { [Symbol('f')]: { name: 'labs', parameters: ['i64'], result: 'i64' } }), 'symbol key', 'symbol key');
  throwsDef(() => dlopen(null, { '': { parameters: [], result: 'void' } }), 'empty key, no name', 'name must be a non-empty string');
  throwsDef(() => dlopen(null, { getpid: { parameters: [], result: 'i32', name: '' } }), 'empty name', 'name must be a non-empty string');
  throwsDef(() => dlopen(null, { getpid: { parameters: [], result: 'i32', name: 5 } }), 'name a number', 'name must be a non-empty string');
});

test('unknown keys and options name the nearest valid one; the dlopen option list is the one in index.js', () => {
  const cases = [
    [() => dlopen(null, {}, { lazzy: true }), "unknown option 'lazzy' (did you mean 'lazy'?)"],
    [() => dlopen(null, {}, { Global: true }), "unknown option 'Global' (did you mean 'global'?)"],
    [() => dlopen(null, {}, { deeb: true }), "unknown option 'deeb' (did you mean 'deep'?)"],
    [() => dlopen(null, {}, { frobnicate: true }), "unknown option 'frobnicate' (valid: lazy, global, deep, bind)"],
    [() => dlopen(null, {}, { RTLD_LAZY: true }), "(did you mean 'lazy'?)"],
    [() => dlopen(null, { getpid: { parameter: [], result: 'i32' } }), "unknown key 'parameter'", "(did you mean 'parameters'?)"],
    [() => dlopen(null, { getpid: { parameters: [], returns: 'i32' } }), "unknown key 'returns'", "(did you mean 'result'?)"],
    [() => dlopen(null, { getpid: { parameters: [], resutl: 'i32' } }), "(did you mean 'result'?)"],
    [() => dlopen(null, { getpid: { parameters: [], result: 'i32', nonBlocking: true } }), "(did you mean 'nonblocking'?)"],
    [() => dlopen(null, { getpid: { args: [], result: 'i32' } }), "(did you mean 'parameters'?)"],
    [() => dlopen(null, { getpid: { parameters: [], result: 'i32', frobnicate: 1 } }), "unknown key 'frobnicate'", '(valid: parameters, result'],
    [() => callback({ parameters: [], result: 'void', onerror: () => {} }, () => {}), "unknown key 'onerror'", "(did you mean 'onError'?)"],
    [() => callback({ parameters: [], result: 'void', thread: 'queue' }, () => {}), "(did you mean 'threads'?)"],
    [() => struct({ a: 'u8' }, { packed: 1 }), "unknown option 'packed'", "(did you mean 'pack'?)"],
    [() => struct({ a: { type: 'u8', alignment: 4 } }), "unknown key 'alignment'", "(did you mean 'align'?)"],
    [() => dlopen(null, {}, { lazy: 1 }), "option 'lazy' must be a boolean"],
    [() => dlopen(null, {}, { global: 'yes' }), "option 'global' must be a boolean"],
    [() => dlopen(null, {}, { deep: 1 }), "option 'deep' must be a boolean"],
    [() => dlopen(null, {}, { bind: true }), "option 'bind' must be a string"],
    [() => dlopen(null, {}, { bind: 'later' }), "option 'bind' must be 'eager' or 'lazy'"],
    [() => dlopen(null, { getpid: { parameters: [], result: 'i32', optional: 1 } }), 'optional must be a boolean'],
    [() => dlopen(null, { getpid: { parameters: [], result: 'i32', callbacks: 'yes' } }), 'callbacks must be a boolean'],
    [() => dlopen(null, {}, null), 'options must be an object'],
    [() => dlopen(null, {}, 'lazy'), 'options must be an object'],
  ];
  for (const [thunk, ...msg] of cases) throwsDef(thunk, String(thunk), ...msg);
  // the valid ones still work
  dlopen(null, {}, { lazy: true, global: false }).close();
  dlopen(null, {}, {}).close();
  dlopen(null, {}).close();
});

test("a definition needs its result ('void' said explicitly); parameters may be left out", () => {
  throwsDef(() => dlopen(null, { getpid: { parameters: [] } }), 'no result', "no 'result'", "result: 'void'");
  throwsDef(() => dlopen(null, { getpid: {} }), 'empty definition', "no 'result'");
  throwsDef(() => ffast.bind(4096, { parameters: [] }), 'bind without result', "no 'result'");
  throwsDef(() => callback({ parameters: [] }, () => {}), 'callback without result', "no 'result'");
  const lib = dlopen(null, { getpid: { result: 'i32' } });
  assert.equal(lib.symbols.getpid(), process.pid, 'parameters default to none');
  assert.equal(lib.symbols.getpid.length, 0);
  lib.close();
  const cb = callback({ result: 'void' }, () => {});
  assert.deepEqual(cb.definition.parameters, []);
  cb.close();
});

test('parameter lists: holes, array-likes, Proxies and huge lengths are ERR_FFAST_DEFINITION (not a napi-rs error)', () => {
  throwsDef(() => dlopen(null, { getpid: { parameters: [,], result: 'i32' } }), '[,]', 'entry 0 is missing'); // eslint-disable-line no-sparse-arrays
  throwsDef(() => dlopen(null, { getpid: { parameters: ['i32', , 'i32'], result: 'i32' } }), 'middle hole', 'entry 1 is missing'); // eslint-disable-line no-sparse-arrays
  throwsDef(() => dlopen(null, { getpid: { parameters: new Array(2 ** 32 - 1), result: 'i32' } }), 'length 2^32-1', 'at most 127');
  throwsDef(() => dlopen(null, { getpid: { parameters: { length: 0 }, result: 'i32' } }), 'array-like', 'must be an array');
  throwsDef(() => callback({ parameters: [,], result: 'void' }, () => {}), 'callback hole', 'entry 0 is missing'); // eslint-disable-line no-sparse-arrays
  throwsDef(() => callback({ parameters: 'i32', result: 'void' }, () => {}), 'callback string', 'must be an array');
  // a Proxy of a real array is read through its traps, once per element
  const lib = dlopen(null, { labs: { parameters: new Proxy(['i64'], {}), result: 'i64' } });
  assert.equal(lib.symbols.labs(-1), 1);
  lib.close();
});

// ------------------------------------------------------------------ the sweep
const revokedProxy = (() => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
})();
const trap = () => {
  throw new Error('trap');
};
const throwingGetters = new Proxy({}, { get: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });
/** Values a careless or hostile caller may pass anywhere (never a valid address: nothing here is read). */
const HOSTILE = [
  undefined, null, true, 0, -0, -1, 1.5, NaN, Infinity, 2 ** 53, 2 ** 64, 0n, -1n, 2n ** 64n, '', 'i32', 'x'.repeat(1e6), '\ud800',
  Symbol('s'), {}, [], [,], [undefined], Object.create(null), Object.create(ArrayBuffer.prototype), () => {}, class {},
  new Date(0), /re/, new Map(), new WeakMap(), Promise.resolve(), new Error('e'), new Uint8Array(0), detached, new DataView(new ArrayBuffer(1)),
  throwingGetters, revokedProxy, Object.defineProperty({}, 'parameters', { enumerable: true, get: trap }),
  { parameters: [], result: 'i33' }, { parameters: ['x'.repeat(1e5)], result: 'void' }, { toString: trap, valueOf: trap },
];
const isProxy = (v) => types.isProxy(v);
const short = (v) => (isProxy(v) ? 'Proxy' : typeof v === 'symbol' ? String(v) : typeof v === 'string' ? JSON.stringify(v.slice(0, 20)) : typeof v === 'bigint' ? `${v}n` : typeof v === 'object' && v !== null ? Object.prototype.toString.call(v) : String(v));

/** Thrown by the hostile values' own code (a trap, V8 refusing a revoked Proxy). */
const ownThrow = (e) => e instanceof Error && (e.message === 'trap' || /revoked/.test(e.message));

/**
 * `thunk` returns (anything) or throws an FfastError; nothing else. `values`: the argument is a
 * value ffast encodes (not a definition), whose own getters and traps may throw their own error
 * (README: a value is read as JS reads it; what its code throws passes through).
 */
function onlyFfastErrors(thunk, where, values = false) {
  let r;
  try {
    r = thunk();
  } catch (e) {
    if (values && ownThrow(e)) return;
    assert.ok(e instanceof FfastError, `${where}: threw ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    assert.match(e.code, /^ERR_FFAST_[A-Z_]+$/, where);
    return;
  }
  if (r && typeof r.close === 'function' && !isProxy(r)) r.close();
}

test('the sweep: every API entry point, every argument position, hostile values → a result or an FfastError', () => {
  const S = struct({ a: 'u8', b: 'i32' });
  const A = array('u8', 4);
  const P = pointer(S);
  const buf = new Uint8Array(16);
  const good = {
    dlopen: [null, {}, {}], bind: [4096, { parameters: [], result: 'void' }], callback: [{ parameters: [], result: 'void' }, () => {}],
    struct: [{ a: 'u8' }, {}], union: [{ a: 'u8' }, {}], array: ['u8', 2], pointer: [S], out: [P], inout: [P],
    ptr: [buf], cstring: [null, 0], toArrayBuffer: [null, 0],
    encode: [{ a: 1, b: 2 }, buf, 0], decode: [buf, 0], view: [buf, 0], offsetof: ['b'], arrayEncode: [[1, 2, 3, 4], buf, 0],
  };
  const call = {
    dlopen: (...a) => dlopen(...a), bind: (...a) => ffast.bind(...a), callback: (...a) => callback(...a),
    struct: (...a) => struct(...a), union: (...a) => union(...a), array: (...a) => array(...a), pointer: (...a) => pointer(...a),
    out: (...a) => out(...a), inout: (...a) => inout(...a), ptr: (...a) => ffast.ptr(...a), cstring: (...a) => ffast.cstring(...a),
    toArrayBuffer: (...a) => ffast.toArrayBuffer(...a), encode: (...a) => S.encode(...a), decode: (...a) => S.decode(...a),
    view: (...a) => S.view(...a), offsetof: (...a) => S.offsetof(...a), arrayEncode: (...a) => A.encode(...a),
  };
  let calls = 0;
  for (const [name, args] of Object.entries(good)) {
    onlyFfastErrors(() => call[name](...args), `${name} (good)`);
    for (let i = 0; i < args.length; i++) {
      for (const v of HOSTILE) {
        // Numbers for dlopen's path and cstring/toArrayBuffer's address would be read as
        // addresses or file names; those are the memory tests' business (and could be valid).
        const a = args.slice();
        a[i] = v;
        onlyFfastErrors(() => call[name](...a), `${name}(arg ${i} = ${short(v)})`, (name === 'encode' || name === 'arrayEncode') && i === 0);
        calls++;
      }
    }
  }
  // read.* / write.*: hostile addresses with a good offset, hostile offsets at a good address
  // (only the non-integers among them: an integer offset from a real address could be valid memory)
  const p = ffast.ptr(buf);
  for (const t of ['u8', 'i64', 'f32', 'pointer']) {
    for (const v of HOSTILE) {
      onlyFfastErrors(() => ffast.read[t](v), `read.${t}(${short(v)})`);
      onlyFfastErrors(() => ffast.write[t](v, 0, 1), `write.${t}(${short(v)})`);
      if (!(typeof v === 'number' && Number.isInteger(v)) && typeof v !== 'bigint') {
        onlyFfastErrors(() => ffast.read[t](p, v), `read.${t}(p, ${short(v)})`);
        onlyFfastErrors(() => ffast.write[t](p, v, 1), `write.${t}(p, ${short(v)}, 1)`);
      }
      if (typeof v !== 'number' && typeof v !== 'bigint' && v !== null && v !== undefined) {
        onlyFfastErrors(() => ffast.write[t](p, 0, v), `write.${t}(p, 0, ${short(v)})`);
      }
      calls += 2;
    }
  }
  // dlopen's symbols map and definitions, with every hostile value as a definition and as each key's value
  for (const v of HOSTILE) {
    onlyFfastErrors(() => dlopen(null, { getpid: v }), `definition ${short(v)}`);
    for (const k of ['parameters', 'result', 'name', 'optional', 'nonblocking', 'callbacks']) {
      onlyFfastErrors(() => dlopen(null, { getpid: { parameters: [], result: 'i32', [k]: v } }), `definition.${k} = ${short(v)}`);
    }
    onlyFfastErrors(() => dlopen(null, { getpid: { parameters: [v], result: 'i32' } }), `parameters [${short(v)}]`);
    onlyFfastErrors(() => callback({ parameters: [v], result: 'void' }, () => {}), `callback parameters [${short(v)}]`);
    onlyFfastErrors(() => struct({ a: v }), `struct field ${short(v)}`);
    onlyFfastErrors(() => struct({ a: { type: 'u8', align: v } }), `struct align ${short(v)}`);
    onlyFfastErrors(() => dlopen(FIXTURE, { id_i32: { parameters: ['i32'], result: 'i32' } }, { lazy: v }), `lazy = ${short(v)}`);
    calls += 11;
  }
  assert.ok(calls > 2000, `${calls} calls`);
});
