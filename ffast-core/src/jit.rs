//! JIT memory: code is written into read-write pages, then the pages are sealed read-execute.
//! A page is never writable and executable at once (W^X), and a sealed page is never written
//! again, so no thread can ever execute a half-written trampoline.
//!
//! An [`Arena`] packs many small trampolines into each page and returns its pages to the OS
//! when dropped (ffast drops a library's arena when the library is closed).

use crate::Error;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Code placed in an arena: its address is fixed from the moment it is written; it may be
/// executed only after [`Arena::seal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeAddr(pub usize);

struct Page {
    base: NonNull<u8>,
    len: usize,
    used: usize,
    sealed: bool,
}

/// A set of pages owned by one library (or one bound function).
pub struct Arena {
    pages: Vec<Page>,
}

// SAFETY: an Arena only holds addresses of pages it mapped itself; moving it between threads
// moves that ownership (ffast creates and drops arenas on the JS thread of their isolate).
unsafe impl Send for Arena {}

/// Trampolines start on a 16-byte boundary (the instruction fetch unit; also keeps code
/// addresses tidy in listings).
const CODE_ALIGN: usize = 16;

/// The system's page size (the unit of mapping and protection).
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

impl Default for Arena {
    fn default() -> Self {
        Self::new()
    }
}

impl Arena {
    pub fn new() -> Arena {
        Arena { pages: Vec::new() }
    }

    /// Copy `code` into writable memory and return where it will live. The code must not be
    /// run before [`seal`](Self::seal).
    pub fn write(&mut self, code: &[u8]) -> Result<CodeAddr, Error> {
        if code.is_empty() {
            return Err(Error::Jit("empty code".into()));
        }
        let need = code.len();
        let fits = |p: &Page| !p.sealed && align_up(p.used, CODE_ALIGN) + need <= p.len;
        if !self.pages.last().is_some_and(fits) {
            let ps = page_size();
            self.pages.push(map_rw(align_up(need, ps))?);
        }
        let page = self.pages.last_mut().expect("a page was just ensured");
        let at = align_up(page.used, CODE_ALIGN);
        let _writable = apple::WriteWindow::open();
        // SAFETY: the page is writable by this thread (mapped read-write, or MAP_JIT with this
        // thread's write window open), `at + need <= len` was checked above, and the source
        // slice cannot overlap freshly mapped memory.
        unsafe {
            std::ptr::copy_nonoverlapping(code.as_ptr(), page.base.as_ptr().add(at), need);
        }
        page.used = at + need;
        Ok(CodeAddr(page.base.as_ptr() as usize + at))
    }

    /// Make every written page read-execute (and flush the instruction cache where the ISA
    /// needs it). Later writes go to fresh pages.
    pub fn seal(&mut self) -> Result<(), Error> {
        for p in self.pages.iter_mut().filter(|p| !p.sealed) {
            let rc = if apple::MAP_JIT_PAGES {
                // MAP_JIT memory is switched between writable and executable per thread
                // (pthread_jit_write_protect_np), never both; it is not mprotect'ed.
                0
            } else {
                // SAFETY: base/len describe a mapping this arena created with mmap.
                unsafe {
                    libc::mprotect(
                        p.base.as_ptr().cast(),
                        p.len,
                        libc::PROT_READ | libc::PROT_EXEC,
                    )
                }
            };
            if rc != 0 {
                return Err(Error::Jit(format!(
                    "mprotect(PROT_READ|PROT_EXEC) failed: {} (executable memory denied by the system?)",
                    std::io::Error::last_os_error()
                )));
            }
            flush_icache(p.base.as_ptr(), p.used);
            p.sealed = true;
        }
        Ok(())
    }

    /// OS pages mapped (for diagnostics and tests).
    pub fn pages(&self) -> usize {
        let ps = page_size();
        self.pages.iter().map(|p| p.len / ps).sum()
    }

    /// Make room for `codes` in one mapping, so that writing them costs one `mmap` rather than
    /// one per page (binding a library's 1,000 symbols mapped ~30 pages one by one, which was a
    /// fifth of the declare time). The following [`write`](Self::write)s of the same codes fill it.
    pub fn reserve<'a>(&mut self, codes: impl IntoIterator<Item = &'a [u8]>) -> Result<(), Error> {
        let need: usize = codes
            .into_iter()
            .map(|c| align_up(c.len(), CODE_ALIGN))
            .sum();
        let free = self
            .pages
            .last()
            .filter(|p| !p.sealed)
            .map_or(0, |p| p.len.saturating_sub(align_up(p.used, CODE_ALIGN)));
        if need > free {
            self.pages.push(map_rw(align_up(need, page_size()))?);
        }
        Ok(())
    }

    /// Take over `other`'s pages (they are returned with this arena's): a library bound in more
    /// than one batch keeps all its code in one arena. Pages keep their state; a sealed page
    /// stays sealed and is never written again.
    pub fn absorb(&mut self, mut other: Arena) {
        // The last page of `self` stays last if it can still be written, so writes keep
        // filling it rather than opening a page while one is half empty.
        let open = match self.pages.last() {
            Some(p) if !p.sealed => self.pages.pop(),
            _ => None,
        };
        self.pages.append(&mut other.pages);
        self.pages.extend(open);
    }

    /// Whether `addr` lies in a sealed (executable) page of this arena.
    pub fn is_sealed(&self, addr: CodeAddr) -> bool {
        self.pages.iter().any(|p| {
            let b = p.base.as_ptr() as usize;
            p.sealed && addr.0 >= b && addr.0 < b + p.len
        })
    }
}

