// One (peer, row) measurement in a fresh process. Runs under Node, Deno and Bun:
//   node [--allow-natives-syntax ...] driver.mjs <job-json>
//   deno run --allow-ffi --allow-read --allow-env --v8-flags=--allow-natives-syntax driver.mjs <job-json>
//   bun run driver.mjs <job-json>
// job: { peer, row, n, samples, warmup, sampleMs, root }
// Prints one line `@@RESULT {json}`: { ok, median, min, samples, n, warmupCalls, optimized, ... } (ns per call),
// or { ok: false, unsupported | error }.
//
// Method (same as bench/node/bench.js): one loop function per run built with `new Function` from
// source unique to this process (no shared feedback), int32 accumulator checked against a plain-JS
// reference loop after every chunk and sample, no try/catch around the call. Warm-up: at least
// `warmup` calls (or 0.3 s) in chunks, then until the loop is optimized by the top tier
// (V8: %ActiveTierIsTurbofan; JSC: bun:jsc numberOfDFGCompiles > 0), capped at 2 s / 3e7 calls.
// Calls per sample: `n`, reduced so that one sample takes about `sampleMs` for slow peers.
import { ROW_BY_NAME, STR } from './rows.mjs';
import { PEERS } from './adapters.mjs';
import { CORNERS, refOf } from './corners.mjs';

const argv = globalThis.Deno ? Deno.args : process.argv.slice(2);
const job = JSON.parse(argv[argv.length - 1]);
const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const now = () => Number(process.hrtime.bigint());
const CHUNK = 1e4;

async function tierChecker() {
  if (runtime === 'bun') {
    const jsc = await import('bun:jsc');
    return { name: 'DFG', check: (fn) => jsc.numberOfDFGCompiles(fn) > 0 };
  }
  const f = new Function('fn', 'return %ActiveTierIsTurbofan(fn);');
  return { name: 'TurboFan', check: (fn) => f(fn) };
}

function emit(out) {
  const s = '\n@@RESULT ' + JSON.stringify(out) + '\n';
  if (globalThis.Deno) Deno.stdout.writeSync(new TextEncoder().encode(s));
  else process.stdout.write(s);
}

