'use strict'
// SQLite through ffast: open a database through an out-pointer, insert rows with a prepared
// statement (integers, doubles, text, blobs, NULL), read them back with step/column, run SQL with
// a JS function called for each row (sqlite3_exec), and read SQLite's error messages.
// SQL is built with sqlite3_mprintf, a variadic function whose result SQLite allocates.
// Run: node examples/sqlite3.js   (Debian/Ubuntu: apt-get install libsqlite3-0)
const assert = require('node:assert/strict')
const { dlopen, cstring, cstrings, toArrayBuffer } = require('ffast')

const SQLITE_OK = 0, SQLITE_ERROR = 1, SQLITE_CONSTRAINT = 19, SQLITE_ROW = 100, SQLITE_DONE = 101
const SQLITE_INTEGER = 1, SQLITE_FLOAT = 2, SQLITE_TEXT = 3, SQLITE_BLOB = 4, SQLITE_NULL = 5
// The destructor argument of sqlite3_bind_text/blob: SQLITE_TRANSIENT, (sqlite3_destructor_type)-1,
// tells SQLite to copy the value before the call returns (ffast's string copy lives for the call).
const SQLITE_TRANSIENT = -1

const sqlite = dlopen('libsqlite3.so.0', {
  sqlite3_libversion:   { result: 'const char*' },
  // int sqlite3_open(const char *filename, sqlite3 **ppDb): C writes the handle; [null] receives it
  sqlite3_open:         { parameters: ['const char*', 'sqlite3**'], result: 'int' },
  sqlite3_close:        { parameters: ['sqlite3*'], result: 'int' },
  sqlite3_errmsg:       { parameters: ['sqlite3*'], result: 'const char*' },
  sqlite3_exec: {
    parameters: [
      'sqlite3*', 'const char*',
      // int (*callback)(void *arg, int ncols, char **values, char **names): a plain JS function;
      // a callback receives pointers as addresses (read the char*[] with cstrings(p, n))
      { function: { parameters: ['pointer', 'int', 'pointer', 'pointer'], result: 'int' } },
      'void*',
      'char**',   // char **errmsg: receives the address of SQLite's message (sqlite3_free it)
    ],
    result: 'int',
  },
  sqlite3_free:         { parameters: ['void*'], result: 'void' },
  // printf-style formatting into memory SQLite allocates: %Q quotes a string as an SQL literal.
  // The result is decoded, then freed with sqlite3_free.
  sqlite3_mprintf:      { parameters: ['const char*', '...'], result: { type: 'char*', free: 'sqlite3_free' } },
  sqlite3_prepare_v2: {
    parameters: ['sqlite3*', 'const char*', 'int', 'sqlite3_stmt**', 'const char**'],
    result: 'int',
  },
  sqlite3_bind_int64:   { parameters: ['sqlite3_stmt*', 'int', 'int64_t'], result: 'int' },
  sqlite3_bind_double:  { parameters: ['sqlite3_stmt*', 'int', 'double'], result: 'int' },
  sqlite3_bind_text:    { parameters: ['sqlite3_stmt*', 'int', 'const char*', 'int', 'intptr_t'], result: 'int' },
  sqlite3_bind_blob:    { parameters: ['sqlite3_stmt*', 'int', 'buffer', 'int', 'intptr_t'], result: 'int' },
  sqlite3_bind_null:    { parameters: ['sqlite3_stmt*', 'int'], result: 'int' },
  sqlite3_step:         { parameters: ['sqlite3_stmt*'], result: 'int' },
  sqlite3_reset:        { parameters: ['sqlite3_stmt*'], result: 'int' },
  sqlite3_finalize:     { parameters: ['sqlite3_stmt*'], result: 'int' },
  sqlite3_column_count: { parameters: ['sqlite3_stmt*'], result: 'int' },
  sqlite3_column_name:  { parameters: ['sqlite3_stmt*', 'int'], result: 'const char*' },
  sqlite3_column_type:  { parameters: ['sqlite3_stmt*', 'int'], result: 'int' },
  sqlite3_column_int64: { parameters: ['sqlite3_stmt*', 'int'], result: 'int64_t' },
  sqlite3_column_double:{ parameters: ['sqlite3_stmt*', 'int'], result: 'double' },
  // Text may hold NULs, so it is read as bytes: its address, and its length from column_bytes.
  sqlite3_column_text:  { parameters: ['sqlite3_stmt*', 'int'], result: 'const unsigned char*' },
  sqlite3_column_blob:  { parameters: ['sqlite3_stmt*', 'int'], result: 'const void*' },
  sqlite3_column_bytes: { parameters: ['sqlite3_stmt*', 'int'], result: 'int' },
  sqlite3_changes:      { parameters: ['sqlite3*'], result: 'int' },
})
const S = sqlite.symbols

