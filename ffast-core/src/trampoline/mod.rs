//! CallPlan → machine code. Three kinds of code are generated per bound function:
//!
//! - the **fast trampoline**, registered as V8's fast-call target: it receives the JS arguments
//!   in V8's fast-call representation, converts each to its C form, calls the target and
//!   converts the result to its fast-call return representation ([`FastRet`]);
//! - the **invoker**, used by the slow path: `extern "C" fn(slots: *mut u64)` loads argument `i`
//!   from `slots[i]` (already in C form), calls the target and stores the raw C result in
//!   `slots[n]` (`i` and `n` count the scalar, JS-visible arguments);
//! - the **slow stub**, registered as V8's regular callback: it adds a pointer to the binding's
//!   data as a second argument and jumps to the generic slow path.
//!
//! Both move aggregate arguments from the binding's area to their C locations and store an
//! aggregate result's registers into the area, following the plan's `area_args` / `area_ret`
//! (ffast_core::plan); for V8 such a function returns void.
//!
//! A fast trampoline takes one of two shapes, in both backends (`fast_direct`, `fast_framed`):
//! - **direct**: no argument goes through a helper and none comes from the area
//!   (`direct_eligible`, plus a backend's own condition): the integer arguments shift down one
//!   register (the receiver's is free), the rest move straight to their C location, and the
//!   target is tail-called, or called inside a minimal frame when the result needs converting;
//! - **framed**: every argument is first saved in a frame, helpers convert strings and buffers,
//!   the C arguments are then all loaded from memory (so there are no ordering hazards), and
//!   after the call string copies are released and the result converted.
//!
//! Each backend emits the call to the target in one place per shape (and once in the invoker):
//! that is where a per-call step (setting `al` for a variadic x64 callee, saving errno right
//! after C returns) goes.
//!
//! Value representations at the V8 boundary (shared with ffast-node, which declares the V8
//! types from them):
//! - parameters: `bool` → bool; `i8 i16 i32` → int32; `u8 u16 u32` → uint32; `i64 isize` →
//!   int64; `u64 usize pointer` → uint64; `f32` → float32; `f64` → float64; `string` →
//!   pointer to V8's `FastOneByteString {data, length}`; `buffer` → `Local<Value>`.
//! - results: see [`FastRet`]. 64-bit integer results travel as a float64: the value itself
//!   when it is a safe integer (|v| ≤ 2^53−1, exact), otherwise NaN with the raw 64 bits stored
//!   in the thread's *wide slot*, from which the JS side builds a BigInt. This keeps results
//!   exact on every Node line (Node 20 aborts on int64 fast returns, `docs/v8-fast-api.md` §7).

pub mod arm64;
pub mod x64;

use crate::{AreaSrc, ArgPlan, CallPlan, Error, Isa, Loc, Type, ValueClass};

/// Bytes of trampoline stack reserved per string argument: strings whose UTF-8 form (plus NUL)
/// fits are converted without touching the heap.
pub const STR_SCRATCH: u32 = 256;

/// The float64 bit pattern returned for "value is in the wide slot".
pub const WIDE_NAN_BITS: u64 = 0x7ff8_0000_0000_dead;

/// The largest integer a JS Number holds exactly and unambiguously (Number.MAX_SAFE_INTEGER).
pub const MAX_SAFE: u64 = (1 << 53) - 1;

/// What a `buf_addr` helper returns to ask for V8's fallback (see [`FastTargets::fallback`]):
/// the last byte of the address space is never the first byte of a buffer (user-space
/// addresses end far below it on every supported platform).
pub const BUF_FALLBACK: u64 = u64::MAX;

/// What the fast trampoline returns to V8 for a given C result type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastRet {
    Void,
    Bool,
    /// int32 (narrow signed types are sign-extended first)
    I32,
    /// uint32 (narrow unsigned types are zero-extended first)
    U32,
    /// float64, and float32 for an f32 result (declared kFloat32: V8 takes C's register as it
    /// is; the slow path widens it exactly)
    F64,
    /// float64 or NaN + wide slot, signed 64-bit source
    WideSigned,
    /// float64 or NaN + wide slot, unsigned 64-bit source (also pointers and `const char*`)
    WideUnsigned,
}

