//! Handle scopes ffast opens itself, on the Rust stack: N-API's (`napi_open_handle_scope`) is a
//! heap object on Node 26, a malloc and a free per use. Two kinds:
//! - [`ScopeFns`]: V8 11–13 export the `HandleScope` constructor and destructor; ffast calls
//!   them on storage of its own ([`HandleScope`]).
//! - [`Scope::Inline`]: V8 14 inlines both (header code): ffast does what that code does, on
//!   the isolate's `HandleScopeData` at the offset the header defines, after a probe checked
//!   the offset against handles V8 itself creates.

use super::symbols::{sym, FnIntegerNew};
use std::ffi::c_void;

pub type FnScopeNew = unsafe extern "C" fn(*mut HandleScope, *mut c_void);
pub type FnScopeDrop = unsafe extern "C" fn(*mut HandleScope);
type FnDeleteExtensions = unsafe extern "C" fn(*mut HandleScope, *mut c_void);
type FnViewBuffer = unsafe extern "C" fn(*const c_void) -> *const c_void;
type FnViewOffset = unsafe extern "C" fn(*const c_void) -> usize;

/// Room for a `v8::HandleScope` (24 bytes in release builds of V8 11–13: isolate, prev_next,
/// prev_limit), with margin; constructed and destroyed by V8's own exported functions.
#[repr(C, align(8))]
pub struct HandleScope([u8; 64]);

impl HandleScope {
    /// Storage for V8's constructor to fill.
    pub fn zeroed() -> Self {
        HandleScope([0; 64])
    }
}

/// A `v8::HandleScope` on the Rust stack (V8 ≤ 13, where its constructor is exported; 14+
/// inlines it, but 14+ also has `GetContents`, so it is not needed there).
pub struct ScopeFns {
    pub new: FnScopeNew,
    pub drop: FnScopeDrop,
    pub view_buffer: FnViewBuffer,
    pub view_byte_offset: FnViewOffset,
}

impl ScopeFns {
    /// The exported constructor and destructor, with the view accessors that need a scope.
    pub fn resolve() -> Result<ScopeFns, String> {
        Ok(ScopeFns {
            new: sym("_ZN2v811HandleScopeC1EPNS_7IsolateE")?,
            drop: sym("_ZN2v811HandleScopeD1Ev")?,
            view_buffer: sym("_ZN2v815ArrayBufferView6BufferEv")?,
            view_byte_offset: sym("_ZN2v815ArrayBufferView10ByteOffsetEv")?,
        })
    }

    /// Run `f` inside a fresh `v8::HandleScope` of `isolate` (handles it creates are released
    /// on return).
    ///
    /// # Safety
    /// On the isolate's thread.
    pub unsafe fn with<R>(&self, isolate: *mut c_void, f: impl FnOnce() -> R) -> R {
        // SAFETY: the operations below need only this function's contract (# Safety): on the
        // isolate's thread.
        unsafe {
            let mut hs = HandleScope::zeroed();
            (self.new)(&mut hs, isolate);
            let r = f();
            (self.drop)(&mut hs);
            r
        }
    }
}

/// `v8::internal::HandleScopeData` (v8-internal.h, V8 12+): what the inline HandleScope edits.
#[repr(C)]
struct HandleScopeData {
    next: *mut usize,
    limit: *mut usize,
    level: i32,
    sealed_level: i32,
}

/// `v8::HandleScope`'s fields in release builds of V8 11–14 (`isolate_`, `prev_next_`,
/// `prev_limit_`), for the inline route (the object V8's DeleteExtensions is called on).
#[repr(C)]
struct InlineScope {
    isolate: *mut c_void,
    prev_next: *mut usize,
    prev_limit: *mut usize,
}

/// `Internals::kIsolateHandleScopeDataOffset` per V8 (major, minor) whose HandleScope
/// constructor is header-inline, as computed by the header of that release (64-bit, no pointer
/// compression, no sandbox: Node's official builds). A wrong entry cannot slip through: the
/// probe checks it against handles V8 itself creates before anything is written there.
const INLINE_SCOPE_OFFSETS: [((u32, u32), usize); 1] = [((14, 6), 560)];

/// How [`Scope::with`] opens a scope on this V8.
pub enum Scope {
    /// V8 14+: the header-inline constructor and destructor, done here.
    Inline {
        offset: usize,
        delete_extensions: FnDeleteExtensions,
    },
    /// V8 11–13: the exported constructor and destructor.
    Exported { new: FnScopeNew, drop: FnScopeDrop },
}

