'use strict';
// The wrapper generator: the JS function around each native function.

const vm = require('node:vm');
const S = require('./structs/index.js');
const { ptrOf } = require('./addresses.js');
const { arena, arenaDone, arenaStale, stringSink } = require('./arena.js');
const { WIDE, BIGINT_TWINS, UNSIGNED64, highU64, bigintTest, twinArgs, bigOk, bigArg } = require('./bigint-args.js');
const { bufferParts, bufferProblem, isBuf, isMem, copyIn, copyBack, outPrep } = require('./buffers.js');
const { callbackArg } = require('./callback-object.js');
const { NONE, acquire, release, afterPerCall, typedFnArg } = require('./callbacks.js');
const { fail, describe } = require('./errors.js');
const { strDecode, wideI64, wideU64 } = require('./native.js');
const { instantiate } = require('./scripts.js');
const { wideParam, resultDecoder, typedParam } = require('./typed-pointers.js');

// Called from generated wrappers (kept out of them so they stay small).
const closedErr = (name) => fail('ERR_FFAST_CLOSED', `'${name}' called after its library was closed`);
const countErr = (name, want, got, optional) =>
  fail(
    'ERR_FFAST_ARG_COUNT',
    `expected ${want} argument${want === 1 ? '' : 's'}${optional ? ` (+1 optional result buffer)` : ''}, got ${got} for '${name}'`,
  );
const bufErr = (name, i, v) => fail('ERR_FFAST_ARG_TYPE', `invalid argument ${i}: ${bufferProblem(v, bufferParts(v))} for '${name}'`);
// A `string` parameter takes a string, or null/undefined for NULL; anything else is rejected
// here, before the native call, with exactly the slow path's error (convert.rs: napi_typeof's
// name). V8's fast path must never see it: before V8 14 its one-byte-string check reads only
// the representation and encoding bits of the instance type, so some objects (a Date, the
// global proxy, iterators…) reached C as "strings" made of their own bytes; and on Node 20 an
// exception from the slow callback reached from an optimized fast-call site skips the
// caller's own try/catch (docs/strings.md).
const isExternal = require('node:util').types.isExternal;
const strErr = (name, i, v) =>
  fail(
    'ERR_FFAST_ARG_TYPE',
    `invalid argument ${i}: expected string (or null), got ${v === null ? 'null' : isExternal(v) ? 'external' : typeof v} for '${name}'`,
  );

// ------------------------------------------------------------------ what every wrapper says
// One generator, two forms of output: wrapAll writes batches of wrappers for signatures of
// scalars (one compiled text per shape, run once per CHUNK symbols), wrap a wrapper of its own
// for every other signature (structs, typed pointers, wide strings, typed functions, results
// that are freed). How a scalar parameter is checked and converted before the call, and how
// the value a native function returns becomes the JS value, is written once, here, for both
// forms; each form's text names the helpers it closes over (BATCH, GENERAL).

/** The names of the helpers in the batch form's text (factoryFor binds them). */
const BATCH = { isBuf: 'isBuf', bufErr: 'B', cbArg: 'cb', strErr: 'T', big: 'big', h64: 'h64', wi: 'wi', wu: 'wu', cstr: 'cstr', nul: 'nul' };
/** The names in the general form's text (wrap binds them; `big` and `h64` per wrapper). */
const GENERAL = { isBuf: '$isBuf', bufErr: '$bufErr', cbArg: '$cbArg', strErr: '$strErr', big: null, h64: null, wi: '$wi', wu: '$wu', cstr: '$cstr', nul: '$nul' };

/**
 * Text checking (and converting) scalar argument `a`, parameter `j` of type `t`, before the call;
 * `name` is the text naming the function in errors, `h` the form's helper names. `convert`:
 * BigInts of 64-bit parameters are made Numbers here (no twins; the general form converts all
 * of its 64-bit arguments after the other conversions instead). Pointer (and `function`)
 * parameters also take a Callback object: typeof tests, which a hot caller passing Numbers folds
 * away. A function or a buffer gets an error that says what to do (callbackArg); other objects
 * go on to the native type error. null/undefined for a pointer is 0 before the call: V8's fast
 * path takes only Numbers for a 64-bit parameter, and anything else deoptimized the caller on
 * every call (F1 of docs/pointers.md §6.4). Strings: see strErr. u64/usize: see highU64.
 */
