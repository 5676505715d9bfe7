//! criterion benchmarks of the Rust side: classifying a signature, encoding a trampoline, and
//! calling C through a generated trampoline versus calling it directly.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ffast_core::jit::Arena;
use ffast_core::trampoline::{self, FastTargets};
use ffast_core::Signature;

extern "C" fn add3(a: i32, b: i32, c: i32) -> i32 {
    a.wrapping_add(b).wrapping_add(c)
}

extern "C" fn mixed(a: f64, b: i32, c: f64, d: i64) -> f64 {
    a + b as f64 * c + d as f64
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Point {
    x: f64,
    y: f64,
}

extern "C" fn dot(p: Point, k: f64) -> f64 {
    p.x * k + p.y
}

fn targets(target: usize, slot: &u64) -> FastTargets {
    FastTargets {
        target,
        wide_slot: slot as *const u64 as usize,
        str_in: 0,
        str_free: 0,
        str_release: 0,
        buf_addr: 0,
        area: 0,
        fallback: false,
    }
}

fn bench(c: &mut Criterion) {
    let small = Signature::parse(&["i32", "i32", "i32"], "i32").unwrap();
    let big = Signature::parse(
        &[
            "f64", "i32", "string", "buffer", "i64", "f32", "u8", "pointer", "i64", "f64",
        ],
        "u64",
    )
    .unwrap();
    c.bench_function("classify 3 ints", |b| {
        b.iter(|| ffast_abi_sysv64::classify(black_box(&small)))
    });
    c.bench_function("classify 10 mixed", |b| {
        b.iter(|| ffast_abi_sysv64::classify(black_box(&big)))
    });
    let slot = 0u64;
    let plan_small = ffast_abi_sysv64::classify(&small);
    let plan_big = ffast_abi_sysv64::classify(&big);
    let t = targets(add3 as *const () as usize, &slot);
    c.bench_function("encode fast trampoline, 3 ints", |b| {
        b.iter(|| trampoline::fast(black_box(&plan_small), &t).unwrap())
    });
    c.bench_function("encode fast trampoline, 10 mixed", |b| {
        b.iter(|| trampoline::fast(black_box(&plan_big), &t).unwrap())
    });
    c.bench_function("encode + seal 100 trampolines", |b| {
        b.iter(|| {
            let mut a = Arena::new();
            for _ in 0..100 {
                a.write(&trampoline::fast(&plan_small, &t).unwrap())
                    .unwrap();
            }
            a.seal().unwrap();
            a
        })
    });

    // Calls: through the V8-convention trampoline (receiver first) vs direct.
    let mut arena = Arena::new();
    let fast = arena
        .write(&trampoline::fast(&plan_small, &t).unwrap())
        .unwrap();
    let msig = Signature::parse(&["f64", "i32", "f64", "i64"], "f64").unwrap();
    let mplan = ffast_abi_sysv64::classify(&msig);
    let mfast = arena
        .write(&trampoline::fast(&mplan, &targets(mixed as *const () as usize, &slot)).unwrap())
        .unwrap();
    // A by-value struct: written to the binding's area, then the fast call with the scalars.
    let psig = Signature::parse(&["struct{x:f64,y:f64}", "f64"], "f64").unwrap();
    let pplan = ffast_abi_sysv64::classify(&psig);
    let area = ffast_core::area::Area::new(psig.area_size);
    let mut pt = targets(dot as *const () as usize, &slot);
    pt.area = area.addr();
    let pfast = arena
        .write(&trampoline::fast(&pplan, &pt).unwrap())
        .unwrap();
    arena.seal().unwrap();
    // SAFETY: generated for exactly this signature: receiver, then the one scalar (k).
    let pvia: extern "C" fn(usize, f64) -> f64 = unsafe { std::mem::transmute(pfast.0) };
    let pdirect: extern "C" fn(Point, f64) -> f64 = black_box(dot);
    let parea = area.addr() as *mut Point;
    c.bench_function("call struct{f64,f64} direct", |b| {
        b.iter(|| pdirect(black_box(Point { x: 1.5, y: 2.0 }), black_box(3.0)))
    });
    c.bench_function("call struct{f64,f64} via area + trampoline", |b| {
        b.iter(|| {
            // SAFETY: the area holds 16 aligned bytes for the struct and outlives the loop.
            unsafe { parea.write(black_box(Point { x: 1.5, y: 2.0 })) };
            pvia(0, black_box(3.0))
        })
    });
    // SAFETY: the trampolines were generated for exactly these signatures (receiver first).
    let via: extern "C" fn(usize, i32, i32, i32) -> i32 = unsafe { std::mem::transmute(fast.0) };
    let mvia: extern "C" fn(usize, f64, i32, f64, i64) -> f64 =
        unsafe { std::mem::transmute(mfast.0) };
    let direct: extern "C" fn(i32, i32, i32) -> i32 = black_box(add3);
    let mdirect: extern "C" fn(f64, i32, f64, i64) -> f64 = black_box(mixed);
    c.bench_function("call add3 direct", |b| {
        b.iter(|| direct(black_box(1), black_box(2), black_box(3)))
    });
    c.bench_function("call add3 via trampoline", |b| {
        b.iter(|| via(0, black_box(1), black_box(2), black_box(3)))
    });
    c.bench_function("call mixed direct", |b| {
        b.iter(|| mdirect(black_box(1.5), black_box(2), black_box(0.5), black_box(7)))
    });
    c.bench_function("call mixed via trampoline", |b| {
        b.iter(|| {
            mvia(
                0,
                black_box(1.5),
                black_box(2),
                black_box(0.5),
                black_box(7),
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(300)).measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
