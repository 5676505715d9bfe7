'use strict';
// Which callers take ffast's fast path on this Node line (docs/v8-fast-api.md §9, §10):
// a caller optimized before the wrapper had feedback, a TurboFan caller, the same inside try {},
// a Maglev caller (Node 24+) and a never-optimized caller; 1000 calls each, counting
// ffast's slow-path entries. Run `node docs/probes/fast-tiers.js` (and again with
// --no-turbo-fast-api-calls) after `bash ffast-node/build.sh`; the fixture is built by the tests.
require('v8').setFlagsFromString('--allow-natives-syntax');
const h = require('../../ffast-node/test/_helpers.js');
const { add_i32 } = h.ffast.dlopen(h.FIXTURE, { add_i32: { parameters: ['i32', 'i32'], result: 'i32' } }).symbols;
const nat = (s) => new Function('f', s);
const prepare = nat('%PrepareFunctionForOptimization(f)');
const turbofan = nat('%OptimizeFunctionOnNextCall(f)');
const maglev = h.major >= 24 ? nat('%OptimizeMaglevOnNextCall(f)') : null;
const tier = (f) => (nat('return %ActiveTierIsTurbofan(f)')(f) ? 'turbofan' : h.major >= 24 && nat('return %ActiveTierIsMaglev(f)')(f) ? 'maglev' : 'unoptimized');

function run(label, body, { optimize = turbofan, warm = 30 } = {}) {
  const f = new Function('g', `return function ${label.replace(/\W/g, '_')}(a, b) { ${body} };`)(add_i32);
  if (optimize) {
    prepare(f);
    for (let k = 0; k < warm; k++) f(1, 2);
    optimize(f);
    f(1, 2);
  } else {
    nat('%NeverOptimizeFunction(f)')(f);
  }
  const start = tier(f);
  const before = h.slowCalls();
  for (let i = 0; i < 1000; i++) if (f(i, 1) !== i + 1) throw new Error(`${label}: wrong result`);
  // Maglev code tiers up to TurboFan after enough calls: both tiers are printed.
  console.log(`  ${label}: ${start} -> ${tier(f)}, ${h.slowCalls() - before} of 1000 calls slow`);
}

console.log(`${process.version} (V8 ${process.versions.v8}) ${process.execArgv.join(' ')}`);
// First, while the wrapper of add_i32 has never run: it gets its feedback vector only after a few
// calls, and a caller optimized before that calls it generically.
run('optimized after 2 warm-up calls', 'return g(a, b);', { warm: 2 });
run('plain', 'return g(a, b);');
run('inside try', 'try { return g(a, b); } catch { return -1; }');
if (maglev) run('maglev', 'return g(a, b);', { optimize: maglev });
run('never optimized', 'return g(a, b);', { optimize: null });
