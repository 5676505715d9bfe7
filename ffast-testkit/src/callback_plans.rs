//! What every ABI crate's `tests/callback_plans.rs` checks of its classifier (one copy here,
//! each crate adds the asserts its ABI makes about particular shapes).
//!
//! Callback entries read a C caller's aggregate arguments from the locations this crate's plans
//! give (docs/callbacks.md §3): every aggregate parameter of every plan must be in one of three
//! shapes — all in registers, an image of the object on the caller's stack (every stack
//! eightbyte or HFA member at the same distance from its place in the object), or one pointer to
//! the caller's copy — and an aggregate result either in registers or written through one hidden
//! pointer. This pins that over the fixture shapes in every position: before, between and after
//! scalars, after the integer and the floating-point registers are used up.
use ffast_core::{AreaSrc, CallPlan, Loc, Signature};

pub const SHAPES: &[&str] = &[
    "struct{a:i32,b:i32}",
    "struct{a:i64,b:i64}",
    "struct{a:f64,b:f64}",
    "struct{a:f32,b:f32,c:f32}",
    "struct{a:f64,b:f64,c:f64,d:f64}",
    "struct{a:i64,b:f64}",
    "struct{a:i32,b:f32}",
    "struct{a:u8,b:u8,c:u8}",
    "struct{a:i64,b:i64,c:i64}",
    "struct{b:[u8;40],n:i32}",
    "union{i:i64,d:f64}",
    "struct<1>{a:u8,b:i32,c:f64}",
    "struct{x:f64@16,n:i32}",
    "struct{x:f64@32}",
    "struct{p:struct{a:i32,b:i32},q:struct{a:f64,b:f64},flag:u8}",
    "struct{p:struct{x:f32,y:f32},z:f32}",
    "struct{name:string,n:i32}",
    "struct{a:string,b:string,n:i64}",
    "struct{a:f32}",
    "struct{a:[f64;4]}",
    "struct{a:f32,b:f32,c:f32,d:f32,e:f32}",
    "struct{a:f32@16,b:f32,c:f32,d:f32}",
    "struct{b:[u8;4096]}",
];

/// Scalar prefixes that use up registers of one class or both.
fn prefixes() -> Vec<Vec<&'static str>> {
    vec![
        vec![],
        vec!["i32"],
        vec!["i64"; 7],
        vec!["i64"; 8],
        vec!["f64"; 8],
        [vec!["i64"; 8], vec!["f64"; 8]].concat(),
        [vec!["i64"; 6], vec!["f64"; 7]].concat(),
    ]
}

/// A prefix as tests name it: "8i" for eight i64, "8i8d" for eight i64 and eight f64, "-" for none.
fn label(pre: &[&str]) -> String {
    let n = |t: &str| pre.iter().filter(|&&x| x == t).count();
    let mut s = String::new();
    for (t, c) in [("i32", "w"), ("i64", "i"), ("f64", "d")] {
        if n(t) > 0 {
            s += &format!("{}{c}", n(t));
        }
    }
    if s.is_empty() {
        "-".into()
    } else {
        s
    }
}

/// The three shapes of an aggregate parameter (docs/callbacks.md §3).
#[derive(Debug, PartialEq)]
pub enum Shape {
    Registers,
    StackImage,
    ByReference,
}

