//! How a library opened by path binds its own references (docs/loading.md).
//!
//! On glibc a library opened with RTLD_LOCAL resolves each symbol reference in the *global*
//! scope first (the executable, its dependencies, RTLD_GLOBAL libraries) and only then in its
//! own. The node executable exports the zlib, OpenSSL, libuv, brotli, nghttp2 and ICU it
//! bundles, so Debian's libz.so.1 calling its own `deflateInit2_` through its PLT gets node's
//! copy, whose `z_stream` internals differ: a crash or wrong output. RTLD_DEEPBIND puts the
//! library's own scope (itself, then its dependencies) first.
//!
//! DEEPBIND has costs of its own (docs/loading.md §3): it also puts the library's dependencies
//! that are *already loaded* (libc, libstdc++) ahead of the executable, so the library sees
//! those libraries' original copies of data the executable copy-relocated (`environ`,
//! `std::cout`, …) and bypasses interposers (LD_PRELOAD'ed malloc, sanitizers). So by default
//! it is used only where it changes a binding: [`collisions`] reads the dynamic symbol tables
//! of the library and of the dependencies that this dlopen would load, and lists the symbols
//! those objects both define and refer to (through a relocation) that the global scope already
//! defines. None: a plain dlopen, exactly as before. Any: RTLD_DEEPBIND.

use crate::errors::ErrorCode;

mod decision;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod elf;

pub use decision::{Decision, Deep, DEEPBIND_SUPPORTED};

/// Decide how to open `path` (a file name as dlopen takes it).
pub fn decide(path: &str, want: Deep) -> Decision {
    decide_with(path, want, debug())
}

/// [`decide`], counting every collision (and the hazards) when `all`.
pub fn decide_with(path: &str, want: Deep, all: bool) -> Decision {
    // Elsewhere there is no RTLD_DEEPBIND (musl), or no need for it (macOS, Windows).
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = (path, want, all);
        Decision::default()
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let loaded = elf::is_loaded(path);
        match want {
            Deep::Off => Decision {
                loaded,
                ..Decision::default()
            },
            Deep::On => Decision {
                deep: true,
                loaded,
                ..Decision::default()
            },
            // Already loaded: its references were bound when it was loaded, a flag now is
            // ignored by the loader (docs/loading.md §4); nothing to decide.
            Deep::Auto if loaded => Decision {
                loaded,
                ..Decision::default()
            },
            Deep::Auto => elf::collisions(path, all),
        }
    }
}

/// `FFAST_DEBUG=dlopen`: print each decision (and its time) to stderr.
pub fn debug() -> bool {
    crate::config::get().debug_dlopen
}

/// Open the library at `path` (`None`: the process itself) with dlopen's `lazy` and `global`
/// and the `deep` binding `want` asks for (decided by [`decide`]); the error code and message
/// for JS when it cannot be opened.
pub fn open(
    path: Option<&str>,
    lazy: bool,
    global: bool,
    want: Deep,
) -> Result<libloading::Library, (ErrorCode, String)> {
    // Only glibc has RTLD_DEEPBIND. macOS (two-level namespaces) and Windows (imports name
    // their DLL) already bind a library's references to the libraries it was linked with, so
    // `deep: true` holds there as is; elsewhere (musl) it cannot be had.
    if want == Deep::On && !DEEPBIND_SUPPORTED && cfg!(all(unix, not(target_vendor = "apple"))) {
        return Err((
            ErrorCode::Unsupported,
            "dlopen: deep: true needs RTLD_DEEPBIND, which only glibc has".to_string(),
        ));
    }
    let lib = {
        #[cfg(unix)]
        {
            use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL, RTLD_NOW};
            let mut flags = (if lazy { RTLD_LAZY } else { RTLD_NOW })
                | if global { RTLD_GLOBAL } else { RTLD_LOCAL };
            if let Some(p) = path {
                let t0 = std::time::Instant::now();
                let d = decide(p, want);
                flags |= d.flag();
                if debug() {
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
            match path {
                // SAFETY: loading a library runs its initialisers; that is what the user asked for.
                Some(p) => unsafe { Library::open(Some(p), flags) }.map(libloading::Library::from),
                None => Ok(libloading::Library::from(Library::this())),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (lazy, global);
            // SAFETY: as above.
            unsafe { libloading::Library::new(path.unwrap_or_default()) }
        }
    };
    lib.map_err(|e| {
        (
            ErrorCode::LibraryNotFound,
            format!("cannot open library '{}': {e}", path.unwrap_or("<process>")),
        )
    })
}
