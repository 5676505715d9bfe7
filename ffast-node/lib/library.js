'use strict';
// dlopen, lazy binding, bind, close.

const { isProxy } = require('node:util').types;
const { checkAddress } = require('./addresses.js');
const { checkDefinition, makeFunctions, makeColumns, signatureId } = require('./definitions.js');
const { fail, describe, show, clip, keyName } = require('./errors.js');
const { native } = require('./native.js');
const { insideCall } = require('./scripts.js');
const { thrownMessage, ownKeys, ownValue, readOwn, bool } = require('./user-objects.js');
const { variadicFunction } = require('./variadic.js');
const { closedErr, wrapAll, wrapOne, wrap } = require('./wrappers.js');

/** dlopen options: name → type of its value. The one list of what dlopen accepts. */
const DLOPEN_OPTIONS = {
  lazy: 'boolean', // RTLD_LAZY instead of RTLD_NOW
  global: 'boolean', // RTLD_GLOBAL instead of RTLD_LOCAL
  deep: 'boolean', // RTLD_DEEPBIND always (true) or never (false); default: on collision (docs/loading.md)
  bind: 'string', // 'eager' (default): every function made by dlopen; 'lazy': each on first access
};
/** Values of dlopen's `bind` option. */
const BIND_MODES = ['eager', 'lazy'];

/** dlopen's options, read as definitions are (own properties, unknown ones refused). */
function dlopenOptions(options) {
  if (options === undefined) return { __proto__: null };
  if (options === null || typeof options !== 'object') {
    fail('ERR_FFAST_DEFINITION', `dlopen: options must be an object, got ${describe(options)}`);
  }
  const o = readOwn(options, Object.keys(DLOPEN_OPTIONS), 'dlopen', 'option');
  for (const k of Object.keys(o)) {
    if (typeof o[k] !== DLOPEN_OPTIONS[k]) fail('ERR_FFAST_DEFINITION', `dlopen: option '${k}' must be a ${DLOPEN_OPTIONS[k]}, got ${show(o[k])}`);
  }
  if (o.bind !== undefined && !BIND_MODES.includes(o.bind)) {
    fail('ERR_FFAST_DEFINITION', `dlopen: option 'bind' must be 'eager' or 'lazy', got ${show(o.bind)}`);
  }
  return o;
}