impl FastRet {
    pub fn of(t: Type) -> FastRet {
        match t {
            Type::Void => FastRet::Void,
            Type::Bool => FastRet::Bool,
            Type::I8 | Type::I16 | Type::I32 => FastRet::I32,
            Type::U8 | Type::U16 | Type::U32 => FastRet::U32,
            Type::F32 | Type::F64 => FastRet::F64,
            Type::I64 | Type::ISize => FastRet::WideSigned,
            Type::U64 | Type::USize | Type::Pointer | Type::String | Type::Buffer => {
                FastRet::WideUnsigned
            }
        }
    }
}

/// Addresses the fast trampoline calls or writes.
#[derive(Clone, Copy, Debug)]
pub struct FastTargets {
    /// The C function.
    pub target: usize,
    /// Where an unsafe 64-bit result is stored (8 bytes, owned by the calling thread).
    pub wide_slot: usize,
    /// `extern "C" fn(s: *const FastOneByteString, scratch: *mut u8, cap: u32) -> *const u8`:
    /// NUL-terminated UTF-8 copy of a Latin-1 string, in `scratch` when it fits.
    pub str_in: usize,
    /// `extern "C" fn(p: *const u8)`: frees what `str_in` allocated outside its scratch.
    pub str_free: usize,
    /// `extern "C" fn(ret: *const u8, copy: *mut u8, scratch: *mut u8) -> *const u8`, called
    /// instead of `str_free` when the result is a `string`: ends one argument's copy (`copy`,
    /// what `str_in` returned for `scratch`, freed if on the heap) and returns the result to
    /// hand V8 — `ret`, or when `ret` points into that copy (C's `strstr`, `strchr`,
    /// `basename`… return pointers into their argument) the address of a per-thread copy of
    /// its NUL-terminated text that outlives the call. Called once per string argument with the
    /// result chained through (docs/strings.md).
    pub str_release: usize,
    /// `extern "C" fn(v: Local<Value>) -> *mut u8`: address of a buffer argument's first byte
    /// (or [`BUF_FALLBACK`], see `fallback`).
    pub buf_addr: usize,
    /// V8 before 13 (`docs/v8-fast-api.md` §8.1, §8.3): the V8 signature ends with a
    /// `FastApiCallbackOptions&` (at `plan.options`), and a `buf_addr` result of
    /// [`BUF_FALLBACK`] makes the trampoline set the options' `fallback` flag (its first byte)
    /// and return without calling C, so V8 re-runs the call on the slow path with the same
    /// arguments. Buffers are then converted before strings, so nothing is allocated when it
    /// gives up. Only signatures with a buffer parameter read it: every other trampoline is the
    /// same either way.
    pub fallback: bool,
    /// The binding's area (16-aligned, `plan.area_size` bytes); unused when the plan has no
    /// aggregates.
    pub area: usize,
}

/// What a fast trampoline of an `errno: true` function exchanges errno with (`docs/errno.md`
/// §3). A fast trampoline only ever runs on the JS thread that made it (V8 runs an isolate's
/// JS on one thread at a time, and each Node isolate stays on its thread), so both addresses
/// are that thread's, fixed for its life, and compiled in like the wide slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrnoTargets {
    /// The thread's C `errno` (`__errno_location()` / `__error()` on that thread).
    pub errno_addr: usize,
    /// The thread's saved value (an `i32` cell): stored into errno right before the call,
    /// and set to errno right after it returns.
    pub saved: usize,
}

/// Fast-call trampoline for `plan`.
pub fn fast(plan: &CallPlan, t: &FastTargets) -> Result<Vec<u8>, Error> {
    fast_errno(plan, t, None)
}

