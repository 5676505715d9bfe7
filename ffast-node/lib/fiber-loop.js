'use strict';
// The fiber mode's JS loop (docs/callbacks.md §11.3). A tracked call of a function whose calls
// make many callbacks (or every one with FFAST_FIBER; none with FFAST_NO_FIBER) runs C on a side
// stack; a callback C calls on this thread parks
// C with the slot's index and the
// arguments in the mailbox, and `drive` — entered once per tracked call — calls the JS
// function itself (a JS → JS call TurboFan inlines, no Function::Call) and resumes C through a
// V8 fast call carrying the result, until C finishes or parks in a way left to the native
// side. Results that are not Numbers, throws, and callbacks that closed themselves are settled
// natively (fiberSettle) with the rules and reports of the default route.

const { native } = require('./native.js');
const { checkDefinition } = require('./definitions.js');
const { bindNamed } = require('./library.js');
const { fiberFns } = require('./fiber-fns.js');

/** Result kinds and statuses (callback/fast.rs). */
const RESULT_I32 = 1;
const RESULT_F64 = 2;
const PENDING = 1;
const SETTLE = 3;

function install() {
  if (native.fiberCounts()[0] !== 1) return;
  const [ai, af, av] = native.fiberResumeAddresses();
  // `internal`: their slow calls (cold code) are not the user's, so slowCalls() leaves them out.
  const def = (parameters) => Object.assign(checkDefinition('fiberResume', { parameters, result: 'i32' }), { internal: true });
  const resumeI32 = bindNamed(ai, def(['i32', 'i32', 'i32']), 'ffastFiberResumeI32');
  const resumeF64 = bindNamed(af, def(['i32', 'i32', 'f64']), 'ffastFiberResumeF64');
  const resumeVoid = bindNamed(av, def(['i32', 'i32']), 'ffastFiberResumeVoid');
  const settle = native.fiberSettle;
  let mi = null;
  let mf = null;

  /**
   * One callback's JS call per turn; returns when C finished or parked for the native side.
   * The frame comes from the mailbox as two int32 halves (Smis: a Number holding the address
   * would be a heap number made per call).
   */
  function drive() {
    const hi = mi[13];
    const lo = mi[12];
    for (;;) {
      const fn = fiberFns[mi[0]];
      const n = mi[1];
      const rk = mi[2];
      // No try/catch here: on Node 22 no call lexically inside `try {}` is a fast call, and
      // TurboFan inlines the callback into this loop (its own calls of ffast functions went
      // slow: a sort's comparator reading with read.i32, 36,011 slow calls per sort;
      // docs/v8-fast-api.md §6.3). A throw leaves the loop instead: the native driver that
      // called it sees the exception, settles the park with it exactly as a catch here did
      // (fast.rs drive_parked → settle), resumes C, and the next fast park enters the loop again.
      const r = n === 1 ? fn(mf[2]) : n === 2 ? fn(mf[2], mf[3]) : n === 0 ? fn() : n === 3 ? fn(mf[2], mf[3], mf[4]) : fn(mf[2], mf[3], mf[4], mf[5]);
      let st;
      if (rk === RESULT_I32) st = typeof r === 'number' ? resumeI32(hi, lo, r) : SETTLE;
      else if (rk === RESULT_F64) st = typeof r === 'number' ? resumeF64(hi, lo, r) : SETTLE;
      else st = resumeVoid(hi, lo);
      if (st === SETTLE) st = settle(hi, lo, false, r);
      if (st !== PENDING) return;
    }
  }

  const ab = native.fiberLoopInit(drive);
  if (ab === null) return;
  mi = new Int32Array(ab);
  mf = new Float64Array(ab);
}

install();

module.exports = {};
