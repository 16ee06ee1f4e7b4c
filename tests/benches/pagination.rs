//! Pagination: 10,000 builds over 100 pages through `.stream()`, each item dropped as it
//! arrives. A counting global allocator records the peak of live heap bytes, which must stay
//! that of one page however many pages are streamed.
//!
//! `cargo bench -p tests --bench pagination`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use buildkite_api::types::Build;
use futures_util::TryStreamExt;
use support::page;
use support::server::Server;

/// The system allocator, counting live bytes and their peak (all threads, the server's too).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrink(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                grow(new_size - layout.size());
            } else {
                shrink(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak of live heap bytes while `f` runs, above what was live when it started.
fn peak_during(f: impl FnOnce()) -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
    client: buildkite_api::Client,
    http: reqwest::Client,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let server = Server::start(page::page_json(1000));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let base = server.url();
    let client = buildkite_api::Client::builder()
        .base_url(&base)
        .allow_http(true)
        .bearer_token("t")
        .build()
        .expect("the generated client builds");
    let http = reqwest::Client::builder().user_agent("hand-written/0.1").build().expect("reqwest builds");
    Setup { runtime, base, client, http }
});

/// Streams every build of `pages` pages, holding none; returns how many arrived.
fn stream(pages: usize) -> usize {
    let s = &*SETUP;
    s.runtime.block_on(async {
        let mut builds = s.client.builds().list("acme", format!("pages{pages}")).per_page(100).stream();
        let mut count = 0;
        while let Some(build) = builds.try_next().await.expect("every page arrives") {
            support::keep(build);
            count += 1;
        }
        count
    })
}

/// The limit: a hand-written loop over the same pages with `reqwest` (page numbers counted, not
/// links followed), each page decoded into the generated models and dropped.
fn handwritten_pages(pages: usize) -> usize {
    let s = &*SETUP;
    s.runtime.block_on(async {
        let mut count = 0;
        for number in 1..=pages {
            let url = format!("{}/organizations/acme/pipelines/pages{pages}/builds?page={number}&per_page=100", s.base);
            let response = s
                .http
                .get(url)
                .header(reqwest::header::AUTHORIZATION, "Bearer t")
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .expect("the page arrives");
            assert!(response.status().is_success());
            let body = response.bytes().await.expect("the body arrives");
            let builds: Vec<Build> = serde_json::from_slice(&body).expect("the page decodes");
            count += builds.len();
        }
        count
    })
}

/// One page with `.send()`, its items held as a `Vec<Build>`, then dropped.
fn one_page() -> Vec<Build> {
    let s = &*SETUP;
    s.runtime.block_on(async {
        s.client.builds().list("acme", "app").per_page(100).send().await.expect("the page").into_items()
    })
}

fn main() {
    assert_eq!(stream(3), 3 * page::PER_PAGE);
    assert_eq!(one_page().len(), page::PER_PAGE);
    divan::main();
    if support::summary_wanted() {
        summary();
    }
}

#[divan::bench(sample_count = 10)]
fn stream_10000_builds_over_100_pages(bencher: divan::Bencher) {
    bencher.counter(divan::counter::ItemsCount::new(100 * page::PER_PAGE)).bench(|| stream(100));
}

#[divan::bench]
fn send_one_page_of_100_builds(bencher: divan::Bencher) {
    bencher.counter(divan::counter::ItemsCount::new(page::PER_PAGE)).bench(one_page);
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

fn summary() {
    support::heading("Pagination: peak heap while streaming");
    let body = page::page_json(1000).len();
    println!("page: {} of JSON ({} builds)", kib(body), page::PER_PAGE);
    println!();
    // Warm: the connection is open and the pools have their buffers before anything is measured.
    support::keep(one_page());
    support::keep(stream(2));
    let rounds = support::rounds(5);
    // Peaks vary by a few hundred KiB with how the body's chunks arrive (hyper's read buffers):
    // each case is measured `rounds` times; the table gives the median and the largest.
    let peaks = |f: &dyn Fn()| {
        let mut peaks: Vec<usize> = (0..rounds).map(|_| peak_during(f)).collect();
        peaks.sort_unstable();
        (peaks[peaks.len() / 2], peaks[peaks.len() - 1])
    };
    let (one, one_max) = peaks(&|| support::keep(one_page()));
    println!(
        "| what | items | peak live heap above the start: median (max of {rounds}) | median relative to one page |"
    );
    println!("|---|---:|---:|---:|");
    let row = |what: &str, items: usize, (median, max): (usize, usize)| {
        println!("| {what} | {items} | {} ({}) | {:.2} |", kib(median), kib(max), median as f64 / one as f64);
    };
    row("`.send()` one page, the `Vec<Build>` held", page::PER_PAGE, (one, one_max));
    let mut worst = 0.0f64;
    for pages in [1, 10, 100] {
        let (median, max) = peaks(&|| assert_eq!(stream(pages), pages * page::PER_PAGE));
        worst = worst.max(max as f64 / one_max as f64);
        row(&format!("`.stream()` over {pages} page(s), no item held"), pages * page::PER_PAGE, (median, max));
    }
    for pages in [1, 100] {
        let figures = peaks(&|| assert_eq!(handwritten_pages(pages), pages * page::PER_PAGE));
        row(
            &format!("limit: hand-written `reqwest` loop over {pages} page(s), each dropped"),
            pages * page::PER_PAGE,
            figures,
        );
    }
    println!();
    println!(
        "target: the largest peak while streaming stays within 1.25 times the largest for one page: {:.2}, {}",
        worst,
        if worst <= 1.25 { "met" } else { "MISSED" }
    );
    let time = support::median_time(support::rounds(5), || {
        stream(100);
    });
    println!();
    println!(
        "time to stream 10,000 builds over 100 pages: {} ({:.1} µs per build)",
        support::show(time),
        time.as_secs_f64() * 1e6 / 10_000.0
    );
}