function open() {
  const db = [null]
  assert.equal(S.sqlite3_open(':memory:', db), SQLITE_OK)
  return db[0]
}

function prepare(db, sql) {
  const stmt = [null]
  assert.equal(S.sqlite3_prepare_v2(db, sql, -1, stmt, null), SQLITE_OK, S.sqlite3_errmsg(db))
  return stmt[0]
}

/** The value of column `i` of the current row, as JS sees it. */
function column(stmt, i) {
  switch (S.sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER: return S.sqlite3_column_int64(stmt, i)    // a BigInt beyond 2^53
    case SQLITE_FLOAT: return S.sqlite3_column_double(stmt, i)
    case SQLITE_TEXT: {
      const at = S.sqlite3_column_text(stmt, i)                    // valid until the next step
      return cstring(at, S.sqlite3_column_bytes(stmt, i))
    }
    case SQLITE_BLOB: {
      const at = S.sqlite3_column_blob(stmt, i)                    // NULL for an empty blob
      return Buffer.from(new Uint8Array(toArrayBuffer(at, S.sqlite3_column_bytes(stmt, i))))   // a copy (Buffer.from(ArrayBuffer) would share C memory)
    }
    case SQLITE_NULL: return null
  }
}

const ROWS = [
  [1, 'plain', 1.5, Buffer.from([0xde, 0xad, 0xbe, 0xef])],
  [2n ** 53n + 1n, 'héllo, wörld', -0.25, Buffer.alloc(0)],   // 64-bit integers beyond 2^53: BigInt
  [3, 'a\u0000b', 1e300, null],                               // text with a NUL inside
  [-4, '', null, Buffer.from('blob')],
]

