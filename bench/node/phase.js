#!/usr/bin/env node
// Phase sweep driver (see phase.sh). Runs with the Node binary being measured.
//
// Why: on some CPUs (seen on this project's AMD EPYC, Zen 5, under KVM) a hot loop around a
// fast call runs at one of a few speeds depending on its instruction count modulo the dispatch
// width, not on the bytes' addresses: inserting one NOP into the fast-API addon's i32_8 target
// moves its Node 22 time from 2.7 to 3.0-3.4 ns. A single build of each side then compares one
// phase of each. This script measures every phase of both and reports, per row, the cell at
// k = 0 (what bench.js reports) next to the median over all phases.
'use strict';
const path = require('path');
const fs = require('fs');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET = path.join(ROOT, 'target', 'bench');
const BENCH = path.join(__dirname, 'bench.js');
const { runChild } = require(BENCH);
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => /^--([^=]+)=(.*)$/.exec(a)).filter(Boolean).map((m) => [m[1], m[2]]),
);
const rows = (args.rows || 'i32_8').split(',');
const phases = Number(args.phases || 8);
const runs = Number(args.runs || 2);
const major = process.versions.node.split('.')[0];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The padded addons, built by bench/build.sh with FASTAPI_PHASES (k = 0 is the normal build).
const addon = (k) => {
  const f = k === 0 ? path.join(TARGET, `fastapi-node${major}.node`) : path.join(TARGET, 'phase', `fastapi-node${major}-nops${k}.node`);
  if (!fs.existsSync(f)) throw new Error(`${f} is missing: run bench/node/phase.sh (it builds the padded addons)`);
  return f;
};

function measure(impl, row, k) {
  const env = { ...process.env };
  if (impl === 'fastapi') env.BENCH_FASTAPI_ADDON = addon(k);
  else env.FFAST_BENCH_NOPS = String(k);
  const o = runChild(['--allow-natives-syntax', BENCH, '--child', `--impl=${impl}`, `--row=${row}`,
    `--n=${args.n || 2e6}`, `--samples=${args.samples || 7}`, `--warmup=${args.warmup || 3e5}`], impl, row, env);
  if (!o.ok) throw new Error(`${impl} ${row} k=${k} failed: ${o.error}`);
  if (o.fastFraction !== 1) throw new Error(`${impl} ${row} k=${k}: not every measured call was a fast call`);
  return o.median;
}

console.log(`Node ${process.version}: ${phases} phases x ${runs} processes per cell (ns per call, medians)`);
for (const row of rows) {
  const cells = [];
  for (let k = 0; k < phases; k++) {
    const f = [], a = [];
    for (let r = 0; r < runs; r++) {
      f.push(measure('fastapi', row, k));
      a.push(measure('ffast', row, k));
    }
    cells.push({ k, fastapi: median(f), ffast: median(a) });
  }
  console.log(`\n| ${row}: nops k | fastapi | ffast | ffast/fastapi |\n|---:|---:|---:|---:|`);
  for (const c of cells) console.log(`| ${c.k} | ${c.fastapi.toFixed(2)} | ${c.ffast.toFixed(2)} | ${(c.ffast / c.fastapi).toFixed(2)} |`);
  const mf = median(cells.map((c) => c.fastapi)), ma = median(cells.map((c) => c.ffast));
  console.log(`| median over phases | ${mf.toFixed(2)} | ${ma.toFixed(2)} | ${(ma / mf).toFixed(2)} |`);
  console.log(`| range | ${Math.min(...cells.map((c) => c.fastapi)).toFixed(2)}-${Math.max(...cells.map((c) => c.fastapi)).toFixed(2)} | ${Math.min(...cells.map((c) => c.ffast)).toFixed(2)}-${Math.max(...cells.map((c) => c.ffast)).toFixed(2)} | |`);
  if (args.json) {
    const out = args.json.replace(/\.json$/, `-${row}.json`);
    fs.writeFileSync(out, JSON.stringify({ node: process.version, row, phases, runs, cells, medianFastapi: mf, medianFfast: ma }, null, 2));
  }
}
