'use strict'
// zlib through ffast: one-shot compress2/uncompress, crc32/adler32, a 1 MiB stream through
// deflate/inflate with a z_stream in C memory, and compress2 off the JS thread.
// Run: node examples/zlib.js   (Debian/Ubuntu: apt-get install zlib1g)
//
// Debian's libz.so.1 is another zlib than the one node has built in and exports; ffast opens it
// so that its own internal calls stay inside it (README, "Loading a library by path").
const assert = require('node:assert/strict')
const nodeZlib = require('node:zlib')
const { dlopen, struct, ptr, alloc, free } = require('ffast')

const Z_OK = 0, Z_STREAM_END = 1, Z_BUF_ERROR = -5
const Z_NO_FLUSH = 0, Z_FINISH = 4
const Z_BEST_COMPRESSION = 9, Z_DEFAULT_COMPRESSION = -1

// z_stream from zlib.h (uInt: unsigned int, uLong: unsigned long, Bytef *: a pointer)
const ZStream = struct({
  next_in: 'pointer', avail_in: 'unsigned int', total_in: 'unsigned long',
  next_out: 'pointer', avail_out: 'unsigned int', total_out: 'unsigned long',
  msg: 'string', state: 'pointer',          // msg: zlib's error text, or NULL
  zalloc: 'pointer', zfree: 'pointer', opaque: 'pointer',
  data_type: 'int', adler: 'unsigned long', reserved: 'unsigned long',
})

const libz = dlopen('libz.so.1', {
  zlibVersion:   { result: 'const char*' },
  compressBound: { parameters: ['unsigned long'], result: 'unsigned long' },
  // uLongf *destLen: in, the room at dest; out, the bytes written (a one-element array)
  compress2:     { parameters: ['buffer', 'unsigned long*', 'buffer', 'unsigned long', 'int'], result: 'int' },
  uncompress:    { parameters: ['buffer', 'unsigned long*', 'buffer', 'unsigned long'], result: 'int' },
  crc32:         { parameters: ['unsigned long', 'buffer', 'unsigned int'], result: 'unsigned long' },
  adler32:       { parameters: ['unsigned long', 'buffer', 'unsigned int'], result: 'unsigned long' },
  // deflateInit() and inflateInit() are macros around these (version and sizeof(z_stream))
  deflateInit_:  { parameters: ['z_stream *', 'int', 'const char *', 'int'], result: 'int' },
  deflate:       { parameters: ['z_stream *', 'int'], result: 'int' },
  deflateEnd:    { parameters: ['z_stream *'], result: 'int' },
  inflateInit_:  { parameters: ['z_stream *', 'const char *', 'int'], result: 'int' },
  inflate:       { parameters: ['z_stream *', 'int'], result: 'int' },
  inflateEnd:    { parameters: ['z_stream *'], result: 'int' },
  // The same compress2, run on another thread: it returns a Promise.
  compress2InBackground: {
    name: 'compress2', parameters: ['buffer', 'unsigned long*', 'buffer', 'unsigned long', 'int'], result: 'int', nonblocking: true,
  },
})
const {
  zlibVersion, compressBound, compress2, uncompress, crc32, adler32,
  deflateInit_, deflate, deflateEnd, inflateInit_, inflate, inflateEnd, compress2InBackground,
} = libz.symbols
const ZLIB_VERSION = zlibVersion()

/** crc32 and adler32, against their published check values and node's own zlib. */
function checksums() {
  const digits = Buffer.from('123456789')
  assert.equal(crc32(0, null, 0), 0)                         // crc32(0, Z_NULL, 0): the initial value
  assert.equal(crc32(0, digits, digits.length), 0xcbf43926)  // the CRC-32 check value
  const half = crc32(crc32(0, digits, 4), digits.subarray(4), 5)
  assert.equal(half, 0xcbf43926)                             // incremental = all at once
  const wiki = Buffer.from('Wikipedia')
  assert.equal(adler32(1, wiki, wiki.length), 0x11e60398)
  if (nodeZlib.crc32) assert.equal(crc32(0, wiki, wiki.length), nodeZlib.crc32(wiki))
  return `crc32 ${half.toString(16)}, adler32 ${adler32(1, wiki, wiki.length).toString(16)}`
}

/** compress2 and uncompress, one shot, with destLen as a one-element array. */
function roundTrip(text) {
  const src = Buffer.from(text)
  const dst = Buffer.alloc(compressBound(src.length))
  const packedLen = [dst.length]
  assert.equal(compress2(dst, packedLen, src, src.length, Z_BEST_COMPRESSION), Z_OK)
  const packed = dst.subarray(0, packedLen[0])
  assert.deepEqual(nodeZlib.inflateSync(packed), src)        // node's zlib reads it

  const back = Buffer.alloc(src.length)
  const backLen = [back.length]
  assert.equal(uncompress(back, backLen, packed, packed.length), Z_OK)
  assert.equal(backLen[0], src.length)
  assert.deepEqual(back, src)

  const tooSmall = [8]
  assert.equal(compress2(Buffer.alloc(8), tooSmall, src, src.length, 9), Z_BUF_ERROR)
  return `${src.length} -> ${packed.length} -> ${backLen[0]} bytes`
}

