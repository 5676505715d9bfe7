//! The CallPlan: where every value lives, on both sides of a trampoline. Pure data.
//!
//! An ABI crate fills it in (`classify(&Signature) -> CallPlan`); a backend of the encoder reads
//! it and emits moves. The plan never says *how* to move a value, and the encoder never
//! decides *where* a value lives.
//!
//! Two conventions meet in a fast-call trampoline:
//! - the **entry** side: V8's optimizing compiler calls the trampoline as a C function whose
//!   argument 0 is the JS receiver, followed by the JS arguments in their fast-call
//!   representation (`docs/v8-fast-api.md` §6);
//! - the **C** side: the target function, called with the platform's C convention.
//!
//! The slow-path invoker only uses the C side: it loads each argument from an array of 8-byte
//! slots.
//!
//! By-value aggregates (structs, unions) never cross the V8 boundary: they live in the
//! binding's *area* (see [`crate::signature`]). `args` holds the scalar arguments only, index
//! for index the JS arguments, so a scalar-only plan is exactly what it was before aggregates;
//! each aggregate argument adds [`AreaArg`]s — one per register or stack eightbyte (per member
//! for an arm64 HFA), loaded from the area — or one whose value is an area address (a copy
//! passed by reference, or the hidden pointer of a result returned in memory). A result in
//! registers lists where each register goes in the area ([`AreaRet`]). The trampolines load
//! area values only after every JS argument is in memory (their framed path), so there are no
//! ordering hazards between the two kinds of source.

use crate::types::Type;

/// Which instruction set a plan's register numbers belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    X64,
    Arm64,
}

/// A register or stack location. Register numbers are the ISA's hardware encodings
/// (x64: rax=0 … r15=15, xmm0=0 …; arm64: x0=0 …, v0=0 …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loc {
    /// General-purpose (integer) register.
    Gpr(u8),
    /// Floating-point / vector register.
    Fpr(u8),
    /// Byte offset from the first stack-argument slot (the caller's outgoing area).
    Stack(u32),
}

/// One parameter, on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgPlan {
    pub ty: Type,
    /// Where V8's fast call delivers it. `None` when the plan is not fast-eligible.
    pub entry: Option<Loc>,
    /// Where the C function expects it.
    pub c: Loc,
}

/// The result: where C leaves it. The fast-call side of the result is always the first
/// integer or float return register, so it needs no field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetPlan {
    pub ty: Type,
    /// `None` for void.
    pub c: Option<Loc>,
}

/// What an [`AreaArg`] puts in its C location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaSrc {
    /// The value of type `ty` at area + `offset`: `U64` for a general-register or stack
    /// eightbyte (whole eightbytes: every region is padded to 8), `F64` / `F32` for a
    /// floating-point register.
    Load { offset: u32, ty: Type },
    /// The address area + `offset`.
    Addr { offset: u32 },
}

/// One C-side value that comes from the binding's area instead of a JS argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AreaArg {
    /// The declared parameter it belongs to; `None` for the hidden result pointer.
    pub param: Option<usize>,
    pub src: AreaSrc,
    pub c: Loc,
}

/// One register of an aggregate result, stored to area + `offset` after the call (`ty` as in
/// [`AreaSrc::Load`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AreaRet {
    pub c: Loc,
    pub offset: u32,
    pub ty: Type,
}

/// How the C side lays out its stack arguments: the rule the platforms disagree on most. The
/// emitters read it to size their stores into the outgoing argument area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackSlots {
    /// Every stack argument takes whole 8-byte slots, a narrower scalar widened to 8 bytes
    /// (SysV x86-64 psABI §3.2.3; AAPCS64 §6.8.2 C.5 and C.16). Emitters store 8 bytes per
    /// slot, a narrow integer already extended.
    EightByte,
    /// Each stack argument takes its natural size at its natural alignment, so neighbours
    /// may share an eightbyte (Apple arm64: "Function arguments may consume slots on the stack
    /// that are not multiples of 8 bytes"). Emitters store exactly the argument's size, so
    /// nothing lands on its neighbour.
    Natural,
}