impl Drop for Arena {
    /// Returns the pages, each run of adjacent ones with one `munmap`: a lazily bound library
    /// takes a pooled page per batch, consecutive pages of one pool mapping, and unmapping them
    /// one by one split that mapping every time: ~3.5 µs per page, against ~0.55 µs per page
    /// for a run of 16 (x86-64 Linux, one core). A range made only of this arena's pages may
    /// span several mappings (pages of different protections); munmap takes any such range.
    fn drop(&mut self) {
        let mut ranges: Vec<(usize, usize)> = self
            .pages
            .iter()
            .map(|p| (p.base.as_ptr() as usize, p.len))
            .collect();
        ranges.sort_unstable();
        let mut i = 0;
        while i < ranges.len() {
            let (start, mut len) = ranges[i];
            i += 1;
            while i < ranges.len() && ranges[i].0 == start + len {
                len += ranges[i].1;
                i += 1;
            }
            #[cfg(test)]
            tests::UNMAPPED.with(|u| u.borrow_mut().push((start, len)));
            // SAFETY: [start, start + len) is exactly a union of adjacent pages this arena
            // mapped (each by map_rw, with its length) and owns alone; nothing in ffast keeps a
            // callable reference to arena code after the owner (library) is closed.
            unsafe {
                libc::munmap(start as *mut libc::c_void, len);
            }
        }
    }
}

/// A pool of *stubs*: tiny identical pieces of code, each of which loads a context word into a
/// scratch register and jumps to a target address, both read from the stub's own slot in a
/// data page next to the code. The code pages are written once and sealed once, when a chunk
/// is mapped; giving a stub a target and a context, or taking them back, writes only its data
/// slot, which is never executable. So one code page serves many stubs (255 per pair of 4 KiB
/// pages) without ever writing executable memory again.
///
/// Meant for code that differs per instance only by a pointer, such as callback entries: with
/// one entry body per signature that reads its context from the stub's scratch register, a
/// callback costs a 16-byte stub and a 16-byte slot instead of a page of its own.
///
/// The scratch register (where the target finds the context):
/// - x86-64: `r10`. The SysV psABI passes no argument in it (it is the static chain pointer)
///   and a callee may clobber it (§3.2.1, Figure 3.4).
/// - arm64: `x17` (IP1). AAPCS64 reserves IP0/IP1 for code between a call and its callee
///   (veneers, PLT stubs), which is what a stub is; the stub jumps through `x16` (IP0).
///
/// A freed slot points at a trap instruction, so a call through a stub after its owner freed
/// it stops the process there (SIGILL / SIGTRAP) instead of running a stale target.
pub struct StubPool {
    chunks: Vec<StubChunk>,
    /// Free stubs as (chunk, index).
    free: Vec<(usize, usize)>,
}

// SAFETY: as for Arena: the pool only holds addresses of mappings it created.
unsafe impl Send for StubPool {}

struct StubChunk {
    /// `page` bytes of code (sealed read-execute), then `page` bytes of slots (read-write).
    base: NonNull<u8>,
    page: usize,
}

/// A stub handed out by a [`StubPool`]: call `code` as the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stub {
    pub code: CodeAddr,
    chunk: usize,
    index: usize,
}

/// Bytes per stub and per slot (the same stride for both, so that every stub reaches its slot
/// at the same displacement and all stubs are the same bytes).
const STUB: usize = 16;

impl Default for StubPool {
    fn default() -> Self {
        Self::new()
    }
}

impl StubPool {
    pub fn new() -> StubPool {
        StubPool {
            chunks: Vec::new(),
            free: Vec::new(),
        }
    }

    /// A stub that calls `target` with `context` in the scratch register. `target` must stay
    /// callable until the stub is [`free`](Self::free)d and no call through it is in flight.
    pub fn alloc(&mut self, target: usize, context: usize) -> Result<Stub, Error> {
        if self.free.is_empty() {
            self.grow()?;
        }
        let (chunk, index) = self.free.pop().expect("grow() adds free stubs");
        let c = &self.chunks[chunk];
        c.set(index, target, context);
        Ok(Stub {
            code: CodeAddr(c.base.as_ptr() as usize + index * STUB),
            chunk,
            index,
        })
    }

