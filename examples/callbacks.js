// README: "Callbacks". The README shows the region below; edit it here, then run
// `node scripts/readme-examples.js --write`. Run: node examples/callbacks.js
// #region readme
const assert = require('node:assert/strict')
const { dlopen, callback, read } = require('ffast')
const CMP = { function: { parameters: ['pointer', 'pointer'], result: 'i32' } } // int (*)(const void*, const void*)
const libc = dlopen(null, { qsort: { parameters: ['buffer', 'size_t', 'size_t', CMP], result: 'void' } })
const xs = new Int32Array([3, 1, 2])
libc.symbols.qsort(xs, xs.length, 4, (a, b) => read.i32(a) - read.i32(b)) // a plain function, for this call
assert.deepEqual([...xs], [1, 2, 3])
// or a prepared Callback (C may keep it after the call; close it when done)
const byValue = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => read.i32(b) - read.i32(a))
libc.symbols.qsort(xs, xs.length, 4, byValue)
assert.deepEqual([...xs], [3, 2, 1])
byValue.close()
// #endregion
console.log('callbacks: ok')
