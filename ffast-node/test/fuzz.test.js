'use strict';
// The random-signature ABI fuzzer (docs/abi-fuzzer.md): random signatures (test/fuzz/gen.js) are
// compiled into a C library by $FFAST_TEST_CC (gcc; aarch64-linux-gnu-gcc for arm64), and every
// function is called through ffast cold (slow path, counted) and hot (a fresh TurboFan-optimized
// caller; the fast path asserted wherever the arguments and result are of fast kind), its result
// compared with an independent JS model of the same hash. Callback variants check what C passed
// and return a result C verifies; a sample runs `nonblocking: true`.
//
// How a run is counted: every Node line runs FFAST_FUZZ_COUNT signatures (default 2,000 on x64,
// 500 on arm64): the first half from a fixed seed (the same signatures every run, so a regression
// reproduces), the second half from a fresh random seed (new signatures every run). Both seeds are
// printed. So one CI run checks 4 × 2,000 signatures on x64 (1,000 of them new per line) and
// 3 × 500 on arm64.
//
// Knobs:
//   FFAST_FUZZ_SEED=n       the random half's seed (replays a run; the fixed half never changes)
//   FFAST_FUZZ_COUNT=n      signatures per run
//   FFAST_FUZZ_ONLY=f:17    only signature 17 of the fixed (f) or random (r) half
//   FFAST_FUZZ_SOAK=1       a long local run: 20,000 signatures unless FFAST_FUZZ_COUNT says
//   FFAST_FUZZ_EXCLUDE=a,b  leave classes out (gen.js EXCLUDE / EXCLUSION_NAMES; '-a' re-enables)
//   FFAST_FUZZ_CFLAGS=…     the C compiler's flags (default -O0)
//
// A wrong result is shrunk to a minimal signature (parameters dropped while it still fails) and
// printed as a standalone reproducer with the original.
//
// The C is compiled with -O0: the calling convention does not depend on optimisation, and -O0
// compiles the ~3 MB of generated code in seconds instead of a minute. The fixed half's library is
// cached by the hash of its source under target/fuzz/<arch>/; the random half is rebuilt per run.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const h = require('./_helpers.js');
const gen = require('./fuzz/gen.js');
const { ffast } = h;

const ARM = process.arch === 'arm64';
const SOAK = process.env.FFAST_FUZZ_SOAK === '1';
const COUNT = Number(process.env.FFAST_FUZZ_COUNT) || (SOAK ? 20000 : ARM ? 500 : 2000);
const FIXED_SEED = 0x0ffa5700;
const RANDOM_SEED = process.env.FFAST_FUZZ_SEED !== undefined ? Number(process.env.FFAST_FUZZ_SEED) >>> 0 : crypto.randomBytes(4).readUInt32LE(0);
const ONLY = process.env.FFAST_FUZZ_ONLY ? /^([fr]):(\d+)$/.exec(process.env.FFAST_FUZZ_ONLY) : null;
if (process.env.FFAST_FUZZ_ONLY && !ONLY) throw new Error('FFAST_FUZZ_ONLY: expected f:<index> or r:<index>');
const EXCLUDE = gen.exclusions();
const CC = process.env.FFAST_TEST_CC || 'gcc';
// -O0 by default (see above); e.g. FFAST_FUZZ_CFLAGS=-O2 with FFAST_TEST_CC=clang for callees
// that rely on the caller's extension of narrow integers.
const CFLAGS = (process.env.FFAST_FUZZ_CFLAGS || '-O0').split(/\s+/).filter(Boolean);
const OUT = path.join(h.REPO, 'target', 'fuzz', process.arch);
const NODE = `node ${process.versions.node} ${process.arch}`;

console.log(
  `# ffast fuzz: ${COUNT} signatures; fixed seed ${FIXED_SEED} (f), random seed ${RANDOM_SEED} (r); ` +
    `replay with FFAST_FUZZ_SEED=${RANDOM_SEED}; excluded classes: ${[...EXCLUDE].join(', ') || 'none'}`,
);
for (const k of EXCLUDE) if (gen.EXCLUDE[k]) console.log(`# excluded '${k}': ${gen.EXCLUDE[k].why}`);

// Reproducers of an earlier run on this Node line would be mistaken for this run's.
fs.mkdirSync(OUT, { recursive: true });
for (const f of fs.readdirSync(OUT)) if (f.startsWith(`repro-node${h.major}-`)) fs.rmSync(path.join(OUT, f), { force: true });

