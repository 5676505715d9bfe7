//! Golden listings of generated trampolines: every trampoline an ABI crate pins, emitted with
//! fixed addresses ([`targets`]) and written as text, one instruction a line, with its offset and
//! bytes, into files checked into that crate (`tests/golden/{scalars,aggregates}.txt`). A test renders
//! them again and compares; a mismatch prints, per trampoline that changed, a line diff.
//!
//! - x86-64: the text is iced-x86's Intel syntax, computed at test time, so the whole line is
//!   compared: offset, bytes, instruction.
//! - AArch64: the text is GNU objdump's (`aarch64-linux-gnu-objdump`), like the encoder's golden
//!   file is GNU as's (`scripts/gen-arm64-golden.sh`): it is written when the file is
//!   regenerated, and a test compares offsets and instruction words (the text stays what the
//!   file says when the word is the same). A mismatch shows objdump's text for the new words
//!   when objdump is installed, the words alone otherwise.
//!
//! Regenerate every golden file (after a change that is meant to change code) with
//! `bash scripts/gen-trampoline-golden.sh`, which runs these tests with `FFAST_BLESS=1`.

use crate::structs::Shape;
use ffast_core::trampoline::{self, ErrnoTargets, FastTargets};
use ffast_core::{CallPlan, Isa, Signature};
use std::fmt::Write as _;
use std::path::Path;

/// Set (to anything) to rewrite golden files instead of comparing with them.
pub const BLESS: &str = "FFAST_BLESS";
/// The command that regenerates the golden files.
pub const REGENERATE: &str = "bash scripts/gen-trampoline-golden.sh";

/// The addresses embedded in pinned trampolines: fixed, so the listings are stable.
pub fn targets(fallback: bool) -> FastTargets {
    FastTargets {
        target: 0x1111_2222_3333,
        wide_slot: 0x4444_5555_6666,
        str_in: 0x7777_8888_9999,
        str_free: 0xaaaa_bbbb_cccc,
        str_release: 0x9999_aaaa_bbbb,
        buf_addr: 0xdddd_eeee_ffff,
        // 16-aligned, as a binding's area is.
        area: 0x1234_5678_9ab0,
        fallback,
    }
}

/// Representative scalar signatures (tail call, float/int mix, stack arguments, helpers, result
/// conversion, narrow types). Aggregate support left their fast trampolines and invokers
/// byte-identical to what they were before aggregates existed (commit 75e802b); the golden files
/// list them first.
pub const SCALARS: [(&[&str], &str); 7] = [
    (&["i32", "i32"], "i32"),
    (&["f64", "i32", "f64"], "f64"),
    (&["i64"; 8], "i64"),
    (&["string", "buffer", "usize"], "u32"),
    (&[], "u64"),
    (&["f64"; 10], "f64"),
    (&["i8", "u16"], "bool"),
];

/// A signature as parameter and result type texts.
pub type Sig = (Vec<String>, String);

/// One pinned trampoline: its title and its code, or why it was refused.
pub struct Listing {
    pub title: String,
    pub code: Result<Vec<u8>, String>,
}

fn sig_text<S: AsRef<str>>(params: &[S], result: &str) -> String {
    let params: Vec<&str> = params.iter().map(AsRef::as_ref).collect();
    format!("({}) -> {result}", params.join(", "))
}

