#!/usr/bin/env node
// The module graph of ffast-node/src, drawn from the code's own imports, and two checks on it
// (docs/layers.md):
// 1. no cycle: no file reaches itself through `use crate::…`, `use super::…`, `use child::…`
//    or a path such as `crate::a::b::f()` / `a::b::f()` (after `use crate::a`) in its code;
// 2. layers point one way: `ffast-node/src/lib.rs` lists the top-level modules under numbered
//    layer comments (`// 1. …`, `// 2. …`); a file may import from its own layer's modules
//    and from lower-numbered layers only.
// Usage: node scripts/layers.js [--graph]   (exit 1 on a violation; --graph prints every edge)
'use strict';
const fs = require('fs');
const path = require('path');

const SRC = path.join(__dirname, '..', 'ffast-node', 'src');

// Every .rs file under src, as its module path ('' for lib.rs, 'a::b' for a/b.rs or a/b/mod.rs).
function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.rs')) out.push(p);
  }
  return out;
}
function modPath(file) {
  const rel = path.relative(SRC, file).replace(/\\/g, '/').replace(/\.rs$/, '');
  if (rel === 'lib') return '';
  return rel.replace(/\/mod$/, '').split('/').join('::');
}

// Code without comments, string and char literals (so paths in prose or messages do not count).
function stripped(text) {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; }
        else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
    } else if (c === 'r' && /^r#*"/.test(text.slice(i, i + 10)) && !/\w/.test(text[i - 1] || '')) {
      const hashes = text.slice(i + 1).match(/^#*/)[0];
      const end = '"' + hashes;
      i = text.indexOf(end, i + 2 + hashes.length);
      i = i < 0 ? n : i + end.length;
      out += '""';
    } else if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      out += '""';
    } else if (c === "'" && /^'(\\.|[^\\'])'/u.test(text.slice(i, i + 12))) {
      // a char literal ('a', '\n', '\''); a lifetime ('a) has no closing quote
      const m = text.slice(i).match(/^'(\\.[^']*|[^\\'])'/u);
      i += m[0].length;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// `use` trees expanded into full paths: `a::{b, c::{d, e}}` → a::b, a::c::d, a::c::e.
function expand(tree) {
  tree = tree.replace(/\s+/g, '');
  const open = tree.indexOf('{');
  if (open < 0) return [tree.replace(/as\w+$/, '').replace(/::self$/, '')];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf('}'));
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of inner) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  if (cur) parts.push(cur);
  return parts.flatMap((p) => expand(prefix + p));
}

const files = walk(SRC);
const mods = new Map(files.map((f) => [modPath(f), f]));

// The module a path names: its longest prefix that is a file of the crate.
function resolve(segs) {
  for (let k = segs.length; k > 0; k--) {
    const m = segs.slice(0, k).join('::');
    if (mods.has(m)) return m;
  }
  return null;
}
// A path written in module `from` as absolute segments (crate-relative), or null (std, deps).
function absolute(from, p, local) {
  const segs = p.split('::').filter(Boolean);
  if (segs[0] === 'crate') return segs.slice(1);
  let base = from ? from.split('::') : [];
  if (segs[0] === 'self') return base.concat(segs.slice(1));
  if (segs[0] === 'super') {
    let k = 0;
    while (segs[k] === 'super') { base = base.slice(0, -1); k++; }
    return base.concat(segs.slice(k));
  }
  // `child::…` (a module declared in this file) or a name `use` brought in (`a::f` after
  // `use crate::a`).
  if (local.has(segs[0])) return local.get(segs[0]).concat(segs.slice(1));
  return null;
}

