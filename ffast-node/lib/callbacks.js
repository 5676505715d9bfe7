'use strict';
// callback(), typed function types and the per-call function pools.

const S = require('./structs/index.js');
const { MAX_ADDRESS } = require('./addresses.js');
const { Callback, callbacks, callbackKeys_, sigText } = require('./callback-object.js');
const { FfastError, fail, describe, show } = require('./errors.js');
const { native } = require('./native.js');
const { instantiate } = require('./scripts.js');
const { MAX_PARAMS, VARIADIC, isMarker, signatureOf } = require('./types.js');
const { ownKeys, readOwn, ownArray } = require('./user-objects.js');

/**
 * A callback parameter or result type as its text: a type name as it is, a typed function
 * `{ function: … }` as 'function' (a function pointer is an address, whatever its signature).
 */
function callbackTypeText(t, what) {
  if (typeof t === 'string') {
    if (t.length > 128) fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)}`);
    return t;
  }
  if (t !== null && typeof t === 'object' && !S.isType(t) && !S.isPointerType(t)) {
    functionType(t, what);
    return 'function';
  }
  if (S.isType(t) || S.isPointerType(t)) {
    // docs/callbacks.md §1.1 has the design; until then C's pointer can be read with T.decode.
    fail('ERR_FFAST_TYPE', `${what}: structs, unions and arrays are not callback types yet; declare 'pointer' and read it with T.decode(p) or T.view(p)`);
  }
  return fail('ERR_FFAST_TYPE', `${what} must be a type name, got ${describe(t)}`);
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
  const rs = callbackTypeText(d.result, `${where}: result`);
  const sig = signatureOf('callback', ps, rs);
  const b = sig.parameters.indexOf('buffer');
  if (b >= 0) fail('ERR_FFAST_TYPE', `${where}: parameter ${b}: 'buffer' is not a callback parameter type (C passes an address: use 'pointer')`);
  if (sig.result === 'string') {
    fail('ERR_FFAST_TYPE', `${where}: result: 'string' is not supported (a JS string's C copy cannot outlive the callback's return); return a pointer to memory you own`);
  }
  return { parameters: sig.parameters, result: sig.result, key: `${sig.parameters.join(',')})${sig.result}` };
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

/** A unique marker: no error recorded. */
const NONE = Symbol('ffast.none');
/** Per-call function pools by signature key (this thread's: each isolate has its own module). */
const pools = new Map();

/** The pool of a typed function signature: `{ parameters, result, key, free, dflt, make }`. */
function poolFor(f) {
  let P = pools.get(f.key);
  if (P === undefined) {
    const r = f.result;
    // What C gets when JS is not run (the value the native side gives for a missing result).
    const dflt = r === 'void' ? undefined : r === 'bool' ? false : r === 'pointer' ? null : 0;
    P = { parameters: f.parameters, result: r, key: f.key, free: [], dflt };
    pools.set(f.key, P);
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
  const fn = returnsPointer(P.result) ? pointerResults(disp) : disp;
  const [, pointer] = native.callbackCreate(P.parameters, P.result, fn, report, orphanReport, { queue: false, deadlockMs: 100 });
  e.pointer = pointer;
  return e;
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
  const resultText = callbackTypeText(result, 'in callback definition: result');
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
  const [id, pointer] = native.callbackCreate(texts, resultText, returnsPointer(resultText) ? pointerResults(fn) : fn, report, orphanReport, {
    queue: threads === 'queue',
    deadlockMs,
  });
  const cb = new Callback(id, pointer, Object.freeze({ parameters, result, threads }));
  callbacks.add(cb);
  // Its canonical signature, which a typed function parameter checks (docs/callbacks.md §1.2).
  const sig = signatureOf('callback', texts, resultText);
  callbackKeys_.set(cb, `${sig.parameters.join(',')})${sig.result}`);
  return cb;
}

module.exports = { NONE, acquire, afterPerCall, functionType, poolFor, release, typedFnArg, callback };
