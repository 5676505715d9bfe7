'use strict';
// C spellings of pointer types (docs/pointers.md §3): what each text means, told by behaviour
// (an element encoded as T and written back or not, an address passed through, a string copied),
// what is refused, and the runtime's spelling list checked against index.d.ts both ways.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./_helpers.js');
const fx = require('./fixture/pointers_fixture.js');
const { ffast } = h;
const { dlopen, callback, struct, FfastError } = ffast;

const WIDE = process.platform === 'win32' ? 'u16string' : 'u32string'; // what wchar_t* is here

/** The typed pointer's fixture: function suffix, a sample value, C's inout step, its max (ints). */
const TYPED = {
  i8: { fx: 'i8', x: -5, step: (x) => x * 2 + 1, min: -128, max: 127 },
  u8: { fx: 'u8', x: 200, step: (x) => (x * 2 + 1) & 0xff, min: 0, max: 255 },
  i16: { fx: 'i16', x: -300, step: (x) => x * 2 + 1, min: -32768, max: 32767 },
  u16: { fx: 'u16', x: 60000, step: (x) => (x * 2 + 1) & 0xffff, min: 0, max: 65535 },
  i32: { fx: 'i32', x: -70000, step: (x) => x * 2 + 1, min: -(2 ** 31), max: 2 ** 31 - 1 },
  u32: { fx: 'u32', x: 3e9, step: (x) => (x * 2 + 1) % 2 ** 32, min: 0, max: 2 ** 32 - 1 },
  i64: { fx: 'i64', x: -(2 ** 40), step: (x) => x * 2 + 1, min: -(2n ** 63n), max: 2n ** 63n - 1n },
  isize: { fx: 'i64', x: -(2 ** 40), step: (x) => x * 2 + 1, min: -(2n ** 63n), max: 2n ** 63n - 1n },
  u64: { fx: 'u64', x: 2 ** 40, step: (x) => x * 2 + 1, min: 0n, max: 2n ** 64n - 1n },
  usize: { fx: 'size', x: 2 ** 40, step: (x) => x * 2 + 1, min: 0n, max: 2n ** 64n - 1n },
  f32: { fx: 'f32', x: 0.25, step: (x) => x * 2 + 0.5 },
  f64: { fx: 'f64', x: 0.1, step: (x) => x * 2 + 0.5 },
  bool: { fx: 'bool', x: true, step: (x) => !x },
  pointer: { fx: 'ptr', x: 4096, step: (x) => x + 16 },
};
const typed = (to, direction) => ({ kind: 'typed', to, direction });
const UNTYPED = { kind: 'untyped' };
const STRING = { kind: 'string' };
const wide = (t) => ({ kind: 'wide', t });
const strings = (t, direction) => ({ kind: 'strings', t, direction });

