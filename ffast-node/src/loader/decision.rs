//! What a dlopen asked for ([`Deep`]) and what was decided ([`Decision`]).

/// What `dlopen`'s `deep` option asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Deep {
    /// RTLD_DEEPBIND only when a symbol of the library (or of the dependencies it brings)
    /// would bind to another copy (the default).
    Auto,
    /// Always RTLD_DEEPBIND.
    On,
    /// Never (the plain dlopen of earlier versions).
    Off,
}

/// How a library will be opened, and why.
#[derive(Debug, Default)]
pub struct Decision {
    /// Open with RTLD_DEEPBIND.
    pub deep: bool,
    /// The object was already loaded: dlopen returns it as it is (its bindings were made when
    /// it was first loaded; flags given now change nothing).
    pub loaded: bool,
    /// Symbols defined by the library or a dependency it brings, referred to by one of them,
    /// and also defined in the global scope (first few, and how many).
    pub collisions: Vec<String>,
    pub collision_count: usize,
    /// With `all` (FFAST_DEBUG=dlopen, `__internal.loadCheck`): references that RTLD_DEEPBIND
    /// would bind differently from the global scope in an already-loaded dependency
    /// (data the executable copy-relocated, such as `environ` or `std::cout`, or an
    /// interposed function): what DEEPBIND would break (first few, and how many).
    pub hazards: Vec<String>,
    pub hazard_count: usize,
    /// Objects whose symbol tables were read (the library and the dependencies it brings).
    pub objects: usize,
    /// Why the check could not run (an unreadable or non-ELF file; then no DEEPBIND).
    pub skipped: Option<String>,
}

impl Decision {
    /// The dlopen flag this decision adds.
    pub fn flag(&self) -> i32 {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        if self.deep {
            return libc::RTLD_DEEPBIND;
        }
        0
    }
}

/// Whether RTLD_DEEPBIND exists here (glibc only: musl has no such flag).
pub const DEEPBIND_SUPPORTED: bool = cfg!(all(target_os = "linux", target_env = "gnu"));
