// ffast: C aggregate types for JS — struct, union, array type objects, their JS ⇄ memory
// encoders/decoders, zero-copy views, and `pointer(T)` parameter types.
//
// There is one layout engine, ffast-core's (ffast-core/src/layout.rs, property-tested against
// gcc): a type object describes its own level in the text form of ffast_core::desc, naming each
// member type object by the native handle it got (`#i`), and asks the native `layout(text,
// handles)` for its size, alignment and field offsets. This file only turns those numbers into
// code: per type, `new Function` generates a flat encoder, decoder and view class (small nested
// types and array loops inlined, DataView stores, little-endian), so a hot loop over a struct
// runs monomorphic, inlinable code without per-field dispatch.
//
// Building and using a type costs what its own level costs: a nested type is never described,
// laid out or compiled again by its parents (big ones are called, not inlined), and the full
// text (`T.type`) is spelled out only when asked for. Member names are arbitrary strings: the
// generated code only ever holds them as JSON string literals (`v["my name"]`, computed class
// keys), never as identifiers (docs/definitions-and-memory.md: the ECMAScript rules behind it).

'use strict';

const { isProxy } = require('node:util').types;
const { FfastError, fail, describe, show, keyName } = require('./errors.js');
const { native } = require('./native.js');
const { ownKeys, ownValue, readOwn, guarded } = require('./user-objects.js');
const { kDv, kOff, ViewBrand, memorySpan } = require('./buffers.js');
const { checkAddress, toArrayBuffer } = require('./addresses.js');
const { scalarPointee } = require('./types.js');

/** A string member's text (rstr): the addon's N-API decoder (index.js gave structs.js that one). */
const cstring = (p) => native.cstring(p);

/** Every type object made here (a look-alike object cannot pass for one). */
const typeObjects = new WeakSet();
/** pointer(T) parameter types. */
const pointerTypes = new WeakSet();
/** Per type object: its internals (compiled code, field table). */
const internals = new WeakMap();

/** ffast_core::layout::MAX_NESTING: how deep types nest (the native walks recurse per level). */
const MAX_NESTING = 100;
/** A nested type of at most this many nodes is inlined into its parent's code; a bigger one is called. */
const INLINE_MAX = 24;

// --------------------------------------------------------------------------- scalars
// Scalars a field may have, by canonical name (what native layout() prints): byte size and
// the DataView accessors. A 'string' (char*) member is a pointer-sized member whose JS value
// is a string: encoded into a copy that lives for the call (the encoder's string sink, see
// docs/struct-strings.md), decoded with cstring().
const SCALARS = {
  bool: { size: 1 },
  i8: { size: 1, get: 'getInt8', set: 'setInt8', min: -128, max: 127 },
  u8: { size: 1, get: 'getUint8', set: 'setUint8', min: 0, max: 255 },
  i16: { size: 2, get: 'getInt16', set: 'setInt16', min: -32768, max: 32767 },
  u16: { size: 2, get: 'getUint16', set: 'setUint16', min: 0, max: 65535 },
  i32: { size: 4, get: 'getInt32', set: 'setInt32', min: -2147483648, max: 2147483647 },
  u32: { size: 4, get: 'getUint32', set: 'setUint32', min: 0, max: 4294967295 },
  i64: { size: 8, wide: 'signed' },
  isize: { size: 8, wide: 'signed' },
  u64: { size: 8, wide: 'unsigned' },
  usize: { size: 8, wide: 'unsigned' },
  pointer: { size: 8, wide: 'pointer' },
  string: { size: 8, wide: 'string' },
  f32: { size: 4, get: 'getFloat32', set: 'setFloat32', float: true },
  f64: { size: 8, get: 'getFloat64', set: 'setFloat64', float: true },
};
const scalarCache = new Map();