const edges = new Map(); // module → Set of modules it imports from
for (const [from, file] of mods) {
  const code = stripped(fs.readFileSync(file, 'utf8'));
  const local = new Map();
  const base = from ? from.split('::') : [];
  for (const m of code.matchAll(/(?:^|[\s;}])(?:pub(?:\([\w:]+\))?\s+)?mod\s+(\w+)\s*;/g)) {
    local.set(m[1], base.concat(m[1]));
  }
  const paths = [];
  for (const m of code.matchAll(/(?:^|[\s;{}])(?:pub(?:\([\w:]+\))?\s+)?use\s+([^;]+);/g)) {
    for (const p of expand(m[1])) {
      paths.push(p);
      const abs = absolute(from, p, local);
      const segs = p.split('::');
      if (abs && mods.has(abs.join('::'))) local.set(segs[segs.length - 1], abs);
    }
  }
  for (const m of code.matchAll(/(?<![\w:])((?:crate|super|self|[a-z_][a-z0-9_]*)(?:::[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    paths.push(m[1]);
  }
  const to = new Set();
  for (const p of paths) {
    const abs = absolute(from, p, local);
    if (!abs) continue;
    const m = resolve(abs);
    // A file's own items and its children's declarations are not imports.
    if (m !== null && m !== from) to.add(m);
  }
  edges.set(from, to);
}

let bad = 0;
const name = (m) => (m === '' ? 'lib' : m);

// 1. Cycles (depth-first search; a back edge closes one).
const state = new Map();
const stack = [];
function dfs(m) {
  state.set(m, 1);
  stack.push(m);
  for (const t of [...edges.get(m)].sort()) {
    if (state.get(t) === 1) {
      const cyc = stack.slice(stack.indexOf(t)).concat(t).map(name);
      console.error(`layers: import cycle: ${cyc.join(' → ')}`);
      bad++;
    } else if (!state.has(t)) dfs(t);
  }
  stack.pop();
  state.set(m, 2);
}
for (const m of [...mods.keys()].sort()) if (!state.has(m)) dfs(m);

// 2. Layers from lib.rs's numbered comments.
const layerOf = new Map();
{
  let layer = 0;
  for (const line of fs.readFileSync(path.join(SRC, 'lib.rs'), 'utf8').split('\n')) {
    const h = line.match(/^\/\/\s*(\d+)\.\s/);
    if (h) layer = Number(h[1]);
    const m = line.match(/^(?:pub(?:\(crate\))?\s+)?mod\s+(\w+)\s*;/);
    if (m) {
      if (!layer) {
        console.error(`layers: lib.rs declares 'mod ${m[1]}' before any '// N. …' layer comment`);
        bad++;
      }
      layerOf.set(m[1], layer);
    }
  }
}
const top = (m) => m.split('::')[0];
for (const [from, to] of edges) {
  if (from === '') continue;
  for (const t of to) {
    const a = layerOf.get(top(from));
    const b = layerOf.get(top(t));
    if (a !== undefined && b !== undefined && b > a) {
      console.error(`layers: ${name(from)} (layer ${a}) imports ${name(t)} (layer ${b}), a layer above it`);
      bad++;
    }
  }
}

if (process.argv.includes('--graph')) {
  for (const [from, to] of [...edges].sort()) console.log(`${name(from)} → ${[...to].map(name).sort().join(', ')}`);
}
// The order the files can be read in, lowest first: each after everything it imports.
const levels = new Map();
function level(m, seen = new Set()) {
  if (levels.has(m)) return levels.get(m);
  if (seen.has(m)) return 0; // in a cycle (reported above)
  seen.add(m);
  let l = 0;
  for (const t of edges.get(m)) l = Math.max(l, level(t, seen) + 1);
  levels.set(m, l);
  return l;
}
for (const m of mods.keys()) level(m);
const byLevel = [];
for (const [m, l] of levels) (byLevel[l] ||= []).push(name(m));
if (bad) {
  console.error(`layers: ${bad} violation(s) among ${mods.size} files of ffast-node/src`);
  process.exit(1);
}
console.log(`layers: ${mods.size} files of ffast-node/src, no import cycle, every import points to its own or a lower layer; files by depth:`);
byLevel.forEach((ms, l) => console.log(`  ${l}: ${ms.sort().join(' ')}`));