const CASES = [
  // a known scalar with one star: a typed pointer; const on the pointee: in
  ['int*', typed('i32', 'inout')], ['int *', typed('i32', 'inout')], ['  int  *  ', typed('i32', 'inout')],
  ['const int*', typed('i32', 'in')], ['int const*', typed('i32', 'in')], ['const int * const', typed('i32', 'in')],
  ['int * const', typed('i32', 'inout')], ['volatile int*', typed('i32', 'inout')], ['const volatile int *', typed('i32', 'in')],
  ['int * restrict', typed('i32', 'inout')], ['const int * __restrict', typed('i32', 'in')],
  ['int32_t*', typed('i32', 'inout')], ['i32*', typed('i32', 'inout')], ['signed*', typed('i32', 'inout')], ['signed int*', typed('i32', 'inout')],
  ['unsigned*', typed('u32', 'inout')], ['unsigned int *', typed('u32', 'inout')], ['uint32_t*', typed('u32', 'inout')], ['uint*', typed('u32', 'inout')],
  ['long*', typed('i64', 'inout')], ['long long int*', typed('i64', 'inout')], ['ssize_t*', typed('i64', 'inout')], ['int64_t *', typed('i64', 'inout')],
  ['unsigned long long*', typed('u64', 'inout')], ['uint64_t*', typed('u64', 'inout')], ['ulong*', typed('u64', 'inout')],
  ['size_t*', typed('usize', 'inout')], ['const size_t*', typed('usize', 'in')], ['uintptr_t*', typed('usize', 'inout')], ['usz*', typed('usize', 'inout')],
  ['intptr_t*', typed('isize', 'inout')], ['isz*', typed('isize', 'inout')],
  ['short*', typed('i16', 'inout')], ['unsigned short*', typed('u16', 'inout')], ['uint16_t*', typed('u16', 'inout')],
  ['int8_t*', typed('i8', 'inout')], ['signed char*', typed('i8', 'inout')], ['const signed char*', typed('i8', 'in')],
  ['unsigned char*', typed('u8', 'inout')], ['uint8_t*', typed('u8', 'inout')], ['const unsigned char *', typed('u8', 'in')], ['u8*', typed('u8', 'inout')],
  ['float*', typed('f32', 'inout')], ['const float*', typed('f32', 'in')], ['double*', typed('f64', 'inout')], ['double const *', typed('f64', 'in')],
  ['bool*', typed('bool', 'inout')], ['_Bool*', typed('bool', 'inout')], ['const bool*', typed('bool', 'in')],
  // untyped: void*, and any identifier T* ffast does not know
  ['void*', UNTYPED], ['void *', UNTYPED], ['const void*', UNTYPED], ['const void * const', UNTYPED], ['pointer', UNTYPED], ['ptr', UNTYPED],
  ['FILE*', UNTYPED], ['FILE *', UNTYPED], ['const FILE*', UNTYPED], ['sqlite3*', UNTYPED], ['sqlite3_stmt *', UNTYPED],
  ['struct foo*', UNTYPED], ['struct foo *', UNTYPED], ['const struct foo*', UNTYPED], ['union u*', UNTYPED], ['enum e*', UNTYPED],
  ['my_type_t*', UNTYPED], ['Int*', UNTYPED], ['_private*', UNTYPED], ['HANDLE*', UNTYPED],
  // two stars and more: a pointer to pointers
  ['void**', typed('pointer', 'inout')], ['void **', typed('pointer', 'inout')], ['void * *', typed('pointer', 'inout')],
  ['void* const*', typed('pointer', 'in')], ['const void**', typed('pointer', 'inout')], ['const void * const *', typed('pointer', 'in')],
  ['sqlite3**', typed('pointer', 'inout')], ['struct sqlite3 **', typed('pointer', 'inout')], ['FILE**', typed('pointer', 'inout')],
  ['int**', typed('pointer', 'inout')], ['const int**', typed('pointer', 'inout')], ['int* const*', typed('pointer', 'in')],
  ['int***', typed('pointer', 'inout')], ['char***', typed('pointer', 'inout')], ['pointer*', typed('pointer', 'inout')], ['ptr*', typed('pointer', 'inout')],
  // char* stays a string
  ['char*', STRING], ['char *', STRING], ['const char*', STRING], ['const char *', STRING], ['char const*', STRING],
  ['const char * const', STRING], ['  const   char   *  ', STRING], ['string', STRING], ['cstring', STRING], ['str', STRING],
  // char**: a list of strings
  ['char**', strings('string', 'inout')], ['char **', strings('string', 'inout')], ['const char**', strings('string', 'inout')],
  ['char* const*', strings('string', 'in')], ['const char * const *', strings('string', 'in')], ['char ** const', strings('string', 'inout')],
  // wide strings
  ['wchar_t*', wide(WIDE)], ['const wchar_t*', wide(WIDE)], ['wchar_t const *', wide(WIDE)], ['wstring', wide(WIDE)],
  ['char16_t*', wide('u16string')], ['const char16_t *', wide('u16string')], ['u16string', wide('u16string')],
  ['char32_t*', wide('u32string')], ['const char32_t*', wide('u32string')], ['u32string', wide('u32string')],
  ['wchar_t**', strings(WIDE, 'inout')], ['const char16_t**', strings('u16string', 'inout')], ['char32_t* const*', strings('u32string', 'in')],
];

