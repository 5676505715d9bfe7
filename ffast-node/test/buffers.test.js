'use strict';
// Buffers: every view kind, byteOffset applied, empty views, SharedArrayBuffer, DataView, Node
// Buffer (pooled, non-zero byteOffset), small on-heap typed arrays (also met for the first time
// inside an optimized call), detached and resizable buffers, null/undefined -> NULL, writes from C
// visible to JS (zero copy), a pointer C keeps across a GC. The fast path is asserted on every
// Node line, and hot and cold calls must give C the same address. On Node 20/22 off-heap typed
// arrays are read directly (ffast-node/src/views.rs, verified at startup); the file runs again
// in a child without that read (FFAST_NO_RAW_VIEWS=1) to cover the general route there.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const h = require('./_helpers.js');
const { coldHot, ffast } = h;

require('v8').setFlagsFromString('--expose-gc');
const gc = require('vm').runInNewContext('gc');

const T = (parameters, result) => ({ parameters, result });
const S = h.openFixture({
  sum_u8: T(['buffer', 'usize'], 'u32'),
  wsum_u8: T(['buffer', 'usize'], 'u64'),
  addr_of: T(['buffer'], 'pointer'),
  buf_is_null: T(['buffer'], 'u32'),
  fill_u8: T(['buffer', 'usize', 'u8'], 'void'),
  iota_u8: T(['buffer', 'usize'], 'void'),
  buf_diff: T(['buffer', 'buffer'], 'i64'),
  ptr_to_u64: T(['pointer'], 'u64'),
  keep_buf: T(['buffer', 'usize'], 'u32'),
  kept_sum: T(['usize'], 'u32'),
  kept_addr: T([], 'pointer'),
}).symbols;

const NB = h.openFixture({ sum_u8_nb: { name: 'sum_u8', parameters: ['buffer', 'usize'], result: 'u32', nonblocking: true } }).symbols;

const bytesOf = (v) =>
  v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)
    ? new Uint8Array(v)
    : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const sum = (v) => bytesOf(v).reduce((s, b) => s + b, 0);
const wsum = (v) => bytesOf(v).reduce((s, b, i) => s + b * (i + 1), 0);

function patterned(n, Ctor = ArrayBuffer) {
  const ab = new Ctor(n);
  const u = new Uint8Array(ab);
  for (let i = 0; i < n; i++) u[i] = (i * 37 + 11) & 0xff;
  return ab;
}

const KINDS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array];
if (typeof Float16Array === 'function') KINDS.push(Float16Array);

test('every TypedArray kind: C sees exactly the view bytes, byteOffset applied', () => {
  for (const K of KINDS) {
    const ab = patterned(256);
    for (const [off, len] of [[0, 256 / K.BYTES_PER_ELEMENT], [8, 3], [16, 100 / K.BYTES_PER_ELEMENT | 0], [0, 1]]) {
      const v = new K(ab, off, len);
      const label = `${K.name}(off=${off},len=${len})`;
      coldHot(S.sum_u8, [v, v.byteLength], sum(v), { label: 'sum_u8_' + label });
      coldHot(S.wsum_u8, [v, v.byteLength], wsum(v), { label: 'wsum_u8_' + label });
      coldHot(S.buf_diff, [v, ab], off, { label: 'buf_diff_' + label });
      const addr = coldHot(S.addr_of, [v], (r, m) => assert.equal(typeof r, 'number', m));
      assert.equal(ffast.ptr(v), addr, `ptr(${label}) vs address C received`);
      assert.equal(addr - ffast.ptr(ab), off);
    }
  }
});

test('ArrayBuffer, SharedArrayBuffer, DataView, Node Buffer', () => {
  const ab = patterned(100);
  coldHot(S.sum_u8, [ab, 100], sum(ab));
  coldHot(S.buf_diff, [ab, new Uint8Array(ab)], 0);
  const sab = patterned(100, SharedArrayBuffer);
  coldHot(S.sum_u8, [sab, 100], sum(sab));
  coldHot(S.wsum_u8, [new Int32Array(sab, 12, 5), 20], wsum(new Int32Array(sab, 12, 5)));
  coldHot(S.buf_diff, [new Int32Array(sab, 12, 5), sab], 12);
  const dv = new DataView(ab, 7, 50);
  coldHot(S.wsum_u8, [dv, 50], wsum(dv));
  coldHot(S.buf_diff, [dv, ab], 7);
  coldHot(S.buf_diff, [new DataView(sab, 33), sab], 33);
  const b = Buffer.from('pooled buffer contents é'); // a slice of Node's pool: byteOffset usually != 0
  coldHot(S.wsum_u8, [b, b.length], wsum(b));
  coldHot(S.buf_diff, [b, b.buffer], b.byteOffset);
  assert.equal(ffast.ptr(b) - ffast.ptr(b.buffer), b.byteOffset);
});

