//! Shared by the bench binaries: the 100-build page and the hand-written models
//! ([`page`]), the loopback server ([`server`]), and side-by-side timing for the ratios printed
//! after divan's tables.
//!
//! Divan measures each benchmark on its own; a ratio taken from two such figures also measures
//! whatever else the machine did in between. The ratios are therefore timed again here, the
//! subject and its limit in alternating batches within one loop, and reported as the median of
//! the per-round ratios with its interquartile range.

#![allow(dead_code)]

pub mod page;
pub mod server;

use std::hint::black_box;
use std::time::{Duration, Instant};

/// True under `cargo bench`; false under `cargo test --benches`, where every figure is taken
/// once, as a smoke test.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Whether the summary after divan's tables runs: not with `--list`, nor when
/// `BENCH_SUMMARY=off` (to run only divan's tables, e.g. with a filter).
pub fn summary_wanted() -> bool {
    !std::env::args().any(|a| a == "--list") && std::env::var("BENCH_SUMMARY").as_deref() != Ok("off")
}

/// `rounds` under `cargo bench`, 1 otherwise.
pub fn rounds(rounds: usize) -> usize {
    if full_run() {
        rounds
    } else {
        1
    }
}

/// The CPU model and the number of cores, for the summary's heading.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{cpu}, {cores} cores available, {} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Prints the summary's heading.
pub fn heading(title: &str) {
    println!();
    println!("## {title}");
    println!();
    println!("machine: {}", machine());
    println!();
}

/// The timing of one subject against its limit.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    /// Median time of one call of the subject.
    pub subject: Duration,
    /// Median time of one call of the limit.
    pub limit: Duration,
    /// Median of the per-round ratios subject / limit.
    pub ratio: f64,
    /// First and third quartiles of the per-round ratios.
    pub ratio_q1: f64,
    pub ratio_q3: f64,
    pub rounds: usize,
    pub batch: usize,
}

/// What a batch is measured with: wall time, or the CPU time of the calling thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    Wall,
    ThreadCpu,
}

impl Clock {
    fn measure(self, f: impl FnOnce()) -> Duration {
        match self {
            Clock::Wall => {
                let start = Instant::now();
                f();
                start.elapsed()
            }
            Clock::ThreadCpu => {
                let start = thread_cpu();
                f();
                thread_cpu().saturating_sub(start)
            }
        }
    }
}

/// The CPU time the calling thread has used (user and system), to the nanosecond: what a
/// client running on a current-thread runtime spends, without the loopback server's thread.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
pub fn thread_cpu() -> Duration {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec { seconds: 0, nanoseconds: 0 };
    // SAFETY: `clock_gettime` writes one `timespec` (two 64-bit fields on this target).
    let ok = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) } == 0;
    assert!(ok, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(time.seconds as u64, time.nanoseconds as u32)
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
pub fn thread_cpu() -> Duration {
    panic!("thread CPU time is read on 64-bit Linux only")
}

fn time_batch(clock: Clock, batch: usize, f: &mut impl FnMut()) -> Duration {
    clock.measure(|| {
        for _ in 0..batch {
            f();
        }
    })
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = (sorted.len() - 1) as f64 * q;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - at.floor())
}