const REFUSED = [
  'int[4]', 'int[]', 'int (*)(void)', 'void(*)(int)', 'int *x', 'int**x', 'int*const*x', 'int&', '&', 'struct', 'struct*', 'union *',
  'enum*', '*', '**', 'const', 'const*', 'const const*', 'my_type', 'struct foo', 'union u', 'enum e', 'long double*', 'long double',
  'buffer*', 'string*', 'cstring*', 'void', 'int int*', 'char char*', 'unsigned unsigned*', '', '   ', 'x-y*', '1abc*', 'int* x*', 'int*[2]', 'char*[]',
  'struct { int x; }*', 'Int', 'INT*x', 'int\u0000*', 'int*\u0000', 'ｉｎｔ*',
];

const FX = fx.LIB;
/** A definition of fixture function `name` with one parameter spelled `spelling`. */
const one = (name, spelling, result) => dlopen(FX, { f: { name, parameters: [spelling], result } }).symbols.f;

function checkTyped(spelling, { to, direction }) {
  const T = TYPED[to];
  const f = one(`fp_inout_${T.fx}`, spelling, to);
  const a = [T.x];
  const r = f(a);
  h.assertSame(r, T.x, `${spelling}: C read the element as ${to}`);
  h.assertSame(a[0], direction === 'inout' ? T.step(T.x) : T.x, `${spelling}: ${direction === 'inout' ? 'written back' : 'not written back'}`);
  if (T.max !== undefined) {
    const g = one(`fp_in_${T.fx}`, spelling, to);
    const asBig = typeof T.max === 'bigint';
    h.assertSame(g([T.max]), T.max, `${spelling}: the largest ${to} is an element`);
    assert.throws(() => g([asBig ? T.max + 1n : T.max + 1]), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_RANGE', `${spelling}: beyond ${to}`);
    assert.throws(() => g([asBig ? T.min - 1n : T.min - 1]), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_RANGE', `${spelling}: below ${to}`);
  }
  // A typed pointer also takes memory and addresses.
  const mem = new Uint8Array(16);
  assert.equal(one(`fp_addr_${T.fx}`, spelling, 'usize')(mem), ffast.ptr(mem), `${spelling}: a buffer is its address`);
  assert.equal(one(`fp_addr_${T.fx}`, spelling, 'usize')(4096), 4096, `${spelling}: a Number is an address`);
}

function checkUntyped(spelling) {
  const f = one('fp_ptr_bits', spelling, 'u64');
  assert.equal(f(4096), 4096, `${spelling}: an address`);
  assert.equal(f(null), 0, `${spelling}: NULL`);
  for (const bad of [[1], new Uint8Array(4), 'x']) {
    assert.throws(() => f(bad), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_TYPE', `${spelling}: ${h.fmt(bad)}`);
  }
}

const libc = (spelling) => dlopen(null, { strlen: { parameters: [spelling], result: 'size_t' } }).symbols.strlen;
function checkString(spelling) {
  const f = libc(spelling);
  assert.equal(f('héllo'), 6, `${spelling}: a UTF-8 copy`);
  assert.throws(() => f(['héllo']), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_ARG_TYPE', `${spelling}: an array is not a string`);
}

function checkWide(spelling, { t }) {
  const f = one(t === 'u16string' ? 'fp_u16_len' : 'fp_u32_len', spelling, 'size_t');
  // 'h', 'é', '😀' (one UTF-32 unit, two UTF-16 units)
  assert.equal(f('hé😀'), t === 'u16string' ? 4 : 3, `${spelling}: encoded as ${t}`);
  assert.equal(f(null), 2n ** 64n - 1n, `${spelling}: NULL (the fixture answers (size_t)-1)`);
}

function checkStrings(spelling, { t, direction }) {
  // fp_count_ptr counts non-NULL entries up to the terminator; any string type is a pointer there.
  const f = one('fp_count_ptr', spelling, 'size_t');
  const argv = ['a', 'bb', 'ccc'];
  assert.equal(f(argv), 3, `${spelling}: three strings, then NULL`);
  assert.deepEqual(argv, ['a', 'bb', 'ccc'], `${spelling}: entries C did not change keep their strings`);
  if (t === 'string') {
    const g = one('fp_argv_total', spelling, 'size_t');
    assert.equal(g(['héllo', 'x']), 7, `${spelling}: UTF-8 copies`);
    // inout: an entry C replaced comes back as C's address; in: nothing comes back.
    const r = dlopen(FX, { f: { name: 'fp_argv_replace', parameters: [spelling, 'size_t'], result: 'void' } }).symbols.f;
    const v = ['keep', 'old'];
    r(v, 1);
    assert.equal(v[0], 'keep');
    if (direction === 'inout') {
      assert.equal(typeof v[1], 'number', `${spelling}: C's char* comes back as an address`);
      assert.equal(ffast.cstring(v[1]), 'replaced');
    } else {
      assert.equal(v[1], 'old', `${spelling}: in, not written back`);
    }
  }
}

test('what each C spelling means (by behaviour)', () => {
  for (const [spelling, want] of CASES) {
    switch (want.kind) {
      case 'typed': checkTyped(spelling, want); break;
      case 'untyped': checkUntyped(spelling); break;
      case 'string': checkString(spelling); break;
      case 'wide': checkWide(spelling, want); break;
      case 'strings': checkStrings(spelling, want); break;
      default: throw new Error(want.kind);
    }
  }
});

test('refused spellings are ERR_FFAST_TYPE quoting the text, as parameters and results', () => {
  for (const s of REFUSED) {
    for (const def of [{ parameters: [s], result: 'void' }, { parameters: [], result: s }]) {
      if (s === 'void' && def.result === 'void') continue; // a void result is fine
      assert.throws(
        () => dlopen(FX, { f: { name: 'fp_ptr_bits', ...def } }),
        (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE',
        `${JSON.stringify(s)} as ${def.result === s ? 'result' : 'parameter'}`,
      );
    }
  }
  // The message names the text, and for an unknown identifier without a star suggests T*.
  assert.throws(() => dlopen(FX, { f: { name: 'fp_ptr_bits', parameters: ['sqlite3'], result: 'void' } }), (e) => /sqlite3/.test(e.message) && /sqlite3\s?\*/.test(e.message));
});

test('C spellings as results, struct members and callback parameters', () => {
  const R = fx.open({
    p: { name: 'fp_ptr_bits', parameters: ['pointer'], result: 'const unsigned char*' },
    q: { name: 'fp_ptr_bits', parameters: ['pointer'], result: 'sqlite3**' },
    s: { name: 'fp_get_name', parameters: [], result: 'char const *' },
    w: { name: 'fp_wcs_static', parameters: ['int'], result: 'const wchar_t*' },
    u: { name: 'fp_u16_static', parameters: ['int'], result: 'const char16_t *' },
  }).symbols;
  h.coldHot(R.p, [4096], 4096);
  h.coldHot(R.p, [0], null);
  h.coldHot(R.q, [2n ** 60n], 2n ** 60n);
  assert.equal(R.s(), 'ffast');
  assert.equal(R.w(0), 'hé');
  assert.equal(R.u(0), 'hé');
  // Members: every pointer spelling is an 8-byte pointer member; char* is a string member.
  const M = struct({ a: 'int*', b: 'const void*', c: 'sqlite3**', d: 'u8' });
  assert.equal(M.size, 32);
  assert.deepEqual(M.decode(M.encode({ a: 8, b: null, c: 2n ** 60n, d: 1 })), { a: 8, b: null, c: 2n ** 60n, d: 1 });
  // Callback parameters: typed pointers arrive as addresses.
  let seen;
  const cb = callback({ parameters: ['int*', 'const char **'], result: 'void' }, (a, b) => {
    seen = [a, b];
  });
  // (called from JS through C: the bound function may run callbacks)
  const invoke = ffast.bind(cb.pointer, { parameters: ['pointer', 'pointer'], result: 'void', callbacks: true });
  invoke(4096, 0);
  assert.deepEqual(seen, [4096, null]);
  cb.close();
});

// ------------------------------------------------------------------ the one list: runtime ↔ index.d.ts
const TYPES_DIR = path.join(__dirname, 'types');
const SPELLINGS_TS = path.join(TYPES_DIR, 'spellings.ts');
const DTS = path.join(h.PKG, 'index.d.ts');

/** The JS value type index.d.ts must give each canonical type, as a parameter and as a result. */
const TS_IN = {
  bool: 'boolean', i8: 'number', u8: 'number', i16: 'number', u16: 'number', i32: 'number', u32: 'number',
  i64: 'number | bigint', u64: 'number | bigint', isize: 'number | bigint', usize: 'number | bigint', f32: 'number', f64: 'number',
  pointer: 'Pointer | Callback | null | undefined', string: 'string | null | undefined', u16string: 'string | null | undefined',
  u32string: 'string | null | undefined', buffer: 'BufferSource | null | undefined',
};
const TS_OUT = {
  void: 'undefined', bool: 'boolean', i8: 'number', u8: 'number', i16: 'number', u16: 'number', i32: 'number', u32: 'number',
  i64: 'number | bigint', u64: 'number | bigint', isize: 'number | bigint', usize: 'number | bigint', f32: 'number', f64: 'number',
  pointer: 'Pointer | null', string: 'string | null', u16string: 'string | null', u32string: 'string | null',
};

/** Spellings of the grammar (not in the base list) with the canonical type of each. */
const GRAMMAR_SAMPLES = [
  ['char*', 'string'], ['char *', 'string'], ['const char*', 'string'], ['char const*', 'string'], ['const char * const', 'string'],
  ['wchar_t*', WIDE], ['const wchar_t *', WIDE], ['char16_t*', 'u16string'], ['const char16_t*', 'u16string'], ['char32_t*', 'u32string'],
  ['FILE*', 'pointer'], ['sqlite3*', 'pointer'], ['sqlite3**', 'pointer'], ['struct foo *', 'pointer'], ['void * const *', 'pointer'],
  ['char**', 'pointer'], ['const char**', 'pointer'], ['unsigned char*', 'pointer'], ['const unsigned char*', 'pointer'],
];

/** test/types/spellings.ts for a runtime spelling list ([spelling, canonical type] pairs). */
function spellingsTs(list) {
  const lines = [
    "// GENERATED by test/pointers-spellings.test.js from the runtime's spelling list",
    '// (native.typeSpellings(), ffast-core/src/types.rs SPELLINGS) and samples of the pointer',
    '// grammar (docs/pointers.md §3): do not edit. Regenerate with',
    '//   FFAST_UPDATE_SPELLINGS=1 node --test ffast-node/test/pointers-spellings.test.js',
    '// tsc --noEmit (scripts/test.sh) checks that index.d.ts accepts every spelling and gives it',
    '// the JS types of its canonical type; the test checks that this file is up to date.',
    "import type { ArgValue, ResultValue, ParameterType, ResultType, Pointer, Callback, BufferSource } from 'ffast';",
    'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
    '',
  ];
  let k = 0;
  const emit = (f, ft, withArg) => {
    const q = JSON.stringify(f);
    if (ft !== 'void') {
      lines.push(`const p${k}: ParameterType = ${q};`);
      if (withArg && TS_IN[ft]) lines.push(`const a${k}: Same<ArgValue<${q}>, ${TS_IN[ft]}> = true;`);
    }
    if (ft !== 'buffer') {
      lines.push(`const r${k}: ResultType = ${q};`);
      if (TS_OUT[ft]) lines.push(`const v${k}: Same<ResultValue<${q}>, ${TS_OUT[ft]}> = true;`);
    }
    k++;
  };
  /** A typed pointer (a known scalar T*) takes arrays, memory and addresses; never a string. */
  const typedArgs = (f, elem) => {
    const q = JSON.stringify(f);
    lines.push(`const t${k}a: ArgValue<${q}> = [${elem}];`, `const t${k}b: ArgValue<${q}> = new Uint8Array(4);`);
    lines.push(`const t${k}c: ArgValue<${q}> = 4096;`, `const t${k}d: ArgValue<${q}> = null;`);
    lines.push('// @ts-expect-error: a string is not a typed pointer', `const t${k}e: ArgValue<${q}> = 'x';`);
    k++;
  };
  const SAMPLE = { bool: 'true', f32: '1.5', f64: '1.5', pointer: 'null' };
  for (const [s, t] of list) {
    emit(s, t, true);
    if (['void', 'buffer', 'string', 'u16string', 'u32string'].includes(t)) continue;
    const text = s === 'char'; // char* is a string, char** a list of strings
    emit(`${s}*`, text ? 'string' : 'pointer', false);
    emit(`const ${s} *`, text ? 'string' : 'pointer', false);
    emit(`${s}**`, 'pointer', false);
    if (!text) typedArgs(`${s}*`, SAMPLE[t] || '1');
  }
  // (typed pointers' argument types are checked by typedArgs: they take more than an address)
  const typedSample = (f) => /\*(\s|const|volatile)*\*|^(const\s+)?unsigned char\s*\*$/.test(f);
  for (const [f, ft] of GRAMMAR_SAMPLES) emit(f, ft, !typedSample(f));
  typedArgs('char**', "'argv0', null");
  lines.push('export {};', '');
  return lines.join('\n');
}

test('index.d.ts accepts every spelling the runtime accepts (test/types/spellings.ts is current)', () => {
  const list = ffast.__internal.native.typeSpellings();
  assert.ok(Array.isArray(list) && list.length > 50, 'native.typeSpellings() lists the spellings');
  for (const [s, t] of list) {
    assert.equal(typeof s, 'string');
    // Base spellings only: every pointer spelling comes from the grammar (docs/pointers.md §3).
    assert.ok(!s.includes('*'), `${s}: the list holds base spellings`);
    // Each listed spelling parses to the canonical type it is listed with.
    const sig = ffast.__internal.native.signature('t', t === 'void' ? [] : [s], t === 'void' ? s : 'void');
    assert.equal(t === 'void' ? sig.result : sig.parameters[0], t, s);
  }
  // The spellings the issue found missing from index.d.ts are in the list.
  for (const s of ['ulong', 'uint', 'isz', 'usz', 'uchar', 'ushort', 'boolean', 'ptr', 'str', 'signed', 'long int']) {
    assert.ok(list.some(([x]) => x === s), `${s} is a runtime spelling`);
  }
  const want = spellingsTs(list);
  if (process.env.FFAST_UPDATE_SPELLINGS === '1') fs.writeFileSync(SPELLINGS_TS, want);
  const have = fs.existsSync(SPELLINGS_TS) ? fs.readFileSync(SPELLINGS_TS, 'utf8') : '';
  assert.equal(have, want, 'test/types/spellings.ts is stale: regenerate it (FFAST_UPDATE_SPELLINGS=1) and check it with tsc');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(TYPES_DIR, 'tsconfig.json'), 'utf8'));
  assert.ok(tsconfig.files.includes('spellings.ts'), 'tsc checks spellings.ts');
});

test('every type name index.d.ts spells is accepted at runtime', () => {
  const dts = fs.readFileSync(DTS, 'utf8');
  const names = [];
  for (const m of dts.matchAll(/export type (\w+TypeName)\s*=([^;]*);/g)) {
    for (const lit of m[2].matchAll(/'([^']*)'/g)) names.push([m[1], lit[1]]);
  }
  assert.ok(names.length > 60, `found ${names.length} spelled names`);
  for (const [alias, s] of names) {
    const asResult = alias === 'VoidTypeName';
    // Through dlopen, the public runtime: the wide string names are read by index.js, not by the
    // native parser (docs/pointers.md §13), so native.signature alone would not know them.
    assert.doesNotThrow(() => dlopen(null, { t: { name: 'strlen', parameters: asResult ? [] : [s], result: asResult ? s : 'void' } }), `${alias} '${s}'`);
  }
});

test('hostile spelling texts as struct members, callback types and typed function parameters: ERR_FFAST_TYPE', () => {
  const texts = [
    `${'x'.repeat(1 << 20)}*`, // a megabyte: refused before any parsing, not echoed whole
    '\ud800*', 'int\ud800*', 'int\u0000*', 'char\u0000*', `${'int*'.repeat(100)}`, 'int * x', 'int[2]*', '*int', 'const*', 'struct*',
    'char char*', 'buffer*', 'ｉｎｔ*',
  ];
  const isType = (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE' && e.message.length < 2000;
  for (const t of texts) {
    const label = JSON.stringify(t.slice(0, 40));
    assert.throws(() => struct({ a: t }), isType, `member ${label}`);
    assert.throws(() => callback({ parameters: [t], result: 'void' }, () => {}), isType, `callback parameter ${label}`);
    assert.throws(() => callback({ parameters: [], result: t }, () => {}), isType, `callback result ${label}`);
    assert.throws(
      () => dlopen(FX, { f: { name: 'fp_ptr_bits', parameters: [{ function: { parameters: [t], result: 'void' } }], result: 'void' } }),
      isType,
      `typed function parameter ${label}`,
    );
  }
  // A Proxy or an object with a throwing toString is no type text: nothing of it runs.
  let ran = 0;
  const sneaky = new Proxy({}, { get: () => { ran++; return () => 'int*'; } });
  assert.throws(() => struct({ a: sneaky }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_TYPE');
  assert.throws(() => callback({ parameters: [sneaky], result: 'void' }, () => {}), (e) => e instanceof FfastError);
  // (an object member is read as a { type, align } descriptor: its unknown key is named)
  const throwing = { toString() { throw new Error('ran'); } };
  assert.throws(() => struct({ a: throwing }), (e) => e instanceof FfastError && e.code === 'ERR_FFAST_DEFINITION' && /toString/.test(e.message));
  assert.throws(() => callback({ parameters: [throwing], result: 'void' }, () => {}), (e) => e instanceof FfastError);
  assert.equal(ran, 0, 'no trap of the Proxy ran');
});

test('C spellings in a typed function parameter: a plain JS function gets addresses for pointer spellings', () => {
  // fp_call_wide(cb, which) calls cb(const wchar_t*, const char16_t*): declared here by C spellings
  // of untyped pointers, the JS function receives the two addresses (decode with wstring/u16string).
  const W = fx.open({
    call: { name: 'fp_call_wide', parameters: [{ function: { parameters: ['const void *', 'unsigned short*'], result: 'u64' } }, 'int'], result: 'u64' },
    u16: { name: 'fp_u16_static', parameters: ['int'], result: 'pointer' },
  }).symbols;
  let got;
  assert.equal(W.call((a, b) => { got = [a, b]; return 9; }, 0), 9);
  assert.equal(got[1], W.u16(0));
  assert.equal(ffast.u16string(got[1]), 'hé');
  assert.equal(ffast.wstring(got[0]), 'hé');
});
