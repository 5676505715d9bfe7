//! Side stacks ("fibers") and the switch between two stacks of one thread (docs/fibers.md).
//!
//! A [`Fiber`] owns an mmap'd stack (never executable, a `PROT_NONE` guard region below it) and
//! runs jobs on it: [`Fiber::start`] switches from the caller's stack to the fiber's and runs
//! the job there until it finishes or calls [`Fiber::suspend`]; [`Fiber::resume`] continues a
//! suspended job. Both return `true` once the job has finished; the fiber then waits, at the
//! top of its loop, for the next job, so a fiber is reused without building a new frame.
//!
//! The switch is a plain function call as far as the compiler sees: it saves what the ABI says
//! a callee must preserve on the current stack, stores the stack pointer, loads the other
//! stack's pointer and restores what was saved there (x86-64: rbx, rbp, r12–r15, SysV psABI
//! §3.2.1; aarch64: x19–x29, x30, sp, d8–d15, AAPCS64 §6.1.1 and §6.1.2). Everything else is
//! caller-saved, so the caller's compiled code already expects it to be clobbered. The
//! floating-point modes (x86-64 MXCSR and the x87 control word, aarch64 FPCR) are not switched:
//! they stay the thread's, as they are across the direct calls the switches stand for (C's modes
//! reach a callback, docs/fibers.md §1).
//!
//! Linux x86-64 and aarch64 only ([`SUPPORTED`]); elsewhere [`Fiber::new`] fails and callers
//! run the job on their own stack.

use std::io;
use std::ptr;

/// Whether this target has a switch.
pub const SUPPORTED: bool = cfg!(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
));

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
std::arch::global_asm!(
    // ffast_fiber_switch(save: *mut *mut u8 [rdi], to: *mut u8 [rsi]): leaves by `ret`.
    // ffast_fiber_switch_jmp(save, to): the same, leaving by an indirect jump.
    ".text",
    ".p2align 4",
    ".globl ffast_fiber_switch",
    ".hidden ffast_fiber_switch",
    ".type ffast_fiber_switch,@function",
    "ffast_fiber_switch:",
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "mov [rdi], rsp",
    "mov rsp, rsi",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    // The return predictor holds the return addresses of the stack being left, so this `ret`
    // is mispredicted; but it consumes the entry the caller's `call` pushed, so a start and the
    // switch back at the job's end leave the predictor as they found it, and the caller's own
    // returns afterwards are predicted (docs/fibers.md §5).
    "ret",
    ".size ffast_fiber_switch, . - ffast_fiber_switch",
    ".p2align 4",
    ".globl ffast_fiber_switch_jmp",
    ".hidden ffast_fiber_switch_jmp",
    ".type ffast_fiber_switch_jmp,@function",
    "ffast_fiber_switch_jmp:",
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "mov [rdi], rsp",
    "mov rsp, rsi",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    // An indirect jump is predicted from this jump's own history (the two sides' resume points
    // alternate), where a `ret` would always miss: for the park and resume pairs of callbacks,
    // whose surrounding returns miss either way. r11 is caller-saved and carries no argument or
    // result (psABI §3.2.3). docs/fibers.md §5.
    "pop r11",
    "jmp r11",
    ".size ffast_fiber_switch_jmp, . - ffast_fiber_switch_jmp",
    // The first return of a new fiber's frame lands here: rbx holds the Fiber, r12 the loop.
    // rsp is 16-aligned, so the call gives the loop the alignment of any function entry.
    ".p2align 4",
    ".globl ffast_fiber_boot",
    ".hidden ffast_fiber_boot",
    ".type ffast_fiber_boot,@function",
    "ffast_fiber_boot:",
    "mov rdi, rbx",
    "call r12",
    "ud2",
    ".size ffast_fiber_boot, . - ffast_fiber_boot",
);

