// ESM entry point: index.mjs exposes the same API as index.js (named exports), and calls made
// through it behave identically hot and cold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import h from './_helpers.js';
import * as esm from '../index.mjs';

test('index.mjs named exports are the CommonJS ones', () => {
  for (const k of ['dlopen', 'bind', 'ptr', 'cstring', 'toArrayBuffer', 'struct', 'union', 'array', 'pointer', 'out', 'inout', 'read', 'write', 'suffix', 'FfastError', '__internal']) {
    assert.ok(k in esm, `index.mjs lacks export ${k}`);
    assert.equal(esm[k], h.ffast[k], `index.mjs export ${k} differs from require('..').${k}`);
  }
});

test('dlopen via ESM: cold and hot calls', () => {
  const defs = { add_i32: { parameters: ['i32', 'i32'], result: 'i32' }, static_utf8: { parameters: [], result: 'string' } };
  const lib = esm.dlopen(h.FIXTURE, defs);
  h.register(lib, defs);
  h.coldHot(lib.symbols.add_i32, [2 ** 31 - 1, 2], -(2 ** 31) + 1);
  h.coldHot(lib.symbols.static_utf8, [], 'héllo wörld ✓ 😀');
  lib.close();
  assert.throws(() => lib.symbols.add_i32(1, 2), (e) => e instanceof esm.FfastError && e.code === 'ERR_FFAST_CLOSED');
});
