// Type-level tests of index.d.ts: compiled with `tsc --noEmit` by scripts/test.sh. Each
// `@ts-expect-error` line must be an error, so the declarations cannot silently go loose.
import { dlopen, bind, callback, Callback, ptr, cstring, toArrayBuffer, read, write, suffix, FfastError, type FfastErrorCode } from 'ffast';

const lib = dlopen('libm.so.6', {
  cos: { parameters: ['f64'], result: 'f64' },
  labs: { parameters: ['i64'], result: 'i64' },
  strlen: { parameters: ['const char*'], result: 'size_t' },
  getenv: { parameters: ['string'], result: 'string' },
  memset: { parameters: ['buffer', 'int', 'size_t'], result: 'pointer' },
  maybe: { name: 'no_such', parameters: [], result: 'void', optional: true },
  flag: { parameters: ['bool'], result: 'bool' },
});

const c: number = lib.symbols.cos(0);
const l: number | bigint = lib.symbols.labs(-5n);
const n: number | bigint = lib.symbols.strlen('é');
const s: string | null = lib.symbols.getenv('HOME');
const p = lib.symbols.memset(new Uint8Array(4), 0, 4);
const pv: number | bigint | null = p;
const b: boolean = lib.symbols.flag(true);
if (lib.symbols.maybe !== null) {
  const v: undefined = lib.symbols.maybe();
}
// @ts-expect-error: an optional symbol may be null
lib.symbols.maybe();
// @ts-expect-error: wrong argument type
lib.symbols.cos('0');
// @ts-expect-error: too many arguments
lib.symbols.cos(0, 1);
// @ts-expect-error: a number is not a buffer
lib.symbols.memset(42, 0, 4);
// @ts-expect-error: unknown symbol
lib.symbols.sin(0);
// @ts-expect-error: f64 result is not a string
const bad: string = lib.symbols.cos(0);
lib.close();
lib[Symbol.dispose]();

// @ts-expect-error: unknown type name
dlopen(null, { f: { parameters: ['i33'], result: 'void' } });

const f = bind(0x1234, { parameters: ['i32', 'f32'], result: 'u64' });
const r: number | bigint = f(1, 2.5);
const addr: number = ptr(new Float64Array(2));
const text: string | null = cstring(addr, 3);
const ab: ArrayBuffer = toArrayBuffer(addr, 16);
const i: number = read.i32(addr, 4);
const big: number | bigint = read.u64(addr);
write.f64(addr, 8, 1.5);
write.pointer(addr, 0, null);
// @ts-expect-error: write needs an offset and a value
write.i32(addr);
const sfx: 'so' | 'dylib' | 'dll' = suffix;
try {
  lib.symbols.cos(1);
} catch (e) {
  if (e instanceof FfastError) {
    const code: FfastErrorCode = e.code;
  }
}
export { c, l, n, s, pv, b, r, text, ab, i, big, sfx };

// ------------------------------------------------------------------ callbacks
const cmp = callback({ parameters: ['pointer', 'pointer'], result: 'i32' }, (a, b) => {
  const pa: number | bigint | null = a;
  return 0;
});
const cbp: number = cmp.pointer;
const isCb: Callback = cmp;
const bigCb = callback({ parameters: ['u64', 'string', 'bool'], result: 'i64', threads: 'block', onError: (e) => {} }, (x, s, f) => {
  const xs: number | bigint = x;
  const ss: string | null = s;
  const fs: boolean = f;
  return 1n;
});
const q = callback({ parameters: ['i32'], result: 'void', threads: 'queue' }, (x) => {});
const libc = dlopen(null, {
  qsort: { parameters: ['buffer', 'size_t', 'size_t', 'function'], result: 'void' },
  trigger: { parameters: ['int'], result: 'int', callbacks: true },
});
libc.symbols.qsort(new Int32Array(4), 4, 4, cmp);
libc.symbols.qsort(new Int32Array(4), 4, 4, cmp.pointer);
libc.symbols.qsort(new Int32Array(4), 4, 4, null);
lib.symbols.memset(new Uint8Array(4), 0, 4);
cmp.close();
cmp[Symbol.dispose]();
// @ts-expect-error: a string result is not supported
callback({ parameters: [], result: 'string' }, () => 'x');
// @ts-expect-error: buffer parameters are not supported
callback({ parameters: ['buffer'], result: 'void' }, () => {});
// @ts-expect-error: the function must return a number for an i32 result
callback({ parameters: [], result: 'i32' }, () => 'x');
// @ts-expect-error: a string is not a function pointer
libc.symbols.qsort(new Int32Array(4), 4, 4, 'cmp');
// @ts-expect-error: threads must be 'block' or 'queue'
callback({ parameters: [], result: 'void', threads: 'never' }, () => {});
