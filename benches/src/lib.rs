//! Criterion benchmarks of btc-evm-kit. The benches live in `benches/benches/`; the
//! `bench-report` binary turns their results into `docs/benchmarks.md`.
