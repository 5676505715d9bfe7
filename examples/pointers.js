// README: "Pointers". The README shows the region below; edit it here, then run
// `node scripts/readme-examples.js --write`. Run: node examples/pointers.js
// #region readme
const assert = require('node:assert/strict')
const { dlopen, cstring } = require('ffast')
const sq = dlopen('libsqlite3.so.0', {
  sqlite3_open: { parameters: ['const char*', 'sqlite3**'], result: 'int' },  // T** out-parameter
  sqlite3_errmsg: { parameters: ['sqlite3*'], result: 'const char*' },
  sqlite3_exec: { parameters: ['sqlite3*', 'const char*', 'function', 'pointer', 'char**'], result: 'int' },
  sqlite3_free: { parameters: ['void*'], result: 'void' },
  sqlite3_close: { parameters: ['sqlite3*'], result: 'int' },
})
const db = [null]                                 // a one-element array receives C's value
assert.equal(sq.symbols.sqlite3_open(':memory:', db), 0)
assert.equal(typeof db[0], 'number')
const err = [null]
assert.notEqual(sq.symbols.sqlite3_exec(db[0], 'bad sql', null, null, err), 0)
assert.match(cstring(err[0]), /syntax error/)    // char* elements come back as addresses
sq.symbols.sqlite3_free(err[0])
sq.symbols.sqlite3_close(db[0])
// #endregion
console.log('pointers: ok')