/** The signatures of one half. */
function half(tag, seed, n) {
  const sigs = [];
  for (let i = 0; i < n; i++) {
    if (ONLY && (ONLY[1] !== tag || +ONLY[2] !== i)) continue;
    sigs.push(gen.genSignature(seed, i, { exclude: EXCLUDE, tag }));
  }
  return sigs;
}

/** Compile C source to a shared library (cached by content), at most `jobs` gcc at once. */
function compile(tag, src) {
  fs.mkdirSync(OUT, { recursive: true });
  const sum = crypto.createHash('sha256').update(CC).update(CFLAGS.join(' ')).update(src).digest('hex').slice(0, 16);
  const lib = path.join(OUT, `fuzz-${tag}-${sum}.so`);
  if (fs.existsSync(lib)) return lib;
  // The fixed half's libraries of an older generator are never used again (the random half's
  // own library is removed after its run).
  for (const f of tag === 'f' ? fs.readdirSync(OUT) : []) {
    if (f.startsWith('fuzz-f-') && !f.startsWith(`fuzz-f-${sum}`)) fs.rmSync(path.join(OUT, f), { force: true });
  }
  const c = path.join(OUT, `fuzz-${tag}-${sum}.c`);
  fs.writeFileSync(c, src);
  const tmp = `${lib}.${process.pid}.tmp`;
  execFileSync(CC, [...CFLAGS, '-Wno-psabi', '-fPIC', '-shared', '-o', tmp, c], { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.renameSync(tmp, lib);
  return lib;
}

/** The definitions of a signature: its own, and the nonblocking twin. */
function definitions(sig) {
  const d = {};
  if (sig.kind === 'cb') {
    d[sig.name] = { parameters: ['function', 'u32'], result: 'i32' };
  } else {
    d[sig.name] = { parameters: sig.params.map((p) => gen.jsType(ffast, p)), result: gen.jsType(ffast, sig.result) };
  }
  if (sig.nonblocking) d[`${sig.name}_nb`] = { ...d[sig.name], name: sig.name, nonblocking: true };
  return d;
}

// ------------------------------------------------------------------------------------- reports
const mismatches = [];

function reproducer(sig, lib, what, mode, args, detail) {
  const params = sig.params.map(gen.jsTypeSource).join(', ');
  const def =
    sig.kind === 'cb'
      ? `{ parameters: ['function', 'u32'], result: 'i32'${mode.includes('nonblocking') ? ', nonblocking: true' : ''} }`
      : `{ parameters: [${params}], result: ${gen.jsTypeSource(sig.result)}${mode.includes('nonblocking') ? ', nonblocking: true' : ''} }`;
  const lines = [
    `=== ffast fuzz mismatch: ${what} — ${sig.kind === 'cb' ? 'callback variant' : 'function'} ${sig.name}, ${mode} [${NODE}]`,
    `replay: FFAST_FUZZ_SEED=${RANDOM_SEED} FFAST_FUZZ_ONLY=${sig.name.split('_')[1]}:${sig.index} node --test ffast-node/test/fuzz.test.js`,
    `detail: ${detail}`,
    '--- C (with the prelude of ffast-node/test/fuzz/gen.js, emitC):',
    gen.emitFunction(sig),
    '--- JS:',
    "const { dlopen, callback, struct, union, array } = require('ffast');",
    `const lib = dlopen(${JSON.stringify(lib)}, { ${sig.name}: ${def} });`,
  ];
  if (sig.kind === 'cb') {
    const threads = sig.queue && mode.includes('nonblocking') ? ", threads: 'queue'" : '';
    lines.push(
      `const cb = callback({ parameters: [${sig.params.map(gen.jsTypeSource).join(', ')}], result: ${gen.jsTypeSource(sig.result)}${threads} }, (...a) => /* hash a, return the result derived from it */ 0);`,
      `lib.symbols.${sig.name}(cb, ${args[0]}); // 0 when C saw the right result`,
    );
  } else {
    lines.push(`lib.symbols.${sig.name}(${args.map(gen.jsValueSource).join(', ')});`);
  }
  return lines.join('\n');
}

function mismatch(sig, lib, what, mode, args, detail, minimal) {
  let text = reproducer(sig, lib, what, mode, args, detail);
  if (minimal) {
    text =
      reproducer(minimal.sig, minimal.lib, what, mode, minimal.args, `${minimal.detail} (shrunk from ${sig.params.length} to ${minimal.sig.params.length} parameters, same failure)`) +
      `\n--- standalone C: ${minimal.lib.replace(/\.so$/, '.c')}\n--- the signature as generated:\n` +
      text;
  }
  mismatches.push({ sig, what, mode, text });
  if (mismatches.length <= 5) console.log(text);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `repro-node${h.major}-${sig.name}.txt`), text + '\n');
}

