//! `CType::layout()` checked against a C compiler: random structs and unions (nested up to depth
//! 3, arrays, every scalar, random `#pragma pack` and member `aligned`) are declared in one C
//! file whose program prints `sizeof`, `_Alignof` and every `offsetof` of every composite; the
//! output must equal the layout engine's.
//!
//! Each run uses a fixed seed and a fresh one from the clock (both printed). Environment:
//! - `FFAST_TEST_SEED=n`: use seed `n` instead of the clock seed (to replay a failure);
//! - `FFAST_TEST_CC`: the compiler command (default `gcc`), e.g. `aarch64-linux-gnu-gcc`;
//! - `FFAST_TEST_RUNNER`: a command to run the binary with, e.g.
//!   `qemu-aarch64-static -L /usr/aarch64-linux-gnu`. Needed whenever `FFAST_TEST_CC` builds for
//!   another architecture: the test never relies on binfmt_misc (docs/arm64-qemu.md).

use std::fmt::Write as _;
use std::process::Command;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ffast_core::layout::{CType, Composite, Field};
use ffast_core::Type;

const FIXED_SEED: u64 = 0x5EED_F0A5_7C0D_E001;
const SHAPES_PER_SEED: usize = 1000;
const MAX_DEPTH: u32 = 3;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, and good enough to pick shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Every type that may be a member, with its C spelling.
const SCALARS: [(Type, &str); 15] = [
    (Type::Bool, "_Bool"),
    (Type::I8, "int8_t"),
    (Type::U8, "uint8_t"),
    (Type::I16, "int16_t"),
    (Type::U16, "uint16_t"),
    (Type::I32, "int32_t"),
    (Type::U32, "uint32_t"),
    (Type::I64, "int64_t"),
    (Type::U64, "uint64_t"),
    (Type::ISize, "intptr_t"),
    (Type::USize, "uintptr_t"),
    (Type::F32, "float"),
    (Type::F64, "double"),
    (Type::Pointer, "void*"),
    (Type::String, "char*"),
];

fn c_scalar(t: Type) -> &'static str {
    SCALARS.iter().find(|s| s.0 == t).map(|s| s.1).unwrap()
}

fn gen_type(rng: &mut Rng, depth: u32) -> CType {
    if depth == 0 || rng.chance(45) {
        return CType::Scalar(SCALARS[rng.below(SCALARS.len())].0);
    }
    match rng.below(4) {
        0 => CType::array(gen_type(rng, depth - 1), 1 + rng.below(4)),
        1 => CType::Union(gen_composite(rng, depth)),
        _ => CType::Struct(gen_composite(rng, depth)),
    }
}

fn gen_composite(rng: &mut Rng, depth: u32) -> Arc<Composite> {
    let n = 1 + rng.below(5);
    let fields = (0..n)
        .map(|i| Field {
            name: format!("f{i}"),
            ty: gen_type(rng, depth - 1),
            align: rng.chance(20).then(|| 1 << rng.below(6)),
        })
        .collect();
    let pack = rng.chance(35).then(|| [1, 2, 4, 8, 16][rng.below(5)]);
    let mut c = Composite::new(fields);
    c.pack = pack;
    Arc::new(c)
}

/// One named composite in the C file.
struct Decl {
    name: String,
    union: bool,
    comp: Arc<Composite>,
    /// Index of the top-level shape it belongs to, and that shape's seed.
    shape: usize,
    seed: u64,
}

/// C declarations, children first; each composite gets a fresh name.
struct Emitter {
    c: String,
    decls: Vec<Decl>,
    /// Byte range of each shape's declarations in `c`, for failure reports.
    spans: Vec<(usize, usize)>,
}

impl Emitter {
    /// Declares every composite inside `t` and returns the C spelling of `t`'s element type and
    /// the array suffix of a declarator (`"struct S3"`, `"[2][3]"`).
    fn declare(&mut self, t: &CType, shape: usize, seed: u64) -> (String, String) {
        match t {
            CType::Scalar(s) => (c_scalar(*s).to_string(), String::new()),
            CType::Array { elem, len } => {
                let (base, dims) = self.declare(elem, shape, seed);
                (base, format!("[{len}]{dims}"))
            }
            CType::Struct(c) | CType::Union(c) => {
                let union = matches!(t, CType::Union(_));
                let fields: Vec<String> = c
                    .fields
                    .iter()
                    .map(|f| {
                        let (base, dims) = self.declare(&f.ty, shape, seed);
                        let attr = f
                            .align
                            .map(|n| format!(" __attribute__((aligned({n})))"))
                            .unwrap_or_default();
                        format!("{base} {}{dims}{attr};", f.name)
                    })
                    .collect();
                let kw = if union { "union" } else { "struct" };
                let name = format!("{}{}", if union { "U" } else { "S" }, self.decls.len());
                if let Some(n) = c.pack {
                    writeln!(self.c, "#pragma pack(push, {n})").unwrap();
                }
                writeln!(self.c, "{kw} {name} {{ {} }};", fields.join(" ")).unwrap();
                if c.pack.is_some() {
                    writeln!(self.c, "#pragma pack(pop)").unwrap();
                }
                self.decls.push(Decl {
                    name: name.clone(),
                    union,
                    comp: c.clone(),
                    shape,
                    seed,
                });
                (format!("{kw} {name}"), String::new())
            }
        }
    }
}

