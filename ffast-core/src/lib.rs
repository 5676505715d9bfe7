//! ffast-core: the parts of ffast that know neither an ABI's rules nor Node.
//!
//! definition → [`Signature`] → [`CallPlan`] (an ABI crate) → instructions → bytes
//! ([`encode`], [`trampoline`]) → sealed executable memory ([`jit`]).

pub mod area;
pub mod desc;
pub mod encode;
pub mod error;
pub mod fiber;
pub mod jit;
pub mod layout;
pub mod plan;
pub mod signature;
pub mod trampoline;
pub mod types;

pub use error::Error;
pub use plan::{AreaArg, AreaRet, AreaSrc, ArgPlan, CallPlan, Isa, Loc, RetPlan, StackSlots};
pub use signature::{Aggregate, Param, Signature};
pub use types::{Type, ValueClass};
