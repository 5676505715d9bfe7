'use strict';
// Shared harness for the ffast Node test suite.
//
// - builds the C fixture (test/fixture/ffast_test.c -> target/fixture/libffast_test.so) when missing
//   or older than its source;
// - loads ffast via require('..');
// - cold(fn, args): call from a never-optimized caller (interpreter => slow path); asserts that
//   __internal.slowCalls() grows by exactly 1;
// - hot(fn, args, opts): call from a FRESH TurboFan-optimized caller (unique source text, so no
//   shared feedback); asserts the tier and, when the fast path is expected, that slowCalls() did
//   not move during the measured call;
// - coldHot / coldHotThrows: both, with identical results / identical errors;
// - coldHotAsync: coldHot for nonblocking functions (their calls return Promises and always take
//   the slow path; the settled values are compared).
//
// The natives syntax (%Foo) is parsed when a function is compiled, so the flag is set first and
// every function that uses natives is created with new Function afterwards.
require('v8').setFlagsFromString('--allow-natives-syntax');
// Diagnostic knob, off by default: extra V8 flags applied before ffast loads, e.g.
// FFAST_TEST_V8_FLAGS=--no-lazy-feedback-allocation (separates feedback warm-up issues from others).
if (process.env.FFAST_TEST_V8_FLAGS) {
  for (const f of process.env.FFAST_TEST_V8_FLAGS.split(/\s+/).filter(Boolean)) require('v8').setFlagsFromString(f);
}

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const major = +process.versions.node.split('.')[0];

const N = {
  prepare: new Function('f', '%PrepareFunctionForOptimization(f);'),
  optimizeNext: new Function('f', '%OptimizeFunctionOnNextCall(f);'),
  neverOptimize: new Function('f', '%NeverOptimizeFunction(f);'),
  isTurbofan: new Function('f', 'return %ActiveTierIsTurbofan(f);'),
  deoptimize: new Function('f', '%DeoptimizeFunction(f);'),
};

// ------------------------------------------------------------------ fixture
const PKG = path.resolve(__dirname, '..');
const REPO = path.resolve(PKG, '..');
const FIXTURE_SRC = path.join(__dirname, 'fixture', 'ffast_test.c');
// One build per architecture (arm64 runs under qemu from the same tree); FFAST_TEST_CC names a
// cross compiler (aarch64-linux-gnu-gcc) when the host cannot build for process.arch.
const FIXTURE_DIR = path.join(REPO, 'target', 'fixture', process.arch);
const CC = process.env.FFAST_TEST_CC || 'gcc';
const FIXTURE = path.join(FIXTURE_DIR, 'libffast_test.so');

/**
 * Build C source `src` into FIXTURE_DIR/lib<name>.so when it is missing or older than its
 * source (FFAST_TEST_CC for a cross compiler); `extra`: more compiler arguments. Returns the path.
 */
function buildLibrary(src, name, extra = []) {
  const lib = path.join(FIXTURE_DIR, `lib${name}.so`);
  let stale = true;
  try {
    stale = fs.statSync(lib).mtimeMs < fs.statSync(src).mtimeMs;
  } catch {
    stale = true;
  }
  if (!stale) return lib;
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  // test files run in parallel processes: build to a private name, then rename atomically
  const tmp = path.join(FIXTURE_DIR, `.lib${name}.${process.pid}.${Date.now()}.so`);
  // -ffp-contract=off: no fused multiply-adds (gcc's default on arm64), so C rounds each step as the
  // tests' JS models do.
  execFileSync(CC, ['-O2', '-ffp-contract=off', '-fPIC', '-shared', '-o', tmp, src, ...extra], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  fs.renameSync(tmp, lib);
  return lib;
}
const buildFixture = () => buildLibrary(FIXTURE_SRC, 'ffast_test', ['-lm', '-lpthread']);
buildFixture();

// ------------------------------------------------------------------ ffast
const ffast = require(PKG);
const { FfastError } = ffast;
const slowCalls = () => ffast.__internal.slowCalls();

// jsName -> definition, per bound function, so hot() can decide whether the fast path is expected
const defs = new WeakMap();

function register(fnOrLib, symbols) {
  const syms = fnOrLib && fnOrLib.symbols ? fnOrLib.symbols : null;
  if (syms) {
    // (Own data properties only: a variable is an accessor, whose getter reads C's memory.)
    for (const [k, d] of Object.entries(symbols)) {
      const f = Object.getOwnPropertyDescriptor(syms, k)?.value;
      if (typeof f === 'function') defs.set(f, d);
    }
  } else if (typeof fnOrLib === 'function') {
    defs.set(fnOrLib, symbols);
  }
  return fnOrLib;
}

/** dlopen the fixture and remember every definition. */
function openFixture(symbols) {
  const lib = ffast.dlopen(FIXTURE, symbols);
  register(lib, symbols);
  return lib;
}

// ------------------------------------------------------------------ formatting / comparison
function fmt(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v);
  if (v instanceof Error) return `${v.constructor.name}(${v.code}: ${v.message})`;
  if (ArrayBuffer.isView(v)) {
    // A DataView's accessors throw once its buffer is detached or it is out of bounds.
    try {
      return `${v.constructor.name}(byteOffset=${v.byteOffset}, byteLength=${v.byteLength})`;
    } catch {
      return `${v.constructor.name}(detached or out of bounds)`;
    }
  }
  if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) return `${v.constructor.name}(${v.byteLength})`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return `function ${v.name}`;
  if (v && typeof v === 'object') return Array.isArray(v) ? `[array(${v.length})]` : '{object}';
  return String(v);
}
const fmtArgs = (args) => '(' + args.map(fmt).join(', ') + ')';

