//! Stand-ins for the helpers ffast-node hands the fast trampolines (string copies, buffer
//! addresses), and the V8 values they read.

use ffast_core::trampoline;

/// V8's `FastOneByteString`: Latin-1 bytes, not NUL-terminated.
#[repr(C)]
pub struct OneByte {
    pub data: *const u8,
    pub len: u32,
}

thread_local! {
    /// Calls of [`str_in`] on this thread (tests read it with [`str_in_calls`]).
    static STR_IN_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Calls of [`str_in`] on this thread since the last look.
pub fn str_in_calls() -> usize {
    STR_IN_CALLS.with(|c| c.replace(0))
}

/// Bytes in front of a heap copy of [`str_in`]: its size, so [`str_release`] knows its extent.
const HEAP_HEADER: usize = 16;

/// Stand-in for ffast-node's string helper: copies and NUL-terminates (no transcoding); a copy
/// that does not fit the scratch goes to the heap behind a size header.
///
/// # Safety
/// As the real helper: `s` valid, `scratch` has `cap` writable bytes.
pub unsafe extern "C" fn str_in(s: *const OneByte, scratch: *mut u8, cap: u32) -> *mut u8 {
    STR_IN_CALLS.with(|c| c.set(c.get() + 1));
    let n = (*s).len as usize;
    let out = if n < cap as usize {
        scratch
    } else {
        let p = libc::malloc(HEAP_HEADER + n + 1) as *mut u8;
        assert!(!p.is_null());
        (p as *mut usize).write(n + 1);
        p.add(HEAP_HEADER)
    };
    std::ptr::copy_nonoverlapping((*s).data, out, n);
    *out.add(n) = 0;
    out
}

/// # Safety
/// `p` came from [`str_in`]'s heap branch.
pub unsafe extern "C" fn str_free(p: *mut u8) {
    // Poisoned first: a result still pointing here after the call reads garbage, not the text.
    let base = p.sub(HEAP_HEADER);
    std::ptr::write_bytes(p, 0xa5, (base as *const usize).read());
    libc::free(base.cast());
}

thread_local! {
    /// [`str_release`]'s per-thread copy of a result that pointed into an argument copy.
    static KEPT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The address of [`str_release`]'s kept result on this thread (where a result that pointed
/// into an argument copy must now point).
pub fn kept_address() -> usize {
    KEPT.with(|k| k.borrow().as_ptr() as usize)
}

/// Stand-in for ffast-node's `ffast_str_release`: ends one argument copy (a scratch copy is
/// poisoned, a heap copy poisoned and freed) and returns `ret`, or a per-thread copy of its
/// text when it pointed into that copy.
///
/// # Safety
/// As the real helper: `copy` is what [`str_in`] returned for `scratch` in this call.
pub unsafe extern "C" fn str_release(ret: *const u8, copy: *mut u8, scratch: *mut u8) -> *const u8 {
    let size = if copy == scratch {
        trampoline::STR_SCRATCH as usize
    } else {
        (copy.sub(HEAP_HEADER) as *const usize).read()
    };
    let off = (ret as usize).wrapping_sub(copy as usize);
    let out = if off < size {
        let rest = std::slice::from_raw_parts(ret, size - off);
        let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        KEPT.with(|k| {
            let mut k = k.borrow_mut();
            k.clear();
            k.extend_from_slice(&rest[..len]);
            k.push(0);
            k.as_ptr()
        })
    } else {
        ret
    };
    if copy == scratch {
        std::ptr::write_bytes(copy, 0xa5, size);
    } else {
        str_free(copy);
    }
    out
}

/// Stand-in for ffast-node's buffer helper: the "Local" points at the address itself (so a
/// test passes [`trampoline::BUF_FALLBACK`] to make a trampoline give up).
///
/// # Safety
/// `local` points at a readable u64.
pub unsafe extern "C" fn buf_addr(local: *const u64) -> u64 {
    *local
}

/// V8's `FastApiCallbackOptions` before V8 13 (`docs/v8-fast-api.md` §8.1): 24 bytes, the
/// `fallback` flag first.
#[repr(C)]
#[derive(Default)]
pub struct Options {
    pub fallback: u8,
    pub data: u64,
    pub wasm_memory: u64,
}

/// An arbitrary receiver: trampolines must ignore it.
pub const RECV: *const std::ffi::c_void = 0x5eed as *const std::ffi::c_void;
