//! Rust mirrors of the aggregate shapes in `ffast-core/testdata/structs.c` (same layout:
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

#[repr(C)]
#[derive(Clone, Copy)]
pub struct I2 {
    a: i32,
    b: i32,
}

impl Shape for I2 {
    const TEXT: &'static str = "struct{a:i32,b:i32}";
    const NAME: &'static str = "I2";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as i32;
        r.b = (x as i64 + 1) as i32;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct F2 {
    a: f32,
    b: f32,
}

impl Shape for F2 {
    const TEXT: &'static str = "struct{a:f32,b:f32}";
    const NAME: &'static str = "F2";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f32;
        r.b = (x + 0.25 * 1.0) as f32;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct D2 {
    a: f64,
    b: f64,
}

impl Shape for D2 {
    const TEXT: &'static str = "struct{a:f64,b:f64}";
    const NAME: &'static str = "D2";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f64;
        r.b = (x + 0.25 * 1.0) as f64;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct LD {
    a: i64,
    b: f64,
}

impl Shape for LD {
    const TEXT: &'static str = "struct{a:i64,b:f64}";
    const NAME: &'static str = "LD";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as i64;
        r.b = (x + 0.25 * 1.0) as f64;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct DL {
    a: f64,
    b: i64,
}

impl Shape for DL {
    const TEXT: &'static str = "struct{a:f64,b:i64}";
    const NAME: &'static str = "DL";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f64;
        r.b = (x as i64 + 1) as i64;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct IF {
    a: i32,
    b: f32,
}

impl Shape for IF {
    const TEXT: &'static str = "struct{a:i32,b:f32}";
    const NAME: &'static str = "IF";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as i32;
        r.b = (x + 0.25 * 1.0) as f32;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct B3 {
    a: u8,
    b: u8,
    c: u8,
}

impl Shape for B3 {
    const TEXT: &'static str = "struct{a:u8,b:u8,c:u8}";
    const NAME: &'static str = "B3";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64, self.c as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x as i64 + 0) as u8;
        r.b = (x as i64 + 1) as u8;
        r.c = (x as i64 + 2) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct F3 {
    a: f32,
    b: f32,
    c: f32,
}

impl Shape for F3 {
    const TEXT: &'static str = "struct{a:f32,b:f32,c:f32}";
    const NAME: &'static str = "F3";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64, self.c as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f32;
        r.b = (x + 0.25 * 1.0) as f32;
        r.c = (x + 0.25 * 2.0) as f32;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct F4 {
    a: f32,
    b: f32,
    c: f32,
    d: f32,
}

impl Shape for F4 {
    const TEXT: &'static str = "struct{a:f32,b:f32,c:f32,d:f32}";
    const NAME: &'static str = "F4";