    /// Take `stub` back: its slot points at the trap until the stub is handed out again.
    pub fn free(&mut self, stub: Stub) {
        let c = &self.chunks[stub.chunk];
        c.set(stub.index, c.trap(), 0);
        self.free.push((stub.chunk, stub.index));
    }

    /// OS pages mapped (code and slots).
    pub fn pages(&self) -> usize {
        self.chunks.iter().map(|c| 2 * c.page / page_size()).sum()
    }

    /// Map a chunk: write its stubs (the last one a trap) into the code page, seal it, and
    /// point every slot at the trap.
    fn grow(&mut self) -> Result<(), Error> {
        if apple::MAP_JIT_PAGES {
            // MAP_JIT memory is writable or executable per thread as a whole: a data page
            // beside the code would not be writable while the stubs run.
            return Err(Error::Unsupported(
                "stub pools need separate code and data protections (not MAP_JIT)".into(),
            ));
        }
        let page = page_size();
        let mapped = map_rw(2 * page)?;
        let n = page / STUB;
        let stub = stub_code(page)?;
        // SAFETY: the mapping is 2 * page bytes, read-write and ours alone; the stubs fill the
        // first page exactly (n * STUB == page).
        unsafe {
            for i in 0..n - 1 {
                std::ptr::copy_nonoverlapping(
                    stub.as_ptr(),
                    mapped.base.as_ptr().add(i * STUB),
                    STUB,
                );
            }
            let trap = trap_code();
            std::ptr::copy_nonoverlapping(
                trap.as_ptr(),
                mapped.base.as_ptr().add((n - 1) * STUB),
                trap.len(),
            );
        }
        let chunk = StubChunk {
            base: mapped.base,
            page,
        };
        for i in 0..n {
            chunk.set(i, chunk.trap(), 0);
        }
        // SAFETY: the first page of this mapping, written above.
        let rc = unsafe {
            libc::mprotect(
                chunk.base.as_ptr().cast(),
                page,
                libc::PROT_READ | libc::PROT_EXEC,
            )
        };
        if rc != 0 {
            let e = std::io::Error::last_os_error();
            // SAFETY: the whole mapping, not handed out yet.
            unsafe { libc::munmap(chunk.base.as_ptr().cast(), 2 * page) };
            return Err(Error::Jit(format!(
                "mprotect(PROT_READ|PROT_EXEC) failed: {e} (executable memory denied by the system?)"
            )));
        }
        flush_icache(chunk.base.as_ptr(), page);
        let k = self.chunks.len();
        self.chunks.push(chunk);
        // Hand out low addresses first (pop takes from the end).
        self.free.extend((0..n - 1).rev().map(|i| (k, i)));
        Ok(())
    }
}

impl StubChunk {
    /// The trap: the last stub of the code page.
    fn trap(&self) -> usize {
        self.base.as_ptr() as usize + self.page - STUB
    }

    /// Write slot `i`: the target, then the context, each a single aligned word store. The
    /// caller publishes the stub to other threads only after this (happens-before through
    /// whatever hands the pointer over).
    fn set(&self, i: usize, target: usize, context: usize) {
        // SAFETY: slot i lies in the read-write data page of this chunk (i < page / STUB), and
        // is 8-aligned (page-aligned base, 16-byte stride). Atomic stores: a thread may be
        // reading another slot of the page at the same time.
        unsafe {
            let slot = self.base.as_ptr().add(self.page + i * STUB) as *const AtomicUsize;
            (*slot).store(target, Ordering::Release);
            (*slot.add(1)).store(context, Ordering::Release);
        }
    }
}

impl Drop for StubPool {
    fn drop(&mut self) {
        for c in &self.chunks {
            // SAFETY: each chunk was mapped by grow() with exactly this length; the owner of
            // the pool guarantees no call through its stubs is in flight when it drops it.
            unsafe {
                libc::munmap(c.base.as_ptr().cast(), 2 * c.page);
            }
        }
    }
}

