// Orchestrator of the peer benchmark (run by bench/peers/run.sh under Node 26 after setup.sh).
//   node bench/peers/run.mjs [--quick] [--runs=3] [--samples=5] [--rows=a,b] [--peers=a,b] [--out=bench/results] [--merge=prev.json]
// Every (peer, row) cell runs in a fresh process (driver.mjs, or the C floor binary), `runs` times,
// interleaved run-major so that drifts of the noisy VM hit every peer alike. A cell's value is the
// median of its per-process medians (ns per call), with the min of the mins.
// Writes <out>/<host>.json, <out>/<host>.md and (bench/chart/svg.js) <out>/<host>.svg.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ROWS, ROW_BY_NAME } from './rows.mjs';
import { PEERS } from './adapters.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const CACHE = path.join(ROOT, '.cache', 'peers');
const BIN = path.join(CACHE, 'node_modules', '.bin');
const NODE = process.execPath;

const ARGS = Object.fromEntries(process.argv.slice(2).map((a) => { const m = /^--([^=]+)(?:=(.*))?$/.exec(a); return m ? [m[1], m[2] ?? true] : [a, true]; }));
const QUICK = !!ARGS.quick;
const RUNS = Number(ARGS.runs || (QUICK ? 1 : 3));
const SAMPLES = Number(ARGS.samples || (QUICK ? 3 : 5));
const N = Number(ARGS.n || 2e6);
const WARMUP = Number(ARGS.warmup || 3e5);
const SAMPLE_MS = Number(ARGS['sample-ms'] || (QUICK ? 30 : 60));
const OUTDIR = path.resolve(ROOT, ARGS.out || 'bench/results');
const rows = ARGS.rows ? String(ARGS.rows).split(',').map((r) => ROW_BY_NAME[r] || die(`unknown row ${r}`)) : ROWS;
const peerNames = ARGS.peers ? String(ARGS.peers).split(',') : Object.keys(PEERS);
for (const p of peerNames) if (!PEERS[p]) die(`unknown peer ${p}; peers: ${Object.keys(PEERS).join(',')}`);
function die(m) { console.error(m); process.exit(2); }

// ---- what cannot run at all (recorded per peer) ----------------------------------------------
const cannot = {};
const status = fs.existsSync(path.join(CACHE, 'status.json')) ? JSON.parse(fs.readFileSync(path.join(CACHE, 'status.json'), 'utf8')) : {};
if (status['ffi-napi'] && !status['ffi-napi'].ok) cannot['ffi-napi'] = `cannot run: ffi-napi ${status['ffi-napi'].status}`;
if (!fs.existsSync(path.join(ROOT, 'ffast-node', 'ffast.node'))) cannot.ffast = cannot['ffast-cold'] = 'cannot run: ffast not built (bash ffast-node/build.sh)';
if (Number(process.versions.node.split('.')[0]) < 26) cannot['node:ffi'] = `cannot run: node:ffi needs Node >= 26 (this is ${process.version})`;
const DENO = path.join(BIN, 'deno'), BUN = path.join(BIN, 'bun'), CFLOOR = path.join(ROOT, 'target', 'bench', 'cfloor');
const tryRun = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(); } catch (e) { return null; } };
const denoV = tryRun(DENO, ['--version']);
const bunV = tryRun(BUN, ['--version']);
if (!denoV) cannot.deno = `cannot run: ${DENO} --version failed`;
if (!bunV) cannot.bun = `cannot run: ${BUN} --version failed`;
if (!fs.existsSync(CFLOOR)) cannot.c = 'cannot run: target/bench/cfloor missing (bench/peers/setup.sh)';
// Debian libraries of the whole-task rows: a missing one makes its row's cells "cannot run" (the
// N-API addon's syslib() tries the same dlopen the baselines use and says why it failed).
const libMissing = {};
{
  const SYSLIBS = createRequire(import.meta.url)('../tasks.cjs').SYSLIBS;
  let addon = null;
  try { addon = createRequire(import.meta.url)(path.join(ROOT, 'target', 'bench', 'napi.node')); } catch { /* reported per row below */ }
  for (const [k, v] of Object.entries(SYSLIBS)) {
    const why = addon ? addon.syslib(k) : 'target/bench/napi.node missing (bench/build.sh)';
    if (why !== undefined) libMissing[k] = `cannot run: library missing: ${v.soname} (Debian package ${v.pkg}): ${why}`;
  }
}

