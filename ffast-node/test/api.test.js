'use strict';
// The public API around calls: dlopen(null) and system libraries, name/optional, suffix, path,
// ptr/cstring/toArrayBuffer, read.*/write.* for every type at pointer+offset, bind(address),
// close() and Symbol.dispose (calls afterwards throw ERR_FFAST_CLOSED, hot and cold), type aliases.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot, ffast, FfastError, int64Result, uint64Result, ptrResult, to64, toI8, toU8, toI16, toU16 } = h;

const T = (parameters, result) => ({ parameters, result });

// a plain call + a call from a fresh optimized caller (for API functions that are not bound
// symbols, so slowCalls() is not asserted)
function direct(fn, args, expect, label) {
  const r1 = fn(...args);
  const caller = h.makeCaller(args.length, label || fn.name);
  h.N.prepare(caller);
  caller(fn, ...args);
  caller(fn, ...args);
  h.N.optimizeNext(caller);
  caller(fn, ...args);
  const r2 = caller(fn, ...args);
  h.check(r1, expect, `${label}: plain`);
  h.check(r2, expect, `${label}: optimized caller`);
  h.assertSame(r2, r1, `${label}: optimized vs plain`);
  return r1;
}

test('exports: dlopen, bind, ptr, cstring, toArrayBuffer, read, write, suffix, FfastError, __internal', () => {
  for (const k of ['dlopen', 'bind', 'ptr', 'cstring', 'toArrayBuffer']) assert.equal(typeof ffast[k], 'function', k);
  assert.equal(ffast.suffix, 'so');
  assert.ok(FfastError.prototype instanceof Error);
  assert.equal(typeof ffast.__internal.slowCalls(), 'number');
  assert.equal(typeof ffast.__internal.fastEnabled, 'boolean');
  for (const t of ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64', 'pointer']) {
    assert.equal(typeof ffast.read[t], 'function', `read.${t}`);
    assert.equal(typeof ffast.write[t], 'function', `write.${t}`);
  }
});

test('dlopen(null): libc symbols of the process itself', () => {
  const lib = ffast.dlopen(null, { strlen: T(['string'], 'usize'), abs: T(['i32'], 'i32'), my_strlen: { name: 'strlen', parameters: ['const char*'], result: 'size_t' } });
  h.register(lib, { strlen: T(['string'], 'usize'), abs: T(['i32'], 'i32'), my_strlen: T(['string'], 'usize') });
  coldHot(lib.symbols.strlen, ['héllo'], 6);
  coldHot(lib.symbols.strlen, [''], 0);
  coldHot(lib.symbols.my_strlen, ['abc'], 3);
  coldHot(lib.symbols.abs, [-5], 5);
  coldHot(lib.symbols.abs, [2 ** 31 - 1], 2 ** 31 - 1);
  coldHot(lib.symbols.abs, [-(2 ** 31) + 1], 2 ** 31 - 1);
});

test("dlopen('libm.so.6'): cos, sqrt, and labs (found through libm's dependencies)", () => {
  const defs = { cos: T(['double'], 'double'), sqrt: T(['f64'], 'f64'), labs: T(['long'], 'long') };
  const lib = ffast.dlopen('libm.so.6', defs);
  h.register(lib, defs);
  assert.equal(lib.path, 'libm.so.6');
  coldHot(lib.symbols.cos, [0], 1);
  coldHot(lib.symbols.cos, [NaN], NaN);
  coldHot(lib.symbols.sqrt, [2], Math.SQRT2); // sqrt is correctly rounded in IEEE 754 and in JS
  coldHot(lib.symbols.sqrt, [-0], -0);
  coldHot(lib.symbols.labs, [-5], 5);
  coldHot(lib.symbols.labs, [-(2 ** 53)], 2n ** 53n);
  coldHot(lib.symbols.labs, [-(2n ** 63n) + 1n], 2n ** 63n - 1n);
});

