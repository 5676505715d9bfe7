'use strict';
// The string-result cache (docs/strings.md §6; the table and its rules: src/string_cache.rs).
// A `string` result or cstring(p) whose address holds exactly the bytes it held at an earlier
// decode gets the string made then: one fast call checks the bytes, instead of a regular V8
// callback making a new string. Installed into native.js's strDecode when index.js loads.

const { checkDefinition } = require('./definitions.js');
const { bindNamed } = require('./library.js');
const { ptr } = require('./memory.js');
const { native, nativeCstring, strDecode } = require('./native.js');

const H = native.helpers();
// `internal`: its slow calls (cold code) are not the user's, so slowCalls() leaves them out.
const lookup = bindNamed(H.str_cache, Object.assign(checkDefinition('strCache', { parameters: ['usize', 'usize'], result: 'i32' }), { internal: true }), 'strCache');
// This copy of ffast's JS owns its table (an ArrayBuffer's backing store never moves) and the
// strings of its entries, entry i's at strs[i]. The table must stay reachable for as long as T
// is used: nothing but the exports below refers to it (a module-scope const that no closure
// uses is not kept alive; collected, its memory was freed while lookups still wrote to it).
// ENTRIES of 80 bytes each: src/string_cache.rs (ENTRIES, Entry), checked before use.
const ENTRIES = 64;
if (native.strCacheBytes() !== ENTRIES * 80) throw new Error('ffast: string cache table layout mismatch');
const table = new Uint8Array(ENTRIES * 80);
const T = ptr(table);
const strs = new Array(ENTRIES).fill(undefined);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// When most decodes miss (the bytes at an address change from call to call: a row buffer, a
// formatted message), the check and the copy are spent for nothing: every WINDOW decodes, fewer
// than WINDOW / 4 hits turn the cache off for the next PAUSE decodes, then it is tried again. So
// a program that only misses pays for the cache on about 1 decode in 17.
const WINDOW = 256;
const PAUSE = 4096;
let seen = 0;
let hits = 0;
let paused = 0;

/**
 * Decode the string at `p` (a non-NULL Number address), from the cache when the bytes there are
 * the cached ones. On a miss the table already holds the new bytes, so the entry's string is
 * cleared before decoding: were the decoder to throw, the entry would be decoded again next time
 * rather than answer with the old string.
 */
function cachedCstring(p) {
  if (paused > 0) {
    paused--;
    return nativeCstring(p);
  }
  if (p > MAX_SAFE) return nativeCstring(p);
  if (++seen === WINDOW) {
    if (hits < WINDOW / 4) paused = PAUSE;
    seen = 0;
    hits = 0;
  }
  const r = lookup(T, p);
  if (r >= 0) {
    hits++;
    const s = strs[r];
    if (s !== undefined) return s;
    return (strs[r] = nativeCstring(p));
  }
  if (r === -1) return nativeCstring(p);
  const i = -2 - r;
  strs[i] = undefined;
  return (strs[i] = nativeCstring(p));
}

strDecode.cstr = cachedCstring;

module.exports = { cachedCstring, table };
