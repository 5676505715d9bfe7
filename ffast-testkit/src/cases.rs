//! Trampoline cases that read the same on every ISA (the fixtures of both ABI crates define
//! the same C functions for them). `build(params, result, fixture_fn)` makes a trampoline;
//! `raw_arg0` names the fixture function returning its first argument register untouched.

use super::{invoke, Built, OneByte, Options, RECV};
use crate::fast_fn;
use ffast_core::trampoline::{BUF_FALLBACK, WIDE_NAN_BITS};

pub type Build<'a> = &'a dyn Fn(&[&str], &str, &str) -> Built;

pub fn two_ints_tail_call(build: Build) {
    let b = build(&["i32", "i32"], "i32", "add_i32");
    let f = fast_fn!(b, fn(i32, i32) -> i32);
    assert_eq!(f(RECV, 2, 3), 5);
    assert_eq!(f(RECV, i32::MAX, 1), i32::MIN);
    let mut s = [(-7i64) as u64, 4, 0];
    invoke(&b, &mut s);
    assert_eq!(s[2] as u32 as i32, -3);
}

pub fn mixed_float_and_int_keep_their_classes(build: Build) {
    let b = build(&["f64", "i32", "f64"], "f64", "fma_f64");
    let f = fast_fn!(b, fn(f64, i32, f64) -> f64);
    assert_eq!(f(RECV, 1.5, 3, 0.25), 2.25);
    let mut s = [1.5f64.to_bits(), 3, 0.25f64.to_bits(), 0];
    invoke(&b, &mut s);
    assert_eq!(f64::from_bits(s[3]), 2.25);
}

/// V8 is told the result is a float32 (docs/v8-fast-api.md §7): the trampoline leaves C's float
/// as it is, and the slow path's invoker stores its bits.
pub fn f32_result_is_the_float(build: Build) {
    let b = build(&["f32", "f32"], "f32", "add_f32");
    let f = fast_fn!(b, fn(f32, f32) -> f32);
    assert_eq!(f(RECV, 0.1, 0.2).to_bits(), (0.1f32 + 0.2f32).to_bits());
    let mut s = [0.1f32.to_bits() as u64, 0.2f32.to_bits() as u64, 0];
    invoke(&b, &mut s);
    assert_eq!(s[2] as u32, (0.1f32 + 0.2f32).to_bits());
}

pub fn narrow_args_are_extended_to_32_bits(build: Build, raw_arg0: &str) {
    // V8 hands over int32/uint32 with unspecified upper bits: pass garbage there.
    for (ty, input, want) in [
        ("i8", 0xdead_beef_0000_0080u64, 0xffff_ff80u64),
        ("u8", 0xdead_beef_ffff_ff80, 0x80),
        ("i16", 0xdead_beef_0000_8001, 0xffff_8001),
        ("u16", 0xdead_beef_ffff_8001, 0x8001),
        ("bool", 0xdead_beef_ffff_ff01, 1),
    ] {
        let b = build(&[ty], "u64", raw_arg0);
        let f = fast_fn!(b, fn(u64) -> f64);
        // The whole rdi comes back: its low 32 bits must be the C-extended value.
        let r = f(RECV, input);
        assert_eq!((r as u64) & 0xffff_ffff, want, "{ty}");
    }
}

pub fn narrow_results_are_extended(build: Build) {
    let b = build(&[], "i8", "dirty_i8");
    assert_eq!(fast_fn!(b, fn() -> i32)(RECV), -128);
    let b = build(&[], "u16", "dirty_u16");
    assert_eq!(fast_fn!(b, fn() -> u32)(RECV), 0x8001);
    let b = build(&[], "bool", "dirty_bool");
    assert_eq!(fast_fn!(b, fn() -> u32)(RECV), 1);
}