/// Scalar signatures of the test kit's cases and the ABI crates' own trampoline tests, after
/// [`SCALARS`]: every shape the trampoline tests run (string results, narrow arguments and
/// results, stack arguments on both sides, helpers, fallbacks, callback entries).
pub const MORE_SCALARS: &[(&[&str], &str)] = &[
    // Variadic shapes (docs/variadic.md): a float widened to double in a vector register and in
    // stack slots (past xmm7 / v7, and every one on Apple arm64), a narrow integer promoted.
    (&["string", "...", "f32", "i8", "f64"], "i32"),
    (
        &[
            "i32", "...", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "u16",
        ],
        "f64",
    ),
    (&["string"], "usize"),
    (&["string", "string"], "i32"),
    (&["string", "f64", "string"], "i64"),
    (&[], "string"),
    (&["i32", "pointer"], "string"),
    (&["string"], "string"),
    (&["string", "i32"], "string"),
    (
        &[
            "i64", "i64", "i64", "i64", "i64", "i64", "i64", "i64", "string", "string",
        ],
        "string",
    ),
    (&["string", "string"], "string"),
    (&["string", "string", "string", "i32", "i32"], "string"),
    (&["f32", "f32"], "f32"),
    (&["i8"], "u64"),
    (&["u8"], "u64"),
    (&["i16"], "u64"),
    (&["u16"], "u64"),
    (&["bool"], "u64"),
    (&[], "i8"),
    (&[], "u16"),
    (&[], "bool"),
    (&[], "i32"),
    (&[], "i64"),
    (&["pointer"], "pointer"),
    (&["buffer", "usize"], "u32"),
    (&["buffer", "buffer"], "i64"),
    (
        &[
            "i64", "i64", "i64", "i64", "i64", "i64", "i64", "i64", "buffer",
        ],
        "i64",
    ),
    (&["string"], "u64"),
    (&["string"], "i8"),
    (&["i64"; 7], "u64"),
    (&["i64"; 7], "i8"),
    (&["i64"; 9], "u64"),
    (&["i64"; 10], "i64"),
    (&["i32"; 8], "i32"),
    (
        &[
            "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "i8", "u16", "i32",
            "i64", "u8", "i16", "i32",
        ],
        "f64",
    ),
    (
        &[
            "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "i8", "u16", "i32",
            "i64", "u8", "i16", "i32", "i8", "u16",
        ],
        "f64",
    ),
    (&["i8", "u8", "i16", "u16", "i32", "u32", "bool"], "i64"),
    (
        &[
            "i64", "i64", "i64", "i64", "i64", "i64", "i8", "u16", "i32", "u8", "f64", "f64",
            "f64", "f64", "f64", "f64", "f64", "f64", "f32", "f64",
        ],
        "f64",
    ),
    (&["f32", "f64"], "f32"),
    (&["u64", "i64"], "u64"),
    (&["i32"], "void"),
];

/// The aggregate signatures of the test kit's struct cases ([`crate::structs::cases`]) for
/// shape `S`, and the over-aligned stack argument of the x64 alignment test.
fn aggregate_signatures<S: Shape>(out: &mut Vec<Sig>) {
    let t = S::TEXT;
    let mut add = |params: &[&str], result: &str| {
        out.push((
            params.iter().map(|p| p.to_string()).collect(),
            result.into(),
        ))
    };
    add(&[t], "f64");
    add(&["i32", t, "f64"], "f64");
    add(&[t, t], "f64");
    add(
        &["i64", "i64", "i64", "i64", "i64", t, "i64", "i64", "f64"],
        "f64",
    );
    add(&["i64", "i64", "i64", "i64", "i64", "i64", t, "i64"], "f64");
    add(
        &["i64", "i64", "i64", "i64", "i64", "i64", "i64", t, "i64"],
        "f64",
    );
    add(
        &[
            "f64", "f64", "f64", "f64", "f64", "f64", "f64", t, "f64", "i64",
        ],
        "f64",
    );
    add(
        &[
            "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", t, "f64",
        ],
        "f64",
    );
    add(&["f64"], t);
    add(
        &[
            "i64", "i64", "i64", "i64", "i64", "i64", "f64", "i64", "i64",
        ],
        t,
    );
}

