//! One bound foreign function: Signature → CallPlan → trampolines → a JS function whose fast
//! target is the trampoline (or the C function itself, where V8 already passes every argument
//! where C wants it: `trampoline::target_is_entry`) and whose regular callback is the shared
//! slow path.

use crate::binding::{not_placed, Binding, CodeSet};
use crate::platform::{classify, supported};
use crate::slow::{napi_entry, slow_entry};
use crate::thread;
use crate::v8::{self, V8};
use ffast_core::area::Area;
use ffast_core::jit::Arena;
use ffast_core::trampoline::{self, ErrnoTargets, FastTargets};
use ffast_core::{CallPlan, Error, Isa, Signature, Type};
use napi::sys;
use std::ffi::c_void;

/// What the JS side asks for.
pub struct Request {
    pub name: String,
    pub address: usize,
    pub sig: Signature,
    /// A nonblocking function: calls run on the thread pool and return a Promise.
    pub nonblocking: bool,
    /// May call back into JS synchronously: slow path only (V8 forbids JS inside a fast call),
    /// counted in the thread's tracked-call depth.
    pub callbacks: bool,
    /// `errno: true` (docs/errno.md).
    pub errno: bool,
    /// `fiber: true`: its tracked calls may run on a side stack (docs/callbacks.md §11.7).
    pub fiber: bool,
    /// One of ffast's own helpers: not counted in `slowCalls()` (Binding::internal).
    pub internal: bool,
}

/// A created function and its area (address and size; size 0 without aggregates).
pub struct Made {
    pub value: sys::napi_value,
    /// The BigInt twin (docs/pointers.md §10): the same slow path and fast trampoline, with V8
    /// passing BigInts to the 64-bit parameters. Made where V8 has the representation (V8 12+)
    /// and the function has a fast target and a 64-bit or pointer parameter.
    pub twin: Option<sys::napi_value>,
    pub area: (usize, usize),
}