fn median_duration(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Times `subject` against `limit` side by side: `rounds` rounds, each a batch of calls of one
/// and a batch of the other (the order alternating), a batch lasting about `batch_time`.
pub fn paired(rounds: usize, batch_time: Duration, subject: impl FnMut(), limit: impl FnMut()) -> Paired {
    paired_on(Clock::Wall, rounds, batch_time, subject, limit)
}

/// [`paired`], measured with `clock` (the batch size still comes from wall time).
pub fn paired_on(
    clock: Clock,
    rounds: usize,
    batch_time: Duration,
    mut subject: impl FnMut(),
    mut limit: impl FnMut(),
) -> Paired {
    // Warm-up, then a batch size from the slower of the two.
    for _ in 0..3 {
        subject();
        limit();
    }
    let one = time_batch(Clock::Wall, 3, &mut subject).max(time_batch(Clock::Wall, 3, &mut limit)) / 3;
    let batch = (batch_time.as_nanos() / one.as_nanos().max(1)).clamp(1, 100_000) as usize;
    let (mut subjects, mut limits, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let (s, l) = if round % 2 == 0 {
            let s = time_batch(clock, batch, &mut subject);
            (s, time_batch(clock, batch, &mut limit))
        } else {
            let l = time_batch(clock, batch, &mut limit);
            (time_batch(clock, batch, &mut subject), l)
        };
        subjects.push(s / batch as u32);
        limits.push(l / batch as u32);
        ratios.push(s.as_secs_f64() / l.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    Paired {
        subject: median_duration(subjects),
        limit: median_duration(limits),
        ratio: quantile(&ratios, 0.5),
        ratio_q1: quantile(&ratios, 0.25),
        ratio_q3: quantile(&ratios, 0.75),
        rounds: rounds.max(1),
        batch,
    }
}

/// Times `f` `rounds` times (after one warm-up call) and returns the median.
pub fn median_time(rounds: usize, mut f: impl FnMut()) -> Duration {
    f();
    let times: Vec<Duration> = (0..rounds.max(1)).map(|_| time_batch(Clock::Wall, 1, &mut f)).collect();
    median_duration(times)
}

/// A duration for a table: µs below 1 ms, ms above.
pub fn show(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros < 1_000.0 {
        format!("{micros:.1} µs")
    } else {
        format!("{:.2} ms", micros / 1000.0)
    }
}

/// The table header for paired rows.
pub fn paired_header() {
    println!("| measurement | subject | limit | subject time | limit time | ratio (median, IQR) | target |");
    println!("|---|---|---|---:|---:|---:|---|");
}

/// One paired row; `target` is the largest acceptable ratio, if any.
pub fn paired_row(measurement: &str, subject: &str, limit: &str, p: &Paired, target: Option<f64>) {
    let verdict = match target {
        Some(t) if p.ratio <= t => format!("≤ {t:.2}: met"),
        Some(t) => format!("≤ {t:.2}: MISSED"),
        None => "(context)".into(),
    };
    println!(
        "| {measurement} | {subject} | {limit} | {} | {} | {:.3} ({:.3}–{:.3}) | {verdict} |",
        show(p.subject),
        show(p.limit),
        p.ratio,
        p.ratio_q1,
        p.ratio_q3,
    );
}

/// Keeps a value from being optimised away.
pub fn keep<T>(value: T) {
    drop(black_box(value));
}

/// Minor page faults of this process so far (Linux; 0 elsewhere).
pub fn minor_faults() -> u64 {
    // `/proc/self/stat`: the 10th field, counting from the pid; the command name (2nd) is in
    // parentheses and may hold spaces, so fields are counted after its closing one.
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(7)?.parse().ok()))
        .unwrap_or(0)
}

/// Page faults per call of `f`, over `calls` calls.
pub fn faults_per_call(calls: usize, mut f: impl FnMut()) -> f64 {
    f();
    let before = minor_faults();
    for _ in 0..calls {
        f();
    }
    (minor_faults() - before) as f64 / calls as f64
}

/// glibc's allocator, as a process finds it: blocks of 128 KiB and more come from `mmap`, and
/// free memory above 128 KiB at the top of the heap goes back to the kernel. The first time a
/// process frees a block that came from `mmap`, glibc raises both thresholds to that block's
/// size (and twice it); until then, a program that allocates and frees a few hundred KiB at the
/// top of its heap gives the pages back and faults them in again each time. Which one a process
/// is in depends on its history; these fix one or the other, so that figures do not.
const GLIBC_INITIAL: (i32, i32) = (128 << 10, 128 << 10);
const GLIBC_SETTLED: (i32, i32) = (4 << 20, 8 << 20);

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn glibc_thresholds((mmap, trim): (i32, i32)) -> bool {
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_MMAP_THRESHOLD: i32 = -3;
    // SAFETY: `mallopt` takes two integers and only changes allocator tunables.
    unsafe { mallopt(M_MMAP_THRESHOLD, mmap) == 1 && mallopt(M_TRIM_THRESHOLD, trim) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn glibc_thresholds(_: (i32, i32)) -> bool {
    false
}

/// Fixes glibc's thresholds at their initial values (see [`GLIBC_INITIAL`]); false if the
/// allocator is not glibc's.
pub fn allocator_as_started() -> bool {
    glibc_thresholds(GLIBC_INITIAL)
}

/// Fixes glibc's thresholds where a process that once freed a 4 MiB block has them (see
/// [`GLIBC_INITIAL`]); false if the allocator is not glibc's.
pub fn allocator_settled() -> bool {
    glibc_thresholds(GLIBC_SETTLED)
}
