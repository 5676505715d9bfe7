'use strict';
// By-value structs at the level of the native contract (docs/structs.md §4): makeFunctions
// returns { fn, area, argOffsets, retOffset } (the bare function without aggregates); the caller writes aggregate arguments into
// the area, calls fn with the scalar arguments only, and reads an aggregate result from the
// area. The public JS API is built on this; here every case runs cold and hot against C.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ffast, cold, hot, assertFfastError } = require('./_helpers.js');

const native = ffast.__internal.native;
const FAST = ffast.__internal.fastEnabled;

// The aggregate fixture shared with the Rust trampoline tests (ffast-testkit/testdata/structs.c):
// sum_T / make_T / mix_T / make8_T for every shape.
const REPO = path.resolve(__dirname, '..', '..');
const SRC = path.join(REPO, 'ffast-testkit', 'testdata', 'structs.c');
const LIB = path.join(REPO, 'target', 'fixture', process.arch, 'libffast_structs.so');
function buildLib() {
  let stale = true;
  try {
    stale = fs.statSync(LIB).mtimeMs < fs.statSync(SRC).mtimeMs;
  } catch {}
  if (!stale) return;
  fs.mkdirSync(path.dirname(LIB), { recursive: true });
  const tmp = `${LIB}.${process.pid}.tmp`;
  execFileSync(process.env.FFAST_TEST_CC || 'gcc', ['-O2', '-fPIC', '-shared', '-o', tmp, SRC], { stdio: 'inherit' });
  fs.renameSync(tmp, LIB);
}
buildLib();

function bindAll(file, defs) {
  const h = native.open(file, false, false);
  const names = defs.map(([name]) => name);
  const made = native.makeFunctions(
    h,
    names,
    native.symbols(h, names),
    defs.map(([, parameters, result]) => ({ parameters, result })),
    defs.map((_, i) => i),
  );
  // A signature without aggregates comes back as the bare function.
  const entry = (m, n) => (typeof m === 'function' ? { fn: m, area: null, argOffsets: Array(n).fill(-1), retOffset: -1 } : m);
  return { h, made: Object.fromEntries(defs.map(([name, parameters], i) => [name, entry(made[i], parameters.length)])) };
}

/** cold then hot, same result; the hot call must be a fast call when fast calls are on. */
function both(fn, args, label) {
  const c = cold(fn, args, label);
  const h = hot(fn, args, { fast: FAST ? true : false, label });
  return [c, h];
}

test('signature() takes type texts and returns canonical names', () => {
  const s = native.signature('f', ['int', 'struct { x : double , y : double }', 'f32'], 'union{q:int,r:float}');
  assert.deepEqual(s.parameters, ['i32', 'struct{x:f64,y:f64}', 'f32']);
  assert.equal(s.result, 'union{q:i32,r:f32}');
  const bad = [
    [['[i32;4]'], 'void', 'ERR_FFAST_TYPE', 'array'],
    [[], '[f64;2]', 'ERR_FFAST_TYPE', 'array'],
    [['struct{}'], 'void', 'ERR_FFAST_DEFINITION', 'empty struct'],
    [['struct{a:[u8;0]}'], 'void', 'ERR_FFAST_DEFINITION', 'zero-length'],
    [['struct<3>{a:u8}'], 'void', 'ERR_FFAST_DEFINITION', 'pack(3)'],
    [['struct{a:i33}'], 'void', 'ERR_FFAST_TYPE', 'i33'],
  ];
  for (const [p, r, code, text] of bad) {
    let err;
    try {
      native.signature('g', p, r);
    } catch (e) {
      err = e;
    }
    assertFfastError(err, code, `signature(${JSON.stringify(p)}, ${r})`, text);
  }
});

