'use strict';
// ffast: the public API. The native addon turns each definition into a V8 function whose
// fast-call target is a JIT trampoline; this file wraps each one in a small generated JS
// function that checks what V8's fast path cannot (argument count, buffer kinds, closed
// libraries) and turns the fast-call result representation into the JS value (null for NULL,
// BigInt for 64-bit values beyond 2^53, strings). The wrapper is tiny and monomorphic, so
// TurboFan inlines it and the call costs what the fast call costs.

const path = require('node:path');

function loadNative() {
  const candidates = [
    process.env.FFAST_NATIVE,
    path.join(__dirname, `ffast.${process.platform}-${process.arch}.node`),
    path.join(__dirname, 'ffast.node'),
  ].filter(Boolean);
  let lastErr;
  for (const p of candidates) {
    try {
      return require(p);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
      lastErr = e;
    }
  }
  throw new Error(
    `ffast: native addon not found for ${process.platform}-${process.arch} (tried ${candidates.join(', ')}). ` +
      'Build it with `bash ffast-node/build.sh`.',
    { cause: lastErr },
  );
}

const native = loadNative();

/** Every error ffast throws. `code` is stable (ERR_FFAST_…). */
class FfastError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
  get name() {
    return 'FfastError';
  }
}

const info = native.init(FfastError);
if (!info.fast && !process.env.FFAST_NO_FAST && !process.env.FFAST_QUIET) {
  process.emitWarning(`ffast: V8 fast calls are off (${info.reason}); calls use the N-API path`, {
    code: 'FFAST_NO_FAST_CALLS',
  });
}

const wideBuf = native.wideSlot();
const wideI64 = new BigInt64Array(wideBuf);
const wideU64 = new BigUint64Array(wideBuf);

const fail = (code, msg) => {
  throw new FfastError(code, msg);
};

function describe(v) {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v.constructor && v.constructor.name) || 'object';
}

// Called from generated wrappers (kept out of them so they stay small).
const closedErr = (name) => fail('ERR_FFAST_CLOSED', `'${name}' called after its library was closed`);
const countErr = (name, want, got) =>
  fail('ERR_FFAST_ARG_COUNT', `expected ${want} argument${want === 1 ? '' : 's'}, got ${got} for '${name}'`);
const bufErr = (name, i, v) =>
  fail(
    'ERR_FFAST_ARG_TYPE',
    `invalid argument ${i}: expected buffer (ArrayBuffer, TypedArray, DataView or null), got ${describe(v)} for '${name}'`,
  );
const hasSAB = typeof SharedArrayBuffer === 'function';
const isBuf = (v) =>
  v === null || v === undefined || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || (hasSAB && v instanceof SharedArrayBuffer);

let wrapperId = 0;

/** JS identifier-safe version of a symbol name for the generated function's name. */
const ident = (s) => {
  const t = String(s).replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(t) ? t : `_${t}`;
};

/**
 * Generate the wrapper for one native function. Each wrapper gets its own source text (its
 * name and a serial number), hence its own feedback: wrappers made from one closure share
 * call-site feedback and lose the fast path (rust-fast-calls.md §6.4).
 */
