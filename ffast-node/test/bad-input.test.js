'use strict';
// The bad-input matrix (issue 15 §3): every parameter type (the scalars, pointer, function,
// string, buffer, a struct and a union by value, pointer(T), out(pointer(T)), inout(pointer(T)),
// and the C spellings) × a catalogue of hostile JS values (fixture/bad_input_cases.js), each
// called
//   cold            from the interpreter (the slow path),
//   hot-good        from a fresh caller optimized by TurboFan on good values (fast path checked
//                   with the slow-call counter), then given the bad value, inside its own
//                   try/catch,
//   hot-good-notry  the same without a try/catch in the optimized caller (Node 22 never makes
//                   a fast call inside try, so this is where its fast path meets the bad value),
//   hot-bad         from a fresh caller optimized on the bad value itself, inside its own try/catch;
// plus wrong argument counts, callback results of every result type returning each hostile
// value, and hostile definitions (fixture/bad_input_defs.js), also under Object.prototype
// pollution.
//
// Asserted per case: the outcome (the value C echoes back, or the error's class and code) equals
// the model's (bad_input_cases.js, written from the README; the rules it adds are listed there)
// in every mode, FfastError messages are identical across modes, the caller's own catch is
// reached, repeated calls agree, scalar/pointer/string/buffer conversions run none of the value's
// own code, and the process never crashes: every block runs in a child process that reports
// each case before running it, so a crash (or a hang) fails that one case by name and the block
// resumes after it.
//
// docs/bad-input-matrix.md describes the matrix, its rules and the V8 behaviour it relies on.
//
// Size (FFAST_BAD_INPUT): 'ci' (default) runs every value cold and hot, with the sampling
// bad_input_child.js modesFor describes; 'full' adds values (more typed-array variants, more
// 10 MB strings) and runs every value in every mode. Under an emulated CPU (qemu: QEMU_LD_PREFIX
// or NODE_EXEC_WRAPPER set, as scripts/arm64.sh does), where one TurboFan compile costs ~0.1 s,
// the default is 'small' on one line (EMULATED_FULL_LINE) — every value cold, 13 core values
// hot — and 'lite' on the others: every value cold too, hot only the 10 core values that reach
// a native fast path (bad_input_cases.js LITE), argument counts cold, and the definitions
// proven fast calls on their first bindings only (see EMULATED_FULL_LINE for what that keeps).
// FFAST_BAD_INPUT_BLOCKS=a,b runs only those blocks; FFAST_BAD_INPUT_JOBS=n children at a time;
// FFAST_BAD_INPUT_REPORT=file appends every failing case as a JSON line.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./_helpers.js'); // builds the fixture once, before the children start

const major = +process.versions.node.split('.')[0];
const EMULATED = Boolean(process.env.QEMU_LD_PREFIX || process.env.NODE_EXEC_WRAPPER);
/**
 * Under emulation (arm64 under qemu in CI, three lines), the whole 'small' matrix runs on this
 * line and 'lite' on the others, to keep each line's share of CI's budget near a minute and a
 * half on 2 cores. What emulation adds over x64 is what is compiled for the CPU: the arm64
 * trampolines, the native conversions built for arm64, V8's arm64 code around fast calls, and
 * the AAPCS64 calling convention of the C fixture (struct/union by value, narrow integers,
 * pointer(T) blocks). 'lite' keeps all of that for every parameter type on every line: every
 * value cold (the native slow-path conversion of each), and hot every value kind that reaches
 * native code on a fast path. What it leaves out is decided in JS before any native code runs
 * (argument counts, three more objects of the wrong kind), proven hot on every x64 line and on
 * this one. The newest line runs 'small': the fast-call API changed most there (V8 14).
 */
const EMULATED_FULL_LINE = 26;
const LEVELS = ['lite', 'small', 'ci', 'full'];
const LEVEL = LEVELS.includes(process.env.FFAST_BAD_INPUT) ? process.env.FFAST_BAD_INPUT
  : EMULATED ? (major === EMULATED_FULL_LINE ? 'small' : 'lite') : 'ci';
