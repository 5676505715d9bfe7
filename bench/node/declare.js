#!/usr/bin/env node
// Declaring cost, eager vs bind: 'lazy', side by side in one process (rounds interleaved):
//   node bench/node/declare.js [--rounds=15] [--lib=target/bench/libdecl1000.so]
// Per round: dlopen of 1,000 int32(int32) symbols eagerly, and lazily; then one lazy symbol
// read (the library's first read: one function made), a second (a batch of two made), every
// other lazy symbol read once (first access), and a call of each kind. ns per symbol: min and median over the
// rounds after one warm-up round. The library comes from bench/peers/native/gen-decl.sh
// (bench/peers/setup.sh builds it).
'use strict';
const path = require('path');
const ROOT = path.resolve(__dirname, '..', '..');
const ARGS = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const ffast = require(process.env.FFAST_DIR || path.join(ROOT, 'ffast-node'));
const LIB = path.resolve(ROOT, ARGS.lib || 'target/bench/libdecl1000.so');
const ROUNDS = Number(ARGS.rounds || 15);
const names = Array.from({ length: 1000 }, (_, k) => `d${String(k).padStart(4, '0')}`);
const now = () => Number(process.hrtime.bigint());
const defs = () => Object.fromEntries(names.map((n) => [n, { parameters: ['i32'], result: 'i32' }]));
const t = { eager: [], lazy: [], first: [], one: [], two: [] };
for (let r = 0; r <= ROUNDS; r++) {
  let d = defs();
  let t0 = now();
  const e = ffast.dlopen(LIB, d);
  const eager = now() - t0;
  if (e.symbols.d0999(5) !== 1004) throw new Error('eager d0999');
  e.close();
  d = defs();
  t0 = now();
  const l = ffast.dlopen(LIB, d, { bind: 'lazy' });
  const lazy = now() - t0;
  t0 = now();
  const one = l.symbols.d0500;
  const first1 = now() - t0;
  t0 = now();
  const two = l.symbols.d0700;
  const first2 = now() - t0;
  t0 = now();
  for (const n of names) l.symbols[n];
  const first = now() - t0;
  if (l.symbols.d0999(5) !== 1004 || one(1) !== 501 || two(1) !== 701) throw new Error('lazy');
  l.close();
  if (r === 0) continue;
  t.eager.push(eager / 1000);
  t.lazy.push(lazy / 1000);
  t.first.push(first / 998);
  t.one.push(first1);
  t.two.push(first2);
}
const stat = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return `${s[0].toFixed(0)} / ${s[Math.floor(s.length / 2)].toFixed(0)}`;
};
console.log(`${process.version}: ns per symbol (min / median of ${ROUNDS} rounds)`);
console.log(`  eager dlopen                      ${stat(t.eager)}`);
console.log(`  lazy dlopen                       ${stat(t.lazy)}`);
console.log(`  lazy first access (998 symbols)   ${stat(t.first)}`);
console.log(`  lazy first access (one symbol)    ${stat(t.one)}`);
console.log(`  lazy second access (one symbol)   ${stat(t.two)}`);
