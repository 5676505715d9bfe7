'use strict';
// Code generation: per type, a flat encoder, decoder, decode-into and view class (compile).

const { fail, show } = require('../errors.js');
const { kDv, kOff, ViewBrand, memorySpan } = require('../buffers.js');
const { checkAddress, toArrayBuffer } = require('../addresses.js');
const { internals, INLINE_MAX, SCALARS, IDENT, sizeOf, label } = require('./model.js');
const { typeErr, rangeErr, unionErr, lengthErr, reframe, defOwn, storeRest, w64n, r64, ru64, rptr, rstr, noSink, I64MIN, I64MAX, U64MAX, rwstr } = require('./runtime.js');

// --------------------------------------------------------------------------- code generation
// Generated functions close over these (positional parameters of every `new Function`), and
// over `$d<i>`: per function, the nested types' code it calls.
const RT = { typeErr, rangeErr, unionErr, lengthErr, reframe, defOwn, storeRest, hasOwn: Object.hasOwn, w64n, r64, ru64, rptr, rstr, rwstr, noSink, I64MIN, I64MAX, U64MAX };
const RT_NAMES = Object.keys(RT).map((k) => `$${k}`);
const RT_VALUES = Object.values(RT);
let serial = 0;

// Names reach generated code only as JSON string literals: JSON.stringify escapes quotes,
// backslashes and control characters, and (JSON ⊂ ECMAScript since ES2019) the U+2028/U+2029
// it leaves as they are are legal inside a string literal.
const lit = (s) => JSON.stringify(s);
/** `v["name"]`. */
const prop = (v, name) => `${v}[${lit(name)}]`;
/**
 * A member of a value being encoded. Values are read like any JS object (getters and class
 * instances work), except a member whose name Object.prototype also has (`constructor`,
 * `toString`, `__proto__`, …): that one only from the value's own properties, or every plain
 * object would seem to give it.
 */
const member = (v, name) => (name in Object.prototype ? `($hasOwn(${v}, ${lit(name)}) ? ${prop(v, name)} : undefined)` : prop(v, name));
/** An object-literal key: a string literal, except `__proto__`, which as a literal key would set the prototype. */
const litKey = (name) => (name === '__proto__' ? `[${lit(name)}]` : lit(name));
/** A path step in messages: `.name` (bare at the start), or `["any name"]`. */
const step = (name, first) => (IDENT.test(name) ? (first ? name : `.${name}`) : `[${JSON.stringify(name)}]`);

/** Path expressions: a string literal while constant, a concatenation inside array loops. */
const asLit = (p) => {
  try {
    return JSON.parse(p);
  } catch {
    return null;
  }
};
const joinField = (p, name) => {
  const s = asLit(p);
  if (s !== null) return lit(s + step(name, s === ''));
  return `${p} + ${lit(step(name, false))}`;
};
const joinIndex = (p, i) => `${p} + "[" + ${i} + "]"`;

/** Whether a nested type's code is written into its parent's (small) or called (big). */
const inlined = (t, ctx) => typeof t === 'string' || t === ctx.root || internals.get(t).weight <= INLINE_MAX;
/** A name for a value the generated function closes over. */
const depOf = (ctx, v) => `$d${ctx.deps.push(v) - 1}`;

/**
 * Statements that store the JS value in variable `v` (of type `t`) at byte offset expression
 * `o` of DataView `dv`; `p` is the path expression for error messages, `w` the where-prefix.
 */