/// Create the functions for `reqs` with all their code in one arena, sealed once.
///
/// # Safety
/// Must run on the JS thread of `env`, inside an N-API call.
pub unsafe fn make_functions(
    env: sys::napi_env,
    reqs: Vec<Request>,
    lib: Option<libloading::Library>,
) -> Result<(CodeSet, Vec<Made>), Error> {
    // SAFETY: the operations below need only this function's contract (# Safety): must run on the
    // JS thread of `env`, inside an N-API call.
    unsafe {
        if !supported() {
            return Err(Error::Unsupported(format!(
                "no ABI for {}-{}",
                std::env::consts::OS,
                std::env::consts::ARCH
            )));
        }
        let v8 = V8::get().ok();
        let (wide_slot, number_map, errno_saved) =
            thread::with(|s| (s.wide_slot, s.number_map, s.errno_saved));
        // The fast trampolines of errno: true functions run on this thread only (they belong to
        // its isolate), so its errno address is compiled in (docs/errno.md §3).
        let errno_targets = ErrnoTargets {
            errno_addr: crate::platform::errno_addr() as usize,
            saved: errno_saved as usize,
        };
        // The buffer helper for this V8 (its first use may run the raw-view self-check).
        let buf_addr = match v8 {
            Some(api) if reqs.iter().any(|r| r.sig.params.contains(&Type::Buffer)) => {
                crate::value::views::buffer_helper(env, api)
            }
            _ => crate::value::buffers::ffast_buf_addr as *const () as usize,
        };
        let fallback = v8.is_some_and(|v| v.buffer_fallback);
        let targets = |address, area| FastTargets {
            target: address,
            area,
            wide_slot: wide_slot as usize,
            str_in: crate::value::strings::ffast_str_in as *const () as usize,
            str_free: crate::value::strings::ffast_str_free as *const () as usize,
            str_release: crate::value::strings::ffast_str_release as *const () as usize,
            buf_addr,
            fallback,
        };
        // 1. Emit every function's code (invoker, slow stub, fast trampoline); a library's symbols
        //    mostly share a few signatures, so each is classified once.
        let mut bindings = Vec::with_capacity(reqs.len());
        let mut codes: Vec<[Option<Vec<u8>>; 3]> = Vec::with_capacity(reqs.len());
        // Whether each function is nonblocking.
        let mut kinds: Vec<bool> = Vec::with_capacity(reqs.len());
        // The C function itself as the fast target, where no trampoline is needed (below).
        let mut directs: Vec<Option<usize>> = Vec::with_capacity(reqs.len());
        for r in reqs {
            let plan = plan_for(&r.sig);
            let plan = &*plan;
            let area = Area::new(r.sig.area_size);
            let errno_fn = r.errno.then(crate::platform::errno_location);
            let invoker = trampoline::invoker_errno(plan, r.address, area.addr(), errno_fn)?;
            let b = Box::new(Binding {
                name: r.name,
                sig: r.sig,
                invoke: not_placed,
                env,
                wide_slot,
                number_map,
                slow_calls: std::cell::Cell::new(0),
                internal: r.internal,
                area,
                pending: std::cell::Cell::new(0),
                on_stack: std::cell::Cell::new(0),
                closing: std::cell::Cell::new(false),
                tracked: r.callbacks.then(thread::tracking),
                fiber: crate::fiber::Choice::new(r.fiber),
                errno_saved: if r.errno {
                    errno_saved
                } else {
                    std::ptr::null_mut()
                },
            });
            if r.nonblocking {
                if b.sig.area_size > 0 {
                    // One area per function: calls in flight on the pool would share it.
                    return Err(Error::Unsupported(format!(
                        "'{}': a nonblocking function cannot take or return structs by value",
                        b.name
                    )));
                }
                // A plain N-API function: it returns a Promise, which no fast call can.
                codes.push([Some(invoker), None, None]);
                kinds.push(true);
                directs.push(None);
                bindings.push(b);
                continue;
            }
            let data = &*b as *const Binding as usize;
            let with_options = passes_options(fallback, &b.sig);
            let fast_ok = v8.is_some()
                && b.sig.params.len() <= v8::MAX_FAST_PARAMS
                && plan.fast.is_ok()
                && b.tracked.is_none()
                // arm64: V8 itself would corrupt the caller's stack pointer after such a call
                // (docs/v8-fast-api.md §6.1); the function keeps its slow path only.
                && !plan.v8_stack_drop_hazard(with_options);
            let (stub, fast) = match v8 {
                Some(_) => {
                    let stub =
                        trampoline::slow_stub(plan.isa, slow_entry as *const () as usize, data)?;
                    // Floating-point arguments only, all in registers: V8 already passes them
                    // where C wants them, so V8 calls C itself (one indirect jump less than a
                    // trampoline). Not while the benchmark shifts trampolines by nops.
                    let direct = fast_ok
                        && crate::config::get().bench_nops == 0
                        && trampoline::target_is_entry(plan, r.errno);
                    if direct {
                        debug_direct(&b.name);
                    }
                    directs.push(direct.then_some(r.address));
                    // A backend may decline a signature it cannot encode (e.g. a frame beyond
                    // arm64's immediate reach): the function then runs on the slow path only.
                    let fast = match (fast_ok && !direct).then(|| {
                        trampoline::fast_errno(
                            plan,
                            &targets(r.address, b.area.addr()),
                            r.errno.then_some(errno_targets),
                        )
                    }) {
                        None | Some(Err(Error::Unsupported(_))) => None,
                        Some(Ok(code)) => {
                            let code = bench_nops(code, plan.isa);
                            debug_listing(&b.name, &code);
                            Some(code)
                        }
                        Some(Err(e)) => return Err(e),
                    };
                    (Some(stub), fast)
                }
                None => {
                    directs.push(None);
                    (None, None)
                }
            };
            codes.push([Some(invoker), stub, fast]);
            kinds.push(false);
            bindings.push(b);
        }
        // 2. Place it all with one mapping.
        let mut arena = Arena::new();
        arena.reserve(codes.iter().flatten().flatten().map(|c| c.as_slice()))?;
        let mut entries = Vec::with_capacity(codes.len());
        for (((b, [invoker, stub, fast]), nonblocking), direct) in
            bindings.iter_mut().zip(codes).zip(kinds).zip(directs)
        {
            let mut place =
                |c: Option<Vec<u8>>| c.map(|c| arena.write(&c).map(|a| a.0)).transpose();
            let inv = place(invoker)?.expect("every binding has an invoker");
            // SAFETY: `inv` is the invoker just emitted for this binding's plan; it is executable
            // once the arena is sealed below, before any call can reach it.
            b.invoke = std::mem::transmute::<usize, unsafe extern "C" fn(*mut u64)>(inv);
            let fast = match direct {
                Some(target) => Some(target),
                None => place(fast)?,
            };
            entries.push((place(stub)?, fast, nonblocking));
        }
        arena.seal()?;
        let mut made = Vec::with_capacity(bindings.len());
        for (b, (slow, fast, nonblocking)) in bindings.iter().zip(entries) {
            let options = passes_options(fallback, &b.sig);
            let mut twin = None;
            let value = match (v8, slow) {
                _ if nonblocking => napi_function(env, b, crate::nonblocking::entry)?,
                (Some(v8), Some(slow)) => {
                    let create = |bigint| {
                        v8.new_function(slow, fast, &b.sig.params, b.sig.result, options, bigint)
                            .ok_or_else(|| {
                                Error::Jit(format!("V8 could not create function '{}'", b.name))
                            })
                    };
                    // A BigInt argument to a 64-bit parameter is an int64 in the same register
                    // as a Number's, so the twin shares the trampoline unchanged.
                    if fast.is_some()
                        && v8.has_bigint_repr()
                        && b.sig.params.iter().any(|t| is_wide(*t))
                    {
                        twin = Some(create(true)? as sys::napi_value);
                    }
                    create(false)? as sys::napi_value
                }
                _ => napi_function(env, b, napi_entry)?,
            };
            made.push(Made {
                value,
                twin,
                area: (b.area.addr(), b.area.len()),
            });
        }
        Ok((
            CodeSet {
                arena,
                bindings,
                lib,
            },
            made,
        ))
    }
}

