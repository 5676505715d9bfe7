'use strict';
// Debian's libsqlite3.so.0 through the pointer conventions (docs/pointers.md): `sqlite3_open(':memory:',
// db)` with `db = [null]` and the C spelling 'sqlite3**', prepare/step/column_text (a
// `const unsigned char*` result: an address), exec's `char **errmsg` freed with sqlite3_free,
// several out parameters of one call, BLOBs from a Uint8Array; cold and hot, the fast path proven.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast } = h;
const { dlopen, cstring, toArrayBuffer, out, pointer } = ffast;

const SONAME = 'libsqlite3.so.0';
// x64: .ci/run installs libsqlite3-0, so it must be there. arm64 runs under qemu with the cross
// toolchain's sysroot, which may lack it: reported as a skip (with the reason), never a silent pass.
function available() {
  const found = !/not found/.test(ffast.__internal.loadCheck(SONAME).skipped || '');
  if (!found && process.arch === 'x64') assert.fail(`${SONAME} is not installed (Debian package libsqlite3-0: see .ci/run)`);
  return found ? {} : { skip: `${SONAME} for ${process.arch} is not installed here` };
}
const opts = available();

const SQLITE_OK = 0;
const SQLITE_ERROR = 1;
const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_OPEN_READWRITE = 0x2;
const SQLITE_OPEN_CREATE = 0x4;
const SQLITE_OPEN_MEMORY = 0x80;
const SQLITE_TRANSIENT = -1; // the destructor argument: sqlite copies the text (a pointer of all ones)
const SQLITE_STATUS_MEMORY_USED = 0;
const SQLITE_DBSTATUS_CACHE_USED = 1;

let sq;
let S;
if (!opts.skip) {
  sq = dlopen(SONAME, {
    sqlite3_libversion: { parameters: [], result: 'const char*' },
    sqlite3_open: { parameters: ['const char*', 'sqlite3**'], result: 'int' },
    sqlite3_open_v2: { parameters: ['const char*', out(pointer('pointer')), 'int', 'const char*'], result: 'int' },
    sqlite3_close: { parameters: ['sqlite3*'], result: 'int' },
    sqlite3_errmsg: { parameters: ['sqlite3*'], result: 'const char*' },
    sqlite3_exec: { parameters: ['sqlite3*', 'const char*', 'void*', 'void*', 'char**'], result: 'int' },
    sqlite3_free: { parameters: ['void*'], result: 'void' },
    sqlite3_prepare_v2: { parameters: ['sqlite3*', 'const char*', 'int', 'sqlite3_stmt**', 'const char**'], result: 'int' },
    sqlite3_bind_int64: { parameters: ['sqlite3_stmt*', 'int', 'int64_t'], result: 'int' },
    sqlite3_bind_text: { parameters: ['sqlite3_stmt*', 'int', 'const char*', 'int', 'void*'], result: 'int' },
    // const void* in C; declared as bytes so a Uint8Array is passed as memory.
    sqlite3_bind_blob: { parameters: ['sqlite3_stmt*', 'int', 'const unsigned char*', 'int', 'void*'], result: 'int' },
    sqlite3_step: { parameters: ['sqlite3_stmt*'], result: 'int' },
    sqlite3_reset: { parameters: ['sqlite3_stmt*'], result: 'int' },
    sqlite3_finalize: { parameters: ['sqlite3_stmt*'], result: 'int' },
    sqlite3_column_int64: { parameters: ['sqlite3_stmt*', 'int'], result: 'int64_t' },
    sqlite3_column_text: { parameters: ['sqlite3_stmt*', 'int'], result: 'const unsigned char*' },
    sqlite3_column_blob: { parameters: ['sqlite3_stmt*', 'int'], result: 'const void*' },
    sqlite3_column_bytes: { parameters: ['sqlite3_stmt*', 'int'], result: 'int' },
    sqlite3_table_column_metadata: {
      parameters: ['sqlite3*', 'const char*', 'const char*', 'const char*', 'char const **', 'char const **', 'int*', 'int*', 'int*'],
      result: 'int',
    },
    sqlite3_status64: { parameters: ['int', 'long long *', 'long long *', 'int'], result: 'int' },
    sqlite3_db_status: { parameters: ['sqlite3*', 'int', 'int*', 'int*', 'int'], result: 'int' },
  });
  S = sq.symbols;
}

