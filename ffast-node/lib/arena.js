'use strict';
// String members: the call's arena (UTF-8 copies that live for one call).

const { wideUnits } = require('./addresses.js');
const { native } = require('./native.js');
const { wrapperFrames } = require('./scripts.js');

// ------------------------------------------------------------------ string members: the call's arena
// (docs/struct-strings.md §2.) The UTF-8 copies of a call's string members: written into one
// per-thread (per-module-instance) 64 KiB block at `pos`, or, when a string does not fit in
// what is left, into a block of its own kept in `big`. A wrapper takes a mark (pos, big.length)
// before encoding and restores it when the call is done, so nested calls stack above it.
const ARENA_SIZE = 64 * 1024;
/** Strings up to this many UTF-16 units are tried as ASCII first (see stringSink). */
const SHORT = 64;
const arena = { u8: null, base: 0, pos: 0, big: [], depth: 0 };

/** A call with string members is done: the arena back to its mark `(pos, n)`. */
function arenaDone(pos, n) {
  arena.pos = pos;
  if (arena.big.length !== n) arena.big.length = n;
  arena.depth--;
}

/**
 * A call with string members starts while the arena holds marks: either it is nested (JS run
 * by another ffast call: a callback, a getter, a setter), whose strings must stay, or a call
 * threw before it was done. The JS stack tells (insideCall: the current wrapper's own frame is
 * one): when no other ffast call is on it, the arena is free again. Rare, so the stack walk is
 * affordable.
 */
function arenaStale() {
  if (wrapperFrames() > 1) return;
  arena.pos = 0;
  arena.big.length = 0;
  arena.depth = 0;
}

/**
 * The address of a NUL-terminated UTF-8 copy of `s` (with `unit`, 2 or 4: its UTF-16/UTF-32 copy
 * with a 0 unit, docs/pointers.md §7), valid until the current call's mark is restored.
 */
function stringSink(s, w, p, unit) {
  if (unit !== undefined) return wideSink(s, unit);
  if (arena.u8 === null) {
    // Off the pool (its own ArrayBuffer, never detached: the address stays valid).
    arena.u8 = Buffer.allocUnsafeSlow(ARENA_SIZE);
    arena.base = native.bufferAddress(arena.u8);
  }
  const room = ARENA_SIZE - arena.pos;
  // A UTF-16 unit needs at most 3 bytes of UTF-8 (a pair 4 for 2 units): the cheap bound first.
  if (3 * s.length + 1 <= room || Buffer.byteLength(s, 'utf8') + 1 <= room) {
    const at = arena.pos;
    const u8 = arena.u8;
    if (s.length <= SHORT) {
      // Short ASCII text byte by byte: Buffer.prototype.write is a native call costing more
      // than the whole fast call (67 vs 25 ns for a 5-byte name, Node 26); anything else
      // (a unit >= 0x80) is written by it below, from the start.
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        u8[at + i] = c;
      }
      if (i === s.length) {
        u8[at + i] = 0;
        arena.pos = at + i + 1;
        return arena.base + at;
      }
    }
    const n = u8.write(s, at, 'utf8');
    u8[at + n] = 0;
    arena.pos = at + n + 1;
    return arena.base + at;
  }
  const n = Buffer.byteLength(s, 'utf8');
  const b = Buffer.allocUnsafeSlow(n + 1);
  b.write(s, 0, 'utf8');
  b[n] = 0;
  arena.big.push(b);
  return native.bufferAddress(b);
}

/** stringSink for a wide string member: the copy aligned to 4 bytes in the arena, or a block of its own. */
function wideSink(s, unit) {
  if (arena.u8 === null) {
    arena.u8 = Buffer.allocUnsafeSlow(ARENA_SIZE);
    arena.base = native.bufferAddress(arena.u8);
  }
  const units = wideUnits(s, unit);
  const bytes = units.byteLength;
  const src = new Uint8Array(units.buffer, units.byteOffset, bytes);
  // (arena.base is the start of its own allocation: malloc's alignment, at least 8)
  const at = (arena.pos + 3) & ~3;
  if (at + bytes <= ARENA_SIZE) {
    arena.u8.set(src, at);
    arena.pos = at + bytes;
    return arena.base + at;
  }
  const b = Buffer.allocUnsafeSlow(bytes);
  b.set(src);
  arena.big.push(b);
  return native.bufferAddress(b);
}

module.exports = { arena, arenaDone, arenaStale, stringSink };
