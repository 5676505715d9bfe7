// Type-level tests of index.d.ts: compiled with `tsc --noEmit` by scripts/test.sh. Each
// `@ts-expect-error` line must be an error, so the declarations cannot silently go loose.
import { dlopen, bind, errno, callback, Callback, ptr, cstring, toArrayBuffer, read, write, suffix, FfastError, __internal, type FfastErrorCode, type Pointer } from 'ffast';

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
// @ts-expect-error: a definition must say its result
dlopen(null, { f: { parameters: ['i32'] } });
// @ts-expect-error: an unknown dlopen option
dlopen(null, {}, { lazzy: true });
// bind: 'lazy' gives the same typed symbols
const lz: number = dlopen(null, { getpid: { result: 'i32' } }, { bind: 'lazy' }).symbols.getpid();
// @ts-expect-error: bind is 'eager' or 'lazy'
dlopen(null, {}, { bind: 'later' });
// no parameters: none
const np = dlopen(null, { getpid: { result: 'i32' } });
const pid: number = np.symbols.getpid();
// @ts-expect-error: a function without parameters takes no arguments
np.symbols.getpid(1);
const noParamsCb = callback({ result: 'void' }, () => {});
// @ts-expect-error: a callback must say its result
callback({ parameters: [] }, () => {});
// member names are any strings; offsetof takes a list for those
const Odd = struct({ constructor: 'i32', 'my field': 'f64', __proto__x: 'u8' });
const oddOff: number = Odd.offsetof(['my field']) + Odd.offsetof('constructor');
const far: number = read.u8(2n ** 63n, -(2n ** 63n));
export { pid, noParamsCb, oddOff, far };

// nonblocking: true → the function returns a Promise of the same result type
const alib = dlopen('libm.so.6', {
  cosA: { name: 'cos', parameters: ['f64'], result: 'f64', nonblocking: true },
  labsA: { name: 'labs', parameters: ['i64'], result: 'i64', nonblocking: true },
  getenvA: { name: 'getenv', parameters: ['string'], result: 'string', nonblocking: true },
  voidA: { name: 'abort', parameters: [], result: 'void', nonblocking: true },
  syncCos: { name: 'cos', parameters: ['f64'], result: 'f64', nonblocking: false },
});
const pc: Promise<number> = alib.symbols.cosA(0);
const pl: Promise<number | bigint> = alib.symbols.labsA(1n);
const ps: Promise<string | null> = alib.symbols.getenvA('HOME');
const pvoid: Promise<undefined> = alib.symbols.voidA();
const sc: number = alib.symbols.syncCos(0);
async function useAsync(): Promise<number> {
  const v: number = await alib.symbols.cosA(1);
  return v;
}
// @ts-expect-error: a nonblocking function returns a Promise, not the value
const notSync: number = alib.symbols.cosA(0);
// @ts-expect-error: a nonblocking function still checks its argument types
alib.symbols.cosA('0');
// @ts-expect-error: the Promise carries the result type (f64 is not a string)
const wrongAsync: Promise<string> = alib.symbols.cosA(0);
// @ts-expect-error: a sync function does not return a Promise
const notAsync: Promise<number> = alib.symbols.syncCos(0);
// @ts-expect-error: nonblocking is a boolean
dlopen(null, { f: { parameters: [], result: 'void', nonblocking: 1 } });
const boundA = bind(0x1234, { parameters: ['i32'], result: 'u32', nonblocking: true });
const pb: Promise<number> = boundA(1);
const pending: number = __internal.pendingCalls();

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
export { c, l, n, s, pv, b, r, text, ab, i, big, sfx, pc, pl, ps, pvoid, sc, useAsync, pb, pending };

// ------------------------------------------------------------------ structs, unions, arrays
import { struct, union, array, pointer, out, inout } from 'ffast';

const Vec2 = struct({ x: 'f64', y: 'f64' });
const Item = struct({ id: 'u64', pos: Vec2, tags: array('u8', 4), v: union({ i: 'i32', f: 'f32' }), next: 'pointer' }, { pack: 8 });
const sz: number = Item.size + Item.align + Item.offsetof('pos.y');
const txt: string = Item.type;
const kind: 'struct' = Item.kind;
const it = Item.decode(new Uint8Array(Item.size));
const idv: number | bigint = it.id;
const px: number = it.pos.x;
const tg: number[] = it.tags;
const vi: number = it.v.i;
const nx: number | bigint | null = it.next;
const bytes: Uint8Array = Item.encode({ id: 1n, pos: { x: 1, y: 2 }, tags: [1, 2, 3, 4], v: { f: 1.5 }, next: null });
const into: ArrayBuffer = Item.encode({ id: 1, pos: { x: 1, y: 2 }, tags: new Uint8Array(4), v: { i: 1 }, next: 0 }, new ArrayBuffer(64), 8);
// @ts-expect-error: a union is encoded from exactly one member
Item.encode({ id: 1, pos: { x: 1, y: 2 }, tags: [1, 2, 3, 4], v: { i: 1, f: 2 }, next: null });
// @ts-expect-error: a missing member
Vec2.encode({ x: 1 });
// @ts-expect-error: wrong member type
Vec2.encode({ x: 1, y: '2' });
const view = Item.view(bytes);
view.pos.x = 3;
const t0: number = view.tags.get(0);
// @ts-expect-error: unknown member
view.nope;
// a 'string' (char*) member: a copy for the call (docs/struct-strings.md)
struct({ s: 'string' });
// @ts-expect-error: pack must be a #pragma pack value
struct({ a: 'i32' }, { pack: 3 });

