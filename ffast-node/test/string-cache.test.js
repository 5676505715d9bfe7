'use strict';
// The string-result cache (docs/strings.md §6, src/string_cache.rs, lib/string-cache.js): a
// `string` result or cstring(p) whose address still holds the bytes of an earlier decode gets
// the string made then. A hit must be exact: every result here is compared with the bytes at
// the address, decoded independently (Buffer#toString for valid UTF-8, and cstring(p, n), which
// never uses the cache), cold and hot (fast path proven), while the bytes at one address change
// in every way a C buffer's can: one byte, shorter, longer, empty, invalid UTF-8, at and around
// the longest cached length, and back.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const v8 = require('node:v8');
const vm = require('node:vm');
const h = require('./_helpers.js');
const { ffast, coldHot } = h;

// str_echo returns its argument: a `pointer` argument, so the result is the caller's own bytes.
const S = h.openFixture({ str_echo: { parameters: ['pointer'], result: 'string' } }).symbols;

/** Put `bytes` and a NUL at the start of `buf`; the expected string, decoded without ffast. */
function put(buf, bytes) {
  buf.fill(0x7e); // '~' after the NUL: a decoder reading past it would show them
  buf.set(bytes, 0);
  buf[bytes.length] = 0;
  return Buffer.from(bytes).toString('utf8');
}

const utf8 = (s) => [...Buffer.from(s, 'utf8')];
// What one C buffer holds over time (each an array of bytes, no NUL).
const CONTENTS = [
  utf8('Broken pipe'),
  utf8('broken pipe'), // one byte differs, same length
  utf8('Broken'), // shorter
  utf8('Broken pipeX'), // longer
  [], // empty
  utf8('Broken pipe'), // back to the first
  utf8('grüße, ÿ and €'), // multi-byte UTF-8
  [0x41, 0xff, 0x42], // invalid UTF-8
  Array(62).fill(0x61), // around the longest cached length (63 bytes)
  Array(63).fill(0x61),
  Array(64).fill(0x61),
  [...Array(62).fill(0x61), 0x62],
  Array(200).fill(0x62), // never cached
  Array(63).fill(0x61),
];

test('a string result at one address follows every change of its bytes, cold and hot', () => {
  const buf = Buffer.alloc(256);
  const p = ffast.ptr(buf);
  for (const bytes of CONTENTS) {
    const want = put(buf, bytes);
    // Independent of the cache: the byteLength form decodes exactly n bytes.
    assert.equal(ffast.cstring(p, bytes.length), want, `cstring(p, ${bytes.length})`);
    // coldHot calls many times with the bytes fixed: the first decode misses, the rest may hit.
    coldHot(S.str_echo, [p], want, { label: `str_echo(${bytes.length} bytes)` });
    // cstring() is JS around the decoder, no bound function: called again and again instead
    // (its loop in the next test runs optimized).
    for (let k = 0; k < 50; k++) assert.equal(ffast.cstring(p), want, `cstring(${bytes.length} bytes), call ${k}`);
  }
});

test('hot loops whose bytes change between calls get every string right (cache on, paused, on again)', () => {
  const bufs = [Buffer.alloc(64), Buffer.alloc(64)];
  const ps = bufs.map((b) => ffast.ptr(b));
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((w) => utf8(w));
  // Phase 1: misses on every call (the cache pauses itself); phase 2: the same bytes again and
  // again (hits, once it is back on); phase 3: mixed. 3 × 10^5 calls, every result checked.
  const loop = (n, pick) => {
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const [b, w] = pick(i);
      const want = put(bufs[b], words[w]);
      if (S.str_echo(ps[b]) !== want) bad++;
      if (ffast.cstring(ps[b]) !== want) bad++;
    }
    return bad;
  };
  assert.equal(loop(1e5, (i) => [i & 1, i % 5]), 0, 'changing bytes');
  assert.equal(loop(1e5, () => [0, 2]), 0, 'the same bytes');
  assert.equal(loop(1e5, (i) => [(i >> 3) & 1, (i >> 5) % 5]), 0, 'mixed');
});

test('many addresses that share table entries are each decoded right', () => {
  // 600 strings 24 bytes apart: more than the table's 64 entries, so entries are taken over by
  // other addresses again and again.
  const block = Buffer.alloc(600 * 24);
  const base = ffast.ptr(block);
  const want = [];
  for (let k = 0; k < 600; k++) {
    const s = `s${k}-${'x'.repeat(k % 19)}`;
    block.write(s, k * 24, 'latin1');
    block[k * 24 + s.length] = 0;
    want.push(s);
  }
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 600; k++) {
      assert.equal(S.str_echo(base + k * 24), want[k]);
      assert.equal(ffast.cstring(base + k * 24), want[k]);
    }
  }
});

test('the cache table outlives garbage collections (its memory is never freed under it)', () => {
  // The table is an ArrayBuffer owned by lib/string-cache.js. Were it collectable, its memory
  // would be freed and reused while lookups still write entries there: memory of the same size
  // allocated after a collection, filled with a pattern, must keep it through many misses.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  for (let k = 0; k < 3; k++) gc();
  const probes = Array.from({ length: 64 }, () => new Uint8Array(ffast.__internal.native.strCacheBytes()).fill(0x5a));
  const buf = Buffer.alloc(64);
  const p = ffast.ptr(buf);
  const block = Buffer.alloc(64 * 32);
  const q = ffast.ptr(block);
  for (let k = 0; k < 5000; k++) {
    const want = put(buf, utf8(`message ${k}`));
    assert.equal(S.str_echo(p), want);
    // Strings at 64 addresses: every entry of the table is written.
    const at = (k % 64) * 32;
    block.write(`m${k}`, at, 'latin1');
    block[at + `m${k}`.length] = 0;
    assert.equal(ffast.cstring(q + at), `m${k}`);
  }
  for (const [i, a] of probes.entries()) assert.ok(a.every((b) => b === 0x5a), `memory allocated after the collections was overwritten (block ${i})`);
});

test('workers keep tables of their own', async () => {
  const { Worker } = require('node:worker_threads');
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const ffast = require(workerData.pkg);
    const buf = Buffer.alloc(64);
    const p = ffast.ptr(buf);
    let bad = 0;
    for (let i = 0; i < 20000; i++) {
      const s = workerData.tag + (i % 7);
      buf.write(s, 0, 'latin1');
      buf[s.length] = 0;
      if (ffast.cstring(p) !== s) bad++;
    }
    parentPort.postMessage(bad);`;
  const run = (tag) =>
    new Promise((resolve, reject) => {
      const w = new Worker(src, { eval: true, workerData: { pkg: h.PKG, tag } });
      w.once('message', resolve);
      w.once('error', reject);
    });
  assert.deepEqual(await Promise.all([run('left-'), run('right-'), run('middle-')]), [0, 0, 0]);
});
