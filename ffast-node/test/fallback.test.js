'use strict';
// The N-API fallback: when V8 fast calls cannot be used (a V8 version not on the verified list,
// a missing symbol, FFAST_NO_FAST), ffast warns once and binds plain N-API functions that run
// the same slow path. Each case runs in a child process with the environment that triggers it.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const h = require('./_helpers.js');

const script = `
const ffast = require(${JSON.stringify(h.PKG)});
const warnings = [];
process.on('warning', (w) => warnings.push(w.code + ': ' + w.message));
const lib = ffast.dlopen(${JSON.stringify(h.FIXTURE)}, {
  add_i32: { parameters: ['i32', 'i32'], result: 'i32' },
  id_u64: { parameters: ['u64'], result: 'u64' },
  id_i8: { parameters: ['i8'], result: 'i8' },
  c_strlen: { parameters: ['string'], result: 'usize' },
  sum_u8: { parameters: ['buffer', 'usize'], result: 'u32' },
  null_ptr: { parameters: [], result: 'pointer' },
  slow_mul_u64: { parameters: ['u64', 'u64', 'i32'], result: 'u64', nonblocking: true },
  slow_fnv1a: { parameters: ['string', 'i32'], result: 'u32', nonblocking: true },
});
const S = lib.symbols;
const errCode = (f) => { try { f(); return null; } catch (e) { return [e.name, e.code]; } };
// enough calls for TurboFan: every one must still be correct on the N-API path
let acc = 0;
for (let i = 0; i < 200000; i++) acc = (acc + S.add_i32(i, 1)) | 0;
const out = {
  fast: ffast.__internal.fastEnabled,
  reason: ffast.__internal.fastReason,
  acc,
  add: S.add_i32(2, 3),
  u64: String(S.id_u64(2n ** 64n - 1n)),
  i8: S.id_i8(300),
  strlen: S.c_strlen('héllo'),
  sum: S.sum_u8(new Uint8Array([1, 2, 3, 250]), 4),
  nul: S.null_ptr(),
  typeErr: errCode(() => S.add_i32('x', 1)),
  countErr: errCode(() => S.add_i32(1)),
  slow: ffast.__internal.slowCalls(),
};
out.asyncTypeErr = errCode(() => S.slow_fnv1a(1, 0));
const pending = [S.slow_mul_u64(2n ** 31n, 2n ** 31n + 5n, 20), S.slow_fnv1a('héllo', 20)];
lib.close(); // with nonblocking calls in flight: they still settle
out.closedErr = errCode(() => S.add_i32(1, 2));
Promise.all(pending).then(([mul, fnv]) => {
  out.asyncMul = [typeof mul, String(mul)];
  out.asyncFnv = fnv;
  setImmediate(() => { out.warnings = warnings; console.log(JSON.stringify(out)); });
});
`;

function run(env) {
  const wrapper = process.env.NODE_EXEC_WRAPPER;
  const argv = ['-e', script];
  const outp = execFileSync(wrapper || process.execPath, wrapper ? [process.execPath, ...argv] : argv, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(outp.trim().split('\n').pop());
}

let expectedAcc = 0;
for (let i = 0; i < 200000; i++) expectedAcc = (expectedAcc + i + 1) | 0;

function checkResults(r) {
  assert.equal(r.fast, false);
  assert.equal(r.acc, expectedAcc);
  assert.equal(r.add, 5);
  assert.equal(r.u64, String(2n ** 64n - 1n));
  assert.equal(r.i8, 44);
  assert.equal(r.strlen, 6);
  assert.equal(r.sum, 256);
  assert.equal(r.nul, null);
  assert.deepEqual(r.typeErr, ['FfastError', 'ERR_FFAST_ARG_TYPE']);
  assert.deepEqual(r.countErr, ['FfastError', 'ERR_FFAST_ARG_COUNT']);
  assert.deepEqual(r.closedErr, ['FfastError', 'ERR_FFAST_CLOSED']);
  // nonblocking functions on the N-API path: thrown argument errors, BigInt results, strings
  assert.deepEqual(r.asyncTypeErr, ['FfastError', 'ERR_FFAST_ARG_TYPE']);
  assert.deepEqual(r.asyncMul, ['bigint', String(2n ** 62n + 5n * 2n ** 31n)]);
  let fnv = 2166136261;
  for (const b of Buffer.from('h\u00e9llo', 'utf8')) fnv = Math.imul(fnv ^ b, 16777619) >>> 0;
  assert.equal(r.asyncFnv, fnv);
  // every call went through the slow path: N-API functions have no fast target
  assert.ok(r.slow >= 200000 + 7, `slow calls ${r.slow}`);
}

test('unverified V8 version: one warning, N-API functions, same results and errors', () => {
  const r = run({ FFAST_TEST_UNVERIFIED_V8: '1' });
  checkResults(r);
  assert.match(r.reason, /not on ffast's verified list/);
  assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
  assert.match(r.warnings[0], /^FFAST_NO_FAST_CALLS: ffast: V8 fast calls are off/);
});

test('FFAST_NO_FAST=1: N-API functions without a warning (the user asked for it)', () => {
  const r = run({ FFAST_NO_FAST: '1' });
  checkResults(r);
  assert.deepEqual(r.warnings, []);
});
