'use strict';
// 64-bit arguments: BigInt twins, u64 Numbers beyond 2^63, BigInts as Numbers without twins.

const { info } = require('./native.js');

// ------------------------------------------------------------------ BigInt arguments
// (docs/pointers.md §10.) V8 takes only Numbers on the fast path of a 64-bit parameter; a BigInt
// deoptimized the caller and took the slow path, 7–30× a Number call. Where V8 can take
// BigInts there (V8 12+: Node 22, 24, 26), every function with a 64-bit or pointer parameter
// has a BigInt twin (binding.rs): the same trampoline, registered with V8's BigInt
// representation. The wrapper calls the twin when every 64-bit argument is a BigInt in ffast's
// range [-2^63, 2^64) — V8 would silently truncate any other BigInt mod 2^64, so those go to
// the Number function, whose slow path throws ERR_FFAST_ARG_RANGE as before. A Number for a
// twin's BigInt parameter would deoptimize the caller, so mixed calls also go to the Number
// function (its slow path is exact). Without twins (Node 20), a BigInt that is exact as a
// Number after the two's-complement mapping (|v| <= 2^53: every user-space address) becomes
// that Number, which the fast path takes (a negative Number reaches a uint64 parameter as its
// two's complement, docs/v8-fast-api.md §5.1); any other BigInt stays one (slow path, exact).

const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

/** The parameter types V8 passes as int64/uint64 (fast_api.rs param_ctype). */
const WIDE = new Set(['pointer', 'i64', 'u64', 'isize', 'usize']);
// On arm64 too: the deoptimizer abort that kept twins off there was V8's stack-pointer slip after
// fast calls with odd numbers of both integer and float stack arguments (docs/v8-fast-api.md
// §6.1), which twins reached as plain fast calls do; such signatures now get no fast target,
// hence no twin (docs/pointers.md §10).
const BIGINT_TWINS = info.bigintTwins === true;
/**
 * u64/usize parameters: V8's fast path takes a Number only in the int64 range, so a Number in
 * [2^63, 2^64) (valid for an unsigned parameter, README "Types") deoptimized the caller. The
 * wrapper gives V8 its two's complement instead (exact: such doubles are multiples of 2^11),
 * which reaches C as the same 64 bits (docs/v8-fast-api.md §5.1).
 */
const UNSIGNED64 = new Set(['u64', 'usize']);
/**
 * A u64/usize argument that is not a Number below 2^63: a Number in [2^63, 2^64) as its two's
 * complement; without twins, a BigInt through bigArg; anything else unchanged (one call, so a
 * wrapper of many such parameters stays small enough to inline).
 */
function highU64(a) {
  if (typeof a === 'number') return a < 18446744073709551616 ? a - 18446744073709551616 : a;
  if (typeof a === 'bigint' && !BIGINT_TWINS) return bigArg(a);
  return a;
}

/**
 * Generated text: whether every one of `vars` is a BigInt in [-2^63, 2^64). With several, the
 * test beyond the first `typeof` is a call (bigOk, named `ok` in the text), so a wrapper of many
 * 64-bit parameters stays small enough for TurboFan to inline (ten inline tests made a wrapper
 * of ten i64 parameters lose the fast call on Node 26).
 */
const bigintTest = (vars, ok) =>
  vars.length === 1
    ? `typeof ${vars[0]}==='bigint'&&(BigInt.asUintN(64,${vars[0]})===${vars[0]}||BigInt.asIntN(64,${vars[0]})===${vars[0]})`
    : `(${vars
        .slice(0, 3)
        .map((v) => `typeof ${v}==='bigint'`)
        .join('||')})&&${ok}(${vars.join(',')})`;
/**
 * Generated text: the twin's arguments. With several 64-bit parameters, a BigInt in one of them
 * (a BigInt handle next to a length, a typed pointer's temporary next to a BigInt value) calls
 * the twin with the Numbers among them made BigInts (bigOk checked them: integers in range),
 * since a Number for a twin's parameter would deoptimize the caller.
 */
const twinArgs = (args, wideVars, nb) => args.map((a) => (wideVars.length > 1 && wideVars.includes(a) ? `(typeof ${a}==='bigint'?${a}:${nb}(${a}))` : a)).join(',');
/**
 * Whether the twin can take these 64-bit arguments (see bigintTest): BigInts in [-2^63, 2^64)
 * and integer Numbers in that range, at least one of them a BigInt (the caller checked the
 * first three; any other mix goes to the Number function, whose slow path is exact).
 */
function bigOk(...xs) {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x === 'bigint') {
      if (BigInt.asUintN(64, x) !== x && BigInt.asIntN(64, x) !== x) return false;
    } else if (!(typeof x === 'number' && Number.isInteger(x) && x >= -TWO63 && x < TWO64)) return false;
  }
  return true;
}

const big64 = new BigInt64Array(1);
const big32 = new Int32Array(big64.buffer);
/** Without twins: a BigInt argument as the Number the fast path takes, when exact (see above). */
function bigArg(x) {
  if (BigInt.asUintN(64, x) !== x && BigInt.asIntN(64, x) !== x) return x; // the slow path's range error
  big64[0] = x; // two's complement, little-endian on every supported target
  const hi = big32[1];
  return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + (big32[0] >>> 0) : x;
}

module.exports = { BIGINT_TWINS, TWO63, TWO64, UNSIGNED64, WIDE, bigArg, bigOk, bigintTest, highU64, twinArgs };
