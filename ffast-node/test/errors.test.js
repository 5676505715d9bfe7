'use strict';
// Errors: every error ffast throws is an FfastError with a .code; call-time errors are identical
// hot and cold (class, code and message).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { ffast, FfastError, coldHot, coldHotThrows, assertFfastError } = h;

const T = (parameters, result) => ({ parameters, result });
const throwsCode = (thunk, code, where, includes) => {
  const r = h.capture(thunk);
  assert.ok(!r.ok, `${where}: expected ${code}, got a result ${h.fmt(r.value)}`);
  assertFfastError(r.error, code, where, includes);
  return r.error;
};

test('library not found: ERR_FFAST_LIBRARY_NOT_FOUND with the dlerror text', () => {
  const e = throwsCode(() => ffast.dlopen('/nonexistent/dir/libnope.so', {}), 'ERR_FFAST_LIBRARY_NOT_FOUND',
    'missing file', ['/nonexistent/dir/libnope.so', 'cannot open shared object file']);
  assert.ok(e instanceof Error);
  throwsCode(() => ffast.dlopen('libdefinitely_not_here_ffast.so', {}), 'ERR_FFAST_LIBRARY_NOT_FOUND',
    'missing soname', ['libdefinitely_not_here_ffast.so']);
  // an existing file that is not a shared object: dlerror says so
  throwsCode(() => ffast.dlopen(h.FIXTURE_SRC, {}), 'ERR_FFAST_LIBRARY_NOT_FOUND', 'not an ELF file', ['invalid ELF header']);
});

test('symbol not found: ERR_FFAST_SYMBOL_NOT_FOUND naming the symbol', () => {
  throwsCode(() => h.openFixture({ no_such_symbol_xyz: T([], 'void') }), 'ERR_FFAST_SYMBOL_NOT_FOUND', 'missing symbol', ['no_such_symbol_xyz']);
  throwsCode(() => h.openFixture({ js: { name: 'also_missing_abc', parameters: [], result: 'i32' } }), 'ERR_FFAST_SYMBOL_NOT_FOUND',
    'missing renamed symbol', ['also_missing_abc']);
  throwsCode(() => ffast.dlopen(null, { no_such_libc_fn_ffast: T([], 'void') }), 'ERR_FFAST_SYMBOL_NOT_FOUND', 'missing in process');
});

test('unknown or malformed type names: ERR_FFAST_TYPE', () => {
  for (const bad of ['i33', 'int128', '', 'u 8', 'i32[]', 'struct foo', 'voidd', 'f16x', 'string*']) {
    throwsCode(() => h.openFixture({ id_i32: T([bad], 'i32') }), 'ERR_FFAST_TYPE', `parameter type ${JSON.stringify(bad)}`);
    throwsCode(() => h.openFixture({ id_i32: T(['i32'], bad) }), 'ERR_FFAST_TYPE', `result type ${JSON.stringify(bad)}`);
  }
  // a non-string type: malformed type name or malformed definition, but an FfastError either way
  for (const bad of [42, null, {}, ['i32']]) {
    const r = h.capture(() => h.openFixture({ id_i32: T([bad], 'i32') }));
    assert.ok(!r.ok, `parameter type ${h.fmt(bad)} accepted`);
    assert.ok(r.error instanceof FfastError && ['ERR_FFAST_TYPE', 'ERR_FFAST_DEFINITION'].includes(r.error.code),
      `parameter type ${h.fmt(bad)}: got ${h.fmt(r.error)}`);
  }
});

test('malformed definitions: ERR_FFAST_DEFINITION', () => {
  const bads = [
    ['definition is a number', 42],
    ['definition is a string', 'i32'],
    ['definition is null', null],
    ['parameters is a string', { parameters: 'i32', result: 'i32' }],
    ['parameters is an object', { parameters: { 0: 'i32' }, result: 'i32' }],
    ['name is a number', { name: 5, parameters: [], result: 'void' }],
  ];
  for (const [what, def] of bads) throwsCode(() => h.openFixture({ id_i32: def }), 'ERR_FFAST_DEFINITION', what);
  throwsCode(() => ffast.bind(4096, 'not a definition'), 'ERR_FFAST_DEFINITION', 'bind with a string definition');
});

const lib = h.openFixture({
  add_i32: T(['i32', 'i32'], 'i32'),
  id_i8: T(['i8'], 'i8'), id_u8: T(['u8'], 'u8'), id_i16: T(['i16'], 'i16'), id_u16: T(['u16'], 'u16'),
  id_i32: T(['i32'], 'i32'), id_u32: T(['u32'], 'u32'),
  id_i64: T(['i64'], 'i64'), id_u64: T(['u64'], 'u64'), id_isize: T(['isize'], 'isize'), id_usize: T(['usize'], 'usize'),
  id_f32: T(['f32'], 'f32'), id_f64: T(['f64'], 'f64'), id_bool: T(['bool'], 'bool'),
  id_ptr: T(['pointer'], 'pointer'),
  sum_u8: T(['buffer', 'usize'], 'u32'),
  c_strlen: T(['string'], 'usize'),
  counter_inc: T([], 'void'),
  sum_i64_10: T(Array(10).fill('i64'), 'i64'),
});
const S = lib.symbols;