fn env_command(var: &str, default: &str) -> Vec<String> {
    std::env::var(var)
        .unwrap_or_else(|_| default.to_string())
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn random_shapes_match_the_c_compiler() {
    let clock_seed = match std::env::var("FFAST_TEST_SEED") {
        Ok(s) => s.parse().expect("FFAST_TEST_SEED must be a u64"),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
    };
    let seeds = [FIXED_SEED, clock_seed];
    println!(
        "layout_vs_gcc seeds: {FIXED_SEED} (fixed), {clock_seed} (replay with FFAST_TEST_SEED)"
    );

    let mut em = Emitter {
        c: String::from("#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n"),
        decls: Vec::new(),
        spans: Vec::new(),
    };
    for &seed in &seeds {
        let mut rng = Rng(seed);
        for _ in 0..SHAPES_PER_SEED {
            let shape = em.spans.len();
            let top = if rng.chance(25) {
                CType::Union(gen_composite(&mut rng, MAX_DEPTH))
            } else {
                CType::Struct(gen_composite(&mut rng, MAX_DEPTH))
            };
            let start = em.c.len();
            em.declare(&top, shape, seed);
            em.spans.push((start, em.c.len()));
        }
    }

    // One table per composite: sizeof, _Alignof, then each offsetof; main prints them.
    let mut c = em.c.clone();
    for d in &em.decls {
        let ty = format!("{} {}", if d.union { "union" } else { "struct" }, d.name);
        let mut vals = vec![format!("sizeof({ty})"), format!("_Alignof({ty})")];
        vals.extend(
            d.comp
                .fields
                .iter()
                .map(|f| format!("offsetof({ty}, {})", f.name)),
        );
        writeln!(
            c,
            "static const size_t T_{}[] = {{ {} }};",
            d.name,
            vals.join(", ")
        )
        .unwrap();
    }
    c.push_str("struct row { const size_t *v; size_t n; };\nstatic const struct row rows[] = {\n");
    for d in &em.decls {
        writeln!(c, "  {{ T_{0}, sizeof T_{0} / sizeof(size_t) }},", d.name).unwrap();
    }
    c.push_str(
        "};\nint main(void) {\n  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {\n\
         \x20   for (size_t j = 0; j < rows[i].n; j++) printf(\"%zu \", rows[i].v[j]);\n\
         \x20   putchar('\\n');\n  }\n  return 0;\n}\n",
    );

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join("layout_vs_gcc.c");
    let exe = dir.join("layout_vs_gcc");
    std::fs::write(&src, &c).unwrap();
    let cc = env_command("FFAST_TEST_CC", "gcc");
    let out = Command::new(&cc[0])
        .args(&cc[1..])
        .args(["-std=c11", "-w", "-O0", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc:?}: {e} (set FFAST_TEST_CC)"));
    assert!(
        out.status.success(),
        "{cc:?} failed on {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let runner = env_command("FFAST_TEST_RUNNER", "");
    let mut cmd = match runner.split_first() {
        Some((r, args)) => {
            let mut cmd = Command::new(r);
            cmd.args(args).arg(&exe);
            cmd
        }
        None => Command::new(&exe),
    };
    // A program built by a cross compiler runs only through its emulator, named here: under
    // qemu-user a direct exec goes to the host kernel, which without a binfmt_misc entry refuses
    // it (ENOEXEC; through qemu's emulated posix_spawn the child just exits 127).
    let hint = "a program for another architecture needs FFAST_TEST_RUNNER \
                (scripts/arm64.sh sets qemu-aarch64-static)";
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run the compiled layout program {exe:?} with runner {runner:?}: {e}; {hint}")
    });
    assert!(
        out.status.success(),
        "layout program {exe:?} (runner {runner:?}) failed: {out:?}{}",
        if out.status.code() == Some(127) {
            format!("; exit 127: it could not be executed: {hint}")
        } else {
            String::new()
        }
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), em.decls.len(), "one line per composite");

    let mut failures = 0;
    for (d, line) in em.decls.iter().zip(&lines) {
        let want: Vec<usize> = line
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        let l = if d.union {
            d.comp.union_layout()
        } else {
            d.comp.struct_layout()
        }
        .unwrap_or_else(|e| panic!("seed {}: {} has no layout: {e}", d.seed, d.name));
        let mut got = vec![l.size, l.align];
        got.extend(&l.offsets);
        if got != want {
            failures += 1;
            if failures <= 3 {
                let (a, b) = em.spans[d.shape];
                eprintln!(
                    "seed {} shape {}: {} differs\n  gcc:    {want:?}\n  layout: {got:?}\n{}",
                    d.seed,
                    d.shape,
                    d.name,
                    &em.c[a..b]
                );
            }
        }
    }
    assert_eq!(
        failures,
        0,
        "{failures} of {} composites differ from {cc:?} (seeds {seeds:?})",
        em.decls.len()
    );
    println!(
        "{} shapes, {} composites match {cc:?}",
        em.spans.len(),
        em.decls.len()
    );
}