test('small on-heap typed arrays (<= 64 bytes) are read correctly', () => {
  for (const n of [1, 3, 16, 63, 64]) {
    const u = new Uint8Array(n).map((_, i) => (i * 13 + 5) & 0xff);
    coldHot(S.wsum_u8, [u, n], wsum(u), { label: `wsum_u8_onheap_${n}` });
    const f = new Float64Array([1.5, -2.25]);
    coldHot(S.wsum_u8, [f, 16], wsum(f));
  }
});

test('empty views: the same non-NULL address hot and cold, C reads nothing', () => {
  const rab = new ArrayBuffer(8, { maxByteLength: 16 });
  const tracking = new Uint8Array(rab);
  rab.resize(0); // attached, in bounds, empty
  const empties = [new Uint8Array(0), new ArrayBuffer(0), new Float64Array(0), new DataView(new ArrayBuffer(0)),
    new Uint8Array(patterned(64), 64, 0), new Uint16Array(patterned(64), 10, 0), new SharedArrayBuffer(0), Buffer.alloc(0),
    rab, tracking, new BigInt64Array(0), ffast.toArrayBuffer(null, 0)];
  for (const e of empties) {
    coldHot(S.sum_u8, [e, 0], 0);
    // C never gets NULL for a buffer: an empty one has a valid address with nothing behind it.
    const a = coldHot(S.addr_of, [e], (r, m) => assert.ok(typeof r === 'number' && r > 0, `${m}: ${r}`), { label: 'addr_of_empty' });
    coldHot(S.buf_is_null, [e], 0, { label: 'buf_is_null_empty' });
    assert.equal(ffast.ptr(e), a, `ptr(${h.fmt(e)}) is the address C got`);
  }
});

test('null / undefined buffer -> NULL', () => {
  coldHot(S.buf_is_null, [null], 1);
  coldHot(S.buf_is_null, [undefined], 1);
  coldHot(S.addr_of, [null], null);
  coldHot(S.buf_is_null, [new Uint8Array(8)], 0);
  coldHot(S.sum_u8, [null, 0], 0);
});

test('C writes are visible in JS (zero copy), cold and hot', () => {
  for (const K of [Uint8Array, Int32Array, Float64Array]) {
    const ab = new ArrayBuffer(128);
    const v = new K(ab, 16, 64 / K.BYTES_PER_ELEMENT);
    h.cold(S.fill_u8, [v, 64, 0xab]);
    assert.ok(bytesOf(v).every((x) => x === 0xab), `cold fill_u8 ${K.name}`);
    assert.ok(new Uint8Array(ab, 0, 16).every((x) => x === 0), `cold fill_u8 ${K.name} wrote before byteOffset`);
    assert.ok(new Uint8Array(ab, 80).every((x) => x === 0), `cold fill_u8 ${K.name} wrote past the view`);
    assert.equal(h.hot(S.fill_u8, [v, 64, 300]), undefined); // u8(300) = 44
    assert.ok(bytesOf(v).every((x) => x === 44), `hot fill_u8 ${K.name}`);
    assert.ok(new Uint8Array(ab, 0, 16).every((x) => x === 0));
    h.hot(S.iota_u8, [v, 64]);
    assert.deepEqual([...bytesOf(v)], Array.from({ length: 64 }, (_, i) => i));
  }
  const sab = new SharedArrayBuffer(32);
  h.hot(S.fill_u8, [new DataView(sab, 4, 8), 8, 7]);
  assert.deepEqual([...new Uint8Array(sab)], Array.from({ length: 32 }, (_, i) => (i >= 4 && i < 12 ? 7 : 0)));
});

