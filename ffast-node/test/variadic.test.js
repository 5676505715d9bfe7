'use strict';
// Variadic functions (issue 14 item 2; docs/variadic.md).
//
// A definition ends its parameters with '...'. Two ways to call it:
//   (a) type/value pairs after the fixed arguments: f(fixed…, 'int', 42, 'double', 1.5)
//   (b) f.variadic('int', 'double') → an ordinary function for that shape, compiled once per
//       shape and cached, a V8 fast call where the types allow.
// C's default argument promotions apply (bool/char/short → int, float → double), after the value
// is converted to the type named. On x86-64 every trampoline (fast, invoker, nonblocking) sets
// %al to an upper bound of the vector registers used (psABI §3.5.7), so a variadic function
// declared with fixed parameters is right too.
//
// The C side (fixture/varerr.c) reports every variadic argument it read (va_arg of the promoted
// type) as a token: i<int> u<unsigned> l<long long> L<unsigned long long> d<bits of the double>
// p<hex address> s<text>; the tests build the expected text from the JS values.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const { ffast } = h;
const { buildVarErr } = require('./fixture/varerr.js');

const LIB = buildVarErr();
const X64 = process.arch === 'x64';
const FAST = ffast.__internal.fastEnabled;

// ------------------------------------------------------------------ the JS model of what C reads
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** The 64 bits of a double, as 16 hex digits. */
const bits = (d) => {
  f64[0] = d;
  return u64[0].toString(16).padStart(16, '0');
};
const big = (v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));

/** Letter of fixture/varerr.c's describe() for the promoted C type of each ffast type. */
const LETTER = {
  bool: 'i', i8: 'i', u8: 'i', i16: 'i', u16: 'i', i32: 'i', u32: 'u', i64: 'l', isize: 'l', u64: 'L', usize: 'L',
  f32: 'd', f64: 'd', pointer: 'p', buffer: 'p', string: 's',
};
/** What describe() prints for value v passed as ffast type t (converted to t, then promoted). */
function token(t, v) {
  switch (t) {
    case 'bool': return `i${v ? 1 : 0}`;
    case 'i8': return `i${h.toI8(v)}`;
    case 'u8': return `i${h.toU8(v)}`;
    case 'i16': return `i${h.toI16(v)}`;
    case 'u16': return `i${h.toU16(v)}`;
    case 'i32': return `i${h.toI32(v)}`;
    case 'u32': return `u${h.toU32(v)}`;
    case 'i64': case 'isize': return `l${BigInt.asIntN(64, big(v))}`;
    case 'u64': case 'usize': return `L${BigInt.asUintN(64, big(v))}`;
    case 'f64': return `d${bits(v)}`;
    case 'f32': return `d${bits(Math.fround(v))}`;
    case 'pointer': return `p${v === null || v === undefined ? '0' : BigInt.asUintN(64, big(v)).toString(16)}`;
    case 'buffer': return `p${v === null ? '0' : ffast.ptr(v).toString(16)}`;
    case 'string': return v === null ? 's(null)' : `s<${v}>`;
    default: throw new Error(`no model for ${t}`);
  }
}
/** The text vdescribe writes for [type, value] pairs (canonical ffast type names). */
const describeText = (pairs) => pairs.map(([t, v]) => token(t, v)).join(' ');
const letters = (pairs) => pairs.map(([t]) => LETTER[t]).join('');

/** Values per canonical type: edges of the conversion to the type, then of the promotion. */
const VALUES = {
  bool: [true, false],
  i8: [0, 127, 128, -129, 300, -1.9],
  u8: [255, 256, -1, 7.9],
  i16: [32767, 32768, -32769, -2],
  u16: [65535, 65536, -1],
  i32: [0, 1, -1, 2147483647, -2147483648, 2 ** 31, 3.9, -3.9, NaN, -0, Infinity],
  u32: [0, 4294967295, -1, 2 ** 32, 2 ** 31],
  i64: [0, -1, 2 ** 53 - 1, -(2 ** 53), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n],
  isize: [-5, 2n ** 62n],
  u64: [0, 2 ** 53, 2n ** 64n - 1n, -1, 12345678901234567890n],
  usize: [7, 2n ** 63n + 1n],
  f64: [0, -0, 1.5, -1e308, Infinity, -Infinity, NaN, 5e-324, Math.PI, 2 ** 53 + 2],
  f32: [1.1, -0, 3.4e38, 1e40, 1e-46, NaN, -2.5],
  pointer: [null, 0x1234, 2 ** 53 - 1, 2n ** 64n - 1n, 2n ** 63n],
  // A flat 300-byte string (beyond the trampoline's 256-byte scratch): 'x'.repeat(300) alone is
  // a cons string, which V8 does not pass to a fast call.
  string: ['', 'abc', 'h\u00e9llo \u2713', null, h.flatString(Array(300).fill('x'))],
  buffer: [new Uint8Array(8), null],
};
/** C spellings accepted after '...', and what they mean. */
const SPELLINGS = {
  int: 'i32', 'unsigned int': 'u32', unsigned: 'u32', long: 'i64', 'long long': 'i64', 'unsigned long': 'u64',
  size_t: 'usize', ssize_t: 'i64', double: 'f64', float: 'f32', char: 'i8', 'unsigned char': 'u8', short: 'i16',
  'unsigned short': 'u16', _Bool: 'bool', 'const char*': 'string', 'char*': 'string', str: 'string', 'void*': 'pointer',
  int64_t: 'i64', uint64_t: 'u64', int32_t: 'i32', uint8_t: 'u8', intptr_t: 'isize', uintptr_t: 'usize',
};

