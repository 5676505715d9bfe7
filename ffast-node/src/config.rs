//! Every `FFAST_*` environment knob the native side reads, read once per process, on first use
//! (the switches are process-wide: a worker sees what the main thread saw). README "Platforms"
//! and "Loading a library by path" document the public ones; the `FFAST_TEST_*` ones exist for
//! tests of routes a normal run never takes. (index.js reads its own: `FFAST_NATIVE`,
//! `FFAST_QUIET`, and `FFAST_NO_FAST` for its warning.)
//!
//! A flag counts as set when the variable exists at all, whatever its value (`FFAST_NO_FAST=`
//! included); `FFAST_DEBUG` is a comma-separated list of topics.

use std::sync::OnceLock;

/// The knobs, as read from the environment.
#[derive(Debug)]
pub struct Config {
    /// `FFAST_NO_FAST`: no V8 fast calls at all (every function is a plain N-API function).
    pub no_fast: bool,
    /// `FFAST_TRUST_V8`: try fast calls on a V8 whose layouts were not verified
    /// (`VERIFIED` in v8::api).
    pub trust_v8: bool,
    /// `FFAST_TEST_UNVERIFIED_V8`: count the running V8 as unverified (tests of the fallback
    /// path: warning + N-API functions).
    pub test_unverified_v8: bool,
    /// `FFAST_TEST_NAPI_CALLBACKS`: callbacks call JS through N-API even where V8's API could
    /// (tests run the callback suite on both routes).
    pub test_napi_callbacks: bool,
    /// Where tracked calls run their C code (fiber.rs, docs/callbacks.md §11): by default on a
    /// side stack only for the functions declared `fiber: true`, and of those only while their
    /// calls make many callbacks each (fiber::Choice); `FFAST_FIBER` puts every tracked call
    /// there, `FFAST_NO_FIBER` (which wins) none.
    pub fiber: FiberMode,
    /// `FFAST_NO_RAW_VIEWS`: buffers never take the raw typed-array read (value::views).
    pub no_raw_views: bool,
    /// `FFAST_TEST_TEMPLATE_ROUTE`: force a template-cache route (v8::uncache).
    pub template_route: TemplateRoute,
    /// `FFAST_BENCH_NOPS=k` (0..=64, benchmarks only): k NOPs at the entry of every fast
    /// trampoline (make.rs).
    pub bench_nops: usize,
    /// `FFAST_DEBUG=asm`: print every fast trampoline's bytes.
    pub debug_asm: bool,
    /// `FFAST_DEBUG=dlopen`: print each dlopen decision (loader/).
    pub debug_dlopen: bool,
    /// `FFAST_DEBUG=views`: report the raw typed-array self-check (value::views).
    pub debug_views: bool,
}

/// Which tracked calls run on a fiber (see [`Config::fiber`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiberMode {
    /// `FFAST_NO_FIBER`: none; callbacks call JS through `Function::Call` on the JS stack.
    Off,
    /// The default: those of the functions declared `fiber: true` whose calls make many
    /// callbacks (fiber::Choice). Not every function: a fiber changes the stack C runs on, which
    /// some C code relies on (docs/callbacks.md §11.8).
    PerFunction,
    /// `FFAST_FIBER` (any value): every one (tests run the callback suite this way).
    Always,
}

/// What `FFAST_TEST_TEMPLATE_ROUTE` asks of the template-cache probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateRoute {
    /// Unset (or any other value): the first route the running V8 verifiably supports.
    Probe,
    /// `mark`: skip the field route, take the public mark.
    Mark,
    /// `cached`: functions are made as V8 caches them (neither route).
    Cached,
}

impl Config {
    fn read() -> Config {
        let set = |name: &str| std::env::var_os(name).is_some();
        let debug = std::env::var("FFAST_DEBUG").unwrap_or_default();
        let debug = |topic: &str| debug.split(',').any(|p| p == topic);
        Config {
            no_fast: set("FFAST_NO_FAST"),
            trust_v8: set("FFAST_TRUST_V8"),
            test_unverified_v8: set("FFAST_TEST_UNVERIFIED_V8"),
            test_napi_callbacks: set("FFAST_TEST_NAPI_CALLBACKS"),
            fiber: if set("FFAST_NO_FIBER") {
                FiberMode::Off
            } else if set("FFAST_FIBER") {
                FiberMode::Always
            } else {
                FiberMode::PerFunction
            },
            no_raw_views: set("FFAST_NO_RAW_VIEWS"),
            template_route: match std::env::var("FFAST_TEST_TEMPLATE_ROUTE").as_deref() {
                Ok("mark") => TemplateRoute::Mark,
                Ok("cached") => TemplateRoute::Cached,
                _ => TemplateRoute::Probe,
            },
            bench_nops: std::env::var("FFAST_BENCH_NOPS")
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .map_or(0, |k| k.min(64)),
            debug_asm: debug("asm"),
            debug_dlopen: debug("dlopen"),
            debug_views: debug("views"),
        }
    }
}

/// The process's knobs (read on the first call).
pub fn get() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(Config::read)
}
