#!/usr/bin/env node
// ffast Node benchmark: ns/call of benchlib's C functions through several implementations.
//
//   node bench/node/bench.js [--rows=noop,i32_2,...] [--impls=fastapi,napi,ffast,ffast-cold,js]
//                            [--json=out.json] [--samples=7] [--n=2000000] [--warmup=300000]
//                            [--runs=3] [--fastapi-sum64=getcontents]   (faster fastapi sum64 variant on Node 24/26)
//                            [--task-n=K --task-warmup=K]  (task rows: tasks per sample / warm-up tasks)
//                            [--row-n=N --row-warmup=N]    (corner rows with their own n, e.g. sha256)
//
// Every (implementation, row) pair runs in a FRESH child process of the same Node binary:
//   fastapi     hand-written V8 fast-API addon (target/bench/fastapi-node<major>.node): the floor
//   napi        plain N-API addon (target/bench/napi.node)
//   ffast       ffast, normal run (TurboFan takes the fast path after natural warm-up)
//   ffast-cold  ffast under --no-turbo-fast-api-calls (TurboFan calls the slow callback)
//   ffast-lazy  (optional) ffast with dlopen(..., { bind: 'lazy' }): the hot call must equal ffast's
//   js          the same work as a plain JS function (inlined by TurboFan): the loop floor
//   fastapi-cold (optional) the fastapi addon under --no-turbo-fast-api-calls
// Method: one loop function per row per implementation, built with `new Function` from unique source
// (shared feedback kills the fast path), int32 accumulator, the result checked against a JS reference
// after the loop, no try/catch around the call. Warm-up: >= --warmup calls in chunks of 10^4 and then
// until %ActiveTierIsTurbofan(loop) (natural tiering; nothing is forced; capped at 3*10^7 calls).
// Then --samples samples of --n calls each, timed with process.hrtime.bigint(); median and min reported.
// Each cell is measured in --runs separate fresh processes (interleaved); the table shows the median of their medians.
// Async rows (loop: 'async'): each call returns a Promise that the loop awaits before the next call
// (one call in flight: the round trip JS -> another thread -> JS). ffast uses `nonblocking: true` (its
// lane thread, ffast-node/src/lane.rs), napi a hand-written napi_async_work function (libuv pool), js a plain async function; --async-n calls per sample
// (default min(--n, 20000)), warm-up min(--warmup, 20000) calls without waiting for TurboFan.
'use strict';

const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET = path.join(ROOT, 'target', 'bench');
const LIBBENCH = path.join(TARGET, 'libbenchlib.so');
const FFAST_DIR = process.env.FFAST_DIR || path.join(ROOT, 'ffast-node');
const NODE_MAJOR = process.versions.node.split('.')[0];
// BENCH_FASTAPI_ADDON: another build of the addon (bench/node/phase.js's padded variants).
const FASTAPI = process.env.BENCH_FASTAPI_ADDON || path.join(TARGET, `fastapi-node${NODE_MAJOR}.node`);
const NAPI = path.join(TARGET, 'napi.node');