pub fn wide_results_are_exact_numbers_or_nan_plus_slot(build: Build) {
    let b = build(&[], "u64", "u64_max");
    let r = fast_fn!(b, fn() -> f64)(RECV);
    assert_eq!(r.to_bits(), WIDE_NAN_BITS);
    assert_eq!(*b.wide, u64::MAX);
    let b = build(&[], "i64", "i64_min");
    assert!(fast_fn!(b, fn() -> f64)(RECV).is_nan());
    assert_eq!(*b.wide as i64, i64::MIN);
    let b = build(&[], "i64", "neg_two53");
    assert_eq!(fast_fn!(b, fn() -> f64)(RECV), -9007199254740991.0);
    let b = build(&[], "u64", "two53");
    assert!(
        fast_fn!(b, fn() -> f64)(RECV).is_nan(),
        "2^53 is not a safe integer"
    );
    assert_eq!(*b.wide, 1 << 53);
}

pub fn pointers_above_4g_round_trip(build: Build) {
    let b = build(&["pointer"], "pointer", "ptr_id");
    let f = fast_fn!(b, fn(u64) -> f64);
    assert_eq!(f(RECV, 0x7fff_1234_5678), 0x7fff_1234_5678u64 as f64);
}

pub fn ten_doubles_spill_two(build: Build) {
    let b = build(&["f64"; 10], "f64", "wsum_f64_10");
    let f = fast_fn!(
        b,
        fn(f64, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64
    );
    let args: Vec<f64> = (1..=10).map(|i| i as f64 + 0.5).collect();
    let want: f64 = args
        .iter()
        .enumerate()
        .map(|(i, a)| a * (i + 1) as f64)
        .sum();
    assert_eq!(
        f(
            RECV, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
            args[9]
        ),
        want
    );
}

pub fn strings_go_through_the_helper_and_scratch_or_heap(build: Build) {
    let b = build(&["string"], "usize", "c_strlen");
    let f = fast_fn!(b, fn(*const OneByte) -> f64);
    for n in [0usize, 5, 255, 256, 4000] {
        let text = vec![b'x'; n];
        let s = OneByte {
            data: text.as_ptr(),
            len: n as u32,
        };
        assert_eq!(f(RECV, &s), n as f64, "length {n}");
    }
}

/// The text at a fast string result (a float64 address; 0 is NULL).
fn text_at(r: f64) -> Option<Vec<u8>> {
    assert!(r.is_finite() && r >= 0.0 && r.fract() == 0.0, "address {r}");
    // SAFETY: a non-null result is a NUL-terminated string (the test's targets return
    // pointers to such text or NULL).
    (r != 0.0).then(|| unsafe {
        std::ffi::CStr::from_ptr(r as usize as *const std::ffi::c_char)
            .to_bytes()
            .to_vec()
    })
}

/// Overwrite stack below the caller (where a finished trampoline's scratch was).
#[inline(never)]
fn clobber_stack() {
    let mut junk = [0x5au8; 16384];
    std::hint::black_box(&mut junk);
}

fn one_byte(text: &[u8]) -> OneByte {
    OneByte {
        data: text.as_ptr(),
        len: text.len() as u32,
    }
}

/// A `string` result pointing into a `string` argument's copy (C's `strstr`) outlives the
/// copy: the trampoline hands V8 the thread's kept copy of the text instead, for copies in
/// the scratch (≤ 255 bytes) and on the heap alike. NULL and results outside the copies
/// pass through unchanged.
pub fn string_results_into_argument_copies_are_kept(build: Build) {
    let b = build(&["string", "string"], "string", "strstr");
    let f = fast_fn!(b, fn(*const OneByte, *const OneByte) -> f64);
    for n in [1usize, 4, 254, 255, 256, 257, 411, 4096, 100_000] {
        let hay: Vec<u8> = (0..n).map(|i| b'a' + (i % 7) as u8).collect();
        let tail = &hay[n.saturating_sub(9)..];
        let needle = tail.to_vec();
        let r = f(RECV, &one_byte(&hay), &one_byte(&needle));
        clobber_stack();
        assert_eq!(r as usize, super::kept_address(), "length {n}: kept copy");
        // strstr finds the first occurrence, which the pattern may repeat earlier.
        let at = hay.windows(needle.len()).position(|w| w == needle).unwrap();
        assert_eq!(text_at(r).as_deref(), Some(&hay[at..]), "length {n}");
        let missing = f(RECV, &one_byte(&hay), &one_byte(b"zz"));
        assert_eq!(missing, 0.0, "length {n}: NULL");
    }
}

/// The result may point into any of several string arguments (scratch or heap copies, in
/// any order), at any offset up to the copy's NUL.
pub fn string_results_into_later_arguments_are_kept(build: Build) {
    let b = build(
        &["string", "string", "string", "i32", "i32"],
        "string",
        "testkit_pick",
    );
    let f = fast_fn!(
        b,
        fn(*const OneByte, *const OneByte, *const OneByte, i32, i32) -> f64
    );
    let texts: Vec<Vec<u8>> = [3usize, 300, 255, 5000]
        .iter()
        .enumerate()
        .map(|(k, &n)| (0..n).map(|i| b'a' + ((i + k) % 26) as u8).collect())
        .collect();
    for order in [[0, 1, 2], [1, 2, 3], [3, 0, 1], [2, 3, 0]] {
        let args: Vec<OneByte> = order.iter().map(|&k| one_byte(&texts[k])).collect();
        for which in 0..3 {
            let t = &texts[order[which]];
            for skip in [0, 1, t.len() / 2, t.len()] {
                let r = f(
                    RECV,
                    &args[0],
                    &args[1],
                    &args[2],
                    which as i32,
                    skip as i32,
                );
                clobber_stack();
                assert_eq!(r as usize, super::kept_address());
                assert_eq!(
                    text_at(r).as_deref(),
                    Some(&t[skip..]),
                    "{order:?} argument {which} + {skip}"
                );
            }
        }
        assert_eq!(f(RECV, &args[0], &args[1], &args[2], 3, 0), 0.0);
    }
}

/// C may write into its copy (a NUL, as `strtok`/`strsep` do) and return a pointer past
/// that NUL: the copy's whole extent counts, not its text's length after the call.
pub fn string_results_past_a_written_nul_are_kept(build: Build) {
    let b = build(&["string", "i32"], "string", "testkit_split");
    let f = fast_fn!(b, fn(*const OneByte, i32) -> f64);
    for n in [1usize, 200, 300, 5000] {
        let mut s = b"key=".to_vec();
        s.extend((0..n).map(|i| b'0' + (i % 10) as u8));
        let want = s[4..].to_vec();
        let r = f(RECV, &one_byte(&s), b'=' as i32);
        clobber_stack();
        assert_eq!(text_at(r).as_deref(), Some(&want[..]), "value of {n} bytes");
        assert_eq!(f(RECV, &one_byte(&s), b'#' as i32), 0.0);
    }
}

/// A result outside the call's copies is handed over as C returned it.
pub fn string_results_elsewhere_pass_through(build: Build) {
    let b = build(&["string"], "string", "testkit_static");
    let f = fast_fn!(b, fn(*const OneByte) -> f64);
    for n in [3usize, 5000] {
        let s = vec![b'q'; n];
        let r = f(RECV, &one_byte(&s));
        assert_eq!(r as usize, super::targets::STATIC.as_ptr() as usize);
    }
}

pub fn buffers_go_through_the_helper(build: Build) {
    let b = build(&["buffer", "usize"], "u32", "sum_bytes");
    let f = fast_fn!(b, fn(*const u64, u64) -> u32);
    let data: Vec<u8> = (1..=64).collect();
    let local = data.as_ptr() as u64;
    assert_eq!(f(RECV, &local, 64), (1..=64).sum::<u32>());
}

/// The fixture's `buf_calls_taken()`: calls of its buffer functions on this thread since
/// the last look.
fn calls_taken(fx: &super::Fixture) -> i32 {
    // SAFETY: the fixture defines `int buf_calls_taken(void)`.
    let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(fx.sym("buf_calls_taken")) };
    f()
}

