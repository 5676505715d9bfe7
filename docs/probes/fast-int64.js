'use strict';
// Which 64-bit argument values V8's fast path passes for kInt64/kUint64 parameters declared with
// the kNumber representation (docs/v8-fast-api.md §6): each value is given to a TurboFan caller
// optimized on small Numbers (BigInts for the BigInt cases); prints the result, whether the call
// was slow and whether the caller is still TurboFan. Run `node docs/probes/fast-int64.js`.
require('v8').setFlagsFromString('--allow-natives-syntax');
const h = require('../../ffast-node/test/_helpers.js');
const S = h.ffast.dlopen(h.FIXTURE, {
  u64_hi: { parameters: ['u64'], result: 'u32' },
  i64_hi: { parameters: ['i64'], result: 'u32' },
}).symbols;
const nat = (s) => new Function('f', s);
console.log(`${process.version} (V8 ${process.versions.v8})`);
for (const [name, values] of [['u64_hi', [2 ** 60, -1, 2 ** 64, 1.5, 10n]], ['i64_hi', [2 ** 62, -(2 ** 63), 2 ** 63, 0.5, -1n]]]) {
  for (const v of values) {
    const caller = new Function('g', `return function c_${name}_${String(v).replace(/\W/g, '_')}(x) { return g(x); };`)(S[name]);
    const warm = typeof v === 'bigint' ? 1n : 1;
    nat('%PrepareFunctionForOptimization(f)')(caller);
    for (let k = 0; k < 30; k++) caller(warm);
    nat('%OptimizeFunctionOnNextCall(f)')(caller);
    caller(warm);
    const before = h.slowCalls();
    let r;
    try {
      r = caller(v);
    } catch (e) {
      r = e.code;
    }
    const shown = typeof v === 'bigint' ? `${v}n` : String(v);
    console.log(`  ${name}(${shown}) -> ${r}: ${h.slowCalls() - before ? 'slow' : 'fast'}, caller ${nat('return %ActiveTierIsTurbofan(f)')(caller) ? 'still TurboFan' : 'deoptimized'}`);
  }
}