test('wrong argument count: ERR_FFAST_ARG_COUNT (fewer and more), hot and cold', () => {
  coldHotThrows(S.add_i32, [1, 2], [1], 'ERR_FFAST_ARG_COUNT', { label: 'add_i32_one_arg' });
  coldHotThrows(S.add_i32, [1, 2], [], 'ERR_FFAST_ARG_COUNT', { label: 'add_i32_no_arg' });
  coldHotThrows(S.add_i32, [1, 2], [1, 2, 3], 'ERR_FFAST_ARG_COUNT', { label: 'add_i32_three_args' });
  coldHotThrows(S.counter_inc, [], [1], 'ERR_FFAST_ARG_COUNT', { label: 'counter_inc_one_arg' });
  coldHotThrows(S.sum_i64_10, Array(10).fill(1), Array(9).fill(1), 'ERR_FFAST_ARG_COUNT', { label: 'sum_i64_10_nine' });
  coldHotThrows(S.sum_i64_10, Array(10).fill(1), Array(11).fill(1), 'ERR_FFAST_ARG_COUNT', { label: 'sum_i64_10_eleven' });
});

const NOT_NUMBERS = ['1', '', 1n, true, null, undefined, {}, [1], Symbol('s'), () => 1];
test('narrow ints and floats accept only Numbers: ERR_FFAST_ARG_TYPE, hot and cold', () => {
  for (const t of ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'f32', 'f64']) {
    for (const bad of NOT_NUMBERS) coldHotThrows(S['id_' + t], [1], [bad], 'ERR_FFAST_ARG_TYPE', { label: `id_${t}_bad` });
  }
  coldHotThrows(S.add_i32, [1, 2], [1, '2'], 'ERR_FFAST_ARG_TYPE', { label: 'add_i32_second_string' });
});

test("bool converts any value by JS truthiness (as V8's fast path does), identically hot and cold", () => {
  // (Smis, and heap numbers: the slow path reads both without N-API)
  const cases = [[0, false], [1, true], [2, true], [-0, false], [NaN, false], [0.5, true], [-0.5, true], [2 ** 40, true],
    [-Infinity, true], [Number.MIN_VALUE, true], [-(2 ** 31), true], ['', false], ['false', true],
    [null, false], [undefined, false], [0n, false], [1n, true], [{}, true], [[], true], [Symbol.iterator, true]];
  for (const [v, want] of cases) coldHot(S.id_bool, [v], want, { label: 'id_bool_truthy' });
});

test('64-bit ints: wrong type -> ARG_TYPE; out of [-2^63, 2^64), NaN, ±Inf -> ARG_RANGE', () => {
  for (const t of ['i64', 'u64', 'isize', 'usize']) {
    const f = S['id_' + t];
    for (const bad of ['1', true, null, undefined, {}, [1]]) coldHotThrows(f, [1], [bad], 'ERR_FFAST_ARG_TYPE', { label: `id_${t}_type` });
    for (const bad of [2 ** 64, 2 ** 70, -(2 ** 63) * 1.0000001, -(2 ** 64), NaN, Infinity, -Infinity, 2n ** 64n, -(2n ** 63n) - 1n, 2n ** 100n]) {
      coldHotThrows(f, [1], [bad], 'ERR_FFAST_ARG_RANGE', { label: `id_${t}_range` });
    }
  }
  // a bad value in a stack-passed slot
  coldHotThrows(S.sum_i64_10, Array(10).fill(1), [1, 2, 3, 4, 5, 6, 7, 8, 9, 2 ** 64], 'ERR_FFAST_ARG_RANGE', { label: 'sum_i64_10_last_range' });
  coldHotThrows(S.sum_i64_10, Array(10).fill(1), [1, 2, 3, 4, 5, 6, 7, 8, '9', 10], 'ERR_FFAST_ARG_TYPE', { label: 'sum_i64_10_9th_type' });
});

test('pointer: wrong type -> ARG_TYPE, out of range -> ARG_RANGE', () => {
  for (const bad of ['0x1000', true, {}, [4096], new Uint8Array(4)]) coldHotThrows(S.id_ptr, [4096], [bad], 'ERR_FFAST_ARG_TYPE', { label: 'id_ptr_type' });
  for (const bad of [2 ** 64, NaN, Infinity, 2n ** 64n]) coldHotThrows(S.id_ptr, [4096], [bad], 'ERR_FFAST_ARG_RANGE', { label: 'id_ptr_range' });
});

test('buffer: a number, string, array or plain object -> ARG_TYPE', () => {
  for (const bad of [0, 4096, 'abc', [1, 2], {}, true, 1n]) {
    coldHotThrows(S.sum_u8, [new Uint8Array(4), 4], [bad, 0], 'ERR_FFAST_ARG_TYPE', { label: 'sum_u8_type' });
  }
});

test('string: a number, buffer or object -> ARG_TYPE', () => {
  for (const bad of [0, 1n, Buffer.from('abc'), new Uint8Array(2), {}, ['a'], true]) {
    coldHotThrows(S.c_strlen, ['abc'], [bad], 'ERR_FFAST_ARG_TYPE', { label: 'c_strlen_type' });
  }
});

test('error messages name the symbol and the argument', () => {
  const e = h.capture(() => S.add_i32(1, 'x')).error;
  assertFfastError(e, 'ERR_FFAST_ARG_TYPE', 'add_i32(1, "x")', ['add_i32']);
  const c = h.capture(() => S.add_i32(1)).error;
  assertFfastError(c, 'ERR_FFAST_ARG_COUNT', 'add_i32(1)', ['add_i32']);
});
