'use strict';
// Memory and symbols (docs/pointers.md §8, §9): alloc/free on C's heap, results C allocated and a
// named C function frees ({ type, free }), exported variables as live accessors (scalars, strings,
// structs, arrays, thread-locals, optional), lib.address(), environ, optarg/optind through getopt.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const fx = require('./fixture/pointers_fixture.js');
const { ffast } = h;
const { dlopen, bind, alloc, free, read, write, cstring, cstrings, struct, union, array, pointer, ptr, FfastError } = ffast;

const isErr = (code, text) => (e) => e instanceof FfastError && e.code === code && (text === undefined || e.message.includes(text));

const Point = struct({ x: 'i32', y: 'i32' });
const lib = fx.open({
  all_zero: { name: 'fp_all_zero', parameters: ['pointer', 'size_t'], result: 'int' },
  c_free: { name: 'fp_c_free', parameters: ['pointer'], result: 'void' },
  c_malloc: { name: 'fp_c_malloc', parameters: ['size_t'], result: 'pointer' },
  make_msg: { name: 'fp_make_msg', parameters: ['int'], result: { type: 'char*', free: 'fp_free_msg' } },
  make_msg_nb: { name: 'fp_make_msg', parameters: ['int'], result: { type: 'string', free: 'fp_free_msg' }, nonblocking: true },
  u16_dup: { name: 'fp_u16_dup', parameters: ['u16string'], result: { type: 'u16string', free: 'free' } },
  wcs_dup: { name: 'fp_wcs_dup', parameters: ['wstring'], result: { type: 'const wchar_t *', free: 'free' } },
  plain_result: { name: 'fp_get_name', parameters: [], result: { type: 'const char*' } },
  get_counter: { name: 'fp_get_counter', parameters: [], result: 'i32' },
  bump: { name: 'fp_bump', parameters: [], result: 'void' },
  get_ratio: { name: 'fp_get_ratio', parameters: [], result: 'f64' },
  get_big: { name: 'fp_get_big', parameters: [], result: 'u64' },
  get_name: { name: 'fp_get_name', parameters: [], result: 'const char*' },
  get_ptr_var: { name: 'fp_get_ptr_var', parameters: [], result: 'usize' },
  origin_sum: { name: 'fp_origin_sum', parameters: [], result: 'i32' },
  table_sum: { name: 'fp_table_sum', parameters: [], result: 'i32' },
  get_tls: { name: 'fp_get_tls', parameters: [], result: 'i32' },
  get_small: { name: 'fp_get_small', parameters: [], result: 'int' },
  get_flag: { name: 'fp_get_flag', parameters: [], result: 'int' },
  addr_of_counter: { name: 'fp_addr_of_counter', parameters: [], result: 'usize' },
  addr_of_fn: { name: 'fp_addr_of_fn', parameters: [], result: 'usize' },
  // variables
  counter: { name: 'fp_counter', variable: 'int' },
  small: { name: 'fp_small', variable: 'int8_t' },
  u16var: { name: 'fp_u16var', variable: 'u16' },
  flag: { name: 'fp_flag', variable: 'bool' },
  ratio: { name: 'fp_ratio', variable: 'double' },
  f32var: { name: 'fp_f32var', variable: 'float' },
  big: { name: 'fp_big', variable: 'uint64_t' },
  neg: { name: 'fp_neg', variable: 'int64_t' },
  name: { name: 'fp_name', variable: 'const char*' },
  nullName: { name: 'fp_null_name', variable: 'char*' },
  ptrVar: { name: 'fp_ptr_var', variable: 'void*' },
  wname: { name: 'fp_wname', variable: 'const wchar_t*' },
  u16name: { name: 'fp_u16name', variable: 'char16_t*' },
  origin: { name: 'fp_origin', variable: Point },
  table: { name: 'fp_table', variable: array('i32', 4) },
  tls: { name: 'fp_tls', variable: 'int' },
  frees: { name: 'fp_frees', variable: 'i64' },
  allocs: { name: 'fp_allocs', variable: 'int64_t' },
  fp_counter: { variable: 'int32_t' }, // the key is the symbol
  maybe: { name: 'fp_no_such_variable', variable: 'int', optional: true },
});
const S = lib.symbols;

