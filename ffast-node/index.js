'use strict';
// ffast: the public API. The native addon turns each definition into a V8 function whose
// fast-call target is a JIT trampoline; this file wraps each one in a small generated JS
// function that checks what V8's fast path cannot (argument count, buffer kinds, closed
// libraries) and turns the fast-call result representation into the JS value (null for NULL,
// BigInt for 64-bit values beyond 2^53, strings). The wrapper is tiny and monomorphic, so
// TurboFan inlines it and the call costs what the fast call costs.

const path = require('node:path');
const { isProxy } = require('node:util').types;

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
  constructor(code, message, options) {
    super(message, options);
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

/**
 * The decoder of `string` results and cstring(): V8's own function making the string
 * (`convert.rs` cstring_entry, docs/strings.md §4) where the addon could make one, else the
 * N-API `cstring`. Given a non-NULL address as a Number (and a checked byteLength only when
 * there is one).
 */
const decoder = info.decoder;
const nativeCstring = decoder !== null ? decoder : (p) => native.cstring(p);

const wideBuf = native.wideSlot();
// This thread's saved errno (docs/errno.md): errno: true calls write it, errno() reads it.
const errnoCell = new Int32Array(native.errnoSlot());
const wideI64 = new BigInt64Array(wideBuf);
const wideU64 = new BigUint64Array(wideBuf);

const fail = (code, msg, cause) => {
  throw new FfastError(code, msg, cause === undefined ? undefined : { cause });
};

// ------------------------------------------------------------------ values in messages
// A message about a bad value must not run the value's code: a getter, a Proxy trap or a
// toString could throw (the error would not be an FfastError) or lie.

const clip = (s, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A value's kind: typeof, or an object's constructor name, read without running its code. */
function describe(v) {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (isProxy(v)) return 'Proxy';
  // Ordinary objects only from here: reading own data properties runs nothing.
  const proto = Object.getPrototypeOf(v);
  if (proto === null || isProxy(proto)) return 'object';
  const c = Object.getOwnPropertyDescriptor(proto, 'constructor');
  const f = c === undefined ? undefined : c.value;
  if (typeof f !== 'function' || isProxy(f)) return 'object';
  const n = Object.getOwnPropertyDescriptor(f, 'name');
  return n !== undefined && typeof n.value === 'string' && n.value !== '' ? clip(n.value) : 'object';
}

/** A value as a message shows it: primitives spelled out, objects by their kind. */
function show(v) {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'string':
      return JSON.stringify(clip(v));
    case 'symbol':
      return clip(String(v)); // String() of a symbol runs no user code
    case 'undefined':
    case 'boolean':
      return String(v);
    default:
      return describe(v);
  }
}

/** A property key as a message names it. */
const keyName = (k) => (typeof k === 'symbol' ? clip(String(k)) : /^[\w$.-]{1,60}$/.test(k) ? `'${k}'` : JSON.stringify(clip(k)));

// ------------------------------------------------------------------ reading user objects
// (docs/definitions-and-memory.md has the ECMAScript facts this relies on.)
// Definitions, options, field maps and field specs are read through their OWN properties only
// (an inherited `name`, or a polluted Object.prototype, is invisible), every key at most once (a
// getter runs once), and every other own key is an error naming the nearest valid one. Whatever
// a getter or a Proxy trap throws while ffast reads becomes ERR_FFAST_DEFINITION, with the
// thrown value as `cause`: a mistake in a definition is always an FfastError.

/**
 * `where` in the readers below says what is being read, for messages: a string, or a function
 * giving one (words are put together only when there is something to say).
 */
const W = (where) => (typeof where === 'function' ? where() : where);

/** `read()`, with what it throws turned into ERR_FFAST_DEFINITION (see above). */
function guarded(where, what, read) {
  try {
    return read();
  } catch (e) {
    return fail('ERR_FFAST_DEFINITION', `${W(where)}: reading ${what} threw${thrownMessage(e)}`, e);
  }
}

/** `: message` of a thrown Error, read without letting anything escape (it may be hostile). */
function thrownMessage(e) {
  try {
    if (e === null || typeof e !== 'object' || isProxy(e)) return typeof e === 'string' ? `: ${clip(e, 200)}` : '';
    const m = Object.getOwnPropertyDescriptor(e, 'message');
    return m !== undefined && typeof m.value === 'string' ? `: ${clip(m.value, 200)}` : '';
  } catch {
    return '';
  }
}

const ownKeys = (obj, where) => guarded(where, 'its keys', () => Reflect.ownKeys(obj));
/** `obj[k]` (an own key), what it throws turned into ERR_FFAST_DEFINITION (see guarded). */
function ownValue(obj, k, where) {
  try {
    return obj[k];
  } catch (e) {
    return fail('ERR_FFAST_DEFINITION', `${W(where)}: reading ${keyName(k)} threw${thrownMessage(e)}`, e);
  }
}

/** Other spellings of valid keys, as other FFIs and habits spell them. */
const SYNONYMS = {
  args: 'parameters', arguments: 'parameters', params: 'parameters', argTypes: 'parameters', parameterTypes: 'parameters',
  returns: 'result', return: 'result', returnType: 'result', ret: 'result', res: 'result', results: 'result',
  async: 'nonblocking', nonBlocking: 'nonblocking', blocking: 'nonblocking', symbol: 'name',
  packed: 'pack', alignment: 'align', aligned: 'align', RTLD_LAZY: 'lazy', RTLD_GLOBAL: 'global',
};

/** Optimal-string-alignment distance (edits, adjacent swaps counted once); keys are short. */
function distance(a, b) {
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The valid key a mistyped one most likely meant, or undefined. */
function nearest(k, valid) {
  if (typeof k !== 'string' || k.length > 64) return undefined;
  const lower = k.toLowerCase();
  const same = valid.find((v) => v.toLowerCase() === lower);
  if (same !== undefined) return same;
  const syn = Object.hasOwn(SYNONYMS, k) ? SYNONYMS[k] : undefined;
  if (syn !== undefined && valid.includes(syn)) return syn;
  // A cut-short or overlong spelling ('nonblock', 'parametersList').
  const pre = k.length >= 3 ? valid.find((v) => v.toLowerCase().startsWith(lower) || lower.startsWith(v.toLowerCase())) : undefined;
  if (pre !== undefined) return pre;
  let best;
  let bestD = Math.max(1, Math.floor(k.length / 3)) + 1;
  for (const v of valid) {
    const d = distance(lower, v.toLowerCase());
    if (d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return best;
}

function unknownKey(k, valid, where, noun = 'key') {
  const near = nearest(k, valid);
  const hint = near !== undefined ? ` (did you mean '${near}'?)` : ` (valid: ${valid.join(', ')})`;
  return fail('ERR_FFAST_DEFINITION', `${W(where)}: unknown ${noun} ${keyName(k)}${hint}`);
}

/**
 * The own properties of a user object named in `valid`, each read once, in a fresh
 * null-prototype object (undefined values left out); any other own key is an error.
 */
function readOwn(obj, valid, where, noun) {
  const keys = ownKeys(obj, where);
  for (const k of keys) if (typeof k !== 'string' || !valid.includes(k)) unknownKey(k, valid, where, noun);
  const out = { __proto__: null };
  for (const k of keys) {
    const v = ownValue(obj, k, where);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * A user array (parameter lists) as a fresh dense array: own elements only, each read once, a
 * hole is an error (an inherited Array.prototype[i] never fills it), at most `max` entries.
 */
function ownArray(a, where, max) {
  if (a === null || typeof a !== 'object' || !guarded(where, 'whether it is an array', () => Array.isArray(a))) {
    fail('ERR_FFAST_DEFINITION', `${W(where)} must be an array, got ${describe(a)}`);
  }
  const n = guarded(where, 'its length', () => a.length);
  if (n > max) fail('ERR_FFAST_DEFINITION', `${W(where)}: ${n} entries, at most ${max} are supported`);
  const out = new Array(n);
  let i = 0;
  let has = true;
  try {
    for (; i < n; i++) {
      has = hasOwn(a, i);
      if (!has) break;
      out[i] = a[i];
    }
  } catch (e) {
    return fail('ERR_FFAST_DEFINITION', `${W(where)}: reading entry ${i} threw${thrownMessage(e)}`, e);
  }
  if (!has) fail('ERR_FFAST_DEFINITION', `${W(where)}: entry ${i} is missing (a hole in the array)`);
  return out;
}

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/** A boolean key of a definition: absent (undefined) gives `dflt`. */
function bool(v, dflt, where, key) {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('ERR_FFAST_DEFINITION', `${W(where)}: ${key} must be a boolean, got ${show(v)}`);
  return v;
}

// ------------------------------------------------------------------ buffers
// (docs/definitions-and-memory.md: V8's facts about empty and detached buffers, and the costs.)
// Which kind of buffer a value is, told by V8's own accessors, captured here: brand checks that
// run no user code (an own or overridden `byteLength`, a look-alike object made with
// Object.create(ArrayBuffer.prototype) or a Proxy around a buffer cannot pass for a buffer).
const hasSAB = typeof SharedArrayBuffer === 'function';
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const getterOf = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
const taTag = getterOf(TypedArrayProto, Symbol.toStringTag); // undefined for anything but a typed array
const taLength = getterOf(TypedArrayProto, 'byteLength'); // 0 when detached or out of bounds
const taOffset = getterOf(TypedArrayProto, 'byteOffset');
const taBuffer = getterOf(TypedArrayProto, 'buffer');
const taAt = TypedArrayProto.at; // throws when detached or out of bounds (ValidateTypedArray)
const dvLength = getterOf(DataView.prototype, 'byteLength'); // throws when detached or out of bounds
const dvOffset = getterOf(DataView.prototype, 'byteOffset');
const dvBuffer = getterOf(DataView.prototype, 'buffer');
const abLength = getterOf(ArrayBuffer.prototype, 'byteLength'); // throws for anything but an ArrayBuffer
const sabLength = hasSAB ? getterOf(SharedArrayBuffer.prototype, 'byteLength') : null;

const NOT_BUFFER = 'not a buffer';
const DETACHED = 'detached';
const OUT_OF_BOUNDS = 'out of bounds';

/** Whether an ArrayBuffer is detached (transferred): a view of it cannot be made. */
function isDetached(ab) {
  try {
    new Uint8Array(ab, 0, 0); // eslint-disable-line no-new
    return false;
  } catch {
    return true;
  }
}

/**
 * `{ buf, start, len }` of an ArrayBuffer, SharedArrayBuffer, typed array or DataView that can be
 * used, else why not: NOT_BUFFER, DETACHED, or OUT_OF_BOUNDS (a view of a resizable buffer that
 * shrank below it).
 */
function bufferParts(v) {
  if (v === null || typeof v !== 'object') return NOT_BUFFER;
  if (ArrayBuffer.isView(v)) {
    if (taTag.call(v) !== undefined) {
      const len = taLength.call(v);
      if (len === 0) {
        try {
          taAt.call(v, 0);
        } catch {
          return isDetached(taBuffer.call(v)) ? DETACHED : OUT_OF_BOUNDS;
        }
      }
      return { buf: taBuffer.call(v), start: taOffset.call(v), len };
    }
    let len;
    try {
      len = dvLength.call(v);
    } catch {
      return isDetached(dvBuffer.call(v)) ? DETACHED : OUT_OF_BOUNDS;
    }
    return { buf: dvBuffer.call(v), start: dvOffset.call(v), len };
  }
  let len;
  try {
    len = abLength.call(v);
  } catch {
    if (sabLength === null) return NOT_BUFFER;
    try {
      return { buf: v, start: 0, len: sabLength.call(v) };
    } catch {
      return NOT_BUFFER;
    }
  }
  if (len === 0 && isDetached(v)) return DETACHED;
  return { buf: v, start: 0, len };
}

/** Why a value cannot be used as a buffer, for a message. */
function bufferProblem(v, parts) {
  if (parts === DETACHED) return 'the buffer is detached (transferred); it has no memory any more';
  if (parts === OUT_OF_BOUNDS) return 'the view is out of bounds (its resizable buffer shrank below it)';
  const d = describe(v);
  // An object inheriting from a buffer class without being one (Object.create(…prototype)).
  const fake = v !== null && typeof v === 'object' && /(Array|ArrayBuffer|DataView|Buffer)$/.test(d) ? ' look-alike (not a real one)' : '';
  return `expected buffer (ArrayBuffer, SharedArrayBuffer, TypedArray, DataView or null), got ${d}${fake}`;
}

const S = require('./structs.js')({
  native, fail, describe, show, keyName, ownKeys, ownValue, readOwn, guarded, FfastError,
  bufferParts, bufferProblem, NOT_BUFFER, checkAddress: (p, w) => checkAddress(p, w), toArrayBuffer: (p, n) => toArrayBuffer(p, n),
  cstring: (p) => native.cstring(p),
  scalarPointee: (t) => scalarPointee(t),
  cTypeName: (t, what) => cTypeName(t, what),
  decodeWide: (p, unit) => decodeWide(p, undefined, unit, 'string member'),
});
const { struct, union, array, pointer, out, inout } = S;

// Called from generated wrappers (kept out of them so they stay small).
const closedErr = (name) => fail('ERR_FFAST_CLOSED', `'${name}' called after its library was closed`);
const countErr = (name, want, got, optional) =>
  fail(
    'ERR_FFAST_ARG_COUNT',
    `expected ${want} argument${want === 1 ? '' : 's'}${optional ? ` (+1 optional result buffer)` : ''}, got ${got} for '${name}'`,
  );
const bufErr = (name, i, v) => fail('ERR_FFAST_ARG_TYPE', `invalid argument ${i}: ${bufferProblem(v, bufferParts(v))} for '${name}'`);
// A `string` parameter takes a string, or null/undefined for NULL; anything else is rejected
// here, before the native call, with exactly the slow path's error (convert.rs: napi_typeof's
// name). V8's fast path must never see it: before V8 14 its one-byte-string check reads only
// the representation and encoding bits of the instance type, so some objects (a Date, the
// global proxy, iterators…) reached C as "strings" made of their own bytes; and on Node 20 an
// exception from the slow callback reached from an optimized fast-call site skips the
// caller's own try/catch (docs/strings.md).
const isExternal = require('node:util').types.isExternal;
const strErr = (name, i, v) =>
  fail(
    'ERR_FFAST_ARG_TYPE',
    `invalid argument ${i}: expected string (or null), got ${v === null ? 'null' : isExternal(v) ? 'external' : typeof v} for '${name}'`,
  );
/**
 * A `buffer` argument's check in the generated wrappers: null, undefined, or a buffer that is
 * attached and in bounds. A non-empty typed array — the common case — passes on its `length`
 * alone (inlined by TurboFan: ~0–1 ns); everything else is classified by V8's own accessors.
 * (Should an own `length` property lie about a detached array, C still never gets NULL for it:
 * the native side gives every empty buffer a non-NULL address, see convert.rs `non_null`.)
 */
const isBuf = (v) => v === null || v === undefined || (ArrayBuffer.isView(v) && v.length > 0) || typeof bufferParts(v) === 'object';

/**
 * The wrappers of a batch of native functions (one dlopen, or one bind).
 *
 * Each wrapper needs feedback of its own: a call site that several API functions pass through
 * loses the fast call (rust-fast-calls.md §6.4). Closures made from one function literal share
 * their feedback, so a wrapper literal shared by all symbols of a shape lost the fast call
 * whenever the wrapper was not inlined into its caller (a dispatcher calling many symbols from
 * one call site): measured, 100% slow calls on every Node line. Compiling a text with a literal
 * per symbol avoided that but cost ~2.5 µs per symbol, most of a declaration.
 *
 * What gives feedback of its own without compiling: V8 gives a top-level script function made
 * by each *run* of a compiled vm.Script a fresh closure-feedback array, so the closures created
 * inside one run get feedback cells no other run shares (checked: fastpath.test.js, dispatcher
 * case, every Node line). So each shape has one script, compiled once per process, holding
 * CHUNK literals; one run makes the wrappers of CHUNK symbols of that shape, ~0.4 µs each.
 *
 * Each literal calls its own `const` target (f0…): when TurboFan inlines a wrapper (whose
 * closure it knows), the target folds to a constant and the fast call needs no check. Through
 * an array element (`F[i](…)`) it needed a load and a compare: noop and i32_6 cost 1.4–1.6× the
 * hand-written addon instead of ~1×. Wrappers are methods with a computed key, which makes
 * their `name` the symbol's key (any string) without binding that name inside the body, and
 * makes them non-constructible.
 */
const CHUNK = 16;
const factories = new Map();
const vm = require('node:vm');

/** `chunk`: literals per script run (1 for a single wrapper made on its own: lazy binding). */
function wrapAll(list, state, chunk = CHUNK) {
  const out = new Array(list.length);
  const groups = new Map();
  const flush = (g) => {
    const args = [state, wrapErr, bufErr, isBuf, wideI64, wideU64, nativeCstring, nul, callbackArg, strErr, bigArg, bigOk, highU64];
    for (let k = 0; k < chunk; k++) args.push(g.fns[k]);
    for (let k = 0; k < chunk; k++) args.push(k < g.names.length ? g.names[k] : '');
    for (let k = 0; k < chunk; k++) args.push(k < g.twins.length && g.twins[k] !== undefined ? g.twins[k] : null);
    const made = g.script.runInThisContext().apply(null, args);
    for (let k = 0; k < g.at.length; k++) out[g.at[k]] = made[k];
    g.at = [];
    g.fns = [];
    g.names = [];
    g.twins = [];
  };
  for (let i = 0; i < list.length; i++) {
    const { params, result, name, fn, nonblocking = false, key, twin } = list[i];
    let g = groups.get(key);
    if (g === undefined) {
      g = { script: factoryFor(key, params, result, nonblocking, chunk), at: [], fns: [], names: [], twins: [] };
      groups.set(key, g);
    }
    g.at.push(i);
    g.fns.push(fn);
    g.names.push(name);
    g.twins.push(twin);
    if (g.at.length === chunk) flush(g);
  }
  for (const g of groups.values()) if (g.at.length) flush(g);
  return out;
}

/** The compiled script making `chunk` wrappers of one shape (see wrapAll). */
function factoryFor(key, params, result, nonblocking, chunk) {
  const id = chunk === CHUNK ? key : `${chunk}\u0000${key}`;
  let script = factories.get(id);
  if (script === undefined) {
    const R = (f) => Array.from({ length: chunk }, (_, k) => f(k));
    const src = `"use strict";(function(S,E,B,isBuf,wi,wu,cstr,nul,cb,T,big,bok,h64,${R((k) => `F${k}`).join(',')},${R((k) => `N${k}`).join(',')},${R((k) => `W${k}`).join(',')}){
const ${R((k) => `f${k}=F${k},n${k}=N${k},t${k}=W${k}`).join(',')};
${R((k) => twinHelperSource(params, k, nonblocking)).join('')}
return [${R((k) => `({[n${k}]${wrapperSource(params, result, k, nonblocking)}})[n${k}]`).join(',\n')}];})`;
    script = new vm.Script(src, { filename: 'ffast:wrappers' });
    factories.set(id, script);
  }
  return script;
}

/** Text of c<k>: wrapper k's twin call with its 64-bit Numbers made BigInts (see wrapperSource). */
function twinHelperSource(params, k, nonblocking) {
  const wide = nonblocking ? [] : params.flatMap((t, j) => (WIDE.has(t) ? [j] : []));
  if (!BIGINT_TWINS || wide.length < 2) return '';
  const args = params.map((_, j) => `a${j}`);
  return `const c${k}=function(${args.join(',')}){return t${k}(${twinArgs(args, wide.map((j) => `a${j}`), 'BigInt')})};
`;
}

/** A wrapper's closed or argument-count error (kept out of the wrappers so they stay small). */
const wrapErr = (st, name, want, got) => (st.closed ? closedErr(name) : countErr(name, want, got));

/** Method text (`(params){body}`) of wrapper `k` of a factory: calls `f<k>`, reports as `n<k>`. */
function wrapperSource(params, result, k, nonblocking = false) {
  const n = params.length;
  const args = params.map((_, j) => `a${j}`).join(',');
  // Pointer (and `function`) parameters also take a Callback object: typeof tests, which a
  // hot caller passing Numbers folds away. A function or a buffer gets an error that says what
  // to do (callbackArg); other objects go on to the native type error.
  // Strings: see strErr.
  // null/undefined for a pointer is 0 before the call: V8's fast path takes only Numbers for
  // a 64-bit parameter, and anything else deoptimized the caller on every call (F1 of
  // docs/pointers.md §6.4). BigInts: see wideDispatch.
  const wide = nonblocking ? [] : params.flatMap((t, j) => (WIDE.has(t) ? [j] : []));
  const convert = !BIGINT_TWINS && wide.length > 0;
  const checks = params
    .map((t, j) =>
      t === 'buffer'
        ? `if(!isBuf(a${j}))B(n${k},${j},a${j});`
        : t === 'pointer'
          ? `if(typeof a${j}==='object'&&a${j}!==null||typeof a${j}==='function')a${j}=cb(a${j},${j},n${k});else if(a${j}==null)a${j}=0;${convert ? `else if(typeof a${j}==='bigint')a${j}=big(a${j});` : ''}`
          : t === 'string'
            ? `if(typeof a${j}!=='string'&&a${j}!==null&&a${j}!==void 0)T(n${k},${j},a${j});`
            : UNSIGNED64.has(t)
              ? `if(typeof a${j}!=='number'||a${j}>=9223372036854775808)a${j}=h64(a${j});`
              : convert && WIDE.has(t)
                ? `if(typeof a${j}==='bigint')a${j}=big(a${j});`
                : '',
    )
    .join('');
  const wv = wide.map((j) => `a${j}`);
  // Several 64-bit parameters: the twin is called through c<k> (twinHelperSource), which makes
  // the Numbers among them BigInts; inline, that text made a wrapper of 9–12 such parameters too
  // large for TurboFan to inline (the fast call was lost).
  const call =
    BIGINT_TWINS && wide.length > 0
      ? `(t${k}!==null&&${bigintTest(wv, 'bok')}?${wide.length > 1 ? `c${k}(${args})` : `t${k}(${args})`}:f${k}(${args}))`
      : `f${k}(${args})`;
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
  return `(${n > 0 ? `${args},` : ''}$x=void 0){if(${bad})E(S,n${k},${n},arguments.length);${checks}${body}}`;
}

// ------------------------------------------------------------------ BigInt arguments
// (docs/pointers.md §10.) V8 takes only Numbers on the fast path of a 64-bit parameter; a BigInt
// deoptimized the caller and took the slow path, 7–30× a Number call. Where V8 can take
// BigInts there (V8 12+: Node 22, 24, 26), every function with a 64-bit or pointer parameter
// has a BigInt twin (binding.rs): the same trampoline, registered with V8's BigInt
// representation. The wrapper calls the twin when every 64-bit argument is a BigInt in ffast's
// range [-2^63, 2^64) — V8 would silently truncate any other BigInt mod 2^64, so those go to
// the Number function, whose slow path throws ERR_FFAST_ARG_RANGE as before. A Number for a
// twin's BigInt parameter would deoptimize the caller, so mixed calls also go to the Number
// function (its slow path is exact). Without twins (Node 20), a BigInt that is exact as a
// Number after the two's-complement mapping (|v| <= 2^53: every user-space address) becomes
// that Number, which the fast path takes (a negative Number reaches a uint64 parameter as its
// two's complement, docs/v8-fast-api.md §5.1); any other BigInt stays one (slow path, exact).

/** The parameter types V8 passes as int64/uint64 (fast_api.rs param_ctype). */
const WIDE = new Set(['pointer', 'i64', 'u64', 'isize', 'usize']);
// Not on arm64 for now: there, calling a twin made V8 12/13 (Node 22, 24; under qemu) abort in
// its deoptimizer ("Check failed: fixed_size_above_fp + ... == result"), found by the ABI fuzzer
// with signatures of ~25 parameters; without twins the same 500 signatures pass. arm64 converts
// BigInts in JS as Node 20 does (docs/pointers.md §10) until that is understood.
const BIGINT_TWINS = info.bigintTwins === true && process.arch !== 'arm64';
/**
 * u64/usize parameters: V8's fast path takes a Number only in the int64 range, so a Number in
 * [2^63, 2^64) (valid for an unsigned parameter, README "Types") deoptimized the caller. The
 * wrapper gives V8 its two's complement instead (exact: such doubles are multiples of 2^11),
 * which reaches C as the same 64 bits (docs/v8-fast-api.md §5.1).
 */
const UNSIGNED64 = new Set(['u64', 'usize']);
/**
 * A u64/usize argument that is not a Number below 2^63: a Number in [2^63, 2^64) as its two's
 * complement; without twins, a BigInt through bigArg; anything else unchanged (one call, so a
 * wrapper of many such parameters stays small enough to inline).
 */
function highU64(a) {
  if (typeof a === 'number') return a < 18446744073709551616 ? a - 18446744073709551616 : a;
  if (typeof a === 'bigint' && !BIGINT_TWINS) return bigArg(a);
  return a;
}

/**
 * Generated text: whether every one of `vars` is a BigInt in [-2^63, 2^64). With several, the
 * test beyond the first `typeof` is a call (bigOk, named `ok` in the text), so a wrapper of many
 * 64-bit parameters stays small enough for TurboFan to inline (ten inline tests made a wrapper
 * of ten i64 parameters lose the fast call on Node 26).
 */
const bigintTest = (vars, ok) =>
  vars.length === 1
    ? `typeof ${vars[0]}==='bigint'&&(BigInt.asUintN(64,${vars[0]})===${vars[0]}||BigInt.asIntN(64,${vars[0]})===${vars[0]})`
    : `(${vars
        .slice(0, 3)
        .map((v) => `typeof ${v}==='bigint'`)
        .join('||')})&&${ok}(${vars.join(',')})`;
/**
 * Generated text: the twin's arguments. With several 64-bit parameters, a BigInt in one of them
 * (a BigInt handle next to a length, a typed pointer's temporary next to a BigInt value) calls
 * the twin with the Numbers among them made BigInts (bigOk checked them: integers in range),
 * since a Number for a twin's parameter would deoptimize the caller.
 */
const twinArgs = (args, wideVars, nb) => args.map((a) => (wideVars.length > 1 && wideVars.includes(a) ? `(typeof ${a}==='bigint'?${a}:${nb}(${a}))` : a)).join(',');
/**
 * Whether the twin can take these 64-bit arguments (see bigintTest): BigInts in [-2^63, 2^64)
 * and integer Numbers in that range, at least one of them a BigInt (the caller checked the
 * first three; any other mix goes to the Number function, whose slow path is exact).
 */
function bigOk(...xs) {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x === 'bigint') {
      if (BigInt.asUintN(64, x) !== x && BigInt.asIntN(64, x) !== x) return false;
    } else if (!(typeof x === 'number' && Number.isInteger(x) && x >= -TWO63 && x < TWO64)) return false;
  }
  return true;
}

const big64 = new BigInt64Array(1);
const big32 = new Int32Array(big64.buffer);
/** Without twins: a BigInt argument as the Number the fast path takes, when exact (see above). */
function bigArg(x) {
  if (BigInt.asUintN(64, x) !== x && BigInt.asIntN(64, x) !== x) return x; // the slow path's range error
  big64[0] = x; // two's complement, little-endian on every supported target
  const hi = big32[1];
  return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + (big32[0] >>> 0) : x;
}

/**
 * The struct wrappers and their helpers (see wrap) are made by running a compiled factory text:
 * one vm.Script per distinct text, compiled once per process, run once per function made.
 * Each run gives the closures it creates feedback of their own, as for wrapAll, so the text
 * need not differ per wrapper. (Compiling a text unique per wrapper with `new Function` also
 * separated feedback, but each compilation stays in V8's eval cache: on Node 26 until memory
 * pressure clears it, ~1.3 KB per function, so every dlopen+close of a library with struct
 * functions grew the heap.) `instantiate(params, body, args)` is `new Function(...params,
 * body)(...args)` made that way.
 */
const factoryScripts = new Map();
function instantiate(params, body, args) {
  const src = `(function (${params.join(', ')}) {${body}\n})`;
  let script = factoryScripts.get(src);
  if (script === undefined) {
    script = new vm.Script(src, { filename: 'ffast:wrappers' });
    factoryScripts.set(src, script);
  }
  return script.runInThisContext().apply(null, args);
}

/**
 * Generate the wrapper for one native function. Each wrapper is made by its own run of its
 * factory text (instantiate), hence has its own feedback: wrappers made from one closure share
 * call-site feedback and lose the fast path (rust-fast-calls.md §6.4).
 *
 * `m` is what native.makeFunctions made: `{ fn, area, argOffsets, retOffset }`; `d` the checked
 * definition, whose `specs[i]` says how parameter i travels: a scalar (null), a struct/union
 * by value ({ by: 'value', T }) or a pointer(T) ({ by: 'pointer', T, direction }).
 *
 * By value (the area contract, structs-design.md): the wrapper writes each aggregate argument
 * into the binding's native area at argOffsets[i] and calls the V8 function with only the
 * scalar arguments; an aggregate result is read from the area at retOffset after the call.
 */
function wrap(m, name, d, state, twin = null) {
  // makeFunctions gives the bare function when the signature has no by-value aggregate.
  if (typeof m === 'function') m = { fn: m, area: null, argOffsets: null, retOffset: -1 };
  // The native arguments V8 passes as int64/uint64 (BigInt dispatch, see BIGINT_TWINS).
  const wideArgs = [];
  // Typed pointers (typedParam): reads before `pre`, decodes then stores after the call.
  const reads = [];
  // Typed pointer encodes run after every other argument's conversion: a struct argument's
  // getters (user code) may call this function again, which reuses the temporaries.
  const encs = [];
  const decs = [];
  const stores = [];
  const typedBack = [];
  const fn = m.fn;
  const params = d.parameters;
  const result = d.result;
  const specs = d.specs;
  const n = params.length;
  const formalsList = params.map((_, i) => `a${i}`);
  const callArgs = [];
  const pre = [];
  const post = [];
  // Extra values the generated function closes over (named $k0, $k1, …).
  const extra = [];
  // Typed function parameters: [index, pool expression].
  const typed = [];
  const k = (v) => {
    extra.push(v);
    return `$k${extra.length - 1}`;
  };
  let adv = null;
  let au8 = null;
  if (m.area) {
    adv = k(new DataView(m.area));
    au8 = k(new Uint8Array(m.area));
  }
  params.forEach((t, i) => {
    const a = `a${i}`;
    const spec = specs[i];
    if (spec === null) {
      if (t === 'buffer') pre.push(`if (!$isBuf(${a})) $bufErr($name, ${i}, ${a});`);
      else if (t === 'string') pre.push(`if (typeof ${a} !== 'string' && ${a} !== null && ${a} !== undefined) $strErr($name, ${i}, ${a});`);
      // Pointer (and `function`) parameters also take a Callback object, and null/undefined
      // is 0 (see wrapperSource).
      else if (t === 'pointer') pre.push(`if ((typeof ${a} === 'object' && ${a} !== null) || typeof ${a} === 'function') ${a} = $cbArg(${a}, ${i}, $name); else if (${a} == null) ${a} = 0;`);
      if (UNSIGNED64.has(t)) pre.push(`if (typeof ${a} !== 'number' || ${a} >= 9223372036854775808) ${a} = ${k(highU64)}(${a});`);
      if (WIDE.has(t)) wideArgs.push(a);
      callArgs.push(a);
      return;
    }
    if (spec.by === 'fn') {
      // A typed function parameter (docs/callbacks.md §7.2): a JS function takes a pool entry
      // for this call, released (and what it threw rethrown) when the call returns.
      const P = k(spec.pool);
      typed.push([i, P]);
      pre.push(
        `if (typeof ${a} === 'function') { e${i} = $acq(${P}); e${i}.fn = ${a}; ${a} = e${i}.pointer; }
      else if (${a} !== null && ${a} !== undefined) ${a} = $typedArg(${a}, ${P}, ${i}, $name);`,
      );
      wideArgs.push(a);
      callArgs.push(a);
      return;
    }
    if (spec.by === 'wide') {
      pre.push(`let p${i} = ${k(wideParam(spec.unit, `argument ${i} of '${name}'`, d.nonblocking || d.callbacks))}(${a}, ${d.nonblocking ? 'keep' : 'null'});`);
      callArgs.push(`p${i}`);
      return;
    }
    if (spec.by === 'typed') {
      // Typed pointer (typedParam): the arrays of all parameters are read before any is
      // encoded (their getters may call this function again, which reuses the temporaries),
      // decoded after the call before any is stored into (setters may call it again too).
      const P = typedParam(spec.to, spec.direction, `argument ${i} of '${name}'`, d.nonblocking || d.callbacks);
      const r = `r${i}`;
      reads.push(`const ${r} = typeof ${a} === 'object' && ${a} !== null ? ${k(P.read)}(${a}) : undefined;`);
      encs.push(`let p${i} = ${k(P.enc)}(${a}, ${r});`);
      if (spec.direction !== 'in') {
        decs.push(`const v${i} = ${r} !== undefined ? ${k(P.dec)}(${r}) : undefined;`);
        stores.push(`if (${r} !== undefined) ${k(P.store)}(${r}, v${i});`);
        typedBack.push({ r, dec: k(P.dec), store: k(P.store), i });
      }
      wideArgs.push(`p${i}`);
      callArgs.push(`p${i}`);
      return;
    }
    const code = S.codeOf(spec.T);
    const size = spec.T.size;
    if (spec.by === 'value') {
      const where = k(`argument ${i} of '${name}'`);
      if (!m.area || !(m.argOffsets[i] >= 0)) {
        fail('ERR_FFAST_INTERNAL', `'${name}': the native binding gave no area slot for by-value argument ${i}`);
      }
      const off = m.argOffsets[i];
      pre.push(
        `if (typeof ${a} === 'object' && ${a} !== null && !$isMem(${a})) ${k(code.enc)}(${adv}, ${off}, ${a}, ${where}, $sink);
      else $copyIn(${au8}, ${off}, ${size}, ${a}, ${where});`,
      );
      return;
    }
    // pointer(T): the callee gets the address of this wrapper's temporary block (one per
    // wrapper, reused: like the area, a re-entrant call of the same function from a callback
    // would share it). A plain object is encoded into it (out: zeroed instead) and, for
    // out/inout, decoded back into the same object after the call; a buffer or view is copied
    // in and back. Numbers and BigInts are addresses, passed as they are; null is NULL.
    const tmp = new ArrayBuffer(size);
    const tmpDv = new DataView(tmp);
    const tmpU8 = new Uint8Array(tmp);
    const tmpAddr = ptr(tmp);
    const p = `p${i}`;
    // The address comes out of one per-wrapper function (not a branch-local assignment in the
    // wrapper): TurboFan then sees one Number input for the fast call's uint64 parameter.
    const toAddr = instantiate(
      ['$tdv', '$tu8', '$taddr', '$enc', '$isMem', '$copyIn', '$ptrArg', '$where', '$sink'],
      `"use strict"; return function ptrArg_${i}(a) { // ffast pointer(T) argument
        if (typeof a === 'object' && a !== null) {
          if (!$isMem(a)) ${spec.direction === 'out' ? '$tu8.fill(0)' : '$enc($tdv, 0, a, $where, $sink)'};
          else $copyIn($tu8, 0, ${size}, a, $where);
          return $taddr;
        }
        return $ptrArg(a, $where);
      };`,
      [tmpDv, tmpU8, tmpAddr, code.enc, isMem, copyIn, ptrArg, `argument ${i} of '${name}'`, stringSink],
    );
    pre.push(`let ${p} = ${k(toAddr)}(${a});`);
    wideArgs.push(p);
    if (spec.direction !== 'in') {
      const where = k(`argument ${i} of '${name}'`);
      post.push(
        `if (${p} === ${k(tmpAddr)}) { if (!$isMem(${a})) ${k(code.decInto)}(${k(tmpDv)}, 0, ${a}, ${where}); else $copyBack(${k(tmpU8)}, ${size}, ${a}, ${where}); }`,
      );
    }
    callArgs.push(p);
  });
  pre.push(...encs);
  let call = `$f(${callArgs.join(', ')})`;
  if (wideArgs.length > 0 && !d.nonblocking) {
    if (BIGINT_TWINS) {
      const tw = k(twin);
      call = `(${tw} !== null && ${bigintTest(wideArgs, k(bigOk))} ? ${tw}(${twinArgs(callArgs, wideArgs, 'BigInt')}) : ${call})`;
    }
    else for (const v of wideArgs) pre.push(`if (typeof ${v} === 'bigint') ${v} = ${k(bigArg)}(${v});`);
  }
  const aggResult = d.resultSpec !== null;
  pre.unshift(...reads);
  post.unshift(...decs);
  post.push(...stores);
  const tail = post.length ? `
      ${post.join('\n      ')}` : '';
  let body;
  const decode = d.decode ? k(resultDecoder(d.decode, name, d.freeFn)) : null;
  if (d.nonblocking) {
    // Typed pointers and wide strings only (checkFull refuses structs here): per-call
    // temporaries, kept with the arguments (memory given by address) until the Promise
    // settles, then written back (and a string result decoded and freed) on the JS thread
    // before the caller's Promise resolves.
    // Typed function parameters too: their pool entries are released when the Promise
    // settles ($after).
    pre.unshift(`const keep = [${params.map((_, i) => `a${i}`).join(', ')}];`);
    // The typed pointers' temporary blocks (their C copies: char** entries, array elements)
    // too: nothing else holds an in array's block once the wrapper returns, and a collection
    // while C runs would free the memory C is reading.
    const blocks = specs.flatMap((x, i) => (x !== null && x.by === 'typed' ? [`r${i}`] : []));
    if (blocks.length > 0) pre.push(`keep.push(${blocks.join(', ')});`);
    const settled = `${call}.then((c) => { keep.length = 0; ${post.join(' ')} return ${decode === null ? 'c' : `${decode}(c)`}; })`;
    if (typed.length > 0) {
      const es = typed.map(([i]) => `e${i}`);
      body = `const p = ${settled};
      const q = $after(p, [${es.join(', ')}], [${typed.map(([, P]) => P).join(', ')}]);
      ${es.map((e) => `${e} = null;`).join(' ')}
      return q;`;
    } else body = `return ${settled};`;
  } else if (decode !== null) {
    body = `const c = ${call};
      const r = ${decode}(${resultValue('pointer', 'c')});${tail}
      return r;`;
  } else if (aggResult) {
    if (!m.area || !(m.retOffset >= 0)) fail('ERR_FFAST_INTERNAL', `'${name}': the native binding gave no area slot for its result`);
    const code = S.codeOf(d.resultSpec.T);
    const size = d.resultSpec.T.size;
    // The caller's result buffer or object: handled by a separate per-wrapper function, so the
    // wrapper stays small enough for TurboFan to inline (and so to keep the fast call). Its
    // byte view is cached (one entry), so a hot loop passing the same buffer allocates nothing.
    // Small results are copied with unrolled float64 (whole eightbytes, 8-aligned buffer) or
    // 32-bit loads/stores, which keep every bit; larger ones with one TypedArray.set.
    let copy;
    if (size % 4 === 0 && size <= 64) {
      const parts = [];
      const w = [];
      for (let o = 0; o < size; o += 4) {
        parts.push(`oc.d.setUint32(${o}, $adv.getUint32(${m.retOffset + o}, true), true);`);
        w.push(`oc.w[${o / 4}] = $ai32[${(m.retOffset + o) / 4}];`);
      }
      // A result of whole eightbytes going to an 8-aligned buffer moves as Float64Array
      // elements: half the moves, and 2x faster than the 32-bit ones (which cost more than
      // allocating the object). Plain float64 loads and stores keep every bit, NaN payloads
      // included (tested with signalling, payload and V8's hole NaN patterns, cold and hot).
      const f8 = [];
      for (let o = 0; o < size; o += 8) f8.push(`f[${o / 8}] = $af64[${(m.retOffset + o) / 8}];`);
      const by4 = `if (oc.w !== null) { ${w.join(' ')} } else { ${parts.join(' ')} }`;
      copy = size % 8 === 0 ? `const f = oc.f; if (f !== null) { ${f8.join(' ')} } else ${by4}` : by4;
    } else {
      copy = `oc.u.set($ret);`;
    }
    const toOut = instantiate(
      ['$adv', '$ai32', '$ret', '$decInto', '$outPrep', '$name', '$af64', '$where'],
      `"use strict"; const oc = { o: undefined, u: null, d: null, w: null, f: null };
      return function resultInto(out) { // ffast result buffer
        if (out !== oc.o || (oc.u !== null && oc.u.length === 0)) $outPrep(oc, out, ${size}, $name);
        if (oc.u !== null) {
          ${copy}
        } else $decInto($adv, ${m.retOffset}, out, $where);
        return out;
      };`,
      [
        new DataView(m.area), new Int32Array(m.area), new Uint8Array(m.area).subarray(m.retOffset, m.retOffset + size),
        code.decInto, outPrep, name, new Float64Array(m.area), `result object of '${name}'`,
      ],
    );
    // The result is read before the copy-back (`tail`): copying back into the caller's objects
    // may run their setters, and JS run there may call this function again (same area).
    body = post.length
      ? `${call};
      const r = $out === undefined ? ${k(code.dec)}(${adv}, ${m.retOffset}) : ${k(toOut)}($out);${tail}
      return r;`
      : `${call};
      if ($out === undefined) return ${k(code.dec)}(${adv}, ${m.retOffset});
      return ${k(toOut)}($out);`;
  } else if (post.length) {
    // The JS value of the result is made before the copy-back (`tail`): copying back into the
    // caller's objects may run their setters, and JS run there may make other calls, which
    // reuse the thread's wide slot and kept string result (convert.rs keep_result) and this
    // function's pointer(T) temporaries.
    body = `const c = ${call};\n      const r = ${resultValue(result, 'c')};${tail}\n      return r;`;
  } else {
    body = resultTail(result, call);
  }
  let main = `${pre.join('\n      ')}
      ${body}`;
  if (specs.some((sp) => sp !== null && sp.T !== undefined && S.hasStrings(sp.T))) {
    // String members (docs/struct-strings.md §2): their copies are made in the thread's arena
    // while the arguments are encoded, and live until the call's result is made and copied
    // back; then the arena goes back to where this call found it. No try/finally: on Node 22 a
    // V8 call inside `try {}` is never a fast call (docs/v8-fast-api.md §6.3). A call that
    // throws leaves its mark (depth > 0); the next call finding one with no other wrapper on
    // the stack (not nested) takes the arena back (arenaStale).
    main = `if ($arena.depth !== 0) $arenaStale();
      const m0 = $arena.pos, m1 = $arena.big.length;
      $arena.depth++;
      ${main.replace(/return ([^;]*);/g, '{ const $r = $1; $arenaDone(m0, m1); return $r; }')}`;
  }
  if (typed.length) {
    // The entries are released however the call ends (an argument error, C's return); then
    // the first error a per-call function gave is the call's (thrown from the finally, it
    // replaces the result).
    main = `let ${typed.map(([i]) => `e${i} = null`).join(', ')};
      try {
      ${main}
      } finally {
        let x = $none;
        ${typed.map(([i, P]) => `if (e${i} !== null) { const y = $rel(${P}, e${i}); if (x === $none) x = y; }`).join('\n        ')}
        if (x !== $none) throw x;
      }`;
  }
  // Argument count without `arguments` on the hot path: materializing `arguments` (or a rest
  // array) costs ~2 ns per call on Node 24/26 — as much as the whole fast call. One extra formal
  // catches surplus arguments; `arguments.length` is read only when the last formal is
  // undefined, which a well-formed call passes only for NULL pointers/strings/buffers.
  // (A surplus argument that is explicitly `undefined` is therefore not reported.) An aggregate
  // result adds one optional formal, `$out` (a buffer or object that receives the result).
  const last = n > 0 ? `a${n - 1}` : null;
  const countCheck = last
    ? `if ($x !== undefined || (${last} === undefined && arguments.length < ${n})) $countErr($name, ${n}, arguments.length, ${aggResult});`
    : `if ($x !== undefined) $countErr($name, 0, arguments.length, ${aggResult});`;
  const formals = [...formalsList, ...(aggResult ? ['$out'] : []), '$x'].join(', ');
  // The function is named through a computed key: a named function expression would bind
  // the symbol's name inside the wrapper and could shadow what it closes over.
  const src = `"use strict"; return { [$name]: function (${formals}) { // ffast wrapper
      if ($st.closed) $closedErr($name);
      ${countCheck}
      ${main}
    } }[$name];
//# sourceURL=ffast:wrap`; // names the wrapper's frames for insideCall()
  const extraNames = extra.map((_, i) => `$k${i}`);
  const w = instantiate(
    [
      '$f', '$st', '$name', '$closedErr', '$countErr', '$bufErr', '$isBuf', '$wi', '$wu', '$cstr', '$nul',
      '$isMem', '$copyIn', '$copyBack', '$outPrep', '$ptrArg', '$cbArg', '$strErr',
      '$acq', '$rel', '$typedArg', '$after', '$none', '$sink', '$arena', '$arenaStale', '$arenaDone', ...extraNames,
    ],
    src,
    [
      fn, state, name, closedErr, countErr, bufErr, isBuf, wideI64, wideU64, nativeCstring, nul,
      isMem, copyIn, copyBack, outPrep, ptrArg, callbackArg, strErr,
      acquire, release, typedFnArg, afterPerCall, NONE, stringSink, arena, arenaStale, arenaDone, ...extra,
    ],
  );
  Object.defineProperty(w, 'length', { value: n });
  return w;
}


/** Statements returning the JS value of the scalar result of the call expression `call`. */
function resultTail(result, call) {
  const v = resultValue(result, 'r');
  return v === 'r' ? `return ${call};` : `const r = ${call};\n      return ${v};`;
}

/** An expression of the JS value of the scalar result in variable `v`. */
function resultValue(result, v) {
  switch (result) {
    case 'i64':
    case 'isize':
      return `${v} === ${v} ? ${v} : $wi[0]`;
    case 'u64':
    case 'usize':
      return `${v} === ${v} ? ${v} : $wu[0]`;
    // NULL comes back through a call ($nul) rather than a `null` literal: TurboFan prunes a
    // call site that never ran (no feedback), so a hot caller keeps the result an unboxed
    // float64 instead of boxing a HeapNumber to merge it with null.
    case 'pointer':
      return `${v} === ${v} ? (${v} !== 0 ? ${v} : $nul()) : $wu[0]`;
    case 'string':
      return `${v} !== 0 ? $cstr(${v} === ${v} ? ${v} : Number($wu[0])) : $nul()`;
    default:
      return v;
  }
}

// ------------------------------------------------------------------ string members: the call's arena
// (docs/struct-strings.md §2.) The UTF-8 copies of a call's string members: written into one
// per-thread (per-module-instance) 64 KiB block at `pos`, or, when a string does not fit in
// what is left, into a block of its own kept in `big`. A wrapper takes a mark (pos, big.length)
// before encoding and restores it when the call is done, so nested calls stack above it.
const ARENA_SIZE = 64 * 1024;
/** Strings up to this many UTF-16 units are tried as ASCII first (see stringSink). */
const SHORT = 64;
const arena = { u8: null, base: 0, pos: 0, big: [], depth: 0 };

/** A call with string members is done: the arena back to its mark `(pos, n)`. */
function arenaDone(pos, n) {
  arena.pos = pos;
  if (arena.big.length !== n) arena.big.length = n;
  arena.depth--;
}

/**
 * A call with string members starts while the arena holds marks: either it is nested (JS run
 * by another ffast call: a callback, a getter, a setter), whose strings must stay, or a call
 * threw before it was done. The JS stack tells (insideCall: the current wrapper's own frame is
 * one): when no other ffast call is on it, the arena is free again. Rare, so the stack walk is
 * affordable.
 */
function arenaStale() {
  if (wrapperFrames() > 1) return;
  arena.pos = 0;
  arena.big.length = 0;
  arena.depth = 0;
}

/**
 * The address of a NUL-terminated UTF-8 copy of `s` (with `unit`, 2 or 4: its UTF-16/UTF-32 copy
 * with a 0 unit, docs/pointers.md §7), valid until the current call's mark is restored.
 */
function stringSink(s, w, p, unit) {
  if (unit !== undefined) return wideSink(s, unit);
  if (arena.u8 === null) {
    // Off the pool (its own ArrayBuffer, never detached: the address stays valid).
    arena.u8 = Buffer.allocUnsafeSlow(ARENA_SIZE);
    arena.base = native.bufferAddress(arena.u8);
  }
  const room = ARENA_SIZE - arena.pos;
  // A UTF-16 unit needs at most 3 bytes of UTF-8 (a pair 4 for 2 units): the cheap bound first.
  if (3 * s.length + 1 <= room || Buffer.byteLength(s, 'utf8') + 1 <= room) {
    const at = arena.pos;
    const u8 = arena.u8;
    if (s.length <= SHORT) {
      // Short ASCII text byte by byte: Buffer.prototype.write is a native call costing more
      // than the whole fast call (67 vs 25 ns for a 5-byte name, Node 26); anything else
      // (a unit >= 0x80) is written by it below, from the start.
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        u8[at + i] = c;
      }
      if (i === s.length) {
        u8[at + i] = 0;
        arena.pos = at + i + 1;
        return arena.base + at;
      }
    }
    const n = u8.write(s, at, 'utf8');
    u8[at + n] = 0;
    arena.pos = at + n + 1;
    return arena.base + at;
  }
  const n = Buffer.byteLength(s, 'utf8');
  const b = Buffer.allocUnsafeSlow(n + 1);
  b.write(s, 0, 'utf8');
  b[n] = 0;
  arena.big.push(b);
  return native.bufferAddress(b);
}

/** stringSink for a wide string member: the copy aligned to 4 bytes in the arena, or a block of its own. */
function wideSink(s, unit) {
  if (arena.u8 === null) {
    arena.u8 = Buffer.allocUnsafeSlow(ARENA_SIZE);
    arena.base = native.bufferAddress(arena.u8);
  }
  const units = wideUnits(s, unit);
  const bytes = units.byteLength;
  const src = new Uint8Array(units.buffer, units.byteOffset, bytes);
  // (arena.base is the start of its own allocation: malloc's alignment, at least 8)
  const at = (arena.pos + 3) & ~3;
  if (at + bytes <= ARENA_SIZE) {
    arena.u8.set(src, at);
    arena.pos = at + bytes;
    return arena.base + at;
  }
  const b = Buffer.allocUnsafeSlow(bytes);
  b.set(src);
  arena.big.push(b);
  return native.bufferAddress(b);
}

// ------------------------------------------------------------------ memory or object?
// An aggregate (a struct or union by value, pointer(T), out/inout, a result target) is given
// either as memory — a typed array, DataView, ArrayBuffer, SharedArrayBuffer, or a view made by
// T.view — whose bytes are used, or as an object whose members are encoded (and stored back).
// Which one a value is, is decided everywhere by brand checks, as for `buffer` parameters
// (bufferParts): ArrayBuffer.isView, util.types.isAnyArrayBuffer and the view brand
// (structs.js ViewBrand) look at what the value is, never at a property, prototype or
// toStringTag it shows. A look-alike (Object.create(ArrayBuffer.prototype), an object with a
// view's prototype) or a Proxy around a buffer or view is therefore an object, and is encoded
// and stored into as one.

const { isAnyArrayBuffer } = require('node:util').types;
const { kDv } = S;

/**
 * Whether an object given for an aggregate is memory (see above); the decision is the brand
 * checks'. For an ordinary object, which is what the hot path sees, a view's symbol and
 * `instanceof` first answer cheaply whether a brand check could pass at all (TurboFan folds
 * both to a map check), so a plain object costs no brand check: util.types.isAnyArrayBuffer on
 * every struct argument cost 16–32 ns, several times the call itself, and a miss of
 * `#view in v` 9–28 ns (docs/definitions-and-memory.md). What these filters cannot change is the
 * answer: they only decide whether a brand check runs, and the brand check has the last word.
 * (For a Proxy they ask its get and getPrototypeOf traps; whatever the traps answer, a Proxy
 * fails the brand checks. A buffer whose prototype was replaced by a foreign one is taken as
 * an object.)
 */
function isMem(v) {
  if (ArrayBuffer.isView(v)) return true;
  if (v[kDv] !== undefined) return S.isView(v);
  return (v instanceof ArrayBuffer || (hasSAB && v instanceof SharedArrayBuffer)) && isAnyArrayBuffer(v);
}

/** The first `size` bytes of memory given for an aggregate (see isMem), as a Uint8Array. */
function bytesOf(v, size, where) {
  const parts = S.memoryParts(v);
  if (typeof parts !== 'object') {
    const why = parts === NOT_BUFFER ? `expected an object or a buffer of at least ${size} bytes, got ${describe(v)}` : bufferProblem(v, parts);
    return fail('ERR_FFAST_ARG_TYPE', `${where}: ${why}`);
  }
  if (parts.len < size) fail('ERR_FFAST_ARG_RANGE', `${where}: ${parts.len} bytes given, the type needs ${size}`);
  return new Uint8Array(parts.buf, parts.start, size);
}

/** An aggregate given as bytes (a buffer or a view of at least `size` bytes: the first `size`). */
function copyIn(u8, off, size, v, where) {
  u8.set(bytesOf(v, size, where), off);
}
/** C's bytes back into the memory given (it may have been detached or shrunk meanwhile). */
function copyBack(u8, size, v, where) {
  bytesOf(v, size, where).set(u8.subarray(0, size));
}

/**
 * Prepare the result cache `oc` for `out`: the Uint8Array over its first `size` bytes (a
 * buffer, typed array, DataView or type view), or null for a plain object (decoded into).
 */
function outPrep(oc, out, size, name) {
  if (out !== null && typeof out === 'object' && !isMem(out)) {
    oc.u = null;
  } else {
    oc.u = bytesOf(out, size, `result buffer of '${name}'`);
    oc.d = new DataView(oc.u.buffer, oc.u.byteOffset, size);
    // Aligned buffers (the common case) copy through an Int32Array: plain element moves.
    oc.w = oc.u.byteOffset % 4 === 0 && size % 4 === 0 ? new Int32Array(oc.u.buffer, oc.u.byteOffset, size / 4) : null;
    oc.f = oc.u.byteOffset % 8 === 0 && size % 8 === 0 ? new Float64Array(oc.u.buffer, oc.u.byteOffset, size / 8) : null;
  }
  oc.o = out;
}

/** A pointer(T) argument that is not an object: an address, or NULL. */
function ptrArg(v, where) {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  return fail('ERR_FFAST_ARG_TYPE', `${where}: expected an object, a buffer, a pointer or null, got ${describe(v)}`);
}

const nul = () => null;


// ------------------------------------------------------------------ typed pointers
// (docs/pointers.md §2–§5.) pointer('i32'), out(pointer('pointer')), 'int*', 'sqlite3**': a JS
// array is a temporary C array of its elements plus one zeroed element (written back for
// out/inout), memory (a buffer, view or type view) is its address, a Number/BigInt an address,
// null/undefined NULL, a Callback its pointer.

/** Scalars a typed pointer can point to, by canonical name. */
const POINTEES = new Set(['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64', 'pointer', 'string']);
const canonicalNames = new Map();
/** The canonical name of a scalar type text (the native parser's), or undefined. */
function canonicalScalar(t) {
  if (typeof t !== 'string' || t.length > 128 || t.includes('\0') || t.includes('*')) return undefined;
  let c = canonicalNames.get(t);
  if (c === undefined) {
    try {
      c = native.signature('type', [t], 'void').parameters[0];
    } catch {
      c = null;
    }
    canonicalNames.set(t, c);
  }
  return c === null ? undefined : c;
}
/** What pointer(t) points to for a type name t: its canonical scalar name, or undefined. */
function scalarPointee(t) {
  const c = canonicalScalar(t);
  return c !== undefined && POINTEES.has(c) ? c : undefined;
}

const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict']);
/** ffast's names of the wide string types: their unit size (wchar_t: 4 on Linux and macOS). */
const WIDE_NAMES = { u16string: 2, u32string: 4, wstring: process.platform === 'win32' ? 2 : 4 };
const spellings = new Map();
/**
 * A C pointer spelling (docs/pointers.md §3): null when the text has no `*` (a scalar name, for
 * the native parser), else { kind: 'string' } (char*), { kind: 'untyped' } (void*, FILE*),
 * { kind: 'typed', to, direction } (int*, const double*, void**, char**) or { kind: 'bad', why }.
 */
function cSpelling(text) {
  if (!text.includes('*')) return null;
  let r = spellings.get(text);
  if (r === undefined) {
    r = parseSpelling(text);
    spellings.set(text, r);
  }
  return r;
}
function parseSpelling(text) {
  const toks = text.match(/\*|[A-Za-z_][A-Za-z0-9_]*|\S/g) || [];
  const first = toks.indexOf('*');
  const head = toks.slice(0, first);
  const tail = toks.slice(first);
  const bad = (why) => ({ kind: 'bad', why });
  if (tail.some((x) => x !== '*' && !QUALIFIERS.has(x))) return bad('only qualifiers may follow a *');
  const words = head.filter((w) => !QUALIFIERS.has(w));
  if (words.length === 0 || words.some((w) => !/^[A-Za-z_]\w*$/.test(w))) return bad('expected a type name before the *');
  const stars = tail.filter((x) => x === '*').length;
  // The qualifiers written immediately before the last star qualify the pointee.
  const last = tail.lastIndexOf('*');
  const pointeeQuals = stars === 1 ? head.filter((w) => QUALIFIERS.has(w)) : tail.slice(tail.lastIndexOf('*', last - 1) + 1, last);
  const direction = pointeeQuals.includes('const') ? 'in' : 'inout';
  let tagged = false;
  if (words[0] === 'struct' || words[0] === 'union' || words[0] === 'enum') {
    if (words.length !== 2) return bad('expected one name after struct/union/enum');
    tagged = true;
  }
  const base = words.join(' ');
  if (!tagged && base === 'char') return stars === 1 ? { kind: 'string' } : { kind: 'typed', to: 'string', direction };
  if (!tagged && (base === 'wchar_t' || base === 'char16_t' || base === 'char32_t')) {
    const unit = base === 'char16_t' ? 2 : base === 'char32_t' ? 4 : WCHAR;
    if (stars === 1) return { kind: 'wide', unit };
    // wchar_t** and the like: a list of wide strings (docs/pointers.md §3), as char** is of UTF-8 ones.
    return { kind: 'typed', to: stars === 2 ? (unit === 2 ? 'u16string' : 'u32string') : 'pointer', direction };
  }
  const scalar = tagged || base === 'void' ? undefined : scalarPointee(base);
  if (stars >= 2) return { kind: 'typed', to: 'pointer', direction };
  if (scalar !== undefined && scalar !== 'pointer' && scalar !== 'string') return { kind: 'typed', to: scalar, direction };
  if (scalar === 'pointer') return { kind: 'typed', to: 'pointer', direction }; // pointer*, function*
  // ffast's own names for string and buffer parameters are not C types: 'string*' means nothing.
  if (scalar === 'string' || (!tagged && canonicalScalar(base) === 'buffer')) return bad(`'${base}' is not a C type (char** is the list of strings)`);
  if (!tagged && words.length > 1) return bad('unknown type name');
  return { kind: 'untyped' };
}

/**
 * A type text where every pointer kind is an address (struct members, callback parameters and
 * results, docs/pointers.md §3): 'string' for char*, 'pointer' for any other pointer spelling
 * (typed or not), 'u16string'/'u32string' for the wide string types (wchar_t by its unit), null
 * for a text that is no pointer spelling (the native parser's scalar names), or ERR_FFAST_TYPE.
 */
function cTypeName(t, what) {
  if (t.length > 128) return null; // the native parser refuses it, quoting the start
  const w = WIDE_NAMES[t.trim()];
  if (w !== undefined) return w === 2 ? 'u16string' : 'u32string';
  const c = cSpelling(t);
  if (c === null) return null;
  if (c.kind === 'bad') fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)} (${c.why})`);
  if (c.kind === 'string') return 'string';
  if (c.kind === 'wide') return c.unit === 2 ? 'u16string' : 'u32string';
  return 'pointer';
}

/** Element codecs of typed pointers: size, store (strict member rules), load (result rules). */
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;
const MIN_I64 = -(2n ** 63n);
const MAX_U64 = 2n ** 64n - 1n;
const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const elemErr = (where, j, code, msg) => fail(code, j < 0 ? `${where}: ${msg}` : `${where}: [${j}]: ${msg}`);
function intElem(size, lo, hi, setter, getter) {
  return {
    size,
    set(dv, off, v, where, j) {
      if (typeof v !== 'number') elemErr(where, j, 'ERR_FFAST_ARG_TYPE', `expected ${this.name} (number), got ${describe(v)}`);
      const x = Math.trunc(v);
      if (!(x >= lo && x <= hi)) elemErr(where, j, 'ERR_FFAST_ARG_RANGE', `${show(v)} is out of range for ${this.name}`);
      dv[setter](off, x, true);
    },
    get: (dv, off) => dv[getter](off, true),
  };
}
const num64 = (b) => (b >= -SAFE_BIG && b <= SAFE_BIG ? Number(b) : b);
function wideElem(signed, isPtr) {
  const lo = signed ? MIN_I64 : 0n;
  const hi = signed ? 2n ** 63n - 1n : MAX_U64;
  return {
    size: 8,
    set(dv, off, v, where, j) {
      let b;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'number') {
        const x = Math.trunc(v);
        if (!(x >= Number(lo) && x < (signed ? TWO63 : TWO64))) elemErr(where, j, 'ERR_FFAST_ARG_RANGE', `${show(v)} is out of range for ${this.name}`);
        b = BigInt(x);
      } else if (isPtr && (v === null || v === undefined)) b = 0n;
      else if (isPtr && callbacks.has(v)) b = BigInt(callbackArg(v));
      else return elemErr(where, j, 'ERR_FFAST_ARG_TYPE', `expected ${this.name} (number or bigint${isPtr ? ' or null' : ''}), got ${describe(v)}`);
      if (b < lo || b > hi) elemErr(where, j, 'ERR_FFAST_ARG_RANGE', `${show(v)} is out of range for ${this.name}`);
      dv.setBigUint64(off, BigInt.asUintN(64, b), true);
    },
    get(dv, off) {
      if (isPtr) {
        const b = dv.getBigUint64(off, true);
        return b === 0n ? null : num64(b);
      }
      return num64(signed ? dv.getBigInt64(off, true) : dv.getBigUint64(off, true));
    },
  };
}
const ELEMS = {
  i8: intElem(1, -128, 127, 'setInt8', 'getInt8'),
  u8: intElem(1, 0, 255, 'setUint8', 'getUint8'),
  i16: intElem(2, -32768, 32767, 'setInt16', 'getInt16'),
  u16: intElem(2, 0, 65535, 'setUint16', 'getUint16'),
  i32: intElem(4, -(2 ** 31), 2 ** 31 - 1, 'setInt32', 'getInt32'),
  u32: intElem(4, 0, 2 ** 32 - 1, 'setUint32', 'getUint32'),
  i64: wideElem(true, false),
  isize: wideElem(true, false),
  u64: wideElem(false, false),
  usize: wideElem(false, false),
  pointer: wideElem(false, true),
  f32: {
    size: 4,
    set(dv, off, v, where, j) {
      if (typeof v !== 'number') elemErr(where, j, 'ERR_FFAST_ARG_TYPE', `expected f32 (number), got ${describe(v)}`);
      dv.setFloat32(off, v, true);
    },
    get: (dv, off) => dv.getFloat32(off, true),
  },
  f64: {
    size: 8,
    set(dv, off, v, where, j) {
      if (typeof v !== 'number') elemErr(where, j, 'ERR_FFAST_ARG_TYPE', `expected f64 (number), got ${describe(v)}`);
      dv.setFloat64(off, v, true);
    },
    get: (dv, off) => dv.getFloat64(off, true),
  },
  bool: {
    size: 1,
    set(dv, off, v, where, j) {
      if (typeof v !== 'boolean') elemErr(where, j, 'ERR_FFAST_ARG_TYPE', `expected bool (boolean), got ${describe(v)}`);
      dv.setUint8(off, v ? 1 : 0);
    },
    get: (dv, off) => dv.getUint8(off) !== 0,
  },
};
for (const [k, e] of Object.entries(ELEMS)) e.name = k;

/** Base addresses of ArrayBuffers given as memory (their data does not move; see typedArg). */
const bufferBase = new WeakMap();
/** The address of memory given for a typed pointer, or a typed error. */
function memoryAddress(v, parts, where) {
  if (parts === DETACHED || parts === OUT_OF_BOUNDS) return fail('ERR_FFAST_ARG_TYPE', `${where}: ${bufferProblem(v, parts)}`);
  // An empty view gets ptr()'s non-NULL address (not cached: an empty buffer has no data yet).
  if (parts.len === 0) return ptr(new Uint8Array(parts.buf, parts.start, 0));
  let base = bufferBase.get(parts.buf);
  if (base === undefined) {
    base = ptr(parts.buf);
    bufferBase.set(parts.buf, base);
  }
  return base + parts.start;
}

/**
 * A wide string parameter's encoder (docs/pointers.md §7): a JS string becomes its UTF-16 or
 * UTF-32 copy with a 0 unit in a per-wrapper temporary (per call when `perCall`; kept in `keep`
 * for a nonblocking call), null/undefined NULL. No user code runs, so the temporary cannot be
 * reused by a re-entrant call before C gets it.
 */
function wideParam(unit, where, perCall) {
  const tmp = { ab: null, addr: 0 };
  return function wideArg(v, keep) {
    if (typeof v !== 'string') {
      if (v === null || v === undefined) return 0;
      return fail('ERR_FFAST_ARG_TYPE', `${where}: expected string (or null), got ${v === null ? 'null' : typeof v}`);
    }
    const units = wideUnits(v, unit);
    const bytes = units.byteLength;
    let ab;
    let addr;
    if (!perCall && tmp.ab !== null && tmp.ab.byteLength >= bytes) {
      ab = tmp.ab;
      addr = tmp.addr;
    } else {
      ab = new ArrayBuffer(Math.max(bytes, perCall ? bytes : 64));
      addr = native.tempAddress(ab);
      if (keep !== null) keep.push(ab);
      if (!perCall && bytes <= KEEP_BYTES) {
        tmp.ab = ab;
        tmp.addr = addr;
      }
    }
    new Uint8Array(ab, 0, bytes).set(new Uint8Array(units.buffer, units.byteOffset, bytes));
    return addr;
  };
}

/** A string result's decoder: the address C returned, decoded, then freed by `freeFn` if any. */
function resultDecoder({ unit }, name, freeFn) {
  // Made by its own run of a compiled text (instantiate): decoders made by one closure literal
  // share one feedback vector, and a hot caller of one of them deoptimized on what another had
  // (or had not) seen.
  return instantiate(
    ['$cstring', '$decodeWide', '$callFree', '$unit', '$where', '$free'],
    `"use strict"; return function stringResult(p) { // ffast string result
      if (p === null) return null;
      let s;
      try {
        s = $unit === 1 ? $cstring(p) : $decodeWide(p, undefined, $unit, $where);
      } finally {
        // Through a native helper, not a bound function: the call's own slow path (cold) is
        // its only one, and the helper is never a slow path of ffast's counting.
        if ($free !== 0) $callFree($free, p);
      }
      return s;
    };`,
    [cstring, decodeWide, native.callFree, unit, `result of '${name}'`, freeFn === undefined ? 0 : freeFn.address],
  );
}

/** Largest temporary kept per wrapper parameter; a larger array gets a block of its own. */
const KEEP_BYTES = 1 << 20;

/**
 * The per-parameter helpers of a typed pointer parameter of one wrapper:
 * read(a): for an array, its length and (unless out) its elements, read once each, in order
 *   (the array's own code runs here, before anything is encoded); else undefined.
 * enc(a, r): the address C gets: r's elements encoded into the temporary, or a's address.
 * dec(r): C's elements back as JS values (no user code runs), for out/inout.
 * store(r, vals): the values stored into the array (its setters run; a refused store is R3).
 * `perCall`: every array gets a block of its own (nonblocking calls, calls that may re-enter).
 */
function typedParam(to, direction, where, perCall) {
  // Made by its own run of a compiled text (instantiate), so each parameter's helpers have
  // feedback of their own: shared by every typed pointer of the process, the element reads and
  // stores saw every array kind and element type, and a hot caller deoptimized (wrong map).
  return instantiate(['to', 'direction', 'where', 'perCall', ...TYPED_DEPS], TYPED_SRC, [to, direction, where, perCall, ...TYPED_DEPS.map((n) => typedDeps[n])]);
}
const TYPED_DEPS = ['ELEMS', 'tempAddress', 'ptr', 'KEEP_BYTES', 'fail', 'show', 'S', 'NOT_BUFFER', 'memoryAddress', 'callbacks', 'callbackArg', 'describe', 'wideUnits'];
const typedDeps = { wideUnits: (s, unit) => wideUnits(s, unit), ELEMS, tempAddress: (ab) => native.tempAddress(ab), ptr: (v) => ptr(v), KEEP_BYTES, fail, show, S, NOT_BUFFER, memoryAddress, callbacks: { has: (v) => callbacks.has(v) }, callbackArg: (v) => callbackArg(v), describe };
const TYPED_SRC = `"use strict";
  // Lists of strings: UTF-8 (char**) or wide (wchar_t**, char16_t**: code units of 2 or 4 bytes).
  const unit = to === 'string' ? 1 : to === 'u16string' ? 2 : to === 'u32string' ? 4 : 0;
  const isString = unit !== 0;
  const E = isString ? ELEMS.pointer : ELEMS[to];
  const size = E.size;
  const tmp = { ab: null, dv: null, addr: 0 };
  const block = (bytes) => {
    if (!perCall && tmp.ab !== null && tmp.ab.byteLength >= bytes) return tmp;
    const ab = new ArrayBuffer(Math.max(bytes, perCall ? 0 : 64));
    const b = { ab, dv: new DataView(ab), addr: tempAddress(ab) };
    if (!perCall && bytes <= KEEP_BYTES) Object.assign(tmp, b);
    return b;
  };
  function read(a) {
    if (!Array.isArray(a)) return undefined;
    const n = a.length;
    if (!(Number.isSafeInteger(n) && n >= 0 && n < 2 ** 28)) fail('ERR_FFAST_ARG_RANGE', \`\${where}: an array of \${show(n)} elements\`);
    if (n === 0 && direction !== 'in') fail('ERR_FFAST_ARG_RANGE', \`\${where}: an out array needs at least one element, e.g. [null]\`);
    const vals = direction === 'out' ? null : new Array(n);
    if (vals !== null) for (let j = 0; j < n; j++) vals[j] = a[j];
    return { a, n, vals, b: null, strs: null };
  }
  function enc(a, r) {
    if (r === undefined) {
      if (typeof a === 'number' || typeof a === 'bigint') return a;
      if (a === null || a === undefined) return 0;
      if (typeof a === 'object') {
        const parts = S.memoryParts(a);
        if (typeof parts === 'object' || parts !== NOT_BUFFER) return memoryAddress(a, parts, where);
        if (callbacks.has(a)) return callbackArg(a);
      }
      return fail('ERR_FFAST_ARG_TYPE', \`\${where}: expected an array, a buffer, an address or null for a pointer to \${to}, got \${describe(a)}\`);
    }
    const n = r.n;
    let strBytes = 0;
    if (isString && r.vals !== null) {
      // UTF-8 copies with a NUL each (lone surrogates become U+FFFD), in one block for the call.
      r.strs = new Array(n);
      for (let j = 0; j < n; j++) {
        const v = r.vals[j];
        if (typeof v !== 'string') continue;
        if (unit === 1) strBytes += Buffer.byteLength(v, 'utf8') + 1;
        else {
          r.strs[j] = wideUnits(v, unit);
          strBytes += r.strs[j].byteLength;
        }
      }
    }
    const b = block((n + 1) * size + strBytes);
    r.b = b;
    const dv = b.dv;
    if (r.vals === null) new Uint8Array(b.ab, 0, (n + 1) * size).fill(0);
    else {
      let so = (n + 1) * size;
      for (let j = 0; j < n; j++) {
        const v = r.vals[j];
        if (isString && unit !== 1 && typeof v === 'string') {
          // (n + 1) * 8 and every copy before are multiples of the unit: each copy is aligned.
          const units = r.strs[j];
          new Uint8Array(b.ab, so, units.byteLength).set(new Uint8Array(units.buffer, units.byteOffset, units.byteLength));
          dv.setBigUint64(j * size, BigInt(b.addr + so), true);
          r.strs[j] = b.addr + so;
          so += units.byteLength;
        } else if (isString && typeof v === 'string') {
          const u8 = new Uint8Array(b.ab, so);
          const len = Buffer.from(u8.buffer, u8.byteOffset, u8.length).write(v, 'utf8');
          u8[len] = 0;
          dv.setBigUint64(j * size, BigInt(b.addr + so), true);
          r.strs[j] = b.addr + so;
          so += len + 1;
        } else E.set(dv, j * size, v, where, j);
      }
      for (let o = n * size; o < (n + 1) * size; o++) dv.setUint8(o, 0);
    }
    return b.addr;
  }
  function dec(r) {
    const out = new Array(r.n);
    for (let j = 0; j < r.n; j++) {
      const v = E.get(r.b.dv, j * size);
      // A char* C left pointing at the copy of the JS string that was there keeps that string.
      out[j] = isString && r.strs !== null && r.strs[j] !== undefined && v === r.strs[j] ? r.vals[j] : v;
    }
    return out;
  }
  function store(r, vals) {
    for (let j = 0; j < r.n; j++) {
      if (!Reflect.set(r.a, j, vals[j])) fail('ERR_FFAST_ARG_TYPE', \`\${where}: [\${j}]: the array refused C's value (frozen, read-only or without a setter)\`);
    }
  }
  return { read, enc, dec, store };
`;

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

/** ffast_core::signature::MAX_AGGREGATE_SIZE. */
const MAX_BY_VALUE = 4096;
/** ffast_core::signature::MAX_PARAMS: also bounds how much of a user's array is read. */
const MAX_PARAMS = 127;

/** The parameter that marks a variadic function's ellipsis (ffast_core::signature::VARIADIC_MARKER). */
const VARIADIC = '...';
const isMarker = (p) => typeof p === 'string' && p.trim() === VARIADIC;

/**
 * The keys a definition may have: the one list (a key added here is read by readDefinition,
 * and suggested for near misses).
 */
const DEFINITION_KEYS = ['parameters', 'result', 'name', 'optional', 'nonblocking', 'callbacks', 'errno', 'variable'];

/**
 * A definition read as checkFull and the shape cache need it: own properties only, each once
 * (see readOwn), `parameters` copied into a dense array, the plain fields checked.
 */
function readDefinition(key, def) {
  const where = () => `definition of ${keyName(key)}`;
  if (def === null || typeof def !== 'object') fail('ERR_FFAST_DEFINITION', `${where()} must be an object, got ${describe(def)}`);
  const d = readOwn(def, DEFINITION_KEYS, where);
  if (d.variable !== undefined) {
    // An exported variable (docs/pointers.md §9): a type and the lookup keys only.
    for (const k of ['parameters', 'result', 'nonblocking', 'callbacks']) {
      if (d[k] !== undefined) fail('ERR_FFAST_DEFINITION', `${where()}: a variable has no '${k}'`);
    }
    const vname = d.name === undefined ? key : d.name;
    if (typeof vname !== 'string' || vname === '') fail('ERR_FFAST_DEFINITION', `${where()}: name must be a non-empty string, got ${show(vname)}`);
    return { variable: d.variable, name: vname, optional: bool(d.optional, false, where, 'optional') };
  }
  // A forgotten result would silently drop what the function returns.
  if (d.result === undefined) fail('ERR_FFAST_DEFINITION', `${where()} has no 'result' (say result: 'void' for a function that returns nothing)`);
  const parameters = d.parameters === undefined ? [] : ownArray(d.parameters, () => `${where()}: parameters`, MAX_PARAMS);
  const name = d.name === undefined ? key : d.name;
  if (typeof name !== 'string' || name === '') fail('ERR_FFAST_DEFINITION', `${where()}: name must be a non-empty string, got ${show(name)}`);
  return {
    parameters,
    result: d.result,
    name,
    optional: bool(d.optional, false, where, 'optional'),
    nonblocking: bool(d.nonblocking, false, where, 'nonblocking'),
    callbacks: bool(d.callbacks, false, where, 'callbacks'),
    errno: bool(d.errno, false, where, 'errno'),
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
  let k = `${result}\u0000${d.nonblocking ? 1 : 0}${d.callbacks ? 1 : 0}${d.errno ? 1 : 0}`;
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

function checkDefinition(key, def) {
  const d = readDefinition(key, def);
  if (d.variable !== undefined) return { ...d, access: variableAccess(key, d.variable) };
  const sk = shapeKey(d);
  if (sk !== undefined) {
    const c = checkedShapes.get(sk);
    if (c !== undefined) return c.clone(c.shape, d);
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
  return {
    parameters: sig.parameters, result: sig.result, specs, resultSpec: rs.spec, decode, aggregates: generated, name, optional, nonblocking, callbacks,
    errno: d.errno,
    // A definition ending in '...': what each shape is made from (variadicFunction).
    variadic: vi !== -1 && !d.shape ? { fixed: parameters.slice(0, vi), result: d.result, callbacks: d.callbacks } : null,
    generated,
    // The canonical signature: one key per native signature (makeFunctions) and wrapper shape (wrapAll).
    sigKey: `${sig.parameters.join(',')})${sig.result}${nonblocking ? ' nonblocking' : ''}${callbacks ? ' callbacks' : ''}${d.errno ? ' errno' : ''}`,
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
    const k = d.sigKey;
    let j = index.get(k);
    if (j === undefined) {
      j = sigs.push({ parameters: d.parameters, result: d.result, nonblocking: Boolean(d.nonblocking), callbacks: Boolean(d.callbacks), errno: Boolean(d.errno) }) - 1;
      index.set(k, j);
    }
    names[i] = key;
    addresses[i] = address;
    sigOf[i] = j;
  });
  return native.makeFunctions(handle, names, addresses, sigs, sigOf);
}

// ------------------------------------------------------------------ addresses
// One check for every address a user hands ffast (read.*, write.*, cstring, toArrayBuffer,
// T.decode/view/encode, bind): NULL in every spelling is ERR_FFAST_NULL_POINTER, anything that
// is not an address a typed error; an address is returned as a Number up to 2^53-1, beyond as
// the exact BigInt (where the API can pass one on: read.*, write.*, cstring, toArrayBuffer).
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_SAFE_NUM = Number.MAX_SAFE_INTEGER;
const MAX_ADDRESS = 2n ** 64n - 1n;
const nullErr = (what) => fail('ERR_FFAST_NULL_POINTER', `${what}: pointer is NULL`);

/** A non-NULL address: a positive safe-integer Number, or a BigInt in [1, 2^64). */
function checkAddress(p, what) {
  if (typeof p === 'number') {
    // (No property loads on the common path: inlined into a hot caller whose warm-up reached
    // this line only through other callers, a load without feedback deoptimized it.)
    if (p > 0 && p <= MAX_SAFE_NUM && p % 1 === 0) return p;
    if (p === 0) return nullErr(what); // and -0
    return fail('ERR_FFAST_ARG_RANGE', `${what}: ${show(p)} is not an address (a positive integer up to 2^53-1, or a BigInt)`);
  }
  if (typeof p === 'bigint') {
    if (p > 0n && p <= MAX_ADDRESS) return p <= MAX_SAFE_BIG ? Number(p) : p;
    if (p === 0n) return nullErr(what);
    return fail('ERR_FFAST_ARG_RANGE', `${what}: ${show(p)} is not an address (1 to 2^64-1)`);
  }
  if (p === null || p === undefined) return nullErr(what);
  return fail('ERR_FFAST_ARG_TYPE', `${what}: expected an address (a number or a bigint), got ${describe(p)}`);
}

/** A byte offset from an address: a safe-integer Number (or a BigInt in the isize range). */
function checkOffset(off, what) {
  if (typeof off === 'number') {
    if (Number.isSafeInteger(off)) return off;
    return fail('ERR_FFAST_ARG_RANGE', `${what}: offset ${show(off)} is not an integer number of bytes`);
  }
  if (typeof off === 'bigint') {
    if (off >= -(2n ** 63n) && off < 2n ** 63n) return off >= -MAX_SAFE_BIG && off <= MAX_SAFE_BIG ? Number(off) : off;
    return fail('ERR_FFAST_ARG_RANGE', `${what}: offset ${show(off)} is out of range`);
  }
  return fail('ERR_FFAST_ARG_TYPE', `${what}: offset must be a number, got ${describe(off)}`);
}

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
  const defs = [];
  const keys = ownKeys(symbols, 'dlopen: symbols');
  // bind: 'lazy' keeps keys and values in two arrays (lazySymbols), no pair per symbol.
  const values = lazy ? new Array(keys.length) : null;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') fail('ERR_FFAST_DEFINITION', `dlopen: symbols: a symbol key (${keyName(k)}) cannot name a C function`);
    const v = ownValue(symbols, k, 'dlopen: symbols');
    if (lazy) values[i] = v;
    else defs.push([k, checkDefinition(k, v)]);
  }
  // deep undefined: RTLD_DEEPBIND where the library collides with the process (docs/loading.md).
  const handle = native.open(libPath, opts.lazy === true, opts.global === true, opts.deep);
  const state = { closed: false };
  // Lazy: dictionary mode (each first read reconfigures a property; on a fast-mode object that
  // is a new map per read, deoptimizing hot code that loaded an earlier symbol).
  const out = !lazy && keys.length <= FAST_NAMESPACE_MAX ? namespace() : Object.create(null);
  try {
    if (lazy) {
      lazySymbols(out, keys, values, handle, state, libPath);
      return library(libPath, out, handle, state);
    }
    const addresses = native.symbols(handle, defs.map(([, d]) => d.name));
    const wanted = [];
    const variables = [];
    defs.forEach(([key, d], i) => {
      if (addresses[i] === null && !d.optional) notFound(d.name, libPath);
      if (d.variable !== undefined) variables.push([key, d, addresses[i]]);
      else {
        // A string result C allocated: its free function, in the library first, then the process.
        if (addresses[i] !== null && d.decode && d.decode.free !== undefined) d.freeFn = resultFree(handle, d.decode.free, libPath);
        wanted.push([key, d, addresses[i]]);
      }
    });
    // Variadic definitions make their functions per shape, on demand (variadicFunction).
    const made = makeFunctions(handle, wanted.filter((w) => w[2] !== null && w[1].variadic === null));

    // Plain read-only data properties (frozen below): hot code reading `lib.symbols.f` sees a
    // constant-like function (an accessor in the call path costs as much as the fast call).
    // Scalar signatures: one batch text for all (see wrapAll). Signatures with structs get
    // their own generated wrapper (wrap), which closes over their encoders and the area.
    const bound = wanted.filter((w) => w[2] !== null && w[1].variadic === null);
    const plain = [];
    bound.forEach(([key, d], i) => {
      const twin = made.twins === undefined ? undefined : made.twins[i];
      if (!d.aggregates) plain.push({ fn: made[i], twin, name: key, params: d.parameters, result: d.result, nonblocking: d.nonblocking, key: d.sigKey });
    });
    const batch = wrapAll(plain, state);
    let i = 0;
    let j = 0;
    for (const [key, d, address] of variables) {
      if (address === null) own(out, key, null);
      else Object.defineProperty(out, key, { ...d.access(address, state), enumerable: true, configurable: false });
    }
    for (const [key, d, address] of wanted) {
      if (address === null) own(out, key, null);
      else if (d.variadic !== null) own(out, key, variadicFunction(key, d, address, handle, state));
      else if (d.generated) {
        own(out, key, wrap(made[i], key, d, state, made.twins === undefined || made.twins[i] === undefined ? null : made.twins[i]));
        i++;
      }
      else {
        own(out, key, batch[j++]);
        i++;
      }
    }
    Object.freeze(out);
  } catch (e) {
    native.close(handle);
    throw e;
  }
  return library(libPath, out, handle, state);
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
/** Define a writable, enumerable, configurable own property (frozen afterwards), see namespace. */
const own = (o, key, value) => Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });

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
  const desc = { get: undefined, enumerable: true, configurable: true };
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
    const address = native.symbols(handle, [d.name])[0];
    if (address === null) {
      if (!d.optional) notFound(d.name, lz.libPath);
      f = null;
    } else if (d.variable !== undefined) {
      // An exported variable: the live accessor eager dlopen defines, in place of this one.
      const access = d.access(address, state);
      lz.status[i] = LZ_DONE;
      Object.defineProperty(out, key, { ...access, enumerable: true, configurable: false });
      return access.get();
    } else if (d.variadic !== null) {
      f = variadicFunction(key, d, address, handle, state);
    } else if (d.generated) {
      if (d.decode && d.decode.free !== undefined) d.freeFn = resultFree(handle, d.decode.free, lz.libPath);
      const made = makeFunctions(handle, [[key, d, address]]);
      f = wrap(made[0], key, d, state, made.twins === undefined || made.twins[0] === undefined ? null : made.twins[0]);
    } else {
      f = makeBatch(lz, i, d, address);
    }
  }
  lz.status[i] = LZ_DONE;
  lz.made[i] = undefined;
  Object.defineProperty(out, key, { value: f, writable: false, enumerable: true, configurable: false });
  return f;
}

/** The function of entry `i` (checked: `d`, at `address`), made with a batch of later entries. */
function makeBatch(lz, i, d, address) {
  const want = lz.batch;
  lz.batch = Math.min(LAZY_BATCH, lz.batch * 2);
  const more = [];
  for (let k = i + 1; k < lz.keys.length && more.length < want - 1; k++) {
    if (lz.status[k] !== LZ_PENDING || lz.made[k] !== undefined) continue;
    try {
      const dn = checkDefinition(lz.keys[k], lz.defs[k]);
      if (dn.variable === undefined && !dn.variadic && !dn.generated) more.push([k, dn]);
      else lz.status[k] = LZ_BAD;
    } catch {
      lz.status[k] = LZ_BAD; // its own read throws the error
    }
  }
  const list = [[lz.keys[i], d, address]];
  const at = [i];
  if (more.length > 0) {
    const addresses = native.symbols(lz.handle, more.map(([, dn]) => dn.name));
    more.forEach(([k, dn], j) => {
      if (addresses[j] !== null) {
        list.push([lz.keys[k], dn, addresses[j]]);
        at.push(k);
      } else lz.status[k] = LZ_BAD;
    });
  }
  const made = makeFunctions(lz.handle, list);
  const fns = wrapAll(
    list.map(([key, dn], j) => ({ fn: made[j], twin: made.twins === undefined ? undefined : made.twins[j], name: key, params: dn.parameters, result: dn.result, nonblocking: dn.nonblocking, key: dn.sigKey })),
    lz.state,
    list.length === 1 ? 1 : CHUNK,
  );
  for (let j = 1; j < at.length; j++) lz.made[at[j]] = fns[j];
  return fns[0];
}

/** Script names of the generated wrappers (see `wrapperScript` and `wrap`). */
const WRAPPER_SCRIPTS = new Set(['ffast:wrappers', 'ffast:wrap']);

/**
 * Whether this close() runs inside a call of an ffast function: JS that the call runs (a
 * callback, a getter or Proxy trap its argument conversion meets, an error's constructor)
 * closed the library. That call still goes on to reach C and to read its results (an
 * aggregate from the area, a string from the library's memory) after C returns, so the library
 * must stay whole until the call is done. Read from the JS stack (V8 lists inlined frames too),
 * at close() time only, so calls pay nothing for it. If the stack cannot be read, say yes: a
 * hold only delays the free to the next turn.
 */
function insideCall() {
  return wrapperFrames() > 0;
}

/** How many frames of generated wrappers the JS stack holds (Infinity when it cannot be read). */
function wrapperFrames() {
  const saved = [Error.prepareStackTrace, Error.stackTraceLimit];
  try {
    Error.stackTraceLimit = Infinity;
    Error.prepareStackTrace = (_, frames) => frames;
    const o = {};
    Error.captureStackTrace(o);
    const frames = o.stack;
    if (!Array.isArray(frames)) return Infinity;
    let n = 0;
    for (const f of frames) if (WRAPPER_SCRIPTS.has(f.getScriptNameOrSourceURL())) n++;
    return n;
  } catch {
    return Infinity;
  } finally {
    try {
      [Error.prepareStackTrace, Error.stackTraceLimit] = saved;
    } catch {
      // a frozen Error: nothing was changed
    }
  }
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

// ------------------------------------------------------------------ variadic functions
// docs/variadic.md. A definition ending in '...' becomes a dispatcher taking the fixed
// arguments then type/value pairs (form a), with a `variadic(...types)` method returning the
// function of that shape (form b). A shape is an ordinary binding of the signature
// [...fixed, '...', ...types] (ffast_core gives the variadic arguments their promoted C types;
// on x64 every trampoline sets %al), made once and cached per canonical shape.

/**
 * Check a type given for a variadic argument (C position `pos`) without reading through it: only
 * a primitive string of a scalar type name goes on to the native parser; no getter, trap or
 * toString of an object runs.
 */
function variadicType(t, key, pos) {
  const where = `${keyName(key)}: variadic argument ${pos}`;
  if (typeof t === 'string') {
    if (t.length > 128) fail('ERR_FFAST_TYPE', `${where}: unknown type ${show(t)}`);
    if (isMarker(t)) fail('ERR_FFAST_TYPE', `${where}: '${VARIADIC}' is not a type`);
    if (/[{[]/.test(t)) fail('ERR_FFAST_TYPE', `${where}: ${show(t)}: a variadic argument is a scalar type name`);
    return;
  }
  if (S.isType(t) || S.isPointerType(t)) {
    fail('ERR_FFAST_UNSUPPORTED', `${where}: structs, unions and pointer(T) are not passed as variadic arguments (pass a 'pointer')`);
  }
  fail('ERR_FFAST_TYPE', `${where} must be a type name, got ${describe(t)}`);
}

/**
 * The dispatcher (form a) of variadic definition `d` (checked, with d.variadic) for the C
 * function at `address`; its shapes join library `handle` (null for bind(): each shape is a
 * bound batch of its own). `state` is the library's ({ closed }).
 */
function variadicFunction(key, d, address, handle, state) {
  const { fixed, result, callbacks } = d.variadic;
  const nf = fixed.length;
  const byCanonical = new Map(); // canonical signature key → shape function
  const bySpelling = new Map(); // type names as given, NUL-joined → shape function
  const shapeOf = (types, countCode) => {
    if (state.closed) closedErr(key);
    if (nf + types.length > MAX_PARAMS) {
      fail(countCode, `${keyName(key)}: ${nf + types.length} arguments in all, at most ${MAX_PARAMS} are supported`);
    }
    let spelled = '';
    for (let i = 0; i < types.length; i++) {
      const t = types[i];
      variadicType(t, key, nf + i);
      spelled += `\0${t}`;
    }
    let g = bySpelling.get(spelled);
    if (g !== undefined) return g;
    const full = checkFull(key, {
      parameters: [...fixed, VARIADIC, ...types], result, name: key, optional: false,
      nonblocking: d.nonblocking, callbacks, errno: d.errno, shape: true,
    });
    g = byCanonical.get(full.sigKey);
    if (g === undefined) {
      const [m] = makeFunctions(handle, [[key, full, address]]);
      // The wrapper sees the JS arguments: the marker is no argument.
      const at = full.parameters.indexOf(VARIADIC);
      const vd = { ...full, parameters: full.parameters.filter((_, i) => i !== at), specs: full.specs.filter((_, i) => i !== at) };
      g = vd.aggregates
        ? wrap(m, key, vd, state)
        : wrapAll([{ fn: m, name: key, params: vd.parameters, result: vd.result, nonblocking: vd.nonblocking, key: full.sigKey }], state)[0];
      byCanonical.set(full.sigKey, g);
    }
    bySpelling.set(spelled, g);
    return g;
  };
  // Form (a): a tree of Maps keyed by each type argument as given (a Map looks a key up by
  // identity or string hash, running no user code), leading to a per-shape "pairs" function
  // that drops the type arguments and calls the shape with positional arguments, so that, once
  // hot, it inlines the shape's wrapper and makes its fast call.
  const tree = { next: new Map(), fn: undefined };
  const pairsFor = (args, m) => {
    const types = new Array(m);
    for (let k = 0; k < m; k++) types[k] = args[nf + 2 * k];
    const g = shapeOf(types, 'ERR_FFAST_ARG_COUNT');
    const fixedArgs = Array.from({ length: nf }, (_, i) => `a${i}`);
    const pairArgs = Array.from({ length: m }, (_, k) => `t${k}, v${k}`);
    const callArgs = [...fixedArgs, ...Array.from({ length: m }, (_, k) => `v${k}`)];
    const fn = instantiate(['g'], `return function pairs(${[...fixedArgs, ...pairArgs].join(', ')}) { return g(${callArgs.join(', ')}); };`, [g]);
    let node = tree;
    for (let k = 0; k < m; k++) {
      let next = node.next.get(types[k]);
      if (next === undefined) {
        next = { next: new Map(), fn: undefined };
        node.next.set(types[k], next);
      }
      node = next;
    }
    node.fn = fn;
    return fn;
  };
  const dispatch = {
    [key](...args) {
      if (state.closed) closedErr(key);
      const n = args.length;
      if (n < nf) fail('ERR_FFAST_ARG_COUNT', `'${clip(key)}' expects at least ${nf} arguments (then type/value pairs), got ${n}`);
      if ((n - nf) % 2 !== 0) {
        fail('ERR_FFAST_ARG_COUNT', `'${clip(key)}': variadic arguments come as type/value pairs; the type ${show(args[n - 1])} has no value`);
      }
      const m = (n - nf) / 2;
      let node = tree;
      for (let k = 0; k < m && node !== undefined; k++) node = node.next.get(args[nf + 2 * k]);
      const fn = node !== undefined && node.fn !== undefined ? node.fn : pairsFor(args, m);
      return Reflect.apply(fn, undefined, args);
    },
  }[key];
  Object.defineProperty(dispatch, 'length', { value: nf });
  Object.defineProperty(dispatch, 'variadic', {
    value: function variadic(...types) {
      return shapeOf(types, 'ERR_FFAST_DEFINITION');
    },
  });
  return dispatch;
}

/**
 * errno() is the value the last `errno: true` call on this JS thread left in C's errno (0
 * before any); errno(v) sets it, and the next `errno: true` call starts C with it
 * (docs/errno.md). A load or a store: nothing native runs.
 */
function errno(v) {
  if (v === undefined) return errnoCell[0];
  if (typeof v !== 'number') fail('ERR_FFAST_ARG_TYPE', `errno: expected an integer Number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) fail('ERR_FFAST_ARG_RANGE', `errno: ${show(v)} is not a C int`);
  errnoCell[0] = v;
  return undefined;
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

// Built-in helpers, bound through the same machinery (so they take fast calls too).
const H = native.helpers();
const scalarTypes = ['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'pointer'];
const aliasOf = { isize: 'i64', usize: 'u64' };

/**
 * read.<t> / write.<t>. The common call — a positive safe-integer Number address and a
 * safe-integer offset (or none) — costs one inlined test; anything else goes through
 * checkAddress/checkOffset (typed errors; an exact BigInt address passes on as a BigInt, which
 * the bound helper takes whole). The helpers add address and offset with wrapping arithmetic
 * (memory.rs), so an address above 2^53 can be reached from a BigInt base.
 */
function makeAccessor(kind, t) {
  const what = `${kind}.${t}`;
  const valueType = t === 'pointer' ? 'usize' : t;
  const def =
    kind === 'read'
      ? { parameters: ['usize', 'isize'], result: t }
      : { parameters: ['usize', 'isize', valueType], result: 'void' };
  const raw = bindNamed(H[`${kind}_${t}`], checkDefinition(what, def), what);
  const check = `if (offset === undefined) offset = 0;
    if (!(Number.isSafeInteger(p) && p > 0 && Number.isSafeInteger(offset))) {
      p = addr(p, '${what}');
      offset = off(offset, '${what}');
    }`;
  const src =
    kind === 'read'
      ? `return function read_${t}(p, offset) { // ffast ${what}
    ${check}
    return raw(p, offset);
  };`
      : `return function write_${t}(p, offset, value) { // ffast ${what}
    ${check}
    raw(p, offset, ${t === 'pointer' ? 'value === null ? 0 : value' : 'value'});
  };`;
  // eslint-disable-next-line no-new-func
  return new Function('raw', 'addr', 'off', src)(raw, checkAddress, checkOffset);
}

const read = namespace();
const write = namespace();
for (const t of scalarTypes) {
  own(read, t, makeAccessor('read', t));
  own(write, t, makeAccessor('write', t));
}
for (const [a, t] of Object.entries(aliasOf)) {
  own(read, a, read[t]);
  own(write, a, write[t]);
}
Object.freeze(read);
Object.freeze(write);

const rawPtr = bindNamed(H.ptr, checkDefinition('ptr', { parameters: ['buffer'], result: 'usize' }), 'ptr');
/**
 * Address of the first byte of a buffer or view (byteOffset applied). An empty buffer's is a
 * valid non-NULL address with nothing behind it (as C gets for one, README "Types"); a detached
 * buffer has no address at all.
 */
function ptr(view) {
  if (view === null || view === undefined || !isBuf(view)) fail('ERR_FFAST_ARG_TYPE', `ptr: ${bufferProblem(view, bufferParts(view))}`);
  return rawPtr(view);
}

/** A byte count: a safe integer >= 0. */
function checkLength(n, what) {
  if (typeof n !== 'number') fail('ERR_FFAST_ARG_TYPE', `${what}: byteLength must be a number, got ${describe(n)}`);
  if (!(Number.isSafeInteger(n) && n >= 0)) fail('ERR_FFAST_ARG_RANGE', `${what}: byteLength must be a non-negative integer, got ${show(n)}`);
  return n;
}

const isNull = (p) => p === null || p === undefined || p === 0 || p === 0n; // 0 === -0

/** Decode a NUL-terminated (or `byteLength`-long) UTF-8 string at `pointer`; null for NULL. */
function cstring(pointer, byteLength) {
  if (byteLength !== undefined) checkLength(byteLength, 'cstring');
  if (isNull(pointer)) return null;
  const p = checkAddress(pointer, 'cstring');
  if (typeof p !== 'number' || decoder === null) return native.cstring(p, byteLength);
  return byteLength === undefined ? decoder(p) : decoder(p, byteLength);
}

/** A zero-copy ArrayBuffer over `byteLength` bytes of native memory at `pointer`. */
function toArrayBuffer(pointer, byteLength) {
  checkLength(byteLength, 'toArrayBuffer');
  if (isNull(pointer)) {
    if (byteLength === 0) return new ArrayBuffer(0);
    nullErr('toArrayBuffer');
  }
  const p = checkAddress(pointer, 'toArrayBuffer');
  // A Number address and length add up to less than 2^54: only a BigInt can run past 2^64.
  if (typeof p === 'bigint' && p + BigInt(byteLength) - 1n > MAX_ADDRESS) {
    fail('ERR_FFAST_ARG_RANGE', `toArrayBuffer: ${byteLength} bytes at ${show(p)} run past the end of the address space`);
  }
  try {
    return native.toArrayBuffer(p, byteLength);
  } catch (e) {
    if (e instanceof FfastError) throw e;
    // Node 20 refuses external buffers over 4 GiB (its own ERR_BUFFER_TOO_LARGE).
    return fail('ERR_FFAST_ARG_RANGE', `toArrayBuffer: ${byteLength} bytes cannot be one ArrayBuffer here${thrownMessage(e)}`, e);
  }
}

// ------------------------------------------------------------------ callbacks (README "Callbacks")
const kId = Symbol('ffast.callback');

/** A JS function callable from C through `pointer`. Made by `callback()`. */
class Callback {
  constructor(id, pointer, definition) {
    this[kId] = id;
    // The field first holds null so that V8 keeps it "tagged": an address is a heap number,
    // and a number-only field is stored unboxed, so passing `cb` (the wrapper passes
    // cb.pointer) to a function that takes callbacks boxed a fresh heap number on every call
    // (a minor GC every ~10^5 calls on Node 26; tested in callbacks-route.test.js).
    this.pointer = null;
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

/** Every Callback made (a brand check that runs no Proxy trap, unlike instanceof). */
const callbacks = new WeakSet();

/**
 * A pointer argument given as an object or a function (argument `i` of `name`): a Callback's
 * address. A JS function or a buffer is a mistake with a known fix, said here (docs/callbacks.md
 * §1.4); any other value goes on unchanged to the native conversion, which refuses it.
 */
function callbackArg(v, i, name) {
  if (callbacks.has(v)) {
    if (v.closed) fail('ERR_FFAST_CLOSED', 'a closed Callback was passed as a function pointer');
    return v.pointer;
  }
  return notCallbackArg(v, i, name);
}

/** callbackArg for anything but a Callback (kept apart: callbackArg is inlined into every hot wrapper). */
function notCallbackArg(v, i, name) {
  if (typeof v === 'function') {
    fail(
      'ERR_FFAST_ARG_TYPE',
      `invalid argument ${i}: expected pointer (number, bigint or null), got function: wrap it with callback() (or declare the parameter's C type: { function: { parameters, result } }) for '${name}'`,
    );
  }
  if (ArrayBuffer.isView(v) || isAnyArrayBuffer(v)) {
    fail('ERR_FFAST_ARG_TYPE', `invalid argument ${i}: expected pointer (number, bigint or null), got ${describe(v)}: pass ptr(buf) or declare 'buffer' for '${name}'`);
  }
  // An untyped pointer has no element type to encode an array with (docs/pointers.md §2).
  if (!isProxy(v) && Array.isArray(v)) fail('ERR_FFAST_ARG_TYPE', "an array for an untyped pointer: declare a typed pointer, e.g. pointer('i32'), 'int*' or out(pointer('pointer'))");
  return v;
}

// ------------------------------------------------------------------ typed function parameters
// `{ function: { parameters, result } }` (docs/callbacks.md §1.2, §1.3, §7.2, §7.3).

/** The canonical signature key of each Callback (`params)result`, as the native side spells them). */
const callbackKeys_ = new WeakMap();
/** `(i32, pointer) => f64` for a signature key. */
const sigText = (key) => {
  const j = key.lastIndexOf(')');
  return `(${key.slice(0, j).split(',').filter(Boolean).join(', ')}) => ${key.slice(j + 1)}`;
};

/**
 * A callback parameter or result type as its text: a type name as it is, a typed function
 * `{ function: … }` as 'function' (a function pointer is an address, whatever its signature).
 */
function callbackTypeText(t, what, isResult) {
  if (typeof t === 'string') {
    if (t.length > 128) fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)}`);
    if (/[{[]/.test(t)) fail('ERR_FFAST_TYPE', `${what}: give aggregate types as type objects (ffast.struct/union), not as text`);
    // C pointer spellings (docs/pointers.md §3): C passes an address; char* is decoded as a
    // string, a wide string parameter by callback()'s wrapper (wideCallbackArgs).
    const c = cTypeName(t, what);
    if (c === 'u16string' || c === 'u32string') {
      if (isResult) {
        fail('ERR_FFAST_TYPE', `${what}: ${show(t)} is not supported (a JS string's C copy cannot outlive the callback's return); return a pointer to memory you own`);
      }
      return 'pointer';
    }
    return c === null ? t : c;
  }
  if (t !== null && typeof t === 'object' && !S.isType(t) && !S.isPointerType(t)) {
    functionType(t, what);
    return 'function';
  }
  if (S.isType(t)) {
    // Structs and unions by value (docs/callbacks.md §1.1), with the limits dlopen has.
    if (t.kind === 'array') fail('ERR_FFAST_TYPE', `${what}: C passes arrays as pointers; declare 'pointer' and read it with T.decode(p) or T.view(p)`);
    if (t.size > MAX_BY_VALUE) {
      fail('ERR_FFAST_UNSUPPORTED', `${what}: a ${t.kind} of ${t.size} bytes; aggregates by value are limited to ${MAX_BY_VALUE} bytes`);
    }
    return t.type;
  }
  if (S.isPointerType(t)) {
    // A callback has no copy-back: C's pointer is read (or written) by the function itself.
    fail('ERR_FFAST_TYPE', `${what}: a callback cannot take pointer(T), out() or inout(); declare 'pointer' and read it with T.decode(p) or T.view(p)`);
  }
  return fail('ERR_FFAST_TYPE', `${what} must be a type name, got ${describe(t)}`);
}

/**
 * An aggregate callback result cannot hold a `string` member anywhere (docs/callbacks.md
 * §1.1): its UTF-8 copy would have to outlive the callback's return.
 */
function checkCallbackResultType(t, what) {
  if (S.isType(t) && S.hasStrings(t)) {
    fail('ERR_FFAST_TYPE', `${what}: a ${t.kind} with a 'string' member cannot be a callback result (its C copy cannot outlive the callback's return); use a 'pointer' member to memory you own`);
  }
}

/** Marks "no result" from a per-call dispatcher of an aggregate result (C keeps its zeroes). */
const SKIP = Symbol('ffast.skip');
/** Staging offsets per canonical callback signature (native.callbackOffsets). */
const callbackOffsetCache = new Map();

/**
 * The function the native side calls for a callback signature with structs or unions by value
 * (docs/callbacks.md §7.1): it receives the scalar arguments, decodes each aggregate
 * parameter from the callback's staging block (`st`, filled by dispatch_agg before any JS of
 * the call runs) into a fresh plain object, calls `fn` with every argument in declared order,
 * and encodes an aggregate result into staging as its last act. `types[i]`: the type object of
 * declared parameter i, or null for a scalar.
 */
function aggregateCallback(fn, types, resultType, texts, resultText, st) {
  const key = `${texts.join(',')})${resultText}`;
  let offs = callbackOffsetCache.get(key);
  if (offs === undefined) {
    offs = native.callbackOffsets(texts, resultText);
    callbackOffsetCache.set(key, offs);
  }
  const names = ['$fn', '$st', '$put'];
  const vals = [fn, st, null];
  const formals = [];
  const decs = [];
  const args = types.map((T, i) => {
    if (T === null) {
      formals.push(`s${i}`);
      return `s${i}`;
    }
    names.push(`$dec${i}`);
    vals.push(S.codeOf(T).dec);
    decs.push(`const v${i} = $dec${i}($st.dv, ${offs[i]});`);
    return `v${i}`;
  });
  let tail = 'return r;';
  if (resultType !== null) {
    vals[2] = resultPut(resultType, st, offs[types.length]);
    tail = '$put(r);';
  }
  return instantiate(
    names,
    `"use strict"; return function ffastAggregateCallback(${formals.join(', ')}) {
      ${decs.join('\n      ')}
      const r = $fn(${args.join(', ')});
      ${tail}
    };`,
    vals,
  );
}

/**
 * Encode an aggregate callback result (an object, or bytes) into a block of its nesting depth,
 * then copy it to staging at `RET`: JS run by the encoding (a getter re-entering the callback)
 * writes its own depth's block and staging, before the outer copy. A result that does not
 * encode is an FfastError `invalid callback result: …; C got a zeroed struct`; what a getter
 * throws passes through. Either way nothing reaches staging and C keeps the zeroes.
 */
function resultPut(T, st, RET) {
  const code = S.codeOf(T);
  const size = T.size;
  const kind = T.kind === 'union' ? 'union' : 'struct';
  const where = 'invalid callback result';
  const blocks = [];
  let depth = 0;
  return function put(r) {
    if (r === SKIP) {
      st.u8.fill(0, RET, RET + size);
      return;
    }
    const d = depth++;
    let b = blocks[d];
    if (b === undefined) {
      const ab = new ArrayBuffer(size);
      b = blocks[d] = { u8: new Uint8Array(ab), dv: new DataView(ab) };
    }
    try {
      if (typeof r !== 'object' || r === null) fail('ERR_FFAST_ARG_TYPE', `${where}: expected an object or a buffer of at least ${size} bytes, got ${describe(r)}`);
      if (!isMem(r)) {
        b.u8.fill(0);
        code.enc(b.dv, 0, r, where, stringSink);
      } else copyIn(b.u8, 0, size, r, where);
    } catch (e) {
      if (e instanceof FfastError && typeof e.message === 'string' && e.message.startsWith(where) && !e.message.endsWith(`C got a zeroed ${kind}`)) {
        throw new FfastError(e.code, `${e.message}; C got a zeroed ${kind}`);
      }
      throw e;
    } finally {
      depth--;
    }
    st.u8.set(b.u8, RET);
  };
}

/**
 * The canonical signature of a callback definition read with readOwn (`parameters`, `result`):
 * `{ parameters, result, key }`, checked as callback() checks it (no 'buffer' parameter, no
 * 'string' result: callback.rs check_signature says why).
 */
function callbackSignature(d, where) {
  const parameters = d.parameters === undefined ? [] : ownArray(d.parameters, `${where}: parameters`, MAX_PARAMS);
  if (d.result === undefined) fail('ERR_FFAST_DEFINITION', `${where}: the definition has no 'result' (say result: 'void' for a function that returns nothing)`);
  const ps = parameters.map((p, i) => callbackTypeText(p, `${where}: parameter ${i}`));
  const rs = callbackTypeText(d.result, `${where}: result`, true);
  checkCallbackResultType(d.result, `${where}: result`);
  const sig = signatureOf('callback', ps, rs);
  const b = sig.parameters.indexOf('buffer');
  if (b >= 0) fail('ERR_FFAST_TYPE', `${where}: parameter ${b}: 'buffer' is not a callback parameter type (C passes an address: use 'pointer')`);
  if (sig.result === 'string') {
    fail('ERR_FFAST_TYPE', `${where}: result: 'string' is not supported (a JS string's C copy cannot outlive the callback's return); return a pointer to memory you own`);
  }
  // Wide string parameters ('pointer' in the canonical signature) are decoded for a plain JS
  // function: the pool of such a signature is its own (poolFor).
  const wide = wideParams(parameters);
  // Type objects of aggregates (docs/callbacks.md §7.3: the pool's dispatcher decodes with them).
  const types = parameters.map((p) => (S.isType(p) ? p : null));
  const resultType = S.isType(d.result) ? d.result : null;
  return { parameters: sig.parameters, result: sig.result, key: `${sig.parameters.join(',')})${sig.result}`, wide, types, resultType };
}

/** A typed function type `{ function: { parameters, result } }` (what: where it is, for messages). */
function functionType(t, what) {
  const keys = ownKeys(t, what);
  if (!keys.includes('function')) {
    fail('ERR_FFAST_TYPE', `${what} must be a type name or a type object (or { function: { parameters, result } } for a C function pointer), got ${describe(t)}`);
  }
  const inner = readOwn(t, ['function'], what).function;
  if (inner === null || typeof inner !== 'object') {
    fail('ERR_FFAST_DEFINITION', `${what}: function must be the C function's definition { parameters, result }, got ${describe(inner)}`);
  }
  // threads, onError and deadlockMs belong to a prepared Callback (callback()).
  const d = readOwn(inner, ['parameters', 'result'], `${what}: function`);
  return callbackSignature(d, `${what}: function`);
}

/**
 * `fn`, or, when some of `parameters` are wide strings (docs/pointers.md §7), a function that
 * decodes those from the addresses C passed (NULL is null) and calls `fn` with the strings.
 */
function wideCallbackArgs(parameters, fn) {
  return decodingWide(wideParams(parameters), fn);
}
/** [index, unit] of each wide string parameter of a callback definition (checked already). */
function wideParams(parameters) {
  const wide = [];
  parameters.forEach((p, i) => {
    const c = typeof p === 'string' && p.length <= 128 ? cTypeName(p, `in callback definition: parameter ${i}`) : null;
    if (c === 'u16string' || c === 'u32string') wide.push([i, c === 'u16string' ? 2 : 4]);
  });
  return wide;
}
/** `fn`, or a function decoding the `wide` parameters before calling it. */
function decodingWide(wide, fn) {
  if (wide.length === 0) return fn;
  return function wideArgs(...args) {
    for (const [i, unit] of wide) args[i] = decodeWide(args[i], undefined, unit, `callback parameter ${i}`);
    return Reflect.apply(fn, this, args);
  };
}

/** A unique marker: no error recorded. */
const NONE = Symbol('ffast.none');
/** Per-call function pools by signature key (this thread's: each isolate has its own module). */
const pools = new Map();

/** The pool of a typed function signature: `{ parameters, result, key, free, dflt, make }`. */
function poolFor(f) {
  const pk = f.wide.length === 0 ? f.key : `${f.key}|${f.wide.join(';')}`;
  let P = pools.get(pk);
  if (P === undefined) {
    const r = f.result;
    // What C gets when JS is not run (the value the native side gives for a missing result).
    // (An aggregate result: SKIP, which the aggregate wrapper turns into zeroes.)
    const dflt = f.resultType !== null ? SKIP : r === 'void' ? undefined : r === 'bool' ? false : r === 'pointer' ? null : 0;
    P = { parameters: f.parameters, result: r, key: f.key, free: [], dflt, wide: f.wide, types: f.types, resultType: f.resultType };
    pools.set(pk, P);
  }
  return P;
}

const releasedWarning = () =>
  process.emitWarning(
    new FfastError(
      'ERR_FFAST_CLOSED',
      'a JS function passed for a call was called by C after that call returned (C kept the pointer; make a Callback with callback() for that); C got the default value',
    ),
  );

/**
 * A pool entry: an ordinary callback, never closed, whose JS function calls the entry's `fn`
 * (the function of the call holding the entry) — or, once that function threw, gives C the
 * default value without running JS again; or, released, warns (C kept the pointer).
 */
function makeEntry(P) {
  const e = { fn: null, err: NONE, pointer: 0 };
  const n = P.parameters.length;
  const as = Array.from({ length: n }, (_, i) => `a${i}`).join(', ');
  const disp = instantiate(
    ['e', 'NONE', 'released', 'dflt'],
    `"use strict"; return function ffastPerCall(${as}) {
      const f = e.fn;
      if (f === null) { released(); return dflt; }
      if (e.err !== NONE) return dflt;
      return f(${as});
    };`,
    [e, NONE, releasedWarning, P.dflt],
  );
  // The first error of a call is the call's (it throws it when C returns); with no call (a
  // late error delivered after the release), a warning.
  const report = (err) => {
    if (e.fn !== null) {
      if (e.err === NONE) e.err = err;
    } else orphanReport(err);
  };
  const dispw = decodingWide(P.wide, disp);
  let fn = returnsPointer(P.result) ? pointerResults(dispw) : dispw;
  // Structs and unions by value: decoded from and encoded into the entry's staging block.
  const aggs = P.resultType !== null || P.types.some((T) => T !== null);
  const st = aggs ? { u8: null, dv: null } : null;
  if (aggs) fn = aggregateCallback(fn, P.types, P.resultType, P.parameters, P.result, st);
  const [id, pointer] = native.callbackCreate(P.parameters, P.result, fn, report, orphanReport, { queue: false, deadlockMs: 100 });
  if (aggs) stagingInto(st, id);
  e.pointer = pointer;
  return e;
}

/** Point `st` at callback `id`'s staging block (native callback.rs AggInfo). */
function stagingInto(st, id) {
  const ab = native.callbackStaging(id);
  st.u8 = new Uint8Array(ab);
  st.dv = new DataView(ab);
}

/** Take an entry for a call (made when the pool is empty: its size is the deepest nesting). */
function acquire(P) {
  return P.free.length > 0 ? P.free.pop() : makeEntry(P);
}

/** Give an entry back when its call returned; what its function threw, or NONE. */
function release(P, e) {
  const err = e.err;
  e.fn = null;
  e.err = NONE;
  P.free.push(e);
  return err;
}

/** Release `es` (entries or null) of pools `ps`; the first error recorded, or NONE. */
function releaseAll(es, ps) {
  let x = NONE;
  for (let j = 0; j < es.length; j++) {
    if (es[j] === null) continue;
    const y = release(ps[j], es[j]);
    if (x === NONE) x = y;
  }
  return x;
}

/** A nonblocking call's Promise: the entries are released, and an error rethrown, when it settles. */
function afterPerCall(p, es, ps) {
  return p.then(
    (v) => {
      const x = releaseAll(es, ps);
      if (x !== NONE) throw x;
      return v;
    },
    (err) => {
      const x = releaseAll(es, ps);
      throw x !== NONE ? x : err;
    },
  );
}

/**
 * A typed function argument that is not a JS function, null or undefined: a Callback of the
 * same signature, or an address (passed as is: `cb.pointer` passes a Callback of another
 * signature on purpose).
 */
function typedFnArg(v, P, i, name) {
  if (typeof v === 'object' && callbacks.has(v)) {
    if (v.closed) fail('ERR_FFAST_CLOSED', `invalid argument ${i}: a closed Callback for '${name}'`);
    const key = callbackKeys_.get(v);
    if (key !== P.key) {
      fail(
        'ERR_FFAST_ARG_TYPE',
        `invalid argument ${i}: a Callback of signature ${sigText(key)} for a function pointer of signature ${sigText(P.key)} (pass its .pointer to pass it anyway) for '${name}'`,
      );
    }
    return v.pointer;
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 64) return v;
    return fail('ERR_FFAST_ARG_RANGE', `invalid argument ${i}: ${show(v)} is not an address for '${name}'`);
  }
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= MAX_ADDRESS) return v;
    return fail('ERR_FFAST_ARG_RANGE', `invalid argument ${i}: ${show(v)} is not an address for '${name}'`);
  }
  return fail(
    'ERR_FFAST_ARG_TYPE',
    `invalid argument ${i}: expected a function, a Callback of signature ${sigText(P.key)}, an address or null, got ${describe(v)} for '${name}'`,
  );
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

/** Whether a callback result type is a pointer (`pointer`, `function`, `void*`, …). */
function returnsPointer(result) {
  try {
    return signatureOf('callback', [], result).result === 'pointer';
  } catch {
    return false; // (not a valid result type: callbackCreate says why)
  }
}

/**
 * `fn` for a callback whose result is a pointer: a Callback it returns converts as a pointer
 * argument does (README "Callbacks": results convert as arguments do) — an open one gives C
 * its address, a closed one is ERR_FFAST_CLOSED (reported, and C gets the default value, as
 * for any exception the function throws). The native conversion of results knows Numbers,
 * BigInts and null; the Callback brand (the `callbacks` WeakSet) is known here. Only
 * pointer-result callbacks get this wrapper, so no other callback pays for it.
 */
function pointerResults(fn) {
  return function ffastPointerResult() {
    const r = Reflect.apply(fn, undefined, arguments);
    if (typeof r === 'object' && r !== null && callbacks.has(r)) {
      if (r.closed) fail('ERR_FFAST_CLOSED', 'invalid callback result: a closed Callback; C got the default value');
      return r.pointer;
    }
    // A per-call function lives for one call: it cannot outlive this return.
    if (typeof r === 'function') {
      fail('ERR_FFAST_ARG_TYPE', 'invalid callback result: a JS function for a function result; return a Callback made with callback() (C keeps it); C got the default value');
    }
    return r;
  };
}

/**
 * A C function pointer that calls `fn`.
 * definition: { parameters, result, threads?: 'block' | 'queue', onError?: (err) => void,
 *   deadlockMs?: number }, read as dlopen's definitions are (own properties, each once).
 */
function callback(definition, fn) {
  if (definition === null || typeof definition !== 'object') {
    fail('ERR_FFAST_DEFINITION', `callback: definition must be an object, got ${describe(definition)}`);
  }
  if (typeof fn !== 'function') fail('ERR_FFAST_ARG_TYPE', `callback: expected a function, got ${describe(fn)}`);
  const d = readOwn(definition, callbackKeys, 'callback: definition');
  const parameters = d.parameters === undefined ? [] : ownArray(d.parameters, 'callback: parameters', MAX_PARAMS);
  if (d.result === undefined) fail('ERR_FFAST_DEFINITION', "callback: the definition has no 'result' (say result: 'void' for a function that returns nothing)");
  const { result, threads = 'block', onError, deadlockMs = 100 } = d;
  // Type names; a typed function `{ function: … }` is a function pointer (an address).
  const texts = parameters.map((p, i) => {
    // A JS function cannot be called variadically: C would need to know the types at run time.
    if (isMarker(p)) fail('ERR_FFAST_UNSUPPORTED', `in callback definition: parameter ${i}: a callback cannot be variadic ('${VARIADIC}')`);
    return callbackTypeText(p, `in callback definition: parameter ${i}`);
  });
  const resultText = callbackTypeText(result, 'in callback definition: result', true);
  checkCallbackResultType(result, 'in callback definition: result');
  if (threads !== 'block' && threads !== 'queue') {
    fail('ERR_FFAST_DEFINITION', `callback: threads must be 'block' or 'queue', got ${show(threads)}`);
  }
  if (onError !== undefined && typeof onError !== 'function') {
    fail('ERR_FFAST_DEFINITION', `callback: onError must be a function, got ${describe(onError)}`);
  }
  if (typeof deadlockMs !== 'number' || !(deadlockMs >= 0) || deadlockMs > 2 ** 31) {
    fail('ERR_FFAST_DEFINITION', `callback: deadlockMs must be a number of milliseconds >= 0, got ${show(deadlockMs)}`);
  }
  const report = (err) => deliver(err, onError);
  fn = wideCallbackArgs(parameters, fn);
  let target = returnsPointer(resultText) ? pointerResults(fn) : fn;
  // Structs and unions by value (docs/callbacks.md §7.1): the native side calls a wrapper.
  const types = parameters.map((p) => (S.isType(p) ? p : null));
  const resultType = S.isType(result) ? result : null;
  const aggs = resultType !== null || types.some((T) => T !== null);
  const st = aggs ? { u8: null, dv: null } : null;
  if (aggs) target = aggregateCallback(target, types, resultType, texts, resultText, st);
  const [id, pointer] = native.callbackCreate(texts, resultText, target, report, orphanReport, {
    queue: threads === 'queue',
    deadlockMs,
  });
  if (aggs) stagingInto(st, id);
  const cb = new Callback(id, pointer, Object.freeze({ parameters, result, threads }));
  callbacks.add(cb);
  // Its canonical signature, which a typed function parameter checks (docs/callbacks.md §1.2).
  const sig = signatureOf('callback', texts, resultText);
  callbackKeys_.set(cb, `${sig.parameters.join(',')})${sig.result}`);
  return cb;
}

const suffix = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';

// ------------------------------------------------------------------ C's heap, strings at addresses
// (docs/pointers.md §7, §8.) alloc/free are C's calloc/aligned_alloc/free, so C may free what
// alloc gave and free frees what C's malloc gave.
const cHeap = dlopen(null, {
  calloc: { parameters: ['usize', 'usize'], result: 'pointer' },
  free: { parameters: ['pointer'], result: 'void' },
}).symbols;
const allocInfos = new Map();
/** alloc's size limit: beyond, no allocation can succeed (and the size is no longer exact). */
const ALLOC_MAX = 2 ** 47;
/**
 * `count` elements of `typeOrSize` on C's heap, zero-filled, aligned to >= 16; free with free().
 * The common call (a type seen before, a small count) is small enough for TurboFan to inline,
 * so calloc is a fast call.
 */
function alloc(typeOrSize, count = 1) {
  const info = allocInfos.get(typeOrSize);
  // Only calloc here: an over-aligned type (an N-API call anyway) goes through allocSlow, so that
  // a history of such calls adds no branch to what TurboFan inlines into alloc's callers. With
  // it, alloc plus free outgrew the cumulative inlining budget of a caller using both (Node 22:
  // free was left a call, and its interpreted body called C through the slow path).
  if (info !== undefined && info.align === 16 && typeof count === 'number' && count >= 0 && count <= 0xffffffff && count % 1 === 0) {
    const p = cHeap.calloc(1, info.size * count || 1);
    if (p !== null) return p;
  }
  return allocSlow(typeOrSize, count);
}
/** Zeroed memory aligned beyond malloc's 16; aligned_alloc wants a multiple of the alignment (C11 §7.22.3.1). */
function allocAligned(total, align) {
  return native.alignedCalloc(align, Math.max(align, Math.ceil(total / align) * align));
}
/**
 * alloc's every other case: new types (their { size, align } cached), over-aligned types, and
 * every error. One function on purpose: its bytecode is above what TurboFan inlines whole (460
 * bytes), so however often it ran, it is never inlined into alloc's callers. Inlined, it took
 * the cumulative inlining budget that the calloc and free wrappers need, and a caller of alloc
 * and free called the left-over wrapper, interpreted, through the slow path (Node 22).
 */
function allocSlow(t, count) {
  let info;
  if (typeof t === 'number') {
    if (!(Number.isSafeInteger(t) && t >= 0)) fail('ERR_FFAST_ARG_RANGE', `alloc: ${show(t)} is not a byte count (a non-negative integer)`);
    info = { size: t, align: 16 };
  } else if (typeof t === 'string') {
    let i = allocInfos.get(t);
    if (i === undefined) {
      const c = t.length <= 128 ? cSpelling(t) : { kind: 'bad' };
      let size;
      if (c !== null) size = c.kind === 'bad' ? undefined : 8;
      else {
        const n = canonicalScalar(t);
        size = n === undefined || n === 'void' || n === 'buffer' ? undefined : n === 'string' || n === 'pointer' ? 8 : ELEMS[n].size;
      }
      if (size === undefined) fail('ERR_FFAST_TYPE', `alloc: ${show(t)} is not a type with a size`);
      i = { size, align: 16 };
      allocInfos.set(t, i);
    }
    info = i;
  } else if (S.isType(t)) {
    let i = allocInfos.get(t);
    if (i === undefined) {
      i = { size: t.size, align: Math.max(16, t.align) };
      allocInfos.set(t, i);
    }
    info = i;
  } else if (S.isPointerType(t)) fail('ERR_FFAST_TYPE', "alloc: pointer(T) is a parameter type; alloc('pointer') gives room for one address");
  else fail('ERR_FFAST_ARG_TYPE', `alloc: expected a type or a byte count, got ${describe(t)}`);
  const { size, align } = info;
  if (typeof count !== 'number') fail('ERR_FFAST_ARG_TYPE', `alloc: count must be a number, got ${describe(count)}`);
  if (!(Number.isSafeInteger(count) && count >= 0)) fail('ERR_FFAST_ARG_RANGE', `alloc: count ${show(count)} is not a non-negative integer`);
  const total = size * count;
  if (!(total <= ALLOC_MAX)) fail('ERR_FFAST_ARG_RANGE', `alloc: cannot allocate ${total} bytes`);
  let p;
  if (align <= 16) p = cHeap.calloc(1, total === 0 ? 1 : total);
  else p = allocAligned(total, align);
  if (p === null) fail('ERR_FFAST_ARG_RANGE', `alloc: cannot allocate ${total} bytes`);
  return p;
}
/** C's free(): what alloc gave, or what C's malloc/strdup gave; NULL does nothing. */
function free(p) {
  if (typeof p === 'number' && p > 0 && p <= MAX_SAFE_NUM && p % 1 === 0) return cHeap.free(p);
  if (p === null || p === undefined || p === 0 || p === 0n) return;
  cHeap.free(checkAddress(p, 'free'));
}

/** The strings of a char** at `p`: `n` of them, or up to the first NULL; NULL entries null. */
function cstrings(p, n) {
  if (n !== undefined) checkLength(n, 'cstrings');
  if (isNull(p)) return null;
  const base = checkAddress(p, 'cstrings');
  const out = [];
  for (let i = 0; n === undefined || i < n; i++) {
    const e = read.pointer(base, i * 8);
    if (e === null && n === undefined) break;
    out.push(e === null ? null : cstring(e));
  }
  return out;
}

/** Wide strings (docs/pointers.md §7): UTF-16 (2-byte units) and UTF-32 (4-byte: wchar_t here). */
const WCHAR = process.platform === 'win32' ? 2 : 4;
/** A JS string's code units in `unit` bytes each, lone surrogates as U+FFFD, plus a 0 unit. */
function wideUnits(s, unit) {
  const out = unit === 2 ? new Uint16Array(s.length + 1) : new Uint32Array(s.length + 1);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        if (unit === 2) {
          out[n++] = c;
          out[n++] = d;
        } else out[n++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    out[n++] = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
  }
  out[n] = 0;
  return out.subarray(0, n + 1);
}
/** Decode `length` units (or up to a 0 unit) of `unit` bytes at address p. */
function decodeWide(p, length, unit, what) {
  if (length !== undefined) checkLength(length, what);
  if (isNull(p)) return null;
  const a = checkAddress(p, what);
  let units;
  if (length !== undefined) units = wideView(a, length * unit, unit);
  else {
    // Up to the 0 unit, a page at a time: memory up to the end of the 4 KiB-aligned block that
    // holds a valid unit is mapped (pages are at least 4 KiB), so nothing past the terminator's
    // page is touched.
    const parts = [];
    let at = a;
    let total = 0;
    for (;;) {
      const chunk = wideView(at, 4096 - (Number(BigInt(at) % 4096n)), unit);
      const end = chunk.indexOf(0);
      parts.push(end < 0 ? chunk : chunk.subarray(0, end));
      total += end < 0 ? chunk.length : end;
      if (end >= 0) break;
      at = typeof at === 'bigint' ? at + BigInt(chunk.byteLength) : at + chunk.byteLength;
    }
    units = unit === 2 ? new Uint16Array(total) : new Uint32Array(total);
    let o = 0;
    for (const c of parts) {
      units.set(c, o);
      o += c.length;
    }
  }
  let s = '';
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (unit === 2) {
      if (u >= 0xd800 && u <= 0xdbff && i + 1 < units.length && units[i + 1] >= 0xdc00 && units[i + 1] <= 0xdfff) {
        s += String.fromCharCode(u, units[++i]);
      } else s += u >= 0xd800 && u <= 0xdfff ? '\ufffd' : String.fromCharCode(u);
    } else s += u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff) ? '\ufffd' : String.fromCodePoint(u);
  }
  return s;
}
/** `bytes` bytes at address a as units (copied: the caller may free the memory). */
function wideView(a, bytes, unit) {
  const n = Math.floor(bytes / unit);
  const ab = n === 0 ? new ArrayBuffer(0) : native.toArrayBuffer(a, n * unit);
  const u8 = new Uint8Array(n * unit);
  u8.set(new Uint8Array(ab));
  return unit === 2 ? new Uint16Array(u8.buffer) : new Uint32Array(u8.buffer);
}
/** The UTF-16 string at p (`length` code units, or up to a 0 unit); null for NULL. */
const u16string = (p, length) => decodeWide(p, length, 2, 'u16string');
/** The UTF-32 string at p (`length` code units, or up to a 0 unit); null for NULL. */
const u32string = (p, length) => decodeWide(p, length, 4, 'u32string');
/** The wchar_t string at p (UTF-32 on Linux and macOS, UTF-16 on Windows); null for NULL. */
const wstring = (p, length) => decodeWide(p, length, WCHAR, 'wstring');

