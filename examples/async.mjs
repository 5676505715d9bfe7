// README: "Async calls and workers" (an ES module: top-level await). The README shows the region
// below; edit it here, then run `node scripts/readme-examples.js --write`.
// Run: node examples/async.mjs  (Debian/Ubuntu: apt-get install zlib1g)
// #region readme
import assert from 'node:assert/strict'
import { inflateSync } from 'node:zlib'
import { dlopen } from 'ffast'

const libz = dlopen('libz.so.1', {
  compressBound: { parameters: ['unsigned long'], result: 'unsigned long' },
  compress2: { parameters: ['buffer', 'buffer', 'buffer', 'unsigned long', 'int'], result: 'int', nonblocking: true },
})
const src = Buffer.from('ffast '.repeat(100_000))
const dst = Buffer.alloc(libz.symbols.compressBound(src.length))
const dstLen = new BigUint64Array([BigInt(dst.length)])   // uLongf *destLen: in, the room; out, the size
const rc = await libz.symbols.compress2(dst, dstLen, src, src.length, 9)   // JS keeps running meanwhile
assert.equal(rc, 0)                                                        // Z_OK
assert.deepEqual(inflateSync(dst.subarray(0, Number(dstLen[0]))), src)
libz.close()
// #endregion
console.log(`async: ${src.length} bytes -> ${dstLen[0]}`)
