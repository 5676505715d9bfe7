//! Rust mirrors of the aggregate shapes in `ffast-testkit/testdata/structs.c` (same layout:
//! `repr(C)`, with `packed` / `align` where the C type has them), and what the C functions
//! compute, so tests can check C's answers. Each `sum` / `make` is the C function of that name
//! written again in Rust; the leaves are listed in the same order.
// Every leaf is converted the same way the C fixture converts it, including the identity
// conversions (`as f64` of an f64, `+ 0` for leaf 0): uniform text is easier to check against C.
#![allow(clippy::identity_op, clippy::unnecessary_cast)]

/// One aggregate shape of the fixture.
pub trait Shape: Copy {
    /// Its type text (ffast_core::desc).
    const TEXT: &'static str;
    /// The C typedef, which names the fixture functions (`sum_I2`, ...).
    const NAME: &'static str;
    /// Every scalar leaf, widened to f64, in the order `sum_T` weights them.
    fn leaves(&self) -> Vec<f64>;
    /// `make_T(x)`.
    fn make(x: f64) -> Self;
    /// `sum_T(s)`.
    fn sum(&self) -> f64 {
        self.leaves()
            .iter()
            .enumerate()
            .map(|(i, v)| (i + 1) as f64 * v)
            .sum()
    }
}

/// A struct of plain numbers, `a`, `b`, … in order. The fixture's C weighs leaf k by k + 1 and
/// `make` sets an integer leaf k to `(int64_t)x + k` and a floating-point leaf k to
/// `x + 0.25 * k`, each converted to the field's type, one statement per field.
macro_rules! flat_shape {
    ($name:ident = $text:literal { $($field:ident: $ty:ty = $kind:ident $k:literal),+ $(,)? }) => {
        #[repr(C)]
        #[derive(Clone, Copy)]
        pub struct $name {
            $($field: $ty),+
        }

        impl Shape for $name {
            const TEXT: &'static str = $text;
            const NAME: &'static str = stringify!($name);

            fn leaves(&self) -> Vec<f64> {
                vec![$(self.$field as f64),+]
            }

            fn make(x: f64) -> Self {
                // SAFETY: every field is a plain number, for which all-zero bytes are valid.
                let mut r: Self = unsafe { std::mem::zeroed() };
                $(r.$field = flat_shape!(@leaf $kind x $k) as $ty;)+
                r
            }
        }
    };
    (@leaf int $x:ident $k:literal) => {
        ($x as i64 + $k)
    };
    (@leaf float $x:ident $k:literal) => {
        ($x + 0.25 * $k as f64)
    };
}

flat_shape!(I2 = "struct{a:i32,b:i32}" { a: i32 = int 0, b: i32 = int 1 });
flat_shape!(F2 = "struct{a:f32,b:f32}" { a: f32 = float 0, b: f32 = float 1 });
flat_shape!(D2 = "struct{a:f64,b:f64}" { a: f64 = float 0, b: f64 = float 1 });
flat_shape!(LD = "struct{a:i64,b:f64}" { a: i64 = int 0, b: f64 = float 1 });
flat_shape!(DL = "struct{a:f64,b:i64}" { a: f64 = float 0, b: i64 = int 1 });
flat_shape!(IF = "struct{a:i32,b:f32}" { a: i32 = int 0, b: f32 = float 1 });
flat_shape!(B3 = "struct{a:u8,b:u8,c:u8}" { a: u8 = int 0, b: u8 = int 1, c: u8 = int 2 });
flat_shape!(F3 = "struct{a:f32,b:f32,c:f32}" { a: f32 = float 0, b: f32 = float 1, c: f32 = float 2 });
flat_shape!(F4 = "struct{a:f32,b:f32,c:f32,d:f32}" {
    a: f32 = float 0, b: f32 = float 1, c: f32 = float 2, d: f32 = float 3,
});
flat_shape!(D3 = "struct{a:f64,b:f64,c:f64}" { a: f64 = float 0, b: f64 = float 1, c: f64 = float 2 });
flat_shape!(D4 = "struct{a:f64,b:f64,c:f64,d:f64}" {
    a: f64 = float 0, b: f64 = float 1, c: f64 = float 2, d: f64 = float 3,
});
flat_shape!(L2 = "struct{a:i64,b:i64}" { a: i64 = int 0, b: i64 = int 1 });

