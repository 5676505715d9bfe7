#!/usr/bin/env node
// The layers of ffast-node/lib, read from the code's own require() calls (issue 12): fails when
// the require() graph among lib/'s modules has a cycle, or a module requires a lib/ file that
// does not exist; otherwise prints each module's layer (1 + the highest layer it requires).
// Usage: node scripts/js-layers.js [dir]   (default: ffast-node/lib next to this script)
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'ffast-node', 'lib'));

/** Every .js file under `d`, as paths relative to `dir`. */
function files(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.js') ? [path.relative(dir, p)] : [];
  });
}

/** The lib/ modules `file` requires: relative require() specifiers resolved inside lib/. */
function requires(file) {
  // Comments are dropped first (a require() named in a comment is no edge).
  const src = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  for (const m of src.matchAll(/\brequire\(\s*(['"`])(\.{1,2}\/[^'"`]+)\1\s*\)/g)) {
    let target = path.relative(dir, path.resolve(dir, path.dirname(file), m[2]));
    if (!target.endsWith('.js')) target += fs.existsSync(path.join(dir, `${target}.js`)) ? '.js' : '/index.js';
    if (target.startsWith('..')) continue; // outside lib/ (the addon, package files)
    out.push(target);
  }
  return out;
}

const mods = files(dir).sort();
const graph = new Map(mods.map((f) => [f, requires(f)]));
let bad = 0;
for (const [f, deps] of graph) {
  for (const d of deps) {
    if (!graph.has(d)) {
      console.error(`js-layers: ${f} requires ${d}, which is not a file of lib/`);
      bad++;
    }
  }
}

// Depth-first search; a back edge is a cycle, reported with its path.
const layer = new Map();
const onPath = [];
let cycles = 0;
function visit(f) {
  if (layer.has(f)) return layer.get(f);
  const at = onPath.indexOf(f);
  if (at !== -1) {
    // (one cycle is reported from every module on it: the first few say enough)
    if (++cycles <= 5) console.error(`js-layers: require() cycle: ${[...onPath.slice(at), f].join(' -> ')}`);
    bad++;
    return 0;
  }
  onPath.push(f);
  let l = 1;
  for (const d of graph.get(f) || []) if (graph.has(d)) l = Math.max(l, visit(d) + 1);
  onPath.pop();
  layer.set(f, l);
  return l;
}
for (const f of mods) visit(f);
if (bad) {
  console.error(`js-layers: ${bad} problem(s) in ${dir}`);
  process.exit(1);
}
const byLayer = new Map();
for (const [f, l] of layer) byLayer.set(l, [...(byLayer.get(l) || []), f]);
console.log(`js-layers: ${mods.length} modules in ${path.relative(process.cwd(), dir) || '.'}, no require() cycle`);
for (const l of [...byLayer.keys()].sort((a, b) => a - b)) console.log(`  ${String(l).padStart(2)}  ${byLayer.get(l).sort().join(', ')}`);
