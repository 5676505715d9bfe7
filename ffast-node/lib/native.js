'use strict';
// The native addon: found, loaded and initialized once; the per-thread slots it shares with JS.

const path = require('node:path');
const { FfastError } = require('./errors.js');

function loadNative() {
  const candidates = [
    process.env.FFAST_NATIVE,
    path.join(__dirname, '..', `ffast.${process.platform}-${process.arch}.node`),
    path.join(__dirname, '..', 'ffast.node'),
  ].filter(Boolean);
  let lastErr;
  for (const p of candidates) {
    try {
      return require(p);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
      lastErr = e;
    }
  }
  throw new Error(
    `ffast: native addon not found for ${process.platform}-${process.arch} (tried ${candidates.join(', ')}). ` +
      'Build it with `bash ffast-node/build.sh`.',
    { cause: lastErr },
  );
}

const native = loadNative();

const info = native.init(FfastError);
if (!info.fast && !process.env.FFAST_NO_FAST && !process.env.FFAST_QUIET) {
  process.emitWarning(`ffast: V8 fast calls are off (${info.reason}); calls use the N-API path`, {
    code: 'FFAST_NO_FAST_CALLS',
  });
}

/**
 * The decoder of `string` results and cstring(): V8's own function making the string
 * (`convert.rs` cstring_entry, docs/strings.md §4) where the addon could make one, else the
 * N-API `cstring`. Given a non-NULL address as a Number (and a checked byteLength only when
 * there is one).
 */
const decoder = info.decoder;
const nativeCstring = decoder !== null ? decoder : (p) => native.cstring(p);
/**
 * What decodes a `string` result and cstring(p) of a non-NULL Number address: `cstr` starts as
 * the plain decoder; lib/string-cache.js puts the cached one in its place when index.js loads
 * (before any user function is made: wrappers read `cstr` when they are made).
 */
const strDecode = { cstr: nativeCstring };

const wideBuf = native.wideSlot();
// This thread's saved errno (docs/errno.md): errno: true calls write it, errno() reads it.
const errnoCell = new Int32Array(native.errnoSlot());
const wideI64 = new BigInt64Array(wideBuf);
const wideU64 = new BigUint64Array(wideBuf);

module.exports = { decoder, errnoCell, info, native, nativeCstring, strDecode, wideI64, wideU64 };
