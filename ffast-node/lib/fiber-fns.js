'use strict';
// The fiber mode's table of callback functions by slot index (docs/callbacks.md §11.3): the JS
// loop (fiber-loop.js) finds the function of a parked callback here. Filled unless the mode is
// off (FFAST_NO_FIBER) or the target has no fibers; a closed callback's entry is cleared so the
// table keeps nothing alive.

const { native } = require('./native.js');

const ON = native.fiberCounts()[0] === 1;
/** slot index → the function the native side would call for that callback. */
const fiberFns = [];

/** Callback of slot `index` calls `fn` (from callbackCreate's answer). */
function fiberRegister(index, fn) {
  if (ON) fiberFns[index] = fn;
}

/** Callback of slot `index` closed. */
function fiberForget(index) {
  if (ON && index !== undefined) fiberFns[index] = undefined;
}

module.exports = { fiberFns, fiberRegister, fiberForget };