/// `(string s, buffer b, usize n) -> u32` = strlen(s) * 1000 + sum of b's n bytes, with the
/// options pointer in a register. Given a buffer it calls C; given BUF_FALLBACK it sets
/// `fallback`, calls neither C nor the string helper (buffers convert first) and returns.
pub fn fallback_gives_up_before_c_and_strings(build: Build, fx: &super::Fixture) {
    let b = build(&["string", "buffer", "usize"], "u32", "str_buf_sum");
    let f = fast_fn!(b, fn(*const OneByte, *const u64, u64, *mut Options) -> u32);
    let data: Vec<u8> = (1..=64).collect();
    // Long enough for the helper's heap branch: a copy made before giving up would leak.
    let text = vec![b'q'; 300];
    let s = OneByte {
        data: text.as_ptr(),
        len: 300,
    };
    calls_taken(fx);
    super::str_in_calls();
    let mut o = Options::default();
    let local = data.as_ptr() as u64;
    assert_eq!(
        f(RECV, &s, &local, 64, &mut o),
        300_000 + (1..=64).sum::<u32>()
    );
    assert_eq!(
        (o.fallback, calls_taken(fx), super::str_in_calls()),
        (0, 1, 1)
    );
    let mut o = Options::default();
    let give_up = BUF_FALLBACK;
    f(RECV, &s, &give_up, 64, &mut o);
    assert_eq!(o.fallback, 1, "fallback flag");
    assert_eq!(calls_taken(fx), 0, "C must not run");
    assert_eq!(super::str_in_calls(), 0, "no string copy before giving up");
    // The rest of the options is V8's: untouched.
    assert_eq!((o.data, o.wasm_memory), (0, 0));
}