const urlHref = Object.getOwnPropertyDescriptor(URL.prototype, 'href').get;
/** Whether `v` is a URL (a brand check: a look-alike or a Proxy is not). */
function isURL(v) {
  if (v === null || typeof v !== 'object' || isProxy(v)) return false;
  try {
    urlHref.call(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Open a shared library (or the process itself with `null`) and bind its symbols.
 * @returns {{ symbols: object, close(): void, path: string|null }}
 */
function dlopen(libPath, symbols, options) {
  if (isURL(libPath)) {
    try {
      libPath = require('node:url').fileURLToPath(libPath);
    } catch (e) {
      fail('ERR_FFAST_ARG_TYPE', `dlopen: a URL path must be a file: URL${thrownMessage(e)}`, e);
    }
  }
  if (libPath !== null && typeof libPath !== 'string') {
    fail('ERR_FFAST_ARG_TYPE', `dlopen: path must be a string, URL or null, got ${describe(libPath)}`);
  }
  if (libPath === '' || (libPath !== null && libPath.includes('\0'))) {
    fail('ERR_FFAST_ARG_TYPE', `dlopen: path ${show(libPath)} is not a file name (null opens the process itself)`);
  }
  if (symbols === null || typeof symbols !== 'object') {
    fail('ERR_FFAST_DEFINITION', `dlopen: symbols must be an object, got ${describe(symbols)}`);
  }
  const opts = dlopenOptions(options);
  const lazy = opts.bind === 'lazy';
  const keys = ownKeys(symbols, 'dlopen: symbols');
  // Keys and their values (lazy) or checked definitions (eager) in two arrays, no pair per
  // symbol.
  const defs = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') fail('ERR_FFAST_DEFINITION', `dlopen: symbols: a symbol key (${keyName(k)}) cannot name a C function`);
    const v = ownValue(symbols, k, 'dlopen: symbols');
    defs[i] = lazy ? v : checkDefinition(k, v);
  }
  // deep undefined: RTLD_DEEPBIND where the library collides with the process (docs/loading.md).
  const handle = native.open(libPath, opts.lazy === true, opts.global === true, opts.deep);
  const state = { closed: false };
  // Lazy: dictionary mode (each first read reconfigures a property; on a fast-mode object that
  // is a new map per read, deoptimizing hot code that loaded an earlier symbol).
  const out = !lazy && keys.length <= FAST_NAMESPACE_MAX ? namespace() : Object.create(null);
  try {
    if (lazy) {
      lazySymbols(out, keys, defs, handle, state, libPath);
      return library(libPath, out, handle, state);
    }
    bindAll(out, keys, defs, handle, state, libPath);
    Object.freeze(out);
  } catch (e) {
    native.close(handle);
    throw e;
  }
  return library(libPath, out, handle, state);
}

/** Eager dlopen: look up `keys`' checked definitions `defs` and put what they bind into `out`. */
function bindAll(out, keys, defs, handle, state, libPath) {
  const n = keys.length;
  const names = new Array(n);
  for (let i = 0; i < n; i++) names[i] = defs[i].name;
  const addresses = native.symbols(handle, names);
  // What makeFunctions makes, as columns (see makeFunctions): every found function but the
  // variadic ones, which make their functions per shape, on demand (variadicFunction).
  const fk = [];
  const fd = [];
  const fa = [];
  for (let i = 0; i < n; i++) {
    const d = defs[i];
    const a = addresses[i];
    if (a === null) {
      if (!d.optional) notFound(d.name, libPath);
      continue;
    }
    if (d.variable !== undefined || d.variadic !== null) continue;
    // A string result C allocated: its free function, in the library first, then the process.
    if (d.decode && d.decode.free !== undefined) d.freeFn = resultFree(handle, d.decode.free, libPath);
    fk.push(keys[i]);
    fd.push(d);
    fa.push(a);
  }
  const made = makeColumns(handle, fk, fd, fa);
  const twins = made.twins;
  // Scalar signatures: one batch text for all (see wrapAll). Signatures with structs get
  // their own generated wrapper (wrap), which closes over their encoders and the area.
  const plain = [];
  for (let i = 0; i < fk.length; i++) {
    const d = fd[i];
    if (!d.aggregates) plain.push({ fn: made[i], twin: twins === undefined ? undefined : twins[i], name: fk[i], params: d.parameters, result: d.result, nonblocking: d.nonblocking, key: d.sigKey });
  }
  const batch = wrapAll(plain, state);
  // Plain read-only data properties (frozen by dlopen): hot code reading `lib.symbols.f` sees a
  // constant-like function (an accessor in the call path costs as much as the fast call).
  // Variables first, then functions, each in declaration order.
  for (let i = 0; i < n; i++) {
    const d = defs[i];
    if (d.variable === undefined) continue;
    if (addresses[i] === null) own(out, keys[i], null);
    else Object.defineProperty(out, keys[i], { __proto__: null, ...d.access(addresses[i], state), enumerable: true, configurable: false });
  }
  let m = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const d = defs[i];
    const key = keys[i];
    if (d.variable !== undefined) continue;
    if (addresses[i] === null) own(out, key, null);
    else if (d.variadic !== null) own(out, key, variadicFunction(key, d, addresses[i], handle, state));
    else if (d.generated) {
      own(out, key, wrap(made[m], key, d, state, twins === undefined || twins[m] === undefined ? null : twins[m]));
      m++;
    } else {
      own(out, key, batch[j++]);
      m++;
    }
  }
}

/**
 * An empty object without a prototype whose properties V8 keeps in fast mode (own() adds
 * them). `Object.create(null)` gives a dictionary-mode object, and so does assigning more than
 * a dozen keys to any object (`o[k] = v`): TurboFan then cannot fold `lib.symbols.f` or
 * `read.i32` in a hot loop into the constant function, so each call paid a generic property
 * load and a call that was not inlined, ~1.7x the call through a local (`f = lib.symbols.f`)
 * on Node 20 and 26. Properties defined one by one with a full descriptor keep fast mode up to
 * V8's descriptor limit (~1,020 properties), and freezing keeps it.
 */
const namespace = () => Object.setPrototypeOf({}, null);
/**
 * The most symbols an eagerly bound library keeps in fast mode: each property defined on a
 * fast-mode object adds a map, which made eager dlopen of 1,000 symbols ~2x slower; programs
 * that bind a whole header get the dictionary object as before (hoisting `f = lib.symbols.f`
 * out of the loop avoids the load there).
 */
const FAST_NAMESPACE_MAX = 128;
/**
 * Define a writable, enumerable, configurable own property (frozen afterwards), see namespace.
 * One descriptor for all (a fresh one per property was a tenth of binding a symbol); without a
 * prototype, so a polluted Object.prototype.get cannot make it an accessor descriptor.
 */
const OWN = { __proto__: null, value: undefined, writable: true, enumerable: true, configurable: true };
function own(o, key, value) {
  OWN.value = value;
  try {
    Object.defineProperty(o, key, OWN);
  } finally {
    OWN.value = undefined;
  }
}

/** The free function a `{ type, free }` result names: in the library first, then the process. */
function resultFree(handle, free, libPath) {
  const [fa] = native.symbols(handle, [free]);
  return freeFunction(fa !== null ? fa : processSymbol(free), free, libPath);
}

/** The object dlopen returns. */
function library(libPath, symbols, handle, state) {
  const lib = {
    path: libPath,
    symbols,
    /** The address of any symbol of the library (function or variable); docs/pointers.md §9. */
    address(name, options) {
      if (typeof name !== 'string' || name === '' || name.includes('\0')) {
        fail('ERR_FFAST_ARG_TYPE', `address: a symbol name must be a non-empty string without U+0000, got ${show(name)}`);
      }
      let optional = false;
      if (options !== undefined) {
        if (options === null || typeof options !== 'object') fail('ERR_FFAST_DEFINITION', `address: options must be an object, got ${describe(options)}`);
        optional = bool(readOwn(options, ['optional'], 'address', 'option').optional, false, 'address', 'optional');
      }
      if (state.closed) fail('ERR_FFAST_CLOSED', `address('${clip(name, 200)}') after its library was closed`);
      const [a] = native.symbols(handle, [name]);
      if (a !== null) return a;
      if (optional) return null;
      return notFound(name, libPath);
    },
    close() {
      if (state.closed) return;
      state.closed = true;
      closeLibrary(handle);
    },
  };
  if (typeof Symbol.dispose === 'symbol') lib[Symbol.dispose] = lib.close;
  return lib;
}

const notFound = (name, libPath) =>
  fail('ERR_FFAST_SYMBOL_NOT_FOUND', `symbol '${clip(name, 200)}' not found in ${libPath === null ? 'the process' : `'${libPath}'`}`);

/**
 * `bind: 'lazy'` (docs/definitions-and-memory.md, "Lazy binding"): dlopen opens the library and
 * reads the symbols object's keys and values only; each property is an accessor that, on its
 * first read, checks the definition, looks the symbol up and makes the function exactly as
 * eager dlopen does (checkDefinition, native.symbols, makeFunctions, then wrapAll or wrap), and
 * replaces itself by a read-only data property holding it. So a caller gets the same wrapper
 * and the same constant fast target as eager binding gives, and later reads are plain data
 * loads. A bad definition or a missing symbol throws eager's error from that first read (and
 * again from each later read: the accessor stays). The object is not extensible, and frozen
 * once every property has been read. Read first after close(), a property holds a function
 * throwing the closed error, as eager's functions do when called after close().
 *
 * Batches: making one function costs a JIT mapping, an N-API call and a wrapper-script run that
 * eager binding shares among all symbols. So a read also makes up to `batch - 1` of the next
 * unread scalar-signature symbols in declaration order (each checked the same way; one that
 * fails is left for its own read, which throws), kept until their own first read. `batch`
 * starts at 1 and doubles with each read that had to make something, up to LAZY_BATCH: a program
 * reading a few symbols makes about that many, one reading most of them pays about eager's
 * cost per symbol.
 */
function lazySymbols(out, keys, defs, handle, state, libPath) {
  // Per symbol: its key, its definition, a status byte and (when made ahead of its read, see
  // makeBatch) its function, in parallel arrays; one descriptor object reused for every
  // accessor. (An object per symbol and a fresh descriptor each were a third of lazy dlopen's
  // cost, most of it in garbage collection.)
  const lz = { out, handle, state, libPath, keys, defs, status: new Uint8Array(keys.length), made: new Array(keys.length), batch: 1 };
  // Null-prototype descriptors here and below, as OWN: an Object.prototype.get/set/value a
  // program defined would be read as part of a plain literal descriptor (a TypeError).
  const desc = { __proto__: null, get: undefined, enumerable: true, configurable: true };
  for (let i = 0; i < keys.length; i++) {
    desc.get = () => makeLazy(lz, i);
    Object.defineProperty(out, keys[i], desc);
  }
  Object.preventExtensions(out);
}

/** lz.status of an entry: not made yet, made (its property holds it), or left to its own read. */
const LZ_PENDING = 0;
const LZ_DONE = 1;
const LZ_BAD = 2;

/** The most functions one lazy read makes (see lazySymbols). */
const LAZY_BATCH = 64;

/** Make lazily bound entry `i` (and a batch after it) and put it in place of its accessor. */
function makeLazy(lz, i) {
  const { out, handle, state } = lz;
  const key = lz.keys[i];
  let f = lz.made[i];
  if (state.closed) {
    f = { [key]: () => closedErr(key) }[key];
  } else if (f === undefined) {
    const d = checkDefinition(key, lz.defs[i]);
    if (d.variable === undefined && d.variadic === null && !d.generated) {
      f = lz.batch === 1 ? makeFirst(lz, key, d) : makeBatch(lz, i, d);
      return settle(lz, i, key, f);
    }
    const address = native.symbols(handle, [d.name])[0];
    if (address === null) {
      if (!d.optional) notFound(d.name, lz.libPath);
      f = null;
    } else if (d.variable !== undefined) {
      // An exported variable: the live accessor eager dlopen defines, in place of this one.
      const access = d.access(address, state);
      if (lz.status[i] === LZ_DONE) return out[key]; // see settle
      lz.status[i] = LZ_DONE;
      Object.defineProperty(out, key, { __proto__: null, ...access, enumerable: true, configurable: false });
      return access.get();
    } else if (d.variadic !== null) {
      f = variadicFunction(key, d, address, handle, state);
    } else if (d.generated) {
      if (d.decode && d.decode.free !== undefined) d.freeFn = resultFree(handle, d.decode.free, lz.libPath);
      const made = makeFunctions(handle, [[key, d, address]]);
      f = wrap(made[0], key, d, state, made.twins === undefined || made.twins[0] === undefined ? null : made.twins[0]);
    }
  }
  return settle(lz, i, key, f);
}

/**
 * Put made function `f` (or null) of entry `i` in place of its accessor, and return what the
 * property holds. A read nested in this one (a definition's getter reading `lib.symbols`) may
 * have made and placed the entry first: its function stays (redefining the non-configurable
 * property threw a TypeError) and this one is dropped.
 */
function settle(lz, i, key, f) {
  if (lz.status[i] === LZ_DONE) return lz.out[key];
  lz.status[i] = LZ_DONE;
  lz.made[i] = undefined;
  Object.defineProperty(lz.out, key, { __proto__: null, value: f, writable: false, enumerable: true, configurable: false });
  return f;
}

/**
 * The function of a scalar-signature entry read while `lz.batch` is 1 (the library's first
 * read that makes one), checked definition `d`: looked up and made by one native call
 * (native.makeOne, which names the signature by its registered id: signatureId) and wrapped
 * (wrapOne); the same function a batch makes, without a batch's columns, arrays and second
 * N-API call, which were most of a single first read (docs/definitions-and-memory.md, "Lazy
 * binding"). null for an optional symbol the library lacks (and the batch stays 1).
 */
function makeFirst(lz, key, d) {
  const r = native.makeOne(lz.handle, key, d.name, signatureId(d));
  if (r === null) {
    if (!d.optional) notFound(d.name, lz.libPath);
    return null;
  }
  lz.batch = 2;
  return lazyWrapper(r, key, d, lz.state);
}

/** The wrapper of what native.makeOne made for `key` (see makeFirst). */
function lazyWrapper(r, key, d, state) {
  // [function, BigInt twin] where the function has a twin (docs/pointers.md §10).
  return Array.isArray(r)
    ? wrapOne(r[0], r[1], key, d.parameters, d.result, d.nonblocking, d.sigKey, state)
    : wrapOne(r, undefined, key, d.parameters, d.result, d.nonblocking, d.sigKey, state);
}

/**
 * The function of scalar-signature entry `i` (checked: `d`), made with a batch of up to
 * `lz.batch - 1` later unread entries of scalar signatures (see lazySymbols), all looked up and
 * made by one native call (native.makeSome); each wrapper is made as makeFirst's is.
 */
function makeBatch(lz, i, d) {
  const want = lz.batch;
  const at = [i];
  const names = [lz.keys[i]];
  const symbols = [d.name];
  const sigs = [signatureId(d)];
  const checked = [d];
  for (let k = i + 1; k < lz.keys.length && at.length < want; k++) {
    if (lz.status[k] !== LZ_PENDING || lz.made[k] !== undefined) continue;
    let dn;
    try {
      dn = checkDefinition(lz.keys[k], lz.defs[k]);
    } catch {
      lz.status[k] = LZ_BAD; // its own read throws the error
      continue;
    }
    if (dn.variable !== undefined || dn.variadic !== null || dn.generated) {
      lz.status[k] = LZ_BAD; // made by its own read
      continue;
    }
    at.push(k);
    names.push(lz.keys[k]);
    symbols.push(dn.name);
    sigs.push(signatureId(dn));
    checked.push(dn);
  }
  const r = native.makeSome(lz.handle, names, symbols, sigs);
  // The later entries first: they are made whether or not entry i's symbol exists. (One a
  // read nested in this one placed already, from a definition's getter, keeps its function.)
  for (let j = 1; j < at.length; j++) {
    if (lz.status[at[j]] !== LZ_PENDING) continue;
    if (r[j] === null) lz.status[at[j]] = LZ_BAD; // its own read throws eager's error
    else lz.made[at[j]] = lazyWrapper(r[j], names[j], checked[j], lz.state);
  }
  if (r[0] === null) {
    if (!d.optional) notFound(d.name, lz.libPath);
    return null;
  }
  lz.batch = Math.min(LAZY_BATCH, want * 2);
  return lazyWrapper(r[0], names[0], d, lz.state);
}

let releasing = false;
/** Close a library; from inside a call, the free waits for the next turn of the event loop. */
function closeLibrary(handle) {
  const hold = insideCall();
  native.close(handle, hold);
  if (hold && !releasing) {
    releasing = true;
    // An immediate runs with no JS frame below it: every call that was in progress is done.
    setImmediate(() => {
      releasing = false;
      native.releaseClosed();
    }).unref();
  }
}

/** The address of a symbol of the process (libc's free, …), or null. */
let processHandle = null;
function processSymbol(name) {
  if (processHandle === null) processHandle = native.open(null, false, false, undefined);
  return native.symbols(processHandle, [name])[0];
}
/** `void free(void*)`-shaped C functions, bound once per address. */
const freeFunctions = new Map();
function freeFunction(addr, fname, libPath) {
  if (addr === null) fail('ERR_FFAST_SYMBOL_NOT_FOUND', `free function '${clip(fname, 200)}' not found in ${libPath === null ? 'the process' : `'${libPath}' or the process`}`);
  let f = freeFunctions.get(addr);
  if (f === undefined) {
    f = { address: addr };
    freeFunctions.set(addr, f);
  }
  return f;
}

/** Bind a raw C function pointer. */
function bind(address, definition) {
  const d = checkDefinition('bind', definition);
  const addr = checkAddress(address, 'bind');
  // The native side takes addresses as doubles (exact up to 2^53, where every code address is).
  if (typeof addr !== 'number') fail('ERR_FFAST_ARG_RANGE', `bind: ${show(address)} is beyond 2^53; code addresses are not`);
  return bindNamed(addr, d, `bound_0x${addr.toString(16)}`);
}

/** The function calling `addr` with checked definition `d`, reporting as `name`. */
function bindNamed(addr, d, name) {
  if (d.variable !== undefined) fail('ERR_FFAST_DEFINITION', `${name}: bind() takes a function definition, not a variable`);
  if (d.variadic !== null) return variadicFunction(name, d, addr, null, { closed: false });
  if (d.decode && d.decode.free !== undefined) d.freeFn = freeFunction(processSymbol(d.decode.free), d.decode.free, null);
  const made = makeFunctions(null, [[name, d, addr]]);
  const m = made[0];
  const twin = made.twins === undefined || made.twins[0] === undefined ? null : made.twins[0];
  if (d.aggregates) return wrap(m, name, d, { closed: false }, twin);
  return wrapAll([{ fn: m, twin, name, params: d.parameters, result: d.result, nonblocking: d.nonblocking, key: d.sigKey }], { closed: false })[0];
}

const suffix = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';

module.exports = { bindNamed, dlopen, bind, suffix, namespace, own };
