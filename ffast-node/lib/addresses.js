'use strict';
// Addresses a user hands ffast, byte counts, and strings at addresses (UTF-8, UTF-16, UTF-32).

const { FfastError, fail, describe, show } = require('./errors.js');
const { native, decoder, strDecode } = require('./native.js');
const { thrownMessage } = require('./user-objects.js');

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

// ------------------------------------------------------------------ ptr(), for the layers below it
// ptr() is a bound helper (memory.js binds it through the wrapper generator, so it is a fast
// call), yet the generator and the typed pointers below it need a buffer's address too (a
// pointer(T) argument's temporary, memory given for a typed pointer). memory.js hands ptr()
// down here as soon as it is made, while index.js loads, before any user code runs (what
// memory.js binds before it are scalar signatures, which need no address): the layers below
// call it through ptrOf, and no module requires one above its own.
let ptrFn = null;
/** ptr(v) (memory.js); never called before memory.js has set it. */
const ptrOf = (v) => ptrFn(v);
/** Called once by memory.js with ptr. */
function setPtr(f) {
  ptrFn = f;
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
  return byteLength === undefined ? strDecode.cstr(p) : decoder(p, byteLength);
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

module.exports = { MAX_ADDRESS, MAX_SAFE_NUM, WCHAR, checkAddress, checkLength, checkOffset, cstring, decodeWide, isNull, ptrOf, setPtr, toArrayBuffer, wideUnits, u16string, u32string, wstring };
