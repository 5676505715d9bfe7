'use strict';
// Structs, unions and arrays in JS (docs/structs.md §3, §7): type objects checked against gcc's
// layout of the fixture's own types, encode/decode of every field type checked against what C reads and
// writes, pointer(T) parameters (in, out, inout; objects, buffers, views, addresses, NULL),
// zero-copy views, and typed errors (hot and cold alike for calls).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, coldHot, coldHotThrows, assertFfastError, capture, WARMUP_CALLS } = h;
const { struct, union, array, pointer, out, inout } = ffast;
const { T, flat, wsum, samples } = require('./fixture/struct_types.js');

const D = (parameters, result) => ({ parameters, result });
const psumDefs = {};
for (const name of Object.keys(T)) {
  if (name === 'U_if' || name === 'S_all') continue;
  psumDefs[`psum_${name.slice(2)}`] = D([pointer(T[name])], 'f64');
}
const L = h.openFixture({
  struct_layout: D(['string', 'i32'], 'i64'),
  all_set: D([out(pointer(T.S_all)), 'bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'pointer'], 'void'),
  all_get: D([pointer(T.S_all), 'i32'], 'u64'),
  scale_dd: D([inout(pointer(T.S_dd)), 'f64'], 'void'),
  fill_nest: D([out(pointer(T.S_nest)), 'i32'], 'void'),
  is_null_nest: D([pointer(T.S_nest)], 'i32'),
  get_static_nest: D([], pointer(T.S_nest)),
  psum_nest_addr: { name: 'psum_nest', parameters: ['pointer'], result: 'f64' },
  iota5: { name: 'iota_u8', parameters: [out(pointer(array('u8', 5))), 'usize'], result: 'void' },
  wsum5: { name: 'wsum_u8', parameters: [pointer(array('u8', 5)), 'usize'], result: 'u64' },
  ...psumDefs,
}).symbols;

/** cold + hot of a call whose arguments include objects: the fast path is asserted for simple results. */
function call(fn, args, expect, opts = {}) {
  return coldHot(fn, args, expect, { fast: h.isSimpleResult(expect) ? true : undefined, ...opts });
}


test('type objects: size, align and every offset equal gcc for the fixture types', () => {
  let checked = 0;
  for (const [name, t] of Object.entries(T)) {
    assert.equal(t.size, L.struct_layout(name, -1), `${name}: sizeof`);
    assert.equal(t.align, L.struct_layout(name, -2), `${name}: _Alignof`);
    t.fields.forEach((f, k) => {
      assert.equal(t.offsetof(f.name), L.struct_layout(name, k), `${name}: offsetof(${f.name})`);
      assert.equal(f.offset, t.offsetof(f.name));
    });
    assert.equal(L.struct_layout(name, t.fields.length), -1, `${name}: C has more members than the type`);
    checked++;
  }
  assert.equal(checked, 22);
});

test('type objects: canonical text, fields, kinds, nested offsetof paths, frozen', () => {
  const V = struct({ x: 'float', y: { type: 'double', align: 16 }, arr: array(T.S_ii, 2) }, { pack: 8 });
  assert.equal(V.type, 'struct<8>{x:f32,y:f64@16,arr:[struct{a:i32,b:i32};2]}');
  assert.equal(String(V), V.type);
  assert.equal(V.kind, 'struct');
  assert.equal(V.pack, 8);
  assert.deepEqual(
    V.fields.map((f) => [f.name, typeof f.type === 'string' ? f.type : f.type.kind, f.offset]),
    [['x', 'f32', 0], ['y', 'f64', 8], ['arr', 'array', 16]],
  );
  assert.equal(V.fields[1].align, 16, 'the align asked for (pack caps its effect, not the record)');
  assert.equal(V.offsetof('arr[1].b'), 16 + 8 + 4);
  assert.equal(T.S_nest.offsetof('q.b'), L.struct_layout('S_nest', 1) + 8);
  assert.equal(T.S_all.offsetof('arr[2]'), L.struct_layout('S_all', 13) + 4);
  assert.ok(Object.isFrozen(V) && Object.isFrozen(V.fields) && Object.isFrozen(V.fields[0]));
  assert.equal(V.fields[2].type.kind, 'array');
  assert.equal(V.fields[2].type.length, 2);
  assert.equal(V.fields[2].type.element, T.S_ii);
  const U = union({ i: 'i64', b: array('u8', 9) });
  assert.deepEqual([U.kind, U.size, U.align, U.offsetof('b')], ['union', 16, 8, 0]);
  for (const [bad, code] of [['z', 'ERR_FFAST_ARG_TYPE'], ['x.y', 'ERR_FFAST_ARG_TYPE'], ['arr[2]', 'ERR_FFAST_ARG_RANGE'], ['', 'ERR_FFAST_ARG_TYPE'], ['.x', 'ERR_FFAST_ARG_TYPE']]) {
    const r = capture(() => V.offsetof(bad));
    assert.ok(!r.ok, `offsetof(${bad})`);
    assertFfastError(r.error, code, `offsetof(${bad})`);
  }
});

test('type objects: per-field align and pack follow gcc (values from the engine, same as the fixture packed struct)', () => {
  // S_packed is #pragma pack(1) in C: checked against gcc in the first test; here the
  // attribute interplay of layout.rs rule 3 (pack caps aligned) through the JS API.
  const P = struct({ a: 'i8', b: { type: 'i32', align: 8 } }, { pack: 2 });
  assert.deepEqual([P.size, P.align, P.offsetof('b')], [6, 2, 2]);
  const A = struct({ a: 'i8', b: { type: 'i16', align: 4 } });
  assert.deepEqual([A.size, A.align, A.offsetof('b')], [8, 4, 4]);
});

test('type definitions: typed errors for every malformed shape', () => {
  let T2;
  const cases = [
    [() => struct({}), 'ERR_FFAST_DEFINITION', 'at least one field'],
    [() => union({}), 'ERR_FFAST_DEFINITION', 'at least one field'],
    [() => struct(null), 'ERR_FFAST_DEFINITION', 'fields must be an object'],
    [() => struct([['a', 'i32']]), 'ERR_FFAST_DEFINITION', 'fields must be an object'],
    [() => struct({ a: 'i33' }), 'ERR_FFAST_TYPE', "unknown type 'i33'"],
    [() => struct({ a: 'void' }), 'ERR_FFAST_TYPE', "'a'"],
    [() => struct({ a: 'buffer' }), 'ERR_FFAST_TYPE', "'a'"],
    // A string member is a char* (struct-strings.test.js); a union cannot hold one, since
    // decoding reads every member and would follow another member's bytes as a pointer.
    [() => union({ a: 'string', b: 'i64' }), 'ERR_FFAST_TYPE', 'string'],
    [() => struct({ a: 'struct{x:i32}' }), 'ERR_FFAST_TYPE', 'not a scalar type name'],
    [() => struct({ a: 'i32,b:i64' }), 'ERR_FFAST_TYPE', 'not a scalar type name'],
    [() => struct({ a: 42 }), 'ERR_FFAST_TYPE', 'got number'],
    [() => struct({ a: { type: 'i32', align: 3 } }), 'ERR_FFAST_DEFINITION', 'power of two'],
    [() => struct({ a: { type: 'i32', align: 0 } }), 'ERR_FFAST_DEFINITION', 'power of two'],
    [() => struct({ a: { type: 'i32', size: 4 } }), 'ERR_FFAST_DEFINITION', "unknown key 'size'"],
    [() => struct({ a: { type: { type: 'i32' } } }), 'ERR_FFAST_TYPE', 'got Object'],
    [() => struct({ a: 'i32' }, { pack: 3 }), 'ERR_FFAST_DEFINITION', 'pack must be'],
    [() => struct({ a: 'i32' }, { pack: '1' }), 'ERR_FFAST_DEFINITION', 'pack must be'],
    [() => struct({ a: 'i32' }, { packed: true }), 'ERR_FFAST_DEFINITION', "unknown option 'packed'"],
    // Any string names a member (structs-names.test.js), but not a symbol, an array index (JS
    // would list it first, whatever the order written) or a string with a lone surrogate.
    [() => struct({ [Symbol('s')]: 'i32' }), 'ERR_FFAST_DEFINITION', 'symbol key'],
    [() => struct({ a: 'i32', 1: 'i32' }), 'ERR_FFAST_DEFINITION', 'array index'],
    [() => struct({ ['x\ud800']: 'i32' }), 'ERR_FFAST_DEFINITION', 'lone surrogate'],
    [() => array('i32', 0), 'ERR_FFAST_DEFINITION', 'positive integer'],
    [() => array('i32', 1.5), 'ERR_FFAST_DEFINITION', 'positive integer'],
    [() => array('nope', 2), 'ERR_FFAST_TYPE', "unknown type 'nope'"],
    // Recursion: the type is not defined yet while its fields are read, so a self-reference is
    // `undefined` (getter or forward variable) or a look-alike object; both are type errors.
    [() => (T2 = struct({ get self() { return T2; } })), 'ERR_FFAST_TYPE', 'cannot contain itself'],
    [() => struct({ next: { kind: 'struct', type: 'struct{a:i32}', size: 4, align: 4 } }), 'ERR_FFAST_DEFINITION', "unknown key 'kind'"],
    [() => struct({ next: Object.freeze({ type: T.S_ii, align: 4, size: 8 }) }), 'ERR_FFAST_DEFINITION', "unknown key 'size'"],
    [() => struct({ a: Object.create(T.S_ii) }), 'ERR_FFAST_TYPE', "without an own 'type'"],
    // pointer() of a scalar name is a typed pointer (docs/pointers.md §2; pointers-out.test.js);
    // a name that is no scalar, or one a pointer cannot point to, is still refused.
    [() => pointer('i33'), 'ERR_FFAST_TYPE', 'pointer'],
    [() => pointer('void'), 'ERR_FFAST_TYPE', 'pointer'],
    [() => pointer({}), 'ERR_FFAST_TYPE', 'pointer'],
    [() => out(T.S_ii), 'ERR_FFAST_TYPE', 'pointer(T)'],
    [() => inout('pointer'), 'ERR_FFAST_TYPE', 'pointer(T)'],
    // too large for the engine (its error, passed through with its code)
    [() => array(array('u8', 2 ** 40), 2 ** 40), 'ERR_FFAST_DEFINITION', 'too large'],
  ];
  for (const [thunk, code, msg] of cases) {
    const r = capture(thunk);
    assert.ok(!r.ok, `${thunk}: expected ${code}`);
    assertFfastError(r.error, code, String(thunk), msg);
  }
});

test('definitions: where aggregates may appear (arrays and out/inout results are refused)', () => {
  const bad = [
    [{ f: D([array('i32', 4)], 'void') }, 'C passes arrays as pointers'],
    [{ f: D([], array('i32', 4)) }, 'C passes arrays as pointers'],
    [{ f: D([], out(pointer(T.S_ii))) }, 'a result cannot be out'],
    [{ f: D(['struct{a:i32}'], 'void') }, 'type objects'],
    [{ f: D([{ type: 'struct{a:i32}' }], 'void') }, 'type name or a type object'],
  ];
  for (const [syms, msg] of bad) {
    const r = capture(() => ffast.dlopen(h.FIXTURE, syms));
    assert.ok(!r.ok);
    assertFfastError(r.error, 'ERR_FFAST_TYPE', msg, msg);
  }
});

test('pointer(T) in: every fixture shape as an object, checksum computed by C', () => {
  for (const [name, v] of Object.entries(samples)) {
    const fn = L[`psum_${name.slice(2)}`];
    const want = name === 'S_tagged' ? wsum([v.tag, v.v.d]) : wsum(flat(v));
    call(fn, [v], want, { label: `psum_${name}` });
  }
});

test('pointer(T) in: buffers, views, addresses, BigInt addresses and NULL', () => {
  const v = samples.S_nest;
  const want = wsum(flat(v));
  const bytes = T.S_nest.encode(v);
  call(L.psum_nest, [bytes], want);
  call(L.psum_nest, [bytes.buffer], want);
  call(L.psum_nest, [new DataView(bytes.buffer)], want);
  const big = new Uint8Array(T.S_nest.size + 8);
  T.S_nest.encode(v, big, 8);
  call(L.psum_nest, [big.subarray(8)], want);
  call(L.psum_nest, [T.S_nest.view(big, 8)], want);
  const addr = ffast.ptr(bytes);
  call(L.psum_nest, [addr], want);
  assert.equal(L.psum_nest(BigInt(addr)), want);
  call(L.is_null_nest, [null], 1);
  call(L.is_null_nest, [undefined], 1);
  call(L.is_null_nest, [v], 0);
  call(L.is_null_nest, [bytes], 0);
});

test('pointer(T) errors: identical hot and cold, naming the field path', () => {
  const good = [samples.S_nest];
  const cases = [
    [{ p: { a: 1 }, q: { a: 1, b: 2 }, flag: 1 }, 'ERR_FFAST_ARG_TYPE', "field 'p.b': missing"],
    [{ p: { a: 1, b: 2 }, q: { a: 1, b: '2' }, flag: 1 }, 'ERR_FFAST_ARG_TYPE', "field 'q.b': expected f64 (number), got string"],
    [{ p: { a: 1, b: 2 ** 31 }, q: { a: 1, b: 2 }, flag: 1 }, 'ERR_FFAST_ARG_RANGE', "field 'p.b': 2147483648 is out of range for i32"],
    [{ p: { a: 1, b: 2 }, q: { a: 1, b: 2 }, flag: 256 }, 'ERR_FFAST_ARG_RANGE', "field 'flag'"],
    [{ p: 5, q: { a: 1, b: 2 }, flag: 1 }, 'ERR_FFAST_ARG_TYPE', "field 'p': expected struct (object), got number"],
    [new Uint8Array(T.S_nest.size - 1), 'ERR_FFAST_ARG_RANGE', `${T.S_nest.size - 1} bytes given`],
    ['str', 'ERR_FFAST_ARG_TYPE', "argument 0 of 'psum_nest'"],
    [true, 'ERR_FFAST_ARG_TYPE', "argument 0 of 'psum_nest'"],
  ];
  for (const [bad, code, msg] of cases) coldHotThrows(L.psum_nest, good, [bad], code, { messageIncludes: msg });
  coldHotThrows(L.psum_nest, good, [], 'ERR_FFAST_ARG_COUNT');
  coldHotThrows(L.psum_nest, good, [good[0], 1], 'ERR_FFAST_ARG_COUNT');
});

test('out(pointer(T)): C fills the struct, the object receives every field (cold and hot)', () => {
  const o = {};
  h.cold(L.fill_nest, [o, -12]);
  // what C wrote, read back by C itself through the same bytes
  assert.deepEqual(o, { p: { a: -12, b: 12 }, q: { a: -3, b: -18 }, flag: 244 });
  assert.equal(L.psum_nest(o), wsum(flat(o)));
  const o2 = { p: { a: 0, b: 0 }, extra: 'kept' };
  h.hot(L.fill_nest, [o2, 40], { fast: true });
  assert.deepEqual(o2, { p: { a: 40, b: -40 }, q: { a: 10, b: 60 }, flag: 40, extra: 'kept' });
  // a buffer or a view receives the bytes
  const buf = new Uint8Array(T.S_nest.size);
  call(L.fill_nest, [buf, 7], undefined);
  assert.deepEqual(T.S_nest.decode(buf), { p: { a: 7, b: -7 }, q: { a: 1.75, b: 10.5 }, flag: 7 });
  const view = T.S_nest.view(new ArrayBuffer(T.S_nest.size));
  call(L.fill_nest, [view, 3], undefined);
  assert.deepEqual([view.p.a, view.p.b, view.q.b, view.flag], [3, -3, 4.5, 3]);
  // NULL is passed through (the C function would crash on it, so only is_null checks that path)
});

test('inout(pointer(T)): encoded before, decoded after (cold, then a known number of hot calls)', () => {
  const o = { a: 3, b: -0.5 };
  h.cold(L.scale_dd, [o, 2.5]);
  assert.deepEqual(o, { a: 7.5, b: -1.25 });
  const p = { a: 3, b: -0.5 };
  h.hot(L.scale_dd, [p, 2], { fast: true });
  // hot() makes WARMUP_CALLS + 2 calls with the same arguments
  const n = WARMUP_CALLS + 2;
  assert.deepEqual(p, { a: 3 * 2 ** n, b: -0.5 * 2 ** n });
  const f = new Float64Array([1, 2]);
  h.cold(L.scale_dd, [f, -4]);
  assert.deepEqual([...f], [-4, -8]);
});

test('pointer(array(T, n)): a JS array in (C computes a weighted sum), and out (C writes the elements)', () => {
  call(L.wsum5, [[1, 2, 3, 4, 255], 5], 1 + 4 + 9 + 16 + 5 * 255);
  call(L.wsum5, [new Uint8Array([5, 4, 3, 2, 1]), 5], 5 + 8 + 9 + 8 + 5);
  const a = [9, 9, 9, 9, 9];
  h.cold(L.iota5, [a, 5]);
  assert.deepEqual(a, [0, 1, 2, 3, 4]);
  const b = new Array(5).fill(7);
  h.hot(L.iota5, [b, 3], { fast: true });
  assert.deepEqual(b, [0, 1, 2, 0, 0], 'out: the temporary is zeroed, C wrote three elements');
  coldHotThrows(L.wsum5, [[1, 2, 3, 4, 5], 5], [[1, 2, 3], 5], 'ERR_FFAST_ARG_RANGE', { messageIncludes: 'expected 5 elements, got 3' });
});

test('pointer results decode on request: T.decode(ptr), T.view(ptr), written through the view', () => {
  const p = h.cold(L.get_static_nest, []);
  assert.equal(typeof p, 'number');
  coldHot(L.get_static_nest, [], p);
  const v = T.S_nest.decode(p);
  // C's initializer of static_nest
  assert.deepEqual(v, { p: { a: 7, b: -9 }, q: { a: 0.25, b: -1e300 }, flag: 200 });
  assert.equal(L.psum_nest_addr(p), wsum(flat(v)));
  assert.deepEqual(T.S_nest.decode(BigInt(p)), v);
  const view = T.S_nest.view(p);
  assert.equal(view.q.b, -1e300);
  view.p.a = 1000;
  view.flag = 1;
  assert.equal(L.psum_nest_addr(p), wsum([1000, -9, 0.25, -1e300, 1]));
  view.p = { a: 7, b: -9 };
  view.flag = 200;
  assert.deepEqual(view.toJSON(), v);
  assert.equal(T.S_nest.decode(p, 0).flag, 200);
  assertFfastError(capture(() => T.S_nest.decode(0)).error, 'ERR_FFAST_NULL_POINTER', 'decode(0)');
  assertFfastError(capture(() => T.S_nest.view(null)).error, 'ERR_FFAST_NULL_POINTER', 'view(null)');
});

// ------------------------------------------------------------------ every field type vs C
const SAFE = Number.MAX_SAFE_INTEGER;
const allCases = [
  { b: true, i8: -128, u8: 255, i16: -32768, u16: 65535, i32: -2147483648, u32: 4294967295, i64: -(2n ** 63n), u64: 2n ** 64n - 1n, f32: 1.1, f64: -0, p: null },
  { b: false, i8: 127, u8: 0, i16: 32767, u16: 0, i32: 2147483647, u32: 0, i64: 2n ** 63n - 1n, u64: 0, f32: -3.4e38, f64: Number.MIN_VALUE, p: 0xfedcba9876540 },
  { b: true, i8: -1, u8: 1, i16: -1, u16: 1, i32: -1, u32: 1, i64: SAFE, u64: SAFE, f32: 2 ** -149, f64: 1 / 3, p: 2n ** 63n + 8n },
  { b: false, i8: 5, u8: 6, i16: 7, u16: 8, i32: 9, u32: 10, i64: -SAFE, u64: 2n ** 53n, f32: NaN, f64: Infinity, p: 4096 },
];
const norm64 = (v, signed) => {
  const b = signed ? BigInt.asIntN(64, BigInt(v)) : BigInt.asUintN(64, BigInt(v));
  return b >= -BigInt(SAFE) && b <= BigInt(SAFE) ? Number(b) : b;
};
const ptrNorm = (v) => (v === null || v === 0 ? null : norm64(v, false));
const f64bits = (x) => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return h.uint64Result(dv.getBigUint64(0, true));
};

test('decode: C writes every field type (all_set), JS decodes exactly, 64-bit as Number or BigInt', () => {
  for (const c of allCases) {
    const o = {};
    const args = [o, c.b, c.i8, c.u8, c.i16, c.u16, c.i32, c.u32, c.i64, c.u64, c.f32, c.f64, c.p];
    h.cold(L.all_set, args);
    const want = {
      b: c.b, i8: c.i8, u8: c.u8, i16: c.i16, u16: c.u16, i32: c.i32, u32: c.u32,
      i64: norm64(c.i64, true), u64: norm64(c.u64, false), f32: Math.fround(c.f32), f64: c.f64, p: ptrNorm(c.p),
      in: { a: c.i32, b: h.toI32(-c.i32) }, arr: [c.i16, h.toI16(c.u16), c.i8], u: null, last: c.u8,
    };
    // the union: both members read from the double C stored
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, c.f64, true);
    want.u = { i: norm64(dv.getBigInt64(0, true), true), d: c.f64 };
    assert.deepEqual(o, want);
    const o2 = {};
    h.hot(L.all_set, [o2, ...args.slice(1)], { fast: args.every((a) => typeof a !== 'bigint') ? true : false });
    assert.deepEqual(o2, want);
  }
});

