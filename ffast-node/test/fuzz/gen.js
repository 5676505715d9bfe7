'use strict';
// The random-signature ABI fuzzer's generator and its independent JS model (docs/abi-fuzzer.md).
//
// One seeded generator makes, per (seed, index), a signature: 0–40 parameters of every scalar type
// ffast has and of structs/unions by value (nested, packed, over-aligned members, arrays inside,
// HFAs/HVAs, unions with floats), and a scalar, void or by-value aggregate result. From it:
//
// - C (emitC): a function that hashes every argument byte-exactly — the value bytes of every
//   scalar leaf, walked member by member (padding is unspecified, so never hashed), the UTF-8 bytes
//   of a string (a parameter or a struct member), the first N bytes of a buffer — and returns a
//   result derived from that hash (void results leave the hash in a global). Callback variants
//   (kind 'cb') take a function pointer, call it with arguments derived from a seed argument —
//   scalars, strings, and structs/unions by value — hash what they sent, and return 0 when the
//   callback's result (a scalar or an aggregate, compared member by member) is the one derived
//   from that hash (else a nonzero code).
// - JS (this file): the same hash over the JS arguments, computed from ffast's documented
//   conversion rules (README "Types") without ffast's help, and the expected result; for callbacks
//   the arguments C derives from the seed, and the result to return.
//
// Nothing here calls ffast except jsType(), which builds the ffast type objects of a definition.
//
// Exclusion switches: classes of signatures the generator can leave out, for bugs outside the
// fuzzer's own area that are reported but not fixed here. Each is named, listed in EXCLUDE below
// with the reason, printed at the start of every run, and can be turned on/off with
// FFAST_FUZZ_EXCLUDE=name,name (or '-name' to re-enable a default one). See fuzz.test.js.

// ------------------------------------------------------------------------------------- switches
/** Every exclusion the generator knows, with why it exists. `on` = excluded by default. */
const EXCLUDE = {
  // structs/unions by value as callback parameters and results: not implemented yet
  // (docs/callbacks.md §5-§7; callback() refuses them)
  'callback-aggregates': { on: false, why: 'docs/callbacks.md: structs by value in callbacks' },
};
const EXCLUSION_NAMES = [
  'string-args', 'string-results', 'buffer-args', 'aggregates', 'callbacks', 'nonblocking',
  // string members of structs
  'string-members',
  ...Object.keys(EXCLUDE),
];

