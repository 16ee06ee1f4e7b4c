//! Client overhead: the same GET of a 100-build page from a loopback server, through the
//! generated client (`buildkite-api`) and through a hand-written `reqwest` + `serde_json` call
//! (the limit). The hand-written call decodes into the generated models, so that the ratio is
//! the client's own overhead; decoding into hand-written models is shown beside it. An empty
//! page isolates the fixed cost of one request; one build (a body of a few KB, what most calls
//! get) is measured as CPU time per request, with 1, 8 and 64 requests in flight.
//!
//! `cargo bench -p tests --bench client`.

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use buildkite_api::types::Build;
use serde::de::DeserializeOwned;
use support::page::{self, typed};
use support::server::Server;

struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
    client: buildkite_api::Client,
    http: reqwest::Client,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let one = serde_json::to_vec(&page::build(1)).expect("a build serializes");
    let server = Server::start_with_build(page::page_json(1000), one);
    let base = server.url();
    // The client side runs on this thread; the server has a thread of its own.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let client = buildkite_api::Client::builder()
        .base_url(&base)
        .allow_http(true)
        .bearer_token("t")
        .build()
        .expect("the generated client builds");
    let http = reqwest::Client::builder().user_agent("hand-written/0.1").build().expect("reqwest builds");
    Setup { runtime, base, client, http }
});

async fn generated(client: &buildkite_api::Client, pipeline: &str) -> Vec<Build> {
    client
        .builds()
        .list("acme", pipeline)
        .per_page(100)
        .send()
        .await
        .expect("the generated client gets the page")
        .into_items()
}

/// What one would write by hand: format the URL, send with the token, check the status, decode.
async fn handwritten<T: DeserializeOwned>(http: &reqwest::Client, base: &str, pipeline: &str) -> Vec<T> {
    handwritten_get(http, format!("{base}/organizations/{}/pipelines/{pipeline}/builds?per_page={}", "acme", 100)).await
}

/// The hand-written call: send with the token, check the status, decode.
async fn handwritten_get<T: DeserializeOwned>(http: &reqwest::Client, url: String) -> T {
    let response = http
        .get(url)
        .header(reqwest::header::AUTHORIZATION, "Bearer t")
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("the hand-written call gets an answer");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("the body arrives");
    serde_json::from_slice(&body).expect("the body decodes")
}

async fn generated_one(client: &buildkite_api::Client) -> Build {
    client.builds().get("acme", "app", 1).send().await.expect("the generated client gets the build")
}

/// The hand-written call for one build.
async fn handwritten_one(http: &reqwest::Client, base: &str) -> Build {
    handwritten_get(http, format!("{base}/organizations/{}/pipelines/{}/builds/{}", "acme", "app", 1)).await
}

/// Requests per measured call of [`one_build_in_flight`], whatever the concurrency.
const REQUESTS_PER_CALL: usize = 64;

/// `REQUESTS_PER_CALL` requests for one build: `tasks` tasks on the bench thread's runtime, each
/// sending its share one after another, so that `tasks` requests are in flight at a time.
fn one_build_in_flight(tasks: usize, generated: bool) {
    in_flight(tasks, generated, false);
}

/// `REQUESTS_PER_CALL` requests, for one build or (`empty_page`) for an empty page of builds,
/// `tasks` at a time.
fn in_flight(tasks: usize, generated: bool, empty_page: bool) {
    let s = &*SETUP;
    let per_task = REQUESTS_PER_CALL / tasks;
    s.runtime.block_on(futures_util::future::join_all((0..tasks).map(|_| async move {
        for _ in 0..per_task {
            match (empty_page, generated) {
                (false, true) => support::keep(generated_one(&s.client).await),
                (false, false) => support::keep(handwritten_one(&s.http, &s.base).await),
                (true, true) => support::keep(crate::generated(&s.client, "empty").await),
                (true, false) => support::keep(handwritten::<Build>(&s.http, &s.base, "empty").await),
            }
        }
    })));
}

fn run_generated(pipeline: &str) -> Vec<Build> {
    let s = &*SETUP;
    s.runtime.block_on(generated(&s.client, pipeline))
}

fn run_handwritten<T: DeserializeOwned>(pipeline: &str) -> Vec<T> {
    let s = &*SETUP;
    s.runtime.block_on(handwritten::<T>(&s.http, &s.base, pipeline))
}