/// Fast-call trampoline for `plan` that, with `errno`, sets C's errno to the saved value right
/// before calling the target and saves errno right after it returns, before anything else
/// runs (a trampoline with errno never tail-calls: it needs the return).
pub fn fast_errno(
    plan: &CallPlan,
    t: &FastTargets,
    errno: Option<ErrnoTargets>,
) -> Result<Vec<u8>, Error> {
    plan.fast.map_err(|why| Error::Unsupported(why.into()))?;
    match plan.isa {
        Isa::X64 => x64::fast(plan, t, errno),
        Isa::Arm64 => arm64::fast(plan, t, errno),
    }
}

/// Whether V8 can call the C function itself as the fast target, with no trampoline between
/// them: every argument arrives exactly where C wants it, so nothing is moved. V8 passes the
/// receiver first, in the first integer register (`docs/v8-fast-api.md` §6), so on both ISAs
/// this holds only for floating-point arguments, all in registers (a C function that takes no
/// integer never reads that register). Also required: no helper conversion, no area, a result
/// in the same register with the same bits ([`result_needs_conversion`]), no errno exchange
/// (`errno`), and no ellipsis (x86-64 callers of a variadic function must set %al). And at least
/// one argument: measured side by side (bench/peers Node 26, `noop`/`i32_0` against
/// `f64_2`/`f32_2`, docs/perf-corners.md §5), calling a zero-argument function directly was
/// 0.2–0.5 ns slower than through its trampoline, where float arguments gained 0.7–1.1 ns.
pub fn target_is_entry(plan: &CallPlan, errno: bool) -> bool {
    !plan.args.is_empty()
        && plan.fast.is_ok()
        && !errno
        && plan.variadic.is_none()
        && !plan.uses_area()
        && plan.registers_only()
        && !result_needs_conversion(plan.ret.ty)
        && plan
            .args
            .iter()
            .all(|a| a.entry == Some(a.c) && !needs_helper(a.ty))
}

/// Where a trampoline that may ask for V8's fallback finds the options pointer; `None` when it
/// never asks (`t.fallback` off, or no buffer parameter).
fn fallback_options(plan: &CallPlan, t: &FastTargets) -> Result<Option<Loc>, Error> {
    if !t.fallback || !plan.args.iter().any(|a| a.ty == Type::Buffer) {
        return Ok(None);
    }
    match plan.options {
        Some(l @ (Loc::Gpr(_) | Loc::Stack(_))) => Ok(Some(l)),
        _ => Err(Error::Unsupported(
            "V8 cannot pass fast-call options to this signature".into(),
        )),
    }
}

/// Whether the fast trampoline converts an argument of this type through a helper call.
fn needs_helper(ty: Type) -> bool {
    matches!(ty, Type::String | Type::Buffer)
}

/// Whether the fast trampoline for `plan` may take the *direct* shape (see the module docs):
/// no argument goes through a helper and no value comes from the area, so every argument moves
/// straight from where V8 left it to where C wants it. (Aggregates take the framed shape, where
/// every JS argument is in memory before any register is loaded, so area loads need no
/// ordering.) A backend may ask for more (x64: no over-aligned stack; arm64: no C stack
/// arguments).
fn direct_eligible(plan: &CallPlan) -> bool {
    !plan.uses_area() && !plan.args.iter().any(|a| needs_helper(a.ty))
}

/// Whether the C result must be converted before V8 gets it (see [`FastRet`]): every type but
/// those whose C and fast-call representations are the same register with the same bits. A
/// direct trampoline without a conversion tail-calls C.
fn result_needs_conversion(ty: Type) -> bool {
    !matches!(
        ty,
        Type::Void | Type::I32 | Type::U32 | Type::F32 | Type::F64
    )
}

/// Where V8 delivers argument `a` (plans that are not fast-eligible have none: an error here).
fn entry_loc(a: &ArgPlan) -> Result<Loc, Error> {
    a.entry
        .ok_or_else(|| Error::Encode("argument without an entry location".into()))
}

