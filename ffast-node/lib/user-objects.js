'use strict';
// Reading user objects (definitions, options, field maps): own properties only, each once.

const { isProxy } = require('node:util').types;
const { fail, clip, describe, show, keyName } = require('./errors.js');

// ------------------------------------------------------------------ reading user objects
// (docs/definitions-and-memory.md has the ECMAScript facts this relies on.)
// Definitions, options, field maps and field specs are read through their OWN properties only
// (an inherited `name`, or a polluted Object.prototype, is invisible), every key at most once (a
// getter runs once), and every other own key is an error naming the nearest valid one. Whatever
// a getter or a Proxy trap throws while ffast reads becomes ERR_FFAST_DEFINITION, with the
// thrown value as `cause`: a mistake in a definition is always an FfastError.

/**
 * `where` in the readers below says what is being read, for messages: a string, or a function
 * giving one (words are put together only when there is something to say).
 */
const W = (where) => (typeof where === 'function' ? where() : where);

/** `read()`, with what it throws turned into ERR_FFAST_DEFINITION (see above). */
function guarded(where, what, read) {
  try {
    return read();
  } catch (e) {
    return fail('ERR_FFAST_DEFINITION', `${W(where)}: reading ${what} threw${thrownMessage(e)}`, e);
  }
}

/** `: message` of a thrown Error, read without letting anything escape (it may be hostile). */
function thrownMessage(e) {
  try {
    if (e === null || typeof e !== 'object' || isProxy(e)) return typeof e === 'string' ? `: ${clip(e, 200)}` : '';
    const m = Object.getOwnPropertyDescriptor(e, 'message');
    return m !== undefined && typeof m.value === 'string' ? `: ${clip(m.value, 200)}` : '';
  } catch {
    return '';
  }
}

const ownKeys = (obj, where) => guarded(where, 'its keys', () => Reflect.ownKeys(obj));
/** `obj[k]` (an own key), what it throws turned into ERR_FFAST_DEFINITION (see guarded). */
function ownValue(obj, k, where) {
  try {
    return obj[k];
  } catch (e) {
    return fail('ERR_FFAST_DEFINITION', `${W(where)}: reading ${keyName(k)} threw${thrownMessage(e)}`, e);
  }
}

/** Other spellings of valid keys, as other FFIs and habits spell them. */
const SYNONYMS = {
  args: 'parameters', arguments: 'parameters', params: 'parameters', argTypes: 'parameters', parameterTypes: 'parameters',
  returns: 'result', return: 'result', returnType: 'result', ret: 'result', res: 'result', results: 'result',
  async: 'nonblocking', nonBlocking: 'nonblocking', blocking: 'nonblocking', symbol: 'name',
  packed: 'pack', alignment: 'align', aligned: 'align', RTLD_LAZY: 'lazy', RTLD_GLOBAL: 'global',
};

/** Optimal-string-alignment distance (edits, adjacent swaps counted once); keys are short. */
function distance(a, b) {
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The valid key a mistyped one most likely meant, or undefined. */
function nearest(k, valid) {
  if (typeof k !== 'string' || k.length > 64) return undefined;
  const lower = k.toLowerCase();
  const same = valid.find((v) => v.toLowerCase() === lower);
  if (same !== undefined) return same;
  const syn = Object.hasOwn(SYNONYMS, k) ? SYNONYMS[k] : undefined;
  if (syn !== undefined && valid.includes(syn)) return syn;
  // A cut-short or overlong spelling ('nonblock', 'parametersList').
  const pre = k.length >= 3 ? valid.find((v) => v.toLowerCase().startsWith(lower) || lower.startsWith(v.toLowerCase())) : undefined;
  if (pre !== undefined) return pre;
  let best;
  let bestD = Math.max(1, Math.floor(k.length / 3)) + 1;
  for (const v of valid) {
    const d = distance(lower, v.toLowerCase());
    if (d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return best;
}

function unknownKey(k, valid, where, noun = 'key') {
  const near = nearest(k, valid);
  const hint = near !== undefined ? ` (did you mean '${near}'?)` : ` (valid: ${valid.join(', ')})`;
  return fail('ERR_FFAST_DEFINITION', `${W(where)}: unknown ${noun} ${keyName(k)}${hint}`);
}

/**
 * The own properties of a user object named in `valid`, each read once, in a fresh
 * null-prototype object (undefined values left out); any other own key is an error.
 */
function readOwn(obj, valid, where, noun) {
  const keys = ownKeys(obj, where);
  for (const k of keys) if (typeof k !== 'string' || !valid.includes(k)) unknownKey(k, valid, where, noun);
  const out = { __proto__: null };
  for (const k of keys) {
    const v = ownValue(obj, k, where);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * A user array (parameter lists) as a fresh dense array: own elements only, each read once, a
 * hole is an error (an inherited Array.prototype[i] never fills it), at most `max` entries.
 */
function ownArray(a, where, max) {
  if (a === null || typeof a !== 'object' || !guarded(where, 'whether it is an array', () => Array.isArray(a))) {
    fail('ERR_FFAST_DEFINITION', `${W(where)} must be an array, got ${describe(a)}`);
  }
  const n = guarded(where, 'its length', () => a.length);
  if (n > max) fail('ERR_FFAST_DEFINITION', `${W(where)}: ${n} entries, at most ${max} are supported`);
  const out = new Array(n);
  let i = 0;
  let has = true;
  try {
    for (; i < n; i++) {
      has = hasOwn(a, i);
      if (!has) break;
      out[i] = a[i];
    }
  } catch (e) {
    return fail('ERR_FFAST_DEFINITION', `${W(where)}: reading entry ${i} threw${thrownMessage(e)}`, e);
  }
  if (!has) fail('ERR_FFAST_DEFINITION', `${W(where)}: entry ${i} is missing (a hole in the array)`);
  return out;
}

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/** A boolean key of a definition: absent (undefined) gives `dflt`. */
function bool(v, dflt, where, key) {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('ERR_FFAST_DEFINITION', `${W(where)}: ${key} must be a boolean, got ${show(v)}`);
  return v;
}

module.exports = { bool, ownArray, ownKeys, ownValue, readOwn, thrownMessage, guarded, unknownKey };
