// Rows of the peer benchmark. Shared by the orchestrator (Node) and the drivers (Node, Deno, Bun).
// sym: C symbol in target/bench/libpeerbench.so (bench/native/benchlib.c + bench/peers/native/peerlib.c).
// params/ret: abstract types; each adapter maps them to its own type names.
// args: JS source of the call arguments (loop index `i`; closure values d1 d2 d3 p u8 cb pt).
// js: the same work as a plain JS function (the JS floor and the reference for the result check).
// refConv: how the reference loop turns the JS function's result into a number.
// kind: 'scalar' (the 1.15x bar vs the fast-API addon applies), 'heavy', 'feature' (callback/struct/async), 'declare'.
// view: 'i32': the loop's `u8` is an Int32Array over the same bytes (the reference keeps the Uint8Array).
// loop: 'sync' (default) | 'async' (awaited promise per call) | 'declare' (bind 1,000 symbols).
export const STR = 'abcdefghijklmnop'; // 16 chars, flat one-byte (a literal in the loop source)
const A = (n) => Array(n).fill('i32');
export const ROWS = [
  { name: 'noop', sym: 'noop', params: [], ret: 'void', args: '', kind: 'scalar', js: 'function () {}' },
  { name: 'i32_0', sym: 'i32_0', params: [], ret: 'i32', args: '', kind: 'scalar', js: 'function () { return 7; }' },
  { name: 'i32_1', sym: 'i32_1', params: A(1), ret: 'i32', args: 'i', kind: 'scalar', js: 'function (a) { return (a + 1) | 0; }' },
  { name: 'i32_2', sym: 'i32_2', params: A(2), ret: 'i32', args: 'i, 3', kind: 'scalar', js: 'function (a, b) { return (a + b) | 0; }' },
  { name: 'i32_3', sym: 'i32_3', params: A(3), ret: 'i32', args: 'i, 2, 3', kind: 'scalar', js: 'function (a, b, c) { return (a + b + c) | 0; }' },
  { name: 'i32_6', sym: 'i32_6', params: A(6), ret: 'i32', args: 'i, 1, 2, 3, 4, 5', kind: 'scalar', js: 'function (a, b, c, d, e, f) { return (a + b + c + d + e + f) | 0; }' },
  { name: 'i32_8', sym: 'i32_8', params: A(8), ret: 'i32', args: 'i, 1, 2, 3, 4, 5, 6, 7', kind: 'scalar', js: 'function (a, b, c, d, e, f, g, h) { return (a + b + c + d + e + f + g + h) | 0; }' },
  { name: 'f64_2', sym: 'f64_2', params: ['f64', 'f64'], ret: 'f64', args: 'd1, d2', kind: 'scalar', js: 'function (a, b) { return a * b + 1; }' },
  { name: 'f32_2', sym: 'f32_2', params: ['f32', 'f32'], ret: 'f32', args: 'd1, d2', kind: 'scalar', js: 'function (a, b) { return Math.fround(Math.fround(Math.fround(a) * Math.fround(b)) + 1); }' },
  { name: 'mixed', sym: 'mixed', params: ['i32', 'f64', 'i32', 'f64'], ret: 'f64', args: 'i, d1, 3, d3', kind: 'scalar', js: 'function (a, b, c, d) { return a * b + c * d; }' },
  { name: 'ptr_arg', sym: 'ptr_arg', params: ['pointer'], ret: 'u32', args: 'p', kind: 'scalar', js: 'function (q) { return u8[0]; }' },
  { name: 'ptr_ret', sym: 'ptr_ret', params: [], ret: 'pointer', args: '', kind: 'scalar', js: 'function () { return P; }', conv: '(r ? 1 : 0)' },
  { name: 'u64_ret', sym: 'u64_ret', params: [], ret: 'u64', args: '', kind: 'scalar', js: 'function () { return 8725724278030337; }' },
  { name: 'strlen', sym: 'c_strlen', params: ['string'], ret: 'usize', args: `'${STR}'`, kind: 'heavy', js: 'function (s) { return s.length; }' },
  { name: 'sum64', sym: 'sum64', params: ['buffer'], ret: 'u32', args: 'u8', kind: 'heavy', js: 'function (a) { let s = 0; for (let k = 0; k < 64; k++) s += a[k]; return s; }' },
  // sum64_i32: the same C function given an Int32Array over the same 64 bytes (issue 13 item 5: a
  // typed array of another element type reaching a `buffer` parameter).
  { name: 'sum64_i32', sym: 'sum64', params: ['buffer'], ret: 'u32', args: 'u8', view: 'i32', kind: 'heavy', js: 'function (a) { let s = 0; for (let k = 0; k < 64; k++) s += a[k]; return s; }' },
  { name: 'callback', sym: 'call_cb', params: ['callback', 'i32'], ret: 'i32', args: 'cb, i', kind: 'feature', js: 'function (c, a) { return c(a); }',
    note: 'C calls a JS function (int32 → int32) once per call; the callback is registered once, outside the loop' },
  { name: 'struct_in', sym: 'pt_sum', params: ['Pt'], ret: 'f64', args: 'pt', kind: 'feature', js: 'function (q) { return q.x + q.y; }',
    note: 'double pt_sum(struct {double x, y;} p): the struct value is built once, outside the loop' },
  { name: 'struct_out', sym: 'pt_make', params: ['f64', 'f64'], ret: 'Pt', args: 'd1, i', kind: 'feature', js: 'function (a, b) { return { x: a, y: b }; }', refConv: 'r.y', conv: 'r.y',
    note: 'struct {double x, y;} pt_make(double, double); the loop reads field y of the result' },
  { name: 'async', sym: 'i32_1', params: ['i32'], ret: 'i32', args: 'i', kind: 'feature', loop: 'async', js: 'async function (a) { return (a + 1) | 0; }',
    note: 'await of one call run off the JS thread (worker pool / new thread), i.e. a full round trip' },
  { name: 'declare', kind: 'declare', loop: 'declare', note: 'open a library and bind 1,000 int32(int32) symbols, then close; ns per symbol' },
  // The "slow corners" (issue 13 scope 6): each peer binds them its own way (corners.mjs); the
  // addons, ffast and js run bench/node/corners.js. `lib`: a Debian library the row needs.
  { name: 'str_ret', corner: true, kind: 'string', note: 'const char *str_ret(int): a 16-23 byte ASCII C string result decoded to a JS string' },
  { name: 'ptr_bigint', corner: true, kind: 'bigint', note: 'ptr_arg with the pointer given as a BigInt (peers whose pointers are BigInts run their ptr_arg call)' },
  { name: 'out_ptr', corner: true, kind: 'heavy', note: 'int open_thing(const char *, void **out): the handle read back from each peer\'s out-parameter' },
  { name: 'errno', corner: true, kind: 'scalar', note: 'maybe_fail(i) (fails 1 call in 16, setting errno) with errno read after each failure' },
  { name: 'variadic', corner: true, kind: 'heavy', note: 'bl_snprintf(buf, 64, "%d %f %s", i, 1.5, "abc"), a variadic C function' },
  { name: 'crc32', corner: true, kind: 'heavy', lib: 'zlib', note: 'zlib crc32 over a 16-byte buffer (Debian libz.so.1)' },
  { name: 'sha256', corner: true, kind: 'heavy', lib: 'crypto', note: 'SHA-256 of 64 bytes through libcrypto EVP (ctx new, DigestInit_ex, Update, Final_ex, free): ns per message' },
  { name: 'sqlite', corner: true, kind: 'task', lib: 'sqlite', note: 'sqlite3: 10^4 INSERTs (prepared, bind_int/bind_text/step/reset) + SELECT reading INTEGER and TEXT: ns per task' },
];
export const ROW_BY_NAME = Object.fromEntries(ROWS.map((r) => [r.name, r]));