    fn leaves(&self) -> Vec<f64> {
        vec![self.a as f64, self.b as f64, self.c as f64, self.d as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.a = (x + 0.25 * 0.0) as f32;
        r.b = (x + 0.25 * 1.0) as f32;
        r.c = (x + 0.25 * 2.0) as f32;
        r.d = (x + 0.25 * 3.0) as f32;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct D3 {
    a: f64,
    b: f64,
    c: f64,
}

impl Shape for D3 {
    const TEXT: &'static str = "struct{a:f64,b:f64,c:f64}";
    const NAME: &'static str = "D3";

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

#[repr(C)]
#[derive(Clone, Copy)]
pub struct D4 {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
}

impl Shape for D4 {
    const TEXT: &'static str = "struct{a:f64,b:f64,c:f64,d:f64}";
    const NAME: &'static str = "D4";

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

#[repr(C)]
#[derive(Clone, Copy)]
pub struct L2 {
    a: i64,
    b: i64,
}

impl Shape for L2 {
    const TEXT: &'static str = "struct{a:i64,b:i64}";
    const NAME: &'static str = "L2";

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

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A1 {
    b: [u8; 1],
}

impl Shape for A1 {
    const TEXT: &'static str = "struct{b:[u8;1]}";
    const NAME: &'static str = "A1";

    fn leaves(&self) -> Vec<f64> {
        vec![self.b[0] as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A2 {
    b: [u8; 2],
}

impl Shape for A2 {
    const TEXT: &'static str = "struct{b:[u8;2]}";
    const NAME: &'static str = "A2";

    fn leaves(&self) -> Vec<f64> {
        vec![self.b[0] as f64, self.b[1] as f64]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A4 {
    b: [u8; 4],
}

impl Shape for A4 {
    const TEXT: &'static str = "struct{b:[u8;4]}";
    const NAME: &'static str = "A4";

    fn leaves(&self) -> Vec<f64> {
        vec![
            self.b[0] as f64,
            self.b[1] as f64,
            self.b[2] as f64,
            self.b[3] as f64,
        ]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r.b[2] = (x as i64 + 2) as u8;
        r.b[3] = (x as i64 + 3) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A8 {
    b: [u8; 8],
}

impl Shape for A8 {
    const TEXT: &'static str = "struct{b:[u8;8]}";
    const NAME: &'static str = "A8";

    fn leaves(&self) -> Vec<f64> {
        vec![
            self.b[0] as f64,
            self.b[1] as f64,
            self.b[2] as f64,
            self.b[3] as f64,
            self.b[4] as f64,
            self.b[5] as f64,
            self.b[6] as f64,
            self.b[7] as f64,
        ]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r.b[2] = (x as i64 + 2) as u8;
        r.b[3] = (x as i64 + 3) as u8;
        r.b[4] = (x as i64 + 4) as u8;
        r.b[5] = (x as i64 + 5) as u8;
        r.b[6] = (x as i64 + 6) as u8;
        r.b[7] = (x as i64 + 7) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A16 {
    b: [u8; 16],
}

impl Shape for A16 {
    const TEXT: &'static str = "struct{b:[u8;16]}";
    const NAME: &'static str = "A16";

    fn leaves(&self) -> Vec<f64> {
        vec![
            self.b[0] as f64,
            self.b[1] as f64,
            self.b[2] as f64,
            self.b[3] as f64,
            self.b[4] as f64,
            self.b[5] as f64,
            self.b[6] as f64,
            self.b[7] as f64,
            self.b[8] as f64,
            self.b[9] as f64,
            self.b[10] as f64,
            self.b[11] as f64,
            self.b[12] as f64,
            self.b[13] as f64,
            self.b[14] as f64,
            self.b[15] as f64,
        ]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r.b[2] = (x as i64 + 2) as u8;
        r.b[3] = (x as i64 + 3) as u8;
        r.b[4] = (x as i64 + 4) as u8;
        r.b[5] = (x as i64 + 5) as u8;
        r.b[6] = (x as i64 + 6) as u8;
        r.b[7] = (x as i64 + 7) as u8;
        r.b[8] = (x as i64 + 8) as u8;
        r.b[9] = (x as i64 + 9) as u8;
        r.b[10] = (x as i64 + 10) as u8;
        r.b[11] = (x as i64 + 11) as u8;
        r.b[12] = (x as i64 + 12) as u8;
        r.b[13] = (x as i64 + 13) as u8;
        r.b[14] = (x as i64 + 14) as u8;
        r.b[15] = (x as i64 + 15) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A17 {
    b: [u8; 17],
}

impl Shape for A17 {
    const TEXT: &'static str = "struct{b:[u8;17]}";
    const NAME: &'static str = "A17";

    fn leaves(&self) -> Vec<f64> {
        vec![
            self.b[0] as f64,
            self.b[1] as f64,
            self.b[2] as f64,
            self.b[3] as f64,
            self.b[4] as f64,
            self.b[5] as f64,
            self.b[6] as f64,
            self.b[7] as f64,
            self.b[8] as f64,
            self.b[9] as f64,
            self.b[10] as f64,
            self.b[11] as f64,
            self.b[12] as f64,
            self.b[13] as f64,
            self.b[14] as f64,
            self.b[15] as f64,
            self.b[16] as f64,
        ]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r.b[2] = (x as i64 + 2) as u8;
        r.b[3] = (x as i64 + 3) as u8;
        r.b[4] = (x as i64 + 4) as u8;
        r.b[5] = (x as i64 + 5) as u8;
        r.b[6] = (x as i64 + 6) as u8;
        r.b[7] = (x as i64 + 7) as u8;
        r.b[8] = (x as i64 + 8) as u8;
        r.b[9] = (x as i64 + 9) as u8;
        r.b[10] = (x as i64 + 10) as u8;
        r.b[11] = (x as i64 + 11) as u8;
        r.b[12] = (x as i64 + 12) as u8;
        r.b[13] = (x as i64 + 13) as u8;
        r.b[14] = (x as i64 + 14) as u8;
        r.b[15] = (x as i64 + 15) as u8;
        r.b[16] = (x as i64 + 16) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A32 {
    b: [u8; 32],
}

impl Shape for A32 {
    const TEXT: &'static str = "struct{b:[u8;32]}";
    const NAME: &'static str = "A32";

    fn leaves(&self) -> Vec<f64> {
        vec![
            self.b[0] as f64,
            self.b[1] as f64,
            self.b[2] as f64,
            self.b[3] as f64,
            self.b[4] as f64,
            self.b[5] as f64,
            self.b[6] as f64,
            self.b[7] as f64,
            self.b[8] as f64,
            self.b[9] as f64,
            self.b[10] as f64,
            self.b[11] as f64,
            self.b[12] as f64,
            self.b[13] as f64,
            self.b[14] as f64,
            self.b[15] as f64,
            self.b[16] as f64,
            self.b[17] as f64,
            self.b[18] as f64,
            self.b[19] as f64,
            self.b[20] as f64,
            self.b[21] as f64,
            self.b[22] as f64,
            self.b[23] as f64,
            self.b[24] as f64,
            self.b[25] as f64,
            self.b[26] as f64,
            self.b[27] as f64,
            self.b[28] as f64,
            self.b[29] as f64,
            self.b[30] as f64,
            self.b[31] as f64,
        ]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r.b[2] = (x as i64 + 2) as u8;
        r.b[3] = (x as i64 + 3) as u8;
        r.b[4] = (x as i64 + 4) as u8;
        r.b[5] = (x as i64 + 5) as u8;
        r.b[6] = (x as i64 + 6) as u8;
        r.b[7] = (x as i64 + 7) as u8;
        r.b[8] = (x as i64 + 8) as u8;
        r.b[9] = (x as i64 + 9) as u8;
        r.b[10] = (x as i64 + 10) as u8;
        r.b[11] = (x as i64 + 11) as u8;
        r.b[12] = (x as i64 + 12) as u8;
        r.b[13] = (x as i64 + 13) as u8;
        r.b[14] = (x as i64 + 14) as u8;
        r.b[15] = (x as i64 + 15) as u8;
        r.b[16] = (x as i64 + 16) as u8;
        r.b[17] = (x as i64 + 17) as u8;
        r.b[18] = (x as i64 + 18) as u8;
        r.b[19] = (x as i64 + 19) as u8;
        r.b[20] = (x as i64 + 20) as u8;
        r.b[21] = (x as i64 + 21) as u8;
        r.b[22] = (x as i64 + 22) as u8;
        r.b[23] = (x as i64 + 23) as u8;
        r.b[24] = (x as i64 + 24) as u8;
        r.b[25] = (x as i64 + 25) as u8;
        r.b[26] = (x as i64 + 26) as u8;
        r.b[27] = (x as i64 + 27) as u8;
        r.b[28] = (x as i64 + 28) as u8;
        r.b[29] = (x as i64 + 29) as u8;
        r.b[30] = (x as i64 + 30) as u8;
        r.b[31] = (x as i64 + 31) as u8;
        r
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct A64 {
    b: [u8; 64],
}

impl Shape for A64 {
    const TEXT: &'static str = "struct{b:[u8;64]}";
    const NAME: &'static str = "A64";

    fn leaves(&self) -> Vec<f64> {
        vec![
            self.b[0] as f64,
            self.b[1] as f64,
            self.b[2] as f64,
            self.b[3] as f64,
            self.b[4] as f64,
            self.b[5] as f64,
            self.b[6] as f64,
            self.b[7] as f64,
            self.b[8] as f64,
            self.b[9] as f64,
            self.b[10] as f64,
            self.b[11] as f64,
            self.b[12] as f64,
            self.b[13] as f64,
            self.b[14] as f64,
            self.b[15] as f64,
            self.b[16] as f64,
            self.b[17] as f64,
            self.b[18] as f64,
            self.b[19] as f64,
            self.b[20] as f64,
            self.b[21] as f64,
            self.b[22] as f64,
            self.b[23] as f64,
            self.b[24] as f64,
            self.b[25] as f64,
            self.b[26] as f64,
            self.b[27] as f64,
            self.b[28] as f64,
            self.b[29] as f64,
            self.b[30] as f64,
            self.b[31] as f64,
            self.b[32] as f64,
            self.b[33] as f64,
            self.b[34] as f64,
            self.b[35] as f64,
            self.b[36] as f64,
            self.b[37] as f64,
            self.b[38] as f64,
            self.b[39] as f64,
            self.b[40] as f64,
            self.b[41] as f64,
            self.b[42] as f64,
            self.b[43] as f64,
            self.b[44] as f64,
            self.b[45] as f64,
            self.b[46] as f64,
            self.b[47] as f64,
            self.b[48] as f64,
            self.b[49] as f64,
            self.b[50] as f64,
            self.b[51] as f64,
            self.b[52] as f64,
            self.b[53] as f64,
            self.b[54] as f64,
            self.b[55] as f64,
            self.b[56] as f64,
            self.b[57] as f64,
            self.b[58] as f64,
            self.b[59] as f64,
            self.b[60] as f64,
            self.b[61] as f64,
            self.b[62] as f64,
            self.b[63] as f64,
        ]
    }

    fn make(x: f64) -> Self {
        // SAFETY: every field is a plain number, for which all-zero bytes are valid.
        let mut r: Self = unsafe { std::mem::zeroed() };
        r.b[0] = (x as i64 + 0) as u8;
        r.b[1] = (x as i64 + 1) as u8;
        r.b[2] = (x as i64 + 2) as u8;
        r.b[3] = (x as i64 + 3) as u8;
        r.b[4] = (x as i64 + 4) as u8;
        r.b[5] = (x as i64 + 5) as u8;
        r.b[6] = (x as i64 + 6) as u8;
        r.b[7] = (x as i64 + 7) as u8;
        r.b[8] = (x as i64 + 8) as u8;
        r.b[9] = (x as i64 + 9) as u8;
        r.b[10] = (x as i64 + 10) as u8;
        r.b[11] = (x as i64 + 11) as u8;
        r.b[12] = (x as i64 + 12) as u8;
        r.b[13] = (x as i64 + 13) as u8;
        r.b[14] = (x as i64 + 14) as u8;
        r.b[15] = (x as i64 + 15) as u8;
        r.b[16] = (x as i64 + 16) as u8;
        r.b[17] = (x as i64 + 17) as u8;
        r.b[18] = (x as i64 + 18) as u8;
        r.b[19] = (x as i64 + 19) as u8;
        r.b[20] = (x as i64 + 20) as u8;
        r.b[21] = (x as i64 + 21) as u8;
        r.b[22] = (x as i64 + 22) as u8;
        r.b[23] = (x as i64 + 23) as u8;
        r.b[24] = (x as i64 + 24) as u8;
        r.b[25] = (x as i64 + 25) as u8;
        r.b[26] = (x as i64 + 26) as u8;
        r.b[27] = (x as i64 + 27) as u8;
        r.b[28] = (x as i64 + 28) as u8;
        r.b[29] = (x as i64 + 29) as u8;
        r.b[30] = (x as i64 + 30) as u8;
        r.b[31] = (x as i64 + 31) as u8;
        r.b[32] = (x as i64 + 32) as u8;
        r.b[33] = (x as i64 + 33) as u8;
        r.b[34] = (x as i64 + 34) as u8;
        r.b[35] = (x as i64 + 35) as u8;
        r.b[36] = (x as i64 + 36) as u8;
        r.b[37] = (x as i64 + 37) as u8;
        r.b[38] = (x as i64 + 38) as u8;
        r.b[39] = (x as i64 + 39) as u8;
        r.b[40] = (x as i64 + 40) as u8;
        r.b[41] = (x as i64 + 41) as u8;
        r.b[42] = (x as i64 + 42) as u8;
        r.b[43] = (x as i64 + 43) as u8;
        r.b[44] = (x as i64 + 44) as u8;
        r.b[45] = (x as i64 + 45) as u8;
        r.b[46] = (x as i64 + 46) as u8;
        r.b[47] = (x as i64 + 47) as u8;
        r.b[48] = (x as i64 + 48) as u8;
        r.b[49] = (x as i64 + 49) as u8;
        r.b[50] = (x as i64 + 50) as u8;
        r.b[51] = (x as i64 + 51) as u8;
        r.b[52] = (x as i64 + 52) as u8;
        r.b[53] = (x as i64 + 53) as u8;
        r.b[54] = (x as i64 + 54) as u8;
        r.b[55] = (x as i64 + 55) as u8;
        r.b[56] = (x as i64 + 56) as u8;
        r.b[57] = (x as i64 + 57) as u8;
        r.b[58] = (x as i64 + 58) as u8;
        r.b[59] = (x as i64 + 59) as u8;
        r.b[60] = (x as i64 + 60) as u8;
        r.b[61] = (x as i64 + 61) as u8;
        r.b[62] = (x as i64 + 62) as u8;
        r.b[63] = (x as i64 + 63) as u8;
        r
    }
}

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

/// Runs `$($case)::+::<T>($($arg),*)` for every shape.
#[macro_export]
macro_rules! for_each_shape {
    ($($case:ident)::+, $($arg:expr),*) => {{
        use $crate::testkit::structs::*;
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
    use crate::testkit::{invoke, Built, RECV};
    use crate::Signature;

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
            $crate::for_each_shape!(ffast_core::testkit::structs::cases::alone, &$build);
        }

        #[test]
        fn aggregate_between_scalars() {
            $crate::for_each_shape!(
                ffast_core::testkit::structs::cases::between_scalars,
                &$build
            );
        }

        #[test]
        fn two_aggregates() {
            $crate::for_each_shape!(ffast_core::testkit::structs::cases::two_of_them, &$build);
        }

        #[test]
        fn aggregate_after_integers() {
            $crate::for_each_shape!(ffast_core::testkit::structs::cases::after_integers, &$build);
        }

        #[test]
        fn aggregate_after_doubles() {
            $crate::for_each_shape!(ffast_core::testkit::structs::cases::after_doubles, &$build);
        }

        #[test]
        fn aggregate_result() {
            $crate::for_each_shape!(ffast_core::testkit::structs::cases::result, &$build);
        }

        #[test]
        fn aggregate_result_after_scalars() {
            $crate::for_each_shape!(
                ffast_core::testkit::structs::cases::result_after_scalars,
                &$build
            );
        }
    };
}