test('name and optional', () => {
  const defs = {
    myadd: { name: 'add_i32', parameters: ['i32', 'i32'], result: 'i32' },
    missing: { parameters: [], result: 'void', optional: true },
    present_optional: { name: 'add_i32', parameters: ['int', 'int'], result: 'int', optional: true },
  };
  const lib = h.openFixture(defs);
  assert.equal(lib.path, h.FIXTURE);
  assert.equal(lib.symbols.missing, null);
  assert.equal(typeof lib.symbols.present_optional, 'function');
  coldHot(lib.symbols.myadd, [2, 40], 42);
  coldHot(lib.symbols.present_optional, [-2, 40], 38);
  assert.throws(() => h.openFixture({ nope: T([], 'void') }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_SYMBOL_NOT_FOUND');
});


test('definitions sharing a shape: each keeps its own name/optional, and a bad one is still rejected', () => {
  // The first definition of a shape is checked in full and cached; the rest reuse the check,
  // so everything per symbol (name, optional) and every mistake must still be seen.
  const shape = () => ({ parameters: ['i32', 'i32'], result: 'i32' });
  const lib = h.openFixture({
    first: { ...shape(), name: 'add_i32' },
    second: { ...shape(), name: 'add_i32', optional: true },
    gone: { ...shape(), name: 'no_such_symbol_here', optional: true },
  });
  coldHot(lib.symbols.first, [2, 3], 5);
  coldHot(lib.symbols.second, [-7, 3], -4);
  assert.equal(lib.symbols.gone, null);
  const bad = [
    [{ ...shape(), name: 'add_i32', bogus: 1 }, /unknown key 'bogus'/],
    [{ ...shape(), name: '' }, /name must be a non-empty string/],
    [{ ...shape(), name: 42 }, /name must be a non-empty string/],
    [{ ...shape(), name: 'add_i32', nonblocking: 'yes' }, /nonblocking must be a boolean/],
    [Object.assign(Object.create({ inherited: 1 }), shape(), { name: 'add_i32' }), null],
  ];
  for (const [def, msg] of bad) {
    if (msg === null) {
      // inherited keys are not part of a definition (as before the cache): it binds
      coldHot(h.openFixture({ x: def }).symbols.x, [1, 1], 2);
      continue;
    }
    assert.throws(() => h.openFixture({ x: def }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_DEFINITION' && msg.test(e.message), String(msg));
  }
  // a spelling variant of the same signature binds to the same C behaviour
  coldHot(h.openFixture({ y: { parameters: ['int', 'int32_t'], result: 'int', name: 'add_i32' } }).symbols.y, [40, 2], 42);
});
test('type aliases behave like their canonical types', () => {
  const aliases = [
    ['int', 'id_i32', -5, -5], ['unsigned int', 'id_u32', -1, 2 ** 32 - 1], ['long', 'id_i64', -1, -1],
    ['unsigned long', 'id_u64', -1, 2n ** 64n - 1n], ['size_t', 'id_usize', -1, 2n ** 64n - 1n],
    ['ssize_t', 'id_isize', -1, -1], ['double', 'id_f64', 0.1, 0.1], ['float', 'id_f32', 0.1, Math.fround(0.1)],
    ['int8_t', 'id_i8', 200, -56], ['uint8_t', 'id_u8', -1, 255], ['int16_t', 'id_i16', 40000, toI16(40000)],
    ['uint16_t', 'id_u16', -1, 65535], ['int32_t', 'id_i32', 2 ** 31, -(2 ** 31)], ['uint32_t', 'id_u32', -1, 2 ** 32 - 1],
    ['int64_t', 'id_i64', 2n ** 63n, -(2n ** 63n)], ['uint64_t', 'id_u64', -1n, 2n ** 64n - 1n],
    ['short', 'id_i16', 32768, -32768], ['unsigned short', 'id_u16', 65536 + 7, 7], ['char', 'id_i8', 255, -1],
    ['unsigned char', 'id_u8', 256 + 9, 9], ['_Bool', 'id_bool', true, true], ['intptr_t', 'id_isize', -7, -7],
    ['uintptr_t', 'id_usize', 2 ** 53 - 1, 2 ** 53 - 1], ['void*', 'id_ptr', 4096, 4096],
  ];
  for (const [alias, sym, arg, want] of aliases) {
    const lib = h.openFixture({ alias_fn: { name: sym, parameters: [alias], result: alias } });
    coldHot(lib.symbols.alias_fn, [arg], want, { label: `alias_${alias}` });
  }
  const s = h.openFixture({ alias_fn: { name: 'c_strlen', parameters: ['char*'], result: 'size_t' } });
  coldHot(s.symbols.alias_fn, ['é'], 2, { label: 'alias_char_star' });
});

test('any JS key works as a symbol name (short keys, keys that look like identifiers of the binding)', () => {
  for (const key of ['f', 'a0', 'r', 'st', 'name', 'raw', 'fail', 'arguments_', 'constructor', '__proto__x', 'my-fn', '0']) {
    const lib = h.openFixture({ [key]: { name: 'add_i32', parameters: ['i32', 'i32'], result: 'i32' } });
    coldHot(lib.symbols[key], [40, 2], 42, { label: `key_${key}` });
  }
});

test('ptr, cstring, toArrayBuffer', () => {
  const lib = h.openFixture({
    static_utf8_p: { name: 'static_utf8', parameters: [], result: 'pointer' },
    high_page: T([], 'pointer'), null_ptr: T([], 'pointer'),
    sum_u8_p: { name: 'sum_u8', parameters: ['pointer', 'usize'], result: 'u32' },
    block_reset: T([], 'pointer'), block_u8_at: T(['usize'], 'u8'),
  });
  const S = lib.symbols;
  const ab = new ArrayBuffer(32);
  const u = new Uint8Array(ab);
  u.set([1, 2, 3, 250], 4);
  assert.equal(ffast.ptr(new Uint8Array(ab, 5)) - ffast.ptr(ab), 5);
  assert.equal(ffast.ptr(new DataView(ab, 9)) - ffast.ptr(ab), 9);
  // the ptr() Number is usable as a pointer argument: C sums the bytes there
  coldHot(S.sum_u8_p, [ffast.ptr(ab) + 4, 4], 256);

  const p = S.static_utf8_p();
  assert.equal(typeof p, 'number');
  const want = 'héllo wörld ✓ 😀';
  direct(ffast.cstring, [p], want, 'cstring');
  direct(ffast.cstring, [p, 6], 'héllo', 'cstring_len');
  direct(ffast.cstring, [BigInt(p), 1], 'h', 'cstring_bigint');
  direct(ffast.cstring, [null], null, 'cstring_null');
  direct(ffast.cstring, [S.high_page() + 16], 'highé', 'cstring_high');

  const bytes = Buffer.from(want, 'utf8');
  const view = ffast.toArrayBuffer(p, bytes.length);
  assert.ok(view instanceof ArrayBuffer);
  assert.equal(view.byteLength, bytes.length);
  assert.deepEqual([...new Uint8Array(view)], [...bytes]);
  // zero copy both ways on C-owned memory
  const blk = S.block_reset();
  const bv = new Uint8Array(ffast.toArrayBuffer(blk, 64));
  assert.deepEqual([...bv], Array.from({ length: 64 }, (_, i) => (i * 7 + 1) & 0xff));
  bv[10] = 0x5a;
  coldHot(S.block_u8_at, [10], 0x5a);
  assert.equal(ffast.ptr(bv), blk);
});

const RW_TYPES = {
  bool: { size: 1, vals: [true, false], get: (d, o) => d.getUint8(o) !== 0, norm: (v) => v },
  i8: { size: 1, vals: [0, -1, 127, -128, 200, 300, 1.9], get: (d, o) => d.getInt8(o), norm: toI8 },
  u8: { size: 1, vals: [0, 255, -1, 256, 300], get: (d, o) => d.getUint8(o), norm: toU8 },
  i16: { size: 2, vals: [0, -1, 32767, -32768, 40000], get: (d, o) => d.getInt16(o, true), norm: toI16 },
  u16: { size: 2, vals: [0, 65535, -1, 70000], get: (d, o) => d.getUint16(o, true), norm: toU16 },
  i32: { size: 4, vals: [0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 + 3, -1.5], get: (d, o) => d.getInt32(o, true), norm: (x) => x | 0 },
  u32: { size: 4, vals: [0, 2 ** 32 - 1, -1, 2 ** 32 + 3], get: (d, o) => d.getUint32(o, true), norm: (x) => x >>> 0 },
  i64: { size: 8, vals: [0, -1, 2 ** 53 - 1, 2 ** 53, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n], get: (d, o) => int64Result(d.getBigInt64(o, true)), norm: (x) => int64Result(to64(x)) },
  u64: { size: 8, vals: [0, -1, 2 ** 53 - 1, 2 ** 53, 2n ** 64n - 1n, -(2n ** 63n)], get: (d, o) => uint64Result(d.getBigUint64(o, true)), norm: (x) => uint64Result(to64(x)) },
  isize: { size: 8, vals: [0, -1, -(2n ** 63n), 2 ** 60], get: (d, o) => int64Result(d.getBigInt64(o, true)), norm: (x) => int64Result(to64(x)) },
  usize: { size: 8, vals: [0, -1, 2n ** 64n - 1n, 2 ** 60], get: (d, o) => uint64Result(d.getBigUint64(o, true)), norm: (x) => uint64Result(to64(x)) },
  f32: { size: 4, vals: [0, -0, 0.1, NaN, Infinity, -Infinity, 3.5e38, 2 ** -149], get: (d, o) => d.getFloat32(o, true), norm: Math.fround },
  f64: { size: 8, vals: [0, -0, 0.1, NaN, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE], get: (d, o) => d.getFloat64(o, true), norm: (x) => x },
  pointer: { size: 8, vals: [null, 4096, 2 ** 47 + 8, 2n ** 60n, 2n ** 64n - 1n], get: (d, o) => ptrResult(d.getBigUint64(o, true)), norm: (x) => (x === null ? null : ptrResult(to64(x))) },
};

for (const [t, spec] of Object.entries(RW_TYPES)) {
  test(`write.${t} / read.${t} at pointer+offset (JS-owned memory, DataView as oracle)`, () => {
    const ab = new ArrayBuffer(64);
    const dv = new DataView(ab);
    const base = ffast.ptr(ab);
    for (const off of [0, 1, 3, 8, 64 - spec.size]) {
      for (const v of spec.vals) {
        new Uint8Array(ab).fill(0xcc);
        direct(ffast.write[t], [base, off, v], undefined, `write.${t}@${off}`);
        const want = spec.norm(v);
        h.assertSame(spec.get(dv, off), want, `write.${t}(base, ${off}, ${h.fmt(v)}) then DataView`);
        // bytes outside [off, off+size) untouched
        const u = new Uint8Array(ab);
        for (let i = 0; i < 64; i++) if (i < off || i >= off + spec.size) assert.equal(u[i], 0xcc, `write.${t}@${off} clobbered byte ${i}`);
        direct(ffast.read[t], [base, off], want, `read.${t}@${off}`);
        direct(ffast.read[t], [base + off], want, `read.${t}(base+${off})`);
        direct(ffast.read[t], [BigInt(base), off], want, `read.${t}(BigInt base)@${off}`);
      }
    }
  });
}

test('read.* / write.* on C-owned memory (C getters as oracle)', () => {
  const lib = h.openFixture({
    block_reset: T([], 'pointer'), block_u64_at: T(['usize'], 'u64'), block_f64_at: T(['usize'], 'f64'),
    block_f32_at: T(['usize'], 'f32'), block_u8_at: T(['usize'], 'u8'), high_page: T([], 'pointer'), counter_addr: T([], 'pointer'),
    counter_get: T([], 'u64'), counter_reset: T([], 'void'), counter_inc: T([], 'void'),
  });
  const S = lib.symbols;
  const blk = S.block_reset();
  for (let i = 0; i < 64; i++) assert.equal(ffast.read.u8(blk, i), (i * 7 + 1) & 0xff);
  ffast.write.u64(blk, 3, 2n ** 64n - 2n);
  coldHot(S.block_u64_at, [3], 2n ** 64n - 2n);
  ffast.write.f64(blk, 17, -0);
  coldHot(S.block_f64_at, [17], -0);
  ffast.write.f32(blk, 30, 0.1);
  coldHot(S.block_f32_at, [30], Math.fround(0.1));
  ffast.write.i8(blk, 63, -1);
  coldHot(S.block_u8_at, [63], 255);
  assert.equal(ffast.read.u32(S.high_page()), 0xc0ffee11);
  S.counter_reset();
  S.counter_inc();
  S.counter_inc();
  const ca = S.counter_addr();
  assert.equal(ffast.read.u64(ca), 2);
  ffast.write.u64(ca, 0, 2n ** 53n + 1n);
  coldHot(S.counter_get, [], 2n ** 53n + 1n);
  assert.equal(ffast.read.u64(ca), 2n ** 53n + 1n);
  assert.equal(ffast.read.i32(blk), ffast.read.i32(blk, 0), 'offset defaults to 0');
});

test('bind(address) with Number and BigInt addresses', () => {
  const lib = h.openFixture({ fnptr_add_i32: T([], 'pointer'), fnptr_mul_f64: T([], 'pointer'), fnptr_sum_i64_10: T([], 'pointer') });
  const S = lib.symbols;
  const addDef = { parameters: ['i32', 'i32'], result: 'i32' };
  const add = h.register(ffast.bind(S.fnptr_add_i32(), addDef), addDef);
  coldHot(add, [2 ** 31 - 1, 1], -(2 ** 31));
  const add2 = h.register(ffast.bind(BigInt(S.fnptr_add_i32()), addDef), addDef);
  coldHot(add2, [-7, 3], -4);
  const mulDef = { parameters: ['double', 'double'], result: 'double' };
  const mul = h.register(ffast.bind(S.fnptr_mul_f64(), mulDef), mulDef);
  coldHot(mul, [1.5, -4], -6);
  const sumDef = { parameters: Array(10).fill('i64'), result: 'i64' };
  const sum10 = h.register(ffast.bind(S.fnptr_sum_i64_10(), sumDef), sumDef);
  const args = [1, 2, 3, 4, 5, 6, 7, 8, 9, 2 ** 40];
  coldHot(sum10, args, int64Result(args.reduce((s, v, i) => s + BigInt(v) * BigInt(i + 1), 0n)));
});

function closedCase(closeFn, label) {
  const defs = { add_i32: T(['i32', 'i32'], 'i32'), static_utf8: T([], 'string') };
  const lib = h.openFixture(defs);
  const add = lib.symbols.add_i32;
  const s = lib.symbols.static_utf8;
  // optimize a caller while the library is open
  const caller = h.makeCaller(2, `${label}_closed`);
  h.N.prepare(caller);
  caller(add, 1, 2);
  caller(add, 1, 2);
  h.N.optimizeNext(caller);
  assert.equal(caller(add, 1, 2), 3);
  assert.ok(h.N.isTurbofan(caller), `${label}: caller not optimized before close`);
  closeFn(lib);
  const isClosed = (e) => e instanceof FfastError && e.code === 'ERR_FFAST_CLOSED';
  assert.throws(() => add(1, 2), isClosed, `${label}: cold call after close`);
  assert.throws(() => caller(add, 1, 2), isClosed, `${label}: hot (optimized caller) call after close`);
  assert.throws(() => s(), isClosed, `${label}: cold string-returning call after close`);
  // a fresh caller optimized after close throws too
  h.coldHotThrows(add, [1, 2], [1, 2], 'ERR_FFAST_CLOSED', { label: `${label}_after` });
}

test('close(): calls afterwards throw ERR_FFAST_CLOSED hot and cold', () => {
  closedCase((lib) => lib.close(), 'close');
});

test('Symbol.dispose closes the library', () => {
  assert.equal(typeof Symbol.dispose, 'symbol');
  closedCase((lib) => lib[Symbol.dispose](), 'dispose');
});

test('closing one Library leaves another handle to the same file usable', () => {
  const a = h.openFixture({ add_i32: T(['i32', 'i32'], 'i32') });
  const b = h.openFixture({ add_i32: T(['i32', 'i32'], 'i32') });
  a.close();
  coldHot(b.symbols.add_i32, [20, 22], 42);
});

test('symbols: stable identity, enumerable, read-only, frozen, closed errors still apply', () => {
  const lib = ffast.dlopen(null, {
    abs: { parameters: ['i32'], result: 'i32' },
    labs: { parameters: ['i64'], result: 'i64' },
    nope: { name: 'no_such_symbol_ffast_lazy', parameters: [], result: 'void', optional: true },
  });
  assert.deepEqual(Object.keys(lib.symbols).sort(), ['abs', 'labs', 'nope']);
  const a = lib.symbols.abs;
  assert.equal(typeof a, 'function');
  assert.equal(lib.symbols.abs, a, 'same function on every read');
  // Named after the key when it can be a function name (see fnName in index.js); length = arity.
  assert.equal(a.name, 'abs');
  assert.equal(a.length, 1);
  assert.equal(lib.symbols.labs.length, 1);
  assert.ok(Object.isFrozen(lib.symbols));
  assert.equal(a(-7), 7);
  assert.throws(() => { 'use strict'; lib.symbols.abs = () => 0; }, TypeError);
  assert.equal(lib.symbols.abs, a);
  assert.equal(lib.symbols.nope, null);
  const labs = lib.symbols.labs; // first read of a second symbol, before close
  lib.close();
  for (const f of [a, labs, lib.symbols.labs]) {
    assert.throws(() => f(-1), (e) => e instanceof ffast.FfastError && e.code === 'ERR_FFAST_CLOSED');
  }
});

test("close() returns the library's executable pages; trampolines are packed many per page", () => {
  const before = ffast.__internal.jitPages();
  const defs = {};
  for (let i = 0; i < 300; i++) defs['abs' + i] = { name: 'abs', parameters: ['i32'], result: 'i32' };
  const lib = ffast.dlopen(null, defs);
  const held = ffast.__internal.jitPages() - before;
  // 300 functions, each with a fast trampoline, a slow-path stub and an invoker: a few pages,
  // not one per function.
  assert.ok(held >= 1 && held <= 16, `pages held: ${held}`);
  assert.equal(lib.symbols.abs299(-3), 3);
  lib.close();
  assert.equal(ffast.__internal.jitPages(), before);
});

test('wrapper names: the key, whatever it is; keys never shadow the wrapper internals; not constructors', () => {
  // Keys that are reserved words or the wrappers' own identifiers must neither break making the
  // wrappers nor change what the other wrappers call.
  const keys = ['delete', 'E', 'F', 'N', 'S', 'r', 'a0', 'f0', 'f1', 'n0', '$x', 'eval', 'my-abs', 'abs2', '__proto__', 'constructor', ''];
  const lib = ffast.dlopen(null, Object.fromEntries(keys.map((k) => [k, { name: 'abs', parameters: ['i32'], result: 'i32' }])));
  for (const k of keys) {
    assert.equal(lib.symbols[k](-9), 9, k);
    assert.equal(lib.symbols[k].name, k, k);
    assert.equal(lib.symbols[k].length, 1, k);
    assert.throws(() => new lib.symbols[k](-9), TypeError, k);
  }
  assert.throws(() => lib.symbols.E(1, 2), (e) => e.code === 'ERR_FFAST_ARG_COUNT' && e.message.includes("'E'"));
  lib.close();
  assert.throws(() => lib.symbols.F(1), (e) => e.code === 'ERR_FFAST_CLOSED' && e.message.includes("'F'"));
});