function same(a, b) {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  return a === b;
}

function assertSame(actual, expected, msg) {
  if (!same(actual, expected)) {
    assert.fail(`${msg}: expected ${fmt(expected)} (${typeof expected}), got ${fmt(actual)} (${typeof actual})`);
  }
}

function check(value, expect, msg) {
  if (typeof expect === 'function') expect(value, msg);
  else assertSame(value, expect, msg);
}

// ------------------------------------------------------------------ result helpers (README "Types", docs/v8-fast-api.md §7)
const SAFE = 2n ** 53n - 1n;
/** Number when |v| <= 2^53-1, BigInt otherwise (spec result rule for 64-bit ints). */
function int64Result(b) {
  b = BigInt.asIntN(64, BigInt(b));
  return b >= -SAFE && b <= SAFE ? Number(b) : b;
}
function uint64Result(b) {
  b = BigInt.asUintN(64, BigInt(b));
  return b <= SAFE ? Number(b) : b;
}
/** pointer result: null for 0, Number when safe, BigInt otherwise. */
function ptrResult(b) {
  b = BigInt.asUintN(64, BigInt(b));
  if (b === 0n) return null;
  return b <= SAFE ? Number(b) : b;
}
/** spec argument conversion of a Number/BigInt to 64 bits (as an unsigned BigInt). */
function to64(v) {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  return BigInt.asUintN(64, BigInt(Math.trunc(v)));
}
const toI8 = (x) => ((x | 0) << 24) >> 24;
const toU8 = (x) => (x | 0) & 0xff;
const toI16 = (x) => ((x | 0) << 16) >> 16;
const toU16 = (x) => (x | 0) & 0xffff;
const toI32 = (x) => x | 0;
const toU32 = (x) => x >>> 0;

// ------------------------------------------------------------------ fast-kind classification (docs/v8-fast-api.md §6)
const INT64_MIN = -(2 ** 63);
const INT64_LIM = 2 ** 63;
const isView = (v) =>
  v instanceof ArrayBuffer ||
  (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) ||
  ArrayBuffer.isView(v);

function canonicalType(t) {
  const alias = {
    int: 'i32', 'unsigned int': 'u32', long: 'i64', 'unsigned long': 'u64', size_t: 'usize',
    ssize_t: 'isize', double: 'f64', float: 'f32', 'char*': 'string', 'const char*': 'string',
    'void*': 'pointer', int8_t: 'i8', uint8_t: 'u8', int16_t: 'i16', uint16_t: 'u16',
    int32_t: 'i32', uint32_t: 'u32', int64_t: 'i64', uint64_t: 'u64', short: 'i16',
    'unsigned short': 'u16', char: 'i8', 'unsigned char': 'u8', _Bool: 'bool',
    intptr_t: 'isize', uintptr_t: 'usize',
  };
  return alias[t] || t;
}