// ------------------------------------------------------------------ alloc / free
const MallInfo2 = struct({
  arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t', hblkhd: 'size_t',
  usmblks: 'size_t', fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t',
});
const libc = dlopen(null, {
  mallinfo2: { parameters: [], result: MallInfo2 },
  strdup: { parameters: ['const char*'], result: { type: 'string', free: 'free' } },
  strdup_raw: { name: 'strdup', parameters: ['const char*'], result: 'pointer' },
  getopt: { parameters: ['int', 'char* const*', 'const char*'], result: 'int' },
  environ: { variable: 'char**' },
  optarg: { variable: 'char*' },
  optind: { variable: 'int' },
  opterr: { variable: 'int' },
}).symbols;
/** Bytes the C heap (main arena) has handed out. */
const heapInUse = () => {
  const m = libc.mallinfo2();
  return Number(m.uordblks) + Number(m.hblkhd);
};

test('alloc(type, count): zero-filled C memory, aligned to at least 16 and to the type', () => {
  const Over = struct({ a: { type: 'u8', align: 64 }, b: 'u32' });
  const cases = [
    [['i32'], 4], [['i32', 10], 40], [['u8', 3], 3], [[Point], 8], [[Point, 3], 24], [['pointer', 3], 24], [['char*'], 8],
    [['int*'], 8], [['f64', 2], 16], [[array('u16', 5)], 10], [[union({ a: 'u8', b: 'f64' })], 8], [[100], 100], [[Over], 64],
    [['bool', 7], 7], [['sqlite3**'], 8], [['wchar_t*'], 8],
  ];
  for (const [args, size] of cases) {
    const p = alloc(...args);
    assert.equal(typeof p, 'number', h.fmt(args));
    assert.ok(p > 0 && p % 16 === 0, `alloc${h.fmt(args)}: 0x${p.toString(16)} aligned to 16`);
    assert.equal(S.all_zero(p, size), 1, `alloc${h.fmt(args)}: zero-filled`);
    write.u8(p, size - 1, 0xab); // the whole size is ours
    free(p);
  }
  for (let k = 0; k < 100; k++) {
    const p = alloc(Over, 1 + (k % 5));
    assert.equal(p % 64, 0, 'over-aligned type');
    free(p);
  }
  // Zero bytes: a unique non-NULL address.
  const z1 = alloc(0);
  const z2 = alloc('i32', 0);
  assert.ok(z1 > 0 && z2 > 0 && z1 !== z2);
  free(z1);
  free(z2);
});

test('alloc/free are C\'s heap: C frees what alloc gave, free frees what C\'s malloc gave', () => {
  const p = alloc('u8', 64);
  write.u32(p, 0, 7);
  S.c_free(p); // C's free on ffast's memory
  const q = S.c_malloc(100);
  free(q); // ffast's free on C's memory
  const r = libc.strdup_raw('héllo');
  assert.equal(cstring(r), 'héllo');
  free(r);
  for (const n of [null, undefined, 0, 0n, -0]) assert.equal(free(n), undefined, 'free(NULL) does nothing');
});

