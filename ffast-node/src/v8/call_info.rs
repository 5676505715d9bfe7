//! `FunctionCallbackInfo`: where a regular callback finds its arguments and its return slot,
//! per Node line. The slow path of a fast function is such a callback (reached through its
//! slow stub), so it reads the info itself instead of asking V8 per argument.

/// How to read a `FunctionCallbackInfo` (fact sheet §3 of rust-fast-calls.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FciLayout {
    /// V8 11–14.2: `{implicit_args*, values*, length}`; arg i at `values[i]`, the return
    /// value slot at `implicit_args[3]`.
    Pointers,
    /// V8 14.3+: the info is the exit frame itself; `v[0]` argc, `v[6]` return slot,
    /// `v[10 + i]` argument i.
    Flat,
}

impl FciLayout {
    /// The layout of V8 (major, minor).
    pub fn of(version: (u32, u32)) -> FciLayout {
        if version >= (14, 3) {
            FciLayout::Flat
        } else {
            FciLayout::Pointers
        }
    }
}

/// Arguments and return slot of a `FunctionCallbackInfo`, per line.
pub struct CallInfo {
    pub argc: usize,
    /// Slot of argument 0; argument i is at `args.add(i)`. A slot pointer is a `Local`, which
    /// is an `napi_value` (same bits, rust-fast-calls.md §5).
    pub args: *mut usize,
    pub ret: *mut usize,
}

/// # Safety
/// `info` must be the `FunctionCallbackInfo` V8 passed to a callback on this line.
pub unsafe fn call_info(layout: FciLayout, info: *const usize) -> CallInfo {
    // SAFETY: the operations below need only this function's contract (# Safety): `info` must be
    // the `FunctionCallbackInfo` V8 passed to a callback on this line.
    unsafe {
        match layout {
            FciLayout::Pointers => {
                let implicit = *info as *mut usize;
                let values = *info.add(1) as *mut usize;
                // length_ is int (V8 11/12) or intptr (13): its low 32 bits are right on both.
                let argc = *(info.add(2) as *const i32) as usize;
                CallInfo {
                    argc,
                    args: values,
                    ret: implicit.add(3),
                }
            }
            FciLayout::Flat => {
                let v = info as *mut usize;
                CallInfo {
                    argc: *v,
                    args: v.add(10),
                    ret: v.add(6),
                }
            }
        }
    }
}
