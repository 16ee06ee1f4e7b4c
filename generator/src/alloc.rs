//! The allocator of the programs that run the generator (its command-line tool, `cargo xtask`,
//! the generator benchmark): mimalloc.
//!
//! With glibc's `malloc` the generator spends about 40 % more time at every size, and its time
//! per operation rose with the heap (hundreds of MB for thousands of operations) in the
//! benchmark, while the instructions stayed linear; with mimalloc it is flat from 1,000 to
//! 10,000 operations (tests/BENCHMARKS.md §1.3). A library user picks their own allocator: the
//! feature `mimalloc` (on by default) only makes this one available.

/// The global allocator to declare: `#[global_allocator] static A: Allocator = Allocator;`.
pub use mimalloc::MiMalloc as Allocator;
