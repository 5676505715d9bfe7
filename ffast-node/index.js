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

/**
 * The wrappers of a batch of native functions (one dlopen, or one bind), compiled by ONE
 * `new Function`: compiling a source text per symbol cost ~11 µs each, most of a declaration.
 *
 * Each wrapper is still its own function literal in that text, with its own feedback: a call
 * site that several API functions pass through loses the fast call (rust-fast-calls.md §6.4).
 * One literal shared by all symbols of a shape is faster to create but loses it whenever the
 * wrapper is not inlined into its caller (e.g. a dispatcher calling many symbols from one call
 * site): measured, 100% slow calls on every Node line, against 0% on Node 22/26 with a literal
 * per symbol (fastpath.test.js proves both the inlined and the dispatcher case). Each literal
 * calls `F[i]`: its own call-site feedback holds that one target, from which TurboFan makes the
 * fast call. (1,000 `const` bindings, one per target, cost ~1 µs per symbol more to compile.)
 */
function wrapAll(list, state) {
  const n = list.length;
  const parts = new Array(n);
  for (let i = 0; i < n; i++) {
    const { params, result, name, nonblocking = false } = list[i];
    const key = `${params.join(',')})${result}${nonblocking ? ' nonblocking' : ''}`;
    let tpl = templates.get(key);
    if (tpl === undefined) {
      // The text with holes for the index and the name, built once per shape.
      tpl = wrapperSource(params, result, '\u0001', '\u0002', nonblocking).split(/([\u0001\u0002])/);
      templates.set(key, tpl);
    }
    const fname = fnName(name);
    let t = '';
    for (const piece of tpl) t += piece === '\u0001' ? i : piece === '\u0002' ? fname : piece;
    parts[i] = t;
  }
  // The batch number makes every text unique: V8's compilation cache would hand two identical
  // texts the same literals, hence shared feedback. Texts are terse on purpose: compiling them
  // is most of the cost of declaring a symbol.
  const src = `"use strict"; // ffast wrappers, batch ${++batchId}
  const E = (i, argc) => (S.closed ? $closedErr(N[i]) : $countErr(N[i], P[i], argc)), B = $bufErr, isBuf = $isBuf, wi = $wi, wu = $wu, cstr = $cstr, nul = $nul, S = $st, F = $F, N = $N, P = $P;
  return [
  ${parts.join(',\n  ')}
  ];`;
  // eslint-disable-next-line no-new-func
  return new Function('$F', '$N', '$P', '$st', '$closedErr', '$countErr', '$bufErr', '$isBuf', '$wi', '$wu', '$cstr', '$nul', src)(
    list.map((x) => x.fn), list.map((x) => x.name), list.map((x) => x.params.length), state,
    closedErr, countErr, bufErr, isBuf, wideI64, wideU64, nativeCstring, nul,
  );
}

let batchId = 0;
const templates = new Map();

// Words a function expression cannot be named (strict mode), and the wrapper's own bindings.
const UNNAMEABLE = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await eval arguments undefined ' +
  'E B isBuf wi wu cstr nul S F N P r').split(' '));

/** The wrapper's name in its text: the symbol's key when it can be one (free), else none. */
function fnName(key) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !UNNAMEABLE.has(key) && !/^a[0-9]+$/.test(key) && key !== '$x' ? key : '';
}

/** Source of wrapper `i` of a batch (see wrapAll): calls `F[i]`, named `fname` (or anonymous). */
function wrapperSource(params, result, i, fname, nonblocking = false) {
  const n = params.length;
  const args = params.map((_, k) => `a${k}`).join(',');
  const checks = params.map((t, k) => (t === 'buffer' ? `if(!isBuf(a${k}))B(N[${i}],${k},a${k});` : '')).join('');
  const call = `F[${i}](${args})`;
  let body;
  // A nonblocking function returns its Promise as is: the native side settles it with the
  // final JS value (the wide slot cannot carry a result across the event loop).
  switch (nonblocking ? 'promise' : result) {
    case 'promise':
      body = `return ${call}`;
      break;
    case 'i64':
    case 'isize':
      body = `const r=${call};return r===r?r:wi[0]`;
      break;
    case 'u64':
    case 'usize':
      body = `const r=${call};return r===r?r:wu[0]`;
      break;
    // NULL comes back through a call (nul) rather than a `null` literal: TurboFan prunes a
    // call site that never ran (no feedback), so a hot caller keeps the result an unboxed
    // float64 instead of boxing a HeapNumber to merge it with null.
    case 'pointer':
      body = `const r=${call};return r===r?(r!==0?r:nul()):wu[0]`;
      break;
    case 'string':
      body = `const r=${call};return r!==0?cstr(r===r?r:Number(wu[0])):nul()`;
      break;
    default:
      body = `return ${call}`;
  }
  // Argument count without `arguments` on the hot path: materializing `arguments` (or a rest
  // array) costs ~2 ns per call on Node 24/26 — as much as the whole fast call. One extra formal
  // catches surplus arguments; `arguments.length` is read only when the last formal is
  // undefined, which a well-formed call passes only for NULL pointers/strings/buffers.
  // (A surplus argument that is explicitly `undefined` is therefore not reported.) The extra
  // formal has a default so that the wrapper's `length` is the C parameter count. One branch
  // covers a closed library and a wrong count; E tells them apart.
  const bad = n > 0 ? `S.closed||$x!==void 0||a${n - 1}===void 0&&arguments.length<${n}` : 'S.closed||$x!==void 0';
  return `function ${fname}(${n > 0 ? `${args},` : ''}$x=void 0){if(${bad})E(${i},arguments.length);${checks}${body}}`;
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
    if (!['parameters', 'result', 'name', 'optional', 'nonblocking'].includes(k)) {
      fail('ERR_FFAST_DEFINITION', `unknown key '${k}' in definition of '${key}'`);
    }
  }
  const { nonblocking = false } = def;
  if (typeof nonblocking !== 'boolean') {
    fail('ERR_FFAST_DEFINITION', `'${key}'.nonblocking must be a boolean, got ${describe(nonblocking)}`);
  }
  const sig = signatureOf(key, parameters, result);
  return { parameters: sig.parameters, result: sig.result, name, optional: Boolean(optional), nonblocking };
}