/** Create a table, insert ROWS through one prepared statement, read them back. */
function roundTrip() {
  const db = open()
  assert.equal(S.sqlite3_exec(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x REAL, data BLOB)', null, null, null), SQLITE_OK)
  const insert = prepare(db, 'INSERT INTO t VALUES (?, ?, ?, ?)')
  for (const [id, name, x, data] of ROWS) {
    assert.equal(S.sqlite3_bind_int64(insert, 1, id), SQLITE_OK)
    const bytes = Buffer.byteLength(name)                     // the length says where text ends
    assert.equal(S.sqlite3_bind_text(insert, 2, name, bytes, SQLITE_TRANSIENT), SQLITE_OK)
    if (x === null) S.sqlite3_bind_null(insert, 3)
    else S.sqlite3_bind_double(insert, 3, x)
    if (data === null) S.sqlite3_bind_null(insert, 4)
    else S.sqlite3_bind_blob(insert, 4, data, data.length, SQLITE_TRANSIENT)
    assert.equal(S.sqlite3_step(insert), SQLITE_DONE)
    assert.equal(S.sqlite3_changes(db), 1)
    S.sqlite3_reset(insert)
  }
  assert.equal(S.sqlite3_finalize(insert), SQLITE_OK)

  const select = prepare(db, 'SELECT id, name, x, data FROM t ORDER BY rowid')
  const names = Array.from({ length: S.sqlite3_column_count(select) }, (_, i) => S.sqlite3_column_name(select, i))
  assert.deepEqual(names, ['id', 'name', 'x', 'data'])
  const rows = []
  while (S.sqlite3_step(select) === SQLITE_ROW) rows.push(names.map((_, i) => column(select, i)))
  assert.equal(S.sqlite3_finalize(select), SQLITE_OK)
  assert.equal(S.sqlite3_close(db), SQLITE_OK)

  assert.deepEqual(rows, [...ROWS].sort((a, b) => (a[0] < b[0] ? -1 : 1)))  // id is the rowid: ORDER BY rowid sorts by it
  return `${rows.length} rows: ${rows.map((r) => JSON.stringify(r[1])).join(', ')}`
}

/** sqlite3_exec with a JS function called once per row, and its error message. */
function exec() {
  const db = open()
  const rows = []
  const onRow = (arg, n, values, names) => {
    const row = {}
    const keys = cstrings(names, n)                            // char *names[n]
    cstrings(values, n).forEach((v, i) => { row[keys[i]] = v })  // char *values[n]; NULL -> null
    rows.push(row)
    return 0                                                   // non-zero would abort the query
  }
  // %Q: the string as an SQL literal, quotes doubled; %d: an int (variadic arguments: type, value)
  const sql = S.sqlite3_mprintf('SELECT %d AS one, NULL AS absent, %Q AS said UNION ALL SELECT 3, 4, %Q',
    'int', 1, 'const char*', "it's", 'const char*', null)
  assert.equal(sql, "SELECT 1 AS one, NULL AS absent, 'it''s' AS said UNION ALL SELECT 3, 4, NULL")
  assert.equal(S.sqlite3_exec(db, sql, onRow, null, null), SQLITE_OK)
  assert.deepEqual(rows, [{ one: '1', absent: null, said: "it's" }, { one: '3', absent: '4', said: null }])

  const err = [null]
  assert.equal(S.sqlite3_exec(db, 'SELEC 1', onRow, null, err), SQLITE_ERROR)
  const message = cstring(err[0])
  S.sqlite3_free(err[0])
  assert.equal(message, 'near "SELEC": syntax error')
  assert.equal(S.sqlite3_close(db), SQLITE_OK)
  return `${rows.length} rows, then: ${message}`
}

/** Errors: a statement that does not compile, a constraint that fails; sqlite3_errmsg says why. */
function errors() {
  const db = open()
  const stmt = [null]
  assert.equal(S.sqlite3_prepare_v2(db, 'SELECT * FROM missing', -1, stmt, null), SQLITE_ERROR)
  assert.equal(stmt[0], null)
  assert.equal(S.sqlite3_errmsg(db), 'no such table: missing')
  assert.equal(S.sqlite3_exec(db, 'CREATE TABLE u (k TEXT UNIQUE); INSERT INTO u VALUES (\'x\')', null, null, null), SQLITE_OK)
  const insert = prepare(db, 'INSERT INTO u VALUES (?)')
  S.sqlite3_bind_text(insert, 1, 'x', -1, SQLITE_TRANSIENT)  // -1: up to the NUL
  assert.equal(S.sqlite3_step(insert), SQLITE_CONSTRAINT)
  const message = S.sqlite3_errmsg(db)
  assert.equal(message, 'UNIQUE constraint failed: u.k')
  S.sqlite3_finalize(insert)
  assert.equal(S.sqlite3_close(db), SQLITE_OK)
  return message
}

function main() {
  console.log(`SQLite ${S.sqlite3_libversion()}`)
  console.log('prepare/bind/step/column:', roundTrip())
  console.log('exec:', exec())
  console.log('errors:', errors())
  sqlite.close()
}

// The test suite (ffast-node/test/examples.test.js) runs each check cold, then in a loop until
// V8 has optimized it (its calls are then V8 fast calls), then main().
module.exports = { main, checks: { roundTrip, exec, errors } }
if (require.main === module) main()
