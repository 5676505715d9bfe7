'use strict';
// Callback objects: the class, its brand, and a Callback (or a mistake) given for a pointer.

const { isProxy } = require('node:util').types;
const { isAnyArrayBuffer } = require('node:util').types;
const { fail, describe } = require('./errors.js');
const { native } = require('./native.js');
const { fiberForget } = require('./fiber-fns.js');

// ------------------------------------------------------------------ callbacks (README "Callbacks")
const kId = Symbol('ffast.callback');
const kSlot = Symbol('ffast.callback.slot');

/** A JS function callable from C through `pointer`. Made by `callback()`. */
class Callback {
  constructor(id, pointer, definition, slot) {
    this[kId] = id;
    this[kSlot] = slot;
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
    fiberForget(this[kSlot]);
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

module.exports = { Callback, callbackArg, callbackKeys_, callbacks, sigText };
