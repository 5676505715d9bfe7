'use strict';
// What the generated encoders and decoders call: errors with member paths, storing into the
// caller's object, 64-bit members, string members.

const { decodeWide } = require('../addresses.js');
const { isProxy } = require('node:util').types;
const { FfastError, fail, describe, show, keyName } = require('../errors.js');
const { native } = require('../native.js');

/** A string member's text (rstr): the addon's N-API decoder. */
const cstring = (p) => native.cstring(p);

// --------------------------------------------------------------------------- errors (called from generated code)
// `w` says where (`argument 0 of 'f'`, `struct.encode`), `p` is the member path inside the
// value. A type's code throws with its own paths; a parent that called it (a nested type too
// big to inline) puts its own part in front on the way out (`reframe`), so a message names
// the whole path and the success path carries no strings.
const at = (w, p) => (p === '' ? w : `${w}: field '${p}'`);
/** Errors thrown by encoders → { w: where, p: member path, rest: the rest of the message }. */
const framed = new WeakMap();
function pathFail(code, w, p, rest) {
  const e = new FfastError(code, `${at(w, p)}: ${rest}`);
  framed.set(e, { w, p, rest });
  throw e;
}
/** Rethrow `e` (from a nested type's code) with `prefix` in front of its member path. */
function reframe(e, prefix) {
  const f = framed.get(e);
  if (f !== undefined) {
    f.p = f.p === '' ? prefix : f.p[0] === '[' ? prefix + f.p : `${prefix}.${f.p}`;
    e.message = `${at(f.w, f.p)}: ${f.rest}`;
  }
  throw e;
}
function typeErr(w, p, want, v) {
  if (v === undefined) pathFail('ERR_FFAST_ARG_TYPE', w, p, `missing (expected ${want})`);
  pathFail('ERR_FFAST_ARG_TYPE', w, p, `expected ${want}, got ${describe(v)}`);
}
function rangeErr(w, p, want, v) {
  pathFail('ERR_FFAST_ARG_RANGE', w, p, `${typeof v === 'bigint' ? `${v}n` : show(v)} is out of range for ${want}`);
}
function unionErr(w, p, names, n) {
  pathFail('ERR_FFAST_ARG_TYPE', w, p, `a union takes exactly one member (${names}), got ${n}`);
}
function lengthErr(w, p, want, v) {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') typeErr(w, p, `an array of ${want}`, v);
  pathFail('ERR_FFAST_ARG_RANGE', w, p, `expected ${want} elements, got ${v.length}`);
}
/** Define an own data property (a member named `__proto__` must not set the prototype). */
function defOwn(t, k, v) {
  Object.defineProperty(t, k, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true });
}

// --------------------------------------------------------------------------- storing into the caller's object
// (docs/bad-input-matrix.md R3.) decInto stores C's values with plain assignments, as the
// caller would; a store can fail two ways. The object itself refuses it (frozen, a read-only
// member, a getter without a setter, not extensible, a module namespace): nothing of the
// caller's ran, the failure is ffast's finding, and it becomes ERR_FFAST_ARG_TYPE naming
// the members, after every other member has been stored. Or code of the caller's ran (a
// setter, a Proxy trap) and threw: that is the caller's own outcome and passes through
// unchanged, as an exception a getter throws while encoding does; a Proxy whose set trap
// returns false counts as such code (its trap ran; the engine's TypeError passes through).
// Telling the two apart needs no call of the caller's code: an ordinary object's own
// property descriptors and prototype say whether a setter or a Proxy was reached.

/** One store, as decInto makes it (strict: a refused store throws). */
function storeOne(t, k, v) {
  if (k === '__proto__') defOwn(t, k, v);
  else t[k] = v;
}

/**
 * Whether storing `k` into `t` reached code of the caller's: a Proxy (a trap) or a setter
 * found on the way up the prototype chain. Reads only descriptors and prototypes of
 * objects that are not Proxies, which runs no user code.
 */
function storeRanCode(t, k) {
  try {
    if (k === '__proto__') return isProxy(t); // defineProperty: a Proxy's trap, nothing else
    for (let o = t; o !== null; o = Object.getPrototypeOf(o)) {
      if (isProxy(o)) return true;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d !== undefined) return Object.hasOwn(d, 'set') && d.set !== undefined;
    }
    return false;
  } catch {
    // (an exotic object whose descriptor cannot be read, e.g. a module namespace binding
    // in its temporal dead zone: the engine's own refusal)
    return false;
  }
}