/**
 * The smallest signature left by dropping parameters (last first) while the same call, with the
 * same argument values, still gives a wrong result: a minimal reproducer. Each candidate is its
 * own small C library. Only the first few mismatches of a run are shrunk (each try compiles).
 */
let shrunk = 0;
let shrinkTries = 0;
function shrink(sig, args, model, mode) {
  if (++shrunk > 3 || sig.kind !== 'fn') return null;
  let keep = sig.params.map((_, i) => i);
  let best = null;
  const attempt = (idx) => {
    const sub = { ...sig, params: idx.map((i) => sig.params[i]), name: `${sig.name}_min${++shrinkTries}` };
    const lib = compile('min', gen.emitC([sub]));
    const d = {
      [sub.name]: { parameters: sub.params.map((p) => gen.jsType(ffast, p)), result: gen.jsType(ffast, sub.result) },
      fz_last_hash: { parameters: [], result: 'u32' },
    };
    const L = ffast.dlopen(lib, d);
    h.register(L, d);
    const a = idx.map((i) => args[i]);
    let bad = null;
    try {
      const f = L.symbols[sub.name];
      const got = mode === 'cold' ? h.cold(f, a, sub.name) : h.hot(f, a, { label: sub.name, stable: false, optimizeCallee: true, fast: false });
      bad = compareResult(sub, got, gen.hashArgs(sub.params, idx.map((i) => model[i])), L.symbols.fz_last_hash);
    } catch {
      bad = null;
    }
    L.close();
    return bad ? { sig: sub, lib, args: a, detail: bad } : null;
  };
  for (let k = keep.length - 1; k >= 0; k--) {
    const r = attempt(keep.filter((_, j) => j !== k));
    if (r) {
      keep = keep.filter((_, j) => j !== k);
      best = r;
    }
  }
  return best;
}

const show = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? gen.jsValueSource(v) : h.fmt(v));

// A crash (SIGSEGV in C or in a trampoline) ends the process before any report: the signature
// being run is kept in this file, written before each one, so the crash names its reproducer.
const INFLIGHT = path.join(OUT, `inflight-${process.pid}.txt`);
let inflightFd = null;
function inflight(sig, lib) {
  if (inflightFd === null) {
    fs.mkdirSync(OUT, { recursive: true });
    inflightFd = fs.openSync(INFLIGHT, 'w');
  }
  const args = sig.kind === 'cb' ? [gen.mix(sig.valueSeed, 11)] : gen.genArgs(sig, 1);
  const text = reproducer(sig, lib, 'crash (the process died while running this signature)', 'cold, hot', args, `cold arguments below; hot ones from gen.genArgs(sig, 2)`);
  fs.ftruncateSync(inflightFd, 0);
  fs.writeSync(inflightFd, text + '\n', 0);
}
console.log(`# a crash leaves the reproducer of the signature it was running in ${INFLIGHT}`);

// ------------------------------------------------------------------------------------- checks
/** Compare a result with the model; a mismatch description or null. */
function compareResult(sig, got, hash, lastHash) {
  const res = sig.result;
  if (res.k === 'scalar' && res.t === 'void') {
    if (got !== undefined) return `void result gave ${show(got)}`;
    const last = lastHash();
    return last === hash ? null : `argument hash: C ${last}, JS model ${hash}`;
  }
  const want = gen.expectedResult(res, hash);
  if (res.k === 'scalar') return h.same(got, want) ? null : `result ${show(got)}, model ${show(want)} (argument hash ${hash})`;
  if (got === null || typeof got !== 'object') return `aggregate result ${show(got)}`;
  for (const l of want) {
    const g = gen.valueAt(got, l.path);
    if (!h.same(g, l.v)) return `result member ${l.path.join('.')} (${l.t}) = ${show(g)}, model ${show(l.v)} (argument hash ${hash})`;
  }
  return null;
}