// ------------------------------------------------------------------ the library
const DESCRIBE = { name: 'vdescribe', parameters: ['buffer', 'usize', 'string', '...'], result: 'i32' };
const DEFS = {
  vdescribe: DESCRIBE,
  vdescribe_ff: { parameters: ['f64', 'f32', 'buffer', 'usize', 'string', '...'], result: 'i32' },
  vsum: { parameters: ['i32', '...'], result: 'f64' },
  vsumFixed3: { name: 'vsum', parameters: ['i32', 'f64', 'f64', 'f64'], result: 'f64' },
  vsumFixed10: { name: 'vsum', parameters: ['i32', ...Array(10).fill('f64')], result: 'f64' },
  vsum_address: { parameters: [], result: 'usize' },
  visum: { parameters: ['i32', '...'], result: 'i64' },
  vcount: { parameters: ['...'], result: 'i32' },
  vcall: { parameters: ['function', 'i32', '...'], result: 'i32' },
  vsum_slow: { parameters: ['i32', 'i32', '...'], result: 'f64', nonblocking: true },
  ef_keep: { parameters: ['i32'], result: 'i32' },
};
const V = ffast.dlopen(LIB, DEFS);
const S = V.symbols;

const OUT = new Uint8Array(8192);
/** What vdescribe wrote to OUT. */
function outText() {
  const end = OUT.indexOf(0);
  return Buffer.from(OUT.buffer, OUT.byteOffset, end < 0 ? OUT.length : end).toString('utf8');
}
/** A checker for coldHot: the returned length and the text written. */
function wrote(text) {
  const want = Buffer.byteLength(text);
  return (r, msg) => {
    assert.equal(outText(), text, `${msg}: text`);
    assert.equal(r, want, `${msg}: length`);
  };
}
/** The shape function, registered with its full parameter list so hot() knows whether it must be fast. */
function shape(fn, fixed, types, result) {
  const g = fn.variadic(...types);
  h.register(g, { parameters: [...fixed, ...types], result });
  return g;
}
const flat = (pairs) => pairs.flatMap(([t, v]) => [t, v]);

// ------------------------------------------------------------------ optimized loops
let loopId = 0;
/** A fresh function (unique text: its own feedback) with this body. */
function loopOf(label, params, body) {
  const k = ++loopId;
  return new Function(`/* variadic loop #${k} ${label} */\nreturn function vloop_${k}(${params.join(', ')}) {\n${body}\n};`)();
}
/** Warm `loop` on warmArgs, optimize it, run it on args; slow calls counted across that run. */
function runOptimized(loop, warmArgs, args) {
  h.N.prepare(loop);
  loop(...warmArgs);
  loop(...warmArgs);
  h.N.optimizeNext(loop);
  loop(...warmArgs);
  const tierBefore = h.N.isTurbofan(loop);
  const before = h.slowCalls();
  const value = loop(...args);
  const slow = h.slowCalls() - before;
  return { value, slow, tierBefore, tierAfter: h.N.isTurbofan(loop) };
}
/** Run `loop` never optimized (every ffast call takes the slow path). */
function runCold(loop, args) {
  h.N.neverOptimize(loop);
  return loop(...args);
}