#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
std::arch::global_asm!(
    // ffast_fiber_switch(save: *mut *mut u8 [x0], to: *mut u8 [x1])
    ".text",
    ".p2align 4",
    ".globl ffast_fiber_switch",
    ".hidden ffast_fiber_switch",
    ".type ffast_fiber_switch,%function",
    "ffast_fiber_switch:",
    "sub sp, sp, #160",
    "stp x19, x20, [sp, #0]",
    "stp x21, x22, [sp, #16]",
    "stp x23, x24, [sp, #32]",
    "stp x25, x26, [sp, #48]",
    "stp x27, x28, [sp, #64]",
    "stp x29, x30, [sp, #80]",
    "stp d8, d9, [sp, #96]",
    "stp d10, d11, [sp, #112]",
    "stp d12, d13, [sp, #128]",
    "stp d14, d15, [sp, #144]",
    "mov x2, sp",
    "str x2, [x0]",
    "mov sp, x1",
    "ldp x19, x20, [sp, #0]",
    "ldp x21, x22, [sp, #16]",
    "ldp x23, x24, [sp, #32]",
    "ldp x25, x26, [sp, #48]",
    "ldp x27, x28, [sp, #64]",
    "ldp x29, x30, [sp, #80]",
    "ldp d8, d9, [sp, #96]",
    "ldp d10, d11, [sp, #112]",
    "ldp d12, d13, [sp, #128]",
    "ldp d14, d15, [sp, #144]",
    "add sp, sp, #160",
    "ret",
    ".size ffast_fiber_switch, . - ffast_fiber_switch",
    // One switch on aarch64 (not measured there): the park and resume pairs use the same.
    ".globl ffast_fiber_switch_jmp",
    ".hidden ffast_fiber_switch_jmp",
    ".set ffast_fiber_switch_jmp, ffast_fiber_switch",
    // A new fiber's first switch returns here (x30 of its frame): x19 holds the Fiber, x20 the
    // loop; sp is the 16-aligned stack top.
    ".p2align 4",
    ".globl ffast_fiber_boot",
    ".hidden ffast_fiber_boot",
    ".type ffast_fiber_boot,%function",
    "ffast_fiber_boot:",
    "mov x0, x19",
    "blr x20",
    "brk #0",
    ".size ffast_fiber_boot, . - ffast_fiber_boot",
);

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
extern "C" {
    /// Save the callee-saved state on the current stack, store the stack pointer to `*save`,
    /// switch to `to` and restore the state saved there; returns when something switches back.
    fn ffast_fiber_switch(save: *mut *mut u8, to: *mut u8);
    /// The same, leaving by an indirect jump (x86-64; the same function on aarch64).
    fn ffast_fiber_switch_jmp(save: *mut *mut u8, to: *mut u8);
    fn ffast_fiber_boot();
}

/// Words of the frame the switch saves (and `Fiber::new` builds), the return address included.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const FRAME_WORDS: usize = 7;
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const FRAME_WORDS: usize = 20;

/// Switch stacks (see the module comment). `jump`: leave by an indirect jump instead of `ret`
/// (x86-64): for the park and resume pairs; starts and job ends use `ret`, which keeps the
/// return predictor balanced around a call that never parks (docs/fibers.md §5).
///
/// # Safety
/// `to` is a stack pointer a switch saved (or `Fiber::new` built) and that nothing resumed
/// since; `save` is writable.
#[inline(always)]
unsafe fn switch(save: *mut *mut u8, to: *mut u8, jump: bool) {
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    // SAFETY: the contract: `to` holds a frame of the switch's shape (both variants' frames are
    // the same; only how the switch leaves differs).
    unsafe {
        if jump {
            ffast_fiber_switch_jmp(save, to)
        } else {
            ffast_fiber_switch(save, to)
        }
    }
    #[cfg(not(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    {
        let _ = (save, to, jump);
        unreachable!("no fiber switch on this target (Fiber::new fails)")
    }
}

#[cfg(target_os = "linux")]
const MAP_FLAGS: libc::c_int =
    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK;
#[cfg(not(target_os = "linux"))]
const MAP_FLAGS: libc::c_int = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

/// The `PROT_NONE` region below a stack. One page traps an overflow only by a frame that
/// touches it; C built without `-fstack-clash-protection` may move the stack pointer by more
/// than a page at once and write past one page into the mapping below. 256 KiB (address space
/// only, never committed) catches frames up to that size, as Linux's gap below a main stack does
/// (1 MiB there, `stack_guard_gap`).
pub const GUARD: usize = 256 << 10;

