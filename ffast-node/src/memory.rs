//! C-ABI helpers bound from JS like any foreign function: `read.*`, `write.*` and `ptr`.
//! Binding them through the normal path gives them fast calls for free.
//!
//! Their safety contract is C's: the JS caller names an address that is valid for the access
//! (index.js rejects NULL before the call).

use std::ptr::{read_unaligned, write_unaligned};

macro_rules! accessors {
    ($($t:ty => $read:ident, $write:ident;)*) => {
        $(
            /// # Safety
            /// `p + off` must be valid for reading a value of this type (C's contract).
            unsafe extern "C" fn $read(p: usize, off: isize) -> $t {
                read_unaligned((p as *const u8).offset(off).cast::<$t>())
            }
            /// # Safety
            /// `p + off` must be valid for writing a value of this type (C's contract).
            unsafe extern "C" fn $write(p: usize, off: isize, v: $t) {
                write_unaligned((p as *mut u8).offset(off).cast::<$t>(), v)
            }
        )*
        /// (name, address) of every accessor.
        pub fn helpers() -> Vec<(&'static str, usize)> {
            let mut v = vec![("ptr", ffast_ptr as *const () as usize)];
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