/// One stub: load the context from `slot + 8` into the scratch register, jump to `[slot]`,
/// where the slot is `page` bytes after the stub (same stride: the same displacement for all).
fn stub_code(page: usize) -> Result<[u8; STUB], Error> {
    cfg_if::cfg_if! {
        if #[cfg(target_arch = "x86_64")] {
            // MOV r64, r/m64 — REX.W+R 8B /r, ModRM 00 010 101 (r10, [rip+disp32]), 7 bytes;
            // the displacement counts from the next instruction: (page + 8) - 7.
            let ctx = i32::try_from(page + 1).map_err(|_| Error::Jit("page too large".into()))?;
            // JMP r/m64 — FF /4, ModRM 00 100 101 ([rip+disp32]), 6 bytes, ending at 13.
            let tgt = i32::try_from(page - 13).map_err(|_| Error::Jit("page too large".into()))?;
            let mut c = [0xcc; STUB]; // int3 after the jump
            c[..3].copy_from_slice(&[0x4c, 0x8b, 0x15]);
            c[3..7].copy_from_slice(&ctx.to_le_bytes());
            c[7..9].copy_from_slice(&[0xff, 0x25]);
            c[9..13].copy_from_slice(&tgt.to_le_bytes());
            Ok(c)
        } else if #[cfg(target_arch = "aarch64")] {
            // LDR (literal), 64-bit — 0x58000000 | imm19 << 5 | Rt, imm19 = byte offset / 4
            // (±1 MiB). x17 <- [pc + page + 8]; then (at +4) x16 <- [pc + page - 4]; BR x16.
            let lit = |off: usize, rt: u32| -> Result<u32, Error> {
                let imm = u32::try_from(off / 4).ok().filter(|&v| v < 1 << 18)
                    .ok_or_else(|| Error::Jit("page too large".into()))?;
                Ok(0x5800_0000 | imm << 5 | rt)
            };
            let words = [lit(page + 8, 17)?, lit(page - 4, 16)?, 0xd61f_0200, 0xd420_0000];
            let mut c = [0u8; STUB];
            for (k, w) in words.iter().enumerate() {
                c[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
            }
            Ok(c)
        } else {
            let _ = page;
            Err(Error::Unsupported("no stub code for this architecture".into()))
        }
    }
}

/// The trap freed slots point at: `ud2` (x86-64), `brk #1` (arm64).
fn trap_code() -> &'static [u8] {
    cfg_if::cfg_if! {
        if #[cfg(target_arch = "x86_64")] {
            &[0x0f, 0x0b]
        } else if #[cfg(target_arch = "aarch64")] {
            &[0x20, 0x00, 0x20, 0xd4]
        } else {
            &[]
        }
    }
}

/// Apple silicon: JIT memory must be mapped with MAP_JIT, and each thread sees it either
/// writable or executable, switched with `pthread_jit_write_protect_np` (Apple, "Porting
/// just-in-time compilers to Apple silicon"). Elsewhere these are no-ops.
mod apple {
    cfg_if::cfg_if! {
        if #[cfg(all(target_arch = "aarch64", target_vendor = "apple"))] {
            pub const MAP_JIT_PAGES: bool = true;
            pub const MAP_FLAGS: libc::c_int = libc::MAP_JIT;
            pub const MAP_PROT: libc::c_int = libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC;
            extern "C" {
                fn pthread_jit_write_protect_np(enabled: libc::c_int);
            }
            /// While alive, this thread may write MAP_JIT memory (and may not execute it).
            pub struct WriteWindow;
            impl WriteWindow {
                pub fn open() -> WriteWindow {
                    // SAFETY: toggles this thread's view of MAP_JIT pages only.
                    unsafe { pthread_jit_write_protect_np(0) };
                    WriteWindow
                }
            }
            impl Drop for WriteWindow {
                fn drop(&mut self) {
                    // SAFETY: as above; back to execute-only.
                    unsafe { pthread_jit_write_protect_np(1) };
                }
            }
        } else {
            pub const MAP_JIT_PAGES: bool = false;
            pub const MAP_FLAGS: libc::c_int = 0;
            pub const MAP_PROT: libc::c_int = libc::PROT_READ | libc::PROT_WRITE;
            /// No per-thread toggle off Apple silicon: pages are RW until sealed RX.
            pub struct WriteWindow;
            impl WriteWindow {
                pub fn open() -> WriteWindow {
                    WriteWindow
                }
            }
        }
    }
}

fn align_up(n: usize, a: usize) -> usize {
    (n + a - 1) & !(a - 1)
}

/// Read-write pages mapped and faulted in ahead of need, for arenas of one page: a library
/// bound lazily makes its functions a few at a time (often one per first read), and each such
/// batch used to map a page (`mmap`) and take a page fault on its first write, about a third
/// of making one function. The pool maps [`pool_capacity`] pages with one `mmap` (Linux:
/// `MAP_POPULATE`, so they are faulted in by that call) and hands them out one by one.
///
/// W^X is unchanged: a pooled page is read-write and never executable; once handed out it is an
/// ordinary arena page (sealed read-execute by [`Arena::seal`], unmapped when its arena drops).
/// A page never returns to the pool: sealed code is unmapped when its library closes, so a stale
/// pointer into it faults instead of running other code. Process-wide, behind a lock (workers
/// make functions on their own threads); bounded by [`pool_capacity`] pages (64 KiB with 4 KiB
/// pages) that no isolate owns, so a worker's teardown leaves nothing behind.
static POOL: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());
/// Bytes the pool maps at once, and so the most it holds (16 pages of 4 KiB; at least two
/// pages where pages are larger).
const POOL_BYTES: usize = 64 * 1024;