// ------------------------------------------------------------------------------------------------
// Rows. `args`: JS source of the call arguments (may use the loop index `i` and the closure values
// d1 d2 d3 p u8). `kind`: 'scalar' | 'heavy' for the bar. `js`: the plain-JS equivalent.
const STR = 'abcdefghijklmnop'; // 16 chars, flat one-byte (a literal in the loop source)
const ROWS = [
  { name: 'noop', sym: 'noop', parameters: [], result: 'void', args: '', kind: 'scalar', js: 'function () {}' },
  { name: 'i32_0', sym: 'i32_0', parameters: [], result: 'i32', args: '', kind: 'scalar', js: 'function () { return 7; }' },
  { name: 'i32_1', sym: 'i32_1', parameters: ['i32'], result: 'i32', args: 'i', kind: 'scalar', js: 'function (a) { return (a + 1) | 0; }' },
  { name: 'i32_2', sym: 'i32_2', parameters: ['i32', 'i32'], result: 'i32', args: 'i, 3', kind: 'scalar', js: 'function (a, b) { return (a + b) | 0; }' },
  { name: 'i32_3', sym: 'i32_3', parameters: ['i32', 'i32', 'i32'], result: 'i32', args: 'i, 2, 3', kind: 'scalar', js: 'function (a, b, c) { return (a + b + c) | 0; }' },
  { name: 'i32_6', sym: 'i32_6', parameters: Array(6).fill('i32'), result: 'i32', args: 'i, 1, 2, 3, 4, 5', kind: 'scalar', js: 'function (a, b, c, d, e, f) { return (a + b + c + d + e + f) | 0; }' },
  { name: 'i32_8', sym: 'i32_8', parameters: Array(8).fill('i32'), result: 'i32', args: 'i, 1, 2, 3, 4, 5, 6, 7', kind: 'scalar', js: 'function (a, b, c, d, e, f, g, h) { return (a + b + c + d + e + f + g + h) | 0; }' },
  { name: 'f64_2', sym: 'f64_2', parameters: ['f64', 'f64'], result: 'f64', args: 'd1, d2', kind: 'scalar', js: 'function (a, b) { return a * b + 1; }' },
  { name: 'f32_2', sym: 'f32_2', parameters: ['f32', 'f32'], result: 'f32', args: 'd1, d2', kind: 'scalar', js: 'function (a, b) { return Math.fround(Math.fround(Math.fround(a) * Math.fround(b)) + 1); }' },
  { name: 'mixed', sym: 'mixed', parameters: ['i32', 'f64', 'i32', 'f64'], result: 'f64', args: 'i, d1, 3, d3', kind: 'scalar', js: 'function (a, b, c, d) { return a * b + c * d; }' },
  { name: 'ptr_arg', sym: 'ptr_arg', parameters: ['pointer'], result: 'u32', args: 'p', kind: 'scalar', js: 'function (q) { return u8[q - p]; }' },
  { name: 'ptr_ret', sym: 'ptr_ret', parameters: [], result: 'pointer', args: '', kind: 'scalar', js: 'function () { return P; }' },
  { name: 'u64_ret', sym: 'u64_ret', parameters: [], result: 'u64', args: '', kind: 'scalar', js: 'function () { return 8725724278030337; }' },
  { name: 'strlen', sym: 'c_strlen', parameters: ['string'], result: 'usize', args: `'${STR}'`, kind: 'heavy', js: 'function (s) { return s.length; }' },
  { name: 'sum64', sym: 'sum64', parameters: ['buffer'], result: 'u32', args: 'u8', kind: 'heavy', js: 'function (a) { let s = 0; for (let k = 0; k < 64; k++) s += a[k]; return s; }' },
  // Struct rows (kind 'struct'): {f64,f64} by value in and out. Bar: ffast hot <= 2x ffast's own
  // f64_2 (a scalar call with the same two eightbytes in) measured in the same run. No addon
  // baselines. `use` turns the result into the number the loop sums.
  { name: 'struct_io', sym: 'pt_step', parameters: ['Pt2'], result: 'Pt2', args: 'pt', use: 'r.x', kind: 'struct',
    js: 'function (q) { return { x: q.x * q.y + 1, y: q.x - q.y }; }' },
  { name: 'struct_buf', sym: 'pt_step', parameters: ['Pt2'], result: 'Pt2', args: 'pt, out', use: 'r[0]', kind: 'struct',
    js: 'function (q, o) { o[0] = q.x * q.y + 1; o[1] = q.x - q.y; return o; }' },
  { name: 'async', sym: 'i32_1', napiSym: 'i32_1_async', parameters: ['i32'], result: 'i32', args: 'i', kind: 'async', loop: 'async', js: 'async function (a) { return (a + 1) | 0; }' },
  // Callback rows (kind 'callback'): one measured call runs many C → JS calls, so a sample is a few
  // calls (--n-cb, default 3) and the time is divided by `per`. Not part of the bar. The fastapi
  // column is the V8 floor: the hand-written addon's C calls the JS function through
  // Function::Call (HandleScope + TryCatch per call; bench/baselines/fastapi.cc).
  // callback: C loop calling an int(int) JS function 10^6 times (ns per callback).
  // ffast declares both callback rows' functions `fiber: true` (README "Callbacks": their C then
  // runs on a side stack from their second call on; FFAST_NO_FIBER=1 measures the default route).
  { name: 'callback', sym: 'cb_sum', parameters: ['function', 'i32'], result: 'i32', args: 'cb, 1000000', kind: 'callback', per: 1e6, fiber: true,
    callback: { parameters: ['i32'], result: 'i32' }, cbSrc: '(x) => (x + 1) | 0',
    js: 'function (g, n) { let s = 0; for (let k = 0; k < n; k++) s = (s + g(k)) | 0; return s; }' },
  // qsort1e5: libc qsort of 10^5 int32 with a JS comparator (ns per sort; the copy back from `src`
  // is included). ffast's comparator reads the ints through the pointers it gets; the N-API addon's
  // gets the two ints; js is TypedArray.prototype.sort with the same comparator.
  { name: 'qsort1e5', sym: 'qsort_i32', parameters: ['buffer', 'usize', 'function'], result: 'void', args: '(d.set(src), d), 100000, cb', fiber: true,
    napiArgs: '(d.set(src), d), cb', kind: 'callback', per: 1,
    callback: { parameters: ['pointer', 'pointer'], result: 'i32' }, cbSrc: '(a, b) => read.i32(a) - read.i32(b)', plainCbSrc: '(a, b) => a - b',
    js: 'function (a, n, g) { a.sort(g); }' },
];
// The "slow corners" rows (issue 13 scope 6): string results, BigInt pointers, out-pointers, errno,
// variadic calls, whole tasks on Debian's sqlite3/zlib/libcrypto. Bound per implementation:
// bench/node/corners.js (shared task code and capability switches: bench/tasks.cjs).
const CORNERS = require('./corners.js');
ROWS.push(...CORNERS.ROWS);
// Implementations an async row runs with: the fast-API addon has no async form, and a nonblocking
// ffast function is never a fast call (ffast-cold would measure the same code).
const ASYNC_IMPLS = new Set(['napi', 'ffast', 'js']);
const ROW_BY_NAME = Object.fromEntries(ROWS.map((r) => [r.name, r]));
const DEFAULT_IMPLS = ['fastapi', 'napi', 'ffast', 'ffast-cold', 'js'];
const IMPL_FLAGS = {
  'ffast-cold': ['--no-turbo-fast-api-calls'],
  'fastapi-cold': ['--no-turbo-fast-api-calls'],
};