function exclusions(env = process.env.FFAST_FUZZ_EXCLUDE) {
  const set = new Set(Object.keys(EXCLUDE).filter((k) => EXCLUDE[k].on));
  for (const w of String(env || '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = w.replace(/^-/, '');
    if (!EXCLUSION_NAMES.includes(name)) throw new Error(`FFAST_FUZZ_EXCLUDE: unknown class '${name}' (known: ${EXCLUSION_NAMES.join(', ')})`);
    if (w.startsWith('-')) set.delete(name);
    else set.add(name);
  }
  return set;
}

// ------------------------------------------------------------------------------------- random
/** 32-bit mixer (murmur3's finaliser over h ^ k·golden): the same in C (fz_mix). */
function mix(h, k) {
  h = (h ^ Math.imul(k >>> 0, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
/** 64 bits from h and a counter (fz_wide in C). */
const wide = (h, k) => (BigInt(mix(h, 2 * k)) << 32n) | BigInt(mix(h, 2 * k + 1));

/** A small seeded PRNG (sfc32 seeded through mix). */
function rng(seed, index) {
  let a = mix(seed >>> 0, index + 1);
  let b = mix(a, 0x51ed);
  let c = mix(b, 0xc0ffee);
  let d = 1;
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const r = {
    u32: next,
    int: (n) => (n <= 1 ? 0 : next() % n),
    range: (lo, hi) => lo + (next() % (hi - lo + 1)),
    chance: (p) => next() / 4294967296 < p,
    pick: (xs) => xs[next() % xs.length],
    u64: () => (BigInt(next()) << 32n) | BigInt(next()),
  };
  return r;
}

// ------------------------------------------------------------------------------------- types
const INT = {
  bool: { size: 1, c: 'bool' },
  i8: { size: 1, c: 'int8_t', signed: true },
  u8: { size: 1, c: 'uint8_t' },
  i16: { size: 2, c: 'int16_t', signed: true },
  u16: { size: 2, c: 'uint16_t' },
  i32: { size: 4, c: 'int32_t', signed: true },
  u32: { size: 4, c: 'uint32_t' },
  i64: { size: 8, c: 'int64_t', signed: true },
  u64: { size: 8, c: 'uint64_t' },
  isize: { size: 8, c: 'intptr_t', signed: true },
  usize: { size: 8, c: 'size_t' },
  pointer: { size: 8, c: 'void *' },
};
const FLOAT = { f32: { size: 4, c: 'float' }, f64: { size: 8, c: 'double' } };
/** Every scalar a struct member may be (README: not string/buffer/void). */
const FIELD_SCALARS = [...Object.keys(INT), 'f32', 'f64'];
/** Every scalar parameter type. */
const PARAM_SCALARS = [...FIELD_SCALARS, 'string', 'buffer'];
const RESULT_SCALARS = [...FIELD_SCALARS, 'string', 'void'];
const CB_PARAMS = [...FIELD_SCALARS, 'string'];
const CB_RESULTS = [...FIELD_SCALARS, 'void'];
/** How often a struct member (not under a union, not in an HFA) is a `string` (a char*). */
const STRING_MEMBER_RATE = 0.06;
const isFloat = (t) => t === 'f32' || t === 'f64';
const scalarSize = (t) => (INT[t] || FLOAT[t]).size;
const cScalar = (t) => (t === 'string' ? 'const char *' : t === 'buffer' ? 'const uint8_t *' : t === 'void' ? 'void' : (INT[t] || FLOAT[t]).c);
const isString = (n) => n.k === 'scalar' && n.t === 'string';
/** Whether a type node has a string leaf anywhere below it (every member, a union's too). */
function hasStrings(n) {
  if (n.k === 'scalar') return n.t === 'string';
  if (n.k === 'array') return hasStrings(n.elem);
  return n.fields.some((f) => hasStrings(f.type));
}

// A type node: { k: 'scalar', t } | { k: 'array', elem, len } |
// { k: 'struct' | 'union', id, fields: [{ name, type, align }], pack, active }.

/** Layout of a node, computed here independently (C11 + gcc's aligned/pack rules): size, align. */
function layout(n) {
  if (n.k === 'scalar') return n.t === 'string' ? { size: 8, align: 8 } : { size: scalarSize(n.t), align: scalarSize(n.t) };
  if (n.k === 'array') {
    const l = layout(n.elem);
    return { size: l.size * n.len, align: l.align };
  }
  if (n._layout) return n._layout;
  let end = 0;
  let align = 1;
  const cap = n.pack || Infinity;
  for (const f of n.fields) {
    const l = layout(f.type);
    const a = Math.min(Math.max(l.align, f.align || 1), cap);
    align = Math.max(align, a);
    if (n.k === 'union') end = Math.max(end, l.size);
    else end = Math.ceil(end / a) * a + l.size;
  }
  n._layout = { size: Math.ceil(end / align) * align, align };
  return n._layout;
}

/** The scalar leaves of a value path (union: its active member only), in declaration order. */
function leaves(n, path = []) {
  if (n.k === 'scalar') return [{ t: n.t, path }];
  if (n.k === 'array') {
    const out = [];
    for (let i = 0; i < n.len; i++) out.push(...leaves(n.elem, [...path, i]));
    return out;
  }
  const fs = n.k === 'union' ? [n.fields[n.active]] : n.fields;
  return fs.flatMap((f) => leaves(f.type, [...path, f.name]));
}

/**
 * Generate an aggregate (struct or union) node. `budget` bounds the size; `depth` the nesting.
 * `hfa` forces a float-only aggregate of one base type (an HFA/HVA on arm64 when it has no padding
 * and 1–4 elements; larger ones exercise the boundary).
 */
function genAggregate(r, ctx, depth, hfa) {
  const id = ctx.nextType++;
  const union = r.chance(hfa ? 0.1 : 0.18);
  // README: a union cannot hold a string member, at any depth below it.
  const strings = ctx.strings && !union;
  const saved = ctx.strings;
  ctx.strings = strings;
  const base = hfa ? r.pick(['f32', 'f64']) : null;
  const nf = hfa ? r.range(1, r.chance(0.8) ? 4 : 6) : r.range(1, depth > 1 ? 3 : 6);
  const fields = [];
  for (let i = 0; i < nf; i++) {
    let type;
    const roll = r.u32() % 100;
    if (hfa) {
      if (roll < 15 && depth < 3) type = genAggregateHfa(r, ctx, depth + 1, base);
      else if (roll < 30) type = { k: 'array', elem: { k: 'scalar', t: base }, len: r.range(1, 3) };
      else type = { k: 'scalar', t: base };
    } else if (roll < 12 && depth < 3) {
      type = genAggregate(r, ctx, depth + 1, r.chance(0.3));
    } else if (roll < 22) {
      const elem = depth < 3 && r.chance(0.25) ? genAggregate(r, ctx, depth + 1, r.chance(0.3)) : { k: 'scalar', t: fieldScalar(r, strings) };
      type = { k: 'array', elem, len: r.range(1, elem.k === 'scalar' ? 6 : 2) };
    } else {
      type = { k: 'scalar', t: fieldScalar(r, strings) };
    }
    // Over-aligned members: mostly modest, sometimes 32/64 (docs/abi-stack-alignment.md).
    let align;
    if (!hfa && r.chance(0.1)) align = r.pick([1, 2, 4, 8, 16, 16, 32, 64]);
    else if (hfa && r.chance(0.04)) align = r.pick([8, 16, 32]);
    fields.push({ name: `m${i}`, type, align });
  }
  const pack = !hfa && r.chance(0.15) ? r.pick([1, 2, 4, 8, 16]) : undefined;
  const n = { k: union ? 'union' : 'struct', id, fields, pack, active: union ? r.int(nf) : 0 };
  ctx.strings = saved;
  return n;
}
/** A member scalar: now and then a string where strings may be. */
const fieldScalar = (r, strings) => (strings && r.chance(STRING_MEMBER_RATE) ? 'string' : r.pick(FIELD_SCALARS));
function genAggregateHfa(r, ctx, depth, base) {
  const id = ctx.nextType++;
  const nf = r.range(1, 2);
  const fields = [];
  for (let i = 0; i < nf; i++) fields.push({ name: `m${i}`, type: { k: 'scalar', t: base } });
  return { k: 'struct', id, fields, active: 0 };
}

/** An aggregate small enough (≤ 4096 bytes, ffast's by-value limit; mostly far smaller). */
function genSmallAggregate(r, ctx, strings) {
  for (;;) {
    const save = ctx.nextType;
    ctx.strings = strings;
    const n = genAggregate(r, ctx, 1, r.chance(0.3));
    ctx.strings = false;
    if (layout(n).size <= (r.chance(0.9) ? 96 : 4096)) return n;
    ctx.nextType = save;
  }
}

/**
 * One signature. kind 'fn': a C function called from JS; kind 'cb': a C function that calls a
 * JS callback whose parameters are scalars, pointers, strings and structs/unions by value (string
 * members too), and whose result is a scalar, void, or an aggregate without strings (a struct with
 * a string member cannot be a callback result: its C copy could not outlive the return).
 */
function genSignature(seed, index, opts) {
  const r = rng(seed, index);
  const ex = opts.exclude;
  const ctx = { nextType: 0, strings: false };
  const cbRate = ex.has('callbacks') ? 0 : opts.callbackRate ?? 0.15;
  const kind = r.chance(cbRate) ? 'cb' : 'fn';
  // 0–40 parameters, most of them short.
  const roll = r.u32() % 100;
  const np = roll < 50 ? r.range(0, 6) : roll < 85 ? r.range(7, 16) : r.range(17, 40);
  const sig = { seed, index, kind, params: [], result: null, name: null };
  const aggOff = ex.has('aggregates') || (kind === 'cb' && ex.has('callback-aggregates'));
  const aggRate = aggOff ? 0 : r.pick([0, 0.1, 0.3, 0.6]);
  const strings = !ex.has('string-members');
  const floatBias = r.pick([0.1, 0.3, 0.6]);
  const pickScalar = (pool) => {
    let xs = pool;
    if (ex.has('string-args')) xs = xs.filter((t) => t !== 'string');
    if (ex.has('buffer-args')) xs = xs.filter((t) => t !== 'buffer');
    if (r.chance(floatBias)) return r.pick(['f32', 'f64']);
    return r.pick(xs);
  };
  for (let i = 0; i < np; i++) {
    if (r.chance(aggRate)) sig.params.push(genSmallAggregate(r, ctx, strings));
    else sig.params.push({ k: 'scalar', t: pickScalar(kind === 'cb' ? CB_PARAMS : PARAM_SCALARS) });
  }
  if (kind === 'cb') {
    sig.result = !aggOff && r.chance(aggRate > 0 ? 0.35 : 0.08) ? genSmallAggregate(r, ctx, false) : { k: 'scalar', t: r.pick(CB_RESULTS) };
  } else if (!ex.has('aggregates') && r.chance(aggRate > 0 ? 0.35 : 0.08)) {
    sig.result = genSmallAggregate(r, ctx, strings && !ex.has('string-results'));
  } else {
    let xs = RESULT_SCALARS;
    if (ex.has('string-results')) xs = xs.filter((t) => t !== 'string');
    sig.result = { k: 'scalar', t: r.pick(xs) };
  }
  sig.hasAggregates = sig.params.some((p) => p.k !== 'scalar') || sig.result.k !== 'scalar';
  // A callback variant's C function takes (function pointer, u32) whatever the callback's own
  // types, so it may be nonblocking: its callback then comes from a foreign thread (the lane or a
  // pool thread). A void one is sometimes made `threads: 'queue'` there (arguments copied, C
  // does not wait).
  const bindsAggregates = kind === 'fn' && sig.hasAggregates;
  const voidCb = kind === 'cb' && sig.result.k === 'scalar' && sig.result.t === 'void';
  sig.nonblocking = !ex.has('nonblocking') && !bindsAggregates && r.chance(opts.nonblockingRate ?? (voidCb ? 0.5 : kind === 'cb' ? 0.12 : 0.06));
  sig.queue = voidCb && sig.nonblocking && r.chance(0.5);
  sig.name = `fuzz_${opts.tag}_${index}`;
  sig.valueSeed = r.u32();
  decorate(sig);
  return sig;
}

// ------------------------------------------------------------------------------------- C
const cName = (sig, n) => `${sig.name}_T${n.id}`;

function cType(sig, n) {
  if (n.k === 'scalar') return cScalar(n.t);
  return cName(sig, n);
}

/** Declarations of every aggregate type under `n`, inner ones first (each once). */
function cTypedefs(sig, n, seen, out) {
  if (n.k === 'scalar') return;
  if (n.k === 'array') return cTypedefs(sig, n.elem, seen, out);
  if (seen.has(n.id)) return;
  for (const f of n.fields) cTypedefs(sig, f.type, seen, out);
  seen.add(n.id);
  const members = n.fields.map((f) => {
    let decl = `${cType(sig, f.type.k === 'array' ? innermost(f.type) : f.type)} ${f.name}${arraySuffix(f.type)}`;
    if (f.align) decl += ` __attribute__((aligned(${f.align})))`;
    return `  ${decl};`;
  });
  const body = `typedef ${n.k} {\n${members.join('\n')}\n} ${cName(sig, n)};`;
  out.push(n.pack ? `#pragma pack(push, ${n.pack})\n${body}\n#pragma pack(pop)` : body);
}
const innermost = (n) => (n.k === 'array' ? innermost(n.elem) : n);
const arraySuffix = (n) => (n.k === 'array' ? `[${n.len}]${arraySuffix(n.elem)}` : '');

/** C statements hashing the leaves of `expr` (of node n) into h. */
function cHashValue(n, expr, out, ind = '  ') {
  if (n.k === 'scalar') {
    const t = n.t;
    if (t === 'string') out.push(`${ind}fz_hs(&h, ${expr});`);
    else if (t === 'bool') out.push(`${ind}{ uint8_t v = (uint8_t)(${expr}); fz_h(&h, &v, 1); }`);
    else if (t === 'pointer') out.push(`${ind}{ uint64_t v = (uint64_t)(uintptr_t)(${expr}); fz_h(&h, &v, 8); }`);
    else out.push(`${ind}{ ${cScalar(t)} v = ${expr}; fz_h(&h, &v, sizeof v); }`);
    return;
  }
  if (n.k === 'array') {
    const i = `i${ind.length}`;
    out.push(`${ind}for (int ${i} = 0; ${i} < ${n.len}; ${i}++) {`);
    cHashValue(n.elem, `${expr}[${i}]`, out, ind + '  ');
    out.push(`${ind}}`);
    return;
  }
  const fs = n.k === 'union' ? [n.fields[n.active]] : n.fields;
  for (const f of fs) cHashValue(f.type, `${expr}.${f.name}`, out, ind);
}

function cHashParam(sig, p, i, expr, out) {
  out.push(`  fz_hb(&h, ${i & 0xff});`);
  if (p.k === 'scalar' && p.t === 'string') {
    out.push(`  fz_hs(&h, ${expr});`);
  } else if (p.k === 'scalar' && p.t === 'buffer') {
    out.push(`  fz_hbuf(&h, ${expr}, ${p.bufLen});`);
  } else if (p.k === 'scalar' && NARROW.includes(p.t)) {
    // A narrow integer parameter is hashed widened to 32 bits: a compiler that trusts the caller
    // to have extended it (clang on x86-64 and Apple arm64) then uses the register as it came,
    // so a caller that did not extend shows (FFAST_TEST_CC=clang, FFAST_FUZZ_CFLAGS=-O2).
    out.push(`  { ${INT[p.t].signed ? 'int32_t' : 'uint32_t'} v = ${expr}; fz_h(&h, &v, 4); }`);
  } else {
    cHashValue(p, expr, out);
  }
}
const NARROW = ['bool', 'i8', 'u8', 'i16', 'u16'];

/** C statements filling the leaves of `expr` (node n) from h, leaf k from fz_wide(h, k). */
function cFill(n, expr, out, counter, ind = '  ', src = 'h') {
  if (n.k === 'scalar') {
    out.push(`${ind}${expr} = ${cFromWide(n.t, `fz_wide(${src}, ${counter.k++})`)};`);
    return;
  }
  if (n.k === 'array') {
    for (let i = 0; i < n.len; i++) cFill(n.elem, `${expr}[${i}]`, out, counter, ind, src);
    return;
  }
  const fs = n.k === 'union' ? [n.fields[n.active]] : n.fields;
  for (const f of fs) cFill(f.type, `${expr}.${f.name}`, out, counter, ind, src);
}
function cFromWide(t, w) {
  switch (t) {
    case 'string': return `((${w}) % ${STRINGS.length + 1} == ${STRINGS.length} ? NULL : fz_strings[(${w}) % ${STRINGS.length + 1}])`;
    case 'bool': return `(bool)((${w}) & 1)`;
    case 'f32': return `fz_f32(${w})`;
    case 'f64': return `fz_f64(${w})`;
    case 'pointer': return `(void *)(uintptr_t)(${w})`;
    default: return `(${cScalar(t)})(${w})`;
  }
}

/** Fixed buffer lengths and string tables are decided per parameter, from the signature's rng. */
function decorate(sig) {
  const r = rng(sig.valueSeed, 0x600d);
  for (const p of sig.params) if (p.k === 'scalar' && p.t === 'buffer') p.bufLen = r.range(1, 40);
}

const STRINGS = ['', 'a', 'ffast', 'h\u00e9llo w\u00f6rld', '\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8', 'emoji \u{1f600}\u{1f680}!', 'x'.repeat(300), 'tab\tnew\nline', '\u00ff\u00fe\u00fd'];
const cStr = (s) => '"' + [...Buffer.from(s, 'utf8')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`)).join('') + '"';

const C_PRELUDE = `// Generated by ffast-node/test/fuzz/gen.js: do not edit, do not commit.
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
static inline void fz_h(uint32_t *h, const void *p, size_t n) {
  const uint8_t *b = (const uint8_t *)p;
  for (size_t i = 0; i < n; i++) *h = (*h ^ b[i]) * 16777619u;
}
static inline void fz_hb(uint32_t *h, uint8_t b) { fz_h(h, &b, 1); }
static inline void fz_hs(uint32_t *h, const char *s) {
  if (!s) { uint8_t m[5] = {0xff, 0xff, 0xff, 0xff, 0xff}; fz_h(h, m, 5); return; }
  uint32_t n = (uint32_t)strlen(s);
  fz_h(h, &n, 4);
  fz_h(h, s, n);
}
static inline void fz_hbuf(uint32_t *h, const uint8_t *p, uint32_t n) {
  if (!p) { uint8_t m = 0xfe; fz_h(h, &m, 1); return; }
  fz_h(h, p, n);
}
static inline uint32_t fz_mix(uint32_t h, uint32_t k) {
  h ^= k * 0x9e3779b9u; h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
  return h;
}
static inline uint64_t fz_wide(uint32_t h, uint32_t k) {
  return ((uint64_t)fz_mix(h, 2 * k) << 32) | fz_mix(h, 2 * k + 1);
}
// Floats from bits, never NaN (exponent all ones and a nonzero fraction: clear one exponent bit).
static inline double fz_f64(uint64_t b) {
  if (((b >> 52) & 0x7ff) == 0x7ff && (b & 0xfffffffffffffull)) b &= ~(1ull << 62);
  double d; memcpy(&d, &b, 8); return d;
}
static inline float fz_f32(uint64_t w) {
  uint32_t b = (uint32_t)w;
  if (((b >> 23) & 0xff) == 0xff && (b & 0x7fffff)) b &= ~(1u << 30);
  float f; memcpy(&f, &b, 4); return f;
}
static const char *const fz_strings[${STRINGS.length}] = { ${STRINGS.map(cStr).join(', ')} };
// The hash of the last call of a function with a void result.
uint32_t fz_last;
uint32_t fz_last_hash(void) { return fz_last; }
`;

function emitFunction(sig) {
  const seen = new Set();
  const defs = [];
  for (const p of sig.params) cTypedefs(sig, p, seen, defs);
  cTypedefs(sig, sig.result, seen, defs);
  const out = [...defs];
  if (sig.kind === 'cb') return emitCallback(sig, out);
  const params = sig.params.map((p, i) => `${cType(sig, p)} a${i}`).join(', ') || 'void';
  out.push(`${cType(sig, sig.result)} ${sig.name}(${params}) {`);
  out.push('  uint32_t h = 2166136261u;');
  sig.params.forEach((p, i) => cHashParam(sig, p, i, `a${i}`, out));
  emitReturn(sig, sig.result, out);
  out.push('}');
  return out.join('\n');
}

function emitReturn(sig, res, out) {
  if (res.k === 'scalar') {
    if (res.t === 'void') out.push('  fz_last = h;');
    else if (res.t === 'string') out.push(`  { uint32_t k = fz_mix(h, 0) % ${STRINGS.length + 1}; return k == ${STRINGS.length} ? NULL : fz_strings[k]; }`);
    else out.push(`  return ${cFromWide(res.t, 'fz_wide(h, 0)')};`);
    return;
  }
  out.push(`  ${cName(sig, res)} r;`);
  out.push('  memset(&r, 0, sizeof r);');
  cFill(res, 'r', out, { k: 0 });
  out.push('  return r;');
}

/**
 * A callback variant: `int32_t name(R (*fn)(P…), uint32_t seed)` calls fn with arguments made
 * from seed — scalar argument j from fz_wide(seed, j), the leaves of aggregate argument j (a
 * union's active member; its other bytes zero) from fz_wide(fz_mix(seed, 1000 + j), k) — hashes
 * them as a function would, and returns 0 when fn's result is the one derived from that hash, 1
 * (or the 1-based index of the first wrong leaf of an aggregate) otherwise; a void result never
 * fails here (its hash is left in fz_last).
 */
function emitCallback(sig, out) {
  const pt = sig.params.map((p) => cType(sig, p)).join(', ') || 'void';
  out.push(`typedef ${cType(sig, sig.result)} (*${sig.name}_fn)(${pt});`);
  out.push(`int32_t ${sig.name}(${sig.name}_fn fn, uint32_t seed) {`);
  sig.params.forEach((p, j) => {
    if (p.k !== 'scalar') {
      out.push(`  ${cType(sig, p)} a${j};`);
      out.push(`  memset(&a${j}, 0, sizeof a${j});`);
      out.push(`  { uint32_t hs = fz_mix(seed, ${1000 + j});`);
      cFill(p, `a${j}`, out, { k: 0 }, '    ', 'hs');
      out.push('  }');
      return;
    }
    const w = `fz_wide(seed, ${j})`;
    if (p.t === 'string') out.push(`  const char *a${j} = (${w}) % ${STRINGS.length + 1} == ${STRINGS.length} ? NULL : fz_strings[(${w}) % ${STRINGS.length + 1}];`);
    else out.push(`  ${cScalar(p.t)} a${j} = ${cFromWide(p.t, w)};`);
  });
  out.push('  uint32_t h = 2166136261u;');
  sig.params.forEach((p, j) => cHashParam(sig, p, j, `a${j}`, out));
  const call = `fn(${sig.params.map((_, j) => `a${j}`).join(', ')})`;
  const res = sig.result;
  if (res.k !== 'scalar') {
    out.push(`  ${cType(sig, res)} got = ${call};`);
    out.push(`  ${cType(sig, res)} want;`);
    out.push('  memset(&want, 0, sizeof want);');
    cFill(res, 'want', out, { k: 0 });
    // Member by member (padding is unspecified); floats and everything else by bytes.
    leafExprs(res, 'x').forEach((e, i) => {
      out.push(`  if (memcmp(&${e.replace(/^x/, 'got')}, &${e.replace(/^x/, 'want')}, sizeof ${e.replace(/^x/, 'got')}) != 0) return ${i + 1};`);
    });
    out.push('  return 0;');
  } else if (res.t === 'void') {
    out.push(`  ${call};`);
    out.push('  fz_last = h;');
    out.push('  return 0;');
  } else {
    const t = res.t;
    out.push(`  ${cScalar(t)} got = ${call};`);
    out.push(`  ${cScalar(t)} want = ${cFromWide(t, 'fz_wide(h, 0)')};`);
    // Floats compare by bits (-0 vs 0 counts); bool as bool.
    out.push('  return memcmp(&got, &want, sizeof got) == 0 ? 0 : 1;');
  }
  out.push('}');
  return out.join('\n');
}

/** C lvalue expressions of the leaves of node n under `expr` (a union: its active member). */
function leafExprs(n, expr) {
  if (n.k === 'scalar') return [expr];
  if (n.k === 'array') {
    const out = [];
    for (let i = 0; i < n.len; i++) out.push(...leafExprs(n.elem, `${expr}[${i}]`));
    return out;
  }
  const fs = n.k === 'union' ? [n.fields[n.active]] : n.fields;
  return fs.flatMap((f) => leafExprs(f.type, `${expr}.${f.name}`));
}

function emitC(sigs) {
  return [C_PRELUDE, ...sigs.map(emitFunction)].join('\n\n') + '\n';
}

// ------------------------------------------------------------------------------------- JS model
const FNV0 = 2166136261;
const fnvBytes = (h, bytes) => {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  return h;
};
const le = (v, n) => {
  const b = [];
  let x = BigInt.asUintN(n * 8, BigInt(v));
  for (let i = 0; i < n; i++) {
    b.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return b;
};
const f32Bytes = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
const f64Bytes = (x) => [...new Uint8Array(new Float64Array([x]).buffer)];

/** README "Types": a 64-bit parameter from a Number (truncated) or a BigInt. */
const to64 = (v) => (typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt(Math.trunc(v))));

/** The C bytes of JS value v as scalar t (≤ 32-bit ints: ToInt32 then a C cast). */
function scalarBytes(t, v) {
  switch (t) {
    case 'bool': return [v ? 1 : 0];
    case 'i8': case 'u8': return le(v | 0, 1);
    case 'i16': case 'u16': return le(v | 0, 2);
    case 'i32': case 'u32': return le(v | 0, 4);
    case 'i64': case 'u64': case 'isize': case 'usize': return le(to64(v), 8);
    case 'pointer': return le(v === null || v === undefined ? 0n : to64(v), 8);
    case 'f32': return f32Bytes(v);
    case 'f64': return f64Bytes(v);
    default: throw new Error(`scalarBytes: ${t}`);
  }
}

function valueAt(v, path) {
  for (const k of path) v = v[k];
  return v;
}

/** fz_hs: a string's UTF-8 length and bytes as C sees its copy (cut at the first U+0000); NULL a marker. */
function hashString(h, v) {
  if (v === null) return fnvBytes(h, [0xff, 0xff, 0xff, 0xff, 0xff]);
  const s = v.includes('\0') ? v.slice(0, v.indexOf('\0')) : v;
  const b = Buffer.from(s, 'utf8');
  return fnvBytes(fnvBytes(h, le(b.length, 4)), b);
}

function hashParam(h, p, i, v) {
  h = fnvBytes(h, [i & 0xff]);
  if (p.k === 'scalar' && p.t === 'string') return hashString(h, v);
  if (p.k === 'scalar' && p.t === 'buffer') {
    if (v === null) return fnvBytes(h, [0xfe]);
    const u8 = v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)
      ? new Uint8Array(v)
      : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return fnvBytes(h, u8.subarray(0, p.bufLen));
  }
  if (p.k === 'scalar' && NARROW.includes(p.t)) {
    // The C value (ToInt32 then a C cast), sign- or zero-extended to 32 bits (see cHashParam).
    const b = scalarBytes(p.t, v);
    let x = b.reduce((acc, byte, k) => acc + byte * 2 ** (8 * k), 0);
    if (INT[p.t].signed && x >= 2 ** (8 * b.length - 1)) x -= 2 ** (8 * b.length);
    return fnvBytes(h, le(x, 4));
  }
  for (const l of leaves(p)) h = l.t === 'string' ? hashString(h, valueAt(v, l.path)) : fnvBytes(h, scalarBytes(l.t, valueAt(v, l.path)));
  return h;
}

function hashArgs(params, values) {
  let h = FNV0;
  params.forEach((p, i) => {
    h = hashParam(h, p, i, values[i]);
  });
  return h;
}

const SAFE = 2n ** 53n - 1n;
const f64FromBits = (b) => {
  if (((b >> 52n) & 0x7ffn) === 0x7ffn && (b & 0xfffffffffffffn)) b &= ~(1n << 62n);
  return new Float64Array(new BigUint64Array([b]).buffer)[0];
};
const f32FromBits = (w) => {
  let b = Number(w & 0xffffffffn);
  if (((b >>> 23) & 0xff) === 0xff && b & 0x7fffff) b = (b & ~(1 << 30)) >>> 0;
  return new Float32Array(new Uint32Array([b]).buffer)[0];
};

/** The JS value ffast gives for a C scalar of type t made from 64 bits w (README "Types"). */
function fromWide(t, w) {
  switch (t) {
    case 'string': {
      const k = Number(w % BigInt(STRINGS.length + 1));
      return k === STRINGS.length ? null : STRINGS[k];
    }
    case 'bool': return (w & 1n) === 1n;
    case 'i8': return Number(BigInt.asIntN(8, w));
    case 'u8': return Number(BigInt.asUintN(8, w));
    case 'i16': return Number(BigInt.asIntN(16, w));
    case 'u16': return Number(BigInt.asUintN(16, w));
    case 'i32': return Number(BigInt.asIntN(32, w));
    case 'u32': return Number(BigInt.asUintN(32, w));
    case 'i64': case 'isize': {
      const v = BigInt.asIntN(64, w);
      return v >= -SAFE && v <= SAFE ? Number(v) : v;
    }
    case 'u64': case 'usize': {
      const v = BigInt.asUintN(64, w);
      return v <= SAFE ? Number(v) : v;
    }
    case 'pointer': {
      const v = BigInt.asUintN(64, w);
      if (v === 0n) return null;
      return v <= SAFE ? Number(v) : v;
    }
    case 'f32': return f32FromBits(w);
    case 'f64': return f64FromBits(w);
    default: throw new Error(`fromWide: ${t}`);
  }
}

/** The expected result of a call whose arguments hash to h: a value, or for aggregates the leaves. */
function expectedResult(res, h) {
  if (res.k === 'scalar') {
    if (res.t === 'void') return undefined;
    if (res.t === 'string') {
      const k = mix(h, 0) % (STRINGS.length + 1);
      return k === STRINGS.length ? null : STRINGS[k];
    }
    return fromWide(res.t, wide(h, 0));
  }
  return leaves(res).map((l, k) => ({ path: l.path, t: l.t, v: fromWide(l.t, wide(h, k)) }));
}

/**
 * The arguments a callback variant's C side makes from seed (see emitCallback): scalars, or for
 * an aggregate its leaves (a union: the active member's) as `[{ path, t, v }]`.
 */
function cbArgs(sig, seed) {
  return sig.params.map((p, j) => {
    if (p.k !== 'scalar') {
      const hs = mix(seed, 1000 + j);
      return leaves(p).map((l, k) => ({ path: l.path, t: l.t, v: fromWide(l.t, wide(hs, k)) }));
    }
    return fromWide(p.t, wide(seed, j));
  });
}

/** A JS value of node n from its leaves (`[{ path, v }]` as expectedResult gives them). */
function buildValue(n, ls) {
  const root = {};
  for (const l of ls) {
    let o = root;
    let key = 'v';
    const path = ['v', ...l.path];
    for (let i = 0; i < path.length - 1; i++) {
      key = path[i];
      if (o[key] === undefined) o[key] = typeof path[i + 1] === 'number' ? [] : {};
      o = o[key];
    }
    o[path[path.length - 1]] = l.v;
  }
  return root.v;
}

// ------------------------------------------------------------------------------------- JS values
function genFloat64(r) {
  switch (r.int(8)) {
    case 0: return r.pick([0, -0, Infinity, -Infinity, 1, -1, 0.5, Number.MIN_VALUE, -Number.MAX_VALUE]);
    case 1: return (r.u32() | 0) * 0.25;
    default: {
      let b = r.u64();
      if (((b >> 52n) & 0x7ffn) === 0x7ffn && (b & 0xfffffffffffffn)) b &= ~(1n << 62n);
      return new Float64Array(new BigUint64Array([b]).buffer)[0];
    }
  }
}
function genFloat32(r) {
  switch (r.int(8)) {
    case 0: return r.pick([0, -0, Infinity, -Infinity, 1.5, -2, 2 ** -149, 3.4028234663852886e38]);
    // Not representable as f32: rounds (to nearest, as C's (float) conversion does).
    case 1: return genFloat64(r);
    default: {
      let b = r.u32();
      if (((b >>> 23) & 0xff) === 0xff && b & 0x7fffff) b = (b & ~(1 << 30)) >>> 0;
      return new Float32Array(new Uint32Array([b]).buffer)[0];
    }
  }
}
/**
 * An integer argument for t. Parameters (strict = false) may be anything ffast converts: ≤ 32-bit
 * ones wrap (ToInt32 then a C cast: out-of-range, fractional, NaN, ±Infinity), 64-bit ones are
 * Numbers (truncated, negative for unsigned types = two's complement) or BigInts. Struct members
 * (strict) must be in range (README: encoding is strict), fractions still truncate.
 */
function genInt(r, t, strict) {
  const info = INT[t];
  const bits = info.size * 8;
  const roll = r.int(10);
  if (roll === 0) return r.pick(info.signed || !strict ? [0, -0, 1, -1] : [0, -0, 1]);
  if (bits <= 32) {
    if (!strict && roll === 1) return (r.u32() | 0) + r.pick([0, 0.5, -0.75]);
    if (!strict && roll === 2) return r.pick([2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 7, 1e300, -1e300, NaN, Infinity, -Infinity]);
    const v = BigInt(r.u32()) & ((1n << BigInt(bits)) - 1n);
    const n = Number(info.signed ? BigInt.asIntN(bits, v) : v);
    // A fraction toward zero truncates to the integer one closer to zero (still in range).
    if (roll === 3 && n !== 0) return n > 0 ? n - 0.25 : n + 0.25;
    return n;
  }
  const w = r.u64();
  const v = info.signed ? BigInt.asIntN(64, w) : w;
  if (roll < 5) return Number(info.signed ? BigInt.asIntN(53, w) : BigInt.asUintN(53, w));
  if (roll < 7) return Number(v >> 11n) * 2048; // integral and exact, often beyond 2^53
  if (roll < 8) return Number(BigInt.asUintN(40, w)) + 0.5;
  if (!strict && !info.signed && roll === 8) return -Number(BigInt.asUintN(40, w));
  return v;
}
function genPointer(r) {
  switch (r.int(6)) {
    case 0: return null;
    case 1: return 0;
    case 2: return r.u64();
    case 3: return BigInt.asUintN(64, r.u64() | (1n << 63n));
    default: return Number(BigInt.asUintN(52, r.u64()));
  }
}
const STR_POOL = [...'abcxyz019 _-~', '\u00e9', '\u00ff', '\u00a0', '\u0100', '\u20ac', '\u65e5', '\u{1f600}', '\u{10ffff}', '\t', '\n'];
function genString(r) {
  if (r.int(12) === 0) return null;
  const roll = r.int(10);
  const n = roll < 6 ? r.int(20) : roll < 9 ? r.range(20, 300) : r.range(300, 2000);
  const latin = r.chance(0.6);
  const cs = [];
  for (let i = 0; i < n; i++) {
    const c = r.pick(STR_POOL);
    cs.push(latin && c.codePointAt(0) > 0xff ? 'q' : c);
  }
  // A U+0000 cuts the C string there (README "Types").
  if (r.int(30) === 0) cs.push('\0tail');
  // join() makes a flat (sequential) string, as V8's fast path wants; `+=` would make a cons
  // string, which V8 passes to the slow path.
  return cs.join('');
}
function genBuffer(r, len) {
  if (r.int(12) === 0) return null;
  const bytes = new Uint8Array(len + 64);
  for (let i = 0; i < bytes.length; i++) bytes[i] = r.u32() & 0xff;
  const off = r.int(8) * 8;
  switch (r.int(6)) {
    case 0: return bytes.slice(0, len);
    case 1: return bytes.subarray(off, off + len);
    case 2: return new DataView(bytes.buffer, off, len);
    case 3: return bytes.slice(0, len).buffer;
    case 4: return new Float64Array(bytes.buffer, off, Math.ceil(len / 8));
    default: {
      const sab = new SharedArrayBuffer(len);
      new Uint8Array(sab).set(bytes.subarray(0, len));
      return sab;
    }
  }
}

function genScalar(r, t, strict) {
  if (t === 'bool') return r.chance(0.5);
  if (t === 'f32') return genFloat32(r);
  if (t === 'f64') return genFloat64(r);
  if (t === 'pointer') return genPointer(r);
  if (INT[t]) return genInt(r, t, strict);
  throw new Error(`genScalar: ${t}`);
}

/** A JS value for node p (aggregates: objects, arrays as JS arrays, unions by their active member). */
function genValue(r, p, strict = false) {
  if (p.k === 'scalar') {
    if (p.t === 'string') return genString(r);
    if (p.t === 'buffer') return genBuffer(r, p.bufLen);
    return genScalar(r, p.t, strict);
  }
  if (p.k === 'array') return Array.from({ length: p.len }, () => genValue(r, p.elem, true));
  const o = {};
  const fs = p.k === 'union' ? [p.fields[p.active]] : p.fields;
  for (const f of fs) o[f.name] = genValue(r, f.type, true);
  return o;
}

function genArgs(sig, salt) {
  const r = rng(sig.valueSeed, salt);
  return sig.params.map((p) => genValue(r, p));
}

// ------------------------------------------------------------------------------------- JS types
/** The ffast type (a name or a type object) of node n, built once per node. */
function jsType(ffast, n) {
  if (n.k === 'scalar') return n.t;
  if (n._js) return n._js;
  if (n.k === 'array') return (n._js = ffast.array(jsType(ffast, n.elem), n.len));
  const fields = {};
  for (const f of n.fields) fields[f.name] = f.align ? { type: jsType(ffast, f.type), align: f.align } : jsType(ffast, f.type);
  const opts = n.pack ? { pack: n.pack } : undefined;
  return (n._js = n.k === 'union' ? ffast.union(fields, opts) : ffast.struct(fields, opts));
}

/** Source text of the ffast type of n (for reproducers). */
function jsTypeSource(n) {
  if (n.k === 'scalar') return `'${n.t}'`;
  if (n.k === 'array') return `array(${jsTypeSource(n.elem)}, ${n.len})`;
  const fs = n.fields.map((f) => `${f.name}: ${f.align ? `{ type: ${jsTypeSource(f.type)}, align: ${f.align} }` : jsTypeSource(f.type)}`);
  return `${n.k}({ ${fs.join(', ')} }${n.pack ? `, { pack: ${n.pack} }` : ''})`;
}

/** JS source of a value (for reproducers). */
function jsValueSource(v) {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsValueSource).join(', ')}]`;
  if (v instanceof ArrayBuffer) return `new Uint8Array([${[...new Uint8Array(v)].join(', ')}]).buffer`;
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return `(() => { const s = new SharedArrayBuffer(${v.byteLength}); new Uint8Array(s).set([${[...new Uint8Array(v)].join(', ')}]); return s; })()`;
  if (ArrayBuffer.isView(v)) {
    const all = [...new Uint8Array(v.buffer)];
    return `new ${v.constructor.name}(new Uint8Array([${all.join(', ')}]).buffer, ${v.byteOffset}, ${v instanceof DataView ? v.byteLength : v.length})`;
  }
  return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${jsValueSource(x)}`).join(', ')} }`;
}

module.exports = {
  EXCLUDE, EXCLUSION_NAMES, exclusions, mix, wide, rng, layout, leaves, genSignature, emitC, emitFunction,
  hashArgs, expectedResult, cbArgs, buildValue, genArgs, genValue, jsType, jsTypeSource, jsValueSource, valueAt, fromWide,
  hasStrings, STRINGS, FNV0,
};
