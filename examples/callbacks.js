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

// #region structs
const { struct, bind } = require('ffast')
const Vec2 = struct({ x: 'f64', y: 'f64' })
const Big = struct({ a: 'f64', b: 'f64', c: 'f64', d: 'f64' })
const cb = callback({ parameters: ['i32', Vec2], result: Big }, (i, v) => ({ a: v.x, b: v.y, c: i, d: 0 }))
// C calls cb.pointer like any function pointer; here JS calls it through C, as C would
const viaC = bind(cb.pointer, { parameters: ['i32', Vec2], result: Big, callbacks: true })
assert.deepEqual(viaC(7, { x: 1.5, y: -2 }), { a: 1.5, b: -2, c: 7, d: 0 })
cb.close()
// #endregion
console.log('callbacks: ok')