/// The signatures with pinned trampolines, by golden file: `scalars` ([`SCALARS`], then
/// [`MORE_SCALARS`]) and `aggregates` (those of every shape of [`crate::structs`]).
pub fn signatures() -> [(&'static str, Vec<Sig>); 2] {
    let owned = |(p, r): (&[&str], &str)| (p.iter().map(|s| s.to_string()).collect(), r.into());
    let scalars = SCALARS
        .into_iter()
        .chain(MORE_SCALARS.iter().copied())
        .map(owned)
        .collect();
    let mut aggregates = Vec::new();
    crate::for_each_shape!(aggregate_signatures, &mut aggregates);
    [("scalars", scalars), ("aggregates", aggregates)]
}

/// Signatures whose `errno: true` trampolines are pinned too (docs/errno.md): a direct one (it
/// then calls instead of tail-calling), one converting a wide result, a framed one (string
/// helper and frees after the call), one with stack arguments.
pub const ERRNO_SCALARS: [(&[&str], &str); 4] = [
    (&["i32", "i32"], "i32"),
    (&["i32", "i64"], "i64"),
    (&["i32", "string"], "string"),
    (&["i64"; 8], "i64"),
];

/// Callback entries with aggregates that are pinned: registers between scalars and a register
/// result (SysV INTEGER+SSE, an AArch64 HFA), a memory result after seven integers with a
/// 24-byte parameter (SysV: hidden pointer in rdi and a stack image; AArch64: x8 and a copy by
/// reference), and a 12-byte float struct in and out.
pub const AGGREGATE_CALLBACKS: [(&[&str], &str); 3] = [
    (
        &["i32", "struct{a:i32,b:i32}", "f64"],
        "struct{a:i64,b:f64}",
    ),
    (
        &[
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "i64",
            "struct{a:i64,b:i64,c:i64}",
        ],
        "struct{a:f64,b:f64,c:f64,d:f64}",
    ),
    (&["struct{a:f32,b:f32,c:f32}"], "struct{a:f32,b:f32,c:f32}"),
];

/// Fixed addresses the errno trampolines exchange through, and libc's errno function.
pub const ERRNO: ErrnoTargets = ErrnoTargets {
    errno_addr: 0x1212_3434_5656,
    saved: 0x7878_9a9a_bcbc,
};
pub const ERRNO_LOCATION: usize = 0x2323_4545_6767;

/// Fixed addresses of the callback entries and the slow stub.
pub const CALLBACK_CTX: usize = 0x5555_6666_7777;
pub const CALLBACK_DISPATCH: usize = 0x8888_9999_aaaa;
pub const SLOW_CALLBACK: usize = 0xbbbb_cccc_dddd;
pub const SLOW_DATA: usize = 0xeeee_ffff_0000;

/// The pinned trampolines of `classify` for `signatures`, in file order: per signature its fast
/// trampoline (and the one that may ask V8 for its fallback, for a signature with a buffer),
/// its invoker and, for a scalar-only one, its callback entry; `slow_stub` adds the slow stub.
pub fn listings(
    classify: fn(&Signature) -> CallPlan,
    signatures: &[Sig],
    slow_stub: bool,
) -> Vec<Listing> {
    let mut out = Vec::new();
    let t = targets(false);
    let err = |e: ffast_core::Error| e.to_string();
    let mut seen = std::collections::HashSet::new();
    for (params, result) in signatures {
        if !seen.insert((params, result)) {
            continue;
        }
        let plan = classify(&Signature::parse(params, result).expect("signature"));
        let s = sig_text(params, result);
        out.push(Listing {
            title: format!("fast {s}"),
            code: trampoline::fast(&plan, &t).map_err(err),
        });
        if params.iter().any(|p| p == "buffer") {
            out.push(Listing {
                title: format!("fast, fallback {s}"),
                code: trampoline::fast(&plan, &targets(true)).map_err(err),
            });
        }
        out.push(Listing {
            title: format!("invoker {s}"),
            code: trampoline::invoker(&plan, t.target, t.area).map_err(err),
        });
        if !plan.uses_area() {
            out.push(Listing {
                title: format!("callback entry {s}"),
                code: trampoline::callback_entry(&plan, CALLBACK_CTX, CALLBACK_DISPATCH)
                    .map_err(err),
            });
        }
    }
    if slow_stub {
        let isa = classify(&Signature::parse::<&str>(&[], "void").expect("signature")).isa;
        out.push(Listing {
            title: "slow stub".into(),
            code: trampoline::slow_stub(isa, SLOW_CALLBACK, SLOW_DATA).map_err(err),
        });
        // Aggregate callback entries (docs/callbacks.md §5): one per §3 shape and result kind.
        // On arm64 the listing is the refusal until its emitter stores aggregates.
        for (params, result) in AGGREGATE_CALLBACKS {
            let plan = classify(&Signature::parse(params, result).expect("signature"));
            out.push(Listing {
                title: format!("callback entry {}", sig_text(params, result)),
                code: trampoline::callback_entry(&plan, CALLBACK_CTX, CALLBACK_DISPATCH)
                    .map_err(err),
            });
        }
        for (params, result) in ERRNO_SCALARS {
            let plan = classify(&Signature::parse(params, result).expect("signature"));
            let s = sig_text(params, result);
            out.push(Listing {
                title: format!("fast, errno {s}"),
                code: trampoline::fast_errno(&plan, &t, Some(ERRNO)).map_err(err),
            });
            out.push(Listing {
                title: format!("invoker, errno {s}"),
                code: trampoline::invoker_errno(&plan, t.target, t.area, Some(ERRNO_LOCATION))
                    .map_err(err),
            });
        }
    }
    out
}

/// The golden text of `listings` for `isa`. `arm64_text(code, offset)` gives the text of the
/// AArch64 instruction at `offset` of `code`.
fn render(
    isa: Isa,
    listings: &[Listing],
    arm64_text: &mut dyn FnMut(&str, &[u8]) -> Vec<String>,
) -> String {
    let mut s = String::new();
    writeln!(
        s,
        "# Trampolines generated for ffast-testkit's golden signatures (ffast_testkit::golden),\n\
         # with fixed addresses. Do not edit by hand; regenerate with `{REGENERATE}`.\n\
         # <offset>  <bytes>  <instruction>"
    )
    .unwrap();
    for l in listings {
        writeln!(s, "\n== {}", l.title).unwrap();
        match &l.code {
            Err(why) => writeln!(s, "refused: {why}").unwrap(),
            Ok(code) => {
                let lines = match isa {
                    Isa::X64 => x64_lines(code),
                    Isa::Arm64 => {
                        let text = arm64_text(&l.title, code);
                        code.chunks(4)
                            .zip(text)
                            .enumerate()
                            .map(|(i, (w, t))| {
                                let word = u32::from_le_bytes(w.try_into().expect("whole words"));
                                format!("{:04x}  {word:08x}  {t}", 4 * i)
                                    .trim_end()
                                    .to_string()
                            })
                            .collect()
                    }
                };
                for line in lines {
                    writeln!(s, "{line}").unwrap();
                }
            }
        }
    }
    s
}

/// iced-x86's Intel-syntax listing of `code`, one line an instruction.
fn x64_lines(code: &[u8]) -> Vec<String> {
    use iced_x86::{Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter};
    let mut dec = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut fmt = IntelFormatter::new();
    let mut ins = Instruction::default();
    let mut out = Vec::new();
    while dec.can_decode() {
        dec.decode_out(&mut ins);
        let at = ins.ip() as usize;
        let bytes: String = code[at..at + ins.len()]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut text = String::new();
        fmt.format(&ins, &mut text);
        out.push(format!("{at:04x}  {bytes:<20}  {text}"));
    }
    out
}

/// GNU objdump's text for each word of AArch64 `code`, or `None` when objdump cannot run.
fn objdump_arm64(code: &[u8]) -> Option<Vec<String>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let tool = std::env::var("FFAST_OBJDUMP_ARM64").unwrap_or("aarch64-linux-gnu-objdump".into());
    let file = std::env::temp_dir().join(format!(
        "ffast-golden-{}-{}.bin",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&file, code).ok()?;
    let out = std::process::Command::new(&tool)
        .args(["-D", "-b", "binary", "-m", "aarch64"])
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    let out = out.ok().filter(|o| o.status.success())?;
    // Lines `   <hex offset>:\t<word> \t<mnemonic>\t<operands>`.
    let mut text = vec![String::new(); code.len() / 4];
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((off, rest)) = line.trim_start().split_once(":\t") else {
            continue;
        };
        let (Ok(off), Some((_, ins))) = (usize::from_str_radix(off, 16), rest.split_once(" \t"))
        else {
            continue;
        };
        if let Some(t) = text.get_mut(off / 4) {
            *t = ins.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    // The literal pool after the code: objdump decodes its words as instructions. Each
    // `ldr xN, 0x<offset>` (LDR literal) names a 64-bit literal: show it as the value it is.
    let literals: Vec<usize> = text
        .iter()
        .filter_map(|t| {
            let (_, at) = t.strip_prefix("ldr x")?.split_once(", 0x")?;
            usize::from_str_radix(at.split_whitespace().next()?, 16).ok()
        })
        .collect();
    for at in literals {
        if at % 8 == 0 && at + 8 <= code.len() {
            let v = u64::from_le_bytes(code[at..at + 8].try_into().unwrap());
            text[at / 4] = format!(".quad 0x{v:x} (literal, low word)");
            text[at / 4 + 1] = "(literal, high word)".into();
        }
    }
    Some(text)
}

/// Sections of a golden text: (title, lines).
fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("== ") {
            out.push((title.to_string(), Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            if !line.is_empty() {
                lines.push(line.to_string());
            }
        }
    }
    out
}

/// Compare `classify`'s pinned trampolines with the golden files `scalars.txt` and
/// `aggregates.txt` in `dir` (or rewrite them, with [`BLESS`] set). Panics with a readable diff
/// on a mismatch.
pub fn check(classify: fn(&Signature) -> CallPlan, dir: &Path) {
    let mut failures = String::new();
    for (name, sigs) in signatures() {
        let path = dir.join(format!("{name}.txt"));
        let items = listings(classify, &sigs, name == "scalars");
        if let Err(diff) = check_file(classify, &items, &path) {
            failures.push_str(&diff);
        }
    }
    if !failures.is_empty() {
        panic!("{failures}\nIf the change is intended, regenerate with `{REGENERATE}` and review the diff.");
    }
}

fn check_file(
    classify: fn(&Signature) -> CallPlan,
    items: &[Listing],
    path: &Path,
) -> Result<(), String> {
    let isa = classify(&Signature::parse::<&str>(&[], "void").expect("signature")).isa;
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let bless = std::env::var_os(BLESS).is_some();
    // AArch64 text: objdump's when regenerating; otherwise the file's own text for a word it
    // already has at that offset, objdump's (if installed) for a word that changed.
    let known = sections(&old);
    let mut arm64_text = |title: &str, code: &[u8]| -> Vec<String> {
        let n = code.len() / 4;
        if bless {
            return objdump_arm64(code).unwrap_or_else(|| {
                panic!("regenerating AArch64 golden files needs aarch64-linux-gnu-objdump (apt-get install binutils-aarch64-linux-gnu)")
            });
        }
        let old_lines = known
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, l)| l.as_slice())
            .unwrap_or(&[]);
        let mut text: Vec<Option<String>> = (0..n)
            .map(|i| {
                let word = u32::from_le_bytes(code[4 * i..4 * i + 4].try_into().unwrap());
                let want = format!("{:04x}  {word:08x}", 4 * i);
                old_lines.iter().find_map(|l| {
                    l.strip_prefix(&want)
                        .map(|rest| rest.trim_start().to_string())
                })
            })
            .collect();
        if text.iter().any(Option::is_none) {
            let fresh = objdump_arm64(code);
            for (i, t) in text.iter_mut().enumerate() {
                if t.is_none() {
                    *t = Some(fresh.as_ref().map(|f| f[i].clone()).unwrap_or_default());
                }
            }
        }
        text.into_iter().map(Option::unwrap_or_default).collect()
    };
    let new = render(isa, items, &mut arm64_text);
    if bless {
        std::fs::create_dir_all(path.parent().expect("golden file in a directory"))
            .expect("golden directory");
        std::fs::write(path, &new).expect("golden file written");
        return Ok(());
    }
    if new != old {
        return Err(format!(
            "generated trampolines differ from {}:\n{}",
            path.display(),
            diff(&old, &new)
        ));
    }
    Ok(())
}