function scalarCheck(t, a, j, name, h, convert) {
  switch (t) {
    case 'buffer':
      return `if(!${h.isBuf}(${a}))${h.bufErr}(${name},${j},${a});`;
    case 'pointer':
      return `if(typeof ${a}==='object'&&${a}!==null||typeof ${a}==='function')${a}=${h.cbArg}(${a},${j},${name});else if(${a}==null)${a}=0;${convert ? `else if(typeof ${a}==='bigint')${a}=${h.big}(${a});` : ''}`;
    case 'string':
      return `if(typeof ${a}!=='string'&&${a}!==null&&${a}!==void 0)${h.strErr}(${name},${j},${a});`;
    default:
      if (UNSIGNED64.has(t)) return `if(typeof ${a}!=='number'||${a}>=9223372036854775808)${a}=${h.h64}(${a});`;
      return convert && WIDE.has(t) ? `if(typeof ${a}==='bigint')${a}=${h.big}(${a});` : '';
  }
}

/**
 * The one result-mapping table: the JS value of the value `v` a native function returned (V8's
 * fast-call representation), as text; `h`: the form's helper names. A result type not listed is
 * its value as it is. A 64-bit result a Number cannot hold exactly comes back as NaN, its 64
 * bits in the thread's wide slot (docs/v8-fast-api.md §7), read through wi/wu (BigInt64Array,
 * BigUint64Array). NULL comes back through a call (nul) rather than a `null` literal: TurboFan
 * prunes a call site that never ran (no feedback), so a hot caller keeps the result an unboxed
 * float64 instead of boxing a HeapNumber to merge it with null. A string is decoded from its
 * address (cstr), NULL is null.
 */
const RESULTS = {
  __proto__: null,
  i64: (v, h) => `${v}===${v}?${v}:${h.wi}[0]`,
  isize: (v, h) => `${v}===${v}?${v}:${h.wi}[0]`,
  u64: (v, h) => `${v}===${v}?${v}:${h.wu}[0]`,
  usize: (v, h) => `${v}===${v}?${v}:${h.wu}[0]`,
  pointer: (v, h) => `${v}===${v}?(${v}!==0?${v}:${h.nul}()):${h.wu}[0]`,
  string: (v, h) => `${v}!==0?${h.cstr}(${v}===${v}?${v}:Number(${h.wu}[0])):${h.nul}()`,
};

/** An expression of the JS value of the scalar result in variable `v` (see RESULTS). */
function resultValue(result, v, h) {
  const f = RESULTS[result];
  return f === undefined ? v : f(v, h);
}

/**
 * The wrappers of a batch of native functions (one dlopen, or one bind).
 *
 * Each wrapper needs feedback of its own: a call site that several API functions pass through
 * loses the fast call (rust-fast-calls.md §6.4). Closures made from one function literal share
 * their feedback, so a wrapper literal shared by all symbols of a shape lost the fast call
 * whenever the wrapper was not inlined into its caller (a dispatcher calling many symbols from
 * one call site): measured, 100% slow calls on every Node line. Compiling a text with a literal
 * per symbol avoided that but cost ~2.5 µs per symbol, most of a declaration.
 *
 * What gives feedback of its own without compiling: V8 gives a top-level script function made
 * by each *run* of a compiled vm.Script a fresh closure-feedback array, so the closures created
 * inside one run get feedback cells no other run shares (checked: fastpath.test.js, dispatcher
 * case, every Node line). So each shape has one script, compiled once per process, holding
 * CHUNK literals; one run makes the wrappers of CHUNK symbols of that shape, ~0.4 µs each.
 *
 * Each literal calls its own `const` target (f0…): when TurboFan inlines a wrapper (whose
 * closure it knows), the target folds to a constant and the fast call needs no check. Through
 * an array element (`F[i](…)`) it needed a load and a compare: noop and i32_6 cost 1.4–1.6× the
 * hand-written addon instead of ~1×. Wrappers are methods with a computed key, which makes
 * their `name` the symbol's key (any string) without binding that name inside the body, and
 * makes them non-constructible. The CHUNK methods of a run are members of one object literal:
 * an object literal per wrapper was ~45% of making a wrapper (0.37 against 0.27 µs per wrapper
 * on Node 20 and 26, one literal of 16 members against 16 of one). So the names of a run's
 * wrappers must differ (the names of one wrapAll list do: the keys of one object); the unused
 * slots of a short run get names none of its wrappers has (padNames).
 */
const CHUNK = 16;
const factories = new Map();