/**
 * README: a by-value argument may also be given as bytes (a buffer or view of at least T.size
 * bytes). Some aggregate arguments are passed that way, encoded by the type's own encoder; the
 * model still hashes the object's members.
 */
function someAsBytes(sig, args, salt) {
  const r = gen.rng(sig.valueSeed, 0xb17e5 + salt);
  return args.map((v, i) => {
    const p = sig.params[i];
    // (T.encode refuses a string member: it has no call for the copy to live for)
    if (p.k === 'scalar' || !r.chance(0.2) || gen.hasStrings(p)) return v;
    const T = gen.jsType(ffast, p);
    const off = r.int(2) * 8;
    const buf = new ArrayBuffer(off + T.size + r.int(3));
    T.encode(v, buf, off);
    switch (r.int(3)) {
      case 0: return new Uint8Array(buf, off);
      case 1: return new DataView(buf, off);
      default: return off === 0 ? buf : new Uint8Array(buf).subarray(off);
    }
  });
}

/**
 * A hot call whose freshly optimized code deoptimized during warm-up is tried once more with a
 * new caller: (1) the caller is not TurboFan before the measured call — argument objects of
 * different aggregate types sharing a V8 map with different field representations (V8
 * generalizes the map and deopts code that assumed the old one); (2) for a function with
 * by-value aggregates, the measured call went the slow way because the separately optimized
 * wrapper deopted in an inlined encoder (seen on Node 20: "Insufficient type feedback for
 * generic named access"). Both are V8 tiering events, not calls gone wrong; the retry proves
 * the fast path once feedback is complete. Anything else, and a second failure, is reported.
 * The count is printed with the summary.
 */
let redone = 0;
function hotOnce(sig, call) {
  try {
    return call();
  } catch (e) {
    const deopt = /caller is not TurboFan before the measured call/.test(e && e.message);
    // The same with the JS wrapper optimized on its own (optimizeCallee): its first optimized
    // run can deopt on a by-value encoder site (Node 20: "Insufficient type feedback for
    // generic named access" in an inlined encoder), and that call goes the slow way.
    const wrapperDeopt = sig.hasAggregates && /expected the fast path, slowCalls\(\) grew by 1/.test(e && e.message);
    if (!(e && e.code === 'ERR_ASSERTION' && (deopt || wrapperDeopt))) throw e;
    redone++;
    return call();
  }
}

/**
 * Whether the hot call must take the fast path. _helpers decides from the arguments and the
 * result (a result that is an object, a string, null or a BigInt is not asserted there); here
 * the result kind does not matter — V8 returns a number to the wrapper, which makes the value —
 * so the fast path is asserted whenever every argument is of fast kind and V8 sees at most 30
 * parameters (by-value aggregates do not reach V8). Otherwise _helpers' own rule applies.
 */
function fastExpected(sig, args) {
  const v8Params = sig.params.filter((p) => p.k === 'scalar').length;
  if (v8Params > h.MAX_FAST_PARAMS) return undefined;
  // arm64: no fast target when V8 would pass odd counts of both stack classes (_helpers).
  if (h.arm64StackHazard(sig.params.filter((p) => p.k === 'scalar').map((p) => p.t))) return 'slow';
  return sig.params.every((p, i) => p.k !== 'scalar' || h.argIsFastKind(p.t, args[i])) ? true : undefined;
}

function runFunction(sig, fn, lib, lastHash) {
  const agg = sig.result.k !== 'scalar';
  for (const [mode, salt] of [
    ['cold', 1],
    ['hot', 2],
  ]) {
    const model = gen.genArgs(sig, salt);
    const hash = gen.hashArgs(sig.params, model);
    const args = someAsBytes(sig, model, salt);
    let got;
    try {
      const fast = fastExpected(sig, args);
      got = mode === 'cold' ? h.cold(fn, args, sig.name) : hotOnce(sig, () => h.hot(fn, args, { label: sig.name, stable: !agg, optimizeCallee: true, fast }));
    } catch (e) {
      mismatch(sig, lib, 'call failed', mode, args, `${e && e.code ? e.code + ': ' : ''}${e && e.message}`);
      continue;
    }
    const bad = compareResult(sig, got, hash, lastHash);
    if (bad) mismatch(sig, lib, 'wrong result', mode, args, bad, shrink(sig, args, model, mode));
  }
}

