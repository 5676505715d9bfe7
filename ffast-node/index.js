'use strict';
// ffast: the public API. The native addon turns each definition into a V8 function whose
// fast-call target is a JIT trampoline; ffast wraps each one in a small generated JS function
// that checks what V8's fast path cannot (argument count, buffer kinds, closed libraries) and
// turns the fast-call result representation into the JS value (null for NULL, BigInt for
// 64-bit values beyond 2^53, strings). The wrapper is tiny and monomorphic, so TurboFan
// inlines it and the call costs what the fast call costs.
//
// This file only gathers the public API; the code is in lib/, one job per module, in layers:
// a module requires only modules of lower layers (scripts/js-layers.js reads the require()
// graph of lib/, fails on a cycle and prints these layers; CI runs it):
//
//   1  errors          FfastError, fail; values named in messages without running their code
//      scripts         compiled factory scripts (instantiate); generated wrappers' stack frames
//   2  native          the addon, loaded and initialized once; the per-thread slots
//      user-objects    reading definitions and options: own properties, each once
//      buffers         which kind of buffer a value is; memory given for an aggregate
//   3  addresses       addresses, byte counts, strings at addresses (UTF-8, UTF-16, UTF-32)
//      bigint-args     64-bit arguments: BigInt twins, u64 Numbers beyond 2^63
//      errno           errno()
//      fiber-fns       the fiber mode's callback functions by slot index
//   4  arena           the per-call copies of string members (UTF-8 and wide)
//      callback-object the Callback class, its brand, a Callback given for a pointer
//      types           type names, C pointer spellings, limits, canonical signatures
//      elements        element codecs of typed pointers and variables
//      structs/runtime what generated struct code calls (errors with member paths, stores)
//   5  structs/model   which objects are types; member scalars; a type's text and label
//      typed-pointers  typed pointer and wide string parameters, string result decoders
//   6  structs/codegen per type: generated encoder, decoder, decode-into, view class
//   7  structs/constructors  struct(), union(), array(), pointer(T), out/inout
//   8  structs/index   what the rest of ffast uses of the struct modules
//   9  callbacks       callback() (scalars and structs by value), typed function types,
//                      per-call function pools
//  10  definitions     the definition keys; checking definitions (and their caches); type specs
//      wrappers        the wrapper generator: one table of argument checks, one of results
//  11  variadic        variadic functions: the dispatcher and its shapes
//  12  library         dlopen, lazy binding, bind, close
//  13  memory          read.* / write.*, ptr, alloc / free, cstrings
//      fiber-loop      the fiber mode's JS loop: calls parked callbacks, resumes C by fast calls
//
// A new parameter type goes into definitions (typeSpec) and wrappers (how it is passed), a new
// error code into the module that detects it (fail from errors), a new V8 line's facts into
// native and the generator. One tie points down at run time instead of up: ptr() is made in
// memory (a bound helper, so a fast call) and handed to addresses (setPtr), through which the
// generator and the typed pointers reach it (addresses.js says why).

const { FfastError } = require('./lib/errors.js');
const { native, info, decoder } = require('./lib/native.js');
const { BIGINT_TWINS } = require('./lib/bigint-args.js');
const { cstring, toArrayBuffer, u16string, u32string, wstring } = require('./lib/addresses.js');
const { Callback } = require('./lib/callback-object.js');
const { struct, union, array, pointer, out, inout } = require('./lib/structs/index.js');
const { callback } = require('./lib/callbacks.js');
const { dlopen, bind, suffix } = require('./lib/library.js');
const { read, write, ptr, alloc, free, cstrings, innerOf: memoryInner } = require('./lib/memory.js');
require('./lib/string-cache.js'); // installs the cached string decoder before any dlopen
const { errno } = require('./lib/errno.js');
require('./lib/fiber-loop.js'); // the fiber mode's JS loop of tracked calls (docs/callbacks.md §11)

module.exports = {
  dlopen,
  bind,
  callback,
  Callback,
  ptr,
  cstring,
  cstrings,
  u16string,
  u32string,
  wstring,
  alloc,
  free,
  toArrayBuffer,
  struct,
  union,
  array,
  pointer,
  out,
  inout,
  read,
  write,
  suffix,
  errno,
  FfastError,
  __internal: {
    /** The bound function a read.* / write.* accessor calls (tests; lib/memory.js). */
    innerOf: (f) => memoryInner.get(f),
    /** Whether BigInt arguments of 64-bit parameters reach a V8 fast call through a twin. */
    bigintTwins: BIGINT_TWINS,
    slowCalls: native.slowCalls,
    loadCheck: native.loadCheck,
    pendingCalls: native.pendingCalls,
    laneCalls: native.laneCalls,
    callbackCounts: native.callbackCounts,
    typeHandles: native.typeHandles,
    jitPages: native.jitPages,
    bufferRoute: native.bufferRoute,
    fastEnabled: info.fast,
    fastReason: info.reason,
    v8: info.v8,
    callbackRoute: info.callbackRoute,
    smi: info.smi,
    templateRoute: info.templateRoute,
    // 'v8' where strings are made by ffast's own V8 function, 'napi' otherwise.
    stringRoute: decoder !== null ? 'v8' : 'napi',
    // The native API itself (makeFunctions' area contract is tested at this level).
    native,
  },
};
