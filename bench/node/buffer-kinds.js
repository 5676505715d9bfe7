#!/usr/bin/env node
// A 64-byte buffer argument by kind of buffer (on-heap and off-heap typed arrays, a Buffer) and
// by loop shape, ffast's `sum64` vs the hand-written fast-API addon's, in one process; for
// comparing Node lines (`buffer` arguments cost more on Node 26 than on Node 20 in an
// independent harness). Needs bash bench/build.sh <node> and ffast built.
//   node bench/node/buffer-kinds.js
// ns per call: min of 5 samples of 3*10^6 calls after warm-up; slow calls counted in the timed
// loops only (0 expected: every call on the fast path).
'use strict';
const path = require('path');
const ROOT = path.resolve(__dirname, '..', '..');
const ffast = require(process.env.FFAST_DIR || `${ROOT}/ffast-node`);
const M = process.versions.node.split('.')[0];
const addon = require(`${ROOT}/target/bench/fastapi-node${M}.node`);
const lib = ffast.dlopen(`${ROOT}/target/bench/libbenchlib.so`, { sum64: { parameters: ['buffer'], result: 'u32' }, noop: { parameters: [], result: 'void' } });
const kinds = {
  'Int32Array(16) on-heap': () => new Int32Array(16).fill(1),
  'Int32Array off-heap': () => new Int32Array(new ArrayBuffer(64)).fill(1),
  'Uint8Array(64) on-heap': () => new Uint8Array(64).fill(1),
  'Buffer.alloc(64)': () => Buffer.alloc(64, 1),
};
const N = 3e6;
function bench(f, a) {
  // loop shape A: the callee a constant of the loop function (what bench/node does)
  const loop = new Function('f', 'a', 'n', `let s = 0; for (let i = 0; i < n; i++) s = (s + f(a)) | 0; return s;`);
  for (let w = 0; w < 30; w++) loop(f, a, 1e4);
  const best = [];
  const s0 = ffast.__internal.slowCalls();
  for (let r = 0; r < 5; r++) { const t = process.hrtime.bigint(); loop(f, a, N); best.push(Number(process.hrtime.bigint() - t) / N); }
  bench.slow = ffast.__internal.slowCalls() - s0;
  return Math.min(...best);
}
function benchB(f, a) {
  // loop shape B: a generic harness calling through a shared closure (many call targets seen)
  const run = (g, x) => g(x);
  const loop = new Function('run', 'f', 'a', 'n', `let s = 0; for (let i = 0; i < n; i++) s = (s + run(f, a)) | 0; return s;`);
  for (let w = 0; w < 30; w++) loop(run, f, a, 1e4);
  const best = [];
  for (let r = 0; r < 5; r++) { const t = process.hrtime.bigint(); loop(run, f, a, N); best.push(Number(process.hrtime.bigint() - t) / N); }
  return Math.min(...best);
}
const slow0 = ffast.__internal.slowCalls();
const out = [];
for (const [k, mk] of Object.entries(kinds)) {
  const a = mk();
  const fa = bench(lib.symbols.sum64, a);
  const slow = bench.slow;
  const aa = bench(addon.sum64, mk());
  out.push(`${k.padEnd(24)} ffast ${fa.toFixed(2)} ns  addon ${aa.toFixed(2)} ns  (${(fa / aa).toFixed(2)}x) slow calls in the timed loops ${slow} of ${5 * N}`);
}
out.push(`noop                     ffast ${bench(lib.symbols.noop).toFixed(2)} ns  addon ${bench(addon.noop).toFixed(2)} ns`);
out.push(`noop (shape B)           ffast ${benchB(lib.symbols.noop).toFixed(2)} ns  addon ${benchB(addon.noop).toFixed(2)} ns`);
const a = kinds['Int32Array off-heap']();
out.push(`sum64 off-heap (shape B) ffast ${benchB(lib.symbols.sum64, a).toFixed(2)} ns  addon ${benchB(addon.sum64, a).toFixed(2)} ns`);
console.log(`${process.version} (buffer route ${ffast.__internal.bufferRoute()})\n` + out.join('\n'));
