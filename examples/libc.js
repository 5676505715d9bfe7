'use strict'
// The C library through ffast: snprintf with ints, doubles and strings (a variadic function,
// called both ways), strtol and open with errno, qsort with a plain JS function as the
// comparator, readdir, localtime_r and strftime, realpath (a string C allocates), and the environ
// variable.
// Run: node examples/libc.js
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { dlopen, struct, array, pointer, out, ptr, read, cstring, cstrings, errno } = require('ffast')

const { ENOENT, EEXIST, ERANGE } = os.constants.errno
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL } = fs.constants

// struct tm (glibc): tm_zone is a const char *, a string to JS
const Tm = struct({
  tm_sec: 'int', tm_min: 'int', tm_hour: 'int', tm_mday: 'int', tm_mon: 'int', tm_year: 'int',
  tm_wday: 'int', tm_yday: 'int', tm_isdst: 'int', tm_gmtoff: 'long', tm_zone: 'string',
})
// struct dirent (glibc, 64-bit Linux)
const Dirent = struct({
  d_ino: 'uint64_t', d_off: 'int64_t', d_reclen: 'unsigned short', d_type: 'unsigned char',
  d_name: array('char', 256),
})
const DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8

const libc = dlopen(null, {
  snprintf:    { parameters: ['buffer', 'size_t', 'const char*', '...'], result: 'int' },
  // long strtol(const char *s, char **end, int base); errno says ERANGE
  strtol:      { parameters: ['const char*', 'char**', 'int'], result: 'long', errno: true },
  // The same, on text in a buffer: *end then points into memory that outlives the call.
  strtolAt:    { name: 'strtol', parameters: ['buffer', 'char**', 'int'], result: 'long', errno: true },
  // char *realpath(const char *path, char *resolved): with NULL, a string C allocates
  realpath:    { parameters: ['const char*', 'char*'], result: { type: 'char*', free: 'free' }, errno: true },
  open:        { parameters: ['const char*', 'int', '...'], result: 'int', errno: true },
  close:       { parameters: ['int'], result: 'int', errno: true },
  strerror:    { parameters: ['int'], result: 'const char*' },
  qsort: {
    parameters: ['buffer', 'size_t', 'size_t', { function: { parameters: ['const void *', 'const void *'], result: 'int' } }],
    result: 'void',
  },
  opendir:     { parameters: ['const char*'], result: 'DIR *', errno: true },
  readdir:     { parameters: ['DIR *'], result: pointer(Dirent), errno: true },
  closedir:    { parameters: ['DIR *'], result: 'int' },
  localtime_r: { parameters: ['const long*', out(pointer(Tm))], result: pointer(Tm) },   // time_t is a long
  strftime:    { parameters: ['buffer', 'size_t', 'const char*', pointer(Tm)], result: 'size_t' },
  environ:     { variable: 'char **' },    // extern char **environ
})
const {
  snprintf, strtol, strtolAt, realpath, open, close, strerror, qsort, opendir, readdir, closedir, localtime_r, strftime,
} = libc.symbols
// One shape of snprintf's variable arguments, made once: an ordinary (fast) function.
const formatRow = snprintf.variadic('long', 'unsigned int', 'double', 'const char*')

/** snprintf with ints, doubles and strings, both ways of passing the variable arguments. */
function format() {
  const buf = Buffer.alloc(128)
  // type/value pairs after the fixed arguments
  let n = snprintf(buf, buf.length, '%d + %d = %s (%.3f)', 'int', 40, 'int', 2, 'const char*', 'forty-two', 'double', 42)
  assert.equal(buf.toString('utf8', 0, n), '40 + 2 = forty-two (42.000)')
  const first = buf.toString('utf8', 0, n)
  n = formatRow(buf, buf.length, '%ld|%x|%g|%s', 2 ** 40, 0xdeadbeef, -1.5e-7, 'héllo')
  assert.equal(buf.toString('utf8', 0, n), '1099511627776|deadbeef|-1.5e-07|héllo')
  // snprintf returns the length it needed: the text was cut to fit 4 bytes with the NUL
  n = snprintf(buf, 4, '%s', 'const char*', 'truncated')
  assert.equal(n, 9)
  assert.equal(buf.toString('latin1', 0, 4), 'tru\0')
  return first
}

/** strtol: where parsing stopped, and errno for a number out of range. */
function parse() {
  errno(0)                                        // as `errno = 0;` before strtol in C
  assert.equal(strtol('-0x1f', null, 16), -31)
  assert.equal(errno(), 0)
  const text = Buffer.from('42 apples\0')
  const end = [null]                              // char **end receives an address in text
  assert.equal(strtolAt(text, end, 10), 42)
  assert.equal(cstring(end[0]), ' apples')        // where parsing stopped
  assert.equal(end[0] - ptr(text), 2)
  assert.equal(strtol('99999999999999999999', null, 10), 2n ** 63n - 1n)   // LONG_MAX, a BigInt
  assert.equal(errno(), ERANGE)
  errno(0)
  assert.equal(strtol('-9223372036854775808', null, 10), -(2n ** 63n))     // LONG_MIN, in range
  assert.equal(errno(), 0)
  return `ERANGE: ${strerror(ERANGE)}`
}

