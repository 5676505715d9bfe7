'use strict';
// Buffers: every view kind, byteOffset applied, empty views, SharedArrayBuffer, DataView, Node
// Buffer (pooled, non-zero byteOffset), small on-heap typed arrays, null/undefined -> NULL,
// writes from C visible to JS (zero copy). On Node 20, signatures with buffer params are
// slow-path-only by design; the fast path is asserted from Node 22 on.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot, ffast } = h;

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
}).symbols;

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

test('empty views: same pointer hot and cold, C reads nothing', () => {
  const empties = [new Uint8Array(0), new ArrayBuffer(0), new Float64Array(0), new DataView(new ArrayBuffer(0)),
    new Uint8Array(patterned(64), 64, 0), new Uint16Array(patterned(64), 10, 0), new SharedArrayBuffer(0), Buffer.alloc(0)];
  for (const e of empties) {
    coldHot(S.sum_u8, [e, 0], 0);
    coldHot(S.addr_of, [e], () => {}); // hot === cold is asserted by coldHot
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