function wrapAll(list, state) {
  const out = new Array(list.length);
  const groups = new Map();
  const flush = (g) => {
    const args = [state, wrapErr, bufErr, isBuf, wideI64, wideU64, strDecode.cstr, nul, callbackArg, strErr, bigArg, bigOk, highU64];
    for (let k = 0; k < CHUNK; k++) args.push(g.fns[k]);
    const pad = g.names.length < CHUNK ? padNames(g.names) : null;
    for (let k = 0; k < CHUNK; k++) args.push(k < g.names.length ? g.names[k] : pad[k]);
    for (let k = 0; k < CHUNK; k++) args.push(k < g.twins.length && g.twins[k] !== undefined ? g.twins[k] : null);
    const made = g.script.runInThisContext().apply(null, args);
    for (let k = 0; k < g.at.length; k++) {
      // Two equal names would be one member: the later wrapper in both places.
      for (let m = 0; m < k; m++) if (made[m] === made[k]) fail('ERR_FFAST_INTERNAL', `wrapAll: two wrappers named ${describe(g.names[k])} in one run`);
      out[g.at[k]] = made[k];
    }
    g.at = [];
    g.fns = [];
    g.names = [];
    g.twins = [];
  };
  for (let i = 0; i < list.length; i++) {
    const { params, result, name, fn, nonblocking = false, key, twin } = list[i];
    let g = groups.get(key);
    if (g === undefined) {
      g = { script: factoryFor(key, params, result, nonblocking), at: [], fns: [], names: [], twins: [] };
      groups.set(key, g);
    }
    g.at.push(i);
    g.fns.push(fn);
    g.names.push(name);
    g.twins.push(twin);
    if (g.at.length === CHUNK) flush(g);
  }
  for (const g of groups.values()) if (g.at.length) flush(g);
  return out;
}

/**
 * The wrapper of one native function `fn` (BigInt twin `twin` or undefined), named `name`, of
 * scalar signature `key` (params, result, nonblocking): the same method text as wrapAll's,
 * made by a single-use *maker* (a lazily bound symbol's first read makes one wrapper).
 *
 * A wrapper needs feedback of its own (see wrapAll), which a run of a script gives; but a run
 * (runInThisContext, then the factory's call) was ~40% of a lazily bound symbol's first read.
 * So one run of a shape's maker script makes MAKERS makers, each a function literal of its own
 * (its own feedback cell, fresh per run) holding one wrapper literal: calling a maker once
 * creates that wrapper's closure with feedback no other wrapper shares, exactly as a run of
 * the factory does. A maker called twice would give its two wrappers one feedback cell, so
 * each is taken out of the pool and called once. The state `S` and the targets are the
 * maker's arguments (`const` in its scope, so TurboFan folds an inlined wrapper's target to a
 * constant as in wrapAll's text); so makers serve any library, and a program reading symbols
 * of one shape (from one or more libraries) runs the script once per MAKERS first reads.
 */
const MAKERS = 16;
/** Makers not used yet, per shape key (see wrapOne). */
const makers = new Map();

function wrapOne(fn, twin, name, params, result, nonblocking, key, state) {
  let pool = makers.get(key);
  if (pool === undefined) {
    pool = [];
    makers.set(key, pool);
  }
  if (pool.length === 0) {
    const made = makerScript(key, params, result, nonblocking).runInThisContext()(wrapErr, bufErr, isBuf, wideI64, wideU64, strDecode.cstr, nul, callbackArg, strErr, bigArg, bigOk, highU64);
    for (let k = made.length - 1; k >= 0; k--) pool.push(made[k]);
  }
  return pool.pop()(state, fn, name, twin === undefined ? null : twin);
}

/** The compiled script making MAKERS makers of one shape's wrappers (see wrapOne). */
function makerScript(key, params, result, nonblocking) {
  const id = `maker\u0000${key}`;
  let script = factories.get(id);
  if (script === undefined) {
    const maker = `function(S,F0,N0,W0){const f0=F0,n0=N0,t0=W0;
${twinHelperSource(params, 0, nonblocking)}const o={[n0]${wrapperSource(params, result, 0, nonblocking)}};
return o[n0];}`;
    const src = `"use strict";(function(E,B,isBuf,wi,wu,cstr,nul,cb,T,big,bok,h64){
return [${Array.from({ length: MAKERS }, () => maker).join(',\n')}];})`;
    script = new vm.Script(src, { filename: 'ffast:wrappers' });
    factories.set(id, script);
  }
  return script;
}