/** Canonical scalar name of a field type spelling, or a typed error. */
function scalarName(spelling, where) {
  const hit = scalarCache.get(spelling);
  if (hit) return hit;
  // The grammar's delimiters would let a "type name" smuggle a composite into the text.
  if (/[{}[\];<>@:,#"]/.test(spelling)) {
    fail('ERR_FFAST_TYPE', `${where}: ${show(spelling)} is not a scalar type name (use ffast.struct/union/array for composites)`);
  }
  if (spelling.length > 128) fail('ERR_FFAST_TYPE', `${where}: unknown type '${spelling.slice(0, 60)}…'`);
  let l;
  try {
    l = native.layout(spelling);
  } catch (e) {
    fail('ERR_FFAST_TYPE', `${where}: unknown type '${spelling}'`);
  }
  const name = l.type;
  if (!SCALARS[name]) fail('ERR_FFAST_TYPE', `${where}: '${spelling}' cannot be a field type`);
  scalarCache.set(spelling, name);
  return name;
}

// --------------------------------------------------------------------------- constructors
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const POW2 = (n) => Number.isInteger(n) && n >= 1 && n <= 1 << 28 && (n & (n - 1)) === 0;
/** A member name as the text form spells it (ffast_core::desc::write_name does the same). */
const nameTok = (name) => (IDENT.test(name) ? name : JSON.stringify(name));
/** An array index: JS orders such own keys first, whatever order they were written in. */
const isIndex = (k) => {
  const n = Number(k) >>> 0;
  return String(n) === k && n !== 4294967295;
};

/**
 * One field type: a scalar name, or a type object. A `{ type, align }` descriptor is unwrapped
 * by the caller, once: its `type` must itself be a name or a type object, so nothing here
 * recurses into user objects (a getter or a placeholder that refers back to the struct being
 * defined can only produce `undefined` or a plain object, both refused).
 */
function fieldType(t, where) {
  if (typeof t === 'string') return scalarName(t, where);
  if (t !== null && typeof t === 'object' && typeObjects.has(t)) return t;
  if (t !== null && typeof t === 'object' && pointerTypes.has(t)) {
    fail('ERR_FFAST_TYPE', `${where}: pointer(T) describes a parameter; a member holding an address is 'pointer'`);
  }
  return fail(
    'ERR_FFAST_TYPE',
    `${where}: expected a type name or a type made by ffast.struct/union/array, got ${describe(t)}` +
      (t === undefined ? " (a struct cannot contain itself; use a 'pointer' field for links)" : ''),
  );
}

function readOpts(opts, kind) {
  if (opts === undefined) return { pack: undefined };
  if (opts === null || typeof opts !== 'object') fail('ERR_FFAST_DEFINITION', `${kind}: options must be an object, got ${describe(opts)}`);
  const { pack } = readOwn(opts, ['pack'], kind, 'option');
  if (pack !== undefined && ![1, 2, 4, 8, 16].includes(pack)) {
    fail('ERR_FFAST_DEFINITION', `${kind}: pack must be 1, 2, 4, 8 or 16 (as #pragma pack), got ${show(pack)}`);
  }
  return { pack };
}

/** Whether a member type is or holds a string member (at any depth). */
const stringsIn = (t) => (typeof t === 'string' ? t === 'string' : internals.get(t).hasStrings);

/** Nesting depth of a member type (scalars: 0). */
const depthOf = (t) => (typeof t === 'string' ? 0 : internals.get(t).depth);
/** What a member adds to its parent's code: its own weight when inlined, 1 for a call. */
const weightOf = (t) => (typeof t === 'string' ? 1 : internals.get(t).weight <= INLINE_MAX ? internals.get(t).weight : 1);

/** How many nodes the whole tree of a member type has (shared parts counted each time; capped). */
const nodesOf = (t) => (typeof t === 'string' ? 1 : internals.get(t).nodes);

/** `#i` for a type object (its handle joins `deps`), the canonical name for a scalar. */
const typeTok = (t, deps) => (typeof t === 'string' ? t : `#${deps.push(internals.get(t).handle) - 1}`);

function checkDepth(depth, kind) {
  if (depth > MAX_NESTING) fail('ERR_FFAST_DEFINITION', `${kind}: types nest more than ${MAX_NESTING} levels deep`);
}

function composite(kind, fieldsIn, opts) {
  if (
    fieldsIn === null ||
    typeof fieldsIn !== 'object' ||
    typeObjects.has(fieldsIn) ||
    pointerTypes.has(fieldsIn) ||
    guarded(kind, 'whether its fields are an array', () => Array.isArray(fieldsIn))
  ) {
    fail('ERR_FFAST_DEFINITION', `${kind}: fields must be an object { name: type, … }, got ${describe(fieldsIn)}`);
  }
  const { pack } = readOpts(opts, kind);
  const where0 = `${kind} fields`;
  const names = ownKeys(fieldsIn, where0);
  if (names.length === 0) fail('ERR_FFAST_DEFINITION', `${kind}: a ${kind} needs at least one field (C has no empty ${kind}s)`);
  const fields = [];
  for (const name of names) {
    if (typeof name !== 'string') fail('ERR_FFAST_DEFINITION', `${kind}: a symbol key (${keyName(name)}) cannot name a member`);
    if (isIndex(name)) {
      fail('ERR_FFAST_DEFINITION', `${kind}: member name ${keyName(name)} is an array index (JS lists such keys first, not in the order written); use another name`);
    }
    if (!name.isWellFormed()) fail('ERR_FFAST_DEFINITION', `${kind}: member name ${keyName(name)} has a lone surrogate`);
  }
  for (const name of names) {
    const where = `${kind} field ${keyName(name)}`;
    const spec = ownValue(fieldsIn, name, where0); // read once: a getter cannot answer differently later
    let t = spec;
    let align;
    if (spec !== null && typeof spec === 'object' && !typeObjects.has(spec) && !pointerTypes.has(spec)) {
      const o = readOwn(spec, ['type', 'align'], where);
      if (o.type === undefined) {
        fail('ERR_FFAST_TYPE', `${where}: expected a type name, a type object or { type, align }, got ${describe(spec)} without an own 'type'`);
      }
      t = o.type;
      align = o.align;
      if (align !== undefined && !POW2(align)) {
        fail('ERR_FFAST_DEFINITION', `${where}: align must be a power of two, got ${show(align)}`);
      }
    }
    fields.push({ name, type: fieldType(t, where), align });
  }
  // A union is decoded with every member read: a string member would follow the bytes of
  // whichever member C stored as a pointer (docs/struct-strings.md §1). Refused where a
  // union is built, which every path making a union type goes through.
  const withStrings = fields.find((f) => stringsIn(f.type));
  if (kind === 'union' && withStrings !== undefined) {
    fail(
      'ERR_FFAST_TYPE',
      `union field ${keyName(withStrings.name)}: a union cannot hold a string member (decoding reads every member); use a 'pointer' member and cstring()`,
    );
  }
  let depth = 1;
  let weight = 1;
  let nodes = 1;
  const deps = [];
  let text = `${kind}${pack !== undefined ? `<${pack}>` : ''}{`;
  fields.forEach((f, i) => {
    depth = Math.max(depth, 1 + depthOf(f.type));
    weight += weightOf(f.type);
    nodes = Math.min(nodes + nodesOf(f.type), 1e9);
    text += `${i ? ',' : ''}${nameTok(f.name)}:${typeTok(f.type, deps)}${f.align !== undefined ? `@${f.align}` : ''}`;
  });
  checkDepth(depth, kind);
  const l = layoutOf(`${text}}`, kind, deps);
  fields.forEach((f, i) => {
    f.offset = l.offsets[i];
  });
  return makeType(kind, l, fields, { pack, depth, weight, nodes, element: undefined, length: undefined, hasStrings: withStrings !== undefined });
}

function layoutOf(text, kind, deps) {
  try {
    return native.layout(text, deps);
  } catch (e) {
    // The engine's messages name the field path; keep its code (ERR_FFAST_TYPE/DEFINITION).
    if (e && typeof e.code === 'string') fail(e.code, `${kind}: ${e.message}`);
    throw e;
  }
}

const sizeOf = (t) => (typeof t === 'string' ? SCALARS[t].size : t.size);

function struct(fields, opts) {
  return composite('struct', fields, opts);
}
function union(fields, opts) {
  return composite('union', fields, opts);
}
function array(type, length) {
  const elem = fieldType(type, 'array element');
  if (!(Number.isSafeInteger(length) && length >= 1)) {
    fail('ERR_FFAST_DEFINITION', `array: length must be a positive integer, got ${show(length)}`);
  }
  const depth = 1 + depthOf(elem);
  checkDepth(depth, 'array');
  const deps = [];
  const l = layoutOf(`[${typeTok(elem, deps)};${length}]`, 'array', deps);
  return makeType('array', l, null, {
    element: elem, length, depth, weight: 1 + weightOf(elem), nodes: 1 + nodesOf(elem), pack: undefined, hasStrings: stringsIn(elem),
  });
}

/**
 * The canonical text of a type (ffast_core::desc), built on first use and kept. Built with
 * `+`, so a level costs its own members (V8 joins the children's texts without copying them
 * until the string is read).
 */
function typeText(info) {
  if (info.text !== undefined) return info.text;
  const tt = (t) => (typeof t === 'string' ? t : typeText(internals.get(t)));
  let s;
  if (info.fields) {
    s = `${info.kind}${info.pack !== undefined ? `<${info.pack}>` : ''}{`;
    info.fields.forEach((f, i) => {
      s += `${i ? ',' : ''}${nameTok(f.name)}:${tt(f.type)}${f.align !== undefined ? `@${f.align}` : ''}`;
    });
    s += '}';
  } else {
    s = `[${tt(info.element)};${info.length}]`;
  }
  info.text = s;
  return s;
}

/** T.type: the text, or a typed error where it cannot be a JS string (a type built from shared parts can outgrow that). */
function publicText(info) {
  try {
    return typeText(info);
  } catch (e) {
    if (e instanceof RangeError) {
      return fail('ERR_FFAST_UNSUPPORTED', `${info.kind} (${info.size} bytes): its text is longer than a JS string can be`, e);
    }
    throw e;
  }
}

/** A short name of a type for messages and generated-code labels (never the whole text of a big type). */
function label(info) {
  if (info.nodes <= 8) {
    const t = typeText(info);
    if (t.length <= 60) return t;
  }
  return `${info.kind} of ${info.size} bytes`;
}

function makeType(kind, l, fields, extra) {
  const T = Object.create(null);
  const info = {
    kind, size: l.size, align: l.align, fields, element: extra.element, length: extra.length, pack: extra.pack,
    depth: extra.depth, weight: extra.weight, nodes: extra.nodes, handle: l.handle, text: undefined, hasStrings: extra.hasStrings,
  };
  internals.set(T, info);
  const pub = fields
    ? Object.freeze(
        fields.map((f) =>
          Object.freeze({ name: f.name, type: f.type, offset: f.offset, ...(f.align !== undefined ? { align: f.align } : {}) }),
        ),
      )
    : undefined;
  const props = {
    kind,
    size: l.size,
    align: l.align,
    ...(fields ? { fields: pub } : { element: extra.element, length: extra.length }),
    ...(extra.pack !== undefined ? { pack: extra.pack } : {}),
  };
  Object.defineProperty(T, 'kind', { value: kind, enumerable: true });
  Object.defineProperty(T, 'type', { get: () => publicText(info), enumerable: true });
  for (const [k, v] of Object.entries(props)) if (k !== 'kind') Object.defineProperty(T, k, { value: v, enumerable: true });
  const code = compile(info);
  info.code = code;
  Object.defineProperty(T, 'offsetof', { value: (p) => offsetOf(T, p) });
  Object.defineProperty(T, 'encode', { value: code.encode });
  Object.defineProperty(T, 'decode', { value: code.decode });
  Object.defineProperty(T, 'view', { value: code.view });
  Object.defineProperty(T, 'toString', { value: () => publicText(info) });
  typeObjects.add(T);
  return Object.freeze(T);
}

/**
 * offsetof(T, 'a.b[2].c') — identifiers and indices — or offsetof(T, ['a b', 2, 'c']) for any
 * member names: byte offset of a (nested) member.
 */
function offsetOf(T, p) {
  let steps;
  let path;
  if (p !== null && typeof p === 'object' && guarded('offsetof', 'whether the path is an array', () => Array.isArray(p))) {
    const xs = guarded('offsetof', 'the path', () => Array.from({ length: Math.min(p.length, 1 << 16) }, (_, i) => (Object.hasOwn(p, i) ? p[i] : undefined)));
    steps = xs.map((x) => {
      if (typeof x === 'string') return { name: x };
      if (Number.isSafeInteger(x) && x >= 0) return { index: x };
      return fail('ERR_FFAST_ARG_TYPE', `offsetof: a path step must be a member name or an index, got ${show(x)}`);
    });
    if (steps.length === 0) fail('ERR_FFAST_ARG_TYPE', 'offsetof: the path is empty');
    path = xs.map((x) => (typeof x === 'string' ? x : `[${x}]`)).join('.');
  } else if (typeof p === 'string' && p !== '') {
    path = p;
    steps = [];
    const re = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]/y;
    let at = 0;
    while (at < p.length) {
      re.lastIndex = at;
      const m = re.exec(p);
      if (!m || (at === 0 && p[0] === '.')) fail('ERR_FFAST_ARG_TYPE', `offsetof: malformed field path ${show(p)}`);
      at = re.lastIndex;
      steps.push(m[1] !== undefined ? { name: m[1] } : { index: Number(m[2]) });
    }
  } else {
    fail('ERR_FFAST_ARG_TYPE', `offsetof: expected a field path (a string, or an array of names and indices), got ${describe(p)}`);
  }
  let t = T;
  let off = 0;
  for (const st of steps) {
    const info = typeof t === 'string' ? null : internals.get(t);
    const what = typeof t === 'string' ? t : label(info);
    if (st.name !== undefined) {
      const f = info && info.fields && info.fields.find((x) => x.name === st.name);
      if (!f) fail('ERR_FFAST_ARG_TYPE', `offsetof: no field ${keyName(st.name)} in ${what} (path ${show(path)})`);
      off += f.offset;
      t = f.type;
    } else {
      if (!info || info.kind !== 'array') fail('ERR_FFAST_ARG_TYPE', `offsetof: ${what} is not an array (path ${show(path)})`);
      if (st.index >= info.length) fail('ERR_FFAST_ARG_RANGE', `offsetof: index ${st.index} is out of range for ${what} (path ${show(path)})`);
      off += st.index * sizeOf(info.element);
      t = info.element;
    }
  }
  return off;
}

