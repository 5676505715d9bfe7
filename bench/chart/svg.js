#!/usr/bin/env node
// Peer-benchmark chart: bench/results/<host>.json → SVG. No dependencies, no network.
//   node bench/chart/svg.js [in.json] [out.svg]   (default: bench/results/<hostname>.json → same name .svg)
// Horizontal bars, ns per call on a log scale, grouped by row (two columns of groups), one colour
// per peer, legend; cells that did not run (unsupported, n/a, error) are listed under their group.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const inFile = process.argv[2] || path.join(__dirname, '..', 'results', `${os.hostname()}.json`);
const outFile = process.argv[3] || inFile.replace(/\.json$/, '.svg');
const J = JSON.parse(fs.readFileSync(inFile, 'utf8'));
const peers = Object.keys(J.meta.peers);
// Whole-task rows (ms per task) are not on the ns-per-call axis: listed in the footer instead.
const isTask = (r) => J.meta.rows && J.meta.rows[r] && J.meta.rows[r].kind === 'task';
const taskRows = Object.keys(J.results).filter(isTask);
const rows = Object.keys(J.results).filter((r) => !isTask(r));

const COLORS = {
  ffast: '#d62728', 'ffast-cold': '#f4a6a6', fastapi: '#222222', napi: '#8c8c8c', koffi: '#1f77b4', 'node:ffi': '#2ca02c',
  'ffi-rs': '#ff7f0e', 'ffi-napi': '#8c564b', deno: '#17becf', bun: '#9467bd', js: '#c7c7c7', c: '#bcbd22',
};
const extra = ['#e377c2', '#7f7f7f', '#aec7e8', '#98df8a'];
peers.forEach((p, k) => { if (!COLORS[p]) COLORS[p] = extra[k % extra.length]; });

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x) => (x >= 1e4 ? `${(x / 1000).toFixed(0)} µs` : x >= 1000 ? `${(x / 1000).toFixed(1)} µs` : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

// Log axis bounds from the data, whole decades.
const vals = [];
for (const r of rows) for (const p of peers) { const c = J.results[r][p]; if (c && c.status === 'ok' && c.median > 0) vals.push(c.median); }
const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...vals))));
const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...vals)) + 0.15));

const BAR = 7, GAP = 1, GROUP_HEAD = 16, GROUP_GAP = 12, LABEL_W = 92, PLOT_W = 420, VALUE_W = 60, COL_GAP = 24;
const COL_W = LABEL_W + PLOT_W + VALUE_W;
const MARGIN = { top: 78, left: 16, right: 16, bottom: 64 };
const nCols = 2;
const perCol = Math.ceil(rows.length / nCols);
const groupH = (r) => {
  const ok = peers.filter((p) => J.results[r][p] && J.results[r][p].status === 'ok').length;
  const missing = peers.filter((p) => J.results[r][p] && J.results[r][p].status !== 'ok').length;
  return GROUP_HEAD + ok * (BAR + GAP) + (missing ? 12 : 0) + GROUP_GAP;
};
const cols = Array.from({ length: nCols }, (_, c) => rows.slice(c * perCol, (c + 1) * perCol));
const colH = cols.map((rs) => rs.reduce((a, r) => a + groupH(r), 0));
const W = MARGIN.left + nCols * COL_W + (nCols - 1) * COL_GAP + MARGIN.right;
const H = MARGIN.top + Math.max(...colH) + MARGIN.bottom;
const x = (v) => LABEL_W + (Math.log10(v / lo) / Math.log10(hi / lo)) * PLOT_W;

const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`);
out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
const M = J.meta;
out.push(`<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">ffast vs FFI peers: ns per call (log scale, lower is better)</text>`);
out.push(`<text x="${MARGIN.left}" y="38" font-size="10" fill="#444">${esc(`${M.cpu}, ${M.cores} cores · Node ${M.runtimes.node} · ${(M.runtimes.deno || '').split(' (')[0]} · bun ${M.runtimes.bun} · koffi ${M.packages.koffi} · ffi-rs ${M.packages['ffi-rs']} · ffi-napi ${M.packages['ffi-napi']} · ${M.date.slice(0, 10)} · median of ${M.method.runs} fresh processes · declare: ns per symbol`)}</text>`);
// legend
let lx = MARGIN.left;
peers.forEach((p) => {
  const label = (J.meta.peers[p] && J.meta.peers[p].label) || p;
  out.push(`<rect x="${lx}" y="50" width="10" height="10" fill="${COLORS[p]}" stroke="#555" stroke-width="0.3"/>`);
  out.push(`<text x="${lx + 13}" y="59" font-size="10"${p === 'ffast' ? ' font-weight="bold"' : ''}>${esc(label)}</text>`);
  lx += 18 + label.length * 5.6;
  if (lx > W - 120) lx = W - 120; // never overflow (labels are short)
});

