'use strict';
// Variadic functions: the dispatcher and its shapes.

const S = require('./structs/index.js');
const { checkFull, makeFunctions } = require('./definitions.js');
const { fail, describe, show, clip, keyName } = require('./errors.js');
const { instantiate } = require('./scripts.js');
const { MAX_PARAMS, VARIADIC, isMarker } = require('./types.js');
const { closedErr, wrapAll, wrap } = require('./wrappers.js');

// ------------------------------------------------------------------ variadic functions
// docs/variadic.md. A definition ending in '...' becomes a dispatcher taking the fixed
// arguments then type/value pairs (form a), with a `variadic(...types)` method returning the
// function of that shape (form b). A shape is an ordinary binding of the signature
// [...fixed, '...', ...types] (ffast_core gives the variadic arguments their promoted C types;
// on x64 every trampoline sets %al), made once and cached per canonical shape.

/**
 * Check a type given for a variadic argument (C position `pos`) without reading through it: only
 * a primitive string of a scalar type name goes on to the native parser; no getter, trap or
 * toString of an object runs.
 */
function variadicType(t, key, pos) {
  const where = `${keyName(key)}: variadic argument ${pos}`;
  if (typeof t === 'string') {
    if (t.length > 128) fail('ERR_FFAST_TYPE', `${where}: unknown type ${show(t)}`);
    if (isMarker(t)) fail('ERR_FFAST_TYPE', `${where}: '${VARIADIC}' is not a type`);
    if (/[{[]/.test(t)) fail('ERR_FFAST_TYPE', `${where}: ${show(t)}: a variadic argument is a scalar type name`);
    return;
  }
  if (S.isType(t) || S.isPointerType(t)) {
    fail('ERR_FFAST_UNSUPPORTED', `${where}: structs, unions and pointer(T) are not passed as variadic arguments (pass a 'pointer')`);
  }
  fail('ERR_FFAST_TYPE', `${where} must be a type name, got ${describe(t)}`);
}

/**
 * The dispatcher (form a) of variadic definition `d` (checked, with d.variadic) for the C
 * function at `address`; its shapes join library `handle` (null for bind(): each shape is a
 * bound batch of its own). `state` is the library's ({ closed }).
 */
function variadicFunction(key, d, address, handle, state) {
  const { fixed, result, callbacks, fiber } = d.variadic;
  const nf = fixed.length;
  const byCanonical = new Map(); // canonical signature key → shape function
  const bySpelling = new Map(); // type names as given, NUL-joined → shape function
  const shapeOf = (types, countCode) => {
    if (state.closed) closedErr(key);
    if (nf + types.length > MAX_PARAMS) {
      fail(countCode, `${keyName(key)}: ${nf + types.length} arguments in all, at most ${MAX_PARAMS} are supported`);
    }
    let spelled = '';
    for (let i = 0; i < types.length; i++) {
      const t = types[i];
      variadicType(t, key, nf + i);
      spelled += `\0${t}`;
    }
    let g = bySpelling.get(spelled);
    if (g !== undefined) return g;
    const full = checkFull(key, {
      parameters: [...fixed, VARIADIC, ...types], result, name: key, optional: false,
      nonblocking: d.nonblocking, callbacks, errno: d.errno, fiber, shape: true,
    });
    g = byCanonical.get(full.sigKey);
    if (g === undefined) {
      const [m] = makeFunctions(handle, [[key, full, address]]);
      // The wrapper sees the JS arguments: the marker is no argument.
      const at = full.parameters.indexOf(VARIADIC);
      const vd = { ...full, parameters: full.parameters.filter((_, i) => i !== at), specs: full.specs.filter((_, i) => i !== at) };
      g = vd.aggregates
        ? wrap(m, key, vd, state)
        : wrapAll([{ fn: m, name: key, params: vd.parameters, result: vd.result, nonblocking: vd.nonblocking, key: full.sigKey }], state)[0];
      byCanonical.set(full.sigKey, g);
    }
    bySpelling.set(spelled, g);
    return g;
  };
  // Form (a): a tree of Maps keyed by each type argument as given (a Map looks a key up by
  // identity or string hash, running no user code), leading to a per-shape "pairs" function
  // that drops the type arguments and calls the shape with positional arguments, so that, once
  // hot, it inlines the shape's wrapper and makes its fast call.
  const tree = { next: new Map(), fn: undefined };
  const pairsFor = (args, m) => {
    const types = new Array(m);
    for (let k = 0; k < m; k++) types[k] = args[nf + 2 * k];
    const g = shapeOf(types, 'ERR_FFAST_ARG_COUNT');
    const fixedArgs = Array.from({ length: nf }, (_, i) => `a${i}`);
    const pairArgs = Array.from({ length: m }, (_, k) => `t${k}, v${k}`);
    const callArgs = [...fixedArgs, ...Array.from({ length: m }, (_, k) => `v${k}`)];
    const fn = instantiate(['g'], `return function pairs(${[...fixedArgs, ...pairArgs].join(', ')}) { return g(${callArgs.join(', ')}); };`, [g]);
    let node = tree;
    for (let k = 0; k < m; k++) {
      let next = node.next.get(types[k]);
      if (next === undefined) {
        next = { next: new Map(), fn: undefined };
        node.next.set(types[k], next);
      }
      node = next;
    }
    node.fn = fn;
    return fn;
  };
  const dispatch = {
    [key](...args) {
      if (state.closed) closedErr(key);
      const n = args.length;
      if (n < nf) fail('ERR_FFAST_ARG_COUNT', `'${clip(key)}' expects at least ${nf} arguments (then type/value pairs), got ${n}`);
      if ((n - nf) % 2 !== 0) {
        fail('ERR_FFAST_ARG_COUNT', `'${clip(key)}': variadic arguments come as type/value pairs; the type ${show(args[n - 1])} has no value`);
      }
      const m = (n - nf) / 2;
      let node = tree;
      for (let k = 0; k < m && node !== undefined; k++) node = node.next.get(args[nf + 2 * k]);
      const fn = node !== undefined && node.fn !== undefined ? node.fn : pairsFor(args, m);
      return Reflect.apply(fn, undefined, args);
    },
  }[key];
  Object.defineProperty(dispatch, 'length', { __proto__: null, value: nf });
  Object.defineProperty(dispatch, 'variadic', {
    __proto__: null,
    value: function variadic(...types) {
      return shapeOf(types, 'ERR_FFAST_DEFINITION');
    },
  });
  return dispatch;
}

module.exports = { variadicFunction };