const geo = dlopen('libgeo.so', {
  len: { parameters: [Vec2], result: 'f64' },
  add: { parameters: [Vec2, Vec2], result: Vec2 },
  scale: { parameters: [inout(pointer(Vec2)), 'f64'], result: 'void' },
  fill: { parameters: [out(pointer(Item))], result: 'void' },
  first: { parameters: [], result: pointer(Item) },
});
const len: number = geo.symbols.len({ x: 3, y: 4 });
const sum: { x: number; y: number } = geo.symbols.add({ x: 1, y: 2 }, new Float64Array(2));
const outBuf: Float64Array = geo.symbols.add({ x: 1, y: 2 }, { x: 3, y: 4 }, new Float64Array(2));
geo.symbols.scale({ x: 1, y: 2 }, 2);
geo.symbols.fill({});
const fp: number | bigint | null = geo.symbols.first();
// @ts-expect-error: a struct parameter needs its members
geo.symbols.len({ x: 3 });
// @ts-expect-error: a number is not a struct by value
geo.symbols.len(42);
// @ts-expect-error: arrays are not passed by value
dlopen(null, { f: { parameters: [array('i32', 4)], result: 'void' } });
// @ts-expect-error: out() takes a pointer(T)
out(Vec2);


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

// ------------------------------------------------------------------ variadic functions, errno
const vlibc = dlopen(null, {
  printf: { parameters: ['const char*', '...'], result: 'int' },
  strtol: { parameters: ['string', 'pointer', 'int'], result: 'long', errno: true },
  nbOpen: { name: 'open', parameters: ['string', 'int', '...'], result: 'int', errno: true, nonblocking: true },
});
const printed: number = vlibc.symbols.printf('%d %s\n', 'int', 1, 'string', 'x');
const pf = vlibc.symbols.printf.variadic('int', 'double');
const printed2: number = pf('%d %f\n', 1, 2.5);
// @ts-expect-error: a shape takes its types' values
pf('%d %f\n', 1, 'x');
// @ts-expect-error: only scalar type names after '...'
vlibc.symbols.printf.variadic('struct');
const lv: number | bigint = vlibc.symbols.strtol('42', 0, 10);
const en: number = errno();
errno(0);
// @ts-expect-error: errno(v) returns nothing
const bad: number = errno(0);
vlibc.symbols.nbOpen('/x', 0).then((r: { value: number; errno: number }) => r.errno);
// @ts-expect-error: only a definition ending in '...' has .variadic
vlibc.symbols.strtol.variadic;
// Typed function parameters: a plain function with the C signature's argument types, a Callback,
// an address or null.
const CMP = { function: { parameters: ['pointer', 'pointer'], result: 'i32' } } as const;
const typed = dlopen(null, {
  qsort: { parameters: ['buffer', 'size_t', 'size_t', CMP], result: 'void' },
  get_cmp: { parameters: [], result: CMP },
} as const);
typed.symbols.qsort(new Int32Array(4), 4, 4, (a, b) => {
  const pa: Pointer | null = a;
  return 0;
});
typed.symbols.qsort(new Int32Array(4), 4, 4, cmp);
typed.symbols.qsort(new Int32Array(4), 4, 4, null);
const gotCmp: Pointer | null = typed.symbols.get_cmp();
// @ts-expect-error: the comparator returns a number for an i32 result
typed.symbols.qsort(new Int32Array(4), 4, 4, () => 'x');
// a typed function inside a callback's definition is an address
callback({ parameters: [CMP], result: 'void' }, (f) => {
  const fp: Pointer | null = f;
});
// String members: strings (or null) in and out.
const Person = struct({ name: 'string', age: 'i32' });
const person: { name: string | null; age: number } = Person.decode(new Uint8Array(16));
const byPerson = dlopen(null, { greet: { parameters: [Person], result: 'i32' } } as const);
byPerson.symbols.greet({ name: 'x', age: 1 });
byPerson.symbols.greet({ name: null, age: 1 });
// @ts-expect-error: a string member takes a string or null
byPerson.symbols.greet({ name: 1, age: 1 });
// ------------------------------------------------------------------ pointers as C APIs use them (docs/pointers.md)
import { alloc, free, cstrings, u16string, u32string, wstring } from 'ffast';
const Pt = struct({ x: 'i32', y: 'i32' });
const ptl = dlopen('libpointers.so', {
  open: { parameters: ['const char*', 'sqlite3**'], result: 'int' },
  outI: { parameters: [out(pointer('i32')), 'int'], result: 'int' },
  inoutP: { parameters: [inout(pointer('pointer'))], result: 'void' },
  sum: { parameters: ['const double*', 'size_t'], result: 'double' },
  fill: { parameters: ['int*', 'size_t'], result: 'void' },
  argv: { parameters: ['char* const*'], result: 'int' },
  wide: { parameters: ['wchar_t*', 'u16string'], result: 'const char16_t*' },
  text: { parameters: ['sqlite3_stmt*', 'int'], result: 'const unsigned char*' },
  dup: { parameters: ['const char*'], result: { type: 'char*', free: 'free' } },
  counter: { variable: 'int' },
  name: { variable: 'const char*' },
  big: { variable: 'uint64_t' },
  origin: { variable: Pt },
  maybe: { variable: 'double', optional: true },
});
const dbOut: [Pointer | null] = [null];
const rcOpen: number = ptl.symbols.open(':memory:', dbOut);
ptl.symbols.open(':memory:', new BigUint64Array(1));
ptl.symbols.open(':memory:', null);
ptl.symbols.outI([null], 5);
ptl.symbols.inoutP([null]);
const s1: number = ptl.symbols.sum([1.5, 2], 2);
ptl.symbols.sum(new Float64Array(2), 2);
ptl.symbols.sum(4096, 2);
ptl.symbols.fill([0, 0], 2);
// @ts-expect-error: a string is not a typed pointer
ptl.symbols.sum('1.5', 1);
// @ts-expect-error: elements of a double* are numbers
ptl.symbols.sum(['1.5'], 1);
ptl.symbols.argv(['ls', '-l', null]);
// @ts-expect-error: a single string is not a char**
ptl.symbols.argv('ls');
const wr: string | null = ptl.symbols.wide('wide', 'utf-16');
ptl.symbols.wide(null, undefined);
// @ts-expect-error: a wide string parameter takes strings
ptl.symbols.wide(1, 'x');
const tp: Pointer | null = ptl.symbols.text(1, 0);
const dd: string | null = ptl.symbols.dup('x');
const cnt: number = ptl.symbols.counter;
ptl.symbols.counter = 5;
ptl.symbols.counter++;
const nm: string | null = ptl.symbols.name;
ptl.symbols.name = null;
const bg: number | bigint = ptl.symbols.big;
ptl.symbols.big = 2n ** 63n;
ptl.symbols.origin.x = 1;
ptl.symbols.origin = { x: 1, y: 2 };
const mb: number | null = ptl.symbols.maybe === null ? null : ptl.symbols.maybe;
// @ts-expect-error: an int variable takes numbers
ptl.symbols.counter = 'x';
// @ts-expect-error: a variable is not a function
ptl.symbols.counter();
const ad: Pointer = ptl.address('counter');
const ado: Pointer | null = ptl.address('counter', { optional: true });
const m1: number = alloc('i32', 4);
alloc(Pt);
alloc(Pt, 3);
alloc(16);
alloc('sqlite3**');
free(m1);
free(null);
// @ts-expect-error: void has no size
alloc('void');
const l1: string[] | null = cstrings(m1);
const l2: (string | null)[] | null = cstrings(m1, 2);
const w1: string | null = u16string(m1);
const w2: string | null = u32string(m1, 3);
const w3: string | null = wstring(BigInt(m1));
// @ts-expect-error: a result descriptor's free names a C function
dlopen(null, { f: { parameters: [], result: { type: 'char*', free: 1 } } });
// @ts-expect-error: only strings are decoded and freed
dlopen(null, { f: { parameters: [], result: { type: 'int', free: 'free' } } });
// @ts-expect-error: a variable has no parameters
dlopen(null, { v: { variable: 'int', parameters: [] } });
const cbw = callback({ parameters: ['const wchar_t*', 'int*'], result: 'void' }, (w, p) => {
  const ws: string | null = w;
  const ps: Pointer | null = p;
});
export { rcOpen, s1, wr, tp, dd, cnt, nm, bg, mb, ad, ado, l1, l2, w1, w2, w3, cbw };
// C spellings and wide strings as members (docs/pointers.md §3, §7)
const WMember = struct({ name: 'wstring', label: 'const char16_t*', p: 'int*', h: 'sqlite3**', s: 'char const*' });
const wm: { name: string | null; label: string | null; p: Pointer | null; h: Pointer | null; s: string | null } = WMember.decode(new Uint8Array(40));
export { wm };

// Structs and unions by value in callbacks (docs/callbacks.md §1.1): decoded objects in,
// objects or bytes out.
{
  const V2 = struct({ x: 'f64', y: 'f64' });
  const cb = callback({ parameters: ['i32', V2], result: V2 }, (i, v) => ({ x: v.x + i, y: v.y }));
  cb.close();
  const bytes = callback({ parameters: [V2], result: V2 }, (v) => V2.encode(v));
  bytes.close();
  // @ts-expect-error a member of the decoded parameter that the struct does not have
  callback({ parameters: [V2], result: 'f64' }, (v) => v.z);
}