// ---- one cell ----------------------------------------------------------------------------------
function runCell(peerName, row) {
  const peer = PEERS[peerName];
  const job = { peer: peerName, row: row.name, n: N, samples: SAMPLES, warmup: WARMUP, sampleMs: SAMPLE_MS, root: ROOT, asyncN: QUICK ? 5000 : 20000 };
  let cmd, args;
  if (peer.runtime === 'c') {
    cmd = CFLOOR;
    args = [path.join(ROOT, 'target/bench/libpeerbench.so'), path.join(ROOT, 'target/bench/libdecl1000.so'), row.name, String(row.loop === 'declare' ? 5 : N), String(SAMPLES)];
  } else if (peer.runtime === 'deno') {
    cmd = DENO;
    args = ['run', '--quiet', '--no-prompt', '--allow-ffi', '--allow-read', '--allow-env', '--v8-flags=--allow-natives-syntax', path.join(HERE, 'driver.mjs'), JSON.stringify(job)];
  } else if (peer.runtime === 'bun') {
    cmd = BUN;
    args = ['run', path.join(HERE, 'driver.mjs'), JSON.stringify(job)];
  } else {
    cmd = NODE;
    args = ['--allow-natives-syntax', ...peer.flags, path.join(HERE, 'driver.mjs'), JSON.stringify(job)];
  }
  const env = { ...process.env, DENO_DIR: path.join(CACHE, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 180e3, env });
  const m = peer.runtime === 'c' ? /^(\{.*\})\s*$/m.exec(r.stdout || '') : /@@RESULT (.*)/.exec(r.stdout || '');
  let res;
  if (m) res = JSON.parse(m[1]);
  else res = { ok: false, error: `exit status=${r.status} signal=${r.signal}${r.error ? ' ' + r.error.message : ''}\n${(r.stderr || '').slice(-1500)}` };
  res.wallMs = Date.now() - t0;
  return res;
}

// ---- main loop -----------------------------------------------------------------------------------
const cells = {};
for (const row of rows) { cells[row.name] = {}; for (const p of peerNames) cells[row.name][p] = []; }
const staticReason = (p, row) => cannot[p] || (row.lib && libMissing[row.lib]) || (PEERS[p].unsupported && PEERS[p].unsupported[row.name]);
const t0 = Date.now();
console.error(`peer benchmark: ${rows.length} rows x ${peerNames.length} peers x ${RUNS} run(s), ${SAMPLES} samples each${QUICK ? ' (quick)' : ''}`);
for (let run = 0; run < RUNS; run++) {
  for (const row of rows) {
    // rotate the peer order per run and row so no peer always follows the same neighbour
    const k = (run + ROWS.indexOf(row)) % peerNames.length;
    const order = [...peerNames.slice(k), ...peerNames.slice(0, k)];
    for (const p of order) {
      if (staticReason(p, row)) continue;
      const res = runCell(p, row);
      cells[row.name][p].push(res);
      const show = res.ok ? `${res.median.toFixed(2)} ns (min ${res.min.toFixed(2)})${res.optimizedAfter === false ? ' [not optimized]' : ''}`
        : res.unsupported ? `unsupported` : `ERROR ${String(res.error).split('\n')[0].slice(0, 120)}`;
      console.error(`  [${run + 1}/${RUNS} ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${row.name.padEnd(10)} ${p.padEnd(10)} ${show}`);
    }
  }
}

// ---- aggregate -----------------------------------------------------------------------------------
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const results = {};
for (const row of rows) {
  results[row.name] = {};
  for (const p of peerNames) {
    const reason = staticReason(p, row);
    if (reason) { results[row.name][p] = { status: reason.startsWith('cannot run') ? 'cannot-run' : 'unsupported', reason }; continue; }
    const rs = cells[row.name][p];
    const uns = rs.find((x) => x.unsupported);
    if (uns) { results[row.name][p] = { status: 'unsupported', reason: uns.unsupported }; continue; }
    const bad = rs.find((x) => !x.ok);
    if (bad) { results[row.name][p] = { status: 'error', reason: String(bad.error).slice(0, 1500), runs: rs }; continue; }
    const c = {
      status: 'ok',
      median: +med(rs.map((x) => x.median)).toFixed(3),
      min: +Math.min(...rs.map((x) => x.min)).toFixed(3),
      runMedians: rs.map((x) => x.median),
      optimized: rs.every((x) => x.optimizedAfter !== false),
      callsPerSample: rs.map((x) => x.n),
    };
    if (rs[0].note) c.note = rs[0].note;
    if (rs[0].firstRoundNs !== undefined) c.firstRoundNs = +med(rs.map((x) => x.firstRoundNs)).toFixed(1);
    results[row.name][p] = c;
  }
}