// Under qemu without binfmt_misc a child must be started through the emulator.
const WRAPPER = process.env.NODE_EXEC_WRAPPER;
const CHILD = path.join(__dirname, 'fixture', 'bad_input_child.js');
const TYPES = ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64',
  'pointer', 'function', 'string', 'buffer', 'struct', 'struct result target', 'union', 'pointer(T)', 'out(pointer(T))',
  'inout(pointer(T))'];
const ALIAS_BLOCKS = ['aliases-0of3', 'aliases-1of3', 'aliases-2of3'];
let BLOCKS = [...TYPES, ...ALIAS_BLOCKS, 'callbacks', 'definitions', 'pollution'];
if (process.env.FFAST_BAD_INPUT_BLOCKS) {
  const want = process.env.FFAST_BAD_INPUT_BLOCKS.split(',');
  BLOCKS = BLOCKS.filter((b) => want.includes(b));
}
/**
 * The blocks a child process runs one after the other. Natively one each (a crash costs one
 * block's restart, and blocks cannot disturb each other). Under emulation a child's start
 * (Node under qemu, loading ffast and the fixture, building the catalogue) costs ~2 s of CPU,
 * more than most blocks' cases, so blocks share children — longest group first. Within a group
 * 'struct result target' and out(pointer(T)) come last: their stores reach objects every block
 * shares (globalThis, the Callbacks), and a block after them would see those changed; definitions and pollution keep a
 * child of their own (they absorb late uncaught errors of callbacks without onError).
 */
const EMULATED_GROUPS = [
  ['string', 'buffer', 'struct', 'union', 'pointer(T)', 'struct result target', 'out(pointer(T))'],
  ['i64', 'u64', 'isize', 'usize', 'f32', 'f64', 'pointer', 'function'],
  ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32'],
  ['inout(pointer(T))', ...ALIAS_BLOCKS, 'callbacks'],
  ['definitions', 'pollution'],
];
const GROUPS = (EMULATED && !process.env.FFAST_BAD_INPUT_UNGROUPED ? EMULATED_GROUPS : BLOCKS.map((b) => [b]))
  .map((g) => g.filter((b) => BLOCKS.includes(b)))
  .filter((g) => g.length > 0);
const groupOf = new Map();
for (const g of GROUPS) for (const b of g) groupOf.set(b, g.join(','));
const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
const JOBS = Number(process.env.FFAST_BAD_INPUT_JOBS) || Math.max(2, Math.min(4, cpus));
/** A child that prints nothing for this long is hung (a deadlock, not slowness: the slowest
 * unit, a 10 MB string 14 times, takes well under a second). */
const SILENCE_MS = 120000;
const MAX_RESTARTS = 200;

/** Run one child from unit `start`; resolves with its report lines and how it ended. */
function runChild(block, start) {
  return new Promise((resolve) => {
    const argv = [CHILD, block, String(start), LEVEL];
    const child = spawn(WRAPPER || process.execPath, WRAPPER ? [process.execPath, ...argv] : argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let hung = false;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, SILENCE_MS);
    };
    arm();
    child.stdout.on('data', (d) => {
      out += d;
      arm();
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = [];
      for (const l of out.split('\n')) {
        if (!l) continue;
        try {
          lines.push(JSON.parse(l));
        } catch {
          // a partial last line of a crashed child
        }
      }
      resolve({ lines, code, signal, hung, stderr: err });
    });
  });
}

/** Every unit of a group of blocks (a,b,…), resuming after a crashed or hung unit; `total`:
 * units per block. */