/** Names for the unused slots `names.length…CHUNK-1` of a run, none equal to any of `names`. */
function padNames(names) {
  const pad = new Array(CHUNK);
  let mark = '\u0000';
  while (names.some((n) => n.startsWith(mark))) mark += '\u0000';
  for (let k = names.length; k < CHUNK; k++) pad[k] = `${mark}${k}`;
  return pad;
}

/** The compiled script making CHUNK wrappers of one shape (see wrapAll). */
function factoryFor(key, params, result, nonblocking) {
  let script = factories.get(key);
  if (script === undefined) {
    const R = (f) => Array.from({ length: CHUNK }, (_, k) => f(k));
    const src = `"use strict";(function(S,E,B,isBuf,wi,wu,cstr,nul,cb,T,big,bok,h64,${R((k) => `F${k}`).join(',')},${R((k) => `N${k}`).join(',')},${R((k) => `W${k}`).join(',')}){
const ${R((k) => `f${k}=F${k},n${k}=N${k},t${k}=W${k}`).join(',')};
${R((k) => twinHelperSource(params, k, nonblocking)).join('')}
const o={${R((k) => `[n${k}]${wrapperSource(params, result, k, nonblocking)}`).join(',\n')}};
return [${R((k) => `o[n${k}]`).join(',')}];})`;
    script = new vm.Script(src, { filename: 'ffast:wrappers' });
    factories.set(key, script);
  }
  return script;
}

/** Text of c<k>: wrapper k's twin call with its 64-bit Numbers made BigInts (see wrapperSource). */
function twinHelperSource(params, k, nonblocking) {
  const wide = nonblocking ? [] : params.flatMap((t, j) => (WIDE.has(t) ? [j] : []));
  if (!BIGINT_TWINS || wide.length < 2) return '';
  const args = params.map((_, j) => `a${j}`);
  return `const c${k}=function(${args.join(',')}){return t${k}(${twinArgs(args, wide.map((j) => `a${j}`), 'BigInt')})};
`;
}

/** A wrapper's closed or argument-count error (kept out of the wrappers so they stay small). */
const wrapErr = (st, name, want, got) => (st.closed ? closedErr(name) : countErr(name, want, got));

/** Method text (`(params){body}`) of wrapper `k` of a factory: calls `f<k>`, reports as `n<k>`. */
function wrapperSource(params, result, k, nonblocking = false) {
  const n = params.length;
  const args = params.map((_, j) => `a${j}`).join(',');
  // Argument checks and conversions: scalarCheck (BigInts: see the BigInt twins, bigint-args.js).
  const wide = nonblocking ? [] : params.flatMap((t, j) => (WIDE.has(t) ? [j] : []));
  const convert = !BIGINT_TWINS && wide.length > 0;
  const checks = params.map((t, j) => scalarCheck(t, `a${j}`, j, `n${k}`, BATCH, convert)).join('');
  const wv = wide.map((j) => `a${j}`);
  // Several 64-bit parameters: the twin is called through c<k> (twinHelperSource), which makes
  // the Numbers among them BigInts; inline, that text made a wrapper of 9–12 such parameters too
  // large for TurboFan to inline (the fast call was lost).
  const call =
    BIGINT_TWINS && wide.length > 0
      ? `(t${k}!==null&&${bigintTest(wv, 'bok')}?${wide.length > 1 ? `c${k}(${args})` : `t${k}(${args})`}:f${k}(${args}))`
      : `f${k}(${args})`;
  // A nonblocking function returns its Promise as is: the native side settles it with the
  // final JS value (the wide slot cannot carry a result across the event loop).
  const value = nonblocking ? 'r' : resultValue(result, 'r', BATCH);
  const body = value === 'r' ? `return ${call}` : `const r=${call};return ${value}`;
  // Argument count without `arguments` on the hot path: materializing `arguments` (or a rest
  // array) costs ~2 ns per call on Node 24/26 — as much as the whole fast call. One extra formal
  // catches surplus arguments; `arguments.length` is read only when the last formal is
  // undefined, which a well-formed call passes only for NULL pointers/strings/buffers.
  // (A surplus argument that is explicitly `undefined` is therefore not reported.) The extra
  // formal has a default so that the wrapper's `length` is the C parameter count. One branch
  // covers a closed library and a wrong count; E tells them apart.
  const bad = n > 0 ? `S.closed||$x!==void 0||a${n - 1}===void 0&&arguments.length<${n}` : 'S.closed||$x!==void 0';
  return `(${n > 0 ? `${args},` : ''}$x=void 0){if(${bad})E(S,n${k},${n},arguments.length);${checks}${body}}`;
}