// --------------------------------------------------------------------------- errors (called from generated code)
// `w` says where (`argument 0 of 'f'`, `struct.encode`), `p` is the member path inside the
// value. A type's code throws with its own paths; a parent that called it (a nested type too
// big to inline) puts its own part in front on the way out (`reframe`), so a message names
// the whole path and the success path carries no strings.
const at = (w, p) => (p === '' ? w : `${w}: field '${p}'`);
/** Errors thrown by encoders → { w: where, p: member path, rest: the rest of the message }. */
const framed = new WeakMap();
function pathFail(code, w, p, rest) {
  const e = new FfastError(code, `${at(w, p)}: ${rest}`);
  framed.set(e, { w, p, rest });
  throw e;
}
/** Rethrow `e` (from a nested type's code) with `prefix` in front of its member path. */
function reframe(e, prefix) {
  const f = framed.get(e);
  if (f !== undefined) {
    f.p = f.p === '' ? prefix : f.p[0] === '[' ? prefix + f.p : `${prefix}.${f.p}`;
    e.message = `${at(f.w, f.p)}: ${f.rest}`;
  }
  throw e;
}
function typeErr(w, p, want, v) {
  if (v === undefined) pathFail('ERR_FFAST_ARG_TYPE', w, p, `missing (expected ${want})`);
  pathFail('ERR_FFAST_ARG_TYPE', w, p, `expected ${want}, got ${describe(v)}`);
}
function rangeErr(w, p, want, v) {
  pathFail('ERR_FFAST_ARG_RANGE', w, p, `${typeof v === 'bigint' ? `${v}n` : show(v)} is out of range for ${want}`);
}
function unionErr(w, p, names, n) {
  pathFail('ERR_FFAST_ARG_TYPE', w, p, `a union takes exactly one member (${names}), got ${n}`);
}
function lengthErr(w, p, want, v) {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') typeErr(w, p, `an array of ${want}`, v);
  pathFail('ERR_FFAST_ARG_RANGE', w, p, `expected ${want} elements, got ${v.length}`);
}
/** Define an own data property (a member named `__proto__` must not set the prototype). */
function defOwn(t, k, v) {
  Object.defineProperty(t, k, { value: v, writable: true, enumerable: true, configurable: true });
}