test('buffer route of this Node line', () => {
  // Every line reads off-heap typed arrays directly once the startup self-check passed (V8 13
  // and 14 with their own field offsets, src/v8/views.rs V13; before, Node 24/26 took the
  // general route: three calls into V8 per buffer argument). Without the raw reads, Node 20
  // falls back for on-heap arrays and the others take the general route (GetContents on 24/26).
  const noRaw = h.major === 20 ? 'fallback' : 'general';
  const want = process.env.FFAST_NO_RAW_VIEWS ? noRaw : 'raw';
  assert.equal(ffast.__internal.bufferRoute(), want);
});

// Node 20's V8 may not allocate in a fast call, and moving a small typed array off the heap
// allocates: such a call falls back to the slow path once (which moves it), later ones are fast.
const FALLBACK_CALLS = h.major === 20 ? 1 : 0;

let freshId = 0;
/**
 * Call `fn(u, ...more)` from a TurboFan-optimized caller that makes `u = new K(len)` (filled
 * with a pattern) on every call, so the measured call meets a typed array still on the JS heap.
 * Returns the result, `u` and the slow calls the measured call made.
 */
function hotFresh(fn, K, len, more = [], { inTry = false } = {}) {
  const big = K === BigInt64Array || K === BigUint64Array;
  const id = ++freshId;
  const call = `f(u${more.map((m) => ', ' + m).join('')})`;
  // The result and the array go back in one object per caller (`o`), not an array literal: a
  // literal's allocation site may be pretenured after a GC, which deoptimizes the caller at a
  // GC-dependent moment (seen on Node 24: "caller is not TurboFan", in 6 of 8 runs after an
  // unrelated change to the wrappers' factory script).
  const caller = new Function('K', 'o', `return function fresh_${id}_${K.name}(f) { // ffast hot on-heap case #${id}
    const u = new K(${len});
    for (let i = 0; i < ${len}; i++) u[i] = ${big ? 'BigInt(i * 7 + 1)' : '(i * 7 + 1) & 127'};
    ${inTry ? `try { o.r = ${call}; } catch (e) { o.r = e; }` : `o.r = ${call};`}
    o.u = u;
    return o;
  };`)(K, { r: undefined, u: undefined });
  h.N.prepare(caller);
  for (let k = 0; k < h.WARMUP_CALLS; k++) caller(fn);
  h.N.optimizeNext(caller);
  caller(fn);
  const where = `hot fresh ${K.name}(${len}) [node ${process.versions.node}]`;
  assert.ok(h.N.isTurbofan(caller), `${where}: caller is not TurboFan before the measured call`);
  const before = h.slowCalls();
  const { r, u } = caller(fn);
  const slow = h.slowCalls() - before;
  assert.ok(h.N.isTurbofan(caller), `${where}: caller is not TurboFan after the measured call (deopt?)`);
  return { r, u, slow, where };
}

test('small typed arrays met on the heap inside an optimized call: every kind', () => {
  for (const K of KINDS) {
    for (const len of [1, 2, 64 / K.BYTES_PER_ELEMENT]) {
      const a = hotFresh(S.addr_of, K, len);
      assert.equal(a.slow, FALLBACK_CALLS, `${a.where}: slow calls`);
      // The array is off the heap now, at the address C received (ptr() would move it if not).
      assert.equal(a.r, ffast.ptr(a.u), `${a.where}: address C received`);
      assert.equal(a.r, h.cold(S.addr_of, [a.u]), `${a.where}: hot vs cold address`);
      const w = hotFresh(S.wsum_u8, K, len, [len * K.BYTES_PER_ELEMENT]);
      assert.equal(w.slow, FALLBACK_CALLS, `${w.where}: slow calls`);
      assert.equal(w.r, wsum(w.u), `${w.where}: C read the array's bytes`);
    }
  }
});

test('a fallback inside try {} returns normally (Node 20 fast-calls in try blocks, docs/v8-fast-api.md §9)', () => {
  // Node 20 calls fast even inside try (an exception thrown by a fallback's slow run would skip
  // this catch; the slow run of a fallback does not throw: it converts what V8 already
  // accepted); Node 22 never calls fast inside try; Node 24/26 do, without a fallback.
  const a = hotFresh(S.wsum_u8, Uint8Array, 8, [8], { inTry: true });
  assert.equal(a.r, wsum(a.u), `${a.where}: result`);
  assert.equal(a.slow, h.major <= 22 ? 1 : 0, `${a.where}: slow calls`);
});