/**
 * Generate the wrapper for one native function. Each wrapper is made by its own run of its
 * factory text (instantiate), hence has its own feedback: wrappers made from one closure share
 * call-site feedback and lose the fast path (rust-fast-calls.md §6.4).
 *
 * `m` is what native.makeFunctions made: `{ fn, area, argOffsets, retOffset }`; `d` the checked
 * definition, whose `specs[i]` says how parameter i travels: a scalar (null), a struct/union
 * by value ({ by: 'value', T }) or a pointer(T) ({ by: 'pointer', T, direction }).
 *
 * By value (the area contract, structs-design.md): the wrapper writes each aggregate argument
 * into the binding's native area at argOffsets[i] and calls the V8 function with only the
 * scalar arguments; an aggregate result is read from the area at retOffset after the call.
 */
function wrap(m, name, d, state, twin = null) {
  // makeFunctions gives the bare function when the signature has no by-value aggregate.
  if (typeof m === 'function') m = { fn: m, area: null, argOffsets: null, retOffset: -1 };
  // The native arguments V8 passes as int64/uint64 (BigInt dispatch, see BIGINT_TWINS).
  const wideArgs = [];
  // Typed pointers (typedParam): reads before `pre`, decodes then stores after the call.
  const reads = [];
  // Typed pointer encodes run after every other argument's conversion: a struct argument's
  // getters (user code) may call this function again, which reuses the temporaries.
  const encs = [];
  const decs = [];
  const stores = [];
  const typedBack = [];
  const fn = m.fn;
  const params = d.parameters;
  const result = d.result;
  const specs = d.specs;
  const n = params.length;
  const formalsList = params.map((_, i) => `a${i}`);
  const callArgs = [];
  const pre = [];
  const post = [];
  // Extra values the generated function closes over (named $k0, $k1, …).
  const extra = [];
  // Typed function parameters: [index, pool expression].
  const typed = [];
  const k = (v) => {
    extra.push(v);
    return `$k${extra.length - 1}`;
  };
  let adv = null;
  let au8 = null;
  if (m.area) {
    adv = k(new DataView(m.area));
    au8 = k(new Uint8Array(m.area));
  }
  params.forEach((t, i) => {
    const a = `a${i}`;
    const spec = specs[i];
    if (spec === null) {
      // (BigInts of 64-bit parameters: converted below, after every other argument's conversion.)
      const check = scalarCheck(t, a, i, '$name', UNSIGNED64.has(t) ? { ...GENERAL, h64: k(highU64) } : GENERAL, false);
      if (check !== '') pre.push(check);
      if (WIDE.has(t)) wideArgs.push(a);
      callArgs.push(a);
      return;
    }
    if (spec.by === 'fn') {
      // A typed function parameter (docs/callbacks.md §7.2): a JS function takes a pool entry
      // for this call, released (and what it threw rethrown) when the call returns.
      const P = k(spec.pool);
      typed.push([i, P]);
      pre.push(
        `if (typeof ${a} === 'function') { e${i} = $acq(${P}); e${i}.fn = ${a}; ${a} = e${i}.pointer; }
      else if (${a} !== null && ${a} !== undefined) ${a} = $typedArg(${a}, ${P}, ${i}, $name);`,
      );
      wideArgs.push(a);
      callArgs.push(a);
      return;
    }
    if (spec.by === 'wide') {
      pre.push(`let p${i} = ${k(wideParam(spec.unit, `argument ${i} of '${name}'`, d.nonblocking || d.callbacks))}(${a}, ${d.nonblocking ? 'keep' : 'null'});`);
      callArgs.push(`p${i}`);
      return;
    }
    if (spec.by === 'typed') {
      // Typed pointer (typedParam): the arrays of all parameters are read before any is
      // encoded (their getters may call this function again, which reuses the temporaries),
      // decoded after the call before any is stored into (setters may call it again too).
      const P = typedParam(spec.to, spec.direction, `argument ${i} of '${name}'`, d.nonblocking || d.callbacks);
      const r = `r${i}`;
      reads.push(`const ${r} = typeof ${a} === 'object' && ${a} !== null ? ${k(P.read)}(${a}) : undefined;`);
      encs.push(`let p${i} = ${k(P.enc)}(${a}, ${r});`);
      if (spec.direction !== 'in') {
        decs.push(`const v${i} = ${r} !== undefined ? ${k(P.dec)}(${r}) : undefined;`);
        stores.push(`if (${r} !== undefined) ${k(P.store)}(${r}, v${i});`);
        typedBack.push({ r, dec: k(P.dec), store: k(P.store), i });
      }
      wideArgs.push(`p${i}`);
      callArgs.push(`p${i}`);
      return;
    }
    const code = S.codeOf(spec.T);
    const size = spec.T.size;
    if (spec.by === 'value') {
      const where = k(`argument ${i} of '${name}'`);
      if (!m.area || !(m.argOffsets[i] >= 0)) {
        fail('ERR_FFAST_INTERNAL', `'${name}': the native binding gave no area slot for by-value argument ${i}`);
      }
      const off = m.argOffsets[i];
      pre.push(
        `if (typeof ${a} === 'object' && ${a} !== null && !$isMem(${a})) ${k(code.enc)}(${adv}, ${off}, ${a}, ${where}, $sink);
      else $copyIn(${au8}, ${off}, ${size}, ${a}, ${where});`,
      );
      return;
    }
    // pointer(T): the callee gets the address of this wrapper's temporary block (one per
    // wrapper, reused: like the area, a re-entrant call of the same function from a callback
    // would share it). A plain object is encoded into it (out: zeroed instead) and, for
    // out/inout, decoded back into the same object after the call; a buffer or view is copied
    // in and back. Numbers and BigInts are addresses, passed as they are; null is NULL.
    const tmp = new ArrayBuffer(size);
    const tmpDv = new DataView(tmp);
    const tmpU8 = new Uint8Array(tmp);
    const tmpAddr = ptrOf(tmp);
    const p = `p${i}`;
    // The address comes out of one per-wrapper function (not a branch-local assignment in the
    // wrapper): TurboFan then sees one Number input for the fast call's uint64 parameter.
    const toAddr = instantiate(
      ['$tdv', '$tu8', '$taddr', '$enc', '$isMem', '$copyIn', '$ptrArg', '$where', '$sink'],
      `"use strict"; return function ptrArg_${i}(a) { // ffast pointer(T) argument
        if (typeof a === 'object' && a !== null) {
          if (!$isMem(a)) ${spec.direction === 'out' ? '$tu8.fill(0)' : '$enc($tdv, 0, a, $where, $sink)'};
          else $copyIn($tu8, 0, ${size}, a, $where);
          return $taddr;
        }
        return $ptrArg(a, $where);
      };`,
      [tmpDv, tmpU8, tmpAddr, code.enc, isMem, copyIn, ptrArg, `argument ${i} of '${name}'`, stringSink],
    );
    pre.push(`let ${p} = ${k(toAddr)}(${a});`);
    wideArgs.push(p);
    if (spec.direction !== 'in') {
      const where = k(`argument ${i} of '${name}'`);
      post.push(
        `if (${p} === ${k(tmpAddr)}) { if (!$isMem(${a})) ${k(code.decInto)}(${k(tmpDv)}, 0, ${a}, ${where}); else $copyBack(${k(tmpU8)}, ${size}, ${a}, ${where}); }`,
      );
    }
    callArgs.push(p);
  });
  pre.push(...encs);
  let call = `$f(${callArgs.join(', ')})`;
  if (wideArgs.length > 0 && !d.nonblocking) {
    if (BIGINT_TWINS) {
      const tw = k(twin);
      call = `(${tw} !== null && ${bigintTest(wideArgs, k(bigOk))} ? ${tw}(${twinArgs(callArgs, wideArgs, 'BigInt')}) : ${call})`;
    }
    else for (const v of wideArgs) pre.push(`if (typeof ${v} === 'bigint') ${v} = ${k(bigArg)}(${v});`);
  }
  const aggResult = d.resultSpec !== null;
  pre.unshift(...reads);
  post.unshift(...decs);
  post.push(...stores);
  const tail = post.length ? `
      ${post.join('\n      ')}` : '';
  let body;
  const decode = d.decode ? k(resultDecoder(d.decode, name, d.freeFn)) : null;
  if (d.nonblocking) {
    // Typed pointers and wide strings only (checkFull refuses structs here): per-call
    // temporaries, kept with the arguments (memory given by address) until the Promise
    // settles, then written back (and a string result decoded and freed) on the JS thread
    // before the caller's Promise resolves.
    // Typed function parameters too: their pool entries are released when the Promise
    // settles ($after).
    pre.unshift(`const keep = [${params.map((_, i) => `a${i}`).join(', ')}];`);
    // The typed pointers' temporary blocks (their C copies: char** entries, array elements)
    // too: nothing else holds an in array's block once the wrapper returns, and a collection
    // while C runs would free the memory C is reading.
    const blocks = specs.flatMap((x, i) => (x !== null && x.by === 'typed' ? [`r${i}`] : []));
    if (blocks.length > 0) pre.push(`keep.push(${blocks.join(', ')});`);
    const settled = `${call}.then((c) => { keep.length = 0; ${post.join(' ')} return ${decode === null ? 'c' : `${decode}(c)`}; })`;
    if (typed.length > 0) {
      const es = typed.map(([i]) => `e${i}`);
      body = `const p = ${settled};
      const q = $after(p, [${es.join(', ')}], [${typed.map(([, P]) => P).join(', ')}]);
      ${es.map((e) => `${e} = null;`).join(' ')}
      return q;`;
    } else body = `return ${settled};`;
  } else if (decode !== null) {
    body = `const c = ${call};
      const r = ${decode}(${resultValue('pointer', 'c', GENERAL)});${tail}
      return r;`;
  } else if (aggResult) {
    if (!m.area || !(m.retOffset >= 0)) fail('ERR_FFAST_INTERNAL', `'${name}': the native binding gave no area slot for its result`);
    const code = S.codeOf(d.resultSpec.T);
    const size = d.resultSpec.T.size;
    // The caller's result buffer or object: handled by a separate per-wrapper function, so the
    // wrapper stays small enough for TurboFan to inline (and so to keep the fast call). Its
    // byte view is cached (one entry), so a hot loop passing the same buffer allocates nothing.
    // Small results are copied with unrolled float64 (whole eightbytes, 8-aligned buffer) or
    // 32-bit loads/stores, which keep every bit; larger ones with one TypedArray.set.
    let copy;
    if (size % 4 === 0 && size <= 64) {
      const parts = [];
      const w = [];
      for (let o = 0; o < size; o += 4) {
        parts.push(`oc.d.setUint32(${o}, $adv.getUint32(${m.retOffset + o}, true), true);`);
        w.push(`oc.w[${o / 4}] = $ai32[${(m.retOffset + o) / 4}];`);
      }
      // A result of whole eightbytes going to an 8-aligned buffer moves as Float64Array
      // elements: half the moves, and 2x faster than the 32-bit ones (which cost more than
      // allocating the object). Plain float64 loads and stores keep every bit, NaN payloads
      // included (tested with signalling, payload and V8's hole NaN patterns, cold and hot).
      const f8 = [];
      for (let o = 0; o < size; o += 8) f8.push(`f[${o / 8}] = $af64[${(m.retOffset + o) / 8}];`);
      const by4 = `if (oc.w !== null) { ${w.join(' ')} } else { ${parts.join(' ')} }`;
      copy = size % 8 === 0 ? `const f = oc.f; if (f !== null) { ${f8.join(' ')} } else ${by4}` : by4;
    } else {
      copy = `oc.u.set($ret);`;
    }
    const toOut = instantiate(
      ['$adv', '$ai32', '$ret', '$decInto', '$outPrep', '$name', '$af64', '$where'],
      `"use strict"; const oc = { o: undefined, u: null, d: null, w: null, f: null };
      return function resultInto(out) { // ffast result buffer
        if (out !== oc.o || (oc.u !== null && oc.u.length === 0)) $outPrep(oc, out, ${size}, $name);
        if (oc.u !== null) {
          ${copy}
        } else $decInto($adv, ${m.retOffset}, out, $where);
        return out;
      };`,
      [
        new DataView(m.area), new Int32Array(m.area), new Uint8Array(m.area).subarray(m.retOffset, m.retOffset + size),
        code.decInto, outPrep, name, new Float64Array(m.area), `result object of '${name}'`,
      ],
    );
    // The result is read before the copy-back (`tail`): copying back into the caller's objects
    // may run their setters, and JS run there may call this function again (same area).
    body = post.length
      ? `${call};
      const r = $out === undefined ? ${k(code.dec)}(${adv}, ${m.retOffset}) : ${k(toOut)}($out);${tail}
      return r;`
      : `${call};
      if ($out === undefined) return ${k(code.dec)}(${adv}, ${m.retOffset});
      return ${k(toOut)}($out);`;
  } else if (post.length) {
    // The JS value of the result is made before the copy-back (`tail`): copying back into the
    // caller's objects may run their setters, and JS run there may make other calls, which
    // reuse the thread's wide slot and kept string result (convert.rs keep_result) and this
    // function's pointer(T) temporaries.
    body = `const c = ${call};\n      const r = ${resultValue(result, 'c', GENERAL)};${tail}\n      return r;`;
  } else {
    body = resultTail(result, call);
  }
  let main = `${pre.join('\n      ')}
      ${body}`;
  if (specs.some((sp) => sp !== null && sp.T !== undefined && S.hasStrings(sp.T))) {
    // String members (docs/struct-strings.md §2): their copies are made in the thread's arena
    // while the arguments are encoded, and live until the call's result is made and copied
    // back; then the arena goes back to where this call found it. No try/finally: on Node 22 a
    // V8 call inside `try {}` is never a fast call (docs/v8-fast-api.md §6.3). A call that
    // throws leaves its mark (depth > 0); the next call finding one with no other wrapper on
    // the stack (not nested) takes the arena back (arenaStale).
    main = `if ($arena.depth !== 0) $arenaStale();
      const m0 = $arena.pos, m1 = $arena.big.length;
      $arena.depth++;
      ${main.replace(/return ([^;]*);/g, '{ const $r = $1; $arenaDone(m0, m1); return $r; }')}`;
  }
  if (typed.length) {
    // The entries are released however the call ends (an argument error, C's return); then
    // the first error a per-call function gave is the call's (thrown from the finally, it
    // replaces the result).
    main = `let ${typed.map(([i]) => `e${i} = null`).join(', ')};
      try {
      ${main}
      } finally {
        let x = $none;
        ${typed.map(([i, P]) => `if (e${i} !== null) { const y = $rel(${P}, e${i}); if (x === $none) x = y; }`).join('\n        ')}
        if (x !== $none) throw x;
      }`;
  }
  // Argument count without `arguments` on the hot path: materializing `arguments` (or a rest
  // array) costs ~2 ns per call on Node 24/26 — as much as the whole fast call. One extra formal
  // catches surplus arguments; `arguments.length` is read only when the last formal is
  // undefined, which a well-formed call passes only for NULL pointers/strings/buffers.
  // (A surplus argument that is explicitly `undefined` is therefore not reported.) An aggregate
  // result adds one optional formal, `$out` (a buffer or object that receives the result).
  const last = n > 0 ? `a${n - 1}` : null;
  const countCheck = last
    ? `if ($x !== undefined || (${last} === undefined && arguments.length < ${n})) $countErr($name, ${n}, arguments.length, ${aggResult});`
    : `if ($x !== undefined) $countErr($name, 0, arguments.length, ${aggResult});`;
  const formals = [...formalsList, ...(aggResult ? ['$out'] : []), '$x'].join(', ');
  // The function is named through a computed key: a named function expression would bind
  // the symbol's name inside the wrapper and could shadow what it closes over.
  const src = `"use strict"; return { [$name]: function (${formals}) { // ffast wrapper
      if ($st.closed) $closedErr($name);
      ${countCheck}
      ${main}
    } }[$name];
//# sourceURL=ffast:wrap`; // names the wrapper's frames for insideCall()
  const extraNames = extra.map((_, i) => `$k${i}`);
  const w = instantiate(
    [
      '$f', '$st', '$name', '$closedErr', '$countErr', '$bufErr', '$isBuf', '$wi', '$wu', '$cstr', '$nul',
      '$isMem', '$copyIn', '$copyBack', '$outPrep', '$ptrArg', '$cbArg', '$strErr',
      '$acq', '$rel', '$typedArg', '$after', '$none', '$sink', '$arena', '$arenaStale', '$arenaDone', ...extraNames,
    ],
    src,
    [
      fn, state, name, closedErr, countErr, bufErr, isBuf, wideI64, wideU64, strDecode.cstr, nul,
      isMem, copyIn, copyBack, outPrep, ptrArg, callbackArg, strErr,
      acquire, release, typedFnArg, afterPerCall, NONE, stringSink, arena, arenaStale, arenaDone, ...extra,
    ],
  );
  Object.defineProperty(w, 'length', { __proto__: null, value: n });
  return w;
}

/** Statements returning the JS value of the scalar result of the call expression `call`. */
function resultTail(result, call) {
  const v = resultValue(result, 'r', GENERAL);
  return v === 'r' ? `return ${call};` : `const r = ${call};\n      return ${v};`;
}

/** A pointer(T) argument that is not an object: an address, or NULL. */
function ptrArg(v, where) {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  return fail('ERR_FFAST_ARG_TYPE', `${where}: expected an object, a buffer, a pointer or null, got ${describe(v)}`);
}

const nul = () => null;

module.exports = { CHUNK, closedErr, wrap, wrapAll, wrapOne };
