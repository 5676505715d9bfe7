//! The shared trampoline encoder: one assembler per instruction set. An assembler encodes the
//! instructions it is told to; it never decides where a value lives (that is the CallPlan's job).

pub mod arm64;
pub mod x64;
