//! Waiters: an operation sent again and again until one field of its response holds a value
//! that means done, what a spec's `x-waiters` becomes (`.wait_until_finished()`). The loop is
//! written once here; an operation adds only its rule, a few constants.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::client::{RequestOptions, Transport};
use super::error::Error;
use super::request::Request;
use super::BoxFuture;

/// What one waiter watches and for how long, from the spec.
#[doc(hidden)]
#[derive(Debug)]
pub struct WaitRule {
    /// The operation.
    pub operation: &'static str,
    /// The waiter's name in the spec (`finished`).
    pub name: &'static str,
    /// The watched field, a JSON pointer into the response body.
    pub field: &'static str,
    /// The values that end the wait with the response.
    pub success: &'static [&'static str],
    /// The values that end the wait with [`WaitError::Failed`].
    pub failure: &'static [&'static str],
    /// The values that mean "keep waiting"; when listed, any other value ends the wait with
    /// [`WaitError::Unexpected`]. Empty: every other value, and an absent field, keep waiting.
    pub pending: &'static [&'static str],
    /// The default first wait between two polls.
    pub delay: Duration,
    /// The default longest wait between two polls.
    pub max_delay: Duration,
    /// The default time the whole wait may take.
    pub budget: Duration,
}

/// What a value of the watched field means.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Done,
    Failed,
    Unexpected,
    Pending,
}

impl WaitRule {
    fn verdict(&self, value: Option<&str>) -> Verdict {
        let listed = |list: &[&str]| value.is_some_and(|v| list.contains(&v));
        if listed(self.success) {
            Verdict::Done
        } else if listed(self.failure) {
            Verdict::Failed
        } else if self.pending.is_empty() || listed(self.pending) {
            Verdict::Pending
        } else {
            Verdict::Unexpected
        }
    }
}

/// A wait in progress: `.await` it for the response that ended it. The request is sent at
/// once, then again after a delay that doubles up to a maximum (each wait drawn at random from
/// its upper half, so that many waiters do not poll in step), until the watched field holds a
/// value that ends the wait or the budget is spent. Each request has the client's own retries.
#[must_use = "a waiter does nothing until it is awaited"]
pub struct Waiter<T> {
    transport: Transport,
    request: Result<Request, Error>,
    options: RequestOptions,
    rule: &'static WaitRule,
    delay: Duration,
    max_delay: Duration,
    budget: Duration,
    output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Waiter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiter")
            .field("operation", &self.rule.operation)
            .field("waiter", &self.rule.name)
            .field("delay", &self.delay)
            .field("max_delay", &self.max_delay)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl<T> Waiter<T> {
    /// A wait for `rule` on `request`, with the rule's delays and budget.
    #[doc(hidden)]
    pub fn new(
        transport: &Transport,
        request: Result<Request, Error>,
        options: RequestOptions,
        rule: &'static WaitRule,
    ) -> Self {
        Waiter {
            transport: transport.clone(),
            request,
            options,
            rule,
            delay: rule.delay,
            max_delay: rule.max_delay,
            budget: rule.budget,
            output: PhantomData,
        }
    }

    /// The first wait between two polls; each next one doubles, up to
    /// [`max_delay`](Self::max_delay) (raised to this if it is shorter).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self.max_delay = self.max_delay.max(delay);
        self
    }

    /// The longest wait between two polls (the first wait is lowered to it if it is longer).
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self.delay = self.delay.min(max_delay);
        self
    }

    /// How long the whole wait may take before it ends with [`WaitError::TimedOut`]. The last
    /// poll is made when it runs out, not skipped.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> Waiter<T> {
    async fn run(self) -> Result<T, WaitError<T>> {
        let Waiter { transport, request, options, rule, delay, max_delay, budget, .. } = self;
        let request = request?;
        let start = Instant::now();
        let mut polls = 0;
        loop {
            polls += 1;
            let mut raw = transport.clone().execute_owned(Ok(request.clone()), options.clone()).await?;
            let value = raw.text_at(rule.field);
            let verdict = rule.verdict(value.as_deref());
            let last: T = raw.json()?;
            let elapsed = start.elapsed();
            let left = budget.saturating_sub(elapsed);
            let seen = Waited { waiter: rule.name, field: rule.field, value, last, polls, elapsed };
            match verdict {
                Verdict::Done => return Ok(seen.last),
                Verdict::Failed => return Err(WaitError::Failed(Box::new(seen))),
                Verdict::Unexpected => return Err(WaitError::Unexpected(Box::new(seen))),
                Verdict::Pending if left.is_zero() => return Err(WaitError::TimedOut(Box::new(seen))),
                Verdict::Pending => {}
            }
            Box::pin(tokio::time::sleep(pause(delay, max_delay, polls).min(left))).await;
        }
    }
}