// ---- --merge=PREV.json: the rows run now replace theirs in an earlier full run -------------------
// (a change that moves a few rows re-runs only those; the table says which rows came from when)
let prev = null;
if (ARGS.merge) {
  prev = JSON.parse(fs.readFileSync(path.resolve(ROOT, String(ARGS.merge)), 'utf8'));
  const merged = {};
  for (const r of ROWS) {
    // per cell: a peer not re-run keeps its earlier cell
    if (results[r.name] || prev.results[r.name]) merged[r.name] = { ...(prev.results[r.name] || {}), ...(results[r.name] || {}) };
  }
  for (const k of Object.keys(results)) delete results[k];
  Object.assign(results, merged);
}
const allRows = ROWS.filter((r) => results[r.name]);

// ---- metadata ------------------------------------------------------------------------------------
const cpuinfo = tryRun('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-"]) || (os.cpus()[0] || {}).model;
const pkgV = (n) => { try { return JSON.parse(fs.readFileSync(path.join(CACHE, 'node_modules', n, 'package.json'), 'utf8')).version; } catch { return null; } };
const git = tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
const gitDirty = tryRun('git', ['-C', ROOT, 'status', '--porcelain', '--', 'ffast-core', 'ffast-node', 'ffast-abi-sysv64']);
const host = os.hostname().replace(/[^\w.-]/g, '_');
const meta = {
  host,
  date: new Date().toISOString(),
  cpu: (cpuinfo || 'unknown').trim(),
  cores: os.cpus().length,
  platform: `${process.platform}-${process.arch}`,
  kernel: os.release(),
  loadavgAtEnd: os.loadavg(),
  runtimes: {
    node: process.version, v8: process.versions.v8,
    deno: denoV ? denoV.split('\n').join('; ') : null,
    bun: bunV,
    gcc: tryRun('gcc', ['-dumpfullversion']),
  },
  packages: {
    ffast: `${JSON.parse(fs.readFileSync(path.join(ROOT, 'ffast-node', 'package.json'), 'utf8')).version} (git ${git}${gitDirty ? ', uncommitted changes' : ''})`,
    koffi: pkgV('koffi'), 'ffi-rs': pkgV('ffi-rs'), 'ffi-napi': pkgV('ffi-napi'), 'ref-napi': pkgV('ref-napi'), 'ref-struct-di': pkgV('ref-struct-di'),
    deno: pkgV('deno'), bun: pkgV('bun'),
  },
  ffiNapiBuild: status['ffi-napi'] || null,
  method: {
    runs: RUNS, samples: SAMPLES, maxCallsPerSample: N, targetSampleMs: SAMPLE_MS, warmupMinCalls: WARMUP, quick: QUICK,
    text: 'fresh process per (peer, row, run); loop built from unique source; int32 accumulator checked against a plain-JS reference; ' +
      'warm-up >= warmupMinCalls (or 0.3 s) then until the loop runs in the top tier (V8 TurboFan via %ActiveTierIsTurbofan, JSC DFG via bun:jsc), cap 2 s; ' +
      'calls per sample reduced for slow peers to about targetSampleMs; cell = median of per-process medians (ns/call), min = min of mins. ' +
      'declare: ns per symbol for dlopen + binding 1,000 int32(int32) symbols + close, rounds after one warm-up round.',
  },
  peers: Object.fromEntries(peerNames.map((p) => [p, { label: PEERS[p].label, runtime: PEERS[p].runtime, flags: PEERS[p].flags }])),
  rows: Object.fromEntries(allRows.map((r) => [r.name, { kind: r.kind, note: r.note || null, sym: r.sym || null }])),
  wallSeconds: Math.round((Date.now() - t0) / 1000),
};
if (prev) {
  meta.peers = { ...prev.meta.peers, ...meta.peers };
  meta.merged = { rerunRows: rows.map((r) => r.name), rerunGit: meta.packages.ffast, rerunDate: meta.date, rerunLoadavgAtEnd: meta.loadavgAtEnd,
    baseGit: prev.meta.packages.ffast, baseDate: prev.meta.date, baseLoadavgAtEnd: prev.meta.loadavgAtEnd, baseWallSeconds: prev.meta.wallSeconds };
}

// ---- bars ----------------------------------------------------------------------------------------
const ok = (r, p) => results[r] && results[r][p] && results[r][p].status === 'ok';
const v = (r, p) => results[r][p].median;
const bars = { beatsNodePeers: [], nearFastapi: [], denoBunFaster: [], issue13: [] };
for (const row of allRows) {
  const r = row.name;
  for (const p of ['koffi', 'node:ffi', 'ffi-rs', 'ffi-napi']) {
    if (!ok(r, p)) continue;
    if (!ok(r, 'ffast')) { bars.notComparable = bars.notComparable || []; bars.notComparable.push({ row: r, peer: p, why: `ffast: ${results[r].ffast ? results[r].ffast.reason || results[r].ffast.status : 'not run'}` }); continue; }
    const q = v(r, p) / v(r, 'ffast');
    bars.beatsNodePeers.push({ row: r, peer: p, kind: row.kind, ratio: +q.toFixed(2), pass: v(r, 'ffast') < v(r, p) });
  }
  // an n/a ffast cell (a capability not there yet) is listed as not comparable, not failed
  if (row.kind === 'scalar' && ok(r, 'fastapi') && !(results[r].ffast && results[r].ffast.status === 'unsupported')) {
    const q = ok(r, 'ffast') ? v(r, 'ffast') / v(r, 'fastapi') : Infinity;
    bars.nearFastapi.push({ row: r, ratio: +q.toFixed(3), pass: q <= 1.15 });
  }
  for (const p of ['deno', 'bun']) {
    if (ok(r, p) && ok(r, 'ffast') && v(r, p) < v(r, 'ffast')) bars.denoBunFaster.push({ row: r, peer: p, ratio: +(v(r, 'ffast') / v(r, p)).toFixed(2) });
  }
}
// Issue 13's row bars: a string result <= 0.5x koffi; a BigInt pointer <= 1.3x the Number call.
if (ok('str_ret', 'ffast') && ok('str_ret', 'koffi')) {
  const q = v('str_ret', 'ffast') / v('str_ret', 'koffi');
  bars.issue13.push({ row: 'str_ret', check: 'ffast <= 0.5x koffi', ratio: +q.toFixed(3), pass: q <= 0.5 });
}
if (ok('ptr_bigint', 'ffast') && ok('ptr_arg', 'ffast')) {
  const q = v('ptr_bigint', 'ffast') / v('ptr_arg', 'ffast');
  bars.issue13.push({ row: 'ptr_bigint', check: 'ffast <= 1.3x ffast ptr_arg', ratio: +q.toFixed(3), pass: q <= 1.3 });
}

const json = { meta, results, bars };
fs.mkdirSync(OUTDIR, { recursive: true });
const base = path.join(OUTDIR, QUICK && !ARGS.out ? `${host}-quick` : host);
fs.writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + '\n');