function genEnc(t, v, o, p, ctx) {
  if (typeof t === 'string') return genEncScalar(t, v, o, p);
  const info = internals.get(t);
  if (!inlined(t, ctx)) {
    // A big nested type: its own encoder, errors reframed with this path.
    const e = `e${++ctx.n}`;
    return `try { ${depOf(ctx, info.code.enc)}(dv, ${o}, ${v}, w, s); } catch (${e}) { $reframe(${e}, ${p}); }`;
  }
  const id = ++ctx.n;
  if (info.kind === 'array') {
    const i = `i${id}`;
    const e = `e${id}`;
    const es = sizeOf(info.element);
    const head = `if (${v} === null || typeof ${v} !== 'object' || ${v}.length !== ${info.length}) $lengthErr(w, ${p}, ${info.length}, ${v});\n`;
    if (!inlined(info.element, ctx)) {
      // Elements of a big type: one try around the loop, the index read in the catch.
      const x = `x${id}`;
      return `${head}let ${i} = 0;
try { for (; ${i} < ${info.length}; ${i}++) ${depOf(ctx, internals.get(info.element).code.enc)}(dv, ${o} + ${i} * ${es}, ${v}[${i}], w, s); }
catch (${x}) { $reframe(${x}, ${joinIndex(p, i)}); }`;
    }
    return `${head}for (let ${i} = 0; ${i} < ${info.length}; ${i}++) { const ${e} = ${v}[${i}];
${genEnc(info.element, e, `${o} + ${i} * ${es}`, joinIndex(p, i), ctx)}
}`;
  }
  const check = `if (${v} === null || typeof ${v} !== 'object') $typeErr(w, ${p}, ${lit(info.kind + ' (object)')}, ${v});\n`;
  if (info.kind === 'struct') {
    return (
      check +
      info.fields
        .map((f, k) => {
          const x = `f${id}_${k}`;
          return `const ${x} = ${member(v, f.name)};\n${genEnc(f.type, x, `${o} + ${f.offset}`, joinField(p, f.name), ctx)}`;
        })
        .join('\n')
    );
  }
  // union: exactly one member given; the other bytes are zeroed so a read through any
  // member sees the same bytes C would after storing only that one.
  const names = info.fields.map((f) => f.name);
  const n = `n${id}`;
  let s = check + `let ${n} = 0;\n`;
  s += info.fields.map((f) => `if (${member(v, f.name)} !== undefined) ${n}++;`).join('\n');
  s += `\nif (${n} !== 1) $unionErr(w, ${p}, ${lit(names.map((x) => step(x, true)).join(', '))}, ${n});\n`;
  s += `for (let z = 0; z < ${info.size}; z++) dv.setUint8(${o} + z, 0);\n`;
  s += info.fields
    .map((f, k) => {
      const x = `f${id}_${k}`;
      return `${k ? 'else ' : ''}if (${member(v, f.name)} !== undefined) { const ${x} = ${member(v, f.name)};\n${genEnc(f.type, x, o, joinField(p, f.name), ctx)} }`;
    })
    .join('\n');
  return s;
}

function genEncScalar(t, v, o, p) {
  if (SCALARS[t].wide === 'string') {
    // s: the string sink of the encoding (the call's arena, or noSink), giving the address
    // of a NUL-terminated UTF-8 copy (a wide one: in code units of SCALARS[t].unit bytes).
    const unit = SCALARS[t].unit ? `, ${SCALARS[t].unit}` : '';
    return `if (${v} === null) { dv.setUint32(${o}, 0, true); dv.setUint32(${o} + 4, 0, true); }
else if (typeof ${v} === 'string') $w64n(dv, ${o}, s(${v}, w, ${p}${unit}));
else $typeErr(w, ${p}, "string (or null)", ${v});`;
  }
  const s = SCALARS[t];
  const want = lit(`${t} (${t === 'bool' ? 'boolean' : s.wide ? `number or bigint${s.wide === 'pointer' ? ' or null' : ''}` : 'number'})`);
  if (t === 'bool') return `if (typeof ${v} !== 'boolean') $typeErr(w, ${p}, ${want}, ${v});\ndv.setUint8(${o}, ${v} ? 1 : 0);`;
  if (s.float) return `if (typeof ${v} !== 'number') $typeErr(w, ${p}, ${want}, ${v});\ndv.${s.set}(${o}, ${v}, true);`;
  if (!s.wide) {
    // Fractions truncate (as for ≤32-bit arguments); the truncated value must fit the type.
    return `if (typeof ${v} !== 'number') $typeErr(w, ${p}, ${want}, ${v});
if (!(${v} > ${s.min - 1} && ${v} < ${s.max + 1})) $rangeErr(w, ${p}, ${lit(t)}, ${v});
dv.${s.set}(${o}, ${v}, true);`;
  }
  const signed = s.wide === 'signed';
  const [nlo, nhi] = signed ? ['-9223372036854775808', '9223372036854775808'] : ['-1', '18446744073709551616'];
  const [blo, bhi] = signed ? ['$I64MIN', '$I64MAX'] : ['0n', '$U64MAX'];
  const nullCase = s.wide === 'pointer' ? `if (${v} === null) { dv.setUint32(${o}, 0, true); dv.setUint32(${o} + 4, 0, true); } else ` : '';
  // A signed minimum of exactly -2^63 is a double; `>=` keeps it, NaN fails both sides.
  const ncmp = signed ? `${v} >= ${nlo} && ${v} < ${nhi}` : `${v} > ${nlo} && ${v} < ${nhi}`;
  return `${nullCase}if (typeof ${v} === 'number') {
if (!(${ncmp})) $rangeErr(w, ${p}, ${lit(t)}, ${v});
$w64n(dv, ${o}, ${v});
} else if (typeof ${v} === 'bigint') {
if (${v} < ${blo} || ${v} > ${bhi}) $rangeErr(w, ${p}, ${lit(t)}, ${v});
dv.${signed ? 'setBigInt64' : 'setBigUint64'}(${o}, ${v}, true);
} else $typeErr(w, ${p}, ${want}, ${v});`;
}