/// Per section that changed, its lines as a diff (`-` golden, `+` now); at most 12 sections.
fn diff(old: &str, new: &str) -> String {
    let (old, new) = (sections(old), sections(new));
    let mut out = String::new();
    let mut shown = 0;
    let mut changed = 0;
    let find = |s: &[(String, Vec<String>)], t: &str| s.iter().position(|(x, _)| x == t);
    let mut titles: Vec<&str> = new.iter().map(|(t, _)| t.as_str()).collect();
    titles.extend(
        old.iter()
            .map(|(t, _)| t.as_str())
            .filter(|t| find(&new, t).is_none()),
    );
    for title in titles {
        let a = find(&old, title).map(|i| old[i].1.as_slice());
        let b = find(&new, title).map(|i| new[i].1.as_slice());
        if a == b {
            continue;
        }
        changed += 1;
        if shown == 12 {
            continue;
        }
        shown += 1;
        match (a, b) {
            (None, _) => writeln!(out, "\n+== {title}   (new: not in the golden file)").unwrap(),
            (_, None) => writeln!(
                out,
                "\n-== {title}   (in the golden file, no longer generated)"
            )
            .unwrap(),
            (Some(a), Some(b)) => {
                writeln!(out, "\n== {title}").unwrap();
                for line in line_diff(a, b) {
                    writeln!(out, "{line}").unwrap();
                }
            }
        }
    }
    if changed > shown {
        writeln!(out, "\n… and {} more changed trampolines", changed - shown).unwrap();
    }
    out
}