async function main() {
  const row = ROW_BY_NAME[job.row];
  const peer = PEERS[job.peer];
  const out = { peer: job.peer, row: job.row, runtime, ok: false };
  try {
    if (!peer) throw new Error(`unknown peer ${job.peer}`);
    if (peer.unsupported && peer.unsupported[row.name]) { out.unsupported = peer.unsupported[row.name]; return out; }
    const ctx = makeCtx(job);
    const state = await peer.load(ctx);
    if (row.loop === 'declare') return await declare(out, peer, state, ctx);
    if (row.corner) return await corner(out, peer, state, row, ctx);
    const u8 = ctx.u8;
    const d1 = 1.5, d2 = 2.25, d3 = 0.25;
    const b = await peer.bind(state, row, ctx);
    if (b.unsupported) { out.unsupported = b.unsupported; return out; }
    if (b.note) out.note = b.note;
    const f = b.f;
    const tag = `${job.peer.replace(/\W/g, '_')}_${row.name}_${process.pid}_${Date.now() % 1e6}`;
    // consume expression: void → count; otherwise the adapter's conversion (default: the row's, then r).
    const conv = b.conv || row.conv || 'r';
    const args = b.args !== undefined ? b.args : row.args;
    const refConv = row.refConv || 'r';
    const P = 1; // ptr_ret: the loop adds 1 for a non-NULL pointer
    const jscb = (x) => (x + 1) | 0;
    const refPt = { x: d1, y: d2 };
    const mk = (name, fn, consumeConv, a, extra) => {
      const isAsync = row.loop === 'async';
      const call = `${isAsync ? 'await ' : ''}f(${a})`;
      const consume = row.ret === 'void' ? `${call}; acc = (acc + 1) | 0;` : `const r = ${call}; acc = (acc + (${consumeConv})) | 0;`;
      const src = `// ${name} ${tag}\nreturn ${isAsync ? 'async ' : ''}function ${name}_${tag}(n) {\n  let acc = 0;\n  for (let i = 0; i < n; i++) {\n    ${consume}\n  }\n  return acc;\n};`;
      return new Function('f', 'd1', 'd2', 'd3', 'p', 'u8', 'cb', 'pt', 'aux', 'P', src)(fn, d1, d2, d3, extra.p, extra.u8, extra.cb, extra.pt, extra.aux, P);
    };
    const view = row.view === 'i32' ? new Int32Array(u8.buffer, u8.byteOffset, 16) : u8;
    const loop = mk('loop', f, conv, args, { p: b.p, u8: b.u8 || view, cb: b.cb, pt: b.pt, aux: b.aux });
    const refFn = new Function('u8', 'P', `return ${row.js};`)(u8, P);
    const ref = mk('ref', refFn, refConv, row.args, { p: 0, u8, cb: jscb, pt: refPt, aux: null });
    const isAsync = row.loop === 'async';
    const tier = await tierChecker();
    out.tier = tier.name;

    // Warm-up
    const chunk = isAsync ? 200 : CHUNK;
    const expChunk = await ref(chunk);
    const minWarm = isAsync ? Math.min(job.warmup, 2000) : job.warmup;
    let warm = 0;
    const t0 = now();
    let first = 0;
    for (;;) {
      const c0 = now();
      const a = await loop(chunk);
      if (warm === 0) first = (now() - c0) / chunk;
      if (a !== expChunk) throw new Error(`wrong result in warm-up: ${a} !== ${expChunk}`);
      warm += chunk;
      const el = (now() - t0) / 1e6;
      if (warm >= minWarm || el > 300) {
        if (isAsync || tier.check(loop) || el > 2000 || warm >= 3e7) break;
      }
    }
    out.warmupCalls = warm;
    out.warmupMs = +((now() - t0) / 1e6).toFixed(1);
    out.optimizedBefore = isAsync ? null : tier.check(loop);
    out.firstChunkNs = +first.toFixed(1);
    // Calls per sample: about sampleMs per sample, at most n.
    const c0 = now();
    const a0 = await loop(chunk);
    if (a0 !== expChunk) throw new Error(`wrong result: ${a0} !== ${expChunk}`);
    const est = (now() - c0) / chunk;
    let n = Math.max(chunk, Math.min(job.n, Math.round((job.sampleMs * 1e6) / Math.max(est, 0.05) / chunk) * chunk));
    if (isAsync) n = Math.max(chunk, Math.min(job.asyncN || 20000, n));
    const expN = await ref(n);
    const samples = [];
    for (let s = 0; s < job.samples; s++) {
      const t1 = now();
      const a = await loop(n);
      const t2 = now();
      if (a !== expN) throw new Error(`wrong result: ${a} !== ${expN}`);
      samples.push((t2 - t1) / n);
    }
    out.optimizedAfter = isAsync ? null : tier.check(loop);
    finish(out, samples, n);
  } catch (e) {
    out.error = String((e && e.stack) || e).slice(0, 3000);
  }
  return out;
}