/** Stream `input` through deflate, `chunk` bytes in and out at a time. */
function deflateStream(input, chunk) {
  const strm = alloc(ZStream)             // C memory: zlib keeps pointers into the z_stream
  const z = ZStream.view(strm)            // zero-copy accessors over it
  z.zalloc = null; z.zfree = null; z.opaque = null
  assert.equal(deflateInit_(strm, Z_DEFAULT_COMPRESSION, ZLIB_VERSION, ZStream.size), Z_OK, z.msg)
  const window = Buffer.alloc(chunk)
  const parts = []
  let rc = Z_OK
  for (let at = 0; rc !== Z_STREAM_END; at += chunk) {
    const n = Math.min(chunk, input.length - at)
    z.next_in = ptr(input) + at           // `input` stays referenced below: C reads its memory
    z.avail_in = n
    const flush = at + n >= input.length ? Z_FINISH : Z_NO_FLUSH
    do {
      z.next_out = ptr(window)
      z.avail_out = chunk
      rc = deflate(strm, flush)
      assert.ok(rc === Z_OK || rc === Z_STREAM_END || rc === Z_BUF_ERROR, z.msg)
      parts.push(Buffer.from(window.subarray(0, chunk - z.avail_out)))
    } while (z.avail_out === 0)
  }
  assert.equal(z.total_in, input.length)
  assert.equal(deflateEnd(strm), Z_OK)
  free(strm)
  return Buffer.concat(parts)
}

/** Stream `packed` through inflate, `chunk` bytes in at a time, into a buffer of `size` bytes. */
function inflateStream(packed, size, chunk) {
  const strm = alloc(ZStream)
  const z = ZStream.view(strm)
  z.zalloc = null; z.zfree = null; z.opaque = null
  z.next_in = null; z.avail_in = 0
  assert.equal(inflateInit_(strm, ZLIB_VERSION, ZStream.size), Z_OK, z.msg)
  const out = Buffer.alloc(size)
  let rc = Z_OK
  for (let at = 0; rc !== Z_STREAM_END; at += chunk) {
    assert.ok(at < packed.length, 'the stream ended early')
    z.next_in = ptr(packed) + at
    z.avail_in = Math.min(chunk, packed.length - at)
    do {
      z.next_out = ptr(out) + z.total_out
      z.avail_out = Math.min(chunk, size - z.total_out)
      rc = inflate(strm, Z_NO_FLUSH)
      assert.ok(rc === Z_OK || rc === Z_STREAM_END || (rc === Z_BUF_ERROR && z.avail_in === 0), z.msg)
    } while (z.avail_out === 0 && rc !== Z_STREAM_END)
  }
  assert.equal(z.total_out, size)
  assert.equal(inflateEnd(strm), Z_OK)
  free(strm)
  return out
}

/** deflate and inflate `input` as a stream; node's zlib checks both directions. */
function stream(input, chunk) {
  const packed = deflateStream(input, chunk)
  assert.deepEqual(nodeZlib.inflateSync(packed), input)
  assert.deepEqual(inflateStream(packed, input.length, chunk), input)
  assert.deepEqual(inflateStream(nodeZlib.deflateSync(input), input.length, chunk), input)
  return `${input.length} -> ${packed.length} -> ${input.length} bytes in ${chunk}-byte steps`
}

/** compress2 on another thread, while this one computes a checksum. */
async function inBackground(input) {
  const dst = Buffer.alloc(compressBound(input.length))
  const packedLen = [dst.length]
  const done = compress2InBackground(dst, packedLen, input, input.length, Z_BEST_COMPRESSION)
  const sum = crc32(0, input, input.length)           // runs meanwhile, on the JS thread
  assert.equal(await done, Z_OK)
  const packed = dst.subarray(0, packedLen[0])        // destLen arrives with the result
  assert.deepEqual(nodeZlib.inflateSync(packed), input)
  return `${input.length} -> ${packed.length} bytes, crc32 ${sum.toString(16)}`
}

/** `size` bytes of text-like data: runs from two small alphabets (compresses to about 40%). */
function sample(size) {
  const b = Buffer.alloc(size)
  let x = 0x12345678
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    b[i] = (i >> 9) & 1 ? 97 + ((x >>> 16) % 7) : 48 + (x >>> 29)
  }
  return b
}

const TEXT = 'ffast calls zlib. '.repeat(50)
const SMALL = sample(16 << 10)
const MiB = sample(1 << 20)

async function main() {
  console.log(`zlib ${ZLIB_VERSION}`)
  console.log('checksums:', checksums())
  console.log('compress2/uncompress:', roundTrip(TEXT))
  console.log('deflate/inflate stream:', stream(MiB, 16384))
  console.log('compress2, nonblocking:', await inBackground(MiB))
  libz.close()
}

// The test suite (ffast-node/test/examples.test.js) runs each check cold, then in a loop until
// V8 has optimized it (its calls are then V8 fast calls), then main().
module.exports = {
  main,
  checks: {
    checksums,
    roundTrip: () => roundTrip(TEXT),
    stream: () => stream(SMALL, 1024),
    inBackground: () => inBackground(SMALL),
  },
}
if (require.main === module) main()