test('alloc/free argument errors', () => {
  for (const [args, code] of [
    [['void'], 'ERR_FFAST_TYPE'], [['buffer'], 'ERR_FFAST_TYPE'], [['i33'], 'ERR_FFAST_TYPE'], [[pointer('i32')], 'ERR_FFAST_TYPE'],
    [[null], 'ERR_FFAST_ARG_TYPE'], [[undefined], 'ERR_FFAST_ARG_TYPE'], [[{}], 'ERR_FFAST_ARG_TYPE'], [[10n], 'ERR_FFAST_ARG_TYPE'],
    [[-1], 'ERR_FFAST_ARG_RANGE'], [[1.5], 'ERR_FFAST_ARG_RANGE'], [[NaN], 'ERR_FFAST_ARG_RANGE'], [[Infinity], 'ERR_FFAST_ARG_RANGE'],
    [[2 ** 53], 'ERR_FFAST_ARG_RANGE'], [[2 ** 52], 'ERR_FFAST_ARG_RANGE'], [['i32', -1], 'ERR_FFAST_ARG_RANGE'],
    [['i32', 1.5], 'ERR_FFAST_ARG_RANGE'], [['i32', '2'], 'ERR_FFAST_ARG_TYPE'], [['i32', 2 ** 51], 'ERR_FFAST_ARG_RANGE'],
    [[Point, 2 ** 50], 'ERR_FFAST_ARG_RANGE'],
  ]) {
    assert.throws(() => alloc(...args), isErr(code), `alloc${h.fmt(args)}`);
  }
  for (const [v, code] of [['x', 'ERR_FFAST_ARG_TYPE'], [{}, 'ERR_FFAST_ARG_TYPE'], [-1, 'ERR_FFAST_ARG_RANGE'], [1.5, 'ERR_FFAST_ARG_RANGE'], [2n ** 64n, 'ERR_FFAST_ARG_RANGE']]) {
    assert.throws(() => free(v), isErr(code), `free(${h.fmt(v)})`);
  }
});

test('alloc and free take V8 fast calls; 10^4 cycles hold no C memory', () => {
  const cycle = new Function('alloc', 'free', 'return function cycle(n) { const p = alloc("i32", n); free(p); return p % 16; }')(alloc, free);
  h.hot(cycle, [8], { fast: true, optimizeCallee: true });
  // mallinfo2 also counts blocks V8's own threads map meanwhile (a compiler zone of its own can
  // pass 1 MiB): a round that grew is measured again, up to three in all. A leak of these
  // 10^4 x 1000 bytes grows every round by ~10 MB and still fails.
  let grew = 0;
  for (let round = 0; round < 3; round++) {
    const before = heapInUse();
    for (let k = 0; k < 10000; k++) free(alloc('u8', 1000));
    grew = heapInUse() - before;
    if (grew < 1 << 20) break;
  }
  assert.ok(grew < 1 << 20, `C heap grew by ${grew} bytes in each of three rounds`);
});

// ------------------------------------------------------------------ results C allocated
test('{ type, free }: the string is decoded, then the named C function frees C\'s pointer', () => {
  const f0 = S.frees;
  const a0 = S.allocs;
  assert.equal(h.cold(S.make_msg, [5]), 'message #5');
  assert.equal(S.frees - f0, 1, 'freed once');
  assert.equal(S.allocs - a0, 1);
  // NULL: null, and the free function is not called (fp_free_msg aborts on NULL).
  assert.equal(S.make_msg(-1), null);
  assert.equal(S.frees - f0, 1);
  // Hot: every call frees its own result (a fast call to the free function).
  const r = h.hot(S.make_msg, [42], { fast: true });
  assert.equal(r, 'message #42');
  assert.equal(S.frees - f0, S.allocs - a0, 'one free per allocation');
  for (let i = 0; i < 1000; i++) assert.equal(S.make_msg(i), `message #${i}`);
  assert.equal(S.frees - f0, S.allocs - a0);
  // Wide strings, freed with libc's free (looked up in the process: the library has no 'free').
  h.coldHot(S.u16_dup, ['héllo😀'], 'héllo😀');
  h.coldHot(S.wcs_dup, ['wide\ud800'], 'wide\ufffd');
  assert.equal(S.plain_result(), 'ffast', '{ type } alone is the type');
});

