'use strict';
// Child process of examples.test.js: runs one example program (examples/*.js) cold or hot and
// prints a JSON report as its last line of output (after a marker).
//
//   node --no-turbofan _example-runner.js cold <example.js>
//   node --allow-natives-syntax [tier-up flags] _example-runner.js hot <example.js> '<{"check": expectedSlowCalls, …}>'
//
// An example is either a script (its top-level code is the program; the README's examples) or
// a module exporting `main()` and `checks` ({ name: function }): each check does one piece of
// the program's work, asserts its results (against known values, node's own zlib/crypto, …)
// and returns a short deterministic summary; main() runs the program as `node examples/x.js`
// does.
//
// cold: TurboFan is off for the whole process (--no-turbofan), so no call can be a V8 fast call:
//       each check runs once and must have entered ffast's slow path (__internal.slowCalls()
//       grew), then main().
// hot:  each check runs in a loop, as a real program's hot code does, until V8 has optimized
//       what it calls: the loop ends once STABLE consecutive iterations each took exactly the
//       expected number of slow calls — 0 unless the check makes calls that are never fast
//       (nonblocking functions, functions that take callbacks; the test says which and why) —
//       and the check function itself is TurboFan code (so a check whose every call is slow by
//       design still ends optimized). Every iteration's result must equal the first's, and the
//       check asserts its own results every time. Then main() runs once more, through the
//       optimized code. The test lowers V8's tier-up thresholds tenfold (examples.test.js says
//       why): that changes when V8 optimizes, not what it produces.
const assert = require('node:assert/strict');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const MARK = '@@ffast-example-report ';
const STABLE = 5;
// With the test's tier-up flags a check reaches its fast calls within ~1,000 iterations; the cap
// only turns "never" into a failure.
const MAX_ITERATIONS = Number(process.env.FFAST_EXAMPLE_MAX_ITERATIONS) || 20000;

const [mode, file, expectJson = '{}'] = process.argv.slice(2);
const expect = JSON.parse(expectJson);
const ffast = require('..');
const slowCalls = () => ffast.__internal.slowCalls();

function report(r) {
  process.stdout.write('\n' + MARK + JSON.stringify(r) + '\n');
}

async function runCold(mod) {
  assert.ok(process.execArgv.includes('--no-turbofan'), 'cold runs need --no-turbofan');
  const checks = {};
  for (const [name, check] of Object.entries(mod.checks)) {
    const before = slowCalls();
    const result = await check();
    const slow = slowCalls() - before;
    assert.ok(slow > 0, `cold ${name}: no call entered ffast's slow path`);
    checks[name] = { result, slow };
  }
  return checks;
}

async function runHot(mod) {
  // Parsed only now, after the flag check: %-syntax is a syntax error without it.
  assert.ok(process.execArgv.includes('--allow-natives-syntax'), 'hot runs need --allow-natives-syntax');
  const isTurbofan = new Function('f', 'return %ActiveTierIsTurbofan(f)');
  const checks = {};
  for (const [name, check] of Object.entries(mod.checks)) {
    // A number; the counts allowed where V8 varies between runs; or '>=n': any count from n on,
    // stable for STABLE iterations (examples.test.js says where, and why)
    const spec = expect[name] ?? 0;
    const atLeast = typeof spec === 'string' ? Number(spec.slice(2)) : null;
    const allowed = atLeast === null ? [].concat(spec) : null;
    const ok = (n) => (atLeast === null ? allowed.includes(n) : n >= atLeast);
    const want = atLeast === null ? Math.min(...allowed) : atLeast;
    const history = [];
    let first;
    let run = 0;
    for (let i = 1; ; i++) {
      const before = slowCalls();
      let result = check();
      if (result instanceof Promise) result = await result;
      const slow = slowCalls() - before;
      history.push(slow);
      if (i === 1) first = result;
      else assert.deepEqual(result, first, `hot ${name}: iteration ${i} returned another result`);
      // Fewer than expected from TurboFan code means the expectation is wrong. (Before the check
      // itself is optimized there can be fewer: the interpreter calls wrappers that TurboFan
      // already optimized, whose calls are fast, where the optimized check's may not be — Node
      // 22's async functions, docs/v8-fast-api.md §10.3.)
      const optimized = isTurbofan(check);
      assert.ok(slow >= want || !optimized, `hot ${name}: ${slow} slow calls in iteration ${i} from TurboFan code, fewer than the ${want} expected (${history.slice(-8)})`);
      run = ok(slow) && optimized && (run === 0 || slow === history[i - 2]) ? run + 1 : ok(slow) && optimized ? 1 : 0;
      if (run === STABLE) {
        checks[name] = { result: first, iterations: i, slow: history.slice(-12) };
        break;
      }
      if (i >= MAX_ITERATIONS) {
        const tier = isTurbofan(check) ? 'TurboFan' : 'not TurboFan';
        assert.fail(`hot ${name}: after ${i} iterations still not ${STABLE} in a row with exactly ${atLeast === null ? allowed.join(' or ') : spec} slow call(s) from TurboFan code; last: ${history.slice(-20)}; the check is ${tier}`);
      }
    }
  }
  return checks;
}

(async () => {
  const before = slowCalls();
  const mod = file.endsWith('.mjs') ? await import(pathToFileURL(path.resolve(file)).href) : require(path.resolve(file));
  if (typeof mod.main !== 'function') {
    // A script: loading it ran it.
    if (mode === 'cold') assert.ok(slowCalls() > before, `cold ${file}: no call entered ffast's slow path`);
    report({ mode, checks: null });
    return;
  }
  assert.equal(typeof mod.checks, 'object', `${file} exports main() but no checks`);
  const checks = mode === 'cold' ? await runCold(mod) : await runHot(mod);
  // The program itself, last (it closes its libraries).
  process.stdout.write(MARK + 'main\n');
  await mod.main();
  report({ mode, checks });
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exitCode = 1;
});