async function runBlock(block) {
  const recs = [];
  let start = 0;
  let total = null;
  for (let restarts = 0; restarts <= MAX_RESTARTS; restarts++) {
    const r = await runChild(block, start);
    let begun = null;
    let ended = false;
    for (const l of r.lines) {
      if (l.units !== undefined) total = l.perBlock;
      else if (l.end) ended = true;
      else if (l.fatal) recs.push({ fatal: l.fatal, type: block });
      else if (l.begin) begun = l;
      else if (l.u !== undefined) {
        recs.push(l);
        if (begun && begun.u === l.u) begun = null;
      }
    }
    if (ended && r.code === 0) return { recs, total };
    if (!begun) {
      recs.push({ fatal: `child exited (code ${r.code}, signal ${r.signal}) outside any case: ${r.stderr.slice(-2000)}`, type: block });
      return { recs, total };
    }
    const stderr = r.stderr.split('\n').filter(Boolean).slice(-6).join(' ⏎ ');
    recs.push({ ...begun, begin: undefined, crash: r.hung ? `hung (no output for ${SILENCE_MS / 1000} s)` : `exit code ${r.code}, signal ${r.signal}`, stderr });
    start = begun.u + 1;
  }
  recs.push({ fatal: `more than ${MAX_RESTARTS} crashes`, type: block });
  return { recs, total };
}

const started = new Map();
let running = 0;
const queue = [];
function schedule(block) {
  if (!started.has(block)) {
    started.set(block, new Promise((resolve, reject) => queue.push({ block, resolve, reject })));
    pump();
  }
  return started.get(block);
}
function pump() {
  while (running < JOBS && queue.length) {
    const { block, resolve, reject } = queue.shift();
    running++;
    runBlock(block)
      .then(resolve, reject)
      .finally(() => {
        running--;
        pump();
      });
  }
}
for (const g of GROUPS) schedule(g.join(',')); // all start now; the tests below await them in order

// ------------------------------------------------------------------ analysis
const cls = (o) => (o === undefined ? '(none)' : o.split(' ').slice(0, o.startsWith('val') ? 1 : 2).join(' '));

/** The problems of one block's records: [{ kind, key, detail }]. */
function problems(recs) {
  const out = [];
  const p = (kind, r, detail) => out.push({ kind, type: r.type, mode: r.mode, value: r.value, detail });
  const byValue = new Map();
  for (const r of recs) {
    if (r.fatal) {
      out.push({ kind: 'fatal', type: r.type, mode: '', value: '', detail: r.fatal });
      continue;
    }
    if (r.crash) {
      p('crash', r, `${r.crash}${r.stderr ? ` — ${r.stderr}` : ''}`);
      continue;
    }
    if (r.harness) {
      p('harness error', r, r.harness.split('\n').slice(0, 4).join(' ⏎ '));
      continue;
    }
    if ('ok' in r) {
      if (!r.ok) p('definition', r, `got ${r.out}${r.msg ? ` (${r.msg})` : ''}, expected ${r.exp}`);
      continue;
    }
    if (r.out !== r.exp) p('wrong outcome', r, `got ${r.out}${r.msg ? ` (${r.msg})` : ''}; expected ${r.exp}`);
    if (r.escaped) p('escaped the local catch', r, `outcome ${r.out}`);
    if (r.unstable) p('differs between calls', r, `measured ${r.out}; other calls: ${r.unstable.join(' / ')}`);
    if (r.r1 && r.touched > 0) p('ran the value\'s own code', r, `${r.touched} getter/valueOf/trap runs; outcome ${r.out}`);
    if (r.goodOk && r.expectFast === true && (r.slow !== 0 || !r.tier)) {
      p('precondition: good call not fast', r, `slowCalls +${r.slow}, TurboFan ${r.tier} (node ${major})`);
    }
    if (r.goodOk && r.expectFast === 'slow' && r.slow !== 1) p('precondition: good call not slow', r, `slowCalls +${r.slow}`);
    if (r.wrapperOptimized) p('precondition: cold call not cold', r, 'the wrapper was optimized code during the cold call');
    const k = `${r.type}\u0000${r.value}`;
    if (!byValue.has(k)) byValue.set(k, []);
    byValue.get(k).push(r);
  }
  for (const rs of byValue.values()) {
    const outs = new Set(rs.map((r) => `${r.out}\u0000${r.out.startsWith('val') ? '' : r.msg}`));
    if (outs.size > 1) {
      out.push({ kind: 'modes differ', type: rs[0].type, mode: '', value: rs[0].value,
        detail: rs.map((r) => `${r.mode}: ${r.out}${r.msg ? ` (${r.msg})` : ''}`).join(' | ') });
    }
  }
  return out;
}