test('encode: JS encodes every field type, C reads each member back (all_get)', () => {
  for (const c of allCases) {
    const v = {
      ...c,
      in: { a: c.i32, b: 17 },
      arr: new Int16Array([c.i16, -c.i8, 3]),
      u: { i: c.i64 },
      last: c.u8,
    };
    const expect = [
      c.b ? 1 : 0, norm64(c.i8, false), c.u8, norm64(c.i16, false), c.u16, norm64(c.i32, false), c.u32,
      norm64(c.i64, false), norm64(c.u64, false), f64bits(Math.fround(c.f32)), f64bits(c.f64),
      c.p === null ? 0 : norm64(c.p, false), norm64(c.i32, false), 17, norm64(c.i16, false), norm64(-c.i8, false), 3,
      norm64(c.i64, false), c.u8,
    ];
    expect.forEach((want, k) => {
      call(L.all_get, [v, k], want, { label: `all_get_${k}` });
    });
    // and the bytes JS wrote decode back to the same value
    const d = T.S_all.decode(T.S_all.encode(v));
    assert.deepEqual(d.arr, [...v.arr]);
    assert.equal(d.i64, norm64(c.i64, true));
    assert.equal(d.u.i, norm64(c.i64, true));
  }
});

test('encode/decode round trip in JS: every shape, offsets, pointer targets, views', () => {
  for (const [name, v] of Object.entries(samples)) {
    const t = T[name];
    const bytes = t.encode(v);
    assert.equal(bytes.byteLength, t.size);
    const back = t.decode(bytes);
    if (name === 'S_tagged') {
      assert.equal(back.v.d, v.v.d);
      assert.equal(back.tag, v.tag);
    } else assert.deepEqual(back, v, name);
    const ab = new ArrayBuffer(t.size + 16);
    assert.equal(t.encode(v, ab, 16), ab);
    assert.deepEqual(t.decode(ab, 16), back);
    assert.deepEqual(t.view(ab, 16).toJSON(), back);
  }
  // encode into native memory through an address
  const buf = new Uint8Array(64);
  const addr = ffast.ptr(buf);
  T.S_ld.encode({ a: -(2n ** 62n), b: 2 }, addr, 8);
  assert.deepEqual(T.S_ld.decode(buf, 8), { a: -(2n ** 62n), b: 2 });
  // f32 rounding, -0, NaN
  const f = T.S_fff.decode(T.S_fff.encode({ a: 0.1, b: -0, c: NaN }));
  assert.ok(Object.is(f.a, Math.fround(0.1)) && Object.is(f.b, -0) && Number.isNaN(f.c));
  // fractions truncate toward zero for integer fields (as for integer arguments)
  assert.deepEqual(T.S_ld.decode(T.S_ld.encode({ a: -2.9, b: 0 })), { a: -2, b: 0 });
  // union: exactly the given member's bytes, the rest zeroed
  const U = union({ b: 'u8', q: 'u64' });
  assert.deepEqual(U.decode(U.encode({ b: 255 })), { b: 255, q: 255 });
  // an array type encodes JS arrays and typed arrays alike
  const A = array('i64', 3);
  assert.deepEqual(A.decode(A.encode([1, -(2n ** 63n), 2 ** 53])), [1, -(2n ** 63n), 2n ** 53n]);
  assert.deepEqual(A.decode(A.encode(new BigInt64Array([5n, -6n, 7n]))), [5, -6, 7]);
});