function argIsFastKind(type, v) {
  if (typeof type !== 'string') {
    // ffast type objects: a struct/union by value never reaches V8 (the wrapper writes it to the
    // binding's area); pointer(T) passes V8 an address (the wrapper's temporary for objects).
    if (type.kind === 'pointer') return v === null || v === undefined || typeof v === 'object' || argIsFastKind('pointer', v);
    return true;
  }
  switch (canonicalType(type)) {
    case 'i8': case 'u8': case 'i16': case 'u16': case 'i32': case 'u32': case 'f32': case 'f64':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'i64': case 'u64': case 'isize': case 'usize': case 'pointer':
      return typeof v === 'number' && Number.isInteger(v) && v >= INT64_MIN && v < INT64_LIM;
    case 'buffer':
      return v === null || v === undefined || isView(v);
    case 'string':
      // flat one-byte strings; callers pass literals or join() results, and pass fast:false
      // explicitly for cons strings built by concatenation/repeat.
      return typeof v === 'string' && /^[\x00-\xff]*$/.test(v);
    default:
      return false;
  }
}

/** Results that a fast call can produce without allocating (Number, boolean, undefined). */
const isSimpleResult = (r) => typeof r === 'number' || typeof r === 'boolean' || r === undefined;

/**
 * arm64 (docs/v8-fast-api.md §6.1): a signature whose fast call would pass V8 an odd number of
 * integer-class AND an odd number of floating-point stack arguments gets no fast target (V8
 * restores its stack pointer wrongly after such a call). Counted here from the definition, on
 * its own (ffast-core's rule is `v8_stack_drop_hazard`): by-value structs and unions never
 * reach V8; the receiver takes x0; Node 20 passes its options pointer after a buffer parameter.
 */
function arm64StackHazard(parameters) {
  if (process.arch !== 'arm64') return false;
  const scalars = parameters.filter((t) => typeof t === 'string' || (t.kind !== 'struct' && t.kind !== 'union'));
  const fp = scalars.filter((t) => typeof t === 'string' && (canonicalType(t) === 'f32' || canonicalType(t) === 'f64')).length;
  let gp = 1 + scalars.length - fp;
  if (major < 22 && scalars.some((t) => typeof t === 'string' && canonicalType(t) === 'buffer')) gp++;
  return Math.max(0, gp - 8) % 2 === 1 && Math.max(0, fp - 8) % 2 === 1;
}

function expectFastFor(fn, args, result) {
  const d = defs.get(fn);
  // A nonblocking function is a plain N-API function returning a Promise: never a fast call.
  if (d && d.nonblocking) return 'slow';
  if (!d) return isSimpleResult(result);
  if (!Array.isArray(d.parameters) || d.parameters.length !== args.length) return false;
  // V8 crashes compiling fast calls with 31+ parameters; ffast registers them slow-only. The
  // count is V8's: by-value structs/unions never reach V8 (the wrapper puts them in the area).
  const byValue = (t) => typeof t !== 'string' && (t.kind === 'struct' || t.kind === 'union');
  if (d.parameters.filter((t) => !byValue(t)).length > MAX_FAST_PARAMS) return 'slow';
  if (arm64StackHazard(d.parameters)) return 'slow';
  return d.parameters.every((t, i) => argIsFastKind(t, args[i])) && isSimpleResult(result);
}

// ------------------------------------------------------------------ cold
const coldCall = function coldCall(f, args) {
  return f(...args);
};
N.neverOptimize(coldCall);

/**
 * nested: the call runs JS (callbacks) that makes ffast calls of its own, which count too: the
 * count grows by at least one (the call's own) rather than exactly one.
 */
function cold(fn, args, label = fn.name, nested = false) {
  // A JS wrapper made by an earlier run of the same cached wrapper script shares its optimized
  // code with every wrapper of that shape (one feedback cell per function literal): optimized
  // for another library's function (a hot test), this one would call fast even from an
  // interpreted caller. Seen with several test files in one process (fastpath, then scalars).
  // (%DeoptimizeFunction aborts the process on anything but a plain JS function.)
  if (!require('node:util').types.isProxy(fn) && !/^bound /.test(fn.name)) N.deoptimize(fn);
  // A read.* / write.* accessor calls a bound wrapper of its own, which an earlier file's hot
  // loops may have optimized in its own right (every test file in one process).
  const inner = ffast.__internal.innerOf(fn);
  if (inner !== undefined) N.deoptimize(inner);
  const before = slowCalls();
  const r = coldCall(fn, args);
  const delta = slowCalls() - before;
  if (nested) assert.ok(delta >= 1, `cold ${label}${fmtArgs(args)}: slowCalls() grew by ${delta}, expected at least 1`);
  else assert.equal(delta, 1, `cold ${label}${fmtArgs(args)}: slowCalls() grew by ${delta}, expected exactly 1`);
  return r;
}