test('10^5 strdup calls through { type: "string", free: "free" } hold no memory (C heap and RSS bounded)', () => {
  const text = 'x'.repeat(1023);
  for (let i = 0; i < 20000; i++) libc.strdup(text); // settle the heaps
  globalThis.gc?.();
  const heap0 = heapInUse();
  const rss0 = process.memoryUsage().rss;
  let n = 0;
  for (let i = 0; i < 100000; i++) n += libc.strdup(text).length;
  assert.equal(n, 1023 * 100000);
  const heapGrowth = heapInUse() - heap0;
  const rssGrowth = process.memoryUsage().rss - rss0;
  // Without the free: 10^5 x 1 KiB = 100 MiB on the C heap.
  assert.ok(heapGrowth < 4 << 20, `C heap grew by ${(heapGrowth / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(rssGrowth < 40 << 20, `RSS grew by ${(rssGrowth / 2 ** 20).toFixed(1)} MiB`);
});

test('{ type, free } nonblocking: decoded and freed before the Promise resolves', async () => {
  const f0 = S.frees;
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => S.make_msg_nb(i)));
  assert.deepEqual(rs, Array.from({ length: 20 }, (_, i) => `message #${i}`));
  assert.equal(S.frees - f0, 20);
  assert.equal(await S.make_msg_nb(-1), null);
  assert.equal(S.frees - f0, 20);
});

test('{ type, free } with bind(): the free function is looked up in the process', () => {
  const strdupAddr = dlopen(null, {}).address('strdup');
  const dup = bind(strdupAddr, { parameters: ['string'], result: { type: 'string', free: 'free' } });
  assert.equal(dup('bound'), 'bound');
  assert.throws(() => bind(strdupAddr, { parameters: ['string'], result: { type: 'string', free: 'fp_free_msg' } }), isErr('ERR_FFAST_SYMBOL_NOT_FOUND', 'fp_free_msg'));
});

test('result descriptors: mistakes are definition errors', () => {
  const bad = [
    [{ type: 'int', free: 'free' }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'pointer', free: 'free' }, 'ERR_FFAST_DEFINITION'],
    [{ type: Point, free: 'free' }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'string', free: '' }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'string', free: 42 }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'string', free: () => {} }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'string', free: 'free', extra: 1 }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'string', fre: 'free' }, 'ERR_FFAST_DEFINITION', "did you mean 'free'"],
    [{ free: 'free' }, 'ERR_FFAST_DEFINITION'],
    [{ type: 'i33', free: 'free' }, 'ERR_FFAST_TYPE'],
    [{ type: 'string', free: 'no_such_free_fn' }, 'ERR_FFAST_SYMBOL_NOT_FOUND', 'no_such_free_fn'],
    [{ get type() { throw new Error('getter'); } }, 'ERR_FFAST_DEFINITION'],
  ];
  for (const [result, code, text] of bad) {
    assert.throws(() => fx.open({ f: { name: 'fp_make_msg', parameters: ['int'], result } }), isErr(code, text), h.fmt(result));
  }
  // An optional function that is missing: null, its free function is not looked up.
  const o = fx.open({ f: { name: 'fp_nope', parameters: [], result: { type: 'string', free: 'no_such_free_fn' }, optional: true } });
  assert.equal(o.symbols.f, null);
  // Inherited keys are not seen (own properties only).
  const inherited = Object.create({ free: 'fp_free_msg' });
  inherited.type = 'string';
  const f0 = S.frees;
  const g = fx.open({ g: { name: 'fp_make_msg', parameters: ['int'], result: inherited } }).symbols.g;
  const p = g(1);
  assert.equal(p, 'message #1');
  assert.equal(S.frees, f0, 'an inherited free key is not used');
});

