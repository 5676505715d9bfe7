'use strict';
// Element codecs of typed pointers and variables: size, store (strict member rules), load (result rules).

const { TWO63, TWO64 } = require('./bigint-args.js');
const { callbacks, callbackArg } = require('./callback-object.js');
const { fail, describe, show } = require('./errors.js');

/** Element codecs of typed pointers: size, store (strict member rules), load (result rules). */
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

module.exports = { ELEMS };
