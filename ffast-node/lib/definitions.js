'use strict';
// Definitions: the allowed keys, reading and checking them (with their caches), parameter/result type specs, variables.

const { isProxy } = require('node:util').types;
const S = require('./structs/index.js');
const { cstring, toArrayBuffer, decodeWide } = require('./addresses.js');
const { functionType, poolFor } = require('./callbacks.js');
const { ELEMS } = require('./elements.js');
const { fail, describe, show, keyName } = require('./errors.js');
const { native } = require('./native.js');
const { canonicalScalar, WIDE_NAMES, cSpelling, MAX_BY_VALUE, MAX_PARAMS, VARIADIC, isMarker, signatureOf, QUALIFIERS } = require('./types.js');
const { readOwn, ownArray, bool, thrownMessage, unknownKey } = require('./user-objects.js');

/**
 * A parameter or result type as the native side spells it: scalar names pass through, a
 * struct/union type object becomes its canonical text (by value), pointer(T) becomes 'pointer'.
 * `spec` records what the wrapper does with the value (see wrap).
 */
function typeSpec(t, what, isResult) {
  if (typeof t === 'string') {
    if (/[{[]/.test(t)) fail('ERR_FFAST_TYPE', `${what}: give aggregate types as type objects (ffast.struct/union), not as text`);
    // No type is spelled with more than a few words: don't send a megabyte to the parser (or
    // back in its message).
    if (t.length > 128) fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)}`);
    // Wide strings (docs/pointers.md §7): the wrapper encodes and decodes, V8 sees an address.
    const w = WIDE_NAMES[t.trim()];
    if (w !== undefined) return { text: 'pointer', spec: isResult ? null : { by: 'wide', unit: w }, wide: w };
    // C pointer spellings (docs/pointers.md §3): a string, an untyped or a typed pointer.
    const c = cSpelling(t);
    if (c === null) {
      // An unknown C-looking name is most often an opaque type whose pointer was meant.
      const id = t.trim().replace(/\s+/g, ' ');
      if (/^((struct|union|enum) )?[A-Za-z_]\w*$/.test(id) && id !== 'void' && !QUALIFIERS.has(id) && canonicalScalar(t) === undefined) {
        fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)} (a pointer to it is '${id}*')`);
      }
      return { text: t, spec: null };
    }
    if (c.kind === 'wide') return { text: 'pointer', spec: isResult ? null : { by: 'wide', unit: c.unit }, wide: c.unit };
    if (c.kind === 'bad') fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)} (${c.why})`);
    if (c.kind === 'string') return { text: 'string', spec: null };
    if (c.kind === 'untyped' || isResult) return { text: 'pointer', spec: null };
    return { text: 'pointer', spec: { by: 'typed', to: c.to, direction: c.direction } };
  }
  if (S.isType(t)) {
    // C passes arrays as pointers (C11 §6.7.6.3p7); a by-value array does not exist.
    if (t.kind === 'array') fail('ERR_FFAST_TYPE', `${what}: C passes arrays as pointers; use pointer() of the array type, or 'pointer'`);
    // The native signature limits aggregates by value (ffast_core::signature, 4096 bytes); a
    // bigger type is refused here, before its text — which for a type built from shared
    // parts can be far longer than the type's size — is ever spelled out.
    if (t.size > MAX_BY_VALUE) {
      fail('ERR_FFAST_UNSUPPORTED', `${what}: a ${t.kind} of ${t.size} bytes; aggregates by value are limited to ${MAX_BY_VALUE} bytes`);
    }
    return { text: t.type, spec: { by: 'value', T: t } };
  }
  if (S.isPointerType(t)) {
    if (isResult && t.direction !== 'in') fail('ERR_FFAST_TYPE', `${what}: a result cannot be ${t.direction}(pointer(T))`);
    if (typeof t.to === 'string') return { text: 'pointer', spec: isResult ? null : { by: 'typed', to: t.to, direction: t.direction } };
    return { text: 'pointer', spec: isResult ? null : { by: 'pointer', T: t.to, direction: t.direction } };
  }
  if (t !== null && typeof t === 'object') {
    const f = functionType(t, what);
    return { text: 'function', spec: isResult ? null : { by: 'fn', pool: poolFor(f) } };
  }
  return fail('ERR_FFAST_TYPE', `${what} must be a type name or a type object, got ${describe(t)}`);
}

/**
 * The keys a definition may have: the one list (a key added here is read by readDefinition,
 * and suggested for near misses).
 */
const DEFINITION_KEYS = ['parameters', 'result', 'name', 'optional', 'nonblocking', 'callbacks', 'errno', 'fiber', 'variable'];

/**
 * A definition read as checkFull and the shape cache need it: own properties only, each once,
 * exactly as readOwn reads them (its keys, every key checked before any value is read, then
 * each value once in key order; what a getter or Proxy trap throws becomes
 * ERR_FFAST_DEFINITION), `parameters` copied into a dense array, the plain fields checked.
 * Inlined rather than calling readOwn: readOwn's null-prototype result object (dictionary mode)
 * and its closures were a third of checking a definition whose shape was cached; the values
 * land in locals instead.
 */
function readDefinition(key, def) {
  const where = () => `definition of ${keyName(key)}`;
  if (def === null || typeof def !== 'object') fail('ERR_FFAST_DEFINITION', `${where()} must be an object, got ${describe(def)}`);
  let keys;
  try {
    keys = Reflect.ownKeys(def);
  } catch (e) {
    fail('ERR_FFAST_DEFINITION', `${where()}: reading its keys threw${thrownMessage(e)}`, e);
  }
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string' || !DEFINITION_KEYS.includes(k)) unknownKey(k, DEFINITION_KEYS, where);
  }
  let parameters;
  let result;
  let name;
  let optional;
  let nonblocking;
  let callbacks;
  let errno;
  let fiber;
  let variable;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    let v;
    try {
      v = def[k];
    } catch (e) {
      fail('ERR_FFAST_DEFINITION', `${where()}: reading ${keyName(k)} threw${thrownMessage(e)}`, e);
    }
    switch (k) {
      case 'parameters': parameters = v; break;
      case 'result': result = v; break;
      case 'name': name = v; break;
      case 'optional': optional = v; break;
      case 'nonblocking': nonblocking = v; break;
      case 'callbacks': callbacks = v; break;
      case 'errno': errno = v; break;
      case 'fiber': fiber = v; break;
      default: variable = v; // 'variable', the last of DEFINITION_KEYS
    }
  }
  if (variable !== undefined) {
    // An exported variable (docs/pointers.md §9): a type and the lookup keys only.
    const other = { parameters, result, nonblocking, callbacks, fiber };
    for (const k of ['parameters', 'result', 'nonblocking', 'callbacks', 'fiber']) {
      if (other[k] !== undefined) fail('ERR_FFAST_DEFINITION', `${where()}: a variable has no '${k}'`);
    }
    const vname = name === undefined ? key : name;
    if (typeof vname !== 'string' || vname === '') fail('ERR_FFAST_DEFINITION', `${where()}: name must be a non-empty string, got ${show(vname)}`);
    return { variable, name: vname, optional: bool(optional, false, where, 'optional') };
  }
  // A forgotten result would silently drop what the function returns.
  if (result === undefined) fail('ERR_FFAST_DEFINITION', `${where()} has no 'result' (say result: 'void' for a function that returns nothing)`);
  const params = parameters === undefined ? [] : ownArray(parameters, () => `${where()}: parameters`, MAX_PARAMS);
  const fname = name === undefined ? key : name;
  if (typeof fname !== 'string' || fname === '') fail('ERR_FFAST_DEFINITION', `${where()}: name must be a non-empty string, got ${show(fname)}`);
  return {
    parameters: params,
    result,
    name: fname,
    optional: bool(optional, false, where, 'optional'),
    nonblocking: bool(nonblocking, false, where, 'nonblocking'),
    callbacks: bool(callbacks, false, where, 'callbacks'),
    errno: bool(errno, false, where, 'errno'),
    fiber: bool(fiber, false, where, 'fiber'),
  };
}

// Checked definitions by shape: a library's symbols share a few signatures, and checking each
// definition from scratch (type lookups, the native signature, the key lists) cost ~0.7 µs per
// symbol, a tenth of declaring one. Only definitions made of plain type names take this path;
// the cached part holds no per-symbol field (name, optional).
const checkedShapes = new Map();

/** The cache key of a read definition made only of type-name strings, or undefined. */
function shapeKey(d) {
  const { parameters, result } = d;
  if (typeof result !== 'string' || result.includes('\u0000')) return undefined;
  let k = `${result}\u0000${d.nonblocking ? 1 : 0}${d.callbacks ? 1 : 0}${d.errno ? 1 : 0}${d.fiber ? 1 : 0}`;
  for (let i = 0; i < parameters.length; i++) {
    const p = parameters[i];
    if (typeof p !== 'string' || p.includes('\u0000')) return undefined;
    k += `\u0000${p}`;
  }
  return k;
}

/**
 * A function copying a cached shape and a definition's name and optional into a new object,
 * member by member: `{ ...shape, name, optional }` took V8's generic object clone, about a third
 * of checking a definition whose shape was cached. One per distinct list of members (the
 * members are checkFull's own identifiers, never user text).
 */
const cloners = new Map();
function shapeCloner(keys) {
  const id = keys.join(',');
  let f = cloners.get(id);
  if (f === undefined) {
    f = new Function('c', 'd', `return { ${keys.map((k) => `${k}: c.${k}`).join(', ')}, name: d.name, optional: d.optional };`);
    cloners.set(id, f);
  }
  return f;
}

/**
 * The cached shape the last checked definition had, with what it was found by: a library
 * declares runs of one signature, and comparing a definition's few strings with the last
 * one's (`===`) is cheaper than spelling its shape key and hashing it.
 */
let lastShape = null;

/** Whether read definition `d` has the shape `lastShape` was found by (see shapeKey). */
function sameAsLast(d) {
  const l = lastShape;
  if (l === null || d.result !== l.result || d.nonblocking !== l.nonblocking || d.callbacks !== l.callbacks || d.errno !== l.errno || d.fiber !== l.fiber) return false;
  const p = d.parameters;
  const q = l.parameters;
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return false;
  return true;
}

function checkDefinition(key, def) {
  const d = readDefinition(key, def);
  if (d.variable !== undefined) return { ...d, access: variableAccess(key, d.variable) };
  // (The last shape was cached from type-name strings only: an equal definition is one too.)
  if (sameAsLast(d)) return lastShape.c.clone(lastShape.c.shape, d);
  const sk = shapeKey(d);
  if (sk !== undefined) {
    const c = checkedShapes.get(sk);
    if (c !== undefined) {
      lastShape = { result: d.result, nonblocking: d.nonblocking, callbacks: d.callbacks, errno: d.errno, fiber: d.fiber, parameters: d.parameters, c };
      return c.clone(c.shape, d);
    }
  }
  const full = checkFull(key, d);
  if (sk !== undefined && !full.generated) {
    const { name: _n, optional: _o, ...shape } = full;
    checkedShapes.set(sk, { shape, clone: shapeCloner(Object.keys(shape)) });
  }
  return full;
}

/** Check a read definition (readDefinition) and resolve its types. */
function checkFull(key, d) {
  const { parameters, name, optional, nonblocking } = d;
  // A variadic function's definition ends with '...' (docs/variadic.md §1.3); a shape
  // (d.shape) has its variadic types after it, checked by variadicType first.
  const vi = parameters.findIndex(isMarker);
  if (vi !== -1 && !d.shape && vi !== parameters.length - 1) {
    fail('ERR_FFAST_DEFINITION', `in definition of ${keyName(key)}: '${VARIADIC}' must be the last parameter (it stands for the variadic arguments), found at parameter ${vi} of ${parameters.length}`);
  }
  const ps = parameters.map((p, i) => typeSpec(p, `in definition of ${keyName(key)}: parameter ${i}`, false));
  const rd = resultDescriptor(key, d.result);
  const rs = typeSpec(rd.type, `in definition of ${keyName(key)}: result`, true);
  const specs = ps.map((p) => p.spec);
  // A string result C allocated, or a wide string result: the wrapper decodes the address.
  let decode = null;
  if (rd.free !== undefined || rs.wide !== undefined) {
    const isStr = rs.wide !== undefined || rs.text === 'string';
    if (!isStr) signatureOf(key, [], rs.text); // an unknown type name: its ERR_FFAST_TYPE first
    if (!isStr) fail('ERR_FFAST_DEFINITION', `in definition of ${keyName(key)}: result: free is for string results (string, char*, u16string, wstring, …), not ${show(rd.type)}`);
    decode = { unit: rs.wide === undefined ? 1 : rs.wide, free: rd.free };
    rs.text = 'pointer';
  }
  // Typed function parameters (docs/callbacks.md §1.2), typed pointers and wide strings are no
  // aggregates: a nonblocking function may take them. All of these need a generated wrapper
  // (wrap) rather than the batch one: `generated` (`aggregates` says the same to older code).
  const typed = specs.some((x) => x !== null && x.by === 'fn');
  const generated = rs.spec !== null || decode !== null || specs.some((x) => x !== null);
  if (nonblocking && (rs.spec !== null || specs.some((x) => x !== null && x.by !== 'typed' && x.by !== 'wide' && x.by !== 'fn'))) {
    // The area and the pointer(T) temporaries are per function: calls in flight would share them.
    fail('ERR_FFAST_UNSUPPORTED', `${keyName(key)}: a nonblocking function cannot take or return structs (pass a pointer or a buffer)`);
  }
  const sig = signatureOf(key, ps.map((p) => p.text), rs.text);
  // A function that may call back into JS synchronously: slow path only, tracked (README
  // "Callbacks"). Implied by a `function` parameter.
  // A `function` parameter, typed or not.
  const callbacks = d.callbacks || typed || parameters.some((p) => typeof p === 'string' && p.trim() === 'function');
  // fiber: true (docs/callbacks.md §11.7): the function's synchronous calls may run C on a side
  // stack, which only a function that calls back gains from.
  if (d.fiber && nonblocking) fail('ERR_FFAST_DEFINITION', `in definition of ${keyName(key)}: fiber: true is for synchronous calls (a nonblocking call runs on the thread pool)`);
  if (d.fiber && !callbacks) fail('ERR_FFAST_DEFINITION', `in definition of ${keyName(key)}: fiber: true is for a function that calls back (give it a 'function' parameter or callbacks: true)`);
  return {
    parameters: sig.parameters, result: sig.result, specs, resultSpec: rs.spec, decode, aggregates: generated, name, optional, nonblocking, callbacks,
    errno: d.errno,
    fiber: d.fiber,
    // A definition ending in '...': what each shape is made from (variadicFunction).
    variadic: vi !== -1 && !d.shape ? { fixed: parameters.slice(0, vi), result: d.result, callbacks: d.callbacks, fiber: d.fiber } : null,
    generated,
    // The canonical signature: one key per native signature (makeFunctions) and wrapper shape (wrapAll).
    sigKey: `${sig.parameters.join(',')})${sig.result}${nonblocking ? ' nonblocking' : ''}${callbacks ? ' callbacks' : ''}${d.errno ? ' errno' : ''}${d.fiber ? ' fiber' : ''}`,
  };
}

/**
 * A result: a type, or `{ type, free }` (docs/pointers.md §8.2) read as definitions are (own
 * keys, unknown ones named), `free` the name of the C function that frees C's pointer.
 */
function resultDescriptor(key, r) {
  // A type object, or a typed function `{ function: … }` (a function pointer result; hasOwn
  // runs no user code on an object that is not a Proxy).
  if (r === null || typeof r !== 'object' || S.isType(r) || S.isPointerType(r) || (!isProxy(r) && Object.hasOwn(r, 'function'))) return { type: r, free: undefined };
  const where = () => `in definition of ${keyName(key)}: result`;
  const o = readOwn(r, ['type', 'free'], where);
  if (o.type === undefined) fail('ERR_FFAST_DEFINITION', `${where()}: a result descriptor needs 'type'`);
  if (o.free !== undefined && (typeof o.free !== 'string' || o.free === '' || o.free.includes('\0'))) {
    fail('ERR_FFAST_DEFINITION', `${where()}: free must be the name of a C function, got ${show(o.free)}`);
  }
  return { type: o.type, free: o.free };
}

/** The V8 functions for `[key, definition, address]` triples, in one native call. */
function makeFunctions(handle, list) {
  const n = list.length;
  const keys = new Array(n);
  const defs = new Array(n);
  const addresses = new Array(n);
  for (let i = 0; i < n; i++) [keys[i], defs[i], addresses[i]] = list[i];
  return makeColumns(handle, keys, defs, addresses);
}

/** makeFunctions with the keys, checked definitions and addresses in three arrays. */
function makeColumns(handle, keys, defs, addresses) {
  const n = keys.length;
  const sigOf = new Array(n);
  const sigs = [];
  const index = new Map();
  let lastKey;
  let lastSig = -1;
  for (let i = 0; i < n; i++) {
    const d = defs[i];
    // `internal`: one of ffast's own helpers (lib/string-cache.js), left out of slowCalls().
    const k = d.internal === true ? `${d.sigKey} internal` : d.sigKey;
    // (Runs of one signature: compare with the last one before hashing.)
    if (k !== lastKey) {
      let j = index.get(k);
      if (j === undefined) {
        j = sigs.push({ parameters: d.parameters, result: d.result, nonblocking: Boolean(d.nonblocking), callbacks: Boolean(d.callbacks), errno: Boolean(d.errno), fiber: Boolean(d.fiber), internal: d.internal === true }) - 1;
        index.set(k, j);
      }
      lastKey = k;
      lastSig = j;
    }
    sigOf[i] = lastSig;
  }
  return native.makeFunctions(handle, keys, addresses, sigs, sigOf);
}

/**
 * Ids of the canonical signatures registered with the native side (native.registerSignature), by
 * sigKey: a lazily bound symbol's first read names its signature by id (native.makeOne)
 * instead of sending the signature's spelled form to be converted and parsed again.
 */
const signatureIds = new Map();

/** The native id of checked (plain, not internal) definition `d`'s signature. */
function signatureId(d) {
  let id = signatureIds.get(d.sigKey);
  if (id === undefined) {
    id = native.registerSignature({ parameters: d.parameters, result: d.result, nonblocking: Boolean(d.nonblocking), callbacks: Boolean(d.callbacks), errno: Boolean(d.errno), fiber: Boolean(d.fiber) });
    signatureIds.set(d.sigKey, id);
  }
  return id;
}

/**
 * How an exported variable of type `t` is read and written (docs/pointers.md §9): `(address,
 * state) => { get, set }` accessors reading C's current value and storing by the member rules.
 */
function variableAccess(key, t) {
  const what = `variable ${keyName(key)}`;
  const closed = (st) => st.closed && fail('ERR_FFAST_CLOSED', `${what} used after its library was closed`);
  if (S.isType(t)) {
    return (addr, st) => ({
      get() {
        closed(st);
        return t.view(addr);
      },
      set(v) {
        closed(st);
        // Encoded aside first: a value that fails half-way leaves C's variable as it was.
        const bytes = t.encode(v);
        new Uint8Array(toArrayBuffer(addr, t.size)).set(bytes);
      },
    });
  }
  if (typeof t !== 'string') fail('ERR_FFAST_TYPE', `${what}: expected a type name or a struct/union/array type, got ${describe(t)}`);
  const ts = typeSpec(t, what, true);
  let kind;
  let unit = 1;
  if (ts.wide !== undefined) {
    kind = 'string';
    unit = ts.wide;
  } else {
    const c = canonicalScalar(ts.text);
    if (c === undefined || c === 'void' || c === 'buffer') fail('ERR_FFAST_TYPE', `${what}: ${show(t)} is not a type a variable can have`);
    kind = c;
  }
  const E = kind === 'string' ? ELEMS.pointer : ELEMS[kind];
  const where = what;
  return (addr, st) => {
    const dv = new DataView(toArrayBuffer(addr, E.size));
    if (kind === 'string') {
      return {
        get() {
          closed(st);
          const p = E.get(dv, 0);
          return p === null ? null : unit === 1 ? cstring(p) : decodeWide(p, undefined, unit, where);
        },
        set(v) {
          closed(st);
          if (typeof v === 'string') fail('ERR_FFAST_ARG_TYPE', `${where}: a string variable takes an address (or null), not a JS string: alloc the bytes (or strdup them) and assign that address`);
          E.set(dv, 0, v, where, -1);
        },
      };
    }
    return {
      get() {
        closed(st);
        return E.get(dv, 0);
      },
      set(v) {
        closed(st);
        E.set(dv, 0, v, where, -1);
      },
    };
  };
}

module.exports = { checkDefinition, checkFull, makeColumns, makeFunctions, signatureId };
