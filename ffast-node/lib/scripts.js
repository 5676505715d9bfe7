'use strict';
// Generated code: compiled factory scripts (instantiate), and the generated wrappers' frames on the JS stack.

const vm = require('node:vm');

/**
 * The struct wrappers and their helpers (see wrap) are made by running a compiled factory text:
 * one vm.Script per distinct text, compiled once per process, run once per function made.
 * Each run gives the closures it creates feedback of their own, as for wrapAll, so the text
 * need not differ per wrapper. (Compiling a text unique per wrapper with `new Function` also
 * separated feedback, but each compilation stays in V8's eval cache: on Node 26 until memory
 * pressure clears it, ~1.3 KB per function, so every dlopen+close of a library with struct
 * functions grew the heap.) `instantiate(params, body, args)` is `new Function(...params,
 * body)(...args)` made that way.
 */
const factoryScripts = new Map();
function instantiate(params, body, args) {
  const src = `(function (${params.join(', ')}) {${body}\n})`;
  let script = factoryScripts.get(src);
  if (script === undefined) {
    script = new vm.Script(src, { filename: 'ffast:wrappers' });
    factoryScripts.set(src, script);
  }
  return script.runInThisContext().apply(null, args);
}

/** Script names of the generated wrappers (see `wrapperScript` and `wrap`). */
const WRAPPER_SCRIPTS = new Set(['ffast:wrappers', 'ffast:wrap']);

/**
 * Whether this close() runs inside a call of an ffast function: JS that the call runs (a
 * callback, a getter or Proxy trap its argument conversion meets, an error's constructor)
 * closed the library. That call still goes on to reach C and to read its results (an
 * aggregate from the area, a string from the library's memory) after C returns, so the library
 * must stay whole until the call is done. Read from the JS stack (V8 lists inlined frames too),
 * at close() time only, so calls pay nothing for it. If the stack cannot be read, say yes: a
 * hold only delays the free to the next turn.
 */
function insideCall() {
  return wrapperFrames() > 0;
}

/** How many frames of generated wrappers the JS stack holds (Infinity when it cannot be read). */
function wrapperFrames() {
  const saved = [Error.prepareStackTrace, Error.stackTraceLimit];
  try {
    Error.stackTraceLimit = Infinity;
    Error.prepareStackTrace = (_, frames) => frames;
    const o = {};
    Error.captureStackTrace(o);
    const frames = o.stack;
    if (!Array.isArray(frames)) return Infinity;
    let n = 0;
    for (const f of frames) if (WRAPPER_SCRIPTS.has(f.getScriptNameOrSourceURL())) n++;
    return n;
  } catch {
    return Infinity;
  } finally {
    try {
      [Error.prepareStackTrace, Error.stackTraceLimit] = saved;
    } catch {
      // a frozen Error: nothing was changed
    }
  }
}

module.exports = { insideCall, instantiate, wrapperFrames };