/// The measured loop of `CLIENT_BENCH_ONCE`, a function of its own so that a profiler can
/// count it alone (`valgrind --tool=callgrind --toggle-collect=client::profiled_requests`).
#[inline(never)]
fn profiled_requests(calls: usize, tasks: usize, generated: bool, empty_page: bool) {
    for _ in 0..calls {
        in_flight(tasks, generated, empty_page);
    }
}

/// `CLIENT_BENCH_ONCE=SIDE[,TASKS[,REQUESTS[,empty-page]]]` (SIDE `generated` or `handwritten`;
/// 1 task and 6,400 requests by default): only the one-build requests of that side (or its
/// requests for an empty page), after a warm-up, for profilers. Prints the wall and thread CPU
/// time per request.
fn profile_once(spec: &str) {
    let mut parts = spec.split(',');
    let generated = match parts.next() {
        Some("generated") => true,
        Some("handwritten") => false,
        other => panic!("CLIENT_BENCH_ONCE: `generated` or `handwritten`, not {other:?}"),
    };
    let tasks: usize = parts.next().map_or(1, |t| t.parse().expect("CLIENT_BENCH_ONCE: tasks"));
    let requests: usize = parts.next().map_or(6400, |n| n.parse().expect("CLIENT_BENCH_ONCE: requests"));
    let empty_page = match parts.next() {
        None => false,
        Some("empty-page") => true,
        Some(other) => panic!("CLIENT_BENCH_ONCE: the fourth field is `empty-page` or nothing, not {other:?}"),
    };
    assert!(REQUESTS_PER_CALL.is_multiple_of(tasks), "tasks must divide {REQUESTS_PER_CALL}");
    let calls = requests.div_ceil(REQUESTS_PER_CALL);
    let s = &*SETUP;
    println!(
        "future of one request: generated {} bytes (its `send_with_response` {}), hand-written {} bytes",
        std::mem::size_of_val(&generated_one(&s.client)),
        std::mem::size_of_val(&s.client.builds().get("acme", "app", 1).send_with_response()),
        std::mem::size_of_val(&handwritten_one(&s.http, &s.base))
    );
    // Connections opened and every lazy initialisation done before the measured loop.
    in_flight(tasks, generated, empty_page);
    let (wall, cpu, usage) = (std::time::Instant::now(), support::thread_cpu(), thread_usage());
    profiled_requests(calls, tasks, generated, empty_page);
    let n = (calls * REQUESTS_PER_CALL) as f64;
    let (wall, cpu) = (wall.elapsed().as_secs_f64(), (support::thread_cpu() - cpu).as_secs_f64());
    let after = thread_usage();
    let per = |x: f64| x / n * 1e6;
    println!(
        "{spec}: {n} requests, per request: {:.1} µs wall, {:.1} µs CPU of the client thread ({:.1} user, {:.1} system), {:.3} page faults, {:.2} voluntary and {:.2} involuntary context switches",
        per(wall),
        per(cpu),
        per(after.0 - usage.0),
        per(after.1 - usage.1),
        (after.2 - usage.2) / n,
        (after.3 - usage.3) / n,
        (after.4 - usage.4) / n,
    );
}