thread_local! {
    /// CallPlans by signature, for every batch made on this thread: classifying is a pure
    /// function of the signature (the ABI crates), and a lazily bound library makes its
    /// functions one or a few per call, where classifying again cost ~0.8 µs of a ~30 µs first
    /// read (cold, Node 26). Bounded: emptied when it reaches PLAN_CACHE_MAX signatures (a
    /// program with that many distinct signatures classifies some again). Scalar signatures
    /// only (the ones lazy reads make): a signature with structs by value carries its type tree,
    /// up to half a MiB each, which a cache bounded by count would keep after every library
    /// using it closed (review of lazy1: +0.55 MiB per such signature).
    /// (A thread-local with a destructor, against thread.rs's rule: nothing outside the thread
    /// refers to what it holds, so dropping it at thread exit frees only this thread's data.)
    static PLANS: std::cell::RefCell<std::collections::HashMap<Signature, std::rc::Rc<CallPlan>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}
/// The most signatures PLANS holds.
const PLAN_CACHE_MAX: usize = 1024;

/// The CallPlan of `sig` on this target, classified once per thread (PLANS).
fn plan_for(sig: &Signature) -> std::rc::Rc<CallPlan> {
    if sig.has_aggregates() {
        return std::rc::Rc::new(classify(sig));
    }
    PLANS.with(|p| {
        if let Some(plan) = p.borrow().get(sig) {
            return plan.clone();
        }
        let plan = std::rc::Rc::new(classify(sig));
        let mut p = p.borrow_mut();
        if p.len() >= PLAN_CACHE_MAX {
            p.clear();
        }
        p.insert(sig.clone(), plan.clone());
        plan
    })
}

/// A parameter V8 passes as an int64/uint64 (fast_api::param_ctype), which a BigInt twin
/// takes as a BigInt.
fn is_wide(t: Type) -> bool {
    matches!(
        t,
        Type::I64 | Type::U64 | Type::ISize | Type::USize | Type::Pointer
    )
}

/// Benchmarks only (`bench/node/phase.sh`): `FFAST_BENCH_NOPS=k` (0..=64) puts k NOPs at the
/// entry of every fast trampoline. Nothing else changes (the trampolines refer to their own
/// bytes only relatively, so prefixing them moves nothing they address); the sweep uses it to
/// shift the instruction count of a benchmark loop's iteration, the same way it pads the
/// fast-API addon, because a hot call's cost on some CPUs depends on that count modulo the
/// dispatch width. Unset (the default), the code is untouched. Set, functions that V8 would
/// call without a trampoline (`target_is_entry`: float-only register signatures) get
/// the plain trampoline behind the NOPs, so the sweep's rows keep one code shape.
fn bench_nops(code: Vec<u8>, isa: Isa) -> Vec<u8> {
    let k = crate::config::get().bench_nops;
    if k == 0 {
        return code;
    }
    let nop: &[u8] = match isa {
        Isa::X64 => &[0x90],
        Isa::Arm64 => &[0x1f, 0x20, 0x03, 0xd5],
    };
    let mut out = nop.repeat(k);
    out.extend_from_slice(&code);
    out
}