/// An mmap'd stack: `len` bytes readable and writable above a `PROT_NONE` guard region
/// ([`GUARD`]), never executable. Pages are reserved, not committed (`MAP_NORESERVE`): only the depth a job
/// actually reaches costs memory.
pub struct Stack {
    base: *mut u8,
    /// The whole mapping, the guard region included.
    map_len: usize,
}

impl Stack {
    pub fn new(len: usize) -> io::Result<Stack> {
        let page = page_size();
        let len = len.div_ceil(page).max(1) * page;
        let guard = GUARD.div_ceil(page) * page;
        let map_len = len + guard;
        // SAFETY: a fresh anonymous private mapping; no existing memory is touched.
        let p = unsafe {
            libc::mmap(
                ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                MAP_FLAGS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let s = Stack {
            base: p.cast(),
            map_len,
        };
        // The lowest pages trap an overflow (stacks grow down on both targets) instead of
        // letting it write into whatever is mapped below.
        // SAFETY: the first `guard` bytes of the mapping just made.
        if unsafe { libc::mprotect(p, guard, libc::PROT_NONE) } != 0 {
            return Err(io::Error::last_os_error()); // `s` unmaps it
        }
        Ok(s)
    }

    /// One past the highest usable byte, 16-aligned (the mapping is page-aligned).
    pub fn top(&self) -> *mut u8 {
        // SAFETY: one past the end of the mapping.
        unsafe { self.base.add(self.map_len) }
    }

    /// The usable bytes (the guard region excluded).
    pub fn len(&self) -> usize {
        self.map_len - GUARD.div_ceil(page_size()) * page_size()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether `p` is inside the usable part.
    pub fn contains(&self, p: *const u8) -> bool {
        let (lo, hi) = (self.top() as usize - self.len(), self.top() as usize);
        (lo..hi).contains(&(p as usize))
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: the mapping `new` made; nothing runs on it any more (its owner's rule).
        unsafe { libc::munmap(self.base.cast(), self.map_len) };
    }
}

// SAFETY: a Stack is only memory; whoever runs on it is the owner's business.
unsafe impl Send for Stack {}

/// A side stack with a loop that runs one job after another on it (module comment).
pub struct Fiber {
    stack: Stack,
    /// The fiber's stack pointer while it is not running.
    sp: *mut u8,
    /// The stack pointer of whoever started or resumed it, while it runs.
    back: *mut u8,
    /// The job to run next (taken by the loop).
    job: Option<*mut (dyn FnMut() + 'static)>,
    /// Whether the last job finished (rather than suspended).
    done: bool,
    /// A job was started and has not finished.
    busy: bool,
}

// SAFETY: a Fiber is moved between threads only while idle (not `busy`): no frame of any
// thread lives on its stack then, and jobs are borrowed only for the span of `start`.
unsafe impl Send for Fiber {}

/// The fiber's loop: run each job given, then switch back with `done`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
extern "C" fn fiber_loop(f: *mut Fiber) -> ! {
    loop {
        // SAFETY: `f` is the boxed Fiber whose stack this runs on (Fiber::new); it outlives
        // its stack's use, and only the thread that switched here touches it now.
        unsafe {
            if let Some(job) = (*f).job.take() {
                (*job)();
            }
            (*f).done = true;
            let f = &mut *f;
            switch(&mut f.sp, f.back, false);
        }
    }
}

impl Fiber {
    /// A fiber with a stack of `len` bytes (rounded up to pages). Fails where the target has
    /// no switch ([`SUPPORTED`]) or the mapping fails.
    pub fn new(len: usize) -> io::Result<Box<Fiber>> {
        if !SUPPORTED {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "no fiber switch on this target",
            ));
        }
        let stack = Stack::new(len)?;
        let mut f = Box::new(Fiber {
            sp: ptr::null_mut(),
            back: ptr::null_mut(),
            stack,
            job: None,
            done: false,
            busy: false,
        });
        #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
        let me: *mut Fiber = &mut *f;
        // The frame the switch pops the first time: the callee-saved registers hold the
        // Fiber and the loop for `ffast_fiber_boot`, whose address is the return address.
        #[cfg(all(
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        ))]
        // SAFETY: FRAME_WORDS words below the top are inside the fresh stack.
        unsafe {
            let sp = f.stack.top().cast::<usize>().sub(FRAME_WORDS);
            ptr::write_bytes(sp, 0, FRAME_WORDS);
            #[cfg(target_arch = "x86_64")]
            {
                // [0..6): r15, r14, r13, r12, rbx, rbp; [6]: return address.
                *sp.add(3) = fiber_loop as *const () as usize; // r12
                *sp.add(4) = me as usize; // rbx
                *sp.add(6) = ffast_fiber_boot as *const () as usize;
            }
            #[cfg(target_arch = "aarch64")]
            {
                // [0]: x19, [1]: x20, …, [10]: x29 (0: the end of the frame chain), [11]: x30.
                *sp = me as usize;
                *sp.add(1) = fiber_loop as *const () as usize;
                *sp.add(11) = ffast_fiber_boot as *const () as usize;
            }
            f.sp = sp.cast();
        }
        Ok(f)
    }

