//! C-ABI helpers bound from JS like any foreign function: `read.*`, `write.*` and `ptr`.
//! Binding them through the normal path gives them fast calls for free.
//!
//! Their safety contract is C's: the JS caller names an address that is valid for the access.
//! index.js checks what it can before the call (`checkAddress`: NULL in every spelling, and
//! anything that is not an address, are typed errors); the rest is the caller's promise.

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, ValueType};
use std::ptr::{read_unaligned, write_unaligned};

/// A native address from JS: a Number (a safe integer, as index.js checked) or a BigInt, read
/// without loss (so an address above 2^53 arrives whole).
pub struct Addr(pub usize);

impl FromNapiValue for Addr {
    /// # Safety
    /// napi-rs calls it with `v` a live value of the current call on env's thread.
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: the operations below need only this function's contract (# Safety): napi-rs calls
        // it with `v` a live value of the current call on env's thread.
        unsafe {
            // Numbers first: the common case costs the one N-API call it cost as an f64.
            let mut d = 0f64;
            if sys::napi_get_value_double(env, v, &mut d) == sys::Status::napi_ok {
                if d >= 0.0 && d <= ffast_core::trampoline::MAX_SAFE as f64 && d.fract() == 0.0 {
                    return Ok(Addr(d as usize));
                }
                return Err(napi::Error::from_reason(format!("{d} is not an address")));
            }
            let (mut x, mut lossless) = (0u64, false);
            if sys::napi_get_value_bigint_uint64(env, v, &mut x, &mut lossless)
                == sys::Status::napi_ok
                && lossless
            {
                return Ok(Addr(x as usize));
            }
            Err(napi::Error::from_reason("not an address"))
        }
    }
}

impl TypeName for Addr {
    fn type_name() -> &'static str {
        "number | bigint"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Addr {}

macro_rules! accessors {
    ($($t:ty => $read:ident, $write:ident;)*) => {
        $(
            /// # Safety
            /// `p + off` must be valid for reading a value of this type (C's contract). The
            /// sum wraps like C's integer arithmetic on addresses: `p` and `off` come from JS
            /// separately, and only their sum has to lie inside an object.
            unsafe extern "C" fn $read(p: usize, off: isize) -> $t {
                // SAFETY: the caller's contract above: `p + off` is readable as this type.
                unsafe { read_unaligned((p as *const u8).wrapping_offset(off).cast::<$t>()) }
            }
            /// # Safety
            /// `p + off` must be valid for writing a value of this type (C's contract).
            unsafe extern "C" fn $write(p: usize, off: isize, v: $t) {
                // SAFETY: the caller's contract above: `p + off` is writable as this type.
                unsafe { write_unaligned((p as *mut u8).wrapping_offset(off).cast::<$t>(), v) }
            }
        )*
        /// (name, address) of every accessor.
        pub fn helpers() -> Vec<(&'static str, usize)> {
            let mut v = vec![
                ("ptr", ffast_ptr as *const () as usize),
                ("str_cache", crate::string_cache::lookup as *const () as usize),
            ];
            $(
                v.push((stringify!($read), $read as *const () as usize));
                v.push((stringify!($write), $write as *const () as usize));
            )*
            v
        }
    };
}

accessors! {
    bool => read_bool, write_bool;
    i8 => read_i8, write_i8;
    u8 => read_u8, write_u8;
    i16 => read_i16, write_i16;
    u16 => read_u16, write_u16;
    i32 => read_i32, write_i32;
    u32 => read_u32, write_u32;
    i64 => read_i64, write_i64;
    u64 => read_u64, write_u64;
    f32 => read_f32, write_f32;
    f64 => read_f64, write_f64;
    usize => read_pointer, write_pointer;
}

/// `ptr(view)`: bound as `(buffer) -> usize`, the trampoline has already turned the view into
/// its address.
extern "C" fn ffast_ptr(p: usize) -> usize {
    p
}