function wrap(fn, name, params, result, state) {
  const n = params.length;
  const args = params.map((_, i) => `a${i}`).join(', ');
  // Pointer (and `function`) parameters also take a Callback object: one typeof test, only in
  // wrappers of signatures with such a parameter. Other objects go on to the native type error.
  const checks = params
    .map((t, i) =>
      t === 'buffer'
        ? `if (!$isBuf(a${i})) $bufErr($name, ${i}, a${i});`
        : t === 'pointer'
          ? `if (typeof a${i} === 'object' && a${i} !== null) a${i} = $cbArg(a${i});`
          : '',
    )
    .filter(Boolean)
    .join('\n    ');
  const call = `$f(${args})`;
  let body;
  switch (result) {
    case 'i64':
    case 'isize':
      body = `const r = ${call};\n      return r === r ? r : $wi[0];`;
      break;
    case 'u64':
    case 'usize':
      body = `const r = ${call};\n      return r === r ? r : $wu[0];`;
      break;
    // NULL comes back through a call ($nul) rather than a `null` literal: TurboFan prunes a
    // call site that never ran (no feedback), so a hot caller keeps the result an unboxed
    // float64 instead of boxing a HeapNumber to merge it with null.
    case 'pointer':
      body = `const r = ${call};\n      return r === r ? (r !== 0 ? r : $nul()) : $wu[0];`;
      break;
    case 'string':
      body = `const r = ${call};\n      return r !== 0 ? $cstr(r === r ? r : Number($wu[0])) : $nul();`;
      break;
    default:
      body = `return ${call};`;
  }
  const id = ++wrapperId;
  // Argument count without `arguments` on the hot path: materializing `arguments` (or a rest
  // array) costs ~2 ns per call on Node 24/26 — as much as the whole fast call. One extra formal
  // catches surplus arguments; `arguments.length` is read only when the last formal is
  // undefined, which a well-formed call passes only for NULL pointers/strings/buffers.
  // (A surplus argument that is explicitly `undefined` is therefore not reported.)
  const last = n > 0 ? `a${n - 1}` : null;
  const countCheck = last
    ? `if ($x !== undefined || (${last} === undefined && arguments.length < ${n})) $countErr($name, ${n}, arguments.length);`
    : `if ($x !== undefined) $countErr($name, 0, arguments.length);`;
  const formals = n > 0 ? `${args}, $x` : '$x';
  // The function is named through a computed key: a named function expression would bind
  // the symbol's name inside the wrapper and could shadow what it closes over.
  const src = `"use strict"; return { [$name]: function (${formals}) { // ffast wrapper #${id} ${ident(name)}
      if ($st.closed) $closedErr($name);
      ${countCheck}
      ${checks}
      ${body}
    } }[$name];`;
  // eslint-disable-next-line no-new-func
  const w = new Function('$f', '$st', '$name', '$closedErr', '$countErr', '$bufErr', '$isBuf', '$wi', '$wu', '$cstr', '$nul', '$cbArg', src)(
    fn, state, name, closedErr, countErr, bufErr, isBuf, wideI64, wideU64, nativeCstring, nul, callbackArg,
  );
  Object.defineProperty(w, 'length', { value: n });
  return w;
}

const nul = () => null;

function nativeCstring(p, len) {
  return native.cstring(p, len);
}

function checkDefinition(key, def) {
  if (def === null || typeof def !== 'object') {
    fail('ERR_FFAST_DEFINITION', `definition of '${key}' must be an object, got ${describe(def)}`);
  }
  const { parameters = [], result = 'void', name = key, optional = false } = def;
  if (!Array.isArray(parameters)) {
    fail('ERR_FFAST_DEFINITION', `'${key}'.parameters must be an array, got ${describe(parameters)}`);
  }
  parameters.forEach((p, i) => {
    if (typeof p !== 'string') fail('ERR_FFAST_TYPE', `in definition of '${key}': parameter ${i} must be a type name, got ${describe(p)}`);
  });
  if (typeof result !== 'string') fail('ERR_FFAST_TYPE', `in definition of '${key}': result must be a type name, got ${describe(result)}`);
  if (typeof name !== 'string' || name === '') fail('ERR_FFAST_DEFINITION', `'${key}'.name must be a non-empty string`);
  for (const k of Object.keys(def)) {
    if (!['parameters', 'result', 'name', 'optional', 'nonblocking', 'callbacks'].includes(k)) {
      fail('ERR_FFAST_DEFINITION', `unknown key '${k}' in definition of '${key}'`);
    }
  }
  if (def.nonblocking) fail('ERR_FFAST_UNSUPPORTED', `'${key}': nonblocking calls are not supported yet`);
  const sig = native.signature(key, parameters, result);
  // A function that may call back into JS synchronously: slow path only, tracked (README
  // "Callbacks"). Implied by a `function` parameter.
  const callbacks = Boolean(def.callbacks) || parameters.some((p) => p.trim() === 'function');
  return { parameters: sig.parameters, result: sig.result, name, optional: Boolean(optional), callbacks };
}

