'use strict';
// Memory: read.*/write.*, ptr, alloc/free, cstrings.

const S = require('./structs/index.js');
const { MAX_SAFE_NUM, checkAddress, checkOffset, checkLength, isNull, cstring, setPtr } = require('./addresses.js');
const { bufferParts, bufferProblem, isBuf } = require('./buffers.js');
const { checkDefinition } = require('./definitions.js');
const { ELEMS } = require('./elements.js');
const { fail, describe, show } = require('./errors.js');
const { dlopen, bindNamed, namespace, own } = require('./library.js');
const { native } = require('./native.js');
const { canonicalScalar, cSpelling } = require('./types.js');

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
/**
 * Accessor → the bound function it calls (tests: a "cold" check of an accessor must find both
 * unoptimized; with every test file in one process, an earlier file's hot loops optimized the
 * inner one, which then made fast calls under an interpreted accessor).
 */
const innerOf = new WeakMap();

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
  const f = new Function('raw', 'addr', 'off', src)(raw, checkAddress, checkOffset);
  innerOf.set(f, raw);
  return f;
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
setPtr(ptr);

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

module.exports = { read, write, ptr, alloc, free, cstrings, innerOf };
