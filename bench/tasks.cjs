// Shared by both benchmark harnesses (bench/node/corners.js under Node; bench/peers/* under Node,
// Deno and Bun through createRequire): the "slow corners" rows' constants, the whole tasks written
// once against a binding table, the plain-JS references, and THE SWITCHES for ffast capabilities
// that are still being added (issue 14). Plain CommonJS, no dependencies.
'use strict';

// ================================================================================================
// SWITCHES (ffast capabilities in progress; everything else is feature-detected)
//
// OUT_PTR: how ffast passes a `T **` out-parameter (rows out_ptr, sqlite, sqlite_num).
//   'typed' — today's workaround: a BigUint64Array(1) declared 'buffer', the handle read back as
//             out[0] (a BigInt).
//   'array' — issue 14 item 4: `const db = [null]; f(name, db); db[0]`, the parameter declared as
//             OUT_PTR_TYPE. FLIP THIS (or set FFAST_BENCH_OUT_PTR=array) once ffast has scalar
//             out-pointers; a refusal then shows as "n/a (capability missing)", not as a crash.
const OUT_PTR = process.env.FFAST_BENCH_OUT_PTR || 'typed';
const OUT_PTR_TYPE = process.env.FFAST_BENCH_OUT_PTR_TYPE || 'void**';
// errno (issue 14 item 3): detected as a function `errno` exported by ffast.
// variadic (issue 14 item 2): detected by dlopen accepting a definition ending in '...'; the
// `variadic` row also needs `fn.variadic(...types)`, `variadic_pairs` the type/value-pair call.

/** Thrown by a row's binder when the cell cannot run: the harness prints `n/a (<reason>)`. */
class NotApplicable extends Error {
  constructor(reason) { super(reason); this.na = reason; }
}
const na = (reason) => { throw new NotApplicable(reason); };
const capabilityMissing = (what) => na(`capability missing: ${what}`);

// ================================================================================================
// str_ret: the 8 messages of benchlib's str_ret(k) = STR_RET_MSGS[k & 7] (bench/native/benchlib.c).
const STR_RET_MSGS = ['Operation not allowed', 'No such file here', 'Interrupted system call', 'Input/output failure',
  'Bad file descriptor', 'Resource not available', 'Invalid argument', 'Broken pipe closed'];
// out_ptr: benchlib's open_thing(name, out) stores thing_handle(strlen(name)) (a fake handle).
const THING_NAME = 'thing.db';
const THING_HANDLE = 0x7f0000000000 + THING_NAME.length * 16;
// errno: benchlib's maybe_fail(v): -1 with errno ((v >> 4) & 63) + 1 when v % 16 == 0, else v & 255.
const maybeFail = (v) => ((v & 15) === 0 ? -1 : v & 255);
const expectedErrno = (v) => ((v >> 4) & 63) + 1;
// variadic: bl_snprintf(buf, 64, '%d %f %s', i, 1.5, 'abc'); the loop checks length + first byte.
const VFMT = '%d %f %s';
const VSTR = 'abc';
const VDBL = 1.5;
function snprintfRef(buf, n, fmt, a, d, s) {
  const t = `${a} ${d.toFixed(6)} ${s}`;
  buf[0] = t.charCodeAt(0);
  return t.length;
}

