#!/usr/bin/env node
// A `string` argument by how V8 holds the string (docs/strings.md §5): libc's strlen given a
// literal (flat, sequential one-byte), the same text built per call by a template literal (a cons
// string from 13 characters on), a short template (flat), a cons string built once and reused, a
// template made flat by .normalize(), and two-byte text; and the JS cost of building the template
// alone. In one process, so the rows compare; run it per Node line.
//   node bench/node/string-kinds.js
// ns per call: min of 5 samples of 10^6 calls after warm-up; slow = slow-path calls per call in the
// timed loops (0: V8 fast calls; 1: every call took ffast's slow path).
'use strict';
const path = require('path');
const ROOT = path.resolve(__dirname, '..', '..');
const ffast = require(process.env.FFAST_DIR || `${ROOT}/ffast-node`);
const { strlen } = ffast.dlopen(null, { strlen: { parameters: ['const char*'], result: 'size_t' } }).symbols;
const dir = '/tmp/ffast-strings-' + 'x'.repeat(8); // 27 characters, flat after JSON round trip below
const env = { strlen, dir: JSON.parse(JSON.stringify(dir)), short: 'abc', cons: dir + '/file.txt', twoByte: '/tmp/ffast-strings-日本語日本語日本語/file.txt' };
const rows = {
  'literal (flat)': "strlen('/tmp/ffast-strings-xxxxxxxx/file.txt')",
  'template `${dir}/file.txt` (cons)': 'strlen(`${dir}/file.txt`)',
  'js only: template + .length': '`${dir}/file.txt`.length',
  'short template `${short}/x` (flat)': 'strlen(`${short}/x`)',
  'cons built once, reused': 'strlen(cons)',
  'template + .normalize() (flat)': 'strlen(`${dir}/file.txt`.normalize())',
  'two-byte literal': 'strlen(twoByte)',
};
const N = 1e6;
console.log(`node ${process.version}: ns/call (min of 5 x ${N}), slow calls per call`);
for (const [name, expr] of Object.entries(rows)) {
  const loop = new Function('env', 'n', `const { strlen, dir, short, cons, twoByte } = env; let s = 0; for (let i = 0; i < n; i++) s = (s + Number(${expr})) | 0; return s;`);
  for (let w = 0; w < 30; w++) loop(env, 1e4);
  const best = [];
  const s0 = ffast.__internal.slowCalls();
  for (let r = 0; r < 5; r++) { const t = process.hrtime.bigint(); loop(env, N); best.push(Number(process.hrtime.bigint() - t) / N); }
  const slow = (ffast.__internal.slowCalls() - s0) / (5 * N);
  console.log(`  ${name.padEnd(38)} ${Math.min(...best).toFixed(1).padStart(7)} ns  slow ${slow.toFixed(2)}`);
}