/// A struct holding one `uint8_t b[N]`: the fixture's C weighs byte i by i + 1 and `make`
/// sets byte i to `(uint8_t)((int64_t)x + i)`, one statement per byte; here a loop says the same.
macro_rules! byte_array_shape {
    ($name:ident, $n:literal) => {
        #[repr(C)]
        #[derive(Clone, Copy)]
        pub struct $name {
            b: [u8; $n],
        }

        impl Shape for $name {
            const TEXT: &'static str = concat!("struct{b:[u8;", $n, "]}");
            const NAME: &'static str = stringify!($name);

            fn leaves(&self) -> Vec<f64> {
                self.b.iter().map(|&v| v as f64).collect()
            }

            fn make(x: f64) -> Self {
                let mut r = $name { b: [0; $n] };
                for (i, v) in r.b.iter_mut().enumerate() {
                    *v = (x as i64 + i as i64) as u8;
                }
                r
            }
        }
    };
}

byte_array_shape!(A1, 1);
byte_array_shape!(A2, 2);
byte_array_shape!(A4, 4);
byte_array_shape!(A8, 8);
byte_array_shape!(A16, 16);
byte_array_shape!(A17, 17);
byte_array_shape!(A32, 32);
byte_array_shape!(A64, 64);

#[repr(C)]
#[derive(Clone, Copy)]
pub struct N1P {
    x: f32,
    y: f32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct N1 {
    p: N1P,
    z: f64,
}

impl Shape for N1 {
    const TEXT: &'static str = "struct{p:struct{x:f32,y:f32},z:f64}";
    const NAME: &'static str = "N1";