// ------------------------------------------------------------------ tests
test('a variadic symbol is a function of its fixed parameters with a .variadic method; others have none', () => {
  assert.equal(typeof S.vdescribe, 'function');
  assert.equal(S.vdescribe.length, 3);
  assert.equal(typeof S.vdescribe.variadic, 'function');
  assert.equal(S.vcount.length, 0);
  assert.equal(S.ef_keep.variadic, undefined);
  assert.equal(S.vsumFixed3.variadic, undefined);
  const g = S.vdescribe.variadic('int', 'double');
  assert.equal(typeof g, 'function');
  assert.equal(g.length, 5);
  // One function per shape: the same object for the same types, in any spelling.
  assert.equal(S.vdescribe.variadic('int', 'double'), g);
  assert.equal(S.vdescribe.variadic('i32', 'f64'), g);
  assert.notEqual(S.vdescribe.variadic('double', 'int'), g);
  assert.notEqual(S.vdescribe.variadic('int'), g);
  // No variadic arguments is a shape too.
  assert.equal(S.vdescribe.variadic().length, 3);
});

test('every type after ... as type/value pairs (a) and as a shape (b): converted, promoted, cold and hot', () => {
  for (const [t, values] of Object.entries(VALUES)) {
    for (const v of values) {
      const pairs = [[t, v]];
      const args = [OUT, OUT.length, letters(pairs)];
      const label = `${t}_${typeof v}`;
      h.coldHot(S.vdescribe, [...args, t, v], wrote(describeText(pairs)), { fast: false, label: `pairs_${label}` });
      const g = shape(S.vdescribe, ['buffer', 'usize', 'string'], [t], 'i32');
      h.coldHot(g, [...args, v], wrote(describeText(pairs)), { label: `shape_${label}` });
    }
  }
});

test('C spellings of the types after ... mean what they mean in definitions', () => {
  for (const [spelling, t] of Object.entries(SPELLINGS)) {
    const v = VALUES[t][1];
    const pairs = [[t, v]];
    h.coldHot(S.vdescribe, [OUT, OUT.length, letters(pairs), spelling, v], wrote(describeText(pairs)), { fast: false, label: `spelled_${t}` });
    assert.equal(S.vdescribe.variadic(spelling), S.vdescribe.variadic(t), `'${spelling}' and '${t}' are one shape`);
  }
});

test('the shape function of (b) takes the V8 fast call (proven: no slow call in 10^4 optimized calls)', { skip: !FAST && 'fast calls are off' }, () => {
  const g = S.vdescribe.variadic('int', 'double', 'string', 'u64', 'float', 'char', 'pointer', 'bool');
  const types = 'idsLdipi'; // int double string u64 float(→double) char(→int) pointer bool(→int)
  const loop = loopOf('shape_fast', ['g', 'n', 'out'], `
    let r = 0;
    for (let i = 0; i < n; i++) r = g(out, out.length, '${types}', i, i + 0.5, 'ab', i * 3, 1.5, 300, 0x1000 + i, true);
    return r;`);
  const r = runOptimized(loop, [g, 30, OUT], [g, 10000, OUT]);
  assert.ok(r.tierBefore && r.tierAfter, 'the loop is optimized');
  assert.equal(r.slow, 0, `${r.slow} of 10^4 shape calls took the slow path`);
  const i = 9999;
  const want = describeText([['i32', i], ['f64', i + 0.5], ['string', 'ab'], ['u64', i * 3], ['f32', 1.5], ['i8', 300], ['pointer', 0x1000 + i], ['bool', true]]);
  assert.equal(outText(), want);
  assert.equal(r.value, want.length);
});

test('fixed floating-point parameters before ... count among the vector registers', () => {
  const types = ['f64', 'f32', 'f64', 'i32', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'f32'];
  const pairs = types.map((t, i) => [t, i + 0.1]);
  const head = `a${bits(1.25)} b${bits(Math.fround(2.2))} `;
  const args = [1.25, 2.2, OUT, OUT.length, letters(pairs)];
  h.coldHot(S.vdescribe_ff, [...args, ...flat(pairs)], wrote(head + describeText(pairs)), { fast: false, label: 'ff_pairs' });
  const g = shape(S.vdescribe_ff, ['f64', 'f32', 'buffer', 'usize', 'string'], types, 'i32');
  h.coldHot(g, [...args, ...pairs.map(([, v]) => v)], wrote(head + describeText(pairs)), { label: 'ff_shape' });
});

