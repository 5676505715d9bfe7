//! Libraries: open, look up symbols, close.

use super::common::fail;
use crate::errors::ErrorCode;
use crate::{binding, loader, thread};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// dlopen: a handle number, or ERR_FFAST_LIBRARY_NOT_FOUND with the dlerror text. `deep`:
/// `None` binds the library's references inside itself first only where the process already
/// defines them (RTLD_DEEPBIND then), `Some(true)`/`Some(false)` always/never
/// (loader.rs, docs/loading.md).
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
    // Only glibc has RTLD_DEEPBIND. macOS (two-level namespaces) and Windows (imports name
    // their DLL) already bind a library's references to the libraries it was linked with, so
    // `deep: true` holds there as is; elsewhere (musl) it cannot be had.
    if want == loader::Deep::On
        && !loader::DEEPBIND_SUPPORTED
        && cfg!(all(unix, not(target_vendor = "apple")))
    {
        return Err(fail(
            &env,
            ErrorCode::Unsupported,
            "dlopen: deep: true needs RTLD_DEEPBIND, which only glibc has",
        ));
    }
    let lib = {
        #[cfg(unix)]
        {
            use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL, RTLD_NOW};
            let mut flags = (if lazy { RTLD_LAZY } else { RTLD_NOW })
                | if global { RTLD_GLOBAL } else { RTLD_LOCAL };
            if let Some(p) = &path {
                let t0 = std::time::Instant::now();
                let d = loader::decide(p, want);
                flags |= d.flag();
                if loader::debug() {
                    eprintln!(
                        "ffast dlopen '{p}': deep={} (asked {want:?}; {} object(s) read, {} collision(s){}, {} hazard(s){}{}{}; decided in {:.0} us)",
                        d.deep,
                        d.objects,
                        d.collision_count,
                        if d.collisions.is_empty() { String::new() } else { format!(": {}", d.collisions.join(" ")) },
                        d.hazard_count,
                        if d.hazards.is_empty() { String::new() } else { format!(": {}", d.hazards.join(" ")) },
                        if d.loaded { "; already loaded: its bindings stay as they are" } else { "" },
                        d.skipped.as_deref().map(|s| format!("; check skipped: {s}")).unwrap_or_default(),
                        t0.elapsed().as_secs_f64() * 1e6
                    );
                }
            }
            match &path {
                // SAFETY: loading a library runs its initialisers; that is what the user asked for.
                Some(p) => unsafe { Library::open(Some(p), flags) }.map(libloading::Library::from),
                None => Ok(libloading::Library::from(Library::this())),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (lazy, global);
            // SAFETY: as above.
            unsafe { libloading::Library::new(path.as_deref().unwrap_or_default()) }
        }
    };
    let lib = lib.map_err(|e| {
        fail(
            &env,
            ErrorCode::LibraryNotFound,
            &format!(
                "cannot open library '{}': {e}",
                path.as_deref().unwrap_or("<process>")
            ),
        )
    })?;
    Ok(thread::with(|s| {
        let id = s.next_lib;
        s.next_lib += 1;
        s.libs.insert(
            id,
            binding::CodeSet {
                arena: ffast_core::jit::Arena::new(),
                bindings: Vec::new(),
                lib: Some(lib),
            },
        );
        id
    }))
}
/// Addresses of many symbols in one call (`null` where missing): binding a library's symbols
/// one N-API call each cost more than the binding itself.
#[napi]
pub fn symbols(env: Env, lib: u32, names: Vec<String>) -> Result<Vec<Option<f64>>> {
    thread::with(|s| {
        let l = s
            .libs
            .get(&lib)
            .and_then(|c| c.lib.as_ref())
            .ok_or_else(|| fail(&env, ErrorCode::Closed, "library is closed"))?;
        Ok(names
            .iter()
            .map(|name| {
                // SAFETY: only the address is taken; nothing is called here.
                let sym = unsafe { l.get::<*const std::ffi::c_void>(name.as_bytes()) };
                sym.ok().map(|p| *p as usize as f64).filter(|&a| a != 0.0)
            })
            .collect())
    })
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