function parseArgs(argv) {
  const o = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) o[m[1]] = m[2] === undefined ? true : m[2];
  }
  return o;
}
const ARGS = parseArgs(process.argv.slice(2));
const N = Number(ARGS.n || 2e6);
const SAMPLES = Number(ARGS.samples || 7);
const WARMUP = Number(ARGS.warmup || 3e5);
const RUNS = Number(ARGS.runs || 3);
const CHUNK = 1e4;
const MAX_WARMUP = 3e7;

function ffastBuilt() {
  return fs.existsSync(path.join(FFAST_DIR, 'ffast.node'));
}

// ------------------------------------------------------------------------------------------------
// Child: one implementation, one row.
async function child() {
  const impl = ARGS.impl;
  const row = ROW_BY_NAME[ARGS.row];
  if (row.bind) return childCorner(impl, row);
  const out = { impl, row: row.name, ok: false };
  const isAsync = row.loop === 'async';
  const isCb = row.kind === 'callback';
  const n = isAsync ? Number(ARGS['async-n'] || Math.min(N, 2e4)) : isCb ? Number(ARGS['n-cb'] || 3) : N;
  const warmupMin = isAsync ? Math.min(WARMUP, 2e4) : isCb ? 3 : WARMUP;
  const chunk = isAsync ? Math.min(CHUNK, 1e3) : isCb ? 1 : CHUNK;
  try {
    const u8 = new Uint8Array(new ArrayBuffer(64)); // off-heap backing store: stable address
    for (let k = 0; k < 64; k++) u8[k] = (k * 7 + 3) & 255;
    const d1 = 1.5, d2 = 2.25, d3 = 0.25;
    let f, p, slowCalls = null;
    // ffast-lazy: ffast with dlopen(..., { bind: 'lazy' }) (the function made on the first read).
    const lazyBind = impl.replace(/-cold$/, '') === 'ffast-lazy';
    const base = lazyBind ? 'ffast' : impl.replace(/-cold$/, '');
    // Callback rows: the JS function C calls (`cb`), the array sorted (`d`, refilled from `src`).
    let cb = null;
    const src = isCb ? Int32Array.from({ length: 100000 }, (_, k) => (Math.imul(k, 2654435761) >> 3) % 1000003) : null;
    const d = isCb ? new Int32Array(100000) : null;
    const plainCb = isCb ? new Function(`return ${row.plainCbSrc || row.cbSrc};`)() : null;
    if (row.kind === 'struct' && (base === 'fastapi' || base === 'napi')) {
      out.na = true;
      throw new Error('not applicable: the addons have no struct rows');
    }
    if (base === 'fastapi' || base === 'napi') {
      const addon = require(base === 'fastapi' ? FASTAPI : NAPI);
      // --fastapi-sum64=getcontents: use ArrayBufferView::GetContents instead of Buffer()->Data() (V8 >= 13)
      const useGC = row.sym === 'sum64' && base === 'fastapi' && ARGS['fastapi-sum64'] === 'getcontents' && addon.sum64_getcontents;
      f = addon[useGC ? 'sum64_getcontents' : isAsync ? row.napiSym : row.sym];
      p = addon.ptrOf(u8);
      if (isCb) cb = plainCb;
      if (addon.slowCalls) slowCalls = () => addon.slowCalls();
    } else if (base === 'ffast') {
      const ffast = require(FFAST_DIR);
      const Pt2 = ffast.struct({ x: 'f64', y: 'f64' });
      const t = (x) => (x === 'Pt2' ? Pt2 : x);
      const lib = ffast.dlopen(LIBBENCH, { [row.sym]: { parameters: row.parameters.map(t), result: t(row.result), nonblocking: isAsync, ...(row.fiber ? { fiber: true } : {}) } }, lazyBind ? { bind: 'lazy' } : undefined);
      f = lib.symbols[row.sym];
      p = ffast.ptr(u8);
      if (ffast.__internal && ffast.__internal.slowCalls && !isCb) slowCalls = () => ffast.__internal.slowCalls();
      if (isCb) cb = ffast.callback(row.callback, new Function('read', `return ${row.cbSrc};`)(ffast.read));
      out.fastEnabled = ffast.__internal ? ffast.__internal.fastEnabled : undefined;
    } else if (base === 'js') {
      p = 0x10000; // fake address; js ptr_arg reads u8[q - p]
      f = null;
      cb = plainCb;
    } else throw new Error(`unknown impl ${impl}`);
    // Pointer result of this implementation (the reference returns the same constant).
    const P = base === 'js' ? 0x7f0000001010 : f && row.sym === 'ptr_ret' ? f() : 0;
    if (base === 'js') f = new Function('u8', 'p', 'P', `return ${row.js};`)(u8, p, P);

    const tag = `${impl.replace(/\W/g, '_')}_${row.name}_${process.pid}`;
    const callArgs = (base === 'napi' || base === 'fastapi') && row.napiArgs ? row.napiArgs : row.args;
    const call = `${isAsync ? 'await ' : ''}f(${callArgs})`;
    const consume = row.result === 'void' ? `${call}; acc = (acc + 1) | 0;` : `const r = ${call}; acc = (acc + ${row.use || 'r'}) | 0;`;
    const loopSrc = `// loop ${tag}\nreturn ${isAsync ? 'async ' : ''}function loop_${tag}(n) {\n  let acc = 0;\n  for (let i = 0; i < n; i++) {\n    ${consume}\n  }\n  return acc;\n};`;
    // Struct rows: the argument object (reused) and the caller's result buffer.
    const pt = { x: d1, y: d2 }, outBuf = new Float64Array(2);
    const loop = new Function('f', 'd1', 'd2', 'd3', 'p', 'u8', 'cb', 'd', 'src', 'pt', 'out', loopSrc)(f, d1, d2, d3, p, u8, cb, d, src, pt, outBuf);
    // Reference: the same loop over the plain-JS function (different source, own feedback).
    const refF = new Function('u8', 'p', 'P', `return ${row.js};`)(u8, p, P);
    const refSrc = loopSrc.replace(/loop_/g, 'ref_').replace('// loop', '// ref').replace(callArgs, row.args);
    const ref = new Function('f', 'd1', 'd2', 'd3', 'p', 'u8', 'cb', 'd', 'src', 'pt', 'out', refSrc)(refF, d1, d2, d3, p, u8, plainCb, d, src, pt, new Float64Array(2));
    const expChunk = await ref(chunk), expN = await ref(n);
    const sortedRef = isCb && row.result === 'void' ? Array.from(d) : null; // the reference's sort

    // Warm-up: natural tiering, polled (never forced).
    let warm = 0;
    const tierFn = new Function('fn', 'return %ActiveTierIsTurbofan(fn);'); // needs --allow-natives-syntax
    const isTF = () => tierFn(loop);
    // Async rows run few calls; callback rows' calls are long (10^5..10^6 C → JS calls each).
    while (warm < warmupMin || (!isAsync && !isCb && !isTF() && warm < MAX_WARMUP)) {
      const a = isAsync ? await loop(chunk) : loop(chunk);
      if (a !== expChunk) throw new Error(`wrong result in warm-up: ${a} !== ${expChunk}`);
      warm += chunk;
    }
    out.warmupCalls = warm;
    out.turbofanBefore = isTF();
    const slow0 = slowCalls ? slowCalls() : null;
    const samples = [];
    for (let s = 0; s < SAMPLES; s++) {
      const t0 = process.hrtime.bigint();
      const a = isAsync ? await loop(n) : loop(n);
      const t1 = process.hrtime.bigint();
      if (a !== expN) throw new Error(`wrong result: ${a} !== ${expN}`);
      if (sortedRef && d.some((v, k) => v !== sortedRef[k])) throw new Error('wrong sort result');
      samples.push(Number(t1 - t0) / n / (row.per || 1));
    }
    out.turbofanAfter = isTF();
    out.callsPerSample = n;
    if (slowCalls && !isAsync) {
      out.slowCallsInSamples = slowCalls() - slow0;
      out.fastFraction = 1 - out.slowCallsInSamples / (SAMPLES * N);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    out.samples = samples.map((x) => +x.toFixed(3));
    out.median = +sorted[sorted.length >> 1].toFixed(3);
    out.min = +sorted[0].toFixed(3);
    out.ok = true;
  } catch (e) {
    out.error = String((e && e.stack) || e);
  }
  process.stdout.write('\n@@RESULT ' + JSON.stringify(out) + '\n');
}

// Child for a corners row (bench/node/corners.js): the row binds each implementation itself.
// Same method as child(): a loop function from unique source, int32 accumulator checked against
// the reference loop after every chunk and sample, natural tiering. Task rows (kind 'task'): a
// chunk is one task, row.warmup tasks of warm-up (no TurboFan wait: the task's own loops tier up
// inside the first task), row.n tasks per sample.
async function childCorner(impl, row) {
  const out = { impl, row: row.name, ok: false };
  try {
    const base = impl.replace(/-cold$/, '');
    const isTask = row.kind === 'task';
    const n = Number(ARGS[isTask ? 'task-n' : 'row-n'] || row.n || N);
    const warmupMin = Number(ARGS[isTask ? 'task-warmup' : 'row-warmup'] || row.warmup || WARMUP);
    const chunk = isTask ? 1 : Math.min(CHUNK, n);
    const u8 = new Uint8Array(new ArrayBuffer(64));
    for (let k = 0; k < 64; k++) u8[k] = (k * 7 + 3) & 255;
    let ffastMod = null, slowCalls = null;
    const addons = {};
    const loadAddon = (b) => addons[b] || (addons[b] = require(b === 'fastapi' ? FASTAPI : NAPI));
    const env = {
      u8, LIBBENCH,
      ffast: () => ffastMod || (ffastMod = require(FFAST_DIR)),
      addon: () => loadAddon(base),
    };
    let b;
    if (base === 'js') {
      if (row.noJs) throw new CORNERS.NotApplicable('no plain-JS implementation');
      b = row.ref(env);
    } else if (base === 'ffast' || base === 'fastapi' || base === 'napi') {
      b = row.bind(base, env);
    } else throw new Error(`unknown impl ${impl}`);
    if (b.note) out.note = b.note;
    if (base === 'ffast' && ffastMod && ffastMod.__internal) {
      if (ffastMod.__internal.slowCalls) slowCalls = () => ffastMod.__internal.slowCalls();
      out.fastEnabled = ffastMod.__internal.fastEnabled;
    }
    if ((base === 'fastapi') && addons.fastapi && addons.fastapi.slowCalls) slowCalls = () => addons.fastapi.slowCalls();
    const r = row.ref(env);

    const tag = `${impl.replace(/\W/g, '_')}_${row.name}_${process.pid}`;
    const mk = (name, x) => {
      const aux = x.aux || {};
      const keys = Object.keys(aux);
      const call = x.call || `f(${x.args})`;
      const src = `// ${name} ${tag}\nconst { ${keys.join(', ')} } = aux;\nreturn function ${name}_${tag}(n) {\n  let acc = 0;\n  for (let i = 0; i < n; i++) {\n    const r = ${call};\n    acc = (acc + (${x.use || 'r'})) | 0;\n  }\n  return acc;\n};`;
      return new Function('f', 'aux', src)(x.f, aux);
    };
    const loop = mk('loop', b);
    const ref = mk('ref', r);
    const expChunk = ref(chunk), expN = ref(n);
    const tierFn = new Function('fn', 'return %ActiveTierIsTurbofan(fn);');
    const isTF = () => tierFn(loop);
    // Warm-up: as child(), plus a 5 s cap (a heavy row at ~1 µs/call would take 30 s to reach MAX_WARMUP).
    let warm = 0;
    const w0 = Date.now();
    while (warm < warmupMin || (!isTask && !isTF() && warm < MAX_WARMUP && Date.now() - w0 < 5000)) {
      const a = loop(chunk);
      if (a !== expChunk) throw new Error(`wrong result in warm-up: ${a} !== ${expChunk}`);
      warm += chunk;
    }
    out.warmupCalls = warm;
    out.turbofanBefore = isTF();
    const slow0 = slowCalls ? slowCalls() : null;
    const samples = [];
    for (let s = 0; s < SAMPLES; s++) {
      const t0 = process.hrtime.bigint();
      const a = loop(n);
      const t1 = process.hrtime.bigint();
      if (a !== expN) throw new Error(`wrong result: ${a} !== ${expN}`);
      samples.push(Number(t1 - t0) / n);
    }
    out.turbofanAfter = isTF();
    out.callsPerSample = n;
    if (slowCalls) {
      out.slowCallsInSamples = slowCalls() - slow0;
      out.fastFraction = 1 - out.slowCallsInSamples / (SAMPLES * n * (b.calls || 1));
    }
    const sorted = [...samples].sort((x, y) => x - y);
    out.samples = samples.map((x) => +x.toFixed(3));
    out.median = +sorted[sorted.length >> 1].toFixed(3);
    out.min = +sorted[0].toFixed(3);
    out.ok = true;
  } catch (e) {
    if (e && e.na) { out.na = true; out.naReason = e.na; } else out.error = String((e && e.stack) || e);
  }
  process.stdout.write('\n@@RESULT ' + JSON.stringify(out) + '\n');
}

// ------------------------------------------------------------------------------------------------
// Parent: spawn the children, print a markdown table, write JSON.
function parent() {
  const rows = ARGS.rows ? String(ARGS.rows).split(',').map((r) => {
    if (!ROW_BY_NAME[r]) throw new Error(`unknown row ${r}; rows: ${ROWS.map((x) => x.name).join(',')}`);
    return ROW_BY_NAME[r];
  }) : ROWS;
  let impls = ARGS.impls ? String(ARGS.impls).split(',') : DEFAULT_IMPLS;
  const notes = [];
  for (const [impl, file] of [['fastapi', FASTAPI], ['napi', NAPI]]) {
    if (impls.some((x) => x.startsWith(impl)) && !fs.existsSync(file)) {
      console.error(`missing ${file}: run bash bench/build.sh ${process.execPath}`);
      process.exit(2);
    }
  }
  const haveFfast = ffastBuilt();
  if (!haveFfast && impls.some((x) => x.startsWith('ffast'))) {
    notes.push(`NOTE: ffast is not built yet (${path.join(FFAST_DIR, 'ffast.node')} missing; build with ` +
      '`bash ffast-node/build.sh`): ffast and ffast-cold columns skipped.');
    impls = impls.filter((x) => !x.startsWith('ffast'));
  }
  for (const n of notes) console.log(n);

  const cpu = (os.cpus()[0] || {}).model || 'unknown';
  const meta = {
    cpu, cores: os.cpus().length, node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(), runs: RUNS, samples: SAMPLES, callsPerSample: N, warmupMin: WARMUP, impls, notes,
  };
  console.log(`node ${meta.node}, V8 ${meta.v8}, ${cpu} (${meta.cores} cpus); ${RUNS} fresh processes x ${SAMPLES} samples x ${N} calls per cell; ns/call = median of the per-process medians`);

  // RUNS fresh processes per (row, impl), interleaved (run-major) so slow drifts of the VM hit all impls alike.
  const runs = {};
  for (const row of rows) { runs[row.name] = {}; for (const impl of impls) runs[row.name][impl] = []; }
  for (let run = 0; run < RUNS; run++) {
    for (const row of rows) {
      for (const impl of impls) {
        if (row.loop === 'async' && !ASYNC_IMPLS.has(impl)) continue;
        const flags = ['--allow-natives-syntax', ...(IMPL_FLAGS[impl] || [])];
        const cargs = [...flags, __filename, '--child', `--impl=${impl}`, `--row=${row.name}`, `--n=${N}`, `--samples=${SAMPLES}`, `--warmup=${WARMUP}`,
          ...(ARGS['fastapi-sum64'] ? [`--fastapi-sum64=${ARGS['fastapi-sum64']}`] : []),
          ...(ARGS['async-n'] ? [`--async-n=${ARGS['async-n']}`] : []),
          ...['task-n', 'task-warmup', 'row-n', 'row-warmup'].filter((k) => ARGS[k]).map((k) => `--${k}=${ARGS[k]}`)];
        let res = runChild(cargs, impl, row.name);
        if (res.na) res = { impl, row: row.name, ok: true, na: true, naReason: res.naReason };
        runs[row.name][impl].push(res);
        if (res.na) continue;
        process.stderr.write(`  [run ${run + 1}/${RUNS}] ${row.name.padEnd(8)} ${impl.padEnd(12)} ${res.ok ? `${res.median.toFixed(2)} ns (min ${res.min.toFixed(2)})` +
          (res.fastFraction !== undefined ? ` fast=${(100 * res.fastFraction).toFixed(2)}%` : '') + (res.turbofanAfter || row.kind === 'task' ? '' : ' [not TurboFan after]') +
          ` warmup=${res.warmupCalls}` : 'ERROR'}\n`);
      }
    }
  }
  // Aggregate: median of the per-process medians, min of the mins; any failed run makes the cell an error.
  const results = {};
  const errors = [];
  for (const row of rows) {
    results[row.name] = {};
    for (const impl of impls) {
      const rs = runs[row.name][impl];
      if (rs.length === 0) continue; // not run for this row (async rows)
      if (rs.every((x) => x.na)) { results[row.name][impl] = { ok: false, na: true, naReason: rs[0].naReason }; continue; }
      const bad = rs.find((x) => !x.ok);
      if (bad) { errors.push(bad); results[row.name][impl] = { ok: false, error: bad.error, runs: rs }; continue; }
      const meds = rs.map((x) => x.median).sort((a, b) => a - b);
      const agg = {
        ok: true,
        median: meds.length % 2 ? meds[meds.length >> 1] : +((meds[meds.length / 2 - 1] + meds[meds.length / 2]) / 2).toFixed(3),
        min: Math.min(...rs.map((x) => x.min)),
        runMedians: rs.map((x) => x.median),
        turbofanAfter: rs.every((x) => x.turbofanAfter),
        runs: rs,
      };
      if (rs[0].fastFraction !== undefined) {
        agg.slowCallsInSamples = rs.reduce((a, x) => a + x.slowCallsInSamples, 0);
        agg.fastFraction = rs.reduce((a, x) => a + x.fastFraction, 0) / rs.length; // runs have equal call counts
      }
      if (rs[0].note) agg.note = rs[0].note;
      if (rs[0].fastEnabled !== undefined) agg.fastEnabled = rs[0].fastEnabled;
      results[row.name][impl] = agg;
    }
  }

  // Markdown table.
  const has = (i) => impls.includes(i);
  const cols = [...impls];
  const ratioCols = [];
  if (has('ffast') && has('fastapi')) ratioCols.push('ffast/fastapi');
  if (has('ffast-cold') && has('napi')) ratioCols.push('ffast-cold/napi');
  const showBar = ratioCols.length > 0;
  const header = ['row', ...cols, ...ratioCols, ...(showBar ? ['bar'] : [])];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((h, k) => (k === 0 ? '---' : '---:')).join('|')}|`];
  const fmt = (res, impl, row) => {
    if (res && res.na && res.naReason) {
      const why = /^(capability missing|library missing)/.exec(res.naReason);
      return why ? `n/a (${why[1]})` : 'n/a';
    }
    if (!res || res.na) return '–';
    if (!res.ok) return 'ERR';
    let s = row.kind === 'task' ? `${(res.median / 1e3).toFixed(res.median >= 1e5 ? 0 : 1)} µs` : res.median.toFixed(2);
    if (res.fastFraction !== undefined && !impl.endsWith('-cold') && res.fastFraction < 0.99) s += ` (slow ${(100 * (1 - res.fastFraction)).toFixed(0)}%)`;
    return s;
  };
  let barFails = 0;
  const bars = {};
  for (const row of rows) {
    const R = results[row.name];
    const cells = [row.name, ...cols.map((c) => fmt(R[c], c, row))];
    const ok = (i) => R[i] && R[i].ok;
    const marks = [];
    const rowBar = {};
    if (row.kind === 'async') {
      // No bar: informational ratio against the hand-written napi_async_work addon.
      for (let k = 0; k < ratioCols.length; k++) cells.push('–');
      if (showBar) cells.push(ok('ffast') && ok('napi') ? `ffast/napi ${(R.ffast.median / R.napi.median).toFixed(2)} (no bar)` : '–');
      lines.push(`| ${cells.join(' | ')} |`);
      continue;
    }
    if (row.kind === 'struct') {
      // Bar: ffast hot <= 2x ffast's f64_2 from the same run (docs/structs.md §9).
      for (let k = 0; k < ratioCols.length; k++) cells.push('–');
      const S2 = results.f64_2 && results.f64_2.ffast;
      if (ok('ffast') && S2 && S2.ok) {
        const q = R.ffast.median / S2.median;
        rowBar.struct = { ratio: +q.toFixed(3), limit: 2, pass: q <= 2, vs: 'ffast f64_2' };
        if (q > 2) barFails++;
        if (showBar) cells.push(`${q.toFixed(2)}x ffast f64_2 ${q <= 2 ? '✓' : '✗'}`);
      } else if (showBar) cells.push(ok('ffast') ? 'run f64_2 too' : '✗');
      bars[row.name] = rowBar;
      lines.push(`| ${cells.join(' | ')} |`);
      continue;
    }
    if (row.bar) { // corners rows (bench/node/corners.js): their own bars
      barFails += cornerBars(row, R, results, cells, ratioCols, rowBar, showBar);
      bars[row.name] = rowBar;
      lines.push(`| ${cells.join(' | ')} |`);
      continue;
    }
    if (row.kind === 'callback') {
      // not part of the bar: ffast/fastapi (to V8's Function::Call floor) and ffast-cold/napi, for information
      const info = { 'ffast/fastapi': ['ffast', 'fastapi'], 'ffast-cold/napi': ['ffast-cold', 'napi'] };
      for (const c of ratioCols) {
        const [a, b] = info[c] || [];
        cells.push(a && ok(a) && ok(b) ? (R[a].median / R[b].median).toFixed(2) : '–');
      }
      if (showBar) cells.push('n/a');
      lines.push(`| ${cells.join(' | ')} |`);
      continue;
    }
    if (ratioCols.includes('ffast/fastapi')) {
      if (ok('ffast') && ok('fastapi')) {
        const q = R.ffast.median / R.fastapi.median;
        const lim = row.kind === 'heavy' ? 1.5 : 1.15;
        cells.push(q.toFixed(2));
        rowBar.hot = { ratio: +q.toFixed(3), limit: lim, pass: q <= lim };
        marks.push(`hot ${q <= lim ? '✓' : '✗'}`);
        if (q > lim) barFails++;
      } else { cells.push('–'); marks.push('hot ✗'); barFails++; }
    }
    if (ratioCols.includes('ffast-cold/napi')) {
      if (ok('ffast-cold') && ok('napi')) {
        const q = R['ffast-cold'].median / R.napi.median;
        cells.push(q.toFixed(2));
        rowBar.cold = { ratio: +q.toFixed(3), limit: 1.5, pass: q <= 1.5 };
        marks.push(`cold ${q <= 1.5 ? '✓' : '✗'}`);
        if (q > 1.5) barFails++;
      } else { cells.push('–'); marks.push('cold ✗'); barFails++; }
    }
    if (showBar) cells.push(marks.join(' '));
    bars[row.name] = rowBar;
    lines.push(`| ${cells.join(' | ')} |`);
  }
  console.log('');
  console.log(lines.join('\n'));
  console.log('');
  if (showBar) console.log(`bar: ffast <= 1.15x fastapi (scalar rows), <= 1.5x (strlen, sum64); ffast-cold <= 1.5x napi; struct rows <= 2x ffast f64_2. ${barFails === 0 ? 'ALL PASS' : `${barFails} failing check(s)`}`);
  if (showBar && rows.some((r) => r.bar)) {
    console.log('corner rows: str_ret/str_cstring/out_ptr/variadic*/crc32/sha256 hot <= 1.5x fastapi (str_*: a regular V8 callback making the string), errno_off/errno <= 1.15x;' +
      ' ptr_bigint <= 1.3x ffast ptr_arg, errno <= 1.1x ffast errno_off (same run); sqlite* (µs per task) hot <= 1.0x napi; every corner row cold <= 1.5x napi. n/a cells never fail a bar.');
  }
  // n/a reasons and binding notes under the table, one line per (row, text) with its implementations
  const byText = new Map();
  const add = (row, impl, text) => { const k = `${row}\u0000${text}`; if (!byText.has(k)) byText.set(k, { row, text, impls: [] }); byText.get(k).impls.push(impl); };
  for (const row of rows) {
    for (const impl of cols) {
      const c = results[row.name][impl];
      if (c && c.na && c.naReason) add(row.name, impl, `n/a (${c.naReason})`);
      if (c && c.note) add(row.name, impl, c.note);
    }
  }
  for (const { row, text, impls } of byText.values()) console.log(`  ${row} ${impls.join(', ')}: ${text}`);
  console.log('(slow N%) = share of calls that went through the slow callback in the timed samples (counter-based, fastapi/ffast only).');
  if (rows.some((r) => r.kind === 'async')) console.log('async: ns per awaited call (one in flight: JS -> other thread -> JS); ffast nonblocking (lane thread) vs a hand-written napi_async_work addon (libuv pool); no fast-API column.');
  for (const e of errors) console.log(`\nERROR ${e.impl} ${e.row}:\n${e.error}`);

  if (ARGS.json) {
    const json = { meta, rows: results, bar: bars };
    fs.writeFileSync(String(ARGS.json), JSON.stringify(json, null, 2));
    console.log(`wrote ${ARGS.json}`);
  }
  if (errors.some((e) => e.impl.startsWith('ffast'))) process.exitCode = 1;
}

/** Bar checks of a corners row (row.bar: hot, cold, vs, hotVs, hotInfo); fills the ratio and bar
 * cells and rowBar; returns the number of failing checks. An n/a ffast cell (capability or library
 * missing, no baseline) fails nothing: the row says why instead. */
function cornerBars(row, R, results, cells, ratioCols, rowBar, showBar) {
  const B = row.bar;
  const ok = (i) => R[i] && R[i].ok;
  const marks = [];
  let fails = 0;
  const check = (name, q, lim, label) => {
    rowBar[name] = { ratio: +q.toFixed(3), limit: lim, pass: q <= lim };
    marks.push(`${label} ${q <= lim ? '✓' : '✗'}`);
    if (q > lim) fails++;
  };
  const ffastNa = R.ffast && R.ffast.na;
  for (const c of ratioCols) {
    if (c === 'ffast/fastapi') cells.push(ok('ffast') && ok('fastapi') ? (R.ffast.median / R.fastapi.median).toFixed(2) : '–');
    else if (c === 'ffast-cold/napi') cells.push(ok('ffast-cold') && ok('napi') ? (R['ffast-cold'].median / R.napi.median).toFixed(2) : '–');
  }
  if (ffastNa) {
    if (showBar) cells.push(`n/a: ${R.ffast.naReason ? R.ffast.naReason.split(':')[0] : 'not run'}`);
    return 0;
  }
  if (B.hot && ratioCols.includes('ffast/fastapi')) {
    if (ok('ffast') && ok('fastapi')) check('hot', R.ffast.median / R.fastapi.median, B.hot, 'hot');
    else if (!ok('ffast')) { marks.push('hot ✗'); fails++; }
  }
  if (B.hotVs && ok('ffast') && ok(B.hotVs[0])) check('hotVs', R.ffast.median / R[B.hotVs[0]].median, B.hotVs[1], `hot/${B.hotVs[0]}`);
  else if (B.hotVs && !ok('ffast') && R.ffast) { marks.push(`hot/${B.hotVs[0]} ✗`); fails++; }
  if (B.vs) {
    const [other, lim] = B.vs;
    const O = results[other] && results[other].ffast;
    if (ok('ffast') && O && O.ok) check('vs', R.ffast.median / O.median, lim, `${(R.ffast.median / O.median).toFixed(2)}x ffast ${other}`);
    else if (ok('ffast')) marks.push(`(run ${other} too)`);
  }
  if (B.cold && ratioCols.includes('ffast-cold/napi')) {
    if (ok('ffast-cold') && ok('napi')) check('cold', R['ffast-cold'].median / R.napi.median, B.cold, 'cold');
    else if (R['ffast-cold'] && !R['ffast-cold'].ok && !R['ffast-cold'].na) { marks.push('cold ✗'); fails++; }
  }
  if (showBar) cells.push(marks.join(' ') || '–');
  return fails;
}

/** One child run (`cargs`: Node flags, this file, its arguments) → its result object. */
function runChild(cargs, impl, row, env = process.env) {
  const r = spawnSync(process.execPath, cargs, { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 300e3, env });
  const m = /@@RESULT (.*)/.exec(r.stdout || '');
  if (m) return JSON.parse(m[1]);
  return { impl, row, ok: false, error: `child exited status=${r.status} signal=${r.signal}\n${(r.stderr || '').slice(-2000)}` };
}

// bench/node/phase.js runs single cells through the same child code.
if (require.main !== module) module.exports = { runChild };
else if (ARGS.child) child();
else parent();
