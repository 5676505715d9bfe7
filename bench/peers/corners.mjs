// Peer bindings of the "slow corners" rows (issue 13 scope 6; rows.mjs: corner: true). Each peer
// binds a row its own idiomatic way (its string results, pointer representation, out-parameter
// convention, errno and variadic APIs); a binder returns what bench/node/corners.js's binders
// return: { f, args | call, use?, aux?, note?, calls? } (see there). The addons, ffast and the
// plain-JS column reuse bench/node/corners.js itself, so both harnesses run the same code for them.
// Runs under Node, Deno and Bun (driver.mjs).
import { createRequire } from 'node:module';

const require_ = createRequire(import.meta.url);
const T = require_('../tasks.cjs');
const C = require_('../node/corners.js');

const req = (ctx) => createRequire(`${ctx.cache}/node_modules/`);
const soname = (lib) => T.SYSLIBS[lib].soname;
const enc = new TextEncoder();
const cstr = (s) => enc.encode(`${s}\0`); // Deno and Bun take strings as NUL-terminated buffers

// A row of bench/node/corners.js bound for a base ('fastapi' | 'napi' | 'ffast'), or its reference.
function nodeCorner(row, base, ctx, mods) {
  const env = { u8: ctx.u8, LIBBENCH: ctx.lib, ffast: () => mods.ffast, addon: () => mods.addon };
  return base === 'js' ? (C.ROW_BY_NAME[row].noJs ? T.na('no plain-JS implementation') : C.ROW_BY_NAME[row].ref(env)) : C.ROW_BY_NAME[row].bind(base, env);
}
export const refOf = (row, ctx) => C.ROW_BY_NAME[row].ref({ u8: ctx.u8, LIBBENCH: ctx.lib });

// Checks a crc32 binding against known values, then the row's loop over a 16-byte buffer.
function crcRow(f, { mkBuf = (b) => b, conv } = {}) {
  for (const [s, v] of T.CRC_KNOWN) {
    const b = mkBuf(new Uint8Array(enc.encode(s)));
    const got = Number(f(0, b, s.length));
    if (got !== v) throw new Error(`crc32('${s}') = ${got}, expected ${v}`);
  }
  const L = C.crcLoop(f);
  L.aux.b = mkBuf(L.aux.b);
  if (conv) L.use = conv;
  return L;
}
// Checks one digest against node:crypto's, then the sha256 row's loop. `sha(m, o)` → 1 on success.
async function shaRow(sha, { mkBuf = (b) => b } = {}) {
  const b = C.shaBuffers();
  const m = mkBuf(b.m), o = mkBuf(b.o);
  const { createHash } = await import('node:crypto');
  const want = new Uint8Array(createHash('sha256').update(b.m).digest());
  if (sha(m, o) !== 1 || b.o.some((x, k) => x !== want[k])) throw new Error('sha256: digest differs from node:crypto\'s');
  return { f: sha, aux: { ...b, m, o }, call: '(m32[0] = i, f(m, o))', use: 'r + o32[0]', calls: 5 };
}
// The sqlite task (tasks.cjs) with a peer's binding table L, handle conversion H and out-parameter.
function sqliteRow(L, H, out, nullp, note) {
  const names = T.SQLITE_NAMES;
  const want = T.sqliteExpected(names);
  const got = T.sqliteTask(L, H, out, names, nullp);
  if (got !== want) throw new Error(`sqlite task: ${got}, expected ${want}`);
  return { f: () => T.sqliteTask(L, H, out, names, nullp), args: '', note, calls: 9 + 7 * names.length };
}
const VARGS = { aux: () => ({ buf: new Uint8Array(64), fmt: T.VFMT, d: T.VDBL, s: T.VSTR }), use: 'r + buf[0]' };
const OUT_ROW = (f, out, H, zero, note) => ({
  f, aux: { name: T.THING_NAME, out, H, Z: zero }, call: '(out[0] = Z, f(name, out))', use: 'r + (out[0] === H ? 1 : 0)', note,
});