/** { pre, expr }: statements, then an expression for the value of type t at offset o. */
function genDec(t, o, ctx) {
  if (typeof t === 'string') return { pre: '', expr: genDecScalar(t, o) };
  const info = internals.get(t);
  if (!inlined(t, ctx)) return { pre: '', expr: `${depOf(ctx, info.code.dec)}(dv, ${o})` };
  const id = ++ctx.n;
  if (info.kind === 'array') {
    const a = `a${id}`;
    const i = `i${id}`;
    const e = genDec(info.element, `${o} + ${i} * ${sizeOf(info.element)}`, ctx);
    return {
      pre: `const ${a} = new Array(${info.length});\nfor (let ${i} = 0; ${i} < ${info.length}; ${i}++) { ${e.pre}\n${a}[${i}] = ${e.expr}; }\n`,
      expr: a,
    };
  }
  let pre = '';
  const parts = info.fields.map((f) => {
    const d = genDec(f.type, info.kind === 'union' ? o : `${o} + ${f.offset}`, ctx);
    pre += d.pre;
    return `${litKey(f.name)}: ${d.expr}`;
  });
  return { pre, expr: `{ ${parts.join(', ')} }` };
}

function genDecScalar(t, o) {
  const s = SCALARS[t];
  if (t === 'bool') return `dv.getUint8(${o}) !== 0`;
  if (!s.wide) return `dv.${s.get}(${o}, true)`;
  if (s.wide === 'string') return s.unit ? `$rwstr(dv, ${o}, ${s.unit})` : `$rstr(dv, ${o})`;
  return `${s.wide === 'signed' ? '$r64' : s.wide === 'unsigned' ? '$ru64' : '$rptr'}(dv, ${o})`;
}

function build(params, body, values, what, ctx) {
  // The label sits in a line comment: only printable ASCII (no line terminator can end it).
  const src = `"use strict"; // ffast ${what.replace(/[^\x20-\x7e]/g, '?')} #${++serial}\n${body}`;
  const names = ctx.deps.map((_, i) => `$d${i}`);
  // eslint-disable-next-line no-new-func
  return new Function(...RT_NAMES, ...params, ...names, src)(...RT_VALUES, ...values, ...ctx.deps);
}
const newCtx = (root) => ({ n: 0, deps: [], root });

/**
 * Compile one type's code: `enc(dv, o, v, w)`, `dec(dv, o)`, `decInto(dv, o, target)`, the
 * view class, and the public encode/decode/view.
 */