// --------------------------------------------------------------------------- storing into the caller's object
// (docs/bad-input-matrix.md R3.) decInto stores C's values with plain assignments, as the
// caller would; a store can fail two ways. The object itself refuses it (frozen, a read-only
// member, a getter without a setter, not extensible, a module namespace): nothing of the
// caller's ran, the failure is ffast's finding, and it becomes ERR_FFAST_ARG_TYPE naming
// the members, after every other member has been stored. Or code of the caller's ran (a
// setter, a Proxy trap) and threw: that is the caller's own outcome and passes through
// unchanged, as an exception a getter throws while encoding does; a Proxy whose set trap
// returns false counts as such code (its trap ran; the engine's TypeError passes through).
// Telling the two apart needs no call of the caller's code: an ordinary object's own
// property descriptors and prototype say whether a setter or a Proxy was reached.

/** One store, as decInto makes it (strict: a refused store throws). */
function storeOne(t, k, v) {
  if (k === '__proto__') defOwn(t, k, v);
  else t[k] = v;
}

/**
 * Whether storing `k` into `t` reached code of the caller's: a Proxy (a trap) or a setter
 * found on the way up the prototype chain. Reads only descriptors and prototypes of
 * objects that are not Proxies, which runs no user code.
 */
function storeRanCode(t, k) {
  try {
    if (k === '__proto__') return isProxy(t); // defineProperty: a Proxy's trap, nothing else
    for (let o = t; o !== null; o = Object.getPrototypeOf(o)) {
      if (isProxy(o)) return true;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d !== undefined) return Object.hasOwn(d, 'set') && d.set !== undefined;
    }
    return false;
  } catch {
    // (an exotic object whose descriptor cannot be read, e.g. a module namespace binding
    // in its temporal dead zone: the engine's own refusal)
    return false;
  }
}