test('scalar signatures have no area', () => {
  const { h, made } = bindAll(LIB, [['sum_I2', ['struct{a:i32,b:i32}'], 'f64'], ['make_F2', ['f64'], 'struct{a:f32,b:f32}']]);
  try {
    const { h: ph, made: plain } = bindAll(null, [['abs', ['i32'], 'i32']]);
    native.close(ph);
    assert.equal(plain.abs.area, null);
    assert.deepEqual(plain.abs.argOffsets, [-1]);
    assert.equal(plain.abs.retOffset, -1);
    assert.ok(made.sum_I2.area instanceof ArrayBuffer);
    assert.deepEqual(made.sum_I2.argOffsets, [0]);
    assert.equal(made.make_F2.retOffset, 0);
  } finally {
    native.close(h);
  }
});

test('{f64,f64} in and out, cold and hot', () => {
  const { h, made } = bindAll(LIB, [
    ['sum_D2', ['struct{a:f64,b:f64}'], 'f64'],
    ['make_D2', ['f64'], 'struct{a:f64,b:f64}'],
    ['mix_D2', ['i32', 'struct{a:f64,b:f64}', 'f64'], 'f64'],
  ]);
  try {
    const s = made.sum_D2;
    new Float64Array(s.area, s.argOffsets[0], 2).set([1.5, -4.25]);
    // sum_D2 = 1*a + 2*b
    assert.deepEqual(both(s.fn, [], 'sum_D2'), [1.5 - 8.5, 1.5 - 8.5]);

    const m = made.make_D2; // make_D2(x) = {x, x + 0.25}
    const out = new Float64Array(m.area, m.retOffset, 2);
    out.fill(NaN);
    assert.equal(cold(m.fn, [7], 'make_D2'), undefined);
    assert.deepEqual([...out], [7, 7.25]);
    out.fill(NaN);
    assert.equal(hot(m.fn, [-3], { fast: FAST ? true : false, label: 'make_D2' }), undefined);
    assert.deepEqual([...out], [-3, -2.75]);

    const x = made.mix_D2; // a*1000 + sum*10 + b*0.5
    new Float64Array(x.area, x.argOffsets[1], 2).set([2, 3]);
    assert.deepEqual(x.argOffsets, [-1, 0, -1]);
    assert.deepEqual(both(x.fn, [-4, 10], 'mix_D2'), [-4000 + 80 + 5, -4000 + 80 + 5]);

    // What a generated wrapper does: write the struct, call, read — inlined into hot code.
    const inD = new Float64Array(s.area, s.argOffsets[0], 2);
    const wrapper = new Function('fn', 'd', 'return function sumD2(a, b) { d[0] = a; d[1] = b; return fn(); };')(s.fn, inD);
    for (const [a, b] of [[1, 2], [0.5, 100], [-7, 3.25]]) {
      assert.equal(cold(wrapper, [a, b], 'sumD2 wrapper'), a + 2 * b);
      assert.equal(hot(wrapper, [a, b], { fast: FAST ? true : false, label: 'sumD2_wrapper' }), a + 2 * b);
    }
  } finally {
    native.close(h);
  }
});

test('24/32-byte argument and results (MEMORY on x64, HFA on arm64), with scalars around them', () => {
  const { h, made } = bindAll(LIB, [
    ['mix_D3', ['i32', 'struct{a:f64,b:f64,c:f64}', 'f64'], 'f64'],
    ['make_D3', ['f64'], 'struct{a:f64,b:f64,c:f64}'],
    ['make8_D4', ['i64', 'i64', 'i64', 'i64', 'i64', 'i64', 'f64', 'i64', 'i64'], 'struct{a:f64,b:f64,c:f64,d:f64}'],
  ]);
  try {
    const x = made.mix_D3;
    new Float64Array(x.area, x.argOffsets[1], 3).set([1, 2, 3]); // sum = 1 + 4 + 9
    assert.deepEqual(both(x.fn, [2, 4], 'mix_D3'), [2000 + 140 + 2, 2000 + 140 + 2]);

    const m = made.make_D3;
    const out = new Float64Array(m.area, m.retOffset, 3);
    out.fill(NaN);
    cold(m.fn, [10], 'make_D3');
    assert.deepEqual([...out], [10, 10.25, 10.5]);
    out.fill(NaN);
    hot(m.fn, [20], { fast: FAST ? true : false, label: 'make_D3' });
    assert.deepEqual([...out], [20, 20.25, 20.5]);

    // The hidden result pointer must not shift the integer arguments.
    const k = made.make8_D4;
    const o4 = new Float64Array(k.area, k.retOffset, 4);
    const args = [1, -2, 3, -4, 5, -6, 0.5, 7, -8];
    const seed = 0.5 + 1 - 4 + 9 - 16 + 25 - 36 + 49 - 64;
    for (const run of [() => cold(k.fn, args, 'make8_D4'), () => hot(k.fn, args, { fast: FAST ? true : false, label: 'make8_D4' })]) {
      o4.fill(NaN);
      run();
      assert.deepEqual([...o4], [seed, seed + 0.25, seed + 0.5, seed + 0.75]);
    }
  } finally {
    native.close(h);
  }
});

