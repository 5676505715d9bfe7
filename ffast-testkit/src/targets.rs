//! C functions returning pointers into (or not into) their string arguments.

use std::ffi::c_char;

/// `const char *(const char *a, const char *b, const char *c, int which, int skip)`: the
/// argument `which` (0..2), `skip` bytes in; NULL for another `which`.
pub extern "C" fn testkit_pick(
    a: *const c_char,
    b: *const c_char,
    c: *const c_char,
    which: i32,
    skip: i32,
) -> *const c_char {
    let p = match which {
        0 => a,
        1 => b,
        2 => c,
        _ => return std::ptr::null(),
    };
    p.wrapping_add(skip as usize)
}

/// `char *(char *s, int sep)`: like `strsep` on "key=value": writes a NUL over the first
/// `sep` and returns the text after it (NULL without one).
///
/// # Safety
/// `s` is a writable NUL-terminated string.
pub unsafe extern "C" fn testkit_split(s: *mut c_char, sep: i32) -> *const c_char {
    let mut p = s;
    while *p != 0 {
        // Read as a byte: `c_char` is i8 on x86-64 and u8 on aarch64 (a cast would be redundant
        // on one of them).
        if i32::from(*p.cast::<u8>()) == sep {
            *p = 0;
            return p.add(1);
        }
        p = p.add(1);
    }
    std::ptr::null()
}

pub static STATIC: &[u8] = b"static text\0";

/// `const char *(const char *s)`: a static string, not `s`.
pub extern "C" fn testkit_static(_s: *const c_char) -> *const c_char {
    STATIC.as_ptr().cast()
}

/// Targets the testkit defines itself (so every ABI crate's tests have them without a fixture
/// change), by name.
pub(crate) fn by_name(name: &str) -> Option<usize> {
    Some(match name {
        "testkit_pick" => testkit_pick as *const () as usize,
        "testkit_split" => testkit_split as *const () as usize,
        "testkit_static" => testkit_static as *const () as usize,
        _ => return None,
    })
}