cols.forEach((rs, c) => {
  const ox = MARGIN.left + c * (COL_W + COL_GAP);
  const oy = MARGIN.top;
  const h = colH[c];
  out.push(`<g transform="translate(${ox},${oy})">`);
  // decade grid + axis labels
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    const gx = x(d).toFixed(1);
    out.push(`<line x1="${gx}" y1="0" x2="${gx}" y2="${h}" stroke="#ddd" stroke-width="1"/>`);
    const lbl = d >= 1000 ? `${d / 1000} µs` : `${d} ns`;
    out.push(`<text x="${gx}" y="${h + 12}" font-size="9" text-anchor="middle" fill="#444">${lbl}</text>`);
    for (const m of [2, 5]) if (d * m < hi) { const mx = x(d * m).toFixed(1); out.push(`<line x1="${mx}" y1="0" x2="${mx}" y2="${h}" stroke="#f0f0f0" stroke-width="1"/>`); }
  }
  out.push(`<text x="${LABEL_W + PLOT_W / 2}" y="${h + 26}" font-size="10" text-anchor="middle" fill="#222">ns per call (log scale)</text>`);
  let y = 0;
  for (const r of rs) {
    const kind = J.meta.rows && J.meta.rows[r] ? J.meta.rows[r].kind : '';
    out.push(`<text x="0" y="${y + 11}" font-size="11" font-weight="bold">${esc(r)}</text>`);
    if (kind === 'declare') out.push(`<text x="${LABEL_W}" y="${y + 11}" font-size="9" fill="#666">ns per symbol, binding 1,000 symbols</text>`);
    let by = y + GROUP_HEAD;
    const missing = [];
    for (const p of peers) {
      const cell = J.results[r][p];
      if (!cell) continue;
      if (cell.status !== 'ok') { missing.push(p); continue; }
      const w = Math.max(1, x(cell.median) - LABEL_W);
      out.push(`<text x="${LABEL_W - 4}" y="${by + BAR - 1}" font-size="7.5" text-anchor="end" fill="#333"${p === 'ffast' ? ' font-weight="bold"' : ''}>${esc(p)}</text>`);
      out.push(`<rect x="${LABEL_W}" y="${by}" width="${w.toFixed(1)}" height="${BAR}" fill="${COLORS[p]}"${p === 'ffast' ? ' stroke="#000" stroke-width="0.6"' : ''}><title>${esc(`${r} · ${p}: ${cell.median} ns (min ${cell.min})`)}</title></rect>`);
      out.push(`<text x="${(LABEL_W + w + 3).toFixed(1)}" y="${by + BAR - 1}" font-size="7.5" fill="#222"${p === 'ffast' ? ' font-weight="bold"' : ''}>${fmt(cell.median)}</text>`);
      by += BAR + GAP;
    }
    if (missing.length) {
      const st = (p) => { const c = J.results[r][p]; return c.status === 'unsupported' ? (String(c.reason).startsWith('n/a') ? 'n/a' : 'unsupported') : c.status; };
      const groups = {};
      for (const p of missing) (groups[st(p)] = groups[st(p)] || []).push(p);
      const txt = 'not run: ' + Object.entries(groups).map(([k, ps]) => `${ps.join(', ')} (${k})`).join('; ');
      out.push(`<text x="${LABEL_W}" y="${by + 8}" font-size="7.5" fill="#888">${esc(txt.length > 110 ? txt.slice(0, 107) + '…' : txt)}</text>`);
      by += 12;
    }
    y = by + GROUP_GAP;
  }
  out.push(`<line x1="${LABEL_W}" y1="0" x2="${LABEL_W}" y2="${h}" stroke="#333" stroke-width="1"/>`);
  out.push('</g>');
});
out.push(`<text x="${MARGIN.left}" y="${H - 12}" font-size="9" fill="#666">${esc('Generated by bench/chart/svg.js from ' + path.basename(inFile) + '. Cells that did not run are listed under each group; reasons are in the JSON and the markdown table.' +
  (taskRows.length ? ` Whole-task rows (${taskRows.join(', ')}: ms per task) are in the table only.` : ''))}</text>`);
out.push('</svg>');
fs.writeFileSync(outFile, out.join('\n') + '\n');
console.log(`wrote ${outFile}`);
