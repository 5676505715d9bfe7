//! Libraries: open, look up symbols, close.

use super::common::fail;
use crate::errors::ErrorCode;
use crate::{loader, thread};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// dlopen: a handle number, or ERR_FFAST_LIBRARY_NOT_FOUND with the dlerror text. `deep`:
/// `None` binds the library's references inside itself first only where the process already
/// defines them (RTLD_DEEPBIND then), `Some(true)`/`Some(false)` always/never
/// (loader/, docs/loading.md).
#[napi]
pub fn open(
    env: Env,
    path: Option<String>,
    lazy: bool,
    global: bool,
    deep: Option<bool>,
) -> Result<u32> {
    let want = match deep {
        None => loader::Deep::Auto,
        Some(true) => loader::Deep::On,
        Some(false) => loader::Deep::Off,
    };
    let lib = loader::open(path.as_deref(), lazy, global, want)
        .map_err(|(code, msg)| fail(&env, code, &msg))?;
    Ok(thread::add_library(lib))
}

/// Addresses of many symbols in one call (`null` where missing): binding a library's symbols
/// one N-API call each cost more than the binding itself.
#[napi]
pub fn symbols(env: Env, lib: u32, names: Vec<String>) -> Result<Vec<Option<f64>>> {
    let found = thread::with(|s| {
        let l = s.libs.get(&lib).and_then(|c| c.lib.as_ref())?;
        Some(
            names
                .iter()
                .map(|name| {
                    // SAFETY: only the address is taken; nothing is called here.
                    let sym = unsafe { l.get::<*const std::ffi::c_void>(name.as_bytes()) };
                    sym.ok().map(|p| *p as usize as f64).filter(|&a| a != 0.0)
                })
                .collect(),
        )
    });
    // Thrown outside `thread::with`: throwing reads the thread's state too (the error class),
    // and a borrow held here made it panic (a lazily bound definition's getter that closes the
    // library during its first read; lazy-binding.test.js).
    found.ok_or_else(|| fail(&env, ErrorCode::Closed, "library is closed"))
}
/// Close a library: its trampolines and bindings are freed, then the library is unloaded. With
/// calls on the stack or nonblocking calls in flight, that happens when the last of them
/// finishes; with `hold` (closed from inside a call, see thread::take_library), not before
/// `release_closed`.
#[napi]
pub fn close(lib: u32, hold: Option<bool>) -> bool {
    match thread::take_library(lib, hold.unwrap_or(false)) {
        thread::Taken::Missing => false,
        thread::Taken::Deferred => true,
        // Dropped here, outside the state borrow: dlclose may run library destructors.
        thread::Taken::Now(set) => {
            drop(set);
            true
        }
    }
}
/// Free the libraries `close(…, hold)` kept, once nothing uses them (index.js runs it on the
/// next turn of the event loop after such a close).
#[napi]
pub fn release_closed() {
    drop(thread::release_held());
}
