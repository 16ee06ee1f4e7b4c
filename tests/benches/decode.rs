//! Decoding a page of 100 builds (about half a megabyte of JSON): into the generated models, into
//! hand-written serde models with the same fields and types (the limit), and, for context, into
//! hand-written models that keep everything as strings, and through `serde_path_to_error` (the
//! path tracking the client uses to report where a decode failed).
//!
//! `cargo bench -p tests --bench decode`.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use buildkite_api::types::Build;
use support::page::{self, strings, typed};

static PAGE: LazyLock<Vec<u8>> = LazyLock::new(|| page::page_json(1000));

fn generated(json: &[u8]) -> Vec<Build> {
    serde_json::from_slice(json).expect("the page decodes into the generated models")
}

fn generated_with_path(json: &[u8]) -> Vec<Build> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let builds = serde_path_to_error::deserialize(&mut de).expect("the page decodes with path tracking");
    de.end().expect("nothing after the page");
    builds
}

fn handwritten_typed(json: &[u8]) -> Vec<typed::Build> {
    serde_json::from_slice(json).expect("the page decodes into the hand-written typed models")
}

fn handwritten_strings(json: &[u8]) -> Vec<strings::Build> {
    serde_json::from_slice(json).expect("the page decodes into the hand-written string models")
}

fn main() {
    // The models agree on what they read.
    let (a, b) = (generated(&PAGE), handwritten_typed(&PAGE));
    assert_eq!(a.len(), page::PER_PAGE);
    assert!(a.iter().zip(&b).all(|(a, b)| a.id == b.id && a.number == b.number && a.created_at.0 == b.created_at));
    assert_eq!(handwritten_strings(&PAGE).len(), page::PER_PAGE);
    divan::main();
    if support::summary_wanted() {
        summary();
    }
}

mod page_of_100_builds {
    use super::*;

    #[divan::bench]
    fn generated_models(bencher: divan::Bencher) {
        bencher.counter(divan::counter::BytesCount::of_slice(&*PAGE)).bench(|| generated(divan::black_box(&PAGE)));
    }

    #[divan::bench]
    fn generated_models_with_path_tracking(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_slice(&*PAGE))
            .bench(|| generated_with_path(divan::black_box(&PAGE)));
    }

    #[divan::bench]
    fn handwritten_typed_models(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_slice(&*PAGE))
            .bench(|| handwritten_typed(divan::black_box(&PAGE)));
    }

    #[divan::bench]
    fn handwritten_string_models(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_slice(&*PAGE))
            .bench(|| handwritten_strings(divan::black_box(&PAGE)));
    }
}

fn summary() {
    support::heading("Decoding a 100-build page");
    println!("page: {} bytes of JSON, {} builds of 4 jobs each", PAGE.len(), page::PER_PAGE);
    println!();
    let rounds = support::rounds(40);
    let batch = Duration::from_millis(25);
    let json: &[u8] = &PAGE;
    support::paired_header();
    let p =
        support::paired(rounds, batch, || support::keep(generated(json)), || support::keep(handwritten_typed(json)));
    support::paired_row("decode + drop", "generated models", "hand-written, same types", &p, Some(1.10));
    let p =
        support::paired(rounds, batch, || support::keep(generated(json)), || support::keep(handwritten_strings(json)));
    support::paired_row("decode + drop", "generated models", "hand-written, all strings", &p, None);
    let p = support::paired(
        rounds,
        batch,
        || support::keep(generated_with_path(json)),
        || support::keep(handwritten_typed(json)),
    );
    support::paired_row("decode + drop", "generated, path tracking", "hand-written, same types", &p, None);
}
