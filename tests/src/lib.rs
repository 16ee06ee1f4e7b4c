//! Workspace-level tests live in `tests/tests/`; this library only carries the README's usage
//! example, so that `cargo test` compiles it.
#![doc = include_str!("../../README.md")]
