//! V8's fast-API classes as ffast fills them: the `CTypeInfo` codes of each parameter and
//! result type, and storage for `CFunctionInfo` and `CFunction` (filled by V8's own exported
//! constructors, so no layout beyond their size is assumed), and the parameter limit.

use ffast_core::trampoline::FastRet;
use ffast_core::Type;
use std::ffi::c_void;

/// V8 `CTypeInfo::Type` values (identical on 20–26, fact sheet §2.1).
pub mod ctype {
    pub const VOID: u8 = 0;
    pub const BOOL: u8 = 1;
    pub const INT32: u8 = 3;
    pub const UINT32: u8 = 4;
    pub const INT64: u8 = 5;
    pub const UINT64: u8 = 6;
    pub const FLOAT32: u8 = 7;
    pub const FLOAT64: u8 = 8;
    pub const V8_VALUE: u8 = 10;
    pub const SEQ_ONE_BYTE_STRING: u8 = 11;
    /// `CTypeInfo::kCallbackOptionsType`: the `FastApiCallbackOptions&` marker, last (§6).
    pub const CALLBACK_OPTIONS: u8 = 255;
}

/// The most parameters a fast call may have. Measured, not documented: with 31 integer or 32
/// double parameters (plus the receiver) TurboFan crashes while compiling the caller — SIGSEGV
/// on Node 20–24, `Check failed: is_valid(value)` on Node 26 — while 30 of either class work on
/// every line. Larger signatures use the slow path.
pub const MAX_FAST_PARAMS: usize = 30;

/// `v8::CFunctionInfo`: 16 bytes, 8-aligned on every line (§3.2). Filled by V8's constructor.
#[repr(C, align(8))]
pub struct CFunctionInfo(pub [u8; 16]);

/// `v8::CFunction`: `{address, type_info}` (§4.1). Filled by V8's constructor.
#[repr(C)]
pub struct CFunction {
    pub address: *const c_void,
    pub info: *const CFunctionInfo,
}

pub type FnCfi3 = unsafe extern "C" fn(*mut CFunctionInfo, *const u8, u32, *const u8);
pub type FnCfi4 = unsafe extern "C" fn(*mut CFunctionInfo, *const u8, u32, *const u8, u8);
pub type FnCFunction = unsafe extern "C" fn(*mut CFunction, *const c_void, *const CFunctionInfo);

/// `CFunctionInfo`'s constructor: with the `Int64Representation` argument (V8 12+), or
/// without (V8 11).
pub enum CfiCtor {
    Three(FnCfi3),
    Four(FnCfi4),
}

/// The fast-call CTypeInfo of a parameter (see ffast_core::trampoline for the
/// representations the trampoline expects).
pub fn param_ctype(t: Type) -> u8 {
    match t {
        Type::Bool => ctype::BOOL,
        Type::I8 | Type::I16 | Type::I32 => ctype::INT32,
        Type::U8 | Type::U16 | Type::U32 => ctype::UINT32,
        Type::I64 | Type::ISize => ctype::INT64,
        Type::U64 | Type::USize | Type::Pointer => ctype::UINT64,
        Type::F32 => ctype::FLOAT32,
        Type::F64 => ctype::FLOAT64,
        Type::String => ctype::SEQ_ONE_BYTE_STRING,
        Type::Buffer => ctype::V8_VALUE,
        Type::Void => ctype::VOID,
    }
}

/// The fast-call CTypeInfo of a result.
pub fn ret_ctype(t: Type) -> u8 {
    // A float result reaches V8 as C returned it (docs/v8-fast-api.md §7): no trampoline widens it.
    if t == Type::F32 {
        return ctype::FLOAT32;
    }
    match FastRet::of(t) {
        FastRet::Void => ctype::VOID,
        FastRet::Bool => ctype::BOOL,
        FastRet::I32 => ctype::INT32,
        FastRet::U32 => ctype::UINT32,
        FastRet::F64 | FastRet::WideSigned | FastRet::WideUnsigned => ctype::FLOAT64,
    }
}