function toAddress(p, what) {
  if (typeof p === 'bigint') {
    if (p <= 0n || p > BigInt(Number.MAX_SAFE_INTEGER)) fail('ERR_FFAST_ARG_RANGE', `${what}: address ${p} is out of range`);
    return Number(p);
  }
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p <= 0) {
    fail('ERR_FFAST_ARG_TYPE', `${what}: expected a non-NULL address (number or bigint), got ${describe(p)} ${String(p)}`);
  }
  return p;
}

/**
 * Open a shared library (or the process itself with `null`) and bind its symbols.
 * @returns {{ symbols: object, close(): void, path: string|null }}
 */
function dlopen(libPath, symbols, options = {}) {
  if (libPath !== null && typeof libPath !== 'string' && !(libPath instanceof URL)) {
    fail('ERR_FFAST_ARG_TYPE', `dlopen: path must be a string, URL or null, got ${describe(libPath)}`);
  }
  if (libPath instanceof URL) libPath = require('node:url').fileURLToPath(libPath);
  if (symbols === null || typeof symbols !== 'object') {
    fail('ERR_FFAST_DEFINITION', `dlopen: symbols must be an object, got ${describe(symbols)}`);
  }
  const defs = Object.entries(symbols).map(([k, d]) => [k, checkDefinition(k, d)]);
  const handle = native.open(libPath, Boolean(options.lazy), Boolean(options.global));
  const state = { closed: false };
  const out = Object.create(null);
  try {
    const wanted = [];
    for (const [key, d] of defs) {
      const address = native.symbol(handle, d.name);
      if (address === null) {
        if (d.optional) {
          out[key] = null;
          continue;
        }
        fail('ERR_FFAST_SYMBOL_NOT_FOUND', `symbol '${d.name}' not found in ${libPath === null ? 'the process' : `'${libPath}'`}`);
      }
      wanted.push([key, d, address]);
    }
    const made = native.makeFunctions(
      handle,
      wanted.map(([key, d, address]) => ({ name: key, address, parameters: d.parameters, result: d.result, callbacks: d.callbacks })),
    );
    // Wrappers are compiled on first use (each is a `new Function`, most of the cost of
    // declaring a symbol); the getter then returns the same function every time.
    // The first read replaces the accessor with a plain read-only data property, so hot code
    // sees an ordinary constant-like function (an accessor in the call path costs the fast call).
    wanted.forEach(([key, d], i) => {
      Object.defineProperty(out, key, {
        enumerable: true,
        configurable: true,
        get() {
          const w = wrap(made[i].fn, key, d.parameters, d.result, state);
          Object.defineProperty(out, key, { value: w, enumerable: true, writable: false, configurable: false });
          return w;
        },
      });
    });
  } catch (e) {
    native.close(handle);
    throw e;
  }
  const lib = {
    path: libPath,
    symbols: out,
    close() {
      if (state.closed) return;
      state.closed = true;
      native.close(handle);
    },
  };
  if (typeof Symbol.dispose === 'symbol') lib[Symbol.dispose] = lib.close;
  return lib;
}

/** Bind a raw C function pointer. */
function bind(address, definition) {
  const d = checkDefinition('bind', definition);
  const addr = toAddress(address, 'bind');
  const [m] = native.makeFunctions(null, [{ name: 'bound', address: addr, parameters: d.parameters, result: d.result, callbacks: d.callbacks }]);
  return wrap(m.fn, `bound_0x${addr.toString(16)}`, d.parameters, d.result, { closed: false });
}

