//! The ABI of the target this addon was built for: which `ffast-abi-*` crate classifies a
//! signature. Chosen by target cfg, the OS as much as the architecture (darwin's arm64 ABI is
//! not linux's).

cfg_if::cfg_if! {
    if #[cfg(all(target_arch = "x86_64", not(windows)))] {
        /// This target's CallPlan for a signature (callers check [`supported`] first).
        pub use ffast_abi_sysv64::classify;
        const SUPPORTED: bool = true;
    } else if #[cfg(all(target_arch = "aarch64", target_os = "linux"))] {
        /// This target's CallPlan for a signature (callers check [`supported`] first).
        pub use ffast_abi_aapcs64::classify;
        const SUPPORTED: bool = true;
    } else if #[cfg(all(target_arch = "aarch64", target_vendor = "apple"))] {
        /// This target's CallPlan for a signature (callers check [`supported`] first).
        pub use ffast_abi_darwin::classify;
        const SUPPORTED: bool = true;
    } else {
        use ffast_core::{CallPlan, Signature};
        /// No ABI crate for this target: never called ([`supported`] is false).
        pub fn classify(_: &Signature) -> CallPlan {
            unreachable!("guarded by supported()")
        }
        const SUPPORTED: bool = false;
    }
}

/// Whether this target has an ABI crate.
pub fn supported() -> bool {
    SUPPORTED
}
