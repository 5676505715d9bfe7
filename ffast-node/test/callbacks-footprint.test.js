'use strict';
// What a live callback costs in native memory (issue 13: at most 1 KiB): its share of the
// executable pages holding entry trampolines, plus what C's heap grows by per callback (the
// slot, its JS references, the registry entry). The V8 heap (the Callback object, the JS
// function) is not native memory and is not counted here.
//
// Entry trampolines are made in batches that share a page (callback.rs `new_slots`); one page per
// callback, as before, was 4 KiB each. The code share is counted exactly from the callbacks'
// own addresses; the heap through glibc's mallinfo2 (called through ffast: a struct result).
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./_helpers');
const { ffast } = h;
const { callback, struct, dlopen } = ffast;

const MallInfo2 = struct({
  arena: 'usize', ordblks: 'usize', smblks: 'usize', hblks: 'usize', hblkhd: 'usize',
  usmblks: 'usize', fsmblks: 'usize', uordblks: 'usize', fordblks: 'usize', keepcost: 'usize',
});
const libc = dlopen(null, { mallinfo2: { parameters: [], result: MallInfo2 } }).symbols;
const PAGE = 4096; // the smallest page size of the supported targets: an upper bound of pages
const heapBytes = () => {
  const m = libc.mallinfo2();
  return Number(m.uordblks) + Number(m.hblkhd); // in use from the arenas + mmap'ed chunks
};

for (const [what, def] of [
  ['(i32) => i32', { parameters: ['i32'], result: 'i32' }],
  ['six mixed parameters => f64', { parameters: ['f64', 'f64', 'i64', 'pointer', 'i32', 'u8'], result: 'f64' }],
]) {
  test(`a live callback ${what} costs at most 1 KiB of native memory (10^4 callbacks)`, (t) => {
    const N = 10000;
    const warm = Array.from({ length: 500 }, (_, i) => callback(def, () => i)); // allocator, JIT, first batch
    const before = heapBytes();
    const cbs = Array.from({ length: N }, (_, i) => callback(def, (x) => x + i));
    const heap = (heapBytes() - before) / N;
    const pages = new Set(cbs.map((c) => Math.floor(Number(c.pointer) / PAGE))).size;
    const code = (pages * PAGE) / N;
    assert.equal(new Set(cbs.map((c) => c.pointer)).size, N, 'every live callback has its own entry');
    t.diagnostic(`native bytes per callback: heap ${heap.toFixed(0)} + code ${code.toFixed(0)}`);
    assert.ok(heap + code <= 1024, `native bytes per callback: heap ${heap.toFixed(0)} + code ${code.toFixed(0)}`);
    if (def.result === 'i32') {
      // Each calls its own function: a batch's neighbours do not share a context
      // (cb_call_once(cb, x) returns cb(x) + 1).
      const S = h.openFixture({ cb_call_once: { parameters: ['function', 'i32'], result: 'i32' } }).symbols;
      for (let k = 0; k < N; k += 997) assert.equal(S.cb_call_once(cbs[k], 1), k + 2);
    }
    for (const c of [...warm, ...cbs]) c.close();
  });
}