/// Eight i64 then a buffer: the buffer and the options pointer both arrive on V8's stack
/// (x64: five integers fit rsi..r9; arm64: seven fit x1..x7).
pub fn fallback_options_on_the_entry_stack(build: Build, fx: &super::Fixture) {
    let mut params = vec!["i64"; 8];
    params.push("buffer");
    let b = build(&params, "i64", "ints_buf");
    let f = fast_fn!(
        b,
        fn(i64, i64, i64, i64, i64, i64, i64, i64, *const u64, *mut Options) -> f64
    );
    let data = [7u8, 9];
    let want = (1..=8).map(|i| i * (100 + i)).sum::<i64>() + 7 * 9 * 9;
    calls_taken(fx);
    let mut o = Options::default();
    let local = data.as_ptr() as u64;
    let r = f(RECV, 101, 102, 103, 104, 105, 106, 107, 108, &local, &mut o);
    assert_eq!((r, o.fallback, calls_taken(fx)), (want as f64, 0, 1));
    let mut o = Options::default();
    let give_up = BUF_FALLBACK;
    f(
        RECV, 101, 102, 103, 104, 105, 106, 107, 108, &give_up, &mut o,
    );
    assert_eq!((o.fallback, calls_taken(fx)), (1, 0));
}

/// Two buffers, the second giving up after the first converted: still no C call.
pub fn fallback_from_a_later_buffer(build: Build, fx: &super::Fixture) {
    let b = build(&["buffer", "buffer"], "i64", "buf_diff");
    let f = fast_fn!(b, fn(*const u64, *const u64, *mut Options) -> f64);
    let data = [0u8; 16];
    let (a0, a1) = (data.as_ptr() as u64, data.as_ptr() as u64 + 5);
    calls_taken(fx);
    let mut o = Options::default();
    assert_eq!((f(RECV, &a1, &a0, &mut o), o.fallback), (5.0, 0));
    assert_eq!(calls_taken(fx), 1);
    for (x, y) in [(a0, BUF_FALLBACK), (BUF_FALLBACK, a0)] {
        let mut o = Options::default();
        f(RECV, &x, &y, &mut o);
        assert_eq!((o.fallback, calls_taken(fx)), (1, 0));
    }
}