// ------------------------------------------------------------------ variables
test('scalar variables: every read is C\'s current value, every write C\'s variable', () => {
  assert.equal(S.counter, 42);
  assert.equal(S.fp_counter, 42);
  S.counter = 7;
  assert.equal(S.get_counter(), 7);
  S.bump();
  assert.equal(S.counter, 8);
  S.counter++;
  assert.equal(S.get_counter(), 9);
  S.counter = -1.9;
  assert.equal(S.counter, -1, 'truncated as for members');
  S.counter = 42;
  assert.equal(S.small, -5);
  S.small = 127;
  assert.equal(S.get_small(), 127);
  S.small = -5;
  assert.equal(S.u16var, 65535);
  assert.equal(S.flag, true);
  S.flag = false;
  assert.equal(S.get_flag(), 0);
  S.flag = true;
  assert.equal(S.ratio, 1.5);
  S.ratio = -0;
  assert.ok(Object.is(S.get_ratio(), -0));
  S.ratio = NaN;
  assert.ok(Number.isNaN(S.ratio));
  S.ratio = 1.5;
  assert.equal(S.f32var, 0.25);
  S.f32var = 0.1;
  assert.equal(S.f32var, Math.fround(0.1));
  assert.equal(S.big, 0xfedcba9876543210n);
  S.big = 5;
  assert.equal(S.get_big(), 5);
  S.big = 2n ** 64n - 1n;
  assert.equal(S.get_big(), 2n ** 64n - 1n);
  S.big = 0xfedcba9876543210n;
  assert.equal(S.neg, -9007199254740993n);
  assert.equal(S.maybe, null, 'optional and missing');
});

test('variable writes follow the member rules: typed errors, the variable unchanged', () => {
  for (const [key, v, code] of [
    ['small', 128, 'ERR_FFAST_ARG_RANGE'], ['small', 'x', 'ERR_FFAST_ARG_TYPE'], ['u16var', -1, 'ERR_FFAST_ARG_RANGE'],
    ['counter', 2 ** 31, 'ERR_FFAST_ARG_RANGE'], ['counter', 1n, 'ERR_FFAST_ARG_TYPE'], ['counter', null, 'ERR_FFAST_ARG_TYPE'],
    ['flag', 1, 'ERR_FFAST_ARG_TYPE'], ['ratio', '1', 'ERR_FFAST_ARG_TYPE'], ['big', -1, 'ERR_FFAST_ARG_RANGE'],
    ['big', 2n ** 64n, 'ERR_FFAST_ARG_RANGE'], ['ptrVar', 'x', 'ERR_FFAST_ARG_TYPE'], ['ptrVar', -1, 'ERR_FFAST_ARG_RANGE'],
    ['origin', 5, 'ERR_FFAST_ARG_TYPE'], ['origin', { x: 1 }, 'ERR_FFAST_ARG_TYPE'], ['table', [1, 2], 'ERR_FFAST_ARG_RANGE'],
  ]) {
    const before = S[key];
    assert.throws(() => {
      S[key] = v;
    }, isErr(code), `${key} = ${h.fmt(v)}`);
    if (typeof before !== 'object' || before === null) h.assertSame(S[key], before, `${key} unchanged`);
  }
});

test('pointer and string variables', () => {
  assert.equal(S.name, 'ffast');
  assert.equal(S.nullName, null);
  const original = read.pointer(lib.address('fp_name'));
  const mem = alloc('u8', 8);
  write.u8(mem, 0, 0x68);
  write.u8(mem, 1, 0x69);
  S.name = mem; // a string variable takes an address (or null)
  assert.equal(S.name, 'hi');
  assert.equal(S.get_name(), 'hi');
  assert.throws(() => {
    S.name = 'a JS string';
  }, isErr('ERR_FFAST_ARG_TYPE', 'address'));
  S.name = null;
  assert.equal(S.name, null);
  S.name = original;
  assert.equal(S.name, 'ffast');
  free(mem);
  assert.equal(S.ptrVar, null);
  S.ptrVar = 4096;
  assert.equal(S.get_ptr_var(), 4096);
  assert.equal(S.ptrVar, 4096);
  S.ptrVar = 2n ** 60n;
  assert.equal(S.ptrVar, 2n ** 60n);
  S.ptrVar = null;
  assert.equal(S.ptrVar, null);
  assert.equal(S.wname, 'a😀b');
  assert.equal(S.u16name, 'hé');
});