// ------------------------------------------------------------------ hot
let caseCounter = 0;
/** A fresh caller with unique source text (identical text would share feedback, see docs/v8-fast-api.md §10.2). */
function makeCaller(nargs, label) {
  const n = ++caseCounter;
  const tag = String(label || 'fn').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  const params = Array.from({ length: nargs }, (_, i) => 'a' + i).join(', ');
  const src =
    `/* ffast hot case #${n} (${tag}), ${nargs} args */\n` +
    `return function hot_${n}_${tag}(f${nargs ? ', ' + params : ''}) { return f(${params}); };`;
  return new Function(src)();
}

/**
 * opts.fast: undefined = decide from the spec (all args of fast kind and a Number/boolean/undefined
 *            result => must be fast); true = must be fast; false = not asserted; 'slow' = must be slow.
 * opts.stable: (default true) the warm-up results must equal the measured one.
 * opts.identical (coldHot only): (default true) hot and cold results must be identical.
 * opts.optimizeCallee: also TurboFan-optimize `fn` itself when it is a JS wrapper (see below).
 * opts.nested: the call's callbacks make ffast calls too ('slow': the count grows by >= 1).
 */
const WARMUP_CALLS = 24;
/** ffast's cap on fast-call parameters (ffast-node/src/v8.rs MAX_FAST_PARAMS). */
const MAX_FAST_PARAMS = 30;

function hot(fn, args, opts = {}) {
  const label = opts.label || fn.name;
  const caller = makeCaller(args.length, label);
  const where = `hot ${label}${fmtArgs(args)} [node ${process.versions.node}]`;
  N.prepare(caller);
  // Warm up as a hot loop would: V8 allocates a function's feedback vector only after several
  // calls (lazy feedback allocation); until the ffast wrapper has one, an optimized caller that
  // inlines it has no call-target feedback for the native function and calls it generically
  // (the slow path). Real hot code always crosses this threshold long before TurboFan runs.
  // With opts.stable === false the warm-up results are not kept: results that are objects
  // (structs by value) kept alive through a GC make V8 pretenure their allocation site, which
  // deoptimizes the caller ("code dependencies") at a GC-dependent moment.
  const warm = [];
  const keep = opts.stable !== false ? (r) => warm.push(r) : () => {};
  // opts.optimizeCallee: when `fn` is a generated JS wrapper (by-value aggregates, 64-bit,
  // pointer or string results) that TurboFan may not inline into the caller (its bytecode
  // budget: six or more aggregates, or ~25 parameters), optimize it in its own right too, as a
  // long-running hot loop eventually does; otherwise its interpreted body calls the slow path.
  // A V8 API function (no wrapper) is left alone.
  const optCallee = opts.optimizeCallee && !/\[native code\]\s*\}$/.test(Function.prototype.toString.call(fn));
  if (optCallee) N.prepare(fn);
  for (let k = 0; k < WARMUP_CALLS; k++) keep(caller(fn, ...args));
  if (optCallee) N.optimizeNext(fn);
  N.optimizeNext(caller);
  keep(caller(fn, ...args));
  if (!N.isTurbofan(caller)) {
    // The first optimized run may deoptimize once on feedback an earlier, different call left
    // (e.g. a NULL result seen cold made `c !== 0` speculate on small integers, and the next
    // address failed the check: "lost precision or NaN", pointers-memory make_msg, seen on x64
    // Node 20/22 and arm64 Node 24 in one run of ten). A hot loop re-optimizes with the
    // widened feedback; so does this, once. A deoptimization that repeats still fails below.
    for (let k = 0; k < WARMUP_CALLS; k++) keep(caller(fn, ...args));
    if (optCallee) N.optimizeNext(fn);
    N.optimizeNext(caller);
    keep(caller(fn, ...args));
  }
  const tierBefore = N.isTurbofan(caller);
  const before = slowCalls();
  const r = caller(fn, ...args);
  const delta = slowCalls() - before;
  const tierAfter = N.isTurbofan(caller);
  let fast = opts.fast;
  if (fast === undefined) fast = expectFastFor(fn, args, r);
  if (fast === true) {
    assert.ok(tierBefore, `${where}: caller is not TurboFan before the measured call`);
    assert.ok(tierAfter, `${where}: caller is not TurboFan after the measured call (deopt?)`);
    assert.equal(delta, 0, `${where}: expected the fast path, slowCalls() grew by ${delta}`);
  } else if (fast === 'slow') {
    if (opts.nested) assert.ok(delta >= 1, `${where}: expected the slow path, slowCalls() grew by ${delta}`);
    else assert.equal(delta, 1, `${where}: expected the slow path, slowCalls() grew by ${delta}`);
  }
  if (opts.stable !== false) {
    // A nonblocking call returns a Promise: compare what the warm-up and measured calls settle
    // to, and hand back a Promise of the measured value.
    if (r instanceof Promise) {
      return Promise.all([r, ...warm]).then(([v, ...ws]) => {
        for (const w of ws) assertSame(w, v, `${where}: warm-up result differs from measured`);
        return v;
      });
    }
    for (const w of warm) assertSame(w, r, `${where}: warm-up result differs from measured`);
  }
  return r;
}