function compile(info) {
  const name = label(info);
  // A stand-in type node for the type being compiled (it is not registered yet).
  const node = Object.freeze({});
  internals.set(node, info);
  let ctx = newCtx(node);
  const encBody = genEnc(node, 'v', 'o', '""', ctx);
  const enc = build([], `return function enc(dv, o, v, w, s) {\n${encBody}\n};`, [], `encode ${name}`, ctx);
  ctx = newCtx(node);
  const d = genDec(node, 'o', ctx);
  const dec = build([], `return function dec(dv, o) {\n${d.pre}return ${d.expr};\n};`, [], `decode ${name}`, ctx);
  // decInto(dv, o, t, w): C's result stored into the caller's object `t` (out/inout
  // pointer(T) arguments, an aggregate result decoded into an object). A struct's members are
  // all decoded before the first store: a store may run a setter, and JS run there may call
  // the same function again, reusing the memory being read. A store the object refuses is
  // finished by storeRest (the other members are still stored, then ERR_FFAST_ARG_TYPE),
  // which decodes the values again (`dec`) rather than taking the decoded locals: a handler
  // that kept them alive (or passed storeRest more than a few arguments) cost 3.5–4 ns per
  // call on Node 24/26 (a Pt2 decoded into an object: 19.3 → 23 ns, measured); this one costs
  // nothing measurable.
  let decInto;
  ctx = newCtx(node);
  if (!info.fields) {
    // An array decodes into the given array-like, element by element (out(pointer(array))).
    const e = genDec(info.element, `o + i * ${sizeOf(info.element)}`, ctx);
    decInto = build(
      [],
      `return function decInto(dv, o, t, w) {
let i = 0;
try { for (; i < ${info.length}; i++) { ${e.pre}\nt[i] = ${e.expr}; } }
catch (e) { $storeRest(e, t, i, dv, o, w, ${depOf(ctx, { keys: null, n: info.length, dec })}); }
};`,
      [],
      `decodeInto ${name}`,
      ctx,
    );
  } else {
    let pre = '';
    const sets = info.fields.map((f, k) => {
      const x = genDec(f.type, info.kind === 'union' ? 'o' : `o + ${f.offset}`, ctx);
      pre += x.pre;
      pre += `const x${k} = ${x.expr};\n`;
      const store = f.name === '__proto__' ? `$defOwn(t, "__proto__", x${k});` : `${prop('t', f.name)} = x${k};`;
      return `${store} k = ${k + 1};`;
    });
    const rest = depOf(ctx, { keys: Object.freeze(info.fields.map((f) => f.name)), n: info.fields.length, dec });
    decInto = build(
      [],
      `return function decInto(dv, o, t, w) {
${pre}let k = 0;
try {
${sets.join('\n')}
} catch (e) { $storeRest(e, t, k, dv, o, w, ${rest}); }
};`,
      [],
      `decodeInto ${name}`,
      ctx,
    );
  }
  internals.delete(node);
  const View = makeViewClass(info, name);
  const size = info.size;
  const what = info.kind;

  // One-entry cache: a hot loop encoding into the same buffer reuses its DataView (while it
  // still covers `size` bytes: a detached or shrunk buffer's DataView throws or reads 0).
  let lastTarget = null;
  let lastOffset = -1;
  let lastDv = null;
  function dvOf(target, offset, fn) {
    if (offset === undefined) offset = 0;
    else if (!(Number.isSafeInteger(offset) && offset >= 0)) {
      fail('ERR_FFAST_ARG_RANGE', `${what}.${fn}: offset must be a non-negative integer, got ${show(offset)}`);
    }
    if (target === lastTarget && offset === lastOffset) {
      // (a detached or shrunk buffer's DataView throws here: then it is looked at afresh)
      try {
        if (lastDv.byteLength === size) return lastDv;
      } catch {}
    }
    if (typeof target === 'number' || typeof target === 'bigint' || target === null || target === undefined) {
      // An address (every NULL spelling and non-address is a typed error there).
      const a = checkAddress(target, `${what}.${fn}`);
      const atAddr = typeof a === 'number' && a + offset <= Number.MAX_SAFE_INTEGER ? a + offset : BigInt(a) + BigInt(offset);
      if (atAddr > U64MAX) fail('ERR_FFAST_ARG_RANGE', `${what}.${fn}: offset ${offset} from ${show(target)} runs past the end of the address space`);
      return new DataView(toArrayBuffer(atAddr, size));
    }
    const parts = memorySpan(target, offset, size, `${what}.${fn}`, true);
    const dv = new DataView(parts.buf, parts.start + offset, size);
    lastTarget = target;
    lastOffset = offset;
    lastDv = dv;
    return dv;
  }
  return {
    enc,
    dec,
    decInto,
    View,
    encode(value, target, offset) {
      if (target === undefined) {
        let out;
        try {
          out = new Uint8Array(size);
        } catch (e) {
          fail('ERR_FFAST_ARG_RANGE', `${what}.encode: cannot allocate ${size} bytes (pass a target)`, e);
        }
        enc(new DataView(out.buffer), 0, value, `${what}.encode`, noSink);
        return out;
      }
      enc(dvOf(target, offset, 'encode'), 0, value, `${what}.encode`, noSink);
      return target;
    },
    decode(source, offset) {
      return dec(dvOf(source, offset, 'decode'), 0);
    },
    view(source, offset) {
      return new View(dvOf(source, offset, 'view'), 0);
    },
  };
}