test('struct and array variables are live views', () => {
  assert.equal(S.origin.x, 3);
  S.origin.x = 10;
  assert.equal(S.origin_sum(), 10004);
  S.origin = { x: 1, y: 2 };
  assert.equal(S.origin_sum(), 1002);
  assert.deepEqual(S.origin.toJSON(), { x: 1, y: 2 });
  S.origin = { x: 3, y: 4 };
  assert.equal(S.table.length, 4);
  assert.equal(S.table.get(2), 30);
  S.table.set(0, 5);
  assert.equal(S.table_sum(), 95);
  S.table = [1, 2, 3, 4];
  assert.equal(S.table_sum(), 10);
  assert.deepEqual([...S.table], [1, 2, 3, 4]);
  S.table = [10, 20, 30, 40];
});

test('variables are accessors of the frozen symbols object; reads and writes take fast calls', () => {
  assert.ok(Object.isFrozen(S));
  const d = Object.getOwnPropertyDescriptor(S, 'counter');
  assert.equal(typeof d.get, 'function');
  assert.equal(typeof d.set, 'function');
  assert.equal(Object.getOwnPropertyDescriptor(S, 'maybe').value, null);
  const get = new Function('S', 'return function getCounter() { return S.counter; }')(S);
  assert.equal(h.hot(get, [], { fast: true, optimizeCallee: true }), 42);
  const set = new Function('S', 'return function setCounter(v) { S.counter = v; return S.counter; }')(S);
  assert.equal(h.hot(set, [11], { fast: true, optimizeCallee: true }), 11);
  assert.equal(S.get_counter(), 11);
  S.counter = 42;
});