test('a pointer C keeps from a small typed array stays valid after GC (hot path)', () => {
  const n = 16;
  const k = hotFresh(S.keep_buf, Uint8Array, n, [n]);
  assert.equal(k.slow, FALLBACK_CALLS, `${k.where}: slow calls`);
  assert.equal(k.r, sum(k.u));
  const kept = h.cold(S.kept_addr, []);
  assert.equal(kept, ffast.ptr(k.u), 'C keeps the address of the array data');
  // Churn and collect: objects on the JS heap move; the array's data must not.
  for (let i = 0; i < 50; i++) new Array(5000).fill({ i });
  gc();
  gc();
  for (let i = 0; i < n; i++) k.u[i] = 200 - i;
  assert.equal(h.hot(S.kept_sum, [n]), sum(k.u), 'C reads what JS wrote after the GC');
  assert.equal(h.cold(S.kept_addr, []), ffast.ptr(k.u));
  // The same from the cold path.
  const u = new Uint8Array(n).fill(3);
  assert.equal(h.cold(S.keep_buf, [u, n]), 3 * n);
  gc();
  u.fill(5);
  assert.equal(h.cold(S.kept_sum, [n]), 5 * n);
});

test('detached buffers and views of every kind: ERR_FFAST_ARG_TYPE saying so, hot and cold; C is not called', () => {
  const ab = patterned(64);
  const views = [...KINDS.map((K) => new K(ab, 8, 2)), new DataView(ab, 4, 4), Buffer.from(ab, 2, 10), new Uint8Array(ab)];
  const rab = new ArrayBuffer(32, { maxByteLength: 64 });
  const rabViews = [new Uint8Array(rab), new Float32Array(rab, 4, 2), new DataView(rab)];
  structuredClone(ab, { transfer: [ab] });
  structuredClone(rab, { transfer: [rab] });
  assert.equal(ab.byteLength, 0, 'detached');
  const good = new Uint8Array(patterned(16));
  S.keep_buf(good, 16);
  const kept = S.kept_addr();
  for (const v of [...views, ab, ...rabViews, rab]) {
    for (const [f, args] of [[S.addr_of, [v]], [S.buf_is_null, [v]], [S.sum_u8, [v, 0]], [S.keep_buf, [v, 0]], [S.buf_diff, [good, v]]]) {
      const goodArgs = args.map((a) => (a === v ? good : a));
      h.coldHotThrows(f, goodArgs, args, 'ERR_FFAST_ARG_TYPE', { label: `${f.name}_detached`, messageIncludes: ['detached', `'${f.name}'`] });
    }
    assert.throws(() => ffast.ptr(v), (e) => e.code === 'ERR_FFAST_ARG_TYPE' && /detached/.test(e.message), 'ptr');
    // a nonblocking function refuses it synchronously too (nothing is queued)
    h.coldHotThrows(NB.sum_u8_nb, [good, 0], [v, 0], 'ERR_FFAST_ARG_TYPE', { label: 'sum_u8_nb_detached', messageIncludes: 'detached' });
  }
  assert.equal(S.kept_addr(), kept, 'C never ran with a detached buffer');
  // optimized on a good buffer, then given a detached one inside its own try/catch: caught
  const g = new Function('f', `return function localCatch(u) { try { return f(u, 4); } catch (e) { return e; } }`)(S.sum_u8);
  h.N.prepare(g);
  for (let k = 0; k < h.WARMUP_CALLS; k++) g(good);
  h.N.optimizeNext(g);
  assert.equal(g(good), sum(good.subarray(0, 4)));
  assert.ok(h.N.isTurbofan(g), 'optimized');
  for (const v of [...views, ab]) {
    const e = g(v);
    h.assertFfastError(e, 'ERR_FFAST_ARG_TYPE', `local catch ${h.fmt(v)}`, 'detached');
  }
});

test('a detached view whose own length property lies past the check: C still never gets NULL', () => {
  // The wrapper trusts a non-empty typed array's `length`; the native side gives any buffer
  // without memory the same non-NULL empty address (the one `ptr` gives an empty buffer).
  const empty = ffast.ptr(new ArrayBuffer(0));
  for (const make of [(ab) => new Uint8Array(ab), (ab) => new Float64Array(ab, 8, 2), (ab) => new DataView(ab)]) {
    const ab = patterned(64);
    const v = make(ab);
    structuredClone(ab, { transfer: [ab] });
    Object.defineProperty(v, 'length', { value: 8 });
    coldHot(S.addr_of, [v], empty, { label: 'addr_of_lying_length' });
    coldHot(S.buf_is_null, [v], 0, { label: 'buf_is_null_lying_length' });
  }
});