// Built-in helpers, bound through the same machinery (so they take fast calls too).
const H = native.helpers();
const scalarTypes = ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'pointer'];
const aliasOf = { isize: 'i64', usize: 'u64' };
const nullErr = (what) => fail('ERR_FFAST_NULL_POINTER', `${what}: pointer is NULL`);

function makeAccessor(kind, t) {
  const valueType = t === 'pointer' ? 'usize' : t;
  const def =
    kind === 'read'
      ? { parameters: ['usize', 'isize'], result: t }
      : { parameters: ['usize', 'isize', valueType], result: 'void' };
  const raw = bind(H[`${kind}_${t}`], def);
  const src =
    kind === 'read'
      ? `return function read_${t}(p, offset) { // ffast ${kind}.${t}
    if (p === 0 || p == null) nullErr('read.${t}');
    return raw(typeof p === 'bigint' ? Number(p) : p, offset === undefined ? 0 : offset);
  };`
      : `return function write_${t}(p, offset, value) { // ffast ${kind}.${t}
    if (p === 0 || p == null) nullErr('write.${t}');
    raw(typeof p === 'bigint' ? Number(p) : p, offset === undefined ? 0 : offset, ${t === 'pointer' ? 'value === null ? 0 : value' : 'value'});
  };`;
  // eslint-disable-next-line no-new-func
  return new Function('raw', 'nullErr', src)(raw, nullErr);
}

const read = Object.create(null);
const write = Object.create(null);
for (const t of scalarTypes) {
  read[t] = makeAccessor('read', t);
  write[t] = makeAccessor('write', t);
}
for (const [a, t] of Object.entries(aliasOf)) {
  read[a] = read[t];
  write[a] = write[t];
}
Object.freeze(read);
Object.freeze(write);

const rawPtr = bind(H.ptr, { parameters: ['buffer'], result: 'usize' });
/** Address of the first byte of a buffer or view (byteOffset applied). */
function ptr(view) {
  if (view === null || view === undefined || !isBuf(view)) {
    fail('ERR_FFAST_ARG_TYPE', `ptr: expected an ArrayBuffer, SharedArrayBuffer, TypedArray or DataView, got ${describe(view)}`);
  }
  return rawPtr(view);
}

/** Decode a NUL-terminated (or `byteLength`-long) UTF-8 string at `pointer`; null for NULL. */
function cstring(pointer, byteLength) {
  if (pointer === null || pointer === undefined || pointer === 0 || pointer === 0n) return null;
  const p = toAddress(pointer, 'cstring');
  if (byteLength !== undefined && !(Number.isSafeInteger(byteLength) && byteLength >= 0)) {
    fail('ERR_FFAST_ARG_RANGE', `cstring: byteLength must be a non-negative integer, got ${String(byteLength)}`);
  }
  return native.cstring(p, byteLength);
}

/** A zero-copy ArrayBuffer over `byteLength` bytes of native memory at `pointer`. */
function toArrayBuffer(pointer, byteLength) {
  if (!(Number.isSafeInteger(byteLength) && byteLength >= 0)) {
    fail('ERR_FFAST_ARG_RANGE', `toArrayBuffer: byteLength must be a non-negative integer, got ${String(byteLength)}`);
  }
  if (pointer === null || pointer === 0 || pointer === 0n) {
    if (byteLength === 0) return new ArrayBuffer(0);
    nullErr('toArrayBuffer');
  }
  return native.toArrayBuffer(toAddress(pointer, 'toArrayBuffer'), byteLength);
}

// ------------------------------------------------------------------ callbacks (README "Callbacks")
const kId = Symbol('ffast.callback');