test('encode errors: type, range, missing, union arity, array length, targets', () => {
  const base = { b: true, i8: 0, u8: 0, i16: 0, u16: 0, i32: 0, u32: 0, i64: 0, u64: 0, f32: 0, f64: 0, p: null, in: { a: 0, b: 0 }, arr: [0, 0, 0], u: { i: 0 }, last: 0 };
  const bad = (patch) => ({ ...base, ...patch });
  const cases = [
    [bad({ b: 1 }), 'ERR_FFAST_ARG_TYPE', "'b': expected bool (boolean), got number"],
    [bad({ i8: 128 }), 'ERR_FFAST_ARG_RANGE', "'i8': 128 is out of range for i8"],
    [bad({ i8: -129 }), 'ERR_FFAST_ARG_RANGE', "'i8'"],
    [bad({ u8: -1 }), 'ERR_FFAST_ARG_RANGE', "'u8'"],
    [bad({ u8: 256 }), 'ERR_FFAST_ARG_RANGE', "'u8'"],
    [bad({ i16: 32768 }), 'ERR_FFAST_ARG_RANGE', "'i16'"],
    [bad({ u16: 65536 }), 'ERR_FFAST_ARG_RANGE', "'u16'"],
    [bad({ i32: -2147483649 }), 'ERR_FFAST_ARG_RANGE', "'i32'"],
    [bad({ u32: 2 ** 32 }), 'ERR_FFAST_ARG_RANGE', "'u32'"],
    [bad({ u32: NaN }), 'ERR_FFAST_ARG_RANGE', "'u32': NaN"],
    [bad({ i32: 1n }), 'ERR_FFAST_ARG_TYPE', "'i32': expected i32 (number), got bigint"],
    [bad({ i64: 2n ** 63n }), 'ERR_FFAST_ARG_RANGE', "'i64': 9223372036854775808n"],
    [bad({ i64: -(2n ** 63n) - 1n }), 'ERR_FFAST_ARG_RANGE', "'i64'"],
    [bad({ i64: 2 ** 63 }), 'ERR_FFAST_ARG_RANGE', "'i64'"],
    [bad({ i64: Infinity }), 'ERR_FFAST_ARG_RANGE', "'i64'"],
    [bad({ u64: -1n }), 'ERR_FFAST_ARG_RANGE', "'u64'"],
    [bad({ u64: 2n ** 64n }), 'ERR_FFAST_ARG_RANGE', "'u64'"],
    [bad({ u64: -1 }), 'ERR_FFAST_ARG_RANGE', "'u64'"],
    [bad({ u64: 2 ** 64 }), 'ERR_FFAST_ARG_RANGE', "'u64'"],
    [bad({ u64: '1' }), 'ERR_FFAST_ARG_TYPE', "'u64': expected u64 (number or bigint), got string"],
    [bad({ f32: '1' }), 'ERR_FFAST_ARG_TYPE', "'f32'"],
    [bad({ f64: 1n }), 'ERR_FFAST_ARG_TYPE', "'f64'"],
    [bad({ p: 'x' }), 'ERR_FFAST_ARG_TYPE', "'p': expected pointer (number or bigint or null)"],
    [bad({ p: -1 }), 'ERR_FFAST_ARG_RANGE', "'p'"],
    [bad({ p: undefined }), 'ERR_FFAST_ARG_TYPE', "'p': missing"],
    [bad({ in: null }), 'ERR_FFAST_ARG_TYPE', "'in': expected struct (object), got null"],
    [bad({ in: { a: 1 } }), 'ERR_FFAST_ARG_TYPE', "'in.b': missing"],
    [bad({ arr: [1, 2] }), 'ERR_FFAST_ARG_RANGE', "'arr': expected 3 elements, got 2"],
    [bad({ arr: 'abc' }), 'ERR_FFAST_ARG_TYPE', "'arr': expected an array of 3"],
    [bad({ arr: [1, 2, 1e6] }), 'ERR_FFAST_ARG_RANGE', "'arr[2]': 1000000 is out of range for i16"],
    [bad({ u: {} }), 'ERR_FFAST_ARG_TYPE', "'u': a union takes exactly one member (i, d), got 0"],
    [bad({ u: { i: 1, d: 2 } }), 'ERR_FFAST_ARG_TYPE', 'got 2'],
    [bad({ u: { d: 'x' } }), 'ERR_FFAST_ARG_TYPE', "'u.d'"],
    [null, 'ERR_FFAST_ARG_TYPE', 'expected struct (object), got null'],
  ];
  for (const [v, code, msg] of cases) {
    const r = capture(() => T.S_all.encode(v));
    assert.ok(!r.ok, `encode should fail: ${msg}`);
    assertFfastError(r.error, code, msg, ['struct.encode', msg]);
    // the same message through a call, hot and cold (null is a NULL pointer there, not an error)
    if (v !== null) coldHotThrows(L.all_get, [base, 0], [v, 0], code, { messageIncludes: [msg, "argument 0 of 'all_get'"] });
  }
  const targets = [
    [() => T.S_ii.encode({ a: 1, b: 2 }, new Uint8Array(7)), 'ERR_FFAST_ARG_RANGE'],
    [() => T.S_ii.encode({ a: 1, b: 2 }, new Uint8Array(8), 1), 'ERR_FFAST_ARG_RANGE'],
    [() => T.S_ii.encode({ a: 1, b: 2 }, new Uint8Array(8), -1), 'ERR_FFAST_ARG_RANGE'],
    [() => T.S_ii.encode({ a: 1, b: 2 }, 'buf'), 'ERR_FFAST_ARG_TYPE'],
    [() => T.S_ii.decode(new ArrayBuffer(4)), 'ERR_FFAST_ARG_RANGE'],
    [() => T.S_ii.decode(undefined), 'ERR_FFAST_NULL_POINTER'],
    [() => T.S_ii.view({}), 'ERR_FFAST_ARG_TYPE'],
  ];
  for (const [thunk, code] of targets) assertFfastError(capture(thunk).error, code, String(thunk));
});

