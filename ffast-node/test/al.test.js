'use strict';
// %al before every call of a C target (issue 14 item 2, docs/variadic.md §2.1).
//
// A SysV x86-64 caller of a function with an ellipsis passes in %al an upper bound (0-8) of the
// vector registers it used; gcc's va_start prologue saves xmm0-7 only when %al is not 0 (psABI
// §3.2.3, §3.5.7). On Linux a variadic C function may be declared with fixed parameters of the
// promoted types, so every trampoline that calls C (fast direct, fast framed, the invoker of the
// slow path / N-API path / nonblocking calls / callbacks: true) sets %al. Before, the fast
// trampoline ended in `mov rax, target; jmp rax`: %al was the low byte of the target's address,
// 0 for vsum placed at a 256-byte-aligned address, and most hot calls summed garbage.
//
// These tests declare the functions with fixed parameters (and one float-only function with
// '...', which is how such a function must be declared: docs/variadic.md §1.4); variadic.test.js
// covers '...'.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const { ffast } = h;
const { buildVarErr } = require('./fixture/varerr.js');

const LIB = buildVarErr();
const X64 = process.arch === 'x64';
const FAST = ffast.__internal.fastEnabled;

let loopId = 0;
/** A fresh function (unique text: its own feedback) with this body. */
function loopOf(label, params, body) {
  const k = ++loopId;
  return new Function(`/* al loop #${k} ${label} */\nreturn function alloop_${k}(${params.join(', ')}) {\n${body}\n};`)();
}

test('vsum at a 256-byte-aligned address, declared with fixed parameters, sums right on 10^5 hot calls', () => {
  const V = ffast.dlopen(LIB, {
    vsum_address: { parameters: [], result: 'usize' },
    vsum3: { name: 'vsum', parameters: ['i32', 'f64', 'f64', 'f64'], result: 'f64' },
    // 10 doubles: two of them on the stack (framed or stack-copying trampolines).
    vsum10: { name: 'vsum', parameters: ['i32', ...Array(10).fill('f64')], result: 'f64' },
  });
  const S = V.symbols;
  assert.equal(S.vsum_address() % 256, 0, 'the fixture places vsum at a 256-byte-aligned address');
  const N = 100000;
  const cases = [
    ['3 doubles (direct, tail call)', S.vsum3, 'f(3, a, 0.25, -1) !== a - 0.75'],
    ['10 doubles (2 on the stack)', S.vsum10, 'f(10, a, 1, 2, 3, 4, 5, 6, 7, 8, 9) !== a + 45'],
  ];
  for (const [name, f, wrong] of cases) {
    const body = `let bad = 0;
      for (let i = 0; i < n; i++) { const a = (i & 1023) * 0.5; if (${wrong}) bad++; }
      return bad;`;
    const cold = loopOf(`${name} cold`, ['f', 'n'], body);
    h.N.neverOptimize(cold);
    assert.equal(cold(f, 200), 0, `${name}: wrong sums among 200 cold calls`);

    const loop = loopOf(name, ['f', 'n'], body);
    h.N.prepare(loop);
    loop(f, 50);
    loop(f, 50);
    h.N.optimizeNext(loop);
    loop(f, 50);
    const tierBefore = h.N.isTurbofan(loop);
    const before = h.slowCalls();
    const bad = loop(f, N);
    const slow = h.slowCalls() - before;
    assert.equal(bad, 0, `${name}: ${bad} of ${N} hot calls returned a wrong sum [node ${process.versions.node}]`);
    if (FAST) {
      assert.ok(tierBefore && h.N.isTurbofan(loop), `${name}: the loop is optimized`);
      assert.equal(slow, 0, `${name}: ${slow} of ${N} calls took the slow path`);
    }
  }
  V.close();
});

test('x64: every trampoline kind sets %al to an upper bound of the vector registers used (0-8)', { skip: !X64 && '%al is x86-64 only' }, async () => {
  const Pt = ffast.struct({ x: 'f64', y: 'f64' });
  // v_al is `naked`: it returns %al as the trampoline left it.
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
    // Floats only: declared fixed, V8 would call C directly with %al unset (docs/variadic.md
    // §1.4); declared with '...', a trampoline sets it.
    floats: { name: 'v_al', parameters: ['f64', '...'], result: 'i32' },
    tracked: d(['f64'], { callbacks: true }),
    nb: d(['f64', 'f64'], { nonblocking: true }),
    nb0: d(['i32'], { nonblocking: true }),
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
    ['floats', [1.5, 2.5], 2],
    ['tracked', [1], 1],
  ];
  const fn = { ...L, floats: L.floats.variadic('double') };
  for (const [k, args, used] of cases) {
    const ok = (al, msg) => assert.ok(al >= used && al <= 8, `${msg}: %al = ${al}, expected ${used}..8`);
    h.coldHot(fn[k], args, ok, { fast: k === 'tracked' ? 'slow' : undefined, label: `al_${k}`, identical: false, stable: false });
  }
  // The invoker on a pool thread (nonblocking) too.
  const al = await L.nb(1, 2);
  assert.ok(al >= 2 && al <= 8, `nonblocking: %al = ${al}, expected 2..8`);
  const al0 = await L.nb0(1);
  assert.ok(al0 >= 0 && al0 <= 8, `nonblocking, no vector register: %al = ${al0}, expected 0..8`);
  lib.close();
});