// Canonical signatures by spelling: a library's symbols share a few signatures, and asking the
// addon once per symbol cost ~1 µs each.
const signatures = new Map();
function signatureOf(key, parameters, result) {
  // NUL separates the spellings; a spelling containing NUL (never a valid type) bypasses the
  // cache, so two different lists can never share a key.
  if (parameters.some((p) => p.includes('\0')) || result.includes('\0')) return native.signature(key, parameters, result);
  const k = `${parameters.length}\0${parameters.join('\0')}\0${result}`;
  let sig = signatures.get(k);
  if (sig === undefined) {
    sig = native.signature(key, parameters, result);
    signatures.set(k, sig);
  }
  return sig;
}

/** The V8 functions for `[key, definition, address]` triples, in one native call. */
function makeFunctions(handle, list) {
  const names = new Array(list.length);
  const addresses = new Array(list.length);
  const sigOf = new Array(list.length);
  const sigs = [];
  const index = new Map();
  list.forEach(([key, d, address], i) => {
    const k = `${d.parameters.join(',')})${d.result}${d.nonblocking ? ' nonblocking' : ''}`;
    let j = index.get(k);
    if (j === undefined) {
      j = sigs.push({ parameters: d.parameters, result: d.result, nonblocking: Boolean(d.nonblocking) }) - 1;
      index.set(k, j);
    }
    names[i] = key;
    addresses[i] = address;
    sigOf[i] = j;
  });
  return native.makeFunctions(handle, names, addresses, sigs, sigOf);
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
    const addresses = native.symbols(handle, defs.map(([, d]) => d.name));
    const wanted = [];
    defs.forEach(([key, d], i) => {
      if (addresses[i] !== null || d.optional) wanted.push([key, d, addresses[i]]);
      else fail('ERR_FFAST_SYMBOL_NOT_FOUND', `symbol '${d.name}' not found in ${libPath === null ? 'the process' : `'${libPath}'`}`);
    });
    const made = makeFunctions(handle, wanted.filter((w) => w[2] !== null));

    // Plain read-only data properties (frozen below): hot code reading `lib.symbols.f` sees a
    // constant-like function (an accessor in the call path costs as much as the fast call).
    const bound = wanted.filter((w) => w[2] !== null);
    const wrappers = wrapAll(
      bound.map(([key, d], i) => ({ fn: made[i], name: key, params: d.parameters, result: d.result, nonblocking: d.nonblocking })),
      state,
    );
    let i = 0;
    for (const [key, , address] of wanted) out[key] = address === null ? null : wrappers[i++];
    Object.freeze(out);
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
  const [m] = makeFunctions(null, [['bound', d, addr]]);
  return wrapAll([{ fn: m, name: `bound_0x${addr.toString(16)}`, params: d.parameters, result: d.result, nonblocking: d.nonblocking }], { closed: false })[0];
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

const suffix = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';

module.exports = {
  dlopen,
  bind,
  ptr,
  cstring,
  toArrayBuffer,
  read,
  write,
  suffix,
  FfastError,
  __internal: {
    slowCalls: native.slowCalls,
    pendingCalls: native.pendingCalls,
    jitPages: native.jitPages,
    fastEnabled: info.fast,
    fastReason: info.reason,
    v8: info.v8,
    // The native API itself (makeFunctions' area contract is tested at this level).
    native,
  },
};
