'use strict';
// Type names: canonical scalars, C pointer spellings, signature limits and the canonical-signature cache.

const { fail, show } = require('./errors.js');
const { WCHAR } = require('./addresses.js');
const { native } = require('./native.js');

// ------------------------------------------------------------------ typed pointers
// (docs/pointers.md §2–§5.) pointer('i32'), out(pointer('pointer')), 'int*', 'sqlite3**': a JS
// array is a temporary C array of its elements plus one zeroed element (written back for
// out/inout), memory (a buffer, view or type view) is its address, a Number/BigInt an address,
// null/undefined NULL, a Callback its pointer.

/** Scalars a typed pointer can point to, by canonical name. */
const POINTEES = new Set(['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'isize', 'usize', 'f32', 'f64', 'pointer', 'string']);
const canonicalNames = new Map();
/** The canonical name of a scalar type text (the native parser's), or undefined. */
function canonicalScalar(t) {
  if (typeof t !== 'string' || t.length > 128 || t.includes('\0') || t.includes('*')) return undefined;
  let c = canonicalNames.get(t);
  if (c === undefined) {
    try {
      c = native.signature('type', [t], 'void').parameters[0];
    } catch {
      c = null;
    }
    canonicalNames.set(t, c);
  }
  return c === null ? undefined : c;
}
/** What pointer(t) points to for a type name t: its canonical scalar name, or undefined. */
function scalarPointee(t) {
  const c = canonicalScalar(t);
  return c !== undefined && POINTEES.has(c) ? c : undefined;
}

const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict']);
/** ffast's names of the wide string types: their unit size (wchar_t: 4 on Linux and macOS). */
const WIDE_NAMES = { u16string: 2, u32string: 4, wstring: process.platform === 'win32' ? 2 : 4 };
const spellings = new Map();
/**
 * A C pointer spelling (docs/pointers.md §3): null when the text has no `*` (a scalar name, for
 * the native parser), else { kind: 'string' } (char*), { kind: 'untyped' } (void*, FILE*),
 * { kind: 'typed', to, direction } (int*, const double*, void**, char**) or { kind: 'bad', why }.
 */
function cSpelling(text) {
  if (!text.includes('*')) return null;
  let r = spellings.get(text);
  if (r === undefined) {
    r = parseSpelling(text);
    spellings.set(text, r);
  }
  return r;
}
function parseSpelling(text) {
  const toks = text.match(/\*|[A-Za-z_][A-Za-z0-9_]*|\S/g) || [];
  const first = toks.indexOf('*');
  const head = toks.slice(0, first);
  const tail = toks.slice(first);
  const bad = (why) => ({ kind: 'bad', why });
  if (tail.some((x) => x !== '*' && !QUALIFIERS.has(x))) return bad('only qualifiers may follow a *');
  const words = head.filter((w) => !QUALIFIERS.has(w));
  if (words.length === 0 || words.some((w) => !/^[A-Za-z_]\w*$/.test(w))) return bad('expected a type name before the *');
  const stars = tail.filter((x) => x === '*').length;
  // The qualifiers written immediately before the last star qualify the pointee.
  const last = tail.lastIndexOf('*');
  const pointeeQuals = stars === 1 ? head.filter((w) => QUALIFIERS.has(w)) : tail.slice(tail.lastIndexOf('*', last - 1) + 1, last);
  const direction = pointeeQuals.includes('const') ? 'in' : 'inout';
  let tagged = false;
  if (words[0] === 'struct' || words[0] === 'union' || words[0] === 'enum') {
    if (words.length !== 2) return bad('expected one name after struct/union/enum');
    tagged = true;
  }
  const base = words.join(' ');
  if (!tagged && base === 'char') return stars === 1 ? { kind: 'string' } : { kind: 'typed', to: 'string', direction };
  if (!tagged && (base === 'wchar_t' || base === 'char16_t' || base === 'char32_t')) {
    const unit = base === 'char16_t' ? 2 : base === 'char32_t' ? 4 : WCHAR;
    if (stars === 1) return { kind: 'wide', unit };
    // wchar_t** and the like: a list of wide strings (docs/pointers.md §3), as char** is of UTF-8 ones.
    return { kind: 'typed', to: stars === 2 ? (unit === 2 ? 'u16string' : 'u32string') : 'pointer', direction };
  }
  const scalar = tagged || base === 'void' ? undefined : scalarPointee(base);
  if (stars >= 2) return { kind: 'typed', to: 'pointer', direction };
  if (scalar !== undefined && scalar !== 'pointer' && scalar !== 'string') return { kind: 'typed', to: scalar, direction };
  if (scalar === 'pointer') return { kind: 'typed', to: 'pointer', direction }; // pointer*, function*
  // ffast's own names for string and buffer parameters are not C types: 'string*' means nothing.
  if (scalar === 'string' || (!tagged && canonicalScalar(base) === 'buffer')) return bad(`'${base}' is not a C type (char** is the list of strings)`);
  if (!tagged && words.length > 1) return bad('unknown type name');
  return { kind: 'untyped' };
}

/**
 * A type text where every pointer kind is an address (struct members, callback parameters and
 * results, docs/pointers.md §3): 'string' for char*, 'pointer' for any other pointer spelling
 * (typed or not), 'u16string'/'u32string' for the wide string types (wchar_t by its unit), null
 * for a text that is no pointer spelling (the native parser's scalar names), or ERR_FFAST_TYPE.
 */
function cTypeName(t, what) {
  if (t.length > 128) return null; // the native parser refuses it, quoting the start
  const w = WIDE_NAMES[t.trim()];
  if (w !== undefined) return w === 2 ? 'u16string' : 'u32string';
  const c = cSpelling(t);
  if (c === null) return null;
  if (c.kind === 'bad') fail('ERR_FFAST_TYPE', `${what}: unknown type ${show(t)} (${c.why})`);
  if (c.kind === 'string') return 'string';
  if (c.kind === 'wide') return c.unit === 2 ? 'u16string' : 'u32string';
  return 'pointer';
}

/** ffast_core::signature::MAX_AGGREGATE_SIZE. */
const MAX_BY_VALUE = 4096;
/** ffast_core::signature::MAX_PARAMS: also bounds how much of a user's array is read. */
const MAX_PARAMS = 127;

/** The parameter that marks a variadic function's ellipsis (ffast_core::signature::VARIADIC_MARKER). */
const VARIADIC = '...';
const isMarker = (p) => typeof p === 'string' && p.trim() === VARIADIC;

// Canonical signatures by spelling: a library's symbols share a few signatures, and asking the
// addon once per symbol cost ~1 µs each.
const signatures = new Map();
function signatureOf(key, parameters, result) {
  // NUL separates the spellings; a spelling containing NUL (never a valid type) bypasses the
  // cache, so two different lists can never share a key.
  if (parameters.some((p) => p.includes('\0')) || result.includes('\0')) return native.signature(key, parameters, result);
  const k = `${parameters.length}\0${parameters.join('\0')}\0${result}`;
  let sig = signatures.get(k);
  if (sig === undefined) {
    sig = native.signature(key, parameters, result);
    signatures.set(k, sig);
  }
  return sig;
}

module.exports = { MAX_BY_VALUE, MAX_PARAMS, VARIADIC, WIDE_NAMES, cSpelling, canonicalScalar, isMarker, signatureOf, scalarPointee, cTypeName, QUALIFIERS };