    fn leaves(&self) -> Vec<f64> {
        vec![self.p.x as f64, self.p.y as f64, self.z as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.p.x = (x + 0.25 * 0.0) as f32;
        r.p.y = (x + 0.25 * 1.0) as f32;
        r.z = (x + 0.25 * 2.0) as f64;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct N2H {
    a: i8,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct N2 {
    h: N2H,
    f: f32,
    q: i64,
}

impl Shape for N2 {
    const TEXT: &'static str = "struct{h:struct{a:i8},f:f32,q:i64}";
    const NAME: &'static str = "N2";

    fn leaves(&self) -> Vec<f64> {
        vec![self.h.a as f64, self.f as f64, self.q as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.h.a = (x as i64 + 0) as i8;
        r.f = (x + 0.25 * 1.0) as f32;
        r.q = (x as i64 + 2) as i64;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union U1 {
    f: [f32; 4],
    d: [f64; 2],
}

impl Shape for U1 {
    const TEXT: &'static str = "union{f:[f32;4],d:[f64;2]}";
    const NAME: &'static str = "U1";

    fn leaves(&self) -> Vec<f64> {
        // SAFETY: the fixture reads and writes the union through this member only.
        unsafe { vec![self.d[0] as f64, self.d[1] as f64] }
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        // Writing a whole union field is safe (its elements would need `unsafe`).
        r.d = [x, x + 0.25];
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union U2 {
    i: i32,
    f: f32,
}

impl Shape for U2 {
    const TEXT: &'static str = "union{i:i32,f:f32}";
    const NAME: &'static str = "U2";

    fn leaves(&self) -> Vec<f64> {
        // SAFETY: the fixture reads and writes the union through this member only.
        unsafe { vec![self.i as f64] }
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        // Writing a whole union field is safe.
        r.i = (x as i64 + 0) as i32;
        r
    }
}

#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct P1 {
    a: u8,
    b: i32,
    c: u16,
}

impl Shape for P1 {
    const TEXT: &'static str = "struct<1>{a:u8,b:i32,c:u16}";
    const NAME: &'static str = "P1";

    fn leaves(&self) -> Vec<f64> {
        vec![{ self.a } as f64, { self.b } as f64, { self.c } as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as u8;
        r.b = (x as i64 + 1) as i32;
        r.c = (x as i64 + 2) as u16;
        r
    }
}

#[repr(C, align(16))]
#[derive(Clone, Copy)]
pub struct Q2 {
    a: i64,
    b: i64,
}

impl Shape for Q2 {
    const TEXT: &'static str = "struct{a:i64@16,b:i64}";
    const NAME: &'static str = "Q2";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as i64;
        r.b = (x as i64 + 1) as i64;
        r
    }
}

#[repr(C, align(16))]
#[derive(Clone, Copy)]
pub struct Q4 {
    a: f64,
    b: f64,
    c: f64,
}

impl Shape for Q4 {
    const TEXT: &'static str = "struct{a:f64@16,b:f64,c:f64}";
    const NAME: &'static str = "Q4";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64, self.c as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f64;
        r.b = (x + 0.25 * 1.0) as f64;
        r.c = (x + 0.25 * 2.0) as f64;
        r
    }
}

/// Over-aligned by a member attribute (`docs/abi-stack-alignment.md`): 32 bytes at alignment 32.
#[repr(C, align(32))]
#[derive(Clone, Copy)]
pub struct O32 {
    a: f64,
}

impl Shape for O32 {
    const TEXT: &'static str = "struct{a:f64@32}";
    const NAME: &'static str = "O32";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f64;
        r
    }
}

/// 64 bytes at alignment 64, three leaves of both classes.
#[repr(C, align(64))]
#[derive(Clone, Copy)]
pub struct O64 {
    a: i64,
    b: f64,
    c: i32,
}

impl Shape for O64 {
    const TEXT: &'static str = "struct{a:i64@64,b:f64,c:i32}";
    const NAME: &'static str = "O64";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64, self.c as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as i64;
        r.b = (x + 0.25 * 1.0) as f64;
        r.c = (x as i64 + 2) as i32;
        r
    }
}

/// An HFA of four doubles aligned to 32 (no padding, so still homogeneous on AArch64).
#[repr(C, align(32))]
#[derive(Clone, Copy)]
pub struct H32 {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
}

impl Shape for H32 {
    const TEXT: &'static str = "struct{a:f64@32,b:f64,c:f64,d:f64}";
    const NAME: &'static str = "H32";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64, self.c as f64, self.d as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f64;
        r.b = (x + 0.25 * 1.0) as f64;
        r.c = (x + 0.25 * 2.0) as f64;
        r.d = (x + 0.25 * 3.0) as f64;
        r
    }
}

/// Runs `$($case)::+::<T>($($arg),*)` for every shape.
#[macro_export]
macro_rules! for_each_shape {
    ($($case:ident)::+, $($arg:expr),*) => {{
        use $crate::structs::*;
        $($case)::+::<I2>($($arg),*);
        $($case)::+::<F2>($($arg),*);
        $($case)::+::<D2>($($arg),*);
        $($case)::+::<LD>($($arg),*);
        $($case)::+::<DL>($($arg),*);
        $($case)::+::<IF>($($arg),*);
        $($case)::+::<B3>($($arg),*);
        $($case)::+::<F3>($($arg),*);
        $($case)::+::<F4>($($arg),*);
        $($case)::+::<D3>($($arg),*);
        $($case)::+::<D4>($($arg),*);
        $($case)::+::<L2>($($arg),*);
        $($case)::+::<A1>($($arg),*);
        $($case)::+::<A2>($($arg),*);
        $($case)::+::<A4>($($arg),*);
        $($case)::+::<A8>($($arg),*);
        $($case)::+::<A16>($($arg),*);
        $($case)::+::<A17>($($arg),*);
        $($case)::+::<A32>($($arg),*);
        $($case)::+::<A64>($($arg),*);
        $($case)::+::<N1>($($arg),*);
        $($case)::+::<N2>($($arg),*);
        $($case)::+::<U1>($($arg),*);
        $($case)::+::<U2>($($arg),*);
        $($case)::+::<P1>($($arg),*);
        $($case)::+::<Q2>($($arg),*);
        $($case)::+::<Q4>($($arg),*);
        $($case)::+::<O32>($($arg),*);
        $($case)::+::<O64>($($arg),*);
        $($case)::+::<H32>($($arg),*);
    }};
}

/// Trampoline cases for aggregates, the same on every ISA: each is generic over the shape and
/// runs both the fast trampoline (called as V8 would, with only the scalar arguments, after
/// the aggregate bytes are written to the area as the JS wrapper does) and the invoker.
/// `build(params, result, fixture_fn)` makes the trampolines against a fixture that includes
/// `testdata/structs.c`.
pub mod cases {
    use super::Shape;
    use crate::fast_fn;
    use crate::{invoke, Built, RECV};
    use ffast_core::Signature;

    pub type Build<'a> = &'a dyn Fn(&[&str], &str, &str) -> Built;

    /// Area offsets of the aggregate parameters, and of the aggregate result.
    fn offsets(params: &[&str], result: &str) -> (Vec<Option<u32>>, Option<u32>) {
        let sig = Signature::parse(params, result).expect("signature");
        (sig.arg_offsets(), sig.agg_result.map(|a| a.offset))
    }

    fn f(x: f64) -> u64 {
        x.to_bits()
    }

    pub fn alone<S: Shape>(build: Build) {
        let p = [S::TEXT];
        let mut b = build(&p, "f64", &format!("sum_{}", S::NAME));
        let off = offsets(&p, "f64").0[0].unwrap();
        for x in [3.0, 41.0] {
            let v = S::make(x);
            b.put_value(off, &v);
            assert_eq!(fast_fn!(b, fn() -> f64)(RECV), v.sum(), "{} fast", S::NAME);
            let mut s = [0u64];
            invoke(&b, &mut s);
            assert_eq!(f64::from_bits(s[0]), v.sum(), "{} invoker", S::NAME);
        }
    }

    pub fn between_scalars<S: Shape>(build: Build) {
        let p = ["i32", S::TEXT, "f64"];
        let mut b = build(&p, "f64", &format!("mix_{}", S::NAME));
        let off = offsets(&p, "f64").0[1].unwrap();
        let v = S::make(5.0);
        b.put_value(off, &v);
        let want = -7.0 * 1000.0 + v.sum() * 10.0 + 2.5 * 0.5;
        let r = fast_fn!(b, fn(i32, f64) -> f64)(RECV, -7, 2.5);
        assert_eq!(r, want, "{} fast", S::NAME);
        let mut s = [(-7i64) as u64, f(2.5), 0];
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[2]), want, "{} invoker", S::NAME);
    }

    pub fn two_of_them<S: Shape>(build: Build) {
        let p = [S::TEXT, S::TEXT];
        let mut b = build(&p, "f64", &format!("two_{}", S::NAME));
        let offs = offsets(&p, "f64").0;
        let (v, w) = (S::make(2.0), S::make(9.0));
        b.put_value(offs[0].unwrap(), &v);
        b.put_value(offs[1].unwrap(), &w);
        let want = v.sum() + 3.0 * w.sum();
        assert_eq!(fast_fn!(b, fn() -> f64)(RECV), want, "{} fast", S::NAME);
        let mut s = [0u64];
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[0]), want, "{} invoker", S::NAME);
    }