module.exports = {
  dlopen,
  bind,
  callback,
  Callback,
  ptr,
  cstring,
  cstrings,
  u16string,
  u32string,
  wstring,
  alloc,
  free,
  toArrayBuffer,
  struct,
  union,
  array,
  pointer,
  out,
  inout,
  read,
  write,
  suffix,
  errno,
  FfastError,
  __internal: {
    /** Whether BigInt arguments of 64-bit parameters reach a V8 fast call through a twin. */
    bigintTwins: BIGINT_TWINS,
    slowCalls: native.slowCalls,
    loadCheck: native.loadCheck,
    pendingCalls: native.pendingCalls,
    laneCalls: native.laneCalls,
    callbackCounts: native.callbackCounts,
    typeHandles: native.typeHandles,
    jitPages: native.jitPages,
    bufferRoute: native.bufferRoute,
    fastEnabled: info.fast,
    fastReason: info.reason,
    v8: info.v8,
    callbackRoute: info.callbackRoute,
    smi: info.smi,
    templateRoute: info.templateRoute,
    // 'v8' where strings are made by ffast's own V8 function, 'napi' otherwise.
    stringRoute: decoder !== null ? 'v8' : 'napi',
    // The native API itself (makeFunctions' area contract is tested at this level).
    native,
  },
};