/// Pages the pool maps at once (and so the most it holds).
pub fn pool_capacity() -> usize {
    (POOL_BYTES / page_size()).max(2)
}

/// Pages in the pool now (tests, diagnostics).
pub fn pool_pages() -> usize {
    POOL.lock().unwrap_or_else(|e| e.into_inner()).len()
}

/// A pooled page (see [`POOL`]): one page of read-write memory, written by no one yet.
fn pooled_page(ps: usize) -> Result<Page, Error> {
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let base = match pool.pop() {
        Some(b) => b,
        None => {
            #[cfg(target_os = "linux")]
            let populate = libc::MAP_POPULATE;
            #[cfg(not(target_os = "linux"))]
            let populate = 0;
            let n = pool_capacity();
            let p = mmap_anon(n * ps, populate)?;
            // The first page serves this request; the others wait in the pool. Each is later
            // protected and unmapped on its own (munmap and mprotect work on any page range of
            // a mapping, splitting it).
            let base = p.as_ptr() as usize;
            pool.extend((1..n).rev().map(|k| base + k * ps));
            base
        }
    };
    Ok(Page {
        base: NonNull::new(base as *mut u8).ok_or_else(|| Error::Jit("null pooled page".into()))?,
        len: ps,
        used: 0,
        sealed: false,
    })
}

/// `mmap` of `len` bytes of fresh anonymous read-write memory (`extra` flags added).
fn mmap_anon(len: usize, extra: libc::c_int) -> Result<NonNull<u8>, Error> {
    // SAFETY: an anonymous private mapping with no address hint has no preconditions.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            apple::MAP_PROT,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | apple::MAP_FLAGS | extra,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(Error::Jit(format!(
            "mmap failed: {}",
            std::io::Error::last_os_error()
        )));
    }
    NonNull::new(p.cast::<u8>()).ok_or_else(|| Error::Jit("mmap returned null".into()))
}

fn map_rw(len: usize) -> Result<Page, Error> {
    let ps = page_size();
    // (MAP_JIT pages switch between writable and executable per thread: not pooled.)
    if len == ps && !apple::MAP_JIT_PAGES {
        return pooled_page(ps);
    }
    let p = mmap_anon(len, 0)?;
    Ok(Page {
        base: p,
        len,
        used: 0,
        sealed: false,
    })
}

/// x86-64 keeps instruction and data caches coherent; arm64 does not, so freshly written code
/// must be cleaned to the point of unification before it runs (hardware needs it even where
/// qemu does not, `docs/arm64-qemu.md` §4).
fn flush_icache(start: *mut u8, len: usize) {
    // qemu cannot notice a missing flush (docs/arm64-qemu.md §4), so tests check it is requested.
    #[cfg(test)]
    tests::FLUSHED.with(|f| f.borrow_mut().push((start as usize, len)));
    cfg_if::cfg_if! {
        if #[cfg(all(target_arch = "aarch64", target_vendor = "apple"))] {
            extern "C" {
                fn sys_icache_invalidate(start: *mut libc::c_void, len: usize);
            }
            // SAFETY: the range lies inside a mapping this arena owns.
            unsafe { sys_icache_invalidate(start.cast(), len) }
        } else if #[cfg(target_arch = "aarch64")] {
            extern "C" {
                fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
            }
            // SAFETY: the range lies inside a mapping this arena owns.
            unsafe { __clear_cache(start.cast(), start.add(len).cast()) }
        } else {
            let _ = (start, len);
        }
    }
}

