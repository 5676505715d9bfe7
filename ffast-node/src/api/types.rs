//! Definitions: signatures and C type layouts parsed for index.js.

use super::common::{core_fail, fail, raw};
use crate::errors::ErrorCode;
use ffast_core::Signature;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Parse a definition's types (so the JS side knows the canonical names before binding):
/// scalar names, and aggregates (struct/union type texts) as their canonical text.
#[napi]
pub fn signature(
    env: Env,
    name: String,
    parameters: Vec<String>,
    result: String,
) -> Result<Unknown<'static>> {
    let sig = Signature::parse(&parameters, &result)
        .map_err(|e| core_fail(&env, &e, &format!("in definition of '{name}': ")))?;
    let mut obj = Object::new(&env)?;
    obj.set("parameters", sig.param_texts())?;
    obj.set("result", sig.result_text())?;
    Ok(raw(&env, obj.raw()))
}
/// A parsed type kept by a JS type object (index.js's `layout` replies carry one), so that
/// texts built on it can refer to it instead of spelling it out again. Freed with the object.
pub(super) struct TypeHandle(ffast_core::layout::CType);
/// Type handles alive on any thread (tests check that type objects are collected whole).
pub(super) static TYPE_HANDLES: std::sync::atomic::AtomicIsize =
    std::sync::atomic::AtomicIsize::new(0);
impl TypeHandle {
    fn new(t: ffast_core::layout::CType) -> Self {
        TYPE_HANDLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        TypeHandle(t)
    }
}
impl Drop for TypeHandle {
    fn drop(&mut self) {
        TYPE_HANDLES.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}
/// Layout of a C type given in the text form of `ffast_core::desc`, where `#i` stands for the
/// type of `deps[i]` (a handle an earlier call returned): `{ size, align, offsets, handle }`,
/// where `offsets` is the byte offset of each field of a struct or union (empty for arrays),
/// and `handle` the parsed type, for later texts to refer to; a scalar spelling gives
/// `{ type, size, align, offsets }` with its canonical name instead. index.js builds the JS type
/// objects (`struct`, `union`, `array`) on it, one level at a time, so there is one layout
/// engine, ffast-core's, and building a type costs what its own fields cost (no text of a
/// child is parsed again, no child layout computed again).
#[napi]
pub fn layout(env: Env, desc: String, deps: Option<Vec<Unknown>>) -> Result<Unknown<'static>> {
    use ffast_core::layout::CType;
    let mut given = Vec::new();
    for d in deps.unwrap_or_default() {
        // SAFETY: `d` is a live value of this call; napi-rs checks that the external holds a
        // `TypeHandle` made by this binary before handing out the reference.
        let t = unsafe { <External<TypeHandle> as FromNapiRef>::from_napi_ref(env.raw(), d.raw()) }
            .map_err(|_| {
                fail(
                    &env,
                    ErrorCode::Internal,
                    "layout: a dependency is not a type handle",
                )
            })?;
        given.push(t.0.clone());
    }
    let ty = CType::parse_with(&desc, &given).map_err(|e| core_fail(&env, &e, ""))?;
    let l = ty.layout().map_err(|e| core_fail(&env, &e, ""))?;
    let mut obj = Object::new(&env)?;
    obj.set("size", l.size as f64)?;
    obj.set("align", l.align as f64)?;
    obj.set(
        "offsets",
        l.offsets.iter().map(|&o| o as f64).collect::<Vec<_>>(),
    )?;
    if ty.is_aggregate() {
        obj.set("handle", External::new(TypeHandle::new(ty)))?;
    } else {
        obj.set("type", ty.to_string())?;
    }
    Ok(raw(&env, obj.raw()))
}
