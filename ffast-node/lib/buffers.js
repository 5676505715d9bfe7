'use strict';
// Which kind of buffer a value is (brand checks), and memory given for an aggregate.

const { isAnyArrayBuffer } = require('node:util').types;
const { fail, describe } = require('./errors.js');

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

/**
 * A `buffer` argument's check in the generated wrappers: null, undefined, or a buffer that is
 * attached and in bounds. A non-empty typed array — the common case — passes on its `length`
 * alone (inlined by TurboFan: ~0–1 ns); everything else is classified by V8's own accessors.
 * (Should an own `length` property lie about a detached array, C still never gets NULL for it:
 * the native side gives every empty buffer a non-NULL address, see convert.rs `non_null`.)
 */
const isBuf = (v) => v === null || v === undefined || (ArrayBuffer.isView(v) && v.length > 0) || typeof bufferParts(v) === 'object';

// ------------------------------------------------------------------ memory or object?
// An aggregate (a struct or union by value, pointer(T), out/inout, a result target) is given
// either as memory — a typed array, DataView, ArrayBuffer, SharedArrayBuffer, or a view made by
// T.view — whose bytes are used, or as an object whose members are encoded (and stored back).
// Which one a value is, is decided everywhere by brand checks, as for `buffer` parameters
// (bufferParts): ArrayBuffer.isView, util.types.isAnyArrayBuffer and the view brand
// (ViewBrand below) look at what the value is, never at a property, prototype or
// toStringTag it shows. A look-alike (Object.create(ArrayBuffer.prototype), an object with a
// view's prototype) or a Proxy around a buffer or view is therefore an object, and is encoded
// and stored into as one.

const kDv = Symbol('ffast.view.dataView');
const kOff = Symbol('ffast.view.offset');

/**
 * The brand of every view made here: `new ViewBrand(view)` (in each view constructor) gives
 * the view a private field, and `#view in v` tells a view from anything else, reading no
 * property and running no Proxy trap (a look-alike made with Object.create(View.prototype),
 * an object that copied the symbols, or a Proxy around a view has no brand). The field is
 * added by a class whose base returns the object it is given (a derived class's fields are
 * put on whatever `super()` returns), because every view class has its own generated text:
 * with a common base class holding the field, a nested member access (`v.b.x`) went from
 * 2–10 ns to 73–92 ns (V8 no longer elided the view's allocation); the brand added this way
 * costs nothing measurable (docs/definitions-and-memory.md).
 */
function ReturnTarget(o) {
  return o;
}
class ViewBrand extends ReturnTarget {
  #view = true;
  static has(v) {
    return v !== null && typeof v === 'object' && #view in v;
  }
}

/**
 * `{ buf, start, len }` of memory given by value: a buffer or view (bufferParts), or a type
 * view (its bytes from its offset on); else why not (NOT_BUFFER, DETACHED, OUT_OF_BOUNDS).
 * Brand checks only: a look-alike of either is NOT_BUFFER, and nothing of the value's runs.
 */
function memoryParts(v) {
  if (ArrayBuffer.isView(v) || !ViewBrand.has(v)) return bufferParts(v);
  const parts = bufferParts(v[kDv]);
  if (typeof parts !== 'object') return parts;
  const off = v[kOff];
  // (a view's offset is always in its DataView; one made by calling a view class's
  // constructor with other arguments is memory only if they make sense)
  if (!(Number.isSafeInteger(off) && off >= 0 && off <= parts.len)) return NOT_BUFFER;
  return { buf: parts.buf, start: parts.start + off, len: parts.len - off };
}

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
  if (v[kDv] !== undefined) return ViewBrand.has(v);
  return (v instanceof ArrayBuffer || (hasSAB && v instanceof SharedArrayBuffer)) && isAnyArrayBuffer(v);
}

/**
 * Memory given for `size` bytes of an aggregate at byte `offset` (classified once, by
 * memoryParts, for arguments, results and T.encode/decode/view alike): its `{ buf, start, len }`
 * when it is memory holding them, else a typed error naming `where`. `forType`: given to
 * T.encode/decode/view, which also take an address (the errors say so); else given for an
 * argument or a result, which may also be an object (see isMem).
 */
function memorySpan(v, offset, size, where, forType) {
  const parts = memoryParts(v);
  if (typeof parts !== 'object') {
    const want = forType ? 'a buffer, typed array, DataView, type view or pointer' : `an object or a buffer of at least ${size} bytes`;
    return fail('ERR_FFAST_ARG_TYPE', `${where}: ${parts === NOT_BUFFER ? `expected ${want}, got ${describe(v)}` : bufferProblem(v, parts)}`);
  }
  if (offset + size > parts.len) {
    fail('ERR_FFAST_ARG_RANGE', forType ? `${where}: ${size} bytes at offset ${offset} do not fit in ${parts.len} bytes` : `${where}: ${parts.len} bytes given, the type needs ${size}`);
  }
  return parts;
}

/** The first `size` bytes of memory given for an aggregate (see isMem), as a Uint8Array. */
function bytesOf(v, size, where) {
  const parts = memorySpan(v, 0, size, where, false);
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

module.exports = { memorySpan, DETACHED, NOT_BUFFER, OUT_OF_BOUNDS, bufferParts, bufferProblem, copyBack, copyIn, isBuf, isMem, memoryParts, outPrep, kDv, kOff, ViewBrand };