/// One `#[test]` per shared case, for a test file that defines `build` and names its
/// "return the first argument register" fixture function.
#[macro_export]
macro_rules! shared_trampoline_tests {
    ($build:expr, $raw_arg0:expr) => {
        #[test]
        fn two_ints_tail_call() {
            $crate::cases::two_ints_tail_call(&$build);
        }

        #[test]
        fn mixed_float_and_int_keep_their_classes() {
            $crate::cases::mixed_float_and_int_keep_their_classes(&$build);
        }

        #[test]
        fn f32_result_is_the_float() {
            $crate::cases::f32_result_is_the_float(&$build);
        }

        #[test]
        fn narrow_args_are_extended_to_32_bits() {
            $crate::cases::narrow_args_are_extended_to_32_bits(&$build, $raw_arg0);
        }

        #[test]
        fn narrow_results_are_extended() {
            $crate::cases::narrow_results_are_extended(&$build);
        }

        #[test]
        fn wide_results_are_exact_numbers_or_nan_plus_slot() {
            $crate::cases::wide_results_are_exact_numbers_or_nan_plus_slot(&$build);
        }

        #[test]
        fn pointers_above_4g_round_trip() {
            $crate::cases::pointers_above_4g_round_trip(&$build);
        }

        #[test]
        fn ten_doubles_spill_two() {
            $crate::cases::ten_doubles_spill_two(&$build);
        }

        #[test]
        fn strings_go_through_the_helper_and_scratch_or_heap() {
            $crate::cases::strings_go_through_the_helper_and_scratch_or_heap(&$build);
        }

        #[test]
        fn buffers_go_through_the_helper() {
            $crate::cases::buffers_go_through_the_helper(&$build);
        }

        #[test]
        fn string_results_into_argument_copies_are_kept() {
            $crate::cases::string_results_into_argument_copies_are_kept(&$build);
        }

        #[test]
        fn string_results_into_later_arguments_are_kept() {
            $crate::cases::string_results_into_later_arguments_are_kept(&$build);
        }

        #[test]
        fn string_results_past_a_written_nul_are_kept() {
            $crate::cases::string_results_past_a_written_nul_are_kept(&$build);
        }

        #[test]
        fn string_results_elsewhere_pass_through() {
            $crate::cases::string_results_elsewhere_pass_through(&$build);
        }
    };
}

/// One `#[test]` per fallback case (V8 before 13) for an ABI crate's [`AbiTests`](crate::AbiTests) `$abi`,
/// whose fixture defines `str_buf_sum`, `ints_buf`, `buf_diff` and `buf_calls_taken`.
#[macro_export]
macro_rules! shared_fallback_tests {
    ($abi:expr) => {
        #[test]
        fn fallback_gives_up_before_c_and_strings() {
            $crate::cases::fallback_gives_up_before_c_and_strings(
                &|p: &[&str], r: &str, t: &str| $abi.build_fallback(p, r, t),
                $abi.fixture(),
            );
        }

        #[test]
        fn fallback_options_on_the_entry_stack() {
            $crate::cases::fallback_options_on_the_entry_stack(
                &|p: &[&str], r: &str, t: &str| $abi.build_fallback(p, r, t),
                $abi.fixture(),
            );
        }

        #[test]
        fn fallback_from_a_later_buffer() {
            $crate::cases::fallback_from_a_later_buffer(
                &|p: &[&str], r: &str, t: &str| $abi.build_fallback(p, r, t),
                $abi.fixture(),
            );
        }

        #[test]
        fn fallback_changes_only_buffer_signatures() {
            $crate::golden::fallback_changes_only_buffers($abi.classify);
        }

        #[test]
        fn str_release_changes_only_string_results_with_string_arguments() {
            $crate::golden::str_release_changes_only_string_results($abi.classify);
        }
    };
}