/** Why an object refused a store that ran none of the caller's code (storeRanCode false). */
function refusal(t, k) {
  try {
    if (k === '__proto__') {
      const d = Object.getOwnPropertyDescriptor(t, k);
      if (d !== undefined && !d.configurable) return 'read-only';
    } else {
      for (let o = t; o !== null; o = Object.getPrototypeOf(o)) {
        const d = Object.getOwnPropertyDescriptor(o, k);
        if (d === undefined) continue;
        if (!Object.hasOwn(d, 'value')) return 'a getter without a setter';
        if (!d.writable) return 'read-only';
        if (o === t) return 'refused';
        break;
      }
    }
    return Object.isExtensible(t) ? 'refused' : 'the object is not extensible';
  } catch {
    return 'refused';
  }
}

/**
 * decInto's store number `k` into `t` threw `e`: finish the stores after it, then report
 * every refused one (see above). `type`: `keys` (the member names; null for an array, whose
 * keys are the indices), `n` (how many) and `dec`, which decodes the values again from C's
 * block (an object by member name, or an array): only a setter that called the same function
 * again could have changed that block by then.
 */
function storeRest(e, t, k, dv, o, w, type) {
  const { keys, n } = type;
  const decoded = type.dec(dv, o);
  const refused = [];
  let first;
  for (let j = k; ; ) {
    const key = keys === null ? j : keys[j];
    if (storeRanCode(t, key)) throw e;
    refused.push(`${keys === null ? `[${j}]` : keyName(key)} (${refusal(t, key)})`);
    if (first === undefined) first = e;
    for (j++; j < n; j++) {
      try {
        const key = keys === null ? j : keys[j];
        storeOne(t, key, decoded[key]);
      } catch (x) {
        e = x;
        break;
      }
    }
    if (j >= n) break;
  }
  const what = keys === null ? 'element' : 'member';
  const others = refused.length < n ? `; the other ${what}s were stored` : '';
  fail(
    'ERR_FFAST_ARG_TYPE',
    `${w === undefined ? 'decode' : w}: the object refused C's value for ${what}${refused.length > 1 ? 's' : ''} ${refused.join(', ')}${others}`,
    first,
  );
}

