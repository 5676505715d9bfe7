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
