'use strict';
// The type model shared by the struct modules: which objects are types (and their internals),
// the scalars a member may have, a type's canonical text and its label in messages.

const { cTypeName } = require('../types.js');
const { fail, show } = require('../errors.js');
const { native } = require('../native.js');

/** Every type object made here (a look-alike object cannot pass for one). */
const typeObjects = new WeakSet();
/** pointer(T) parameter types. */
const pointerTypes = new WeakSet();
/** Per type object: its internals (compiled code, field table). */
const internals = new WeakMap();

/** ffast_core::layout::MAX_NESTING: how deep types nest (the native walks recurse per level). */
const MAX_NESTING = 100;
/** A nested type of at most this many nodes is inlined into its parent's code; a bigger one is called. */
const INLINE_MAX = 24;

// --------------------------------------------------------------------------- scalars
// Scalars a field may have, by canonical name (what native layout() prints): byte size and
// the DataView accessors. A 'string' (char*) member is a pointer-sized member whose JS value
// is a string: encoded into a copy that lives for the call (the encoder's string sink, see
// docs/struct-strings.md), decoded with cstring().
const SCALARS = {
  bool: { size: 1 },
  i8: { size: 1, get: 'getInt8', set: 'setInt8', min: -128, max: 127 },
  u8: { size: 1, get: 'getUint8', set: 'setUint8', min: 0, max: 255 },
  i16: { size: 2, get: 'getInt16', set: 'setInt16', min: -32768, max: 32767 },
  u16: { size: 2, get: 'getUint16', set: 'setUint16', min: 0, max: 65535 },
  i32: { size: 4, get: 'getInt32', set: 'setInt32', min: -2147483648, max: 2147483647 },
  u32: { size: 4, get: 'getUint32', set: 'setUint32', min: 0, max: 4294967295 },
  i64: { size: 8, wide: 'signed' },
  isize: { size: 8, wide: 'signed' },
  u64: { size: 8, wide: 'unsigned' },
  usize: { size: 8, wide: 'unsigned' },
  pointer: { size: 8, wide: 'pointer' },
  string: { size: 8, wide: 'string' },
  // Wide string members (docs/pointers.md §7): the `string` member rules, copies in UTF-16 or
  // UTF-32 (wchar_t: by its unit), decoded with u16string()/u32string(). The native layout
  // sees a pointer (TEXT).
  u16string: { size: 8, wide: 'string', unit: 2 },
  u32string: { size: 8, wide: 'string', unit: 4 },
  f32: { size: 4, get: 'getFloat32', set: 'setFloat32', float: true },
  f64: { size: 8, get: 'getFloat64', set: 'setFloat64', float: true },
};
const scalarCache = new Map();
/** A scalar member's name in the native text: a wide string member is an address there. */
const TEXT = { u16string: 'pointer', u32string: 'pointer' };
const textOf = (t) => TEXT[t] || t;

/** Canonical scalar name of a field type spelling, or a typed error. */
function scalarName(spelling, where) {
  const hit = scalarCache.get(spelling);
  if (hit) return hit;
  // The grammar's delimiters would let a "type name" smuggle a composite into the text.
  if (/[{}[\];<>@:,#"]/.test(spelling)) {
    fail('ERR_FFAST_TYPE', `${where}: ${show(spelling)} is not a scalar type name (use ffast.struct/union/array for composites)`);
  }
  if (spelling.length > 128) fail('ERR_FFAST_TYPE', `${where}: unknown type '${spelling.slice(0, 60)}…'`);
  // C pointer spellings (docs/pointers.md §3): every pointer kind is an 8-byte address member,
  // char* a string member.
  const c = cTypeName(spelling, where);
  if (c !== null) {
    if (!SCALARS[c]) fail('ERR_FFAST_TYPE', `${where}: '${spelling}' cannot be a field type`);
    scalarCache.set(spelling, c);
    return c;
  }
  let l;
  try {
    l = native.layout(spelling);
  } catch (e) {
    fail('ERR_FFAST_TYPE', `${where}: unknown type '${spelling}'`);
  }
  const name = l.type;
  if (!SCALARS[name]) fail('ERR_FFAST_TYPE', `${where}: '${spelling}' cannot be a field type`);
  scalarCache.set(spelling, name);
  return name;
}

// --------------------------------------------------------------------------- names and texts
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** A member name as the text form spells it (ffast_core::desc::write_name does the same). */
const nameTok = (name) => (IDENT.test(name) ? name : JSON.stringify(name));
const sizeOf = (t) => (typeof t === 'string' ? SCALARS[t].size : t.size);

/**
 * The canonical text of a type (ffast_core::desc), built on first use and kept. Built with
 * `+`, so a level costs its own members (V8 joins the children's texts without copying them
 * until the string is read).
 */
function typeText(info) {
  if (info.text !== undefined) return info.text;
  const tt = (t) => (typeof t === 'string' ? textOf(t) : typeText(internals.get(t)));
  let s;
  if (info.fields) {
    s = `${info.kind}${info.pack !== undefined ? `<${info.pack}>` : ''}{`;
    info.fields.forEach((f, i) => {
      s += `${i ? ',' : ''}${nameTok(f.name)}:${tt(f.type)}${f.align !== undefined ? `@${f.align}` : ''}`;
    });
    s += '}';
  } else {
    s = `[${tt(info.element)};${info.length}]`;
  }
  info.text = s;
  return s;
}

/** T.type: the text, or a typed error where it cannot be a JS string (a type built from shared parts can outgrow that). */
function publicText(info) {
  try {
    return typeText(info);
  } catch (e) {
    if (e instanceof RangeError) {
      return fail('ERR_FFAST_UNSUPPORTED', `${info.kind} (${info.size} bytes): its text is longer than a JS string can be`, e);
    }
    throw e;
  }
}

/** A short name of a type for messages and generated-code labels (never the whole text of a big type). */
function label(info) {
  if (info.nodes <= 8) {
    const t = typeText(info);
    if (t.length <= 60) return t;
  }
  return `${info.kind} of ${info.size} bytes`;
}

module.exports = { typeObjects, pointerTypes, internals, MAX_NESTING, INLINE_MAX, SCALARS, scalarName, IDENT, nameTok, sizeOf, typeText, publicText, label, textOf };