// ================================================================================================
export const CORNERS = {
  fastapi: { bind: (mods, row, ctx) => nodeCorner(row, 'fastapi', ctx, mods) },
  napi: { bind: (mods, row, ctx) => nodeCorner(row, 'napi', ctx, mods) },
  ffast: { bind: (mods, row, ctx) => nodeCorner(row, 'ffast', ctx, mods) },
  js: { bind: (mods, row, ctx) => nodeCorner(row, 'js', ctx, mods) },

  // ---- koffi: C prototypes; pointers are BigInts; `_Out_ T **` with a [null] array; koffi.errno();
  // variadic calls take type/value pairs. libcrypto is loaded with { deep: true }: without it the
  // first EVP_DigestInit_ex is a SIGSEGV (node's bundled OpenSSL; seen on Node 26.12).
  koffi: {
    rows: {
      str_ret: ({ koffi, lib }) => ({ f: lib.func('const char *str_ret(int k)'), args: 'i', use: 'r.length + r.charCodeAt(0)' }),
      ptr_bigint: ({ koffi, lib }, ctx) => ({ f: lib.func('uint32_t ptr_arg(const void *p)'), aux: { pb: koffi.address(ctx.u8) }, args: 'pb', note: 'koffi pointers are BigInts: the same call as its ptr_arg row' }),
      out_ptr: ({ lib }) => OUT_ROW(lib.func('int open_thing(const char *name, _Out_ void **out)'), [null], BigInt(T.THING_HANDLE), null, 'out-pointer: _Out_ void ** with [null]'),
      errno: ({ koffi, lib }) => ({ f: lib.func('int maybe_fail(int v)'), aux: { errno: koffi.errno }, args: 'i', use: 'r < 0 ? errno() : r' }),
      variadic: ({ lib }) => ({ f: lib.func('int bl_snprintf(char *buf, size_t n, const char *fmt, ...)'), aux: VARGS.aux(),
        args: "buf, 64, fmt, 'int', i, 'double', d, 'str', s", use: VARGS.use, note: 'type/value pairs (koffi\'s only variadic form)' }),
      crc32: ({ koffi }) => crcRow(koffi.load(soname('zlib')).func('unsigned long crc32(unsigned long crc, const uint8_t *buf, unsigned int len)')),
      sha256: ({ koffi }) => {
        const c = koffi.load(soname('crypto'), { deep: true });
        const ctxNew = c.func('void *EVP_MD_CTX_new(void)'), ctxFree = c.func('void EVP_MD_CTX_free(void *ctx)');
        const md = c.func('const void *EVP_sha256(void)')();
        const init = c.func('int EVP_DigestInit_ex(void *ctx, const void *md, void *engine)');
        const update = c.func('int EVP_DigestUpdate(void *ctx, const uint8_t *d, size_t n)');
        const final = c.func('int EVP_DigestFinal_ex(void *ctx, uint8_t *md, unsigned int *s)');
        return shaRow((m, o) => { const x = ctxNew(); const ok = init(x, md, null) & update(x, m, 64) & final(x, o, null); ctxFree(x); return ok; })
          .then((r) => ({ ...r, note: 'libcrypto loaded with { deep: true } (default options: SIGSEGV in EVP_DigestInit_ex)' }));
      },
      sqlite: ({ koffi }) => {
        const s = koffi.load(soname('sqlite'));
        koffi.opaque('sqlite3');
        koffi.opaque('sqlite3_stmt');
        const L = {
          open: s.func('int sqlite3_open(const char *filename, _Out_ sqlite3 **db)'),
          close: s.func('int sqlite3_close(sqlite3 *db)'),
          exec: s.func('int sqlite3_exec(sqlite3 *db, const char *sql, void *cb, void *arg, void *errmsg)'),
          prepare_v2: s.func('int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int nbyte, _Out_ sqlite3_stmt **stmt, void *tail)'),
          bind_int: s.func('int sqlite3_bind_int(sqlite3_stmt *stmt, int i, int v)'),
          bind_text: s.func('int sqlite3_bind_text(sqlite3_stmt *stmt, int i, const char *text, int n, intptr_t destructor)'),
          step: s.func('int sqlite3_step(sqlite3_stmt *stmt)'),
          reset: s.func('int sqlite3_reset(sqlite3_stmt *stmt)'),
          column_int: s.func('int sqlite3_column_int(sqlite3_stmt *stmt, int col)'),
          column_text: s.func('const char *sqlite3_column_text(sqlite3_stmt *stmt, int col)'),
          finalize: s.func('int sqlite3_finalize(sqlite3_stmt *stmt)'),
        };
        return sqliteRow(L, (x) => x, [null], null, 'out-pointers: _Out_ T ** with [null]');
      },
    },
  },

  // ---- node:ffi: pointers are BigInts; a `string` result is a pointer (decoded with ffi.toString);
  // out-parameters through a BigUint64Array given for a pointer; no errno, no variadic functions.
  'node:ffi': {
    unsupported: {
      errno: 'unsupported: node:ffi has no errno capture (26.x)',
      variadic: 'unsupported: node:ffi has no variadic functions ("Unsupported FFI type: ...")',
    },
    rows: {
      str_ret: ({ ffi, lib }) => ({ f: lib.getFunction('str_ret', { arguments: ['i32'], return: 'pointer' }), aux: { str: ffi.toString },
        call: 'str(f(i))', use: 'r.length + r.charCodeAt(0)', note: "result 'pointer' + ffi.toString() (a 'string' result is a pointer too)" }),
      ptr_bigint: ({ ffi, lib }, ctx) => ({ f: lib.getFunction('ptr_arg', { arguments: ['pointer'], return: 'u32' }), aux: { pb: ffi.getRawPointer(ctx.u8) }, args: 'pb',
        note: 'node:ffi pointers are BigInts: the same call as its ptr_arg row' }),
      out_ptr: ({ lib }) => OUT_ROW(lib.getFunction('open_thing', { arguments: ['string', 'pointer'], return: 'i32' }), new BigUint64Array(1), BigInt(T.THING_HANDLE), 0n,
        'out-pointer: BigUint64Array(1) for a pointer'),
      crc32: ({ ffi }) => crcRow(new ffi.DynamicLibrary(soname('zlib')).getFunction('crc32', { arguments: ['u64', 'buffer', 'u32'], return: 'u64' }), { conv: 'Number(r)' }),
      sha256: ({ ffi }) => {
        const c = new ffi.DynamicLibrary(soname('crypto'));
        const fn = (n, a, r) => c.getFunction(n, { arguments: a, return: r });
        const ctxNew = fn('EVP_MD_CTX_new', [], 'pointer'), ctxFree = fn('EVP_MD_CTX_free', ['pointer'], 'void');
        const md = fn('EVP_sha256', [], 'pointer')();
        const init = fn('EVP_DigestInit_ex', ['pointer', 'pointer', 'pointer'], 'i32');
        const update = fn('EVP_DigestUpdate', ['pointer', 'buffer', 'u64'], 'i32');
        const final = fn('EVP_DigestFinal_ex', ['pointer', 'buffer', 'pointer'], 'i32');
        return shaRow((m, o) => { const x = ctxNew(); const ok = init(x, md, null) & update(x, m, 64) & final(x, o, null); ctxFree(x); return ok; });
      },
      sqlite: ({ ffi }) => {
        const s = new ffi.DynamicLibrary(soname('sqlite'));
        const fn = (n, a, r) => s.getFunction(`sqlite3_${n}`, { arguments: a, return: r });
        const text = fn('column_text', ['pointer', 'i32'], 'pointer');
        const L = {
          open: fn('open', ['string', 'pointer'], 'i32'),
          close: fn('close', ['pointer'], 'i32'),
          exec: fn('exec', ['pointer', 'string', 'pointer', 'pointer', 'pointer'], 'i32'),
          prepare_v2: fn('prepare_v2', ['pointer', 'string', 'i32', 'pointer', 'pointer'], 'i32'),
          bind_int: fn('bind_int', ['pointer', 'i32', 'i32'], 'i32'),
          bind_text: fn('bind_text', ['pointer', 'i32', 'string', 'i32', 'i64'], 'i32'),
          step: fn('step', ['pointer'], 'i32'),
          reset: fn('reset', ['pointer'], 'i32'),
          column_int: fn('column_int', ['pointer', 'i32'], 'i32'),
          column_text: (st, k) => ffi.toString(text(st, k)),
          finalize: fn('finalize', ['pointer'], 'i32'),
        };
        return sqliteRow(L, (x) => x, new BigUint64Array(1), null, 'out-pointers: BigUint64Array(1); column_text via ffi.toString()');
      },
    },
  },

  // ---- ffi-rs: define() gives fn([args]); strings in and out; pointers are Externals (no BigInt);
  // `errno: true` makes every result { value, errnoCode, errnoMessage }; no variadic functions.
  // U8Array arguments are passed by reference (C's writes are seen), so out-parameters are a
  // BigUint64Array(1)'s bytes; sqlite handles are declared U64 (an External cannot be made from an
  // address) and NULL pointers are U64 0.
  'ffi-rs': {
    unsupported: {
      ptr_bigint: 'unsupported: ffi-rs pointers are Externals; a BigInt is not accepted',
      variadic: 'unsupported: ffi-rs has no variadic functions',
    },
    rows: {
      str_ret: (m) => {
        const g = def(m, 'pb', 'str_ret', m.DataType.String, [m.DataType.I32]);
        return { f: (k) => g([k]), args: 'i', use: 'r.length + r.charCodeAt(0)', note: 'called through define(): fn([args])' };
      },
      out_ptr: (m) => {
        const g = def(m, 'pb', 'open_thing', m.DataType.I32, [m.DataType.String, m.DataType.U8Array]);
        const out = new BigUint64Array(1), bytes = new Uint8Array(out.buffer);
        return { ...OUT_ROW((name) => g([name, bytes]), out, BigInt(T.THING_HANDLE), 0n, 'define(): fn([args]); out-pointer: a BigUint64Array(1)\'s bytes as U8Array') };
      },
      errno: (m) => {
        const g = def(m, 'pb', 'maybe_fail', m.DataType.I32, [m.DataType.I32], { errno: true });
        return { f: (v) => g([v]), args: 'i', use: 'r.value < 0 ? r.errnoCode : r.value', note: 'errno: true (every result is { value, errnoCode, errnoMessage })' };
      },
      crc32: (m) => {
        const D = m.DataType;
        m.open({ library: 'z', path: soname('zlib') });
        const g = def(m, 'z', 'crc32', D.U64, [D.U64, D.U8Array, D.I32]);
        return crcRow((c, b, n) => g([c, b, n]));
      },
      sha256: (m) => {
        const D = m.DataType;
        m.open({ library: 'c', path: soname('crypto') });
        const ctxNew = def(m, 'c', 'EVP_MD_CTX_new', D.External, []), ctxFree = def(m, 'c', 'EVP_MD_CTX_free', D.Void, [D.External]);
        const md = def(m, 'c', 'EVP_sha256', D.External, [])([]);
        // NULL engine / length pointer: declared U64 and given 0 (an External cannot be null)
        const init = def(m, 'c', 'EVP_DigestInit_ex', D.I32, [D.External, D.External, D.U64]);
        const update = def(m, 'c', 'EVP_DigestUpdate', D.I32, [D.External, D.U8Array, D.U64]);
        const final = def(m, 'c', 'EVP_DigestFinal_ex', D.I32, [D.External, D.U8Array, D.U64]);
        return shaRow((msg, o) => {
          const x = ctxNew([]);
          const ok = init([x, md, 0]) & update([x, msg, 64]) & final([x, o, 0]);
          ctxFree([x]);
          return ok;
        }).then((r) => ({ ...r, note: 'define(): fn([args])' }));
      },
      sqlite: (m) => {
        const D = m.DataType;
        m.open({ library: 's', path: soname('sqlite') });
        const d = (n, r, p) => def(m, 's', `sqlite3_${n}`, r, p);
        const open = d('open', D.I32, [D.String, D.U8Array]), close = d('close', D.I32, [D.U64]);
        const exec = d('exec', D.I32, [D.U64, D.String, D.U64, D.U64, D.U64]), prepare = d('prepare_v2', D.I32, [D.U64, D.String, D.I32, D.U8Array, D.U64]);
        const bindInt = d('bind_int', D.I32, [D.U64, D.I32, D.I32]), bindText = d('bind_text', D.I32, [D.U64, D.I32, D.String, D.I32, D.I64]);
        const step = d('step', D.I32, [D.U64]), reset = d('reset', D.I32, [D.U64]), colInt = d('column_int', D.I32, [D.U64, D.I32]);
        const colText = d('column_text', D.String, [D.U64, D.I32]), finalize = d('finalize', D.I32, [D.U64]);
        const out = new BigUint64Array(1), bytes = new Uint8Array(out.buffer);
        const L = {
          open: (n) => open([n, bytes]), close: (db) => close([db]), exec: (db, sql) => exec([db, sql, 0, 0, 0]),
          prepare_v2: (db, sql, n) => prepare([db, sql, n, bytes, 0]), bind_int: (st, k, v) => bindInt([st, k, v]),
          bind_text: (st, k, t, n, dtor) => bindText([st, k, t, n, dtor]), step: (st) => step([st]), reset: (st) => reset([st]),
          column_int: (st, k) => colInt([st, k]), column_text: (st, k) => colText([st, k]), finalize: (st) => finalize([st]),
        };
        return sqliteRow(L, Number, out, 0, 'define(): fn([args]); handles declared U64, out-pointers a BigUint64Array(1)\'s bytes');
      },
    },
  },

  // ---- ffi-napi (+ ref-napi): pointers are Buffers; 'string' results; out-parameters through
  // ref.alloc('void*') and deref(); ffi.errno(); VariadicForeignFunction(…)(types) for a shape.
  'ffi-napi': {
    unsupported: { ptr_bigint: 'unsupported: ffi-napi pointers are Buffers; a BigInt is not accepted ("Buffer instance expected")' },
    rows: {
      str_ret: ({ ffi }, ctx) => ({ f: ffi.Library(ctx.lib, { str_ret: ['string', ['int']] }).str_ret, args: 'i', use: 'r.length + r.charCodeAt(0)' }),
      out_ptr: ({ ffi, ref }, ctx) => {
        const f = ffi.Library(ctx.lib, { open_thing: ['int', ['string', 'pointer']] }).open_thing;
        const pp = ref.alloc('void*');
        const out = { pp, get 0() { return ref.address(pp.deref()); }, set 0(v) { pp.writeBigUInt64LE(0n, 0); } };
        return OUT_ROW((name, o) => f(name, o.pp), out, T.THING_HANDLE, 0, "out-pointer: ref.alloc('void*') + deref()");
      },
      errno: ({ ffi }, ctx) => ({ f: ffi.Library(ctx.lib, { maybe_fail: ['int', ['int']] }).maybe_fail, aux: { errno: ffi.errno }, args: 'i', use: 'r < 0 ? errno() : r' }),
      variadic: ({ ffi }, ctx) => {
        const vf = ffi.VariadicForeignFunction(new ffi.DynamicLibrary(ctx.lib).get('bl_snprintf'), 'int', ['pointer', 'size_t', 'string']);
        const aux = VARGS.aux();
        aux.buf = Buffer.from(aux.buf.buffer);
        return { f: vf('int', 'double', 'string'), aux, args: 'buf, 64, fmt, i, d, s', use: VARGS.use, note: 'VariadicForeignFunction(...)(int, double, string): a function per shape' };
      },
      crc32: ({ ffi }) => crcRow(ffi.Library(soname('zlib'), { crc32: ['ulong', ['ulong', 'pointer', 'uint']] }).crc32, { mkBuf: (b) => Buffer.from(b.buffer, b.byteOffset, b.length) }),
      sha256: ({ ffi, ref }) => {
        const c = ffi.Library(soname('crypto'), {
          EVP_MD_CTX_new: ['pointer', []], EVP_MD_CTX_free: ['void', ['pointer']], EVP_sha256: ['pointer', []],
          EVP_DigestInit_ex: ['int', ['pointer', 'pointer', 'pointer']], EVP_DigestUpdate: ['int', ['pointer', 'pointer', 'size_t']],
          EVP_DigestFinal_ex: ['int', ['pointer', 'pointer', 'pointer']],
        });
        const md = c.EVP_sha256();
        return shaRow((m, o) => {
          const x = c.EVP_MD_CTX_new();
          const ok = c.EVP_DigestInit_ex(x, md, ref.NULL) & c.EVP_DigestUpdate(x, m, 64) & c.EVP_DigestFinal_ex(x, o, ref.NULL);
          c.EVP_MD_CTX_free(x);
          return ok;
        }, { mkBuf: (b) => Buffer.from(b.buffer, b.byteOffset, b.length) });
      },
      sqlite: ({ ffi, ref }) => {
        const P = 'pointer';
        const s = ffi.Library(soname('sqlite'), {
          sqlite3_open: ['int', ['string', P]], sqlite3_close: ['int', [P]], sqlite3_exec: ['int', [P, 'string', P, P, P]],
          sqlite3_prepare_v2: ['int', [P, 'string', 'int', P, P]], sqlite3_bind_int: ['int', [P, 'int', 'int']],
          sqlite3_bind_text: ['int', [P, 'int', 'string', 'int', 'int64']], sqlite3_step: ['int', [P]], sqlite3_reset: ['int', [P]],
          sqlite3_column_int: ['int', [P, 'int']], sqlite3_column_text: ['string', [P, 'int']], sqlite3_finalize: ['int', [P]],
        });
        const pp = ref.alloc('void*');
        const out = { pp, get 0() { return pp.deref(); } };
        const L = Object.fromEntries(Object.entries(s).map(([k, v]) => [k.slice(8), v]));
        L.open = (n, o) => s.sqlite3_open(n, o.pp);
        L.prepare_v2 = (db, sql, n, o, t) => s.sqlite3_prepare_v2(db, sql, n, o.pp, t);
        return sqliteRow(L, (x) => x, out, ref.NULL, "out-pointers: ref.alloc('void*') + deref(); handles are Buffers");
      },
    },
  },

  // ---- Deno: pointers are objects (null for NULL, no BigInt); strings in are NUL-terminated
  // buffers the caller encodes; a C string result is read with UnsafePointerView.getCString; no
  // errno, no variadic functions.
  deno: {
    unsupported: {
      ptr_bigint: 'unsupported: Deno pointers are objects; a BigInt is refused ("expected null, or External")',
      errno: 'unsupported: Deno FFI has no errno capture',
      variadic: 'unsupported: Deno FFI has no variadic functions',
    },
    rows: {
      str_ret: (_, ctx) => ({ f: Deno.dlopen(ctx.lib, { str_ret: { parameters: ['i32'], result: 'pointer' } }).symbols.str_ret, aux: { V: Deno.UnsafePointerView },
        call: 'V.getCString(f(i))', use: 'r.length + r.charCodeAt(0)', note: "result 'pointer' + UnsafePointerView.getCString()" }),
      out_ptr: (_, ctx) => {
        const f = Deno.dlopen(ctx.lib, { open_thing: { parameters: ['buffer', 'buffer'], result: 'i32' } }).symbols.open_thing;
        const name = cstr(T.THING_NAME);
        return { ...OUT_ROW(f, new BigUint64Array(1), BigInt(T.THING_HANDLE), 0n, 'out-pointer: BigUint64Array(1) as buffer; name pre-encoded'), aux: { name, out: new BigUint64Array(1), H: BigInt(T.THING_HANDLE), Z: 0n } };
      },
      crc32: () => crcRow(Deno.dlopen(soname('zlib'), { crc32: { parameters: ['u64', 'buffer', 'u32'], result: 'u64' } }).symbols.crc32, { conv: 'Number(r)' }),
      sha256: () => {
        const s = Deno.dlopen(soname('crypto'), {
          EVP_MD_CTX_new: { parameters: [], result: 'pointer' }, EVP_MD_CTX_free: { parameters: ['pointer'], result: 'void' },
          EVP_sha256: { parameters: [], result: 'pointer' }, EVP_DigestInit_ex: { parameters: ['pointer', 'pointer', 'pointer'], result: 'i32' },
          EVP_DigestUpdate: { parameters: ['pointer', 'buffer', 'usize'], result: 'i32' }, EVP_DigestFinal_ex: { parameters: ['pointer', 'buffer', 'pointer'], result: 'i32' },
        }).symbols;
        const md = s.EVP_sha256();
        return shaRow((m, o) => { const x = s.EVP_MD_CTX_new(); const ok = s.EVP_DigestInit_ex(x, md, null) & s.EVP_DigestUpdate(x, m, 64) & s.EVP_DigestFinal_ex(x, o, null); s.EVP_MD_CTX_free(x); return ok; });
      },
      sqlite: () => {
        const P = 'pointer', B = 'buffer';
        const s = Deno.dlopen(soname('sqlite'), {
          sqlite3_open: { parameters: [B, B], result: 'i32' }, sqlite3_close: { parameters: [P], result: 'i32' },
          sqlite3_exec: { parameters: [P, B, P, P, P], result: 'i32' }, sqlite3_prepare_v2: { parameters: [P, B, 'i32', B, P], result: 'i32' },
          sqlite3_bind_int: { parameters: [P, 'i32', 'i32'], result: 'i32' }, sqlite3_bind_text: { parameters: [P, 'i32', B, 'i32', 'isize'], result: 'i32' },
          sqlite3_step: { parameters: [P], result: 'i32' }, sqlite3_reset: { parameters: [P], result: 'i32' },
          sqlite3_column_int: { parameters: [P, 'i32'], result: 'i32' }, sqlite3_column_text: { parameters: [P, 'i32'], result: P },
          sqlite3_finalize: { parameters: [P], result: 'i32' },
        }).symbols;
        const V = Deno.UnsafePointerView;
        const L = {
          open: (n, o) => s.sqlite3_open(cstr(n), o), close: s.sqlite3_close, exec: (db, sql, a, b, c) => s.sqlite3_exec(db, cstr(sql), a, b, c),
          prepare_v2: (db, sql, n, o, t) => s.sqlite3_prepare_v2(db, cstr(sql), n, o, t), bind_int: s.sqlite3_bind_int,
          bind_text: (st, k, t, n, dtor) => s.sqlite3_bind_text(st, k, cstr(t), n, dtor), step: s.sqlite3_step, reset: s.sqlite3_reset,
          column_int: s.sqlite3_column_int, column_text: (st, k) => V.getCString(s.sqlite3_column_text(st, k)), finalize: s.sqlite3_finalize,
        };
        return sqliteRow(L, (v) => Deno.UnsafePointer.create(v), new BigUint64Array(1), null,
          'strings encoded per call (TextEncoder, + NUL); out-pointers BigUint64Array → UnsafePointer.create; getCString');
      },
    },
  },

  // ---- Bun: pointers are Numbers (BigInts accepted); strings in are buffers the caller encodes;
  // 'cstring' results are strings; no errno, no variadic functions.
  bun: {
    unsupported: {
      errno: 'unsupported: bun:ffi has no errno capture',
      variadic: 'unsupported: bun:ffi has no variadic functions (oven-sh/bun#13822)',
    },
    rows: {
      str_ret: (bf, ctx) => ({ f: bf.dlopen(ctx.lib, { str_ret: { args: ['i32'], returns: 'cstring' } }).symbols.str_ret, args: 'i', use: 'r.length + r.charCodeAt(0)' }),
      ptr_bigint: (bf, ctx) => ({ f: bf.dlopen(ctx.lib, { ptr_arg: { args: ['ptr'], returns: 'u32' } }).symbols.ptr_arg, aux: { pb: BigInt(bf.ptr(ctx.u8)) }, args: 'pb' }),
      out_ptr: (bf, ctx) => {
        const f = bf.dlopen(ctx.lib, { open_thing: { args: ['ptr', 'ptr'], returns: 'i32' } }).symbols.open_thing;
        return { ...OUT_ROW(f, null, null, 0n, 'out-pointer: BigUint64Array(1) as ptr; name pre-encoded'), aux: { name: cstr(T.THING_NAME), out: new BigUint64Array(1), H: BigInt(T.THING_HANDLE), Z: 0n } };
      },
      crc32: (bf) => crcRow(bf.dlopen(soname('zlib'), { crc32: { args: ['u64', 'ptr', 'u32'], returns: 'u64_fast' } }).symbols.crc32),
      sha256: (bf) => {
        const s = bf.dlopen(soname('crypto'), {
          EVP_MD_CTX_new: { args: [], returns: 'ptr' }, EVP_MD_CTX_free: { args: ['ptr'], returns: 'void' }, EVP_sha256: { args: [], returns: 'ptr' },
          EVP_DigestInit_ex: { args: ['ptr', 'ptr', 'ptr'], returns: 'i32' }, EVP_DigestUpdate: { args: ['ptr', 'ptr', 'usize'], returns: 'i32' },
          EVP_DigestFinal_ex: { args: ['ptr', 'ptr', 'ptr'], returns: 'i32' },
        }).symbols;
        const md = s.EVP_sha256();
        return shaRow((m, o) => { const x = s.EVP_MD_CTX_new(); const ok = s.EVP_DigestInit_ex(x, md, null) & s.EVP_DigestUpdate(x, m, 64) & s.EVP_DigestFinal_ex(x, o, null); s.EVP_MD_CTX_free(x); return ok; });
      },
      sqlite: (bf) => {
        const s = bf.dlopen(soname('sqlite'), {
          sqlite3_open: { args: ['ptr', 'ptr'], returns: 'i32' }, sqlite3_close: { args: ['ptr'], returns: 'i32' },
          sqlite3_exec: { args: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr'], returns: 'i32' }, sqlite3_prepare_v2: { args: ['ptr', 'ptr', 'i32', 'ptr', 'ptr'], returns: 'i32' },
          sqlite3_bind_int: { args: ['ptr', 'i32', 'i32'], returns: 'i32' }, sqlite3_bind_text: { args: ['ptr', 'i32', 'ptr', 'i32', 'i64'], returns: 'i32' },
          sqlite3_step: { args: ['ptr'], returns: 'i32' }, sqlite3_reset: { args: ['ptr'], returns: 'i32' },
          sqlite3_column_int: { args: ['ptr', 'i32'], returns: 'i32' }, sqlite3_column_text: { args: ['ptr', 'i32'], returns: 'cstring' },
          sqlite3_finalize: { args: ['ptr'], returns: 'i32' },
        }).symbols;
        const L = {
          open: (n, o) => s.sqlite3_open(cstr(n), o), close: s.sqlite3_close, exec: (db, sql, a, b, c) => s.sqlite3_exec(db, cstr(sql), a, b, c),
          prepare_v2: (db, sql, n, o, t) => s.sqlite3_prepare_v2(db, cstr(sql), n, o, t), bind_int: s.sqlite3_bind_int,
          bind_text: (st, k, t, n, dtor) => s.sqlite3_bind_text(st, k, cstr(t), n, dtor), step: s.sqlite3_step, reset: s.sqlite3_reset,
          column_int: s.sqlite3_column_int, column_text: s.sqlite3_column_text, finalize: s.sqlite3_finalize,
        };
        return sqliteRow(L, Number, new BigUint64Array(1), null, 'strings encoded per call (TextEncoder, + NUL); out-pointers BigUint64Array → Number');
      },
    },
  },
  c: { unsupported: 'n/a: no C-floor row (the addons are the floor)' },
};

// ffi-rs define() of one function → fn([args]).
function def(m, library, name, retType, paramsType, extra = {}) {
  return m.define({ [name]: { library, retType, paramsType, ...extra } })[name];
}
