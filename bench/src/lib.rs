//! Benchmarks live in benches/; the Node benchmark in node/.
