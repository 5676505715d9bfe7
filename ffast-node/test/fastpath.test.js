'use strict';
// The explicit proof that the V8 fast path is taken on this Node line (docs/v8-fast-api.md §12):
// for representative signatures, optimize a loop with TurboFan, run 10^5 calls, assert that
// __internal.slowCalls() did not move and the results are correct. Control: the same loops in a
// fresh child process started with --no-turbo-fast-api-calls must show exactly N slow calls.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const h = require('./_helpers.js');

const CASES = require('./fixture/fastpath_cases.js');
const N = 100000;

test('fast calls are registered on this Node line', () => {
  assert.equal(h.ffast.__internal.fastEnabled, true, `__internal.fastEnabled is false on node ${process.versions.node}`);
});

const lib = h.openFixture(CASES.symbols);
for (const c of CASES.cases(h)) {
  // Slow by design: more than MAX_FAST_PARAMS parameters (V8's compiler crashes on them).
  const tooMany = c.args.length > h.MAX_FAST_PARAMS;
  const expectFast = !tooMany;
  const why = `slow path by design: more than ${h.MAX_FAST_PARAMS} parameters`;
  test(`${c.name}: ${N} optimized calls ${expectFast ? 'all take the fast path' : `are correct (${why})`}`, () => {
    const r = CASES.runLoop(h, lib.symbols[c.sym], c, N);
    assert.ok(r.tierBefore, `${c.name}: loop is not TurboFan before the measured run`);
    assert.ok(r.tierAfter, `${c.name}: loop is not TurboFan after the measured run (deopt)`);
    h.check(r.last, c.expect, `${c.name}: result`);
    assert.equal(r.acc, N, `${c.name}: only ${r.acc} of ${N} results were correct`);
    if (expectFast) assert.equal(r.slow, 0, `${c.name}: ${r.slow} of ${N} calls took the slow path on node ${process.versions.node}`);
    if (tooMany) assert.equal(r.slow, N, `${c.name}: expected every call on the slow path`);
  });
}

test('control: with --no-turbo-fast-api-calls every optimized call takes the slow path', () => {
  const child = path.join(__dirname, 'fixture', 'fastpath_child.js');
  // Under qemu without binfmt_misc the child must be started through the emulator.
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['--no-turbo-fast-api-calls', child, String(N)];
  const out = execFileSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const results = JSON.parse(out.trim().split('\n').pop());
  const names = CASES.cases(h).map((c) => c.name);
  assert.deepEqual(results.map((r) => r.name), names);
  for (const r of results) {
    assert.ok(r.ok, `control ${r.name}: wrong result ${r.detail}`);
    assert.ok(r.tierBefore && r.tierAfter, `control ${r.name}: not TurboFan`);
    assert.equal(r.slow, N, `control ${r.name}: slowCalls grew by ${r.slow}, expected ${N}`);
  }
});

test('many symbols of one shape: each optimized caller reaches its own fast target', () => {
  // Interleave eight int(int) symbols, then prove that each one, called from an optimized
  // caller, calls its own C function on the fast path.
  // Eight targets: past V8's polymorphic limit (4), so a call site that relied on feedback
  // would be megamorphic and lose the fast call.
  const names = ['abs', 'toupper', 'tolower', 'isdigit', 'isalpha', 'isspace', 'isupper', 'islower'];
  const libc = h.ffast.dlopen(null, Object.fromEntries(names.map((n) => [n, { parameters: ['i32'], result: 'i32' }])));
  const fns = names.map((n) => libc.symbols[n]);
  for (let k = 0; k < 50; k++) for (const f of fns) f(k);
  const { abs, toupper, tolower, isdigit, isalpha, isspace, isupper, islower } = libc.symbols;
  const cases = [
    [abs, -41, 41],
    [toupper, 0x61, 0x41],
    [tolower, 0x5a, 0x7a],
    [isdigit, 0x37, null], // C: non-zero, value unspecified
    [isdigit, 0x41, 0],
    [isalpha, 0x31, 0],
    [isspace, 0x20, null],
    [isupper, 0x61, 0],
    [islower, 0x61, null],
  ];
  for (const [f, x, want] of cases) {
    const got = h.hot(f, [x], { fast: true, label: `shared_shape_${x}` });
    if (want === null) assert.notEqual(got, 0);
    else assert.equal(got, want);
  }
});

