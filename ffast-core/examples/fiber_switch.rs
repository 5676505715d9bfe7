//! The cost of a park and resume (two stack switches), as the fiber mode pays it per callback:
//! a job on a fiber suspends N times, the caller resumes it each time (docs/fibers.md §5).
//! `taskset -c 0 cargo run --release -p ffast-core --example fiber_switch [N]`
use ffast_core::fiber::Fiber;
use std::time::Instant;

// Two non-inlined frames on each side around the switch, as the fast park has (the resume fast
// call and its Rust function on the JS side; the dispatcher and the entry on the fiber's side):
// their returns show what the switch does to the return predictor.
#[inline(never)]
fn suspend2(f: *mut Fiber) {
    suspend1(f);
    std::hint::black_box(());
}
#[inline(never)]
fn suspend1(f: *mut Fiber) {
    // SAFETY: on the fiber, from its running job.
    unsafe { (*f).suspend() };
    std::hint::black_box(());
}
#[inline(never)]
fn resume2(f: *mut Fiber) -> bool {
    let d = resume1(f);
    std::hint::black_box(d)
}
#[inline(never)]
fn resume1(f: *mut Fiber) -> bool {
    // SAFETY: the job is suspended and this thread started it.
    let d = unsafe { (*f).resume() };
    std::hint::black_box(d)
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let mut f = Fiber::new(1 << 20).expect("a fiber");
    let fp: *mut Fiber = &mut *f;
    for deep in [false, true, false, true] {
        let mut count = 0u64;
        let mut job = || {
            for _ in 0..n {
                count += 1;
                if deep {
                    suspend2(fp);
                } else {
                    // SAFETY: on the fiber, from its running job.
                    unsafe { (*fp).suspend() };
                }
            }
        };
        let t = Instant::now();
        // SAFETY: the fiber is idle; `job` outlives the loop below, which runs it to its end.
        let mut done = unsafe { (*fp).start(&mut job) };
        let mut pairs = 0u64;
        while !done {
            pairs += 1;
            done = if deep {
                resume2(fp)
            } else {
                // SAFETY: the job is suspended and this thread started it.
                unsafe { (*fp).resume() }
            };
        }
        let ns = t.elapsed().as_nanos() as f64 / pairs as f64;
        let how = if deep {
            "2 frames each side"
        } else {
            "inlined"
        };
        println!("{pairs} park+resume pairs ({how}): {ns:.2} ns per pair");
    }
}
