//! The string-result cache (docs/strings.md §6): a C function that returns the same bytes again
//! (`strerror`, `sqlite3_errmsg`, a name table) gets the JS string it got last time, without
//! making a new one. Making a string needs a regular V8 callback (a fast call cannot return
//! one); the check whether the bytes at the address are still the ones cached is a fast call.
//!
//! The table is JS memory (an ArrayBuffer of [`TABLE_BYTES`], one per loaded copy of ffast's JS,
//! so per isolate and per context): `ENTRIES` entries of (address, length, bytes + NUL), and the
//! JS side keeps the string of entry `i` in its own array at `i`. An entry is used only when the
//! address matches AND the string there still has the entry's length and every one of its bytes:
//! the string is a function of those bytes alone (the decoder reads nothing else), so a hit is
//! exact. Strings of more than [`MAX_LEN`] bytes are not cached.

/// Entries in a table (a power of two: the index is a mask of the address's bits).
pub const ENTRIES: usize = 64;
/// The longest string (bytes before the NUL) an entry holds.
pub const MAX_LEN: usize = 63;

#[repr(C)]
struct Entry {
    addr: usize,
    len: u32,
    _pad: u32,
    bytes: [u8; MAX_LEN + 1],
}

/// Size of a table in bytes (the JS side allocates it).
pub const TABLE_BYTES: usize = ENTRIES * std::mem::size_of::<Entry>();

extern "C" {
    // C's (POSIX 2008; glibc, musl, macOS): reads no byte past the first NUL that it could not
    // read without faulting (the word-at-a-time versions stay inside aligned blocks, which never
    // cross a page).
    fn strnlen(s: *const std::ffi::c_char, max: usize) -> usize;
}

/// `(table, p) -> i32`: `i` (0 ≤ i < ENTRIES) when entry `i` holds exactly the string at `p`;
/// else the string at `p` is copied into its entry `i` and the result is `-2 - i` (the JS side
/// decodes it and keeps the string at `i`), or `-1` when it is longer than [`MAX_LEN`] bytes
/// (nothing cached).
///
/// # Safety
/// `table` is a table of [`TABLE_BYTES`] bytes made by the JS side (8-aligned: an ArrayBuffer's
/// backing store); `p` is the non-NULL address of a NUL-terminated string that C returned (the
/// string a decoder is about to read). The string's length is found by `strnlen` first, so the
/// comparison and the copy read only bytes of the string itself.
pub unsafe extern "C" fn lookup(table: usize, p: usize) -> i32 {
    // SAFETY: the contract above: `table` holds ENTRIES entries and `p` is a readable C string;
    // `n` bytes of it exist before its NUL.
    unsafe {
        // Neighbouring strings of one table lie 16–64 bytes apart: mix bits from both ends.
        let i = ((p >> 4) ^ (p >> 10)) & (ENTRIES - 1);
        let e = &mut *(table as *mut Entry).add(i);
        let s = p as *const u8;
        let n = strnlen(s.cast(), MAX_LEN + 1);
        if e.addr == p && e.len as usize == n && same(s, e.bytes.as_ptr(), n) {
            return i as i32;
        }
        if n > MAX_LEN {
            return -1;
        }
        copy(s, e.bytes.as_mut_ptr(), n);
        e.bytes[n] = 0;
        e.len = n as u32;
        e.addr = p;
        -2 - i as i32
    }
}

/// `n` bytes at `a` and `b` are equal. Eight at a time, then one at a time: these strings are
/// short, and a call of libc's memcmp cost more than the comparison (perf, 22-byte strings).
///
/// # Safety
/// `a` and `b` are readable for `n` bytes.
#[inline(always)]
unsafe fn same(a: *const u8, b: *const u8, n: usize) -> bool {
    // SAFETY: the contract: both readable for n bytes; unaligned reads of u64 inside them.
    unsafe {
        let mut k = 0;
        while k + 8 <= n {
            if a.add(k).cast::<u64>().read_unaligned() != b.add(k).cast::<u64>().read_unaligned() {
                return false;
            }
            k += 8;
        }
        while k < n {
            if *a.add(k) != *b.add(k) {
                return false;
            }
            k += 1;
        }
        true
    }
}

/// Copy `n` bytes from `from` to `to` (as [`same`], without a libc call).
///
/// # Safety
/// `from` readable and `to` writable for `n` bytes; they do not overlap.
#[inline(always)]
unsafe fn copy(from: *const u8, to: *mut u8, n: usize) {
    // SAFETY: the contract: readable/writable for n bytes, no overlap.
    unsafe {
        let mut k = 0;
        while k + 8 <= n {
            to.add(k)
                .cast::<u64>()
                .write_unaligned(from.add(k).cast::<u64>().read_unaligned());
            k += 8;
        }
        while k < n {
            *to.add(k) = *from.add(k);
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<u64> {
        vec![0u64; TABLE_BYTES / 8]
    }

    #[test]
    fn hit_only_when_every_byte_matches() {
        let t = table();
        let tp = t.as_ptr() as usize;
        let mut text = *b"Broken pipe\0\0\0\0\0";
        // Changed through this pointer only, as C would change its buffer behind ffast's back.
        let s = text.as_mut_ptr();
        let p = s as usize;
        // SAFETY: `t` is a table of TABLE_BYTES; `text` is NUL-terminated, lives across the
        // calls and is written only through `s`.
        unsafe {
            let miss = lookup(tp, p);
            assert!(miss <= -2);
            let i = -2 - miss;
            assert_eq!(lookup(tp, p), i);
            *s = b'b'; // same length, one byte differs
            assert_eq!(lookup(tp, p), -2 - i);
            assert_eq!(lookup(tp, p), i);
            *s.add(6) = 0; // shorter: "broken"
            assert_eq!(lookup(tp, p), -2 - i);
            assert_eq!(lookup(tp, p), i);
            *s.add(6) = b'X'; // longer again: "brokenXpipe"
            assert_eq!(lookup(tp, p), -2 - i);
            *s = 0; // empty string
            assert_eq!(lookup(tp, p), -2 - i);
            assert_eq!(lookup(tp, p), i);
        }
    }

    #[test]
    fn long_strings_are_not_cached() {
        let t = table();
        let mut long = vec![b'a'; MAX_LEN + 1];
        long.push(0);
        let mut fits = vec![b'a'; MAX_LEN];
        fits.push(0);
        // SAFETY: as above.
        unsafe {
            assert_eq!(lookup(t.as_ptr() as usize, long.as_ptr() as usize), -1);
            assert_eq!(lookup(t.as_ptr() as usize, long.as_ptr() as usize), -1);
            let m = lookup(t.as_ptr() as usize, fits.as_ptr() as usize);
            assert!(m <= -2);
            assert_eq!(lookup(t.as_ptr() as usize, fits.as_ptr() as usize), -2 - m);
        }
    }

    #[test]
    fn another_address_with_the_same_bytes_is_a_miss() {
        let t = table();
        let a = *b"same\0";
        let b = *b"same\0";
        // SAFETY: as above.
        unsafe {
            let (pa, pb) = (a.as_ptr() as usize, b.as_ptr() as usize);
            let ia = -2 - lookup(t.as_ptr() as usize, pa);
            assert_eq!(lookup(t.as_ptr() as usize, pa), ia);
            let r = lookup(t.as_ptr() as usize, pb);
            assert!(
                r <= -2,
                "a different address is never a hit on another's entry"
            );
        }
    }
}
