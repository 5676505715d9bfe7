//! Diagnostics and test hooks: counts and routes the tests and the measurements read.

use super::common::raw;
use super::types::TYPE_HANDLES;
use crate::{callback, fiber, loader, nonblocking, thread, v8, value};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// What `dlopen(path)` with default options would decide (tests, diagnostics and the
/// measurements of docs/loading.md: `__internal.loadCheck`). Loads nothing. `first`: stop at
/// the first collision as `dlopen` does; otherwise every collision and hazard is counted.
#[napi]
pub fn load_check(env: Env, path: String, first: Option<bool>) -> Result<Unknown<'static>> {
    let t0 = std::time::Instant::now();
    let d = loader::decide_with(&path, loader::Deep::Auto, !first.unwrap_or(false));
    let us = t0.elapsed().as_secs_f64() * 1e6;
    let mut obj = Object::new(&env)?;
    obj.set("deep", d.deep)?;
    obj.set("loaded", d.loaded)?;
    obj.set("collisions", d.collisions)?;
    obj.set("collisionCount", d.collision_count as u32)?;
    obj.set("hazards", d.hazards)?;
    obj.set("hazardCount", d.hazard_count as u32)?;
    obj.set("objects", d.objects as u32)?;
    obj.set("skipped", d.skipped)?;
    obj.set("micros", us)?;
    Ok(raw(&env, obj.raw()))
}
/// Every base type spelling with its canonical name (`[["int", "i32"], …]`), from ffast-core's
/// one list (`types::SPELLINGS`): tests check index.d.ts against it (docs/pointers.md §3).
#[napi]
pub fn type_spellings() -> Vec<Vec<String>> {
    ffast_core::types::SPELLINGS
        .iter()
        .map(|&(s, t)| vec![s.to_string(), t.name().to_string()])
        .collect()
}

/// How many type handles are alive (tests).
#[napi]
pub fn type_handles() -> f64 {
    TYPE_HANDLES.load(std::sync::atomic::Ordering::Relaxed) as f64
}
/// Executable pages held by this thread's libraries and bound functions (tests check that
/// `close()` returns them).
#[napi]
pub fn jit_pages() -> u32 {
    thread::jit_pages() as u32
}
/// Nonblocking calls of this thread still in flight.
#[napi]
pub fn pending_calls() -> f64 {
    thread::pending_calls() as f64
}
/// Which fast-path route buffer arguments take on this V8 (runs the raw-view self-check on
/// V8 11/12 if no binding has yet): `raw` (off-heap typed arrays read directly), `fallback`
/// (V8 11 without the raw read: on-heap arrays still fall back), `general`, or `none` (no fast
/// calls).
#[napi]
pub fn buffer_route(env: Env) -> &'static str {
    match v8::V8::get() {
        Err(_) => "none",
        // SAFETY: inside this N-API call on env's thread.
        Ok(api) if unsafe { value::views::raw_reads(env.raw(), api) } => "raw",
        Ok(api) if api.buffer_fallback => "fallback",
        Ok(_) => "general",
    }
}
/// Nonblocking calls this thread ran on its lane (the rest ran on the libuv pool).
#[napi]
pub fn lane_calls() -> f64 {
    nonblocking::lane::calls() as f64
}
/// How many times this thread ran the slow path (tests prove the fast path with it).
#[napi]
pub fn slow_calls() -> f64 {
    thread::slow_calls() as f64
}
/// How many times this thread ran the slow path of ffast's own helpers (`internal` bindings:
/// the string cache's lookup, the fiber mode's resumes), which slowCalls() leaves out.
#[napi]
pub fn internal_slow_calls() -> f64 {
    thread::internal_slow_calls() as f64
}
/// Tests: open and close a HandleScope of the callback route around `n` new handles; true when
/// V8's handle count is right inside and restored after, null on the N-API route.
#[napi]
pub fn callback_scope_test(n: u32) -> Option<bool> {
    // SAFETY: an N-API call on a JS thread; the handles live in the scope the test opens.
    v8::call::get().and_then(|js| unsafe { js.scope_self_test(n as usize) })
}
/// `[live, recycled]` callback trampolines on this thread (tests).
#[napi]
pub fn callback_counts() -> Vec<u32> {
    let (live, free) = callback::counts();
    vec![live as u32, free as u32]
}
/// Callback trampolines made by the whole process, every thread included (tests: they are
/// reused across worker lifetimes rather than made anew).
#[napi]
pub fn callback_slots_made() -> u32 {
    callback::slots_made() as u32
}
/// The fiber mode (crate::fiber), process-wide: `[on, callbacks parked, fiber stacks mapped,
/// fiber stacks unmapped, callbacks parked for the JS loop, mode]` (tests: the mode really
/// parks, and takes the fast park where it should; stacks are reused, and unmapped at
/// teardown). `on`: 1 when tracked calls may run on fibers; `mode`: 0 off (`FFAST_NO_FIBER`),
/// 1 per function (the default: `fiber: true` functions, fiber::Choice), 2 every tracked call
/// (`FFAST_FIBER`). A
/// tracked call's parks are counted when it returns.
#[napi]
pub fn fiber_counts() -> Vec<f64> {
    let (parks, mapped, unmapped, fast) = fiber::counts();
    vec![
        fiber::enabled() as u8 as f64,
        parks as f64,
        mapped as f64,
        unmapped as f64,
        fast as f64,
        match crate::config::get().fiber {
            crate::config::FiberMode::Off => 0.0,
            crate::config::FiberMode::PerFunction => 1.0,
            crate::config::FiberMode::Always => 2.0,
        },
    ]
}