// ---- markdown ------------------------------------------------------------------------------------
const md = renderMarkdown(json);
fs.writeFileSync(`${base}.md`, md);
console.log(md);
const svg = spawnSync(NODE, [path.join(ROOT, 'bench', 'chart', 'svg.js'), `${base}.json`, `${base}.svg`], { encoding: 'utf8' });
if (svg.status !== 0) console.error(`chart failed: ${svg.stderr}`);
console.log(`wrote ${path.relative(ROOT, base)}.json, .md, .svg (${meta.wallSeconds} s)`);

export function renderMarkdown(j) {
  const { meta: M, results: R, bars: B } = j;
  const peers = Object.keys(M.peers);
  const rowNames = Object.keys(R);
  const reasons = [];
  const foot = (s) => { let k = reasons.indexOf(s); if (k < 0) { reasons.push(s); k = reasons.length - 1; } return k + 1; };
  const fmtNs = (x, r) => (M.rows[r] && M.rows[r].kind === 'task' ? `${(x / 1e6).toFixed(x >= 1e8 ? 0 : 1)} ms` : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const fmtQ = (q) => (q >= 100 ? q.toFixed(0) : q >= 10 ? q.toFixed(1) : q.toFixed(2));
  const L = [];
  L.push(`### FFI peers: ns per call (median of ${M.method.runs} fresh processes × ${M.method.samples} samples; lower is better)`);
  L.push('');
  L.push(`${M.cpu} (${M.cores} cores), ${M.platform}; Node ${M.runtimes.node} (V8 ${M.runtimes.v8}), ${(M.runtimes.deno || 'deno ?').split(';')[0]}, bun ${M.runtimes.bun}; ` +
    `koffi ${M.packages.koffi}, ffi-rs ${M.packages['ffi-rs']}, ffi-napi ${M.packages['ffi-napi']}; ffast ${M.packages.ffast}; ${M.date.slice(0, 10)}.`);
  if (M.merged) L.push(`Rows ${M.merged.rerunRows.join(', ')} re-run on ${M.merged.rerunDate.slice(0, 16)} (ffast ${M.merged.rerunGit}); the others from the full run of ${M.merged.baseDate.slice(0, 16)} (ffast ${M.merged.baseGit}).`);
  L.push('');
  L.push('Cells: ns/call, and in parentheses the ratio to the V8 fast-API addon (`fastapi`) where both ran. `declare`: ns per symbol to bind 1,000 symbols; `sha256`: ns per message; `sqlite`: ms per whole task.');
  L.push('');
  L.push(`| row | ${peers.join(' | ')} |`);
  L.push(`|---|${peers.map(() => '---:').join('|')}|`);
  for (const r of rowNames) {
    const base = R[r].fastapi && R[r].fastapi.status === 'ok' ? R[r].fastapi.median : null;
    const cells = peers.map((p) => {
      const c = R[r][p];
      if (!c) return '';
      if (c.status === 'ok') {
        let s = fmtNs(c.median, r);
        if (base && p !== 'fastapi') s += ` (${fmtQ(c.median / base)}×)`;
        if (!c.optimized) s += ` [${foot('loop not yet in the top JIT tier when sampled (slow peer: warm-up capped at 2 s; immaterial at µs per call)')}]`;
        return p === 'ffast' ? `**${s}**` : s;
      }
      const label = c.status === 'unsupported' ? (c.reason.startsWith('n/a') ? 'n/a' : 'unsup.') : c.status === 'cannot-run' ? 'cannot run' : 'ERR';
      return `${label} [${foot(c.status === 'error' ? `error: ${String(c.reason).split('\n')[0]}` : c.reason)}]`;
    });
    L.push(`| ${r} | ${cells.join(' | ')} |`);
  }
  L.push('');
  const notes = [];
  for (const r of rowNames) for (const p of peers) if (R[r][p] && R[r][p].note) notes.push(`${p} ${r}: ${R[r][p].note}`);
  L.push(reasons.map((s, k) => `[${k + 1}] ${s}`).join('  \n'));
  L.push('');
  if (notes.length) { L.push('Notes: ' + notes.join('; ') + '.'); L.push(''); }
  L.push('#### Bar checks');
  L.push('');
  const perCall = B.beatsNodePeers.filter((x) => x.kind !== 'declare');
  const decl = B.beatsNodePeers.filter((x) => x.kind === 'declare');
  const fails1 = perCall.filter((x) => !x.pass);
  L.push(`- ${fails1.length ? '✗' : '✓'} ffast hot faster than koffi, node:ffi, ffi-rs and ffi-napi on every row both support (declare aside)` +
    (fails1.length ? `: fails on ${fails1.map((x) => `${x.row} vs ${x.peer} (peer/ffast = ${x.ratio})`).join(', ')}` : ''));
  const worst = perCall.filter((x) => x.pass).reduce((a, x) => (!a || x.ratio < a.ratio ? x : a), null);
  if (worst) L.push(`  - closest win: ${worst.row} vs ${worst.peer}, ffast ${worst.ratio}× faster`);
  if (decl.length) L.push(`- ${decl.every((x) => x.pass) ? '✓' : '✗'} declare (bind 1,000 symbols): ` + decl.map((x) => `${x.pass ? '✓' : '✗'} ${x.peer} ${x.pass ? `${x.ratio}× slower than ffast` : `${(1 / x.ratio).toFixed(1)}× faster than ffast`}`).join(', '));
  const nc = [...new Map((B.notComparable || []).map((x) => [x.row, x])).values()];
  if (nc.length) L.push(`- not comparable (no ffast result): ${nc.map((x) => `${x.row} (${String(x.why).split('\n')[0].slice(0, 100)})`).join(', ')}`);
  const fails2 = B.nearFastapi.filter((x) => !x.pass);
  if (B.nearFastapi.length) {
    L.push(`- ${fails2.length ? '✗' : '✓'} ffast hot within 1.15× of the fast-API addon on every scalar row` +
      (fails2.length ? `: fails on ${fails2.map((x) => `${x.row} (${x.ratio}×)`).join(', ')}` : ` (worst ${Math.max(...B.nearFastapi.map((x) => x.ratio)).toFixed(2)}×)`));
  }
  for (const x of B.issue13 || []) L.push(`- ${x.pass ? '✓' : '✗'} ${x.row}: ${x.check} (${x.ratio}×)`);
  L.push(`- Deno/Bun faster than ffast hot on: ${B.denoBunFaster.length ? B.denoBunFaster.map((x) => `${x.row} (${x.peer}, ${x.ratio}×)`).join(', ') : 'no row'}`);
  L.push('');
  return L.join('\n') + '\n';
}
