'use strict';
// Pointers: addresses above 2^32 (an mmap'd page), pointer arithmetic done in C, NULL both ways,
// Number / BigInt / null / undefined arguments, BigInt results above 2^53.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers.js');
const { coldHot, ptrResult, uint64Result, to64 } = h;

const T = (parameters, result) => ({ parameters, result });
const S = h.openFixture({
  high_page: T([], 'pointer'),
  read_u32_at: T(['pointer'], 'u32'),
  write_u32_at: T(['pointer', 'u32'], 'void'),
  ptr_add: T(['pointer', 'i64'], 'pointer'),
  ptr_to_u64: T(['pointer'], 'u64'),
  u64_to_ptr: T(['u64'], 'pointer'),
  null_ptr: T([], 'pointer'),
  is_null: T(['pointer'], 'i32'),
  ptr_hi: T(['pointer'], 'u32'),
  ptr_lo: T(['pointer'], 'u32'),
  id_ptr: T(['pointer'], 'pointer'),
  id_ptr_voidstar: { name: 'id_ptr', parameters: ['void*'], result: 'void*' },
}).symbols;

const page = h.cold(S.high_page, []);

test('high_page: a pointer above 2^32 comes back as an exact Number', () => {
  assert.equal(typeof page, 'number');
  assert.ok(page > 2 ** 32, `page 0x${page.toString(16)} is not above 2^32`);
  assert.ok(Number.isSafeInteger(page));
  assert.equal(page % 4096, 0, 'page aligned');
  coldHot(S.high_page, [], page);
  coldHot(S.ptr_hi, [page], Math.floor(page / 2 ** 32));
  coldHot(S.ptr_lo, [page], page % 2 ** 32);
  coldHot(S.ptr_to_u64, [page], page);
  coldHot(S.id_ptr, [page], page);
  coldHot(S.id_ptr_voidstar, [page], page);
});

test('the high pointer dereferences in C (read and write through it, hot and cold)', () => {
  coldHot(S.read_u32_at, [page], 0xc0ffee11);
  coldHot(S.write_u32_at, [page + 8, 0xdeadbeef], undefined);
  coldHot(S.read_u32_at, [page + 8], 0xdeadbeef);
  coldHot(S.write_u32_at, [page + 8, 0x12345678], undefined);
  coldHot(S.read_u32_at, [page + 8], 0x12345678);
  // BigInt pointer argument: slow path, same result
  coldHot(S.read_u32_at, [BigInt(page)], 0xc0ffee11);
});

test('ptr_add: pointer arithmetic in C, positive and negative offsets', () => {
  for (const off of [0, 1, 16, 4095, -1, -4096, 2 ** 32, -(2 ** 32)]) {
    coldHot(S.ptr_add, [page, off], ptrResult(BigInt(page) + BigInt(off)));
  }
  coldHot(S.ptr_add, [page, -page], null); // → NULL
  coldHot(S.ptr_add, [2 ** 52, 2 ** 52], 2n ** 53n); // above 2^53-1 → BigInt
  coldHot(S.ptr_add, [2n ** 53n, -1], 2 ** 53 - 1); // back to a Number
});

test('NULL both ways', () => {
  coldHot(S.null_ptr, [], null);
  coldHot(S.id_ptr, [null], null);
  coldHot(S.id_ptr, [undefined], null);
  coldHot(S.id_ptr, [0], null);
  coldHot(S.is_null, [null], 1);
  coldHot(S.is_null, [undefined], 1);
  coldHot(S.is_null, [0], 1);
  coldHot(S.is_null, [0n], 1);
  coldHot(S.is_null, [page], 0);
  coldHot(S.is_null, [1], 0);
});

test('u64_to_ptr / id_ptr over the whole range: Number when safe, BigInt above 2^53-1', () => {
  const vals = [1, 4096, 2 ** 32, 2 ** 47, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 2n ** 53n + 1n, 2n ** 64n - 1n, 0x7fffffffffffffffn, -1];
  for (const v of vals) {
    coldHot(S.u64_to_ptr, [v], ptrResult(to64(v)));
    if (v === -1) continue; // negative pointer Numbers are not specified; -1 is only a u64 here
    coldHot(S.id_ptr, [v], ptrResult(to64(v)));
    coldHot(S.ptr_to_u64, [v], uint64Result(to64(v)));
  }
});