/// The wait after `polls` polls: `delay` doubled per poll made, at most `max_delay`, drawn from
/// the upper half of that.
fn pause(delay: Duration, max_delay: Duration, polls: u32) -> Duration {
    let ceiling = delay.saturating_mul(1u32 << polls.saturating_sub(1).min(20)).min(max_delay);
    let micros = u64::try_from(ceiling.as_micros() / 2).unwrap_or(u64::MAX / 2);
    ceiling.saturating_sub(Duration::from_micros(super::execute::random_u64() % micros.saturating_add(1)))
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Waiter<T> {
    type Output = Result<T, WaitError<T>>;
    type IntoFuture = BoxFuture<Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// What a wait saw last: the response that ended it, and the watched field's value in it.
#[non_exhaustive]
pub struct Waited<T> {
    /// The waiter's name in the spec (`finished`).
    pub waiter: &'static str,
    /// The watched field, a JSON pointer into the response body (`/state`).
    pub field: &'static str,
    /// The field's value in the last response (a string as it is, a number or boolean as
    /// written); `None` when it was absent or `null`.
    pub value: Option<String>,
    /// The last response.
    pub last: T,
    /// How many times the request was sent.
    pub polls: u32,
    /// How long the wait took.
    pub elapsed: Duration,
}

/// Why a wait ended without the value it waited for.
#[non_exhaustive]
pub enum WaitError<T> {
    /// The field holds a value that means the wait failed (a build `failed` while waiting for
    /// it to pass).
    Failed(Box<Waited<T>>),
    /// The field holds a value the waiter does not expect (it lists the values that mean
    /// "keep waiting", and this is none of them).
    Unexpected(Box<Waited<T>>),
    /// The budget ran out while the field still said to keep waiting.
    TimedOut(Box<Waited<T>>),
    /// A request failed (after the client's retries), or its response could not be read.
    Request(Error),
}

impl<T> WaitError<T> {
    /// What the wait saw last, unless a request failed.
    pub fn waited(&self) -> Option<&Waited<T>> {
        match self {
            WaitError::Failed(w) | WaitError::Unexpected(w) | WaitError::TimedOut(w) => Some(w),
            WaitError::Request(_) => None,
        }
    }

    /// The last response, unless a request failed.
    pub fn into_last(self) -> Option<T> {
        match self {
            WaitError::Failed(w) | WaitError::Unexpected(w) | WaitError::TimedOut(w) => Some(w.last),
            WaitError::Request(_) => None,
        }
    }
}

impl<T> From<Error> for WaitError<T> {
    fn from(error: Error) -> Self {
        WaitError::Request(error)
    }
}

impl<T> std::fmt::Display for WaitError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, w) = match self {
            WaitError::Request(e) => return write!(f, "waiting failed: {e}"),
            WaitError::Failed(w) => ("failed", w),
            WaitError::Unexpected(w) => ("stopped at an unexpected value", w),
            WaitError::TimedOut(w) => ("timed out", w),
        };
        let value = w.value.as_deref().map_or_else(|| "absent".to_string(), |v| format!("`{}`", v.escape_debug()));
        write!(
            f,
            "waiting until {} {what}: {} is {value} after {} polls in {:.1?}",
            w.waiter, w.field, w.polls, w.elapsed
        )
    }
}

/// One short line: the last response is left out (it may be large); [`WaitError::waited`]
/// has it.
impl<T> std::fmt::Debug for WaitError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitError::Request(e) => f.debug_tuple("Request").field(e).finish(),
            WaitError::Failed(w) | WaitError::Unexpected(w) | WaitError::TimedOut(w) => {
                let kind = match self {
                    WaitError::Failed(_) => "Failed",
                    WaitError::Unexpected(_) => "Unexpected",
                    _ => "TimedOut",
                };
                f.debug_struct(kind)
                    .field("waiter", &w.waiter)
                    .field("field", &w.field)
                    .field("value", &w.value)
                    .field("polls", &w.polls)
                    .field("elapsed", &w.elapsed)
                    .finish_non_exhaustive()
            }
        }
    }
}

impl<T> std::error::Error for WaitError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RULE: WaitRule = WaitRule {
        operation: "getBuild",
        name: "finished",
        field: "/state",
        success: &["passed"],
        failure: &["failed"],
        pending: &[],
        delay: Duration::from_secs(5),
        max_delay: Duration::from_secs(60),
        budget: Duration::from_secs(3600),
    };

    #[test]
    fn a_value_is_done_failed_or_pending_and_unlisted_ones_wait_unless_pending_is_listed() {
        assert_eq!(RULE.verdict(Some("passed")), Verdict::Done);
        assert_eq!(RULE.verdict(Some("failed")), Verdict::Failed);
        assert_eq!(RULE.verdict(Some("running")), Verdict::Pending);
        assert_eq!(RULE.verdict(None), Verdict::Pending);
        let strict = WaitRule { pending: &["running"], ..RULE };
        assert_eq!(strict.verdict(Some("running")), Verdict::Pending);
        assert_eq!(strict.verdict(Some("sideways")), Verdict::Unexpected);
        assert_eq!(strict.verdict(None), Verdict::Unexpected);
    }

    #[test]
    fn pauses_double_to_the_maximum_and_are_drawn_from_the_upper_half() {
        let (delay, max) = (Duration::from_secs(4), Duration::from_secs(30));
        for (polls, ceiling) in [(1, 4), (2, 8), (3, 16), (4, 30), (40, 30)] {
            let ceiling = Duration::from_secs(ceiling);
            let pauses: Vec<_> = (0..200).map(|_| pause(delay, max, polls)).collect();
            assert!(pauses.iter().all(|p| *p <= ceiling && *p >= ceiling / 2), "{polls}: {pauses:?}");
            assert!(pauses.iter().any(|p| *p != pauses[0]), "jittered");
        }
        assert_eq!(pause(Duration::ZERO, Duration::ZERO, 3), Duration::ZERO);
    }
}