// crc32 (zlib's, reflected 0xEDB88320) in plain JS: the reference and the js column.
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();
function crc32Ref(crc, buf, len) {
  let c = ~crc;
  for (let k = 0; k < len; k++) c = CRC_TABLE[(c ^ buf[k]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}
// Known values (checked once per process before timing, so a wrong binding never gets timed).
const CRC_KNOWN = [['', 0], ['a', 0xe8b7be43], ['123456789', 0xcbf43926], ['The quick brown fox jumps over the lazy dog', 0x414fa339]];

// ================================================================================================
// sqlite task: insert SQLITE_ROWS rows with a prepared statement (bind_int, bind_text, step, reset)
// inside one transaction, then SELECT them back reading the INTEGER and the TEXT column; returns
// sum(id) + sum(length(name)) (int32, wrapping), which sqliteExpected() computes without sqlite.
//   L: { open, exec, prepare_v2, bind_int, bind_text, step, reset, column_int, column_text, finalize, close }
//      called with sqlite's C argument order; out-parameters are `out` (whatever the binding's
//      convention is: BigUint64Array, [null], ...), read back as out[0] and turned into a handle by H.
const SQLITE_ROWS = 10000;
const SQLITE_OK = 0, SQLITE_ROW = 100, SQLITE_DONE = 101;
const SQLITE_TRANSIENT = -1; // bind_text's destructor argument: sqlite copies the text
// Flat strings (JSON.parse makes sequential strings; concatenations of >= 13 chars are cons strings).
const SQLITE_NAMES = JSON.parse(JSON.stringify(Array.from({ length: SQLITE_ROWS }, (_, i) => `user-${i}@example.org`)));
function sqliteTask(L, H, out, names, nullp) {
  const n = names.length;
  if (L.open(':memory:', out) !== SQLITE_OK) throw new Error('sqlite3_open failed');
  const db = H(out[0]);
  if (L.exec(db, 'CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT); BEGIN', nullp, nullp, nullp) !== SQLITE_OK) throw new Error('exec failed');
  if (L.prepare_v2(db, 'INSERT INTO t VALUES (?1, ?2)', -1, out, nullp) !== SQLITE_OK) throw new Error('prepare failed');
  const ins = H(out[0]);
  for (let i = 0; i < n; i++) {
    L.bind_int(ins, 1, i);
    L.bind_text(ins, 2, names[i], -1, SQLITE_TRANSIENT);
    if (L.step(ins) !== SQLITE_DONE) throw new Error('insert: step failed');
    L.reset(ins);
  }
  L.finalize(ins);
  if (L.exec(db, 'COMMIT', nullp, nullp, nullp) !== SQLITE_OK) throw new Error('commit failed');
  if (L.prepare_v2(db, 'SELECT id, name FROM t ORDER BY id', -1, out, nullp) !== SQLITE_OK) throw new Error('prepare failed');
  const sel = H(out[0]);
  let acc = 0, rows = 0;
  while (L.step(sel) === SQLITE_ROW) {
    acc = (acc + L.column_int(sel, 0) + L.column_text(sel, 1).length) | 0;
    rows++;
  }
  L.finalize(sel);
  L.close(db);
  if (rows !== n) throw new Error(`select: ${rows} rows, expected ${n}`);
  return acc;
}
function sqliteExpected(names) {
  let acc = 0;
  for (let i = 0; i < names.length; i++) acc = (acc + i + names[i].length) | 0;
  return acc;
}

// ================================================================================================
// Debian's libraries by soname, and what to install when one is missing.
// FFAST_BENCH_SONAME_<LIB> overrides a soname (e.g. to check the "library missing" path).
const soname = (lib, dflt) => process.env[`FFAST_BENCH_SONAME_${lib.toUpperCase()}`] || dflt;
const SYSLIBS = {
  sqlite: { soname: soname('sqlite', 'libsqlite3.so.0'), pkg: 'libsqlite3-0' },
  zlib: { soname: soname('zlib', 'libz.so.1'), pkg: 'zlib1g' },
  crypto: { soname: soname('crypto', 'libcrypto.so.3'), pkg: 'libssl3' },
};
const libraryMissing = (lib, why) => na(`library missing: ${SYSLIBS[lib].soname} (Debian package ${SYSLIBS[lib].pkg}): ${String(why).split('\n')[0]}`);

module.exports = {
  OUT_PTR, OUT_PTR_TYPE, NotApplicable, na, capabilityMissing, libraryMissing,
  STR_RET_MSGS, THING_NAME, THING_HANDLE, maybeFail, expectedErrno, VFMT, VSTR, VDBL, snprintfRef,
  CRC_TABLE, crc32Ref, CRC_KNOWN,
  SQLITE_ROWS, SQLITE_TRANSIENT, SQLITE_NAMES, sqliteTask, sqliteExpected,
  SYSLIBS,
};
