#!/usr/bin/env bash
# Regenerate the golden disassembly of pinned trampolines, tests/golden/{scalars,aggregates}.txt in each
# ABI crate (ffast_testkit::golden says which trampolines, with which fixed addresses): the x64
# text is iced-x86's, the arm64 text GNU objdump's. Run it after a change that is meant to
# change generated code, then review `git diff` of the golden files.
#
# Needs: apt-get install -y --no-install-recommends binutils-aarch64-linux-gnu
set -euo pipefail
cd "$(dirname "$0")/.."
command -v "${FFAST_OBJDUMP_ARM64:-aarch64-linux-gnu-objdump}" >/dev/null || {
  echo "missing aarch64-linux-gnu-objdump (apt-get install binutils-aarch64-linux-gnu)" >&2
  exit 1
}
FFAST_BLESS=1 cargo test -q -p ffast-abi-sysv64 -p ffast-abi-aapcs64 -p ffast-abi-darwin --test trampoline_golden
git status --short -- '*/tests/golden/'