/// The indices of the `string` arguments, in argument order (string `k` owns scratch `k`).
fn string_args(plan: &CallPlan) -> Vec<usize> {
    (0..plan.args.len())
        .filter(|&i| plan.args[i].ty == Type::String)
        .collect()
}

fn align16(n: u32) -> u32 {
    (n + 15) & !15
}

/// How an integer-class C value is brought into a register, the one table both backends read.
/// Narrow values are extended to 32 bits from their C size, sign or zero per their type: V8
/// hands int32/uint32 over with unspecified upper bits, a C callee's narrow result leaves them
/// unspecified (SysV psABI §3.2.3, AAPCS64 §6.8.2 C.14/C.16), and callers extend narrow
/// arguments (clang-compiled x86-64 callees rely on it; Apple arm64 requires it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntMove {
    /// 8 bits, sign-extended to 32.
    Sx8,
    /// 8 bits (also `bool`), zero-extended to 32.
    Zx8,
    /// 16 bits, sign-extended to 32.
    Sx16,
    /// 16 bits, zero-extended to 32.
    Zx16,
    /// 32 bits (a 32-bit register write zeroes the upper half).
    W32,
    /// 64 bits.
    X64,
}

impl IntMove {
    /// The move for a value of type `ty`; `what` names the caller in the error for a type
    /// that is not integer-class.
    fn of(ty: Type, what: &str) -> Result<IntMove, Error> {
        Ok(match ty.class() {
            ValueClass::Int {
                size: 1,
                signed: true,
            } => IntMove::Sx8,
            ValueClass::Int {
                size: 1,
                signed: false,
            } => IntMove::Zx8,
            ValueClass::Int {
                size: 2,
                signed: true,
            } => IntMove::Sx16,
            ValueClass::Int {
                size: 2,
                signed: false,
            } => IntMove::Zx16,
            ValueClass::Int { size: 4, .. } => IntMove::W32,
            ValueClass::Int { size: 8, .. } => IntMove::X64,
            c => return Err(Error::Encode(format!("{what}: {ty} is {c:?}"))),
        })
    }

    /// Whether `ty` is an integer narrower than 32 bits (an extension, not a plain move).
    fn is_narrow(ty: Type) -> bool {
        matches!(ty.class(), ValueClass::Int { size: 1 | 2, .. })
    }
}

/// Whether a callback entry widens an integer of type `ty` (already extended to 32 bits) to 64
/// with a sign extension: signed types of at most 32 bits. Others are already zero-extended by
/// the 32-bit move.
fn sign_extends_to_64(ty: Type) -> bool {
    matches!(
        ty.class(),
        ValueClass::Int {
            size: 1 | 2 | 4,
            signed: true,
        }
    )
}

/// The arguments that go through a helper, in the order the trampoline converts them:
/// argument order, or every buffer first when a buffer may make it give up (then no string
/// copy exists yet that would need freeing).
fn helper_order(plan: &CallPlan, buffers_first: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..plan.args.len())
        .filter(|&i| needs_helper(plan.args[i].ty))
        .collect();
    if buffers_first {
        // A stable sort keeps argument order within each kind.
        order.sort_by_key(|&i| plan.args[i].ty != Type::Buffer);
    }
    order
}

/// Slow-path invoker for `plan`: `extern "C" fn(slots: *mut u64)`. `area` is the binding's
/// area (see [`FastTargets::area`]).
pub fn invoker(plan: &CallPlan, target: usize, area: usize) -> Result<Vec<u8>, Error> {
    invoker_errno(plan, target, area, None)
}

/// [`invoker`] exchanging errno through `slots[n + 1]` when `errno_location` is given: that
/// function (`extern "C" fn() -> *mut i32`, libc's `__errno_location` / `__error`) is called
/// once at entry on whatever thread runs the invoker (the JS thread, the lane, a pool thread);
/// C's errno is set to `slots[n + 1]` (low 32 bits) right before the target is called, and
/// errno is stored to `slots[n + 1]` right after it returns (`docs/errno.md` §3).
pub fn invoker_errno(
    plan: &CallPlan,
    target: usize,
    area: usize,
    errno_location: Option<usize>,
) -> Result<Vec<u8>, Error> {
    match plan.isa {
        Isa::X64 => x64::invoker(plan, target, area, errno_location),
        Isa::Arm64 => arm64::invoker(plan, target, area, errno_location),
    }
}

