'use strict'
// OpenSSL's libcrypto through ffast: SHA-256 (and SHA-512) with the EVP digest API, equal to
// node:crypto's, random bytes from RAND_bytes, and the library's version.
// Run: node examples/crypto.js   (Debian/Ubuntu: apt-get install libssl3)
//
// node has an OpenSSL of its own built in, and exports it; ffast opens Debian's libcrypto so that
// its own internal calls stay inside it (README, "Loading a library by path").
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { dlopen } = require('ffast')

const OPENSSL_VERSION = 0

const libcrypto = dlopen('libcrypto.so.3', {
  OpenSSL_version:      { parameters: ['int'], result: 'const char*' },
  EVP_sha256:           { result: 'const EVP_MD *' },
  EVP_get_digestbyname: { parameters: ['const char*'], result: 'const EVP_MD *' },
  EVP_MD_get_size:      { parameters: ['const EVP_MD *'], result: 'int' },
  EVP_MD_CTX_new:       { result: 'EVP_MD_CTX *' },
  EVP_MD_CTX_free:      { parameters: ['EVP_MD_CTX *'], result: 'void' },
  EVP_DigestInit_ex:    { parameters: ['EVP_MD_CTX *', 'const EVP_MD *', 'ENGINE *'], result: 'int' },
  EVP_DigestUpdate:     { parameters: ['EVP_MD_CTX *', 'buffer', 'size_t'], result: 'int' },
  // unsigned int *s: the digest's length, written by C into a one-element array
  EVP_DigestFinal_ex:   { parameters: ['EVP_MD_CTX *', 'buffer', 'unsigned int *'], result: 'int' },
  RAND_bytes:           { parameters: ['buffer', 'int'], result: 'int' },
})
const {
  OpenSSL_version, EVP_sha256, EVP_get_digestbyname, EVP_MD_get_size, EVP_MD_CTX_new, EVP_MD_CTX_free,
  EVP_DigestInit_ex, EVP_DigestUpdate, EVP_DigestFinal_ex, RAND_bytes,
} = libcrypto.symbols

/** The digest `md` of `data`, fed to OpenSSL `step` bytes at a time. */
function digest(md, data, step) {
  const ctx = EVP_MD_CTX_new()
  assert.notEqual(ctx, null)
  assert.equal(EVP_DigestInit_ex(ctx, md, null), 1)
  for (let at = 0; at < data.length; at += step) {
    const part = data.subarray(at, at + step)
    assert.equal(EVP_DigestUpdate(ctx, part, part.length), 1)
  }
  const md_value = Buffer.alloc(64)                 // EVP_MAX_MD_SIZE
  const md_len = [0]
  assert.equal(EVP_DigestFinal_ex(ctx, md_value, md_len), 1)
  EVP_MD_CTX_free(ctx)
  assert.equal(md_len[0], EVP_MD_get_size(md))
  return md_value.subarray(0, md_len[0]).toString('hex')
}

/** SHA-256 of a known string and of `data`, and SHA-512 of `data`: what node:crypto computes. */
function digests(data) {
  const sha256 = EVP_sha256()
  assert.equal(digest(sha256, Buffer.from('abc'), 64),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')   // FIPS 180-2's example
  assert.equal(digest(sha256, Buffer.alloc(0), 64), crypto.createHash('sha256').digest('hex'))
  const hex = digest(sha256, data, 4096)
  assert.equal(hex, crypto.createHash('sha256').update(data).digest('hex'))
  const sha512 = EVP_get_digestbyname('SHA512')
  assert.equal(digest(sha512, data, 4096), crypto.createHash('sha512').update(data).digest('hex'))
  return `sha256 of ${data.length} bytes: ${hex.slice(0, 16)}…`
}

/** RAND_bytes: 1 on success, and bytes that are not all equal nor twice the same. */
function random() {
  const a = Buffer.alloc(32)
  const b = Buffer.alloc(32)
  assert.equal(RAND_bytes(a, a.length), 1)
  assert.equal(RAND_bytes(b, b.length), 1)
  assert.notDeepEqual(a, b)
  assert.ok(new Set(a).size > 1)
  return `${a.length} random bytes, twice`
}

function version() {
  const v = OpenSSL_version(OPENSSL_VERSION)        // e.g. 'OpenSSL 3.0.17 1 Jul 2025'
  assert.match(v, /^OpenSSL 3\.\d+\.\d+/)
  return v.split(' ').slice(0, 2).join(' ')
}

/** `size` bytes of pseudo-random data (the same every run). */
function sample(size) {
  const b = Buffer.alloc(size)
  for (let i = 0, x = 1; i < size; i++) b[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24
  return b
}
const SMALL = sample(2000)
const MiB = sample(1 << 20)

function main() {
  console.log('version:', version())
  console.log('digests:', digests(MiB))
  console.log('RAND_bytes:', random())
  libcrypto.close()
}

// The test suite (ffast-node/test/examples.test.js) runs each check cold, then in a loop until
// V8 has optimized it (its calls are then V8 fast calls), then main().
module.exports = { main, checks: { version, digests: () => digests(SMALL), random } }
if (require.main === module) main()
