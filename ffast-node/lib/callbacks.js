'use strict';
// callback(), typed function types and the per-call function pools.

const { stringSink } = require('./arena.js');
const { copyIn, isMem } = require('./buffers.js');
const S = require('./structs/index.js');
const { MAX_ADDRESS, decodeWide } = require('./addresses.js');
const { Callback, callbacks, callbackKeys_, sigText } = require('./callback-object.js');
const { FfastError, fail, describe, show } = require('./errors.js');
const { native } = require('./native.js');
const { fiberRegister } = require('./fiber-fns.js');
const { instantiate } = require('./scripts.js');
const { MAX_PARAMS, VARIADIC, isMarker, signatureOf, MAX_BY_VALUE, cTypeName } = require('./types.js');
const { ownKeys, readOwn, ownArray } = require('./user-objects.js');

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
  const [id, pointer, slot] = native.callbackCreate(P.parameters, P.result, fn, report, orphanReport, { queue: false, deadlockMs: 100 });
  fiberRegister(slot, fn);
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
  const [id, pointer, slot] = native.callbackCreate(texts, resultText, target, report, orphanReport, {
    queue: threads === 'queue',
    deadlockMs,
  });
  fiberRegister(slot, target);
  if (aggs) stagingInto(st, id);
  const cb = new Callback(id, pointer, Object.freeze({ parameters, result, threads }), slot);
  callbacks.add(cb);
  // Its canonical signature, which a typed function parameter checks (docs/callbacks.md §1.2).
  const sig = signatureOf('callback', texts, resultText);
  callbackKeys_.set(cb, `${sig.parameters.join(',')})${sig.result}`);
  return cb;
}

module.exports = { NONE, acquire, afterPerCall, functionType, poolFor, release, typedFnArg, callback };