    /// Run `job` on the fiber until it finishes (true) or suspends (false).
    ///
    /// # Safety
    /// The fiber is idle (no job started and not finished). `job` must not unwind (the loop is
    /// `extern "C"`: a panic aborts), and stays valid until the job finishes: until `start` or
    /// a later [`Fiber::resume`] returns true.
    pub unsafe fn start(&mut self, job: &mut dyn FnMut()) -> bool {
        debug_assert!(!self.busy);
        // SAFETY: only the lifetime is erased; the contract keeps `job` alive while it can run.
        let job: *mut (dyn FnMut() + 'static) = unsafe { std::mem::transmute(job) };
        self.job = Some(job);
        self.busy = true;
        self.done = false;
        // SAFETY: `sp` holds the fiber's saved frame (idle fiber).
        unsafe { switch(&mut self.back, self.sp, false) };
        if self.done {
            self.busy = false;
        }
        self.done
    }

    /// Continue the suspended job until it finishes (true) or suspends again (false).
    ///
    /// # Safety
    /// A job was started and is suspended (not finished), on this thread's stack chain.
    // Inlined: a function returning right after a stack switch mispredicts its return (the
    // return predictor holds the other stack's addresses, docs/fibers.md §5): one less frame
    // per switch is one less miss (about 6 ns).
    #[inline(always)]
    pub unsafe fn resume(&mut self) -> bool {
        self.done = false;
        // SAFETY: `sp` is the frame the fiber saved when it suspended (or was built).
        unsafe { switch(&mut self.back, self.sp, true) };
        if self.done {
            self.busy = false;
        }
        self.done
    }

    /// From the job, on the fiber: switch back to whoever started or resumed it; returns when
    /// it is resumed.
    ///
    /// # Safety
    /// Called on this fiber's stack, by its running job.
    #[inline(always)]
    pub unsafe fn suspend(&mut self) {
        // SAFETY: `back` is the frame of the `resume` that runs the job.
        unsafe { switch(&mut self.sp, self.back, true) };
    }

    /// Whether a job was started and has not finished.
    pub fn busy(&self) -> bool {
        self.busy
    }

    pub fn stack(&self) -> &Stack {
        &self.stack
    }
}

#[cfg(all(
    test,
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn sp() -> usize {
        let x = 0u8;
        std::hint::black_box(&x) as *const u8 as usize
    }

    #[test]
    fn runs_on_its_own_stack_and_returns() {
        let mut f = Fiber::new(1 << 20).unwrap();
        let seen = Cell::new(0usize);
        let mut job = || seen.set(sp());
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(unsafe { f.start(&mut job) });
        assert!(f.stack().contains(seen.get() as *const u8));
        assert!(!f.stack().contains(sp() as *const u8));
        assert!(!f.busy());
    }

