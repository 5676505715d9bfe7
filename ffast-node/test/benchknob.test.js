'use strict';
// FFAST_BENCH_NOPS=k (bench/node/phase.sh) puts k NOPs at the entry of every fast trampoline.
// The trampolines must still be right with them: the many-argument suite (register shifts, stack
// moves, framed trampolines with strings/buffers, 64-bit result conversion; every case cold and
// hot, fast calls proven) runs in a child with the knob set, and the code listed by
// FFAST_DEBUG=asm must be the unpadded code with exactly k NOPs in front.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const h = require('./_helpers.js');

const K = 7;
// Under qemu without binfmt_misc a child node starts through the emulator, and a child test
// runner must not spawn its own children (it runs the file in-process).
const wrapper = process.env.NODE_EXEC_WRAPPER;
const run = (args, env) =>
  spawnSync(wrapper || process.execPath, wrapper ? [process.execPath, ...args] : args, {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240e3,
  });

test(`FFAST_BENCH_NOPS=${K}: the many-argument suite passes cold and hot`, () => {
  const inProcess = wrapper ? ['--experimental-test-isolation=none'] : [];
  const r = run([...inProcess, '--test', '--test-reporter=dot', path.join(__dirname, 'manyargs.test.js')], { FFAST_BENCH_NOPS: String(K) });
  assert.equal(r.status, 0, `manyargs with the knob failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
});

test(`FFAST_BENCH_NOPS=${K}: every listed trampoline is the plain one behind ${K} NOPs`, () => {
  const src = `
    const h = require(${JSON.stringify(require.resolve('./_helpers'))});
    const T = (parameters, result) => ({ parameters, result });
    h.openFixture({ sum_i32_8: T(Array(8).fill('i32'), 'i32'), sum_i64_10: T(Array(10).fill('i64'), 'i64'),
      u64_stack_poly: T(Array(9).fill('u64'), 'u64') });`;
  const listing = (env) => {
    const r = run(['-e', src], { FFAST_DEBUG: 'asm', ...env });
    assert.equal(r.status, 0, r.stderr);
    const m = new Map();
    for (const l of r.stderr.split('\n')) {
      const x = /^ffast: trampoline (\S+) \(\d+ bytes\): (.*)$/.exec(l);
      if (x && /^(sum_i32_8|sum_i64_10|u64_stack_poly)$/.test(x[1])) m.set(x[1], x[2]);
    }
    return m;
  };
  const plain = listing({ FFAST_BENCH_NOPS: '' });
  const padded = listing({ FFAST_BENCH_NOPS: String(K) });
  assert.equal(plain.size, 3, `expected 3 fast trampolines listed, got ${[...plain.keys()]}`);
  const nop = process.arch === 'arm64' ? '1f 20 03 d5' : '90';
  const pre = Array(K).fill(nop).join(' ');
  for (const [name, code] of plain) {
    const got = padded.get(name) || '';
    assert.ok(got.startsWith(`${pre} `), `${name}: does not start with ${K} NOPs: ${got}`);
    // The rest is the same code. The two listings come from two processes, so the absolute
    // addresses the code embeds (C target, result slot) differ: bytes may differ only in runs
    // of at most 8 (one address each), and in a few of them.
    const a = got.slice(pre.length + 1).split(' '), b = code.split(' ');
    assert.equal(a.length, b.length, `${name}: ${a.length} bytes after the NOPs, ${b.length} without`);
    const runs = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const last = runs[runs.length - 1];
      if (last && i - last.end <= 8 && i - last.start < 8) last.end = i;
      else runs.push({ start: i, end: i });
    }
    assert.ok(runs.length <= 3 && runs.every((r) => r.end - r.start < 8), `${name}: differs beyond addresses:\n${got}\n${code}`);
  }
});