// 64-bit values. Numbers are split into 32-bit halves (no BigInt allocation on the hot path):
// for an integer |v| < 2^64, floor(v / 2^32) and the remainder are exact in doubles.
function w64n(dv, o, v) {
  v = Math.trunc(v);
  const hi = Math.floor(v / 4294967296);
  dv.setUint32(o, v - hi * 4294967296, true);
  dv.setUint32(o + 4, hi, true); // ToUint32 wraps a negative hi to its two's complement
}
// Reads: Number when |v| ≤ 2^53−1 (as results do), else BigInt. hi·2^32 is exact; adding lo
// rounds only beyond 2^53, and rounding never brings an unsafe value back into the safe range.
function r64(dv, o) {
  const v = dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  return v >= -9007199254740991 && v <= 9007199254740991 ? v : dv.getBigInt64(o, true);
}
function ru64(dv, o) {
  const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  return v <= 9007199254740991 ? v : dv.getBigUint64(o, true);
}
function rptr(dv, o) {
  const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  return v === 0 ? null : v <= 9007199254740991 ? v : dv.getBigUint64(o, true);
}
/** A string member: NULL is null, else the UTF-8 text at the address (as cstring reads it). */
function rstr(dv, o) {
  const p = rptr(dv, o);
  return p === null ? null : cstring(p);
}
/**
 * The string sink of T.encode and view setters: there is no call for a copy to live for
 * (docs/struct-strings.md §1); null is never given to a sink.
 */
