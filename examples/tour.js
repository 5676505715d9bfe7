// README: "A short tour". The README shows the region below; edit it here, then run
// `node scripts/readme-examples.js --write`. Run: node examples/tour.js
// #region readme
const assert = require('node:assert/strict')
const { dlopen, ptr, read } = require('ffast')   // or: import { dlopen, ptr, read } from 'ffast'

const libm = dlopen('libm.so.6', {
  cos:  { parameters: ['f64'], result: 'f64' },
  labs: { parameters: ['i64'], result: 'i64' },
})
assert.equal(libm.symbols.cos(0), 1)
assert.equal(libm.symbols.labs(-(2n ** 62n)), 2n ** 62n)   // exact: a BigInt beyond 2^53
libm.close()                                              // or `using libm = dlopen(...)` (Symbol.dispose)

const libc = dlopen(null, {      // null: the process itself
  strlen: { parameters: ['string'], result: 'size_t' },
  getenv: { parameters: ['const char*'], result: 'const char*' },
  memset: { parameters: ['buffer', 'int', 'size_t'], result: 'pointer' },
  qsort_missing: { name: 'no_such_symbol', parameters: [], result: 'void', optional: true },
})
assert.equal(libc.symbols.strlen('héllo'), 6)             // UTF-8
process.env.GREETING = 'hi'
assert.equal(libc.symbols.getenv('GREETING'), 'hi')       // node's environment is the process's
const buf = new Uint8Array(8)
libc.symbols.memset(buf.subarray(2), 7, 3)                // C writes into JS memory (byteOffset applied)
assert.deepEqual([...buf], [0, 0, 7, 7, 7, 0, 0, 0])
assert.equal(read.u8(ptr(buf), 2), 7)
assert.equal(libc.symbols.qsort_missing, null)            // optional, and not there
// #endregion
console.log('tour: ok')