/// A stub `f(a0) → callback(a0, data)`: gives V8's one-argument callback its binding.
pub fn slow_stub(isa: Isa, callback: usize, data: usize) -> Result<Vec<u8>, Error> {
    match isa {
        Isa::X64 => x64::slow_stub(callback, data),
        Isa::Arm64 => arm64::slow_stub(callback, data),
    }
}

/// Where one aggregate parameter of a callback is when C calls the entry (docs/callbacks.md §3,
/// §5.1): the entry stores its address in the parameter's slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggIn {
    /// Registers (or, for a plan that is not an image, stack eightbytes): each `(loc, ty,
    /// off)` is stored at `off` in the entry's spill block (`ty`: `U64` for a whole eightbyte,
    /// `F64`/`F32` for a floating-point register); the bytes are the block region.
    Spill(Vec<(Loc, Type, u32)>),
    /// An image of the object on the caller's stack, `base` bytes after the first stack
    /// argument: the bytes are already there.
    Image { base: u32 },
    /// A pointer to the caller's copy (AAPCS64 B.4) in this location.
    ByRef(Loc),
}

/// Where an aggregate result goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggOut {
    /// Registers loaded after the dispatch from `off` in the spill block.
    Regs(Vec<(Loc, Type, u32)>),
    /// Written through the caller's hidden pointer, which arrives in this register (rdi on
    /// SysV x86-64 — and returned in rax —, x8 on AAPCS64 and Apple arm64).
    Hidden(Loc),
}

/// What a callback entry does with a plan's aggregates (docs/callbacks.md §4, §5): pure, from
/// the plan, shared by both emitters. Scalar-only plans have an empty layout.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CallbackLayout {
    /// One per aggregate parameter, in declared order (slot `n + 1 + k`).
    pub params: Vec<AggIn>,
    pub result: Option<AggOut>,
    /// Bytes of spill block the entry's frame holds (a multiple of 8): each register-passed
    /// aggregate, and a register result, in its own region padded to whole eightbytes.
    pub block_size: u32,
}