// A cold call that may make more than one native call (an out array's temporary may get its
// address from ptr() on first use): the slow path must have run, however many calls it took.
const coldCall = new Function('f', 'args', 'return f(...args);');
h.N.neverOptimize(coldCall);
function coldAny(fn, args) {
  const s0 = h.slowCalls();
  const r = coldCall(fn, args);
  assert.ok(h.slowCalls() > s0, `cold ${fn.name}: the slow path did not run`);
  return r;
}

function open() {
  const db = [null];
  assert.equal(S.sqlite3_open(':memory:', db), SQLITE_OK);
  assert.equal(typeof db[0], 'number');
  return db[0];
}

test('sqlite3_open(":memory:", db) with db = [null]: the handle comes back in db[0]', opts, () => {
  assert.match(S.sqlite3_libversion(), /^3\.\d+\.\d+/);
  const db = [null];
  assert.equal(coldAny(S.sqlite3_open, [':memory:', db]), SQLITE_OK);
  assert.ok(typeof db[0] === 'number' && db[0] !== 0, `db[0] = ${db[0]}`);
  assert.equal(S.sqlite3_errmsg(db[0]), 'not an error');
  assert.equal(S.sqlite3_close(db[0]), SQLITE_OK);
  const db2 = [null];
  const flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
  assert.equal(S.sqlite3_open_v2('mem2', db2, flags, null), SQLITE_OK);
  assert.equal(S.sqlite3_close(db2[0]), SQLITE_OK);
});

test('open/close hot: the out-pointer call is a V8 fast call', opts, () => {
  const openClose = new Function(
    'S',
    `return function openClose(name) {
      const db = [null];
      const rc = S.sqlite3_open(name, db);
      const closed = S.sqlite3_close(db[0]);
      return rc * 1000 + closed + (typeof db[0] === 'number' && db[0] > 0 ? 1 : 0);
    };`,
  )(S);
  const c = new Function('f', 'a', 'return f(a)');
  h.N.neverOptimize(c);
  assert.equal(c(openClose, ':memory:'), 1);
  assert.equal(h.hot(openClose, [':memory:'], { fast: true, optimizeCallee: true }), 1);
});

test('exec with char** errmsg: NULL on success, sqlite\'s message (freed with sqlite3_free) on error', opts, () => {
  const db = open();
  const err = [null];
  assert.equal(S.sqlite3_exec(db, 'CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB)', null, null, err), SQLITE_OK);
  assert.equal(err[0], null);
  assert.equal(S.sqlite3_exec(db, 'SELEKT nonsense', null, null, err), SQLITE_ERROR);
  assert.equal(typeof err[0], 'number');
  assert.match(cstring(err[0]), /syntax error/);
  S.sqlite3_free(err[0]);
  // errmsg may be NULL: C then reports nothing.
  assert.equal(S.sqlite3_exec(db, 'SELEKT nonsense', null, null, null), SQLITE_ERROR);
  assert.equal(S.sqlite3_close(db), SQLITE_OK);
});

