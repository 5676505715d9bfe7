'use strict';
// Addresses given to the memory helpers — read.*, write.*, cstring, toArrayBuffer, T.decode /
// T.view / T.encode with an address, ptr — and bind(): every NULL spelling (0, -0, 0n, null,
// undefined) is ERR_FFAST_NULL_POINTER (cstring: null; toArrayBuffer of 0 bytes: an empty
// buffer), every non-address a typed error (ARG_TYPE for what is not a number, ARG_RANGE for a
// number that is not an address) — never a crash. The same error cold, from a TurboFan-optimized
// caller, and from a caller optimized on good values and then given the bad one, inside that
// caller's own try/catch (the catch is reached). BigInt addresses are exact, above 2^53 too.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, N } = h;
const { read, write, cstring, toArrayBuffer, ptr, struct, array } = ffast;

const TYPES = ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64', 'pointer'];
const VALUE = { bool: true, f32: 1.5, f64: 2.5, pointer: 4096 };
const valueOf = (t) => (t in VALUE ? VALUE[t] : 7);

const NULLS = [0, -0, 0n, null, undefined];
const revoked = (() => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
})();
const trap = () => {
  throw new Error('trap ran');
};
const hostileProxy = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
const RANGE = 'ERR_FFAST_ARG_RANGE';
const TYPE = 'ERR_FFAST_ARG_TYPE';
/** [value, code] of things that are not addresses. */
const NOT_ADDRESSES = [
  [-1, RANGE], [-4096, RANGE], [1.5, RANGE], [-0.5, RANGE], [Number.MIN_VALUE, RANGE], [NaN, RANGE], [Infinity, RANGE],
  [-Infinity, RANGE], [2 ** 53, RANGE], [2 ** 64, RANGE], [Number.MAX_VALUE, RANGE],
  [-1n, RANGE], [-(2n ** 64n), RANGE], [2n ** 64n, RANGE], [2n ** 100n, RANGE],
  ['4096', TYPE], ['', TYPE], [true, TYPE], [false, TYPE], [Symbol('p'), TYPE], [{}, TYPE], [[4096], TYPE], [[], TYPE],
  [new Uint8Array(8), TYPE], [() => 4096, TYPE], [new Number(4096), TYPE], [Object(4096n), TYPE], [new Date(4096), TYPE],
  [{ valueOf: () => 4096 }, TYPE], [Object.create(null), TYPE], [hostileProxy, TYPE], [revoked, TYPE],
];
/** [offset, code] of things that are not byte offsets. */
const NOT_OFFSETS = [
  [1.5, RANGE], [NaN, RANGE], [Infinity, RANGE], [2 ** 53, RANGE], [2n ** 63n, RANGE], [-(2n ** 63n) - 1n, RANGE],
  ['1', TYPE], [null, TYPE], [true, TYPE], [{}, TYPE], [Symbol('o'), TYPE], [hostileProxy, TYPE], [revoked, TYPE],
];

/** Whether h.fmt can format `v` (its instanceof tests and getters fail on Proxies and look-alikes). */
const formattable = (v) => {
  if (require('node:util').types.isProxy(v)) return false;
  try {
    h.fmt(v);
    return true;
  } catch {
    return false;
  }
};
const fmt = (v) => (formattable(v) ? h.fmt(v) : 'a Proxy or look-alike');
let serial = 0;

/**
 * Call `fn(...bad)` from a fresh function optimized by TurboFan on `good`, inside that function's
 * own try/catch: the catch must be reached with an FfastError of `code` and the message the
 * plain call gave.
 */