test('thread-local variables: each JS thread reads its own', async () => {
  assert.equal(S.tls, 7);
  S.tls = 9;
  assert.equal(S.get_tls(), 9);
  const { Worker } = require('node:worker_threads');
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const lib = ffast.dlopen(workerData.lib, { tls: { name: 'fp_tls', variable: 'int' }, get: { name: 'fp_get_tls', parameters: [], result: 'int' } });
    const first = lib.symbols.tls;
    lib.symbols.tls = 100;
    parentPort.postMessage([first, lib.symbols.get()]);`;
  const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, lib: fx.LIB } });
  const [first, after] = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(first, 7, "the worker's own copy");
  assert.equal(after, 100);
  assert.equal(S.tls, 9, "the main thread's copy is untouched");
  S.tls = 7;
});

test('variable definitions: mistakes are typed errors', () => {
  const bad = [
    [{ variable: 'int', parameters: [] }, 'ERR_FFAST_DEFINITION', 'parameters'],
    [{ variable: 'int', result: 'int' }, 'ERR_FFAST_DEFINITION', 'result'],
    [{ variable: 'int', nonblocking: true }, 'ERR_FFAST_DEFINITION', 'nonblocking'],
    [{ variable: 'int', callbacks: true }, 'ERR_FFAST_DEFINITION', 'callbacks'],
    [{ variable: 'void' }, 'ERR_FFAST_TYPE'],
    [{ variable: 'buffer' }, 'ERR_FFAST_TYPE'],
    [{ variable: 'i33' }, 'ERR_FFAST_TYPE'],
    [{ variable: 42 }, 'ERR_FFAST_TYPE'],
    [{ variable: {} }, 'ERR_FFAST_TYPE'],
    [{ variable: pointer('i32') }, 'ERR_FFAST_TYPE'],
    [{ variable: 'int', optional: 1 }, 'ERR_FFAST_DEFINITION'],
    [{ varible: 'int' }, 'ERR_FFAST_DEFINITION', "did you mean 'variable'"],
  ];
  for (const [def, code, text] of bad) {
    assert.throws(() => fx.open({ fp_counter: def }), isErr(code, text), h.fmt(def));
  }
  assert.throws(() => fx.open({ v: { name: 'fp_no_such_variable', variable: 'int' } }), isErr('ERR_FFAST_SYMBOL_NOT_FOUND', 'fp_no_such_variable'));
});

// ------------------------------------------------------------------ addresses
test('lib.address(name): any symbol\'s address; optional; after close', () => {
  assert.equal(lib.address('fp_counter'), S.addr_of_counter());
  assert.equal(lib.address('fp_get_counter'), S.addr_of_fn());
  assert.equal(read.i32(lib.address('fp_counter')), S.counter);
  assert.throws(() => lib.address('fp_nope'), isErr('ERR_FFAST_SYMBOL_NOT_FOUND', 'fp_nope'));
  assert.equal(lib.address('fp_nope', { optional: true }), null);
  assert.equal(lib.address('fp_counter', { optional: true }), S.addr_of_counter());
  for (const [args, code] of [
    [[''], 'ERR_FFAST_ARG_TYPE'], [[1], 'ERR_FFAST_ARG_TYPE'], [['a\0b'], 'ERR_FFAST_ARG_TYPE'], [[null], 'ERR_FFAST_ARG_TYPE'],
    [['fp_counter', { optinal: true }], 'ERR_FFAST_DEFINITION'], [['fp_counter', 1], 'ERR_FFAST_DEFINITION'],
    [['fp_counter', { optional: 1 }], 'ERR_FFAST_DEFINITION'],
  ]) {
    assert.throws(() => lib.address(...args), isErr(code), `address${h.fmt(args)}`);
  }
  const self = dlopen(null, {});
  assert.equal(typeof self.address('strlen'), 'number');
  const other = fx.open({ c: { name: 'fp_counter', variable: 'int' }, f: { name: 'fp_get_counter', parameters: [], result: 'int' } });
  const c = other.symbols;
  other.close();
  assert.throws(() => c.c, isErr('ERR_FFAST_CLOSED'));
  assert.throws(() => {
    c.c = 1;
  }, isErr('ERR_FFAST_CLOSED'));
  assert.throws(() => other.address('fp_counter'), isErr('ERR_FFAST_CLOSED'));
});

// ------------------------------------------------------------------ the process's own variables
test('environ: a char** variable of the process, live (process.env writes through setenv)', () => {
  process.env.FFAST_POINTERS_TEST = 'x=1 é';
  let entries = cstrings(libc.environ);
  assert.ok(entries.includes('FFAST_POINTERS_TEST=x=1 é'));
  for (const e of entries) {
    const k = e.slice(0, e.indexOf('='));
    if (k) assert.equal(process.env[k], e.slice(k.length + 1), k);
  }
  delete process.env.FFAST_POINTERS_TEST;
  entries = cstrings(libc.environ);
  assert.ok(!entries.some((e) => e.startsWith('FFAST_POINTERS_TEST=')));
});

test('getopt: argv entries as addresses the caller keeps; optarg and optind read back', () => {
  const keep = ['prog', '-a', 'value', '-b', 'rest'].map((s) => Buffer.from(`${s}\0`));
  const argv = keep.map((b) => ptr(b));
  libc.opterr = 0; // no messages on stderr
  libc.optind = 0; // glibc: reinitialise
  const seen = [];
  for (;;) {
    const c = libc.getopt(argv.length, argv, '+a:b');
    if (c === -1) break;
    seen.push([String.fromCharCode(c), libc.optarg]);
  }
  assert.deepEqual(seen, [['a', 'value'], ['b', null]]);
  assert.equal(libc.optind, 4);
  void keep;
});