/// Check once that this process may run JIT code: write a function returning 42, seal it,
/// call it. Returns a typed error instead of crashing where W^X policies deny execution.
pub fn self_test() -> Result<(), Error> {
    cfg_if::cfg_if! {
        if #[cfg(target_arch = "x86_64")] {
            let code: &[u8] = &[0xb8, 42, 0, 0, 0, 0xc3]; // mov eax, 42; ret
        } else if #[cfg(target_arch = "aarch64")] {
            let code: &[u8] = &[0x40, 0x05, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6]; // mov w0, #42; ret
        } else {
            return Err(Error::Unsupported("no JIT backend for this architecture".into()));
        }
    }
    let mut a = Arena::new();
    let at = a.write(code)?;
    a.seal()?;
    // SAFETY: `at` points at the sealed, executable function written just above, whose
    // machine code follows the C convention `int f(void)` for this architecture.
    let f: extern "C" fn() -> i32 = unsafe { std::mem::transmute(at.0) };
    match f() {
        42 => Ok(()),
        v => Err(Error::Jit(format!(
            "JIT self-test returned {v}, expected 42"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        pub static FLUSHED: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
        /// The ranges Arena::drop unmapped on this thread, in order.
        pub static UNMAPPED: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// A target that returns the stub's scratch register (the context it was given).
    fn context_echo(a: &mut Arena) -> usize {
        cfg_if::cfg_if! {
            if #[cfg(target_arch = "x86_64")] {
                let code: &[u8] = &[0x4c, 0x89, 0xd0, 0xc3]; // mov rax, r10; ret
            } else {
                let code: &[u8] = &[0xe0, 0x03, 0x11, 0xaa, 0xc0, 0x03, 0x5f, 0xd6]; // mov x0, x17; ret
            }
        }
        let at = a.write(code).unwrap();
        a.seal().unwrap();
        at.0
    }

    fn mapping_of(addr: usize) -> String {
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        maps.lines()
            .find(|l| {
                let r = l.split(' ').next().unwrap();
                let (s, e) = r.split_once('-').unwrap();
                let (s, e) = (
                    usize::from_str_radix(s, 16).unwrap(),
                    usize::from_str_radix(e, 16).unwrap(),
                );
                addr >= s && addr < e
            })
            .expect("mapping present")
            .to_string()
    }

    /// Code returning 42 (x86-64: `mov eax, 42; ret`; arm64: `mov w0, #42; ret`).
    fn forty_two() -> &'static [u8] {
        cfg_if::cfg_if! {
            if #[cfg(target_arch = "x86_64")] {
                &[0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]
            } else {
                &[0x40, 0x05, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6]
            }
        }
    }

    /// The permissions ("r-xp", …) of the mapping holding `addr`.
    fn perms_of(addr: usize) -> String {
        mapping_of(addr).split(' ').nth(1).unwrap().to_string()
    }

    #[test]
    fn pooled_pages_are_never_writable_and_executable() {
        let ps = page_size();
        let mut a = Arena::new();
        let at = a.write(forty_two()).unwrap();
        assert_eq!(a.pages(), 1, "a one-page arena");
        // Before sealing: read-write, not executable; the pool's pages likewise.
        assert_eq!(perms_of(at.0), "rw-p");
        {
            // (Held: no other test's thread takes a page while this one looks.)
            let pooled = POOL.lock().unwrap();
            assert!(pooled.len() < pool_capacity(), "the pool is bounded");
            for &p in pooled.iter() {
                assert_eq!(perms_of(p), "rw-p", "pooled page {p:#x}");
                assert_eq!(p % ps, 0);
            }
        }
        a.seal().unwrap();
        // Sealed: read-execute, and it runs.
        assert_eq!(perms_of(at.0), "r-xp");
        // SAFETY: `at` holds forty_two()'s code, sealed read-execute just above.
        let f = unsafe { std::mem::transmute::<usize, extern "C" fn() -> i32>(at.0) };
        assert_eq!(f(), 42);
        // No page of the pool became executable when this one was sealed.
        {
            let pooled = POOL.lock().unwrap();
            for &p in pooled.iter() {
                assert_eq!(perms_of(p), "rw-p", "pooled page {p:#x} after a seal");
            }
        }
        let base = at.0 & !(ps - 1);
        drop(a);
        // Unmapped with its arena (dropping_returns_pages), never back in the pool.
        assert!(!POOL.lock().unwrap().contains(&base));
    }

    #[test]
    fn the_pool_serves_threads_at_once_and_stays_bounded() {
        let threads: Vec<_> = (0..6)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..300 {
                        let mut a = Arena::new();
                        let at = a.write(forty_two()).unwrap();
                        a.seal().unwrap();
                        // SAFETY: `at` holds forty_two()'s code, sealed read-execute.
                        let f =
                            unsafe { std::mem::transmute::<usize, extern "C" fn() -> i32>(at.0) };
                        assert_eq!(f(), 42);
                        assert!(pool_pages() < pool_capacity());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(pool_pages() < pool_capacity());
    }

    #[test]
    fn stub_bytes_match_the_assembler() {
        // Oracle: GNU objdump of these bytes at address 0 with a 4 KiB page:
        //   x86-64: `mov 0x1001(%rip),%r10  # 0x1008` / `jmp *0xff3(%rip)  # 0x1000` / int3 x3
        //   arm64:  `ldr x17, 0x1008` / `ldr x16, 0x1000` / `br x16` / `brk #0x0`
        cfg_if::cfg_if! {
            if #[cfg(target_arch = "x86_64")] {
                let want: [u8; 16] = [
                    0x4c, 0x8b, 0x15, 0x01, 0x10, 0x00, 0x00, 0xff, 0x25, 0xf3, 0x0f, 0x00, 0x00,
                    0xcc, 0xcc, 0xcc,
                ];
            } else {
                let want: [u8; 16] = [
                    0x51, 0x80, 0x00, 0x58, 0xf0, 0x7f, 0x00, 0x58, 0x00, 0x02, 0x1f, 0xd6, 0x00,
                    0x00, 0x20, 0xd4,
                ];
            }
        }
        assert_eq!(stub_code(4096).unwrap(), want);
    }

    #[test]
    fn stubs_pass_their_context_and_pack_many_per_page() {
        let mut a = Arena::new();
        let echo = context_echo(&mut a);
        let mut pool = StubPool::new();
        let per_chunk = page_size() / STUB - 1;
        // More than one chunk's worth.
        let stubs: Vec<Stub> = (0..per_chunk + 10)
            .map(|i| pool.alloc(echo, 7 * i + 1).unwrap())
            .collect();
        assert_eq!(pool.pages(), 4, "two chunks of one code and one data page");
        for (i, s) in stubs.iter().enumerate() {
            // SAFETY: the stub jumps to `echo`, an `extern "C" fn() -> usize` in a sealed page.
            let f: extern "C" fn() -> usize = unsafe { std::mem::transmute(s.code.0) };
            assert_eq!(f(), 7 * i + 1, "stub {i}");
        }
        // Stubs are 16 bytes apart inside the code page.
        assert_eq!(stubs[1].code.0 - stubs[0].code.0, STUB);
    }

    #[test]
    fn stub_code_is_sealed_and_slots_are_never_executable() {
        let mut a = Arena::new();
        let echo = context_echo(&mut a);
        let mut pool = StubPool::new();
        let s = pool.alloc(echo, 5).unwrap();
        let code = mapping_of(s.code.0);
        let data = mapping_of(s.code.0 + page_size());
        assert!(code.split(' ').nth(1).unwrap().starts_with("r-x"), "{code}");
        assert!(data.split(' ').nth(1).unwrap().starts_with("rw-"), "{data}");
    }

    #[test]
    fn a_freed_stub_traps_and_is_reused_with_a_new_target_without_writing_code() {
        let mut a = Arena::new();
        let echo = context_echo(&mut a);
        let mut pool = StubPool::new();
        let s = pool.alloc(echo, 11).unwrap();
        let code_before: Vec<u8> =
            // SAFETY: the code page of the pool's first chunk is mapped and readable.
            unsafe { std::slice::from_raw_parts(s.code.0 as *const u8, STUB).to_vec() };
        pool.free(s);
        let c = &pool.chunks[0];
        // SAFETY: slot 0 of the chunk's data page.
        let target = unsafe { *(c.base.as_ptr().add(c.page) as *const usize) };
        assert_eq!(target, c.trap(), "a freed stub points at the trap");
        let again = pool.alloc(echo, 12).unwrap();
        assert_eq!(again.code, s.code);
        // SAFETY: as above.
        let f: extern "C" fn() -> usize = unsafe { std::mem::transmute(again.code.0) };
        assert_eq!(f(), 12);
        // SAFETY: as above.
        let code_after = unsafe { std::slice::from_raw_parts(s.code.0 as *const u8, STUB) };
        assert_eq!(code_before, code_after);
    }

    #[test]
    fn sealing_flushes_the_written_code_of_every_page() {
        FLUSHED.with(|f| f.borrow_mut().clear());
        let mut a = Arena::new();
        let big = vec![0xc3; page_size() - 8]; // fills most of a page: the next write opens another
        let x = a.write(&big).unwrap();
        let y = a.write(&[0xc3; 32]).unwrap();
        a.seal().unwrap();
        let flushed = FLUSHED.with(|f| f.borrow().clone());
        assert_eq!(flushed.len(), 2, "{flushed:?}");
        assert!(flushed.iter().any(|&(s, l)| s == x.0 && l >= big.len()));
        assert!(flushed.iter().any(|&(s, l)| s <= y.0 && y.0 + 32 <= s + l));
        // Sealing again flushes nothing: sealed pages are never written again.
        a.seal().unwrap();
        assert_eq!(FLUSHED.with(|f| f.borrow().len()), 2);
    }

    #[test]
    fn self_test_passes() {
        self_test().unwrap();
    }

    #[test]
    fn packs_many_small_functions_per_page() {
        let mut a = Arena::new();
        let mut addrs = Vec::new();
        for _ in 0..100 {
            addrs.push(a.write(&[0xc3; 20]).unwrap());
        }
        assert!(
            a.pages() <= 1 + 100 * 32 / page_size(),
            "{} pages",
            a.pages()
        );
        assert!(addrs
            .windows(2)
            .all(|w| w[1].0 >= w[0].0 + 20 && w[1].0 % CODE_ALIGN == 0));
        a.seal().unwrap();
        assert!(addrs.iter().all(|&x| a.is_sealed(x)));
    }

    #[test]
    fn reserve_maps_once_for_a_batch() {
        let mut a = Arena::new();
        let codes: Vec<Vec<u8>> = (0..1000).map(|i| vec![0xc3; 20 + i % 40]).collect();
        a.reserve(codes.iter().map(|c| c.as_slice())).unwrap();
        let mapped = a.pages.len();
        for c in &codes {
            a.write(c).unwrap();
        }
        assert_eq!((mapped, a.pages.len()), (1, 1));
        let bytes: usize = codes.iter().map(|c| align_up(c.len(), CODE_ALIGN)).sum();
        assert_eq!(a.pages(), align_up(bytes, page_size()) / page_size());
    }

    #[test]
    fn absorbing_keeps_every_page_and_its_state() {
        let mut a = Arena::new();
        let x = a.write(&[0xc3; 8]).unwrap();
        a.seal().unwrap();
        let open = a.write(&[0xc3; 8]).unwrap();
        let mut b = Arena::new();
        let y = b.write(&[0xc3; 8]).unwrap();
        b.seal().unwrap();
        a.absorb(b);
        assert_eq!(a.pages(), 3);
        assert!(a.is_sealed(x) && a.is_sealed(y) && !a.is_sealed(open));
        // The open page is still the one written next.
        let next = a.write(&[0xc3; 8]).unwrap();
        assert_eq!(a.pages(), 3);
        assert_eq!(next.0, open.0 + CODE_ALIGN);
        a.seal().unwrap();
        assert!(a.is_sealed(next));
    }

    #[test]
    fn sealed_pages_are_never_written_again() {
        let mut a = Arena::new();
        let first = a.write(&[0xc3]).unwrap();
        a.seal().unwrap();
        let second = a.write(&[0xc3]).unwrap();
        assert_eq!(a.pages(), 2);
        assert!(a.is_sealed(first) && !a.is_sealed(second));
    }

    #[test]
    fn sealed_memory_is_not_writable() {
        let mut a = Arena::new();
        let at = a.write(&[0xc3; 8]).unwrap();
        a.seal().unwrap();
        // Read the kernel's view of the mapping: r-x, never w.
        let line = mapping_of(at.0);
        assert!(line.split(' ').nth(1).unwrap().starts_with("r-x"), "{line}");
    }

    #[test]
    fn dropping_unmaps_each_run_of_adjacent_pages_at_once() {
        // Four adjacent pages of one mapping, held in a scrambled order and sealed one by one
        // (as a lazily bound library's batches are), and a page elsewhere.
        let ps = page_size();
        let run = mmap_anon(4 * ps, 0).unwrap().as_ptr() as usize;
        let lone = mmap_anon(ps, 0).unwrap().as_ptr() as usize;
        let page = |base: usize| Page {
            base: NonNull::new(base as *mut u8).unwrap(),
            len: ps,
            used: 0,
            sealed: false,
        };
        let mut a = Arena::new();
        for k in [2, 0, 3] {
            a.pages.push(page(run + k * ps));
        }
        a.pages.push(page(lone));
        a.pages.push(page(run + ps));
        for p in a.pages.iter_mut() {
            // SAFETY: the page is mapped read-write above, one page long.
            unsafe { *p.base.as_ptr() = 0xc3 };
            p.used = 1;
            a_seal_one(p);
        }
        UNMAPPED.with(|u| u.borrow_mut().clear());
        drop(a);
        let mut got = UNMAPPED.with(|u| u.borrow().clone());
        got.sort_unstable();
        let mut want = vec![(run, 4 * ps), (lone, ps)];
        want.sort_unstable();
        // (Unless the kernel placed the lone page right after the run: then one range of 5.)
        if lone == run + 4 * ps {
            want = vec![(run, 5 * ps)];
        } else if lone + ps == run {
            want = vec![(lone, 5 * ps)];
        }
        assert_eq!(got, want);
    }

    /// Seal one page as Arena::seal does (read-execute).
    fn a_seal_one(p: &mut Page) {
        // SAFETY: base/len describe a mapping made by this test.
        let rc = unsafe {
            libc::mprotect(
                p.base.as_ptr().cast(),
                p.len,
                libc::PROT_READ | libc::PROT_EXEC,
            )
        };
        assert_eq!(rc, 0);
        p.sealed = true;
    }

    #[test]
    fn dropping_returns_pages() {
        // A 200 000-byte function gets a mapping of a size no other test uses, so finding
        // exactly that range after the drop would mean it was not returned.
        let (start, len) = {
            let mut a = Arena::new();
            let at = a.write(&vec![0xc3; 200_000]).unwrap();
            a.seal().unwrap();
            (at.0, align_up(200_000, page_size()))
        };
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        let still = maps.lines().any(|l| {
            let r = l.split(' ').next().unwrap();
            let (s, e) = r.split_once('-').unwrap();
            usize::from_str_radix(s, 16).unwrap() == start
                && usize::from_str_radix(e, 16).unwrap() == start + len
        });
        assert!(!still, "the arena's mapping should be gone after drop");
    }
}