function hotCatch(fn, good, bad, code, coldMessage, label) {
  const params = good.map((_, i) => `a${i}`).join(', ');
  const g = new Function('f', `/* ffast memory-api #${++serial} */ return function catch_${serial}(${params}) {
    try { return { value: f(${params}) }; } catch (e) { return { caught: e }; }
  };`)(fn);
  N.prepare(g);
  for (let k = 0; k < h.WARMUP_CALLS; k++) assert.ok('value' in g(...good), `${label}: good call threw`);
  N.optimizeNext(g);
  g(...good);
  assert.ok(N.isTurbofan(g), `${label}: not optimized`);
  const r = g(...bad);
  assert.ok('caught' in r, `${label}: returned ${fmt(r.value)} instead of throwing ${code}`);
  h.assertFfastError(r.caught, code, `${label} [hot, local catch]`);
  assert.equal(r.caught.message, coldMessage, `${label}: hot and cold messages differ`);
}

/** The bad call throws `code` cold (plain call), from coldHotThrows' callers, and hotCatch. */
function allThrow(fn, good, bad, code, label) {
  let e;
  try {
    fn(...bad);
  } catch (x) {
    e = x;
  }
  assert.ok(e !== undefined, `${label}${fmt(bad)}: returned instead of throwing ${code}`);
  h.assertFfastError(e, code, `${label}(${bad.map(fmt).join(', ')})`);
  // (coldHotThrows formats its arguments with h.fmt, which a Proxy or a look-alike throws from)
  if (bad.every(formattable)) h.coldHotThrows(fn, good, bad, code, { label });
  hotCatch(fn, good, bad, code, e.message, label);
}

const mem = new ArrayBuffer(64);
const memU8 = new Uint8Array(mem);
memU8.forEach((_, i) => (memU8[i] = (i * 29 + 3) & 0xff));
const P = ptr(mem);

test('read.* / write.*: every NULL spelling is ERR_FFAST_NULL_POINTER (0n used to crash), cold and hot', () => {
  for (const t of TYPES) {
    for (const n of NULLS) {
      allThrow(read[t], [P], [n], 'ERR_FFAST_NULL_POINTER', `read.${t}`);
      allThrow(read[t], [P, 0], [n, 8], 'ERR_FFAST_NULL_POINTER', `read.${t}`);
      allThrow(write[t], [P, 0, valueOf(t)], [n, 0, valueOf(t)], 'ERR_FFAST_NULL_POINTER', `write.${t}`);
    }
  }
});

test('read.* / write.*: non-addresses and non-offsets are typed errors (-1 used to crash), cold and hot', () => {
  for (const t of ['u8', 'i32', 'u64', 'f64', 'pointer']) {
    for (const [bad, code] of NOT_ADDRESSES) {
      allThrow(read[t], [P], [bad], code, `read.${t}`);
      allThrow(write[t], [P, 0, valueOf(t)], [bad, 0, valueOf(t)], code, `write.${t}`);
    }
    for (const [bad, code] of NOT_OFFSETS) {
      allThrow(read[t], [P, 0], [P, bad], code, `read.${t}_offset`);
      allThrow(write[t], [P, 0, valueOf(t)], [P, bad, valueOf(t)], code, `write.${t}_offset`);
    }
  }
  // a bad value names the accessor
  memU8[0] = 3;
  const e = h.capture(() => write.u8(P, 0, 'x')).error;
  h.assertFfastError(e, 'ERR_FFAST_ARG_TYPE', 'write.u8 value', ["'write.u8'", 'argument 2']);
  assert.equal(memU8[0], 3, 'nothing was written');
});