/** A JS function callable from C through `pointer`. Made by `callback()`. */
class Callback {
  constructor(id, pointer, definition) {
    this[kId] = id;
    /** The C function pointer (a Number). */
    this.pointer = pointer;
    this.definition = definition;
    this.closed = false;
  }
  /** Release the JS function; later calls from C return the default value (and warn). */
  close() {
    if (this.closed) return;
    this.closed = true;
    native.callbackClose(this[kId]);
  }
}
if (typeof Symbol.dispose === 'symbol') Callback.prototype[Symbol.dispose] = Callback.prototype.close;

/** A pointer argument given as an object: a Callback's address; anything else unchanged. */
function callbackArg(v) {
  if (v instanceof Callback) {
    if (v.closed) fail('ERR_FFAST_CLOSED', 'a closed Callback was passed as a function pointer');
    return v.pointer;
  }
  return v;
}

/** Errors of a callback: its onError, else an uncaught exception on the next tick. */
function deliver(err, onError) {
  if (onError) {
    try {
      onError(err);
      return;
    } catch (e) {
      err = e;
    }
  }
  process.nextTick(() => {
    throw err;
  });
}

/** Errors of closed callbacks (nobody to tell): a process warning. */
const orphanReport = (err) => process.emitWarning(err);

const callbackKeys = ['parameters', 'result', 'threads', 'onError', 'deadlockMs'];

/**
 * A C function pointer that calls `fn`.
 * definition: { parameters, result, threads?: 'block' | 'queue', onError?: (err) => void,
 *   deadlockMs?: number }.
 */
function callback(definition, fn) {
  if (definition === null || typeof definition !== 'object') {
    fail('ERR_FFAST_DEFINITION', `callback: definition must be an object, got ${describe(definition)}`);
  }
  if (typeof fn !== 'function') fail('ERR_FFAST_ARG_TYPE', `callback: expected a function, got ${describe(fn)}`);
  for (const k of Object.keys(definition)) {
    if (!callbackKeys.includes(k)) fail('ERR_FFAST_DEFINITION', `callback: unknown key '${k}' in definition`);
  }
  const { parameters = [], result = 'void', threads = 'block', onError, deadlockMs = 100 } = definition;
  if (!Array.isArray(parameters)) fail('ERR_FFAST_DEFINITION', `callback: parameters must be an array, got ${describe(parameters)}`);
  parameters.forEach((p, i) => {
    if (typeof p !== 'string') fail('ERR_FFAST_TYPE', `in callback definition: parameter ${i} must be a type name, got ${describe(p)}`);
  });
  if (typeof result !== 'string') fail('ERR_FFAST_TYPE', `in callback definition: result must be a type name, got ${describe(result)}`);
  if (threads !== 'block' && threads !== 'queue') {
    fail('ERR_FFAST_DEFINITION', `callback: threads must be 'block' or 'queue', got ${String(threads)}`);
  }
  if (onError !== undefined && typeof onError !== 'function') {
    fail('ERR_FFAST_DEFINITION', `callback: onError must be a function, got ${describe(onError)}`);
  }
  if (typeof deadlockMs !== 'number' || !(deadlockMs >= 0) || deadlockMs > 2 ** 31) {
    fail('ERR_FFAST_DEFINITION', `callback: deadlockMs must be a number of milliseconds >= 0, got ${String(deadlockMs)}`);
  }
  const report = (err) => deliver(err, onError);
  const [id, pointer] = native.callbackCreate(parameters, result, fn, report, orphanReport, {
    queue: threads === 'queue',
    deadlockMs,
  });
  return new Callback(id, pointer, Object.freeze({ parameters: [...parameters], result, threads }));
}

const suffix = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';

module.exports = {
  dlopen,
  bind,
  callback,
  Callback,
  ptr,
  cstring,
  toArrayBuffer,
  read,
  write,
  suffix,
  FfastError,
  __internal: {
    slowCalls: native.slowCalls,
    callbackCounts: native.callbackCounts,
    jitPages: native.jitPages,
    fastEnabled: info.fast,
    fastReason: info.reason,
    v8: info.v8,
  },
};