/// Whether V8 is given its `FastApiCallbackOptions*` for this signature: exactly when the
/// trampoline may give up (a buffer parameter on a V8 with the fallback, `FastTargets`). One
/// rule for the declaration V8 gets and the stack count of `v8_stack_drop_hazard`.
fn passes_options(fallback: bool, sig: &Signature) -> bool {
    fallback && sig.params.contains(&Type::Buffer)
}

/// `FFAST_DEBUG=asm` also names the functions V8 calls without a trampoline.
fn debug_direct(name: &str) {
    if crate::config::get().debug_asm {
        eprintln!("ffast: trampoline {name}: none (V8 calls C directly)");
    }
}

/// `FFAST_DEBUG=asm` prints every fast trampoline's bytes (decode with
/// `objdump -D -b binary -mi386:x86-64`).
fn debug_listing(name: &str, code: &[u8]) {
    if crate::config::get().debug_asm {
        let hex: Vec<String> = code.iter().map(|b| format!("{b:02x}")).collect();
        eprintln!(
            "ffast: trampoline {name} ({} bytes): {}",
            code.len(),
            hex.join(" ")
        );
    }
}

/// A plain napi function calling `entry` with the binding as its data: the N-API fallback
/// (fast calls unavailable) with the same slow path, or a nonblocking function.
///
/// # Safety
/// On env's JS thread inside an N-API call; `b` is boxed in a code set that outlives the
/// function's calls (its address is the function's data).
unsafe fn napi_function(
    env: sys::napi_env,
    b: &Binding,
    entry: unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
) -> Result<sys::napi_value, Error> {
    // SAFETY: the operations below need only this function's contract (# Safety): on env's JS
    // thread inside an N-API call; `b` is boxed in a code set that outlives the function's calls
    // (its address is the function's data).
    unsafe {
        let mut f = std::ptr::null_mut();
        let st = sys::napi_create_function(
            env,
            b.name.as_ptr().cast(),
            b.name.len() as isize,
            Some(entry),
            b as *const Binding as *mut c_void,
            &mut f,
        );
        if st != sys::Status::napi_ok {
            return Err(Error::Jit(format!(
                "napi_create_function failed for '{}'",
                b.name
            )));
        }
        Ok(f)
    }
}

/// Keep the code of functions just made: in library `lib`'s code set (freed by `close`), or,
/// without a library (`bind()`), as a batch of its own, freed once every JS object that can
/// reach it is collected. Returns the batch id, whose objects each need [`count_in_batch`].
///
/// # Safety
/// In an N-API call on env's thread; `made` are the functions `set` was made with; `lib`, if
/// any, was open when the functions were made, and no JS has run since.
pub unsafe fn keep(
    env: sys::napi_env,
    lib: Option<u32>,
    mut set: CodeSet,
    made: &[Made],
) -> Option<u64> {
    // A library's code is freed by `close`. A `bind()` batch's code is freed once every JS
    // object that can reach it is collected: its functions (a collected function can no
    // longer be called, and optimized code that inlined its fast call holds it weakly and is
    // deoptimized with it) and its struct areas; their finalizers count down `refs`.
    match lib {
        Some(id) => {
            // (Still open: the caller checked it, and nothing since has run JS.)
            thread::with(|s| {
                if let Some(l) = s.libs.get_mut(&id) {
                    l.arena.absorb(std::mem::take(&mut set.arena));
                    l.bindings.append(&mut set.bindings);
                }
            });
            None
        }
        None => {
            let refs = made.len()
                + made.iter().filter(|m| m.area.1 > 0).count()
                + made.iter().filter(|m| m.twin.is_some()).count();
            // Told to V8 as external memory, so that code only the garbage collector can free
            // counts towards its decision to collect (else a loop binding and dropping
            // functions could map pages faster than V8 felt the need for a major GC).
            let bytes = (set.arena.pages() * page_size()) as i64;
            let mut total = 0;
            // SAFETY: an N-API call on env's thread.
            // Status ignored: it fails only for a null env or out-pointer; V8's count is a hint
            // to its collector either way.
            let _ = unsafe { sys::napi_adjust_external_memory(env, bytes, &mut total) };
            Some(thread::add_bound(set, refs, bytes))
        }
    }
}