fn param_shape(plan: &CallPlan, sig: &Signature, k: usize) -> Shape {
    let agg = &sig.agg_params[k];
    let es: Vec<_> = plan
        .area_args
        .iter()
        .filter(|a| a.param == Some(agg.index))
        .collect();
    assert!(!es.is_empty(), "parameter {} has no locations", agg.index);
    if let [one] = es.as_slice() {
        if let AreaSrc::Addr { offset } = one.src {
            assert_eq!(
                offset, agg.agg.offset,
                "a by-reference copy of the whole object"
            );
            assert!(matches!(one.c, Loc::Gpr(_) | Loc::Stack(_)), "{:?}", one.c);
            return Shape::ByReference;
        }
    }
    let mut deltas = Vec::new();
    let mut regs = 0;
    for e in &es {
        let AreaSrc::Load { offset, .. } = e.src else {
            panic!("parameter {}: an address among loads: {es:?}", agg.index)
        };
        let rel = offset - agg.agg.offset;
        assert!(
            (rel as usize) < agg.agg.size.next_multiple_of(8),
            "load outside the object"
        );
        match e.c {
            Loc::Gpr(_) | Loc::Fpr(_) => regs += 1,
            Loc::Stack(at) => deltas.push(at as i64 - rel as i64),
        }
    }
    if regs == es.len() {
        return Shape::Registers;
    }
    assert_eq!(
        regs, 0,
        "parameter {}: split between registers and stack: {es:?}",
        agg.index
    );
    assert!(
        deltas.windows(2).all(|w| w[0] == w[1]),
        "parameter {}: stack pieces are not an image of the object: {es:?}",
        agg.index
    );
    assert!(deltas[0] >= 0);
    Shape::StackImage
}

pub fn check(classify: fn(&Signature) -> CallPlan, hidden: Loc) -> Vec<(String, Shape)> {
    let mut seen = Vec::new();
    for shape in SHAPES {
        for pre in prefixes() {
            let mut params = pre.clone();
            params.push(shape);
            params.push("i32");
            let sig = Signature::parse(&params, "f64").unwrap();
            let plan = classify(&sig);
            assert!(plan.area_ret.is_empty());
            assert!(plan.area_args.iter().all(|a| a.param.is_some()));
            let s = param_shape(&plan, &sig, 0);
            seen.push((format!("{shape} after {}", label(&pre)), s));
            // The same aggregate twice, and as the result.
            let mut two = pre.clone();
            two.extend([*shape, "f32", *shape]);
            let sig = Signature::parse(&two, shape).unwrap();
            let plan = classify(&sig);
            param_shape(&plan, &sig, 0);
            param_shape(&plan, &sig, 1);
            let res = sig.agg_result.as_ref().unwrap();
            let hidden_ptrs: Vec<_> = plan
                .area_args
                .iter()
                .filter(|a| a.param.is_none())
                .collect();
            match hidden_ptrs.as_slice() {
                [] => {
                    assert!(!plan.area_ret.is_empty(), "{shape}: a result nowhere");
                    for r in &plan.area_ret {
                        assert!(matches!(r.c, Loc::Gpr(_) | Loc::Fpr(_)));
                        assert!(((r.offset - res.offset) as usize) < res.size.next_multiple_of(8));
                    }
                }
                [h] => {
                    assert!(
                        plan.area_ret.is_empty(),
                        "{shape}: both registers and a hidden pointer"
                    );
                    assert_eq!(h.src, AreaSrc::Addr { offset: res.offset });
                    assert_eq!(h.c, hidden, "{shape}: the hidden result pointer's register");
                }
                more => panic!("{shape}: {} hidden pointers", more.len()),
            }
        }
    }
    seen
}

/// The shape `check` saw for `key` ("<aggregate> after <prefix label>").
pub fn shape_of<'a>(seen: &'a [(String, Shape)], key: &str) -> &'a Shape {
    seen.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no case {key}"))
}

