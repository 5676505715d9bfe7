//! `init`: once per thread, the error class and the probes of this V8.

use super::common::{check, raw};
use crate::{platform, thread, v8, value};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

/// Called once per thread by index.js with the error class. Returns
/// `{ fast, reason, v8 }`: whether V8 fast calls are on, and why not.
#[napi]
pub fn init(env: Env, error_class: Unknown) -> Result<Unknown<'static>> {
    thread::set_env(env.raw());
    let mut r = std::ptr::null_mut();
    // SAFETY: error_class is a live value of this call; the reference keeps it alive for the
    // thread's life (it is never released: the class lives as long as the module).
    check(&env, unsafe {
        sys::napi_create_reference(env.raw(), error_class.raw(), 1, &mut r)
    })?;
    thread::with(|s| s.error_class = r);

    // SAFETY: an N-API call on a JS thread: a HandleScope is open for the probes' handles.
    unsafe { v8::tagged::probe() };
    // SAFETY: as above.
    unsafe { v8::call::probe() };
    // SAFETY: as above (after the Smi probe).
    let number_map = unsafe { v8::tagged::number_map() };
    thread::with(|s| s.number_map = number_map);
    // Before any function is made on this isolate: how its functions are kept out of V8's
    // template cache (v8::uncache).
    // SAFETY: as above.
    let template_route = v8::V8::get()
        .ok()
        .map(|api| unsafe { v8::uncache::probe(api) });
    // The string decoder of `cstring()` and `string` results (value::strings::cstring_entry): a
    // function of V8's own, made after the template-cache probe like every other function.
    // SAFETY: as above; number_map is this thread's.
    let decoder = unsafe { value::strings::decoder(number_map) };
    let jit = ffast_core::jit::self_test();
    let (fast, reason) = match (&jit, v8::V8::get()) {
        (Err(e), _) => (false, Some(e.to_string())),
        (Ok(()), Err(why)) => (false, Some(why.to_string())),
        (Ok(()), Ok(_)) if !platform::supported() => {
            (false, Some("no ABI for this platform".into()))
        }
        (Ok(()), Ok(_)) => (true, None),
    };
    let mut obj = Object::new(&env)?;
    obj.set("fast", fast)?;
    obj.set("reason", reason)?;
    obj.set("v8", v8::V8::version_string())?;
    obj.set("jit", jit.is_ok())?;
    // How C → JS callbacks call JS, and whether small integers are read and written as raw
    // Smis (tests check each Node line takes the route it should).
    obj.set("callbackRoute", v8::call::route())?;
    obj.set("smi", v8::tagged::smi32())?;
    // `field` or `mark` where functions die with their last reference (null: no fast calls).
    obj.set("templateRoute", template_route)?;
    // null: strings are decoded through N-API (`cstring`).
    match decoder {
        Some(f) => obj.set("decoder", raw(&env, f))?,
        None => obj.set("decoder", Null)?,
    }
    // Whether 64-bit parameters can take BigInts on the fast path (a BigInt twin per function,
    // V8 12+); without, the wrappers convert BigInts that are exact as Numbers (docs/pointers.md §10).
    obj.set(
        "bigintTwins",
        fast && v8::V8::get().is_ok_and(|v| v.has_bigint_repr()),
    )?;
    Ok(raw(&env, obj.raw()))
}
