//! Test support shared by the ABI crates' trampoline tests (a dev-dependency only: never part
//! of a build of ffast): stand-ins for the helpers ffast-node provides, a C-fixture
//! compiler, and a builder that emits, seals and returns callable trampolines for a plan.
//!
//! - [`helpers`]: stand-ins for ffast-node's string and buffer helpers, V8's option block;
//! - [`targets`]: C-callable Rust functions the string cases call;
//! - [`harness`]: a plan's trampolines emitted, sealed and callable ([`fast_fn!`], [`invoke`]);
//! - [`fixture`]: C fixtures compiled and loaded, [`AbiTests`] for an ABI crate's own fixture;
//! - [`cases`]: the trampoline cases every ABI crate runs (one `#[test]` each through
//!   [`shared_trampoline_tests!`] and [`shared_fallback_tests!`]);
//! - [`structs`]: the aggregate shapes of `testdata/structs.c` and their cases;
//! - [`callback_plans`]: the shapes callback entries rely on, checked over a classifier;
//! - [`callback_aggregates`]: callback entries with structs by value, called from Rust;
//! - [`callbacks`]: callback entries called from C;
//! - [`tables`]: rows and shapes for classification tables;
//! - [`golden`]: golden disassembly of pinned trampolines.

pub mod callback_aggregates;
pub mod callback_plans;
pub mod callbacks;
pub mod cases;
pub mod fixture;
pub mod golden;
pub mod harness;
pub mod helpers;
pub mod structs;
pub mod tables;
pub mod targets;

pub use fixture::{compile_fixture, AbiTests, Fixture};
pub use harness::{build, build_with, invoke, Built};
pub use helpers::{
    buf_addr, kept_address, str_free, str_in, str_in_calls, str_release, OneByte, Options, RECV,
};
pub use tables::{area_args, area_rets, shapes};