/// The complete plan for one signature on one ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallPlan {
    pub isa: Isa,
    /// ABI name, for diagnostics only (`"sysv64"`, `"aapcs64"`, `"darwin-arm64"`): what the
    /// emitters must know of the ABI is in the fields below.
    pub abi: &'static str,
    pub args: Vec<ArgPlan>,
    /// The scalar result (`Void` for an aggregate result, which JS reads from the area).
    pub ret: RetPlan,
    /// C-side values loaded from (or pointing into) the area, in declared order.
    pub area_args: Vec<AreaArg>,
    /// Registers of an aggregate result returned in registers, and where they go in the area.
    pub area_ret: Vec<AreaRet>,
    /// Bytes of area the trampolines address (the signature's `area_size`).
    pub area_size: u32,
    /// Where the JS receiver arrives on the entry side (its value is never used).
    pub receiver: Loc,
    /// Bytes of stack arguments V8 passes to the trampoline (a multiple of 8), not counting
    /// [`CallPlan::options`].
    pub entry_stack_bytes: u32,
    /// Where V8 passes the `FastApiCallbackOptions*` of a fast signature that declares one: an
    /// integer-class C argument after the last JS argument (`docs/v8-fast-api.md` §8). Only
    /// trampolines that may ask V8 for its fallback use it
    /// ([`crate::trampoline::FastTargets::fallback`]); `None` when V8 could not pass it.
    pub options: Option<Loc>,
    /// Bytes of stack arguments the C function expects (a multiple of 8; callers round the
    /// area up to the ABI's stack alignment).
    pub c_stack_bytes: u32,
    /// Stack alignment the C side requires at the call: 16 on every supported ABI, more on
    /// SysV x86-64 when an over-aligned aggregate (32, 64, … bytes) is passed on the stack
    /// (psABI §3.2.2; `docs/abi-stack-alignment.md`). A power of two; the emitters align the
    /// outgoing argument area to it.
    pub stack_align: u32,
    /// How the C stack arguments are laid out (the offsets in `c` and `area_args` follow it).
    pub stack_slots: StackSlots,
    /// Whether V8 may call a trampoline for this signature, and if not, why.
    pub fast: Result<(), &'static str>,
    /// For a call through an ellipsis: the index in `args` of the first variadic argument
    /// (they are the last `args`: only scalars match the `...`). Their C type is the promoted
    /// one ([`CallPlan::c_type`]); `None` for a function with fixed parameters only.
    pub variadic: Option<usize>,
}

impl CallPlan {
    /// True when no argument crosses to or from the stack on either side and all of them keep
    /// their register class: the trampoline is then a register shuffle and a tail call.
    pub fn registers_only(&self) -> bool {
        self.c_stack_bytes == 0 && self.entry_stack_bytes == 0
    }

    /// Whether the trampolines touch the binding's area.
    pub fn uses_area(&self) -> bool {
        !self.area_args.is_empty() || !self.area_ret.is_empty()
    }

    /// The C type of argument `i`: its type, or for a variadic argument the type C's default
    /// argument promotions make of it (`int` for narrow integers, `double` for `float`, C11
    /// §6.5.2.2p6). The emitters pass this type; `args[i].ty` stays what JS converts to.
    pub fn c_type(&self, i: usize) -> Type {
        let ty = self.args[i].ty;
        match self.variadic {
            Some(v) if i >= v => ty.promoted(),
            _ => ty,
        }
    }

    /// Whether V8 would leave the stack pointer 16 bytes too high after a fast call of this
    /// plan's entry signature, so that the optimized caller then reads and writes its frame at
    /// the wrong place: on arm64, when V8 passes an odd number of integer-class stack arguments
    /// AND an odd number of floating-point ones (`docs/v8-fast-api.md` §6.1: measured on Node
    /// 22/24/26, read in V8's source for the rest). Such a plan must not get a fast target.
    /// `with_options`: V8 also passes the `FastApiCallbackOptions*`, one more integer-class
    /// argument after the JS ones.
    pub fn v8_stack_drop_hazard(&self, with_options: bool) -> bool {
        if self.isa != Isa::Arm64 {
            return false;
        }
        let on_stack = |l: Option<Loc>| matches!(l, Some(Loc::Stack(_)));
        let fp = self
            .args
            .iter()
            .filter(|a| on_stack(a.entry) && a.ty.is_float())
            .count();
        let gp = self
            .args
            .iter()
            .filter(|a| on_stack(a.entry) && !a.ty.is_float())
            .count()
            + usize::from(with_options && on_stack(self.options));
        gp % 2 == 1 && fp % 2 == 1
    }

    /// Whether argument `i` is a `float` that C receives as a `double` (variadic), which the
    /// emitters widen.
    pub fn widens_float(&self, i: usize) -> bool {
        self.args[i].ty == Type::F32 && self.c_type(i) == Type::F64
    }

    /// How many vector registers carry arguments (scalar and aggregate), at most 8. SysV x86-64
    /// callers of a function with an ellipsis pass an upper bound of this count in %al, which
    /// the callee's `va_start` prologue reads to decide whether to save xmm0-7 (psABI §3.2.3,
    /// §3.5.7); the x64 emitters set %al to it before every call of a C target
    /// (`docs/variadic.md` §2.1). Other ABIs ignore it.
    pub fn vector_regs(&self) -> u8 {
        let mut used = [false; 32];
        let locs = self.args.iter().map(|a| a.c);
        for loc in locs.chain(self.area_args.iter().map(|a| a.c)) {
            if let Loc::Fpr(x) = loc {
                if let Some(u) = used.get_mut(x as usize) {
                    *u = true;
                }
            }
        }
        used.iter().filter(|&&u| u).count().min(8) as u8
    }
}