/// `CallbackLayout` (docs/callbacks.md §5.1) agrees with the plan for every shape in every
/// position `check` walks: a register parameter is spilled (every piece in its own region of
/// the block, at its distance from the object's first byte), a stack image is read where the
/// object starts, a by-reference copy through its pointer; a register result gets a region, a
/// memory result the hidden pointer's register. Regions never overlap and stay inside the block.
pub fn check_layout(classify: fn(&Signature) -> CallPlan, hidden: Loc) {
    use ffast_core::trampoline::{AggIn, AggOut, CallbackLayout};
    for shape in SHAPES {
        for pre in prefixes() {
            let mut two = pre.clone();
            two.extend([*shape, "f32", *shape]);
            let sig = Signature::parse(&two, shape).unwrap();
            let plan = classify(&sig);
            let layout = CallbackLayout::new(&plan);
            let what = format!("{shape} after {}", label(&pre));
            assert_eq!(layout.params.len(), 2, "{what}");
            assert_eq!(layout.block_size % 8, 0, "{what}");
            let mut regions: Vec<(u32, u32)> = Vec::new();
            let mut region_of = |pieces: &[(Loc, ffast_core::Type, u32)], size: usize| {
                let start = pieces.iter().map(|p| p.2).min().unwrap();
                let end = start + size.next_multiple_of(8) as u32;
                assert!(end <= layout.block_size, "{what}: region beyond the block");
                for &(_, ty, off) in pieces {
                    // A store is one eightbyte, or one s register (4 bytes).
                    let width = if ty == ffast_core::Type::F32 { 4 } else { 8 };
                    assert!(off + width <= end, "{what}: piece beyond its region");
                }
                for &(s, e) in &regions {
                    assert!(end <= s || start >= e, "{what}: regions overlap");
                }
                regions.push((start, end));
            };
            for (k, p) in layout.params.iter().enumerate() {
                let agg = &sig.agg_params[k].agg;
                match (param_shape(&plan, &sig, k), p) {
                    (Shape::Registers, AggIn::Spill(pieces)) => {
                        assert!(pieces
                            .iter()
                            .all(|p| matches!(p.0, Loc::Gpr(_) | Loc::Fpr(_))));
                        let start = pieces.iter().map(|p| p.2).min().unwrap();
                        // Each piece at its distance from the first byte, as the plan loads it.
                        for e in plan
                            .area_args
                            .iter()
                            .filter(|a| a.param == Some(sig.agg_params[k].index))
                        {
                            let AreaSrc::Load { offset, ty } = e.src else {
                                panic!("{what}")
                            };
                            assert!(
                                pieces.contains(&(e.c, ty, start + offset - agg.offset)),
                                "{what}: {e:?}"
                            );
                        }
                        region_of(pieces, agg.size);
                    }
                    (Shape::StackImage, AggIn::Image { base }) => {
                        let first = plan
                            .area_args
                            .iter()
                            .find(|a| {
                                a.param == Some(sig.agg_params[k].index)
                                    && a.src
                                        == AreaSrc::Load {
                                            offset: agg.offset,
                                            ty: a_ty(a.src),
                                        }
                            })
                            .unwrap();
                        assert_eq!(
                            first.c,
                            Loc::Stack(*base),
                            "{what}: the image starts at the first piece"
                        );
                    }
                    (Shape::ByReference, AggIn::ByRef(c)) => {
                        assert!(plan
                            .area_args
                            .iter()
                            .any(|a| a.param == Some(sig.agg_params[k].index) && a.c == *c));
                    }
                    (s, p) => panic!("{what}: plan shape {s:?}, layout {p:?}"),
                }
            }
            let res = sig.agg_result.as_ref().unwrap();
            match layout.result.as_ref().unwrap() {
                AggOut::Hidden(c) => {
                    assert_eq!(*c, hidden, "{what}");
                    assert!(plan.area_ret.is_empty());
                }
                AggOut::Regs(pieces) => {
                    assert_eq!(pieces.len(), plan.area_ret.len(), "{what}");
                    region_of(pieces, res.size);
                }
            }
        }
    }
    // Scalars only: nothing to do, the entry is the scalar one.
    let plan = classify(&Signature::parse(&["i32", "f64"], "i64").unwrap());
    assert!(CallbackLayout::new(&plan).is_empty());
}

fn a_ty(src: AreaSrc) -> ffast_core::Type {
    match src {
        AreaSrc::Load { ty, .. } => ty,
        AreaSrc::Addr { .. } => ffast_core::Type::Pointer,
    }
}
