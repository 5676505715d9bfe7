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
// 10 MB strings) and runs every value in every mode; 'small', the default under an emulated CPU
// (qemu: QEMU_LD_PREFIX or NODE_EXEC_WRAPPER set, as scripts/arm64.sh does), runs every value
// cold and a few core ones hot. FFAST_BAD_INPUT_BLOCKS=a,b runs only those blocks;
// FFAST_BAD_INPUT_JOBS=n children at a time; FFAST_BAD_INPUT_REPORT=file appends every failing
// case as a JSON line.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('./_helpers.js'); // builds the fixture once, before the children start

const EMULATED = Boolean(process.env.QEMU_LD_PREFIX || process.env.NODE_EXEC_WRAPPER);
const LEVEL = ['small', 'ci', 'full'].includes(process.env.FFAST_BAD_INPUT) ? process.env.FFAST_BAD_INPUT : EMULATED ? 'small' : 'ci';
// Under qemu without binfmt_misc a child must be started through the emulator.
const WRAPPER = process.env.NODE_EXEC_WRAPPER;
const CHILD = path.join(__dirname, 'fixture', 'bad_input_child.js');
const TYPES = ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64',
  'pointer', 'function', 'string', 'buffer', 'struct', 'union', 'pointer(T)', 'out(pointer(T))', 'inout(pointer(T))'];
const ALIAS_BLOCKS = ['aliases-0of3', 'aliases-1of3', 'aliases-2of3'];
let BLOCKS = [...TYPES, ...ALIAS_BLOCKS, 'callbacks', 'definitions', 'pollution'];
if (process.env.FFAST_BAD_INPUT_BLOCKS) {
  const want = process.env.FFAST_BAD_INPUT_BLOCKS.split(',');
  BLOCKS = BLOCKS.filter((b) => want.includes(b));
}
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

/** Every unit of a block, resuming after a crashed or hung unit. */
async function runBlock(block) {
  const recs = [];
  let start = 0;
  let total = null;
  for (let restarts = 0; restarts <= MAX_RESTARTS; restarts++) {
    const r = await runChild(block, start);
    let begun = null;
    let ended = false;
    for (const l of r.lines) {
      if (l.units !== undefined) total = l.units;
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
for (const b of BLOCKS) schedule(b); // all start now; the tests below await them in order

// ------------------------------------------------------------------ analysis
const cls = (o) => (o === undefined ? '(none)' : o.split(' ').slice(0, o.startsWith('val') ? 1 : 2).join(' '));
const major = +process.versions.node.split('.')[0];

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

for (const block of BLOCKS) {
  test(`bad input: ${block} [${LEVEL}]`, async (t) => {
    const { recs, total } = await schedule(block);
    const ms = recs.reduce((a, r) => a + (r.ms || 0), 0);
    t.diagnostic(`${recs.filter((r) => r.u !== undefined).length} cases, ${Math.round(ms)} ms inside the child`);
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