test('prepare, bind, step, column_text/int64/blob: rows round-trip (TEXT with UTF-8, BLOBs)', opts, () => {
  const db = open();
  const err = [null];
  assert.equal(S.sqlite3_exec(db, 'CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB)', null, null, err), SQLITE_OK);
  const stmt = [null];
  const tail = [null];
  assert.equal(S.sqlite3_prepare_v2(db, 'INSERT INTO t VALUES (?1, ?2, ?3); SELECT 1', -1, stmt, tail), SQLITE_OK);
  assert.equal(typeof stmt[0], 'number');
  assert.equal(typeof tail[0], 'number', 'the tail: an address into the call\'s copy of the SQL (not read after the call)');
  const ins = stmt[0];
  const rows = [];
  for (let i = 0; i < 200; i++) {
    const name = `row ${i} — héllo ${'日本'.repeat(i % 5)}`;
    const blob = Uint8Array.from({ length: i % 17 }, (_, k) => (k * 31 + i) & 0xff);
    rows.push([i * 2 ** 40, name, blob]);
    assert.equal(S.sqlite3_bind_int64(ins, 1, i * 2 ** 40), SQLITE_OK);
    assert.equal(S.sqlite3_bind_text(ins, 2, name, -1, SQLITE_TRANSIENT), SQLITE_OK);
    assert.equal(S.sqlite3_bind_blob(ins, 3, blob, blob.length, SQLITE_TRANSIENT), SQLITE_OK);
    assert.equal(S.sqlite3_step(ins), SQLITE_DONE);
    assert.equal(S.sqlite3_reset(ins), SQLITE_OK);
  }
  assert.equal(S.sqlite3_finalize(ins), SQLITE_OK);
  assert.equal(S.sqlite3_prepare_v2(db, 'SELECT id, name, data FROM t ORDER BY id', -1, stmt, null), SQLITE_OK);
  const sel = stmt[0];
  const got = [];
  while (S.sqlite3_step(sel) === SQLITE_ROW) {
    const p = S.sqlite3_column_text(sel, 1);
    assert.equal(typeof p, 'number', 'const unsigned char*: an address');
    const n = S.sqlite3_column_bytes(sel, 2);
    const b = S.sqlite3_column_blob(sel, 2);
    const blob = n === 0 ? new Uint8Array(0) : new Uint8Array(toArrayBuffer(b, n).slice(0));
    got.push([S.sqlite3_column_int64(sel, 0), cstring(p), blob]);
  }
  assert.equal(S.sqlite3_finalize(sel), SQLITE_OK);
  assert.deepEqual(got, rows);
  assert.equal(S.sqlite3_close(db), SQLITE_OK);
});

test('several out parameters of one call: table_column_metadata, status64, db_status', opts, () => {
  const db = open();
  const err = [null];
  assert.equal(S.sqlite3_exec(db, 'CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE)', null, null, err), SQLITE_OK);
  const dataType = [null];
  const collSeq = [null];
  const notNull = [-1];
  const primaryKey = [-1];
  const autoinc = [-1];
  const rc = coldAny(S.sqlite3_table_column_metadata, [db, 'main', 't', 'id', dataType, collSeq, notNull, primaryKey, autoinc]);
  assert.equal(rc, SQLITE_OK);
  assert.equal(cstring(dataType[0]), 'INTEGER');
  assert.equal(cstring(collSeq[0]), 'BINARY');
  assert.deepEqual([notNull[0], primaryKey[0], autoinc[0]], [0, 1, 1]);
  const args = [db, 'main', 't', 'name', dataType, collSeq, notNull, primaryKey, autoinc];
  // Nine parameters, five of them out arrays: the wrapper is beyond TurboFan's inlining budget,
  // so it is optimized in its own right (as a long-running loop would; see _helpers.js hot()).
  assert.equal(h.hot(S.sqlite3_table_column_metadata, args, { fast: true, optimizeCallee: true }), SQLITE_OK);
  assert.equal(cstring(dataType[0]), 'TEXT');
  assert.equal(cstring(collSeq[0]), 'NOCASE');
  assert.deepEqual([notNull[0], primaryKey[0], autoinc[0]], [1, 0, 0]);
  const cur = [0];
  const high = [0];
  assert.equal(S.sqlite3_status64(SQLITE_STATUS_MEMORY_USED, cur, high, 0), SQLITE_OK);
  assert.ok(typeof cur[0] === 'number' && cur[0] > 0 && high[0] >= cur[0], `${cur[0]} ${high[0]}`);
  const c2 = [0];
  const h2 = [0];
  assert.equal(S.sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, c2, h2, 0), SQLITE_OK);
  assert.ok(c2[0] > 0);
  assert.equal(S.sqlite3_close(db), SQLITE_OK);
});

test('the old workaround keeps working: a BigUint64Array(1) for sqlite3** is memory', opts, () => {
  const slot = new BigUint64Array(1);
  assert.equal(S.sqlite3_open(':memory:', slot), SQLITE_OK);
  assert.ok(slot[0] > 0n);
  assert.equal(S.sqlite3_close(slot[0]), SQLITE_OK, 'a BigInt handle is a pointer too');
});
