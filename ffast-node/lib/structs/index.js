// ffast: C aggregate types for JS — struct, union, array type objects, their JS ⇄ memory
// encoders/decoders, zero-copy views, and `pointer(T)` parameter types.
//
// There is one layout engine, ffast-core's (ffast-core/src/layout.rs, property-tested against
// gcc): a type object describes its own level in the text form of ffast_core::desc, naming each
// member type object by the native handle it got (`#i`), and asks the native `layout(text,
// handles)` for its size, alignment and field offsets. These modules only turn those numbers into
// code: per type, `new Function` generates a flat encoder, decoder and view class (small nested
// types and array loops inlined, DataView stores, little-endian), so a hot loop over a struct
// runs monomorphic, inlinable code without per-field dispatch.
//
// Building and using a type costs what its own level costs: a nested type is never described,
// laid out or compiled again by its parents (big ones are called, not inlined), and the full
// text (`T.type`) is spelled out only when asked for. Member names are arbitrary strings: the
// generated code only ever holds them as JSON string literals (`v["my name"]`, computed class
// keys), never as identifiers (docs/definitions-and-memory.md: the ECMAScript rules behind it).
//
// The modules, in layers: model (which objects are types, scalars, texts) and runtime (what
// generated code calls) below codegen (compile: encoders, decoders, views), below constructors
// (struct/union/array/pointer). This file is what the rest of ffast uses.

'use strict';

const { typeObjects, pointerTypes, internals } = require('./model.js');
const { struct, union, array, pointer, redirect } = require('./constructors.js');

module.exports = {
  struct,
  union,
  array,
  pointer,
  out: redirect('out'),
  inout: redirect('inout'),
  isType: (t) => t !== null && typeof t === 'object' && typeObjects.has(t),
  isPointerType: (t) => t !== null && typeof t === 'object' && pointerTypes.has(t),
  codeOf: (t) => internals.get(t).code,
  hasStrings: (t) => internals.get(t).hasStrings,
};
