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

fn handwritten_wide(json: &[u8]) -> Vec<typed::WideBuild> {
    serde_json::from_slice(json).expect("the page decodes into the hand-written wide models")
}

fn handwritten_strings(json: &[u8]) -> Vec<strings::Build> {
    serde_json::from_slice(json).expect("the page decodes into the hand-written string models")
}

fn main() {
    // The models agree on what they read.
    let (a, b) = (generated(&PAGE), handwritten_typed(&PAGE));
    assert_eq!(a.len(), page::PER_PAGE);
    assert!(a
        .iter()
        .zip(&b)
        .all(|(a, b)| a.id == b.id && a.number == b.number && a.created_at.time() == Some(b.created_at)));
    assert_eq!(handwritten_strings(&PAGE).len(), page::PER_PAGE);
    assert_eq!(handwritten_wide(&PAGE).len(), page::PER_PAGE);
    drop((a, b));
    // The main figure is taken twice: with glibc's allocator as a process starts with it, and
    // settled (see `support::allocator_as_started`); divan's table and the other figures follow,
    // settled.
    let summary = support::summary_wanted();
    let fresh = (summary && support::allocator_as_started()).then(|| measure(false));
    support::allocator_settled();
    divan::main();
    if summary {
        print_summary(fresh.as_deref().unwrap_or_default(), &measure(true));
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
    fn handwritten_typed_models_padded_to_generated_width(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_slice(&*PAGE))
            .bench(|| handwritten_wide(divan::black_box(&PAGE)));
    }

    #[divan::bench]
    fn handwritten_string_models(bencher: divan::Bencher) {
        bencher
            .counter(divan::counter::BytesCount::of_slice(&*PAGE))
            .bench(|| handwritten_strings(divan::black_box(&PAGE)));
    }
}

/// One row of the summary: what was measured, against what, and the timing.
struct Row {
    subject: &'static str,
    limit: &'static str,
    paired: support::Paired,
    faults: (f64, f64),
    target: Option<f64>,
}

fn row(subject: &'static str, limit: &'static str, target: Option<f64>, f: fn(&[u8]), g: fn(&[u8])) -> Row {
    let json: &[u8] = &PAGE;
    let faults = (support::faults_per_call(50, || f(json)), support::faults_per_call(50, || g(json)));
    let paired = support::paired(support::rounds(40), Duration::from_millis(25), || f(json), || g(json));
    Row { subject, limit, paired, faults, target }
}

/// The summary's rows; all of them once the allocator is settled, the main one before.
fn measure(settled: bool) -> Vec<Row> {
    let generated: fn(&[u8]) = |json| support::keep(generated(json));
    let typed: fn(&[u8]) = |json| support::keep(handwritten_typed(json));
    let mut rows = vec![row("generated models", "hand-written, same types", Some(1.10), generated, typed)];
    if settled {
        rows.push(row("generated models", "hand-written, all strings", None, generated, |json| {
            support::keep(handwritten_strings(json))
        }));
        rows.push(row(
            "generated models",
            "hand-written, same types, padded to the generated width",
            None,
            generated,
            |json| support::keep(handwritten_wide(json)),
        ));
        rows.push(row(
            "generated, path tracking (the client before this change)",
            "hand-written, same types",
            None,
            |json| support::keep(generated_with_path(json)),
            typed,
        ));
    }
    rows
}

fn print_rows(state: &str, rows: &[Row]) {
    for r in rows {
        support::paired_row(&format!("decode + drop, {state}"), r.subject, r.limit, &r.paired, r.target);
    }
}

fn print_summary(fresh: &[Row], settled: &[Row]) {
    support::heading("Decoding a 100-build page");
    println!("page: {} bytes of JSON, {} builds of 4 jobs each", PAGE.len(), page::PER_PAGE);
    println!();
    println!(
        "in memory: generated `Build` {} bytes, `Job` {} bytes, `Pipeline` {} bytes; hand-written typed \
         `Build` {} bytes, `Job` {} bytes; padded to the generated width: `Build` {} bytes, `Job` {} bytes, \
         `Pipeline` {} bytes",
        std::mem::size_of::<Build>(),
        std::mem::size_of::<buildkite_api::types::Job>(),
        std::mem::size_of::<buildkite_api::types::Pipeline>(),
        std::mem::size_of::<typed::Build>(),
        std::mem::size_of::<typed::Job>(),
        std::mem::size_of::<typed::WideBuild>(),
        std::mem::size_of::<typed::Job<(typed::Absent<32>, typed::Absent<3>)>>(),
        std::mem::size_of::<typed::Pipeline<(typed::Absent<32>, typed::Absent<7>)>>(),
    );
    println!();
    support::paired_header();
    print_rows("glibc thresholds as started", fresh);
    print_rows("glibc thresholds settled", settled);
    println!();
    println!("| subject | limit | page faults per decode, as started: subject / limit | settled: subject / limit |");
    println!("|---|---|---:|---:|");
    for (f, s) in fresh.iter().zip(settled) {
        println!(
            "| {} | {} | {:.0} / {:.0} | {:.0} / {:.0} |",
            f.subject, f.limit, f.faults.0, f.faults.1, s.faults.0, s.faults.1
        );
    }
}
