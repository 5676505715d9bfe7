'use strict';
// errno(): the C errno the last errno: true call left.

const { fail, describe, show } = require('./errors.js');
const { errnoCell } = require('./native.js');

/**
 * errno() is the value the last `errno: true` call on this JS thread left in C's errno (0
 * before any); errno(v) sets it, and the next `errno: true` call starts C with it
 * (docs/errno.md). A load or a store: nothing native runs.
 *
 * The setter is a function of its own so that errno() stays a few bytes of bytecode: V8 gives
 * a function its feedback vector (which an optimizing caller needs to inline errno() and keep
 * its fast call) only after the function has used a budget proportional to its bytecode
 * length; with the setter inline, errno() took 79-81 reads (Node 26), now a dozen.
 */
function errno(v) {
  if (v === undefined) return errnoCell[0];
  return setErrno(v);
}

/** errno(v): v must be a C int. */
function setErrno(v) {
  if (typeof v !== 'number') fail('ERR_FFAST_ARG_TYPE', `errno: expected an integer Number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) fail('ERR_FFAST_ARG_RANGE', `errno: ${show(v)} is not a C int`);
  errnoCell[0] = v;
  return undefined;
}

module.exports = { errno };