/// This thread's user and system CPU seconds, minor page faults, and voluntary and involuntary
/// context switches (`getrusage(RUSAGE_THREAD)`, Linux).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn thread_usage() -> (f64, f64, f64, f64, f64) {
    #[repr(C)]
    struct Rusage {
        user: [i64; 2],
        system: [i64; 2],
        other: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_THREAD: i32 = 1;
    let mut usage = Rusage { user: [0; 2], system: [0; 2], other: [0; 14] };
    // SAFETY: `getrusage` writes one `struct rusage` (2 timevals and 14 longs on this target).
    let ok = unsafe { getrusage(RUSAGE_THREAD, &mut usage) } == 0;
    assert!(ok, "getrusage(RUSAGE_THREAD) failed");
    let seconds = |t: [i64; 2]| t[0] as f64 + t[1] as f64 * 1e-6;
    let count = |i: usize| usage.other[i] as f64;
    (seconds(usage.user), seconds(usage.system), count(4), count(12), count(13))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn thread_usage() -> (f64, f64, f64, f64, f64) {
    (0.0, 0.0, 0.0, 0.0, 0.0)
}

fn main() {
    // Both sides decode the same models; glibc's allocator is settled so that its history does
    // not move the figures (see `support::allocator_as_started`).
    support::allocator_settled();
    if let Ok(spec) = std::env::var("CLIENT_BENCH_ONCE") {
        profile_once(&spec);
        return;
    }
    assert_eq!(run_generated("app").len(), page::PER_PAGE);
    assert_eq!(run_handwritten::<Build>("app").len(), page::PER_PAGE);
    assert_eq!(run_handwritten::<typed::Build>("app").len(), page::PER_PAGE);
    assert!(run_generated("empty").is_empty());
    assert_eq!(SETUP.runtime.block_on(generated_one(&SETUP.client)).number, 1);
    assert_eq!(SETUP.runtime.block_on(handwritten_one(&SETUP.http, &SETUP.base)).number, 1);
    divan::main();
    if support::summary_wanted() {
        summary();
    }
}

mod get_page_of_100_builds {
    use super::*;

    #[divan::bench]
    fn generated_client() -> Vec<Build> {
        run_generated("app")
    }

    #[divan::bench]
    fn handwritten_reqwest_generated_models() -> Vec<Build> {
        run_handwritten::<Build>("app")
    }

    #[divan::bench]
    fn handwritten_reqwest_handwritten_models() -> Vec<typed::Build> {
        run_handwritten::<typed::Build>("app")
    }
}

mod get_empty_page {
    use super::*;

    #[divan::bench]
    fn generated_client() -> Vec<Build> {
        run_generated("empty")
    }

    #[divan::bench]
    fn handwritten_reqwest() -> Vec<Build> {
        run_handwritten::<Build>("empty")
    }
}

mod get_one_build {
    use super::*;

    #[divan::bench]
    fn generated_client() -> Build {
        SETUP.runtime.block_on(generated_one(&SETUP.client))
    }

    #[divan::bench]
    fn handwritten_reqwest() -> Build {
        SETUP.runtime.block_on(handwritten_one(&SETUP.http, &SETUP.base))
    }
}

fn summary() {
    support::heading("Client overhead: GET from a loopback server");
    let rounds = support::rounds(40);
    let batch = Duration::from_millis(25);
    support::paired_header();
    let p = support::paired(
        rounds,
        batch,
        || support::keep(run_generated("app")),
        || support::keep(run_handwritten::<Build>("app")),
    );
    support::paired_row(
        "GET 100-build page",
        "`buildkite-api`",
        "reqwest + serde_json, generated models",
        &p,
        Some(1.05),
    );
    let p = support::paired(
        rounds,
        batch,
        || support::keep(run_generated("app")),
        || support::keep(run_handwritten::<typed::Build>("app")),
    );
    support::paired_row("GET 100-build page", "`buildkite-api`", "reqwest + serde_json, hand-written models", &p, None);
    let p = support::paired(
        rounds,
        batch,
        || support::keep(run_generated("empty")),
        || support::keep(run_handwritten::<Build>("empty")),
    );
    support::paired_row("GET empty page (fixed cost)", "`buildkite-api`", "reqwest + serde_json", &p, None);
    let extra = p.subject.as_secs_f64() - p.limit.as_secs_f64();
    println!();
    println!("fixed cost of the generated client per request: {:+.1} µs", extra * 1e6);

    // CPU per request: the bench thread runs the client (a current-thread runtime, connections
    // included); the server runs on a thread of its own and is not counted. A round's ratio
    // spreads by about ±4% (each batch's wake-ups and interrupts are its own), so the median is
    // taken over three times as many rounds: within about 0.5%, for a target of 3%.
    let cpu_rounds = support::rounds(120);
    println!();
    println!("CPU time of the client's thread per request, one build (a few KB), alternating batches:");
    println!();
    support::paired_header();
    for tasks in [1, 8, 64] {
        let p = support::paired_on(
            support::Clock::ThreadCpu,
            cpu_rounds,
            batch,
            || one_build_in_flight(tasks, true),
            || one_build_in_flight(tasks, false),
        );
        let per_request = |d: Duration| d / REQUESTS_PER_CALL as u32;
        let p = support::Paired { subject: per_request(p.subject), limit: per_request(p.limit), ..p };
        support::paired_row(
            &format!("GET one build, {tasks} in flight: CPU per request"),
            "`buildkite-api`",
            "reqwest + serde_json",
            &p,
            Some(1.03),
        );
    }
}