test('a dispatcher calling many symbols from one call site still makes fast calls', () => {
  // The call site `fns[i & 7](…)` is megamorphic, so TurboFan does not inline the wrappers: each
  // is optimized on its own, and only a wrapper with its own feedback knows its single target.
  // A literal shared by all symbols of a shape made every one of these calls slow. Each symbol
  // is bound by its own dlopen, so all eight wrappers come from the same literal of the same
  // shape script, made by different runs of it (see wrapAll in index.js): the strongest case.
  const names = ['abs', 'toupper', 'tolower', 'isdigit', 'isalpha', 'isspace', 'isupper', 'islower'];
  const fns = names.map((n) => h.ffast.dlopen(null, { [n]: { parameters: ['i32'], result: 'i32' } }).symbols[n]);
  // Natural tiering, as in a long-running program (assertDispatchFast warms up until every
  // wrapper runs TurboFan code, the only tier that makes fast calls).
  h.assertDispatchFast(fns, names, 'dispatch', 2000);
});

test('floating-point arguments only, all in registers: V8 calls C itself (no trampoline), fast, guarded by close()', () => {
  // ffast-core trampoline::target_is_entry: V8 passes such arguments where C wants them, so the
  // V8 function's fast target is the C function itself. FFAST_DEBUG=asm lists every fast
  // trampoline made: mul_f64 and add_f32 (a float result V8 takes as C returns it) must have
  // none; add_i32 (shifted by the receiver), f32_bits declared u16 (a narrow result V8 wants
  // extended) and a mul_f64 declared with errno keep theirs.
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const src = `
    const h = require(${JSON.stringify(require.resolve('./_helpers'))});
    const L = h.openFixture({ mul_f64: { parameters: ['f64', 'f64'], result: 'f64' }, add_i32: { parameters: ['i32', 'i32'], result: 'i32' },
      add_f32: { parameters: ['f32', 'f32'], result: 'f32' }, f32_bits_u16: { name: 'f32_bits', parameters: ['f32'], result: 'u16' },
      mul_f64_errno: { name: 'mul_f64', parameters: ['f64', 'f64'], result: 'f64', errno: true } });
    console.log(L.symbols.mul_f64(1.5, -4));`;
  const args = ['-e', src];
  const r = require('node:child_process').spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...args] : args, {
    encoding: 'utf8', env: { ...process.env, FFAST_DEBUG: 'asm' }, timeout: 120e3,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '-6');
  const listed = new Set([...r.stderr.matchAll(/^ffast: trampoline (\S+) \(/gm)].map((m) => m[1]));
  const direct = new Set([...r.stderr.matchAll(/^ffast: trampoline (\S+): none \(V8 calls C directly\)$/gm)].map((m) => m[1]));
  const ours = (set) => [...set].filter((n) => /^(mul_f64|add_i32|add_f32|f32_bits_u16|mul_f64_errno)$/.test(n)).sort();
  assert.deepEqual(ours(listed), ['add_i32', 'f32_bits_u16', 'mul_f64_errno']);
  assert.deepEqual(ours(direct), ['add_f32', 'mul_f64']);
  // In this process: exact results cold and hot (fast path proven), -0, NaN and infinities
  // through C untouched, and close() still turns every call into ERR_FFAST_CLOSED, cold and
  // from an optimized caller: the wrapper's check is what guards a target in a closed library.
  const L = h.openFixture({ mul_f64: { parameters: ['f64', 'f64'], result: 'f64' }, add_f32: { parameters: ['f32', 'f32'], result: 'f32' } });
  for (const [a, b] of [[1.5, -4], [-0, 1], [NaN, 2], [Infinity, -1], [Number.MAX_VALUE, 2], [5e-324, 0.5]]) {
    h.coldHot(L.symbols.mul_f64, [a, b], a * b);
  }
  // float: arguments rounded to float, the sum rounded to float, the result exactly that float.
  for (const [a, b] of [[1.5, 2.25], [0.1, 0.2], [-0, -0], [3.4e38, 3.4e38], [1e-45, 1e-45], [NaN, 1], [16777216, 1]]) {
    h.coldHot(L.symbols.add_f32, [a, b], Math.fround(Math.fround(a) + Math.fround(b)));
  }
  const f = L.symbols.mul_f64;
  const caller = new Function('f', 'return function callMul(a, b) { return f(a, b); }')(f);
  h.N.prepare(caller);
  for (let k = 0; k < 30; k++) caller(2, 3);
  h.N.optimizeNext(caller);
  assert.equal(caller(2, 3), 6);
  L.close();
  for (let k = 0; k < 3; k++) {
    let code;
    try {
      caller(2, 3);
    } catch (e) {
      code = e.code;
    }
    assert.equal(code, 'ERR_FFAST_CLOSED', `call ${k} after close()`);
  }
});
