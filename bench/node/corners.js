// bench/node rows for issue 13's "slow corners" (scope 6): string results, BigInt pointers,
// out-pointers, errno, variadic calls, and whole tasks on Debian's sqlite3, zlib and libcrypto.
//
// Unlike the rows in bench.js (one C function, the same call source for every implementation),
// each row here has a binder per implementation:
//   bind(base, env) → { f, args, use?, aux?, call?, note? }   (base: 'fastapi' | 'napi' | 'ffast' | 'js')
//   ref(env)        → the same for the plain-JS reference (also the `js` column unless row.noJs)
// `aux`'s keys become constants of the loop's closure; `call` (default `f(${args})`) is the
// expression whose value `r` is, `use` (default `r`) what the int32 accumulator adds. A binder that
// cannot run throws tasks.na(reason) (capability or library missing, no baseline): the cell shows
// `n/a` and the reason is printed under the table; such cells never fail a bar.
// env: { ffast() (the module, loaded on first use), addon() (this base's addon), u8, LIBBENCH }.
// `calls`: fast-capable calls per iteration (for the slow-call share; default 1).
//
// `bar` (checked by bench.js): hot = ffast / fastapi limit, cold = ffast-cold / napi limit,
// vs = [row, limit]: ffast hot / ffast hot of another row of the same run. `hotInfo`: the ffast/fastapi
// ratio is shown but not a bar. kind 'task': a sample is row.n whole tasks, reported per task.
'use strict';

const T = require('../tasks.cjs');

const NO_FASTAPI = (why) => T.na(`no fast-API baseline: ${why}`);

// The libraries under ffast: opened by soname with the default options (what a user writes); a
// library that is not installed → n/a. (Not probed through an addon first: a library already
// loaded by someone else keeps that loader's binding flags, which would hide ffast's own.)
function ffastLib(env, lib, defs) {
  try {
    return env.ffast().dlopen(T.SYSLIBS[lib].soname, defs);
  } catch (e) {
    if (e && e.code === 'ERR_FFAST_LIBRARY_NOT_FOUND') T.libraryMissing(lib, e.message);
    throw e;
  }
}
// The same library for an addon (its syslib() reports why a library did not load).
function addonLib(env, lib) {
  const a = env.addon();
  const why = a.syslib(lib);
  if (why !== undefined) T.libraryMissing(lib, why);
  return a;
}