/** A deterministic generator (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('many variadic arguments: random mixes of every type spill past the registers, both forms, cold and hot', () => {
  const rand = rng(0x5eed14);
  const types = Object.keys(VALUES);
  for (let c = 0; c < 24; c++) {
    const count = c === 0 ? 0 : 1 + Math.floor(rand() * 60);
    const pairs = Array.from({ length: count }, () => {
      const t = types[Math.floor(rand() * types.length)];
      const vs = VALUES[t];
      return [t, vs[Math.floor(rand() * vs.length)]];
    });
    const args = [OUT, OUT.length, letters(pairs)];
    const text = describeText(pairs);
    h.coldHot(S.vdescribe, [...args, ...flat(pairs)], wrote(text), { fast: false, label: `mix${c}_pairs` });
    const g = shape(S.vdescribe, ['buffer', 'usize', 'string'], pairs.map(([t]) => t), 'i32');
    h.coldHot(g, [...args, ...pairs.map(([, v]) => v)], wrote(text), { label: `mix${c}_shape`, optimizeCallee: true });
  }
});

test('int and double mixes beyond the register files (6/8 on x64, 8/8 on arm64), as shapes', () => {
  // 20 ints and 20 doubles interleaved, then 12 doubles, then 12 ints.
  const pairs = [];
  for (let i = 0; i < 20; i++) pairs.push(['i32', -i * 7], ['f64', i + 0.125]);
  for (let i = 0; i < 12; i++) pairs.push(['f64', -i / 3]);
  for (let i = 0; i < 12; i++) pairs.push(['i64', 2n ** 40n + BigInt(i)]);
  const args = [OUT, OUT.length, letters(pairs)];
  const text = describeText(pairs);
  h.coldHot(S.vdescribe, [...args, ...flat(pairs)], wrote(text), { fast: false, label: 'spill_pairs' });
  const g = shape(S.vdescribe, ['buffer', 'usize', 'string'], pairs.map(([t]) => t), 'i32');
  h.coldHot(g, [...args, ...pairs.map(([, v]) => v)], wrote(text), { label: 'spill_shape', optimizeCallee: true });
});

test('the most arguments a call can have: 127 (3 fixed + 124 variadic); one more is a typed error', () => {
  const pairs = Array.from({ length: 124 }, (_, i) => (i % 2 ? ['f64', i / 4] : ['i32', i]));
  const args = [OUT, OUT.length, letters(pairs)];
  h.coldHot(S.vdescribe, [...args, ...flat(pairs)], wrote(describeText(pairs)), { fast: false, label: 'max_pairs' });
  const over = [...flat(pairs), 'int', 1];
  h.coldHotThrows(S.vdescribe, null, [...args, ...over], 'ERR_FFAST_ARG_COUNT');
  assert.throws(() => S.vdescribe.variadic(...pairs.map(([t]) => t), 'int'), { code: 'ERR_FFAST_DEFINITION' });
});

test("the %al bar: vsum at a 256-byte-aligned address sums right on 10^5 hot calls, declared with fixed parameters or '...'", () => {
  assert.equal(S.vsum_address() % 256, 0, 'the fixture places vsum at a 256-byte-aligned address');
  const N = 100000;
  const body3 = `let bad = 0;
    for (let i = 0; i < n; i++) { const a = i * 0.5; if (f(3, a, 0.25, -1) !== a - 0.75) bad++; }
    return bad;`;
  const body10 = `let bad = 0;
    for (let i = 0; i < n; i++) { const a = i * 0.5; if (f(10, a, 1, 2, 3, 4, 5, 6, 7, 8, 9) !== a + 45) bad++; }
    return bad;`;
  const pairs3 = `let bad = 0;
    for (let i = 0; i < n; i++) { const a = i * 0.5; if (f(3, 'double', a, 'double', 0.25, 'f64', -1) !== a - 0.75) bad++; }
    return bad;`;
  const cases = [
    ['fixed parameters, 3 doubles', S.vsumFixed3, body3, true],
    ["'...' shape, 3 doubles", S.vsum.variadic('double', 'double', 'double'), body3, true],
    ['fixed parameters, 10 doubles (2 on the stack)', S.vsumFixed10, body10, true],
    ["'...' shape, 10 doubles", S.vsum.variadic(...Array(10).fill('f64')), body10, true],
    ["'...' type/value pairs, 3 doubles", S.vsum, pairs3, false],
  ];
  for (const [name, f, body, mustBeFast] of cases) {
    const cold = runCold(loopOf(`${name} cold`, ['f', 'n'], body), [f, 200]);
    assert.equal(cold, 0, `${name}: ${cold} of 200 cold calls returned a wrong sum`);
    const r = runOptimized(loopOf(name, ['f', 'n'], body), [f, 50], [f, N]);
    assert.equal(r.value, 0, `${name}: ${r.value} of ${N} hot calls returned a wrong sum [node ${process.versions.node}]`);
    if (FAST && mustBeFast) {
      assert.ok(r.tierBefore && r.tierAfter, `${name}: the loop is optimized`);
      assert.equal(r.slow, 0, `${name}: ${r.slow} of ${N} calls took the slow path`);
    }
  }
});

test('int-only and empty shapes; a function with nothing but ...', () => {
  h.coldHot(S.visum, [0], 0, { fast: false, label: 'visum_none' });
  h.coldHot(S.visum.variadic(), [0], 0, { label: 'visum_shape_none' });
  h.coldHot(S.visum, [3, 'int', 1, 'short', 70000, 'char', -1], 1 + h.toI16(70000) - 1, { fast: false, label: 'visum_pairs' });
  h.coldHot(S.visum.variadic('int', 'short', 'char'), [3, 1, 70000, -1], 1 + h.toI16(70000) - 1, { label: 'visum_shape' });
  h.coldHot(S.vcount, ['int', 2, 'int', 5, 'int', 7], 12002, { fast: false, label: 'vcount_pairs' });
  h.coldHot(S.vcount.variadic('int', 'int', 'int'), [2, 5, 7], 12002, { label: 'vcount_shape' });
});

test('snprintf and sscanf from the process (dlopen(null)), both forms, cold and hot', () => {
  const libc = ffast.dlopen(null, {
    snprintf: { parameters: ['buffer', 'usize', 'string', '...'], result: 'i32' },
    sscanf: { parameters: ['string', 'string', '...'], result: 'i32' },
  });
  const { snprintf, sscanf } = libc.symbols;
  const fmt = '%d|%s|%.3f|%c|%lld|%llu|%x|%hhd|%5.1f|%s';
  const vals = ['int', -42, 'string', 'h\u00e9', 'double', 1.5, 'char', 65, 'long long', -(2n ** 62n), 'unsigned long long', 2n ** 64n - 1n,
    'unsigned int', 0xdeadbeef, 'int', 300, 'float', 2.25, 'const char*', null];
  const want = `-42|h\u00e9|1.500|A|${-(2n ** 62n)}|${2n ** 64n - 1n}|deadbeef|44|  2.2|(null)`;
  const check = (r, msg) => {
    assert.equal(outText(), want, msg);
    assert.equal(r, Buffer.byteLength(want), msg);
  };
  h.coldHot(snprintf, [OUT, OUT.length, fmt, ...vals], check, { fast: false, label: 'snprintf_pairs' });
  const types = vals.filter((_, i) => i % 2 === 0);
  const g = snprintf.variadic(...types);
  h.coldHot(g, [OUT, OUT.length, fmt, ...vals.filter((_, i) => i % 2 === 1)], check, { fast: false, label: 'snprintf_shape' });
  // A fast shape: snprintf(buf, n, "%d %f %s", int, double, string), as bench/ calls it.
  const fast = shape(snprintf, ['buffer', 'usize', 'string'], ['i32', 'f64', 'string'], 'i32');
  h.coldHot(fast, [OUT, 64, '%d %f %s', 7, 0.5, 'abc'], (r) => {
    assert.equal(outText(), '7 0.500000 abc');
    assert.equal(r, 14);
  }, { label: 'snprintf_fast' });
  // sscanf writes through pointers given after '...'.
  const a = new Int32Array(1);
  const d = new Float64Array(1);
  const pa = ffast.ptr(a);
  const pd = ffast.ptr(d);
  h.coldHot(sscanf, ['12 3.5', '%d %lf', 'pointer', pa, 'pointer', pd], (r) => {
    assert.equal(r, 2);
    assert.equal(a[0], 12);
    assert.equal(d[0], 3.5);
  }, { fast: false, label: 'sscanf_pairs' });
  a[0] = 0;
  h.coldHot(shape(sscanf, ['string', 'string'], ['pointer', 'buffer'], 'i32'), ['-7 0.25', '%d %lf', pa, d], (r) => {
    assert.equal(r, 2);
    assert.equal(a[0], -7);
    assert.equal(d[0], 0.25);
  }, { label: 'sscanf_shape' });
  libc.close();
});

test('printf through dlopen(null) prints what C would (in a child process: stdout is its own)', () => {
  const { spawnSync } = require('node:child_process');
  const src = `const ffast = require(${JSON.stringify(h.PKG)});
    const c = ffast.dlopen(null, {
      printf: { parameters: ['string', '...'], result: 'i32' },
      fflush: { parameters: ['pointer'], result: 'i32' },
    }).symbols;
    const n1 = c.printf('%d %s %f\\n', 'int', 42, 'string', 'x', 'double', 1.5);
    const p = c.printf.variadic('int', 'string', 'double');
    let n2 = 0;
    for (let i = 0; i < 3; i++) n2 += p('%d %s %.2f\\n', i, 'y', i / 4);
    c.fflush(null);
    process.stderr.write(JSON.stringify([n1, n2]));`;
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', src];
  const r = spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '42 x 1.500000\n0 y 0.00\n1 y 0.25\n2 y 0.50\n');
  assert.deepEqual(JSON.parse(r.stderr), [14, 27]);
});

test('x64: every trampoline sets %al to an upper bound of the vector registers used (0-8)', { skip: !X64 && '%al is x86-64 only' }, async () => {
  const Pt = ffast.struct({ x: 'f64', y: 'f64' });
  const d = (parameters, extra = {}) => ({ name: 'v_al', parameters, result: 'i32', ...extra });
  const defs = {
    none: d(['i32']),
    two: d(['f64', 'f64', 'i32']),
    ten: d(Array(10).fill('f64')),
    str: d(['string', 'f64']),
    buf: d(['buffer', 'f32']),
    agg: d([Pt, 'f64']),
    stack: d([...Array(8).fill('i64'), ...Array(9).fill('f64')]),
    wide: { name: 'v_al', parameters: ['f64', 'f64', 'f64'], result: 'i64' },
    narrow: { name: 'v_al', parameters: ['f64'], result: 'i8' },
    tracked: d(['f64'], { callbacks: true }),
    varia: d(['i32', '...']),
    nb: d(['f64', 'f64'], { nonblocking: true }),
  };
  const lib = ffast.dlopen(LIB, defs);
  h.register(lib, defs);
  const L = lib.symbols;
  const cases = [
    ['none', [1], 0],
    ['two', [1.5, 2.5, 3], 2],
    ['ten', Array.from({ length: 10 }, (_, i) => i + 0.5), 8],
    ['str', ['abc', 1], 1],
    ['buf', [new Uint8Array(4), 1], 1],
    ['agg', [{ x: 1, y: 2 }, 3], 3],
    ['stack', [...Array(8).fill(1), ...Array(9).fill(0.5)], 8],
    ['wide', [1, 2, 3], 3],
    ['narrow', [1], 1],
    ['tracked', [1], 1],
  ];
  for (const [k, args, used] of cases) {
    const ok = (al, msg) => assert.ok(al >= used && al <= 8, `${msg}: %al = ${al}, expected ${used}..8`);
    h.coldHot(L[k], args, ok, { fast: k === 'tracked' ? 'slow' : undefined, label: `al_${k}`, identical: false, stable: false });
  }
  const shapes = [
    [[], 0],
    [['f64'], 1],
    [['f64', 'f64', 'f64'], 3],
    [Array(9).fill('f64'), 8],
    [['f32', 'i32', 'f32'], 2],
    [['i64', 'string'], 0],
  ];
  for (const [types, used] of shapes) {
    const ok = (al, msg) => assert.ok(al >= used && al <= 8, `${msg}: %al = ${al}, expected ${used}..8`);
    const vals = types.map((t) => (t === 'string' ? 's' : 1));
    h.coldHot(L.varia, [7, ...types.flatMap((t, i) => [t, vals[i]])], ok, { fast: false, identical: false, stable: false, label: `al_pairs_${types.length}` });
    h.coldHot(shape(L.varia, ['i32'], types, 'i32'), [7, ...vals], ok, { identical: false, stable: false, label: `al_shape_${types.length}` });
  }
  // The invoker on a pool thread (nonblocking) too.
  const al = await L.nb(1, 2);
  assert.ok(al >= 2 && al <= 8, `nonblocking: %al = ${al}, expected 2..8`);
});

test('nonblocking variadic functions: both forms return Promises of the right value', async () => {
  await h.coldHotAsync(S.vsum_slow, [1, 3, 'double', 1.5, 'float', 2.5, 'double', -1], 3, { label: 'nb_pairs' });
  const g = S.vsum_slow.variadic('double', 'float', 'double');
  h.register(g, { parameters: ['i32', 'i32', 'f64', 'f32', 'f64'], result: 'f64', nonblocking: true });
  await h.coldHotAsync(g, [1, 3, 1.5, 2.5, -1], 3, { label: 'nb_shape' });
  const all = await Promise.all(Array.from({ length: 16 }, (_, i) => S.vsum_slow(2, 2, 'double', i, 'double', 0.5)));
  assert.deepEqual(all, Array.from({ length: 16 }, (_, i) => i + 0.5));
});

test('a variadic function with a function parameter calls back (slow path, callbacks allowed)', () => {
  const cb = ffast.callback({ parameters: ['i32'], result: 'i32' }, (k) => k * 10);
  try {
    h.coldHot(S.vcall, [cb, 3, 'int', 1, 'int', 2, 'short', 3], 60, { fast: false, label: 'vcall_pairs' });
    const g = S.vcall.variadic('int', 'int');
    h.coldHot(g, [cb, 2, 4, 5], 90, { fast: 'slow', label: 'vcall_shape' });
  } finally {
    cb.close();
  }
});

test('bind(): a raw address with a ... definition has both forms', () => {
  const f = ffast.bind(S.vsum_address(), { parameters: ['i32', '...'], result: 'f64' });
  assert.equal(typeof f.variadic, 'function');
  h.coldHot(f, [2, 'double', 0.5, 'float', 0.25], 0.75, { fast: false, label: 'bind_pairs' });
  const g = f.variadic('double', 'double');
  h.register(g, { parameters: ['i32', 'f64', 'f64'], result: 'f64' });
  h.coldHot(g, [2, 0.5, 0.25], 0.75, { label: 'bind_shape' });
});

// ------------------------------------------------------------------ errors
test("definitions: '...' must be the last parameter, once; callbacks cannot be variadic", () => {
  const bad = [
    [['...', 'int'], 'ERR_FFAST_DEFINITION'],
    [['int', '...', 'int'], 'ERR_FFAST_DEFINITION'],
    [['int', '...', '...'], 'ERR_FFAST_DEFINITION'],
  ];
  for (const [parameters, code] of bad) {
    assert.throws(() => ffast.dlopen(LIB, { vsum: { parameters, result: 'f64' } }), (e) => {
      h.assertFfastError(e, code, JSON.stringify(parameters), "'...'");
      return true;
    });
  }
  assert.throws(() => ffast.callback({ parameters: ['int', '...'], result: 'void' }, () => {}), (e) => {
    h.assertFfastError(e, 'ERR_FFAST_UNSUPPORTED', 'callback', "'...'");
    return true;
  });
});

test('type/value pairs: a missing value, a missing fixed argument, bad type names, structs: typed errors, cold and hot', () => {
  const good = [OUT, OUT.length, 'i', 'int', 1];
  const P = ffast.struct({ a: 'i32' });
  const U = ffast.union({ a: 'i32', b: 'f32' });
  const cases = [
    [[OUT, OUT.length, 'i', 'int'], 'ERR_FFAST_ARG_COUNT', 'odd pair count'],
    [[OUT, OUT.length, 'ii', 'int', 1, 'int'], 'ERR_FFAST_ARG_COUNT', 'odd pair count (3)'],
    [[OUT, OUT.length], 'ERR_FFAST_ARG_COUNT', 'missing fixed argument'],
    [[OUT, OUT.length, 'i', 'int33', 1], 'ERR_FFAST_TYPE', 'unknown type'],
    [[OUT, OUT.length, 'i', 'void', 1], 'ERR_FFAST_TYPE', 'void'],
    [[OUT, OUT.length, 'i', '...', 1], 'ERR_FFAST_TYPE', "'...' as a type"],
    [[OUT, OUT.length, 'i', 42, 1], 'ERR_FFAST_TYPE', 'a number as a type'],
    [[OUT, OUT.length, 'i', null, 1], 'ERR_FFAST_TYPE', 'null as a type'],
    [[OUT, OUT.length, 'i', new String('int'), 1], 'ERR_FFAST_TYPE', 'a String object as a type'],
    [[OUT, OUT.length, 'i', 'x'.repeat(100000), 1], 'ERR_FFAST_TYPE', 'a huge type name'],
    [[OUT, OUT.length, 'i', P, { a: 1 }], 'ERR_FFAST_UNSUPPORTED', 'a struct'],
    [[OUT, OUT.length, 'i', U, { a: 1 }], 'ERR_FFAST_UNSUPPORTED', 'a union'],
    [[OUT, OUT.length, 'i', 'struct{a:i32}', { a: 1 }], 'ERR_FFAST_TYPE', 'struct text'],
    [[OUT, OUT.length, 'i', 'int', 'abc'], 'ERR_FFAST_ARG_TYPE', 'a string for int'],
    [[OUT, OUT.length, 'd', 'float', 'abc'], 'ERR_FFAST_ARG_TYPE', 'a string for float'],
    [[OUT, OUT.length, 'l', 'i64', 2n ** 64n], 'ERR_FFAST_ARG_RANGE', 'i64 beyond range'],
    [[OUT, OUT.length, 's', 'string', 5], 'ERR_FFAST_ARG_TYPE', 'a number for string'],
    [[OUT, OUT.length, 'p', 'buffer', {}], 'ERR_FFAST_ARG_TYPE', 'an object for buffer'],
  ];
  for (const [args, code, what] of cases) {
    h.coldHotThrows(S.vdescribe, good.length === args.length ? good : null, args, code, { label: `pairs_err_${what.replace(/\W/g, '_')}` });
  }
  // A float value error names the type the caller wrote.
  assert.throws(() => S.vdescribe(OUT, OUT.length, 'd', 'float', 'abc'), /expected f32/);
  // A Proxy or an object with a toString as a type is refused without running its code.
  let ran = 0;
  const sneaky = new Proxy({}, { get: () => (ran++, () => 'int'), getPrototypeOf: () => (ran++, null) });
  assert.throws(() => S.vdescribe(OUT, OUT.length, 'i', sneaky, 1), { code: 'ERR_FFAST_TYPE' });
  assert.throws(() => S.vdescribe(OUT, OUT.length, 'i', { toString: () => (ran++, 'int') }, 1), { code: 'ERR_FFAST_TYPE' });
  assert.equal(ran, 0, 'no trap or toString ran');
});

test('.variadic(): bad type names and structs are typed errors; nothing is cached for them', () => {
  const P = ffast.struct({ a: 'i32' });
  const cases = [
    [['int33'], 'ERR_FFAST_TYPE'],
    [['void'], 'ERR_FFAST_TYPE'],
    [['...'], 'ERR_FFAST_TYPE'],
    [[42], 'ERR_FFAST_TYPE'],
    [[undefined], 'ERR_FFAST_TYPE'],
    [[P], 'ERR_FFAST_UNSUPPORTED'],
    [[ffast.pointer(P)], 'ERR_FFAST_UNSUPPORTED'],
    [['int', P], 'ERR_FFAST_UNSUPPORTED'],
  ];
  for (const [types, code] of cases) {
    for (let k = 0; k < 2; k++) assert.throws(() => S.vdescribe.variadic(...types), { code }, types.map((t) => (typeof t === 'string' ? t : typeof t)).join());
  }
});

test('closed library: type/value calls, .variadic() and shape functions throw ERR_FFAST_CLOSED', () => {
  const L = ffast.dlopen(LIB, { vsum: { parameters: ['i32', '...'], result: 'f64' } });
  const g = L.symbols.vsum.variadic('double');
  assert.equal(g(1, 2.5), 2.5);
  const { vsum } = L.symbols;
  L.close();
  for (const thunk of [() => vsum(1, 'double', 1), () => vsum.variadic('double'), () => vsum.variadic('int'), () => g(1, 2.5)]) {
    assert.throws(thunk, { code: 'ERR_FFAST_CLOSED' });
  }
});

test('shapes are compiled once: 10^4 calls over 8 shapes add no code; close() frees it all', () => {
  const pagesBefore = ffast.__internal.jitPages();
  const L = ffast.dlopen(LIB, { vdescribe: DESCRIBE });
  const f = L.symbols.vdescribe;
  const lists = [[], ['i32'], ['f64'], ['i32', 'f64'], ['string'], ['f32', 'f32'], ['u64'], ['f64', 'i32', 'f64']];
  const vals = { i32: -3, f64: 0.5, string: 'z', f32: 1.1, u64: 9 };
  const call = (k) => {
    const pairs = lists[k].map((t) => [t, vals[t]]);
    const r = f(OUT, OUT.length, letters(pairs), ...flat(pairs));
    assert.equal(outText(), describeText(pairs));
    return r;
  };
  for (let k = 0; k < lists.length; k++) call(k);
  const pagesShapes = ffast.__internal.jitPages();
  assert.ok(pagesShapes > pagesBefore, 'the shapes have code');
  for (let i = 0; i < 10000; i++) call(i % lists.length);
  assert.equal(ffast.__internal.jitPages(), pagesShapes, 'no new code after the first call of each shape');
  L.close();
  assert.equal(ffast.__internal.jitPages(), pagesBefore, 'close() returns every page, shapes included');
});