test('views: zero-copy getters and setters for scalars, nested structs, arrays and unions', () => {
  const buf = new ArrayBuffer(T.S_all.size);
  const v = T.S_all.view(buf);
  v.i64 = -(2n ** 63n);
  v.u64 = 2 ** 53;
  v.f32 = 0.1;
  v.p = null;
  v.b = true;
  v.in.a = -5;
  v.in = { a: 6, b: 7 };
  v.arr.set(2, -9);
  v.u.d = 1.5;
  v.last = 255;
  const d = T.S_all.decode(buf);
  assert.equal(d.i64, -(2n ** 63n));
  assert.equal(d.u64, 2n ** 53n);
  assert.equal(d.f32, Math.fround(0.1));
  assert.equal(d.p, null);
  assert.equal(d.b, true);
  assert.deepEqual(d.in, { a: 6, b: 7 });
  assert.deepEqual(d.arr, [0, 0, -9]);
  assert.equal(d.u.d, 1.5);
  assert.equal(v.u.i, d.u.i);
  assert.equal(v.arr.length, 3);
  assert.deepEqual([...v.arr], [0, 0, -9]);
  assert.equal(v.arr.get(2), -9);
  assert.equal(v.last, 255);
  // views see later writes (zero-copy)
  new DataView(buf).setInt32(T.S_all.offsetof('in.b'), 123, true);
  assert.equal(v.in.b, 123);
  // setters validate like encode
  assertFfastError(capture(() => (v.u8 = 256)).error, 'ERR_FFAST_ARG_RANGE', 'view set u8', "'u8'");
  assertFfastError(capture(() => v.arr.get(3)).error, 'ERR_FFAST_ARG_RANGE', 'view index');
  assertFfastError(capture(() => v.arr.set(0, 'x')).error, 'ERR_FFAST_ARG_TYPE', 'view set elem', "'[0]'");
  // arrays of structs: element views
  const A = array(T.S_ii, 2);
  const av = A.view(new ArrayBuffer(A.size));
  av.get(1).b = 42;
  av.set(0, { a: 1, b: 2 });
  assert.deepEqual(A.decode(av.toJSON ? A.encode(av.toJSON()) : null), [{ a: 1, b: 2 }, { a: 0, b: 42 }]);
});
