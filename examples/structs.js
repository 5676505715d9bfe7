// README: "Structs, unions and arrays". The README shows the region below; edit it here, then run
// `node scripts/readme-examples.js --write`. Run: node examples/structs.js
// #region readme
const assert = require('node:assert/strict')
const { dlopen, struct, union, array, pointer, out, inout } = require('ffast')

const Div = struct({ quot: 'int', rem: 'int' })                    // C's div_t
const Complex = struct({ re: 'double', im: 'double' })             // double complex: to the ABI, two doubles
const Timespec = struct({ tv_sec: 'long', tv_nsec: 'long' })       // struct timespec
const Tm = struct({                                                // struct tm (glibc)
  tm_sec: 'int', tm_min: 'int', tm_hour: 'int', tm_mday: 'int', tm_mon: 'int', tm_year: 'int',
  tm_wday: 'int', tm_yday: 'int', tm_isdst: 'int', tm_gmtoff: 'long', tm_zone: 'pointer',
})

const libc = dlopen(null, {
  div:          { parameters: ['int', 'int'], result: Div },                       // by value
  timegm:       { parameters: [inout(pointer(Tm))], result: 'i64' },              // struct tm *, C rewrites it
  clock_getres: { parameters: ['int', out(pointer(Timespec))], result: 'int' },   // struct timespec *, C fills it
})
const libm = dlopen('libm.so.6', {
  csqrt: { parameters: [Complex], result: Complex },                              // by value both ways
})
assert.deepEqual(libc.symbols.div(17, 5), { quot: 3, rem: 2 })
assert.deepEqual(libm.symbols.csqrt({ re: -4, im: 0 }), { re: 0, im: 2 })
const root = new Float64Array(2)
libm.symbols.csqrt({ re: 3, im: 4 }, root)       // optional last argument: the result is copied
assert.deepEqual([...root], [2, 1])              // into it (no allocation), and returned

const day = { tm_sec: 0, tm_min: 0, tm_hour: 12, tm_mday: 30, tm_mon: 1, tm_year: 124,   // "2024-02-30"
  tm_wday: 0, tm_yday: 0, tm_isdst: 0, tm_gmtoff: 0, tm_zone: null }
assert.equal(libc.symbols.timegm(day), Date.UTC(2024, 2, 1, 12) / 1000)
assert.deepEqual([day.tm_mon, day.tm_mday, day.tm_wday], [2, 1, 5])   // day is now Friday, March 1st
const res = {}
assert.equal(libc.symbols.clock_getres(1 /* CLOCK_MONOTONIC */, res), 0)
assert.equal(typeof res.tv_nsec, 'number')       // res is now { tv_sec: 0, tv_nsec: 1 } (or so)

const Vec2 = struct({ x: 'double', y: 'double' })
const Shape = struct({
  kind: 'u8',
  at: Vec2,                                      // nested
  corners: array(Vec2, 4),                       // Vec2 corners[4]
  v: union({ radius: 'f64', side: 'f32' }),
  id: { type: 'u64', align: 16 },                // __attribute__((aligned(16)))
  next: 'pointer',                               // links are pointers
}, { pack: 8 })                                  // #pragma pack(8)
assert.deepEqual([Shape.size, Shape.align, Shape.offsetof('corners[2].y')], [112, 8, 64])   // what gcc says
const corners = [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }]
const bytes = Shape.encode({ kind: 1, at: { x: 5, y: 5 }, corners, v: { side: 1 }, id: 7, next: null })
assert.equal(Shape.decode(bytes).corners[2].y, 1)   // a plain object read from the bytes
Shape.view(bytes).at.x = 0                          // or zero-copy accessors over them
assert.equal(Shape.decode(bytes).at.x, 0)
// #endregion
console.log(`structs: ok (clock resolution ${res.tv_sec} s ${res.tv_nsec} ns)`)
