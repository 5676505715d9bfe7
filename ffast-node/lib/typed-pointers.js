'use strict';
// Typed pointer parameters (arrays as temporary C arrays), wide string parameters, string result decoders.

const { ptrOf, cstring, wideUnits, decodeWide } = require('./addresses.js');
const { NOT_BUFFER, DETACHED, OUT_OF_BOUNDS, bufferProblem, memoryParts } = require('./buffers.js');
const { callbacks, callbackArg } = require('./callback-object.js');
const { ELEMS } = require('./elements.js');
const { fail, describe, show } = require('./errors.js');
const { native } = require('./native.js');
const { instantiate } = require('./scripts.js');

/** Base addresses of ArrayBuffers given as memory (their data does not move; see typedArg). */
const bufferBase = new WeakMap();
/** The address of memory given for a typed pointer, or a typed error. */
function memoryAddress(v, parts, where) {
  if (parts === DETACHED || parts === OUT_OF_BOUNDS) return fail('ERR_FFAST_ARG_TYPE', `${where}: ${bufferProblem(v, parts)}`);
  // An empty view gets ptr()'s non-NULL address (not cached: an empty buffer has no data yet).
  if (parts.len === 0) return ptrOf(new Uint8Array(parts.buf, parts.start, 0));
  let base = bufferBase.get(parts.buf);
  if (base === undefined) {
    base = ptrOf(parts.buf);
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
const TYPED_DEPS = ['ELEMS', 'tempAddress', 'ptr', 'KEEP_BYTES', 'fail', 'show', 'memoryParts', 'NOT_BUFFER', 'memoryAddress', 'callbacks', 'callbackArg', 'describe', 'wideUnits'];
const typedDeps = { wideUnits: (s, unit) => wideUnits(s, unit), ELEMS, tempAddress: (ab) => native.tempAddress(ab), ptr: (v) => ptrOf(v), KEEP_BYTES, fail, show, memoryParts, NOT_BUFFER, memoryAddress, callbacks: { has: (v) => callbacks.has(v) }, callbackArg: (v) => callbackArg(v), describe };
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
        const parts = memoryParts(a);
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

module.exports = { resultDecoder, typedParam, wideParam };