/// A longest-common-subsequence line diff: ` ` kept, `-` removed, `+` added.
fn line_diff(a: &[String], b: &[String]) -> Vec<String> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(format!("  {}", a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", a[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
    }
    out
}

/// The fallback flag changes the fast trampoline of the signatures with a buffer and of
/// no other.
pub fn fallback_changes_only_buffers(classify: fn(&Signature) -> CallPlan) {
    for (params, result) in SCALARS {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let with = trampoline::fast(&plan, &targets(true)).unwrap();
        let without = trampoline::fast(&plan, &targets(false)).unwrap();
        assert_eq!(
            with != without,
            params.contains(&"buffer"),
            "{params:?} -> {result}"
        );
    }
}

/// The `str_release` helper appears in the fast trampoline of a signature exactly when it
/// has a `string` result and a `string` argument: every other trampoline is the same
/// whatever its address (so byte-identical to before it existed).
pub fn str_release_changes_only_string_results(classify: fn(&Signature) -> CallPlan) {
    for (params, result) in SCALARS.into_iter().chain(MORE_SCALARS.iter().copied()) {
        let plan = classify(&Signature::parse(params, result).unwrap());
        let mut t = targets(false);
        let a = trampoline::fast(&plan, &t).unwrap();
        t.str_release = 0x0102_0304_0506;
        let b = trampoline::fast(&plan, &t).unwrap();
        assert_eq!(
            a != b,
            result == "string" && params.contains(&"string"),
            "{params:?} -> {result}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn line_diff_marks_what_changed() {
        assert_eq!(
            line_diff(&lines("a b c d"), &lines("a x c d e")),
            ["  a", "- b", "+ x", "  c", "  d", "+ e"]
        );
    }

    #[test]
    fn diff_names_new_gone_and_changed_trampolines() {
        let old = "# h\n\n== one\n0000  c3  ret\n\n== gone\n0000  90  nop\n";
        let new = "# h\n\n== one\n0000  cc  int3\n\n== fresh\n0000  90  nop\n";
        let d = diff(old, new);
        assert!(
            d.contains("== one\n- 0000  c3  ret\n+ 0000  cc  int3"),
            "{d}"
        );
        assert!(d.contains("+== fresh"), "{d}");
        assert!(d.contains("-== gone"), "{d}");
        assert_eq!(diff(old, old), "");
    }
}
