'use strict';
// Every error ffast throws (FfastError, fail) and how a message names a value without running its code.

const { isProxy } = require('node:util').types;

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

module.exports = { FfastError, clip, describe, fail, keyName, show };