function noSink(v, w, p) {
  pathFail(
    'ERR_FFAST_UNSUPPORTED',
    w,
    p,
    `a string member's C copy lives for one call, and ${w} has none; write null, or make the member a 'pointer' to memory you own`,
  );
}
const I64MIN = -(2n ** 63n);
const I64MAX = 2n ** 63n - 1n;
const U64MAX = 2n ** 64n - 1n;

// --------------------------------------------------------------------------- code generation
// Generated functions close over these (positional parameters of every `new Function`), and
// over `$d<i>`: per function, the nested types' code it calls.
const RT = { typeErr, rangeErr, unionErr, lengthErr, reframe, defOwn, storeRest, hasOwn: Object.hasOwn, w64n, r64, ru64, rptr, rstr, noSink, I64MIN, I64MAX, U64MAX };
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
  if (t === 'string') {
    // s: the string sink of the encoding (the call's arena, or noSink), giving the address
    // of a NUL-terminated UTF-8 copy.
    return `if (${v} === null) { dv.setUint32(${o}, 0, true); dv.setUint32(${o} + 4, 0, true); }
else if (typeof ${v} === 'string') $w64n(dv, ${o}, s(${v}, w, ${p}));
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
  if (s.wide === 'string') return `$rstr(dv, ${o})`;
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
      return [f.name, { get: d.get, set: d.set, enumerable: true, configurable: false }];
    });
    own.add = (v) => {
      for (const [k, d] of descs) Object.defineProperty(v, k, d);
    };
  }
  return View;
}

// --------------------------------------------------------------------------- pointer(T)
function pointer(T) {
  // A scalar name: a typed pointer (docs/pointers.md §2), `to` its canonical name.
  if (typeof T === 'string') {
    const to = scalarPointee(T);
    if (to === undefined) fail('ERR_FFAST_TYPE', `pointer: ${show(T)} is not a scalar type a pointer can point to (i8…f64, bool, pointer, string)`);
    return makePointerType(to, 'in');
  }
  if (T !== null && typeof T === 'object' && pointerTypes.has(T)) {
    fail('ERR_FFAST_TYPE', "pointer: a pointer to a pointer is pointer('pointer') (its elements are addresses)");
  }
  if (T === null || typeof T !== 'object' || !typeObjects.has(T)) {
    fail('ERR_FFAST_TYPE', `pointer: expected a scalar type name or a type made by ffast.struct/union/array, got ${describe(T)}`);
  }
  return makePointerType(T, 'in');
}
function makePointerType(T, direction) {
  const P = Object.freeze(Object.assign(Object.create(null), { kind: 'pointer', to: T, direction, type: 'pointer' }));
  pointerTypes.add(P);
  return P;
}
const redirect = (direction) =>
  function (p) {
    if (p === null || typeof p !== 'object' || !pointerTypes.has(p)) fail('ERR_FFAST_TYPE', `${direction}: expected a pointer(T) type, got ${describe(p)}`);
    return makePointerType(p.to, direction);
  };

module.exports = {
  struct,
  union,
  array,
  pointer,
  out: redirect('out'),
  inout: redirect('inout'),
  isType: (t) => t !== null && typeof t === 'object' && typeObjects.has(t),
  isPointerType: (t) => t !== null && typeof t === 'object' && pointerTypes.has(t),
  codeOf: (t) => internals.get(t).code,
  hasStrings: (t) => internals.get(t).hasStrings,
};
