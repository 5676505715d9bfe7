//! Tagged words: what a `Local` handle's slot holds, read and written directly where a probe
//! verified the encoding on this process (64-bit, no pointer compression: every official Node
//! build). A Smi is the word `v << 32`; a heap number is a heap object (tag 1) whose first word
//! is the isolate's heap-number map and whose value is the next 8 bytes. The slow path reads
//! Numbers and writes small-integer results this way, without an N-API call or a handle.

use super::api::V8;
use super::symbols::{sym, FnIntegerNew, FnNumberNew, FnVoidPtr};
use napi::sys;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Set once the probe saw V8 store the Smi `v` as the word `v << 32` (64-bit, no pointer
/// compression: every official Node build), which the slow path then reads and writes itself.
static SMI32: AtomicBool = AtomicBool::new(false);

/// Check the Smi encoding, once per process. Call on a JS thread inside an N-API call (a
/// HandleScope is open: the probe creates a few handles in it).
///
/// # Safety
/// As above.
pub unsafe fn probe() {
    // SAFETY: the operations below need only this function's contract (# Safety): as above.
    unsafe {
        static DONE: OnceLock<()> = OnceLock::new();
        DONE.get_or_init(|| {
            let probe = || -> Option<()> {
                V8::get().ok()?;
                let integer_new: FnIntegerNew = sym("_ZN2v87Integer3NewEPNS_7IsolateEi").ok()?;
                let get_current: FnVoidPtr = sym("_ZN2v87Isolate13TryGetCurrentEv").ok()?;
                let isolate = get_current();
                if !isolate.is_null() && probe_smi(integer_new, isolate) {
                    SMI32.store(true, Ordering::Relaxed);
                }
                Some(())
            };
            probe();
        });
    }
}

/// Whether the raw Smi encoding was verified (tests).
pub fn smi32() -> bool {
    SMI32.load(Ordering::Relaxed)
}

/// The tagged word of the Smi `v`, when the encoding was verified.
#[inline(always)]
pub fn smi_word(v: i32) -> Option<usize> {
    SMI32
        .load(Ordering::Relaxed)
        .then_some(((v as i64) << 32) as usize)
}

/// This thread's heap-number map (the first word of every heap number), for reading Numbers
/// without a call ([`number_of`]); 0 when that layout is not verified here. Per isolate:
/// a map is an object of its isolate's heap. Call once per thread, after [`probe`].
///
/// # Safety
/// On a JS thread inside an N-API call (the probe creates handles).
pub unsafe fn number_map() -> usize {
    // SAFETY: the operations below need only this function's contract (# Safety): on a JS thread
    // inside an N-API call (the probe creates handles).
    unsafe {
        if !smi32() {
            return 0;
        }
        let (Ok(number_new), Ok(get_current)) = (
            sym::<FnNumberNew>("_ZN2v86Number3NewEPNS_7IsolateEd"),
            sym::<FnVoidPtr>("_ZN2v87Isolate10GetCurrentEv"),
        ) else {
            return 0;
        };
        let isolate = get_current();
        if isolate.is_null() {
            return 0;
        }
        // Values no Smi can hold: each must come back as a tagged heap object with the same first
        // word (its map) and the value in the next 8 bytes (HeapNumber without pointer compression).
        let mut map = 0;
        for d in [0.5, -1.0e300, f64::NAN, 4_294_967_296.0] {
            let h = number_new(isolate, d);
            if h.is_null() || *h & 1 != 1 {
                return 0;
            }
            let obj = *h - 1;
            let m = *(obj as *const usize);
            let got = *((obj + 8) as *const f64);
            let same = got.to_bits() == d.to_bits() || (got.is_nan() && d.is_nan());
            if (map != 0 && m != map) || !same {
                return 0;
            }
            map = m;
        }
        map
    }
}

/// Integer::New(isolate, v) must give a handle holding `v << 32`, for a positive and a
/// negative value.
///
/// # Safety
/// On a JS thread inside an N-API call (a HandleScope is open); `integer_new` is V8's and
/// `isolate` this thread's.
unsafe fn probe_smi(integer_new: FnIntegerNew, isolate: *mut c_void) -> bool {
    // SAFETY: the operations below need only this function's contract (# Safety): on a JS thread
    // inside an N-API call (a HandleScope is open); `integer_new` is V8's and `isolate` this
    // thread's.
    unsafe {
        [7i32, -2].iter().all(|&v| {
            let h = integer_new(isolate, v);
            !h.is_null() && *h == ((v as i64) << 32) as usize
        })
    }
}

/// A Number read straight from its tagged word (rust-fast-calls.md §4 "mode 1").
#[derive(Clone, Copy)]
pub enum Num {
    Int(i32),
    Double(f64),
}

/// The Number in handle `v` without a call: a Smi (`v << 32`), or a heap number (a heap
/// object whose map is `number_map`, its value the 8 bytes after the map). `number_map` is
/// this isolate's heap-number map, 0 where the probe ([`number_map`]) did not verify this
/// layout: then, and for every other value, `None`.
///
/// # Safety
/// `v` is a live handle of the current call on `number_map`'s isolate.
#[inline(always)]
pub unsafe fn number_of(v: sys::napi_value, number_map: usize) -> Option<Num> {
    // SAFETY: the operations below need only this function's contract (# Safety): `v` is a live
    // handle of the current call on `number_map`'s isolate.
    unsafe {
        if number_map == 0 {
            return None;
        }
        let w = *(v as *const usize);
        if w as u32 == 0 {
            return Some(Num::Int((w >> 32) as i32));
        }
        // A heap object pointer carries tag 1 (kHeapObjectTag); its map is its first word.
        if w & 1 == 1 && *((w - 1) as *const usize) == number_map {
            return Some(Num::Double(*((w - 1 + 8) as *const f64)));
        }
        None
    }
}