// A corner row (rows.mjs corner: true; bindings in corners.mjs): the binding gives the call source,
// the result's use and closure constants (aux); the reference is bench/node/corners.js's. Task rows
// (kind 'task'): a chunk is one task, about sampleMs per sample, at least 1 task.
async function corner(out, peer, state, row, ctx) {
  const name = job.peer.replace(/-cold$/, '');
  const spec = CORNERS[name];
  let b;
  try {
    if (spec.bind) b = await spec.bind(name === 'ffast' ? { ffast: state } : name === 'js' ? {} : { addon: state }, row.name, ctx);
    else b = await spec.rows[row.name](state, ctx);
  } catch (e) {
    if (e && e.na) { out.unsupported = `n/a: ${e.na}`; return out; }
    throw e;
  }
  if (b.note) out.note = b.note;
  const r = refOf(row.name, ctx);
  const tag = `${job.peer.replace(/\W/g, '_')}_${row.name}_${process.pid}_${Date.now() % 1e6}`;
  const mk = (nm, x) => {
    const aux = x.aux || {};
    const call = x.call || `f(${x.args})`;
    const src = `// ${nm} ${tag}\nconst { ${Object.keys(aux).join(', ')} } = aux;\nreturn function ${nm}_${tag}(n) {\n  let acc = 0;\n  for (let i = 0; i < n; i++) {\n    const r = ${call};\n    acc = (acc + (${x.use || 'r'})) | 0;\n  }\n  return acc;\n};`;
    return new Function('f', 'aux', src)(x.f, aux);
  };
  const loop = mk('loop', b), ref = mk('ref', r);
  const isTask = row.kind === 'task';
  const tier = await tierChecker();
  out.tier = tier.name;
  const chunk = isTask ? 1 : 1000;
  const expChunk = ref(chunk);
  let warm = 0, first = 0;
  const t0 = now();
  for (;;) {
    const c0 = now();
    const a = loop(chunk);
    if (warm === 0) first = (now() - c0) / chunk;
    if (a !== expChunk) throw new Error(`wrong result in warm-up: ${a} !== ${expChunk}`);
    warm += chunk;
    const el = (now() - t0) / 1e6;
    if (isTask ? warm >= 3 || el > 2000 : (warm >= job.warmup || el > 300) && (tier.check(loop) || el > 2000 || warm >= 3e7)) break;
  }
  out.warmupCalls = warm;
  out.warmupMs = +((now() - t0) / 1e6).toFixed(1);
  out.optimizedBefore = isTask ? null : tier.check(loop);
  out.firstChunkNs = +first.toFixed(1);
  if (isTask && first > 5e9) {
    // A peer needing > 5 s per task (ffi-napi: every pointer result costs milliseconds on Node 26)
    // gets its first task as its only sample, so the cell stays within the orchestrator's timeout.
    out.note = `${out.note ? `${out.note}; ` : ''}one task timed (the first: > 5 s per task)`;
    out.optimizedAfter = null;
    finish(out, [first], 1);
    return out;
  }
  const c0 = now();
  if (loop(chunk) !== expChunk) throw new Error('wrong result');
  const est = (now() - c0) / chunk;
  const n = isTask ? Math.max(1, Math.min(5, Math.round((job.sampleMs * 1e6) / est))) : Math.max(chunk, Math.min(job.n, Math.round((job.sampleMs * 1e6) / Math.max(est, 0.05) / chunk) * chunk));
  const expN = ref(n);
  const samples = [];
  for (let s = 0; s < job.samples; s++) {
    const t1 = now();
    const a = loop(n);
    const t2 = now();
    if (a !== expN) throw new Error(`wrong result: ${a} !== ${expN}`);
    samples.push((t2 - t1) / n);
  }
  out.optimizedAfter = isTask ? null : tier.check(loop);
  finish(out, samples, n);
  return out;
}

function finish(out, samples, n) {
  const sorted = [...samples].sort((a, b) => a - b);
  out.samples = samples.map((x) => +x.toFixed(3));
  out.median = +sorted[sorted.length >> 1].toFixed(3);
  out.min = +sorted[0].toFixed(3);
  out.n = n;
  out.ok = true;
}

// Bind 1,000 symbols: one warm-up round (recorded as `first`), then `samples` rounds; ns per symbol.
async function declare(out, peer, state, ctx) {
  if (!peer.declare) { out.unsupported = 'no declare adapter'; return out; }
  const names = Array.from({ length: 1000 }, (_, k) => `d${String(k).padStart(4, '0')}`);
  const once = async () => {
    const t1 = now();
    const r = await peer.declare(state, ctx.declLib, names);
    const t2 = now();
    // check: the bound functions work (outside the timed part)
    const fns = r.fns;
    for (const k of [0, 1, 999]) {
      const v = Number(await r.call(fns[k], 5));
      if (v !== 5 + k) throw new Error(`declare: d${k}(5) = ${v}`);
    }
    if (fns.length !== 1000 || fns.some((x) => !x)) throw new Error('declare: missing symbols');
    if (r.close) await r.close();
    return (t2 - t1) / 1000;
  };
  out.firstRoundNs = +(await once()).toFixed(1);
  const samples = [];
  for (let s = 0; s < Math.max(3, job.samples); s++) samples.push(await once());
  finish(out, samples, 1000);
  return out;
}

function makeCtx(job) {
  const root = job.root;
  const u8 = new Uint8Array(new ArrayBuffer(64)); // off-heap backing store: stable address
  for (let k = 0; k < 64; k++) u8[k] = (k * 7 + 3) & 255;
  return {
    root,
    runtime,
    u8,
    STR,
    lib: `${root}/target/bench/libpeerbench.so`,
    declLib: `${root}/target/bench/libdecl1000.so`,
    cache: `${root}/.cache/peers`,
    jscb: (x) => (x + 1) | 0,
  };
}

main().then((out) => {
  emit(out);
  // Some FFIs keep the event loop alive (callbacks, thread pools): exit explicitly.
  if (globalThis.Deno) Deno.exit(0); else process.exit(0);
}, (e) => {
  emit({ peer: job.peer, row: job.row, ok: false, error: String((e && e.stack) || e) });
  if (globalThis.Deno) Deno.exit(1); else process.exit(1);
});