/** cold + hot; both must satisfy `expect` (a value compared with Object.is / ===, or a checker fn) and be identical. */
function coldHot(fn, args, expect, opts = {}) {
  const label = opts.label || fn.name;
  const c = cold(fn, args, label, opts.nested === true);
  check(c, expect, `cold ${label}${fmtArgs(args)}`);
  const h = hot(fn, args, opts);
  check(h, expect, `hot ${label}${fmtArgs(args)}`);
  if (opts.identical !== false) assertSame(h, c, `${label}${fmtArgs(args)}: hot vs cold`);
  return c;
}

/**
 * coldHot for a nonblocking function: the cold and the hot call must each return a Promise
 * (and take the slow path), and settle to values satisfying `expect`, identical to each other.
 */
async function coldHotAsync(fn, args, expect, opts = {}) {
  const label = opts.label || fn.name;
  const cp = cold(fn, args, label);
  assert.ok(cp instanceof Promise, `cold ${label}${fmtArgs(args)}: expected a Promise, got ${fmt(cp)}`);
  const c = await cp;
  check(c, expect, `cold ${label}${fmtArgs(args)}`);
  const hp = hot(fn, args, opts);
  assert.ok(hp instanceof Promise, `hot ${label}${fmtArgs(args)}: expected a Promise, got ${fmt(hp)}`);
  const h = await hp;
  check(h, expect, `hot ${label}${fmtArgs(args)}`);
  if (opts.identical !== false) assertSame(h, c, `${label}${fmtArgs(args)}: hot vs cold`);
  return c;
}

/** Resolve when pred() holds (polled from the event loop), or fail after `ms`. */
function until(pred, ms) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() > end) return reject(new Error('timed out'));
      setTimeout(tick, 1);
    };
    tick();
  });
}

// ------------------------------------------------------------------ errors
function capture(thunk) {
  try {
    return { ok: true, value: thunk() };
  } catch (e) {
    return { ok: false, error: e };
  }
}

function assertFfastError(e, code, where, messageIncludes) {
  assert.ok(e instanceof Error, `${where}: expected an Error, got ${fmt(e)}`);
  assert.ok(e instanceof FfastError, `${where}: expected FfastError, got ${e && e.constructor && e.constructor.name}: ${e.message}`);
  assert.equal(e.code, code, `${where}: wrong code (message: ${e.message})`);
  if (messageIncludes) {
    for (const s of [].concat(messageIncludes)) {
      assert.ok(e.message.includes(s), `${where}: message ${JSON.stringify(e.message)} lacks ${JSON.stringify(s)}`);
    }
  }
}

/**
 * Cold call with badArgs throws FfastError(code); hot: a fresh caller optimized on goodArgs
 * (or on badArgs when the arity differs) then called with badArgs throws the same class/code/message.
 */
function coldHotThrows(fn, goodArgs, badArgs, code, opts = {}) {
  const label = opts.label || fn.name;
  const where = `${label}${fmtArgs(badArgs)} [node ${process.versions.node}]`;
  const c = capture(() => coldCall(fn, badArgs));
  assert.ok(!c.ok, `cold ${where}: expected ${code}, returned ${c.ok && fmt(c.value)}`);
  assertFfastError(c.error, code, `cold ${where}`, opts.messageIncludes);

  const sameArity = goodArgs && goodArgs.length === badArgs.length;
  const warmArgs = sameArity ? goodArgs : badArgs;
  const caller = makeCaller(warmArgs.length, label + '_throws');
  N.prepare(caller);
  const warm = [];
  for (let k = 0; k < WARMUP_CALLS; k++) warm.push(capture(() => caller(fn, ...warmArgs)));
  N.optimizeNext(caller);
  warm.push(capture(() => caller(fn, ...warmArgs)));
  if (sameArity && warm.every((w) => w.ok)) {
    assert.ok(N.isTurbofan(caller), `hot ${where}: caller not TurboFan after warm-up on good args`);
  }
  const h = capture(() => caller(fn, ...badArgs));
  assert.ok(!h.ok, `hot ${where}: expected ${code}, returned ${h.ok && fmt(h.value)}`);
  assertFfastError(h.error, code, `hot ${where}`, opts.messageIncludes);
  assert.equal(h.error.constructor, c.error.constructor, `${where}: hot/cold error class differs`);
  assert.equal(h.error.message, c.error.message, `${where}: hot/cold message differs`);
  return c.error;
}

