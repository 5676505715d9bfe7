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

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod elf {
    use super::Decision;

    /// How many colliding (or hazardous) names a decision keeps, for messages.
    const KEEP: usize = 8;
    use std::collections::{HashSet, VecDeque};
    use std::ffi::CString;
    use std::path::{Path, PathBuf};

    /// Whether the loader already has this object (by path, or by soname for a bare name).
    /// RTLD_NOLOAD never loads anything; a handle it returns holds a reference, dropped here.
    pub fn is_loaded(name: &str) -> bool {
        let Ok(c) = CString::new(name) else {
            return false;
        };
        // SAFETY: RTLD_NOLOAD only looks the object up; `c` is a NUL-terminated string.
        let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
        if h.is_null() {
            return false;
        }
        // SAFETY: `h` came from the dlopen above; closing it drops only that reference.
        unsafe { libc::dlclose(h) };
        true
    }

    /// Whether the global scope defines `name` (what a RTLD_LOCAL library's reference would
    /// bind to before its own definition).
    fn global_defines(name: &str) -> bool {
        let Ok(c) = CString::new(name) else {
            return false;
        };
        // SAFETY: a lookup only; RTLD_DEFAULT is the global scope.
        !unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) }.is_null()
    }

    /// The dynamic-linking view of one ELF file: which dependencies it names, where it looks
    /// for them, which symbols it defines and which it refers to through relocations.
    struct Object {
        path: PathBuf,
        needed: Vec<String>,
        rpath: Vec<String>,
        runpath: Option<Vec<String>>,
        /// Index (into the closure) of the object whose DT_NEEDED brought this one.
        loader: Option<usize>,
        /// The file, and where its dynamic symbol and string tables are in it.
        map: Map,
        symtab: u64,
        strtab: u64,
        nsyms: u64,
        /// Indices of the symbols that relocations name, each once.
        refs: Vec<u32>,
    }

    impl Object {
        fn bytes(&self) -> Bytes<'_> {
            Bytes(self.map.bytes())
        }

        /// Symbol `i`: (name, info, other, section index).
        fn sym(&self, i: u64) -> Option<(&str, u8, u8, u16)> {
            let b = self.bytes();
            let s = self.symtab.checked_add(i.checked_mul(SYM)?)?;
            let name = b.str(self.strtab.checked_add(u64::from(b.u32(s)?))?)?;
            Some((name, b.u8(s + 4)?, b.u8(s + 5)?, b.u16(s + 6)?))
        }

        /// Names this object defines for others: global (strong), default-visibility
        /// definitions. Weak and unique definitions (C++ vague linkage: template
        /// instantiations, inline functions, typeinfo) are meant to be merged with the
        /// process's copy; protected ones always bind inside the object.
        fn defined(&self) -> impl Iterator<Item = &str> {
            (1..self.nsyms).filter_map(move |i| {
                let (name, info, other, shndx) = self.sym(i)?;
                (shndx != SHN_UNDEF
                    && shndx != SHN_ABS
                    && (other & 3) != STV_PROTECTED
                    && info >> 4 == STB_GLOBAL)
                    .then_some(name)
            })
        }

        /// Names the object's relocations refer to.
        fn referenced(&self) -> impl Iterator<Item = &str> {
            self.refs
                .iter()
                .filter_map(move |&i| self.sym(u64::from(i)).map(|s| s.0))
        }
    }

    pub fn collisions(path: &str, all: bool) -> Decision {
        let mut d = Decision::default();
        let first = if path.contains('/') {
            Some(PathBuf::from(path))
        } else {
            // dlopen searches for a bare name from the caller's view (this addon has no
            // RPATH/RUNPATH): LD_LIBRARY_PATH, ld.so.cache, the system directories.
            search(path, &[], None)
        };
        let Some(first) = first else {
            d.skipped = Some(format!("'{path}' not found by ffast's search"));
            return d;
        };
        let mut objs: Vec<Object> = Vec::new();
        let mut queue = VecDeque::from([(first, None::<usize>)]);
        let mut seen: HashSet<String> = HashSet::new();
        let mut loaded_deps: Vec<String> = Vec::new();
        while let Some((p, loader)) = queue.pop_front() {
            let Some(mut o) = read(&p) else {
                if objs.is_empty() {
                    d.skipped = Some(format!(
                        "'{}' is not a readable ELF object for this machine",
                        p.display()
                    ));
                    return d;
                }
                continue;
            };
            o.loader = loader;
            let me = objs.len();
            for n in &o.needed {
                if !seen.insert(n.clone()) {
                    continue;
                }
                if is_loaded(n) {
                    loaded_deps.push(n.clone());
                    continue;
                }
                if let Some(found) = resolve(n, &o, &objs) {
                    queue.push_back((found, Some(me)));
                }
            }
            objs.push(o);
        }
        d.objects = objs.len();
        // Only names both defined and referenced can collide: the (usually few) referenced
        // names are hashed first and the defined ones only looked up in that set. Hashing
        // every definition (1,000 in a header-sized library) was most of a dlopen's time:
        // ~75 of ~110 µs for 1,000 exported functions with no references.
        // `hazards` needs every definition.
        let referenced: HashSet<&str> = objs.iter().flat_map(Object::referenced).collect();
        let defined: HashSet<&str> = if all {
            objs.iter().flat_map(Object::defined).collect()
        } else if referenced.is_empty() {
            HashSet::new()
        } else {
            // A bit per name length (mod 64) of the referenced names: most definitions are
            // ruled out by their length without being hashed.
            let lens = referenced.iter().fold(0u64, |m, n| m | 1 << (n.len() % 64));
            objs.iter()
                .flat_map(Object::defined)
                .filter(|n| lens & 1 << (n.len() % 64) != 0 && referenced.contains(n))
                .collect()
        };
        let mut checked: HashSet<&str> = HashSet::new();
        for name in objs.iter().flat_map(Object::referenced) {
            if !defined.contains(name) || !checked.insert(name) {
                continue;
            }
            if global_defines(name) {
                d.collision_count += 1;
                if d.collisions.len() < KEEP {
                    d.collisions.push(name.to_string());
                }
                // One collision decides; FFAST_DEBUG=dlopen counts them all.
                if !all {
                    break;
                }
            }
        }
        d.deep = d.collision_count > 0;
        if all {
            hazards(&objs, &defined, &loaded_deps, &mut d);
        }
        d
    }

    /// Whether `addr` (a global-scope lookup's answer) is the executable's canonical PLT entry
    /// for a function it imports: a non-PIE executable that takes a function's address gets
    /// an undefined symbol with a value, and lookups answer with that stub, which jumps to
    /// the same function the dependency defines. Not a different copy.
    fn plt_stub(addr: *mut libc::c_void) -> bool {
        const RTLD_DL_SYMENT: libc::c_int = 1;
        // SAFETY: zeroed plain C structs, filled by dladdr1.
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        let mut sym: *mut libc::c_void = std::ptr::null_mut();
        // SAFETY: a lookup of an address; `sym` receives a pointer into the object's own
        // symbol table, read below while the object stays loaded (it is the executable or a
        // dependency of a loaded object).
        let found = unsafe { libc::dladdr1(addr, &mut info, &mut sym, RTLD_DL_SYMENT) } != 0;
        if !found || sym.is_null() {
            return false;
        }
        // SAFETY: as above: an Elf64_Sym of a loaded object (this module is ELF64-only).
        let sym = unsafe { &*sym.cast::<libc::Elf64_Sym>() };
        sym.st_shndx == SHN_UNDEF
    }

    /// The references of the new objects to symbols they do not define whose global-scope
    /// definition differs from the one the first already-loaded dependency (in the loader's
    /// breadth-first order) that defines them gives: what RTLD_DEEPBIND binds differently.
    fn hazards(objs: &[Object], defined: &HashSet<&str>, deps: &[String], d: &mut Decision) {
        let handles: Vec<*mut libc::c_void> = deps
            .iter()
            .filter_map(|n| CString::new(n.as_str()).ok())
            // SAFETY: RTLD_NOLOAD only returns objects already loaded; each is closed below.
            .map(|c| unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD) })
            .filter(|h| !h.is_null())
            .collect();
        let mut seen: HashSet<&str> = HashSet::new();
        for name in objs.iter().flat_map(Object::referenced) {
            if defined.contains(name) || !seen.insert(name) {
                continue;
            }
            let Ok(c) = CString::new(name) else { continue };
            // SAFETY: lookups only, in the global scope and in live handles.
            let global = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
            let local = handles
                .iter()
                // SAFETY: as above.
                .map(|&h| unsafe { libc::dlsym(h, c.as_ptr()) })
                .find(|p| !p.is_null());
            if let Some(local) = local {
                if !global.is_null() && local != global && !plt_stub(global) {
                    d.hazard_count += 1;
                    if d.hazards.len() < KEEP {
                        d.hazards.push(name.to_string());
                    }
                }
            }
        }
        for h in handles {
            // SAFETY: each handle came from the dlopen above and is closed once.
            unsafe { libc::dlclose(h) };
        }
    }

    /// Where the loader would find DT_NEEDED `name` of `o` (glibc's order: DT_RPATH of `o`
    /// and of the objects that loaded it, unless `o` has DT_RUNPATH; LD_LIBRARY_PATH;
    /// DT_RUNPATH of `o`; ld.so.cache; the system directories).
    fn resolve(name: &str, o: &Object, objs: &[Object]) -> Option<PathBuf> {
        if name.contains('/') {
            return Some(PathBuf::from(name));
        }
        let mut rpaths: Vec<(String, &Path)> = Vec::new();
        if o.runpath.is_none() {
            let mut cur = Some(o);
            while let Some(x) = cur {
                rpaths.extend(x.rpath.iter().map(|r| (r.clone(), x.path.as_path())));
                cur = x.loader.map(|i| &objs[i]);
            }
        }
        let runpath = o.runpath.as_ref().map(|r| (r.as_slice(), o.path.as_path()));
        search(name, &rpaths, runpath)
    }

    fn search(
        name: &str,
        rpaths: &[(String, &Path)],
        runpath: Option<(&[String], &Path)>,
    ) -> Option<PathBuf> {
        let try_dir = |dir: &str, origin: Option<&Path>| -> Option<PathBuf> {
            let dir = expand(dir, origin)?;
            let p = Path::new(&dir).join(name);
            is_elf_for_us(&p).then_some(p)
        };
        for (r, origin) in rpaths {
            if let Some(p) = try_dir(r, Some(origin)) {
                return Some(p);
            }
        }
        if let Ok(lp) = std::env::var("LD_LIBRARY_PATH") {
            for dir in lp.split([':', ';']).filter(|s| !s.is_empty()) {
                if let Some(p) = try_dir(dir, None) {
                    return Some(p);
                }
            }
        }
        if let Some((dirs, origin)) = runpath {
            for dir in dirs {
                if let Some(p) = try_dir(dir, Some(origin)) {
                    return Some(p);
                }
            }
        }
        if let Some(p) = cache::lookup(name).filter(|p| is_elf_for_us(p)) {
            return Some(p);
        }
        SYSTEM_DIRS.iter().find_map(|d| try_dir(d, None))
    }

    #[cfg(target_arch = "x86_64")]
    const SYSTEM_DIRS: &[&str] = &[
        "/lib/x86_64-linux-gnu",
        "/usr/lib/x86_64-linux-gnu",
        "/lib64",
        "/usr/lib64",
        "/lib",
        "/usr/lib",
    ];
    #[cfg(target_arch = "aarch64")]
    const SYSTEM_DIRS: &[&str] = &[
        "/lib/aarch64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/lib64",
        "/usr/lib64",
        "/lib",
        "/usr/lib",
    ];
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    const SYSTEM_DIRS: &[&str] = &["/lib", "/usr/lib"];

    /// `$ORIGIN` (the directory of the object naming the path) expanded; a path with another
    /// dynamic string token (`$LIB`, `$PLATFORM`) is not followed.
    fn expand(dir: &str, origin: Option<&Path>) -> Option<String> {
        if !dir.contains('$') {
            return Some(dir.to_string());
        }
        let o = origin?.parent()?.to_str()?;
        let s = dir.replace("${ORIGIN}", o).replace("$ORIGIN", o);
        (!s.contains('$')).then_some(s)
    }

    #[cfg(target_arch = "x86_64")]
    const MACHINE: u16 = 62; // EM_X86_64
    #[cfg(target_arch = "aarch64")]
    const MACHINE: u16 = 183; // EM_AARCH64
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    const MACHINE: u16 = 0;

    /// Whether `p` is an ELF64 little-endian file for this machine (the loader skips others
    /// of the same name and keeps searching).
    fn is_elf_for_us(p: &Path) -> bool {
        use std::io::Read;
        let mut h = [0u8; 20];
        std::fs::File::open(p)
            .and_then(|mut f| f.read_exact(&mut h))
            .is_ok()
            && header_ok(&h)
    }

    fn header_ok(h: &[u8]) -> bool {
        h.len() >= 20
            && h[..4] == *b"\x7fELF"
            && h[4] == 2
            && h[5] == 1
            && u16::from_le_bytes([h[18], h[19]]) == MACHINE
    }

    /// A read-only private mapping of a whole file.
    struct Map {
        ptr: *mut libc::c_void,
        len: usize,
    }

    impl Map {
        fn new(p: &Path) -> Option<Map> {
            use std::os::fd::AsRawFd;
            let f = std::fs::File::open(p).ok()?;
            let len = usize::try_from(f.metadata().ok()?.len()).ok()?;
            if len < 64 {
                return None;
            }
            // SAFETY: a fresh read-only private mapping of an open file; nothing else owns
            // the range. The file may change under us like under the loader's own mapping
            // (a truncation would fault in either).
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    f.as_raw_fd(),
                    0,
                )
            };
            (ptr != libc::MAP_FAILED).then_some(Map { ptr, len })
        }

        fn bytes(&self) -> &[u8] {
            if self.ptr.is_null() {
                return &[];
            }
            // SAFETY: the mapping is `len` readable bytes and lives as long as `self`.
            unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
        }
    }

    impl Drop for Map {
        fn drop(&mut self) {
            if self.ptr.is_null() {
                return;
            }
            // SAFETY: unmaps exactly the mapping `new` made; no reference into it outlives
            // `self` (`bytes` borrows it).
            unsafe { libc::munmap(self.ptr, self.len) };
        }
    }

    /// Bounds-checked little-endian reads: a malformed file gives `None`, never a fault.
    struct Bytes<'a>(&'a [u8]);

    impl<'a> Bytes<'a> {
        fn u8(&self, at: u64) -> Option<u8> {
            self.0.get(usize::try_from(at).ok()?).copied()
        }
        fn u16(&self, at: u64) -> Option<u16> {
            let a = usize::try_from(at).ok()?;
            Some(u16::from_le_bytes(
                self.0.get(a..a.checked_add(2)?)?.try_into().ok()?,
            ))
        }
        fn u32(&self, at: u64) -> Option<u32> {
            let a = usize::try_from(at).ok()?;
            Some(u32::from_le_bytes(
                self.0.get(a..a.checked_add(4)?)?.try_into().ok()?,
            ))
        }
        fn u64(&self, at: u64) -> Option<u64> {
            let a = usize::try_from(at).ok()?;
            Some(u64::from_le_bytes(
                self.0.get(a..a.checked_add(8)?)?.try_into().ok()?,
            ))
        }
        /// The NUL-terminated string at `at` (None if unterminated or not UTF-8).
        fn str(&self, at: u64) -> Option<&'a str> {
            let a = usize::try_from(at).ok()?;
            let rest: &'a [u8] = self.0.get(a..)?;
            let end = rest.iter().position(|&b| b == 0)?;
            std::str::from_utf8(&rest[..end]).ok()
        }
    }

    const PT_LOAD: u32 = 1;
    const PT_DYNAMIC: u32 = 2;
    const DT_NULL: u64 = 0;
    const DT_NEEDED: u64 = 1;
    const DT_PLTRELSZ: u64 = 2;
    const DT_HASH: u64 = 4;
    const DT_STRTAB: u64 = 5;
    const DT_SYMTAB: u64 = 6;
    const DT_RELA: u64 = 7;
    const DT_RELASZ: u64 = 8;
    const DT_RPATH: u64 = 15;
    const DT_REL: u64 = 17;
    const DT_RELSZ: u64 = 18;
    const DT_PLTREL: u64 = 20;
    const DT_JMPREL: u64 = 23;
    const DT_RUNPATH: u64 = 29;
    const DT_GNU_HASH: u64 = 0x6fff_fef5;
    /// Elf64_Sym, Elf64_Rela and Elf64_Rel sizes.
    const SYM: u64 = 24;
    const RELA: u64 = 24;
    const REL: u64 = 16;
    const STB_GLOBAL: u8 = 1;
    const SHN_UNDEF: u16 = 0;
    const SHN_ABS: u16 = 0xfff1;
    const STV_PROTECTED: u8 = 3;

    fn read(p: &Path) -> Option<Object> {
        let map = Map::new(p)?;
        let o = parse(&Bytes(map.bytes()), p)?;
        Some(Object { map, ..o })
    }

    /// An [`Object`] (its `map` left empty for the caller to fill) from the file's bytes.
    fn parse(b: &Bytes, p: &Path) -> Option<Object> {
        if !header_ok(b.0) {
            return None;
        }
        let phoff = b.u64(0x20)?;
        let phentsize = u64::from(b.u16(0x36)?);
        let phnum = u64::from(b.u16(0x38)?);
        let mut loads = Vec::new();
        let mut dynamic = None;
        for i in 0..phnum {
            let ph = phoff.checked_add(i.checked_mul(phentsize)?)?;
            let (ty, off, vaddr, filesz) =
                (b.u32(ph)?, b.u64(ph + 8)?, b.u64(ph + 16)?, b.u64(ph + 32)?);
            match ty {
                PT_LOAD => loads.push((vaddr, filesz, off)),
                PT_DYNAMIC => dynamic = Some((off, filesz)),
                _ => {}
            }
        }
        // A virtual address of the file's image → its offset in the file.
        let at = |va: u64| -> Option<u64> {
            loads
                .iter()
                .find(|&&(v, sz, _)| va >= v && va - v < sz)
                .map(|&(v, _, off)| off + (va - v))
        };
        let (dyn_off, dyn_size) = dynamic?;
        let mut tags: Vec<(u64, u64)> = Vec::new();
        for i in 0..dyn_size / 16 {
            let e = dyn_off + i * 16;
            let tag = b.u64(e)?;
            if tag == DT_NULL {
                break;
            }
            tags.push((tag, b.u64(e + 8)?));
        }
        let one = |t: u64| tags.iter().find(|e| e.0 == t).map(|e| e.1);
        let strtab = at(one(DT_STRTAB)?)?;
        let symtab = at(one(DT_SYMTAB)?)?;
        let name = |off: u64| b.str(strtab.checked_add(off)?).map(str::to_string);
        let list = |t: u64| -> Vec<String> {
            tags.iter()
                .filter(|e| e.0 == t)
                .filter_map(|e| name(e.1))
                .collect()
        };
        let paths = |t: u64| -> Vec<String> {
            list(t)
                .iter()
                .flat_map(|s| s.split(':').map(str::to_string))
                .filter(|s| !s.is_empty())
                .collect()
        };
        let needed = list(DT_NEEDED);
        let rpath = paths(DT_RPATH);
        let runpath = tags
            .iter()
            .any(|e| e.0 == DT_RUNPATH)
            .then(|| paths(DT_RUNPATH));

        let nsyms = match one(DT_GNU_HASH).and_then(at) {
            Some(h) => gnu_hash_count(b, h)?,
            None => u64::from(b.u32(at(one(DT_HASH)?)? + 4)?),
        };
        // Every symbol a relocation names (RELA or REL, the PLT's included): these are the
        // references the loader resolves through the scopes.
        let mut seen = vec![false; usize::try_from(nsyms).ok()?];
        let mut refs = Vec::new();
        let mut relocs = |start: Option<u64>, size: Option<u64>, ent: u64| -> Option<()> {
            let (Some(start), Some(size)) = (start.and_then(at), size) else {
                return Some(());
            };
            for i in 0..size / ent {
                let s = b.u64(start.checked_add(i * ent)?.checked_add(8)?)? >> 32;
                if let Some(f) = seen.get_mut(usize::try_from(s).ok()?) {
                    if s != 0 && !*f {
                        *f = true;
                        refs.push(u32::try_from(s).ok()?);
                    }
                }
            }
            Some(())
        };
        relocs(one(DT_RELA), one(DT_RELASZ), RELA)?;
        relocs(one(DT_REL), one(DT_RELSZ), REL)?;
        let plt_ent = if one(DT_PLTREL) == Some(DT_REL) {
            REL
        } else {
            RELA
        };
        relocs(one(DT_JMPREL), one(DT_PLTRELSZ), plt_ent)?;
        let map = Map {
            ptr: std::ptr::null_mut(),
            len: 0,
        };
        Some(Object {
            path: p.to_path_buf(),
            needed,
            rpath,
            runpath,
            loader: None,
            map,
            symtab,
            strtab,
            nsyms,
            refs,
        })
    }

    /// The number of dynamic symbols from a DT_GNU_HASH table: one past the last index its
    /// chains reach (the table does not store the count).
    fn gnu_hash_count(b: &Bytes, h: u64) -> Option<u64> {
        let nbuckets = u64::from(b.u32(h)?);
        let symoffset = u64::from(b.u32(h + 4)?);
        let bloom_size = u64::from(b.u32(h + 8)?);
        let buckets = h + 16 + bloom_size * 8;
        let chains = buckets + nbuckets * 4;
        let mut last = 0u64;
        for i in 0..nbuckets {
            last = last.max(u64::from(b.u32(buckets + i * 4)?));
        }
        if last < symoffset {
            return Some(symoffset);
        }
        // Walk the last bucket's chain to its end (the entry with the low bit set).
        loop {
            let v = b.u32(chains + (last - symoffset) * 4)?;
            if v & 1 == 1 {
                return Some(last + 1);
            }
            last += 1;
        }
    }

    /// /etc/ld.so.cache ("glibc-ld.so.cache1.1" format, which ldconfig writes since glibc
    /// 2.32; older files also start with it after an old-format block), read once.
    mod cache {
        use std::path::PathBuf;
        use std::sync::OnceLock;

        #[cfg(target_arch = "x86_64")]
        const ARCH: i32 = 0x0300; // FLAG_X8664_LIB64
        #[cfg(target_arch = "aarch64")]
        const ARCH: i32 = 0x0a00; // FLAG_AARCH64_LIB64
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        const ARCH: i32 = -1;
        const FLAG_ELF_LIBC6: i32 = 0x0003;
        const NEW: &[u8] = b"glibc-ld.so.cache1.1";
        const OLD: &[u8] = b"ld.so-1.7.0";

        pub fn lookup(name: &str) -> Option<PathBuf> {
            static CACHE: OnceLock<Vec<(String, String)>> = OnceLock::new();
            CACHE
                .get_or_init(|| {
                    std::fs::read("/etc/ld.so.cache")
                        .ok()
                        .and_then(|f| parse(&f))
                        .unwrap_or_default()
                })
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| PathBuf::from(v))
        }

        fn parse(f: &[u8]) -> Option<Vec<(String, String)>> {
            let u32_at = |a: usize| {
                f.get(a..a + 4)
                    .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            };
            let mut base = 0usize;
            if f.starts_with(OLD) {
                // Old header: magic[11], nlibs (u32 at 12), then 12-byte entries; the new
                // table follows, 8-aligned.
                let n = usize::try_from(u32_at(12)?).ok()?;
                base = (16 + n.checked_mul(12)? + 7) & !7;
            }
            if f.get(base..base + NEW.len())? != NEW {
                return None;
            }
            let n = usize::try_from(u32_at(base + 20)?).ok()?;
            let text = |off: u32| -> Option<String> {
                let a = base.checked_add(usize::try_from(off).ok()?)?;
                let rest = f.get(a..)?;
                let end = rest.iter().position(|&c| c == 0)?;
                String::from_utf8(rest[..end].to_vec()).ok()
            };
            let mut out = Vec::new();
            for i in 0..n {
                let e = base + 48 + i * 24;
                let flags = u32_at(e)? as i32;
                if flags & 0xff != FLAG_ELF_LIBC6 || flags & 0xff00 != ARCH {
                    continue;
                }
                if let (Some(k), Some(v)) = (text(u32_at(e + 4)?), text(u32_at(e + 8)?)) {
                    out.push((k, v));
                }
            }
            Some(out)
        }
    }
}