test('read.* / write.*: good addresses take the fast path; BigInt addresses are exact beyond 2^53', () => {
  const dv = new DataView(mem);
  h.coldHot(read.i32, [P, 4], dv.getInt32(4, true), { label: 'read_i32_fast' });
  h.hot(read.u8, [P], memU8[0], { label: 'read_u8_no_offset' });
  h.hot(write.u16, [P, 40, 0xbeef], { label: 'write_u16_fast' });
  assert.equal(dv.getUint16(40, true), 0xbeef);
  assert.equal(read.u8(BigInt(P), 3), memU8[3], 'BigInt below 2^53');
  // An address above 2^53 and a negative offset meet at P: read exactly, or a neighbouring
  // byte would come back (a double rounds 2^63 + P to a multiple of 2^11).
  const far = 2n ** 63n + BigInt(P);
  for (let k = 0; k < 64; k += 7) {
    assert.equal(read.u8(far + BigInt(k), -(2n ** 63n)), memU8[k], `read.u8(2^63 + P + ${k}, -2^63)`);
    h.coldHot(read.u8, [far + BigInt(k), -(2n ** 63n)], memU8[k], { label: 'read_u8_far', fast: false });
  }
  write.u32(far, -(2n ** 63n) + 48n, 0xc0ffee);
  assert.equal(dv.getUint32(48, true), 0xc0ffee, 'write.u32 through an address above 2^53');
  assert.equal(read.f64(2n ** 64n - 1n, BigInt(P) + 1n + 8n), dv.getFloat64(8, true), 'wrapping from the top of the address space');
  // ptr() of a buffer over an address above 2^53 gives it back exactly (no memory is touched).
  const high = 2n ** 60n + 12345n;
  assert.equal(ptr(toArrayBuffer(high, 16)), high);
  assert.equal(ptr(toArrayBuffer(2 ** 53 - 1, 16)), 2 ** 53 - 1);
});

test('cstring: NULL spellings give null; non-addresses and bad lengths are typed errors, cold and hot', () => {
  const s = new Uint8Array(Buffer.from('héllo\0'));
  const sp = ptr(s);
  for (const n of NULLS) {
    assert.equal(cstring(n), null, `cstring(${fmt(n)})`);
    assert.equal(cstring(n, 3), null, `cstring(${fmt(n)}, 3)`);
  }
  assert.equal(cstring(sp), 'héllo');
  assert.equal(cstring(BigInt(sp), 1), 'h');
  for (const [bad, code] of NOT_ADDRESSES) allThrow(cstring, [sp], [bad], code, 'cstring');
  for (const [bad, code] of [[-1, RANGE], [1.5, RANGE], [NaN, RANGE], [2 ** 53, RANGE], ['3', TYPE], [3n, TYPE], [null, TYPE], [{}, TYPE]]) {
    allThrow(cstring, [sp, 3], [sp, bad], code, 'cstring_length');
    allThrow(cstring, [sp, 3], [null, bad], code, 'cstring_null_length');
  }
});

test('toArrayBuffer: NULL is ERR_FFAST_NULL_POINTER unless 0 bytes; bad addresses and lengths are typed errors', () => {
  for (const n of NULLS) {
    allThrow(toArrayBuffer, [P, 4], [n, 4], 'ERR_FFAST_NULL_POINTER', 'toArrayBuffer');
    const e = toArrayBuffer(n, 0);
    assert.ok(e instanceof ArrayBuffer && e.byteLength === 0, `toArrayBuffer(${fmt(n)}, 0)`);
  }
  for (const [bad, code] of NOT_ADDRESSES) allThrow(toArrayBuffer, [P, 4], [bad, 4], code, 'toArrayBuffer');
  for (const [bad, code] of [[-1, RANGE], [1.5, RANGE], [NaN, RANGE], [2 ** 53, RANGE], [undefined, TYPE], ['4', TYPE], [4n, TYPE], [{}, TYPE]]) {
    allThrow(toArrayBuffer, [P, 4], [P, bad], code, 'toArrayBuffer_length');
  }
  // past the end of the address space
  allThrow(toArrayBuffer, [P, 4], [2n ** 64n - 2n, 4], RANGE, 'toArrayBuffer_wrap');
  const top = toArrayBuffer(2n ** 64n - 4n, 4);
  assert.equal(ptr(top), 2n ** 64n - 4n);
  // More than one ArrayBuffer may hold (Node 20: 4 GiB): a typed error, not Node's own.
  const big = h.capture(() => toArrayBuffer(P, 2 ** 53 - 1));
  if (!big.ok) h.assertFfastError(big.error, RANGE, 'toArrayBuffer 2^53-1 bytes');
  assert.deepEqual([...new Uint8Array(toArrayBuffer(P, 4))], [...memU8.subarray(0, 4)]);
});