/** a flat, sequential one-byte string (join() result) of n bytes from a 0..255 pattern */
function flatString(parts) {
  return parts.join('');
}

/**
 * A property of a library's namespace (lib.symbols) once bound: a read-only, enumerable,
 * non-configurable data property (holding `value` when given); assigning it and adding a
 * property to the namespace both throw a TypeError (strict mode). Eager namespaces are frozen
 * from the start, lazy ones are not extensible and each property becomes this on its first read.
 */
function assertReadOnlyNamespace(ns, key, value) {
  const d = Object.getOwnPropertyDescriptor(ns, key);
  assert.deepEqual({ ...d, value: null }, { value: null, writable: false, enumerable: true, configurable: false }, String(key));
  if (value !== undefined) assert.equal(d.value, value, String(key));
  assert.throws(() => {
    'use strict';
    ns[key] = null;
  }, TypeError);
  assert.throws(() => {
    'use strict';
    ns.other = 1;
  }, TypeError);
}

// ------------------------------------------------------------------ dispatcher
/**
 * Many ffast functions called from ONE call site (`fns[i & mask](…)`, megamorphic, so TurboFan
 * does not inline them): each wrapper is optimized on its own, and only a wrapper with feedback
 * of its own knows its single native target. Warms the dispatcher up until every wrapper runs
 * TurboFan code (natural tiering, as in a long-running program; under load that can take a
 * while), then asserts that 10^5 dispatched calls make no slow call and sum right. `fns` are
 * libc's int(int) ctype-style functions (a power-of-two count), `symbols[k]` the C name of
 * `fns[k]` (abs, toupper and tolower are checked against JS models; the ctype predicates'
 * non-zero values are libc's own, so those are called for the expected sum); `warm` calls per
 * warm-up round.
 */
function assertDispatchFast(fns, symbols, label, warm = 4000) {
  const mask = fns.length - 1;
  assert.ok(fns.length > 1 && (fns.length & mask) === 0, 'a power-of-two number of functions');
  const dispatch = new Function('fns', `return function ${label}_${process.pid}(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s = (s + fns[i & ${mask}](i & 127)) | 0;
    return s;
  };`)(fns);
  const refs = { abs: Math.abs, toupper: (c) => (c >= 97 && c <= 122 ? c - 32 : c), tolower: (c) => (c >= 65 && c <= 90 ? c + 32 : c) };
  const expectSum = (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const k = i & mask;
      const r = refs[symbols[k]];
      s = (s + (r !== undefined ? r(i & 127) : fns[k](i & 127))) | 0;
    }
    return s;
  };
  for (let round = 0; round < 400 && !fns.every((f) => N.isTurbofan(f)); round++) dispatch(warm);
  assert.ok(fns.every((f) => N.isTurbofan(f)), 'the wrappers did not reach TurboFan');
  const before = slowCalls();
  const n = 100000;
  const got = dispatch(n);
  const slow = slowCalls() - before;
  assert.equal(got, expectSum(n));
  assert.equal(slow, 0, `${slow} of ${n} dispatched calls took the slow path on node ${process.versions.node}`);
}

module.exports = {
  assertReadOnlyNamespace,
  buildLibrary,
  ffast, FfastError, major, WARMUP_CALLS, MAX_FAST_PARAMS, FIXTURE, FIXTURE_SRC, REPO, PKG, N, argIsFastKind, arm64StackHazard,
  slowCalls, openFixture, register, buildFixture,
  cold, hot, coldHot, coldHotAsync, coldHotThrows, makeCaller, capture, assertFfastError, until, assertDispatchFast,
  same, assertSame, fmt, check, isSimpleResult,
  int64Result, uint64Result, ptrResult, to64, toI8, toU8, toI16, toU16, toI32, toU32,
  flatString,
};