impl Scope {
    /// The scope route for V8 `version`: the inline one where the table knows the offset and
    /// the probe confirms it (creating a few handles in the current scope), else the exported
    /// constructor; None when neither is available.
    ///
    /// # Safety
    /// On `isolate`'s thread inside a HandleScope.
    pub unsafe fn resolve(
        version: (u32, u32),
        integer_new: FnIntegerNew,
        isolate: *mut c_void,
    ) -> Option<Scope> {
        // SAFETY: the operations below need only this function's contract (# Safety): on
        // `isolate`'s thread inside a HandleScope.
        unsafe {
            Some(
                match INLINE_SCOPE_OFFSETS.iter().find(|(v, _)| *v == version) {
                    Some(&(_, offset)) => {
                        let delete_extensions =
                            sym("_ZN2v811HandleScope16DeleteExtensionsEPNS_7IsolateE").ok()?;
                        probe_inline_scope(offset, delete_extensions, integer_new, isolate)
                            .then_some(Scope::Inline {
                                offset,
                                delete_extensions,
                            })?
                    }
                    None => Scope::Exported {
                        new: sym("_ZN2v811HandleScopeC1EPNS_7IsolateE").ok()?,
                        drop: sym("_ZN2v811HandleScopeD1Ev").ok()?,
                    },
                },
            )
        }
    }

    /// Run `f` inside a fresh HandleScope: handles it creates are released on return.
    ///
    /// # Safety
    /// On `isolate`'s thread, with that isolate entered.
    #[inline(always)]
    pub unsafe fn with<R>(&self, isolate: *mut c_void, f: impl FnOnce() -> R) -> R {
        // SAFETY: the operations below need only this function's contract (# Safety): on
        // `isolate`'s thread, with that isolate entered.
        unsafe {
            match *self {
                Scope::Inline {
                    offset,
                    delete_extensions,
                } => {
                    let data = (isolate as *mut u8).add(offset) as *mut HandleScopeData;
                    with_inline_scope(isolate, data, delete_extensions, f)
                }
                Scope::Exported { new, drop } => {
                    let mut hs = HandleScope::zeroed();
                    new(&mut hs, isolate);
                    let r = f();
                    drop(&mut hs);
                    r
                }
            }
        }
    }
}

/// Check `offset` against the isolate before trusting it: reading first (the isolate object is
/// far larger than any offset in the table), writing only once V8's own handle allocation
/// matched. `next` must be exactly where Integer::New puts its handle, and advance by one slot;
/// then a scope opened and closed here must get V8's next handle at the following slot and
/// restore next, limit and level.
///
/// # Safety
/// On a JS thread inside an N-API call (a HandleScope is open); `isolate` is this thread's;
/// `delete_extensions` and `integer_new` are V8's.
unsafe fn probe_inline_scope(
    offset: usize,
    delete_extensions: FnDeleteExtensions,
    integer_new: FnIntegerNew,
    isolate: *mut c_void,
) -> bool {
    // SAFETY: the operations below need only this function's contract (# Safety): on a JS thread
    // inside an N-API call (a HandleScope is open); `isolate` is this thread's; `delete_extensions`
    // and `integer_new` are V8's.
    unsafe {
        let data = (isolate as *mut u8).add(offset) as *mut HandleScopeData;
        let slot = std::mem::size_of::<usize>();
        // A block with no room for the two probe handles: one more handle fills it, the next one
        // opens a new block; so at most three rounds.
        for _ in 0..3 {
            let next = std::ptr::read_volatile(&(*data).next) as usize;
            let limit = std::ptr::read_volatile(&(*data).limit) as usize;
            let level = std::ptr::read_volatile(&(*data).level);
            if next == 0 || limit < next || level <= 0 {
                return false;
            }
            if limit - next < 2 * slot {
                integer_new(isolate, 0);
                continue;
            }
            let h = integer_new(isolate, 1) as usize;
            if h != next || std::ptr::read_volatile(&(*data).next) as usize != next + slot {
                return false;
            }
            let inner = with_inline_scope(isolate, data, delete_extensions, || {
                (
                    std::ptr::read_volatile(&(*data).level),
                    integer_new(isolate, 2) as usize,
                )
            });
            return inner == (level + 1, next + slot)
                && std::ptr::read_volatile(&(*data).next) as usize == next + slot
                && std::ptr::read_volatile(&(*data).limit) as usize == limit
                && std::ptr::read_volatile(&(*data).level) == level;
        }
        false
    }
}

/// What V8 14's inline `HandleScope::HandleScope` and `~HandleScope` do (v8-local-handle.h):
/// remember next/limit and count the level; on close restore them, and free the blocks handles
/// in this scope added (DeleteExtensions) when the limit moved.
///
/// # Safety
/// `isolate` is the current thread's isolate and `data` its handle-scope data, at the offset the
/// probe verified; `f` leaves the scope data as it found it.
#[inline(always)]
unsafe fn with_inline_scope<R>(
    isolate: *mut c_void,
    data: *mut HandleScopeData,
    delete_extensions: FnDeleteExtensions,
    f: impl FnOnce() -> R,
) -> R {
    // SAFETY: the operations below need only this function's contract (# Safety): `isolate` is the
    // current thread's isolate and `data` its handle-scope data, at the offset the probe verified;
    // `f` leaves the scope data as it found it.
    unsafe {
        let mut scope = InlineScope {
            isolate,
            prev_next: (*data).next,
            prev_limit: (*data).limit,
        };
        (*data).level += 1;
        let r = f();
        (*data).next = scope.prev_next;
        (*data).level -= 1;
        if (*data).limit != scope.prev_limit {
            (*data).limit = scope.prev_limit;
            delete_extensions((&mut scope as *mut InlineScope).cast(), isolate);
        }
        r
    }
}