test('byte arrays of 32 bytes: MEMORY on x64, by reference / x8 result on arm64', () => {
  const A32 = 'struct{b:[u8;32]}';
  const { h, made } = bindAll(LIB, [
    ['mix_A32', ['i32', A32, 'f64'], 'f64'],
    ['make8_A32', ['i64', 'i64', 'i64', 'i64', 'i64', 'i64', 'f64', 'i64', 'i64'], A32],
  ]);
  try {
    const x = made.mix_A32;
    const bytes = new Uint8Array(x.area, x.argOffsets[1], 32);
    bytes.forEach((_, i) => (bytes[i] = 200 - 3 * i));
    let sum = 0; // sum_A32 = sum of b[i] * (i + 1)
    bytes.forEach((v, i) => (sum += v * (i + 1)));
    const want = 3 * 1000 + sum * 10 + 8 * 0.5;
    assert.deepEqual(both(x.fn, [3, 8], 'mix_A32'), [want, want]);
    // The callee may modify its copy (arm64 passes the area region by reference): the wrapper
    // rewrites it before every call, as the contract says; C here only reads it.

    const k = made.make8_A32; // make_A32(x): b[i] = (uint8_t)((int64_t)x + i)
    const out = new Uint8Array(k.area, k.retOffset, 32);
    const args = [1, 2, 3, 4, 5, 6, 10, 7, 8];
    const seed = 10 + 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64;
    for (const run of [() => cold(k.fn, args, 'make8_A32'), () => hot(k.fn, args, { fast: FAST ? true : false, label: 'make8_A32' })]) {
      out.fill(0);
      run();
      assert.deepEqual([...out], Array.from({ length: 32 }, (_, i) => (seed + i) & 0xff));
    }
  } finally {
    native.close(h);
  }
});

test('libc div() and ldiv() by value', () => {
  const { h, made } = bindAll(null, [
    ['div', ['int', 'int'], 'struct{quot:int,rem:int}'],
    ['ldiv', ['long', 'long'], 'struct{quot:long,rem:long}'],
  ]);
  try {
    const d = made.div;
    const q = new Int32Array(d.area, d.retOffset, 2);
    for (const [run, a, b] of [[cold, 17, 5], [hot, -17, 5]]) {
      q.fill(99);
      run(d.fn, [a, b], ...(run === hot ? [{ fast: FAST ? true : false, label: 'div' }] : ['div']));
      assert.deepEqual([...q], [Math.trunc(a / b), a % b]);
    }
    const l = made.ldiv;
    const lq = new BigInt64Array(l.area, l.retOffset, 2);
    for (const [run, a, b] of [[cold, 1e15 + 7, 1000], [hot, -(2 ** 40) - 3, 7]]) {
      lq.fill(99n);
      run(l.fn, [a, b], ...(run === hot ? [{ fast: FAST ? true : false, label: 'ldiv' }] : ['ldiv']));
      assert.deepEqual([...lq], [BigInt(a) / BigInt(b), BigInt(a) % BigInt(b)]);
    }
  } finally {
    native.close(h);
  }
});