/** open(2) is variadic (the mode follows O_CREAT); errno says why it failed. */
function files() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffast-libc-'))
  // path.join concatenates: V8 keeps the result as a cons string, which V8's fast calls do not
  // take, so each call below given one is a slow call (correct, just slower; README "Types")
  const file = path.join(dir, 'new.txt')
  const fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 'unsigned int', 0o600)
  assert.ok(fd >= 0, strerror(errno()))
  assert.equal(close(fd), 0)
  assert.equal(fs.statSync(file).mode & 0o777, 0o600)
  assert.equal(open(file, O_WRONLY | O_CREAT | O_EXCL, 'unsigned int', 0o600), -1)
  assert.equal(errno(), EEXIST)
  assert.equal(open(path.join(dir, 'missing', 'file'), O_RDONLY), -1)
  assert.equal(errno(), ENOENT)
  assert.equal(close(-1), -1)
  assert.equal(errno(), os.constants.errno.EBADF)
  assert.equal(realpath(path.join(dir, '.', 'new.txt'), null), fs.realpathSync(file))
  assert.equal(realpath(path.join(dir, 'missing'), null), null)
  assert.equal(errno(), ENOENT)
  fs.rmSync(dir, { recursive: true })
  return `EEXIST, ENOENT: ${strerror(ENOENT)}`
}

/** qsort with plain JS functions as comparators (each a callback for that call only). */
function sort() {
  const xs = Int32Array.from([5, -3, 1000000, 0, 42, -7, 7])
  qsort(xs, xs.length, 4, (a, b) => read.i32(a) - read.i32(b))
  assert.deepEqual([...xs], [-7, -3, 0, 5, 7, 42, 1000000])
  const ds = Float64Array.from([0.5, -Infinity, 1e-300, -0.25, 3])
  qsort(ds, ds.length, 8, (a, b) => Math.sign(read.f64(b) - read.f64(a)))   // descending
  assert.deepEqual([...ds], [3, 0.5, 1e-300, -0.25, -Infinity])
  return xs.join(' ')
}

/** opendir/readdir/closedir: the entries fs.readdirSync sees, with their types. */
function listDirectory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffast-libc-'))
  for (const name of ['a.txt', 'b.txt', 'ünïcödé.txt']) fs.writeFileSync(path.join(dir, name), name)
  fs.mkdirSync(path.join(dir, 'sub'))
  const d = opendir(dir)
  assert.notEqual(d, null, strerror(errno()))
  const entries = []
  errno(0)                                        // readdir's end and its errors both return NULL
  for (let e; (e = readdir(d)) !== null;) {
    const name = cstring(e + Dirent.offsetof('d_name'))
    if (name !== '.' && name !== '..') entries.push([name, Dirent.view(e).d_type])
  }
  assert.equal(errno(), 0)                        // the end, not an error
  assert.equal(closedir(d), 0)
  entries.sort(([a], [b]) => (a < b ? -1 : 1))
  const expected = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
  assert.deepEqual(entries.map(([name]) => name), expected.map((e) => e.name))
  for (const [i, [, type]] of entries.entries()) {
    if (type !== DT_UNKNOWN) assert.equal(type, expected[i].isDirectory() ? DT_DIR : DT_REG)
  }
  assert.equal(opendir(path.join(dir, 'missing')), null)       // (a cons string: a slow call)
  assert.equal(errno(), ENOENT)
  fs.rmSync(dir, { recursive: true })
  return entries.map(([name]) => name).join(' ')
}

/** localtime_r and strftime agree with JS's Date in local time. */
function time() {
  const t = 1700000000                            // 2023-11-14T22:13:20Z
  const tm = {}
  assert.notEqual(localtime_r([t], tm), null)     // time_t *in, struct tm *out
  const d = new Date(t * 1000)
  assert.deepEqual(
    [tm.tm_year + 1900, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday],
    [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getDay()],
  )
  assert.equal(tm.tm_gmtoff, 0 - d.getTimezoneOffset() * 60)  // (0 - x: never -0, as C's long is not)
  const buf = Buffer.alloc(100)
  const n = strftime(buf, buf.length, '%Y-%m-%d %H:%M:%S %Z', tm)
  const two = (x) => String(x).padStart(2, '0')
  const local = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  assert.equal(buf.toString('utf8', 0, n), `${local} ${tm.tm_zone}`)
  return buf.toString('utf8', 0, n)
}

/** environ: the process's environment, as C sees it (node's process.env is the same one). */
function environment() {
  process.env.FFAST_EXAMPLE = 'héllo'
  const env = cstrings(libc.symbols.environ)      // char **environ, up to its NULL
  assert.ok(env.includes('FFAST_EXAMPLE=héllo'))
  const fromNode = Object.entries(process.env).map(([k, v]) => `${k}=${v}`)
  assert.deepEqual(new Set(env), new Set(fromNode))
  delete process.env.FFAST_EXAMPLE
  return `${env.length} variables`
}

function main() {
  console.log('snprintf:', format())
  console.log('strtol:', parse())
  console.log('open:', files())
  console.log('qsort:', sort())
  console.log('readdir:', listDirectory())
  console.log('localtime_r/strftime:', time())
  environment()
  console.log('environ: ok')
  libc.close()
}

// The test suite (ffast-node/test/examples.test.js) runs each check cold, then in a loop until
// V8 has optimized it (its calls are then V8 fast calls), then main().
module.exports = { main, checks: { format, parse, files, sort, listDirectory, time, environment } }
if (require.main === module) main()