/** Why an object refused a store that ran none of the caller's code (storeRanCode false). */
function refusal(t, k) {
  try {
    if (k === '__proto__') {
      const d = Object.getOwnPropertyDescriptor(t, k);
      if (d !== undefined && !d.configurable) return 'read-only';
    } else {
      for (let o = t; o !== null; o = Object.getPrototypeOf(o)) {
        const d = Object.getOwnPropertyDescriptor(o, k);
        if (d === undefined) continue;
        if (!Object.hasOwn(d, 'value')) return 'a getter without a setter';
        if (!d.writable) return 'read-only';
        if (o === t) return 'refused';
        break;
      }
    }
    return Object.isExtensible(t) ? 'refused' : 'the object is not extensible';
  } catch {
    return 'refused';
  }
}

/**
 * decInto's store number `k` into `t` threw `e`: finish the stores after it, then report
 * every refused one (see above). `type`: `keys` (the member names; null for an array, whose
 * keys are the indices), `n` (how many) and `dec`, which decodes the values again from C's
 * block (an object by member name, or an array): only a setter that called the same function
 * again could have changed that block by then.
 */
function storeRest(e, t, k, dv, o, w, type) {
  const { keys, n } = type;
  const decoded = type.dec(dv, o);
  const refused = [];
  let first;
  for (let j = k; ; ) {
    const key = keys === null ? j : keys[j];
    if (storeRanCode(t, key)) throw e;
    refused.push(`${keys === null ? `[${j}]` : keyName(key)} (${refusal(t, key)})`);
    if (first === undefined) first = e;
    for (j++; j < n; j++) {
      try {
        const key = keys === null ? j : keys[j];
        storeOne(t, key, decoded[key]);
      } catch (x) {
        e = x;
        break;
      }
    }
    if (j >= n) break;
  }
  const what = keys === null ? 'element' : 'member';
  const others = refused.length < n ? `; the other ${what}s were stored` : '';
  fail(
    'ERR_FFAST_ARG_TYPE',
    `${w === undefined ? 'decode' : w}: the object refused C's value for ${what}${refused.length > 1 ? 's' : ''} ${refused.join(', ')}${others}`,
    first,
  );
}

// 64-bit values. Numbers are split into 32-bit halves (no BigInt allocation on the hot path):
// for an integer |v| < 2^64, floor(v / 2^32) and the remainder are exact in doubles.
function w64n(dv, o, v) {
  v = Math.trunc(v);
  const hi = Math.floor(v / 4294967296);
  dv.setUint32(o, v - hi * 4294967296, true);
  dv.setUint32(o + 4, hi, true); // ToUint32 wraps a negative hi to its two's complement
}
// Reads: Number when |v| ≤ 2^53−1 (as results do), else BigInt. hi·2^32 is exact; adding lo
// rounds only beyond 2^53, and rounding never brings an unsafe value back into the safe range.
function r64(dv, o) {
  const v = dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  return v >= -9007199254740991 && v <= 9007199254740991 ? v : dv.getBigInt64(o, true);
}
function ru64(dv, o) {
  const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  return v <= 9007199254740991 ? v : dv.getBigUint64(o, true);
}
function rptr(dv, o) {
  const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  return v === 0 ? null : v <= 9007199254740991 ? v : dv.getBigUint64(o, true);
}
/** A string member: NULL is null, else the UTF-8 text at the address (as cstring reads it). */
function rstr(dv, o) {
  const p = rptr(dv, o);
  return p === null ? null : cstring(p);
}
/** A wide string member: NULL is null, else the UTF-16/UTF-32 text at the address. */
function rwstr(dv, o, unit) {
  const p = rptr(dv, o);
  return p === null ? null : decodeWide(p, undefined, unit, 'string member');
}
/**
 * The string sink of T.encode and view setters: there is no call for a copy to live for
 * (docs/struct-strings.md §1); null is never given to a sink.
 */
function noSink(v, w, p) {
  pathFail(
    'ERR_FFAST_UNSUPPORTED',
    w,
    p,
    `a string member's C copy lives for one call, and ${w} has none; write null, or make the member a 'pointer' to memory you own`,
  );
}
const I64MIN = -(2n ** 63n);
const I64MAX = 2n ** 63n - 1n;
const U64MAX = 2n ** 64n - 1n;

module.exports = { typeErr, rangeErr, unionErr, lengthErr, reframe, defOwn, storeRest, w64n, r64, ru64, rptr, rstr, noSink, I64MIN, I64MAX, U64MAX, rwstr };