/**
 * A view class: an accessor per field over (DataView, offset). Nested composites and arrays
 * give views of their own (zero-copy all the way down); assigning one encodes the whole value.
 * Accessors have computed keys (`get ["constructor"]()` is a plain accessor, where the same
 * name as a literal key would be a class constructor).
 *
 * A view's own helpers never hide a member: struct and union views have one, `toJSON()`
 * (decodes); array views (which have no member names) have `length`, `get`, `set`,
 * `toJSON` and the iterator. A member named `toJSON` is that member (`view.toJSON` reads
 * it); JSON.stringify then finds no function there, so such a view also carries every
 * member as an own enumerable accessor (the prototype's), which JSON.stringify lists in
 * member order (an array index is never a member name). Only types with such a member pay
 * for the own properties.
 */
function makeViewClass(info, name) {
  const ctx = newCtx(null);
  const getter = (t, o) => {
    if (typeof t !== 'string') return `return new ${depOf(ctx, internals.get(t).code.View)}(this[$kDv], ${o});`;
    return `const dv = this[$kDv]; return ${genDecScalar(t, o)};`;
  };
  const setter = (t, o, p) => `const dv = this[$kDv]; const w = 'view'; const s = $noSink; ${genEnc(t, 'v', o, lit(p), ctx)}`;
  let members = '';
  const self = depOf(ctx, info);
  let ctor = 'this[$kDv] = dv; this[$kOff] = o; new $ViewBrand(this);';
  let own = null;
  if (info.fields) {
    for (const f of info.fields) {
      const o = `this[$kOff] + ${info.kind === 'union' ? 0 : f.offset}`;
      const k = `[${lit(f.name)}]`;
      members += `get ${k}() { ${getter(f.type, o)} }\nset ${k}(v) { ${setter(f.type, o, step(f.name, true))} }\n`;
    }
    if (info.fields.some((f) => f.name === 'toJSON')) {
      own = { add: null };
      ctor += ` ${depOf(ctx, own)}.add(this);`;
    } else {
      members += `toJSON() { return ${self}.code.dec(this[$kDv], this[$kOff]); }\n`;
    }
  } else {
    const es = sizeOf(info.element);
    const chk = `if (!(Number.isInteger(i) && i >= 0 && i < ${info.length})) $rangeErr('view', '', ${lit(`an index of ${name}`)}, i);`;
    members += `get length() { return ${info.length}; }\n`;
    members += `get(i) { ${chk} ${getter(info.element, `this[$kOff] + i * ${es}`)} }\n`;
    members += `set(i, v) { ${chk} const dv = this[$kDv]; const w = 'view'; const s = $noSink; const o = this[$kOff] + i * ${es}; ${genEnc(info.element, 'v', 'o', '"[" + i + "]"', ctx)} }\n`;
    members += `*[Symbol.iterator]() { for (let i = 0; i < ${info.length}; i++) yield this.get(i); }\n`;
    members += `toJSON() { return ${self}.code.dec(this[$kDv], this[$kOff]); }\n`;
  }
  // (toJSON reads info.code at call time: it exists once compile() has returned.)
  const View = build(
    ['$kDv', '$kOff', '$ViewBrand'],
    `return class ${info.kind}View {\nconstructor(dv, o) { ${ctor} }\n${members}};`,
    [kDv, kOff, ViewBrand],
    `view ${name}`,
    ctx,
  );
  if (own !== null) {
    const descs = info.fields.map((f) => {
      const d = Object.getOwnPropertyDescriptor(View.prototype, f.name);
      return [f.name, { __proto__: null, get: d.get, set: d.set, enumerable: true, configurable: false }];
    });
    own.add = (v) => {
      for (const [k, d] of descs) Object.defineProperty(v, k, d);
    };
  }
  return View;
}

module.exports = { compile };