const ROWS = [
  // ---- str_ret: `const char *str_ret(int)` (strerror-like, 16-23 ASCII bytes) → a JS string.
  // Baselines: a regular V8 callback making the string with String::NewFromUtf8 (a fast call cannot
  // return a string) and napi_create_string_utf8. Issue 13 bar: ffast <= 1.5x the V8 addon (and
  // <= 0.5x koffi: bench/peers).
  {
    name: 'str_ret', kind: 'string', bar: { hot: 1.5, cold: 1.5 },
    bind(base, env) {
      if (base === 'ffast') {
        const lib = env.ffast().dlopen(env.LIBBENCH, { str_ret: { parameters: ['i32'], result: 'string' } });
        return { f: lib.symbols.str_ret, args: 'i', use: 'r.length + r.charCodeAt(0)' };
      }
      return { f: env.addon().str_ret, args: 'i', use: 'r.length + r.charCodeAt(0)' };
    },
    ref: () => ({ f: (k) => T.STR_RET_MSGS[k & 7], args: 'i', use: 'r.length + r.charCodeAt(0)' }),
  },
  // str_cstring: the same string through result 'pointer' + cstring() (the other way ffast decodes
  // C strings); baselines as str_ret.
  {
    name: 'str_cstring', kind: 'string', bar: { hot: 1.5, cold: 1.5 },
    bind(base, env) {
      if (base === 'ffast') {
        const ffast = env.ffast();
        const lib = ffast.dlopen(env.LIBBENCH, { str_ret: { parameters: ['i32'], result: 'pointer' } });
        return { f: lib.symbols.str_ret, aux: { cstring: ffast.cstring }, call: 'cstring(f(i))', use: 'r.length + r.charCodeAt(0)' };
      }
      return { f: env.addon().str_ret, args: 'i', use: 'r.length + r.charCodeAt(0)' };
    },
    ref: () => ({ f: (k) => T.STR_RET_MSGS[k & 7], args: 'i', use: 'r.length + r.charCodeAt(0)' }),
  },
  // ---- ptr_bigint: ptr_arg(p) with p a BigInt (a handle read back from a BigUint64Array is one).
  // Bar: ffast hot <= 1.3x ffast's own ptr_arg row (the same call with a Number) from the same run.
  // fastapi: the addon registered with Int64Representation::kBigInt (V8 >= 12; on Node 20 a BigInt
  // takes its slow callback), shown for information.
  {
    name: 'ptr_bigint', kind: 'scalar', bar: { vs: ['ptr_arg', 1.3], cold: 1.5, hotInfo: true },
    bind(base, env) {
      if (base === 'ffast') {
        const ffast = env.ffast();
        const lib = ffast.dlopen(env.LIBBENCH, { ptr_arg: { parameters: ['pointer'], result: 'u32' } });
        return { f: lib.symbols.ptr_arg, aux: { pb: BigInt(ffast.ptr(env.u8)) }, args: 'pb' };
      }
      const a = env.addon();
      return { f: base === 'fastapi' ? a.ptr_arg_bigint : a.ptr_arg, aux: { pb: BigInt(a.ptrOf(env.u8)) }, args: 'pb' };
    },
    ref: (env) => ({ f: () => env.u8[0], aux: { pb: 1n }, args: 'pb' }),
  },
  // ---- ptr_null: ptr_null(NULL, i): ffast is given `null` (its NULL); the addons 0 (a fast-API
  // uint64 parameter takes no null, so an addon's caller passes 0). Bar: as a scalar row.
  {
    name: 'ptr_null', kind: 'scalar', bar: { hot: 1.15, cold: 1.5 },
    bind(base, env) {
      if (base === 'ffast') {
        const lib = env.ffast().dlopen(env.LIBBENCH, { ptr_null: { parameters: ['pointer', 'i32'], result: 'i32' } });
        return { f: lib.symbols.ptr_null, args: 'null, i' };
      }
      return { f: env.addon().ptr_null, args: '0, i' };
    },
    ref: () => ({ f: (q, v) => (q ? v : v + 1), args: 'null, i' }),
  },
  // ---- out_ptr: `int open_thing(const char *name, void **out)` (sqlite3_open-style). Today: a
  // BigUint64Array(1) declared 'buffer', the handle read back as out[0] (a BigInt); with
  // tasks.OUT_PTR = 'array': `[null]`, declared tasks.OUT_PTR_TYPE. The slot is cleared before each
  // call, so a call that does not write fails the check. The addons take the BigUint64Array
  // (fast-API: a typed-array argument).
  {
    name: 'out_ptr', kind: 'heavy', bar: { hot: 1.5, cold: 1.5 },
    bind(base, env) {
      const typed = { aux: { name: T.THING_NAME, out: new BigUint64Array(1), H: BigInt(T.THING_HANDLE) },
        call: '(out[0] = 0n, f(name, out))', use: 'r + (out[0] === H ? 1 : 0)' };
      if (base !== 'ffast') return { f: env.addon().open_thing, ...typed };
      const ffast = env.ffast();
      if (T.OUT_PTR === 'array') {
        let lib;
        try {
          lib = ffast.dlopen(env.LIBBENCH, { open_thing: { parameters: ['string', T.OUT_PTR_TYPE], result: 'i32' } });
          const probe = [null];
          if (lib.symbols.open_thing(T.THING_NAME, probe) !== 0 || probe[0] !== T.THING_HANDLE) throw new Error(`out-array got ${probe[0]}`);
        } catch (e) {
          T.capabilityMissing(`scalar out-pointer ('${T.OUT_PTR_TYPE}' with [null]; issue 14 item 4): ${e.message.split('\n')[0]}`);
        }
        return { f: lib.symbols.open_thing, aux: { name: T.THING_NAME, out: [null], H: T.THING_HANDLE },
          call: '(out[0] = null, f(name, out))', use: 'r + (out[0] === H ? 1 : 0)', note: `out-pointer: [null] ('${T.OUT_PTR_TYPE}')` };
      }
      const lib = ffast.dlopen(env.LIBBENCH, { open_thing: { parameters: ['string', 'buffer'], result: 'i32' } });
      return { f: lib.symbols.open_thing, ...typed, note: 'out-pointer: BigUint64Array(1) as buffer' };
    },
    ref: () => ({
      f: (name, o) => { o[0] = BigInt(0x7f0000000000 + name.length * 16); return 0; },
      aux: { name: T.THING_NAME, out: new BigUint64Array(1), H: BigInt(T.THING_HANDLE) },
      call: '(out[0] = 0n, f(name, out))', use: 'r + (out[0] === H ? 1 : 0)',
    }),
  },
  // ---- errno_off / errno: maybe_fail(i) fails (-1, errno set) on 1 call in 16. errno_off: no
  // capture, errno not read. errno: the definition has `errno: true` and the loop reads errno()
  // after each failure (the addons: a call saving errno into a thread-local + a get_errno call).
  // Bars: errno_off as a scalar row; errno <= 1.15x the addon pair and (issue 14) <= 1.1x ffast's
  // errno_off of the same run.
  {
    name: 'errno_off', kind: 'scalar', bar: { hot: 1.15, cold: 1.5 },
    bind(base, env) {
      if (base === 'ffast') {
        const lib = env.ffast().dlopen(env.LIBBENCH, { maybe_fail: { parameters: ['i32'], result: 'i32' } });
        return { f: lib.symbols.maybe_fail, args: 'i' };
      }
      return { f: env.addon().maybe_fail, args: 'i' };
    },
    ref: () => ({ f: T.maybeFail, args: 'i' }),
  },
  {
    name: 'errno', kind: 'scalar', bar: { hot: 1.15, cold: 1.5, vs: ['errno_off', 1.1] },
    bind(base, env) {
      const use = 'r < 0 ? errno() : r';
      if (base === 'ffast') {
        const ffast = env.ffast();
        if (typeof ffast.errno !== 'function') T.capabilityMissing('errno (ffast exports no errno(); issue 14 item 3)');
        let lib;
        try {
          lib = ffast.dlopen(env.LIBBENCH, { maybe_fail: { parameters: ['i32'], result: 'i32', errno: true } });
        } catch (e) {
          T.capabilityMissing(`errno: true refused (${e.message.split('\n')[0]})`);
        }
        return { f: lib.symbols.maybe_fail, aux: { errno: ffast.errno }, args: 'i', use };
      }
      const a = env.addon();
      return { f: a.maybe_fail_errno, aux: { errno: a.get_errno }, args: 'i', use };
    },
    ref: () => ({ f: T.maybeFail, aux: { E: T.expectedErrno }, args: 'i', use: 'r < 0 ? E(i) : r' }),
  },
  // ---- variadic: bl_snprintf(buf, 64, "%d %f %s", i, 1.5, "abc") (benchlib's own variadic function).
  // variadic: the definition ends in '...' and the loop calls fn.variadic('int', 'double', 'string')
  // (a function per shape, issue 14 item 2b); variadic_pairs: type/value pairs after the fixed
  // arguments (item 2a). The addons make the call from C (the compiler sets %al).
  ...['variadic', 'variadic_pairs'].map((name) => ({
    name, kind: 'heavy', bar: { hot: 1.5, cold: 1.5 },
    bind(base, env) {
      const aux = { buf: new Uint8Array(64), fmt: T.VFMT, d: T.VDBL, s: T.VSTR };
      const use = 'r + buf[0]';
      if (base !== 'ffast') return { f: env.addon().bl_snprintf, aux, args: 'buf, 64, fmt, i, d, s', use };
      const ffast = env.ffast();
      let fn;
      try {
        fn = ffast.dlopen(env.LIBBENCH, { bl_snprintf: { parameters: ['buffer', 'usize', 'string', '...'], result: 'i32' } }).symbols.bl_snprintf;
      } catch (e) {
        T.capabilityMissing(`variadic definitions ('...' refused: ${e.message.split('\n')[0]}; issue 14 item 2)`);
      }
      if (name === 'variadic') {
        if (typeof fn.variadic !== 'function') T.capabilityMissing('fn.variadic(...types) (issue 14 item 2b)');
        return { f: fn.variadic('int', 'double', 'string'), aux, args: 'buf, 64, fmt, i, d, s', use };
      }
      return { f: fn, aux, args: "buf, 64, fmt, 'int', i, 'double', d, 'string', s", use };
    },
    ref: () => ({ f: T.snprintfRef, aux: { buf: new Uint8Array(64), fmt: T.VFMT, d: T.VDBL, s: T.VSTR }, args: 'buf, 64, fmt, i, d, s', use: 'r + buf[0]' }),
  })),
  // ---- crc32: zlib's crc32(crc, buf, 16) over a 16-byte buffer whose first word is the loop index.
  // Checked against known values before timing. js: a table-driven crc32 in JS.
  {
    name: 'crc32', kind: 'heavy', bar: { hot: 1.5, cold: 1.5 }, lib: 'zlib',
    bind(base, env) {
      let f;
      if (base === 'ffast') {
        f = ffastLib(env, 'zlib', { crc32: { parameters: ['u32', 'buffer', 'u32'], result: 'u32' } }).symbols.crc32;
      } else {
        f = addonLib(env, 'zlib').crc32;
      }
      for (const [s, v] of T.CRC_KNOWN) {
        const b = Buffer.from(s);
        const got = f(0, new Uint8Array(b.buffer, b.byteOffset, b.length), b.length);
        if (got !== v) throw new Error(`crc32('${s}') = ${got}, expected ${v}`);
      }
      return crcLoop(f);
    },
    ref: () => crcLoop(T.crc32Ref),
  },
  // ---- sha256: SHA-256 of a 64-byte message (its first word the loop index) through EVP:
  // EVP_MD_CTX_new, EVP_DigestInit_ex(EVP_sha256()), EVP_DigestUpdate, EVP_DigestFinal_ex,
  // EVP_MD_CTX_free — five calls per message under ffast, one call doing the same five in C for the
  // addons. The loop adds the digest's first word. js and the reference: node:crypto (C++ over
  // node's own OpenSSL). ns per message.
  {
    name: 'sha256', kind: 'heavy', bar: { hot: 1.5, cold: 1.5 }, lib: 'crypto', n: 50000, warmup: 20000,
    bind(base, env) {
      let f, calls = 1;
      if (base === 'ffast') {
        const s = ffastLib(env, 'crypto', {
          EVP_MD_CTX_new: { parameters: [], result: 'pointer' },
          EVP_MD_CTX_free: { parameters: ['pointer'], result: 'void' },
          EVP_sha256: { parameters: [], result: 'pointer' },
          EVP_DigestInit_ex: { parameters: ['pointer', 'pointer', 'pointer'], result: 'i32' },
          EVP_DigestUpdate: { parameters: ['pointer', 'buffer', 'usize'], result: 'i32' },
          EVP_DigestFinal_ex: { parameters: ['pointer', 'buffer', 'pointer'], result: 'i32' },
        }).symbols;
        const md = s.EVP_sha256();
        const { EVP_MD_CTX_new: ctxNew, EVP_MD_CTX_free: ctxFree, EVP_DigestInit_ex: init, EVP_DigestUpdate: update, EVP_DigestFinal_ex: final } = s;
        f = (m, o) => {
          const ctx = ctxNew();
          const ok = init(ctx, md, null) & update(ctx, m, 64) & final(ctx, o, null);
          ctxFree(ctx);
          return ok;
        };
        calls = 5;
      } else {
        f = addonLib(env, 'crypto').sha256_64;
      }
      const b = shaBuffers();
      const want = require('crypto').createHash('sha256').update(b.m).digest();
      if (f(b.m, b.o) !== 1 || !Buffer.from(b.o.buffer, b.o.byteOffset, 32).equals(want)) {
        throw new Error(`sha256: digest differs from node:crypto's (${Buffer.from(b.o).toString('hex')} vs ${want.toString('hex')})`);
      }
      return { f, aux: b, call: '(m32[0] = i, f(m, o))', use: 'r + o32[0]', calls };
    },
    ref: () => {
      const crypto = require('crypto');
      return {
        f: (m, o) => { crypto.createHash('sha256').update(m).digest().copy(o); return 1; },
        aux: shaBuffers(), call: '(m32[0] = i, f(m, o))', use: 'r + o32[0]',
      };
    },
  },
  // ---- sqlite: the whole task of bench/tasks.cjs (10^4 INSERTs with bind_int/bind_text/step/reset
  // in one transaction, then a SELECT reading the INTEGER and the TEXT column), µs per task.
  // sqlite: handles used as read back from the out-parameter (BigInts today); sqlite_num: the same
  // with Number(handle) (isolates the BigInt-pointer cost). napi: one N-API function per C function,
  // the same JS task code. No fast-API baseline, no js column (no JS sqlite).
  ...['sqlite', 'sqlite_num'].map((name) => ({
    name, kind: 'task', bar: { hotVs: ['napi', 1.0], cold: 1.5 }, lib: 'sqlite', n: 3, warmup: 3, noJs: true,
    bind(base, env) {
      if (base === 'fastapi') NO_FASTAPI('the napi column is the hand-written sqlite binding');
      const names = T.SQLITE_NAMES;
      let L, out, H = name === 'sqlite_num' ? Number : (x) => x, note;
      if (base === 'napi') {
        const a = addonLib(env, 'sqlite');
        L = Object.fromEntries(['open', 'close', 'exec', 'prepare_v2', 'bind_int', 'bind_text', 'step', 'reset', 'column_int', 'column_text', 'finalize']
          .map((k) => [k, a[`sqlite3_${k}`]]));
        out = new BigUint64Array(1);
      } else {
        const array = T.OUT_PTR === 'array';
        const O = array ? T.OUT_PTR_TYPE : 'buffer';
        const defs = {
          sqlite3_open: { parameters: ['string', O], result: 'i32' },
          sqlite3_close: { parameters: ['pointer'], result: 'i32' },
          sqlite3_exec: { parameters: ['pointer', 'string', 'pointer', 'pointer', 'pointer'], result: 'i32' },
          sqlite3_prepare_v2: { parameters: ['pointer', 'string', 'i32', O, 'pointer'], result: 'i32' },
          sqlite3_bind_int: { parameters: ['pointer', 'i32', 'i32'], result: 'i32' },
          sqlite3_bind_text: { parameters: ['pointer', 'i32', 'string', 'i32', 'isize'], result: 'i32' },
          sqlite3_step: { parameters: ['pointer'], result: 'i32' },
          sqlite3_reset: { parameters: ['pointer'], result: 'i32' },
          sqlite3_column_int: { parameters: ['pointer', 'i32'], result: 'i32' },
          sqlite3_column_text: { parameters: ['pointer', 'i32'], result: 'string' },
          sqlite3_finalize: { parameters: ['pointer'], result: 'i32' },
        };
        let s;
        try {
          s = ffastLib(env, 'sqlite', defs).symbols;
        } catch (e) {
          if (array && !e.na) T.capabilityMissing(`scalar out-pointer ('${T.OUT_PTR_TYPE}' with [null]; issue 14 item 4): ${e.message.split('\n')[0]}`);
          throw e;
        }
        L = Object.fromEntries(Object.entries(s).map(([k, v]) => [k.slice(8), v]));
        out = array ? [null] : new BigUint64Array(1);
        note = array ? `out-pointer: [null] ('${T.OUT_PTR_TYPE}')` : 'out-pointer: BigUint64Array(1) as buffer';
      }
      const want = T.sqliteExpected(names);
      let got;
      try {
        got = T.sqliteTask(L, H, out, names, null);
      } catch (e) {
        if (base === 'ffast' && T.OUT_PTR === 'array') T.capabilityMissing(`scalar out-pointer ('${T.OUT_PTR_TYPE}' with [null]): ${e.message}`);
        throw e;
      }
      if (got !== want) throw new Error(`sqlite task: ${got}, expected ${want}`);
      // calls per task: open, 2 exec, 2 prepare, 4 per INSERT, 2 finalize, rows + 1 steps, 2 columns per row, close
      return { f: () => T.sqliteTask(L, H, out, names, null), args: '', note, calls: 9 + 7 * names.length };
    },
    ref: () => {
      const want = T.sqliteExpected(T.SQLITE_NAMES);
      return { f: () => want, args: '' };
    },
  })),
];

function crcLoop(f) {
  const b = new Uint8Array(new ArrayBuffer(16));
  for (let k = 0; k < 16; k++) b[k] = (k * 37 + 11) & 255;
  return { f, aux: { b, w: new Int32Array(b.buffer) }, args: '0, (w[0] = i, b), 16' };
}
function shaBuffers() {
  const m = new Uint8Array(new ArrayBuffer(64));
  for (let k = 0; k < 64; k++) m[k] = (k * 29 + 5) & 255;
  const o = new Uint8Array(new ArrayBuffer(32));
  return { m, o, m32: new Int32Array(m.buffer), o32: new Int32Array(o.buffer) };
}

module.exports = { ROWS, ROW_BY_NAME: Object.fromEntries(ROWS.map((r) => [r.name, r])), NotApplicable: T.NotApplicable, crcLoop, shaBuffers };