test('T.decode / T.view / T.encode with an address: the same NULL and non-address errors, cold and hot', () => {
  const S = struct({ a: 'u8', b: 'i32', c: array('u16', 2) });
  const want = S.decode(mem);
  assert.deepEqual(S.decode(P), want);
  assert.deepEqual(S.decode(BigInt(P)), want);
  assert.deepEqual(S.decode(P - 8, 8), want, 'address + offset');
  assert.equal(S.view(P).b, want.b);
  const fns = [
    ['decode', (p, o) => S.decode(p, o)],
    ['view', (p, o) => S.view(p, o).a],
    ['encode', (p, o) => S.encode(want, p, o)],
  ];
  for (const [name, fn] of fns) {
    for (const n of NULLS) {
      if (name === 'encode' && n === undefined) continue; // no target: a new Uint8Array
      allThrow(fn, [P, 0], [n, 0], 'ERR_FFAST_NULL_POINTER', `struct.${name}`);
    }
    for (const [bad, code] of NOT_ADDRESSES) {
      // objects are buffers or errors: a typed array is a valid source here
      if (ArrayBuffer.isView(bad)) continue;
      allThrow(fn, [P, 0], [bad, 0], code, `struct.${name}`);
    }
    for (const [bad, code] of [[-1, RANGE], [1.5, RANGE], [NaN, RANGE], [2 ** 53, RANGE], ['1', RANGE], [null, RANGE], [1n, RANGE]]) {
      allThrow(fn, [P, 0], [P, bad], code, `struct.${name}_offset`);
    }
    // an offset that runs past 2^64
    allThrow(fn, [P, 0], [2n ** 64n - 4n, 8], RANGE, `struct.${name}_wrap`);
  }
  assert.ok(S.encode(want) instanceof Uint8Array, 'encode without a target');
});

test('ptr: only buffers and views (a look-alike, a Proxy, null, a detached buffer are ARG_TYPE)', () => {
  const ab = new ArrayBuffer(8);
  const gone = new ArrayBuffer(8);
  const goneView = new Uint8Array(gone);
  structuredClone(gone, { transfer: [gone] });
  for (const bad of [null, undefined, 0, P, BigInt(P), 'x', {}, [], Object.create(ArrayBuffer.prototype), Object.create(Uint8Array.prototype),
    new Proxy(ab, {}), new Proxy(new Uint8Array(8), {}), hostileProxy, revoked, gone, goneView]) {
    allThrow(ptr, [ab], [bad], TYPE, 'ptr');
  }
});

test('bind: NULL spellings are ERR_FFAST_NULL_POINTER, non-addresses typed errors', () => {
  const def = { parameters: [], result: 'void' };
  for (const n of NULLS) h.assertFfastError(h.capture(() => ffast.bind(n, def)).error, 'ERR_FFAST_NULL_POINTER', `bind(${fmt(n)})`);
  for (const [bad, code] of NOT_ADDRESSES) h.assertFfastError(h.capture(() => ffast.bind(bad, def)).error, code, `bind(${fmt(bad)})`);
  // beyond 2^53: not a code address ffast can bind (the native side takes doubles)
  h.assertFfastError(h.capture(() => ffast.bind(2n ** 60n, def)).error, RANGE, 'bind(2^60)');
});

test('10^5 bad calls from a hot loop: every one caught by the loop\'s own try/catch', () => {
  const loop = new Function('r', 'bad', `return function badLoop(n) {
    let caught = 0;
    for (let i = 0; i < n; i++) { try { r(bad[i & 3]); } catch (e) { if (e.code === 'ERR_FFAST_NULL_POINTER' || e.code === 'ERR_FFAST_ARG_RANGE' || e.code === 'ERR_FFAST_ARG_TYPE') caught++; } }
    return caught;
  };`)(read.i32, [0n, -1, 'x', null]);
  N.prepare(loop);
  assert.equal(loop(1000), 1000);
  N.optimizeNext(loop);
  assert.equal(loop(100000), 100000);
});