test('resizable and growable buffers: same address hot and cold, in and out of bounds', () => {
  const rab = new ArrayBuffer(64, { maxByteLength: 128 });
  assert.ok(rab.resizable, 'resizable ArrayBuffer');
  new Uint8Array(rab).set(new Uint8Array(patterned(64)));
  const tracking = new Uint8Array(rab);
  const fixed = new Uint16Array(rab, 8, 4);
  coldHot(S.wsum_u8, [tracking, 64], wsum(tracking), { label: 'wsum_rab_tracking' });
  coldHot(S.wsum_u8, [fixed, 8], wsum(fixed), { label: 'wsum_rab_fixed' });
  coldHot(S.buf_diff, [fixed, rab], 8);
  rab.resize(128);
  coldHot(S.wsum_u8, [tracking, 128], wsum(tracking), { label: 'wsum_rab_grown' });
  coldHot(S.buf_diff, [tracking, rab], 0);
  const late = new Uint8Array(rab, 100, 20);
  rab.resize(32); // `late` is out of bounds, `fixed` still inside
  // Out of bounds (the buffer shrank below the view): like a detached view, an error hot and cold.
  h.coldHotThrows(S.addr_of, [fixed], [late], 'ERR_FFAST_ARG_TYPE', { label: 'addr_of_oob', messageIncludes: 'out of bounds' });
  const dvLate = new DataView(rab, 16, 16);
  rab.resize(20);
  h.coldHotThrows(S.addr_of, [fixed], [dvLate], 'ERR_FFAST_ARG_TYPE', { label: 'addr_of_oob_dataview', messageIncludes: 'out of bounds' });
  assert.throws(() => ffast.ptr(late), { code: 'ERR_FFAST_ARG_TYPE' });
  rab.resize(128); // back in bounds: usable again, same address as before
  coldHot(S.buf_diff, [late, rab], 100, { label: 'buf_diff_back_in_bounds' });
  rab.resize(32);
  coldHot(S.buf_diff, [fixed, rab], 8, { label: 'buf_diff_rab_shrunk' });
  const gsab = new SharedArrayBuffer(16, { maxByteLength: 64 });
  assert.ok(gsab.growable, 'growable SharedArrayBuffer');
  gsab.grow(48);
  const g = new Int32Array(gsab, 4, 2);
  g.set([7, 9]);
  coldHot(S.buf_diff, [g, gsab], 4, { label: 'buf_diff_gsab' });
  coldHot(S.wsum_u8, [new Uint8Array(gsab), 48], wsum(new Uint8Array(gsab)), { label: 'wsum_gsab' });
});

test('subclassed typed arrays and arrays with own properties', () => {
  class Bytes extends Uint8Array {}
  const ab = patterned(96);
  const b = new Bytes(ab, 5, 40);
  const p = new Int16Array(ab, 10, 20);
  p.tag = 'x';
  coldHot(S.wsum_u8, [b, 40], wsum(b), { label: 'wsum_subclass' });
  coldHot(S.buf_diff, [b, ab], 5, { label: 'buf_diff_subclass' });
  coldHot(S.wsum_u8, [p, 40], wsum(p), { label: 'wsum_own_property' });
  coldHot(S.buf_diff, [p, ab], 10, { label: 'buf_diff_own_property' });
});

if (h.major <= 22 && !process.env.FFAST_NO_RAW_VIEWS) {
  test('the same tests without the raw read (FFAST_NO_RAW_VIEWS=1, child process)', () => {
    // Under qemu without binfmt_misc the child must be started through the emulator.
    const wrapper = process.env.NODE_EXEC_WRAPPER;
    const env = { ...process.env, FFAST_NO_RAW_VIEWS: '1' };
    delete env.NODE_TEST_CONTEXT; // a stand-alone run, not a child of this test runner
    const argv = [__filename];
    try {
      execFileSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      assert.fail(`child without the raw read failed:\n${e.stdout}\n${e.stderr}`);
    }
  });
}