    /// After 5, 6 or 7 integers: the aggregate gets the last registers, or goes to the stack
    /// (whole), and the integers after it take what is left.
    pub fn after_integers<S: Shape>(build: Build) {
        let v = S::make(4.0);
        let i: Vec<i64> = (1..=9).map(|k| k * 11).collect();
        let slots = |n: usize| -> Vec<u64> { i[..n].iter().map(|&x| x as u64).collect() };

        let p = [
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            S::TEXT,
            "i64",
            "i64",
            "f64",
        ];
        let mut b = build(&p, "f64", &format!("ints5_{}", S::NAME));
        b.put_value(offsets(&p, "f64").0[5].unwrap(), &v);
        let want = (i[0] + 2 * i[1] + 3 * i[2] + 4 * i[3] + 5 * i[4] + 6 * i[5] + 7 * i[6]) as f64
            + 100.0 * v.sum()
            + 8.0 * 0.75;
        let r = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64, f64) -> f64)(
            RECV, i[0], i[1], i[2], i[3], i[4], i[5], i[6], 0.75,
        );
        assert_eq!(r, want, "ints5 {} fast", S::NAME);
        let mut s = slots(7);
        s.extend([f(0.75), 0]);
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[8]), want, "ints5 {} invoker", S::NAME);

        let p = ["i64", "i64", "i64", "i64", "i64", "i64", S::TEXT, "i64"];
        let mut b = build(&p, "f64", &format!("ints6_{}", S::NAME));
        b.put_value(offsets(&p, "f64").0[6].unwrap(), &v);
        let want = (i[0] + 2 * i[1] + 3 * i[2] + 4 * i[3] + 5 * i[4] + 6 * i[5] + 7 * i[6]) as f64
            + 100.0 * v.sum();
        let r = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64) -> f64)(
            RECV, i[0], i[1], i[2], i[3], i[4], i[5], i[6],
        );
        assert_eq!(r, want, "ints6 {} fast", S::NAME);
        let mut s = slots(7);
        s.push(0);
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[7]), want, "ints6 {} invoker", S::NAME);

        let p = [
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            S::TEXT,
            "i64",
        ];
        let mut b = build(&p, "f64", &format!("ints7_{}", S::NAME));
        b.put_value(offsets(&p, "f64").0[7].unwrap(), &v);
        let want =
            (i[0] + 2 * i[1] + 3 * i[2] + 4 * i[3] + 5 * i[4] + 6 * i[5] + 7 * i[6] + 8 * i[7])
                as f64
                + 100.0 * v.sum();
        let r = fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, i64, i64) -> f64)(
            RECV, i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7],
        );
        assert_eq!(r, want, "ints7 {} fast", S::NAME);
        let mut s = slots(8);
        s.push(0);
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[8]), want, "ints7 {} invoker", S::NAME);
    }

    /// After 7 or 9 doubles: floating-point registers run out.
    pub fn after_doubles<S: Shape>(build: Build) {
        let v = S::make(6.0);
        let d: Vec<f64> = (1..=10).map(|k| k as f64 + 0.5).collect();
        let bits = |n: usize| -> Vec<u64> { d[..n].iter().map(|&x| f(x)).collect() };

        let p = [
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            S::TEXT,
            "f64",
            "i64",
        ];
        let mut b = build(&p, "f64", &format!("dbl7_{}", S::NAME));
        b.put_value(offsets(&p, "f64").0[7].unwrap(), &v);
        let want = d[0]
            + 2.0 * d[1]
            + 3.0 * d[2]
            + 4.0 * d[3]
            + 5.0 * d[4]
            + 6.0 * d[5]
            + 7.0 * d[6]
            + 100.0 * v.sum()
            + 8.0 * d[7]
            + 9.0 * -3.0;
        let r = fast_fn!(b, fn(f64, f64, f64, f64, f64, f64, f64, f64, i64) -> f64)(
            RECV, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], -3,
        );
        assert_eq!(r, want, "dbl7 {} fast", S::NAME);
        let mut s = bits(8);
        s.extend([(-3i64) as u64, 0]);
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[9]), want, "dbl7 {} invoker", S::NAME);

        let p = [
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            "f64",
            S::TEXT,
            "f64",
        ];
        let mut b = build(&p, "f64", &format!("dbl9_{}", S::NAME));
        b.put_value(offsets(&p, "f64").0[9].unwrap(), &v);
        let want = d[0]
            + 2.0 * d[1]
            + 3.0 * d[2]
            + 4.0 * d[3]
            + 5.0 * d[4]
            + 6.0 * d[5]
            + 7.0 * d[6]
            + 8.0 * d[7]
            + 9.0 * d[8]
            + 100.0 * v.sum()
            + 10.0 * d[9];
        let r = fast_fn!(
            b,
            fn(f64, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> f64
        )(
            RECV, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9],
        );
        assert_eq!(r, want, "dbl9 {} fast", S::NAME);
        let mut s = bits(10);
        s.push(0);
        invoke(&b, &mut s);
        assert_eq!(f64::from_bits(s[10]), want, "dbl9 {} invoker", S::NAME);
    }

    /// Fill the area with a pattern no result has, so a missing store shows.
    fn scribble(b: &mut Built) {
        b.area().fill(0xa5);
    }

    pub fn result<S: Shape>(build: Build) {
        let mut b = build(&["f64"], S::TEXT, &format!("make_{}", S::NAME));
        let off = offsets(&["f64"], S::TEXT).1.unwrap();
        for x in [3.0, 17.0] {
            let want = S::make(x).leaves();
            scribble(&mut b);
            fast_fn!(b, fn(f64) -> ())(RECV, x);
            assert_eq!(b.get_value::<S>(off).leaves(), want, "{} fast", S::NAME);
            scribble(&mut b);
            let mut s = [f(x), 0x5a5a];
            invoke(&b, &mut s);
            assert_eq!(b.get_value::<S>(off).leaves(), want, "{} invoker", S::NAME);
            assert_eq!(s[1], 0x5a5a, "{}: no scalar result slot", S::NAME);
        }
    }

    /// A result after eight integer arguments and a double: a hidden result pointer must not
    /// disturb them (x64: it takes rdi and shifts them; arm64: it travels in x8).
    pub fn result_after_scalars<S: Shape>(build: Build) {
        let p = [
            "i64", "i64", "i64", "i64", "i64", "i64", "f64", "i64", "i64",
        ];
        let mut b = build(&p, S::TEXT, &format!("make8_{}", S::NAME));
        let off = offsets(&p, S::TEXT).1.unwrap();
        let i = [1i64, -2, 3, -4, 5, -6, 7, -8];
        let x = 20.0;
        let seed = x
            + (i[0] + 2 * i[1] + 3 * i[2] + 4 * i[3] + 5 * i[4] + 6 * i[5] + 7 * i[6] + 8 * i[7])
                as f64;
        let want = S::make(seed).leaves();
        scribble(&mut b);
        fast_fn!(b, fn(i64, i64, i64, i64, i64, i64, f64, i64, i64) -> ())(
            RECV, i[0], i[1], i[2], i[3], i[4], i[5], x, i[6], i[7],
        );
        assert_eq!(b.get_value::<S>(off).leaves(), want, "{} fast", S::NAME);
        scribble(&mut b);
        let mut s: Vec<u64> = i[..6].iter().map(|&v| v as u64).collect();
        s.extend([f(x), i[6] as u64, i[7] as u64, 0]);
        invoke(&b, &mut s);
        assert_eq!(b.get_value::<S>(off).leaves(), want, "{} invoker", S::NAME);
    }
}

/// One `#[test]` per aggregate case, each over every shape, for a test file whose `$build`
/// makes trampolines against a fixture that includes `testdata/structs.c`.
#[macro_export]
macro_rules! shared_aggregate_tests {
    ($build:expr) => {
        #[test]
        fn aggregate_alone() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::alone, &$build);
        }

        #[test]
        fn aggregate_between_scalars() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::between_scalars, &$build);
        }

        #[test]
        fn two_aggregates() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::two_of_them, &$build);
        }

        #[test]
        fn aggregate_after_integers() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::after_integers, &$build);
        }

        #[test]
        fn aggregate_after_doubles() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::after_doubles, &$build);
        }

        #[test]
        fn aggregate_result() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::result, &$build);
        }

        #[test]
        fn aggregate_result_after_scalars() {
            $crate::for_each_shape!(ffast_testkit::structs::cases::result_after_scalars, &$build);
        }
    };
}