    #[test]
    fn suspends_and_resumes_many_times_then_runs_new_jobs() {
        let mut f = Fiber::new(64 << 10).unwrap();
        let fp: *mut Fiber = &mut *f;
        let mailbox = Cell::new(0u64);
        for round in 0..3u64 {
            let mut total = 0u64;
            let mut job = || {
                for i in 0..1000u64 {
                    mailbox.set(i + round);
                    // SAFETY: on the fiber, by its job.
                    unsafe { (*fp).suspend() };
                    total += mailbox.get();
                }
            };
            // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
            let mut finished = unsafe { (*fp).start(&mut job) };
            let mut parks = 0;
            while !finished {
                parks += 1;
                mailbox.set(mailbox.get() * 2);
                // SAFETY: the job is suspended and was started on this thread.
                finished = unsafe { (*fp).resume() };
            }
            let _ = &job;
            assert_eq!(parks, 1000);
            assert_eq!(total, (0..1000u64).map(|i| 2 * (i + round)).sum::<u64>());
        }
    }

    /// The job suspends from `suspend_from_asm`; the other side resumes it from
    /// `resume_from_asm`: both are called from asm blocks that hold known values in every
    /// callee-saved register across the call and store them afterwards.
    extern "C" fn suspend_from_asm(f: *mut Fiber) {
        // SAFETY: called by the job on the fiber (the tests below).
        unsafe { (*f).suspend() }
    }
    extern "C" fn resume_from_asm(f: *mut Fiber) {
        // SAFETY: called off the fiber while its job is suspended (the tests below).
        assert!(unsafe { (*f).resume() });
    }