async function runNonblocking(sig, fn, lib, lastHash) {
  for (const [mode, salt] of [
    ['cold nonblocking', 3],
    ['hot nonblocking', 4],
  ]) {
    const args = gen.genArgs(sig, salt);
    const hash = gen.hashArgs(sig.params, args);
    let got;
    try {
      const p = mode.startsWith('cold') ? h.cold(fn, args, sig.name) : h.hot(fn, args, { label: sig.name });
      assert.ok(p instanceof Promise, 'a nonblocking call returns a Promise');
      got = await p;
    } catch (e) {
      mismatch(sig, lib, 'call failed', mode, args, `${e && e.code ? e.code + ': ' : ''}${e && e.message}`);
      continue;
    }
    const bad = compareResult(sig, got, hash, lastHash);
    if (bad) mismatch(sig, lib, 'wrong result', mode, args, bad);
  }
}

/**
 * A JS callback for sig that checks its arguments against what C derives from `seed`: scalars
 * exactly, an aggregate leaf by leaf (a union by its active member; the other members are the
 * same bytes read another way). Its result derives from what arrived, so C's check of the result
 * covers the arguments too. `queue`: `threads: 'queue'` (a void callback reached from a foreign
 * thread: the arguments were copied, C did not wait).
 */
function makeCallback(sig, seed, problems, queue) {
  const want = gen.cbArgs(sig, seed);
  const wantValues = sig.params.map((p, i) => (p.k === 'scalar' ? want[i] : gen.buildValue(p, want[i])));
  let calls = 0;
  const fn = (...got) => {
    calls++;
    if (got.length !== want.length) problems.push(`callback got ${got.length} arguments, C passed ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      const p = sig.params[i];
      if (p.k === 'scalar') {
        if (!h.same(got[i], want[i])) {
          problems.push(`callback argument ${i} (${p.t}) = ${show(got[i])}, C passed ${show(want[i])}`);
          break;
        }
        continue;
      }
      const bad = want[i].find((l) => !h.same(gen.valueAt(got[i], l.path), l.v));
      if (bad) {
        problems.push(`callback argument ${i} member ${bad.path.join('.')} (${bad.t}) = ${show(gen.valueAt(got[i], bad.path))}, C passed ${show(bad.v)}`);
        break;
      }
    }
    const r = gen.expectedResult(sig.result, gen.hashArgs(sig.params, got));
    return sig.result.k === 'scalar' ? r : gen.buildValue(sig.result, r);
  };
  const cb = ffast.callback(
    {
      parameters: sig.params.map((p) => gen.jsType(ffast, p)),
      result: gen.jsType(ffast, sig.result),
      onError: (e) => problems.push(`callback error: ${e && e.message}`),
      ...(queue ? { threads: 'queue' } : {}),
    },
    fn,
  );
  return { cb, hash: gen.hashArgs(sig.params, wantValues), calls: () => calls };
}

async function runCallback(sig, fn, fnNb, lib, lastHash) {
  const modes = [
    ['cold', 11, fn],
    ['hot', 12, fn],
  ];
  if (fnNb) modes.push(['cold nonblocking', 13, fnNb], ['hot nonblocking', 14, fnNb]);
  for (const [mode, salt, f] of modes) {
    const seed = gen.mix(sig.valueSeed, salt);
    const problems = [];
    const queue = sig.queue && mode.includes('nonblocking');
    let cb;
    let hash;
    let calls;
    try {
      ({ cb, hash, calls } = makeCallback(sig, seed, problems, queue));
    } catch (e) {
      mismatch(sig, lib, 'callback refused', mode, [seed], `${e && e.code}: ${e && e.message}`);
      continue;
    }
    let status;
    try {
      const r = mode.startsWith('cold') ? h.cold(f, [cb, seed], sig.name) : h.hot(f, [cb, seed], { label: sig.name });
      status = await r;
      // Queued calls run on later turns of the event loop, after C returned: wait for every one
      // (h.hot calls WARMUP_CALLS + 2 times) before the callback is closed.
      const made = mode.startsWith('cold') ? 1 : h.WARMUP_CALLS + 2;
      if (queue) await h.until(() => calls() >= made, 20000);
    } catch (e) {
      problems.push(`call failed: ${e && e.code ? e.code + ': ' : ''}${e && e.message}`);
    }
    cb.close();
    if (status !== 0 && status !== undefined) {
      problems.push(
        sig.result.k === 'scalar'
          ? `C saw a wrong callback result (status ${status})`
          : `C saw a wrong callback result: member ${status} of ${gen.leaves(sig.result).length} (${gen.leaves(sig.result)[status - 1]?.path.join('.')})`,
      );
    }
    if (sig.result.k === 'scalar' && sig.result.t === 'void' && !problems.length && lastHash() !== hash) problems.push(`C's argument hash ${lastHash()}, model ${hash}`);
    if (problems.length) mismatch(sig, lib, 'callback mismatch', mode, [seed], problems.slice(0, 3).join('; '));
  }
}

// ------------------------------------------------------------------------------------- the run
async function runHalf(tag, seed, n) {
  const sigs = half(tag, seed, n);
  if (sigs.length === 0) return 0;
  const lib = compile(tag, gen.emitC(sigs));
  const base = ffast.dlopen(lib, { fz_last_hash: { parameters: [], result: 'u32' } });
  const lastHash = base.symbols.fz_last_hash;
  // Bind in chunks; a chunk whose definitions ffast refuses is rebound one by one to name the
  // signature.
  const CHUNK = 100;
  const libs = [base];
  for (let at = 0; at < sigs.length; at += CHUNK) {
    const chunk = sigs.slice(at, at + CHUNK);
    let bound;
    try {
      // (inside the try: a type ffast refuses to make is reported per signature below)
      const defs = Object.assign({}, ...chunk.map(definitions));
      bound = ffast.dlopen(lib, defs);
      h.register(bound, defs);
      libs.push(bound);
    } catch {
      bound = { symbols: {} };
      for (const sig of chunk) {
        try {
          const d = definitions(sig);
          const one = ffast.dlopen(lib, d);
          h.register(one, d);
          libs.push(one);
          Object.assign(bound.symbols, one.symbols);
        } catch (e) {
          mismatch(sig, lib, 'definition refused', 'bind', [], `${e && e.code}: ${e && e.message}`);
        }
      }
    }
    for (const sig of chunk) {
      const fn = bound.symbols[sig.name];
      if (!fn) continue;
      inflight(sig, lib);
      tally(sig);
      const nb = bound.symbols[`${sig.name}_nb`];
      if (sig.kind === 'cb') await runCallback(sig, fn, nb, lib, lastHash);
      else {
        runFunction(sig, fn, lib, lastHash);
        if (nb) await runNonblocking(sig, nb, lib, lastHash);
      }
    }
  }
  for (const l of libs) l.close();
  // The random half's library is rebuilt every run: keep it only when it is needed to reproduce.
  if (tag === 'r' && !mismatches.some((m) => m.sig.name.startsWith('fuzz_r_'))) {
    for (const f of [lib, lib.replace(/\.so$/, '.c')]) fs.rmSync(f, { force: true });
  }
  return sigs.length;
}

// What the run covered (printed at the end, so a generator change that loses a class shows).
const seen = new Map();
const count = (k) => seen.set(k, (seen.get(k) || 0) + 1);
function tally(sig) {
  count(sig.kind === 'cb' ? 'callback variants' : 'functions');
  if (sig.nonblocking) count('nonblocking');
  if (sig.params.length > 30) count('> 30 parameters');
  if (sig.params.length >= 17) count('17-40 parameters');
  const walk = (n) => {
    if (n.k === 'scalar') return;
    if (n.k === 'array') {
      count('arrays in aggregates');
      return walk(n.elem);
    }
    count(n.k === 'union' ? 'unions' : 'structs');
    if (n.pack) count('packed');
    if (n.fields.some((f) => f.align >= 32)) count('members aligned >= 32');
    n.fields.forEach((f) => walk(f.type));
  };
  for (const p of [...sig.params, sig.result]) {
    if (p.k === 'scalar') count(`scalar ${p.t}`);
    else {
      walk(p);
      const ls = gen.leaves(p);
      if (ls.every((l) => l.t === ls[0].t && (l.t === 'f32' || l.t === 'f64'))) count('float-only aggregates (HFA/HVA candidates)');
    }
  }
  if (sig.result.k !== 'scalar') count('aggregate results');
  if (sig.kind === 'cb' && sig.params.some((p) => p.k !== 'scalar')) count('callbacks with aggregate parameters');
  if (sig.kind === 'cb' && sig.result.k !== 'scalar') count('callbacks with aggregate results');
  if ([...sig.params, sig.result].some((p) => p.k !== 'scalar' && gen.hasStrings(p))) count('aggregates with string members');
  if (sig.queue) count("threads: 'queue' callbacks");
}

test(`ABI fuzz: ${COUNT} random signatures cold and hot, callbacks (structs by value too), nonblocking [${NODE}]`, async () => {
  const t0 = process.hrtime.bigint();
  const nFixed = Math.ceil(COUNT / 2);
  const ran = (await runHalf('f', FIXED_SEED, nFixed)) + (await runHalf('r', RANDOM_SEED, COUNT - nFixed));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`# ffast fuzz: ${ran} signatures in ${secs.toFixed(1)} s, ${mismatches.length} mismatches (random seed ${RANDOM_SEED})`);
  console.log(`# hot calls redone after a deopt during warm-up: ${redone}`);
  console.log(`# covered: ${[...seen].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (inflightFd !== null) {
    fs.closeSync(inflightFd);
    fs.rmSync(INFLIGHT, { force: true });
  }
  if (mismatches.length) {
    const kinds = new Map();
    for (const m of mismatches) kinds.set(`${m.what} (${m.mode})`, (kinds.get(`${m.what} (${m.mode})`) || 0) + 1);
    assert.fail(
      `${mismatches.length} mismatches in ${new Set(mismatches.map((m) => m.sig.name)).size} signatures ` +
        `[${[...kinds].map(([k, n]) => `${k}: ${n}`).join(', ')}]; reproducers in ${OUT}/repro-node${h.major}-*.txt; first:\n${mismatches[0].text}`,
    );
  }
  if (!ONLY) assert.equal(ran, COUNT);
});

// ------------------------------------------------------------------------------------- regressions
// What the fuzzer (or the probe behind it) found, pinned down as fixed cases, cold and hot.
const REGRESSIONS_C = `#include <stdint.h>
#include <string.h>
// Issue 15 finding 12: over-aligned structs on the stack (SysV: at a multiple of their own
// alignment; AArch64: by reference).
typedef struct { double x __attribute__((aligned(32))); } A32;
typedef struct { double x __attribute__((aligned(64))); } A64;
typedef struct { double v[6]; } D6;
double get_x(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A32 s) { return s.x; }
int64_t after_x(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A32 s, int64_t h) { return h; }
double get_x2(D6 v, A32 s) { return s.x + v.v[5]; }
double get_y(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, A64 s, int64_t h) { return s.x + (double)h; }
// SysV arrays: the second element's float is at offset 6, yet gcc passes and returns this
// 14-byte struct in two general registers.
#pragma pack(push, 2)
typedef struct { float f; int8_t c; } S6;
#pragma pack(pop)
#pragma pack(push, 4)
typedef struct { S6 a[2]; int8_t d; } T14;
#pragma pack(pop)
double sum_t14(T14 t) { return t.a[0].f + 2.0 * t.a[0].c + 3.0 * t.a[1].f + 4.0 * t.a[1].c + 5.0 * t.d; }
T14 make_t14(double x) { T14 t; memset(&t, 0, sizeof t); t.a[0].f = (float)x; t.a[0].c = 1; t.a[1].f = (float)(x + 0.5); t.a[1].c = -2; t.d = 3; return t; }
`;

test('regressions: over-aligned structs on the stack (docs/abi-stack-alignment.md), SysV array classification', () => {
  const lib = compile('regress', REGRESSIONS_C);
  const { struct, array } = ffast;
  const A32 = struct({ x: { type: 'f64', align: 32 } });
  const A64 = struct({ x: { type: 'f64', align: 64 } });
  const D6 = struct({ v: array('f64', 6) });
  const S6 = struct({ f: 'f32', c: 'i8' }, { pack: 2 });
  const T14 = struct({ a: array(S6, 2), d: 'i8' }, { pack: 4 });
  const i7 = Array(7).fill('i64');
  const defs = {
    get_x: { parameters: [...i7, A32], result: 'f64' },
    after_x: { parameters: [...i7, A32, 'i64'], result: 'i64' },
    get_x2: { parameters: [D6, A32], result: 'f64' },
    get_y: { parameters: [...i7, A64, 'i64'], result: 'f64' },
    sum_t14: { parameters: [T14], result: 'f64' },
    make_t14: { parameters: ['f64'], result: T14 },
  };
  const L = ffast.dlopen(lib, defs);
  h.register(L, defs);
  const S = L.symbols;
  const ints = [1, 2, 3, 4, 5, 6, 7];
  const both = (fn, args, want, label) => {
    const check = (got, mode) => assert.deepStrictEqual(got, want, `${label} ${mode} [${NODE}]`);
    check(h.cold(fn, args, label), 'cold');
    check(h.hot(fn, args, { label, fast: true, stable: typeof want !== 'object', optimizeCallee: true }), 'hot');
  };
  both(S.get_x, [...ints, { x: 42.5 }], 42.5, 'get_x');
  both(S.after_x, [...ints, { x: 42.5 }, 99], 99, 'after_x');
  both(S.get_x2, [{ v: [1, 2, 3, 4, 5, 6.25] }, { x: 42.5 }], 48.75, 'get_x2');
  both(S.get_y, [...ints, { x: 0.25 }, -5], -4.75, 'get_y');
  const t = { a: [{ f: 1.5, c: 10 }, { f: -2.25, c: -3 }], d: 7 };
  both(S.sum_t14, [t], 1.5 + 20 + 3 * -2.25 + 4 * -3 + 35, 'sum_t14');
  both(S.make_t14, [4], { a: [{ f: 4, c: 1 }, { f: 4.5, c: -2 }], d: 3 }, 'make_t14');
  L.close();
});

// The same shapes as callback parameters and results: an over-aligned struct on the stack after
// seven integers, and the 14-byte SysV array struct.
const REGRESSIONS_CB_C = `#include <stdint.h>
#include <string.h>
typedef struct { double x __attribute__((aligned(32))); } A32;
#pragma pack(push, 2)
typedef struct { float f; int8_t c; } S6;
#pragma pack(pop)
#pragma pack(push, 4)
typedef struct { S6 a[2]; int8_t d; } T14;
#pragma pack(pop)
typedef int64_t (*after_f)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, A32, int64_t);
int64_t cb_after_x(after_f f) { A32 s; memset(&s, 0, sizeof s); s.x = 42.5; return f(1, 2, 3, 4, 5, 6, 7, s, 99); }
typedef T14 (*t14_f)(T14);
int32_t cb_t14(t14_f f) {
  T14 t; memset(&t, 0, sizeof t);
  t.a[0].f = 1.5f; t.a[0].c = 10; t.a[1].f = -2.25f; t.a[1].c = -3; t.d = 7;
  T14 r = f(t);
  return r.a[0].f == 3.0f && r.a[0].c == 20 && r.a[1].f == -4.5f && r.a[1].c == -6 && r.d == 14;
}
`;

test('regressions as callbacks: an over-aligned struct on the stack, the SysV array struct as parameter and result', () => {
  const lib = compile('regress-cb', REGRESSIONS_CB_C);
  const { struct, array, callback } = ffast;
  const A32 = struct({ x: { type: 'f64', align: 32 } });
  const S6 = struct({ f: 'f32', c: 'i8' }, { pack: 2 });
  const T14 = struct({ a: array(S6, 2), d: 'i8' }, { pack: 4 });
  const defs = { cb_after_x: { parameters: ['function'], result: 'i64' }, cb_t14: { parameters: ['function'], result: 'i32' } };
  const L = ffast.dlopen(lib, defs);
  h.register(L, defs);
  let seen;
  const after = callback({ parameters: [...Array(7).fill('i64'), A32, 'i64'], result: 'i64' }, (...a) => {
    seen = a;
    return a[7].x * 2 + a[8];
  });
  assert.equal(h.cold(L.symbols.cb_after_x, [after]), 184);
  assert.deepStrictEqual(seen, [1, 2, 3, 4, 5, 6, 7, { x: 42.5 }, 99]);
  assert.equal(h.hot(L.symbols.cb_after_x, [after], { fast: 'slow' }), 184);
  const t14 = callback({ parameters: [T14], result: T14 }, (t) => ({ a: t.a.map((e) => ({ f: e.f * 2, c: e.c * 2 })), d: t.d * 2 }));
  assert.equal(h.cold(L.symbols.cb_t14, [t14]), 1);
  assert.equal(h.hot(L.symbols.cb_t14, [t14], { fast: 'slow' }), 1);
  after.close();
  t14.close();
  L.close();
});