impl CallbackLayout {
    pub fn new(plan: &CallPlan) -> CallbackLayout {
        let mut layout = CallbackLayout::default();
        let mut order: Vec<usize> = Vec::new();
        for a in &plan.area_args {
            if let Some(p) = a.param {
                if !order.contains(&p) {
                    order.push(p);
                }
            }
        }
        // Where each aggregate starts in the binding area. The area holds the aggregates one
        // after another (Signature::parse), so each one's bytes end before the next one's start
        // (or at area_size): an upper bound on its size the plan itself carries.
        let mut starts: Vec<u32> = plan
            .area_args
            .iter()
            .map(|a| match a.src {
                AreaSrc::Load { offset, .. } | AreaSrc::Addr { offset } => offset,
            })
            .chain(plan.area_ret.iter().map(|r| r.offset))
            .collect();
        starts.sort_unstable();
        let extent = |base: u32| {
            let next = starts.iter().copied().find(|&o| o > base);
            next.unwrap_or(plan.area_size).max(base) - base
        };
        // A region for `pieces` (area-absolute offsets): placed at the block's end, each piece
        // at its distance from the aggregate's first byte (the lowest offset: its first
        // eightbyte is always among them), the region padded to whole eightbytes and as long as
        // the whole aggregate, not only its register pieces: the dispatcher copies all of its
        // bytes (a 16-byte union whose second eightbyte is padding comes back in rax alone, and
        // its copy overran an 8-byte region into the saved frame pointer).
        let mut region = |pieces: Vec<(Loc, Type, u32)>| {
            let base = pieces.iter().map(|p| p.2).min().unwrap_or(0);
            let start = layout.block_size;
            let end = pieces
                .iter()
                .map(|p| p.2 - base + 8)
                .max()
                .unwrap_or(0)
                .max(extent(base));
            layout.block_size += end.next_multiple_of(8);
            pieces
                .into_iter()
                .map(|(c, ty, off)| (c, ty, start + off - base))
                .collect::<Vec<_>>()
        };
        for p in order {
            let es: Vec<_> = plan
                .area_args
                .iter()
                .filter(|a| a.param == Some(p))
                .collect();
            if let [one] = es.as_slice() {
                if let AreaSrc::Addr { .. } = one.src {
                    layout.params.push(AggIn::ByRef(one.c));
                    continue;
                }
            }
            let pieces: Vec<(Loc, Type, u32)> = es
                .iter()
                .filter_map(|a| match a.src {
                    AreaSrc::Load { offset, ty } => Some((a.c, ty, offset)),
                    AreaSrc::Addr { .. } => None,
                })
                .collect();
            let base = pieces.iter().map(|p| p.2).min().unwrap_or(0);
            let on_stack: Vec<i64> = pieces
                .iter()
                .filter_map(|&(c, _, off)| match c {
                    Loc::Stack(at) => Some(at as i64 - (off - base) as i64),
                    _ => None,
                })
                .collect();
            // §3 shape 2: every piece on the stack at one distance from its place in the
            // object. Anything else (none of the supported ABIs gives it) is spilled piece by
            // piece, so correctness never depends on the shortcut.
            if !on_stack.is_empty()
                && on_stack.len() == pieces.len()
                && on_stack.windows(2).all(|w| w[0] == w[1])
                && on_stack[0] >= 0
            {
                layout.params.push(AggIn::Image {
                    base: on_stack[0] as u32,
                });
                continue;
            }
            layout.params.push(AggIn::Spill(region(pieces)));
        }
        if let Some(h) = plan.area_args.iter().find(|a| a.param.is_none()) {
            layout.result = Some(AggOut::Hidden(h.c));
        } else if !plan.area_ret.is_empty() {
            let pieces = plan
                .area_ret
                .iter()
                .map(|r| (r.c, r.ty, r.offset))
                .collect();
            layout.result = Some(AggOut::Regs(region(pieces)));
        }
        layout
    }

    /// Whether the plan has any aggregate (the entry then follows docs/callbacks.md §4's
    /// extended slot contract, and its dispatcher is the aggregate one).
    pub fn is_empty(&self) -> bool {
        self.params.is_empty() && self.result.is_none()
    }
}

/// Callback entry trampoline for `plan`: C calls it as a function of the plan's signature (only
/// the plan's `c` locations are used). It stores argument `i` in 8-byte slot `i` of an array
/// in its own frame — integers extended to 64 bits per their type (sign or zero), floats as
/// their bit pattern (an f32 in the low 32 bits) — calls `dispatch(ctx, slots)`
/// (`extern "C" fn(usize, *mut u64)`), then returns `slots[n]` in the C result register
/// (rax/xmm0, x0/d0/s0), the stack 16-byte aligned at the inner call. The mirror image of
/// [`invoker`].
///
/// With aggregates (docs/callbacks.md §4) the slots grow: `slots[n]` holds the address the
/// result's bytes go to, `slots[n + 1 + k]` the address of aggregate parameter `k`'s bytes
/// ([`CallbackLayout`]); the dispatcher writes the result's bytes and leaves the slots alone.
pub fn callback_entry(plan: &CallPlan, ctx: usize, dispatch: usize) -> Result<Vec<u8>, Error> {
    // A JS function has no va_list to read variadic arguments through (docs/variadic.md §1.3).
    if plan.variadic.is_some() {
        return Err(Error::Unsupported(
            "a callback cannot be variadic ('...')".into(),
        ));
    }
    match plan.isa {
        Isa::X64 => x64::callback_entry(plan, ctx, dispatch),
        Isa::Arm64 => arm64::callback_entry(plan, ctx, dispatch),
    }
}