    /// Values held in every callee-saved general register across the switches, on both sides,
    /// are the values each side put there.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn callee_saved_registers_survive_both_ways() {
        let mut f = Fiber::new(64 << 10).unwrap();
        let fp: *mut Fiber = &mut *f;
        // rbx and rbp cannot be asm operands: each block saves and sets them by hand.
        let mut on_fiber = [0u64; 6];
        let mut job = || {
            let buf = on_fiber.as_mut_ptr();
            // SAFETY: sets rbx, rbp, r12-r14 (restored or declared), calls a C-ABI function,
            // stores the registers to `buf` (6 words, kept in r15 across the call).
            unsafe {
                std::arch::asm!(
                    "push rbx", "push rbp",
                    "mov rbx, 0x1111", "mov rbp, 0x2222", "mov r12, 0x3333",
                    "mov r13, 0x4444", "mov r14, 0x5555",
                    "call {call}",
                    "mov [r15], rbx", "mov [r15 + 8], rbp", "mov [r15 + 16], r12",
                    "mov [r15 + 24], r13", "mov [r15 + 32], r14", "mov [r15 + 40], r15",
                    "pop rbp", "pop rbx",
                    call = sym suspend_from_asm,
                    in("rdi") fp, in("r15") buf,
                    out("r12") _, out("r13") _, out("r14") _,
                    clobber_abi("C"),
                );
            }
        };
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(!unsafe { (*fp).start(&mut job) });
        let mut here = [0u64; 6];
        let buf = here.as_mut_ptr();
        // SAFETY: as in the job, around the call that resumes it.
        unsafe {
            std::arch::asm!(
                "push rbx", "push rbp",
                "mov rbx, -1", "mov rbp, -2", "mov r12, -3", "mov r13, -4", "mov r14, -5",
                "call {call}",
                "mov [r15], rbx", "mov [r15 + 8], rbp", "mov [r15 + 16], r12",
                "mov [r15 + 24], r13", "mov [r15 + 32], r14", "mov [r15 + 40], r15",
                "pop rbp", "pop rbx",
                call = sym resume_from_asm,
                in("rdi") fp, in("r15") buf,
                out("r12") _, out("r13") _, out("r14") _,
                clobber_abi("C"),
            );
        }
        let _ = &job;
        let v = |x: i64| x as u64;
        assert_eq!(
            here,
            [v(-1), v(-2), v(-3), v(-4), v(-5), here.as_ptr() as u64]
        );
        assert_eq!(
            on_fiber,
            [
                0x1111,
                0x2222,
                0x3333,
                0x4444,
                0x5555,
                on_fiber.as_ptr() as u64
            ]
        );
    }

    /// As above for aarch64: x19-x29 (x19 and x29 by hand: they cannot be operands) and d8-d15.
    #[cfg(target_arch = "aarch64")]
    #[test]
    fn callee_saved_registers_survive_both_ways() {
        let mut f = Fiber::new(64 << 10).unwrap();
        let fp: *mut Fiber = &mut *f;
        let mut on_fiber = [0u64; 19];
        macro_rules! around_call {
            ($k:literal, $buf:expr, $call:path) => {
                std::arch::asm!(
                    "stp x19, x29, [sp, #-16]!",
                    concat!("mov x19, #", $k, "1"), concat!("mov x20, #", $k, "2"),
                    concat!("mov x21, #", $k, "3"), concat!("mov x22, #", $k, "4"),
                    concat!("mov x23, #", $k, "5"), concat!("mov x24, #", $k, "6"),
                    concat!("mov x25, #", $k, "7"), concat!("mov x26, #", $k, "8"),
                    concat!("mov x27, #", $k, "9"), concat!("mov x29, #", $k, "0"),
                    concat!("fmov d8, #", $k, ".0"), concat!("fmov d9, #", $k, ".125"),
                    concat!("fmov d10, #", $k, ".25"), concat!("fmov d11, #", $k, ".375"),
                    concat!("fmov d12, #", $k, ".5"), concat!("fmov d13, #", $k, ".625"),
                    concat!("fmov d14, #", $k, ".75"), concat!("fmov d15, #", $k, ".875"),
                    "bl {call}",
                    "stp x19, x20, [x28, #0]", "stp x21, x22, [x28, #16]",
                    "stp x23, x24, [x28, #32]", "stp x25, x26, [x28, #48]",
                    "stp x27, x29, [x28, #64]", "str x28, [x28, #80]",
                    "stp d8, d9, [x28, #88]", "stp d10, d11, [x28, #104]",
                    "stp d12, d13, [x28, #120]", "stp d14, d15, [x28, #136]",
                    "ldp x19, x29, [sp], #16",
                    call = sym $call,
                    in("x0") fp, in("x28") $buf,
                    out("x20") _, out("x21") _, out("x22") _, out("x23") _, out("x24") _,
                    out("x25") _, out("x26") _, out("x27") _,
                    out("d8") _, out("d9") _, out("d10") _, out("d11") _,
                    out("d12") _, out("d13") _, out("d14") _, out("d15") _,
                    clobber_abi("C"),
                )
            };
        }
        let mut job = || {
            let buf = on_fiber.as_mut_ptr();
            // SAFETY: sets callee-saved registers (x19/x29 restored, the rest declared), calls
            // a C-ABI function, stores them to `buf` (19 words, kept in x28 across the call).
            unsafe { around_call!("1", buf, suspend_from_asm) };
        };
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(!unsafe { (*fp).start(&mut job) });
        let mut here = [0u64; 19];
        let buf = here.as_mut_ptr();
        // SAFETY: as in the job, around the call that resumes it.
        unsafe { around_call!("2", buf, resume_from_asm) };
        let _ = &job;
        let want = |k: u64, at: u64| {
            let mut w: Vec<u64> = (1..=9).map(|i| k * 10 + i).collect();
            w.push(k * 10);
            w.push(at);
            w.extend((0..8).map(|i| (k as f64 + i as f64 * 0.125).to_bits()));
            w
        };
        assert_eq!(here.to_vec(), want(2, here.as_ptr() as u64));
        assert_eq!(on_fiber.to_vec(), want(1, on_fiber.as_ptr() as u64));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn mxcsr_is_the_threads_as_across_direct_calls() {
        fn mxcsr() -> u32 {
            let mut v = 0u32;
            // SAFETY: stores MXCSR into a local.
            unsafe { std::arch::asm!("stmxcsr [{0}]", in(reg) &mut v, options(nostack)) };
            v
        }
        fn set_mxcsr(v: u32) {
            // SAFETY: loads a valid MXCSR value (only rounding-control bits changed).
            unsafe { std::arch::asm!("ldmxcsr [{0}]", in(reg) &v, options(nostack)) };
        }
        let base = mxcsr();
        let toward_zero = base | (3 << 13);
        let mut f = Fiber::new(64 << 10).unwrap();
        let fp: *mut Fiber = &mut *f;
        let seen = Cell::new(0u32);
        let mut job = || {
            seen.set(mxcsr());
            // C sets its rounding mode, then calls back (suspends): the callback runs with it,
            // as a callback C calls directly does.
            set_mxcsr(toward_zero);
            // SAFETY: on the fiber, by its job.
            unsafe { (*fp).suspend() };
            seen.set(mxcsr());
            set_mxcsr(base); // C restores the mode before it returns (callee-saved control bits)
        };
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(!unsafe { (*fp).start(&mut job) });
        assert_eq!(seen.get(), base, "the job starts with the caller's modes");
        assert_eq!(
            mxcsr(),
            toward_zero,
            "the callback side sees the mode C set"
        );
        // SAFETY: the job is suspended and was started on this thread.
        assert!(unsafe { (*fp).resume() });
        assert_eq!(
            seen.get(),
            toward_zero,
            "C still has its mode after the callback"
        );
        assert_eq!(mxcsr(), base, "C's restore reaches the caller");
        // A new job on the same fiber starts with the caller's modes, whatever they are now.
        set_mxcsr(toward_zero);
        let mut job2 = || seen.set(mxcsr());
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(unsafe { (*fp).start(&mut job2) });
        assert_eq!(seen.get(), toward_zero);
        set_mxcsr(base);
    }

    #[test]
    fn nested_fibers_run_lifo() {
        let mut outer = Fiber::new(256 << 10).unwrap();
        let mut inner = Fiber::new(256 << 10).unwrap();
        let (op, ip): (*mut Fiber, *mut Fiber) = (&mut *outer, &mut *inner);
        let log = std::cell::RefCell::new(Vec::new());
        let mut inner_job = || {
            log.borrow_mut().push("inner runs");
            // SAFETY: inner's job suspends.
            unsafe { (*ip).suspend() };
            log.borrow_mut().push("inner resumed");
        };
        let mut outer_job = || {
            log.borrow_mut().push("outer runs");
            // SAFETY: on the fiber, by its job.
            unsafe { (*op).suspend() };
            log.borrow_mut().push("outer resumed");
        };
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(!unsafe { (*op).start(&mut outer_job) });
        // While outer is parked, a second fiber runs from the same (main) stack.
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(!unsafe { (*ip).start(&mut inner_job) });
        // SAFETY: the job is suspended and was started on this thread.
        assert!(unsafe { (*ip).resume() });
        // SAFETY: the job is suspended and was started on this thread.
        assert!(unsafe { (*op).resume() });
        assert_eq!(
            *log.borrow(),
            ["outer runs", "inner runs", "inner resumed", "outer resumed"]
        );
    }

    #[test]
    fn deep_recursion_uses_the_fiber_stack() {
        #[inline(never)]
        fn depth(n: u32) -> u32 {
            // 200 bytes per frame the compiler cannot drop: ~2 MB at 10^4 frames.
            let pad = std::hint::black_box([0u8; 200]);
            if n == 0 {
                0
            } else {
                depth(n - 1) + 1 + pad[n as usize % 200] as u32
            }
        }
        let mut f = Fiber::new(8 << 20).unwrap();
        let got = Cell::new(0);
        let mut job = || got.set(depth(10_000));
        // SAFETY: an idle fiber; the job outlives its run (it finishes before the test ends).
        assert!(unsafe { f.start(&mut job) });
        assert_eq!(got.get(), 10_000);
    }

    #[test]
    fn the_guard_region_is_not_accessible_and_stacks_are_not_executable() {
        let f = Fiber::new(64 << 10).unwrap();
        let s = f.stack();
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        let lo = s.top() as usize - s.len();
        let mut saw_guard = false;
        let mut saw_stack = false;
        for line in maps.lines() {
            let mut it = line.split_whitespace();
            let range = it.next().unwrap();
            let perms = it.next().unwrap();
            let (a, b) = range.split_once('-').unwrap();
            let (a, b) = (
                usize::from_str_radix(a, 16).unwrap(),
                usize::from_str_radix(b, 16).unwrap(),
            );
            if a < lo && lo - 1 < b {
                // the whole GUARD region below the stack, in one PROT_NONE mapping
                assert!(perms.starts_with("---"), "guard region: {line}");
                assert!(a <= lo - GUARD, "guard region smaller than GUARD: {line}");
                saw_guard = true;
            }
            if a <= lo && lo < b {
                assert_eq!(&perms[..3], "rw-", "stack: {line}");
                saw_stack = true;
            }
        }
        assert!(saw_guard && saw_stack);
    }
}