/// Count `obj` (a function or struct area of `bind()` batch `id`) among the objects whose
/// collection frees the batch: its finalizer counts the batch down.
///
/// # Safety
/// `obj` is a live object of the current N-API call on env's thread.
pub unsafe fn count_in_batch(env: sys::napi_env, obj: sys::napi_value, id: u64) {
    // SAFETY: the operations below need only this function's contract (# Safety): `obj` is a live
    // object of the current N-API call on env's thread.
    unsafe {
        // The finalizer runs on this thread. If attaching fails, the batch simply never reaches
        // zero (its code is kept).
        let _ = sys::napi_add_finalizer(
            env,
            obj,
            std::ptr::null_mut(),
            Some(release_bound),
            id as usize as *mut c_void,
            std::ptr::null_mut(),
        );
    }
}

/// Finalizer of a `bind()` batch's functions and areas: the last one frees the batch's code
/// (thread::release_bound). N-API runs it from the event loop (a `SetImmediate`), never inside
/// the garbage collection that found the object dead, so no call of the batch is on the stack
/// (docs/v8-template-cache.md §4).
///
/// # Safety
/// Called by N-API only, as the finalizer `count_in_batch` attached, on env's thread; `hint` is
/// a batch id.
unsafe extern "C" fn release_bound(
    env: sys::napi_env,
    _data: *mut std::ffi::c_void,
    hint: *mut std::ffi::c_void,
) {
    // SAFETY: the operations below need only this function's contract (# Safety): called by N-API
    // only, as the finalizer `count_in_batch` attached, on env's thread; `hint` is a batch id.
    unsafe {
        let (set, bytes) = thread::release_bound(hint as usize as u64);
        if bytes != 0 {
            let mut total = 0;
            // SAFETY: finalizers run on env's thread with env alive. Status ignored: as in `keep`.
            let _ = sys::napi_adjust_external_memory(env, -bytes, &mut total);
        }
        // Dropped outside the state borrow (as `close` does).
        drop(set);
    }
}
fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(params: &[&str], result: &str) -> Signature {
        let p: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        Signature::parse(&p, result).expect("a valid signature")
    }

    #[test]
    fn plans_are_classified_once_per_signature_and_equal_classify() {
        let s = sig(&["i32", "f64", "pointer"], "i64");
        let a = plan_for(&s);
        let b = plan_for(&sig(&["i32", "f64", "pointer"], "i64"));
        assert!(std::rc::Rc::ptr_eq(&a, &b), "one plan per signature");
        assert_eq!(*a, classify(&s));
        let c = plan_for(&sig(&["f64"], "f64"));
        assert_eq!(*c, classify(&sig(&["f64"], "f64")));
    }

    #[test]
    fn signatures_with_structs_are_classified_but_not_cached() {
        let s = sig(&["struct{x:f64,y:f64}", "i32"], "struct{a:u64,b:u64,c:u64}");
        let before = PLANS.with(|p| p.borrow().len());
        let a = plan_for(&s);
        assert_eq!(*a, classify(&s));
        assert!(!std::rc::Rc::ptr_eq(&a, &plan_for(&s)), "not kept");
        PLANS.with(|p| {
            assert_eq!(p.borrow().len(), before);
            assert!(!p.borrow().contains_key(&s));
        });
    }

    #[test]
    fn the_plan_cache_stays_bounded_and_right() {
        // 2,046 distinct signatures (1 to 10 parameters, each i32 or f64): more than the cache
        // holds; every plan is still the one classify gives.
        for n in 1..=10u32 {
            for bits in 0..(1u32 << n) {
                let params: Vec<&str> = (0..n)
                    .map(|k| if bits >> k & 1 == 1 { "f64" } else { "i32" })
                    .collect();
                let s = sig(&params, "i32");
                assert_eq!(*plan_for(&s), classify(&s));
                PLANS.with(|p| assert!(p.borrow().len() <= PLAN_CACHE_MAX));
            }
        }
    }
}