/** A readable listing: grouped by kind, type and outcome class; per value the modes it failed in. */
function listing(ps, recs) {
  const groups = new Map();
  for (const x of ps) {
    const r = recs.find((y) => y.type === x.type && y.value === x.value && y.mode === x.mode) || {};
    const key = `[${x.kind}] ${x.type}${r.exp !== undefined && x.kind === 'wrong outcome' ? `: expected ${cls(r.exp)}, got ${cls(r.out)}` : ''}`;
    if (!groups.has(key)) groups.set(key, new Map());
    const values = groups.get(key);
    if (!values.has(x.value)) values.set(x.value, { modes: [], detail: x.detail });
    if (x.mode) values.get(x.value).modes.push(x.mode);
  }
  const lines = [];
  for (const [key, values] of groups) {
    lines.push(`${key} (${values.size} value${values.size === 1 ? '' : 's'})`);
    let n = 0;
    for (const [value, { modes, detail }] of values) {
      if (n++ === 15) {
        lines.push(`    … and ${values.size - 15} more`);
        break;
      }
      const it = `${value}${modes.length ? ` [${modes.join(', ')}]` : ''}: ${detail}`;
      lines.push(`    ${it.length > 400 ? `${it.slice(0, 400)}…` : it}`);
    }
  }
  return lines.join('\n');
}

/** What a block ran: cases per mode ("cold 285, hot-good 13, …"), for the log. */
function coverage(recs) {
  const n = new Map();
  for (const r of recs) if (r.u !== undefined) n.set(r.mode, (n.get(r.mode) || 0) + 1);
  return [...n].map(([m, k]) => `${m} ${k}`).join(', ');
}

let said = false;
for (const block of BLOCKS) {
  test(`bad input: ${block} [${LEVEL}]`, async (t) => {
    if (!said) {
      said = true;
      t.diagnostic(`size '${LEVEL}' on Node ${major}${EMULATED ? ` (emulated CPU; '${EMULATED_FULL_LINE === major ? 'small' : 'lite'}' by default here, 'small' on Node ${EMULATED_FULL_LINE})` : ''}; ${GROUPS.length} child process group(s)`);
    }
    const group = await schedule(groupOf.get(block));
    // this block's records (a child-level failure belongs to every block of its group)
    const recs = group.recs.filter((r) => r.block === block || r.fatal !== undefined);
    const total = group.total === null || group.total === undefined ? null : group.total[block];
    const ms = recs.reduce((a, r) => a + (r.ms || 0), 0);
    t.diagnostic(`${recs.filter((r) => r.u !== undefined).length} cases (${coverage(recs)}), ${Math.round(ms)} ms inside the child`);
    const ps = problems(recs);
    if (process.env.FFAST_BAD_INPUT_REPORT && ps.length) {
      fs.appendFileSync(process.env.FFAST_BAD_INPUT_REPORT,
        ps.map((x) => JSON.stringify({ node: process.version, block, ...x })).join('\n') + '\n');
    }
    const cases = recs.filter((r) => r.u !== undefined).length;
    assert.ok(total !== null && total > 0, `${block}: the child reported no cases`);
    assert.ok(ps.length === 0, `${block}: ${ps.length} problem(s) in ${cases} of ${total} cases (node ${process.version}):\n${listing(ps, recs)}`);
    assert.equal(cases, total, `${block}: ${cases} of ${total} cases reported`);
  });
}
